// SPDX-License-Identifier: GPL-2.0
/*
 * kumactl's value syntax: ports, IDs and their ranges, CIDRs, booleans,
 * users, Kuma's [protocol:][ports:]uids. Everything is checked here, before
 * any netlink traffic, so that a typo never leaves the kernel half
 * configured.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "parse.h"
#include "util.h"

struct str {
	const char *p;
	size_t n;
};

static struct str str(const char *s)
{
	return (struct str){ s, strlen(s) };
}

static struct str trim(struct str s)
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
static bool cut(struct str *s, char sep, struct str *head)
{
	const char *at = memchr(s->p, sep, s->n);

	if (!at) {
		*head = *s;
		s->p += s->n;
		s->n = 0;
		return false;
	}
	*head = (struct str){ s->p, (size_t)(at - s->p) };
	s->n -= at - s->p + 1;
	s->p = at + 1;
	return true;
}

static bool streq(struct str s, const char *lit)
{
	return s.n == strlen(lit) && !memcmp(s.p, lit, s.n);
}

static bool strcaseeq(struct str s, const char *lit)
{
	return s.n == strlen(lit) && !strncasecmp(s.p, lit, s.n);
}

static bool all_digits(struct str s)
{
	size_t i;

	for (i = 0; i < s.n; i++)
		if (!isdigit((unsigned char)s.p[i]))
			return false;
	return s.n > 0;
}

static bool uint_of(struct str s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!all_digits(s))
		return false;
	for (i = 0; i < s.n; i++) {
		v = v * 10 + (uint64_t)(s.p[i] - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

bool decimal(const char *s, uint64_t max, uint64_t *out)
{
	return uint_of(str(s), max, out);
}

struct num_kind {
	const char *noun;
	uint64_t min, max;
};

static const struct num_kind kinds[] = {
	[RANGE_PORT] = { "port", 1, 65535 },
	[RANGE_UID] = { "UID", 0, MR_ID_MAX },
	[RANGE_GID] = { "GID", 0, MR_ID_MAX },
};

static int num(const char *prefix, const struct num_kind *k, struct str s,
	       uint64_t *out, char *err, size_t errlen)
{
	if (!uint_of(s, k->max, out) || *out < k->min)
		return fail(err, errlen, "%s: \"%.*s\" is not a %s (%llu-%llu)", prefix,
			    (int)s.n, s.p, k->noun, (unsigned long long)k->min,
			    (unsigned long long)k->max);
	return 0;
}

/* N or N-M. */
static int range_of(const char *prefix, const struct num_kind *k, struct str s,
		    uint64_t *first, uint64_t *last, char *err, size_t errlen)
{
	struct str rest = s, a;
	char whole[MR_ERR_LEN];

	if (!cut(&rest, '-', &a)) {
		if (num(prefix, k, s, first, err, errlen))
			return -1;
		*last = *first;
		return 0;
	}
	if (!a.n || !rest.n)
		return fail(err, errlen, "%s: \"%.*s\" is not a %s range", prefix,
			    (int)s.n, s.p, k->noun);
	/* A bad half is named inside the whole: "1000-abc": "abc" is not... */
	snprintf(whole, sizeof(whole), "%s: \"%.*s\"", prefix, (int)s.n, s.p);
	if (num(whole, k, a, first, err, errlen) ||
	    num(whole, k, rest, last, err, errlen))
		return -1;
	if (*first > *last)
		return fail(err, errlen, "%s: \"%.*s\": first %s %llu is greater than last %llu",
			    prefix, (int)s.n, s.p, k->noun, (unsigned long long)*first,
			    (unsigned long long)*last);
	return 0;
}

/*
 * Calls each for every comma-separated entry of value; an empty value is an
 * empty list, as in kumactl, but an empty entry inside one is a typo.
 */
static int each_entry(const char *prefix, struct str value,
		      int (*each)(const char *prefix, struct str entry, void *data),
		      void *data, char *err, size_t errlen)
{
	struct str rest = trim(value), entry;
	bool more;

	if (!rest.n)
		return 0;
	do {
		more = cut(&rest, ',', &entry);
		entry = trim(entry);
		if (!entry.n)
			return fail(err, errlen, "%s: \"%.*s\" has an empty entry", prefix,
				    (int)value.n, value.p);
		if (each(prefix, entry, data))
			return -1;
	} while (more);
	return 0;
}

struct each_ctx {
	void *list;
	const struct num_kind *kind;
	char *err;
	size_t errlen;
};

static int each_range(const char *prefix, struct str entry, void *data)
{
	struct each_ctx *c = data;
	uint64_t first, last;

	if (range_of(prefix, c->kind, entry, &first, &last, c->err, c->errlen))
		return -1;
	range_list_add(c->list, first, last);
	return 0;
}

