// SPDX-License-Identifier: GPL-2.0
/*
 * mr-server: a TCP (and optionally UDP) server that tells each client where
 * its connection landed. It plays both the sidecar (ports 15001, 15006) and
 * the application servers in the e2e tests.
 *
 *   mr-server NAME PORTS [--netns NAME|PATH] [--bind ADDR]... [--udp]
 *             [--uid U] [--gid G] [--pidfile FILE] [--quiet]
 *
 * PORTS is a comma-separated list of ports or ranges ("80,5000-5003"). By
 * default every port is listened on at 0.0.0.0 and at :: (two sockets, the
 * IPv6 one with IPV6_V6ONLY); --bind replaces that with the given addresses.
 *
 * On each accepted connection the server writes one line:
 *
 *   NAME port=P local=ADDR:PORT peer=ADDR:PORT orig=ADDR:PORT
 *
 * where orig is getsockopt(SO_ORIGINAL_DST) (IPv4) or
 * getsockopt(IP6T_SO_ORIGINAL_DST) (IPv6), "none" when that fails, and IPv6
 * addresses print as [addr]:port. Then it echoes every line the client
 * sends as "NAME port=P echo LINE", and closes when the client closes (or
 * after 600 s idle). A client that only wants the first line just reads it
 * and closes. The same line is logged on stdout. One process serves every
 * connection from one poll loop (no fork per client: cheaper under TCG).
 *
 * With --udp, each UDP datagram on the same ports is answered (from the
 * address it was sent to) with "NAME udp port=P local=ADDR:PORT peer=ADDR:PORT".
 *
 * --netns joins /run/netns/NAME (or PATH) before anything else.
 * --uid/--gid drop privileges once every socket is bound (--uid alone uses
 * the same number as the group). --pidfile is written (before dropping
 * them) once every socket listens, so its existence means "ready". Runs
 * until killed.
 */
#define _GNU_SOURCE
#include "common.h"

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>
#include <unistd.h>

#define MAX_SOCKS 512
#define MAX_CONNS 4096	/* tests/stress/swap.sh holds 1,000 */
#define IDLE_SECONDS 600

static const char *name;
static int quiet;

struct lsock {
	int fd;
	int family;
	int udp;
	unsigned int port;
};

static struct lsock socks[MAX_SOCKS];
static int nsocks;

static void usage(void)
{
	fprintf(stderr,
		"usage: mr-server NAME PORT[,PORT|,LO-HI...] [--netns NAME|PATH] [--bind ADDR]... [--udp]\n"
		"                 [--uid U] [--gid G] [--pidfile FILE] [--quiet]\n");
	exit(1);
}

static void die(const char *what)
{
	fprintf(stderr, "mr-server %s: %s: %s\n", name ? name : "?", what,
		strerror(errno));
	exit(1);
}

static void add_sock(const char *addr, unsigned int port, int udp)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	if (mr_parse_addr(addr, port, &ss, &sl) < 0) {
		fprintf(stderr, "mr-server: bad address '%s'\n", addr);
		exit(1);
	}
	if (nsocks == MAX_SOCKS) {
		fprintf(stderr, "mr-server: too many sockets\n");
		exit(1);
	}
	fd = socket(ss.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		die("SO_REUSEADDR");
	if (ss.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		die("IPV6_V6ONLY");
	if (udp && ss.ss_family == AF_INET &&
	    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) < 0)
		die("IP_PKTINFO");
	if (udp && ss.ss_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0)
		die("IPV6_RECVPKTINFO");
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		fprintf(stderr, "mr-server %s: bind %s port %u: %s\n", name, addr,
			port, strerror(errno));
		exit(1);
	}
	if (!udp && listen(fd, 128) < 0)
		die("listen");
	socks[nsocks].fd = fd;
	socks[nsocks].family = ss.ss_family;
	socks[nsocks].udp = udp;
	socks[nsocks].port = port;
	nsocks++;
}

/* An accepted connection, served from the one loop: no fork per client. */
struct conn {
	int fd;
	unsigned int port;
	time_t last;
	size_t len;
	char buf[1024];
};

