// SPDX-License-Identifier: GPL-2.0
/*
 * tools/event.c and monitor's command line, without a kernel: events are
 * built as the module sends them, parsed, and printed as text and as JSON,
 * compared byte for byte (and the JSON by python3's json module where there
 * is one); malformed events are refused naming the attribute; --reason and
 * --count take what they should and name the flag and the value otherwise.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include "check.h"
#include "tool_util.h"
#include "../../tools/event.h"

#define FAMILY 0x42

#define BUF_SIZE 8192

static char buf[BUF_SIZE];

/* An event's header; the caller adds the attributes. */
static struct nlmsghdr *event_msg(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = FAMILY;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = MESHREDIR_CMD_EVENT;
	g->version = MESHREDIR_GENL_VERSION;
	return nlh;
}

static void put_addr(struct nlmsghdr *nlh, uint16_t type, int family, const char *s)
{
	uint8_t a[16];

	inet_pton(family, s, a);
	mnl_attr_put(nlh, type, family == AF_INET ? 4 : 16, a);
}

/* An outbound IPv4 redirect of uid 1000, gid 1001. */
static struct nlmsghdr *out4(void)
{
	struct nlmsghdr *nlh = event_msg();

	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_HOOK, MESHREDIR_COUNTERS_A_LOCAL_OUT);
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_PROTOCOL, IPPROTO_TCP);
	put_addr(nlh, MESHREDIR_EVENT_A_SRC_ADDR, AF_INET, "10.0.0.2");
	mnl_attr_put_u16(nlh, MESHREDIR_EVENT_A_SRC_PORT, 40102);
	put_addr(nlh, MESHREDIR_EVENT_A_DST_ADDR, AF_INET, "10.0.0.3");
	mnl_attr_put_u16(nlh, MESHREDIR_EVENT_A_DST_PORT, 80);
	mnl_attr_put_u32(nlh, MESHREDIR_EVENT_A_UID, 1000);
	mnl_attr_put_u32(nlh, MESHREDIR_EVENT_A_GID, 1001);
	mnl_attr_put_u32(nlh, MESHREDIR_EVENT_A_REASON, MESHREDIR_REASON_REDIRECTED_OUTBOUND);
	put_addr(nlh, MESHREDIR_EVENT_A_TO_ADDR, AF_INET, "127.0.0.1");
	mnl_attr_put_u16(nlh, MESHREDIR_EVENT_A_TO_PORT, 15001);
	return nlh;
}

/* An inbound IPv6 connection excluded by port, after 7 events dropped. */
static struct nlmsghdr *in6(void)
{
	struct nlmsghdr *nlh = event_msg();

	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_HOOK, MESHREDIR_COUNTERS_A_PRE_ROUTING);
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_FAMILY, AF_INET6);
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_PROTOCOL, IPPROTO_TCP);
	put_addr(nlh, MESHREDIR_EVENT_A_SRC_ADDR, AF_INET6, "fd00::1");
	mnl_attr_put_u16(nlh, MESHREDIR_EVENT_A_SRC_PORT, 51000);
	put_addr(nlh, MESHREDIR_EVENT_A_DST_ADDR, AF_INET6, "fd00::2");
	mnl_attr_put_u16(nlh, MESHREDIR_EVENT_A_DST_PORT, 22);
	mnl_attr_put_u32(nlh, MESHREDIR_EVENT_A_REASON, MESHREDIR_REASON_EXCLUDED_PORT);
	mnl_attr_put_u32(nlh, MESHREDIR_EVENT_A_IFINDEX, 3);
	mnl_attr_put_u64(nlh, MESHREDIR_EVENT_A_DROPPED, 7);
	return nlh;
}

typedef void (*writer)(FILE *, const struct event *, const char *, const char *);

static char *print(writer w, const struct event *ev, const char *ifname)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	w(f, ev, "2026-12-04T23:20:01.123456", ifname);
	fclose(f);
	return out;
}

/* python3 -c 'json.loads' on each line, if python3 is here. */
static bool python_json(const char *s)
{
	char cmd[] = "python3 -c 'import json,sys\n"
		     "for l in sys.stdin: json.loads(l)' 2>/dev/null";
	FILE *p;

	if (system("command -v python3 >/dev/null 2>&1"))
		return true;
	p = popen(cmd, "w");
	if (!p)
		return false;
	fputs(s, p);
	return pclose(p) == 0;
}

