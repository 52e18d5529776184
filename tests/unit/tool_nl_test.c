// SPDX-License-Identifier: GPL-2.0
/*
 * tools/msg.c and msg_get.c, and nl.c's acks, without a kernel: SET messages are built
 * and walked back with libmnl, attribute by attribute, against the tree in
 * the uapi header; GET replies and acks are crafted by hand and parsed; and
 * a configuration goes SET -> parsed as a GET -> the same configuration.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "check.h"
#include "tool_util.h"
#include "../../tools/nl.h"

#define FAMILY 0x42

static const struct nlattr *find(const struct nlattr *nest, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static const struct nlattr *find_top(const struct nlmsghdr *nlh, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == type)
			return a;
	return NULL;
}

static size_t count(const struct nlattr *nest, uint16_t type)
{
	const struct nlattr *a;
	size_t n = 0;

	mnl_attr_for_each_nested(a, nest)
		n += mnl_attr_get_type(a) == type;
	return n;
}

/* The i-th LIST_A_ENTRY of a list. */
static const struct nlattr *entry(const struct nlattr *list, size_t i)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, list)
		if (mnl_attr_get_type(a) == MESHREDIR_LIST_A_ENTRY && !i--)
			return a;
	return NULL;
}

static bool is_nest(const struct nlattr *a)
{
	return a && (a->nla_type & NLA_F_NESTED) && !mnl_attr_validate(a, MNL_TYPE_NESTED);
}

static bool is_u8(const struct nlattr *a, uint8_t v)
{
	return a && mnl_attr_get_payload_len(a) == 1 && mnl_attr_get_u8(a) == v;
}

static bool is_u16(const struct nlattr *a, uint16_t v)
{
	return a && mnl_attr_get_payload_len(a) == 2 && mnl_attr_get_u16(a) == v;
}

static bool is_u32(const struct nlattr *a, uint32_t v)
{
	return a && mnl_attr_get_payload_len(a) == 4 && mnl_attr_get_u32(a) == v;
}

static bool is_port_range(const struct nlattr *e, uint16_t first, uint16_t last)
{
	return is_nest(e) && is_u16(find(e, MESHREDIR_RANGE_A_FIRST), first) &&
	       is_u16(find(e, MESHREDIR_RANGE_A_LAST), last);
}

static bool is_id_range(const struct nlattr *e, uint32_t first, uint32_t last)
{
	return is_nest(e) && is_u32(find(e, MESHREDIR_RANGE_A_FIRST), first) &&
	       is_u32(find(e, MESHREDIR_RANGE_A_LAST), last);
}

static bool is_cidr(const struct nlattr *e, const char *addr, uint8_t len)
{
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	size_t alen = family == AF_INET6 ? 16 : 4;
	const struct nlattr *a = e ? find(e, MESHREDIR_CIDR_A_ADDR) : NULL;
	uint8_t want[16];

	inet_pton(family, addr, want);
	return is_nest(e) && is_u16(find(e, MESHREDIR_CIDR_A_FAMILY), family) &&
	       a && mnl_attr_get_payload_len(a) == alen &&
	       !memcmp(mnl_attr_get_payload(a), want, alen) &&
	       is_u8(find(e, MESHREDIR_CIDR_A_PREFIX_LEN), len);
}

/* Whether attribute walking ends exactly at the end of the message. */
static bool walks_whole(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr))
		;
	return (const char *)a == (const char *)nlh + MNL_ALIGN(nlh->nlmsg_len);
}

/* A SET that must be one message: its only part, moved into m. */
static struct nlmsghdr *build_set(struct msg *m, const struct tool_config *cfg,
				  uint16_t family, char *err, size_t errlen)
{
	struct set_parts p = { 0 };

	if (msg_build_set(&p, cfg, family, MR_SET_PART_SIZE, err, errlen))
		return NULL;
	if (p.n != 1) {
		snprintf(err, errlen, "%zu parts", p.n);
		set_parts_free(&p);
		return NULL;
	}
	msg_free(m);
	*m = p.part[0];
	free(p.part);
	return (struct nlmsghdr *)m->buf;
}

static void test_build_defaults(void)
{
	struct tool_config cfg;
	struct msg m = { 0 };
	struct nlmsghdr *nlh;
	const struct genlmsghdr *g;
	const struct nlattr *a, *uids, *in, *out;
	uint16_t order[8];
	size_t n = 0;
	char err[MR_ERR_LEN];

	config_init(&cfg);
	range_list_add(&cfg.owner_uids, 5678, 5678);
	nlh = build_set(&m, &cfg, FAMILY, err, sizeof(err));
	if (!CHECK(nlh))
		return;
	CHECK_UINT(nlh->nlmsg_type, FAMILY);
	CHECK_UINT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	g = mnl_nlmsg_get_payload(nlh);
	CHECK_UINT(g->cmd, MESHREDIR_CMD_SET);
	CHECK_UINT(g->version, MESHREDIR_GENL_VERSION);
	CHECK_UINT(g->reserved, 0);
	CHECK(walks_whole(nlh));

	mnl_attr_for_each(a, nlh, sizeof(*g))
		if (n < 8)
			order[n++] = mnl_attr_get_type(a);
	/* No OWNER_GIDS when empty, never COUNTERS. */
	if (CHECK_UINT(n, 4)) {
		CHECK_UINT(order[0], MESHREDIR_A_IP_FAMILY_MODE);
		CHECK_UINT(order[1], MESHREDIR_A_OWNER_UIDS);
		CHECK_UINT(order[2], MESHREDIR_A_INBOUND);
		CHECK_UINT(order[3], MESHREDIR_A_OUTBOUND);
	}
	CHECK(is_u8(find_top(nlh, MESHREDIR_A_IP_FAMILY_MODE), MESHREDIR_IP_FAMILY_DUALSTACK));
	/* Left out when false: the kernel's default, and what older modules know. */
	CHECK(!find_top(nlh, MESHREDIR_A_DROP_INVALID_PACKETS));
	CHECK(!find_top(nlh, MESHREDIR_A_EVENT_RATE));
	uids = find_top(nlh, MESHREDIR_A_OWNER_UIDS);
	CHECK(is_nest(uids));
	CHECK_UINT(count(uids, MESHREDIR_LIST_A_ENTRY), 1);
	CHECK(is_id_range(entry(uids, 0), 5678, 5678));

	in = find_top(nlh, MESHREDIR_A_INBOUND);
	CHECK(is_nest(in));
	CHECK(is_u8(find(in, MESHREDIR_DIR_A_ENABLED), 1));
	CHECK(is_u16(find(in, MESHREDIR_DIR_A_PORT), 15006));
	CHECK(!find(in, MESHREDIR_DIR_A_EXCLUDE_PORTS) && !find(in, MESHREDIR_DIR_A_INCLUDE_PORTS) &&
	      !find(in, MESHREDIR_DIR_A_EXCLUDE_IPS) &&
	      !find(in, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS));
	out = find_top(nlh, MESHREDIR_A_OUTBOUND);
	CHECK(is_nest(out));
	CHECK(is_u8(find(out, MESHREDIR_DIR_A_ENABLED), 1));
	CHECK(is_u16(find(out, MESHREDIR_DIR_A_PORT), 15001));
	CHECK_UINT(mnl_attr_get_payload_len(out), 16);
	msg_free(&m);
	config_free(&cfg);
}

