// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: kumactl's flag names, defaults and value syntax, parsed
 * into a struct mr_tool_config. Everything is checked here, before any
 * netlink traffic, so that a typo never leaves the kernel half configured.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "args.h"

struct mr_str {
	const char *p;
	size_t n;
};

static void *mr_xrealloc(void *p, size_t n, size_t size)
{
	void *q = NULL;

	if (!size || n <= SIZE_MAX / size)
		q = realloc(p, n * size);
	if (!q) {
		/* A tool that can't allocate a few KiB has nothing better to do. */
		fputs("meshredir: out of memory\n", stderr);
		exit(1);
	}
	return q;
}

#define MR_GROW(l)							\
	do {								\
		if ((l)->n == (l)->cap) {				\
			(l)->cap = (l)->cap ? 2 * (l)->cap : 8;		\
			(l)->v = mr_xrealloc((l)->v, (l)->cap, sizeof(*(l)->v)); \
		}							\
	} while (0)

void mr_port_list_add(struct mr_port_list *l, uint16_t first, uint16_t last)
{
	MR_GROW(l);
	l->v[l->n++] = (struct mr_port_range){ first, last };
}

void mr_id_list_add(struct mr_id_list *l, uint32_t first, uint32_t last)
{
	MR_GROW(l);
	l->v[l->n++] = (struct mr_id_range){ first, last };
}

void mr_cidr_list_add(struct mr_cidr_list *l, const struct mr_cidr *c)
{
	MR_GROW(l);
	l->v[l->n++] = *c;
}

struct mr_uid_ports *mr_uid_ports_list_add(struct mr_uid_ports_list *l)
{
	MR_GROW(l);
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	return &l->v[l->n++];
}

static void mr_dir_init(struct mr_dir_config *d, uint16_t port)
{
	memset(d, 0, sizeof(*d));
	d->enabled = true;
	d->port = port;
}

void mr_config_init(struct mr_tool_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->ip_family_mode = MESHREDIR_IP_FAMILY_DUALSTACK;
	mr_dir_init(&cfg->inbound, MESHREDIR_DEFAULT_INBOUND_PORT);
	mr_dir_init(&cfg->outbound, MESHREDIR_DEFAULT_OUTBOUND_PORT);
}

static void mr_dir_free(struct mr_dir_config *d)
{
	size_t i;

	free(d->exclude_ports.v);
	free(d->include_ports.v);
	free(d->exclude_ips.v);
	for (i = 0; i < d->exclude_ports_for_uids.n; i++)
		free(d->exclude_ports_for_uids.v[i].ports.v);
	free(d->exclude_ports_for_uids.v);
}

void mr_config_free(struct mr_tool_config *cfg)
{
	free(cfg->owner_uids.v);
	free(cfg->owner_gids.v);
	mr_dir_free(&cfg->inbound);
	mr_dir_free(&cfg->outbound);
	mr_config_init(cfg);
}

/* ---- normalization ---- */

static int mr_port_cmp(const void *a, const void *b)
{
	const struct mr_port_range *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (x->last > y->last) - (x->last < y->last);
}

static int mr_id_cmp(const void *a, const void *b)
{
	const struct mr_id_range *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (x->last > y->last) - (x->last < y->last);
}

static void mr_port_list_normalize(struct mr_port_list *l)
{
	size_t i, k = 0;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), mr_port_cmp);
	for (i = 1; i < l->n; i++) {
		/* Adjacent ranges merge too: 80-89 and 90 are 80-90. */
		if ((uint32_t)l->v[i].first <= (uint32_t)l->v[k].last + 1) {
			if (l->v[i].last > l->v[k].last)
				l->v[k].last = l->v[i].last;
		} else {
			l->v[++k] = l->v[i];
		}
	}
	l->n = k + 1;
}

static void mr_id_list_normalize(struct mr_id_list *l)
{
	size_t i, k = 0;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), mr_id_cmp);
	for (i = 1; i < l->n; i++) {
		if ((uint64_t)l->v[i].first <= (uint64_t)l->v[k].last + 1) {
			if (l->v[i].last > l->v[k].last)
				l->v[k].last = l->v[i].last;
		} else {
			l->v[++k] = l->v[i];
		}
	}
	l->n = k + 1;
}

static unsigned int mr_cidr_bits(const struct mr_cidr *c)
{
	return c->family == AF_INET6 ? 128 : 32;
}

static int mr_cidr_cmp(const void *a, const void *b)
{
	const struct mr_cidr *x = a, *y = b;
	int d;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	d = memcmp(x->addr, y->addr, mr_cidr_bits(x) / 8);
	if (d)
		return d;
	return (x->prefix_len > y->prefix_len) - (x->prefix_len < y->prefix_len);
}

static bool mr_bit(const uint8_t *addr, unsigned int i)
{
	return addr[i / 8] & (0x80 >> (i % 8));
}

static void mr_mask(uint8_t *addr, unsigned int prefix_len, unsigned int bits)
{
	unsigned int i;

	for (i = prefix_len; i < bits; i++)
		addr[i / 8] &= ~(0x80 >> (i % 8));
}

/* Whether outer holds every address of inner. */
static bool mr_cidr_covers(const struct mr_cidr *outer, const struct mr_cidr *inner)
{
	uint8_t a[16];

	if (outer->family != inner->family || outer->prefix_len > inner->prefix_len)
		return false;
	memcpy(a, inner->addr, sizeof(a));
	mr_mask(a, outer->prefix_len, mr_cidr_bits(inner));
	return !memcmp(a, outer->addr, mr_cidr_bits(inner) / 8);
}

