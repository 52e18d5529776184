// SPDX-License-Identifier: GPL-2.0
/*
 * mr-hold: opens many connections to one mr-server address from one
 * process, holds them all, and at the end proves each still works, for the
 * stress scripts (an mr-connect per connection would be a process each).
 *
 *   mr-hold ADDR PORT COUNT READYFILE RELEASEFILE [--netns NS] [--uid U]
 *
 * Connects COUNT times to ADDR:PORT (as user U, after joining NS), reads
 * each connection's first line (where it landed, see mr-server), writes a
 * summary to READYFILE once all are open: "opened=N" and, per distinct
 * landing, "landing=COUNT NAME port=P", then waits for RELEASEFILE. Then
 * sends "ping" on each and expects "NAME port=P echo ping" from the same
 * server; prints "opened=N survived=M" and exits 0 if M is N.
 */
#define _GNU_SOURCE
#include "../e2e/helpers/common.h"

#include <grp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

struct mr_held {
	int fd;
	char who[96];	/* "NAME port=P" of the first line */
};

/* One line from a blocking socket with a 10 s bound; 0 on success. */
static int mr_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&p, 1, 10000) <= 0)
			return -1;
		r = read(fd, buf + n, 1);
		if (r <= 0)
			return -1;
		if (buf[n] == '\n') {
			buf[n] = 0;
			return 0;
		}
		n++;
	}
	return -1;
}

int main(int argc, char **argv)
{
	const char *ns = NULL;
	long uid = -1, count, i, j, survived = 0;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct mr_held *h;
	struct rlimit rl;
	struct stat st;
	FILE *ready;
	char line[512], tmp[600];
	int nland = 0;
	struct { char who[96]; long n; } land[16];

	if (argc < 6) {
		fprintf(stderr, "usage: mr-hold ADDR PORT COUNT READYFILE RELEASEFILE [--netns NS] [--uid U]\n");
		return 1;
	}
	for (i = 6; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--netns"))
			ns = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--uid"))
			uid = mr_parse_num("uid", argv[++i], 0, 0xfffffffeUL);
		else {
			fprintf(stderr, "mr-hold: unknown argument %s\n", argv[i]);
			return 1;
		}
	}
	count = mr_parse_num("count", argv[3], 1, 100000);
	if (mr_parse_addr(argv[1], mr_parse_num("port", argv[2], 1, 65535), &ss, &sl)) {
		fprintf(stderr, "mr-hold: bad address %s\n", argv[1]);
		return 1;
	}
	rl.rlim_cur = rl.rlim_max = count + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		perror("mr-hold: setrlimit");
		return 1;
	}
	if (ns && mr_enter_netns(ns) < 0) {
		perror(ns);
		return 1;
	}
	if (uid >= 0 && (setgroups(0, NULL) || setgid(uid) || setuid(uid))) {
		perror("mr-hold: setuid");
		return 1;
	}
	h = calloc(count, sizeof(*h));
	if (!h)
		return 1;
	for (i = 0; i < count; i++) {
		char *sp;

		h[i].fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (h[i].fd < 0 || connect(h[i].fd, (struct sockaddr *)&ss, sl)) {
			fprintf(stderr, "mr-hold: connection %ld: %s\n", i, strerror(errno));
			return 1;
		}
		if (mr_line(h[i].fd, line, sizeof(line))) {
			fprintf(stderr, "mr-hold: connection %ld: no first line\n", i);
			return 1;
		}
		/* "NAME port=P local=..." -> "NAME port=P" */
		sp = strstr(line, " local=");
		if (sp)
			*sp = 0;
		line[sizeof(h[i].who) - 1] = 0;
		memcpy(h[i].who, line, strlen(line) + 1);
		for (j = 0; j < nland; j++)
			if (!strcmp(land[j].who, h[i].who))
				break;
		if (j == nland && nland < 16) {
			memcpy(land[nland].who, h[i].who, sizeof(h[i].who));
			land[nland++].n = 0;
		}
		if (j < 16)
			land[j].n++;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[4]);
	ready = fopen(tmp, "w");
	if (!ready) {
		fprintf(stderr, "mr-hold: %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	fprintf(ready, "opened=%ld\n", count);
	for (j = 0; j < nland; j++)
		fprintf(ready, "landing=%ld %s\n", land[j].n, land[j].who);
	fclose(ready);
	rename(tmp, argv[4]);
	while (stat(argv[5], &st))
		usleep(100000);
	for (i = 0; i < count; i++) {
		char want[160];

		snprintf(want, sizeof(want), "%s echo ping", h[i].who);
		if (write(h[i].fd, "ping\n", 5) == 5 && !mr_line(h[i].fd, line, sizeof(line)) &&
		    !strcmp(line, want))
			survived++;
		else if (count - survived < 10)
			fprintf(stderr, "mr-hold: connection %ld (%s) lost\n", i, h[i].who);
		close(h[i].fd);
	}
	printf("opened=%ld survived=%ld\n", count, survived);
	return survived == count ? 0 : 1;
}