static void test_build_full(void)
{
	struct cmdline cl;
	struct msg m = { 0 };
	struct nlmsghdr *nlh;
	const struct nlattr *in, *out, *l, *e, *p;
	struct uid_ports *up;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "set", "--ip-family-mode=ipv4", "--redirect-inbound=false",
			     "--redirect-inbound-port=7000", "--redirect-outbound-port=7001",
			     "--exclude-inbound-ports=22,8080-8090", "--include-inbound-ports=1-1000",
			     "--exclude-inbound-ips=10.1.2.3/8,fd00::1/64",
			     "--exclude-outbound-ports=443", "--include-outbound-ports=80,8080",
			     "--exclude-outbound-ips=192.168.0.1",
			     "--exclude-outbound-ports-for-uids=80,443:1000-1010",
			     "--exclude-outbound-ports-for-uids=7",
			     "--kuma-dp-user=1", "--owner-gid=100-200", "--drop-invalid-packets",
			     "--event-rate=300", NULL), 0);
	/* The kernel refuses this in INBOUND: it must never be sent there. */
	up = uid_ports_list_add(&cl.cfg.inbound.exclude_ports_for_uids);
	range_list_add(&up->ports, 1, 2);

	nlh = build_set(&m, &cl.cfg, FAMILY, err, sizeof(err));
	if (!CHECK(nlh)) {
		cmdline_free(&cl);
		return;
	}
	CHECK(walks_whole(nlh));
	CHECK(is_u8(find_top(nlh, MESHREDIR_A_IP_FAMILY_MODE), MESHREDIR_IP_FAMILY_IPV4));
	CHECK(is_u8(find_top(nlh, MESHREDIR_A_DROP_INVALID_PACKETS), 1));
	p = find_top(nlh, MESHREDIR_A_EVENT_RATE);
	CHECK(p && mnl_attr_get_payload_len(p) == 4 && mnl_attr_get_u32(p) == 300);
	CHECK(is_id_range(entry(find_top(nlh, MESHREDIR_A_OWNER_UIDS), 0), 1, 1));
	l = find_top(nlh, MESHREDIR_A_OWNER_GIDS);
	CHECK(is_nest(l) && count(l, MESHREDIR_LIST_A_ENTRY) == 1);
	CHECK(is_id_range(entry(l, 0), 100, 200));

	in = find_top(nlh, MESHREDIR_A_INBOUND);
	CHECK(is_u8(find(in, MESHREDIR_DIR_A_ENABLED), 0));
	CHECK(is_u16(find(in, MESHREDIR_DIR_A_PORT), 7000));
	l = find(in, MESHREDIR_DIR_A_EXCLUDE_PORTS);
	CHECK(is_nest(l) && count(l, MESHREDIR_LIST_A_ENTRY) == 2);
	CHECK(is_port_range(entry(l, 0), 22, 22));
	CHECK(is_port_range(entry(l, 1), 8080, 8090));
	l = find(in, MESHREDIR_DIR_A_INCLUDE_PORTS);
	CHECK(is_port_range(entry(l, 0), 1, 1000));
	l = find(in, MESHREDIR_DIR_A_EXCLUDE_IPS);
	CHECK(is_nest(l) && count(l, MESHREDIR_LIST_A_ENTRY) == 2);
	CHECK(is_cidr(entry(l, 0), "10.0.0.0", 8));
	CHECK(is_cidr(entry(l, 1), "fd00::", 64));
	CHECK(!find(in, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS));

	out = find_top(nlh, MESHREDIR_A_OUTBOUND);
	CHECK(is_u8(find(out, MESHREDIR_DIR_A_ENABLED), 1));
	CHECK(is_u16(find(out, MESHREDIR_DIR_A_PORT), 7001));
	CHECK(is_port_range(entry(find(out, MESHREDIR_DIR_A_EXCLUDE_PORTS), 0), 443, 443));
	l = find(out, MESHREDIR_DIR_A_INCLUDE_PORTS);
	CHECK(is_port_range(entry(l, 0), 80, 80) && is_port_range(entry(l, 1), 8080, 8080));
	CHECK(is_cidr(entry(find(out, MESHREDIR_DIR_A_EXCLUDE_IPS), 0), "192.168.0.1", 32));
	l = find(out, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS);
	CHECK(is_nest(l) && count(l, MESHREDIR_LIST_A_ENTRY) == 2);
	e = entry(l, 0);
	CHECK(is_nest(e));
	p = e ? find(e, MESHREDIR_UID_PORTS_A_PORTS) : NULL;
	CHECK(is_nest(p) && count(p, MESHREDIR_LIST_A_ENTRY) == 2);
	CHECK(is_port_range(entry(p, 0), 80, 80) && is_port_range(entry(p, 1), 443, 443));
	CHECK(e && is_id_range(find(e, MESHREDIR_UID_PORTS_A_UIDS), 1000, 1010));
	/* "7" alone: all ports, sent as 1-65535. */
	e = entry(l, 1);
	p = e ? find(e, MESHREDIR_UID_PORTS_A_PORTS) : NULL;
	CHECK(is_port_range(entry(p, 0), 1, 65535));
	CHECK(e && is_id_range(find(e, MESHREDIR_UID_PORTS_A_UIDS), 7, 7));
	msg_free(&m);
	cmdline_free(&cl);
}

static void test_build_cmd(void)
{
	struct msg m = { 0 };
	struct nlmsghdr *nlh = msg_build_cmd(&m, FAMILY, MESHREDIR_CMD_GET);
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	CHECK_UINT(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + GENL_HDRLEN);
	CHECK_UINT(nlh->nlmsg_type, FAMILY);
	CHECK_UINT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	CHECK_UINT(g->cmd, MESHREDIR_CMD_GET);
	CHECK_UINT(g->version, MESHREDIR_GENL_VERSION);
	CHECK_UINT(g->reserved, 0);
	/* A reused buffer's old bytes stay out of the header: the kernel refuses any. */
	memset(m.buf, 0xff, m.cap);
	nlh = msg_build_cmd(&m, FAMILY, MESHREDIR_CMD_DEL);
	g = mnl_nlmsg_get_payload(nlh);
	CHECK_UINT(g->cmd, MESHREDIR_CMD_DEL);
	CHECK_UINT(g->reserved, 0);
	CHECK_UINT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	msg_free(&m);
}

/* ---- GET replies, by hand ---- */

