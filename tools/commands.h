/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands that talk to the kernel, each a run_*() that main()'s
 * command table names.
 */
#ifndef MR_COMMANDS_H
#define MR_COMMANDS_H

#include <limits.h>
#include "args.h"
#include "msg.h"
#include "nl.h"

/* What every command runs with. */
struct run {
	const struct cmdline *cl;
	struct nl *nl;
	struct set_parts set;		/* set, install, apply: built before all else */
	char where[PATH_MAX + 64];	/* the namespace, as the user named it */
};

int run_set(struct run *r);
/* install and apply: kumactl's dualstack preparation, then the SET. */
int run_install(struct run *r);
int run_show(struct run *r);
int run_flush(struct run *r);
int run_uninstall(struct run *r);
int run_reset_counters(struct run *r);
/* monitor.c: prints the namespace's events until --count, SIGINT or SIGTERM. */
int run_monitor(struct run *r);

/* One line on stderr for a refused request; returns 1, the exit status. */
int kernel_error(const char *what, const struct nl_status *st);

#endif /* MR_COMMANDS_H */
