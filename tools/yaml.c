// SPDX-License-Identifier: GPL-2.0
/*
 * Kuma's transparent-proxy configuration file, read and written with
 * libyaml. The field names, types and defaults are Kuma's own, taken from
 * kumahq/kuma pkg/transparentproxy/config/config.go (struct Config and its
 * json tags; Ports, Port, IPFamilyMode) and utils.go (parsePort,
 * parseExcludePortsForUIDs, parseExcludePortsForIPs), and from
 * kumahq/kuma-website app/_src/reference/transparent-proxy-configuration.md
 * (its schema, and which field has which kumactl flag):
 *
 *   kumaDPUser: string          user name or UID; "" means 5678 (kuma-dp)
 *   ipFamilyMode: dualstack|ipv4 (any case; "" means dualstack)
 *   redirect:
 *     inbound|outbound:
 *       enabled: bool           true
 *       port: Port              15006 | 15001 (uint16 above 0)
 *       includePorts: Ports     [] (Kuma: ports; a list of numbers or
 *       excludePorts: Ports     strings, or one comma-separated string)
 *       excludePortsForIPs: []string  addresses/CIDRs, each entry may be a
 *                               comma list; an empty entry is an error
 *       excludePortsForUIDs: []string "[protocol:][ports:]uids" entries
 *       insertRedirectInsteadOfAppend: bool
 *     dns: {enabled, port, captureAll, skipConntrackZoneSplit, resolvConfigPath}
 *     vnet: {networks: []string "iface:CIDR"}
 *   ebpf: {enabled, instanceIP, instanceIPEnvVarName, bpffsPath, cgroupPath,
 *          programsSourcePath, tcAttachIface}
 *   retry: {maxRetries: uint, sleepBetweenRetries: Go duration "2s"}
 *   iptablesExecutables: {iptables, iptables-save, iptables-restore,
 *                         ip6tables, ip6tables-save, ip6tables-restore}
 *   log: {enabled: bool, level: uint}
 *   comments: {disabled: bool}
 *   wait: uint, waitInterval: uint, dropInvalidPackets, storeFirewalld,
 *   cniMode, dryRun, verbose: bool
 *
 * kumactl (app/kumactl/cmd/install/install_transparent_proxy.go with
 * pkg/config/loader.go) reads --config, then --config-file ("-": stdin),
 * with sigs.k8s.io/yaml over its defaults, then the flags; not strictly:
 * unknown keys are ignored there, so the "meshredir" mapping
 * written for the owners Kuma has no field for (ownerUIDs, ownerGIDs: lists
 * of IDs and "first-last" ranges) leaves a file kumactl still reads.
 *
 * What meshredir does with each field, as `meshredir help apply` tells:
 * the redirect fields, kumaDPUser, ipFamilyMode and dropInvalidPackets
 * configure the module,
 * checked by the very parsers of the flags (args.c), so a value means the
 * same in a file and on the command line; includePorts and excludePorts
 * also take "first-last" ranges, as the flags do (Kuma's take single
 * ports). Fields that ask for something meshredir does not do (DNS
 * capture, vnet, inbound excludePortsForUIDs, eBPF, iptables logs,
 * firewalld, CNI mode, rule insertion) are an error naming
 * the field unless their value is what meshredir does anyway (false, an
 * empty list). Fields that only tune how kumactl runs iptables (wait,
 * waitInterval, retry, comments, iptablesExecutables) and the DNS, eBPF and
 * log details that act only once their feature is on are checked and
 * ignored. dryRun and verbose act as the flags of the same name. Any other
 * field is an error naming it. A null value is the same as no value.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <yaml.h>
#include "yaml.h"

#define MR_PATH_LEN 256

void mr_kuma_extra_init(struct mr_kuma_extra *x)
{
	x->kuma_dp_uid = MR_DEFAULT_KUMA_DP_UID;
	x->dry_run = false;
	x->verbose = false;
}

/* ---- reading ---- */

struct mr_y {
	yaml_document_t *doc;
	const char *name;
	char *err;
	size_t errlen;
	struct mr_tool_config *cfg;
	struct mr_kuma_extra *x;
};

__attribute__((format(printf, 3, 4)))
static int mr_y_fail(struct mr_y *y, const yaml_node_t *node, const char *fmt, ...)
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