static struct nlmsghdr *reply_start(char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = FAMILY;
	g->cmd = MESHREDIR_CMD_GET;
	g->version = MESHREDIR_GENL_VERSION;
	return nlh;
}

static void put_range(struct nlmsghdr *nlh, uint16_t type, bool port, uint32_t first,
		      int64_t last)
{
	struct nlattr *e = mnl_attr_nest_start(nlh, type);

	if (port)
		mnl_attr_put_u16(nlh, MESHREDIR_RANGE_A_FIRST, first);
	else
		mnl_attr_put_u32(nlh, MESHREDIR_RANGE_A_FIRST, first);
	if (last >= 0) {
		if (port)
			mnl_attr_put_u16(nlh, MESHREDIR_RANGE_A_LAST, last);
		else
			mnl_attr_put_u32(nlh, MESHREDIR_RANGE_A_LAST, last);
	}
	mnl_attr_nest_end(nlh, e);
}

static void put_cidr(struct nlmsghdr *nlh, const char *addr, int len)
{
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	struct nlattr *e = mnl_attr_nest_start(nlh, MESHREDIR_LIST_A_ENTRY);
	uint8_t a[16];

	inet_pton(family, addr, a);
	mnl_attr_put_u16(nlh, MESHREDIR_CIDR_A_FAMILY, family);
	mnl_attr_put(nlh, MESHREDIR_CIDR_A_ADDR, family == AF_INET6 ? 16 : 4, a);
	if (len >= 0)
		mnl_attr_put_u8(nlh, MESHREDIR_CIDR_A_PREFIX_LEN, len);
	mnl_attr_nest_end(nlh, e);
}

static struct nlmsghdr *full_reply(char *buf)
{
	struct nlmsghdr *nlh = reply_start(buf);
	struct nlattr *n, *l, *e, *h;
	unsigned int r;

	mnl_attr_put_u8(nlh, MESHREDIR_A_IP_FAMILY_MODE, MESHREDIR_IP_FAMILY_IPV4);
	mnl_attr_put_u8(nlh, MESHREDIR_A_DROP_INVALID_PACKETS, 1);
	mnl_attr_put_u32(nlh, MESHREDIR_A_EVENT_RATE, 250);
	mnl_attr_put_u64(nlh, MESHREDIR_A_EVENTS_DROPPED, 1ULL << 40);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_OWNER_UIDS);
	put_range(nlh, MESHREDIR_LIST_A_ENTRY, false, 1000, -1);	/* LAST defaults to FIRST */
	put_range(nlh, MESHREDIR_LIST_A_ENTRY, false, 2000, 2999);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_OWNER_GIDS);
	put_range(nlh, MESHREDIR_LIST_A_ENTRY, false, 10, 20);
	mnl_attr_nest_end(nlh, n);

	n = mnl_attr_nest_start(nlh, MESHREDIR_A_INBOUND);
	mnl_attr_put_u8(nlh, MESHREDIR_DIR_A_ENABLED, 0);
	mnl_attr_put_u16(nlh, MESHREDIR_DIR_A_PORT, 1234);
	mnl_attr_put_u32(nlh, 200, 0xdead);		/* from a newer kernel: skipped */
	l = mnl_attr_nest_start(nlh, MESHREDIR_DIR_A_EXCLUDE_PORTS);
	put_range(nlh, MESHREDIR_LIST_A_ENTRY, true, 22, 22);
	mnl_attr_nest_end(nlh, l);
	l = mnl_attr_nest_start(nlh, MESHREDIR_DIR_A_INCLUDE_PORTS);
	put_range(nlh, MESHREDIR_LIST_A_ENTRY, true, 80, 90);
	mnl_attr_nest_end(nlh, l);
	l = mnl_attr_nest_start(nlh, MESHREDIR_DIR_A_EXCLUDE_IPS);
	put_cidr(nlh, "10.0.0.0", 8);
	put_cidr(nlh, "192.168.0.1", -1);			/* prefix defaults to all */
	put_cidr(nlh, "fd00::", 8);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);

	/* OUTBOUND without ENABLED or PORT: their defaults. */
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_OUTBOUND);
	l = mnl_attr_nest_start(nlh, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS);
	e = mnl_attr_nest_start(nlh, MESHREDIR_LIST_A_ENTRY);
	h = mnl_attr_nest_start(nlh, MESHREDIR_UID_PORTS_A_PORTS);
	put_range(nlh, MESHREDIR_LIST_A_ENTRY, true, 80, 80);
	put_range(nlh, MESHREDIR_LIST_A_ENTRY, true, 443, 443);
	mnl_attr_nest_end(nlh, h);
	put_range(nlh, MESHREDIR_UID_PORTS_A_UIDS, false, 1000, 1010);
	mnl_attr_nest_end(nlh, e);
	e = mnl_attr_nest_start(nlh, MESHREDIR_LIST_A_ENTRY);	/* no PORTS: all */
	put_range(nlh, MESHREDIR_UID_PORTS_A_UIDS, false, 0, 0);
	mnl_attr_nest_end(nlh, e);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);

	n = mnl_attr_nest_start(nlh, MESHREDIR_A_COUNTERS);
	h = mnl_attr_nest_start(nlh, MESHREDIR_COUNTERS_A_LOCAL_OUT);
	for (r = 1; r <= MESHREDIR_REASON_MAX; r++) {
		/* The kernel's 64-bit alignment padding, type 0, no payload. */
		mnl_attr_put(nlh, MESHREDIR_REASON_UNSPEC, 0, NULL);
		mnl_attr_put_u64(nlh, r, 100 * r);
	}
	mnl_attr_put_u64(nlh, 99, 5);				/* a reason we don't know */
	mnl_attr_nest_end(nlh, h);
	h = mnl_attr_nest_start(nlh, MESHREDIR_COUNTERS_A_PRE_ROUTING);
	mnl_attr_put_u64(nlh, MESHREDIR_REASON_REDIRECTED_INBOUND, 7);
	mnl_attr_put_u64(nlh, MESHREDIR_REASON_DROPPED, 1ULL << 40);
	mnl_attr_nest_end(nlh, h);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_put_u32(nlh, 99, 1);				/* unknown top-level */
	return nlh;
}

