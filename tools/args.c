// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: the command words, kumactl's flag names and defaults
 * (the flag table below), and the order in which Kuma's files and the
 * flags fill the configuration. Values are parse.c's, files kuma.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "args.h"
#include "file.h"
#include "resolv.h"
#include "kuma.h"
#include "parse.h"
#include "show.h"
#include "util.h"
#include "validate.h"

enum flag_id {
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
	F_REDIRECT_DNS,
	F_REDIRECT_ALL_DNS_TRAFFIC,
	F_REDIRECT_DNS_PORT,
	F_SKIP_DNS_CONNTRACK_ZONE_SPLIT,
	F_DNS_DOCKER,
	F_VNET,
	F_EVENT_RATE,
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
	F_TIMEOUT,
	F_KUMA_IGNORED,		/* kumactl's, checked and ignored (kuma_flags.c) */
	F_REASON,
	F_EVENT_COUNT,
	F_COUNT
};

enum flag_value {
	V_REQUIRED,
	V_BOOL,		/* optional: a bare flag is true */
	V_NONE,
};

#define C(cmd) (1u << (cmd))
#define C_ALL (~0u)
/* The configuration flags: set's, which install has too. */
#define C_CFG (C(CMD_SET) | C(CMD_INSTALL))
/* The commands that change the kernel's configuration as kumactl's do. */
#define C_KUMA (C(CMD_INSTALL) | C(CMD_UNINSTALL) | C(CMD_APPLY))

struct flag {
	const char *name;
	enum flag_id id;
	enum flag_value value;
	unsigned int cmds;
};