static const char *mr_y_kind(const yaml_node_t *n)
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

static const char *mr_y_text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* null, ~ or nothing: as if the field were not there, as in Kuma. */
static bool mr_y_is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (!strcmp(mr_y_text(n), nulls[i]))
			return true;
	return false;
}

static int mr_y_scalar(struct mr_y *y, const yaml_node_t *n, const char *path, const char **out)
{
	if (n->type != YAML_SCALAR_NODE)
		return mr_y_fail(y, n, "%s: expected a single value, found %s", path, mr_y_kind(n));
	if (strlen(mr_y_text(n)) != n->data.scalar.length)
		return mr_y_fail(y, n, "%s: the value has a NUL character", path);
	*out = mr_y_text(n);
	return 0;
}

static int mr_y_bool(struct mr_y *y, const yaml_node_t *n, const char *path, bool *out)
{
	const char *s;
	char e[MR_ERR_LEN];

	if (mr_y_scalar(y, n, path, &s))
		return -1;
	if (mr_parse_bool(path, s, out, e, sizeof(e)))
		return mr_y_fail(y, n, "%s", e);
	return 0;
}

static int mr_y_port(struct mr_y *y, const yaml_node_t *n, const char *path, uint16_t *out)
{
	const char *s;
	char e[MR_ERR_LEN];

	if (mr_y_scalar(y, n, path, &s))
		return -1;
	if (mr_parse_port(path, s, out, e, sizeof(e)))
		return mr_y_fail(y, n, "%s", e);
	return 0;
}

/* Plain decimal up to max, as Go's ParseUint. */
static int mr_y_uint(struct mr_y *y, const yaml_node_t *n, const char *path,
		     unsigned long long max)
{
	unsigned long long v = 0;
	const char *s, *p;

	if (mr_y_scalar(y, n, path, &s))
		return -1;
	for (p = s; *p; p++) {
		unsigned int d = *p - '0';

		if (!isdigit((unsigned char)*p) || d > max || v > (max - d) / 10)
			break;
		v = v * 10 + d;
	}
	if (!*s || *p)
		return mr_y_fail(y, n, "%s: \"%s\" is not a number (0-%llu)", path, s, max);
	return 0;
}

/* Go's time.ParseDuration: "0", or numbers with units, as 1m30s or 1.5h. */
static int mr_y_duration(struct mr_y *y, const yaml_node_t *n, const char *path)
{
	static const char *const units[] = { "ns", "us", "\xc2\xb5s", "\xce\xbcs", "ms", "s", "m", "h" };
	const char *s, *p;
	size_t i, len;
	bool digits;

	if (mr_y_scalar(y, n, path, &s))
		return -1;
	p = s + (*s == '+' || *s == '-');
	if (!strcmp(p, "0"))
		return 0;
	if (!*p)
		goto bad;
	while (*p) {
		digits = false;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits = true;
		}
		if (*p == '.') {
			p++;
			while (isdigit((unsigned char)*p)) {
				p++;
				digits = true;
			}
		}
		if (!digits)
			goto bad;
		len = 0;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i]);

			if (!strncmp(p, units[i], l) && l > len)
				len = l;
		}
		if (!len)
			goto bad;
		p += len;
	}
	return 0;
bad:
	return mr_y_fail(y, n, "%s: \"%s\" is not a duration (like 2s, 500ms or 1m30s)", path, s);
}

static int mr_y_string(struct mr_y *y, const yaml_node_t *n, const char *path)
{
	const char *s;

	return mr_y_scalar(y, n, path, &s);
}

/* A bool field meshredir can only honour as false. */
static int mr_y_want_false(struct mr_y *y, const yaml_node_t *n, const char *path,
			   const char *why)
{
	bool b;

	if (mr_y_bool(y, n, path, &b))
		return -1;
	if (b)
		return mr_y_fail(y, n, "%s: true is not supported: %s", path, why);
	return 0;
}

