// SPDX-License-Identifier: GPL-2.0
/*
 * Kuma's KUMA_TRANSPARENT_PROXY_* environment variables: one for each field
 * of its configuration, named from the envconfig tags of
 * pkg/transparentproxy/config (kelseyhightower/envconfig: the path in
 * upper snake case; a field with an envconfig tag is also read from the
 * bare tag when the full name is not set). Values as envconfig parses
 * them: Go's ParseBool and ParseUint, lists split at commas, a duration
 * as time.ParseDuration; the rest as the file's fields of the same kind
 * (kuma_value.c). The ones that only tune kumactl's iptables runs are
 * checked and ignored, as the file's fields are (kuma.c).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "kuma_fields.h"
#include "parse.h"
#include "util.h"

#define ENV "KUMA_TRANSPARENT_PROXY_"

/* A variable: its kind, where it goes and why it is ignored, as a file's field. */
struct env_var {
	struct field f;		/* f.key: the name after ENV */
	const char *alt;	/* the bare envconfig tag, read when the name is not set */
	unsigned int bits;	/* K_SKIP_UINT */
};

#define V(n, k, ...) { .f.key = n, .f.kind = k, __VA_ARGS__ }
#define CFG(m) .f.where = IN_CFG, .f.off = offsetof(struct tool_config, m)
#define EXTRA(m) .f.where = IN_EXTRA, .f.off = offsetof(struct kuma_extra, m)
#define PORTS(m) CFG(m), .f.rk = RANGE_PORT
#define SKIP(w) .f.why = w

/* A traffic flow's variables; inbound lacks per-UID exclusions. */
#define FLOW(dir, DIR, uids_kind, ...)						\
	V("REDIRECT_" DIR "_ENABLED", K_BOOL, CFG(dir.enabled)),		\
	V("REDIRECT_" DIR "_PORT", K_PORT, CFG(dir.port)),			\
	V("REDIRECT_" DIR "_CHAIN_NAME", K_SKIP_CHAIN, SKIP(KUMA_WHY_IPTABLES)),	\
	V("REDIRECT_" DIR "_REDIRECT_CHAIN_NAME", K_SKIP_CHAIN,			\
	  SKIP(KUMA_WHY_IPTABLES)),						\
	V("REDIRECT_" DIR "_INCLUDE_PORTS", K_RANGES, PORTS(dir.include_ports)),	\
	V("REDIRECT_" DIR "_EXCLUDE_PORTS", K_RANGES, PORTS(dir.exclude_ports)),	\
	V("REDIRECT_" DIR "_EXCLUDE_PORTS_FOR_UIDS", uids_kind,			\
	  .alt = "EXCLUDE_PORTS_FOR_UIDS", __VA_ARGS__),			\
	V("REDIRECT_" DIR "_EXCLUDE_PORTS_FOR_IPS", K_CIDRS,			\
	  .alt = "EXCLUDE_PORTS_FOR_IPS", CFG(dir.exclude_ips)),		\
	V("REDIRECT_" DIR "_INSERT_REDIRECT_INSTEAD_OF_APPEND", K_SKIP_BOOL,	\
	  SKIP(KUMA_WHY_IPTABLES))

