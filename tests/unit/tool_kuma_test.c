// SPDX-License-Identifier: GPL-2.0
/*
 * tools/kuma.c, kuma_write.c: Kuma's transparent-proxy configuration file. Every field
 * meshredir sets, the ones it accepts only as a no-op, the exact message of
 * each bad file, the YAML show --format yaml writes, and that what it
 * writes reads back to the same configuration. Also apply's and install's
 * command lines, which read files through it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "check.h"
#include "tool_util.h"
#include "../../tools/kuma.h"
#include "../../tools/show.h"

/* text parsed over the defaults and finished as apply does; 0 or -1. */
static int parse(const char *text, struct tool_config *cfg, struct kuma_extra *x,
		 char *err)
{
	config_init(cfg);
	kuma_extra_init(x);
	if (kuma_parse("config.yaml", text, strlen(text), cfg, x, err, MR_ERR_LEN))
		return -1;
	return config_finish(cfg, x->kuma_dp_uid, true, err, MR_ERR_LEN);
}

/* The error text gives, "" if none; for EXPECT_YAML_ERR. */
static const char *yaml_error(char *err, const char *text)
{
	struct tool_config cfg;
	struct kuma_extra x;
	int ret = parse(text, &cfg, &x, err);

	config_free(&cfg);
	if (!ret)
		err[0] = '\0';
	return err;
}

#define EXPECT_YAML_ERR(text, msg)					\
	do {								\
		char e_[MR_ERR_LEN];					\
		CHECK_STR(yaml_error(e_, text), msg);			\
	} while (0)

/* The defaults of `set` with no flag: what {} must give. */
static void set_defaults(struct tool_config *cfg)
{
	char err[MR_ERR_LEN];

	config_init(cfg);
	config_finish(cfg, MR_DEFAULT_KUMA_DP_UID, false, err, sizeof(err));
}

static char *written(const struct tool_config *cfg)
{
	return tool_capture(kuma_write, cfg);
}

static void test_defaults(void)
{
	static const char *const empties[] = {
		"{}",
		"# only a comment first\n{}\n",
		"redirect: {}\n",
		"redirect:\n  inbound: {}\n  outbound: {}\n",
		"kumaDPUser: \"\"\nipFamilyMode: \"\"\n",
		/* null is the same as not given, for each kind of field */
		"kumaDPUser:\nipFamilyMode: ~\nredirect:\n  inbound:\n    port: null\n"
		"    excludePorts:\n    enabled: Null\n  outbound: NULL\n",
		"{\"redirect\": {\"inbound\": {\"enabled\": true, \"port\": 15006}}}",
	};
	struct tool_config cfg, def;
	struct kuma_extra x;
	char err[MR_ERR_LEN];
	size_t i;

	set_defaults(&def);
	for (i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		if (!CHECK_INT(parse(empties[i], &cfg, &x, err), 0))
			printf("  %s\n  for: %s\n", err, empties[i]);
		CHECK(tool_config_equal(&cfg, &def));
		CHECK(!x.dry_run && !x.verbose);
		config_free(&cfg);
	}
	config_free(&def);
}

static const char full_yaml[] =
	"# every field meshredir sets\n"
	"kumaDPUser: \"1000\"\n"
	"ipFamilyMode: IPv4\n"
	"dropInvalidPackets: true\n"
	"redirect:\n"
	"  inbound:\n"
	"    enabled: false\n"
	"    port: 16006\n"
	"    includePorts: [5000, \"5002-5003\"]\n"
	"    excludePorts: [22, \"8000-8100\", 8101]\n"
	"    excludePortsForIPs: [\"10.0.0.0/8,192.168.1.7\", \"fd00::/8\"]\n"
	"  outbound:\n"
	"    enabled: true\n"
	"    port: 16001\n"
	"    includePorts: \"80,443\"\n"
	"    excludePorts:\n"
	"      - 81\n"
	"      - 82\n"
	"    excludePortsForIPs:\n"
	"      - 198.51.100.1\n"
	"    excludePortsForUIDs:\n"
	"      - \"tcp:22,80-88:1000-1002\"\n"
	"      - \"udp:53:106\"\n"
	"      - \"3000\"\n"
	"meshredir:\n"
	"  ownerUIDs: [2000, \"3000-3009\"]\n"
	"  ownerGIDs: 4000,4001\n"
	"dryRun: true\n"
	"verbose: true\n";

static void test_full(void)
{
	struct tool_config cfg;
	struct kuma_extra x;
	char err[MR_ERR_LEN];
	const struct uid_ports *up;

	if (!CHECK_INT(parse(full_yaml, &cfg, &x, err), 0))
		printf("  %s\n", err);
	CHECK_UINT(x.kuma_dp_uid, 1000);
	CHECK(x.dry_run && x.verbose);
	CHECK_INT(cfg.ip_family_mode, MESHREDIR_IP_FAMILY_IPV4);
	/* kumaDPUser joins the owners, sorted and merged with the others */
	CHECK_UINT(cfg.owner_uids.n, 3);
	if (cfg.owner_uids.n == 3) {
		CHECK_UINT(cfg.owner_uids.v[0].first, 1000);
		CHECK_UINT(cfg.owner_uids.v[1].first, 2000);
		CHECK_UINT(cfg.owner_uids.v[2].first, 3000);
		CHECK_UINT(cfg.owner_uids.v[2].last, 3009);
	}
	CHECK_UINT(cfg.owner_gids.n, 1);
	if (cfg.owner_gids.n == 1)
		CHECK(cfg.owner_gids.v[0].first == 4000 && cfg.owner_gids.v[0].last == 4001);
	CHECK(!cfg.inbound.enabled);
	CHECK_UINT(cfg.inbound.port, 16006);
	CHECK_UINT(cfg.inbound.include_ports.n, 2);
	CHECK_UINT(cfg.inbound.exclude_ports.n, 2);
	if (cfg.inbound.exclude_ports.n == 2)
		CHECK(cfg.inbound.exclude_ports.v[1].first == 8000 &&
		      cfg.inbound.exclude_ports.v[1].last == 8101);
	CHECK_UINT(cfg.inbound.exclude_ips.n, 3);
	CHECK(cfg.outbound.enabled);
	CHECK_UINT(cfg.outbound.port, 16001);
	CHECK_UINT(cfg.outbound.include_ports.n, 2);
	CHECK_UINT(cfg.outbound.exclude_ports.n, 1);
	if (cfg.outbound.exclude_ports.n == 1)
		CHECK(cfg.outbound.exclude_ports.v[0].first == 81 &&
		      cfg.outbound.exclude_ports.v[0].last == 82);
	CHECK_UINT(cfg.outbound.exclude_ips.n, 1);
	/* the udp-only entry is kept, for DNS capture, as from the flag */
	CHECK_UINT(cfg.outbound.exclude_ports_for_uids.n, 3);
	if (cfg.outbound.exclude_ports_for_uids.n == 3) {
		up = &cfg.outbound.exclude_ports_for_uids.v[0];
		CHECK(up->uids.first == 1000 && up->uids.last == 1002 && up->ports.n == 2);
		CHECK_UINT(up->protocols, MESHREDIR_PROTO_TCP);
		up = &cfg.outbound.exclude_ports_for_uids.v[1];
		CHECK(up->uids.first == 106 && up->protocols == MESHREDIR_PROTO_UDP);
		up = &cfg.outbound.exclude_ports_for_uids.v[2];
		CHECK(up->uids.first == 3000 && up->uids.last == 3000 && up->ports.n == 1 &&
		      up->ports.v[0].first == 1 && up->ports.v[0].last == 65535);
	}
	config_free(&cfg);
}

