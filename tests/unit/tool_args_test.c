// SPDX-License-Identifier: GPL-2.0
/*
 * tools/args.c and parse.c: every flag of `meshredir set` and the global
 * ones, their kumactl defaults, Kuma's [proto:][ports:]uids syntax, and the
 * exact message of every bad value.
 */
#include <arpa/inet.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "check.h"
#include "tool_util.h"

static bool cidr_is(const struct cidr *c, const char *addr, unsigned int len)
{
	uint8_t a[16] = { 0 };
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(family, addr, a) != 1)
		return false;
	return c->family == family && c->prefix_len == len && !memcmp(c->addr, a, 16);
}

static void test_defaults(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "set", NULL), 0);
	CHECK_INT(cl.cmd, CMD_SET);
	CHECK_INT(cl.cfg.ip_family_mode, MESHREDIR_IP_FAMILY_DUALSTACK);
	CHECK_UINT(cl.cfg.owner_uids.n, 1);
	if (cl.cfg.owner_uids.n == 1) {
		CHECK_UINT(cl.cfg.owner_uids.v[0].first, 5678);
		CHECK_UINT(cl.cfg.owner_uids.v[0].last, 5678);
	}
	CHECK_UINT(cl.cfg.owner_gids.n, 0);
	CHECK(cl.cfg.inbound.enabled);
	CHECK_UINT(cl.cfg.inbound.port, 15006);
	CHECK(cl.cfg.outbound.enabled);
	CHECK_UINT(cl.cfg.outbound.port, 15001);
	CHECK_UINT(cl.cfg.inbound.exclude_ports.n + cl.cfg.inbound.include_ports.n +
		   cl.cfg.inbound.exclude_ips.n + cl.cfg.outbound.exclude_ports.n +
		   cl.cfg.outbound.include_ports.n + cl.cfg.outbound.exclude_ips.n +
		   cl.cfg.outbound.exclude_ports_for_uids.n, 0);
	CHECK(cl.format == FORMAT_TEXT && !cl.dry_run && !cl.verbose && !cl.netns && !cl.has_pid);
	CHECK(!cl.cfg.drop_invalid);
	cmdline_free(&cl);
}

static void test_ports_scalar(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "set", "--redirect-inbound-port=1234",
			     "--redirect-outbound-port", "4321", NULL), 0);
	CHECK_UINT(cl.cfg.inbound.port, 1234);
	CHECK_UINT(cl.cfg.outbound.port, 4321);
	cmdline_free(&cl);

	/* Scalars: the last one wins. */
	CHECK_INT(tool_parse(&cl, err, "set", "--redirect-inbound-port", "1", "--redirect-inbound-port=65535",
			     NULL), 0);
	CHECK_UINT(cl.cfg.inbound.port, 65535);
	cmdline_free(&cl);
}

static void test_bools(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "set", "--redirect-inbound=false", "--redirect-outbound=F", NULL), 0);
	CHECK(!cl.cfg.inbound.enabled && !cl.cfg.outbound.enabled);
	cmdline_free(&cl);

	CHECK_INT(tool_parse(&cl, err, "set", "--redirect-inbound", "false", "--redirect-outbound", "0",
			     NULL), 0);
	CHECK(!cl.cfg.inbound.enabled && !cl.cfg.outbound.enabled);
	cmdline_free(&cl);

	/* Bare means true, and a following flag is not taken as its value. */
	CHECK_INT(tool_parse(&cl, err, "set", "--redirect-inbound=false", "--redirect-inbound",
			     "--redirect-outbound=false", "--redirect-outbound", "TRUE", NULL), 0);
	CHECK(cl.cfg.inbound.enabled && cl.cfg.outbound.enabled);
	cmdline_free(&cl);

	CHECK_INT(tool_parse(&cl, err, "--redirect-outbound=0", "set", "--redirect-inbound=1", NULL), 0);
	CHECK(cl.cfg.inbound.enabled && !cl.cfg.outbound.enabled);
	cmdline_free(&cl);

	/* A word that is not a boolean stays a word. */
	EXPECT_ERR("unexpected argument \"show\"", "set", "--redirect-inbound", "show");

	/* --drop-invalid-packets: kumactl's boolean, false unless given */
	CHECK_INT(tool_parse(&cl, err, "set", "--drop-invalid-packets", NULL), 0);
	CHECK(cl.cfg.drop_invalid);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "set", "--drop-invalid-packets", "false", NULL), 0);
	CHECK(!cl.cfg.drop_invalid);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "set", "--drop-invalid-packets=t", "--drop-invalid-packets=0",
			     "--drop-invalid-packets=True", NULL), 0);
	CHECK(cl.cfg.drop_invalid);
	cmdline_free(&cl);
	EXPECT_ERR("--drop-invalid-packets: \"yes\" is not true or false",
		   "set", "--drop-invalid-packets=yes");
	EXPECT_ERR("--drop-invalid-packets: not a flag of \"show\" (see meshredir show --help)",
		   "show", "--drop-invalid-packets");
}

