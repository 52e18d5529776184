// SPDX-License-Identifier: GPL-2.0
/*
 * meshredir validate: proves, in the namespace already entered, that an
 * application's outbound connection reaches the proxy's port and the
 * proxy's own does not, by making such connections, before the proxy runs.
 * It trusts no configuration it reads: an unconfigured namespace, a port,
 * a UID or a family set wrong all end in a probe that does not land, and
 * so in a failure. What it reads only explains a failure, and warns of
 * what would change redirection there (nat rules, NOTRACK, a family with
 * addresses but no redirection).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "dualstack.h"
#include "validate.h"
#include "util.h"

/* linux/netfilter_ipv4.h and linux/netfilter_ipv6/ip6_tables.h. */
#define MR_SO_ORIGINAL_DST 80

/* TEST-NET-1 and the documentation prefix: no real destination. */
#define PROBE4 "192.0.2.200"
#define PROBE6 "2001:db8::200"
#define NOBODY 65534u

struct probe {
	int family;
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} dst;
	socklen_t dst_len;
	char name[INET6_ADDRSTRLEN + 8];	/* "192.0.2.200:80", "[2001:db8::200]:80" */
};

/* What happened to one connection attempt. */
struct outcome {
	bool landed;		/* on the validator's listener, with the token */
	bool right_dst;		/* and SO_ORIGINAL_DST was the probe's address */
	char orig[INET6_ADDRSTRLEN + 8];
	int child_errno;	/* 0: connect succeeded; -1: timed out or died */
};

static bool in_ranges(const struct range_list *l, uint32_t v)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].first <= v && v <= l->v[i].last)
			return true;
	return false;
}

/* Whether this UID's connection to port is excluded by exclude-outbound-ports-for-uids. */
static bool uid_excluded(const struct tool_config *cfg, uint32_t uid, uint32_t port)
{
	const struct uid_ports_list *l = &cfg->outbound.exclude_ports_for_uids;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].uids.first <= uid && uid <= l->v[i].uids.last &&
		    in_ranges(&l->v[i].ports, port))
			return true;
	return false;
}

/*
 * A destination port and an application UID and GID the configuration
 * means to redirect, so that a namespace excluding port 80 or UID 65534
 * on purpose is not failed for it; with no configuration, the defaults.
 */
static void pick(const struct tool_config *cfg, uint32_t proxy_uid, uint16_t *port,
		 uint32_t *uid, uint32_t *gid)
{
	const struct dir_config *o = &cfg->outbound;
	uint32_t p;

	for (p = 80; p < 65536; p++)
		if (p != o->port && !in_ranges(&o->exclude_ports, p) &&
		    (!o->include_ports.n || in_ranges(&o->include_ports, p)))
			break;
	*port = p < 65536 ? p : 80;
	for (*uid = NOBODY; *uid > 1; (*uid)--)
		if (*uid != proxy_uid && !in_ranges(&cfg->owner_uids, *uid) &&
		    !uid_excluded(cfg, *uid, *port))
			break;
	for (*gid = NOBODY; *gid > 1; (*gid)--)
		if (!in_ranges(&cfg->owner_gids, *gid))
			break;
}

static void probe_init(struct probe *pr, int family, uint16_t port)
{
	memset(pr, 0, sizeof(*pr));
	pr->family = family;
	if (family == AF_INET) {
		pr->dst.v4.sin_family = AF_INET;
		pr->dst.v4.sin_port = htons(port);
		inet_pton(AF_INET, PROBE4, &pr->dst.v4.sin_addr);
		pr->dst_len = sizeof(pr->dst.v4);
		snprintf(pr->name, sizeof(pr->name), PROBE4 ":%u", port);
	} else {
		pr->dst.v6.sin6_family = AF_INET6;
		pr->dst.v6.sin6_port = htons(port);
		inet_pton(AF_INET6, PROBE6, &pr->dst.v6.sin6_addr);
		pr->dst_len = sizeof(pr->dst.v6);
		snprintf(pr->name, sizeof(pr->name), "[" PROBE6 "]:%u", port);
	}
}

