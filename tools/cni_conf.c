// SPDX-License-Identifier: GPL-2.0
/*
 * meshredir-cni's configuration of a pod, without the Kubernetes API: the
 * network configuration on stdin, and the pod's annotations that
 * containerd and CRI-O pass to a plugin declaring the
 * io.kubernetes.cri.pod-annotations capability. Kuma marks a meshed pod
 * with kuma.io/sidecar-injected: "true" and writes its whole
 * transparent-proxy configuration as YAML into
 * traffic.kuma.io/transparent-proxy-config, which kuma-cni applies alone;
 * so does this. A pod with no such annotation is configured, as kuma-cni
 * configured pods before that annotation existed, from the per-field
 * annotations, over the network configuration's "transparentProxy" (Kuma's
 * fields, the schema of meshredir apply). Each annotation's value goes
 * through kuma.c's reader, as a small YAML document naming its field, so
 * that a value means here what it means in a Kuma file.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cni_conf.h"
#include "kuma.h"
#include "resolv.h"
#include "parse.h"
#include "util.h"

static const char *const versions[] = { "0.4.0", "1.0.0" };

/* How an annotation's value becomes Kuma's field. */
enum how {
	AS_VALUE,	/* the value itself */
	AS_LIST_COMMA,	/* a list, split at ',' */
	AS_LIST_SEMI,	/* a list, split at ';' */
	AS_BOOL,	/* true, yes, false, no: Kuma's GetBoolean */
	AS_ENABLED,	/* those, enabled and disabled: GetEnabled */
	AS_GATEWAY,	/* enabled: no inbound redirection */
};

/* The annotations kuma-cni honoured field by field, in Kuma's names. */
static const struct {
	const char *key;
	const char *field;
	enum how how;
} per_field[] = {
	{ "kuma.io/sidecar-uid", "kumaDPUser", AS_VALUE },
	{ "kuma.io/transparent-proxying-ip-family-mode", "ipFamilyMode", AS_VALUE },
	{ "kuma.io/transparent-proxying-inbound-port", "redirect.inbound.port", AS_VALUE },
	{ "kuma.io/transparent-proxying-outbound-port", "redirect.outbound.port", AS_VALUE },
	{ "traffic.kuma.io/exclude-inbound-ports", "redirect.inbound.excludePorts", AS_VALUE },
	{ "traffic.kuma.io/exclude-outbound-ports", "redirect.outbound.excludePorts", AS_VALUE },
	{ "traffic.kuma.io/exclude-inbound-ips", "redirect.inbound.excludePortsForIPs",
	  AS_LIST_COMMA },
	{ "traffic.kuma.io/exclude-outbound-ips", "redirect.outbound.excludePortsForIPs",
	  AS_LIST_COMMA },
	{ "traffic.kuma.io/exclude-outbound-ports-for-uids",
	  "redirect.outbound.excludePortsForUIDs", AS_LIST_SEMI },
	{ "traffic.kuma.io/drop-invalid-packets", "dropInvalidPackets", AS_BOOL },
	{ "traffic.kuma.io/iptables-logs", "log.enabled", AS_BOOL },
	{ "kuma.io/builtin-dns", "redirect.dns.enabled", AS_ENABLED },
	{ "kuma.io/builtin-dns-port", "redirect.dns.port", AS_VALUE },
	{ "kuma.io/gateway", "redirect.inbound.enabled", AS_GATEWAY },
};

static int cni_fail(struct cni_error *e, int code, const char *msg, const char *details)
{
	e->code = code;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
	snprintf(e->details, sizeof(e->details), "%s", details);
	return -1;
}

static bool string_member(struct json obj, const char *name, char *buf, size_t len,
			  bool *bad)
{
	struct json v;
	char *s;

	*bad = false;
	if (!json_get(obj, name, &v))
		return false;
	if (json_type(v) != JSON_STRING) {
		*bad = true;
		return false;
	}
	s = json_string(v, NULL);
	snprintf(buf, len, "%s", s);
	free(s);
	return true;
}

