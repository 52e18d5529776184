// SPDX-License-Identifier: GPL-2.0
/*
 * Every flag of kumactl install transparent-proxy, every field of Kuma's
 * transparent-proxy configuration that only tunes iptables, and every
 * KUMA_TRANSPARENT_PROXY_* environment variable, as Kuma's sources list them
 * (app/kumactl/cmd/install/install_transparent_proxy.go, the global flags of
 * app/kumactl/cmd/root.go, the envconfig tags of
 * pkg/transparentproxy/config/config.go): each is taken and acted on, taken
 * and ignored (named for --verbose), or refused, and a bad value is an error
 * naming the flag or variable and the value.
 */
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "tool_util.h"

enum class {
	SETS,		/* taken, and it configures */
	IGNORED,	/* taken, checked, named among the ignored */
	REFUSED,	/* an error that says why */
	UNKNOWN,	/* not a flag, as in kumactl */
};

/* Whether what is among the notes --verbose prints. */
static bool noted(const struct cmdline *cl, const char *what)
{
	size_t i;

	for (i = 0; i < cl->ignored.n; i++)
		if (!strcmp(cl->ignored.at[i].what, what))
			return true;
	return false;
}

/* err starts with NAME: "VALUE", the thing and the value it blames. */
static bool names(const char *err, const char *name, const char *value)
{
	char want[512];

	snprintf(want, sizeof(want), "%s: \"%s\"", name, value);
	return !strncmp(err, want, strlen(want));
}

static const char *config_path;

/* Writes text to the file name, in the current directory. */
static bool put(const char *name, const char *text)
{
	FILE *f = fopen(name, "w");

	return f && fputs(text, f) >= 0 && !fclose(f);
}

/*
 * kumactl trims a --config value to tell "" and "-", and opens a path as
 * given: " a.yaml " is a file of its own, neither " a.yaml" nor "a.yaml".
 */
static void test_config_blanks(void)
{
	char dir[] = "/tmp/mr-kumactl-dir-XXXXXX", cwd[4096], err[MR_ERR_LEN];
	struct cmdline cl;

	if (!getcwd(cwd, sizeof(cwd)) || !mkdtemp(dir) || chdir(dir)) {
		CHECK(!"a directory to work in");
		return;
	}
	CHECK(put("a.yaml", "{redirect: {inbound: {port: 2000}}}\n"));
	CHECK(put(" a.yaml ", "{redirect: {inbound: {port: 3000}}}\n"));
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config", " a.yaml ",
			     NULL), 0);
	CHECK_UINT(cl.cfg.inbound.port, 3000);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config", " a.yaml ",
			     "--config", "a.yaml", NULL), 0);
	CHECK_UINT(cl.cfg.inbound.port, 2000);
	cmdline_free(&cl);
	EXPECT_ERR("--config: cannot read  a.yaml: No such file or directory",
		   "install", "transparent-proxy", "--config", " a.yaml");
	EXPECT_ERR("--config: cannot read a.yaml : No such file or directory",
		   "install", "transparent-proxy", "--config", "a.yaml ");
	/* Blanks only: skipped, as "" is. */
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config", "a.yaml",
			     "--config", " \t\n", NULL), 0);
	CHECK_UINT(cl.cfg.inbound.port, 2000);
	cmdline_free(&cl);
	CHECK(!unlink("a.yaml") && !unlink(" a.yaml ") && !chdir(cwd) && !rmdir(dir));
}

