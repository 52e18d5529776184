// SPDX-License-Identifier: GPL-2.0
/*
 * mr-bench: the two ends of the benchmark's connections.
 *
 *   mr-bench proxy PORT[,PORT...] [--netns NS] [--stream]
 *   mr-bench load ADDR PORT --expect ORIG|none [--netns NS] [--clients N]
 *                 [--duration SEC]
 *   mr-bench count ADDR PORT --expect ORIG|none [--netns NS] --connections M
 *   mr-bench stream ADDR PORT [--netns NS] [--duration SEC]
 *
 * proxy is what a sidecar does per connection and nothing more: accept,
 * getsockopt(SO_ORIGINAL_DST), answer with the original port ("80\n", or
 * "none\n" when conntrack knows no original destination), close. It is
 * one epoll thread, so it costs the same behind every contender. With
 * --stream it sends bulk data after that line instead of closing.
 *
 * load runs N client threads for SEC seconds, each connect -> read the
 * answer -> close (with an RST, so neither side keeps a TIME_WAIT socket
 * that the next connection from the same port would run into). Every
 * answer must be --expect's: a contender that did not redirect, or
 * redirected somewhere else, fails the run instead of looking fast.
 * Prints "connections=N seconds=S rate=R" and exits 0, or 1 on any error.
 *
 * count makes M connections in sequence, as load's clients do, between
 * the icount plugin's start and stop markers (tests/qemu/icount/marker.h),
 * after a few unmeasured ones that warm caches and the proxy; prints
 * "connections=M insns=COUNT kernel=KERNEL" with the plugin's counts, read from
 * $MR_ICOUNT (tests/qemu/run --icount).
 *
 * stream reads for SEC seconds from one connection to a --stream proxy
 * and prints "bytes=N seconds=S mbit=R".
 *
 * --netns enters /run/netns/NS first (setns: cheaper than `ip netns exec`
 * under TCG).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netfilter_ipv4.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "marker.h"

#define MR_MAX_PORTS 8
#define MR_MAX_CLIENTS 64

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("mr-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void enter_netns(const char *ns)
{
	char path[PATH_MAX];
	int fd;

	if (!ns)
		return;
	snprintf(path, sizeof(path), strchr(ns, '/') ? "%s" : "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
		die("--netns %s: %s", ns, strerror(errno));
	close(fd);
}

static unsigned long parse_num(const char *flag, const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		die("%s: \"%s\" is not a number from 0 to %lu", flag, s, max);
	return v;
}

static void addr_of(const char *addr, unsigned int port, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		die("\"%s\" is not an IPv4 address", addr);
}

/* The options of load and stream; each command checks what it needs. */
struct opts {
	const char *ns, *addr, *port, *expect;
	unsigned long clients, duration, connections;
};

static void parse_opts(const char *cmd, int argc, char **argv, struct opts *o)
{
	int a;

	for (a = 0; a < argc; a++) {
		if (!strcmp(argv[a], "--netns") && a + 1 < argc)
			o->ns = argv[++a];
		else if (!strcmp(argv[a], "--expect") && a + 1 < argc)
			o->expect = argv[++a];
		else if (!strcmp(argv[a], "--clients") && a + 1 < argc)
			o->clients = parse_num("--clients", argv[++a], MR_MAX_CLIENTS);
		else if (!strcmp(argv[a], "--duration") && a + 1 < argc)
			o->duration = parse_num("--duration", argv[++a], 3600);
		else if (!strcmp(argv[a], "--connections") && a + 1 < argc)
			o->connections = parse_num("--connections", argv[++a], 10000000);
		else if (!o->addr && argv[a][0] != '-')
			o->addr = argv[a];
		else if (!o->port && argv[a][0] != '-')
			o->port = argv[a];
		else
			die("%s: unexpected \"%s\"", cmd, argv[a]);
	}
}

/* ---- proxy ---- */

