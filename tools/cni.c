// SPDX-License-Identifier: GPL-2.0
/*
 * meshredir-cni: a chained CNI plugin (specification 1.0.0 and 0.4.0) that
 * configures a meshed pod's network namespace as `meshredir install
 * transparent-proxy` would, from its network configuration and the pod's
 * annotations (cni_conf.c), when the runtime creates the pod: the pod
 * never runs unredirected, and needs no NET_ADMIN init container. Run by
 * the runtime with CNI_COMMAND set; run by hand or by a DaemonSet it
 * installs itself (cni_install.c). Everything is read and checked before
 * the namespace is entered, and the kernel applies a configuration whole
 * or not at all, so a failed ADD leaves the namespace as it was.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include "cni_conf.h"
#include "cni_install.h"
#include "dualstack.h"
#include "file.h"
#include "kuma.h"
#include "msg.h"
#include "nl.h"

#ifndef MR_VERSION
#error "MR_VERSION is not defined: build with tools/Makefile"
#endif

struct ctx {
	const char *cmd;
	struct cni_conf conf;
	struct cni_error e;
	struct nl *nl;
};

static int error_out(struct ctx *c)
{
	cni_write_error(stdout, c->conf.version, &c->e);
	fflush(stdout);
	fprintf(stderr, "meshredir-cni: %s: %s: %s\n", c->cmd, c->e.msg, c->e.details);
	return 1;
}

__attribute__((format(printf, 4, 5)))
static int cni_err(struct ctx *c, int code, const char *msg, const char *fmt, ...)
{
	va_list ap;

	c->e.code = code;
	snprintf(c->e.msg, sizeof(c->e.msg), "%s", msg);
	va_start(ap, fmt);
	vsnprintf(c->e.details, sizeof(c->e.details), fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Into CNI_NETNS, and a socket to the module there. *gone: the namespace
 * or the module is not there, which DEL takes as nothing to do.
 */
static int enter(struct ctx *c, bool *gone)
{
	const char *netns = getenv("CNI_NETNS");
	struct nl_status st;
	int fd, e;

	*gone = false;
	if (!netns || !*netns) {
		*gone = true;
		return cni_err(c, CNI_ERR_ENV, "CNI_NETNS is not set",
			       "the runtime gave no network namespace to configure");
	}
	fd = open(netns, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		*gone = e == ENOENT;
		return cni_err(c, CNI_ERR_IO, "cannot open the pod's network namespace",
			       "CNI_NETNS %s: %s", netns, strerror(e));
	}
	if (setns(fd, CLONE_NEWNET)) {
		e = errno;
		close(fd);
		return cni_err(c, CNI_ERR_IO, "cannot enter the pod's network namespace",
			       "CNI_NETNS %s: %s%s", netns, strerror(e),
			       e == EINVAL ? " (not a network namespace)" : "");
	}
	close(fd);
	c->nl = nl_open();
	if (!c->nl)
		return cni_err(c, CNI_ERR_KERNEL, "cannot open a generic netlink socket", "%s",
			       strerror(errno));
	if (nl_resolve(c->nl, &st)) {
		*gone = st.error == ENOENT;
		return cni_err(c, CNI_ERR_KERNEL, "the meshredir kernel module is not loaded",
			       "the node needs the meshredir module (modprobe meshredir; the meshredir-dkms package): %s",
			       strerror(st.error));
	}
	return 0;
}

static int kernel_failed(struct ctx *c, const char *what, const struct nl_status *st)
{
	return cni_err(c, CNI_ERR_KERNEL, "the kernel refused the pod's configuration",
		       "%s: %s", what, st->msg[0] ? st->msg : strerror(st->error));
}

/*
 * kumactl's dualstack preparation, as install does it: IPv6 is redirected
 * only if an interface but lo has an IPv6 address and ::6/128 could be
 * put on lo; else IPv4 only, said on stderr.
 */