static void test_every_kumactl_flag(void)
{
	static const struct {
		const char *flag;
		const char *good;	/* NULL: given alone */
		enum class class;
		const char *bad;	/* NULL: no value is bad (a string) */
	} flags[] = {
		{ "--dry-run", "true", SETS, "x" },
		{ "--verbose", "false", SETS, "x" },
		{ "--ip-family-mode", "ipv4", SETS, "ipv6" },
		{ "--redirect-outbound-port", "15002", SETS, "0" },
		{ "--redirect-inbound", NULL, SETS, "2" },
		{ "--redirect-inbound-port", "15007", SETS, "65536" },
		{ "--exclude-inbound-ports", "22,80", SETS, "x" },
		{ "--exclude-outbound-ports", "443", SETS, "0" },
		{ "--kuma-dp-user", "0", SETS, "nobody-mr-x" },
		{ "--redirect-dns", "false", SETS, "yes" },
		{ "--redirect-all-dns-traffic", "false", SETS, "no" },
		{ "--redirect-dns-port", "15054", SETS, "0" },
		{ "--store-firewalld", NULL, IGNORED, "yes" },
		{ "--skip-dns-conntrack-zone-split", NULL, SETS, "on" },
		{ "--drop-invalid-packets", NULL, SETS, "off" },
		{ "--vnet", "docker0:172.17.0.0/16", SETS, "docker0" },
		{ "--exclude-outbound-ports-for-uids", "udp:53:1000", SETS, "tcp:x:1" },
		{ "--wait", "5", IGNORED, "-1" },
		{ "--wait-interval", "0x10", IGNORED, "1.5" },
		{ "--max-retries", "1_000", IGNORED, "four" },
		{ "--sleep-between-retries", "2s", IGNORED, "2x" },
		{ "--iptables-logs", NULL, IGNORED, "on" },
		{ "--disable-comments", "true", IGNORED, "1.0" },
		{ "--exclude-inbound-ips", "10.0.0.1,fd00::/8", SETS, "10.0.0.256" },
		{ "--exclude-outbound-ips", "192.168.0.0/24", SETS, "x" },
		{ "--redirect-inbound-insert-instead-of-append", NULL, IGNORED, "maybe" },
		{ "--redirect-outbound-insert-instead-of-append", "false", IGNORED, "maybe" },
		{ "--iptables-executables", "iptables:/usr/sbin/iptables,ip6tables-save:/x",
		  IGNORED, "iptables" },
		/* kumactl's global flags, hidden in its help but taken */
		{ "--context", "default", IGNORED, NULL },
		{ "--log-level", "debug", IGNORED, NULL },
		{ "--no-config", NULL, IGNORED, "nope" },
		{ "--api-timeout", "1m", IGNORED, "60" },
		/* Kuma removed its eBPF mode in 2026; the flags of the last kumactl with it */
		{ "--ebpf-enabled", NULL, REFUSED, NULL },
		{ "--ebpf-instance-ip", "192.0.2.1", REFUSED, NULL },
		{ "--ebpf-bpffs-path", "/run/kuma/bpf", REFUSED, NULL },
		{ "--ebpf-cgroup-path", "/sys/fs/cgroup", REFUSED, NULL },
		{ "--ebpf-programs-source-path", "/tmp", REFUSED, NULL },
		{ "--ebpf-tc-attach-iface", "eth0", REFUSED, NULL },
		/* gone from kumactl, so unknown there too */
		{ "--redirect-dns-upstream-target-chain", "DOCKER_OUTPUT", UNKNOWN, NULL },
		{ "--skip-resolv-conf", NULL, UNKNOWN, NULL },
		{ "--kuma-cp-ip", "10.0.0.1", UNKNOWN, NULL },
	};
	char err[MR_ERR_LEN], arg[256], want[512];
	struct cmdline cl;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		const char *f = flags[i].flag;

		if (flags[i].good)
			snprintf(arg, sizeof(arg), "%s=%s", f, flags[i].good);
		else
			snprintf(arg, sizeof(arg), "%s", f);
		ret = tool_parse(&cl, err, "install", "transparent-proxy", arg, NULL);
		switch (flags[i].class) {
		case SETS:
		case IGNORED:
			CHECK_INT(ret, 0);
			if (ret)
				printf("# %s: %s\n", arg, err);
			CHECK(noted(&cl, f) == (flags[i].class == IGNORED));
			break;
		case REFUSED:
			snprintf(want, sizeof(want),
				 "%s: a kumactl flag meshredir does not have (Kuma removed its eBPF mode, and meshredir is a netfilter module)",
				 f);
			CHECK_INT(ret, -1);
			CHECK_STR(err, want);
			break;
		case UNKNOWN:
			snprintf(want, sizeof(want),
				 "unknown flag \"%s\" (see meshredir install --help)", f);
			CHECK_INT(ret, -1);
			CHECK_STR(err, want);
			break;
		}
		cmdline_free(&cl);
		if (!flags[i].bad || flags[i].class >= REFUSED)
			continue;
		snprintf(arg, sizeof(arg), "%s=%s", f, flags[i].bad);
		ret = tool_parse(&cl, err, "install", "transparent-proxy", arg, NULL);
		CHECK_INT(ret, -1);
		CHECK(names(err, f, flags[i].bad));
		if (!names(err, f, flags[i].bad))
			printf("# %s %s: %s\n", f, flags[i].bad, err);
		cmdline_free(&cl);
	}

	/*
	 * kumactl's --config: a file's path, repeated, each over the one
	 * before, an empty one skipped; meshredir's text still works.
	 */
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config", config_path,
			     "--config", "", "--config", "{redirect: {outbound: {port: 2001}}}",
			     NULL), 0);
	CHECK_UINT(cl.cfg.inbound.port, 1000);
	CHECK_UINT(cl.cfg.outbound.port, 2001);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy",
			     "--config={redirect: {inbound: {port: 2000}}}", "--config", config_path,
			     NULL), 0);
	CHECK_UINT(cl.cfg.inbound.port, 1000);
	cmdline_free(&cl);
	EXPECT_ERR("--config: cannot read /var/run/kuma.io/none.yaml: No such file or directory",
		   "install", "transparent-proxy", "--config=/var/run/kuma.io/none.yaml");
	/* Only install has them. */
	EXPECT_ERR("--wait: not a flag of \"set\" (see meshredir set --help)", "set", "--wait=5");
	EXPECT_ERR("--iptables-logs: not a flag of \"apply\" (see meshredir apply --help)",
		   "apply", "-", "--iptables-logs");
	/* A flag given twice is named once. */
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--wait=1", "--wait", "2",
			     "--iptables-logs", NULL), 0);
	CHECK_UINT(cl.ignored.n, 2);
	cmdline_free(&cl);
	/* Go's ParseUint(s, 0, 64), as pflag's UintVar */
	EXPECT_ERR("--wait: \"18446744073709551616\" is not a number (0-18446744073709551615)",
		   "install", "transparent-proxy", "--wait", "18446744073709551616");
	EXPECT_ERR("--wait: \"0x\" is not a number (0-18446744073709551615)",
		   "install", "transparent-proxy", "--wait", "0x");
	EXPECT_ERR("--wait: \"1__0\" is not a number (0-18446744073709551615)",
		   "install", "transparent-proxy", "--wait", "1__0");
	EXPECT_ERR("--wait: \"08\" is not a number (0-18446744073709551615)",
		   "install", "transparent-proxy", "--wait", "08");
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--wait", "0o17",
			     "--max-retries", "0b101", "--wait-interval", "017", NULL), 0);
	cmdline_free(&cl);
	/* Kuma's Duration flag: JSON, a number of nanoseconds or a quoted duration */
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy",
			     "--sleep-between-retries", "2000000000", NULL), 0);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy",
			     "--sleep-between-retries", "\"1m30s\"", NULL), 0);
	cmdline_free(&cl);
	EXPECT_ERR("--iptables-executables: \"iptables-legacy\" is not iptables, iptables-save, iptables-restore, ip6tables, ip6tables-save or ip6tables-restore",
		   "install", "transparent-proxy", "--iptables-executables",
		   "iptables:/a,iptables-legacy:/b");
}