/* A file and the `set` flags it means must give the same configuration. */
static void test_same_as_flags(void)
{
	struct tool_config cfg;
	struct kuma_extra x;
	struct cmdline cl;
	char err[MR_ERR_LEN];

	CHECK_INT(parse(full_yaml, &cfg, &x, err), 0);
	CHECK_INT(tool_parse(&cl, err, "set", "--kuma-dp-user=1000", "--ip-family-mode=ipv4",
			     "--redirect-inbound=false", "--redirect-inbound-port=16006",
			     "--include-inbound-ports=5000,5002-5003",
			     "--exclude-inbound-ports=22,8000-8100,8101",
			     "--exclude-inbound-ips=10.0.0.0/8,192.168.1.7,fd00::/8",
			     "--redirect-outbound-port=16001", "--include-outbound-ports=80,443",
			     "--exclude-outbound-ports=81,82", "--exclude-outbound-ips=198.51.100.1",
			     "--exclude-outbound-ports-for-uids=tcp:22,80-88:1000-1002",
			     "--exclude-outbound-ports-for-uids=udp:53:106",
			     "--exclude-outbound-ports-for-uids=3000",
			     "--owner-uid=2000,3000-3009", "--owner-gid=4000,4001",
			     "--drop-invalid-packets", NULL), 0);
	CHECK(cfg.drop_invalid);
	CHECK(tool_config_equal(&cfg, &cl.cfg));
	cmdline_free(&cl);
	config_free(&cfg);
}

/* What a Kuma file may say as long as it asks meshredir for nothing more. */
static void test_accepted_no_ops(void)
{
	static const char text[] =
		"redirect:\n"
		"  inbound:\n"
		"    excludePortsForUIDs: []\n"
		"    insertRedirectInsteadOfAppend: false\n"
		"  outbound:\n"
		"    insertRedirectInsteadOfAppend: false\n"
		"  dns:\n"
		"    enabled: false\n"
		"    captureAll: false\n"
		"    port: 15053\n"
		"    skipConntrackZoneSplit: true\n"
		"    resolvConfigPath: /etc/resolv.conf\n"
		"  vnet:\n"
		"    networks: []\n"
		"ebpf:\n"
		"  enabled: false\n"
		"  instanceIP: 192.0.2.1\n"
		"  instanceIPEnvVarName: INSTANCE_IP\n"
		"  bpffsPath: /run/kuma/bpf\n"
		"  cgroupPath: /sys/fs/cgroup\n"
		"  programsSourcePath: /tmp/kuma-ebpf\n"
		"  tcAttachIface: eth0\n"
		"retry:\n"
		"  maxRetries: 4\n"
		"  sleepBetweenRetries: 1m30.5s\n"
		"iptablesExecutables:\n"
		"  iptables: /usr/sbin/iptables\n"
		"  iptables-save: /usr/sbin/iptables-save\n"
		"  iptables-restore: /usr/sbin/iptables-restore\n"
		"  ip6tables: /usr/sbin/ip6tables\n"
		"  ip6tables-save: /usr/sbin/ip6tables-save\n"
		"  ip6tables-restore: /usr/sbin/ip6tables-restore\n"
		"log:\n"
		"  enabled: false\n"
		"  level: 7\n"
		"comments:\n"
		"  disabled: true\n"
		"wait: 5\n"
		"waitInterval: 0\n"
		"dropInvalidPackets: false\n"
		"storeFirewalld: false\n"
		"cniMode: true\n"
		"dryRun: false\n"
		"verbose: false\n";
	struct tool_config cfg, def;
	struct kuma_extra x;
	char err[MR_ERR_LEN];

	set_defaults(&def);
	if (!CHECK_INT(parse(text, &cfg, &x, err), 0))
		printf("  %s\n", err);
	CHECK(tool_config_equal(&cfg, &def));
	config_free(&cfg);
	config_free(&def);
	/* A duration is Go's: 0 alone, or numbers with units. */
	EXPECT_YAML_ERR("retry:\n  sleepBetweenRetries: 0\n", "");
	EXPECT_YAML_ERR("retry:\n  sleepBetweenRetries: 500ms\n", "");
	EXPECT_YAML_ERR("retry:\n  sleepBetweenRetries: 1h2m3s4ms5us6ns\n", "");
	/* Kuma's own default user, by name, when the system has it */
	EXPECT_YAML_ERR("kumaDPUser: root\n", "");
}

