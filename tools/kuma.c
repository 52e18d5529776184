// SPDX-License-Identifier: GPL-2.0
/*
 * Kuma's transparent-proxy configuration, read with libyaml from one
 * table of its fields, the schema, which kuma_write.c writes from too;
 * and the DNS environment variables kumactl reads. Names, types and
 * defaults are Kuma's (pkg/transparentproxy/config of kumahq/kuma);
 * values go through the flags' own parsers (parse.c). kumactl ignores
 * unknown keys, so the "meshredir" mapping written for the owners Kuma
 * has no field for leaves a file kumactl still reads; meshredir,
 * stricter, refuses any field it does not know, and any that asks for
 * something it does not do unless the value asks for none of it. A null
 * value is the same as no value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "kuma_fields.h"
#include "parse.h"
#include "util.h"

#define PATH_LEN 256

#define F(k, kd, ...) { .key = k, .kind = kd, __VA_ARGS__ }
#define CFG(m) .where = IN_CFG, .off = offsetof(struct tool_config, m)
#define EXTRA(m) .where = IN_EXTRA, .off = offsetof(struct kuma_extra, m)
#define DIR(m) .where = IN_PARENT, .off = offsetof(struct dir_config, m)
#define DNS(m) .where = IN_PARENT, .off = offsetof(struct dns_config, m)
#define SUB(t) .sub = t, .nsub = ARRAY_SIZE(t)

static const struct field inbound_fields[] = {
	F("enabled", K_BOOL, DIR(enabled)),
	F("port", K_PORT, DIR(port)),
	F("includePorts", K_RANGES, DIR(include_ports), .rk = RANGE_PORT),
	F("excludePorts", K_RANGES, DIR(exclude_ports), .rk = RANGE_PORT),
	F("excludePortsForIPs", K_CIDRS, DIR(exclude_ips)),
	F("excludePortsForUIDs", K_EMPTY,
	  .why = "meshredir excludes ports by UID for outbound connections only"),
	F("insertRedirectInsteadOfAppend", K_SKIP_BOOL, .why = KUMA_WHY_IPTABLES),
};

static const struct field outbound_fields[] = {
	F("enabled", K_BOOL, DIR(enabled)),
	F("port", K_PORT, DIR(port)),
	F("includePorts", K_RANGES, DIR(include_ports), .rk = RANGE_PORT),
	F("excludePorts", K_RANGES, DIR(exclude_ports), .rk = RANGE_PORT),
	F("excludePortsForIPs", K_CIDRS, DIR(exclude_ips)),
	F("excludePortsForUIDs", K_UID_PORTS, DIR(exclude_ports_for_uids)),
	F("insertRedirectInsteadOfAppend", K_SKIP_BOOL, .why = KUMA_WHY_IPTABLES),
};

static const struct field dns_fields[] = {
	F("enabled", K_BOOL, DNS(enabled)),
	F("captureAll", K_BOOL, DNS(capture_all)),
	F("port", K_PORT, DNS(port)),
	F("skipConntrackZoneSplit", K_NOT_BOOL, DNS(zone_split)),
	F("resolvConfigPath", K_PATH, EXTRA(resolv_conf)),
};

static const struct field vnet_fields[] = {
	F("networks", K_VNETS, CFG(vnet)),
};

static const struct field redirect_fields[] = {
	F("inbound", K_MAP, CFG(inbound), SUB(inbound_fields)),
	F("outbound", K_MAP, CFG(outbound), SUB(outbound_fields)),
	F("dns", K_MAP, CFG(dns), SUB(dns_fields)),
	F("vnet", K_MAP, SUB(vnet_fields)),
};

static const struct field ebpf_fields[] = {
	F("enabled", K_FALSE, .why = "meshredir is a netfilter module, not Kuma's eBPF mode"),
	F("instanceIP", K_SKIP_STRING, .why = KUMA_WHY_EBPF),
	F("instanceIPEnvVarName", K_SKIP_STRING, .why = KUMA_WHY_EBPF),
	F("bpffsPath", K_SKIP_STRING, .why = KUMA_WHY_EBPF),
	F("cgroupPath", K_SKIP_STRING, .why = KUMA_WHY_EBPF),
	F("programsSourcePath", K_SKIP_STRING, .why = KUMA_WHY_EBPF),
	F("tcAttachIface", K_SKIP_STRING, .why = KUMA_WHY_EBPF),
};

/* Go's uint and uint16, as Kuma declares them. */
#define GO_UINT UINT64_MAX
#define GO_UINT16 UINT16_MAX