int cni_conf_parse(const char *text, size_t len, struct cni_conf *c, struct cni_error *e)
{
	struct json root = { text, len }, rc, ann, k, v;
	struct json_iter it = { 0 };
	char err[MR_ERR_LEN], buf[2 * MR_ERR_LEN];
	size_t i;
	bool bad;

	memset(c, 0, sizeof(*c));
	if (json_check(text, len, err, sizeof(err))) {
		snprintf(buf, sizeof(buf), "the network configuration on stdin: %s", err);
		return cni_fail(e, CNI_ERR_DECODE, "cannot decode the network configuration", buf);
	}
	root = json_trim(root);
	if (json_type(root) != JSON_OBJECT)
		return cni_fail(e, CNI_ERR_DECODE, "cannot decode the network configuration",
				"the network configuration on stdin is not a JSON object");
	c->root = root;
	if (!string_member(root, "cniVersion", c->version, sizeof(c->version), &bad))
		return cni_fail(e, CNI_ERR_INVALID_CONFIG, "invalid network configuration: cniVersion",
				"cniVersion: a string, such as \"1.0.0\", is needed");
	for (i = 0; i < ARRAY_SIZE(versions); i++)
		if (!strcmp(c->version, versions[i]))
			break;
	if (i == ARRAY_SIZE(versions)) {
		snprintf(buf, sizeof(buf), "cniVersion: \"%s\" is not 0.4.0 or 1.0.0", c->version);
		return cni_fail(e, CNI_ERR_VERSION, "incompatible CNI version", buf);
	}
	string_member(root, "name", c->name, sizeof(c->name), &bad);
	if (bad)
		return cni_fail(e, CNI_ERR_INVALID_CONFIG, "invalid network configuration: name",
				"name: expected a string");
	if (json_get(root, "prevResult", &c->prev) && json_type(c->prev) != JSON_OBJECT)
		return cni_fail(e, CNI_ERR_INVALID_CONFIG, "invalid network configuration: prevResult",
				"prevResult: expected an object, the result of the plugin before");
	if (json_get(root, "transparentProxy", &c->tp) && json_type(c->tp) != JSON_OBJECT &&
	    json_type(c->tp) != JSON_NULL)
		return cni_fail(e, CNI_ERR_INVALID_CONFIG,
				"invalid network configuration: transparentProxy",
				"transparentProxy: expected an object of Kuma's transparent-proxy fields");
	if (json_type(c->tp) == JSON_NULL)
		c->tp.len = 0;
	if (json_get(root, CNI_WITHOUT_ANNOTATIONS, &v)) {
		if (json_type(v) != JSON_BOOL)
			return cni_fail(e, CNI_ERR_INVALID_CONFIG,
					"invalid network configuration: " CNI_WITHOUT_ANNOTATIONS,
					CNI_WITHOUT_ANNOTATIONS ": expected true or false");
		c->without_annotations = v.p[0] == 't';
	}
	if (!json_get(root, "runtimeConfig", &rc) ||
	    !json_get(rc, CNI_ANNOTATIONS_CAP, &ann) || json_type(ann) == JSON_NULL)
		return 0;
	if (json_type(ann) != JSON_OBJECT)
		return cni_fail(e, CNI_ERR_INVALID_CONFIG,
				"invalid network configuration: runtimeConfig." CNI_ANNOTATIONS_CAP,
				"runtimeConfig." CNI_ANNOTATIONS_CAP ": expected an object of the pod's annotations");
	while (json_next(ann, &it, &k, &v))
		if (json_type(v) != JSON_STRING) {
			char *key = json_string(k, NULL);

			snprintf(buf, sizeof(buf), "runtimeConfig." CNI_ANNOTATIONS_CAP ": annotation \"%s\": expected a string",
				 key);
			free(key);
			return cni_fail(e, CNI_ERR_INVALID_CONFIG,
					"invalid network configuration: runtimeConfig." CNI_ANNOTATIONS_CAP,
					buf);
		}
	c->annotations = ann;
	return 0;
}

char *cni_annotation(const struct cni_conf *c, const char *key)
{
	struct json v;

	if (!c->annotations.len || !json_get(c->annotations, key, &v))
		return NULL;
	return json_string(v, NULL);
}

