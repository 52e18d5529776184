// SPDX-License-Identifier: GPL-2.0
/*
 * The meshredir binary itself (build/meshredir, built with the sanitizers):
 * exit statuses and the exact stderr line of errors that are caught before
 * any netlink traffic, and of a host where the module is not loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"

#define TOOL "build/meshredir"

struct run {
	int status;		/* exit status, or 128 + signal */
	char out[65536];
	char err[65536];
};

static void slurp(int fd, char *buf, size_t len)
{
	ssize_t n;
	size_t got = 0;

	lseek(fd, 0, SEEK_SET);
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	close(fd);
}

/* What the next run reads on stdin; nothing (/dev/null) if NULL. */
static const char *run_stdin;

/* Runs the tool with the NULL-terminated argv (argv[0] included). */
static void run(struct run *r, char **argv)
{
	char out[] = "/tmp/mr-cli-out-XXXXXX", err[] = "/tmp/mr-cli-err-XXXXXX";
	char in[] = "/tmp/mr-cli-in-XXXXXX";
	int fo = mkstemp(out), fe = mkstemp(err), fi = mkstemp(in), status;
	pid_t pid;

	unlink(out);
	unlink(err);
	unlink(in);
	if (run_stdin && write(fi, run_stdin, strlen(run_stdin)) != (ssize_t)strlen(run_stdin))
		printf("cannot write the stdin file\n");
	lseek(fi, 0, SEEK_SET);
	pid = fork();
	if (pid == 0) {
		dup2(fi, 0);
		dup2(fo, 1);
		dup2(fe, 2);
		execv(TOOL, argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	close(fi);
	run_stdin = NULL;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	slurp(fo, r->out, sizeof(r->out));
	slurp(fe, r->err, sizeof(r->err));
}

#define RUN_TOOL(r, ...)						\
	do {								\
		char *argv_[] = { "meshredir", __VA_ARGS__, NULL };	\
		run(r, argv_);						\
	} while (0)

static struct run r;

static void test_help_version(void)
{
	RUN_TOOL(&r, "--help");
	CHECK_INT(r.status, 0);
	CHECK(!strncmp(r.out, "Usage: meshredir ", 17));
	CHECK_STR(r.err, "");

	RUN_TOOL(&r, "help", "set");
	CHECK_INT(r.status, 0);
	CHECK(strstr(r.out, "--exclude-outbound-ports-for-uids [PROTO:][PORTS:]UIDS"));
	CHECK(strstr(r.out, "UDP entries only matter to DNS"));
	CHECK(strstr(r.out, "--redirect-dns-port PORT           the DNS proxy's port (15053)"));

	RUN_TOOL(&r, "set", "--help");
	CHECK_INT(r.status, 0);
	CHECK(!strncmp(r.out, "Usage: meshredir set", 20));

	RUN_TOOL(&r, "show", "-h");
	CHECK_INT(r.status, 0);
	CHECK(strstr(r.out, "--json"));

	RUN_TOOL(&r, "help", "install");
	CHECK_INT(r.status, 0);
	CHECK(!strncmp(r.out, "Usage: meshredir install transparent-proxy [FLAGS]\n", 50));
	CHECK(strstr(r.out, "--config-file FILE|-"));

	RUN_TOOL(&r, "install", "transparent-proxy", "-h");
	CHECK_INT(r.status, 0);
	CHECK(!strncmp(r.out, "Usage: meshredir install transparent-proxy [FLAGS]\n", 50));

	RUN_TOOL(&r, "help", "uninstall");
	CHECK_INT(r.status, 0);
	CHECK(!strncmp(r.out, "Usage: meshredir uninstall transparent-proxy", 44));

	RUN_TOOL(&r, "apply", "--help");
	CHECK_INT(r.status, 0);
	CHECK(!strncmp(r.out, "Usage: meshredir apply FILE|-", 29));
	CHECK(strstr(r.out, "redirect.outbound.excludePortsForUIDs"));

	RUN_TOOL(&r, "help", "show");
	CHECK_INT(r.status, 0);
	CHECK(strstr(r.out, "--format yaml"));

	RUN_TOOL(&r, "--version");
	CHECK_INT(r.status, 0);
	CHECK(!strncmp(r.out, "meshredir ", 10));
}

static void test_usage_errors(void)
{
	RUN_TOOL(&r, "set", "--exclude-outbound-ports", "70000");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: --exclude-outbound-ports: \"70000\" is not a port (1-65535)\n");
	CHECK_STR(r.out, "");

	RUN_TOOL(&r, "set", "--exclude-inbound-ips=10.0.0.0/33");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: --exclude-inbound-ips: \"10.0.0.0/33\": prefix length 33 exceeds 32\n");

	RUN_TOOL(&r, "frob");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: unknown command \"frob\" (see meshredir --help)\n");

	RUN_TOOL(&r, "--netns", "x");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: no command given (see meshredir --help)\n");
}