static const struct field retry_fields[] = {
	F("maxRetries", K_SKIP_UINT, .max = GO_UINT, .why = KUMA_WHY_IPTABLES),
	F("sleepBetweenRetries", K_SKIP_DURATION, .why = KUMA_WHY_IPTABLES),
};

static const struct field executables_fields[] = {
	F("iptables", K_SKIP_STRING, .why = KUMA_WHY_IPTABLES),
	F("iptables-save", K_SKIP_STRING, .why = KUMA_WHY_IPTABLES),
	F("iptables-restore", K_SKIP_STRING, .why = KUMA_WHY_IPTABLES),
	F("ip6tables", K_SKIP_STRING, .why = KUMA_WHY_IPTABLES),
	F("ip6tables-save", K_SKIP_STRING, .why = KUMA_WHY_IPTABLES),
	F("ip6tables-restore", K_SKIP_STRING, .why = KUMA_WHY_IPTABLES),
};

static const struct field log_fields[] = {
	F("enabled", K_SKIP_BOOL, .why = KUMA_WHY_IPTABLES),
	F("level", K_SKIP_UINT, .max = GO_UINT16, .why = KUMA_WHY_IPTABLES),
};

static const struct field comments_fields[] = {
	F("disabled", K_SKIP_BOOL, .why = KUMA_WHY_IPTABLES),
};

static const struct field meshredir_fields[] = {
	F("ownerUIDs", K_RANGES, CFG(owner_uids), .rk = RANGE_UID),
	F("ownerGIDs", K_RANGES, CFG(owner_gids), .rk = RANGE_GID),
	F("eventRate", K_EVENT_RATE, CFG(event_rate)),
};

/* The whole file, in the order kuma_write writes what it writes. */
const struct field kuma_root_fields[] = {
	F("kumaDPUser", K_USER, EXTRA(kuma_dp_uid)),
	F("ipFamilyMode", K_FAMILY, CFG(ip_family_mode)),
	F("redirect", K_MAP, SUB(redirect_fields)),
	F("ebpf", K_MAP, SUB(ebpf_fields)),
	F("retry", K_MAP, SUB(retry_fields)),
	F("iptablesExecutables", K_MAP, SUB(executables_fields)),
	F("log", K_MAP, SUB(log_fields)),
	F("comments", K_MAP, SUB(comments_fields)),
	F("wait", K_SKIP_UINT, .max = GO_UINT, .why = KUMA_WHY_IPTABLES),
	F("waitInterval", K_SKIP_UINT, .max = GO_UINT, .why = KUMA_WHY_IPTABLES),
	F("dropInvalidPackets", K_BOOL, CFG(drop_invalid)),
	F("storeFirewalld", K_SKIP_BOOL, .why = KUMA_WHY_IPTABLES),
	/* Set by Kuma in the annotation meshredir-cni reads: it changes no redirection. */
	F("cniMode", K_SKIP_BOOL, .why = KUMA_WHY_CNI),
	F("dryRun", K_OPTION, EXTRA(dry_run)),
	F("verbose", K_OPTION, EXTRA(verbose)),
	F("meshredir", K_MAP, SUB(meshredir_fields)),
};

const size_t kuma_root_nfields = ARRAY_SIZE(kuma_root_fields);

void kuma_extra_init(struct kuma_extra *x)
{
	x->kuma_dp_uid = MR_DEFAULT_KUMA_DP_UID;
	x->dry_run = false;
	x->verbose = false;
	snprintf(x->resolv_conf, sizeof(x->resolv_conf), "%s", KUMA_RESOLV_CONF);
	x->ignored.n = 0;
}

