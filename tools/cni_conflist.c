// SPDX-License-Identifier: GPL-2.0
/*
 * The text edits of install and uninstall, pure: the plugin's entry put
 * into a .conflist's "plugins" or taken out, everything else byte for
 * byte, and a single-plugin .conf turned into a list as kuma-cni's
 * installer turns it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cni_conf.h"
#include "cni_conflist.h"

char *cni_plugin_entry(const char *tp_json)
{
	char *out = NULL;

	if (asprintf(&out, "{\"type\": \"" PLUGIN_TYPE "\", \"capabilities\": {\"" CNI_ANNOTATIONS_CAP "\": true}%s%s}",
		     tp_json ? ", \"transparentProxy\": " : "", tp_json ? tp_json : "") < 0)
		return NULL;
	return out;
}

/* Whether an item of "plugins" is this plugin's entry. */
static bool is_ours(struct json item)
{
	struct json t;
	char *s;
	bool yes;

	if (json_type(item) != JSON_OBJECT || !json_get(item, "type", &t) ||
	    json_type(t) != JSON_STRING)
		return false;
	s = json_string(t, NULL);
	yes = !strcmp(s, PLUGIN_TYPE);
	free(s);
	return yes;
}

/* The "plugins" array of a checked conflist text. */
static int plugins_of(const char *text, size_t len, struct json *plugins, char *err,
		      size_t errlen)
{
	struct json root = { text, len };

	if (json_check(text, len, err, errlen))
		return -1;
	root = json_trim(root);
	if (!json_get(root, "plugins", plugins) || json_type(*plugins) != JSON_ARRAY)
		return fail(err, errlen, "no \"plugins\" list: not a .conflist");
	return 0;
}

static char *text_splice(const char *text, size_t len, size_t from, size_t to, const char *with)
{
	size_t wl = strlen(with), n = from + wl + (len - to);
	char *out = xrealloc(NULL, n + 1, 1);

	memcpy(out, text, from);
	memcpy(out + from, with, wl);
	memcpy(out + from + wl, text + to, len - to);
	out[n] = '\0';
	return out;
}

int conflist_insert(const char *text, size_t len, const char *entry, char **out,
		    char *err, size_t errlen)
{
	struct json plugins, v, last = { NULL, 0 };
	struct json_iter it = { 0 };
	const char *line;
	char *with;
	int n;

	*out = NULL;
	if (plugins_of(text, len, &plugins, err, errlen))
		return -1;
	while (json_next(plugins, &it, NULL, &v)) {
		if (is_ours(v)) {
			if (v.len == strlen(entry) && !memcmp(v.p, entry, v.len))
				return 1;
			*out = text_splice(text, len, v.p - text, v.p + v.len - text, entry);
			return 0;
		}
		last = v;
	}
	if (!last.p) {
		*out = text_splice(text, len, plugins.p + 1 - text, plugins.p + 1 - text, entry);
		return 0;
	}
	/* After the last plugin, indented as it is. */
	for (line = last.p; line > text && line[-1] != '\n'; line--)
		;
	n = strspn(line, " \t");
	if (line == text || line + n != last.p)
		n = -1;
	if ((n < 0 ? asprintf(&with, ", %s", entry) :
		     asprintf(&with, ",\n%.*s%s", n, line, entry)) < 0)
		return fail(err, errlen, "out of memory");
	*out = text_splice(text, len, last.p + last.len - text, last.p + last.len - text, with);
	free(with);
	return 0;
}

int conflist_remove(const char *text, size_t len, char **out, char *err, size_t errlen)
{
	struct json plugins, v, prev = { NULL, 0 }, next;
	struct json_iter it = { 0 };
	const char *from, *to;

	*out = NULL;
	if (plugins_of(text, len, &plugins, err, errlen))
		return -1;
	while (json_next(plugins, &it, NULL, &v)) {
		if (!is_ours(v)) {
			prev = v;
			continue;
		}
		if (prev.p) {
			/* From the end of the plugin before: its comma goes too. */
			from = prev.p + prev.len;
			to = v.p + v.len;
		} else if (json_next(plugins, &it, NULL, &next)) {
			from = v.p;
			to = next.p;
		} else {
			from = v.p;
			to = v.p + v.len;
		}
		*out = text_splice(text, len, from - text, to - text, "");
		return 0;
	}
	return 1;
}

int conf_to_conflist(const char *text, size_t len, char **out, char *err, size_t errlen)
{
	struct json root = { text, len }, v;
	char *name, *version = NULL;
	const char *p;
	size_t n;
	FILE *f;

	*out = NULL;
	if (json_check(text, len, err, errlen))
		return -1;
	root = json_trim(root);
	if (json_type(root) != JSON_OBJECT)
		return fail(err, errlen, "not a JSON object");
	if (json_get(root, "plugins", &v))
		return 1;
	if (!json_get(root, "type", &v) || json_type(v) != JSON_STRING)
		return fail(err, errlen,
			    "neither \"type\" (a single plugin) nor \"plugins\" (a list)");
	if (!json_get(root, "name", &v) || json_type(v) != JSON_STRING)
		return fail(err, errlen, "no \"name\": the network needs one to become a list");
	name = json_string(v, NULL);
	if (json_get(root, "cniVersion", &v) && json_type(v) == JSON_STRING)
		version = json_string(v, NULL);
	f = open_memstream(out, &n);
	if (!f) {
		free(name);
		free(version);
		return fail(err, errlen, "out of memory");
	}
	fputs("{\n", f);
	if (version) {
		fputs("  \"cniVersion\": ", f);
		json_put_string(f, version);
		fputs(",\n", f);
	}
	fputs("  \"name\": ", f);
	json_put_string(f, name);
	fputs(",\n  \"plugins\": [\n    ", f);
	/* Indented a level deeper; a JSON string holds no raw newline. */
	for (p = root.p; p < root.p + root.len; p++) {
		fputc(*p, f);
		if (*p == '\n' && p[1] != '\n' && p[1] != '\r')
			fputs("    ", f);
	}
	fputs("\n  ]\n}\n", f);
	fclose(f);
	free(name);
	free(version);
	return 0;
}