static const struct flag flags[] = {
	{ "redirect-inbound", F_REDIRECT_INBOUND, V_BOOL, C_CFG },
	{ "redirect-inbound-port", F_REDIRECT_INBOUND_PORT, V_REQUIRED, C_CFG },
	{ "exclude-inbound-ports", F_EXCLUDE_INBOUND_PORTS, V_REQUIRED, C_CFG },
	{ "include-inbound-ports", F_INCLUDE_INBOUND_PORTS, V_REQUIRED, C_CFG },
	{ "exclude-inbound-ips", F_EXCLUDE_INBOUND_IPS, V_REQUIRED, C_CFG },
	{ "redirect-outbound", F_REDIRECT_OUTBOUND, V_BOOL, C_CFG },
	{ "redirect-outbound-port", F_REDIRECT_OUTBOUND_PORT, V_REQUIRED, C_CFG | C(CMD_VALIDATE) },
	{ "exclude-outbound-ports", F_EXCLUDE_OUTBOUND_PORTS, V_REQUIRED, C_CFG },
	{ "include-outbound-ports", F_INCLUDE_OUTBOUND_PORTS, V_REQUIRED, C_CFG },
	{ "exclude-outbound-ips", F_EXCLUDE_OUTBOUND_IPS, V_REQUIRED, C_CFG },
	{ "exclude-outbound-ports-for-uids", F_EXCLUDE_OUTBOUND_PORTS_FOR_UIDS, V_REQUIRED,
	  C_CFG },
	{ "kuma-dp-user", F_KUMA_DP_USER, V_REQUIRED, C_CFG | C(CMD_VALIDATE) },
	/* kumactl's older name of the same flag. */
	{ "kuma-dp-uid", F_KUMA_DP_USER, V_REQUIRED, C(CMD_INSTALL) },
	{ "owner-uid", F_OWNER_UID, V_REQUIRED, C_CFG },
	{ "owner-gid", F_OWNER_GID, V_REQUIRED, C_CFG },
	{ "ip-family-mode", F_IP_FAMILY_MODE, V_REQUIRED, C_CFG },
	{ "drop-invalid-packets", F_DROP_INVALID_PACKETS, V_BOOL, C_CFG },
	{ "redirect-dns", F_REDIRECT_DNS, V_BOOL, C_CFG },
	{ "redirect-all-dns-traffic", F_REDIRECT_ALL_DNS_TRAFFIC, V_BOOL, C_CFG },
	{ "redirect-dns-port", F_REDIRECT_DNS_PORT, V_REQUIRED, C_CFG },
	{ "skip-dns-conntrack-zone-split", F_SKIP_DNS_CONNTRACK_ZONE_SPLIT, V_BOOL, C_CFG },
	/* install finds it in the namespace, as kumactl: set's alone. */
	{ "dns-docker", F_DNS_DOCKER, V_REQUIRED, C(CMD_SET) },
	{ "vnet", F_VNET, V_REQUIRED, C_CFG },
	{ "event-rate", F_EVENT_RATE, V_REQUIRED, C_CFG },
	{ "config", F_CONFIG, V_REQUIRED, C(CMD_INSTALL) },
	{ "config-file", F_CONFIG_FILE, V_REQUIRED, C(CMD_INSTALL) },
	{ "dry-run", F_DRY_RUN, V_BOOL, C_KUMA },
	{ "verbose", F_VERBOSE, V_BOOL, C_KUMA | C(CMD_VALIDATE) },
	{ "json", F_JSON, V_NONE, C(CMD_SHOW) | C(CMD_MONITOR) },
	{ "format", F_FORMAT, V_REQUIRED, C(CMD_SHOW) },
	{ "netns", F_NETNS, V_REQUIRED, C_ALL },
	{ "pid", F_PID, V_REQUIRED, C_ALL },
	{ "help", F_HELP, V_NONE, C_ALL },
	{ "version", F_VERSION, V_NONE, C_ALL },
	{ "timeout", F_TIMEOUT, V_REQUIRED, C(CMD_VALIDATE) },
	/* kumactl's, for its iptables runs: checked, then ignored. */
	{ "wait", F_KUMA_IGNORED, V_REQUIRED, C(CMD_INSTALL) },
	{ "wait-interval", F_KUMA_IGNORED, V_REQUIRED, C(CMD_INSTALL) },
	{ "max-retries", F_KUMA_IGNORED, V_REQUIRED, C(CMD_INSTALL) },
	{ "sleep-between-retries", F_KUMA_IGNORED, V_REQUIRED, C(CMD_INSTALL) },
	{ "iptables-executables", F_KUMA_IGNORED, V_REQUIRED, C(CMD_INSTALL) },
	{ "store-firewalld", F_KUMA_IGNORED, V_BOOL, C(CMD_INSTALL) },
	{ "disable-comments", F_KUMA_IGNORED, V_BOOL, C(CMD_INSTALL) },
	{ "iptables-logs", F_KUMA_IGNORED, V_BOOL, C(CMD_INSTALL) },
	{ "redirect-inbound-insert-instead-of-append", F_KUMA_IGNORED, V_BOOL,
	  C(CMD_INSTALL) },
	{ "redirect-outbound-insert-instead-of-append", F_KUMA_IGNORED, V_BOOL,
	  C(CMD_INSTALL) },
	/* kumactl's global ones, which its install transparent-proxy takes and ignores. */
	{ "context", F_KUMA_IGNORED, V_REQUIRED, C(CMD_INSTALL) },
	{ "log-level", F_KUMA_IGNORED, V_REQUIRED, C(CMD_INSTALL) },
	{ "no-config", F_KUMA_IGNORED, V_BOOL, C(CMD_INSTALL) },
	{ "api-timeout", F_KUMA_IGNORED, V_REQUIRED, C(CMD_INSTALL) },
	{ "reason", F_REASON, V_REQUIRED, C(CMD_MONITOR) },
	{ "count", F_EVENT_COUNT, V_REQUIRED, C(CMD_MONITOR) },
};

#define WHY_EBPF "Kuma removed its eBPF mode, and meshredir is a netfilter module"

/* kumactl flags that meshredir refuses; named, so users know it's not a typo. */
static const struct {
	const char *name;
	const char *why;
} kuma_only_flags[] = {
	{ "ebpf-enabled", WHY_EBPF },
	{ "ebpf-instance-ip", WHY_EBPF },
	{ "ebpf-bpffs-path", WHY_EBPF },
	{ "ebpf-cgroup-path", WHY_EBPF },
	{ "ebpf-programs-source-path", WHY_EBPF },
	{ "ebpf-tc-attach-iface", WHY_EBPF },
};