/* In the order of Kuma's Config struct. */
static const struct env_var vars[] = {
	V("KUMA_DP_USER", K_USER, .alt = "KUMA_DP_USER", EXTRA(kuma_dp_uid)),
	FLOW(inbound, "INBOUND", K_EMPTY,
	     .f.why = "meshredir excludes ports by UID for outbound connections only"),
	FLOW(outbound, "OUTBOUND", K_UID_PORTS, CFG(outbound.exclude_ports_for_uids)),
	V("REDIRECT_DNS_ENABLED", K_BOOL, CFG(dns.enabled)),
	V("REDIRECT_DNS_PORT", K_PORT, CFG(dns.port)),
	V("REDIRECT_DNS_CAPTURE_ALL", K_BOOL, CFG(dns.capture_all)),
	V("REDIRECT_DNS_SKIP_CONNTRACK_ZONE_SPLIT", K_NOT_BOOL, CFG(dns.zone_split)),
	V("REDIRECT_DNS_RESOLV_CONFIG_PATH", K_PATH, EXTRA(resolv_conf)),
	V("REDIRECT_VNET_NETWORKS", K_VNETS, CFG(vnet)),
	V("DROP_INVALID_PACKETS", K_BOOL, CFG(drop_invalid)),
	V("VERBOSE", K_BOOL, EXTRA(verbose)),
	V("DRY_RUN", K_BOOL, EXTRA(dry_run)),
	V("LOG_ENABLED", K_SKIP_BOOL, SKIP(KUMA_WHY_IPTABLES)),
	V("LOG_LEVEL", K_SKIP_UINT, .bits = 16, SKIP(KUMA_WHY_IPTABLES)),
	V("WAIT", K_SKIP_UINT, .bits = 64, SKIP(KUMA_WHY_IPTABLES)),
	V("WAIT_INTERVAL", K_SKIP_UINT, .bits = 64, SKIP(KUMA_WHY_IPTABLES)),
	V("RETRY_MAX_RETRIES", K_SKIP_UINT, .bits = 64, SKIP(KUMA_WHY_IPTABLES)),
	V("RETRY_SLEEP_BETWEEN_RETRIES", K_SKIP_DURATION, SKIP(KUMA_WHY_IPTABLES)),
	V("STORE_FIREWALLD", K_SKIP_BOOL, SKIP(KUMA_WHY_IPTABLES)),
	V("IPTABLES_EXECUTABLES", K_SKIP_EXECUTABLES, .alt = "IPTABLES_EXECUTABLES",
	  SKIP(KUMA_WHY_IPTABLES)),
	V("COMMENTS_DISABLED", K_SKIP_BOOL, SKIP(KUMA_WHY_IPTABLES)),
	V("IP_FAMILY_MODE", K_FAMILY, .alt = "IP_FAMILY_MODE", CFG(ip_family_mode)),
	V("CNI_MODE", K_SKIP_BOOL, .alt = "CNI_MODE", SKIP(KUMA_WHY_CNI)),
};

/* envconfig's []string: split at every comma, each piece on its own. */
static int pieces(const char *name, const char *v, const struct field *f, void *to,
		  char *err, size_t errlen)
{
	char piece[1024];
	const char *p = v, *end;
	size_t n;

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
		/* An empty piece is named with the whole value it stands in. */
		if (f->kind == K_CIDRS && parse_blank(piece))
			return fail(err, errlen, "%s: \"%s\": \"%s\" is not an IP address or CIDR",
				    name, v, piece);
		if (f->kind == K_VNETS && !*piece)
			return fail(err, errlen, "%s: \"%s\" has an empty entry", name, v);
		if (kuma_list_add(name, f, piece, to, err, errlen))
			return -1;
		if (!end)
			return 0;
		p = end + 1;
	}
}

/* A variable's value, in envconfig's syntax where it is not a file's. */
static int read_var(const struct env_var *e, const char *name, const char *v, void *to,
		    char *err, size_t errlen)
{
	const struct field *f = &e->f;

	switch (f->kind) {
	case K_RANGES:
		/* The list's parser splits at commas itself. */
		kuma_list_clear(f, to);
		return kuma_list_add(name, f, v, to, err, errlen);
	case K_CIDRS:
	case K_VNETS:
	case K_UID_PORTS:
		kuma_list_clear(f, to);
		return pieces(name, v, f, to, err, errlen);
	case K_EMPTY:
		if (*v)
			return fail(err, errlen, "%s: \"%s\": not supported: %s (only \"\" is accepted)",
				    name, v, f->why);
		return 0;
	case K_SKIP_UINT:
		return parse_go_uint(name, v, e->bits, err, errlen);
	case K_SKIP_DURATION:
		return parse_duration(name, v, err, errlen);
	case K_SKIP_CHAIN:
		if (!*v)
			return fail(err, errlen, "%s: \"\" is not a chain name", name);
		return 0;
	case K_SKIP_EXECUTABLES:
		return parse_executables(name, v, err, errlen);
	default:
		return kuma_value(name, f, v, to, err, errlen);
	}
}

int kuma_env(struct tool_config *cfg, struct kuma_extra *x, char *err, size_t errlen)
{
	char name[128];
	const char *v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vars); i++) {
		const struct env_var *e = &vars[i];

		snprintf(name, sizeof(name), ENV "%s", e->f.key);
		v = getenv(name);
		if (!v && e->alt) {
			snprintf(name, sizeof(name), "%s", e->alt);
			v = getenv(name);
		}
		if (!v)
			continue;
		if (read_var(e, name, v, at(&e->f, cfg, x, NULL), err, errlen))
			return -1;
		if (kuma_ignored(e->f.kind))
			kuma_note(&x->ignored, e->f.why, "%s", name);
	}
	return 0;
}
