// SPDX-License-Identifier: GPL-2.0
/*
 * meshredir: configures the meshredir kernel module of a network namespace
 * over generic netlink. The command line is parsed and the request built
 * before anything else happens, so that a bad flag never leaves the kernel
 * changed; each failure ends in one line on stderr and exit status 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "args.h"
#include "dualstack.h"
#include "nl.h"
#include "show.h"
#include "yaml.h"

#ifndef MR_VERSION
#define MR_VERSION "0.1"
#endif

__attribute__((format(printf, 1, 2)))
static int mr_error(const char *fmt, ...)
{
	va_list ap;

	fputs("meshredir: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int mr_enter_netns(const struct mr_cmdline *cl)
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
		return mr_error("%s: cannot open %s: %s", flag, path, strerror(errno));
	if (setns(fd, CLONE_NEWNET) < 0) {
		e = errno;
		close(fd);
		return mr_error("%s: cannot enter the network namespace of %s: %s%s", flag, path,
				strerror(e),
				e == EPERM ? " (CAP_SYS_ADMIN is needed)" :
				e == EINVAL ? " (not a network namespace)" : "");
	}
	close(fd);
	return 0;
}

#define MR_NEED_ADMIN "permission denied: CAP_NET_ADMIN in the user namespace that owns the network namespace is needed (root, or root of that user namespace)"

static int mr_kernel_error(const char *what, const struct mr_nl_status *st)
{
	/*
	 * The kernel's own word is only "Operation not permitted": say which
	 * capability, over what, as the family checks it (GENL_UNS_ADMIN_PERM).
	 */
	if (st->error == EPERM || st->error == EACCES)
		return mr_error("%s: " MR_NEED_ADMIN, what);
	if (st->msg[0])
		return mr_error("kernel: %s", st->msg);
	return mr_error("%s: %s", what, strerror(st->error));
}

/* A warning the kernel attached to a successful request. */
static void mr_kernel_warning(const struct mr_nl_status *st)
{
	if (st->msg[0])
		mr_error("kernel: %s", st->msg);
}

static int mr_not_configured(const char *what)
{
	fprintf(stderr, MR_NOT_CONFIGURED "; %s\n", what);
	return 0;
}

struct mr_get_ctx {
	struct mr_tool_config *cfg;
	bool got;
	char err[MR_ERR_LEN];
};

/* Each message of the dump adds its part of the configuration. */
static int mr_get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mr_get_ctx *ctx = data;

	ctx->got = true;
	return mr_nl_merge_get(nlh, ctx->cfg, ctx->err, sizeof(ctx->err));
}

/*
 * A GET dump, whatever the configuration's size; a module from before
 * dumps (EOPNOTSUPP) is asked for its one reply instead.
 */
static int mr_get(struct mr_nl *nl, struct mr_get_ctx *ctx, struct mr_nl_status *st)
{
	struct mr_msg m = { 0 };
	int ret;

	ret = mr_nl_talk(nl, mr_nl_build_dump(&m, mr_nl_family(nl), MESHREDIR_CMD_GET),
			 mr_get_cb, ctx, st);
	if (ret && st->error == EOPNOTSUPP && !ctx->got)
		ret = mr_nl_talk(nl, mr_nl_build_cmd(&m, mr_nl_family(nl), MESHREDIR_CMD_GET),
				 mr_get_cb, ctx, st);
	mr_msg_free(&m);
	return ret;
}

static int mr_show(struct mr_nl *nl, enum mr_format format)
{
	struct mr_tool_config cfg;
	struct mr_get_ctx ctx = { .cfg = &cfg };
	struct mr_nl_status st;
	int ret = 0;

	mr_config_init(&cfg);
	if (mr_get(nl, &ctx, &st)) {
		if (st.error == ENOENT && format == MR_FORMAT_YAML)
			/* A comment: apply refuses it rather than set defaults. */
			fputs("# " MR_NOT_CONFIGURED "\n", stdout);
		else if (st.error == ENOENT)
			mr_show_unconfigured(stdout, format == MR_FORMAT_JSON);
		else if (st.error == EPROTO && ctx.err[0])
			ret = mr_error("%s", ctx.err);
		else
			ret = mr_kernel_error("show", &st);
	} else if (!ctx.got) {
		ret = mr_error("show: the kernel sent no configuration");
	} else {
		mr_kernel_warning(&st);
		if (format == MR_FORMAT_JSON)
			mr_show_json(stdout, &cfg);
		else if (format == MR_FORMAT_YAML)
			mr_yaml_write(stdout, &cfg);
		else
			mr_show_text(stdout, &cfg);
	}
	mr_config_free(&cfg);
	if (fflush(stdout) || ferror(stdout))
		ret = mr_error("show: cannot write the output: %s", strerror(errno));
	return ret;
}

