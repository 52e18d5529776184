// SPDX-License-Identifier: GPL-2.0
/*
 * mr-connect: connects to an mr-server and prints the line it sent, which
 * says where the connection landed.
 *
 *   mr-connect ADDR PORT [--netns NAME|PATH] [--uid U] [--gid G] [--src ADDR]
 *              [--sport PORT] [--timeout SEC] [--hold SEC | --hold-until FILE]
 *              [--udp]
 *   mr-connect --batch
 *
 * --netns: setns() into /run/netns/NAME (or PATH) first: cheaper than
 * `ip netns exec`, which matters under TCG.
 * --uid/--gid: setgroups(0), setgid, setuid before the socket is made, so
 * the socket belongs to that user (--uid alone uses the same group number).
 * --src binds the source address (port 0) before connecting; --sport the
 * source port (on --src, or any address), so that the flow's 5-tuple is
 * known before it is made (monitor.sh, kuma-diff.sh match events by it).
 * --timeout (default 5 s) bounds the connect and each read.
 *
 * --hold SEC / --hold-until FILE: after printing the first line, keep the
 * connection open for SEC seconds, or until FILE exists (at most 600 s),
 * then prove it still works: send "ping" and expect the same server to
 * answer "NAME port=P echo ping" on it; that answer is printed as a second
 * line.
 *
 * --udp: send one datagram instead and print the server's answer (see
 * mr-server --udp).
 *
 * --batch: reads one argument list per line on stdin ("ADDR PORT [options]",
 * split on blanks), makes each connection in a child process, and prints
 * its output followed by "rc=N" (its exit status).
 *
 * Output: the server's line(s) on stdout, or "error: REASON (detail)".
 * Exit status: 0 ok, 1 usage or local failure, 2 refused, 3 timeout,
 * 4 reset or closed before a full line, 5 unreachable, 6 other network
 * error, 7 after a hold, an answer that is not the expected echo.
 */
#define _GNU_SOURCE
#include "common.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
	EXIT_OK = 0,
	EXIT_LOCAL = 1,
	EXIT_REFUSED = 2,
	EXIT_TIMEOUT = 3,
	EXIT_RESET = 4,
	EXIT_UNREACH = 5,
	EXIT_NETERR = 6,
	EXIT_HOLD = 7,
};

static int timeout_ms = 5000;

static void usage(void)
{
	fprintf(stderr,
		"usage: mr-connect ADDR PORT [--netns NAME|PATH] [--uid U] [--gid G] [--src ADDR]\n"
		"                  [--sport PORT] [--timeout SEC] [--hold SEC | --hold-until FILE]\n"
		"                  [--udp]\n"
		"       mr-connect --batch   (one \"ADDR PORT [options]\" per line of stdin)\n");
	exit(EXIT_LOCAL);
}

static void fail(int code, const char *reason, const char *detail)
{
	printf("error: %s (%s)\n", reason, detail);
	fflush(stdout);
	exit(code);
}

static void fail_errno(int err, const char *when)
{
	char detail[256];

	snprintf(detail, sizeof(detail), "%s: %s", when, strerror(err));
	switch (err) {
	case ECONNREFUSED:
		fail(EXIT_REFUSED, "refused", detail);
		break;
	case ETIMEDOUT:
	case EAGAIN:
		fail(EXIT_TIMEOUT, "timeout", detail);
		break;
	case ECONNRESET:
	case EPIPE:
	case ECONNABORTED:
		fail(EXIT_RESET, "reset", detail);
		break;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EADDRNOTAVAIL:
		fail(EXIT_UNREACH, "unreachable", detail);
		break;
	default:
		fail(EXIT_NETERR, "network", detail);
	}
}

static void local_fail(const char *what)
{
	fprintf(stderr, "mr-connect: %s: %s\n", what, strerror(errno));
	printf("error: local (%s: %s)\n", what, strerror(errno));
	exit(EXIT_LOCAL);
}

static void wait_readable(int fd, const char *when)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	do {
		r = poll(&p, 1, timeout_ms);
	} while (r < 0 && errno == EINTR);
	if (r < 0)
		local_fail("poll");
	if (r == 0)
		fail_errno(ETIMEDOUT, when);
}

/* Reads one '\n'-terminated line (without it) into buf. */
static void read_line(int fd, char *buf, size_t len, const char *when)
{
	size_t n = 0;

	for (;;) {
		ssize_t r;

		wait_readable(fd, when);
		r = read(fd, buf + n, 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fail_errno(errno, when);
		}
		if (r == 0)
			fail(EXIT_RESET, "closed", n ? "partial line" : "no line");
		if (buf[n] == '\n') {
			buf[n] = 0;
			return;
		}
		if (++n == len - 1)
			fail(EXIT_NETERR, "network", "line too long");
	}
}

static void do_hold(int fd, const char *first, double hold, const char *until)
{
	char expect[4400], line[4096], name[256];
	unsigned int port;
	struct timespec t0, t;

	if (sscanf(first, "%255s port=%u", name, &port) != 2)
		fail(EXIT_HOLD, "hold", "first line not from mr-server");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		double dt;

		clock_gettime(CLOCK_MONOTONIC, &t);
		dt = (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
		if (until ? (access(until, F_OK) == 0 || dt >= 600) : dt >= hold)
			break;
		usleep(20000);
	}
	if (write(fd, "ping\n", 5) != 5)
		fail_errno(errno, "ping after hold");
	read_line(fd, line, sizeof(line), "echo after hold");
	printf("%s\n", line);
	fflush(stdout);
	snprintf(expect, sizeof(expect), "%s port=%u echo ping", name, port);
	if (strcmp(line, expect))
		fail(EXIT_HOLD, "hold", "unexpected echo after hold");
}

