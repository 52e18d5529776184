// SPDX-License-Identifier: GPL-2.0
/*
 * meshredir: configures the meshredir kernel module of a network namespace
 * over generic netlink. main() parses the whole command line, and builds
 * any SET, before anything else happens, so that a bad flag never leaves
 * the kernel changed; then the command table says what each command does
 * (commands.c). Each failure ends in one line on stderr and exit status 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include "args.h"
#include "commands.h"
#include "kuma.h"
#include "util.h"
#include "validate.h"

/* The version is dkms.conf's, given by the Makefile. */
#ifndef MR_VERSION
#error "MR_VERSION is not defined: build with tools/Makefile"
#endif

/* What each command does in the namespace; sets: it carries a SET. */
static const struct {
	int (*run)(struct run *r);
	bool sets;
} commands[CMD_COUNT] = {
	[CMD_SET] = { run_set, true },
	[CMD_INSTALL] = { run_install, true },
	[CMD_APPLY] = { run_install, true },
	[CMD_SHOW] = { run_show, false },
	[CMD_FLUSH] = { run_flush, false },
	[CMD_UNINSTALL] = { run_uninstall, false },
	[CMD_RESET_COUNTERS] = { run_reset_counters, false },
	[CMD_VALIDATE] = { run_validate, false },
	[CMD_MONITOR] = { run_monitor, false },
};

static int enter_netns(const struct cmdline *cl)
{
	const char *flag = cl->has_pid ? "--pid" : "--netns";
	char path[PATH_MAX];
	int fd, e;

	if (cl->has_pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)cl->pid);
	else if (strchr(cl->netns, '/'))
		snprintf(path, sizeof(path), "%s", cl->netns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", cl->netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return print_error("%s: cannot open %s: %s", flag, path, strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0) {
		e = errno;
		close(fd);
		return print_error("%s: cannot enter the network namespace of %s: %s%s", flag, path,
				   strerror(e),
				   e == EPERM ? " (CAP_SYS_ADMIN is needed)" :
				   e == EINVAL ? " (not a network namespace)" : "");
	}
	close(fd);
	return 0;
}

/*
 * --dry-run: what would be sent, and nothing is: no namespace entered, no
 * socket opened, so it also works without the module or the privileges.
 */
static int dry_run(const struct run *r)
{
	if (commands[r->cl->cmd].sets) {
		printf("# dry run: this configuration would replace the one of %s\n", r->where);
		kuma_write(stdout, &r->cl->cfg);
	} else {
		printf("# dry run: the configuration of %s would be removed\n", r->where);
	}
	if (fflush(stdout) || ferror(stdout))
		return print_error("cannot write the output: %s", strerror(errno));
	return 0;
}

static int dispatch(const struct cmdline *cl)
{
	struct run r = { .cl = cl };
	bool sets = commands[cl->cmd].sets;
	struct nl_status st;
	char err[MR_ERR_LEN];
	int ret;

	if (cl->has_pid)
		snprintf(r.where, sizeof(r.where), "the network namespace of process %d",
			 (int)cl->pid);
	else if (cl->netns)
		snprintf(r.where, sizeof(r.where), "network namespace %s", cl->netns);
	else
		snprintf(r.where, sizeof(r.where), "this network namespace");
	/* Built first: nothing is sent unless all of it could be. */
	if (sets && msg_build_set(&r.set, &cl->cfg, 0, MR_SET_PART_SIZE, err, sizeof(err)))
		return print_error("%s", err);
	if (cl->dry_run) {
		set_parts_free(&r.set);
		return dry_run(&r);
	}
	if (cl->verbose && sets) {
		printf("# setting this configuration in %s:\n", r.where);
		kuma_write(stdout, &cl->cfg);
	} else if (cl->verbose) {
		printf("# removing the configuration of %s\n", r.where);
	}
	fflush(stdout);
	if ((cl->netns || cl->has_pid) && enter_netns(cl)) {
		set_parts_free(&r.set);
		return 1;
	}
	r.nl = nl_open();
	if (!r.nl) {
		set_parts_free(&r.set);
		return print_error("cannot open a generic netlink socket: %s", strerror(errno));
	}
	if (nl_resolve(r.nl, &st)) {
		if (st.error == ENOENT)
			ret = print_error("the meshredir kernel module is not loaded (modprobe meshredir)");
		else
			ret = kernel_error("looking up the meshredir netlink family", &st);
	} else {
		ret = commands[cl->cmd].run(&r);
	}
	nl_close(r.nl);
	set_parts_free(&r.set);
	return ret;
}

int main(int argc, char **argv)
{
	struct cmdline cl;
	char err[MR_ERR_LEN];
	int ret = 0;

	if (args_parse(&cl, argc, argv, err, sizeof(err))) {
		cmdline_free(&cl);
		return print_error("%s", err);
	}
	if (cl.verbose)
		kuma_notes_print(stderr, &cl.ignored);
	switch (cl.cmd) {
	case CMD_HELP:
		usage(stdout, cl.help_topic);
		break;
	case CMD_VERSION:
		printf("meshredir %s (generic netlink family \"%s\", version %d)\n", MR_VERSION,
		       MESHREDIR_GENL_NAME, MESHREDIR_GENL_VERSION);
		break;
	default:
		ret = commands[cl.cmd].run ? dispatch(&cl) :
		      print_error("internal error: command %d", cl.cmd);
		break;
	}
	cmdline_free(&cl);
	return ret;
}
