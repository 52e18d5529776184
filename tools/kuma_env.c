// SPDX-License-Identifier: GPL-2.0
/*
 * Kuma's KUMA_TRANSPARENT_PROXY_* environment variables: one for each field
 * of its configuration, named from the envconfig tags of
 * pkg/transparentproxy/config (kelseyhightower/envconfig: the path in
 * upper snake case; a field with an envconfig tag is also read from the
 * bare tag when the full name is not set). Values as envconfig parses
 * them: Go's ParseBool and ParseUint, lists split at commas, a duration
 * as time.ParseDuration. The ones that only tune kumactl's iptables runs
 * are checked and ignored, as the file's fields are (kuma.c).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "kuma.h"
#include "parse.h"
#include "util.h"

#define ENV "KUMA_TRANSPARENT_PROXY_"

enum env_kind {
	E_BOOL,		/* bool */
	E_NOT_BOOL,	/* bool, the variable's negation: SKIP_CONNTRACK_ZONE_SPLIT */
	E_PORT,		/* uint16_t */
	E_PORTS,	/* struct range_list of ports */
	E_CIDRS,	/* struct cidr_list */
	E_VNETS,	/* struct vnet_list */
	E_UID_PORTS,	/* struct uid_ports_list */
	E_EMPTY,	/* what meshredir does not do: only "" */
	E_USER,		/* a UID or name, "" for the default */
	E_FAMILY,	/* ip_family_mode */
	E_PATH,		/* char[KUMA_PATH_MAX], "" for the default */
	/* Checked, then ignored. */
	E_SKIP_BOOL,
	E_SKIP_UINT,	/* of bits */
	E_SKIP_DURATION,
	E_SKIP_NAME,	/* a chain name: not empty */
	E_SKIP_EXECUTABLES,
};

enum env_where {
	W_NONE,
	W_CFG,
	W_EXTRA,
};

struct env_var {
	const char *name;	/* after ENV */
	const char *alt;	/* the bare envconfig tag, read when name is not set */
	enum env_kind kind;
	enum env_where where;
	size_t off;
	unsigned int bits;	/* E_SKIP_UINT */
	const char *why;	/* E_EMPTY, E_SKIP_* */
};

#define V(n, k, ...) { .name = n, .kind = k, __VA_ARGS__ }
#define CFG(m) .where = W_CFG, .off = offsetof(struct tool_config, m)
#define EXTRA(m) .where = W_EXTRA, .off = offsetof(struct kuma_extra, m)
#define SKIP(w) .why = w

/* A traffic flow's variables; inbound lacks per-UID exclusions. */
#define FLOW(dir, DIR, uids_kind, ...)						\
	V("REDIRECT_" DIR "_ENABLED", E_BOOL, CFG(dir.enabled)),		\
	V("REDIRECT_" DIR "_PORT", E_PORT, CFG(dir.port)),			\
	V("REDIRECT_" DIR "_CHAIN_NAME", E_SKIP_NAME, SKIP(KUMA_WHY_IPTABLES)),	\
	V("REDIRECT_" DIR "_REDIRECT_CHAIN_NAME", E_SKIP_NAME,			\
	  SKIP(KUMA_WHY_IPTABLES)),						\
	V("REDIRECT_" DIR "_INCLUDE_PORTS", E_PORTS, CFG(dir.include_ports)),	\
	V("REDIRECT_" DIR "_EXCLUDE_PORTS", E_PORTS, CFG(dir.exclude_ports)),	\
	V("REDIRECT_" DIR "_EXCLUDE_PORTS_FOR_UIDS", uids_kind,			\
	  .alt = "EXCLUDE_PORTS_FOR_UIDS", __VA_ARGS__),			\
	V("REDIRECT_" DIR "_EXCLUDE_PORTS_FOR_IPS", E_CIDRS,			\
	  .alt = "EXCLUDE_PORTS_FOR_IPS", CFG(dir.exclude_ips)),		\
	V("REDIRECT_" DIR "_INSERT_REDIRECT_INSTEAD_OF_APPEND", E_SKIP_BOOL,	\
	  SKIP(KUMA_WHY_IPTABLES))

/* In the order of Kuma's Config struct. */
static const struct env_var vars[] = {
	V("KUMA_DP_USER", E_USER, .alt = "KUMA_DP_USER", EXTRA(kuma_dp_uid)),
	FLOW(inbound, "INBOUND", E_EMPTY,
	     .why = "meshredir excludes ports by UID for outbound connections only"),
	FLOW(outbound, "OUTBOUND", E_UID_PORTS, CFG(outbound.exclude_ports_for_uids)),
	V("REDIRECT_DNS_ENABLED", E_BOOL, CFG(dns.enabled)),
	V("REDIRECT_DNS_PORT", E_PORT, CFG(dns.port)),
	V("REDIRECT_DNS_CAPTURE_ALL", E_BOOL, CFG(dns.capture_all)),
	V("REDIRECT_DNS_SKIP_CONNTRACK_ZONE_SPLIT", E_NOT_BOOL, CFG(dns.zone_split)),
	V("REDIRECT_DNS_RESOLV_CONFIG_PATH", E_PATH, EXTRA(resolv_conf)),
	V("REDIRECT_VNET_NETWORKS", E_VNETS, CFG(vnet)),
	V("DROP_INVALID_PACKETS", E_BOOL, CFG(drop_invalid)),
	V("VERBOSE", E_BOOL, EXTRA(verbose)),
	V("DRY_RUN", E_BOOL, EXTRA(dry_run)),
	V("LOG_ENABLED", E_SKIP_BOOL, SKIP(KUMA_WHY_IPTABLES)),
	V("LOG_LEVEL", E_SKIP_UINT, .bits = 16, SKIP(KUMA_WHY_IPTABLES)),
	V("WAIT", E_SKIP_UINT, .bits = 64, SKIP(KUMA_WHY_IPTABLES)),
	V("WAIT_INTERVAL", E_SKIP_UINT, .bits = 64, SKIP(KUMA_WHY_IPTABLES)),
	V("RETRY_MAX_RETRIES", E_SKIP_UINT, .bits = 64, SKIP(KUMA_WHY_IPTABLES)),
	V("RETRY_SLEEP_BETWEEN_RETRIES", E_SKIP_DURATION, SKIP(KUMA_WHY_IPTABLES)),
	V("STORE_FIREWALLD", E_SKIP_BOOL, SKIP(KUMA_WHY_IPTABLES)),
	V("IPTABLES_EXECUTABLES", E_SKIP_EXECUTABLES, .alt = "IPTABLES_EXECUTABLES",
	  SKIP(KUMA_WHY_IPTABLES)),
	V("COMMENTS_DISABLED", E_SKIP_BOOL, SKIP(KUMA_WHY_IPTABLES)),
	V("IP_FAMILY_MODE", E_FAMILY, .alt = "IP_FAMILY_MODE", CFG(ip_family_mode)),
	V("CNI_MODE", E_SKIP_BOOL, .alt = "CNI_MODE", SKIP(KUMA_WHY_CNI)),
};

