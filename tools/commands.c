// SPDX-License-Identifier: GPL-2.0
/*
 * What each command does in the namespace, over the socket main() opened:
 * set, install and apply (with kumactl's dualstack preparation), show,
 * flush, uninstall and reset-counters, and how the kernel's refusals are
 * told.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include "commands.h"
#include "docker.h"
#include "dualstack.h"
#include "kuma.h"
#include "show.h"
#include "util.h"

#define NEED_ADMIN "permission denied: CAP_NET_ADMIN in the user namespace that owns the network namespace is needed (root, or root of that user namespace)"

int kernel_error(const char *what, const struct nl_status *st)
{
	/*
	 * The kernel's own word is only "Operation not permitted": say which
	 * capability, over what, as the family checks it (GENL_UNS_ADMIN_PERM).
	 */
	if (st->error == EPERM || st->error == EACCES)
		return print_error("%s: " NEED_ADMIN, what);
	if (st->msg[0])
		return print_error("kernel: %s", st->msg);
	return print_error("%s: %s", what, strerror(st->error));
}

/* A warning the kernel attached to a successful request. */
static void kernel_warning(const struct nl_status *st)
{
	if (st->msg[0])
		print_error("kernel: %s", st->msg);
}

/*
 * The parts in order on this one socket, each acked before the next: the
 * kernel applies nothing before the last, and a refused part discards the
 * parts before it, so a failure anywhere leaves the configuration as it was.
 */
static int send_set(struct nl *nl, const struct set_parts *parts, const char *what)
{
	struct nl_status st;
	size_t i;

	for (i = 0; i < parts->n; i++) {
		struct nlmsghdr *req = (struct nlmsghdr *)parts->part[i].buf;

		req->nlmsg_type = nl_family(nl);
		if (nl_talk(nl, req, NULL, NULL, &st)) {
			if (st.error == EMSGSIZE && !st.msg[0])
				return print_error("%s: the %u-byte request is larger than the socket send buffer may be; run as root or raise net.core.wmem_max",
						   what, req->nlmsg_len);
			return kernel_error(what, &st);
		}
		kernel_warning(&st);
	}
	return 0;
}

int run_set(struct run *r)
{
	return send_set(r->nl, &r->set, command_name(r->cl->cmd));
}

/*
 * install and apply in dualstack mode, in the namespace, as kumactl: ::6/128
 * on lo (*added: by us), or IPv4 only where the address cannot be added
 * and, for install, where no interface but lo has IPv6. apply is what
 * the systemd units run before the network is up, when no interface has
 * an address yet: it asks only that IPv6 works on lo. kumactl falls back
 * silently; this says so, and builds the SET again for IPv4.
 */
static int prepare_dualstack(struct run *r, struct tool_config *cfg, bool *added)
{
	const struct cmdline *cl = r->cl;
	const char *what = command_name(cl->cmd);
	char err[MR_ERR_LEN], why[MR_ERR_LEN];
	bool has = true;
	int e = 0;

	*added = false;
	if (cl->cmd == CMD_INSTALL && has_ipv6_outside_lo(&has, err, sizeof(err)))
		return print_error("%s: %s", what, err);
	if (!has) {
		snprintf(why, sizeof(why), "no interface but lo has an IPv6 address");
	} else if ((e = lo6_add(added, why, sizeof(why)))) {
		/* The SET would be refused too, and for the same reason. */
		if (e == EPERM)
			return print_error("%s: " NEED_ADMIN, what);
	} else {
		if (cl->verbose)
			printf("# %s in %s\n", *added ? "added ::6/128 to lo" :
			       "::6/128 is on lo already", r->where);
		return 0;
	}
	fprintf(stderr, "meshredir: %s: %s in %s: redirecting IPv4 only, as kumactl does\n",
		what, why, r->where);
	cfg->ip_family_mode = MESHREDIR_IP_FAMILY_IPV4;
	set_parts_free(&r->set);
	if (msg_build_set(&r->set, cfg, 0, MR_SET_PART_SIZE, err, sizeof(err)))
		return print_error("%s", err);
	return 0;
}

/*
 * Kuma's install looks, per family, for Docker's DOCKER_OUTPUT chain in
 * the nat table: its rule for the proxy's UDP/53 then jumps there, which
 * Docker's embedded DNS address tells the kernel; and capture-all turns
 * the zone split off in that family. Rebuilds the SET if anything changed.
 */