static void test_out4(void)
{
	char err[MR_ERR_LEN];
	struct event ev;
	char *s;

	CHECK_INT(event_parse(out4(), &ev, err, sizeof(err)), 0);
	CHECK_INT(ev.reason, MESHREDIR_REASON_REDIRECTED_OUTBOUND);
	CHECK(ev.has_uid && ev.has_gid && ev.has_to && !ev.has_ifindex && !ev.dropped);
	s = print(event_text, &ev, NULL);
	CHECK_STR(s, "2026-12-04T23:20:01.123456 out tcp 10.0.0.2:40102 -> 10.0.0.3:80 uid 1000 gid 1001 redirected-outbound to 127.0.0.1:15001\n");
	free(s);
	s = print(event_json, &ev, NULL);
	CHECK_STR(s, "{\"time\": \"2026-12-04T23:20:01.123456\", \"direction\": \"out\", \"hook\": \"local-out\", "
		  "\"family\": \"ipv4\", \"protocol\": \"tcp\", \"src\": \"10.0.0.2\", \"src-port\": 40102, "
		  "\"dst\": \"10.0.0.3\", \"dst-port\": 80, \"uid\": 1000, \"gid\": 1001, "
		  "\"reason\": \"redirected-outbound\", \"to\": \"127.0.0.1\", \"to-port\": 15001, "
		  "\"dropped-before\": 0}\n");
	CHECK(python_json(s));
	free(s);
}

static void test_in6(void)
{
	char err[MR_ERR_LEN];
	struct event ev;
	char *s;

	CHECK_INT(event_parse(in6(), &ev, err, sizeof(err)), 0);
	CHECK(!ev.has_uid && !ev.has_gid && !ev.has_to && ev.has_ifindex);
	CHECK(ev.dropped == 7);
	s = print(event_text, &ev, "eth0");
	CHECK_STR(s, "2026-12-04T23:20:01.123456 in  tcp [fd00::1]:51000 -> [fd00::2]:22 dev eth0 excluded-port (7 dropped before)\n");
	free(s);
	s = print(event_text, &ev, NULL);
	CHECK_STR(s, "2026-12-04T23:20:01.123456 in  tcp [fd00::1]:51000 -> [fd00::2]:22 ifindex 3 excluded-port (7 dropped before)\n");
	free(s);
	/* A name with a quote: interface names may have one. */
	s = print(event_json, &ev, "e\"0");
	CHECK_STR(s, "{\"time\": \"2026-12-04T23:20:01.123456\", \"direction\": \"in\", \"hook\": \"pre-routing\", "
		  "\"family\": \"ipv6\", \"protocol\": \"tcp\", \"src\": \"fd00::1\", \"src-port\": 51000, "
		  "\"dst\": \"fd00::2\", \"dst-port\": 22, \"ifindex\": 3, \"interface\": \"e\\\"0\", "
		  "\"reason\": \"excluded-port\", \"dropped-before\": 7}\n");
	CHECK(python_json(s));
	free(s);
}

/* A reason, hook or protocol of a newer module keeps its number. */
static void test_unknown_values(void)
{
	struct nlmsghdr *nlh = event_msg();
	char err[MR_ERR_LEN];
	struct event ev;
	char *s;

	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_HOOK, 9);
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_PROTOCOL, IPPROTO_UDP);
	put_addr(nlh, MESHREDIR_EVENT_A_SRC_ADDR, AF_INET, "10.0.0.2");
	mnl_attr_put_u16(nlh, MESHREDIR_EVENT_A_SRC_PORT, 5353);
	put_addr(nlh, MESHREDIR_EVENT_A_DST_ADDR, AF_INET, "10.0.0.53");
	mnl_attr_put_u16(nlh, MESHREDIR_EVENT_A_DST_PORT, 53);
	mnl_attr_put_u32(nlh, MESHREDIR_EVENT_A_REASON, 200);
	/* An attribute this tool does not know is skipped. */
	mnl_attr_put_u32(nlh, MESHREDIR_EVENT_A_MAX + 1, 1);
	CHECK_INT(event_parse(nlh, &ev, err, sizeof(err)), 0);
	s = print(event_text, &ev, NULL);
	CHECK_STR(s, "2026-12-04T23:20:01.123456 hook-9 udp 10.0.0.2:5353 -> 10.0.0.53:53 reason-200\n");
	free(s);
	s = print(event_json, &ev, NULL);
	CHECK(python_json(s));
	CHECK(strstr(s, "\"reason\": \"reason-200\"") && !strstr(s, "\"hook\""));
	free(s);
}