static void test_errors(void)
{
	/* value errors: the flags' parsers, with the file, line and field */
	EXPECT_YAML_ERR("redirect:\n  inbound:\n    port: 70000\n",
			"config.yaml:3: redirect.inbound.port: \"70000\" is not a port (1-65535)");
	EXPECT_YAML_ERR("redirect:\n  outbound:\n    port: \"0\"\n",
			"config.yaml:3: redirect.outbound.port: \"0\" is not a port (1-65535)");
	EXPECT_YAML_ERR("redirect:\n  inbound:\n    enabled: yes\n",
			"config.yaml:3: redirect.inbound.enabled: \"yes\" is not true or false");
	EXPECT_YAML_ERR("redirect:\n  outbound:\n    excludePorts:\n      - 80\n      - 80000\n",
			"config.yaml:5: redirect.outbound.excludePorts: \"80000\" is not a port (1-65535)");
	EXPECT_YAML_ERR("redirect:\n  inbound:\n    includePorts: [\"90-80\"]\n",
			"config.yaml:3: redirect.inbound.includePorts: \"90-80\": first port 90 is greater than last 80");
	EXPECT_YAML_ERR("redirect:\n  outbound:\n    excludePortsForIPs: [\"10.0.0.0/33\"]\n",
			"config.yaml:3: redirect.outbound.excludePortsForIPs: \"10.0.0.0/33\": prefix length 33 exceeds 32");
	EXPECT_YAML_ERR("redirect:\n  inbound:\n    excludePortsForIPs: [\"\"]\n",
			"config.yaml:3: redirect.inbound.excludePortsForIPs: \"\" is not an IP address or CIDR");
	EXPECT_YAML_ERR("redirect:\n  inbound:\n    excludePortsForIPs: [not-an-ip]\n",
			"config.yaml:3: redirect.inbound.excludePortsForIPs: \"not-an-ip\" is not an IP address or CIDR");
	EXPECT_YAML_ERR("redirect:\n  outbound:\n    excludePortsForUIDs: [\"sctp:80:1000\"]\n",
			"config.yaml:3: redirect.outbound.excludePortsForUIDs: \"sctp:80:1000\": \"sctp\" is not a protocol (tcp, udp or *)");
	EXPECT_YAML_ERR("redirect:\n  outbound:\n    excludePortsForUIDs: [\"tcp:80:*\"]\n",
			"config.yaml:3: redirect.outbound.excludePortsForUIDs: \"tcp:80:*\": a wildcard is not allowed for UIDs");
	EXPECT_YAML_ERR("ipFamilyMode: ipv6\n",
			"config.yaml:1: ipFamilyMode: \"ipv6\" is not ipv4 or dualstack");
	EXPECT_YAML_ERR("kumaDPUser: no-such-user-mr-test\n",
			"config.yaml:1: kumaDPUser: \"no-such-user-mr-test\": no such user");
	EXPECT_YAML_ERR("kumaDPUser: \"4294967295\"\n",
			"config.yaml:1: kumaDPUser: \"4294967295\" is not a UID (0-4294967294)");
	EXPECT_YAML_ERR("meshredir:\n  ownerUIDs: [-1]\n",
			"config.yaml:2: meshredir.ownerUIDs: \"-1\" is not a UID range");
	EXPECT_YAML_ERR("meshredir:\n  ownerGIDs: [staff]\n",
			"config.yaml:2: meshredir.ownerGIDs: \"staff\" is not a GID (0-4294967294)");
	EXPECT_YAML_ERR("meshredir:\n  eventRate: 0\n",
			"config.yaml:2: meshredir.eventRate: \"0\" is not an event rate (1-1000000 events a second)");
	EXPECT_YAML_ERR("meshredir:\n  eventRate: [5]\n",
			"config.yaml:2: meshredir.eventRate: expected a single value, found a list");
	EXPECT_YAML_ERR("dryRun: maybe\n", "config.yaml:1: dryRun: \"maybe\" is not true or false");
	/* the ignored fields are still checked */
	EXPECT_YAML_ERR("wait: -1\n",
			"config.yaml:1: wait: \"-1\" is not a number (0-18446744073709551615)");
	EXPECT_YAML_ERR("retry:\n  maxRetries: four\n",
			"config.yaml:2: retry.maxRetries: \"four\" is not a number (0-18446744073709551615)");
	EXPECT_YAML_ERR("retry:\n  sleepBetweenRetries: 2x\n",
			"config.yaml:2: retry.sleepBetweenRetries: \"2x\" is not a duration (like 2s, 500ms or 1m30s, or nanoseconds)");
	EXPECT_YAML_ERR("log:\n  level: 65536\n",
			"config.yaml:2: log.level: \"65536\" is not a number (0-65535)");
	EXPECT_YAML_ERR("redirect:\n  dns:\n    port: 0\n",
			"config.yaml:3: redirect.dns.port: \"0\" is not a port (1-65535)");
	EXPECT_YAML_ERR("comments:\n  disabled: 2\n",
			"config.yaml:2: comments.disabled: \"2\" is not true or false");
	EXPECT_YAML_ERR("ebpf:\n  bpffsPath: [a]\n",
			"config.yaml:2: ebpf.bpffsPath: expected a single value, found a list");

	/* what meshredir does not do */
	EXPECT_YAML_ERR("redirect:\n  dns:\n    enabled: maybe\n",
			"config.yaml:3: redirect.dns.enabled: \"maybe\" is not true or false");
	EXPECT_YAML_ERR("redirect:\n  dns:\n    skipConntrackZoneSplit: 2\n",
			"config.yaml:3: redirect.dns.skipConntrackZoneSplit: \"2\" is not true or false");
	EXPECT_YAML_ERR("redirect:\n  vnet:\n    networks: [\"docker0:172.17.0.0/33\"]\n",
			"config.yaml:3: redirect.vnet.networks: \"docker0:172.17.0.0/33\": \"172.17.0.0/33\": prefix length 33 exceeds 32");
	EXPECT_YAML_ERR("redirect:\n  inbound:\n    excludePortsForUIDs: [\"1000\"]\n",
			"config.yaml:3: redirect.inbound.excludePortsForUIDs: not supported: meshredir excludes ports by UID for outbound connections only (only an empty list is accepted)");
	EXPECT_YAML_ERR("ebpf:\n  enabled: true\n",
			"config.yaml:2: ebpf.enabled: true is not supported: meshredir is a netfilter module, not Kuma's eBPF mode");
	EXPECT_YAML_ERR("dropInvalidPackets: sometimes\n",
			"config.yaml:1: dropInvalidPackets: \"sometimes\" is not true or false");
	EXPECT_YAML_ERR("dropInvalidPackets: [true]\n",
			"config.yaml:1: dropInvalidPackets: expected a single value, found a list");

	/* structure */
	EXPECT_YAML_ERR("redirect:\n  inbound:\n    prot: 1\n",
			"config.yaml:3: redirect.inbound.prot: unknown field");
	EXPECT_YAML_ERR("counters: {}\n", "config.yaml:1: counters: unknown field");
	EXPECT_YAML_ERR("iptablesExecutables:\n  nft: /usr/sbin/nft\n",
			"config.yaml:2: iptablesExecutables.nft: unknown field");
	EXPECT_YAML_ERR("wait: 5\nredirect: {}\nwait: 6\n",
			"config.yaml:3: wait: given twice (first on line 1)");
	EXPECT_YAML_ERR("redirect:\n  inbound: [1]\n",
			"config.yaml:2: redirect.inbound: expected a mapping, found a list");
	EXPECT_YAML_ERR("redirect:\n  inbound:\n    port: {a: 1}\n",
			"config.yaml:3: redirect.inbound.port: expected a single value, found a mapping");
	EXPECT_YAML_ERR("redirect:\n  outbound:\n    excludePortsForIPs: 10.0.0.1\n",
			"config.yaml:3: redirect.outbound.excludePortsForIPs: expected a list, found a value");
	EXPECT_YAML_ERR("redirect:\n  outbound:\n    excludePorts: [[80]]\n",
			"config.yaml:3: redirect.outbound.excludePorts: expected a single value, found a list");
	EXPECT_YAML_ERR("redirect:\n  vnet:\n    networks: none\n",
			"config.yaml:3: redirect.vnet.networks: expected a list, found a value");
	EXPECT_YAML_ERR("? [a]\n: 1\n", "config.yaml:1: a field name must be a word, not a list");
	EXPECT_YAML_ERR("- a\n", "config.yaml:1: expected a mapping of Kuma's transparent-proxy fields, found a list");
	EXPECT_YAML_ERR("15006\n", "config.yaml:1: expected a mapping of Kuma's transparent-proxy fields, found a value");
	EXPECT_YAML_ERR("", "config.yaml: no configuration in it ({} is Kuma's defaults)");
	EXPECT_YAML_ERR("# nothing\n", "config.yaml: no configuration in it ({} is Kuma's defaults)");
	EXPECT_YAML_ERR("wait: 5\n---\nwait: 6\n",
			"config.yaml:3: a second YAML document: one configuration per file");
	EXPECT_YAML_ERR("redirect:\n  inbound:\n    port: \"1\\x002\"\n",
			"config.yaml:3: redirect.inbound.port: the value has a NUL character");
	EXPECT_YAML_ERR("redirect: [\n",
			"config.yaml:2: not valid YAML: did not find expected node content while parsing a flow node");
	EXPECT_YAML_ERR("a: b: c\n",
			"config.yaml:1: not valid YAML: mapping values are not allowed in this context");
}