/* The proxy's listener, on every address of the family, as Kuma's proxy binds. */
static int listen_on(int family, uint16_t port, char *err, size_t errlen)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				   .sin6_addr = IN6ADDR_ANY_INIT };
	int fd, one = 1, e;

	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return fail(err, errlen, "cannot open an IPv%d socket: %s",
			    family == AF_INET ? 4 : 6, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if ((family == AF_INET ? bind(fd, (struct sockaddr *)&a4, sizeof(a4)) :
				 bind(fd, (struct sockaddr *)&a6, sizeof(a6))) ||
	    listen(fd, 16)) {
		e = errno;
		close(fd);
		return fail(err, errlen, "cannot listen on IPv%d port %u: %s%s",
			    family == AF_INET ? 4 : 6, port, strerror(e),
			    e == EADDRINUSE ? " (validate runs before the proxy starts)" : "");
	}
	return fd;
}

/* In the child: connect as uid:gid, send the token, report errno as the status. */
static void __attribute__((noreturn)) connect_as(const struct probe *pr, uint32_t uid,
						 uint32_t gid, unsigned int timeout_ms,
						 uint64_t token, int done)
{
	struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
	int fd;

	if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
		_exit(errno & 0xff ? errno & 0xff : 1);
	fd = socket(pr->family, SOCK_STREAM, 0);
	if (fd < 0)
		_exit(errno & 0xff);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)&pr->dst, pr->dst_len))
		_exit(errno == EINPROGRESS ? ETIMEDOUT : errno & 0xff);
	if (write(fd, &token, sizeof(token)) != sizeof(token))
		_exit(errno & 0xff);
	/* Held open until the parent has looked at it. */
	(void)!read(done, &token, 1);
	_exit(0);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An accepted connection: whether it is the probe's, and where it was headed. */
static void inspect(int c, const struct probe *pr, uint64_t token, struct outcome *o)
{
	struct sockaddr_in6 d6;
	struct sockaddr_in d4;
	socklen_t len;
	struct pollfd p = { c, POLLIN, 0 };
	uint64_t got = 0;
	char a[INET6_ADDRSTRLEN];

	if (poll(&p, 1, 1000) != 1 || read(c, &got, sizeof(got)) != sizeof(got) || got != token)
		return;
	o->landed = true;
	if (pr->family == AF_INET) {
		len = sizeof(d4);
		if (getsockopt(c, SOL_IP, MR_SO_ORIGINAL_DST, &d4, &len))
			goto none;
		inet_ntop(AF_INET, &d4.sin_addr, a, sizeof(a));
		snprintf(o->orig, sizeof(o->orig), "%s:%u", a, ntohs(d4.sin_port));
		o->right_dst = d4.sin_addr.s_addr == pr->dst.v4.sin_addr.s_addr &&
			       d4.sin_port == pr->dst.v4.sin_port;
	} else {
		len = sizeof(d6);
		if (getsockopt(c, SOL_IPV6, MR_SO_ORIGINAL_DST, &d6, &len))
			goto none;
		inet_ntop(AF_INET6, &d6.sin6_addr, a, sizeof(a));
		snprintf(o->orig, sizeof(o->orig), "[%s]:%u", a, ntohs(d6.sin6_port));
		o->right_dst = !memcmp(&d6.sin6_addr, &pr->dst.v6.sin6_addr, 16) &&
			       d6.sin6_port == pr->dst.v6.sin6_port;
	}
	return;
none:
	snprintf(o->orig, sizeof(o->orig), "none (%s)", strerror(errno));
}

/*
 * One connection from uid:gid to the probe's address, watched on the
 * listener until it lands, or the child gave up and nothing came, or the
 * timeout. A child that connected elsewhere (a real network) is waited for
 * up to the timeout too, for its connection could yet be the listener's.
 */