/* a and b are the two halves of one CIDR, a the lower. */
static bool mr_cidr_siblings(const struct mr_cidr *a, const struct mr_cidr *b)
{
	struct mr_cidr pa = *a, pb = *b;

	if (a->family != b->family || a->prefix_len != b->prefix_len || !a->prefix_len)
		return false;
	if (mr_bit(a->addr, a->prefix_len - 1) || !mr_bit(b->addr, b->prefix_len - 1))
		return false;
	pa.prefix_len--;
	pb.prefix_len--;
	mr_mask(pa.addr, pa.prefix_len, mr_cidr_bits(a));
	mr_mask(pb.addr, pb.prefix_len, mr_cidr_bits(b));
	return !memcmp(pa.addr, pb.addr, sizeof(pa.addr));
}

/*
 * Sorted, a covering CIDR comes before what it covers, so one look back
 * drops the covered ones; a stack then folds sibling halves into their
 * parent, which can only ever meet its own sibling on top of the stack.
 */
static void mr_cidr_list_normalize(struct mr_cidr_list *l)
{
	size_t i, k = 0;

	if (l->n < 2)
		return;
	qsort(l->v, l->n, sizeof(*l->v), mr_cidr_cmp);
	for (i = 0; i < l->n; i++) {
		if (k && mr_cidr_covers(&l->v[k - 1], &l->v[i]))
			continue;
		l->v[k++] = l->v[i];
		while (k >= 2 && mr_cidr_siblings(&l->v[k - 2], &l->v[k - 1])) {
			k--;
			l->v[k - 1].prefix_len--;
		}
	}
	l->n = k;
}

static void mr_dir_normalize(struct mr_dir_config *d)
{
	size_t i;

	mr_port_list_normalize(&d->exclude_ports);
	mr_port_list_normalize(&d->include_ports);
	mr_cidr_list_normalize(&d->exclude_ips);
	for (i = 0; i < d->exclude_ports_for_uids.n; i++)
		mr_port_list_normalize(&d->exclude_ports_for_uids.v[i].ports);
}

void mr_config_normalize(struct mr_tool_config *cfg)
{
	mr_id_list_normalize(&cfg->owner_uids);
	mr_id_list_normalize(&cfg->owner_gids);
	mr_dir_normalize(&cfg->inbound);
	mr_dir_normalize(&cfg->outbound);
}

/* ---- value parsing ---- */

__attribute__((format(printf, 3, 4)))
static int mr_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static struct mr_str mr_str(const char *s)
{
	return (struct mr_str){ s, strlen(s) };
}

static struct mr_str mr_trim(struct mr_str s)
{
	while (s.n && isspace((unsigned char)s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && isspace((unsigned char)s.p[s.n - 1]))
		s.n--;
	return s;
}

/* Cuts s at the first sep: *head is before it, s is after; false if none. */
static bool mr_cut(struct mr_str *s, char sep, struct mr_str *head)
{
	const char *at = memchr(s->p, sep, s->n);

	if (!at) {
		*head = *s;
		s->p += s->n;
		s->n = 0;
		return false;
	}
	*head = (struct mr_str){ s->p, (size_t)(at - s->p) };
	s->n -= at - s->p + 1;
	s->p = at + 1;
	return true;
}

static bool mr_streq(struct mr_str s, const char *lit)
{
	return s.n == strlen(lit) && !memcmp(s.p, lit, s.n);
}

static bool mr_strcaseeq(struct mr_str s, const char *lit)
{
	return s.n == strlen(lit) && !strncasecmp(s.p, lit, s.n);
}

static bool mr_all_digits(struct mr_str s)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (!isdigit((unsigned char)s.p[i]))
			return false;
	return s.n > 0;
}