static int ranges(const char *prefix, enum range_kind kind, struct str value,
		  struct range_list *out, char *err, size_t errlen)
{
	struct each_ctx c = { out, &kinds[kind], err, errlen };

	return each_entry(prefix, value, each_range, &c, err, errlen);
}

int parse_range_list(const char *flag, enum range_kind kind, const char *value,
		     struct range_list *out, char *err, size_t errlen)
{
	return ranges(flag, kind, str(value), out, err, errlen);
}

static int cidr_parse(const char *prefix, struct str s, struct cidr *c,
		      char *err, size_t errlen)
{
	char buf[64];
	struct str rest = s, addr;
	bool has_len = cut(&rest, '/', &addr);
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
	bits = cidr_bits(c);
	c->prefix_len = bits;
	if (has_len) {
		if (!all_digits(rest))
			return fail(err, errlen, "%s: \"%.*s\": \"%.*s\" is not a prefix length",
				    prefix, (int)s.n, s.p, (int)rest.n, rest.p);
		if (!uint_of(rest, bits, &len))
			return fail(err, errlen, "%s: \"%.*s\": prefix length %.*s exceeds %u",
				    prefix, (int)s.n, s.p, (int)rest.n, rest.p, bits);
		c->prefix_len = len;
	}
	/* As iptables does with 10.1.2.3/8: the host bits are ignored. */
	cidr_mask(c);
	return 0;
bad:
	return fail(err, errlen, "%s: \"%.*s\" is not an IP address or CIDR", prefix,
		    (int)s.n, s.p);
}

static int each_cidr(const char *prefix, struct str entry, void *data)
{
	struct each_ctx *c = data;
	struct cidr cidr;

	if (cidr_parse(prefix, entry, &cidr, c->err, c->errlen))
		return -1;
	cidr_list_add(c->list, &cidr);
	return 0;
}

bool parse_blank(const char *value)
{
	return !trim(str(value)).n;
}

int parse_cidr_list(const char *flag, const char *value, struct cidr_list *out,
		    char *err, size_t errlen)
{
	struct each_ctx c = { out, NULL, err, errlen };

	return each_entry(flag, str(value), each_cidr, &c, err, errlen);
}

/* As the kernel's dev_valid_name(), with iptables' trailing '+'. */
static const char *ifname_problem(const char *name)
{
	size_t len = strlen(name), i;

	if (!len)
		return "is empty";
	if (len > 15)
		return "is longer than 15 bytes";
	for (i = 0; i < len; i++) {
		if (name[i] == '+' && i != len - 1)
			return "has a '+' before its end ('+' only at the end)";
		if (name[i] == '/' || name[i] == ':' || isspace((unsigned char)name[i]))
			return "has a character no interface name has ('/', ':' or a space)";
	}
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "is not an interface name";
	return NULL;
}

int parse_vnet(const char *flag, const char *value, struct vnet_list *out,
	       char *err, size_t errlen)
{
	const char *colon = strchr(value, ':');
	const char *problem;
	char prefix[128];
	struct vnet v = { 0 };
	size_t len;

	if (!colon)
		return fail(err, errlen, "%s: \"%s\" is not IFACE:CIDR (no ':')", flag, value);
	len = colon - value;
	if (len >= sizeof(v.ifname))
		return fail(err, errlen, "%s: \"%s\": interface name \"%.*s\" is longer than 15 bytes",
			    flag, value, (int)len, value);
	memcpy(v.ifname, value, len);
	problem = ifname_problem(v.ifname);
	if (problem)
		return fail(err, errlen, "%s: \"%s\": interface name \"%s\" %s", flag, value,
			    v.ifname, problem);
	/* Kuma's net.ParseCIDR: a prefix length is required. */
	if (!strchr(colon + 1, '/'))
		return fail(err, errlen, "%s: \"%s\": \"%s\" is not a CIDR (ADDRESS/LENGTH)",
			    flag, value, colon + 1);
	snprintf(prefix, sizeof(prefix), "%s: \"%s\"", flag, value);
	if (cidr_parse(prefix, str(colon + 1), &v.cidr, err, errlen))
		return -1;
	vnet_list_set(out, &v);
	return 0;
}

/*
 * Kuma's [protocol:][ports:]uids: one field is uids, two are ports:uids,
 * three are protocol:ports:uids (kumactl's own parser reads them so).
 * protocol is tcp, udp, a comma list of them, * or empty (both); ports *
 * or empty mean all. A udp entry matters to DNS capture only.
 */