void kuma_note(struct kuma_notes *notes, const char *why, const char *what, ...)
{
	char text[sizeof(notes->at[0].what)];
	va_list ap;
	size_t i;

	va_start(ap, what);
	vsnprintf(text, sizeof(text), what, ap);
	va_end(ap);
	for (i = 0; i < notes->n; i++)
		if (!strcmp(notes->at[i].what, text))
			return;
	if (notes->n == KUMA_NOTES_MAX)
		return;
	memcpy(notes->at[i].what, text, sizeof(text));
	notes->at[i].why = why;
	notes->n++;
}

void kuma_notes_print(FILE *f, const struct kuma_notes *notes)
{
	size_t i;

	for (i = 0; i < notes->n; i++)
		fprintf(f, "meshredir: %s: ignored: %s\n", notes->at[i].what, notes->at[i].why);
}

/* ---- reading ---- */

struct reader {
	yaml_document_t *doc;
	const char *name;
	char *err;
	size_t errlen;
	struct tool_config *cfg;
	struct kuma_extra *x;
};

__attribute__((format(printf, 3, 4)))
static int y_fail(struct reader *y, const yaml_node_t *node, const char *fmt, ...)
{
	int n;
	va_list ap;

	n = snprintf(y->err, y->errlen, "%s:%zu: ", y->name, node->start_mark.line + 1);
	if (n >= 0 && (size_t)n < y->errlen) {
		va_start(ap, fmt);
		vsnprintf(y->err + n, y->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "a value";
	}
}

static const char *text_of(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* null, ~ or nothing: as if the field were not there, as in Kuma. */
static bool is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < ARRAY_SIZE(nulls); i++)
		if (!strcmp(text_of(n), nulls[i]))
			return true;
	return false;
}

static int scalar(struct reader *y, const yaml_node_t *n, const char *path, const char **out)
{
	if (n->type != YAML_SCALAR_NODE)
		return y_fail(y, n, "%s: expected a single value, found %s", path, node_kind(n));
	if (strlen(text_of(n)) != n->data.scalar.length)
		return y_fail(y, n, "%s: the value has a NUL character", path);
	*out = text_of(n);
	return 0;
}

/* One entry of a list field, or its lone value. */
static int item(struct reader *y, const yaml_node_t *n, const char *path, const char *value,
		const struct field *f, void *to)
{
	char e[MR_ERR_LEN];

	return kuma_list_add(path, f, value, to, e, sizeof(e)) ? y_fail(y, n, "%s", e) : 0;
}

