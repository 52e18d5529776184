/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers every file of the tool may use: growing arrays, one-line error
 * messages into a caller's buffer.
 */
#ifndef MR_UTIL_H
#define MR_UTIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Room for any message the tool writes. */
#define MR_ERR_LEN 512

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void *xrealloc(void *p, size_t n, size_t size)
{
	void *q = NULL;

	if (!size || n <= SIZE_MAX / size)
		q = realloc(p, n * size);
	if (!q) {
		/* A tool that can't allocate a few KiB has nothing better to do. */
		fputs("meshredir: out of memory\n", stderr);
		exit(1);
	}
	return q;
}

/* Room for one more element of a { v, n, cap } array. */
#define GROW(l)								\
	do {								\
		if ((l)->n == (l)->cap) {				\
			(l)->cap = (l)->cap ? 2 * (l)->cap : 8;		\
			(l)->v = xrealloc((l)->v, (l)->cap, sizeof(*(l)->v)); \
		}							\
	} while (0)

/* The message into err; returns -1, so that `return fail(...)` reads well. */
__attribute__((format(printf, 3, 4)))
static inline int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* "meshredir: " and the message on stderr; returns 1, the exit status. */
__attribute__((format(printf, 1, 2)))
static inline int print_error(const char *fmt, ...)
{
	va_list ap;

	fputs("meshredir: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

#endif /* MR_UTIL_H */