static void test_parse_get(void)
{
	static char buf[8192];
	struct tool_config cfg;
	struct dir_config *d;
	char err[MR_ERR_LEN] = "";
	unsigned int r;

	if (!CHECK_INT(msg_parse_get(full_reply(buf), &cfg, err, sizeof(err)), 0))
		printf("  %s\n", err);
	CHECK_UINT(cfg.ip_family_mode, MESHREDIR_IP_FAMILY_IPV4);
	CHECK(cfg.drop_invalid);
	CHECK_UINT(cfg.event_rate, 250);
	CHECK(cfg.events_dropped == 1ULL << 40);
	if (CHECK_UINT(cfg.owner_uids.n, 2)) {
		CHECK(cfg.owner_uids.v[0].first == 1000 && cfg.owner_uids.v[0].last == 1000);
		CHECK(cfg.owner_uids.v[1].first == 2000 && cfg.owner_uids.v[1].last == 2999);
	}
	if (CHECK_UINT(cfg.owner_gids.n, 1))
		CHECK(cfg.owner_gids.v[0].first == 10 && cfg.owner_gids.v[0].last == 20);

	d = &cfg.inbound;
	CHECK(!d->enabled);
	CHECK_UINT(d->port, 1234);
	CHECK(d->exclude_ports.n == 1 && d->exclude_ports.v[0].first == 22 &&
	      d->exclude_ports.v[0].last == 22);
	CHECK(d->include_ports.n == 1 && d->include_ports.v[0].first == 80 &&
	      d->include_ports.v[0].last == 90);
	if (CHECK_UINT(d->exclude_ips.n, 3)) {
		CHECK(d->exclude_ips.v[0].family == AF_INET && d->exclude_ips.v[0].prefix_len == 8 &&
		      d->exclude_ips.v[0].addr[0] == 10);
		CHECK(d->exclude_ips.v[1].family == AF_INET && d->exclude_ips.v[1].prefix_len == 32 &&
		      d->exclude_ips.v[1].addr[3] == 1);
		CHECK(d->exclude_ips.v[2].family == AF_INET6 && d->exclude_ips.v[2].prefix_len == 8 &&
		      d->exclude_ips.v[2].addr[0] == 0xfd);
	}

	d = &cfg.outbound;
	CHECK(d->enabled);
	CHECK_UINT(d->port, 15001);
	if (CHECK_UINT(d->exclude_ports_for_uids.n, 2)) {
		struct uid_ports *u = d->exclude_ports_for_uids.v;

		CHECK(u[0].ports.n == 2 && u[0].ports.v[0].first == 80 && u[0].ports.v[1].first == 443);
		CHECK(u[0].uids.first == 1000 && u[0].uids.last == 1010);
		CHECK(u[1].ports.n == 1 && u[1].ports.v[0].first == 1 &&
		      u[1].ports.v[0].last == 65535);
		CHECK(u[1].uids.first == 0 && u[1].uids.last == 0);
	}

	CHECK(cfg.has_counters);
	for (r = 1; r <= MESHREDIR_REASON_MAX; r++)
		CHECK_UINT(cfg.counters[HOOK_LOCAL_OUT][r], 100 * r);
	CHECK_UINT(cfg.counters[HOOK_PRE_ROUTING][MESHREDIR_REASON_REDIRECTED_INBOUND], 7);
	CHECK_UINT(cfg.counters[HOOK_PRE_ROUTING][MESHREDIR_REASON_DROPPED], 1ULL << 40);
	CHECK_UINT(cfg.counters[HOOK_PRE_ROUTING][MESHREDIR_REASON_LOOPBACK], 0);
	CHECK_UINT(cfg.counters[HOOK_PRE_ROUTING][MESHREDIR_REASON_DROPPED_INVALID], 0);
	config_free(&cfg);
}

static void test_parse_get_minimal(void)
{
	static char buf[512];
	struct tool_config cfg;
	char err[MR_ERR_LEN];

	/* Nothing at all: every default, no counters. */
	CHECK_INT(msg_parse_get(reply_start(buf), &cfg, err, sizeof(err)), 0);
	CHECK(cfg.ip_family_mode == MESHREDIR_IP_FAMILY_DUALSTACK && cfg.inbound.enabled &&
	      cfg.inbound.port == 15006 && cfg.outbound.port == 15001 && !cfg.has_counters &&
	      !cfg.owner_uids.n && !cfg.drop_invalid);
	config_free(&cfg);
}

/* Each a GET reply with one thing wrong, and the message it must give. */
static void expect_malformed(struct nlmsghdr *nlh, const char *msg, int line)
{
	struct tool_config cfg;
	char err[MR_ERR_LEN] = "";
	int ret = msg_parse_get(nlh, &cfg, err, sizeof(err));

	if (!check_result(ret == -1 && !strcmp(err, msg), __FILE__, line,
			  "returned %d, \"%s\", expected \"%s\"", ret, err, msg))
		return;
	config_free(&cfg);
}