/* A list field replaces the list; port and ID lists also take a lone value. */
static int list(struct reader *y, const yaml_node_t *n, const char *path,
		const struct field *f, void *to)
{
	yaml_node_item_t *i;
	const char *s;

	kuma_list_clear(f, to);
	if (n->type == YAML_SCALAR_NODE && f->kind == K_RANGES) {
		if (scalar(y, n, path, &s))
			return -1;
		return item(y, n, path, s, f, to);
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return y_fail(y, n, "%s: expected a list, found %s", path, node_kind(n));
	for (i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		yaml_node_t *e = yaml_document_get_node(y->doc, *i);

		if (scalar(y, e, path, &s) || item(y, e, path, s, f, to))
			return -1;
	}
	return 0;
}

static int map(struct reader *y, const yaml_node_t *n, const char *path,
	       const struct field *fields, size_t nfields, void *target);

static int read_field(struct reader *y, const yaml_node_t *n, const char *path,
		      const struct field *f, void *parent)
{
	void *to = at(f, y->cfg, y->x, parent);
	char e[MR_ERR_LEN];
	const char *s = NULL;
	int ret;

	switch (f->kind) {
	case K_MAP:
		return map(y, n, path, f->sub, f->nsub, to);
	case K_RANGES:
	case K_CIDRS:
	case K_UID_PORTS:
	case K_VNETS:
		return list(y, n, path, f, to);
	case K_EMPTY:
		if (n->type != YAML_SEQUENCE_NODE)
			return y_fail(y, n, "%s: expected a list, found %s", path, node_kind(n));
		if (n->data.sequence.items.top != n->data.sequence.items.start)
			return y_fail(y, n, "%s: not supported: %s (only an empty list is accepted)",
				      path, f->why);
		return 0;
	default:
		break;
	}
	if (scalar(y, n, path, &s))
		return -1;
	/* Numbers and durations as Kuma's JSON has them; the rest as every source. */
	if (f->kind == K_SKIP_UINT)
		ret = parse_uint(path, s, f->max, e, sizeof(e));
	else if (f->kind == K_SKIP_DURATION)
		ret = parse_kuma_duration(path, s, e, sizeof(e));
	else
		ret = kuma_value(path, f, s, to, e, sizeof(e));
	if (ret)
		return y_fail(y, n, "%s", e);
	/* A field checked and then ignored, for --verbose to name. */
	if (kuma_ignored(f->kind))
		kuma_note(&y->x->ignored, f->why, "%s: %s", y->name, path);
	return 0;
}

static int map(struct reader *y, const yaml_node_t *n, const char *path,
	       const struct field *fields, size_t nfields, void *target)
{
	yaml_node_pair_t *p, *q;
	char child[PATH_LEN];
	size_t i;

	if (n->type != YAML_MAPPING_NODE)
		return y_fail(y, n, "%s: expected a mapping, found %s", path, node_kind(n));
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		const char *key;

		if (k->type != YAML_SCALAR_NODE)
			return y_fail(y, k, "%s%sa field name must be a word, not %s", path,
				      *path ? ": " : "", node_kind(k));
		key = text_of(k);
		snprintf(child, sizeof(child), "%s%s%s", path, *path ? "." : "", key);
		for (q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *kq = yaml_document_get_node(y->doc, q->key);

			if (kq->type == YAML_SCALAR_NODE && !strcmp(text_of(kq), key))
				return y_fail(y, k, "%s: given twice (first on line %zu)", child,
					      kq->start_mark.line + 1);
		}
		for (i = 0; i < nfields; i++)
			if (!strcmp(fields[i].key, key))
				break;
		if (i == nfields)
			return y_fail(y, k, "%s: unknown field", child);
		if (is_null(v))
			continue;
		if (read_field(y, v, child, &fields[i], target))
			return -1;
	}
	return 0;
}

static int syntax_error(const char *name, const yaml_parser_t *p, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s:%zu: not valid YAML: %s%s%s", name, p->problem_mark.line + 1,
		 p->problem ? p->problem : "unknown error", p->context ? " " : "",
		 p->context ? p->context : "");
	return -1;
}

int kuma_parse(const char *name, const char *text, size_t len,
	       struct tool_config *cfg, struct kuma_extra *x, char *err, size_t errlen)
{
	struct reader y = { NULL, name, err, errlen, cfg, x };
	yaml_document_t doc, more;
	yaml_parser_t p;
	yaml_node_t *root, *next;
	int ret = -1;

	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errlen, "%s: cannot start the YAML parser: out of memory", name);
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &doc)) {
		syntax_error(name, &p, err, errlen);
		goto out_parser;
	}
	y.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		snprintf(err, errlen, "%s: no configuration in it ({} is Kuma's defaults)", name);
		goto out_doc;
	}
	/* A second document would be silently ignored: say so instead. */
	if (!yaml_parser_load(&p, &more)) {
		syntax_error(name, &p, err, errlen);
		goto out_doc;
	}
	next = yaml_document_get_root_node(&more);
	if (next)
		y_fail(&y, next, "a second YAML document: one configuration per file");
	yaml_document_delete(&more);
	if (next)
		goto out_doc;
	if (root->type != YAML_MAPPING_NODE) {
		y_fail(&y, root, "expected a mapping of Kuma's transparent-proxy fields, found %s",
		       node_kind(root));
		goto out_doc;
	}
	ret = map(&y, root, "", kuma_root_fields, kuma_root_nfields, NULL);
out_doc:
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&p);
	return ret;
}
