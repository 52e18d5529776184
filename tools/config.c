// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration model: its lists, the kernel's defaults, normalising as
 * the kernel does, and the uapi limits named as the user wrote the lists.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "config.h"
#include "util.h"

void range_list_add(struct range_list *l, uint32_t first, uint32_t last)
{
	GROW(l);
	l->v[l->n++] = (struct range){ first, last };
}

void cidr_list_add(struct cidr_list *l, const struct cidr *c)
{
	GROW(l);
	l->v[l->n++] = *c;
}

struct uid_ports *uid_ports_list_add(struct uid_ports_list *l)
{
	GROW(l);
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	l->v[l->n].protocols = MESHREDIR_PROTO_TCP;	/* the kernel's default */
	return &l->v[l->n++];
}

void range_list_clear(struct range_list *l)
{
	l->n = 0;
}

void cidr_list_clear(struct cidr_list *l)
{
	l->n = 0;
}

void vnet_list_set(struct vnet_list *l, const struct vnet *v)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].cidr.family == v->cidr.family &&
		    !strcmp(l->v[i].ifname, v->ifname)) {
			l->v[i].cidr = v->cidr;
			return;
		}
	}
	GROW(l);
	l->v[l->n++] = *v;
}

void vnet_format(const struct vnet *v, char *buf, size_t len)
{
	char cidr[INET6_ADDRSTRLEN + 8];

	cidr_format(&v->cidr, cidr, sizeof(cidr));
	snprintf(buf, len, "%s:%s", v->ifname, cidr);
}

void vnet_list_clear(struct vnet_list *l)
{
	l->n = 0;
}

void uid_ports_list_clear(struct uid_ports_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].ports.v);
	l->n = 0;
}

bool range_list_all_ports(const struct range_list *l)
{
	return l->n == 1 && l->v[0].first == 1 && l->v[0].last == 65535;
}

void range_list_without(const struct range_list *l, uint32_t id, struct range_list *out)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct range *r = &l->v[i];

		if (id < r->first || id > r->last) {
			range_list_add(out, r->first, r->last);
			continue;
		}
		if (r->first < id)
			range_list_add(out, r->first, id - 1);
		if (id < r->last)
			range_list_add(out, id + 1, r->last);
	}
}

static void dir_init(struct dir_config *d, uint16_t port)
{
	memset(d, 0, sizeof(*d));
	d->enabled = true;
	d->port = port;
}

void config_init(struct tool_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ip_family_mode = MESHREDIR_IP_FAMILY_DUALSTACK;
	dir_init(&cfg->inbound, MESHREDIR_DEFAULT_INBOUND_PORT);
	dir_init(&cfg->outbound, MESHREDIR_DEFAULT_OUTBOUND_PORT);
	cfg->dns.port = MESHREDIR_DEFAULT_DNS_PORT;
	cfg->dns.zone_split = true;
	cfg->event_rate = MESHREDIR_DEFAULT_EVENT_RATE;
}

static void dir_free(struct dir_config *d)
{
	free(d->exclude_ports.v);
	free(d->include_ports.v);
	free(d->exclude_ips.v);
	uid_ports_list_clear(&d->exclude_ports_for_uids);
	free(d->exclude_ports_for_uids.v);
}

void config_free(struct tool_config *cfg)
{
	free(cfg->owner_uids.v);
	free(cfg->owner_gids.v);
	dir_free(&cfg->inbound);
	dir_free(&cfg->outbound);
	free(cfg->dns.servers.v);
	free(cfg->dns.docker.v);
	free(cfg->vnet.v);
	config_init(cfg);
}

/* ---- normalising ---- */

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (x->last > y->last) - (x->last < y->last);
}

static void range_list_normalize(struct range_list *l)
{
	size_t i, k = 0;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), range_cmp);
	for (i = 1; i < l->n; i++) {
		/* Adjacent ranges merge too: 80-89 and 90 are 80-90. */
		if ((uint64_t)l->v[i].first <= (uint64_t)l->v[k].last + 1) {
			if (l->v[i].last > l->v[k].last)
				l->v[k].last = l->v[i].last;
		} else {
			l->v[++k] = l->v[i];
		}
	}
	l->n = k + 1;
}

unsigned int cidr_bits(const struct cidr *c)
{
	return c->family == AF_INET6 ? 128 : 32;
}

void cidr_mask(struct cidr *c)
{
	unsigned int i = c->prefix_len / 8;

	if (c->prefix_len % 8)
		c->addr[i++] &= 0xff00 >> (c->prefix_len % 8);
	memset(c->addr + i, 0, cidr_bits(c) / 8 - i);
}

static int cidr_cmp(const void *a, const void *b)
{
	const struct cidr *x = a, *y = b;
	int d;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	d = memcmp(x->addr, y->addr, cidr_bits(x) / 8);
	if (d)
		return d;
	return (x->prefix_len > y->prefix_len) - (x->prefix_len < y->prefix_len);
}

