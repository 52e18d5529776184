// SPDX-License-Identifier: GPL-2.0
/*
 * vnet in the tool: --vnet IFACE:CIDR, Kuma's redirect.vnet.networks and
 * KUMA_TRANSPARENT_PROXY_REDIRECT_VNET_NETWORKS, every bad value's
 * message, and the round trips through a SET message and Kuma's YAML.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include "check.h"
#include "tool_util.h"
#include "../../tools/kuma.h"
#include "../../tools/msg.h"

#define ENV "KUMA_TRANSPARENT_PROXY_REDIRECT_VNET_NETWORKS"

/* The entries as show writes them, comma-separated. */
static const char *vnets(const struct vnet_list *l)
{
	static char out[1024];
	char one[80];
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; i < l->n; i++) {
		vnet_format(&l->v[i], one, sizeof(one));
		n += snprintf(out + n, sizeof(out) - n, "%s%s", i ? "," : "", one);
	}
	return out;
}

static void test_flags(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "set", "--vnet", "docker0:172.17.0.0/16", NULL), 0);
	CHECK_STR(vnets(&cl.cfg.vnet), "docker0:172.17.0.0/16");
	cmdline_free(&cl);
	/* Split at the first ':'; host bits masked; the family the CIDR's. */
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy",
			     "--vnet=iface:::1/64", "--vnet", "br+:172.18.9.9/16",
			     "--vnet", "iface:10.1.2.3/8", NULL), 0);
	CHECK_STR(vnets(&cl.cfg.vnet), "iface:::/64,br+:172.18.0.0/16,iface:10.0.0.0/8");
	if (cl.cfg.vnet.n == 3)
		CHECK(cl.cfg.vnet.v[0].cidr.family == AF_INET6 &&
		      cl.cfg.vnet.v[2].cidr.family == AF_INET);
	cmdline_free(&cl);
	/* A later entry for the same interface and family replaces the earlier. */
	CHECK_INT(tool_parse(&cl, err, "set", "--vnet=dock0:10.0.0.0/8", "--vnet=dock0:fd00::/8",
			     "--vnet=dock0:192.168.0.0/16", NULL), 0);
	CHECK_STR(vnets(&cl.cfg.vnet), "dock0:192.168.0.0/16,dock0:fd00::/8");
	cmdline_free(&cl);
	/* "+" alone is every interface, as iptables -i +. */
	CHECK_INT(tool_parse(&cl, err, "set", "--vnet=+:10.0.0.0/8", NULL), 0);
	CHECK_STR(vnets(&cl.cfg.vnet), "+:10.0.0.0/8");
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "set", NULL), 0);
	CHECK_UINT(cl.cfg.vnet.n, 0);
	cmdline_free(&cl);
}

static void test_flag_errors(void)
{
	EXPECT_ERR("--vnet: \"docker0\" is not IFACE:CIDR (no ':')", "set", "--vnet=docker0");
	EXPECT_ERR("--vnet: a value is needed", "set", "--vnet");
	EXPECT_ERR("--vnet: \":10.0.0.0/8\": interface name \"\" is empty", "set",
		   "--vnet=:10.0.0.0/8");
	EXPECT_ERR("--vnet: \"x+y:10.0.0.0/8\": interface name \"x+y\" has a '+' before its end ('+' only at the end)",
		   "set", "--vnet=x+y:10.0.0.0/8");
	EXPECT_ERR("--vnet: \"abcdefghijklmnop:10.0.0.0/8\": interface name \"abcdefghijklmnop\" is longer than 15 bytes",
		   "set", "--vnet=abcdefghijklmnop:10.0.0.0/8");
	EXPECT_ERR("--vnet: \"a/b:10.0.0.0/8\": interface name \"a/b\" has a character no interface name has ('/', ':' or a space)",
		   "set", "--vnet=a/b:10.0.0.0/8");
	EXPECT_ERR("--vnet: \"..:10.0.0.0/8\": interface name \"..\" is not an interface name",
		   "set", "--vnet=..:10.0.0.0/8");
	EXPECT_ERR("--vnet: \"docker0:172.17.0.1\": \"172.17.0.1\" is not a CIDR (ADDRESS/LENGTH)",
		   "set", "--vnet=docker0:172.17.0.1");
	EXPECT_ERR("--vnet: \"docker0:172.17.0.0/33\": \"172.17.0.0/33\": prefix length 33 exceeds 32",
		   "set", "--vnet=docker0:172.17.0.0/33");
	EXPECT_ERR("--vnet: \"docker0:fd00::/129\": \"fd00::/129\": prefix length 129 exceeds 128",
		   "set", "--vnet=docker0:fd00::/129");
	EXPECT_ERR("--vnet: \"docker0:nowhere/8\": \"nowhere/8\" is not an IP address or CIDR",
		   "set", "--vnet=docker0:nowhere/8");
	EXPECT_ERR("--vnet: \"docker0: 10.0.0.0/8\": \" 10.0.0.0/8\" is not an IP address or CIDR",
		   "set", "--vnet=docker0: 10.0.0.0/8");
}