/* Over a uapi limit: named by the file's field, not by a flag. */
static void test_limits(void)
{
	size_t cap = 65 * 32 + 64, n = 0;
	char *text = malloc(cap);
	int i;

	n += snprintf(text + n, cap - n, "redirect:\n  outbound:\n    excludePortsForUIDs:\n");
	for (i = 0; i < 65; i++)
		n += snprintf(text + n, cap - n, "    - \"tcp:%d:%d\"\n", i + 1, 1000 + 2 * i);
	EXPECT_YAML_ERR(text, "redirect.outbound.excludePortsForUIDs: 65 entries exceed the limit of 64");
	free(text);
}

/* show --format yaml, byte for byte: the format apply and kumactl read. */
static void test_written(void)
{
	static const char want[] =
		"# meshredir's configuration, in Kuma's transparent-proxy format: `meshredir\n"
		"# apply` and `kumactl install transparent-proxy --config-file` read it.\n"
		"kumaDPUser: \"5678\"\n"
		"ipFamilyMode: ipv4\n"
		"redirect:\n"
		"  inbound:\n"
		"    enabled: false\n"
		"    port: 15006\n"
		"    includePorts: []\n"
		"    excludePorts:\n"
		"    - 22\n"
		"    - \"8000-8100\"\n"
		"    excludePortsForIPs:\n"
		"    - \"10.0.0.0/8\"\n"
		"    - \"fd00::/8\"\n"
		"  outbound:\n"
		"    enabled: true\n"
		"    port: 15001\n"
		"    includePorts:\n"
		"    - 443\n"
		"    excludePorts: []\n"
		"    excludePortsForIPs: []\n"
		"    excludePortsForUIDs:\n"
		"    - \"*:*:1000\"\n"
		"    - \"*:53,80-88:2000-2009\"\n"
		"  dns:\n"
		"    enabled: false\n"
		"    captureAll: false\n"
		"    port: 15053\n"
		"    skipConntrackZoneSplit: false\n"
		"dropInvalidPackets: true\n"
		"meshredir:\n"
		"  ownerUIDs:\n"
		"  - \"5000-5677\"\n"
		"  - \"5679-6000\"\n"
		"  ownerGIDs:\n"
		"  - 7000\n"
		"  eventRate: 250\n";
	struct cmdline cl;
	char err[MR_ERR_LEN], *out;

	CHECK_INT(tool_parse(&cl, err, "set", "--ip-family-mode=ipv4", "--redirect-inbound=false",
			     "--exclude-inbound-ports=8000-8100,22",
			     "--exclude-inbound-ips=fd00::/8,10.1.2.3/8", "--include-outbound-ports=443",
			     "--exclude-outbound-ports-for-uids=1000",
			     "--exclude-outbound-ports-for-uids=80-88,53:2000-2009",
			     "--owner-uid=5000-6000", "--owner-gid=7000", "--drop-invalid-packets",
			     "--event-rate=250", NULL), 0);
	out = written(&cl.cfg);
	CHECK_STR(out, want);
	free(out);
	cmdline_free(&cl);
}