static int prepare_docker(struct run *r, struct tool_config *cfg)
{
	const char *what = command_name(r->cl->cmd);
	char err[MR_ERR_LEN], where[64], warn[320];
	bool found = false;
	struct cidr docker = { .family = AF_INET, .prefix_len = 32 };
	enum docker_seen seen;
	int v6;

	for (v6 = 0; v6 < 2; v6++) {
		if (v6 && cfg->ip_family_mode != MESHREDIR_IP_FAMILY_DUALSTACK)
			break;
		seen = docker_output_chain(v6, where, sizeof(where));
		if (r->cl->verbose)
			printf("# %s in %s: %s\n", where, r->where,
			       seen == DOCKER_FOUND ? "has Docker's DOCKER_OUTPUT chain" :
			       seen == DOCKER_DENIED ?
			       "unreadable (no CAP_NET_ADMIN): taken as without DOCKER_OUTPUT" :
			       "no DOCKER_OUTPUT chain");
		if (seen != DOCKER_FOUND)
			continue;
		found = true;
		/* Docker's embedded DNS is IPv4 only: an IPv6 chain has no address. */
		if (!v6 && inet_pton(AF_INET, DOCKER_DNS4, docker.addr) == 1)
			cidr_list_add(&cfg->dns.docker, &docker);
		if (dns_docker_zone_split(&cfg->dns, v6, where, warn, sizeof(warn)))
			fprintf(stderr, "meshredir: %s: %s\n", what, warn);
	}
	if (!found)
		return 0;
	set_parts_free(&r->set);
	if (msg_build_set(&r->set, cfg, 0, MR_SET_PART_SIZE, err, sizeof(err)))
		return print_error("%s", err);
	return 0;
}

/* install and apply: kumactl's dualstack preparation, Docker's chain, then the SET. */
int run_install(struct run *r)
{
	const char *what = command_name(r->cl->cmd);
	struct tool_config cfg = r->cl->cfg;	/* the lists but docker are the command line's */
	char err[MR_ERR_LEN];
	bool added = false;
	int ret = 0;

	cfg.dns.docker = (struct cidr_list){ 0 };
	if (cfg.ip_family_mode == MESHREDIR_IP_FAMILY_DUALSTACK)
		ret = prepare_dualstack(r, &cfg, &added);
	if (!ret)
		ret = prepare_docker(r, &cfg);
	free(cfg.dns.docker.v);
	fflush(stdout);
	if (ret) {
		if (added && lo6_del(err, sizeof(err)))
			print_error("%s: %s", what, err);
		return ret;
	}
	ret = send_set(r->nl, &r->set, what);
	/* Nothing half-done: the address goes if the SET did not take. */
	if (ret && added && lo6_del(err, sizeof(err)))
		print_error("%s: %s", what, err);
	if (!ret && r->cl->verbose)
		printf("# done: %s is configured\n", r->where);
	return ret;
}

struct get_ctx {
	struct tool_config *cfg;
	bool got;
	char err[MR_ERR_LEN];
};

/* Each message of the dump adds its part of the configuration. */
static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *ctx = data;

	ctx->got = true;
	return msg_merge_get(nlh, ctx->cfg, ctx->err, sizeof(ctx->err));
}

int run_show(struct run *r)
{
	enum format format = r->cl->format;
	struct tool_config cfg;
	struct get_ctx ctx = { .cfg = &cfg };
	struct msg m = { 0 };
	struct nl_status st;
	int ret = 0;

	config_init(&cfg);
	if (nl_talk(r->nl, msg_build_dump(&m, nl_family(r->nl), MESHREDIR_CMD_GET),
		    get_cb, &ctx, &st)) {
		if (st.error == ENOENT && format == FORMAT_YAML)
			/* A comment: apply refuses it rather than set defaults. */
			fputs("# " MR_NOT_CONFIGURED "\n", stdout);
		else if (st.error == ENOENT)
			show_unconfigured(stdout, format == FORMAT_JSON);
		else if (st.error == EPROTO && ctx.err[0])
			ret = print_error("%s", ctx.err);
		else
			ret = kernel_error("show", &st);
	} else if (!ctx.got) {
		ret = print_error("show: the kernel sent no configuration");
	} else {
		kernel_warning(&st);
		if (format == FORMAT_JSON)
			show_json(stdout, &cfg);
		else if (format == FORMAT_YAML)
			show_yaml(stdout, &cfg);
		else
			show_text(stdout, &cfg);
	}
	msg_free(&m);
	config_free(&cfg);
	if (fflush(stdout) || ferror(stdout))
		ret = print_error("show: cannot write the output: %s", strerror(errno));
	return ret;
}

/* A command without attributes; ENOENT: there was nothing to act on. */
static int simple(struct run *r, uint8_t cmd, const char *nothing)
{
	const char *what = command_name(r->cl->cmd);
	struct nl_status st;
	struct msg m = { 0 };
	int ret = 0;

	if (nl_talk(r->nl, msg_build_cmd(&m, nl_family(r->nl), cmd), NULL, NULL, &st)) {
		if (st.error == ENOENT)
			fprintf(stderr, MR_NOT_CONFIGURED "; %s\n", nothing);
		else
			ret = kernel_error(what, &st);
	} else {
		kernel_warning(&st);
	}
	msg_free(&m);
	return ret;
}

int run_flush(struct run *r)
{
	return simple(r, MESHREDIR_CMD_DEL, "nothing to flush");
}

int run_uninstall(struct run *r)
{
	int ret = simple(r, MESHREDIR_CMD_DEL, "nothing to uninstall");

	if (!ret && r->cl->verbose)
		printf("# done: %s has no meshredir configuration\n", r->where);
	return ret;
}

int run_reset_counters(struct run *r)
{
	return simple(r, MESHREDIR_CMD_RESET_COUNTERS, "no counters to reset");
}