/* Calls item on each entry of a list; with one_ok, a lone value is one entry. */
static int mr_y_list(struct mr_y *y, const yaml_node_t *n, const char *path, bool one_ok,
		     int (*item)(struct mr_y *y, const yaml_node_t *n, const char *path,
				 const char *value, void *arg),
		     void *arg)
{
	yaml_node_item_t *i;
	const char *s;

	if (n->type == YAML_SCALAR_NODE && one_ok) {
		if (mr_y_scalar(y, n, path, &s))
			return -1;
		return item(y, n, path, s, arg);
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return mr_y_fail(y, n, "%s: expected a list, found %s", path, mr_y_kind(n));
	for (i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
		yaml_node_t *e = yaml_document_get_node(y->doc, *i);

		if (mr_y_scalar(y, e, path, &s) || item(y, e, path, s, arg))
			return -1;
	}
	return 0;
}

/* A list field meshredir can only honour as empty. */
static int mr_y_want_empty(struct mr_y *y, const yaml_node_t *n, const char *path,
			   const char *why)
{
	if (n->type != YAML_SEQUENCE_NODE)
		return mr_y_fail(y, n, "%s: expected a list, found %s", path, mr_y_kind(n));
	if (n->data.sequence.items.top != n->data.sequence.items.start)
		return mr_y_fail(y, n, "%s: not supported: %s (only an empty list is accepted)",
				 path, why);
	return 0;
}

static int mr_y_port_item(struct mr_y *y, const yaml_node_t *n, const char *path,
			  const char *value, void *arg)
{
	char e[MR_ERR_LEN];

	if (mr_parse_port_list(path, value, arg, e, sizeof(e)))
		return mr_y_fail(y, n, "%s", e);
	return 0;
}

static int mr_y_cidr_item(struct mr_y *y, const yaml_node_t *n, const char *path,
			  const char *value, void *arg)
{
	char e[MR_ERR_LEN];

	/* Kuma refuses an empty entry; the flag's parser would take it as none. */
	if (!*value)
		return mr_y_fail(y, n, "%s: \"\" is not an IP address or CIDR", path);
	if (mr_parse_cidr_list(path, value, arg, e, sizeof(e)))
		return mr_y_fail(y, n, "%s", e);
	return 0;
}

static int mr_y_uid_ports_item(struct mr_y *y, const yaml_node_t *n, const char *path,
			       const char *value, void *arg)
{
	char e[MR_ERR_LEN];

	if (mr_parse_uid_ports(path, value, arg, e, sizeof(e)))
		return mr_y_fail(y, n, "%s", e);
	return 0;
}

static int mr_y_uid_item(struct mr_y *y, const yaml_node_t *n, const char *path,
			 const char *value, void *arg)
{
	char e[MR_ERR_LEN];

	if (mr_parse_id_list(path, "UID", value, arg, e, sizeof(e)))
		return mr_y_fail(y, n, "%s", e);
	return 0;
}

static int mr_y_gid_item(struct mr_y *y, const yaml_node_t *n, const char *path,
			 const char *value, void *arg)
{
	char e[MR_ERR_LEN];

	if (mr_parse_id_list(path, "GID", value, arg, e, sizeof(e)))
		return mr_y_fail(y, n, "%s", e);
	return 0;
}

/* ---- the schema ---- */

struct mr_y_field {
	const char *key;
	int (*fn)(struct mr_y *y, const yaml_node_t *n, const char *path, void *target);
	void *target;		/* NULL: the caller's */
};

#define FIELDS(a) a, sizeof(a) / sizeof(a[0])

static int mr_y_map(struct mr_y *y, const yaml_node_t *n, const char *path,
		    const struct mr_y_field *fields, size_t nfields, void *target)
{
	yaml_node_pair_t *p, *q;
	char child[MR_PATH_LEN];
	size_t i;

	if (n->type != YAML_MAPPING_NODE)
		return mr_y_fail(y, n, "%s: expected a mapping, found %s", path, mr_y_kind(n));
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
		const char *key;

		if (k->type != YAML_SCALAR_NODE)
			return mr_y_fail(y, k, "%s%sa field name must be a word, not %s", path,
					 *path ? ": " : "", mr_y_kind(k));
		key = mr_y_text(k);
		snprintf(child, sizeof(child), "%s%s%s", path, *path ? "." : "", key);
		for (q = n->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *kq = yaml_document_get_node(y->doc, q->key);

			if (kq->type == YAML_SCALAR_NODE && !strcmp(mr_y_text(kq), key))
				return mr_y_fail(y, k, "%s: given twice (first on line %zu)", child,
						 kq->start_mark.line + 1);
		}
		for (i = 0; i < nfields; i++)
			if (!strcmp(fields[i].key, key))
				break;
		if (i == nfields)
			return mr_y_fail(y, k, "%s: unknown field", child);
		if (mr_y_is_null(v))
			continue;
		if (fields[i].fn(y, v, child, fields[i].target ? fields[i].target : target))
			return -1;
	}
	return 0;
}

