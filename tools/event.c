// SPDX-License-Identifier: GPL-2.0
/*
 * What a MESHREDIR_CMD_EVENT says, and how `meshredir monitor` writes it:
 * a line in the manner of `conntrack -E` (direction, protocol, source ->
 * original destination, owner, reason, where it landed), or one JSON
 * object with the same names. Reasons are named as show names counters.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include "cni_json.h"
#include "event.h"
#include "show.h"
#include "util.h"

/* An address attribute: 4 bytes for AF_INET, 16 for AF_INET6. */
static int addr_attr(const struct nlattr *a, uint8_t family, uint8_t *out, const char *name,
		     char *err, size_t errlen)
{
	size_t want = family == AF_INET ? 4 : 16;

	if (mnl_attr_get_payload_len(a) != want)
		return fail(err, errlen, "event: %s is %u bytes, not %zu", name,
			    (unsigned int)mnl_attr_get_payload_len(a), want);
	memcpy(out, mnl_attr_get_payload(a), want);
	return 0;
}

/* The kernel's types for each attribute; newer ones are skipped. */
static const enum mnl_attr_data_type types[MESHREDIR_EVENT_A_MAX + 1] = {
	[MESHREDIR_EVENT_A_HOOK] = MNL_TYPE_U8,
	[MESHREDIR_EVENT_A_FAMILY] = MNL_TYPE_U8,
	[MESHREDIR_EVENT_A_PROTOCOL] = MNL_TYPE_U8,
	[MESHREDIR_EVENT_A_SRC_ADDR] = MNL_TYPE_BINARY,
	[MESHREDIR_EVENT_A_SRC_PORT] = MNL_TYPE_U16,
	[MESHREDIR_EVENT_A_DST_ADDR] = MNL_TYPE_BINARY,
	[MESHREDIR_EVENT_A_DST_PORT] = MNL_TYPE_U16,
	[MESHREDIR_EVENT_A_UID] = MNL_TYPE_U32,
	[MESHREDIR_EVENT_A_GID] = MNL_TYPE_U32,
	[MESHREDIR_EVENT_A_REASON] = MNL_TYPE_U32,
	[MESHREDIR_EVENT_A_TO_ADDR] = MNL_TYPE_BINARY,
	[MESHREDIR_EVENT_A_TO_PORT] = MNL_TYPE_U16,
	[MESHREDIR_EVENT_A_DROPPED] = MNL_TYPE_U64,
	[MESHREDIR_EVENT_A_IFINDEX] = MNL_TYPE_U32,
};

static const char *const attr_names[MESHREDIR_EVENT_A_MAX + 1] = {
	[MESHREDIR_EVENT_A_HOOK] = "hook",
	[MESHREDIR_EVENT_A_FAMILY] = "family",
	[MESHREDIR_EVENT_A_PROTOCOL] = "protocol",
	[MESHREDIR_EVENT_A_SRC_ADDR] = "src-addr",
	[MESHREDIR_EVENT_A_SRC_PORT] = "src-port",
	[MESHREDIR_EVENT_A_DST_ADDR] = "dst-addr",
	[MESHREDIR_EVENT_A_DST_PORT] = "dst-port",
	[MESHREDIR_EVENT_A_UID] = "uid",
	[MESHREDIR_EVENT_A_GID] = "gid",
	[MESHREDIR_EVENT_A_REASON] = "reason",
	[MESHREDIR_EVENT_A_TO_ADDR] = "to-addr",
	[MESHREDIR_EVENT_A_TO_PORT] = "to-port",
	[MESHREDIR_EVENT_A_DROPPED] = "dropped",
	[MESHREDIR_EVENT_A_IFINDEX] = "ifindex",
};

/*
 * The attributes every event has; the ports too but for a dropped-invalid
 * packet of another protocol than TCP and UDP.
 */
static const unsigned int required[] = {
	MESHREDIR_EVENT_A_HOOK, MESHREDIR_EVENT_A_FAMILY, MESHREDIR_EVENT_A_PROTOCOL,
	MESHREDIR_EVENT_A_SRC_ADDR, MESHREDIR_EVENT_A_DST_ADDR, MESHREDIR_EVENT_A_REASON,
};