static void test_event_rate(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "set", NULL), 0);
	CHECK_UINT(cl.cfg.event_rate, MESHREDIR_DEFAULT_EVENT_RATE);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "set", "--event-rate", "1", "--event-rate=1000000", NULL), 0);
	CHECK_UINT(cl.cfg.event_rate, 1000000);
	cmdline_free(&cl);
	EXPECT_ERR("--event-rate: \"0\" is not an event rate (1-1000000 events a second)",
		   "set", "--event-rate=0");
	EXPECT_ERR("--event-rate: \"1000001\" is not an event rate (1-1000000 events a second)",
		   "set", "--event-rate=1000001");
	EXPECT_ERR("--event-rate: \"fast\" is not an event rate (1-1000000 events a second)",
		   "set", "--event-rate=fast");
	EXPECT_ERR("--event-rate: not a flag of \"show\" (see meshredir show --help)",
		   "show", "--event-rate=5");
}

static void test_port_lists(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];
	struct range_list *l;

	CHECK_INT(tool_parse(&cl, err, "set", "--exclude-inbound-ports", "8080,22, 9000-9100",
			     "--exclude-inbound-ports=23", "--include-inbound-ports=1-1024",
			     "--exclude-outbound-ports=443", "--include-outbound-ports", "80,443",
			     NULL), 0);
	l = &cl.cfg.inbound.exclude_ports;
	/* Sorted, and 22 and 23 merged. */
	if (CHECK_UINT(l->n, 3)) {
		CHECK(l->v[0].first == 22 && l->v[0].last == 23);
		CHECK(l->v[1].first == 8080 && l->v[1].last == 8080);
		CHECK(l->v[2].first == 9000 && l->v[2].last == 9100);
	}
	l = &cl.cfg.inbound.include_ports;
	if (CHECK_UINT(l->n, 1))
		CHECK(l->v[0].first == 1 && l->v[0].last == 1024);
	l = &cl.cfg.outbound.exclude_ports;
	if (CHECK_UINT(l->n, 1))
		CHECK(l->v[0].first == 443 && l->v[0].last == 443);
	l = &cl.cfg.outbound.include_ports;
	if (CHECK_UINT(l->n, 2))
		CHECK(l->v[0].first == 80 && l->v[1].first == 443);
	cmdline_free(&cl);

	/* An empty value is an empty list, as in kumactl. */
	CHECK_INT(tool_parse(&cl, err, "set", "--exclude-inbound-ports=", NULL), 0);
	CHECK_UINT(cl.cfg.inbound.exclude_ports.n, 0);
	cmdline_free(&cl);

	/* Overlapping and adjacent ranges merge; 65535 doesn't overflow. */
	CHECK_INT(tool_parse(&cl, err, "set", "--exclude-outbound-ports=100-200,150-300,301,65535,65534",
			     NULL), 0);
	l = &cl.cfg.outbound.exclude_ports;
	if (CHECK_UINT(l->n, 2)) {
		CHECK(l->v[0].first == 100 && l->v[0].last == 301);
		CHECK(l->v[1].first == 65534 && l->v[1].last == 65535);
	}
	cmdline_free(&cl);
}