static const struct {
	const char *name;
	enum command cmd;
} commands[] = {
	{ "set", CMD_SET },
	{ "install", CMD_INSTALL },
	{ "uninstall", CMD_UNINSTALL },
	{ "apply", CMD_APPLY },
	{ "show", CMD_SHOW },
	{ "flush", CMD_FLUSH },
	{ "reset-counters", CMD_RESET_COUNTERS },
	{ "validate", CMD_VALIDATE },
	{ "monitor", CMD_MONITOR },
	{ "help", CMD_HELP },
	{ "version", CMD_VERSION },
};

/* What install and uninstall act on, as in kumactl. */
#define TARGET "transparent-proxy"

const char *command_name(enum command cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].cmd == cmd)
			return commands[i].name;
	return "meshredir";
}

static enum command command_lookup(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, s))
			return commands[i].cmd;
	return CMD_NONE;
}

static const struct flag *flag_lookup(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flags); i++)
		if (strlen(flags[i].name) == n && !memcmp(flags[i].name, name, n))
			return &flags[i];
	return NULL;
}

/* Why meshredir does not have this kumactl flag; NULL if kumactl lacks it too. */
static const char *kuma_only(const char *name, size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kuma_only_flags); i++)
		if (strlen(kuma_only_flags[i].name) == n &&
		    !memcmp(kuma_only_flags[i].name, name, n))
			return kuma_only_flags[i].why;
	return NULL;
}

/* One argv word, taken apart: a flag with its value, or a positional word. */
struct token {
	const struct flag *flag;	/* NULL: positional, or unknown flag */
	bool is_flag;
	const char *name;		/* after the dashes */
	size_t name_len;
	const char *value;		/* NULL if the flag got none */
	int used;			/* argv words taken, 1 or 2 */
};