static int attempt(int lfd, const struct probe *pr, uint32_t uid, uint32_t gid,
		   unsigned int timeout_ms, struct outcome *o, char *err, size_t errlen)
{
	int status_pipe[2], done_pipe[2], st, c;
	long deadline = now_ms() + timeout_ms + 1000;
	bool child_done = false;
	uint64_t token;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	o->child_errno = -1;
	token = ((uint64_t)getpid() << 32) ^ (uint64_t)now_ms() ^ ((uint64_t)uid << 16);
	if (pipe2(status_pipe, O_CLOEXEC) || pipe2(done_pipe, O_CLOEXEC))
		return fail(err, errlen, "cannot make a pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return fail(err, errlen, "cannot fork: %s", strerror(errno));
	if (!pid) {
		close(lfd);
		close(status_pipe[0]);
		close(done_pipe[1]);
		connect_as(pr, uid, gid, timeout_ms, token, done_pipe[0]);
	}
	close(status_pipe[1]);
	close(done_pipe[0]);
	while (!o->landed) {
		struct pollfd p[2] = { { lfd, POLLIN, 0 }, { status_pipe[0], POLLIN, 0 } };
		long left = deadline - now_ms();
		int n;

		if (left <= 0)
			break;
		/* After the child: a little more for its last packet to arrive. */
		if (child_done && o->child_errno && left > 200)
			deadline = now_ms() + 200;
		n = poll(p, child_done ? 1 : 2, left);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (p[0].revents & POLLIN)) {
			c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (c >= 0) {
				inspect(c, pr, token, o);
				close(c);
			}
		}
		if (!child_done && n > 0 && p[1].revents) {
			child_done = true;
			/* The child holds the status pipe open until it exits or connects. */
			if (waitpid(pid, &st, WNOHANG) == pid) {
				o->child_errno = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
				pid = 0;
			}
		}
	}
	close(done_pipe[1]);
	close(status_pipe[0]);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		if (o->child_errno < 0 && WIFEXITED(st))
			o->child_errno = WEXITSTATUS(st);
	}
	return 0;
}

/* Why an application probe did not land: the configuration's view of it. */
/* What GET said of the namespace. */
enum known {
	CFG_READ,
	CFG_NONE,	/* not configured */
	CFG_UNREAD,	/* not readable: no CAP_NET_ADMIN, as in an init container */
};

static void explain(char *buf, size_t len, const struct tool_config *cfg, enum known configured,
		    int family, uint16_t port)
{
	if (configured == CFG_NONE)
		snprintf(buf, len, "; the namespace has no meshredir configuration");
	else if (configured == CFG_UNREAD)
		buf[0] = '\0';
	else if (!cfg->outbound.enabled)
		snprintf(buf, len, "; outbound redirection is disabled in the namespace");
	else if (cfg->outbound.port != port)
		snprintf(buf, len, "; the namespace redirects outbound to port %u, not %u",
			 cfg->outbound.port, port);
	else if (family == AF_INET6 && cfg->ip_family_mode != MESHREDIR_IP_FAMILY_DUALSTACK)
		snprintf(buf, len, "; the namespace redirects IPv4 only");
	else
		buf[0] = '\0';
}

static const char *errno_text(int e)
{
	return e < 0 ? "no answer before the timeout" : e ? strerror(e) : "connected elsewhere";
}