static void test_ips(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];
	struct cidr_list *l;

	CHECK_INT(tool_parse(&cl, err, "set", "--exclude-inbound-ips", "fd00::1/8,10.1.2.3/8,192.168.1.1",
			     "--exclude-outbound-ips=2001:db8::1,172.16.0.0/12", NULL), 0);
	l = &cl.cfg.inbound.exclude_ips;
	/* Host bits masked as iptables does; IPv4 sorts first. */
	if (CHECK_UINT(l->n, 3)) {
		CHECK(cidr_is(&l->v[0], "10.0.0.0", 8));
		CHECK(cidr_is(&l->v[1], "192.168.1.1", 32));
		CHECK(cidr_is(&l->v[2], "fd00::", 8));
	}
	l = &cl.cfg.outbound.exclude_ips;
	if (CHECK_UINT(l->n, 2)) {
		CHECK(cidr_is(&l->v[0], "172.16.0.0", 12));
		CHECK(cidr_is(&l->v[1], "2001:db8::1", 128));
	}
	cmdline_free(&cl);

	/* Covered entries go, sibling halves fold into their parent. */
	CHECK_INT(tool_parse(&cl, err, "set", "--exclude-outbound-ips",
			     "10.0.0.0/25,10.0.0.128/25,10.0.0.7,10.0.1.0/24,0.0.0.0/0,::/1,8000::/1",
			     NULL), 0);
	l = &cl.cfg.outbound.exclude_ips;
	if (CHECK_UINT(l->n, 2)) {
		CHECK(cidr_is(&l->v[0], "0.0.0.0", 0));
		CHECK(cidr_is(&l->v[1], "::", 0));
	}
	cmdline_free(&cl);

	CHECK_INT(tool_parse(&cl, err, "set", "--exclude-outbound-ips",
			     "10.0.0.0/25,10.0.0.128/25,10.0.1.0/24,10.0.3.0/24", NULL), 0);
	l = &cl.cfg.outbound.exclude_ips;
	if (CHECK_UINT(l->n, 2)) {
		CHECK(cidr_is(&l->v[0], "10.0.0.0", 23));
		CHECK(cidr_is(&l->v[1], "10.0.3.0", 24));
	}
	cmdline_free(&cl);

	/* Prefixes that end inside a byte: masking, covering, folding. */
	CHECK_INT(tool_parse(&cl, err, "set", "--exclude-outbound-ips",
			     "10.1.2.3/13,10.7.255.0/24,10.8.0.0/24,10.0.0.0/9,10.128.0.0/9,"
			     "fd00::/9,fd80::/9,fe81::/10,fec0::/11", NULL), 0);
	l = &cl.cfg.outbound.exclude_ips;
	if (CHECK_UINT(l->n, 4)) {
		CHECK(cidr_is(&l->v[0], "10.0.0.0", 8));
		CHECK(cidr_is(&l->v[1], "fd00::", 8));
		CHECK(cidr_is(&l->v[2], "fe80::", 10));
		CHECK(cidr_is(&l->v[3], "fec0::", 11));
	}
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "set", "--exclude-outbound-ips",
			     "10.1.2.3/13,10.7.255.0/24,10.8.0.0/24,192.0.2.129/31", NULL), 0);
	l = &cl.cfg.outbound.exclude_ips;
	if (CHECK_UINT(l->n, 3)) {
		CHECK(cidr_is(&l->v[0], "10.0.0.0", 13));
		CHECK(cidr_is(&l->v[1], "10.8.0.0", 24));
		CHECK(cidr_is(&l->v[2], "192.0.2.128", 31));
	}
	cmdline_free(&cl);
}