/* -- redirect.inbound, redirect.outbound (target: struct mr_dir_config) -- */

static int f_enabled(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	return mr_y_bool(y, n, path, &((struct mr_dir_config *)t)->enabled);
}

static int f_port(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	return mr_y_port(y, n, path, &((struct mr_dir_config *)t)->port);
}

static int f_include_ports(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	struct mr_port_list *l = &((struct mr_dir_config *)t)->include_ports;

	mr_port_list_clear(l);
	return mr_y_list(y, n, path, true, mr_y_port_item, l);
}

static int f_exclude_ports(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	struct mr_port_list *l = &((struct mr_dir_config *)t)->exclude_ports;

	mr_port_list_clear(l);
	return mr_y_list(y, n, path, true, mr_y_port_item, l);
}

static int f_exclude_ips(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	struct mr_cidr_list *l = &((struct mr_dir_config *)t)->exclude_ips;

	mr_cidr_list_clear(l);
	return mr_y_list(y, n, path, false, mr_y_cidr_item, l);
}

static int f_exclude_uid_ports(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	struct mr_uid_ports_list *l = &((struct mr_dir_config *)t)->exclude_ports_for_uids;

	mr_uid_ports_list_clear(l);
	return mr_y_list(y, n, path, false, mr_y_uid_ports_item, l);
}

static int f_inbound_uid_ports(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_want_empty(y, n, path,
			       "meshredir excludes ports by UID for outbound connections only");
}

static int f_insert_redirect(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_want_false(y, n, path,
			       "meshredir sets no iptables rules, so there is no rule order to change");
}

static const struct mr_y_field mr_inbound_fields[] = {
	{ "enabled", f_enabled, NULL },
	{ "port", f_port, NULL },
	{ "includePorts", f_include_ports, NULL },
	{ "excludePorts", f_exclude_ports, NULL },
	{ "excludePortsForIPs", f_exclude_ips, NULL },
	{ "excludePortsForUIDs", f_inbound_uid_ports, NULL },
	{ "insertRedirectInsteadOfAppend", f_insert_redirect, NULL },
};

static const struct mr_y_field mr_outbound_fields[] = {
	{ "enabled", f_enabled, NULL },
	{ "port", f_port, NULL },
	{ "includePorts", f_include_ports, NULL },
	{ "excludePorts", f_exclude_ports, NULL },
	{ "excludePortsForIPs", f_exclude_ips, NULL },
	{ "excludePortsForUIDs", f_exclude_uid_ports, NULL },
	{ "insertRedirectInsteadOfAppend", f_insert_redirect, NULL },
};

/* -- what meshredir does not do, or that only tunes iptables -- */

#define MR_NO_DNS "meshredir redirects TCP only and does not capture DNS"

static int f_no_dns(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_want_false(y, n, path, MR_NO_DNS);
}

static int f_ignored_bool(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	bool b;

	(void)t;
	return mr_y_bool(y, n, path, &b);
}

static int f_ignored_port(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	uint16_t p;

	(void)t;
	return mr_y_port(y, n, path, &p);
}

static int f_ignored_string(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_string(y, n, path);
}

static int f_ignored_uint(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_uint(y, n, path, UINT32_MAX);
}

static int f_ignored_log_level(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_uint(y, n, path, 7);
}

static int f_ignored_duration(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_duration(y, n, path);
}

static int f_no_vnet(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_want_empty(y, n, path, "meshredir has no virtual-network (vnet) redirection");
}

static int f_no_ebpf(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_want_false(y, n, path, "meshredir is a netfilter module, not Kuma's eBPF mode");
}

static int f_no_log(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_want_false(y, n, path,
			       "meshredir writes no iptables rules to log (show counts every verdict)");
}

static int f_drop_invalid(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_bool(y, n, path, &y->cfg->drop_invalid);
}

static int f_no_firewalld(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_want_false(y, n, path, "meshredir sets no iptables rules for firewalld to store");
}

static int f_no_cni(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_want_false(y, n, path, "meshredir is not a CNI plugin");
}