static int mr_simple(struct mr_nl *nl, uint8_t cmd, const char *name, const char *nothing)
{
	struct mr_nl_status st;
	struct mr_msg m = { 0 };
	int ret = 0;

	if (mr_nl_talk(nl, mr_nl_build_cmd(&m, mr_nl_family(nl), cmd), NULL, NULL, &st))
		ret = st.error == ENOENT ? mr_not_configured(nothing) : mr_kernel_error(name, &st);
	else
		mr_kernel_warning(&st);
	mr_msg_free(&m);
	return ret;
}

/*
 * The parts in order on this one socket, each acked before the next: the
 * kernel applies nothing before the last, and a refused part discards the
 * parts before it, so a failure anywhere leaves the configuration as it was.
 */
static int mr_set(struct mr_nl *nl, const struct mr_set_parts *parts, const char *what)
{
	struct mr_nl_status st;
	size_t i;

	for (i = 0; i < parts->n; i++) {
		struct nlmsghdr *req = (struct nlmsghdr *)parts->part[i].buf;

		req->nlmsg_type = mr_nl_family(nl);
		if (mr_nl_talk(nl, req, NULL, NULL, &st)) {
			if (st.error == EMSGSIZE && !st.msg[0])
				return mr_error("%s: the %u-byte request is larger than the socket send buffer may be; run as root or raise net.core.wmem_max",
						what, req->nlmsg_len);
			return mr_kernel_error(what, &st);
		}
		mr_kernel_warning(&st);
	}
	return 0;
}

/* For --verbose and --dry-run: which namespace, as the user named it. */
static void mr_where(const struct mr_cmdline *cl, char *buf, size_t len)
{
	if (cl->has_pid)
		snprintf(buf, len, "the network namespace of process %d", (int)cl->pid);
	else if (cl->netns)
		snprintf(buf, len, "network namespace %s", cl->netns);
	else
		snprintf(buf, len, "this network namespace");
}

static bool mr_sets(enum mr_command cmd)
{
	return cmd == MR_CMD_SET || cmd == MR_CMD_INSTALL || cmd == MR_CMD_APPLY;
}

/*
 * install and apply in dualstack mode, in the namespace, as kumactl: ::6/128
 * on lo (*added: by us), or IPv4 only where the address cannot be added
 * and, for install, where no interface but lo has IPv6. apply is what
 * meshredir@.service runs before the network is up, when no interface has
 * an address yet: it asks only that IPv6 works on lo. kumactl falls back
 * silently; this says so, and builds the SET again for IPv4.
 */
static int mr_prepare_dualstack(const struct mr_cmdline *cl, const char *where,
				struct mr_set_parts *set, bool *added)
{
	const char *what = mr_command_name(cl->cmd);
	struct mr_tool_config v4 = cl->cfg;
	char err[MR_ERR_LEN], why[MR_ERR_LEN];
	bool has = true;
	int e = 0;

	*added = false;
	if (cl->cmd == MR_CMD_INSTALL && mr_has_ipv6_outside_lo(&has, err, sizeof(err)))
		return mr_error("%s: %s", what, err);
	if (!has) {
		snprintf(why, sizeof(why), "no interface but lo has an IPv6 address");
	} else if ((e = mr_lo6_add(added, why, sizeof(why)))) {
		/* The SET would be refused too, and for the same reason. */
		if (e == EPERM)
			return mr_error("%s: " MR_NEED_ADMIN, what);
	} else {
		if (cl->verbose)
			printf("# %s in %s\n", *added ? "added ::6/128 to lo" :
			       "::6/128 is on lo already", where);
		return 0;
	}
	fprintf(stderr, "meshredir: %s: %s in %s: redirecting IPv4 only, as kumactl does\n",
		what, why, where);
	v4.ip_family_mode = MESHREDIR_IP_FAMILY_IPV4;
	mr_set_parts_free(set);
	if (mr_nl_build_set(set, &v4, 0, MR_SET_PART_SIZE, err, sizeof(err)))
		return mr_error("%s", err);
	return 0;
}

/*
 * --dry-run: what would be sent, and nothing is: no namespace entered, no
 * socket opened, so it also works without the module or the privileges.
 */