/* What show --format yaml writes, apply reads back to the same. */
static void round_trip(const char *desc, struct cmdline *cl)
{
	struct tool_config back;
	struct kuma_extra x;
	char err[MR_ERR_LEN], *out;

	out = written(&cl->cfg);
	if (!CHECK_INT(parse(out, &back, &x, err), 0))
		printf("  %s: %s\n%s", desc, err, out);
	if (!CHECK(tool_config_equal(&back, &cl->cfg)))
		printf("  %s: not the same after the round trip:\n%s", desc, out);
	/* and once more: what it writes then is the very same text */
	if (!x.dry_run) {
		char *again = written(&back);

		CHECK_STR(again, out);
		free(again);
	}
	free(out);
	config_free(&back);
}

static void test_round_trip(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];
	static char bufs[200][48];
	static char *argv[210];
	int argc = 0, i;

	CHECK_INT(tool_parse(&cl, err, "set", NULL), 0);
	round_trip("defaults", &cl);
	cmdline_free(&cl);

	CHECK_INT(tool_parse(&cl, err, "set", "--kuma-dp-user=1000", "--owner-uid=2000-3000",
			     "--owner-gid=0,10-20", "--ip-family-mode=ipv4",
			     "--redirect-outbound=false", "--redirect-outbound-port=1",
			     "--redirect-inbound-port=65535", "--include-inbound-ports=1-65535",
			     "--exclude-outbound-ports=1,3,5-7", "--exclude-inbound-ips=::/0,0.0.0.0/0",
			     "--exclude-outbound-ips=2001:db8::1,192.0.2.0/25,192.0.2.128/25",
			     "--exclude-outbound-ports-for-uids=tcp:*:0",
			     "--exclude-outbound-ports-for-uids=tcp,udp:65535:4294967294",
			     "--exclude-outbound-ports-for-uids=1-100,200:5-6",
			     "--drop-invalid-packets", NULL), 0);
	round_trip("everything set, no 5678", &cl);
	cmdline_free(&cl);

	/* 5678 inside a range: kumaDPUser is 5678, the range is split around it */
	CHECK_INT(tool_parse(&cl, err, "set", "--owner-uid=5670-5690,0", NULL), 0);
	round_trip("5678 inside an owner range", &cl);
	cmdline_free(&cl);

	CHECK_INT(tool_parse(&cl, err, "set", "--kuma-dp-user=0", "--owner-uid=1", NULL), 0);
	round_trip("owners 0-1", &cl);
	cmdline_free(&cl);

	/* many entries */
	argv[argc++] = "meshredir";
	argv[argc++] = "set";
	for (i = 0; i < 64; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "--exclude-outbound-ports-for-uids=%d:%d",
			 100 + i, 1000 + 3 * i);
		argv[argc++] = bufs[i];
	}
	for (i = 64; i < 200; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "--exclude-inbound-ports=%d", 1000 + 2 * i);
		argv[argc++] = bufs[i];
	}
	argv[argc] = NULL;
	CHECK_INT(args_parse(&cl, argc, argv, err, sizeof(err)), 0);
	round_trip("64 uid entries, 136 ports", &cl);
	cmdline_free(&cl);
}

/*
 * Kuma's rule for Docker's chain, per family: with captureAll the family
 * whose nat table has it loses the zone split, with a warning naming it;
 * the other keeps it. show's YAML keeps the user's setting and says so in
 * a comment: apply reads it back to the setting, and looks again.
 */
static void test_docker_zone_split(void)
{
	static const char *const where = "iptables-nft nat table";
	struct tool_config back;
	struct kuma_extra x;
	struct cmdline cl;
	char err[MR_ERR_LEN], warn[320] = "";
	char *out, *again, *plain;

	CHECK_INT(tool_parse(&cl, err, "set", "--redirect-all-dns-traffic", NULL), 0);
	CHECK_INT(dns_docker_zone_split(&cl.cfg.dns, false, where, warn, sizeof(warn)), 1);
	CHECK_STR(warn, "warning: conntrack zone splitting is unsupported when capturing all DNS traffic inside Docker containers with custom networks (Docker's DOCKER_OUTPUT chain is in the iptables-nft nat table): the zone split is off for IPv4");
	CHECK_UINT(dns_zone_split(&cl.cfg.dns), MESHREDIR_ZONE_SPLIT_IPV6);
	/* Once a family: no second warning. */
	warn[0] = '\0';
	CHECK_INT(dns_docker_zone_split(&cl.cfg.dns, false, where, warn, sizeof(warn)), 0);
	CHECK_STR(warn, "");

	out = tool_capture(show_yaml, &cl.cfg);
	CHECK(strstr(out, "    skipConntrackZoneSplit: false\n"));
	CHECK(strstr(out, "\n# redirect.dns: conntrack zone split off for IPv4 with captureAll: Docker's DOCKER_OUTPUT chain found at install\n"));
	if (CHECK_INT(parse(out, &back, &x, err), 0)) {
		CHECK(back.dns.zone_split);
		CHECK_UINT(back.dns.zone_split_off, 0);
		CHECK_UINT(dns_zone_split(&back.dns), ZONE_SPLIT_BOTH);
		/* The very same configuration but for install's finding. */
		again = written(&back);
		cl.cfg.dns.zone_split_off = 0;
		plain = written(&cl.cfg);
		CHECK_STR(again, plain);
		free(again);
		free(plain);
		config_free(&back);
	}
	free(out);

	/* Then IPv6's chain too: none left. */
	cl.cfg.dns.zone_split_off = MESHREDIR_ZONE_SPLIT_IPV4;
	CHECK_INT(dns_docker_zone_split(&cl.cfg.dns, true, "ip6tables-legacy nat table", warn,
					sizeof(warn)), 1);
	CHECK(strstr(warn, "(Docker's DOCKER_OUTPUT chain is in the ip6tables-legacy nat table): the zone split is off for IPv6"));
	CHECK_UINT(dns_zone_split(&cl.cfg.dns), 0);
	cmdline_free(&cl);

	/* Without captureAll, or with the split skipped: nothing to turn off. */
	CHECK_INT(tool_parse(&cl, err, "set", NULL), 0);
	cl.cfg.dns.enabled = true;
	CHECK_INT(dns_docker_zone_split(&cl.cfg.dns, false, where, warn, sizeof(warn)), 0);
	CHECK_UINT(dns_zone_split(&cl.cfg.dns), ZONE_SPLIT_BOTH);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "set", "--redirect-all-dns-traffic",
			     "--skip-dns-conntrack-zone-split", NULL), 0);
	CHECK_INT(dns_docker_zone_split(&cl.cfg.dns, false, where, warn, sizeof(warn)), 0);
	CHECK_UINT(dns_zone_split(&cl.cfg.dns), 0);
	cmdline_free(&cl);
}