static void test_parse_get_malformed(void)
{
	static char buf[4096];
	struct nlmsghdr *nlh;
	struct nlattr *n, *l, *e;
	struct tool_config cfg;
	char err[MR_ERR_LEN];

	nlh = reply_start(buf);
	mnl_attr_put_u16(nlh, MESHREDIR_A_IP_FAMILY_MODE, 1);
	expect_malformed(nlh, "malformed reply from the kernel: ip-family-mode", __LINE__);

	nlh = reply_start(buf);
	mnl_attr_put_u8(nlh, MESHREDIR_A_DROP_INVALID_PACKETS, 2);
	expect_malformed(nlh, "malformed reply from the kernel: drop-invalid-packets", __LINE__);
	nlh = reply_start(buf);
	mnl_attr_put_u16(nlh, MESHREDIR_A_DROP_INVALID_PACKETS, 1);
	expect_malformed(nlh, "malformed reply from the kernel: drop-invalid-packets", __LINE__);
	nlh = reply_start(buf);
	mnl_attr_put_u16(nlh, MESHREDIR_A_EVENT_RATE, 1);
	expect_malformed(nlh, "malformed reply from the kernel: event-rate", __LINE__);
	nlh = reply_start(buf);
	mnl_attr_put_u32(nlh, MESHREDIR_A_EVENTS_DROPPED, 1);
	expect_malformed(nlh, "malformed reply from the kernel: events-dropped", __LINE__);

	nlh = reply_start(buf);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_OWNER_UIDS);
	put_range(nlh, MESHREDIR_LIST_A_ENTRY, false, 20, 10);
	mnl_attr_nest_end(nlh, n);
	expect_malformed(nlh, "malformed reply from the kernel: owner-uids", __LINE__);

	nlh = reply_start(buf);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_OWNER_GIDS);
	e = mnl_attr_nest_start(nlh, MESHREDIR_LIST_A_ENTRY);
	mnl_attr_put_u32(nlh, MESHREDIR_RANGE_A_LAST, 10);	/* no FIRST */
	mnl_attr_nest_end(nlh, e);
	mnl_attr_nest_end(nlh, n);
	expect_malformed(nlh, "malformed reply from the kernel: owner-gids", __LINE__);

	nlh = reply_start(buf);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_INBOUND);
	l = mnl_attr_nest_start(nlh, MESHREDIR_DIR_A_EXCLUDE_IPS);
	e = mnl_attr_nest_start(nlh, MESHREDIR_LIST_A_ENTRY);
	mnl_attr_put_u16(nlh, MESHREDIR_CIDR_A_FAMILY, AF_INET6);
	mnl_attr_put_u32(nlh, MESHREDIR_CIDR_A_ADDR, 0);	/* 4 bytes for IPv6 */
	mnl_attr_nest_end(nlh, e);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	expect_malformed(nlh, "malformed reply from the kernel: exclude-inbound-ips", __LINE__);

	nlh = reply_start(buf);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_OUTBOUND);
	l = mnl_attr_nest_start(nlh, MESHREDIR_DIR_A_EXCLUDE_IPS);
	put_cidr(nlh, "10.0.0.0", 33);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	expect_malformed(nlh, "malformed reply from the kernel: exclude-outbound-ips", __LINE__);

	nlh = reply_start(buf);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_OUTBOUND);
	mnl_attr_put_u8(nlh, MESHREDIR_DIR_A_ENABLED, 2);
	mnl_attr_nest_end(nlh, n);
	expect_malformed(nlh, "malformed reply from the kernel: redirect-outbound", __LINE__);

	nlh = reply_start(buf);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_OUTBOUND);
	l = mnl_attr_nest_start(nlh, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS);
	e = mnl_attr_nest_start(nlh, MESHREDIR_LIST_A_ENTRY);	/* no UIDS */
	mnl_attr_nest_end(nlh, e);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	expect_malformed(nlh, "malformed reply from the kernel: exclude-outbound-ports-for-uids",
			 __LINE__);

	/* A family the tool does not know. */
	nlh = reply_start(buf);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_DNS);
	mnl_attr_put_u8(nlh, MESHREDIR_DNS_A_ZONE_SPLIT, ZONE_SPLIT_BOTH + 1);
	mnl_attr_nest_end(nlh, n);
	expect_malformed(nlh, "malformed reply from the kernel: skip-dns-conntrack-zone-split",
			 __LINE__);

	nlh = reply_start(buf);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_COUNTERS);
	l = mnl_attr_nest_start(nlh, MESHREDIR_COUNTERS_A_LOCAL_OUT);
	mnl_attr_put_u32(nlh, MESHREDIR_REASON_LOOPBACK, 1);	/* not a u64 */
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	expect_malformed(nlh, "malformed reply from the kernel: counters", __LINE__);

	/* A list whose length cuts its last entry short. */
	nlh = reply_start(buf);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_INBOUND);
	l = mnl_attr_nest_start(nlh, MESHREDIR_DIR_A_EXCLUDE_PORTS);
	put_range(nlh, MESHREDIR_LIST_A_ENTRY, true, 1, 2);
	put_range(nlh, MESHREDIR_LIST_A_ENTRY, true, 3, 4);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	l->nla_len -= 8;
	expect_malformed(nlh, "malformed reply from the kernel: exclude-inbound-ports", __LINE__);

	/* A message whose length cuts its last attribute short. */
	nlh = reply_start(buf);
	mnl_attr_put_u8(nlh, MESHREDIR_A_IP_FAMILY_MODE, 1);
	mnl_attr_put_u32(nlh, 99, 1);
	nlh->nlmsg_len -= 4;
	expect_malformed(nlh, "malformed reply from the kernel: trailing bytes", __LINE__);

	nlh = reply_start(buf);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN;
	CHECK_INT(msg_parse_get(nlh, &cfg, err, sizeof(err)), -1);
	CHECK_STR(err, "malformed reply from the kernel: short message");
}

/*
 * Docker's embedded DNS, which install adds, goes in the dns nest and back,
 * with DNS capture (ENABLED 1) or without (ENABLED 0).
 */
static void round_trip_docker(bool dns)
{
	struct cidr docker = { .family = AF_INET, .prefix_len = 32, .addr = { 127, 0, 0, 11 } };
	struct cmdline cl;
	struct tool_config back;
	struct msg m = { 0 };
	struct nlmsghdr *nlh;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "set", dns ? "--redirect-all-dns-traffic" : NULL, NULL), 0);
	cidr_list_add(&cl.cfg.dns.docker, &docker);
	nlh = build_set(&m, &cl.cfg, FAMILY, err, sizeof(err));
	if (CHECK(nlh)) {
		CHECK_INT(msg_parse_get(nlh, &back, err, sizeof(err)), 0);
		CHECK(back.dns.enabled == dns && back.dns.capture_all == dns);
		if (CHECK_UINT(back.dns.docker.n, 1))
			CHECK(back.dns.docker.v[0].family == AF_INET &&
			      back.dns.docker.v[0].prefix_len == 32 &&
			      !memcmp(back.dns.docker.v[0].addr, docker.addr, 4));
		CHECK_UINT(back.dns.servers.n, 0);
		config_free(&back);
	}
	msg_free(&m);
	cmdline_free(&cl);
}

static void test_round_trip_docker(void)
{
	round_trip_docker(true);
	round_trip_docker(false);
}

/*
 * The zone split goes as a mask of families: both by default, none with
 * --skip-dns-conntrack-zone-split, and without the families install found
 * Docker's chain in; GET's mask comes back as the same.
 */
static void zone_split_case(bool skip, uint8_t off, uint8_t want, int line)
{
	struct cmdline cl;
	struct tool_config back;
	struct msg m = { 0 };
	struct nlmsghdr *nlh;
	const struct nlattr *a;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "set", "--redirect-all-dns-traffic",
			     skip ? "--skip-dns-conntrack-zone-split" : NULL, NULL), 0);
	cl.cfg.dns.zone_split_off = off;
	nlh = build_set(&m, &cl.cfg, FAMILY, err, sizeof(err));
	if (CHECK(nlh)) {
		a = find(find_top(nlh, MESHREDIR_A_DNS), MESHREDIR_DNS_A_ZONE_SPLIT);
		check_result(is_u8(a, want), __FILE__, line, "ZONE_SPLIT sent %d, expected %u",
			     a ? mnl_attr_get_u8(a) : -1, want);
		CHECK_INT(msg_parse_get(nlh, &back, err, sizeof(err)), 0);
		check_result(dns_zone_split(&back.dns) == want, __FILE__, line,
			     "GET's mask read back as %u, expected %u",
			     dns_zone_split(&back.dns), want);
		check_result(back.dns.zone_split == !!want, __FILE__, line,
			     "the user's setting read back as %d", back.dns.zone_split);
		config_free(&back);
	}
	msg_free(&m);
	cmdline_free(&cl);
}

static void test_zone_split(void)
{
	zone_split_case(false, 0, ZONE_SPLIT_BOTH, __LINE__);
	zone_split_case(false, MESHREDIR_ZONE_SPLIT_IPV4, MESHREDIR_ZONE_SPLIT_IPV6, __LINE__);
	zone_split_case(false, MESHREDIR_ZONE_SPLIT_IPV6, MESHREDIR_ZONE_SPLIT_IPV4, __LINE__);
	zone_split_case(false, ZONE_SPLIT_BOTH, 0, __LINE__);
	zone_split_case(true, 0, 0, __LINE__);
	zone_split_case(true, MESHREDIR_ZONE_SPLIT_IPV4, 0, __LINE__);
}

