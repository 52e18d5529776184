// SPDX-License-Identifier: GPL-2.0
/*
 * mr-churn: network namespaces made, configured, used and destroyed one
 * after another, without a process exec per step. In the debug guest an
 * exec costs about 130 ms; the shell loop this replaces ran five per
 * cycle (ip netns add, ip, meshredir set, the connector, ip netns del),
 * which made the 10,000 cycles of a full `make stress` a 6 hour run.
 *
 *   mr-churn CYCLES PREFIX FILE --uid UID [--netns-dir DIR]
 *
 * Each cycle, in a child process: a new network namespace, bound at
 * DIR/PREFIXn (default /run/netns) as `ip netns add` would, so that a
 * concurrent setter (mr-swap follow) finds it; lo up; listeners on ports
 * 80 and 15006; a SET of FILE (written by mr-swap save; it must name UID
 * as the proxy's owner); then a connection to 127.0.0.2:80 over lo, from a
 * socket made as UID. Kuma's rule for the proxy calling its own pod's
 * address makes that an inbound redirect: it must land on 15006, with
 * SO_ORIGINAL_DST 127.0.0.2:80, and nothing on 80. Then the bind mount
 * goes, the child exits, and the namespace goes with its last reference.
 *
 * Prints progress every 500 cycles and "cycles=N failed=M seconds=S";
 * describes the first failures on stderr; exits 1 if any cycle failed.
 */
#include "fuzz/mr-genl.h"

#include <arpa/inet.h>
#include <poll.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

static unsigned char mr_cfg[MR_GENL_BUF];
static size_t mr_cfg_len;

__attribute__((format(printf, 1, 2)))
static int mr_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	return 1;
}

static int mr_listen(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 8))
		return -1;
	return s;
}

/* The cycle's body, in the child, inside its new namespace. */
static int mr_use(const char *name, uid_t uid)
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(80) }, orig;
	socklen_t len = sizeof(orig);
	struct timeval tmo = { .tv_sec = 3 };
	int s, r, app, proxy, got;
	char seen[INET_ADDRSTRLEN];
	struct pollfd pfd[2];
	struct mr_genl g;

	if (mr_lo_up())
		return mr_fail("%s: lo up: %s\n", name, strerror(errno));
	app = mr_listen(80);
	proxy = mr_listen(15006);
	if (app < 0 || proxy < 0)
		return mr_fail("%s: listeners on 80 and 15006: %s\n", name, strerror(errno));
	if (mr_genl_open(&g))
		return mr_fail("%s: no %s family: %s\n", name, MESHREDIR_GENL_NAME,
			       strerror(errno));
	r = mr_genl_call(&g, MESHREDIR_CMD_SET, mr_cfg, mr_cfg_len);
	if (r || g.err)
		return mr_fail("%s: SET: %s (%s)\n", name, r ? "no answer" : strerror(g.err),
			       g.ext_msg);
	/*
	 * The owner is read from the socket file's credentials, fixed when
	 * the socket is made; root comes back for the unmount.
	 */
	if (seteuid(uid))
		return mr_fail("%s: seteuid %u: %s\n", name, uid, strerror(errno));
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (seteuid(0))
		return mr_fail("%s: seteuid 0: %s\n", name, strerror(errno));
	inet_pton(AF_INET, "127.0.0.2", &dst.sin_addr);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof(tmo)))
		return mr_fail("%s: socket: %s\n", name, strerror(errno));
	if (connect(s, (struct sockaddr *)&dst, sizeof(dst)))
		return mr_fail("%s: connect to 127.0.0.2:80: %s\n", name, strerror(errno));
	/* Wait for the handshake's last ACK to reach one listener or the other. */
	pfd[0] = (struct pollfd){ .fd = app, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = proxy, .events = POLLIN };
	if (poll(pfd, 2, 3000) <= 0)
		return mr_fail("%s: connected, but neither 80 nor 15006 got it\n", name);
	if (pfd[0].revents)
		return mr_fail("%s: 127.0.0.2:80 got the proxy's connection: not redirected\n",
			       name);
	got = accept4(proxy, NULL, NULL, SOCK_CLOEXEC);
	if (got < 0)
		return mr_fail("%s: accept on 15006: %s\n", name, strerror(errno));
	if (getsockopt(got, SOL_IP, SO_ORIGINAL_DST, &orig, &len))
		return mr_fail("%s: SO_ORIGINAL_DST: %s\n", name, strerror(errno));
	inet_ntop(AF_INET, &orig.sin_addr, seen, sizeof(seen));
	if (orig.sin_addr.s_addr != dst.sin_addr.s_addr || orig.sin_port != dst.sin_port)
		return mr_fail("%s: SO_ORIGINAL_DST on 15006 says %s:%u, not 127.0.0.2:80\n",
			       name, seen, ntohs(orig.sin_port));
	return 0;
}

static int mr_cycle(const char *path, const char *name, uid_t uid)
{
	int fd, r;

	if (unshare(CLONE_NEWNET))
		return mr_fail("%s: unshare: %s\n", name, strerror(errno));
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0)
		return mr_fail("%s: %s: %s\n", name, path, strerror(errno));
	close(fd);
	if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL)) {
		r = mr_fail("%s: bind mount at %s: %s\n", name, path, strerror(errno));
	} else {
		r = mr_use(name, uid);
		/* As `ip netns del`: the setter may still be inside. */
		if (umount2(path, MNT_DETACH))
			r = mr_fail("%s: umount %s: %s\n", name, path, strerror(errno));
	}
	if (unlink(path))
		r = mr_fail("%s: unlink %s: %s\n", name, path, strerror(errno));
	return r;
}

static void usage(void)
{
	fprintf(stderr, "usage: mr-churn CYCLES PREFIX FILE --uid UID [--netns-dir DIR]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dir = "/run/netns", *args[3];
	unsigned long cycles, c, failed = 0;
	time_t start = time(NULL);
	long uid = -1;
	int i, nargs = 0;
	FILE *f;

	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--uid"))
			uid = strtol(argv[++i], NULL, 10);
		else if (i + 1 < argc && !strcmp(argv[i], "--netns-dir"))
			dir = argv[++i];
		else if (nargs < 3)
			args[nargs++] = argv[i];
		else
			usage();
	}
	if (nargs != 3 || uid <= 0)
		usage();
	cycles = strtoul(args[0], NULL, 10);
	f = fopen(args[2], "rb");
	if (!f)
		return mr_fail("mr-churn: %s: %s\n", args[2], strerror(errno));
	mr_cfg_len = fread(mr_cfg, 1, sizeof(mr_cfg), f);
	fclose(f);
	if (!mr_cfg_len)
		return mr_fail("mr-churn: %s: empty\n", args[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (c = 1; c <= cycles; c++) {
		char name[256], path[512];
		int status;
		pid_t pid;

		snprintf(name, sizeof(name), "%s%lu", args[1], c);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		pid = fork();
		if (pid < 0)
			return mr_fail("mr-churn: fork: %s\n", strerror(errno));
		if (!pid)
			_exit(mr_cycle(path, name, uid));
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			/* A child that died did not unbind its namespace. */
			umount2(path, MNT_DETACH);
			unlink(path);
			failed++;
			/* The child said why; past 20 the run is hopeless. */
			if (failed > 20)
				break;
		}
		if (c % 500 == 0)
			printf("%lu cycles, %lds\n", c, (long)(time(NULL) - start));
	}
	printf("cycles=%lu failed=%lu seconds=%ld\n", c > cycles ? cycles : c, failed,
	       (long)(time(NULL) - start));
	return failed ? 1 : 0;
}