/* The iptables-only fields of Kuma's file: taken with a good value, named, ignored. */
static void test_ignored_fields(void)
{
	static const struct {
		const char *yaml, *field, *bad, *bad_value;
	} fields[] = {
		{ "{wait: 5}", "wait", "{wait: -1}", "-1" },
		{ "{waitInterval: 0}", "waitInterval", "{waitInterval: x}", "x" },
		{ "{retry: {maxRetries: 4}}", "retry.maxRetries", "{retry: {maxRetries: 1.5}}", "1.5" },
		{ "{retry: {sleepBetweenRetries: 2s}}", "retry.sleepBetweenRetries",
		  "{retry: {sleepBetweenRetries: 2x}}", "2x" },
		{ "{storeFirewalld: true}", "storeFirewalld", "{storeFirewalld: yes}", "yes" },
		{ "{comments: {disabled: true}}", "comments.disabled",
		  "{comments: {disabled: 2}}", "2" },
		{ "{log: {enabled: true}}", "log.enabled", "{log: {enabled: on}}", "on" },
		{ "{log: {level: 4}}", "log.level", "{log: {level: 65536}}", "65536" },
		{ "{redirect: {inbound: {insertRedirectInsteadOfAppend: true}}}",
		  "redirect.inbound.insertRedirectInsteadOfAppend",
		  "{redirect: {inbound: {insertRedirectInsteadOfAppend: x}}}", "x" },
		{ "{redirect: {outbound: {insertRedirectInsteadOfAppend: true}}}",
		  "redirect.outbound.insertRedirectInsteadOfAppend",
		  "{redirect: {outbound: {insertRedirectInsteadOfAppend: x}}}", "x" },
		{ "{iptablesExecutables: {iptables: /usr/sbin/iptables}}",
		  "iptablesExecutables.iptables", NULL, NULL },
		{ "{cniMode: true}", "cniMode", "{cniMode: y}", "y" },
	};
	char err[MR_ERR_LEN], what[256];
	struct cmdline cl;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		ret = tool_parse(&cl, err, "install", "transparent-proxy", "--config",
				 fields[i].yaml, NULL);
		CHECK_INT(ret, 0);
		snprintf(what, sizeof(what), "--config: %s", fields[i].field);
		CHECK(noted(&cl, what));
		if (ret || !noted(&cl, what))
			printf("# %s: %s\n", fields[i].yaml, ret ? err : "not noted");
		cmdline_free(&cl);
		if (!fields[i].bad)
			continue;
		ret = tool_parse(&cl, err, "install", "transparent-proxy", "--config",
				 fields[i].bad, NULL);
		CHECK_INT(ret, -1);
		snprintf(what, sizeof(what), "--config:1: %s", fields[i].field);
		CHECK(names(err, what, fields[i].bad_value));
		if (!names(err, what, fields[i].bad_value))
			printf("# %s: %s\n", fields[i].bad, err);
		cmdline_free(&cl);
	}
	/* What meshredir lacks stays refused, and so does a field nobody has. */
	EXPECT_ERR("--config:1: ebpf.enabled: true is not supported: meshredir is a netfilter module, not Kuma's eBPF mode",
		   "install", "transparent-proxy", "--config", "{ebpf: {enabled: true}}");
	EXPECT_ERR("--config:1: retry.maxRetriez: unknown field",
		   "install", "transparent-proxy", "--config", "{retry: {maxRetriez: 1}}");
}

