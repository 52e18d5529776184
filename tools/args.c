// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: kumactl's flag names, defaults and value syntax, parsed
 * into a struct mr_tool_config, together with the Kuma configuration files
 * of install and apply (read by yaml.c with these same value parsers).
 * Everything is checked here, before any netlink traffic, so that a typo
 * never leaves the kernel half configured.
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
#include "yaml.h"

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

void mr_port_list_clear(struct mr_port_list *l)
{
	l->n = 0;
}

void mr_id_list_clear(struct mr_id_list *l)
{
	l->n = 0;
}

void mr_cidr_list_clear(struct mr_cidr_list *l)
{
	l->n = 0;
}

void mr_uid_ports_list_clear(struct mr_uid_ports_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].ports.v);
	l->n = 0;
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
	unsigned int i = prefix_len / 8;

	if (prefix_len % 8)
		addr[i++] &= 0xff00 >> (prefix_len % 8);
	memset(addr + i, 0, bits / 8 - i);
}

/* Whether a and b agree in their first len bits. */
static bool mr_prefix_eq(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	unsigned int n = len / 8;

	return !memcmp(a, b, n) &&
	       (!(len % 8) || !((a[n] ^ b[n]) & (0xff00 >> (len % 8))));
}

/* Whether outer holds every address of inner. */
static bool mr_cidr_covers(const struct mr_cidr *outer, const struct mr_cidr *inner)
{
	return outer->family == inner->family && outer->prefix_len <= inner->prefix_len &&
	       mr_prefix_eq(outer->addr, inner->addr, outer->prefix_len);
}