static struct conn conns[MAX_CONNS];
static int nconns;

static void conn_close(int i)
{
	close(conns[i].fd);
	conns[i] = conns[--nconns];
}

/* Writes the whole of s to fd, which is blocking: lines are short. */
static int put(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= w;
	}
	return 0;
}

/* The first line, then the connection waits for lines to echo. */
static void greet(int fd, const struct lsock *ls)
{
	struct sockaddr_storage local, peer;
	socklen_t sl;
	char l[MR_ADDRSTRLEN], p[MR_ADDRSTRLEN], o[MR_ADDRSTRLEN];
	char line[512];

	sl = sizeof(local);
	memset(&local, 0, sizeof(local));
	memset(&peer, 0, sizeof(peer));
	if (getsockname(fd, (struct sockaddr *)&local, &sl) < 0) {
		close(fd);
		return;
	}
	sl = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &sl) < 0) {
		close(fd);	/* already gone */
		return;
	}
	mr_fmt_addr(&local, l, sizeof(l));
	mr_fmt_addr(&peer, p, sizeof(p));
	mr_fmt_orig(fd, ls->family, o, sizeof(o));
	snprintf(line, sizeof(line), "%s port=%u local=%s peer=%s orig=%s\n",
		 name, mr_port_of(&local), l, p, o);
	if (!quiet)
		fputs(line, stdout);
	if (put(fd, line) < 0 || nconns == MAX_CONNS) {
		close(fd);
		return;
	}
	conns[nconns].fd = fd;
	conns[nconns].port = mr_port_of(&local);
	conns[nconns].last = time(NULL);
	conns[nconns].len = 0;
	nconns++;
}

/* Echoes each complete line; false when the connection is done. */
static bool echo(struct conn *c)
{
	char reply[sizeof(c->buf) + 300];
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *nl;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	c->len += n;
	c->buf[c->len] = 0;
	c->last = time(NULL);
	while ((nl = strchr(c->buf, '\n')) || c->len == sizeof(c->buf) - 1) {
		size_t used = nl ? (size_t)(nl - c->buf) + 1 : c->len;

		c->buf[used - (nl ? 1 : 0)] = 0;
		c->buf[strcspn(c->buf, "\r")] = 0;
		snprintf(reply, sizeof(reply), "%s port=%u echo %s\n", name,
			 c->port, c->buf);
		if (put(c->fd, reply) < 0)
			return false;
		memmove(c->buf, c->buf + used, c->len - used + 1);
		c->len -= used;
	}
	return true;
}

static void answer_udp(const struct lsock *ls)
{
	char buf[2048], cbuf[256], l[MR_ADDRSTRLEN], p[MR_ADDRSTRLEN];
	char reply[512];
	struct sockaddr_storage peer, local;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = {
		.msg_name = &peer, .msg_namelen = sizeof(peer),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	char out_cbuf[256];
	struct msghdr om;
	ssize_t n;

	memset(&peer, 0, sizeof(peer));
	memset(&local, 0, sizeof(local));
	n = recvmsg(ls->fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return;
	local.ss_family = ls->family;
	memset(out_cbuf, 0, sizeof(out_cbuf));
	memset(&om, 0, sizeof(om));
	om.msg_control = out_cbuf;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			struct sockaddr_in *s = (void *)&local;
			struct cmsghdr *oc;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			s->sin_addr = pi.ipi_addr;
			s->sin_port = htons(ls->port);
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			om.msg_controllen = CMSG_SPACE(sizeof(pi));
			oc = CMSG_FIRSTHDR(&om);
			oc->cmsg_level = IPPROTO_IP;
			oc->cmsg_type = IP_PKTINFO;
			oc->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(oc), &pi, sizeof(pi));
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			struct sockaddr_in6 *s = (void *)&local;
			struct cmsghdr *oc;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			s->sin6_addr = pi.ipi6_addr;
			s->sin6_port = htons(ls->port);
			om.msg_controllen = CMSG_SPACE(sizeof(pi));
			oc = CMSG_FIRSTHDR(&om);
			oc->cmsg_level = IPPROTO_IPV6;
			oc->cmsg_type = IPV6_PKTINFO;
			oc->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(oc), &pi, sizeof(pi));
		}
	}
	if (!om.msg_controllen)
		om.msg_control = NULL;
	mr_fmt_addr(&local, l, sizeof(l));
	mr_fmt_addr(&peer, p, sizeof(p));
	snprintf(reply, sizeof(reply), "%s udp port=%u local=%s peer=%s\n",
		 name, ls->port, l, p);
	if (!quiet) {
		fputs(reply, stdout);
		fflush(stdout);
	}
	iov.iov_base = reply;
	iov.iov_len = strlen(reply);
	om.msg_name = &peer;
	om.msg_namelen = mh.msg_namelen;
	om.msg_iov = &iov;
	om.msg_iovlen = 1;
	sendmsg(ls->fd, &om, 0);
}

