// SPDX-License-Identifier: GPL-2.0
/*
 * A whole file, or stdin, in memory: the tool's configuration files and
 * resolv.conf are small.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "file.h"

/*
 * The whole of PATH, or of stdin for "-", NUL-terminated, in a buffer to
 * free(); NULL with "cannot read PATH: why" in err.
 */
char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	bool in = !strcmp(path, "-");
	FILE *f = in ? stdin : fopen(path, "r");
	size_t cap = 4096, n = 0, got;
	char *buf = NULL, *nb;

	if (!f) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		nb = realloc(buf, cap);
		if (!nb) {
			snprintf(err, errlen, "cannot read %s: out of memory", in ? "stdin" : path);
			goto fail;
		}
		buf = nb;
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n < cap - 1)
			break;
		cap *= 2;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read %s: %s", in ? "stdin" : path, strerror(errno));
		goto fail;
	}
	buf[n] = '\0';
	if (!in)
		fclose(f);
	*len = n;
	return buf;
fail:
	free(buf);
	if (!in)
		fclose(f);
	return NULL;
}