int event_parse(const struct nlmsghdr *nlh, struct event *ev, char *err, size_t errlen)
{
	const struct nlattr *tb[MESHREDIR_EVENT_A_MAX + 1] = { 0 };
	const struct nlattr *a;
	size_t i;

	memset(ev, 0, sizeof(*ev));
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return fail(err, errlen, "event: shorter than its generic netlink header");
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		unsigned int t = mnl_attr_get_type(a);

		if (t > MESHREDIR_EVENT_A_MAX || !types[t])
			continue;
		if (mnl_attr_validate(a, types[t]) < 0)
			return fail(err, errlen, "event: malformed %s attribute", attr_names[t]);
		tb[t] = a;
	}
	for (i = 0; i < ARRAY_SIZE(required); i++)
		if (!tb[required[i]])
			return fail(err, errlen, "event: no %s attribute", attr_names[required[i]]);
	ev->hook = mnl_attr_get_u8(tb[MESHREDIR_EVENT_A_HOOK]);
	ev->family = mnl_attr_get_u8(tb[MESHREDIR_EVENT_A_FAMILY]);
	ev->protocol = mnl_attr_get_u8(tb[MESHREDIR_EVENT_A_PROTOCOL]);
	if (ev->family != AF_INET && ev->family != AF_INET6)
		return fail(err, errlen, "event: family %u is not AF_INET or AF_INET6", ev->family);
	if (addr_attr(tb[MESHREDIR_EVENT_A_SRC_ADDR], ev->family, ev->src, "src-addr", err, errlen) ||
	    addr_attr(tb[MESHREDIR_EVENT_A_DST_ADDR], ev->family, ev->dst, "dst-addr", err, errlen))
		return -1;
	if (!tb[MESHREDIR_EVENT_A_SRC_PORT] != !tb[MESHREDIR_EVENT_A_DST_PORT])
		return fail(err, errlen, "event: %s without %s",
			    tb[MESHREDIR_EVENT_A_SRC_PORT] ? "src-port" : "dst-port",
			    tb[MESHREDIR_EVENT_A_SRC_PORT] ? "dst-port" : "src-port");
	if (tb[MESHREDIR_EVENT_A_SRC_PORT]) {
		ev->has_ports = true;
		ev->sport = mnl_attr_get_u16(tb[MESHREDIR_EVENT_A_SRC_PORT]);
		ev->dport = mnl_attr_get_u16(tb[MESHREDIR_EVENT_A_DST_PORT]);
	}
	ev->reason = mnl_attr_get_u32(tb[MESHREDIR_EVENT_A_REASON]);
	if (tb[MESHREDIR_EVENT_A_UID]) {
		ev->has_uid = true;
		ev->uid = mnl_attr_get_u32(tb[MESHREDIR_EVENT_A_UID]);
	}
	if (tb[MESHREDIR_EVENT_A_GID]) {
		ev->has_gid = true;
		ev->gid = mnl_attr_get_u32(tb[MESHREDIR_EVENT_A_GID]);
	}
	if (tb[MESHREDIR_EVENT_A_TO_ADDR]) {
		if (addr_attr(tb[MESHREDIR_EVENT_A_TO_ADDR], ev->family, ev->to, "to-addr",
			      err, errlen))
			return -1;
		if (!tb[MESHREDIR_EVENT_A_TO_PORT])
			return fail(err, errlen, "event: to-addr without to-port");
		ev->has_to = true;
		ev->to_port = mnl_attr_get_u16(tb[MESHREDIR_EVENT_A_TO_PORT]);
	}
	if (tb[MESHREDIR_EVENT_A_IFINDEX]) {
		ev->has_ifindex = true;
		ev->ifindex = mnl_attr_get_u32(tb[MESHREDIR_EVENT_A_IFINDEX]);
	}
	if (tb[MESHREDIR_EVENT_A_DROPPED])
		ev->dropped = mnl_attr_get_u64(tb[MESHREDIR_EVENT_A_DROPPED]);
	return 0;
}

/* ---- names ---- */

/* "out" for what local processes send, "in" for what arrives. */
static const char *direction(const struct event *ev, char *buf, size_t len)
{
	if (ev->hook == MESHREDIR_COUNTERS_A_LOCAL_OUT)
		return "out";
	if (ev->hook == MESHREDIR_COUNTERS_A_PRE_ROUTING)
		return "in";
	snprintf(buf, len, "hook-%u", ev->hook);
	return buf;
}

static const char *protocol(const struct event *ev, char *buf, size_t len)
{
	if (ev->protocol == IPPROTO_TCP)
		return "tcp";
	if (ev->protocol == IPPROTO_UDP)
		return "udp";
	if (ev->protocol == IPPROTO_ICMP)
		return "icmp";
	if (ev->protocol == IPPROTO_ICMPV6)
		return "icmpv6";
	snprintf(buf, len, "proto-%u", ev->protocol);
	return buf;
}