static void test_uid_ports(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];
	struct uid_ports_list *l;

	CHECK_INT(tool_parse(&cl, err, "set",
			     "--exclude-outbound-ports-for-uids", "1000",
			     "--exclude-outbound-ports-for-uids=80,443:1000-1010",
			     "--exclude-outbound-ports-for-uids", "tcp:22:0",
			     "--exclude-outbound-ports-for-uids", "udp:53:1000",
			     "--exclude-outbound-ports-for-uids", "tcp,udp:53:7",
			     "--exclude-outbound-ports-for-uids", "*:*:8",
			     "--exclude-outbound-ports-for-uids", "::9",
			     "--exclude-outbound-ports-for-uids", "TCP:1-10,5-20:4294967294",
			     NULL), 0);
	l = &cl.cfg.outbound.exclude_ports_for_uids;
	/* udp:53:1000 is kept, for DNS capture; no protocol is both. */
	if (CHECK_UINT(l->n, 8)) {
		CHECK_UINT(l->v[0].protocols, MESHREDIR_PROTO_TCP | MESHREDIR_PROTO_UDP);
		CHECK_UINT(l->v[2].protocols, MESHREDIR_PROTO_TCP);
		CHECK_UINT(l->v[3].protocols, MESHREDIR_PROTO_UDP);
		CHECK_UINT(l->v[4].protocols, MESHREDIR_PROTO_TCP | MESHREDIR_PROTO_UDP);
		CHECK_UINT(l->v[7].protocols, MESHREDIR_PROTO_TCP);
		CHECK(l->v[0].ports.n == 1 && l->v[0].ports.v[0].first == 1 &&
		      l->v[0].ports.v[0].last == 65535);
		CHECK(l->v[0].uids.first == 1000 && l->v[0].uids.last == 1000);
		CHECK(l->v[1].ports.n == 2 && l->v[1].ports.v[0].first == 80 &&
		      l->v[1].ports.v[1].first == 443);
		CHECK(l->v[1].uids.first == 1000 && l->v[1].uids.last == 1010);
		CHECK(l->v[2].ports.n == 1 && l->v[2].ports.v[0].first == 22 &&
		      l->v[2].uids.first == 0);
		CHECK(l->v[3].ports.v[0].first == 53 && l->v[3].uids.first == 1000);
		CHECK(l->v[4].ports.v[0].first == 53 && l->v[4].uids.first == 7);
		CHECK(l->v[5].ports.v[0].first == 1 && l->v[5].ports.v[0].last == 65535 &&
		      l->v[5].uids.first == 8);
		CHECK(l->v[6].ports.v[0].last == 65535 && l->v[6].uids.first == 9);
		CHECK(l->v[7].ports.n == 1 && l->v[7].ports.v[0].first == 1 &&
		      l->v[7].ports.v[0].last == 20 && l->v[7].uids.first == 4294967294u);
	}
	CHECK_UINT(cl.cfg.inbound.exclude_ports_for_uids.n, 0);
	cmdline_free(&cl);
}