/* Plain decimal, as Go's ParseUint: no sign, no space, no hex. */
static bool mr_uint(struct mr_str s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!mr_all_digits(s))
		return false;
	for (i = 0; i < s.n; i++) {
		v = v * 10 + (uint64_t)(s.p[i] - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

struct mr_num_kind {
	const char *noun;
	uint64_t min, max;
};

static const struct mr_num_kind mr_port_kind = { "port", 1, 65535 };
static const struct mr_num_kind mr_uid_kind = { "UID", 0, MR_ID_MAX };
static const struct mr_num_kind mr_gid_kind = { "GID", 0, MR_ID_MAX };

static int mr_num(const char *prefix, const struct mr_num_kind *k, struct mr_str s,
		  uint64_t *out, char *err, size_t errlen)
{
	if (!mr_uint(s, k->max, out) || *out < k->min)
		return mr_fail(err, errlen, "%s: \"%.*s\" is not a %s (%llu-%llu)", prefix,
			       (int)s.n, s.p, k->noun, (unsigned long long)k->min,
			       (unsigned long long)k->max);
	return 0;
}

/* N or N-M. */
static int mr_range(const char *prefix, const struct mr_num_kind *k, struct mr_str s,
		    uint64_t *first, uint64_t *last, char *err, size_t errlen)
{
	struct mr_str rest = s, a;
	char whole[MR_ERR_LEN];

	if (!mr_cut(&rest, '-', &a)) {
		if (mr_num(prefix, k, s, first, err, errlen))
			return -1;
		*last = *first;
		return 0;
	}
	if (!a.n || !rest.n)
		return mr_fail(err, errlen, "%s: \"%.*s\" is not a %s range", prefix,
			       (int)s.n, s.p, k->noun);
	/* A bad half is named inside the whole: "1000-abc": "abc" is not... */
	snprintf(whole, sizeof(whole), "%s: \"%.*s\"", prefix, (int)s.n, s.p);
	if (mr_num(whole, k, a, first, err, errlen) ||
	    mr_num(whole, k, rest, last, err, errlen))
		return -1;
	if (*first > *last)
		return mr_fail(err, errlen, "%s: \"%.*s\": first %s %llu is greater than last %llu",
			       prefix, (int)s.n, s.p, k->noun, (unsigned long long)*first,
			       (unsigned long long)*last);
	return 0;
}

/*
 * Calls each for every comma-separated entry of value; an empty value is an
 * empty list, as in kumactl, but an empty entry inside one is a typo.
 */
static int mr_each(const char *prefix, struct mr_str value,
		   int (*each)(const char *prefix, struct mr_str entry, void *data),
		   void *data, char *err, size_t errlen)
{
	struct mr_str rest = mr_trim(value), entry;
	bool more;

	if (!rest.n)
		return 0;
	do {
		more = mr_cut(&rest, ',', &entry);
		entry = mr_trim(entry);
		if (!entry.n)
			return mr_fail(err, errlen, "%s: \"%.*s\" has an empty entry", prefix,
				       (int)value.n, value.p);
		if (each(prefix, entry, data))
			return -1;
	} while (more);
	return 0;
}

struct mr_each_ctx {
	void *list;
	const struct mr_num_kind *kind;
	char *err;
	size_t errlen;
};

static int mr_each_port(const char *prefix, struct mr_str entry, void *data)
{
	struct mr_each_ctx *c = data;
	uint64_t first, last;

	if (mr_range(prefix, &mr_port_kind, entry, &first, &last, c->err, c->errlen))
		return -1;
	mr_port_list_add(c->list, first, last);
	return 0;
}

static int mr_port_list_parse(const char *prefix, struct mr_str value,
			      struct mr_port_list *out, char *err, size_t errlen)
{
	struct mr_each_ctx c = { out, &mr_port_kind, err, errlen };

	return mr_each(prefix, value, mr_each_port, &c, err, errlen);
}

int mr_parse_port_list(const char *flag, const char *value, struct mr_port_list *out,
		       char *err, size_t errlen)
{
	return mr_port_list_parse(flag, mr_str(value), out, err, errlen);
}

static int mr_each_id(const char *prefix, struct mr_str entry, void *data)
{
	struct mr_each_ctx *c = data;
	uint64_t first, last;

	if (mr_range(prefix, c->kind, entry, &first, &last, c->err, c->errlen))
		return -1;
	mr_id_list_add(c->list, first, last);
	return 0;
}

int mr_parse_id_list(const char *flag, const char *what, const char *value,
		     struct mr_id_list *out, char *err, size_t errlen)
{
	struct mr_each_ctx c = { out, strcmp(what, "GID") ? &mr_uid_kind : &mr_gid_kind,
				 err, errlen };

	return mr_each(flag, mr_str(value), mr_each_id, &c, err, errlen);
}

static int mr_cidr_parse(const char *prefix, struct mr_str s, struct mr_cidr *c,
			 char *err, size_t errlen)
{
	char buf[64];
	struct mr_str rest = s, addr;
	bool has_len = mr_cut(&rest, '/', &addr);
	unsigned int bits;
	uint64_t len;

	memset(c, 0, sizeof(*c));
	if (addr.n >= sizeof(buf))
		goto bad;
	memcpy(buf, addr.p, addr.n);
	buf[addr.n] = '\0';
	c->family = memchr(addr.p, ':', addr.n) ? AF_INET6 : AF_INET;
	if (inet_pton(c->family, buf, c->addr) != 1)
		goto bad;
	bits = mr_cidr_bits(c);
	c->prefix_len = bits;
	if (has_len) {
		if (!mr_all_digits(rest))
			return mr_fail(err, errlen, "%s: \"%.*s\": \"%.*s\" is not a prefix length",
				       prefix, (int)s.n, s.p, (int)rest.n, rest.p);
		if (!mr_uint(rest, bits, &len))
			return mr_fail(err, errlen, "%s: \"%.*s\": prefix length %.*s exceeds %u",
				       prefix, (int)s.n, s.p, (int)rest.n, rest.p, bits);
		c->prefix_len = len;
	}
	/* As iptables does with 10.1.2.3/8: the host bits are ignored. */
	mr_mask(c->addr, c->prefix_len, bits);
	return 0;
bad:
	return mr_fail(err, errlen, "%s: \"%.*s\" is not an IP address or CIDR", prefix,
		       (int)s.n, s.p);
}

static int mr_each_cidr(const char *prefix, struct mr_str entry, void *data)
{
	struct mr_each_ctx *c = data;
	struct mr_cidr cidr;

	if (mr_cidr_parse(prefix, entry, &cidr, c->err, c->errlen))
		return -1;
	mr_cidr_list_add(c->list, &cidr);
	return 0;
}

int mr_parse_cidr_list(const char *flag, const char *value, struct mr_cidr_list *out,
		       char *err, size_t errlen)
{
	struct mr_each_ctx c = { out, NULL, err, errlen };

	return mr_each(flag, mr_str(value), mr_each_cidr, &c, err, errlen);
}

/*
 * Kuma's [protocol:][ports:]uids: one field is uids, two are ports:uids,
 * three are protocol:ports:uids (kumactl's own parser reads them so).
 * protocol is tcp, udp, a comma list of them, * or empty; ports * or empty
 * mean all. The entry is kept only if it names tcp.
 */
int mr_parse_uid_ports(const char *flag, const char *value, struct mr_uid_ports_list *out,
		       char *err, size_t errlen)
{
	struct mr_str v = mr_trim(mr_str(value)), rest = v, f[3], proto, ports, uids, p;
	struct mr_port_list list = { 0 };
	bool tcp = false, more;
	uint64_t first, last;
	struct mr_uid_ports *e;
	char prefix[MR_ERR_LEN];
	int n = 0;

	snprintf(prefix, sizeof(prefix), "%s: \"%.*s\"", flag, (int)v.n, v.p);
	do {
		if (n == 3)
			return mr_fail(err, errlen, "%s: expected [protocol:][ports:]uids", prefix);
		more = mr_cut(&rest, ':', &f[n]);
		f[n] = mr_trim(f[n]);
		n++;
	} while (more);
	proto = n == 3 ? f[0] : (struct mr_str){ "*", 1 };
	ports = n == 1 ? (struct mr_str){ "*", 1 } : f[n - 2];
	uids = f[n - 1];

	if (!proto.n || mr_streq(proto, "*")) {
		tcp = true;
	} else {
		rest = proto;
		do {
			more = mr_cut(&rest, ',', &p);
			p = mr_trim(p);
			if (mr_strcaseeq(p, "tcp"))
				tcp = true;
			else if (!mr_strcaseeq(p, "udp"))
				return mr_fail(err, errlen, "%s: \"%.*s\" is not a protocol (tcp, udp or *)",
					       prefix, (int)p.n, p.p);
		} while (more);
	}

	if (n == 2 && (mr_strcaseeq(ports, "tcp") || mr_strcaseeq(ports, "udp")))
		return mr_fail(err, errlen, "%s: with two fields the first is ports: write %.*s:*:%.*s",
			       prefix, (int)ports.n, ports.p, (int)uids.n, uids.p);
	if (!ports.n || mr_streq(ports, "*"))
		mr_port_list_add(&list, 1, 65535);
	else if (mr_port_list_parse(prefix, ports, &list, err, errlen))
		goto fail;

	if (mr_streq(uids, "*")) {
		mr_fail(err, errlen, "%s: a wildcard is not allowed for UIDs", prefix);
		goto fail;
	}
	if (memchr(uids.p, ',', uids.n)) {
		mr_fail(err, errlen, "%s: \"%.*s\": one UID or one UID range, not a list",
			prefix, (int)uids.n, uids.p);
		goto fail;
	}
	if (mr_range(prefix, &mr_uid_kind, uids, &first, &last, err, errlen))
		goto fail;

	/* meshredir redirects TCP only: a UDP exclusion has nothing to exclude. */
	if (!tcp) {
		free(list.v);
		return 0;
	}
	e = mr_uid_ports_list_add(out);
	e->ports = list;
	e->uids = (struct mr_id_range){ first, last };
	return 0;
fail:
	free(list.v);
	return -1;
}

int mr_parse_port(const char *flag, const char *value, uint16_t *out,
		  char *err, size_t errlen)
{
	uint64_t v;

	if (mr_num(flag, &mr_port_kind, mr_str(value), &v, err, errlen))
		return -1;
	*out = v;
	return 0;
}

/* What Go's strconv.ParseBool, and so kumactl, accepts. */
static bool mr_bool_literal(const char *s, bool *out)
{
	static const char *const t[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const f[] = { "0", "f", "F", "false", "FALSE", "False" };
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!strcmp(s, t[i])) {
			*out = true;
			return true;
		}
		if (!strcmp(s, f[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

int mr_parse_bool(const char *flag, const char *value, bool *out,
		  char *err, size_t errlen)
{
	if (!mr_bool_literal(value, out))
		return mr_fail(err, errlen, "%s: \"%s\" is not true or false", flag, value);
	return 0;
}

int mr_parse_user(const char *flag, const char *value, uint32_t *uid,
		  char *err, size_t errlen)
{
	struct mr_str s = mr_str(value);
	struct passwd *pw;
	uint64_t v;

	if (mr_all_digits(s)) {
		if (mr_num(flag, &mr_uid_kind, s, &v, err, errlen))
			return -1;
		*uid = v;
		return 0;
	}
	if (!s.n)
		return mr_fail(err, errlen, "%s: \"\" is not a user name or UID", flag);
	errno = 0;
	pw = getpwnam(value);
	if (!pw)
		return mr_fail(err, errlen, "%s: \"%s\": no such user", flag, value);
	*uid = pw->pw_uid;
	return 0;
}

/* ---- limits ---- */

static int mr_limit(const char *flag, const char *what, size_t n, size_t max,
		    char *err, size_t errlen)
{
	if (n <= max)
		return 0;
	return mr_fail(err, errlen, "%s: %zu %s exceed the limit of %zu", flag, n, what, max);
}

static int mr_dir_limits(const struct mr_dir_config *d, bool in, char *err, size_t errlen)
{
	const struct mr_uid_ports_list *up = &d->exclude_ports_for_uids;
	size_t i, total = 0;

	if (mr_limit(in ? "--exclude-inbound-ports" : "--exclude-outbound-ports", "port ranges",
		     d->exclude_ports.n, MESHREDIR_MAX_PORT_RANGES, err, errlen) ||
	    mr_limit(in ? "--include-inbound-ports" : "--include-outbound-ports", "port ranges",
		     d->include_ports.n, MESHREDIR_MAX_PORT_RANGES, err, errlen) ||
	    mr_limit(in ? "--exclude-inbound-ips" : "--exclude-outbound-ips", "CIDRs",
		     d->exclude_ips.n, MESHREDIR_MAX_CIDRS, err, errlen) ||
	    mr_limit("--exclude-outbound-ports-for-uids", "entries", up->n,
		     MESHREDIR_MAX_UID_PORTS, err, errlen))
		return -1;
	for (i = 0; i < up->n; i++)
		total += up->v[i].ports.n;
	return mr_limit("--exclude-outbound-ports-for-uids", "port ranges over all entries",
			total, MESHREDIR_MAX_UID_PORTS_RANGES, err, errlen);
}

int mr_config_check_limits(const struct mr_tool_config *cfg, char *err, size_t errlen)
{
	if (mr_limit("--owner-uid", "UID ranges", cfg->owner_uids.n, MESHREDIR_MAX_ID_RANGES,
		     err, errlen) ||
	    mr_limit("--owner-gid", "GID ranges", cfg->owner_gids.n, MESHREDIR_MAX_ID_RANGES,
		     err, errlen) ||
	    mr_dir_limits(&cfg->inbound, true, err, errlen) ||
	    mr_dir_limits(&cfg->outbound, false, err, errlen))
		return -1;
	return 0;
}

/* ---- the command line ---- */

enum mr_flag_id {
	F_REDIRECT_INBOUND,
	F_REDIRECT_INBOUND_PORT,
	F_EXCLUDE_INBOUND_PORTS,
	F_INCLUDE_INBOUND_PORTS,
	F_EXCLUDE_INBOUND_IPS,
	F_REDIRECT_OUTBOUND,
	F_REDIRECT_OUTBOUND_PORT,
	F_EXCLUDE_OUTBOUND_PORTS,
	F_INCLUDE_OUTBOUND_PORTS,
	F_EXCLUDE_OUTBOUND_IPS,
	F_EXCLUDE_OUTBOUND_PORTS_FOR_UIDS,
	F_KUMA_DP_USER,
	F_OWNER_UID,
	F_OWNER_GID,
	F_IP_FAMILY_MODE,
	F_JSON,
	F_NETNS,
	F_PID,
	F_HELP,
	F_VERSION,
};

enum mr_flag_value {
	V_REQUIRED,
	V_BOOL,		/* optional: a bare flag is true */
	V_NONE,
};

#define C(cmd) (1u << (cmd))
#define C_ALL (~0u)

struct mr_flag {
	const char *name;
	enum mr_flag_id id;
	enum mr_flag_value value;
	unsigned int cmds;
};

static const struct mr_flag mr_flags[] = {
	{ "redirect-inbound", F_REDIRECT_INBOUND, V_BOOL, C(MR_CMD_SET) },
	{ "redirect-inbound-port", F_REDIRECT_INBOUND_PORT, V_REQUIRED, C(MR_CMD_SET) },
	{ "exclude-inbound-ports", F_EXCLUDE_INBOUND_PORTS, V_REQUIRED, C(MR_CMD_SET) },
	{ "include-inbound-ports", F_INCLUDE_INBOUND_PORTS, V_REQUIRED, C(MR_CMD_SET) },
	{ "exclude-inbound-ips", F_EXCLUDE_INBOUND_IPS, V_REQUIRED, C(MR_CMD_SET) },
	{ "redirect-outbound", F_REDIRECT_OUTBOUND, V_BOOL, C(MR_CMD_SET) },
	{ "redirect-outbound-port", F_REDIRECT_OUTBOUND_PORT, V_REQUIRED, C(MR_CMD_SET) },
	{ "exclude-outbound-ports", F_EXCLUDE_OUTBOUND_PORTS, V_REQUIRED, C(MR_CMD_SET) },
	{ "include-outbound-ports", F_INCLUDE_OUTBOUND_PORTS, V_REQUIRED, C(MR_CMD_SET) },
	{ "exclude-outbound-ips", F_EXCLUDE_OUTBOUND_IPS, V_REQUIRED, C(MR_CMD_SET) },
	{ "exclude-outbound-ports-for-uids", F_EXCLUDE_OUTBOUND_PORTS_FOR_UIDS, V_REQUIRED,
	  C(MR_CMD_SET) },
	{ "kuma-dp-user", F_KUMA_DP_USER, V_REQUIRED, C(MR_CMD_SET) },
	{ "owner-uid", F_OWNER_UID, V_REQUIRED, C(MR_CMD_SET) },
	{ "owner-gid", F_OWNER_GID, V_REQUIRED, C(MR_CMD_SET) },
	{ "ip-family-mode", F_IP_FAMILY_MODE, V_REQUIRED, C(MR_CMD_SET) },
	{ "json", F_JSON, V_NONE, C(MR_CMD_SHOW) },
	{ "netns", F_NETNS, V_REQUIRED, C_ALL },
	{ "pid", F_PID, V_REQUIRED, C_ALL },
	{ "help", F_HELP, V_NONE, C_ALL },
	{ "version", F_VERSION, V_NONE, C_ALL },
};

/* kumactl flags that have no meaning here; named, so users know it's not a typo. */
static const char *const mr_kuma_only_flags[] = {
	"redirect-dns", "redirect-all-dns-traffic", "redirect-dns-port",
	"redirect-dns-upstream-target-chain", "skip-dns-conntrack-zone-split",
	"vnet", "drop-invalid-packets", "iptables-logs", "disable-comments",
	"redirect-inbound-insert-instead-of-append",
	"redirect-outbound-insert-instead-of-append", "store-firewalld",
	"wait", "wait-interval", "max-retries", "sleep-between-retries",
	"verbose", "dry-run", "kuma-dp-uid", "ebpf-enabled",
};

static const struct {
	const char *name;
	enum mr_command cmd;
} mr_commands[] = {
	{ "set", MR_CMD_SET },
	{ "show", MR_CMD_SHOW },
	{ "flush", MR_CMD_FLUSH },
	{ "reset-counters", MR_CMD_RESET_COUNTERS },
	{ "help", MR_CMD_HELP },
	{ "version", MR_CMD_VERSION },
};

const char *mr_command_name(enum mr_command cmd)
{
	size_t i;

	for (i = 0; i < sizeof(mr_commands) / sizeof(mr_commands[0]); i++)
		if (mr_commands[i].cmd == cmd)
			return mr_commands[i].name;
	return "meshredir";
}

static enum mr_command mr_command_lookup(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(mr_commands) / sizeof(mr_commands[0]); i++)
		if (!strcmp(mr_commands[i].name, s))
			return mr_commands[i].cmd;
	return MR_CMD_NONE;
}

static const struct mr_flag *mr_flag_lookup(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(mr_flags) / sizeof(mr_flags[0]); i++)
		if (strlen(mr_flags[i].name) == n && !memcmp(mr_flags[i].name, name, n))
			return &mr_flags[i];
	return NULL;
}

static bool mr_kuma_only(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(mr_kuma_only_flags) / sizeof(mr_kuma_only_flags[0]); i++)
		if (strlen(mr_kuma_only_flags[i]) == n && !memcmp(mr_kuma_only_flags[i], name, n))
			return true;
	return false;
}

/* One argv word, taken apart: a flag with its value, or a positional word. */
struct mr_token {
	const struct mr_flag *flag;	/* NULL: positional, or unknown flag */
	bool is_flag;
	const char *name;		/* after the dashes */
	size_t name_len;
	const char *value;		/* NULL if the flag got none */
	int used;			/* argv words taken, 1 or 2 */
};

static void mr_tokenize(int argc, char **argv, int i, struct mr_token *t)
{
	const char *a = argv[i], *eq;
	bool b;

	memset(t, 0, sizeof(*t));
	t->used = 1;
	if (!strcmp(a, "-h")) {
		t->is_flag = true;
		t->name = "help";
		t->name_len = 4;
		t->flag = mr_flag_lookup(t->name, t->name_len);
		return;
	}
	if (a[0] != '-' || !a[1])
		return;
	t->is_flag = true;
	t->name = a + (a[1] == '-' ? 2 : 1);
	eq = strchr(t->name, '=');
	t->name_len = eq ? (size_t)(eq - t->name) : strlen(t->name);
	if (a[1] != '-')
		return;		/* no short flags but -h */
	t->flag = mr_flag_lookup(t->name, t->name_len);
	if (eq) {
		t->value = eq + 1;
		return;
	}
	if (!t->flag || i + 1 >= argc)
		return;
	/* A boolean takes the next word only if it is one: --redirect-inbound false. */
	if (t->flag->value == V_REQUIRED ||
	    (t->flag->value == V_BOOL && mr_bool_literal(argv[i + 1], &b))) {
		t->value = argv[i + 1];
		t->used = 2;
	}
}

static const char *mr_flag_name(char *buf, size_t len, const struct mr_token *t)
{
	snprintf(buf, len, "--%.*s", (int)t->name_len, t->name);
	return buf;
}

static int mr_apply(struct mr_cmdline *cl, const struct mr_token *t, uint32_t *kuma_uid,
		    char *err, size_t errlen)
{
	struct mr_tool_config *cfg = &cl->cfg;
	char flag[64];
	uint64_t pid;

	mr_flag_name(flag, sizeof(flag), t);
	switch (t->flag->id) {
	case F_REDIRECT_INBOUND:
		return mr_parse_bool(flag, t->value ? t->value : "true", &cfg->inbound.enabled,
				     err, errlen);
	case F_REDIRECT_OUTBOUND:
		return mr_parse_bool(flag, t->value ? t->value : "true", &cfg->outbound.enabled,
				     err, errlen);
	case F_REDIRECT_INBOUND_PORT:
		return mr_parse_port(flag, t->value, &cfg->inbound.port, err, errlen);
	case F_REDIRECT_OUTBOUND_PORT:
		return mr_parse_port(flag, t->value, &cfg->outbound.port, err, errlen);
	case F_EXCLUDE_INBOUND_PORTS:
		return mr_parse_port_list(flag, t->value, &cfg->inbound.exclude_ports, err, errlen);
	case F_INCLUDE_INBOUND_PORTS:
		return mr_parse_port_list(flag, t->value, &cfg->inbound.include_ports, err, errlen);
	case F_EXCLUDE_OUTBOUND_PORTS:
		return mr_parse_port_list(flag, t->value, &cfg->outbound.exclude_ports, err, errlen);
	case F_INCLUDE_OUTBOUND_PORTS:
		return mr_parse_port_list(flag, t->value, &cfg->outbound.include_ports, err, errlen);
	case F_EXCLUDE_INBOUND_IPS:
		return mr_parse_cidr_list(flag, t->value, &cfg->inbound.exclude_ips, err, errlen);
	case F_EXCLUDE_OUTBOUND_IPS:
		return mr_parse_cidr_list(flag, t->value, &cfg->outbound.exclude_ips, err, errlen);
	case F_EXCLUDE_OUTBOUND_PORTS_FOR_UIDS:
		return mr_parse_uid_ports(flag, t->value, &cfg->outbound.exclude_ports_for_uids,
					  err, errlen);
	case F_KUMA_DP_USER:
		return mr_parse_user(flag, t->value, kuma_uid, err, errlen);
	case F_OWNER_UID:
		return mr_parse_id_list(flag, "UID", t->value, &cfg->owner_uids, err, errlen);
	case F_OWNER_GID:
		return mr_parse_id_list(flag, "GID", t->value, &cfg->owner_gids, err, errlen);
	case F_IP_FAMILY_MODE:
		if (!strcasecmp(t->value, "ipv4"))
			cfg->ip_family_mode = MESHREDIR_IP_FAMILY_IPV4;
		else if (!strcasecmp(t->value, "dualstack"))
			cfg->ip_family_mode = MESHREDIR_IP_FAMILY_DUALSTACK;
		else
			return mr_fail(err, errlen, "%s: \"%s\" is not ipv4 or dualstack", flag,
				       t->value);
		return 0;
	case F_JSON:
		cl->json = true;
		return 0;
	case F_NETNS:
		if (!*t->value)
			return mr_fail(err, errlen, "%s: \"\" is not a namespace name or path", flag);
		cl->netns = t->value;
		return 0;
	case F_PID:
		if (!mr_uint(mr_str(t->value), INT_MAX, &pid) || !pid)
			return mr_fail(err, errlen, "%s: \"%s\" is not a process ID", flag, t->value);
		cl->has_pid = true;
		cl->pid = pid;
		return 0;
	case F_HELP:
	case F_VERSION:
		return 0;
	}
	return 0;
}

/*
 * --help and --version win over everything else, even a bad value, as they
 * do in most tools: `meshredir set --exclude-inbound-ports 0 --help` helps.
 */
static bool mr_wants(int argc, char **argv, const char *a, const char *b,
		     enum mr_command *topic)
{
	bool found = false;
	int i;

	*topic = MR_CMD_NONE;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], a) || (b && !strcmp(argv[i], b)))
			found = true;
		else if (*topic == MR_CMD_NONE && argv[i][0] != '-')
			*topic = mr_command_lookup(argv[i]);
	}
	return found;
}