static bool bit(const uint8_t *addr, unsigned int i)
{
	return addr[i / 8] & (0x80 >> (i % 8));
}

/* Whether a and b agree in their first len bits. */
static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	unsigned int n = len / 8;

	return !memcmp(a, b, n) &&
	       (!(len % 8) || !((a[n] ^ b[n]) & (0xff00 >> (len % 8))));
}

/* Whether outer holds every address of inner. */
static bool cidr_covers(const struct cidr *outer, const struct cidr *inner)
{
	return outer->family == inner->family && outer->prefix_len <= inner->prefix_len &&
	       prefix_eq(outer->addr, inner->addr, outer->prefix_len);
}

/* a and b are the two halves of one CIDR, a the lower. */
static bool cidr_siblings(const struct cidr *a, const struct cidr *b)
{
	if (a->family != b->family || a->prefix_len != b->prefix_len || !a->prefix_len)
		return false;
	return !bit(a->addr, a->prefix_len - 1) && bit(b->addr, b->prefix_len - 1) &&
	       prefix_eq(a->addr, b->addr, a->prefix_len - 1);
}

/*
 * Sorted, a covering CIDR comes before what it covers, so one look back
 * drops the covered ones; a stack then folds sibling halves into their
 * parent, which can only ever meet its own sibling on top of the stack.
 */
static void cidr_list_normalize(struct cidr_list *l)
{
	size_t i, k = 0;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), cidr_cmp);
	for (i = 0; i < l->n; i++) {
		if (k && cidr_covers(&l->v[k - 1], &l->v[i]))
			continue;
		l->v[k++] = l->v[i];
		while (k >= 2 && cidr_siblings(&l->v[k - 2], &l->v[k - 1])) {
			k--;
			l->v[k - 1].prefix_len--;
		}
	}
	l->n = k;
}

static void dir_normalize(struct dir_config *d)
{
	size_t i;

	range_list_normalize(&d->exclude_ports);
	range_list_normalize(&d->include_ports);
	cidr_list_normalize(&d->exclude_ips);
	for (i = 0; i < d->exclude_ports_for_uids.n; i++)
		range_list_normalize(&d->exclude_ports_for_uids.v[i].ports);
}

void config_normalize(struct tool_config *cfg)
{
	range_list_normalize(&cfg->owner_uids);
	range_list_normalize(&cfg->owner_gids);
	dir_normalize(&cfg->inbound);
	dir_normalize(&cfg->outbound);
	cidr_list_normalize(&cfg->dns.servers);
	cidr_list_normalize(&cfg->dns.docker);
}

void cidr_format(const struct cidr *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(c->family, c->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, c->prefix_len);
}

const char *uid_ports_protocol(uint8_t protocols)
{
	switch (protocols) {
	case MESHREDIR_PROTO_TCP:
		return "tcp";
	case MESHREDIR_PROTO_UDP:
		return "udp";
	}
	return "*";
}

const char *ip_family_name(uint8_t mode, char *buf, size_t len)
{
	switch (mode) {
	case MESHREDIR_IP_FAMILY_IPV4:
		return "ipv4";
	case MESHREDIR_IP_FAMILY_DUALSTACK:
		return "dualstack";
	}
	snprintf(buf, len, "unknown-%u", mode);
	return buf;
}

uint8_t dns_zone_split(const struct dns_config *d)
{
	return d->zone_split ? ZONE_SPLIT_BOTH & ~d->zone_split_off : 0;
}

bool dns_zone_split_get(struct dns_config *d, uint8_t mask)
{
	if (mask & ~ZONE_SPLIT_BOTH)
		return false;
	/* A family left out can only be install's doing: Docker's chain. */
	d->zone_split = mask != 0;
	d->zone_split_off = mask ? ZONE_SPLIT_BOTH & ~mask : 0;
	return true;
}

const char *zone_split_name(uint8_t mask)
{
	switch (mask & ZONE_SPLIT_BOTH) {
	case ZONE_SPLIT_BOTH:
		return "ipv4,ipv6";
	case MESHREDIR_ZONE_SPLIT_IPV4:
		return "ipv4";
	case MESHREDIR_ZONE_SPLIT_IPV6:
		return "ipv6";
	}
	return "off";
}

int dns_docker_zone_split(struct dns_config *d, bool v6, const char *where,
			  char *warn, size_t len)
{
	uint8_t family = v6 ? MESHREDIR_ZONE_SPLIT_IPV6 : MESHREDIR_ZONE_SPLIT_IPV4;

	if (!d->enabled || !d->capture_all || !(dns_zone_split(d) & family))
		return 0;
	d->zone_split_off |= family;
	snprintf(warn, len,
		 "warning: conntrack zone splitting is unsupported when capturing all DNS traffic inside Docker containers with custom networks (Docker's DOCKER_OUTPUT chain is in the %s): the zone split is off for %s",
		 where, v6 ? "IPv6" : "IPv4");
	return 1;
}

