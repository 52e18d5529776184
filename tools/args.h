// SPDX-License-Identifier: GPL-2.0
/*
 * The tool's view of a configuration, and the kumactl-style command line
 * that fills it. struct mr_tool_config mirrors the attribute tree of
 * uapi/linux/meshredir.h, so that nl.c translates it one to one both ways
 * and show.c prints what the kernel holds, not what was typed.
 */
#ifndef MR_ARGS_H
#define MR_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <linux/meshredir.h>

/* Kuma's kuma-dp user when --kuma-dp-user is not given. */
#define MR_DEFAULT_KUMA_DP_UID 5678
/* (uid_t)-1 means "no ID" to the kernel, so it can't name an owner. */
#define MR_ID_MAX 4294967294u
/* Room for any message the parser writes. */
#define MR_ERR_LEN 512

struct mr_port_range {
	uint16_t first;
	uint16_t last;
};

struct mr_id_range {
	uint32_t first;
	uint32_t last;
};

struct mr_cidr {
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint8_t prefix_len;
	uint8_t addr[16];	/* network order, host bits zero; AF_INET uses 4 */
};

struct mr_port_list {
	struct mr_port_range *v;
	size_t n, cap;
};

struct mr_id_list {
	struct mr_id_range *v;
	size_t n, cap;
};

struct mr_cidr_list {
	struct mr_cidr *v;
	size_t n, cap;
};

/* One exclude-outbound-ports-for-uids entry, TCP only by then. */
struct mr_uid_ports {
	struct mr_port_list ports;	/* "*" is stored as 1-65535, never empty */
	struct mr_id_range uids;
};

struct mr_uid_ports_list {
	struct mr_uid_ports *v;
	size_t n, cap;
};

struct mr_dir_config {
	bool enabled;
	uint16_t port;
	struct mr_port_list exclude_ports;
	struct mr_port_list include_ports;	/* empty: every port */
	struct mr_cidr_list exclude_ips;
	struct mr_uid_ports_list exclude_ports_for_uids;	/* outbound only */
};

enum mr_counter_hook {
	MR_CTR_LOCAL_OUT,
	MR_CTR_PRE_ROUTING,
	MR_CTR_HOOKS
};

struct mr_tool_config {
	uint8_t ip_family_mode;		/* enum meshredir_ip_family_mode */
	struct mr_id_list owner_uids;
	struct mr_id_list owner_gids;
	struct mr_dir_config inbound;
	struct mr_dir_config outbound;
	bool drop_invalid;		/* --drop-invalid-packets, Kuma's dropInvalidPackets */
	/* GET only. */
	bool has_counters;
	uint64_t counters[MR_CTR_HOOKS][MESHREDIR_REASON_MAX + 1];
};

enum mr_command {
	MR_CMD_NONE,
	MR_CMD_HELP,
	MR_CMD_VERSION,
	MR_CMD_SET,
	MR_CMD_SHOW,
	MR_CMD_FLUSH,
	MR_CMD_RESET_COUNTERS,
	MR_CMD_INSTALL,		/* install transparent-proxy */
	MR_CMD_UNINSTALL,	/* uninstall transparent-proxy */
	MR_CMD_APPLY,
};

enum mr_format {
	MR_FORMAT_TEXT,
	MR_FORMAT_JSON,
	MR_FORMAT_YAML,
};

struct mr_cmdline {
	enum mr_command cmd;
	enum mr_command help_topic;	/* MR_CMD_HELP: MR_CMD_NONE for all */
	enum mr_format format;		/* MR_CMD_SHOW */
	bool dry_run;			/* install, uninstall, apply */
	bool verbose;			/* install, uninstall, apply */
	const char *file;		/* MR_CMD_APPLY: FILE or "-"; into argv */
	const char *netns;		/* points into argv */
	bool has_pid;
	pid_t pid;
	struct mr_tool_config cfg;	/* set, install, apply */
};

/* The kernel's defaults: what an attribute left out of a SET means. */
void mr_config_init(struct mr_tool_config *cfg);
void mr_config_free(struct mr_tool_config *cfg);

void mr_port_list_add(struct mr_port_list *l, uint16_t first, uint16_t last);
void mr_id_list_add(struct mr_id_list *l, uint32_t first, uint32_t last);
void mr_cidr_list_add(struct mr_cidr_list *l, const struct mr_cidr *c);
struct mr_uid_ports *mr_uid_ports_list_add(struct mr_uid_ports_list *l);
/* Empty again, as a config file's or a flag's list replaces the one before. */
void mr_port_list_clear(struct mr_port_list *l);
void mr_id_list_clear(struct mr_id_list *l);
void mr_cidr_list_clear(struct mr_cidr_list *l);
void mr_uid_ports_list_clear(struct mr_uid_ports_list *l);

/*
 * Sorts and merges ranges and drops CIDRs covered by others, as the kernel
 * does: what is sent is smaller and reads like what GET gives back.
 */
void mr_config_normalize(struct mr_tool_config *cfg);
/* The uapi limits, checked before anything is sent. */
int mr_config_check_limits(const struct mr_tool_config *cfg, char *err, size_t errlen);
/*
 * The last step of every configuration, from flags or a file: the kuma-dp
 * user becomes an owner, as in Kuma, lists are normalized and the limits
 * checked, named as the Kuma file's fields (kuma_fields) or as the flags.
 */
int mr_config_finish(struct mr_tool_config *cfg, uint32_t kuma_dp_uid, bool kuma_fields,
		     char *err, size_t errlen);

/* "10.0.0.0/8", "fd00::/8": how show and show --format yaml write a CIDR. */
void mr_cidr_format(const struct mr_cidr *c, char *buf, size_t len);

/*
 * Value parsers, one per flag type. Each appends to its list and, on a bad
 * value, writes `<flag>: "<value>" ...` to err and returns -1.
 */
int mr_parse_port(const char *flag, const char *value, uint16_t *out,
		  char *err, size_t errlen);
int mr_parse_bool(const char *flag, const char *value, bool *out,
		  char *err, size_t errlen);
int mr_parse_port_list(const char *flag, const char *value, struct mr_port_list *out,
		       char *err, size_t errlen);
int mr_parse_id_list(const char *flag, const char *what, const char *value,
		     struct mr_id_list *out, char *err, size_t errlen);
int mr_parse_cidr_list(const char *flag, const char *value, struct mr_cidr_list *out,
		       char *err, size_t errlen);
int mr_parse_uid_ports(const char *flag, const char *value, struct mr_uid_ports_list *out,
		       char *err, size_t errlen);
int mr_parse_user(const char *flag, const char *value, uint32_t *uid,
		  char *err, size_t errlen);
/* ipv4 or dualstack, in any case; "" is dualstack, as in Kuma. */
int mr_parse_ip_family_mode(const char *flag, const char *value, uint8_t *mode,
			    char *err, size_t errlen);

/*
 * The whole command line, argv[0] included. On error, err holds one line
 * without the "meshredir: " prefix and the returned cmdline holds nothing
 * that needs freeing beyond mr_cmdline_free().
 */
int mr_args_parse(struct mr_cmdline *cl, int argc, char **argv, char *err, size_t errlen);
void mr_cmdline_free(struct mr_cmdline *cl);

const char *mr_command_name(enum mr_command cmd);
void mr_usage(FILE *f, enum mr_command topic);

#endif /* MR_ARGS_H */