static void test_owners(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];
	struct passwd *pw;

	CHECK_INT(tool_parse(&cl, err, "set", "--kuma-dp-user", "1234", NULL), 0);
	/* The given user replaces 5678. */
	if (CHECK_UINT(cl.cfg.owner_uids.n, 1))
		CHECK_UINT(cl.cfg.owner_uids.v[0].first, 1234);
	cmdline_free(&cl);

	CHECK_INT(tool_parse(&cl, err, "set", "--kuma-dp-user=root", NULL), 0);
	if (CHECK_UINT(cl.cfg.owner_uids.n, 1))
		CHECK_UINT(cl.cfg.owner_uids.v[0].first, 0);
	cmdline_free(&cl);

	pw = getpwnam("nobody");
	if (pw) {
		CHECK_INT(tool_parse(&cl, err, "set", "--kuma-dp-user", "nobody", NULL), 0);
		if (CHECK_UINT(cl.cfg.owner_uids.n, 1))
			CHECK_UINT(cl.cfg.owner_uids.v[0].first, pw->pw_uid);
		cmdline_free(&cl);
	}

	CHECK_INT(tool_parse(&cl, err, "set", "--owner-uid", "1000-1009", "--owner-uid=2000,3000-3001",
			     "--owner-gid", "50", "--owner-gid=60-70", NULL), 0);
	if (CHECK_UINT(cl.cfg.owner_uids.n, 4)) {
		CHECK(cl.cfg.owner_uids.v[0].first == 1000 && cl.cfg.owner_uids.v[0].last == 1009);
		CHECK(cl.cfg.owner_uids.v[1].first == 2000 && cl.cfg.owner_uids.v[1].last == 2000);
		CHECK(cl.cfg.owner_uids.v[2].first == 3000 && cl.cfg.owner_uids.v[2].last == 3001);
		CHECK(cl.cfg.owner_uids.v[3].first == 5678);
	}
	if (CHECK_UINT(cl.cfg.owner_gids.n, 2)) {
		CHECK(cl.cfg.owner_gids.v[0].first == 50 && cl.cfg.owner_gids.v[0].last == 50);
		CHECK(cl.cfg.owner_gids.v[1].first == 60 && cl.cfg.owner_gids.v[1].last == 70);
	}
	cmdline_free(&cl);
}

static void test_family_mode(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "set", "--ip-family-mode", "ipv4", NULL), 0);
	CHECK_INT(cl.cfg.ip_family_mode, MESHREDIR_IP_FAMILY_IPV4);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "set", "--ip-family-mode=ipv4", "--ip-family-mode=dualstack", NULL), 0);
	CHECK_INT(cl.cfg.ip_family_mode, MESHREDIR_IP_FAMILY_DUALSTACK);
	cmdline_free(&cl);
}

static void test_commands(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "show", NULL), 0);
	CHECK_INT(cl.cmd, CMD_SHOW);
	CHECK_INT(cl.format, FORMAT_TEXT);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "show", "--json", NULL), 0);
	CHECK_INT(cl.format, FORMAT_JSON);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "flush", NULL), 0);
	CHECK_INT(cl.cmd, CMD_FLUSH);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "reset-counters", NULL), 0);
	CHECK_INT(cl.cmd, CMD_RESET_COUNTERS);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "version", NULL), 0);
	CHECK_INT(cl.cmd, CMD_VERSION);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "--version", NULL), 0);
	CHECK_INT(cl.cmd, CMD_VERSION);
	cmdline_free(&cl);
}

static void test_help(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "--help", NULL), 0);
	CHECK(cl.cmd == CMD_HELP && cl.help_topic == CMD_NONE);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "help", NULL), 0);
	CHECK(cl.cmd == CMD_HELP && cl.help_topic == CMD_NONE);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "help", "set", NULL), 0);
	CHECK(cl.cmd == CMD_HELP && cl.help_topic == CMD_SET);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "show", "-h", NULL), 0);
	CHECK(cl.cmd == CMD_HELP && cl.help_topic == CMD_SHOW);
	cmdline_free(&cl);
	/* Help wins over a bad value. */
	CHECK_INT(tool_parse(&cl, err, "set", "--exclude-inbound-ports=0", "--help", NULL), 0);
	CHECK(cl.cmd == CMD_HELP && cl.help_topic == CMD_SET);
	cmdline_free(&cl);
	EXPECT_ERR("unknown command \"frob\" (see meshredir --help)", "help", "frob");
}