int main(int argc, char **argv)
{
	const char *binds[64], *pidfile = NULL;
	unsigned int ports[256];
	int nbinds = 0, nports = 0, udp = 0, i, j;
	long uid = -1, gid = -1;
	const char *failed;
	static struct pollfd pfd[MAX_SOCKS + MAX_CONNS];
	char *list, *tok, *save;

	if (argc < 3)
		usage();
	name = argv[1];
	list = strdup(argv[2]);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-');
		unsigned long lo, hi;

		if (dash)
			*dash = 0;
		lo = mr_parse_num("port", tok, 1, 65535);
		hi = dash ? mr_parse_num("port", dash + 1, lo, 65535) : lo;
		for (; lo <= hi; lo++) {
			if (nports == (int)(sizeof(ports) / sizeof(ports[0])))
				usage();
			ports[nports++] = lo;
		}
	}
	for (i = 3; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--udp")) {
			udp = 1;
		} else if (!strcmp(a, "--quiet")) {
			quiet = 1;
		} else if (i + 1 < argc && !strcmp(a, "--bind")) {
			if (nbinds == 64)
				usage();
			binds[nbinds++] = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--uid")) {
			uid = mr_parse_num("uid", argv[++i], 0, 0xfffffffeUL);
		} else if (i + 1 < argc && !strcmp(a, "--gid")) {
			gid = mr_parse_num("gid", argv[++i], 0, 0xfffffffeUL);
		} else if (i + 1 < argc && !strcmp(a, "--pidfile")) {
			pidfile = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--netns")) {
			if (mr_enter_netns(argv[++i]) < 0)
				die(argv[i]);
		} else {
			usage();
		}
	}
	if (!nbinds) {
		binds[nbinds++] = "0.0.0.0";
		binds[nbinds++] = "::";
	}
	for (i = 0; i < nbinds; i++)
		for (j = 0; j < nports; j++) {
			add_sock(binds[i], ports[j], 0);
			if (udp)
				add_sock(binds[i], ports[j], 1);
		}

	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
			die("pidfile");
	}
	failed = mr_become(uid, gid);
	if (failed)
		die(failed);

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		time_t now;
		int nfds = 0;

		for (i = 0; i < nsocks; i++) {
			pfd[nfds].fd = socks[i].fd;
			pfd[nfds++].events = POLLIN;
		}
		for (i = 0; i < nconns; i++) {
			pfd[nfds].fd = conns[i].fd;
			pfd[nfds++].events = POLLIN;
		}
		fflush(stdout);
		if (poll(pfd, nfds, 10000) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		/* Connections first: accepting below reorders nothing of theirs. */
		for (i = nconns - 1; i >= 0; i--) {
			if ((pfd[nsocks + i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    !echo(&conns[i]))
				conn_close(i);
		}
		now = time(NULL);
		for (i = nconns - 1; i >= 0; i--)
			if (now - conns[i].last > IDLE_SECONDS)
				conn_close(i);
		for (i = 0; i < nsocks; i++) {
			int fd;

			if (!(pfd[i].revents & POLLIN))
				continue;
			if (socks[i].udp) {
				answer_udp(&socks[i]);
				continue;
			}
			fd = accept4(socks[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0)
				greet(fd, &socks[i]);
		}
	}
}