static void proxy_answer(int fd, bool stream)
{
	static char bulk[65536];
	struct sockaddr_in orig;
	socklen_t len = sizeof(orig);
	char line[16];
	int n;

	if (getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &orig, &len) == 0)
		n = snprintf(line, sizeof(line), "%u\n", ntohs(orig.sin_port));
	else
		n = snprintf(line, sizeof(line), "none\n");
	if (write(fd, line, n) != n || !stream) {
		close(fd);
		return;
	}
	/* One bulk connection at a time: the benchmark makes just one. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	while (write(fd, bulk, sizeof(bulk)) > 0)
		;
	close(fd);
}

static int cmd_proxy(int argc, char **argv)
{
	const char *ns = NULL, *ports = NULL;
	int lfd[MR_MAX_PORTS], nports = 0, ep, i;
	bool stream = false;
	char *list, *tok, *save;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--netns") && i + 1 < argc)
			ns = argv[++i];
		else if (!strcmp(argv[i], "--stream"))
			stream = true;
		else if (!ports && argv[i][0] != '-')
			ports = argv[i];
		else
			die("proxy: unexpected \"%s\"", argv[i]);
	}
	if (!ports)
		die("proxy: PORT[,PORT...] missing");
	enter_netns(ns);
	signal(SIGPIPE, SIG_IGN);
	ep = epoll_create1(EPOLL_CLOEXEC);
	list = strdup(ports);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct sockaddr_in sin;
		int one = 1;

		if (nports == MR_MAX_PORTS)
			die("proxy: at most %d ports", MR_MAX_PORTS);
		addr_of("0.0.0.0", parse_num("proxy PORT", tok, 65535), &sin);
		lfd[nports] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		setsockopt(lfd[nports], SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(lfd[nports], (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
		    listen(lfd[nports], 4096) < 0)
			die("proxy: port %s: %s", tok, strerror(errno));
		ev.data.fd = lfd[nports];
		epoll_ctl(ep, EPOLL_CTL_ADD, lfd[nports], &ev);
		nports++;
	}
	free(list);
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		struct epoll_event evs[MR_MAX_PORTS];
		int n = epoll_wait(ep, evs, MR_MAX_PORTS, -1);

		for (i = 0; i < n; i++) {
			int fd;

			while ((fd = accept4(evs[i].data.fd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
				proxy_answer(fd, stream);
		}
	}
}

/* ---- load ---- */

struct load {
	struct sockaddr_in dst;
	char expect[16];
	double deadline;
	atomic_ulong done;
	atomic_int failed;
	char error[256];
};

static void load_fail(struct load *l, const char *what, int err)
{
	if (atomic_exchange(&l->failed, 1) == 0)
		snprintf(l->error, sizeof(l->error), "%s: %s", what, strerror(err));
}

/* One connection as a sidecar's client makes it; false once one failed. */
static bool load_one(struct load *l)
{
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	char buf[16];
	ssize_t n, got = 0;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		load_fail(l, "socket", errno);
		return false;
	}
	if (connect(fd, (struct sockaddr *)&l->dst, sizeof(l->dst)) < 0) {
		load_fail(l, "connect", errno);
		close(fd);
		return false;
	}
	while (got < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += n;
	buf[got] = 0;
	if (strcmp(buf, l->expect)) {
		if (atomic_exchange(&l->failed, 1) == 0)
			snprintf(l->error, sizeof(l->error),
				 "the proxy saw original port \"%.*s\", expected \"%.*s\"",
				 (int)strcspn(buf, "\n"), buf,
				 (int)strcspn(l->expect, "\n"), l->expect);
		close(fd);
		return false;
	}
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	close(fd);
	atomic_fetch_add(&l->done, 1);
	return true;
}

static void *load_client(void *arg)
{
	struct load *l = arg;

	while (!atomic_load(&l->failed) && now() < l->deadline)
		if (!load_one(l))
			break;
	return NULL;
}