#define ENV "KUMA_TRANSPARENT_PROXY_"

static void test_every_env_var(void)
{
	static const struct {
		const char *name, *good;
		enum class class;
		const char *bad;
	} vars[] = {
		{ ENV "KUMA_DP_USER", "0", SETS, "nobody-mr-x" },
		{ ENV "REDIRECT_INBOUND_ENABLED", "false", SETS, "no" },
		{ ENV "REDIRECT_INBOUND_PORT", "15007", SETS, "0" },
		{ ENV "REDIRECT_INBOUND_CHAIN_NAME", "IN", IGNORED, "" },
		{ ENV "REDIRECT_INBOUND_REDIRECT_CHAIN_NAME", "IN_R", IGNORED, "" },
		{ ENV "REDIRECT_INBOUND_INCLUDE_PORTS", "80,81", SETS, "x" },
		{ ENV "REDIRECT_INBOUND_EXCLUDE_PORTS", "22", SETS, "70000" },
		{ ENV "REDIRECT_INBOUND_EXCLUDE_PORTS_FOR_UIDS", "", SETS, "tcp:80:1000" },
		{ ENV "REDIRECT_INBOUND_EXCLUDE_PORTS_FOR_IPS", "10.0.0.1,fd00::/8", SETS,
		  "10.0.0.1,," },
		{ ENV "REDIRECT_INBOUND_INSERT_REDIRECT_INSTEAD_OF_APPEND", "true", IGNORED, "" },
		{ ENV "REDIRECT_OUTBOUND_ENABLED", "true", SETS, "" },
		{ ENV "REDIRECT_OUTBOUND_PORT", "15002", SETS, "x" },
		{ ENV "REDIRECT_OUTBOUND_CHAIN_NAME", "OUT", IGNORED, "" },
		{ ENV "REDIRECT_OUTBOUND_REDIRECT_CHAIN_NAME", "OUT_R", IGNORED, "" },
		{ ENV "REDIRECT_OUTBOUND_INCLUDE_PORTS", "", SETS, "0" },
		{ ENV "REDIRECT_OUTBOUND_EXCLUDE_PORTS", "443", SETS, "-1" },
		{ ENV "REDIRECT_OUTBOUND_EXCLUDE_PORTS_FOR_UIDS", "udp:53:1000,tcp:80:1001", SETS,
		  "tcp:x:1" },
		{ ENV "REDIRECT_OUTBOUND_EXCLUDE_PORTS_FOR_IPS", "192.0.2.0/24", SETS, "x" },
		{ ENV "REDIRECT_OUTBOUND_INSERT_REDIRECT_INSTEAD_OF_APPEND", "0", IGNORED, "2" },
		{ ENV "REDIRECT_DNS_ENABLED", "false", SETS, "x" },
		{ ENV "REDIRECT_DNS_PORT", "15054", SETS, "0" },
		{ ENV "REDIRECT_DNS_CAPTURE_ALL", "false", SETS, "" },
		{ ENV "REDIRECT_DNS_SKIP_CONNTRACK_ZONE_SPLIT", "true", SETS, "y" },
		{ ENV "REDIRECT_DNS_RESOLV_CONFIG_PATH", "/etc/resolv.conf", SETS, NULL },
		{ ENV "REDIRECT_VNET_NETWORKS", "docker0:172.17.0.0/16,br+:fd00::/8", SETS,
		  "docker0" },
		{ ENV "DROP_INVALID_PACKETS", "true", SETS, "x" },
		{ ENV "VERBOSE", "false", SETS, "x" },
		{ ENV "DRY_RUN", "true", SETS, "x" },
		{ ENV "LOG_ENABLED", "true", IGNORED, "on" },
		{ ENV "LOG_LEVEL", "7", IGNORED, "65536" },
		{ ENV "WAIT", "5", IGNORED, "" },
		{ ENV "WAIT_INTERVAL", "0", IGNORED, "x" },
		{ ENV "RETRY_MAX_RETRIES", "4", IGNORED, "-4" },
		{ ENV "RETRY_SLEEP_BETWEEN_RETRIES", "2s", IGNORED, "2" },
		{ ENV "STORE_FIREWALLD", "false", IGNORED, "nope" },
		{ ENV "IPTABLES_EXECUTABLES", "iptables:/sbin/iptables", IGNORED, "iptables" },
		{ ENV "COMMENTS_DISABLED", "true", IGNORED, "x" },
		{ ENV "IP_FAMILY_MODE", "ipv4", SETS, "ipv6" },
		{ ENV "CNI_MODE", "false", IGNORED, "x" },
	};
	char err[MR_ERR_LEN];
	struct cmdline cl;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(vars); i++) {
		const char *v = vars[i].name;

		setenv(v, vars[i].good, 1);
		ret = tool_parse(&cl, err, "install", "transparent-proxy", "--config", "{}", NULL);
		CHECK_INT(ret, 0);
		CHECK(noted(&cl, v) == (vars[i].class == IGNORED));
		if (ret)
			printf("# %s=%s: %s\n", v, vars[i].good, err);
		cmdline_free(&cl);
		if (vars[i].bad) {
			setenv(v, vars[i].bad, 1);
			ret = tool_parse(&cl, err, "install", "transparent-proxy", "--config", "{}",
					 NULL);
			CHECK_INT(ret, -1);
			CHECK(names(err, v, vars[i].bad));
			if (!names(err, v, vars[i].bad))
				printf("# %s=%s: %s\n", v, vars[i].bad, err);
			cmdline_free(&cl);
			/* apply reads them after its file as well */
			ret = tool_parse(&cl, err, "apply", config_path, NULL);
			CHECK_INT(ret, -1);
			CHECK(names(err, v, vars[i].bad));
			cmdline_free(&cl);
		}
		unsetenv(v);
	}
}