static void test_limit(void)
{
	char *argv[MESHREDIR_MAX_VNETS + 3];
	char names[MESHREDIR_MAX_VNETS + 1][40];
	char err[MR_ERR_LEN];
	struct cmdline cl;
	int i;

	argv[0] = "meshredir";
	argv[1] = "set";
	for (i = 0; i <= MESHREDIR_MAX_VNETS; i++) {
		snprintf(names[i], sizeof(names[i]), "--vnet=if%d:10.%d.0.0/16", i, i);
		argv[i + 2] = names[i];
	}
	CHECK_INT(args_parse(&cl, MESHREDIR_MAX_VNETS + 2, argv, err, sizeof(err)), 0);
	cmdline_free(&cl);
	CHECK_INT(args_parse(&cl, MESHREDIR_MAX_VNETS + 3, argv, err, sizeof(err)), -1);
	CHECK_STR(err, "--vnet: 65 entries exceed the limit of 64");
	cmdline_free(&cl);
}

static void test_yaml(void)
{
	struct tool_config cfg;
	struct kuma_extra x;
	char err[MR_ERR_LEN];
	const char *y = "redirect:\n  vnet:\n    networks: [\"docker0:172.17.0.0/16\", \"br+:fd00::1/64\"]\n";

	config_init(&cfg);
	kuma_extra_init(&x);
	CHECK_INT(kuma_parse("config.yaml", y, strlen(y), &cfg, &x, err, sizeof(err)), 0);
	CHECK_STR(vnets(&cfg.vnet), "docker0:172.17.0.0/16,br+:fd00::/64");
	y = "redirect:\n  vnet:\n    networks:\n      - docker0\n";
	CHECK_INT(kuma_parse("config.yaml", y, strlen(y), &cfg, &x, err, sizeof(err)), -1);
	CHECK_STR(err, "config.yaml:4: redirect.vnet.networks: \"docker0\" is not IFACE:CIDR (no ':')");
	y = "redirect:\n  vnet:\n    networks: docker0:10.0.0.0/8\n";
	CHECK_INT(kuma_parse("config.yaml", y, strlen(y), &cfg, &x, err, sizeof(err)), -1);
	CHECK_STR(err, "config.yaml:3: redirect.vnet.networks: expected a list, found a value");
	config_free(&cfg);
}

/* defaults < file < environment < flags, as kumactl. */
static void test_env(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];

	setenv(ENV, "a:10.0.0.0/8,b:fd00::/8", 1);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config",
			     "redirect: {vnet: {networks: [\"c:10.0.0.0/8\"]}}", NULL), 0);
	CHECK_STR(vnets(&cl.cfg.vnet), "a:10.0.0.0/8,b:fd00::/8");
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--vnet=d:10.0.0.0/8",
			     NULL), 0);
	CHECK_STR(vnets(&cl.cfg.vnet), "d:10.0.0.0/8");
	cmdline_free(&cl);
	setenv(ENV, "", 1);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config",
			     "redirect: {vnet: {networks: [\"c:10.0.0.0/8\"]}}", NULL), 0);
	CHECK_UINT(cl.cfg.vnet.n, 0);
	cmdline_free(&cl);
	setenv(ENV, "a:10.0.0.0/8,,b:fd00::/8", 1);
	EXPECT_ERR(ENV ": \"a:10.0.0.0/8,,b:fd00::/8\" has an empty entry",
		   "install", "transparent-proxy", "--config", "dryRun: false");
	setenv(ENV, "a:10.0.0.0/8,b", 1);
	EXPECT_ERR(ENV ": \"b\" is not IFACE:CIDR (no ':')", "install", "transparent-proxy",
		   "--config", "dryRun: false");
	/* As kumactl: without a configuration, install reads no variable. */
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", NULL), 0);
	CHECK_UINT(cl.cfg.vnet.n, 0);
	cmdline_free(&cl);
	unsetenv(ENV);
}