static void tokenize(int argc, char **argv, int i, struct token *t)
{
	const char *a = argv[i], *eq;
	bool b;

	memset(t, 0, sizeof(*t));
	t->used = 1;
	if (!strcmp(a, "-h")) {
		t->is_flag = true;
		t->name = "help";
		t->name_len = 4;
		t->flag = flag_lookup(t->name, t->name_len);
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
	t->flag = flag_lookup(t->name, t->name_len);
	if (eq) {
		t->value = eq + 1;
		return;
	}
	if (!t->flag || i + 1 >= argc)
		return;
	/* A boolean takes the next word only if it is one: --redirect-inbound false. */
	if (t->flag->value == V_REQUIRED ||
	    (t->flag->value == V_BOOL && bool_literal(argv[i + 1], &b))) {
		t->value = argv[i + 1];
		t->used = 2;
	}
}

static const char *flag_name(char *buf, size_t len, const struct token *t)
{
	snprintf(buf, len, "--%.*s", (int)t->name_len, t->name);
	return buf;
}

/* What the parse carries between flags, beyond the command line itself. */
struct state {
	uint32_t kuma_uid;
	uint64_t seen;		/* 1 << flag id, for every flag used so far */
	int dry_run, verbose;	/* -1: not given */
	struct kuma_extra *x;	/* the files' and environment's, and the ignored flags */
};

_Static_assert(F_COUNT <= 64, "struct state's seen has a bit per flag");

/* A boolean flag alone is true. */
static int boolean(const struct token *t, const char *flag, bool *out, char *err, size_t errlen)
{
	return parse_bool(flag, t->value ? t->value : "true", out, err, errlen);
}

/*
 * A list flag's first use replaces the list a config file gave (kumactl's
 * list flags do so too); its later uses add to it.
 */
static bool first_use(const struct state *st, enum flag_id id)
{
	return !(st->seen & (1ull << id));
}

static int ranges(const struct state *st, const struct token *t, const char *flag,
		  enum range_kind kind, struct range_list *l, char *err, size_t errlen)
{
	if (first_use(st, t->flag->id))
		range_list_clear(l);
	return parse_range_list(flag, kind, t->value, l, err, errlen);
}

static int cidrs(const struct state *st, const struct token *t, const char *flag,
		 struct cidr_list *l, char *err, size_t errlen)
{
	if (first_use(st, t->flag->id))
		cidr_list_clear(l);
	return parse_cidr_list(flag, t->value, l, err, errlen);
}

static int apply_flag(struct cmdline *cl, const struct token *t, struct state *st,
		      char *err, size_t errlen)
{
	struct tool_config *cfg = &cl->cfg;
	struct uid_ports_list *up = &cfg->outbound.exclude_ports_for_uids;
	enum flag_id id = t->flag->id;
	char flag[64];
	uint64_t pid;
	bool b;

	flag_name(flag, sizeof(flag), t);
	if (id == F_KUMA_IGNORED)
		return kuma_ignored_flag(flag, t->value, &st->x->ignored, err, errlen);
	switch (id) {
	case F_REDIRECT_INBOUND:
		return boolean(t, flag, &cfg->inbound.enabled, err, errlen);
	case F_REDIRECT_OUTBOUND:
		return boolean(t, flag, &cfg->outbound.enabled, err, errlen);
	case F_REDIRECT_INBOUND_PORT:
		return parse_port(flag, t->value, &cfg->inbound.port, err, errlen);
	case F_REDIRECT_OUTBOUND_PORT:
		return parse_port(flag, t->value, &cfg->outbound.port, err, errlen);
	case F_EXCLUDE_INBOUND_PORTS:
		return ranges(st, t, flag, RANGE_PORT, &cfg->inbound.exclude_ports, err, errlen);
	case F_INCLUDE_INBOUND_PORTS:
		return ranges(st, t, flag, RANGE_PORT, &cfg->inbound.include_ports, err, errlen);
	case F_EXCLUDE_OUTBOUND_PORTS:
		return ranges(st, t, flag, RANGE_PORT, &cfg->outbound.exclude_ports, err, errlen);
	case F_INCLUDE_OUTBOUND_PORTS:
		return ranges(st, t, flag, RANGE_PORT, &cfg->outbound.include_ports, err, errlen);
	case F_OWNER_UID:
		return ranges(st, t, flag, RANGE_UID, &cfg->owner_uids, err, errlen);
	case F_OWNER_GID:
		return ranges(st, t, flag, RANGE_GID, &cfg->owner_gids, err, errlen);
	case F_EXCLUDE_INBOUND_IPS:
		return cidrs(st, t, flag, &cfg->inbound.exclude_ips, err, errlen);
	case F_EXCLUDE_OUTBOUND_IPS:
		return cidrs(st, t, flag, &cfg->outbound.exclude_ips, err, errlen);
	case F_DNS_DOCKER:
		return cidrs(st, t, flag, &cfg->dns.docker, err, errlen);
	case F_EXCLUDE_OUTBOUND_PORTS_FOR_UIDS:
		if (first_use(st, id))
			uid_ports_list_clear(up);
		return parse_uid_ports(flag, t->value, up, err, errlen);
	case F_KUMA_DP_USER:
		return parse_user(flag, t->value, &st->kuma_uid, err, errlen);
	case F_IP_FAMILY_MODE:
		return parse_ip_family_mode(flag, t->value, &cfg->ip_family_mode, err, errlen);
	case F_DROP_INVALID_PACKETS:
		return boolean(t, flag, &cfg->drop_invalid, err, errlen);
	case F_REDIRECT_DNS:
		return boolean(t, flag, &cfg->dns.enabled, err, errlen);
	case F_REDIRECT_ALL_DNS_TRAFFIC:
		return boolean(t, flag, &cfg->dns.capture_all, err, errlen);
	case F_REDIRECT_DNS_PORT:
		return parse_port(flag, t->value, &cfg->dns.port, err, errlen);
	case F_SKIP_DNS_CONNTRACK_ZONE_SPLIT:
		if (boolean(t, flag, &b, err, errlen))
			return -1;
		cfg->dns.zone_split = !b;
		return 0;
	case F_VNET:
		if (first_use(st, id))
			vnet_list_clear(&cfg->vnet);
		return parse_vnet(flag, t->value, &cfg->vnet, err, errlen);
	case F_EVENT_RATE:
		return parse_event_rate(flag, t->value, &cfg->event_rate, err, errlen);
	case F_DRY_RUN:
	case F_VERBOSE:
		if (boolean(t, flag, &b, err, errlen))
			return -1;
		*(id == F_DRY_RUN ? &st->dry_run : &st->verbose) = b;
		return 0;
	case F_JSON:
		cl->format = FORMAT_JSON;
		return 0;
	case F_FORMAT:
		if (!strcmp(t->value, "text"))
			cl->format = FORMAT_TEXT;
		else if (!strcmp(t->value, "json"))
			cl->format = FORMAT_JSON;
		else if (!strcmp(t->value, "yaml"))
			cl->format = FORMAT_YAML;
		else
			return fail(err, errlen, "%s: \"%s\" is not text, json or yaml", flag,
				    t->value);
		return 0;
	case F_NETNS:
		if (!*t->value)
			return fail(err, errlen, "%s: \"\" is not a namespace name or path", flag);
		cl->netns = t->value;
		return 0;
	case F_PID:
		if (!decimal(t->value, INT_MAX, &pid) || !pid)
			return fail(err, errlen, "%s: \"%s\" is not a process ID", flag, t->value);
		cl->has_pid = true;
		cl->pid = pid;
		return 0;
	case F_TIMEOUT:
		return parse_timeout(flag, t->value, &cl->timeout_ms, err, errlen);
	case F_REASON:
		return reason_mask(flag, t->value, &cl->reasons, err, errlen);
	case F_EVENT_COUNT:
		if (!decimal(t->value, UINT64_MAX, &cl->count) || !cl->count)
			return fail(err, errlen, "%s: \"%s\" is not a number of events (1 or more)",
				    flag, t->value);
		return 0;
	default:
		break;
	case F_CONFIG:		/* read before every other flag */
	case F_CONFIG_FILE:
	case F_HELP:
	case F_VERSION:
		return 0;
	}
	return 0;
}

/* YAML text from --config, --config-file or apply's FILE, onto cl->cfg and x. */
static int load(struct cmdline *cl, const char *flag, const char *path,
		struct kuma_extra *x, char *err, size_t errlen)
{
	char e[MR_ERR_LEN];
	size_t len;
	char *text;
	int ret;

	text = read_file(path, &len, e, sizeof(e));
	if (!text)
		return fail(err, errlen, "%s: %s", flag, e);
	ret = kuma_parse(strcmp(path, "-") ? path : "stdin", text, len, &cl->cfg, x,
			 err, errlen);
	free(text);
	return ret;
}

/*
 * One --config value. kumactl's takes a file's path, or - for stdin, and
 * skips an empty one; meshredir's also took the text itself, which stays:
 * a value naming no file is text if it can be a mapping (has a : or {),
 * and otherwise a path that is not there. As in kumactl, blanks around the
 * value are dropped to tell "" and "-", and a path is taken as given; text
 * is read from its first non-blank, so that its line numbers start there.
 */
static int config_value(struct cmdline *cl, const char *value, struct kuma_extra *x,
			bool *loaded, char *err, size_t errlen)
{
	size_t lead = strspn(value, " \t\n\v\f\r"), n = strlen(value + lead);
	struct stat sb;

	while (n && isspace((unsigned char)value[lead + n - 1]))
		n--;
	if (!n)
		return 0;
	*loaded = true;
	if (n == 1 && value[lead] == '-')
		return load(cl, "--config", "-", x, err, errlen);
	if (!stat(value, &sb) || !strpbrk(value, ":{"))
		return load(cl, "--config", value, x, err, errlen);
	return kuma_parse("--config", value + lead, strlen(value + lead), &cl->cfg, x, err, errlen);
}

/*
 * install's --config values, in order, and --config-file, before the other
 * flags, which override them: Kuma's order, defaults < config < flags.
 */
static int load_install_config(struct cmdline *cl, int argc, char **argv, int cmd_at,
			       struct kuma_extra *x, bool *loaded, char *err, size_t errlen)
{
	const char *file = NULL;
	struct token t;
	int i;

	for (i = 1; i < argc; i += t.used) {
		tokenize(argc, argv, i, &t);
		if (i == cmd_at || !t.flag || !t.value)
			continue;
		if (t.flag->id == F_CONFIG &&
		    config_value(cl, t.value, x, loaded, err, errlen))
			return -1;
		if (t.flag->id == F_CONFIG_FILE)
			file = t.value;
	}
	if (file && load(cl, "--config-file", file, x, err, errlen))
		return -1;
	*loaded = *loaded || file;
	return 0;
}

/*
 * --help and --version win over everything else, even a bad value, as they
 * do in most tools: `meshredir set --exclude-inbound-ports 0 --help` helps.
 */
static bool wants(int argc, char **argv, const char *a, const char *b,
		  enum command *topic)
{
	bool found = false;
	int i;

	*topic = CMD_NONE;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], a) || (b && !strcmp(argv[i], b)))
			found = true;
		else if (*topic == CMD_NONE && argv[i][0] != '-')
			*topic = command_lookup(argv[i]);
	}
	return found;
}