bool cni_is_kuma_pod(const struct cni_conf *c)
{
	char *v;
	bool yes;

	/* A runtime without the capability (podman) says nothing of the pod. */
	if (!c->annotations.len)
		return c->without_annotations;
	v = cni_annotation(c, CNI_SIDECAR_INJECTED);
	yes = v && !strcmp(v, "true");

	free(v);
	return yes;
}

/* A YAML double-quoted scalar of s: JSON's escapes are YAML's too. */
static void put_scalar(FILE *f, const char *s, size_t n)
{
	char *t = strndup(s, n);

	json_put_string(f, t ? t : "");
	free(t);
}

/*
 * "redirect.outbound.port" and a value: {redirect: {outbound: {port: V}}},
 * V quoted, or a list of its pieces, or the boolean a word of Kuma's means.
 */
static char *snippet(const char *field, const char *value, enum how how, char *err,
		     size_t errlen)
{
	static const char *const yes[] = { "true", "yes", "enabled" };
	static const char *const no[] = { "false", "no", "disabled" };
	const char *p, *dot, *piece;
	size_t len, i, words = how == AS_BOOL ? 2 : 3;
	int depth = 0, b = -1;
	char sep, *out;
	FILE *f;

	if (how == AS_BOOL || how == AS_ENABLED || how == AS_GATEWAY) {
		for (i = 0; i < words; i++) {
			if (!strcmp(value, yes[i]))
				b = 1;
			if (!strcmp(value, no[i]))
				b = 0;
		}
		if (b < 0) {
			fail(err, errlen, "%s: \"%s\" is not %s", field, value,
			     how == AS_BOOL ? "true, yes, false or no" :
			     "enabled, true, yes, disabled, false or no");
			return NULL;
		}
		/* A gateway has no inbound redirection; not one: nothing said. */
		if (how == AS_GATEWAY && !b)
			return strdup("{}");
		if (how == AS_GATEWAY)
			b = 0;
	}
	f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	for (p = field; (dot = strchr(p, '.')); p = dot + 1, depth++)
		fprintf(f, "{%.*s: ", (int)(dot - p), p);
	fprintf(f, "{%s: ", p);
	if (b >= 0) {
		fputs(b ? "true" : "false", f);
	} else if (how == AS_VALUE) {
		put_scalar(f, value, strlen(value));
	} else {
		sep = how == AS_LIST_COMMA ? ',' : ';';
		fputc('[', f);
		for (piece = value; ; piece = p + 1) {
			p = strchr(piece, sep);
			if (!p)
				p = piece + strlen(piece);
			if (piece != value)
				fputs(", ", f);
			put_scalar(f, piece, p - piece);
			if (!*p)
				break;
		}
		fputc(']', f);
	}
	for (depth++; depth > 0; depth--)
		fputc('}', f);
	fputc('\n', f);
	fclose(f);
	return out;
}

/* kuma.c's "NAME:LINE: FIELD: why" as details, and a msg naming NAME and FIELD. */
static int annotation_error(struct cni_error *e, int code, const char *what, const char *err,
			    bool one_line)
{
	const char *rest = err, *colon;
	char field[128] = "";

	/* A one-line snippet's line number says nothing. */
	if (one_line && !strncmp(err, what, strlen(what)) && !strncmp(err + strlen(what), ":1: ", 4))
		rest = err + strlen(what) + 4;
	else if ((colon = strstr(err + strlen(what), ": ")))
		rest = colon + 2;
	colon = strstr(rest, ": ");
	if (colon && !memchr(rest, ' ', colon - rest) && colon > rest)
		snprintf(field, sizeof(field), " (field %.*s)", (int)(colon - rest), rest);
	e->code = code;
	snprintf(e->msg, sizeof(e->msg), "invalid %s%s", what, field);
	if (one_line)
		snprintf(e->details, sizeof(e->details), "%s: %s", what, rest);
	else
		snprintf(e->details, sizeof(e->details), "%s", err);
	return -1;
}