static int mr_dry_run(const struct mr_cmdline *cl)
{
	char where[PATH_MAX + 64];

	mr_where(cl, where, sizeof(where));
	if (mr_sets(cl->cmd)) {
		printf("# dry run: this configuration would replace the one of %s\n", where);
		mr_yaml_write(stdout, &cl->cfg);
	} else {
		printf("# dry run: the configuration of %s would be removed\n", where);
	}
	if (fflush(stdout) || ferror(stdout))
		return mr_error("cannot write the output: %s", strerror(errno));
	return 0;
}

static int mr_run(const struct mr_cmdline *cl)
{
	struct mr_set_parts set = { 0 };
	struct mr_nl_status st;
	char err[MR_ERR_LEN];
	bool lo6_added = false;
	struct mr_nl *nl;
	int ret;

	char where[PATH_MAX + 64];

	/* Built first: nothing is sent unless all of it could be. */
	if (mr_sets(cl->cmd)) {
		if (mr_nl_build_set(&set, &cl->cfg, 0, MR_SET_PART_SIZE, err, sizeof(err)))
			return mr_error("%s", err);
	}
	if (cl->dry_run) {
		mr_set_parts_free(&set);
		return mr_dry_run(cl);
	}
	mr_where(cl, where, sizeof(where));
	if (cl->verbose && mr_sets(cl->cmd)) {
		printf("# setting this configuration in %s:\n", where);
		mr_yaml_write(stdout, &cl->cfg);
	} else if (cl->verbose) {
		printf("# removing the configuration of %s\n", where);
	}
	fflush(stdout);
	if ((cl->netns || cl->has_pid) && mr_enter_netns(cl)) {
		mr_set_parts_free(&set);
		return 1;
	}
	nl = mr_nl_open();
	if (!nl) {
		mr_set_parts_free(&set);
		return mr_error("cannot open a generic netlink socket: %s", strerror(errno));
	}
	if (mr_nl_resolve(nl, &st)) {
		if (st.error == ENOENT)
			ret = mr_error("the meshredir kernel module is not loaded (modprobe meshredir)");
		else
			ret = mr_kernel_error("looking up the meshredir netlink family", &st);
		goto out;
	}
	switch (cl->cmd) {
	case MR_CMD_SET:
		ret = mr_set(nl, &set, mr_command_name(cl->cmd));
		break;
	case MR_CMD_INSTALL:
	case MR_CMD_APPLY:
		if (cl->cfg.ip_family_mode == MESHREDIR_IP_FAMILY_DUALSTACK) {
			ret = mr_prepare_dualstack(cl, where, &set, &lo6_added);
			if (ret)
				break;
			fflush(stdout);
		}
		ret = mr_set(nl, &set, mr_command_name(cl->cmd));
		/* Nothing half-done: the address goes if the SET did not take. */
		if (ret && lo6_added && mr_lo6_del(err, sizeof(err)))
			mr_error("%s: %s", mr_command_name(cl->cmd), err);
		if (!ret && cl->verbose)
			printf("# done: %s is configured\n", where);
		break;
	case MR_CMD_SHOW:
		ret = mr_show(nl, cl->format);
		break;
	case MR_CMD_FLUSH:
		ret = mr_simple(nl, MESHREDIR_CMD_DEL, "flush", "nothing to flush");
		break;
	case MR_CMD_UNINSTALL:
		ret = mr_simple(nl, MESHREDIR_CMD_DEL, "uninstall", "nothing to uninstall");
		if (!ret && cl->verbose)
			printf("# done: %s has no meshredir configuration\n", where);
		break;
	case MR_CMD_RESET_COUNTERS:
		ret = mr_simple(nl, MESHREDIR_CMD_RESET_COUNTERS, "reset-counters",
				"no counters to reset");
		break;
	default:
		ret = mr_error("internal error: command %d", cl->cmd);
		break;
	}
out:
	mr_nl_close(nl);
	mr_set_parts_free(&set);
	return ret;
}

int main(int argc, char **argv)
{
	struct mr_cmdline cl;
	char err[MR_ERR_LEN];
	int ret = 0;

	if (mr_args_parse(&cl, argc, argv, err, sizeof(err))) {
		mr_cmdline_free(&cl);
		return mr_error("%s", err);
	}
	switch (cl.cmd) {
	case MR_CMD_HELP:
		mr_usage(stdout, cl.help_topic);
		break;
	case MR_CMD_VERSION:
		printf("meshredir %s (generic netlink family \"%s\", version %d)\n", MR_VERSION,
		       MESHREDIR_GENL_NAME, MESHREDIR_GENL_VERSION);
		break;
	default:
		ret = mr_run(&cl);
		break;
	}
	mr_cmdline_free(&cl);
	return ret;
}