static int validate_family(int family, const struct validate_opts *v,
			   const struct tool_config *cfg, enum known configured, char *err,
			   size_t errlen)
{
	uint16_t port = v->outbound_port, dport;
	struct outcome o;
	struct probe pr;
	uint32_t uid, gid;
	char why[160];
	int lfd, ret = -1;

	pick(cfg, v->proxy_uid, &dport, &uid, &gid);
	probe_init(&pr, family, dport);
	lfd = listen_on(family, port, err, errlen);
	if (lfd < 0)
		return -1;
	if (attempt(lfd, &pr, uid, gid, v->timeout_ms, &o, err, errlen))
		goto out;
	if (!o.landed) {
		explain(why, sizeof(why), cfg, configured, family, port);
		fail(err, errlen,
		     "IPv%d: a connection of UID %u to %s was not redirected to port %u (%s)%s%s",
		     family == AF_INET ? 4 : 6, uid, pr.name, port, errno_text(o.child_errno),
		     o.child_errno == ENETUNREACH ? "; the namespace needs a route to it, as a pod's default route" : "",
		     why);
		goto out;
	}
	if (!o.right_dst) {
		fail(err, errlen,
		     "IPv%d: a connection of UID %u to %s landed on port %u with original destination %s",
		     family == AF_INET ? 4 : 6, uid, pr.name, port, o.orig);
		goto out;
	}
	if (attempt(lfd, &pr, v->proxy_uid, gid, v->timeout_ms, &o, err, errlen))
		goto out;
	if (o.landed) {
		fail(err, errlen,
		     "IPv%d: a connection of the proxy's UID %u to %s was redirected to port %u: the namespace does not treat UID %u as the proxy's",
		     family == AF_INET ? 4 : 6, v->proxy_uid, pr.name, port, v->proxy_uid);
		goto out;
	}
	ret = 0;
out:
	close(lfd);
	return ret;
}

struct get_ctx {
	struct tool_config *cfg;
	char err[MR_ERR_LEN];
};

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *ctx = data;

	return msg_merge_get(nlh, ctx->cfg, ctx->err, sizeof(ctx->err));
}

int run_validate(struct run *r)
{
	struct validate_opts v = {
		.proxy_uid = r->cl->kuma_uid,
		.outbound_port = r->cl->cfg.outbound.port,
		.timeout_ms = r->cl->timeout_ms,
	};
	struct tool_config cfg;
	struct get_ctx ctx = { .cfg = &cfg };
	struct msg m = { 0 };
	struct nl_status st;
	char err[MR_ERR_LEN];
	bool has6 = false, dual;
	enum known configured = CFG_READ;
	int ret = 1;

	config_init(&cfg);
	if (nl_talk(r->nl, msg_build_dump(&m, nl_family(r->nl), MESHREDIR_CMD_GET), get_cb, &ctx,
		    &st))
		configured = st.error == ENOENT ? CFG_NONE : CFG_UNREAD;
	msg_free(&m);
	if (configured != CFG_READ) {
		/* The probes show what that means; the defaults pick their port and UID. */
		config_free(&cfg);
		config_init(&cfg);
	}
	if (has_ipv6_outside_lo(&has6, err, sizeof(err)))
		has6 = false;
	/* Unread, IPv6 is probed where the pod has it; its failure only warns. */
	dual = configured == CFG_READ ? cfg.ip_family_mode == MESHREDIR_IP_FAMILY_DUALSTACK :
	       configured == CFG_UNREAD && has6;
	validate_warnings(r->cl->verbose);
	if (has6 && configured == CFG_READ && !dual)
		print_error("validate: warning: the namespace has IPv6 addresses but redirects IPv4 only (ipFamilyMode ipv4)");
	if (validate_family(AF_INET, &v, &cfg, configured, err, sizeof(err))) {
		print_error("validate: %s", err);
		goto out;
	}
	if (dual && validate_family(AF_INET6, &v, &cfg, configured, err, sizeof(err))) {
		if (configured == CFG_READ) {
			print_error("validate: %s", err);
			goto out;
		}
		print_error("validate: warning: %s (the configuration, which needs CAP_NET_ADMIN to read, may be ipv4 only)",
			    err);
		dual = false;
	}
	printf("validate: %s redirects outbound TCP to port %u for all but UID %u (%s)\n",
	       r->where, v.outbound_port, v.proxy_uid, dual ? "IPv4 and IPv6" : "IPv4");
	ret = fflush(stdout) ? 1 : 0;
out:
	config_free(&cfg);
	return ret;
}
