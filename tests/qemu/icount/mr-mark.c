// SPDX-License-Identifier: GPL-2.0
/*
 * mr-mark: the guest's side of the icount plugin, for scripts (marker.h).
 *
 *   mr-mark start        execute the start marker
 *   mr-mark stop         execute the stop marker; print "insns=COUNT
 *                        kernel=KERNEL" (KERNEL: the kernel's part)
 *   mr-mark loop K       start marker, a loop of exactly 2K+1 instructions,
 *                        stop marker; print "insns=COUNT kernel=KERNEL
 *                        expected=2K+2"
 *
 * The count is read from $MR_ICOUNT (tests/qemu/run --icount sets it); a
 * stop whose count did not arrive (no plugin, or one that missed the
 * marker) is an error. Static, so that nothing but the work between the
 * markers runs: no dynamic loader.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marker.h"

static const char *path;

static uint64_t seq_now(void)
{
	uint64_t seq, count, kernel;

	if (mr_icount_read(path, &seq, &count, &kernel) == 0)
		return seq;
	fprintf(stderr, "mr-mark: %s: %s\n", path, strerror(errno));
	exit(1);
}

/* Prints the count of the stop marker just executed (before: seq_now()). */
static void result(uint64_t before, const char *tail)
{
	uint64_t seq, count, kernel;

	if (mr_icount_read(path, &seq, &count, &kernel) || seq != before + 1) {
		fprintf(stderr, "mr-mark: no count in %s after the stop marker: "
			"is the icount plugin loaded (tests/qemu/run --icount)?\n", path);
		exit(1);
	}
	printf("insns=%" PRIu64 " kernel=%" PRIu64 "%s\n", count, kernel, tail);
}

int main(int argc, char **argv)
{
	uint64_t before, k;
	char tail[40], *end;

	path = getenv("MR_ICOUNT");
	if (!path || !*path) {
		fprintf(stderr, "mr-mark: MR_ICOUNT is not set: run under tests/qemu/run --icount\n");
		return 1;
	}
	if (argc == 2 && !strcmp(argv[1], "start")) {
		mr_mark_start();
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "stop")) {
		before = seq_now();
		mr_mark_stop();
		result(before, "");
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "loop")) {
		errno = 0;
		k = strtoull(argv[2], &end, 10);
		if (errno || end == argv[2] || *end || k == 0 || k > 1000000000) {
			fprintf(stderr, "mr-mark: loop K: \"%s\" is not a number from 1 to 1e9\n",
				argv[2]);
			return 1;
		}
		before = seq_now();
		/* start, mov, K times (dec, jnz), stop: the count is 2K+2. */
		asm volatile(".byte 0x0f, 0x1f, 0x80, 'M', 'R', 'I', 'S'\n\t"
			     "mov %0, %%rcx\n"
			     "1:\tdec %%rcx\n\t"
			     "jnz 1b\n\t"
			     ".byte 0x0f, 0x1f, 0x80, 'M', 'R', 'I', 'E'"
			     : : "r"(k) : "rcx", "cc", "memory");
		snprintf(tail, sizeof(tail), " expected=%" PRIu64, 2 * k + 2);
		result(before, tail);
		return 0;
	}
	fprintf(stderr, "usage: mr-mark start | stop | loop K (see tests/qemu/icount/mr-mark.c)\n");
	return 2;
}