static void test_new_command_errors(void)
{
	RUN_TOOL(&r, "install");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: install: missing \"transparent-proxy\" (meshredir install transparent-proxy [FLAGS])\n");
	CHECK_STR(r.out, "");

	RUN_TOOL(&r, "install", "transparent-proxy", "--vnet", "docker0");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: --vnet: \"docker0\" is not IFACE:CIDR (no ':')\n");

	RUN_TOOL(&r, "install", "transparent-proxy", "--config", "redirect: {inbound: {port: 0}}");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: --config:1: redirect.inbound.port: \"0\" is not a port (1-65535)\n");

	RUN_TOOL(&r, "uninstall", "everything");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: uninstall: \"everything\" is not something meshredir uninstalls (only transparent-proxy)\n");

	RUN_TOOL(&r, "apply");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: apply: missing FILE, or - for stdin (meshredir apply FILE|-)\n");

	RUN_TOOL(&r, "apply", "/nonexistent/config.yaml");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: apply: cannot read /nonexistent/config.yaml: No such file or directory\n");

	run_stdin = "redirect:\n  inbound:\n    port: 70000\n";
	RUN_TOOL(&r, "apply", "-");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: stdin:3: redirect.inbound.port: \"70000\" is not a port (1-65535)\n");
	CHECK_STR(r.out, "");

	RUN_TOOL(&r, "apply", "-");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: stdin: no configuration in it ({} is Kuma's defaults)\n");

	RUN_TOOL(&r, "show", "--format", "xml");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: --format: \"xml\" is not text, json or yaml\n");
}

/* --dry-run: the configuration as YAML, and nothing sent (no module needed). */
static void test_dry_run(void)
{
	static const char yaml[] =
		"# meshredir's configuration, in Kuma's transparent-proxy format: `meshredir\n"
		"# apply` and `kumactl install transparent-proxy --config-file` read it.\n"
		"kumaDPUser: \"5678\"\n"
		"ipFamilyMode: dualstack\n"
		"redirect:\n"
		"  inbound:\n"
		"    enabled: true\n"
		"    port: 15006\n"
		"    includePorts: []\n"
		"    excludePorts:\n"
		"    - 22\n"
		"    excludePortsForIPs: []\n"
		"  outbound:\n"
		"    enabled: true\n"
		"    port: 15001\n"
		"    includePorts: []\n"
		"    excludePorts: []\n"
		"    excludePortsForIPs: []\n"
		"    excludePortsForUIDs: []\n"
		"  dns:\n"
		"    enabled: false\n"
		"    captureAll: false\n"
		"    port: 15053\n"
		"    skipConntrackZoneSplit: false\n"
		"dropInvalidPackets: false\n"
		"meshredir:\n"
		"  ownerUIDs: []\n"
		"  ownerGIDs: []\n"
		"  eventRate: 1000\n";
	char want[4096];

	snprintf(want, sizeof(want), "# dry run: this configuration would replace the one of network namespace no-such-ns-here\n%s",
		 yaml);
	RUN_TOOL(&r, "--netns", "no-such-ns-here", "install", "transparent-proxy",
		 "--exclude-inbound-ports", "22", "--dry-run");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.err, "");
	CHECK_STR(r.out, want);

	/* the dry run's YAML, applied in a dry run, gives the same YAML */
	run_stdin = r.out;
	RUN_TOOL(&r, "--netns", "no-such-ns-here", "apply", "-", "--dry-run");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.out, want);

	/* dryRun in the file acts as the flag */
	run_stdin = "dryRun: true\nredirect:\n  inbound:\n    excludePorts: [22]\n";
	RUN_TOOL(&r, "apply", "-");
	CHECK_INT(r.status, 0);
	snprintf(want, sizeof(want), "# dry run: this configuration would replace the one of this network namespace\n%s",
		 yaml);
	CHECK_STR(r.out, want);

	/* install reads stdin for --config-file -, and names it in errors */
	run_stdin = "redirect:\n  inbound:\n    excludePorts: [21]\n";
	RUN_TOOL(&r, "install", "transparent-proxy", "--config-file", "-",
		 "--exclude-inbound-ports=22", "--dry-run");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.out, want);
	run_stdin = "redirect:\n  outbound:\n    port: x\n";
	RUN_TOOL(&r, "install", "transparent-proxy", "--config-file", "-", "--dry-run");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: stdin:3: redirect.outbound.port: \"x\" is not a port (1-65535)\n");
	CHECK_STR(r.out, "");

	RUN_TOOL(&r, "--pid", "1", "uninstall", "transparent-proxy", "--dry-run");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.err, "");
	CHECK_STR(r.out, "# dry run: the configuration of the network namespace of process 1 would be removed\n");
}

