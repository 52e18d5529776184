// SPDX-License-Identifier: GPL-2.0
/*
 * mr-swap: SETs saved configurations fast, for the stress scripts (a
 * process per SET, as with the tool, costs too much in the debug guest).
 *
 *   mr-swap save FILE [--netns NS]
 *       GET the configuration of NS and write its attributes (no counters)
 *       to FILE: a SET's attributes, exactly.
 *   mr-swap swap COUNT FILE_A FILE_B [--netns NS]
 *       SET A, B, A, ... COUNT times in all; every SET must be accepted.
 *   mr-swap follow PREFIX STOPFILE FILE [--netns-dir DIR]
 *       until STOPFILE exists: SET FILE in every namespace of DIR (default
 *       /run/netns) whose name starts with PREFIX, again and again, each
 *       from a socket opened inside it. A namespace that goes away in the
 *       middle is skipped; a SET refused in one that is there is an error.
 *
 * Prints "sets=N seconds=S" and exits 0, or says what failed and exits 1.
 */
#include "fuzz/mr-genl.h"

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

static unsigned char *mr_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = malloc(MR_GENL_BUF);

	if (!f || !buf) {
		fprintf(stderr, "mr-swap: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	*len = fread(buf, 1, MR_GENL_BUF, f);
	fclose(f);
	return buf;
}

static void mr_open(struct mr_genl *g)
{
	if (mr_genl_open(g)) {
		fprintf(stderr, "mr-swap: no %s family: %s\n", MESHREDIR_GENL_NAME,
			strerror(errno));
		exit(1);
	}
}

static void mr_set(struct mr_genl *g, const unsigned char *attrs, size_t len,
		   const char *what)
{
	int r = mr_genl_call(g, MESHREDIR_CMD_SET, attrs, len);

	if (r || g->err) {
		fprintf(stderr, "mr-swap: SET %s: %s (%s)\n", what,
			r ? "no answer" : strerror(g->err), g->ext_msg);
		exit(1);
	}
}

static int mr_follow(const char *prefix, const char *stop, const char *file,
		     const char *dir)
{
	size_t len;
	unsigned char *cfg = mr_read_file(file, &len);
	unsigned long sets = 0, gone = 0;
	time_t start = time(NULL);
	struct stat st;
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	while (stat(stop, &st)) {
		DIR *d = opendir(dir);
		struct dirent *e;

		if (!d) {
			fprintf(stderr, "mr-swap: %s: %s\n", dir, strerror(errno));
			return 1;
		}
		while ((e = readdir(d))) {
			char path[512];
			struct mr_genl g;
			int fd, r;

			if (strncmp(e->d_name, prefix, strlen(prefix)))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || setns(fd, CLONE_NEWNET)) {
				/* Deleted between readdir and here. */
				if (fd >= 0)
					close(fd);
				gone++;
				continue;
			}
			close(fd);
			mr_open(&g);
			r = mr_genl_call(&g, MESHREDIR_CMD_SET, cfg, len);
			if (r || g.err) {
				fprintf(stderr, "mr-swap: SET in %s: %s (%s)\n", e->d_name,
					r ? "no answer" : strerror(g.err), g.ext_msg);
				return 1;
			}
			sets++;
			close(g.fd);
			free(g.rx);
			free(g.rbuf);
			if (setns(self, CLONE_NEWNET)) {
				perror("mr-swap: setns back");
				return 1;
			}
		}
		closedir(d);
		/* A pass every 20 ms: racing, not starving the guest's two vCPUs. */
		usleep(20000);
	}
	printf("sets=%lu skipped=%lu seconds=%ld\n", sets, gone, (long)(time(NULL) - start));
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: mr-swap save FILE [--netns NS]\n"
		"       mr-swap swap COUNT FILE_A FILE_B [--netns NS]\n"
		"       mr-swap follow PREFIX STOPFILE FILE [--netns-dir DIR]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *ns = NULL, *dir = "/run/netns";
	struct mr_genl g;
	int i, nargs = 0;
	char *args[8];

	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--netns"))
			ns = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--netns-dir"))
			dir = argv[++i];
		else if (nargs < 8)
			args[nargs++] = argv[i];
		else
			usage();
	}
	if (nargs < 1)
		usage();
	if (ns && mr_enter_netns(ns)) {
		fprintf(stderr, "mr-swap: netns %s: %s\n", ns, strerror(errno));
		return 1;
	}
	if (!strcmp(args[0], "follow") && nargs == 4)
		return mr_follow(args[1], args[2], args[3], dir);
	mr_open(&g);
	if (!strcmp(args[0], "save") && nargs == 2) {
		unsigned char *out = malloc(MR_GENL_BUF);
		FILE *f = fopen(args[1], "wb");
		int len;

		if (mr_genl_call(&g, MESHREDIR_CMD_GET, NULL, 0) || g.err || g.reply_len < 0) {
			fprintf(stderr, "mr-swap: GET: %s (%s)\n", strerror(g.err), g.ext_msg);
			return 1;
		}
		len = mr_genl_config_only(&g, out);
		if (!f || fwrite(out, 1, len, f) != (size_t)len || fclose(f)) {
			fprintf(stderr, "mr-swap: %s: %s\n", args[1], strerror(errno));
			return 1;
		}
		return 0;
	}
	if (!strcmp(args[0], "swap") && nargs == 4) {
		unsigned long count = strtoul(args[1], NULL, 0), n;
		size_t la, lb;
		unsigned char *a = mr_read_file(args[2], &la), *b = mr_read_file(args[3], &lb);
		time_t start = time(NULL);

		for (n = 0; n < count; n++)
			mr_set(&g, n % 2 ? b : a, n % 2 ? lb : la, n % 2 ? "B" : "A");
		printf("sets=%lu seconds=%ld\n", count, (long)(time(NULL) - start));
		return 0;
	}
	usage();
	return 2;
}