static int cmd_load(int argc, char **argv)
{
	struct opts o = { .clients = 4, .duration = 3 };
	pthread_t tid[MR_MAX_CLIENTS];
	static struct load l;
	double start, took;
	unsigned long i;

	parse_opts("load", argc, argv, &o);
	if (!o.addr || !o.port || !o.expect || !o.clients || !o.duration)
		die("load: ADDR PORT --expect ORIG|none [--clients N>0] [--duration SEC>0]");
	addr_of(o.addr, parse_num("load PORT", o.port, 65535), &l.dst);
	snprintf(l.expect, sizeof(l.expect), "%s\n", o.expect);
	enter_netns(o.ns);
	start = now();
	l.deadline = start + o.duration;
	for (i = 0; i < o.clients; i++)
		if (pthread_create(&tid[i], NULL, load_client, &l))
			die("load: pthread_create failed");
	for (i = 0; i < o.clients; i++)
		pthread_join(tid[i], NULL);
	took = now() - start;
	if (l.failed)
		die("load: %s (after %lu connections)", l.error, atomic_load(&l.done));
	printf("connections=%lu seconds=%.3f rate=%.1f\n", atomic_load(&l.done), took,
	       atomic_load(&l.done) / took);
	return 0;
}

/* ---- count ---- */

#define MR_WARMUP 20	/* unmeasured connections before the markers */

static int cmd_count(int argc, char **argv)
{
	struct opts o = { 0 };
	static struct load l;
	uint64_t seq0, seq1, insns, kernel;
	const char *path = getenv("MR_ICOUNT");
	unsigned long i;

	parse_opts("count", argc, argv, &o);
	if (!o.addr || !o.port || !o.expect || !o.connections || o.clients || o.duration)
		die("count: ADDR PORT --expect ORIG|none --connections M>0");
	if (!path || !*path)
		die("count: MR_ICOUNT is not set: run under tests/qemu/run --icount");
	addr_of(o.addr, parse_num("count PORT", o.port, 65535), &l.dst);
	snprintf(l.expect, sizeof(l.expect), "%s\n", o.expect);
	enter_netns(o.ns);
	for (i = 0; i < MR_WARMUP; i++)
		if (!load_one(&l))
			die("count: warm-up: %s", l.error);
	if (mr_icount_read(path, &seq0, &insns, &kernel))
		die("count: %s: %s", path, strerror(errno));
	mr_mark_start();
	for (i = 0; i < o.connections; i++)
		if (!load_one(&l))
			break;
	mr_mark_stop();
	if (l.failed)
		die("count: %s (after %lu connections)", l.error, i);
	if (mr_icount_read(path, &seq1, &insns, &kernel) || seq1 != seq0 + 1)
		die("count: no count in %s after the stop marker: is the icount plugin loaded?", path);
	printf("connections=%lu insns=%" PRIu64 " kernel=%" PRIu64 "\n", o.connections, insns,
	       kernel);
	return 0;
}

/* ---- stream ---- */

static int cmd_stream(int argc, char **argv)
{
	struct opts o = { .duration = 3 };
	static char buf[1 << 17];
	unsigned long total = 0;
	struct sockaddr_in dst;
	double start, took;
	int fd;

	parse_opts("stream", argc, argv, &o);
	if (!o.addr || !o.port || !o.duration || o.expect)
		die("stream: ADDR PORT [--duration SEC>0]");
	addr_of(o.addr, parse_num("stream PORT", o.port, 65535), &dst);
	enter_netns(o.ns);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0)
		die("stream: connect: %s", strerror(errno));
	start = now();
	while (now() - start < o.duration) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0)
			die("stream: the proxy stopped sending after %lu bytes", total);
		total += n;
	}
	took = now() - start;
	close(fd);
	printf("bytes=%lu seconds=%.3f mbit=%.1f\n", total, took, total * 8 / took / 1e6);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "proxy"))
		return cmd_proxy(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "load"))
		return cmd_load(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "count"))
		return cmd_count(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "stream"))
		return cmd_stream(argc - 2, argv + 2);
	die("usage: mr-bench proxy|load|count|stream ... (see the comment at the top of bench/mr-bench.c)");
}