/* ---- the command lines that read files ---- */

static char tmp_path[64];

static const char *tmp_file(const char *text)
{
	FILE *f;
	int fd;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/mr-yaml-test-XXXXXX");
	fd = mkstemp(tmp_path);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return tmp_path;
}

static void test_apply_args(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN], msg[MR_ERR_LEN + 64];
	const char *path;

	path = tmp_file(full_yaml);
	CHECK_INT(tool_parse(&cl, err, "apply", path, NULL), 0);
	CHECK_INT(cl.cmd, CMD_APPLY);
	CHECK_STR(cl.file, path);
	/* dryRun and verbose in the file act as the flags */
	CHECK(cl.dry_run && cl.verbose);
	CHECK_UINT(cl.cfg.inbound.port, 16006);
	cmdline_free(&cl);
	/* a flag given wins over the file */
	CHECK_INT(tool_parse(&cl, err, "--netns", "x", "apply", "--dry-run=false", path,
			     "--verbose", "false", NULL), 0);
	CHECK(!cl.dry_run && !cl.verbose);
	CHECK_STR(cl.netns, "x");
	cmdline_free(&cl);
	unlink(path);

	path = tmp_file("redirect:\n  outbound:\n    excludePorts: [80, 0]\n");
	snprintf(msg, sizeof(msg), "%s:3: redirect.outbound.excludePorts: \"0\" is not a port (1-65535)",
		 path);
	EXPECT_ERR(msg, "apply", path);
	CHECK_INT(tool_parse(&cl, err, "apply", "--dry-run", path, NULL), -1);
	CHECK_STR(err, msg);
	cmdline_free(&cl);
	unlink(path);

	EXPECT_ERR("apply: cannot read /nonexistent/mr.yaml: No such file or directory",
		   "apply", "/nonexistent/mr.yaml");
	EXPECT_ERR("apply: missing FILE, or - for stdin (meshredir apply FILE|-)", "apply");
	EXPECT_ERR("apply: missing FILE, or - for stdin (meshredir apply FILE|-)", "apply", "--dry-run");
	EXPECT_ERR("unexpected argument \"b.yaml\"", "apply", "a.yaml", "b.yaml");
	EXPECT_ERR("--exclude-inbound-ports: not a flag of \"apply\" (see meshredir apply --help)",
		   "apply", "a.yaml", "--exclude-inbound-ports=22");
	EXPECT_ERR("--dry-run: \"maybe\" is not true or false", "apply", "a.yaml", "--dry-run=maybe");
}