/* Each attribute every event has, left out in turn, is named. */
static void test_missing(void)
{
	static const struct {
		uint16_t type;
		const char *msg;
	} cases[] = {
		{ MESHREDIR_EVENT_A_HOOK, "event: no hook attribute" },
		{ MESHREDIR_EVENT_A_FAMILY, "event: no family attribute" },
		{ MESHREDIR_EVENT_A_SRC_ADDR, "event: no src-addr attribute" },
		{ MESHREDIR_EVENT_A_DST_PORT, "event: src-port without dst-port" },
		{ MESHREDIR_EVENT_A_SRC_PORT, "event: dst-port without src-port" },
		{ MESHREDIR_EVENT_A_REASON, "event: no reason attribute" },
		{ MESHREDIR_EVENT_A_TO_PORT, "event: to-addr without to-port" },
	};
	char err[MR_ERR_LEN];
	struct event ev;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct nlmsghdr *src = out4();
		struct nlmsghdr *nlh;
		const struct nlattr *a;
		static char copy[BUF_SIZE];

		/* out4() without the one attribute. */
		memcpy(copy, src, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr)));
		nlh = (struct nlmsghdr *)copy;
		nlh->nlmsg_len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct genlmsghdr));
		mnl_attr_for_each(a, src, sizeof(struct genlmsghdr))
			if (mnl_attr_get_type(a) != cases[i].type)
				mnl_attr_put(nlh, mnl_attr_get_type(a), mnl_attr_get_payload_len(a),
					     mnl_attr_get_payload(a));
		err[0] = '\0';
		CHECK_INT(event_parse(nlh, &ev, err, sizeof(err)), -1);
		CHECK_STR(err, cases[i].msg);
	}
}

/* A dropped-invalid packet of a protocol without ports. */
static void test_no_ports(void)
{
	struct nlmsghdr *nlh = event_msg();
	char err[MR_ERR_LEN];
	struct event ev;
	char *s;

	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_HOOK, MESHREDIR_COUNTERS_A_PRE_ROUTING);
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_PROTOCOL, IPPROTO_ICMP);
	put_addr(nlh, MESHREDIR_EVENT_A_SRC_ADDR, AF_INET, "192.0.2.1");
	put_addr(nlh, MESHREDIR_EVENT_A_DST_ADDR, AF_INET, "192.0.2.2");
	mnl_attr_put_u32(nlh, MESHREDIR_EVENT_A_REASON, MESHREDIR_REASON_DROPPED_INVALID);
	mnl_attr_put_u32(nlh, MESHREDIR_EVENT_A_IFINDEX, 2);
	CHECK_INT(event_parse(nlh, &ev, err, sizeof(err)), 0);
	CHECK(!ev.has_ports);
	s = print(event_text, &ev, "eth0");
	CHECK_STR(s, "2026-12-04T23:20:01.123456 in  icmp 192.0.2.1 -> 192.0.2.2 dev eth0 dropped-invalid\n");
	free(s);
	s = print(event_json, &ev, "eth0");
	CHECK_STR(s, "{\"time\": \"2026-12-04T23:20:01.123456\", \"direction\": \"in\", \"hook\": \"pre-routing\", "
		  "\"family\": \"ipv4\", \"protocol\": \"icmp\", \"src\": \"192.0.2.1\", \"dst\": \"192.0.2.2\", "
		  "\"ifindex\": 2, \"interface\": \"eth0\", \"reason\": \"dropped-invalid\", \"dropped-before\": 0}\n");
	CHECK(python_json(s));
	free(s);
}