static void test_round_trip(void)
{
	struct cmdline cl;
	struct tool_config back;
	struct msg m = { 0 };
	struct nlmsghdr *nlh;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "set", "--ip-family-mode=ipv4", "--redirect-outbound=false",
			     "--redirect-inbound-port=1", "--redirect-outbound-port=65535",
			     "--exclude-inbound-ports=1,3,5-7,65535", "--include-inbound-ports=100-200",
			     "--exclude-inbound-ips=0.0.0.0/0,::/0,1.2.3.4",
			     "--exclude-outbound-ports=22", "--include-outbound-ports=80,443",
			     "--exclude-outbound-ips=2001:db8::/32,10.0.0.0/8",
			     "--exclude-outbound-ports-for-uids=80,443:1000-1010",
			     "--exclude-outbound-ports-for-uids=tcp:*:0",
			     "--exclude-outbound-ports-for-uids=1-65535:4294967294",
			     "--kuma-dp-user=0", "--owner-uid=4294967294", "--owner-gid=0-4294967294",
			     "--drop-invalid-packets=true", NULL), 0);
	nlh = build_set(&m, &cl.cfg, FAMILY, err, sizeof(err));
	if (CHECK(nlh)) {
		CHECK_INT(msg_parse_get(nlh, &back, err, sizeof(err)), 0);
		CHECK(back.drop_invalid);
		CHECK(tool_config_equal(&cl.cfg, &back));
		CHECK(!back.has_counters);
		config_free(&back);
	}
	msg_free(&m);
	cmdline_free(&cl);

	/* And the defaults. */
	CHECK_INT(tool_parse(&cl, err, "set", NULL), 0);
	nlh = build_set(&m, &cl.cfg, FAMILY, err, sizeof(err));
	if (CHECK(nlh)) {
		CHECK_INT(msg_parse_get(nlh, &back, err, sizeof(err)), 0);
		CHECK(tool_config_equal(&cl.cfg, &back));
		config_free(&back);
	}
	msg_free(&m);
	cmdline_free(&cl);
}

static void add_ipv4s(struct cidr_list *l, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		/* Every other address, so nothing merges. */
		struct cidr c = { .family = AF_INET, .prefix_len = 32 };
		uint32_t a = htonl(0x0a000000 + 2 * i);

		memcpy(c.addr, &a, 4);
		cidr_list_add(l, &c);
	}
}

static void test_large(void)
{
	struct tool_config cfg;
	struct msg m = { 0 };
	struct nlmsghdr *nlh;
	const struct nlattr *l;
	char err[MR_ERR_LEN] = "";

	/* 1,000 CIDRs: far more than one page, still one part. */
	config_init(&cfg);
	range_list_add(&cfg.owner_uids, 5678, 5678);
	add_ipv4s(&cfg.outbound.exclude_ips, 1000);
	nlh = build_set(&m, &cfg, FAMILY, err, sizeof(err));
	if (CHECK(nlh)) {
		CHECK(nlh->nlmsg_len > 1000 * 28 && nlh->nlmsg_len <= MR_SET_PART_SIZE);
		CHECK(walks_whole(nlh));
		CHECK(!find_top(nlh, MESHREDIR_A_SET_MORE) && !find_top(nlh, MESHREDIR_A_SET_PART));
		l = find(find_top(nlh, MESHREDIR_A_OUTBOUND), MESHREDIR_DIR_A_EXCLUDE_IPS);
		CHECK_UINT(count(l, MESHREDIR_LIST_A_ENTRY), 1000);
		CHECK(is_cidr(entry(l, 999), "10.0.7.206", 32));
	} else {
		printf("  %s\n", err);
	}
	config_free(&cfg);
	msg_free(&m);
}

/* ---- SETs in parts ---- */

/*
 * The parts' framing: each at most size bytes, whole, a SET for FAMILY;
 * part 0 without SET_PART, part k with SET_PART = k first; SET_MORE last
 * in all but the last part. Merged as GET messages, they give want back.
 */
static void check_parts(const struct set_parts *p, size_t size,
			const struct tool_config *want, int line)
{
	struct tool_config back;
	char err[MR_ERR_LEN] = "";
	bool framing = true;
	size_t i;

	config_init(&back);
	for (i = 0; i < p->n; i++) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)p->part[i].buf;
		const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
		const struct nlattr *a, *first = NULL, *last = NULL, *part;

		mnl_attr_for_each(a, nlh, sizeof(*g)) {
			if (!first)
				first = a;
			last = a;
		}
		part = find_top(nlh, MESHREDIR_A_SET_PART);
		if (nlh->nlmsg_len > size || !walks_whole(nlh) || nlh->nlmsg_type != FAMILY ||
		    g->cmd != MESHREDIR_CMD_SET ||
		    (i ? !(part == first && is_u32(part, i)) : part != NULL) ||
		    (i + 1 < p->n ? !(last && mnl_attr_get_type(last) == MESHREDIR_A_SET_MORE &&
				      !mnl_attr_get_payload_len(last)) :
				    find_top(nlh, MESHREDIR_A_SET_MORE) != NULL)) {
			check_result(false, __FILE__, line, "part %zu of %zu: bad framing", i, p->n);
			framing = false;
			break;
		}
		if (msg_merge_get(nlh, &back, err, sizeof(err))) {
			check_result(false, __FILE__, line, "part %zu: %s", i, err);
			framing = false;
			break;
		}
	}
	if (framing)
		check_result(tool_config_equal(want, &back), __FILE__, line,
			     "the %zu parts merged differ from the configuration", p->n);
	config_free(&back);
}

static void add_ipv6s(struct cidr_list *l, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct cidr c = { .family = AF_INET6, .prefix_len = 128 };

		c.addr[0] = 0xfd;
		c.addr[13] = (2 * i) >> 16;
		c.addr[14] = (2 * i) >> 8;
		c.addr[15] = 2 * i;
		cidr_list_add(l, &c);
	}
}

/* The benchmark's configuration: 10,000 ports, IPv4 and IPv6 CIDRs a direction. */
static void test_parts_big(void)
{
	struct tool_config cfg;
	struct set_parts p = { 0 };
	char err[MR_ERR_LEN] = "";
	unsigned int i;

	config_init(&cfg);
	range_list_add(&cfg.owner_uids, 5678, 5678);
	for (i = 0; i < 10000; i++) {
		range_list_add(&cfg.inbound.exclude_ports, 2 * i + 1, 2 * i + 1);
		range_list_add(&cfg.outbound.exclude_ports, 2 * i + 2, 2 * i + 2);
	}
	add_ipv4s(&cfg.inbound.exclude_ips, 10000);
	add_ipv6s(&cfg.inbound.exclude_ips, 10000);
	add_ipv4s(&cfg.outbound.exclude_ips, 10000);
	add_ipv6s(&cfg.outbound.exclude_ips, 10000);
	CHECK_INT(config_check_limits(&cfg, err, sizeof(err)), 0);
	if (!CHECK_INT(msg_build_set(&p, &cfg, FAMILY, MR_SET_PART_SIZE, err, sizeof(err)), 0))
		printf("  %s\n", err);
	/*
	 * 10,000 port ranges take 200,000 bytes, IPv4 CIDRs 280,000, IPv6
	 * 400,000: 1.76 MB a direction pair, 54 parts when few bytes are lost.
	 */
	if (!CHECK(p.n >= 54 && p.n <= 56))
		printf("  %zu parts\n", p.n);
	check_parts(&p, MR_SET_PART_SIZE, &cfg, __LINE__);
	set_parts_free(&p);
	CHECK(!p.part && !p.n);
	config_free(&cfg);
}