static void test_netns(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "--netns", "blue", "show", NULL), 0);
	CHECK_STR(cl.netns, "blue");
	CHECK_INT(cl.cmd, CMD_SHOW);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "set", "--netns=/var/run/netns/red", NULL), 0);
	CHECK_STR(cl.netns, "/var/run/netns/red");
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "--pid", "42", "flush", NULL), 0);
	CHECK(cl.has_pid && cl.pid == 42);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "reset-counters", "--pid=1", NULL), 0);
	CHECK(cl.has_pid && cl.pid == 1);
	cmdline_free(&cl);
	/* A flag's value that looks like a command is still the value. */
	CHECK_INT(tool_parse(&cl, err, "--netns", "show", "set", NULL), 0);
	CHECK(cl.cmd == CMD_SET && !strcmp(cl.netns, "show"));
	cmdline_free(&cl);
}

static void test_errors_values(void)
{
	EXPECT_ERR("--exclude-outbound-ports: \"70000\" is not a port (1-65535)",
		   "set", "--exclude-outbound-ports", "80,70000");
	EXPECT_ERR("--exclude-inbound-ports: \"0\" is not a port (1-65535)",
		   "set", "--exclude-inbound-ports=0");
	EXPECT_ERR("--include-inbound-ports: \"http\" is not a port (1-65535)",
		   "set", "--include-inbound-ports=http");
	EXPECT_ERR("--include-outbound-ports: \"-5\" is not a port range",
		   "set", "--include-outbound-ports=-5");
	EXPECT_ERR("--exclude-outbound-ports: \"80-\" is not a port range",
		   "set", "--exclude-outbound-ports=80-");
	EXPECT_ERR("--exclude-outbound-ports: \"2000-1000\": first port 2000 is greater than last 1000",
		   "set", "--exclude-outbound-ports=2000-1000");
	EXPECT_ERR("--exclude-outbound-ports: \"1000-70000\": \"70000\" is not a port (1-65535)",
		   "set", "--exclude-outbound-ports=1000-70000");
	EXPECT_ERR("--owner-gid: \"staff-x\": \"staff\" is not a GID (0-4294967294)",
		   "set", "--owner-gid=staff-x");
	EXPECT_ERR("--exclude-outbound-ports: \"80,,90\" has an empty entry",
		   "set", "--exclude-outbound-ports=80,,90");
	EXPECT_ERR("--exclude-inbound-ports: \"80,\" has an empty entry",
		   "set", "--exclude-inbound-ports=80,");
	EXPECT_ERR("--exclude-inbound-ports: \"+80\" is not a port (1-65535)",
		   "set", "--exclude-inbound-ports=+80");
	EXPECT_ERR("--redirect-inbound-port: \"0\" is not a port (1-65535)",
		   "set", "--redirect-inbound-port=0");
	EXPECT_ERR("--redirect-outbound-port: \"65536\" is not a port (1-65535)",
		   "set", "--redirect-outbound-port", "65536");
	EXPECT_ERR("--redirect-outbound-port: \"99999999999999999999\" is not a port (1-65535)",
		   "set", "--redirect-outbound-port", "99999999999999999999");
	EXPECT_ERR("--redirect-inbound: \"maybe\" is not true or false",
		   "set", "--redirect-inbound=maybe");
	EXPECT_ERR("--redirect-outbound: \"\" is not true or false",
		   "set", "--redirect-outbound=");
	EXPECT_ERR("--exclude-inbound-ips: \"10.0.0.0/33\": prefix length 33 exceeds 32",
		   "set", "--exclude-inbound-ips", "10.0.0.0/33");
	EXPECT_ERR("--exclude-outbound-ips: \"fd00::/129\": prefix length 129 exceeds 128",
		   "set", "--exclude-outbound-ips=fd00::/129");
	EXPECT_ERR("--exclude-outbound-ips: \"10.0.0.300\" is not an IP address or CIDR",
		   "set", "--exclude-outbound-ips=10.0.0.1,10.0.0.300");
	EXPECT_ERR("--exclude-outbound-ips: \"example.com\" is not an IP address or CIDR",
		   "set", "--exclude-outbound-ips=example.com");
	EXPECT_ERR("--exclude-inbound-ips: \"10.0.0.0/x\": \"x\" is not a prefix length",
		   "set", "--exclude-inbound-ips=10.0.0.0/x");
	EXPECT_ERR("--exclude-inbound-ips: \"10.0.0.0/\": \"\" is not a prefix length",
		   "set", "--exclude-inbound-ips=10.0.0.0/");
	EXPECT_ERR("--owner-uid: \"4294967295\" is not a UID (0-4294967294)",
		   "set", "--owner-uid=4294967295");
	EXPECT_ERR("--owner-uid: \"20-10\": first UID 20 is greater than last 10",
		   "set", "--owner-uid=20-10");
	EXPECT_ERR("--owner-gid: \"wheel\" is not a GID (0-4294967294)",
		   "set", "--owner-gid", "wheel");
	EXPECT_ERR("--kuma-dp-user: \"no-such-user-xyzzy\": no such user",
		   "set", "--kuma-dp-user=no-such-user-xyzzy");
	EXPECT_ERR("--kuma-dp-user: \"4294967295\" is not a UID (0-4294967294)",
		   "set", "--kuma-dp-user=4294967295");
	EXPECT_ERR("--kuma-dp-user: \"\" is not a user name or UID",
		   "set", "--kuma-dp-user=");
	EXPECT_ERR("--ip-family-mode: \"ipv6\" is not ipv4 or dualstack",
		   "set", "--ip-family-mode=ipv6");
	EXPECT_ERR("--pid: \"abc\" is not a process ID", "show", "--pid", "abc");
	EXPECT_ERR("--pid: \"0\" is not a process ID", "show", "--pid=0");
	EXPECT_ERR("--netns: \"\" is not a namespace name or path", "show", "--netns=");
}