static void test_malformed(void)
{
	struct nlmsghdr *nlh = event_msg();
	char err[MR_ERR_LEN];
	struct event ev;

	/* An IPv6 event with a 4-byte address. */
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_HOOK, MESHREDIR_COUNTERS_A_LOCAL_OUT);
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_FAMILY, AF_INET6);
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_PROTOCOL, IPPROTO_TCP);
	put_addr(nlh, MESHREDIR_EVENT_A_SRC_ADDR, AF_INET, "10.0.0.2");
	mnl_attr_put_u16(nlh, MESHREDIR_EVENT_A_SRC_PORT, 1);
	put_addr(nlh, MESHREDIR_EVENT_A_DST_ADDR, AF_INET, "10.0.0.3");
	mnl_attr_put_u16(nlh, MESHREDIR_EVENT_A_DST_PORT, 2);
	mnl_attr_put_u32(nlh, MESHREDIR_EVENT_A_REASON, 1);
	CHECK_INT(event_parse(nlh, &ev, err, sizeof(err)), -1);
	CHECK_STR(err, "event: src-addr is 4 bytes, not 16");

	/* A u32 where a u8 belongs. */
	nlh = event_msg();
	mnl_attr_put_u32(nlh, MESHREDIR_EVENT_A_HOOK, 1);
	CHECK_INT(event_parse(nlh, &ev, err, sizeof(err)), -1);
	CHECK_STR(err, "event: malformed hook attribute");

	/* A family that is neither. */
	nlh = event_msg();
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_HOOK, MESHREDIR_COUNTERS_A_LOCAL_OUT);
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_FAMILY, AF_UNIX);
	mnl_attr_put_u8(nlh, MESHREDIR_EVENT_A_PROTOCOL, IPPROTO_TCP);
	put_addr(nlh, MESHREDIR_EVENT_A_SRC_ADDR, AF_INET, "10.0.0.2");
	mnl_attr_put_u16(nlh, MESHREDIR_EVENT_A_SRC_PORT, 1);
	put_addr(nlh, MESHREDIR_EVENT_A_DST_ADDR, AF_INET, "10.0.0.3");
	mnl_attr_put_u16(nlh, MESHREDIR_EVENT_A_DST_PORT, 2);
	mnl_attr_put_u32(nlh, MESHREDIR_EVENT_A_REASON, 1);
	CHECK_INT(event_parse(nlh, &ev, err, sizeof(err)), -1);
	CHECK_STR(err, "event: family 1 is not AF_INET or AF_INET6");
}

static void test_args(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "monitor", "--json", "--reason", "excluded-port,dns-passed",
			     "--reason=redirected-inbound", "--count", "3", NULL), 0);
	CHECK_INT(cl.cmd, CMD_MONITOR);
	CHECK_INT(cl.format, FORMAT_JSON);
	CHECK(cl.reasons == ((1ull << MESHREDIR_REASON_EXCLUDED_PORT) |
			     (1ull << MESHREDIR_REASON_DNS_PASSED) |
			     (1ull << MESHREDIR_REASON_REDIRECTED_INBOUND)));
	CHECK(cl.count == 3);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "--netns", "pod1", "monitor", NULL), 0);
	CHECK(!cl.reasons && !cl.count && cl.format == FORMAT_TEXT);
	cmdline_free(&cl);

	EXPECT_ERR("--reason: \"redirected\" is not a reason (the names of show's counters: redirected-inbound, excluded-port, ...)",
		   "monitor", "--reason", "redirected");
	EXPECT_ERR("--reason: \"\" is not a reason (the names of show's counters: redirected-inbound, excluded-port, ...)",
		   "monitor", "--reason", "excluded-port,");
	EXPECT_ERR("--reason: a value is needed", "monitor", "--reason");
	EXPECT_ERR("--count: \"0\" is not a number of events (1 or more)", "monitor", "--count", "0");
	EXPECT_ERR("--count: \"-1\" is not a number of events (1 or more)", "monitor", "--count=-1");
	EXPECT_ERR("--count: \"18446744073709551616\" is not a number of events (1 or more)",
		   "monitor", "--count", "18446744073709551616");
	EXPECT_ERR("--reason: not a flag of \"show\" (see meshredir show --help)",
		   "show", "--reason", "excluded-port");
	EXPECT_ERR("--format: not a flag of \"monitor\" (see meshredir monitor --help)",
		   "monitor", "--format", "json");
	EXPECT_ERR("unexpected argument \"all\"", "monitor", "all");
}

int main(void)
{
	RUN(test_out4);
	RUN(test_in6);
	RUN(test_unknown_values);
	RUN(test_missing);
	RUN(test_no_ports);
	RUN(test_malformed);
	RUN(test_args);
	return check_report();
}