static const struct mr_y_field mr_dns_fields[] = {
	{ "enabled", f_no_dns, NULL },
	{ "captureAll", f_no_dns, NULL },
	{ "port", f_ignored_port, NULL },
	{ "skipConntrackZoneSplit", f_ignored_bool, NULL },
	{ "resolvConfigPath", f_ignored_string, NULL },
};

static const struct mr_y_field mr_vnet_fields[] = {
	{ "networks", f_no_vnet, NULL },
};

static const struct mr_y_field mr_ebpf_fields[] = {
	{ "enabled", f_no_ebpf, NULL },
	{ "instanceIP", f_ignored_string, NULL },
	{ "instanceIPEnvVarName", f_ignored_string, NULL },
	{ "bpffsPath", f_ignored_string, NULL },
	{ "cgroupPath", f_ignored_string, NULL },
	{ "programsSourcePath", f_ignored_string, NULL },
	{ "tcAttachIface", f_ignored_string, NULL },
};

static const struct mr_y_field mr_retry_fields[] = {
	{ "maxRetries", f_ignored_uint, NULL },
	{ "sleepBetweenRetries", f_ignored_duration, NULL },
};

static const struct mr_y_field mr_executables_fields[] = {
	{ "iptables", f_ignored_string, NULL },
	{ "iptables-save", f_ignored_string, NULL },
	{ "iptables-restore", f_ignored_string, NULL },
	{ "ip6tables", f_ignored_string, NULL },
	{ "ip6tables-save", f_ignored_string, NULL },
	{ "ip6tables-restore", f_ignored_string, NULL },
};

static const struct mr_y_field mr_log_fields[] = {
	{ "enabled", f_no_log, NULL },
	{ "level", f_ignored_log_level, NULL },
};

static const struct mr_y_field mr_comments_fields[] = {
	{ "disabled", f_ignored_bool, NULL },
};

/* -- redirect, meshredir and the top level (target: struct mr_y) -- */

static int f_inbound(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_map(y, n, path, FIELDS(mr_inbound_fields), &y->cfg->inbound);
}

static int f_outbound(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_map(y, n, path, FIELDS(mr_outbound_fields), &y->cfg->outbound);
}

#define MR_Y_SUBMAP(fn, fields)						\
	static int fn(struct mr_y *y, const yaml_node_t *n, const char *path, void *t) \
	{								\
		return mr_y_map(y, n, path, FIELDS(fields), t);		\
	}

MR_Y_SUBMAP(f_dns, mr_dns_fields)
MR_Y_SUBMAP(f_vnet, mr_vnet_fields)
MR_Y_SUBMAP(f_ebpf, mr_ebpf_fields)
MR_Y_SUBMAP(f_retry, mr_retry_fields)
MR_Y_SUBMAP(f_executables, mr_executables_fields)
MR_Y_SUBMAP(f_log, mr_log_fields)
MR_Y_SUBMAP(f_comments, mr_comments_fields)

static const struct mr_y_field mr_redirect_fields[] = {
	{ "inbound", f_inbound, NULL },
	{ "outbound", f_outbound, NULL },
	{ "dns", f_dns, NULL },
	{ "vnet", f_vnet, NULL },
};

static int f_owner_uids(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	mr_id_list_clear(&y->cfg->owner_uids);
	return mr_y_list(y, n, path, true, mr_y_uid_item, &y->cfg->owner_uids);
}

static int f_owner_gids(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	mr_id_list_clear(&y->cfg->owner_gids);
	return mr_y_list(y, n, path, true, mr_y_gid_item, &y->cfg->owner_gids);
}

static const struct mr_y_field mr_meshredir_fields[] = {
	{ "ownerUIDs", f_owner_uids, NULL },
	{ "ownerGIDs", f_owner_gids, NULL },
};

MR_Y_SUBMAP(f_redirect, mr_redirect_fields)
MR_Y_SUBMAP(f_meshredir, mr_meshredir_fields)

static int f_kuma_dp_user(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	const char *s;
	char e[MR_ERR_LEN];

	(void)t;
	if (mr_y_scalar(y, n, path, &s))
		return -1;
	/* Kuma: empty is the default user. */
	if (!*s) {
		y->x->kuma_dp_uid = MR_DEFAULT_KUMA_DP_UID;
		return 0;
	}
	if (mr_parse_user(path, s, &y->x->kuma_dp_uid, e, sizeof(e)))
		return mr_y_fail(y, n, "%s", e);
	return 0;
}