/* Tiny parts split everything that can be split: every kind of entry. */
static void test_parts_small(void)
{
	struct cmdline cl;
	struct set_parts p = { 0 };
	char err[MR_ERR_LEN];
	size_t size, whole;

	CHECK_INT(tool_parse(&cl, err, "set", "--ip-family-mode=ipv4", "--redirect-outbound=false",
			     "--redirect-inbound-port=1", "--redirect-outbound-port=65535",
			     "--exclude-inbound-ports=1,3,5-7,65535", "--include-inbound-ports=100-200",
			     "--exclude-inbound-ips=0.0.0.0/0,::/0,1.2.3.4",
			     "--exclude-outbound-ports=22", "--include-outbound-ports=80,443",
			     "--exclude-outbound-ips=2001:db8::/32,10.0.0.0/8",
			     "--exclude-outbound-ports-for-uids=80,443:1000-1010",
			     "--exclude-outbound-ports-for-uids=tcp:*:0",
			     "--drop-invalid-packets",
			     "--kuma-dp-user=0", "--owner-uid=4294967294,7,9", "--owner-gid=0-4294967294",
			     NULL), 0);
	CHECK_INT(msg_build_set(&p, &cl.cfg, FAMILY, MR_SET_PART_SIZE, err, sizeof(err)), 0);
	CHECK_UINT(p.n, 1);
	whole = ((struct nlmsghdr *)p.part[0].buf)->nlmsg_len;
	for (size = 256; size < whole; size += 8) {
		CHECK_INT(msg_build_set(&p, &cl.cfg, FAMILY, size, err, sizeof(err)), 0);
		CHECK(p.n > 1);
		check_parts(&p, size, &cl.cfg, __LINE__);
	}
	/* A part smaller than the smallest possible is taken as that. */
	CHECK_INT(msg_build_set(&p, &cl.cfg, FAMILY, 10, err, sizeof(err)), 0);
	check_parts(&p, 256, &cl.cfg, __LINE__);
	set_parts_free(&p);
	cmdline_free(&cl);
}

/* MESHREDIR_MAX_ENTRIES over all lists, counted as the kernel counts them. */
static void test_total_limit(void)
{
	struct tool_config cfg;
	struct uid_ports *up;
	char err[MR_ERR_LEN] = "";
	unsigned int i;

	/* 2 owners + 4 x 32,767 ports + 1 uid-ports entry of 1 range. */
	config_init(&cfg);
	range_list_add(&cfg.owner_uids, 5678, 5678);
	range_list_add(&cfg.owner_gids, 5678, 5678);
	for (i = 0; i < 32767; i++) {
		range_list_add(&cfg.inbound.exclude_ports, 2 * i + 1, 2 * i + 1);
		range_list_add(&cfg.inbound.include_ports, 2 * i + 1, 2 * i + 1);
		range_list_add(&cfg.outbound.exclude_ports, 2 * i + 1, 2 * i + 1);
		range_list_add(&cfg.outbound.include_ports, 2 * i + 1, 2 * i + 1);
	}
	up = uid_ports_list_add(&cfg.outbound.exclude_ports_for_uids);
	range_list_add(&up->ports, 1, 1);
	CHECK_UINT(2 + 4 * 32767 + 2, MESHREDIR_MAX_ENTRIES);
	CHECK_INT(config_check_limits(&cfg, err, sizeof(err)), 0);
	/* One more anywhere is one too many, even inbound's uid-ports aren't sent. */
	uid_ports_list_add(&cfg.inbound.exclude_ports_for_uids);
	CHECK_INT(config_check_limits(&cfg, err, sizeof(err)), 0);
	add_ipv4s(&cfg.inbound.exclude_ips, 1);
	CHECK_INT(config_check_limits(&cfg, err, sizeof(err)), -1);
	CHECK_STR(err, "the configuration: 131073 list entries in all (ports, CIDRs, ID ranges) exceed the limit of 131072");
	config_free(&cfg);
}

/* An entry is never split; one bigger than a part is refused, nothing built. */
static void test_parts_entry_too_big(void)
{
	struct tool_config cfg;
	struct set_parts p = { 0 };
	struct uid_ports *up;
	char err[MR_ERR_LEN] = "";
	unsigned int i;

	config_init(&cfg);
	range_list_add(&cfg.owner_uids, 5678, 5678);
	up = uid_ports_list_add(&cfg.outbound.exclude_ports_for_uids);
	up->uids.first = up->uids.last = 1000;
	for (i = 0; i < 1024; i++)
		range_list_add(&up->ports, 2 * i + 1, 2 * i + 1);
	CHECK_INT(msg_build_set(&p, &cfg, FAMILY, 4096, err, sizeof(err)), -1);
	CHECK_STR(err, "--exclude-outbound-ports-for-uids: an entry does not fit a 4096-byte message");
	CHECK(!p.n && !p.part);
	/* At the tool's size, the largest entry the limits allow fits. */
	CHECK_INT(msg_build_set(&p, &cfg, FAMILY, MR_SET_PART_SIZE, err, sizeof(err)), 0);
	CHECK_UINT(p.n, 1);
	set_parts_free(&p);
	config_free(&cfg);
}