/* kumactl's ignored flags and fields: silent, or each named once with --verbose. */
static void test_ignored_named(void)
{
	static const char named[] =
		"meshredir: stdin: wait: ignored: it configures iptables, which meshredir does not use\n"
		"meshredir: stdin: log.enabled: ignored: it configures iptables, which meshredir does not use\n"
		"meshredir: --wait: ignored: it configures iptables, which meshredir does not use\n"
		"meshredir: --iptables-logs: ignored: it configures iptables, which meshredir does not use\n"
		"meshredir: --log-level: ignored: it is one of kumactl's global settings, which its install transparent-proxy does not use\n";

	run_stdin = "wait: 5\nlog: {enabled: true}\n";
	RUN_TOOL(&r, "install", "transparent-proxy", "--config-file", "-", "--wait", "1",
		 "--iptables-logs", "--wait=2", "--log-level", "debug", "--dry-run");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.err, "");
	run_stdin = "wait: 5\nlog: {enabled: true}\n";
	RUN_TOOL(&r, "install", "transparent-proxy", "--config-file", "-", "--wait", "1",
		 "--iptables-logs", "--wait=2", "--log-level", "debug", "--dry-run", "--verbose");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.err, named);
	/* apply's file, with verbose: true in it */
	run_stdin = "verbose: true\ndryRun: true\nstoreFirewalld: true\n";
	RUN_TOOL(&r, "apply", "-");
	CHECK_INT(r.status, 0);
	CHECK_STR(r.err, "meshredir: stdin: storeFirewalld: ignored: it configures iptables, which meshredir does not use\n");
}

static void test_netns_errors(void)
{
	RUN_TOOL(&r, "--netns", "/nonexistent/ns", "show");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: --netns: cannot open /nonexistent/ns: No such file or directory\n");

	RUN_TOOL(&r, "show", "--netns=no-such-ns-here");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: --netns: cannot open /run/netns/no-such-ns-here: No such file or directory\n");

	/* Not a namespace file: setns() refuses it. */
	RUN_TOOL(&r, "flush", "--netns", "/dev/null");
	CHECK_INT(r.status, 1);
	CHECK(!strncmp(r.err, "meshredir: --netns: cannot enter the network namespace of /dev/null: ", 69));
}

/*
 * Over a limit of the uapi header: refused before any socket is opened.
 * An argument holds 128 KiB at most, so the CIDRs come in repeated flags,
 * which add up.
 */
static void test_too_big(void)
{
	enum { N = 65537, PER_FLAG = 6000, FLAGS = (N + PER_FLAG - 1) / PER_FLAG };
	char *flags[FLAGS], *p;
	int i, f;

	for (f = 0; f < FLAGS; f++) {
		p = flags[f] = malloc(PER_FLAG * 16 + 32);
		p += sprintf(p, "--exclude-outbound-ips=");
		for (i = f * PER_FLAG; i < N && i < (f + 1) * PER_FLAG; i++)
			p += sprintf(p, "%s10.%d.%d.%d", i == f * PER_FLAG ? "" : ",",
				     (i >> 15) & 255, (i >> 7) & 255, (i & 127) * 2);
	}
	RUN_TOOL(&r, "set", flags[0], flags[1], flags[2], flags[3], flags[4], flags[5],
		 flags[6], flags[7], flags[8], flags[9], flags[10]);
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: --exclude-outbound-ips: 65537 CIDRs exceed the limit of 65536\n");
	for (f = 0; f < FLAGS; f++)
		free(flags[f]);
}

/* Only meaningful where the module is not loaded, as on a build host. */
static void test_no_module(void)
{
	if (!access("/sys/module/meshredir", F_OK))
		return;
	RUN_TOOL(&r, "show");
	/* A sandbox without netlink sockets says so instead: nothing to check. */
	if (strstr(r.err, "cannot open a generic netlink socket"))
		return;
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: the meshredir kernel module is not loaded (modprobe meshredir)\n");
	RUN_TOOL(&r, "set", "--redirect-inbound-port=1");
	CHECK_INT(r.status, 1);
	CHECK_STR(r.err, "meshredir: the meshredir kernel module is not loaded (modprobe meshredir)\n");
}

int main(void)
{
	if (access(TOOL, X_OK)) {
		printf("%s: not built\n", TOOL);
		check_failed++;
		return check_report();
	}
	RUN(test_help_version);
	RUN(test_usage_errors);
	RUN(test_new_command_errors);
	RUN(test_dry_run);
	RUN(test_ignored_named);
	RUN(test_netns_errors);
	RUN(test_too_big);
	RUN(test_no_module);
	return check_report();
}