static void test_round_trips(void)
{
	struct tool_config cfg, back;
	struct set_parts parts = { 0 };
	struct kuma_extra x;
	char err[MR_ERR_LEN];
	struct cmdline cl;
	char *yaml;

	CHECK_INT(tool_parse(&cl, err, "set", "--vnet=docker0:172.17.0.0/16", "--vnet=br+:fd00:1::/48",
			     "--vnet=+:0.0.0.0/0", NULL), 0);
	/* Kuma's YAML, as show --format yaml writes it. */
	yaml = tool_capture(kuma_write, &cl.cfg);
	CHECK(strstr(yaml, "  vnet:\n    networks:\n    - \"docker0:172.17.0.0/16\"\n"
			   "    - \"br+:fd00:1::/48\"\n    - \"+:0.0.0.0/0\"\n") != NULL);
	config_init(&cfg);
	kuma_extra_init(&x);
	CHECK_INT(kuma_parse("show", yaml, strlen(yaml), &cfg, &x, err, sizeof(err)), 0);
	CHECK_STR(vnets(&cfg.vnet), "docker0:172.17.0.0/16,br+:fd00:1::/48,+:0.0.0.0/0");
	free(yaml);
	config_free(&cfg);
	/* Without networks, no vnet at all, as Kuma writes its file. */
	config_init(&cfg);
	yaml = tool_capture(kuma_write, &cfg);
	CHECK(!strstr(yaml, "vnet"));
	free(yaml);
	/* The SET's attributes read back as a GET's. */
	CHECK_INT(msg_build_set(&parts, &cl.cfg, 42, MR_SET_PART_SIZE, err, sizeof(err)), 0);
	CHECK_UINT(parts.n, 1);
	if (parts.n == 1) {
		CHECK_INT(msg_parse_get((const struct nlmsghdr *)parts.part[0].buf, &back,
					err, sizeof(err)), 0);
		CHECK_STR(vnets(&back.vnet), "docker0:172.17.0.0/16,br+:fd00:1::/48,+:0.0.0.0/0");
		config_free(&back);
	}
	set_parts_free(&parts);
	cmdline_free(&cl);
	/* Without DNS capture, vnet's DNS port goes with it, capture off. */
	CHECK_INT(tool_parse(&cl, err, "set", "--vnet=docker0:172.17.0.0/16",
			     "--redirect-dns-port=15054", NULL), 0);
	CHECK_INT(msg_build_set(&parts, &cl.cfg, 42, MR_SET_PART_SIZE, err, sizeof(err)), 0);
	if (parts.n == 1) {
		CHECK_INT(msg_parse_get((const struct nlmsghdr *)parts.part[0].buf, &back,
					err, sizeof(err)), 0);
		CHECK(!back.dns.enabled);
		CHECK_UINT(back.dns.port, 15054);
		config_free(&back);
	}
	set_parts_free(&parts);
	cmdline_free(&cl);
	/* Neither vnet nor DNS capture: no DNS attribute at all. */
	CHECK_INT(tool_parse(&cl, err, "set", "--redirect-dns-port=15054", NULL), 0);
	CHECK_INT(msg_build_set(&parts, &cl.cfg, 42, MR_SET_PART_SIZE, err, sizeof(err)), 0);
	if (parts.n == 1) {
		CHECK_INT(msg_parse_get((const struct nlmsghdr *)parts.part[0].buf, &back,
					err, sizeof(err)), 0);
		CHECK(!back.dns.enabled);
		CHECK_UINT(back.dns.port, 15053);
		config_free(&back);
	}
	set_parts_free(&parts);
	cmdline_free(&cl);
}

int main(void)
{
	unsetenv(ENV);
	test_flags();
	test_flag_errors();
	test_limit();
	test_yaml();
	test_env();
	test_round_trips();
	return check_report();
}