int parse_uid_ports(const char *flag, const char *value, struct uid_ports_list *out,
		    char *err, size_t errlen)
{
	struct str v = trim(str(value)), rest = v, f[3], proto, ports, uids, p;
	struct range_list list = { 0 };
	uint8_t protocols = 0;
	bool more;
	uint64_t first, last;
	struct uid_ports *e;
	char prefix[MR_ERR_LEN];
	int n = 0;

	snprintf(prefix, sizeof(prefix), "%s: \"%.*s\"", flag, (int)v.n, v.p);
	do {
		if (n == 3)
			return fail(err, errlen, "%s: expected [protocol:][ports:]uids", prefix);
		more = cut(&rest, ':', &f[n]);
		f[n] = trim(f[n]);
		n++;
	} while (more);
	proto = n == 3 ? f[0] : (struct str){ "*", 1 };
	ports = n == 1 ? (struct str){ "*", 1 } : f[n - 2];
	uids = f[n - 1];

	if (!proto.n || streq(proto, "*")) {
		protocols = MESHREDIR_PROTO_TCP | MESHREDIR_PROTO_UDP;
	} else {
		rest = proto;
		do {
			more = cut(&rest, ',', &p);
			p = trim(p);
			if (strcaseeq(p, "tcp"))
				protocols |= MESHREDIR_PROTO_TCP;
			else if (strcaseeq(p, "udp"))
				protocols |= MESHREDIR_PROTO_UDP;
			else
				return fail(err, errlen, "%s: \"%.*s\" is not a protocol (tcp, udp or *)",
					    prefix, (int)p.n, p.p);
		} while (more);
	}

	if (n == 2 && (strcaseeq(ports, "tcp") || strcaseeq(ports, "udp")))
		return fail(err, errlen, "%s: with two fields the first is ports: write %.*s:*:%.*s",
			    prefix, (int)ports.n, ports.p, (int)uids.n, uids.p);
	if (!ports.n || streq(ports, "*"))
		range_list_add(&list, 1, 65535);
	else if (ranges(prefix, RANGE_PORT, ports, &list, err, errlen))
		goto bad;

	if (streq(uids, "*")) {
		fail(err, errlen, "%s: a wildcard is not allowed for UIDs", prefix);
		goto bad;
	}
	if (memchr(uids.p, ',', uids.n)) {
		fail(err, errlen, "%s: \"%.*s\": one UID or one UID range, not a list",
		     prefix, (int)uids.n, uids.p);
		goto bad;
	}
	if (range_of(prefix, &kinds[RANGE_UID], uids, &first, &last, err, errlen))
		goto bad;

	e = uid_ports_list_add(out);
	e->ports = list;
	e->uids = (struct range){ first, last };
	e->protocols = protocols;
	return 0;
bad:
	free(list.v);
	return -1;
}

int parse_port(const char *flag, const char *value, uint16_t *out,
	       char *err, size_t errlen)
{
	uint64_t v;

	if (num(flag, &kinds[RANGE_PORT], str(value), &v, err, errlen))
		return -1;
	*out = v;
	return 0;
}