static void test_errors_uid_ports(void)
{
	const char *f = "--exclude-outbound-ports-for-uids";

	EXPECT_ERR("--exclude-outbound-ports-for-uids: \"tcp:80:abc\": \"abc\" is not a UID (0-4294967294)",
		   "set", f, "tcp:80:abc");
	EXPECT_ERR("--exclude-outbound-ports-for-uids: \"sctp:80:1\": \"sctp\" is not a protocol (tcp, udp or *)",
		   "set", f, "sctp:80:1");
	EXPECT_ERR("--exclude-outbound-ports-for-uids: \"tcp:80:1:2\": expected [protocol:][ports:]uids",
		   "set", f, "tcp:80:1:2");
	EXPECT_ERR("--exclude-outbound-ports-for-uids: \"80:*\": a wildcard is not allowed for UIDs",
		   "set", f, "80:*");
	EXPECT_ERR("--exclude-outbound-ports-for-uids: \"1,2\": \"1,2\": one UID or one UID range, not a list",
		   "set", f, "1,2");
	EXPECT_ERR("--exclude-outbound-ports-for-uids: \"tcp:1000\": with two fields the first is ports: write tcp:*:1000",
		   "set", f, "tcp:1000");
	EXPECT_ERR("--exclude-outbound-ports-for-uids: \"tcp:70000:1\": \"70000\" is not a port (1-65535)",
		   "set", f, "tcp:70000:1");
	EXPECT_ERR("--exclude-outbound-ports-for-uids: \"tcp:80:2-1\": \"2-1\": first UID 2 is greater than last 1",
		   "set", f, "tcp:80:2-1");
	EXPECT_ERR("--exclude-outbound-ports-for-uids: \"tcp:80:\": \"\" is not a UID (0-4294967294)",
		   "set", f, "tcp:80:");
	/* A UDP entry is dropped, but still checked. */
	EXPECT_ERR("--exclude-outbound-ports-for-uids: \"udp:53:x\": \"x\" is not a UID (0-4294967294)",
		   "set", f, "udp:53:x");
}