static void dualstack(struct tool_config *cfg, bool *added)
{
	char why[MR_ERR_LEN];
	bool has = false;

	*added = false;
	if (cfg->ip_family_mode != MESHREDIR_IP_FAMILY_DUALSTACK)
		return;
	if (has_ipv6_outside_lo(&has, why, sizeof(why)) == 0 && !has)
		snprintf(why, sizeof(why), "no interface but lo has an IPv6 address");
	else if (has && !lo6_add(added, why, sizeof(why)))
		return;
	fprintf(stderr, "meshredir-cni: ADD: %s: redirecting IPv4 only, as kumactl does\n", why);
	cfg->ip_family_mode = MESHREDIR_IP_FAMILY_IPV4;
}

static int send_parts(struct ctx *c, const struct set_parts *p)
{
	struct nl_status st;
	size_t i;

	for (i = 0; i < p->n; i++) {
		struct nlmsghdr *req = (struct nlmsghdr *)p->part[i].buf;

		req->nlmsg_type = nl_family(c->nl);
		if (nl_talk(c->nl, req, NULL, NULL, &st))
			return kernel_failed(c, "SET", &st);
	}
	return 0;
}

static int cmd_add(struct ctx *c)
{
	struct set_parts parts = { 0 };
	struct tool_config cfg;
	char err[MR_ERR_LEN];
	bool gone, added;
	int ret = -1;

	if (!cni_is_kuma_pod(&c->conf)) {
		cni_write_result(stdout, &c->conf);
		return 0;
	}
	if (cni_build_config(&c->conf, &cfg, &c->e))
		goto out;
	/* Checked before entering: the namespace is touched only by a SET that fits. */
	if (msg_build_set(&parts, &cfg, 0, MR_SET_PART_SIZE, err, sizeof(err))) {
		cni_err(c, CNI_ERR_ANNOTATION, "the pod's configuration does not fit a request", "%s",
			err);
		goto out;
	}
	if (enter(c, &gone))
		goto out;
	dualstack(&cfg, &added);
	if (cfg.ip_family_mode == MESHREDIR_IP_FAMILY_IPV4) {
		set_parts_free(&parts);
		if (msg_build_set(&parts, &cfg, 0, MR_SET_PART_SIZE, err, sizeof(err))) {
			cni_err(c, CNI_ERR_ANNOTATION, "the pod's configuration does not fit a request",
				"%s", err);
			goto out;
		}
	}
	if (send_parts(c, &parts)) {
		if (added && lo6_del(err, sizeof(err)))
			fprintf(stderr, "meshredir-cni: ADD: %s\n", err);
		goto out;
	}
	cni_write_result(stdout, &c->conf);
	ret = 0;
out:
	set_parts_free(&parts);
	config_free(&cfg);
	return ret;
}

static int cmd_del(struct ctx *c)
{
	struct nl_status st;
	struct msg m = { 0 };
	bool gone;
	int ret = 0;

	if (!cni_is_kuma_pod(&c->conf))
		return 0;
	/* A namespace already gone, or never configured, has nothing to remove. */
	if (enter(c, &gone))
		return gone ? 0 : -1;
	if (nl_talk(c->nl, msg_build_cmd(&m, nl_family(c->nl), MESHREDIR_CMD_DEL), NULL, NULL,
		    &st) && st.error != ENOENT)
		ret = kernel_failed(c, "DEL", &st);
	msg_free(&m);
	return ret;
}

struct get_ctx {
	struct tool_config *cfg;
	char err[MR_ERR_LEN];
};

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *g = data;

	return msg_merge_get(nlh, g->cfg, g->err, sizeof(g->err));
}

/* cfg as Kuma YAML, to compare two configurations line by line. */
static char *yaml_of(const struct tool_config *cfg)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	kuma_write(f, cfg);
	fclose(f);
	return buf;
}