bool bool_literal(const char *s, bool *out)
{
	static const char *const t[] = { "1", "t", "T", "true", "TRUE", "True" };
	static const char *const f[] = { "0", "f", "F", "false", "FALSE", "False" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
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

int parse_bool(const char *flag, const char *value, bool *out,
	       char *err, size_t errlen)
{
	if (!bool_literal(value, out))
		return fail(err, errlen, "%s: \"%s\" is not true or false", flag, value);
	return 0;
}

int parse_user(const char *flag, const char *value, uint32_t *uid,
	       char *err, size_t errlen)
{
	struct str s = str(value);
	struct passwd *pw;
	uint64_t v;

	if (all_digits(s)) {
		if (num(flag, &kinds[RANGE_UID], s, &v, err, errlen))
			return -1;
		*uid = v;
		return 0;
	}
	if (!s.n)
		return fail(err, errlen, "%s: \"\" is not a user name or UID", flag);
	errno = 0;
	pw = getpwnam(value);
	if (!pw)
		return fail(err, errlen, "%s: \"%s\": no such user", flag, value);
	*uid = pw->pw_uid;
	return 0;
}

int parse_ip_family_mode(const char *flag, const char *value, uint8_t *mode,
			 char *err, size_t errlen)
{
	if (!strcasecmp(value, "ipv4"))
		*mode = MESHREDIR_IP_FAMILY_IPV4;
	else if (!strcasecmp(value, "dualstack") || !*value)
		*mode = MESHREDIR_IP_FAMILY_DUALSTACK;
	else
		return fail(err, errlen, "%s: \"%s\" is not ipv4 or dualstack", flag, value);
	return 0;
}

int parse_executables(const char *flag, const char *value, char *err, size_t errlen)
{
	static const char *const names[] = {
		"iptables", "iptables-save", "iptables-restore",
		"ip6tables", "ip6tables-save", "ip6tables-restore",
	};
	struct str s = trim(str(value)), e, path, name;
	size_t i;

	while (s.n) {
		cut(&s, ',', &e);
		e = trim(e);
		path = e;
		if (!e.n)
			continue;
		if (!cut(&path, ':', &name))
			return fail(err, errlen, "%s: \"%.*s\" is not NAME:PATH", flag,
				    (int)e.n, e.p);
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (streq(name, names[i]))
				break;
		if (i == ARRAY_SIZE(names))
			return fail(err, errlen,
				    "%s: \"%.*s\" is not iptables, iptables-save, iptables-restore, ip6tables, ip6tables-save or ip6tables-restore",
				    flag, (int)name.n, name.p);
	}
	return 0;
}

int parse_event_rate(const char *flag, const char *value, uint32_t *out,
		     char *err, size_t errlen)
{
	uint64_t v;

	if (!decimal(value, MESHREDIR_MAX_EVENT_RATE, &v) || !v)
		return fail(err, errlen, "%s: \"%s\" is not an event rate (1-%d events a second)",
			    flag, value, MESHREDIR_MAX_EVENT_RATE);
	*out = v;
	return 0;
}

int parse_uint(const char *flag, const char *value, unsigned long long max,
	       char *err, size_t errlen)
{
	uint64_t v;

	if (!decimal(value, max, &v))
		return fail(err, errlen, "%s: \"%s\" is not a number (0-%llu)", flag, value, max);
	return 0;
}

int parse_timeout(const char *flag, const char *value, unsigned int *ms,
		  char *err, size_t errlen)
{
	unsigned long long v = 0;
	const char *p = value;

	if (*p < '0' || *p > '9')
		goto bad;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		if (v > 3600 * 1000)
			goto bad;
	}
	if (!*p || !strcmp(p, "s"))
		v *= 1000;
	else if (strcmp(p, "ms"))
		goto bad;
	if (!v || v > 3600 * 1000)
		goto bad;
	*ms = v;
	return 0;
bad:
	return fail(err, errlen,
		    "%s: \"%s\" is not a timeout (seconds, or a number with s or ms: 5, 5s, 500ms; at most an hour)",
		    flag, value);
}

/*
 * As miekg/dns reads it, which kumactl uses: a line's first word, then its
 * second. A value that is not an address is refused here: Kuma turns it
 * into an IPv6 server without an address, which captures all IPv6 DNS.
 */
int parse_resolv_conf(const char *name, const char *text, struct cidr_list *out,
		      char *err, size_t errlen)
{
	struct str rest = str(text), line, w;
	unsigned int lineno = 0;
	char addr[INET6_ADDRSTRLEN + 1];
	struct cidr c;
	bool more;

	do {
		more = cut(&rest, '\n', &line);
		lineno++;
		line = trim(line);
		/* The first word, then the rest. */
		for (w.p = line.p, w.n = 0; w.n < line.n && !isspace((unsigned char)w.p[w.n]);)
			w.n++;
		if (!streq(w, "nameserver"))
			continue;
		line.p += w.n;
		line.n -= w.n;
		line = trim(line);
		for (w.p = line.p, w.n = 0; w.n < line.n && !isspace((unsigned char)w.p[w.n]);)
			w.n++;
		if (!w.n)
			return fail(err, errlen, "%s:%u: nameserver without an address", name,
				    lineno);
		memset(&c, 0, sizeof(c));
		if (w.n < sizeof(addr)) {
			memcpy(addr, w.p, w.n);
			addr[w.n] = '\0';
			if (inet_pton(AF_INET, addr, c.addr) == 1) {
				c.family = AF_INET;
			} else if (inet_pton(AF_INET6, addr, c.addr) == 1) {
				static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

				c.family = AF_INET6;
				if (!memcmp(c.addr, mapped, sizeof(mapped))) {
					memmove(c.addr, c.addr + 12, 4);
					memset(c.addr + 4, 0, 12);
					c.family = AF_INET;
				}
			}
		}
		if (!c.family)
			return fail(err, errlen, "%s:%u: nameserver \"%.*s\" is not an IP address",
				    name, lineno, (int)w.n, w.p);
		c.prefix_len = c.family == AF_INET ? 32 : 128;
		cidr_list_add(out, &c);
	} while (more);
	return 0;
}