static void test_errors_usage(void)
{
	EXPECT_ERR("no command given (see meshredir --help)", "--netns", "x");
	EXPECT_ERR("unknown command \"frob\" (see meshredir --help)", "frob");
	EXPECT_ERR("unexpected argument \"extra\"", "show", "extra");
	EXPECT_ERR("unknown flag \"--foo\" (see meshredir set --help)", "set", "--foo=1");
	EXPECT_ERR("unknown flag \"-x\" (see meshredir show --help)", "show", "-x");
	EXPECT_ERR("unknown flag \"--redirect-dns-upstream-target-chain\" (see meshredir set --help)",
		   "set", "--redirect-dns-upstream-target-chain=RETURN");
	EXPECT_ERR("--redirect-inbound-port: a value is needed", "set", "--redirect-inbound-port");
	EXPECT_ERR("--json: takes no value", "show", "--json=yes");
	EXPECT_ERR("--json: not a flag of \"set\" (see meshredir set --help)", "set", "--json");
	EXPECT_ERR("--exclude-inbound-ports: not a flag of \"show\" (see meshredir show --help)",
		   "--exclude-inbound-ports", "22", "show");
	EXPECT_ERR("--netns and --pid cannot be used together", "show", "--netns", "a", "--pid", "1");
}

static void test_limits(void)
{
	static char bufs[1100][32];
	static char *argv[2300];
	struct cmdline cl;
	char err[MR_ERR_LEN];
	int argc = 0, i;

	/* 1024 owner ranges with the kuma-dp user: one too many. */
	argv[argc++] = "meshredir";
	argv[argc++] = "set";
	for (i = 0; i < 1024; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "--owner-uid=%d", 10000 + 2 * i);
		argv[argc++] = bufs[i];
	}
	CHECK_INT(args_parse(&cl, argc, argv, err, sizeof(err)), -1);
	CHECK_STR(err, "--owner-uid: 1025 UID ranges exceed the limit of 1024");
	cmdline_free(&cl);

	/* 1023 and the kuma-dp user fit. */
	CHECK_INT(args_parse(&cl, argc - 1, argv, err, sizeof(err)), 0);
	CHECK_UINT(cl.cfg.owner_uids.n, 1024);
	cmdline_free(&cl);

	argc = 2;
	for (i = 0; i < 65; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "tcp:80:%d", i);
		argv[argc++] = "--exclude-outbound-ports-for-uids";
		argv[argc++] = bufs[i];
	}
	CHECK_INT(args_parse(&cl, argc, argv, err, sizeof(err)), -1);
	CHECK_STR(err, "--exclude-outbound-ports-for-uids: 65 entries exceed the limit of 64");
	cmdline_free(&cl);
	CHECK_INT(args_parse(&cl, argc - 2, argv, err, sizeof(err)), 0);
	cmdline_free(&cl);

	/* 1025 port ranges over all entries. */
	argc = 2;
	for (i = 0; i < 41; i++) {
		char *p = bufs[i + 100];
		int k;

		argv[argc++] = "--exclude-outbound-ports-for-uids";
		argv[argc++] = p = malloc(512);
		p[0] = '\0';
		for (k = 0; k < 25; k++)
			sprintf(p + strlen(p), "%s%d", k ? "," : "", 2 * k + 1 + 100 * i);
		sprintf(p + strlen(p), ":%d", i);
	}
	CHECK_INT(args_parse(&cl, argc, argv, err, sizeof(err)), -1);
	CHECK_STR(err, "--exclude-outbound-ports-for-uids: 1025 port ranges over all entries exceed the limit of 1024");
	cmdline_free(&cl);
	for (i = 0; i < 41; i++)
		free(argv[3 + 2 * i]);
}

int main(void)
{
	RUN(test_defaults);
	RUN(test_ports_scalar);
	RUN(test_bools);
	RUN(test_event_rate);
	RUN(test_port_lists);
	RUN(test_ips);
	RUN(test_uid_ports);
	RUN(test_owners);
	RUN(test_family_mode);
	RUN(test_commands);
	RUN(test_help);
	RUN(test_netns);
	RUN(test_errors_values);
	RUN(test_errors_uid_ports);
	RUN(test_errors_usage);
	RUN(test_limits);
	return check_report();
}