int mr_args_parse(struct mr_cmdline *cl, int argc, char **argv, char *err, size_t errlen)
{
	uint32_t kuma_uid = MR_DEFAULT_KUMA_DP_UID;
	enum mr_command topic;
	struct mr_token t;
	char flag[64];
	int i, cmd_at = 0;

	memset(cl, 0, sizeof(*cl));
	mr_config_init(&cl->cfg);
	err[0] = '\0';

	if (mr_wants(argc, argv, "--help", "-h", &topic)) {
		cl->cmd = MR_CMD_HELP;
		cl->help_topic = topic == MR_CMD_HELP ? MR_CMD_NONE : topic;
		return 0;
	}
	if (mr_wants(argc, argv, "--version", NULL, &topic)) {
		cl->cmd = MR_CMD_VERSION;
		return 0;
	}

	/* First the command word, so that flags before it are judged by it. */
	for (i = 1; i < argc && cl->cmd == MR_CMD_NONE; i += t.used) {
		mr_tokenize(argc, argv, i, &t);
		if (t.is_flag)
			continue;
		cl->cmd = mr_command_lookup(argv[i]);
		if (cl->cmd == MR_CMD_NONE)
			return mr_fail(err, errlen, "unknown command \"%s\" (see meshredir --help)",
				       argv[i]);
		cmd_at = i;
	}
	if (cl->cmd == MR_CMD_NONE)
		return mr_fail(err, errlen, "no command given (see meshredir --help)");

	for (i = 1; i < argc; i += t.used) {
		mr_tokenize(argc, argv, i, &t);
		if (i == cmd_at)
			continue;
		if (!t.is_flag) {
			if (cl->cmd == MR_CMD_HELP && cl->help_topic == MR_CMD_NONE) {
				cl->help_topic = mr_command_lookup(argv[i]);
				if (cl->help_topic != MR_CMD_NONE)
					continue;
				return mr_fail(err, errlen, "unknown command \"%s\" (see meshredir --help)",
					       argv[i]);
			}
			return mr_fail(err, errlen, "unexpected argument \"%s\"", argv[i]);
		}
		if (!t.flag) {
			if (mr_kuma_only(t.name, t.name_len))
				return mr_fail(err, errlen,
					       "--%.*s: a kumactl flag meshredir does not have (it redirects TCP only, without iptables)",
					       (int)t.name_len, t.name);
			return mr_fail(err, errlen, "unknown flag \"%s%.*s\" (see meshredir %s --help)",
				       argv[i][1] == '-' ? "--" : "-", (int)t.name_len, t.name,
				       mr_command_name(cl->cmd));
		}
		mr_flag_name(flag, sizeof(flag), &t);
		if (!(t.flag->cmds & C(cl->cmd)))
			return mr_fail(err, errlen, "%s: not a flag of \"%s\" (see meshredir %s --help)",
				       flag, mr_command_name(cl->cmd), mr_command_name(cl->cmd));
		if (t.flag->value == V_REQUIRED && !t.value)
			return mr_fail(err, errlen, "%s: a value is needed", flag);
		if (t.flag->value == V_NONE && t.value)
			return mr_fail(err, errlen, "%s: takes no value", flag);
		if (mr_apply(cl, &t, &kuma_uid, err, errlen))
			return -1;
	}
	if (cl->netns && cl->has_pid)
		return mr_fail(err, errlen, "--netns and --pid cannot be used together");

	if (cl->cmd == MR_CMD_SET) {
		/* The proxy's own user is always an owner, as in Kuma. */
		mr_id_list_add(&cl->cfg.owner_uids, kuma_uid, kuma_uid);
		mr_config_normalize(&cl->cfg);
		if (mr_config_check_limits(&cl->cfg, err, errlen))
			return -1;
	}
	return 0;
}