/* a and b are the two halves of one CIDR, a the lower. */
static bool mr_cidr_siblings(const struct mr_cidr *a, const struct mr_cidr *b)
{
	if (a->family != b->family || a->prefix_len != b->prefix_len || !a->prefix_len)
		return false;
	return !mr_bit(a->addr, a->prefix_len - 1) && mr_bit(b->addr, b->prefix_len - 1) &&
	       mr_prefix_eq(a->addr, b->addr, a->prefix_len - 1);
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

int mr_parse_ip_family_mode(const char *flag, const char *value, uint8_t *mode,
			    char *err, size_t errlen)
{
	if (!strcasecmp(value, "ipv4"))
		*mode = MESHREDIR_IP_FAMILY_IPV4;
	else if (!strcasecmp(value, "dualstack") || !*value)
		*mode = MESHREDIR_IP_FAMILY_DUALSTACK;
	else
		return mr_fail(err, errlen, "%s: \"%s\" is not ipv4 or dualstack", flag, value);
	return 0;
}

void mr_cidr_format(const struct mr_cidr *c, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(c->family, c->addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, c->prefix_len);
}

/* ---- limits ---- */

static int mr_limit(const char *flag, const char *what, size_t n, size_t max,
		    char *err, size_t errlen)
{
	if (n <= max)
		return 0;
	return mr_fail(err, errlen, "%s: %zu %s exceed the limit of %zu", flag, n, what, max);
}

/* What the limit messages call each list: a flag, or a Kuma file's field. */
struct mr_list_names {
	const char *exclude_ports, *include_ports, *exclude_ips, *uid_ports;
};

static const struct mr_list_names mr_flag_names[2] = {
	{ "--exclude-outbound-ports", "--include-outbound-ports", "--exclude-outbound-ips",
	  "--exclude-outbound-ports-for-uids" },
	{ "--exclude-inbound-ports", "--include-inbound-ports", "--exclude-inbound-ips", NULL },
};

static const struct mr_list_names mr_field_names[2] = {
	{ "redirect.outbound.excludePorts", "redirect.outbound.includePorts",
	  "redirect.outbound.excludePortsForIPs", "redirect.outbound.excludePortsForUIDs" },
	{ "redirect.inbound.excludePorts", "redirect.inbound.includePorts",
	  "redirect.inbound.excludePortsForIPs", NULL },
};

static int mr_dir_limits(const struct mr_dir_config *d, const struct mr_list_names *nm,
			 char *err, size_t errlen)
{
	const struct mr_uid_ports_list *up = &d->exclude_ports_for_uids;
	size_t i, total = 0;

	if (mr_limit(nm->exclude_ports, "port ranges", d->exclude_ports.n,
		     MESHREDIR_MAX_PORT_RANGES, err, errlen) ||
	    mr_limit(nm->include_ports, "port ranges", d->include_ports.n,
		     MESHREDIR_MAX_PORT_RANGES, err, errlen) ||
	    mr_limit(nm->exclude_ips, "CIDRs", d->exclude_ips.n, MESHREDIR_MAX_CIDRS,
		     err, errlen))
		return -1;
	if (!nm->uid_ports)
		return 0;
	if (mr_limit(nm->uid_ports, "entries", up->n, MESHREDIR_MAX_UID_PORTS, err, errlen))
		return -1;
	for (i = 0; i < up->n; i++)
		total += up->v[i].ports.n;
	return mr_limit(nm->uid_ports, "port ranges over all entries", total,
			MESHREDIR_MAX_UID_PORTS_RANGES, err, errlen);
}

/* The entries of a direction's lists as the kernel counts them: as sent. */
static size_t mr_dir_entries(const struct mr_dir_config *d, bool outbound)
{
	size_t i, n = d->exclude_ports.n + d->include_ports.n + d->exclude_ips.n;

	if (outbound) {
		n += d->exclude_ports_for_uids.n;
		for (i = 0; i < d->exclude_ports_for_uids.n; i++)
			n += d->exclude_ports_for_uids.v[i].ports.n;
	}
	return n;
}

static int mr_limits(const struct mr_tool_config *cfg, bool kuma_fields, char *err,
		     size_t errlen)
{
	const struct mr_list_names *nm = kuma_fields ? mr_field_names : mr_flag_names;

	if (mr_limit(kuma_fields ? "meshredir.ownerUIDs" : "--owner-uid", "UID ranges",
		     cfg->owner_uids.n, MESHREDIR_MAX_ID_RANGES, err, errlen) ||
	    mr_limit(kuma_fields ? "meshredir.ownerGIDs" : "--owner-gid", "GID ranges",
		     cfg->owner_gids.n, MESHREDIR_MAX_ID_RANGES, err, errlen) ||
	    mr_dir_limits(&cfg->inbound, &nm[1], err, errlen) ||
	    mr_dir_limits(&cfg->outbound, &nm[0], err, errlen) ||
	    mr_limit("the configuration", "list entries in all (ports, CIDRs, ID ranges)",
		     cfg->owner_uids.n + cfg->owner_gids.n + mr_dir_entries(&cfg->inbound, false) +
		     mr_dir_entries(&cfg->outbound, true), MESHREDIR_MAX_ENTRIES, err, errlen))
		return -1;
	return 0;
}

int mr_config_check_limits(const struct mr_tool_config *cfg, char *err, size_t errlen)
{
	return mr_limits(cfg, false, err, errlen);
}

int mr_config_finish(struct mr_tool_config *cfg, uint32_t kuma_dp_uid, bool kuma_fields,
		     char *err, size_t errlen)
{
	mr_id_list_add(&cfg->owner_uids, kuma_dp_uid, kuma_dp_uid);
	mr_config_normalize(cfg);
	return mr_limits(cfg, kuma_fields, err, errlen);
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
	F_DROP_INVALID_PACKETS,
	F_CONFIG,
	F_CONFIG_FILE,
	F_DRY_RUN,
	F_VERBOSE,
	F_JSON,
	F_FORMAT,
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
/* The configuration flags: set's, which install has too. */
#define C_CFG (C(MR_CMD_SET) | C(MR_CMD_INSTALL))
/* The commands that change the kernel's configuration as kumactl's do. */
#define C_KUMA (C(MR_CMD_INSTALL) | C(MR_CMD_UNINSTALL) | C(MR_CMD_APPLY))

struct mr_flag {
	const char *name;
	enum mr_flag_id id;
	enum mr_flag_value value;
	unsigned int cmds;
};

static const struct mr_flag mr_flags[] = {
	{ "redirect-inbound", F_REDIRECT_INBOUND, V_BOOL, C_CFG },
	{ "redirect-inbound-port", F_REDIRECT_INBOUND_PORT, V_REQUIRED, C_CFG },
	{ "exclude-inbound-ports", F_EXCLUDE_INBOUND_PORTS, V_REQUIRED, C_CFG },
	{ "include-inbound-ports", F_INCLUDE_INBOUND_PORTS, V_REQUIRED, C_CFG },
	{ "exclude-inbound-ips", F_EXCLUDE_INBOUND_IPS, V_REQUIRED, C_CFG },
	{ "redirect-outbound", F_REDIRECT_OUTBOUND, V_BOOL, C_CFG },
	{ "redirect-outbound-port", F_REDIRECT_OUTBOUND_PORT, V_REQUIRED, C_CFG },
	{ "exclude-outbound-ports", F_EXCLUDE_OUTBOUND_PORTS, V_REQUIRED, C_CFG },
	{ "include-outbound-ports", F_INCLUDE_OUTBOUND_PORTS, V_REQUIRED, C_CFG },
	{ "exclude-outbound-ips", F_EXCLUDE_OUTBOUND_IPS, V_REQUIRED, C_CFG },
	{ "exclude-outbound-ports-for-uids", F_EXCLUDE_OUTBOUND_PORTS_FOR_UIDS, V_REQUIRED,
	  C_CFG },
	{ "kuma-dp-user", F_KUMA_DP_USER, V_REQUIRED, C_CFG },
	/* kumactl's older name of the same flag. */
	{ "kuma-dp-uid", F_KUMA_DP_USER, V_REQUIRED, C(MR_CMD_INSTALL) },
	{ "owner-uid", F_OWNER_UID, V_REQUIRED, C_CFG },
	{ "owner-gid", F_OWNER_GID, V_REQUIRED, C_CFG },
	{ "ip-family-mode", F_IP_FAMILY_MODE, V_REQUIRED, C_CFG },
	{ "drop-invalid-packets", F_DROP_INVALID_PACKETS, V_BOOL, C_CFG },
	{ "config", F_CONFIG, V_REQUIRED, C(MR_CMD_INSTALL) },
	{ "config-file", F_CONFIG_FILE, V_REQUIRED, C(MR_CMD_INSTALL) },
	{ "dry-run", F_DRY_RUN, V_BOOL, C_KUMA },
	{ "verbose", F_VERBOSE, V_BOOL, C_KUMA },
	{ "json", F_JSON, V_NONE, C(MR_CMD_SHOW) },
	{ "format", F_FORMAT, V_REQUIRED, C(MR_CMD_SHOW) },
	{ "netns", F_NETNS, V_REQUIRED, C_ALL },
	{ "pid", F_PID, V_REQUIRED, C_ALL },
	{ "help", F_HELP, V_NONE, C_ALL },
	{ "version", F_VERSION, V_NONE, C_ALL },
};

#define MR_WHY_DNS "it redirects TCP only: no DNS capture"
#define MR_WHY_IPTABLES "it sets no iptables rules"
#define MR_WHY_EBPF "it is a netfilter module, not Kuma's eBPF mode"

/* kumactl flags that have no meaning here; named, so users know it's not a typo. */
static const struct {
	const char *name;
	const char *why;
} mr_kuma_only_flags[] = {
	{ "redirect-dns", MR_WHY_DNS },
	{ "redirect-all-dns-traffic", MR_WHY_DNS },
	{ "redirect-dns-port", MR_WHY_DNS },
	{ "redirect-dns-upstream-target-chain", MR_WHY_DNS },
	{ "skip-dns-conntrack-zone-split", MR_WHY_DNS },
	{ "vnet", "it has no virtual-network redirection" },
	{ "iptables-logs", "it has no iptables rules to log; show counts every verdict" },
	{ "disable-comments", MR_WHY_IPTABLES },
	{ "redirect-inbound-insert-instead-of-append", MR_WHY_IPTABLES },
	{ "redirect-outbound-insert-instead-of-append", MR_WHY_IPTABLES },
	{ "store-firewalld", MR_WHY_IPTABLES },
	{ "wait", MR_WHY_IPTABLES },
	{ "wait-interval", MR_WHY_IPTABLES },
	{ "max-retries", MR_WHY_IPTABLES },
	{ "sleep-between-retries", MR_WHY_IPTABLES },
	{ "iptables-executables", MR_WHY_IPTABLES },
	{ "ebpf-enabled", MR_WHY_EBPF },
	{ "ebpf-instance-ip", MR_WHY_EBPF },
	{ "ebpf-bpffs-path", MR_WHY_EBPF },
	{ "ebpf-cgroup-path", MR_WHY_EBPF },
	{ "ebpf-programs-source-path", MR_WHY_EBPF },
	{ "ebpf-tc-attach-iface", MR_WHY_EBPF },
};

static const struct {
	const char *name;
	enum mr_command cmd;
} mr_commands[] = {
	{ "set", MR_CMD_SET },
	{ "install", MR_CMD_INSTALL },
	{ "uninstall", MR_CMD_UNINSTALL },
	{ "apply", MR_CMD_APPLY },
	{ "show", MR_CMD_SHOW },
	{ "flush", MR_CMD_FLUSH },
	{ "reset-counters", MR_CMD_RESET_COUNTERS },
	{ "help", MR_CMD_HELP },
	{ "version", MR_CMD_VERSION },
};

/* What install and uninstall act on, as in kumactl. */
#define MR_TARGET "transparent-proxy"

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

/* Why meshredir does not have this kumactl flag; NULL if kumactl lacks it too. */
static const char *mr_kuma_only(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(mr_kuma_only_flags) / sizeof(mr_kuma_only_flags[0]); i++)
		if (strlen(mr_kuma_only_flags[i].name) == n &&
		    !memcmp(mr_kuma_only_flags[i].name, name, n))
			return mr_kuma_only_flags[i].why;
	return NULL;
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

/* What the parse carries between flags, beyond the command line itself. */
struct mr_parse_state {
	uint32_t kuma_uid;
	uint64_t seen;		/* 1 << flag id, for every flag used so far */
	int dry_run, verbose;	/* -1: not given */
};

/*
 * A list flag's first use replaces the list a config file gave (kumactl's
 * list flags do so too); its later uses add to it.
 */
static void *mr_fresh(struct mr_parse_state *st, enum mr_flag_id id, void *list,
		      void (*clear)(void *list))
{
	if (!(st->seen & (1ull << id)))
		clear(list);
	return list;
}

static void mr_clear_ports(void *l) { mr_port_list_clear(l); }
static void mr_clear_ids(void *l) { mr_id_list_clear(l); }
static void mr_clear_cidrs(void *l) { mr_cidr_list_clear(l); }
static void mr_clear_uid_ports(void *l) { mr_uid_ports_list_clear(l); }

static int mr_apply(struct mr_cmdline *cl, const struct mr_token *t, struct mr_parse_state *st,
		    char *err, size_t errlen)
{
	struct mr_tool_config *cfg = &cl->cfg;
	enum mr_flag_id id = t->flag->id;
	char flag[64];
	uint64_t pid;
	bool b;

	mr_flag_name(flag, sizeof(flag), t);
	switch (id) {
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
		return mr_parse_port_list(flag, t->value,
					  mr_fresh(st, id, &cfg->inbound.exclude_ports, mr_clear_ports),
					  err, errlen);
	case F_INCLUDE_INBOUND_PORTS:
		return mr_parse_port_list(flag, t->value,
					  mr_fresh(st, id, &cfg->inbound.include_ports, mr_clear_ports),
					  err, errlen);
	case F_EXCLUDE_OUTBOUND_PORTS:
		return mr_parse_port_list(flag, t->value,
					  mr_fresh(st, id, &cfg->outbound.exclude_ports, mr_clear_ports),
					  err, errlen);
	case F_INCLUDE_OUTBOUND_PORTS:
		return mr_parse_port_list(flag, t->value,
					  mr_fresh(st, id, &cfg->outbound.include_ports, mr_clear_ports),
					  err, errlen);
	case F_EXCLUDE_INBOUND_IPS:
		return mr_parse_cidr_list(flag, t->value,
					  mr_fresh(st, id, &cfg->inbound.exclude_ips, mr_clear_cidrs),
					  err, errlen);
	case F_EXCLUDE_OUTBOUND_IPS:
		return mr_parse_cidr_list(flag, t->value,
					  mr_fresh(st, id, &cfg->outbound.exclude_ips, mr_clear_cidrs),
					  err, errlen);
	case F_EXCLUDE_OUTBOUND_PORTS_FOR_UIDS:
		return mr_parse_uid_ports(flag, t->value,
					  mr_fresh(st, id, &cfg->outbound.exclude_ports_for_uids,
						   mr_clear_uid_ports),
					  err, errlen);
	case F_KUMA_DP_USER:
		return mr_parse_user(flag, t->value, &st->kuma_uid, err, errlen);
	case F_OWNER_UID:
		return mr_parse_id_list(flag, "UID", t->value,
					mr_fresh(st, id, &cfg->owner_uids, mr_clear_ids), err, errlen);
	case F_OWNER_GID:
		return mr_parse_id_list(flag, "GID", t->value,
					mr_fresh(st, id, &cfg->owner_gids, mr_clear_ids), err, errlen);
	case F_IP_FAMILY_MODE:
		return mr_parse_ip_family_mode(flag, t->value, &cfg->ip_family_mode, err, errlen);
	case F_DROP_INVALID_PACKETS:
		return mr_parse_bool(flag, t->value ? t->value : "true", &cfg->drop_invalid,
				     err, errlen);
	case F_DRY_RUN:
	case F_VERBOSE:
		if (mr_parse_bool(flag, t->value ? t->value : "true", &b, err, errlen))
			return -1;
		*(id == F_DRY_RUN ? &st->dry_run : &st->verbose) = b;
		return 0;
	case F_JSON:
		cl->format = MR_FORMAT_JSON;
		return 0;
	case F_FORMAT:
		if (!strcmp(t->value, "text"))
			cl->format = MR_FORMAT_TEXT;
		else if (!strcmp(t->value, "json"))
			cl->format = MR_FORMAT_JSON;
		else if (!strcmp(t->value, "yaml"))
			cl->format = MR_FORMAT_YAML;
		else
			return mr_fail(err, errlen, "%s: \"%s\" is not text, json or yaml", flag,
				       t->value);
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
	case F_CONFIG:		/* read before every other flag */
	case F_CONFIG_FILE:
	case F_HELP:
	case F_VERSION:
		return 0;
	}
	return 0;
}

/* YAML text from --config, --config-file or apply's FILE, onto cl->cfg and x. */
static int mr_load(struct mr_cmdline *cl, const char *flag, const char *path,
		   struct mr_kuma_extra *x, char *err, size_t errlen)
{
	char e[MR_ERR_LEN];
	size_t len;
	char *text;
	int ret;

	text = mr_read_file(path, &len, e, sizeof(e));
	if (!text)
		return mr_fail(err, errlen, "%s: %s", flag, e);
	ret = mr_yaml_parse(strcmp(path, "-") ? path : "stdin", text, len, &cl->cfg, x,
			    err, errlen);
	free(text);
	return ret;
}

/*
 * install's --config and --config-file, before the other flags, which
 * override them: Kuma's order, defaults < config < flags. The text comes
 * before the file, as kumactl loads them.
 */
static int mr_load_install_config(struct mr_cmdline *cl, int argc, char **argv, int cmd_at,
				  struct mr_kuma_extra *x, char *err, size_t errlen)
{
	const char *text = NULL, *file = NULL;
	struct mr_token t;
	int i;

	for (i = 1; i < argc; i += t.used) {
		mr_tokenize(argc, argv, i, &t);
		if (i == cmd_at || !t.flag || !t.value)
			continue;
		if (t.flag->id == F_CONFIG)
			text = t.value;
		else if (t.flag->id == F_CONFIG_FILE)
			file = t.value;
	}
	if (text && !strcmp(text, "-"))
		return mr_fail(err, errlen,
			       "--config: \"-\" is not a configuration; --config-file - reads one from stdin");
	if (text && mr_yaml_parse("--config", text, strlen(text), &cl->cfg, x, err, errlen))
		return -1;
	if (file && mr_load(cl, "--config-file", file, x, err, errlen))
		return -1;
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

/* A word after the command: install's target, apply's file, help's topic. */
static int mr_positional(struct mr_cmdline *cl, const char *word, bool *has_target,
			 char *err, size_t errlen)
{
	switch (cl->cmd) {
	case MR_CMD_HELP:
		if (cl->help_topic == MR_CMD_NONE) {
			cl->help_topic = mr_command_lookup(word);
			if (cl->help_topic != MR_CMD_NONE)
				return 0;
			return mr_fail(err, errlen, "unknown command \"%s\" (see meshredir --help)",
				       word);
		}
		if ((cl->help_topic == MR_CMD_INSTALL || cl->help_topic == MR_CMD_UNINSTALL) &&
		    !*has_target && !strcmp(word, MR_TARGET)) {
			*has_target = true;
			return 0;
		}
		break;
	case MR_CMD_INSTALL:
	case MR_CMD_UNINSTALL:
		if (*has_target)
			break;
		if (strcmp(word, MR_TARGET))
			return mr_fail(err, errlen, "%s: \"%s\" is not something meshredir %ss (only " MR_TARGET ")",
				       mr_command_name(cl->cmd), word, mr_command_name(cl->cmd));
		*has_target = true;
		return 0;
	case MR_CMD_APPLY:
		if (cl->file)
			break;
		cl->file = word;
		return 0;
	default:
		break;
	}
	return mr_fail(err, errlen, "unexpected argument \"%s\"", word);
}

int mr_args_parse(struct mr_cmdline *cl, int argc, char **argv, char *err, size_t errlen)
{
	struct mr_parse_state st = { MR_DEFAULT_KUMA_DP_UID, 0, -1, -1 };
	struct mr_kuma_extra x;
	enum mr_command topic;
	bool has_target = false;
	struct mr_token t;
	const char *why;
	char flag[64];
	int i, cmd_at = 0;

	memset(cl, 0, sizeof(*cl));
	mr_config_init(&cl->cfg);
	mr_kuma_extra_init(&x);
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

	if (cl->cmd == MR_CMD_INSTALL) {
		if (mr_load_install_config(cl, argc, argv, cmd_at, &x, err, errlen))
			return -1;
		st.kuma_uid = x.kuma_dp_uid;
	}

	for (i = 1; i < argc; i += t.used) {
		mr_tokenize(argc, argv, i, &t);
		if (i == cmd_at)
			continue;
		if (!t.is_flag) {
			if (mr_positional(cl, argv[i], &has_target, err, errlen))
				return -1;
			continue;
		}
		if (!t.flag) {
			why = mr_kuma_only(t.name, t.name_len);
			if (why)
				return mr_fail(err, errlen,
					       "--%.*s: a kumactl flag meshredir does not have (%s)",
					       (int)t.name_len, t.name, why);
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
		if (mr_apply(cl, &t, &st, err, errlen))
			return -1;
		st.seen |= 1ull << t.flag->id;
	}
	if (cl->netns && cl->has_pid)
		return mr_fail(err, errlen, "--netns and --pid cannot be used together");
	if ((cl->cmd == MR_CMD_INSTALL || cl->cmd == MR_CMD_UNINSTALL) && !has_target)
		return mr_fail(err, errlen, "%s: missing \"" MR_TARGET "\" (meshredir %s " MR_TARGET " [FLAGS])",
			       mr_command_name(cl->cmd), mr_command_name(cl->cmd));
	if (cl->cmd == MR_CMD_APPLY) {
		if (!cl->file)
			return mr_fail(err, errlen, "apply: missing FILE, or - for stdin (meshredir apply FILE|-)");
		if (mr_load(cl, "apply", cl->file, &x, err, errlen))
			return -1;
		st.kuma_uid = x.kuma_dp_uid;
	}
	cl->dry_run = st.dry_run >= 0 ? st.dry_run : x.dry_run;
	cl->verbose = st.verbose >= 0 ? st.verbose : x.verbose;

	if (cl->cmd == MR_CMD_APPLY) {
		char e[MR_ERR_LEN];

		/* A limit is the whole file's, as its parse errors name it. */
		if (!mr_config_finish(&cl->cfg, st.kuma_uid, true, e, sizeof(e)))
			return 0;
		return mr_fail(err, errlen, "%s: %s", strcmp(cl->file, "-") ? cl->file : "stdin", e);
	}
	if (cl->cmd == MR_CMD_SET || cl->cmd == MR_CMD_INSTALL)
		return mr_config_finish(&cl->cfg, st.kuma_uid, false, err, errlen);
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
"  install transparent-proxy\n"
"                   the same as kumactl's command: its flags, --config,\n"
"                   --config-file, --dry-run, --verbose\n"
"  uninstall transparent-proxy\n"
"                   remove the configuration, as flush\n"
"  apply FILE|-     replace the configuration with a Kuma transparent-proxy\n"
"                   configuration file (YAML or JSON; - reads stdin)\n"
"  show [--format text|json|yaml]\n"
"                   print the configuration and the decision counters\n"
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
"line, and any configuration file, is valid. CAP_NET_ADMIN over the network\n"
"namespace is needed.\n";

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
"  --drop-invalid-packets[=BOOL]      drop incoming packets conntrack finds\n"
"                                     INVALID, as Kuma's mangle rule does\n"
"                                     (false)\n"
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
"An out-of-window TCP segment of a redirected connection is INVALID to\n"
"conntrack, skips the redirect and reaches the original address, whose\n"
"stack answers with a RST that ends the client's connection; with\n"
"--drop-invalid-packets such packets are dropped (and counted as\n"
"dropped-invalid at pre-routing) before the stack sees them.\n"
"\n"
"Connections of the --kuma-dp-user, which is always an owner, or of any\n"
"--owner-uid or --owner-gid, are the proxy's own and never redirected back\n"
"to it. A NAME is looked up in this system's user database: give the number\n"
"for a user that only exists in a container.\n"
"\n"
"Limits, per namespace, after merging: 65,535 port ranges per port list,\n"
"65,536 CIDRs per address list (IPv4 and IPv6 together), 1,024 ranges per\n"
"owner list, --exclude-outbound-ports-for-uids 64 entries with 1,024 port\n"
"ranges between them, and 131,072 entries over all lists. A configuration\n"
"bigger than one netlink message is sent in parts of 32 KiB that the kernel\n"
"applies at once with the last one, or not at all.\n";

static const char mr_usage_install[] =
"Usage: meshredir install transparent-proxy [FLAGS]\n"
"\n"
"kumactl's command, for the meshredir module: replaces the namespace's whole\n"
"configuration, as set does, with Kuma's defaults, overridden by the\n"
"configuration of --config and then of --config-file (Kuma's\n"
"transparent-proxy configuration, see meshredir help apply), overridden by\n"
"the flags. A list flag replaces the configuration's list; repeated, it adds\n"
"up. Nothing is kept from the configuration before. No iptables rule is set\n"
"and /etc/resolv.conf is not touched.\n"
"\n"
"  --config TEXT              the configuration as YAML or JSON text\n"
"  --config-file FILE|-       the configuration from a file, or stdin with -\n"
"  --dry-run[=BOOL]           print the configuration that would be set, as\n"
"                             show --format yaml writes it; send nothing\n"
"  --verbose[=BOOL]           print the configuration sent and the result\n"
"\n"
"kumactl's flags, with their kumactl meaning (see meshredir help set):\n"
"  --redirect-inbound[=BOOL], --redirect-inbound-port PORT,\n"
"  --exclude-inbound-ports PORTS, --exclude-inbound-ips CIDRS,\n"
"  --redirect-outbound-port PORT, --exclude-outbound-ports PORTS,\n"
"  --exclude-outbound-ips CIDRS,\n"
"  --exclude-outbound-ports-for-uids [PROTO:][PORTS:]UIDS,\n"
"  --kuma-dp-user UID|NAME (or --kuma-dp-uid), --ip-family-mode ipv4|dualstack,\n"
"  --drop-invalid-packets[=BOOL]\n"
"meshredir's own, as in meshredir help set:\n"
"  --redirect-outbound[=BOOL], --include-inbound-ports PORTS,\n"
"  --include-outbound-ports PORTS, --owner-uid UIDS, --owner-gid GIDS\n"
"\n"
"kumactl's other flags are refused, each with its reason:\n"
"  --redirect-dns, --redirect-all-dns-traffic, --redirect-dns-port,\n"
"  --redirect-dns-upstream-target-chain, --skip-dns-conntrack-zone-split:\n"
"      meshredir redirects TCP only, it does not capture DNS\n"
"  --vnet: meshredir has no virtual-network redirection\n"
"  --iptables-logs: there are no iptables rules to log; show counts every\n"
"      verdict\n"
"  --wait, --wait-interval, --max-retries, --sleep-between-retries,\n"
"  --disable-comments, --store-firewalld, --iptables-executables,\n"
"  --redirect-inbound-insert-instead-of-append,\n"
"  --redirect-outbound-insert-instead-of-append: meshredir sets no iptables\n"
"      rules\n"
"  --ebpf-enabled, --ebpf-instance-ip, --ebpf-bpffs-path, --ebpf-cgroup-path,\n"
"  --ebpf-programs-source-path, --ebpf-tc-attach-iface: meshredir is a\n"
"      netfilter module, not Kuma's eBPF mode\n"
"In a configuration file the same settings are accepted when they ask for\n"
"nothing meshredir lacks, and the iptables tuning ones are ignored (see\n"
"meshredir help apply).\n";

static const char mr_usage_uninstall[] =
"Usage: meshredir uninstall transparent-proxy [--dry-run] [--verbose]\n"
"\n"
"kumactl's command: removes the namespace's configuration, as flush does\n"
"(see meshredir help flush for the connections already redirected). In a\n"
"namespace that is not configured it says so and exits 0.\n"
"\n"
"  --dry-run[=BOOL]   say what would be removed; send nothing\n"
"  --verbose[=BOOL]   say what is removed and how it ended\n";

static const char mr_usage_apply[] =
"Usage: meshredir apply FILE|- [--dry-run] [--verbose]\n"
"\n"
"Replaces the namespace's whole configuration with the one in FILE, or in\n"
"stdin for -: Kuma's transparent-proxy configuration, as kumactl install\n"
"transparent-proxy --config-file reads it, in YAML or JSON. A field left out\n"
"takes Kuma's default; nothing is kept from the configuration before. The\n"
"whole file is checked before anything is sent: an error names the file, the\n"
"line, the field and the value, and leaves the namespace as it was.\n"
"\n"
"  --dry-run[=BOOL]   print the configuration as show --format yaml would;\n"
"                     send nothing\n"
"  --verbose[=BOOL]   print the configuration sent and the result\n"
"\n"
"Fields meshredir sets (values as for the flags, see meshredir help set):\n"
"  kumaDPUser           the proxy's user, UID or name (\"\": 5678); always an\n"
"                       owner\n"
"  ipFamilyMode         ipv4 or dualstack (dualstack)\n"
"  dropInvalidPackets   BOOL (false), as --drop-invalid-packets\n"
"  redirect.inbound.enabled, redirect.outbound.enabled    BOOL (true)\n"
"  redirect.inbound.port, redirect.outbound.port          PORT (15006, 15001)\n"
"  redirect.inbound.includePorts, redirect.inbound.excludePorts,\n"
"  redirect.outbound.includePorts, redirect.outbound.excludePorts\n"
"                       a list of ports; unlike Kuma, \"first-last\" ranges too\n"
"                       (or one comma-separated string of them)\n"
"  redirect.inbound.excludePortsForIPs, redirect.outbound.excludePortsForIPs\n"
"                       a list of addresses and CIDRs (sources for inbound)\n"
"  redirect.outbound.excludePortsForUIDs\n"
"                       a list of \"[PROTO:][PORTS:]UIDS\" entries\n"
"  meshredir.ownerUIDs, meshredir.ownerGIDs\n"
"                       meshredir's own: more owner users and groups, as\n"
"                       --owner-uid and --owner-gid (lists of IDs and\n"
"                       \"first-last\" ranges); kumactl ignores this mapping\n"
"  dryRun, verbose      as --dry-run and --verbose (a flag given wins)\n"
"\n"
"Fields for what meshredir does not do are accepted only with the value that\n"
"asks for none of it, and are otherwise an error naming the field:\n"
"  false: redirect.dns.enabled, redirect.dns.captureAll,\n"
"         redirect.inbound.insertRedirectInsteadOfAppend,\n"
"         redirect.outbound.insertRedirectInsteadOfAppend, ebpf.enabled,\n"
"         log.enabled, storeFirewalld, cniMode\n"
"  an empty list: redirect.vnet.networks, redirect.inbound.excludePortsForUIDs\n"
"Checked, then ignored, as they only tune how kumactl runs iptables or only\n"
"act with a feature meshredir does not have: wait, waitInterval,\n"
"retry.maxRetries, retry.sleepBetweenRetries, comments.disabled,\n"
"iptablesExecutables.*, log.level, redirect.dns.port,\n"
"redirect.dns.skipConntrackZoneSplit, redirect.dns.resolvConfigPath and\n"
"ebpf.* but ebpf.enabled. Any other field is an error; a null value is the\n"
"same as none. show --format yaml writes this format, and apply reads it\n"
"back to the same configuration.\n";

static const char mr_usage_show[] =
"Usage: meshredir show [--format text|json|yaml] [--json]\n"
"\n"
"Prints the namespace's configuration as the kernel holds it (defaults filled\n"
"in, lists sorted and merged) and, per hook (local-out, pre-routing), how\n"
"many new TCP connections got each verdict since the first set or the last\n"
"reset-counters. In a namespace that is not configured it prints\n"
"\"meshredir: not configured in this network namespace\" (with --format json\n"
"{\"configured\": false}, with --format yaml that line as a YAML comment), and\n"
"exits 0.\n"
"\n"
"  --format text   for people (the default)\n"
"  --format json   one JSON object; names as in the text output\n"
"  --format yaml   the configuration only, no counters, as Kuma's\n"
"                  transparent-proxy configuration: meshredir apply reads it\n"
"                  back to the same configuration. The kumaDPUser is 5678 if\n"
"                  that is an owner, else the lowest owner UID; the other\n"
"                  owners are under meshredir.ownerUIDs and ownerGIDs\n"
"  --json          the same as --format json\n";

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
	case MR_CMD_INSTALL:
		fputs(mr_usage_install, f);
		break;
	case MR_CMD_UNINSTALL:
		fputs(mr_usage_uninstall, f);
		break;
	case MR_CMD_APPLY:
		fputs(mr_usage_apply, f);
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