static void test_install_args(void)
{
	struct cmdline cl, set;
	char err[MR_ERR_LEN], msg[MR_ERR_LEN + 64];
	const char *path;

	/* kumactl's flags: the same configuration as set with them */
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--redirect-inbound=false",
			     "--redirect-inbound-port", "16006", "--redirect-outbound-port=16001",
			     "--kuma-dp-uid", "1000", "--exclude-inbound-ports=22",
			     "--exclude-outbound-ports=81", "--exclude-inbound-ips=10.0.0.0/8",
			     "--exclude-outbound-ips=fd00::/8",
			     "--exclude-outbound-ports-for-uids=tcp:80:2000",
			     "--ip-family-mode=ipv4", "--owner-gid=7", NULL), 0);
	CHECK_INT(cl.cmd, CMD_INSTALL);
	CHECK(!cl.dry_run && !cl.verbose);
	CHECK_INT(tool_parse(&set, err, "set", "--redirect-inbound=false",
			     "--redirect-inbound-port", "16006", "--redirect-outbound-port=16001",
			     "--kuma-dp-user", "1000", "--exclude-inbound-ports=22",
			     "--exclude-outbound-ports=81", "--exclude-inbound-ips=10.0.0.0/8",
			     "--exclude-outbound-ips=fd00::/8",
			     "--exclude-outbound-ports-for-uids=tcp:80:2000",
			     "--ip-family-mode=ipv4", "--owner-gid=7", NULL), 0);
	CHECK(tool_config_equal(&cl.cfg, &set.cfg));
	cmdline_free(&cl);
	cmdline_free(&set);

	/* --drop-invalid-packets is kumactl's, and overrides the file's field */
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--drop-invalid-packets",
			     NULL), 0);
	CHECK(cl.cfg.drop_invalid);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy",
			     "--config", "dropInvalidPackets: true", NULL), 0);
	CHECK(cl.cfg.drop_invalid);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--drop-invalid-packets=false",
			     "--config", "dropInvalidPackets: true", NULL), 0);
	CHECK(!cl.cfg.drop_invalid);
	cmdline_free(&cl);

	/* defaults < --config < --config-file < flags; a list flag replaces */
	path = tmp_file("kumaDPUser: \"1000\"\n"
			"redirect:\n"
			"  inbound:\n"
			"    port: 16006\n"
			"    excludePorts: [22, 23]\n"
			"  outbound:\n"
			"    excludePorts: [81]\n"
			"    excludePortsForIPs: [198.51.100.1]\n"
			"meshredir:\n"
			"  ownerUIDs: [3000]\n"
			"verbose: true\n");
	CHECK_INT(tool_parse(&cl, err, "install", "--config-file", path,
			     "--config", "{\"redirect\": {\"inbound\": {\"port\": 1, \"enabled\": false}}}",
			     "transparent-proxy", "--exclude-inbound-ports=443",
			     "--exclude-inbound-ports=444", "--owner-uid=4000", NULL), 0);
	CHECK(!cl.cfg.inbound.enabled);			/* --config alone */
	CHECK_UINT(cl.cfg.inbound.port, 16006);		/* the file over --config */
	CHECK_UINT(cl.cfg.inbound.exclude_ports.n, 1);	/* 443,444 replace 22,23 */
	if (cl.cfg.inbound.exclude_ports.n == 1)
		CHECK(cl.cfg.inbound.exclude_ports.v[0].first == 443 &&
		      cl.cfg.inbound.exclude_ports.v[0].last == 444);
	CHECK_UINT(cl.cfg.outbound.exclude_ports.n, 1);	/* from the file */
	CHECK_UINT(cl.cfg.outbound.exclude_ips.n, 1);
	CHECK(cl.verbose && !cl.dry_run);
	/* owners: kumaDPUser of the file and --owner-uid, not the file's 3000 */
	CHECK_UINT(cl.cfg.owner_uids.n, 2);
	if (cl.cfg.owner_uids.n == 2)
		CHECK(cl.cfg.owner_uids.v[0].first == 1000 && cl.cfg.owner_uids.v[1].first == 4000);
	cmdline_free(&cl);

	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config-file", path,
			     "--kuma-dp-user=0", "--verbose=false", "--dry-run", NULL), 0);
	CHECK(cl.dry_run && !cl.verbose);
	CHECK_UINT(cl.cfg.owner_uids.n, 2);
	if (cl.cfg.owner_uids.n == 2)
		CHECK(cl.cfg.owner_uids.v[0].first == 0 && cl.cfg.owner_uids.v[1].first == 3000);
	cmdline_free(&cl);
	unlink(path);

	path = tmp_file("redirect:\n  dns:\n    enabled: true\n    resolvConfigPath: /nonexistent/resolv.conf\n");
	snprintf(msg, sizeof(msg), "--redirect-dns: cannot read /nonexistent/resolv.conf: No such file or directory");
	EXPECT_ERR(msg, "install", "transparent-proxy", "--config-file", path);
	unlink(path);
	EXPECT_ERR("--config:1: redirect: expected a mapping, found a value",
		   "install", "transparent-proxy", "--config", "redirect: 1");
	EXPECT_ERR("--config: cannot read /nonexistent/mr.yaml: No such file or directory",
		   "install", "transparent-proxy", "--config", "/nonexistent/mr.yaml");
	EXPECT_ERR("--config-file: cannot read /nonexistent/mr.yaml: No such file or directory",
		   "install", "transparent-proxy", "--config-file=/nonexistent/mr.yaml");
	EXPECT_ERR("--config-file: a value is needed", "install", "transparent-proxy", "--config-file");
	EXPECT_ERR("--config: not a flag of \"set\" (see meshredir set --help)", "set", "--config", "{}");
	EXPECT_ERR("install: missing \"transparent-proxy\" (meshredir install transparent-proxy [FLAGS])",
		   "install", "--dry-run");
	EXPECT_ERR("install: \"transparent-proxies\" is not something meshredir installs (only transparent-proxy)",
		   "install", "transparent-proxies");
	EXPECT_ERR("unexpected argument \"again\"", "install", "transparent-proxy", "again");
	EXPECT_ERR("--exclude-inbound-ports: \"70000\" is not a port (1-65535)",
		   "install", "transparent-proxy", "--exclude-inbound-ports", "70000");
	EXPECT_ERR("--kuma-dp-uid: \"nobody-mr-x\": no such user",
		   "install", "transparent-proxy", "--kuma-dp-uid=nobody-mr-x");
	EXPECT_ERR("--json: not a flag of \"install\" (see meshredir install --help)",
		   "install", "transparent-proxy", "--json");
}

static void test_uninstall_show_args(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];

	CHECK_INT(tool_parse(&cl, err, "uninstall", "transparent-proxy", NULL), 0);
	CHECK_INT(cl.cmd, CMD_UNINSTALL);
	CHECK(!cl.dry_run && !cl.verbose);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "uninstall", "--dry-run", "transparent-proxy", "--verbose", NULL), 0);
	CHECK(cl.dry_run && cl.verbose);
	cmdline_free(&cl);
	EXPECT_ERR("uninstall: missing \"transparent-proxy\" (meshredir uninstall transparent-proxy [FLAGS])",
		   "uninstall");
	EXPECT_ERR("uninstall: \"all\" is not something meshredir uninstalls (only transparent-proxy)",
		   "uninstall", "all");
	EXPECT_ERR("--exclude-inbound-ports: not a flag of \"uninstall\" (see meshredir uninstall --help)",
		   "uninstall", "transparent-proxy", "--exclude-inbound-ports=1");
	EXPECT_ERR("--dry-run: not a flag of \"set\" (see meshredir set --help)", "set", "--dry-run");

	CHECK_INT(tool_parse(&cl, err, "show", "--format", "yaml", NULL), 0);
	CHECK_INT(cl.format, FORMAT_YAML);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "show", "--format=json", "--format=text", NULL), 0);
	CHECK_INT(cl.format, FORMAT_TEXT);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "show", "--format=yaml", "--json", NULL), 0);
	CHECK_INT(cl.format, FORMAT_JSON);
	cmdline_free(&cl);
	EXPECT_ERR("--format: \"xml\" is not text, json or yaml", "show", "--format", "xml");
	EXPECT_ERR("--format: a value is needed", "show", "--format");
	EXPECT_ERR("--format: not a flag of \"apply\" (see meshredir apply --help)",
		   "apply", "a.yaml", "--format=yaml");

	CHECK_INT(tool_parse(&cl, err, "help", "install", "transparent-proxy", NULL), 0);
	CHECK_INT(cl.help_topic, CMD_INSTALL);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--wait", "--help", NULL), 0);
	CHECK_INT(cl.cmd, CMD_HELP);
	CHECK_INT(cl.help_topic, CMD_INSTALL);
	cmdline_free(&cl);
}