/* The first line where a and b differ, as "LINE_A" vs "LINE_B". */
static void first_difference(const char *a, const char *b, char *out, size_t len)
{
	while (*a && *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la)) {
			snprintf(out, len, "ADD would set \"%.*s\", the namespace has \"%.*s\"",
				 (int)la, a, (int)lb, b);
			return;
		}
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
	}
	snprintf(out, len, "ADD would set \"%.*s\", the namespace has \"%.*s\"",
		 (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
}

static int cmd_check(struct ctx *c)
{
	struct tool_config want, have;
	struct get_ctx g = { .cfg = &have };
	char *yw = NULL, *yh = NULL, diff[MR_ERR_LEN];
	struct msg m = { 0 };
	struct nl_status st;
	bool gone, has6 = false;
	int ret = -1;

	config_init(&have);
	if (!c->conf.prev.len) {
		config_init(&want);
		cni_err(c, CNI_ERR_INVALID_CONFIG, "CHECK needs a prevResult",
			"the runtime gave no prevResult to check");
		goto out;
	}
	if (!cni_is_kuma_pod(&c->conf)) {
		config_init(&want);
		ret = 0;
		goto out;
	}
	if (cni_build_config(&c->conf, &want, &c->e) || enter(c, &gone))
		goto out;
	if (nl_talk(c->nl, msg_build_dump(&m, nl_family(c->nl), MESHREDIR_CMD_GET), get_cb, &g,
		    &st)) {
		if (st.error == ENOENT)
			cni_err(c, CNI_ERR_CHECK, "the pod's network namespace is not configured",
				"meshredir has no configuration in %s", getenv("CNI_NETNS"));
		else
			kernel_failed(c, "GET", &st);
		goto out;
	}
	/* ADD's dualstack preparation may have left it IPv4 only. */
	if (want.ip_family_mode == MESHREDIR_IP_FAMILY_DUALSTACK &&
	    have.ip_family_mode == MESHREDIR_IP_FAMILY_IPV4 &&
	    (has_ipv6_outside_lo(&has6, diff, sizeof(diff)) || !has6))
		want.ip_family_mode = MESHREDIR_IP_FAMILY_IPV4;
	yw = yaml_of(&want);
	yh = yaml_of(&have);
	if (!yw || !yh || strcmp(yw, yh)) {
		first_difference(yw ? yw : "", yh ? yh : "", diff, sizeof(diff));
		cni_err(c, CNI_ERR_CHECK,
			"the pod's network namespace is not configured as ADD would configure it",
			"%s", diff);
		goto out;
	}
	ret = 0;
out:
	msg_free(&m);
	free(yw);
	free(yh);
	config_free(&want);
	config_free(&have);
	return ret;
}

static int cni_main(const char *cmd)
{
	struct ctx c = { .cmd = cmd };
	char rerr[MR_ERR_LEN];
	size_t len = 0;
	char *text;
	int ret;

	text = read_file("-", &len, rerr, sizeof(rerr));
	if (!strcmp(cmd, "VERSION")) {
		cni_write_versions(stdout);
		free(text);
		return 0;
	}
	if (!text) {
		cni_err(&c, CNI_ERR_IO, "cannot read the network configuration", "%s", rerr);
		return error_out(&c);
	}
	if (cni_conf_parse(text, len, &c.conf, &c.e)) {
		ret = error_out(&c);
	} else if (!strcmp(cmd, "ADD")) {
		ret = cmd_add(&c) ? error_out(&c) : 0;
	} else if (!strcmp(cmd, "DEL")) {
		ret = cmd_del(&c) ? error_out(&c) : 0;
	} else if (!strcmp(cmd, "CHECK")) {
		ret = cmd_check(&c) ? error_out(&c) : 0;
	} else {
		cni_err(&c, CNI_ERR_ENV, "unknown CNI_COMMAND",
			"CNI_COMMAND \"%s\" is not ADD, DEL, CHECK or VERSION", cmd);
		ret = error_out(&c);
	}
	if (c.nl)
		nl_close(c.nl);
	free(text);
	if (fflush(stdout) || ferror(stdout))
		ret = 1;
	return ret;
}

int main(int argc, char **argv)
{
	const char *cmd = getenv("CNI_COMMAND");

	if (argc > 1 || !cmd || !*cmd)
		return cni_install_main(argc, argv, MR_VERSION);
	return cni_main(cmd);
}