static int f_ip_family_mode(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	const char *s;
	char e[MR_ERR_LEN];

	(void)t;
	if (mr_y_scalar(y, n, path, &s))
		return -1;
	if (mr_parse_ip_family_mode(path, s, &y->cfg->ip_family_mode, e, sizeof(e)))
		return mr_y_fail(y, n, "%s", e);
	return 0;
}

static int f_dry_run(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_bool(y, n, path, &y->x->dry_run);
}

static int f_verbose(struct mr_y *y, const yaml_node_t *n, const char *path, void *t)
{
	(void)t;
	return mr_y_bool(y, n, path, &y->x->verbose);
}

static const struct mr_y_field mr_root_fields[] = {
	{ "kumaDPUser", f_kuma_dp_user, NULL },
	{ "ipFamilyMode", f_ip_family_mode, NULL },
	{ "redirect", f_redirect, NULL },
	{ "ebpf", f_ebpf, NULL },
	{ "retry", f_retry, NULL },
	{ "iptablesExecutables", f_executables, NULL },
	{ "log", f_log, NULL },
	{ "comments", f_comments, NULL },
	{ "wait", f_ignored_uint, NULL },
	{ "waitInterval", f_ignored_uint, NULL },
	{ "dropInvalidPackets", f_drop_invalid, NULL },
	{ "storeFirewalld", f_no_firewalld, NULL },
	{ "cniMode", f_no_cni, NULL },
	{ "dryRun", f_dry_run, NULL },
	{ "verbose", f_verbose, NULL },
	{ "meshredir", f_meshredir, NULL },
};

static int mr_y_syntax(const char *name, const yaml_parser_t *p, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s:%zu: not valid YAML: %s%s%s", name, p->problem_mark.line + 1,
		 p->problem ? p->problem : "unknown error", p->context ? " " : "",
		 p->context ? p->context : "");
	return -1;
}

int mr_yaml_parse(const char *name, const char *text, size_t len,
		  struct mr_tool_config *cfg, struct mr_kuma_extra *x,
		  char *err, size_t errlen)
{
	struct mr_y y = { NULL, name, err, errlen, cfg, x };
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
		mr_y_syntax(name, &p, err, errlen);
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
		mr_y_syntax(name, &p, err, errlen);
		goto out_doc;
	}
	next = yaml_document_get_root_node(&more);
	if (next)
		mr_y_fail(&y, next, "a second YAML document: one configuration per file");
	yaml_document_delete(&more);
	if (next)
		goto out_doc;
	if (root->type != YAML_MAPPING_NODE) {
		mr_y_fail(&y, root, "expected a mapping of Kuma's transparent-proxy fields, found %s",
			  mr_y_kind(root));
		goto out_doc;
	}
	ret = mr_y_map(&y, root, "", FIELDS(mr_root_fields), NULL);
out_doc:
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&p);
	return ret;
}

char *mr_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	bool in = !strcmp(path, "-");
	FILE *f = in ? stdin : fopen(path, "r");
	size_t cap = 4096, n = 0, got;
	char *buf = NULL, *nb;

	if (!f) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		nb = realloc(buf, cap);
		if (!nb) {
			snprintf(err, errlen, "cannot read %s: out of memory", in ? "stdin" : path);
			goto fail;
		}
		buf = nb;
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n < cap - 1)
			break;
		cap *= 2;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read %s: %s", in ? "stdin" : path, strerror(errno));
		goto fail;
	}
	buf[n] = '\0';
	if (!in)
		fclose(f);
	*len = n;
	return buf;
fail:
	free(buf);
	if (!in)
		fclose(f);
	return NULL;
}

/* ---- writing ---- */

struct mr_out {
	yaml_emitter_t e;
	bool ok;
};

static void mr_emit(struct mr_out *o, yaml_event_t *ev)
{
	/* The emitter frees the event, even when it fails. */
	if (!o->ok)
		yaml_event_delete(ev);
	else if (!yaml_emitter_emit(&o->e, ev))
		o->ok = false;
}