/* A GET dump as the kernel splits it: lists continue in the next message. */
static void test_merge_dump(void)
{
	static char buf1[2048], buf2[2048], buf3[2048];
	struct tool_config cfg;
	struct nlmsghdr *nlh;
	struct nlattr *n, *l;
	char err[MR_ERR_LEN] = "";

	nlh = reply_start(buf1);		/* scalars and counters */
	mnl_attr_put_u8(nlh, MESHREDIR_A_IP_FAMILY_MODE, MESHREDIR_IP_FAMILY_IPV4);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_INBOUND);
	mnl_attr_put_u8(nlh, MESHREDIR_DIR_A_ENABLED, 0);
	mnl_attr_put_u16(nlh, MESHREDIR_DIR_A_PORT, 7000);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_COUNTERS);
	l = mnl_attr_nest_start(nlh, MESHREDIR_COUNTERS_A_LOCAL_OUT);
	mnl_attr_put_u64(nlh, MESHREDIR_REASON_LOOPBACK, 3);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	config_init(&cfg);
	CHECK_INT(msg_merge_get(nlh, &cfg, err, sizeof(err)), 0);

	nlh = reply_start(buf2);		/* owners, and inbound's lists begin */
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_OWNER_UIDS);
	put_range(nlh, MESHREDIR_LIST_A_ENTRY, false, 5678, -1);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_INBOUND);
	l = mnl_attr_nest_start(nlh, MESHREDIR_DIR_A_EXCLUDE_IPS);
	put_cidr(nlh, "10.0.0.0", 8);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	CHECK_INT(msg_merge_get(nlh, &cfg, err, sizeof(err)), 0);

	nlh = reply_start(buf3);		/* the same list goes on */
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_INBOUND);
	l = mnl_attr_nest_start(nlh, MESHREDIR_DIR_A_EXCLUDE_IPS);
	put_cidr(nlh, "192.168.0.0", 16);
	put_cidr(nlh, "fd00::", 8);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	CHECK_INT(msg_merge_get(nlh, &cfg, err, sizeof(err)), 0);

	CHECK_UINT(cfg.ip_family_mode, MESHREDIR_IP_FAMILY_IPV4);
	CHECK(!cfg.inbound.enabled && cfg.inbound.port == 7000);
	CHECK(cfg.outbound.enabled && cfg.outbound.port == 15001);
	CHECK(cfg.owner_uids.n == 1 && cfg.owner_uids.v[0].first == 5678);
	if (CHECK_UINT(cfg.inbound.exclude_ips.n, 3)) {
		CHECK(cfg.inbound.exclude_ips.v[0].addr[0] == 10);
		CHECK(cfg.inbound.exclude_ips.v[1].addr[0] == 192 &&
		      cfg.inbound.exclude_ips.v[1].prefix_len == 16);
		CHECK(cfg.inbound.exclude_ips.v[2].family == AF_INET6);
	}
	CHECK(cfg.has_counters && cfg.counters[HOOK_LOCAL_OUT][MESHREDIR_REASON_LOOPBACK] == 3);
	config_free(&cfg);

	/* A bad message among them fails the whole, naming the list. */
	nlh = reply_start(buf3);
	n = mnl_attr_nest_start(nlh, MESHREDIR_A_OUTBOUND);
	l = mnl_attr_nest_start(nlh, MESHREDIR_DIR_A_EXCLUDE_PORTS);
	put_range(nlh, MESHREDIR_LIST_A_ENTRY, true, 9, 8);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	config_init(&cfg);
	CHECK_INT(msg_merge_get(nlh, &cfg, err, sizeof(err)), -1);
	CHECK_STR(err, "malformed reply from the kernel: exclude-outbound-ports");
	config_free(&cfg);
}

static void test_build_dump(void)
{
	struct msg m = { 0 };
	struct nlmsghdr *nlh = msg_build_dump(&m, FAMILY, MESHREDIR_CMD_GET);

	CHECK_UINT(nlh->nlmsg_len, MNL_NLMSG_HDRLEN + GENL_HDRLEN);
	CHECK_UINT(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP);
	CHECK_UINT(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd, MESHREDIR_CMD_GET);
	CHECK_UINT(((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->reserved, 0);
	msg_free(&m);
}

static void test_done(void)
{
	static char buf[512];
	struct nlmsghdr *nlh;
	struct nl_status st;
	int *e;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	*e = 0;
	nl_parse_done(nlh, &st);
	CHECK_INT(st.error, 0);
	CHECK_STR(st.msg, "");

	*e = -EMSGSIZE;
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "too big\n");
	nl_parse_done(nlh, &st);
	CHECK_INT(st.error, EMSGSIZE);
	CHECK_STR(st.msg, "too big");

	/* Bare, as some kernels end a dump. */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nl_parse_done(nlh, &st);
	CHECK_INT(st.error, 0);
}

/* ---- acks ---- */

static struct nlmsghdr *ack_start(char *buf, int error, uint16_t flags, size_t echoed)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = flags;
	/* The echoed request, when not capped, follows the header in msg. */
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e) + echoed);
	e->error = error;
	e->msg.nlmsg_len = sizeof(e->msg) + (echoed ? echoed : 64);
	e->msg.nlmsg_type = FAMILY;
	if (echoed)
		memset((char *)(e + 1), 0xab, echoed);
	return nlh;
}

static void test_acks(void)
{
	static char buf[4096];
	struct nl_status st;
	struct nlmsghdr *nlh;

	nlh = ack_start(buf, -EINVAL, NLM_F_CAPPED | NLM_F_ACK_TLVS, 0);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "inbound.exclude-ips: prefix-len exceeds 32");
	mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 36);
	nl_parse_ack(nlh, &st);
	CHECK_INT(st.error, EINVAL);
	CHECK_STR(st.msg, "inbound.exclude-ips: prefix-len exceeds 32");

	/* Not capped: the request comes back first, then the TLVs. */
	nlh = ack_start(buf, -E2BIG, NLM_F_ACK_TLVS, 24);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "outbound.exclude-ips: too many entries\n");
	nl_parse_ack(nlh, &st);
	CHECK_INT(st.error, E2BIG);
	CHECK_STR(st.msg, "outbound.exclude-ips: too many entries");

	nlh = ack_start(buf, -EPERM, NLM_F_CAPPED, 0);
	nl_parse_ack(nlh, &st);
	CHECK_INT(st.error, EPERM);
	CHECK_STR(st.msg, "");

	nlh = ack_start(buf, 0, NLM_F_CAPPED, 0);
	nl_parse_ack(nlh, &st);
	CHECK_INT(st.error, 0);
	CHECK_STR(st.msg, "");

	/* A warning on success. */
	nlh = ack_start(buf, 0, NLM_F_CAPPED | NLM_F_ACK_TLVS, 0);
	mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, "heads up");
	nl_parse_ack(nlh, &st);
	CHECK_INT(st.error, 0);
	CHECK_STR(st.msg, "heads up");

	nlh = ack_start(buf, -ENOENT, NLM_F_CAPPED | NLM_F_ACK_TLVS, 0);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	nl_parse_ack(nlh, &st);
	CHECK_INT(st.error, EBADMSG);
}

int main(void)
{
	RUN(test_build_defaults);
	RUN(test_build_full);
	RUN(test_build_cmd);
	RUN(test_parse_get);
	RUN(test_parse_get_minimal);
	RUN(test_parse_get_malformed);
	RUN(test_round_trip);
	RUN(test_round_trip_docker);
	RUN(test_zone_split);
	RUN(test_large);
	RUN(test_parts_big);
	RUN(test_parts_small);
	RUN(test_parts_entry_too_big);
	RUN(test_total_limit);
	RUN(test_merge_dump);
	RUN(test_build_dump);
	RUN(test_done);
	RUN(test_acks);
	return check_report();
}