/* kumactl: file < environment < flags, the environment only with a file. */
static void test_env_precedence(void)
{
	char err[MR_ERR_LEN];
	struct cmdline cl;

	setenv(ENV "REDIRECT_INBOUND_PORT", "2000", 1);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", NULL), 0);
	CHECK_UINT(cl.cfg.inbound.port, 15006);		/* no configuration: not read */
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config",
			     "{redirect: {inbound: {port: 1000}}}", NULL), 0);
	CHECK_UINT(cl.cfg.inbound.port, 2000);		/* over the file */
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config-file",
			     config_path, NULL), 0);
	CHECK_UINT(cl.cfg.inbound.port, 2000);
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config", "{}",
			     "--redirect-inbound-port", "3000", NULL), 0);
	CHECK_UINT(cl.cfg.inbound.port, 3000);		/* under the flags */
	cmdline_free(&cl);
	CHECK_INT(tool_parse(&cl, err, "apply", config_path, NULL), 0);
	CHECK_UINT(cl.cfg.inbound.port, 2000);
	cmdline_free(&cl);
	unsetenv(ENV "REDIRECT_INBOUND_PORT");

	/* envconfig reads a tagged field's bare name when the full one is unset. */
	setenv("IP_FAMILY_MODE", "ipv4", 1);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config", "{}", NULL), 0);
	CHECK_UINT(cl.cfg.ip_family_mode, MESHREDIR_IP_FAMILY_IPV4);
	cmdline_free(&cl);
	setenv(ENV "IP_FAMILY_MODE", "dualstack", 1);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config", "{}", NULL), 0);
	CHECK_UINT(cl.cfg.ip_family_mode, MESHREDIR_IP_FAMILY_DUALSTACK);
	cmdline_free(&cl);
	unsetenv(ENV "IP_FAMILY_MODE");
	unsetenv("IP_FAMILY_MODE");
	setenv("EXCLUDE_PORTS_FOR_UIDS", "tcp:80:1000", 1);
	EXPECT_ERR("EXCLUDE_PORTS_FOR_UIDS: \"tcp:80:1000\": not supported: meshredir excludes ports by UID for outbound connections only (only \"\" is accepted)",
		   "install", "transparent-proxy", "--config", "{}");
	unsetenv("EXCLUDE_PORTS_FOR_UIDS");
	/* Named once, whichever sources give it. */
	setenv(ENV "WAIT", "1", 1);
	CHECK_INT(tool_parse(&cl, err, "install", "transparent-proxy", "--config", "{wait: 2}",
			     "--wait", "3", NULL), 0);
	CHECK(noted(&cl, ENV "WAIT") && noted(&cl, "--config: wait") && noted(&cl, "--wait"));
	CHECK_UINT(cl.ignored.n, 3);
	cmdline_free(&cl);
	unsetenv(ENV "WAIT");
}

int main(void)
{
	char path[] = "/tmp/mr-kumactl-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, "{redirect: {inbound: {port: 1000}}}\n", 36) != 36)
		return 1;
	close(fd);
	config_path = path;
	RUN(test_every_kumactl_flag);
	RUN(test_config_blanks);
	RUN(test_ignored_fields);
	RUN(test_every_env_var);
	RUN(test_env_precedence);
	unlink(path);
	return check_report();
}