void mr_cmdline_free(struct mr_cmdline *cl)
{
	mr_config_free(&cl->cfg);
}

static const char mr_usage_main[] =
"Usage: meshredir [--netns NAME|PATH | --pid PID] COMMAND [FLAGS]\n"
"\n"
"Transparent TCP redirection for a service-mesh sidecar, configured per\n"
"network namespace, classifying connections as Kuma's transparent proxy does.\n"
"\n"
"Commands:\n"
"  set              replace the namespace's configuration (kumactl's flags)\n"
"  show [--json]    print the configuration and the decision counters\n"
"  flush            remove the configuration\n"
"  reset-counters   set every counter back to zero\n"
"  help [COMMAND]   this text, or a command's\n"
"  version          print the version\n"
"\n"
"Flags of every command, before or after the command word:\n"
"  --netns NAME|PATH  act in the network namespace /run/netns/NAME, or in the\n"
"                     one of PATH when the value has a '/'\n"
"  --pid PID          act in the network namespace of process PID\n"
"  -h, --help         show help\n"
"  --version          print the version\n"
"\n"
"Exit status: 0 on success, including show, flush or reset-counters in a\n"
"namespace that is not configured; 1 on any error, bad usage included, with\n"
"one line on stderr. Nothing is sent to the kernel unless the whole command\n"
"line is valid. CAP_NET_ADMIN over the network namespace is needed.\n";

