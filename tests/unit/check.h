// SPDX-License-Identifier: GPL-2.0
/*
 * The harness every tests/unit binary shares. A CHECK counts and goes on
 * instead of stopping, so one run shows every failure; check_report() prints
 * the "<file>: N passed, N failed" line that the Makefile adds up and gives
 * main() its exit status. A test file is:
 *
 *	#include "check.h"
 *
 *	static void test_something(void)
 *	{
 *		CHECK(1 + 1 == 2);
 *		CHECK_INT(mr_decide(&cfg, &flow), MESHREDIR_REASON_LOCALHOST);
 *		CHECK_STR(err, "expected message");
 *	}
 *
 *	int main(void)
 *	{
 *		RUN(test_something);
 *		return check_report();
 *	}
 *
 * Everything here is static: include it from the test's own .c file only.
 */
#ifndef MR_CHECK_H
#define MR_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static unsigned int check_passed, check_failed;
static const char *check_test = "";

__attribute__((format(printf, 4, 5), unused))
static bool check_result(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		check_passed++;
		return true;
	}
	check_failed++;
	fprintf(stdout, "%s:%d: %s: FAILED: ", file, line, check_test);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	return false;
}

/* Each evaluates its arguments once and is true if the check passed. */
#define CHECK(cond) check_result(!!(cond), __FILE__, __LINE__, "%s", #cond)

#define CHECK_INT(a, b)							\
	({								\
		long long a_ = (long long)(a), b_ = (long long)(b);	\
		check_result(a_ == b_, __FILE__, __LINE__, "%s == %s: %lld != %lld", \
			     #a, #b, a_, b_);				\
	})

#define CHECK_UINT(a, b)						\
	({								\
		unsigned long long a_ = (unsigned long long)(a);	\
		unsigned long long b_ = (unsigned long long)(b);	\
		check_result(a_ == b_, __FILE__, __LINE__, "%s == %s: %llu != %llu", \
			     #a, #b, a_, b_);				\
	})

#define CHECK_STR(a, b)							\
	({								\
		const char *a_ = (a), *b_ = (b);			\
		check_result(a_ && b_ && !strcmp(a_, b_), __FILE__, __LINE__, \
			     "%s == %s:\n  got:      \"%s\"\n  expected: \"%s\"", \
			     #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	})

#define CHECK_MEM(a, b, n)						\
	({								\
		size_t n_ = (n);					\
		check_result(!memcmp((a), (b), n_), __FILE__, __LINE__,	\
			     "%s == %s (%zu bytes)", #a, #b, n_);	\
	})

/* Runs one test function, whose name then appears in its failures. */
#define RUN(fn)								\
	do {								\
		check_test = #fn;					\
		fn();							\
	} while (0)

/* The last line a test binary prints, and its exit status. */
#define check_report() check_report_(__BASE_FILE__)

__attribute__((unused))
static int check_report_(const char *file)
{
	const char *slash = strrchr(file, '/');
	const char *name = slash ? slash + 1 : file;
	int len = (int)strlen(name);

	if (len > 2 && !strcmp(name + len - 2, ".c"))
		len -= 2;
	printf("%.*s: %u passed, %u failed\n", len, name, check_passed, check_failed);
	fflush(stdout);
	return check_failed ? 1 : 0;
}

#endif /* MR_CHECK_H */