/* Plain for numbers and names; quoted where Kuma wants a string. */
static void mr_scalar(struct mr_out *o, const char *s, bool quoted)
{
	yaml_event_t ev;

	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, -1, !quoted, quoted,
				     quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
				     YAML_PLAIN_SCALAR_STYLE);
	mr_emit(o, &ev);
}

static void mr_map_start(struct mr_out *o, const char *key)
{
	yaml_event_t ev;

	if (key)
		mr_scalar(o, key, false);
	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
	mr_emit(o, &ev);
}

static void mr_map_end(struct mr_out *o)
{
	yaml_event_t ev;

	yaml_mapping_end_event_initialize(&ev);
	mr_emit(o, &ev);
}

static void mr_seq_start(struct mr_out *o, const char *key)
{
	yaml_event_t ev;

	mr_scalar(o, key, false);
	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
	mr_emit(o, &ev);
}

static void mr_seq_end(struct mr_out *o)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	mr_emit(o, &ev);
}

static void mr_kv(struct mr_out *o, const char *key, const char *value, bool quoted)
{
	mr_scalar(o, key, false);
	mr_scalar(o, value, quoted);
}

static void mr_kv_uint(struct mr_out *o, const char *key, unsigned int v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	mr_kv(o, key, buf, false);
}

/* A number alone, a range as the string "first-last". */
static void mr_range_item(struct mr_out *o, uint32_t first, uint32_t last)
{
	char buf[32];

	if (first == last) {
		snprintf(buf, sizeof(buf), "%u", first);
		mr_scalar(o, buf, false);
	} else {
		snprintf(buf, sizeof(buf), "%u-%u", first, last);
		mr_scalar(o, buf, true);
	}
}

static void mr_ports(struct mr_out *o, const char *key, const struct mr_port_list *l)
{
	size_t i;

	mr_seq_start(o, key);
	for (i = 0; i < l->n; i++)
		mr_range_item(o, l->v[i].first, l->v[i].last);
	mr_seq_end(o);
}

static void mr_ids(struct mr_out *o, const char *key, const struct mr_id_list *l)
{
	size_t i;

	mr_seq_start(o, key);
	for (i = 0; i < l->n; i++)
		mr_range_item(o, l->v[i].first, l->v[i].last);
	mr_seq_end(o);
}

/* One entry in kumactl's own syntax: tcp:PORTS|*:UID[-UID]. */
static void mr_uid_ports_item(struct mr_out *o, const struct mr_uid_ports *up)
{
	size_t i, cap = 48 + up->ports.n * 12, n = 0;
	char *buf = malloc(cap);

	if (!buf) {
		o->ok = false;
		return;
	}
	n += snprintf(buf + n, cap - n, "tcp:");
	if (up->ports.n == 1 && up->ports.v[0].first == 1 && up->ports.v[0].last == 65535) {
		n += snprintf(buf + n, cap - n, "*");
	} else {
		for (i = 0; i < up->ports.n; i++) {
			const struct mr_port_range *r = &up->ports.v[i];

			n += snprintf(buf + n, cap - n, i ? ",%u" : "%u", r->first);
			if (r->last != r->first)
				n += snprintf(buf + n, cap - n, "-%u", r->last);
		}
	}
	n += snprintf(buf + n, cap - n, ":%u", up->uids.first);
	if (up->uids.last != up->uids.first)
		snprintf(buf + n, cap - n, "-%u", up->uids.last);
	mr_scalar(o, buf, true);
	free(buf);
}

static void mr_dir(struct mr_out *o, const char *key, const struct mr_dir_config *d, bool out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	size_t i;

	mr_map_start(o, key);
	mr_kv(o, "enabled", d->enabled ? "true" : "false", false);
	mr_kv_uint(o, "port", d->port);
	mr_ports(o, "includePorts", &d->include_ports);
	mr_ports(o, "excludePorts", &d->exclude_ports);
	mr_seq_start(o, "excludePortsForIPs");
	for (i = 0; i < d->exclude_ips.n; i++) {
		mr_cidr_format(&d->exclude_ips.v[i], buf, sizeof(buf));
		mr_scalar(o, buf, true);
	}
	mr_seq_end(o);
	if (out) {
		mr_seq_start(o, "excludePortsForUIDs");
		for (i = 0; i < d->exclude_ports_for_uids.n; i++)
			mr_uid_ports_item(o, &d->exclude_ports_for_uids.v[i]);
		mr_seq_end(o);
	}
	mr_map_end(o);
}