int cni_build_config(const struct cni_conf *c, struct tool_config *cfg, struct cni_error *e)
{
	char err[MR_ERR_LEN], what[160];
	struct kuma_extra x;
	uint16_t probe = 0;
	char *whole, *v, *y;
	size_t i;
	int ret = -1;

	config_init(cfg);
	kuma_extra_init(&x);
	whole = cni_annotation(c, CNI_TP_CONFIG);
	if (whole && *whole) {
		snprintf(what, sizeof(what), "pod annotation %s", CNI_TP_CONFIG);
		if (kuma_parse(what, whole, strlen(whole), cfg, &x, err, sizeof(err))) {
			annotation_error(e, CNI_ERR_ANNOTATION, what, err, false);
			goto out;
		}
		goto finish;
	}
	if (c->tp.len) {
		snprintf(what, sizeof(what), "network configuration transparentProxy");
		if (kuma_parse(what, c->tp.p, c->tp.len, cfg, &x, err, sizeof(err))) {
			annotation_error(e, CNI_ERR_INVALID_CONFIG, what, err, false);
			goto out;
		}
	}
	for (i = 0; i < ARRAY_SIZE(per_field); i++) {
		v = cni_annotation(c, per_field[i].key);
		if (!v)
			continue;
		snprintf(what, sizeof(what), "pod annotation %s", per_field[i].key);
		y = snippet(per_field[i].field, v, per_field[i].how, err, sizeof(err));
		free(v);
		if (!y) {
			cni_fail(e, CNI_ERR_ANNOTATION, "", "");
			snprintf(e->msg, sizeof(e->msg), "invalid %s (field %s)", what,
				 per_field[i].field);
			snprintf(e->details, sizeof(e->details), "%s: %s", what, err);
			goto out;
		}
		if (kuma_parse(what, y, strlen(y), cfg, &x, err, sizeof(err))) {
			free(y);
			annotation_error(e, CNI_ERR_ANNOTATION, what, err, true);
			goto out;
		}
		free(y);
	}
	/* Kuma's application probe proxy listens inbound; it is never redirected. */
	v = cni_annotation(c, CNI_PROBE_PORT);
	if (v && strcmp(v, "0")) {
		snprintf(what, sizeof(what), "pod annotation %s", CNI_PROBE_PORT);
		if (parse_port(what, v, &probe, err, sizeof(err))) {
			free(v);
			cni_fail(e, CNI_ERR_ANNOTATION, "", err);
			snprintf(e->msg, sizeof(e->msg), "invalid %s", what);
			goto out;
		}
		range_list_add(&cfg->inbound.exclude_ports, probe, probe);
	}
	free(v);
finish:
	/* Where the plugin runs, on the node, as Kuma's plugin reads it. */
	if (dns_load_servers(cfg, "redirect.dns", x.resolv_conf, err, sizeof(err))) {
		cni_fail(e, CNI_ERR_IO, "cannot read the name servers DNS capture is limited to",
			 err);
		goto out;
	}
	if (config_finish(cfg, x.kuma_dp_uid, true, err, sizeof(err))) {
		cni_fail(e, CNI_ERR_ANNOTATION, "the pod's transparent-proxy configuration is over a limit",
			 err);
		goto out;
	}
	ret = 0;
out:
	free(whole);
	return ret;
}

void cni_write_error(FILE *f, const char *version, const struct cni_error *e)
{
	fputs("{\n  \"cniVersion\": ", f);
	json_put_string(f, version && *version ? version : "1.0.0");
	fprintf(f, ",\n  \"code\": %d,\n  \"msg\": ", e->code);
	json_put_string(f, e->msg);
	if (e->details[0]) {
		fputs(",\n  \"details\": ", f);
		json_put_string(f, e->details);
	}
	fputs("\n}\n", f);
}

void cni_write_result(FILE *f, const struct cni_conf *c)
{
	if (c->prev.len) {
		fwrite(c->prev.p, 1, c->prev.len, f);
		fputc('\n', f);
		return;
	}
	fputs("{\"cniVersion\": ", f);
	json_put_string(f, c->version);
	fputs("}\n", f);
}

void cni_write_versions(FILE *f)
{
	size_t i;

	fputs("{\"cniVersion\": \"1.0.0\", \"supportedVersions\": [", f);
	for (i = 0; i < ARRAY_SIZE(versions); i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", versions[i]);
	fputs("]}\n", f);
}