/* ---- limits ---- */

static int limit(const char *flag, const char *what, size_t n, size_t max,
		 char *err, size_t errlen)
{
	if (n <= max)
		return 0;
	return fail(err, errlen, "%s: %zu %s exceed the limit of %zu", flag, n, what, max);
}

/* What the limit messages call each list: a flag, or a Kuma file's field. */
struct list_names {
	const char *exclude_ports, *include_ports, *exclude_ips, *uid_ports;
};

static const struct list_names flag_names[2] = {
	{ "--exclude-outbound-ports", "--include-outbound-ports", "--exclude-outbound-ips",
	  "--exclude-outbound-ports-for-uids" },
	{ "--exclude-inbound-ports", "--include-inbound-ports", "--exclude-inbound-ips", NULL },
};

static const struct list_names field_names[2] = {
	{ "redirect.outbound.excludePorts", "redirect.outbound.includePorts",
	  "redirect.outbound.excludePortsForIPs", "redirect.outbound.excludePortsForUIDs" },
	{ "redirect.inbound.excludePorts", "redirect.inbound.includePorts",
	  "redirect.inbound.excludePortsForIPs", NULL },
};

static int dir_limits(const struct dir_config *d, const struct list_names *nm,
		      char *err, size_t errlen)
{
	const struct uid_ports_list *up = &d->exclude_ports_for_uids;
	size_t i, total = 0;

	if (limit(nm->exclude_ports, "port ranges", d->exclude_ports.n,
		  MESHREDIR_MAX_PORT_RANGES, err, errlen) ||
	    limit(nm->include_ports, "port ranges", d->include_ports.n,
		  MESHREDIR_MAX_PORT_RANGES, err, errlen) ||
	    limit(nm->exclude_ips, "CIDRs", d->exclude_ips.n, MESHREDIR_MAX_CIDRS,
		  err, errlen))
		return -1;
	if (!nm->uid_ports)
		return 0;
	if (limit(nm->uid_ports, "entries", up->n, MESHREDIR_MAX_UID_PORTS, err, errlen))
		return -1;
	for (i = 0; i < up->n; i++)
		total += up->v[i].ports.n;
	return limit(nm->uid_ports, "port ranges over all entries", total,
		     MESHREDIR_MAX_UID_PORTS_RANGES, err, errlen);
}

/* The entries of a direction's lists as the kernel counts them: as sent. */
static size_t dir_entries(const struct dir_config *d, bool outbound)
{
	size_t i, n = d->exclude_ports.n + d->include_ports.n + d->exclude_ips.n;

	if (outbound) {
		n += d->exclude_ports_for_uids.n;
		for (i = 0; i < d->exclude_ports_for_uids.n; i++)
			n += d->exclude_ports_for_uids.v[i].ports.n;
	}
	return n;
}

static int limits(const struct tool_config *cfg, bool kuma_fields, char *err, size_t errlen)
{
	const struct list_names *nm = kuma_fields ? field_names : flag_names;

	if (limit(kuma_fields ? "meshredir.ownerUIDs" : "--owner-uid", "UID ranges",
		  cfg->owner_uids.n, MESHREDIR_MAX_ID_RANGES, err, errlen) ||
	    limit(kuma_fields ? "meshredir.ownerGIDs" : "--owner-gid", "GID ranges",
		  cfg->owner_gids.n, MESHREDIR_MAX_ID_RANGES, err, errlen) ||
	    dir_limits(&cfg->inbound, &nm[1], err, errlen) ||
	    dir_limits(&cfg->outbound, &nm[0], err, errlen) ||
	    limit(kuma_fields ? "redirect.vnet.networks" : "--vnet", "entries",
		  cfg->vnet.n, MESHREDIR_MAX_VNETS, err, errlen) ||
	    limit("--dns-docker", "CIDRs", cfg->dns.docker.n, MESHREDIR_MAX_DNS_DOCKER,
		  err, errlen) ||
	    limit("the configuration", "list entries in all (ports, CIDRs, ID ranges)",
		  cfg->owner_uids.n + cfg->owner_gids.n + dir_entries(&cfg->inbound, false) +
		  dir_entries(&cfg->outbound, true), MESHREDIR_MAX_ENTRIES, err, errlen))
		return -1;
	return 0;
}

int config_check_limits(const struct tool_config *cfg, char *err, size_t errlen)
{
	return limits(cfg, false, err, errlen);
}

int config_finish(struct tool_config *cfg, uint32_t kuma_dp_uid, bool kuma_fields,
		  char *err, size_t errlen)
{
	range_list_add(&cfg->owner_uids, kuma_dp_uid, kuma_dp_uid);
	config_normalize(cfg);
	return limits(cfg, kuma_fields, err, errlen);
}