/* envconfig's []string: split at every comma, each piece on its own. */
static int pieces(const char *name, const char *v, enum env_kind kind, void *to,
		  char *err, size_t errlen)
{
	char piece[1024];
	const char *p = v, *end;
	size_t n;

	if (kind == E_CIDRS)
		cidr_list_clear(to);
	else if (kind == E_VNETS)
		vnet_list_clear(to);
	else
		uid_ports_list_clear(to);
	if (!*v)
		return 0;
	for (;;) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		if (n >= sizeof(piece))
			return fail(err, errlen, "%s: \"%.*s\" is longer than %zu bytes", name,
				    (int)n, p, sizeof(piece) - 1);
		memcpy(piece, p, n);
		piece[n] = '\0';
		if (kind == E_CIDRS && parse_blank(piece))
			return fail(err, errlen, "%s: \"%s\": \"%s\" is not an IP address or CIDR",
				    name, v, piece);
		if (kind == E_VNETS && !*piece)
			return fail(err, errlen, "%s: \"%s\" has an empty entry", name, v);
		if (kind == E_CIDRS ? parse_cidr_list(name, piece, to, err, errlen) :
		    kind == E_VNETS ? parse_vnet(name, piece, to, err, errlen) :
				      parse_uid_ports(name, piece, to, err, errlen))
			return -1;
		if (!end)
			return 0;
		p = end + 1;
	}
}

static int read_var(const struct env_var *e, const char *name, const char *v, void *to,
		    struct kuma_extra *x, char *err, size_t errlen)
{
	bool b;

	switch (e->kind) {
	case E_BOOL:
		return parse_bool(name, v, to, err, errlen);
	case E_NOT_BOOL:
		if (parse_bool(name, v, &b, err, errlen))
			return -1;
		*(bool *)to = !b;
		return 0;
	case E_PORT:
		return parse_port(name, v, to, err, errlen);
	case E_PORTS:
		range_list_clear(to);
		return parse_range_list(name, RANGE_PORT, v, to, err, errlen);
	case E_CIDRS:
	case E_VNETS:
	case E_UID_PORTS:
		return pieces(name, v, e->kind, to, err, errlen);
	case E_EMPTY:
		if (*v)
			return fail(err, errlen, "%s: \"%s\": not supported: %s (only \"\" is accepted)",
				    name, v, e->why);
		return 0;
	case E_USER:
		if (!*v) {
			*(uint32_t *)to = MR_DEFAULT_KUMA_DP_UID;
			return 0;
		}
		return parse_user(name, v, to, err, errlen);
	case E_FAMILY:
		return parse_ip_family_mode(name, v, to, err, errlen);
	case E_PATH:
		if (strlen(v) >= KUMA_PATH_MAX)
			return fail(err, errlen, "%s: longer than %d bytes", name, KUMA_PATH_MAX - 1);
		snprintf(to, KUMA_PATH_MAX, "%s", *v ? v : KUMA_RESOLV_CONF);
		return 0;
	case E_SKIP_BOOL:
		if (parse_bool(name, v, &b, err, errlen))
			return -1;
		break;
	case E_SKIP_UINT:
		if (parse_go_uint(name, v, e->bits, err, errlen))
			return -1;
		break;
	case E_SKIP_DURATION:
		if (parse_duration(name, v, err, errlen))
			return -1;
		break;
	case E_SKIP_NAME:
		if (!*v)
			return fail(err, errlen, "%s: \"\" is not a chain name", name);
		break;
	case E_SKIP_EXECUTABLES:
		if (parse_executables(name, v, err, errlen))
			return -1;
		break;
	}
	kuma_note(&x->ignored, e->why, "%s", name);
	return 0;
}

int kuma_env(struct tool_config *cfg, struct kuma_extra *x, char *err, size_t errlen)
{
	char name[128];
	const char *v;
	void *to;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vars); i++) {
		const struct env_var *e = &vars[i];

		snprintf(name, sizeof(name), ENV "%s", e->name);
		v = getenv(name);
		if (!v && e->alt) {
			snprintf(name, sizeof(name), "%s", e->alt);
			v = getenv(name);
		}
		if (!v)
			continue;
		to = e->where == W_CFG ? (char *)cfg + e->off :
		     e->where == W_EXTRA ? (char *)x + e->off : NULL;
		if (read_var(e, name, v, to, x, err, errlen))
			return -1;
	}
	return 0;
}
