/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line: the command words, kumactl's flags, and install's and
 * apply's Kuma files, into a struct cmdline that holds a whole checked
 * configuration before anything is sent.
 */
#ifndef MR_ARGS_H
#define MR_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include "config.h"
#include "kuma.h"

enum command {
	CMD_NONE,
	CMD_HELP,
	CMD_VERSION,
	CMD_SET,
	CMD_SHOW,
	CMD_FLUSH,
	CMD_RESET_COUNTERS,
	CMD_INSTALL,		/* install transparent-proxy */
	CMD_UNINSTALL,		/* uninstall transparent-proxy */
	CMD_APPLY,
	CMD_VALIDATE,
	CMD_MONITOR,
	CMD_COUNT
};

enum format {
	FORMAT_TEXT,
	FORMAT_JSON,
	FORMAT_YAML,
};

struct cmdline {
	enum command cmd;
	enum command help_topic;	/* CMD_HELP: CMD_NONE for all */
	enum format format;		/* CMD_SHOW, CMD_MONITOR */
	bool dry_run;			/* install, uninstall, apply */
	bool verbose;			/* install, uninstall, apply */
	const char *file;		/* CMD_APPLY: FILE or "-"; into argv */
	const char *netns;		/* points into argv */
	bool has_pid;
	pid_t pid;
	struct tool_config cfg;		/* set, install, apply; validate's port */
	uint32_t kuma_uid;		/* validate: the proxy's UID */
	unsigned int timeout_ms;	/* validate */
	/* install, apply: kumactl's flags, fields and variables given and ignored */
	struct kuma_notes ignored;
	uint64_t reasons;		/* monitor: 1 << reason shown; 0: all */
	uint64_t count;			/* monitor: stop after this many; 0: never */
};

/*
 * The whole command line, argv[0] included. On error, err holds one line
 * without the "meshredir: " prefix and the returned cmdline holds nothing
 * that needs freeing beyond cmdline_free().
 */
int args_parse(struct cmdline *cl, int argc, char **argv, char *err, size_t errlen);
void cmdline_free(struct cmdline *cl);

/* The command's word: "set", "install", ...; "meshredir" for none. */
const char *command_name(enum command cmd);
/* The help of a command, or the tool's for CMD_NONE (usage.c). */
void usage(FILE *f, enum command topic);

#endif /* MR_ARGS_H */