/* A reason a newer module has and this tool does not know keeps its number. */
static const char *reason(const struct event *ev, char *buf, size_t len)
{
	const char *name = reason_name(ev->reason);

	if (name)
		return name;
	snprintf(buf, len, "reason-%" PRIu32, ev->reason);
	return buf;
}

static const char *addr(uint8_t family, const uint8_t *a, char *buf, size_t len)
{
	if (!inet_ntop(family, a, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

/* 10.0.0.1:80, [fd00::1]:80; without a port, the address alone. */
static void endpoint(FILE *f, uint8_t family, const uint8_t *a, bool has_port, uint16_t port)
{
	char buf[INET6_ADDRSTRLEN];

	addr(family, a, buf, sizeof(buf));
	if (!has_port)
		fputs(buf, f);
	else if (family == AF_INET6)
		fprintf(f, "[%s]:%u", buf, port);
	else
		fprintf(f, "%s:%u", buf, port);
}

void event_text(FILE *f, const struct event *ev, const char *time, const char *ifname)
{
	char b1[32], b2[32], b3[32];

	fprintf(f, "%s %-3s %s ", time, direction(ev, b1, sizeof(b1)),
		protocol(ev, b2, sizeof(b2)));
	endpoint(f, ev->family, ev->src, ev->has_ports, ev->sport);
	fputs(" -> ", f);
	endpoint(f, ev->family, ev->dst, ev->has_ports, ev->dport);
	if (ifname)
		fprintf(f, " dev %s", ifname);
	else if (ev->has_ifindex)
		fprintf(f, " ifindex %" PRIu32, ev->ifindex);
	if (ev->has_uid)
		fprintf(f, " uid %" PRIu32, ev->uid);
	if (ev->has_gid)
		fprintf(f, " gid %" PRIu32, ev->gid);
	fprintf(f, " %s", reason(ev, b3, sizeof(b3)));
	if (ev->has_to) {
		fputs(" to ", f);
		endpoint(f, ev->family, ev->to, true, ev->to_port);
	}
	if (ev->dropped)
		fprintf(f, " (%" PRIu64 " dropped before)", ev->dropped);
	fputc('\n', f);
}

void event_json(FILE *f, const struct event *ev, const char *time, const char *ifname)
{
	char b1[32], b2[32], b3[32], a[INET6_ADDRSTRLEN];

	fprintf(f, "{\"time\": \"%s\", \"direction\": \"%s\"", time, direction(ev, b1, sizeof(b1)));
	if (ev->hook == MESHREDIR_COUNTERS_A_LOCAL_OUT ||
	    ev->hook == MESHREDIR_COUNTERS_A_PRE_ROUTING)
		fprintf(f, ", \"hook\": \"%s\"",
			hook_name(ev->hook == MESHREDIR_COUNTERS_A_LOCAL_OUT ? HOOK_LOCAL_OUT :
				  HOOK_PRE_ROUTING));
	fprintf(f, ", \"family\": \"%s\", \"protocol\": \"%s\"",
		ev->family == AF_INET ? "ipv4" : "ipv6", protocol(ev, b2, sizeof(b2)));
	fprintf(f, ", \"src\": \"%s\"", addr(ev->family, ev->src, a, sizeof(a)));
	if (ev->has_ports)
		fprintf(f, ", \"src-port\": %u", ev->sport);
	fprintf(f, ", \"dst\": \"%s\"", addr(ev->family, ev->dst, a, sizeof(a)));
	if (ev->has_ports)
		fprintf(f, ", \"dst-port\": %u", ev->dport);
	if (ev->has_ifindex) {
		fprintf(f, ", \"ifindex\": %" PRIu32, ev->ifindex);
		if (ifname) {
			fputs(", \"interface\": ", f);
			json_put_string(f, ifname);
		}
	}
	if (ev->has_uid)
		fprintf(f, ", \"uid\": %" PRIu32, ev->uid);
	if (ev->has_gid)
		fprintf(f, ", \"gid\": %" PRIu32, ev->gid);
	fprintf(f, ", \"reason\": \"%s\"", reason(ev, b3, sizeof(b3)));
	if (ev->has_to)
		fprintf(f, ", \"to\": \"%s\", \"to-port\": %u",
			addr(ev->family, ev->to, a, sizeof(a)), ev->to_port);
	fprintf(f, ", \"dropped-before\": %" PRIu64 "}\n", ev->dropped);
}