static int run(int argc, char **argv)
{
	const char *src = NULL, *until = NULL, *netns = NULL;
	long uid = -1, gid = -1;
	const char *failed;
	double hold = -1;
	int udp = 0, fd, i, err;
	unsigned int sport = 0;
	unsigned int port;
	struct sockaddr_storage dst, sa;
	socklen_t dl, sl;
	char line[4096];

	if (argc < 3)
		usage();
	port = mr_parse_num("port", argv[2], 1, 65535);
	if (mr_parse_addr(argv[1], port, &dst, &dl) < 0) {
		fprintf(stderr, "mr-connect: bad address '%s'\n", argv[1]);
		exit(EXIT_LOCAL);
	}
	for (i = 3; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--udp")) {
			udp = 1;
		} else if (i + 1 < argc && !strcmp(a, "--uid")) {
			uid = mr_parse_num("uid", argv[++i], 0, 0xfffffffeUL);
		} else if (i + 1 < argc && !strcmp(a, "--gid")) {
			gid = mr_parse_num("gid", argv[++i], 0, 0xfffffffeUL);
		} else if (i + 1 < argc && !strcmp(a, "--src")) {
			src = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--sport")) {
			sport = mr_parse_num("sport", argv[++i], 1, 65535);
		} else if (i + 1 < argc && !strcmp(a, "--netns")) {
			netns = argv[++i];
		} else if (i + 1 < argc && !strcmp(a, "--timeout")) {
			timeout_ms = mr_parse_num("timeout", argv[++i], 1, 3600) * 1000;
		} else if (i + 1 < argc && !strcmp(a, "--hold")) {
			hold = mr_parse_num("hold", argv[++i], 0, 3600);
		} else if (i + 1 < argc && !strcmp(a, "--hold-until")) {
			until = argv[++i];
		} else {
			usage();
		}
	}
	if (udp && (hold >= 0 || until))
		usage();
	signal(SIGPIPE, SIG_IGN);

	if (netns && mr_enter_netns(netns) < 0)
		local_fail(netns);
	failed = mr_become(uid, gid);
	if (failed)
		local_fail(failed);

	fd = socket(dst.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		local_fail("socket");
	if (src || sport) {
		if (!src)
			src = dst.ss_family == AF_INET ? "0.0.0.0" : "::";
		if (mr_parse_addr(src, sport, &sa, &sl) < 0 || sa.ss_family != dst.ss_family) {
			fprintf(stderr, "mr-connect: bad source address '%s'\n", src);
			exit(EXIT_LOCAL);
		}
		if (bind(fd, (struct sockaddr *)&sa, sl) < 0)
			local_fail("bind source");
	}

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&dst, dl) < 0) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		socklen_t el = sizeof(err);
		int r;

		if (errno != EINPROGRESS)
			fail_errno(errno, "connect");
		do {
			r = poll(&p, 1, timeout_ms);
		} while (r < 0 && errno == EINTR);
		if (r == 0)
			fail_errno(ETIMEDOUT, "connect");
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			local_fail("SO_ERROR");
		if (err)
			fail_errno(err, "connect");
	}

	if (udp) {
		if (send(fd, "ping\n", 5, 0) < 0)
			fail_errno(errno, "send");
		for (;;) {
			ssize_t n;

			wait_readable(fd, "udp reply");
			n = recv(fd, line, sizeof(line) - 1, 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				fail_errno(errno, "udp reply");
			line[n] = 0;
			line[strcspn(line, "\r\n")] = 0;
			break;
		}
		printf("%s\n", line);
		return EXIT_OK;
	}

	read_line(fd, line, sizeof(line), "first line");
	printf("%s\n", line);
	fflush(stdout);
	if (hold >= 0 || until)
		do_hold(fd, line, hold, until);
	close(fd);
	return EXIT_OK;
}

/*
 * --batch: one connection per line of stdin, each in a child of its own.
 * All of stdin is read first and closed: a child's exit() must not find a
 * half-read stdin to rewind.
 */
static int batch(void)
{
	static char all[1 << 20];
	size_t len = fread(all, 1, sizeof(all) - 1, stdin);
	char *line, *next;

	if (!feof(stdin)) {
		fprintf(stderr, "mr-connect: --batch input too long\n");
		return EXIT_LOCAL;
	}
	all[len] = 0;
	fclose(stdin);
	for (line = all; line && *line; line = next) {
		char *args[64], *save, *tok;
		int n = 1, status;
		pid_t pid;

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		args[0] = "mr-connect";
		for (tok = strtok_r(line, " \t\r", &save); tok && n < 63;
		     tok = strtok_r(NULL, " \t\r", &save))
			args[n++] = tok;
		if (n == 1)
			continue;
		args[n] = NULL;
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			local_fail("fork");
		if (pid == 0)
			exit(run(n, args));
		if (waitpid(pid, &status, 0) < 0)
			local_fail("waitpid");
		printf("rc=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		fflush(stdout);
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--batch"))
		return batch();
	return run(argc, argv);
}