static const char mr_usage_set[] =
"Usage: meshredir set [FLAGS]\n"
"\n"
"Replaces the namespace's whole configuration at once: a flag left out takes\n"
"its default, nothing is kept from the configuration before. Flags take\n"
"--flag=value or --flag value. List flags may be repeated and add up; for\n"
"the others the last one wins.\n"
"\n"
"  --redirect-inbound[=BOOL]          redirect inbound connections (true)\n"
"  --redirect-inbound-port PORT       the proxy's inbound port (15006)\n"
"  --exclude-inbound-ports PORTS      destination ports left alone\n"
"  --include-inbound-ports PORTS      if given, only these are redirected\n"
"  --exclude-inbound-ips CIDRS        source addresses left alone\n"
"  --redirect-outbound[=BOOL]         redirect outbound connections (true)\n"
"  --redirect-outbound-port PORT      the proxy's outbound port (15001)\n"
"  --exclude-outbound-ports PORTS     destination ports left alone\n"
"  --include-outbound-ports PORTS     if given, only these are redirected\n"
"  --exclude-outbound-ips CIDRS       destination addresses left alone\n"
"  --exclude-outbound-ports-for-uids [PROTO:][PORTS:]UIDS\n"
"                                     destination ports left alone for\n"
"                                     connections of these UIDs\n"
"  --kuma-dp-user UID|NAME            the proxy's user (5678)\n"
"  --owner-uid UIDS                   more users whose connections are the\n"
"                                     proxy's own\n"
"  --owner-gid GIDS                   groups whose connections are the\n"
"                                     proxy's own\n"
"  --ip-family-mode ipv4|dualstack    redirect IPv4 only, or IPv4 and IPv6\n"
"                                     (dualstack)\n"
"\n"
"Values:\n"
"  BOOL   true or false (also 1, 0, t, f); the flag alone means true\n"
"  PORT   1 to 65535\n"
"  PORTS  ports and ranges, comma-separated: 22,80,8000-8100\n"
"  CIDRS  IPv4 and IPv6 addresses and CIDRs, comma-separated:\n"
"         10.0.0.0/8,fd00::/8,192.168.1.1; host bits are ignored, as iptables\n"
"         does: 10.1.2.3/8 is 10.0.0.0/8\n"
"  UIDS, GIDS   an ID or a range, or comma-separated: 1000,2000-2099\n"
"  [PROTO:][PORTS:]UIDS  as in kumactl: one UID or range (1000 or 1000-1010);\n"
"         before it PORTS (* or nothing: all), before that PROTO: tcp, udp,\n"
"         tcp,udp or * (both, the default). meshredir redirects TCP only,\n"
"         so an entry for udp alone is accepted and dropped: UDP exclusions\n"
"         only matter to DNS capture, which meshredir does not do.\n"
"\n"
"Connections of the --kuma-dp-user, which is always an owner, or of any\n"
"--owner-uid or --owner-gid, are the proxy's own and never redirected back\n"
"to it. A NAME is looked up in this system's user database: give the number\n"
"for a user that only exists in a container.\n"
"\n"
"Limits: each list travels in one netlink attribute of at most 64 KiB, and\n"
"so does each direction's settings together: about 2,300 IPv4 or 1,600 IPv6\n"
"CIDRs, or 3,200 port ranges, after merging. Owner lists take up to 1,024\n"
"ranges, --exclude-outbound-ports-for-uids 64 entries with 1,024 port ranges\n"
"between them.\n";