/* A word after the command: install's target, apply's file, help's topic. */
static int positional(struct cmdline *cl, const char *word, bool *has_target,
		      char *err, size_t errlen)
{
	switch (cl->cmd) {
	case CMD_HELP:
		if (cl->help_topic == CMD_NONE) {
			cl->help_topic = command_lookup(word);
			if (cl->help_topic != CMD_NONE)
				return 0;
			return fail(err, errlen, "unknown command \"%s\" (see meshredir --help)",
				    word);
		}
		if ((cl->help_topic == CMD_INSTALL || cl->help_topic == CMD_UNINSTALL) &&
		    !*has_target && !strcmp(word, TARGET)) {
			*has_target = true;
			return 0;
		}
		break;
	case CMD_INSTALL:
	case CMD_UNINSTALL:
		if (*has_target)
			break;
		if (strcmp(word, TARGET))
			return fail(err, errlen, "%s: \"%s\" is not something meshredir %ss (only " TARGET ")",
				    command_name(cl->cmd), word, command_name(cl->cmd));
		*has_target = true;
		return 0;
	case CMD_APPLY:
		if (cl->file)
			break;
		cl->file = word;
		return 0;
	default:
		break;
	}
	return fail(err, errlen, "unexpected argument \"%s\"", word);
}

int args_parse(struct cmdline *cl, int argc, char **argv, char *err, size_t errlen)
{
	struct kuma_extra x;
	struct state st = { MR_DEFAULT_KUMA_DP_UID, 0, -1, -1, &x };
	enum command topic;
	bool has_target = false, loaded = false;
	struct token t;
	const char *why;
	char flag[64];
	int i, cmd_at = 0;

	memset(cl, 0, sizeof(*cl));
	config_init(&cl->cfg);
	cl->timeout_ms = MR_VALIDATE_TIMEOUT_MS;
	kuma_extra_init(&x);
	err[0] = '\0';

	if (wants(argc, argv, "--help", "-h", &topic)) {
		cl->cmd = CMD_HELP;
		cl->help_topic = topic == CMD_HELP ? CMD_NONE : topic;
		return 0;
	}
	if (wants(argc, argv, "--version", NULL, &topic)) {
		cl->cmd = CMD_VERSION;
		return 0;
	}

	/* First the command word, so that flags before it are judged by it. */
	for (i = 1; i < argc && cl->cmd == CMD_NONE; i += t.used) {
		tokenize(argc, argv, i, &t);
		if (t.is_flag)
			continue;
		cl->cmd = command_lookup(argv[i]);
		if (cl->cmd == CMD_NONE)
			return fail(err, errlen, "unknown command \"%s\" (see meshredir --help)",
				    argv[i]);
		cmd_at = i;
	}
	if (cl->cmd == CMD_NONE)
		return fail(err, errlen, "no command given (see meshredir --help)");

	if (cl->cmd == CMD_INSTALL) {
		/*
		 * Kuma's order: defaults < file < environment < flags; kumactl
		 * reads the environment after each configuration it loads, and
		 * so not at all without one.
		 */
		if (load_install_config(cl, argc, argv, cmd_at, &x, &loaded, err, errlen) ||
		    (loaded && kuma_env(&cl->cfg, &x, err, errlen)))
			return -1;
		st.kuma_uid = x.kuma_dp_uid;
	}

	for (i = 1; i < argc; i += t.used) {
		tokenize(argc, argv, i, &t);
		if (i == cmd_at)
			continue;
		if (!t.is_flag) {
			if (positional(cl, argv[i], &has_target, err, errlen))
				return -1;
			continue;
		}
		if (!t.flag) {
			why = kuma_only(t.name, t.name_len);
			if (why)
				return fail(err, errlen,
					    "--%.*s: a kumactl flag meshredir does not have (%s)",
					    (int)t.name_len, t.name, why);
			return fail(err, errlen, "unknown flag \"%s%.*s\" (see meshredir %s --help)",
				    argv[i][1] == '-' ? "--" : "-", (int)t.name_len, t.name,
				    command_name(cl->cmd));
		}
		flag_name(flag, sizeof(flag), &t);
		if (!(t.flag->cmds & C(cl->cmd)))
			return fail(err, errlen, "%s: not a flag of \"%s\" (see meshredir %s --help)",
				    flag, command_name(cl->cmd), command_name(cl->cmd));
		if (t.flag->value == V_REQUIRED && !t.value)
			return fail(err, errlen, "%s: a value is needed", flag);
		if (t.flag->value == V_NONE && t.value)
			return fail(err, errlen, "%s: takes no value", flag);
		if (apply_flag(cl, &t, &st, err, errlen))
			return -1;
		st.seen |= 1ull << t.flag->id;
	}
	if (cl->netns && cl->has_pid)
		return fail(err, errlen, "--netns and --pid cannot be used together");
	if ((cl->cmd == CMD_INSTALL || cl->cmd == CMD_UNINSTALL) && !has_target)
		return fail(err, errlen, "%s: missing \"" TARGET "\" (meshredir %s " TARGET " [FLAGS])",
			    command_name(cl->cmd), command_name(cl->cmd));
	if (cl->cmd == CMD_APPLY) {
		if (!cl->file)
			return fail(err, errlen, "apply: missing FILE, or - for stdin (meshredir apply FILE|-)");
		if (load(cl, "apply", cl->file, &x, err, errlen) ||
		    kuma_env(&cl->cfg, &x, err, errlen))
			return -1;
		st.kuma_uid = x.kuma_dp_uid;
	}
	cl->kuma_uid = st.kuma_uid;
	/* kumactl refuses the two together, as flags only. */
	if ((st.seen & (1ull << F_REDIRECT_DNS)) && cl->cfg.dns.enabled &&
	    (st.seen & (1ull << F_REDIRECT_ALL_DNS_TRAFFIC)) && cl->cfg.dns.capture_all)
		return fail(err, errlen,
			    "only one of --redirect-dns or --redirect-all-dns-traffic should be specified");
	if ((cl->cmd == CMD_SET || cl->cmd == CMD_INSTALL || cl->cmd == CMD_APPLY) &&
	    dns_load_servers(&cl->cfg, cl->cmd == CMD_APPLY ? "redirect.dns" : "--redirect-dns",
		       x.resolv_conf, err, errlen))
		return -1;
	cl->dry_run = st.dry_run >= 0 ? st.dry_run : x.dry_run;
	cl->verbose = st.verbose >= 0 ? st.verbose : x.verbose;
	cl->ignored = x.ignored;

	if (cl->cmd == CMD_APPLY) {
		char e[MR_ERR_LEN];

		/* A limit is the whole file's, as its parse errors name it. */
		if (!config_finish(&cl->cfg, st.kuma_uid, true, e, sizeof(e)))
			return 0;
		return fail(err, errlen, "%s: %s", strcmp(cl->file, "-") ? cl->file : "stdin", e);
	}
	if (cl->cmd == CMD_SET || cl->cmd == CMD_INSTALL)
		return config_finish(&cl->cfg, st.kuma_uid, false, err, errlen);
	return 0;
}

void cmdline_free(struct cmdline *cl)
{
	config_free(&cl->cfg);
}