/*
 * The kernel keeps one owner UID list; Kuma has one user. The default
 * 5678 is kumaDPUser whenever it is an owner, else the lowest owner UID;
 * every other owner goes to meshredir.ownerUIDs. false if there is no
 * owner UID at all, which a file cannot say (kumaDPUser always is one).
 */
static bool mr_split_owners(const struct mr_id_list *owners, uint32_t *kuma,
			    struct mr_id_list *others)
{
	const uint32_t d = MR_DEFAULT_KUMA_DP_UID;
	size_t i;

	if (!owners->n)
		return false;
	*kuma = owners->v[0].first;
	for (i = 0; i < owners->n; i++)
		if (owners->v[i].first <= d && d <= owners->v[i].last)
			*kuma = d;
	for (i = 0; i < owners->n; i++) {
		const struct mr_id_range *r = &owners->v[i];

		if (*kuma < r->first || *kuma > r->last) {
			mr_id_list_add(others, r->first, r->last);
			continue;
		}
		if (r->first < *kuma)
			mr_id_list_add(others, r->first, *kuma - 1);
		if (*kuma < r->last)
			mr_id_list_add(others, *kuma + 1, r->last);
	}
	return true;
}

void mr_yaml_write(FILE *f, const struct mr_tool_config *cfg)
{
	struct mr_id_list others = { 0 };
	struct mr_out o = { .ok = true };
	yaml_event_t ev;
	uint32_t kuma = 0;
	bool has_kuma;
	char buf[32];

	has_kuma = mr_split_owners(&cfg->owner_uids, &kuma, &others);
	fputs("# meshredir's configuration, in Kuma's transparent-proxy format: `meshredir\n"
	      "# apply` and `kumactl install transparent-proxy --config-file` read it.\n", f);
	if (!has_kuma)
		fputs("# The namespace has no owner UID, which this format cannot say: apply\n"
		      "# makes kumaDPUser (5678 by default) one.\n", f);
	if (!yaml_emitter_initialize(&o.e)) {
		fputs("# meshredir: cannot start the YAML emitter: out of memory\n", f);
		free(others.v);
		return;
	}
	yaml_emitter_set_output_file(&o.e, f);
	yaml_emitter_set_unicode(&o.e, 1);
	yaml_emitter_set_width(&o.e, -1);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	mr_emit(&o, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	mr_emit(&o, &ev);
	mr_map_start(&o, NULL);
	if (has_kuma) {
		snprintf(buf, sizeof(buf), "%u", kuma);
		mr_kv(&o, "kumaDPUser", buf, true);
	}
	if (cfg->ip_family_mode == MESHREDIR_IP_FAMILY_IPV4) {
		mr_kv(&o, "ipFamilyMode", "ipv4", false);
	} else if (cfg->ip_family_mode == MESHREDIR_IP_FAMILY_DUALSTACK) {
		mr_kv(&o, "ipFamilyMode", "dualstack", false);
	} else {
		/* A newer kernel's mode: apply refuses it by name. */
		snprintf(buf, sizeof(buf), "unknown-%u", cfg->ip_family_mode);
		mr_kv(&o, "ipFamilyMode", buf, false);
	}
	mr_map_start(&o, "redirect");
	mr_dir(&o, "inbound", &cfg->inbound, false);
	mr_dir(&o, "outbound", &cfg->outbound, true);
	mr_map_end(&o);
	mr_kv(&o, "dropInvalidPackets", cfg->drop_invalid ? "true" : "false", false);
	mr_map_start(&o, "meshredir");
	mr_ids(&o, "ownerUIDs", &others);
	mr_ids(&o, "ownerGIDs", &cfg->owner_gids);
	mr_map_end(&o);
	mr_map_end(&o);
	yaml_document_end_event_initialize(&ev, 1);
	mr_emit(&o, &ev);
	yaml_stream_end_event_initialize(&ev);
	mr_emit(&o, &ev);
	if (!o.ok || !yaml_emitter_flush(&o.e))
		fprintf(f, "\n# meshredir: the YAML emitter failed: %s\n",
			o.e.problem ? o.e.problem : "cannot write");
	yaml_emitter_delete(&o.e);
	free(others.v);
}