/* DNS capture: resolv.conf, the flags, the file and the environment. */
static void test_dns(void)
{
	struct cmdline cl;
	char err[MR_ERR_LEN], msg[MR_ERR_LEN + 64], cfgtext[256], path[sizeof(tmp_path)];
	const struct cidr_list *l;
	size_t i, v4 = 0;

	snprintf(path, sizeof(path), "%s",
		 tmp_file("# pod\nsearch ns.svc.cluster.local\nnameserver 10.96.0.10\n"
			  "nameserver ::ffff:10.0.0.1\nnameserver  fd00::53  # six\n"
			  "options ndots:5\n"));
	snprintf(cfgtext, sizeof(cfgtext), "{redirect: {dns: {resolvConfigPath: %s}}}", path);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config", cfgtext,
			     "--redirect-dns", "--redirect-dns-port", "5353", NULL), 0);
	l = &cl.cfg.dns.servers;
	CHECK(cl.cfg.dns.enabled && !cl.cfg.dns.capture_all && cl.cfg.dns.zone_split);
	CHECK_UINT(cl.cfg.dns.port, 5353);
	/* the IPv4-mapped one is IPv4, as Kuma reads it */
	if (CHECK_UINT(l->n, 3)) {
		for (i = 0; i < l->n; i++)
			v4 += l->v[i].family == AF_INET && l->v[i].prefix_len == 32;
		CHECK_UINT(v4, 2);
	}
	cmdline_free(&cl);

	/* no nameserver at all: no DNS capture in either family, as Kuma */
	snprintf(path, sizeof(path), "%s", tmp_file("search x\noptions ndots:5\n"));
	snprintf(cfgtext, sizeof(cfgtext), "{redirect: {dns: {resolvConfigPath: %s}}}", path);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config", cfgtext,
			     "--redirect-dns", NULL), 0);
	CHECK(cl.cfg.dns.enabled && !cl.cfg.dns.capture_all);
	CHECK_UINT(cl.cfg.dns.servers.n, 0);
	cmdline_free(&cl);
	unlink(path);

	/* capture-all turns DNS on and reads no file */
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config",
			     "{redirect: {dns: {resolvConfigPath: /nonexistent}}}",
			     "--redirect-all-dns-traffic", "--skip-dns-conntrack-zone-split", NULL), 0);
	CHECK(cl.cfg.dns.enabled && cl.cfg.dns.capture_all && !cl.cfg.dns.zone_split);
	CHECK_UINT(cl.cfg.dns.servers.n, 0);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--redirect-dns=false",
			     "--redirect-all-dns-traffic", NULL), 0);
	cmdline_free(&cl);
	EXPECT_ERR("only one of --redirect-dns or --redirect-all-dns-traffic should be specified",
		   "install", "transparent-proxy", "--redirect-dns", "--redirect-all-dns-traffic");
	EXPECT_ERR("--redirect-dns-port: \"0\" is not a port (1-65535)",
		   "set", "--redirect-dns-port=0");

	/* precedence: file < environment < flags */
	setenv("KUMA_TRANSPARENT_PROXY_REDIRECT_DNS_PORT", "2000", 1);
	setenv("KUMA_TRANSPARENT_PROXY_REDIRECT_DNS_CAPTURE_ALL", "true", 1);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config",
			     "{redirect: {dns: {port: 1000}}}", NULL), 0);
	CHECK(cl.cfg.dns.enabled && cl.cfg.dns.capture_all);
	CHECK_UINT(cl.cfg.dns.port, 2000);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config",
			     "{redirect: {dns: {port: 1000}}}", "--redirect-dns-port=3000", NULL), 0);
	CHECK_UINT(cl.cfg.dns.port, 3000);
	cmdline_free(&cl);
	setenv("KUMA_TRANSPARENT_PROXY_REDIRECT_DNS_PORT", "0", 1);
	EXPECT_ERR("KUMA_TRANSPARENT_PROXY_REDIRECT_DNS_PORT: \"0\" is not a port (1-65535)",
		   "install", "transparent-proxy", "--config", "{}");
	unsetenv("KUMA_TRANSPARENT_PROXY_REDIRECT_DNS_PORT");
	unsetenv("KUMA_TRANSPARENT_PROXY_REDIRECT_DNS_CAPTURE_ALL");
	unlink(path);

	/* resolv.conf's errors, each naming the file and line */
	snprintf(path, sizeof(path), "%s", tmp_file("nameserver 10.0.0.1\nnameserver fe80::1%eth0\n"));
	snprintf(cfgtext, sizeof(cfgtext), "{redirect: {dns: {resolvConfigPath: %s}}}", path);
	snprintf(msg, sizeof(msg),
		 "--redirect-dns: %s:2: nameserver \"fe80::1%%eth0\" is not an IP address", path);
	EXPECT_ERR(msg, "install", "transparent-proxy", "--config", cfgtext, "--redirect-dns");
	unlink(path);
	snprintf(path, sizeof(path), "%s", tmp_file("search x\nnameserver\n"));
	snprintf(cfgtext, sizeof(cfgtext), "{redirect: {dns: {resolvConfigPath: %s}}}", path);
	snprintf(msg, sizeof(msg), "--redirect-dns: %s:2: nameserver without an address", path);
	EXPECT_ERR(msg, "install", "transparent-proxy", "--config", cfgtext, "--redirect-dns");
	unlink(path);
}

int main(void)
{
	RUN(test_dns);
	RUN(test_defaults);
	RUN(test_full);
	RUN(test_same_as_flags);
	RUN(test_accepted_no_ops);
	RUN(test_errors);
	RUN(test_limits);
	RUN(test_written);
	RUN(test_round_trip);
	RUN(test_docker_zone_split);
	RUN(test_apply_args);
	RUN(test_install_args);
	RUN(test_uninstall_show_args);
	return check_report();
}