static const char mr_usage_show[] =
"Usage: meshredir show [--json]\n"
"\n"
"Prints the namespace's configuration as the kernel holds it (defaults filled\n"
"in, lists sorted and merged) and, per hook (local-out, pre-routing), how\n"
"many new TCP connections got each verdict since the first set or the last\n"
"reset-counters. In a namespace that is not configured it prints\n"
"\"meshredir: not configured in this network namespace\", or with --json\n"
"{\"configured\": false}, and exits 0.\n"
"\n"
"  --json   one JSON object; names as in the text output\n";

static const char mr_usage_flush[] =
"Usage: meshredir flush\n"
"\n"
"Removes the namespace's configuration: new connections are no longer\n"
"redirected. Those already redirected keep working only while another NAT\n"
"user (an iptables nat table, an nftables nat chain) keeps the namespace's\n"
"NAT hooks; otherwise they fail, as when the last nat chain is deleted.\n"
"In a namespace that is not configured it says so and exits 0.\n";

static const char mr_usage_reset[] =
"Usage: meshredir reset-counters\n"
"\n"
"Sets every decision counter back to zero. In a namespace that is not\n"
"configured it says so and exits 0.\n";

void mr_usage(FILE *f, enum mr_command topic)
{
	switch (topic) {
	case MR_CMD_SET:
		fputs(mr_usage_set, f);
		break;
	case MR_CMD_SHOW:
		fputs(mr_usage_show, f);
		break;
	case MR_CMD_FLUSH:
		fputs(mr_usage_flush, f);
		break;
	case MR_CMD_RESET_COUNTERS:
		fputs(mr_usage_reset, f);
		break;
	default:
		fputs(mr_usage_main, f);
		break;
	}
}
