// SPDX-License-Identifier: GPL-2.0
/*
 * What the tool's unit tests share: running the parser on a literal command
 * line, and comparing two configurations field by field.
 */
#ifndef MR_TOOL_UTIL_H
#define MR_TOOL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "../../tools/args.h"
#include "../../tools/util.h"

#define TOOL_MAX_ARGS 4096

/* Parses "meshredir" followed by the NULL-terminated words. */
__attribute__((unused, sentinel))
static int tool_parse(struct cmdline *cl, char *err, ...)
{
	static char *argv[TOOL_MAX_ARGS];
	int argc = 0;
	va_list ap;
	char *a;

	argv[argc++] = "meshredir";
	va_start(ap, err);
	while ((a = va_arg(ap, char *)) && argc < TOOL_MAX_ARGS - 1)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return args_parse(cl, argc, argv, err, MR_ERR_LEN);
}

/*
 * The error a command line gives, or "" if it parses; always freed. For
 * EXPECT_ERR() below, so that a failure points at the test's own line.
 */
__attribute__((unused, sentinel))
static const char *tool_error(char *err, ...)
{
	static char *argv[TOOL_MAX_ARGS];
	struct cmdline cl;
	int argc = 0, ret;
	va_list ap;
	char *a;

	argv[argc++] = "meshredir";
	va_start(ap, err);
	while ((a = va_arg(ap, char *)) && argc < TOOL_MAX_ARGS - 1)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	ret = args_parse(&cl, argc, argv, err, MR_ERR_LEN);
	cmdline_free(&cl);
	if (!ret)
		err[0] = '\0';
	return err;
}

/* What a writer (show_text, kuma_write, ...) printed, in a string to free. */
static inline char *tool_capture(void (*write)(FILE *, const struct tool_config *),
				 const struct tool_config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	write(f, cfg);
	fclose(f);
	return buf;
}

#define EXPECT_ERR(msg, ...)						\
	do {								\
		char e_[MR_ERR_LEN];					\
		CHECK_STR(tool_error(e_, __VA_ARGS__, NULL), msg);	\
	} while (0)

static inline bool tool_ranges_equal(const struct range_list *a, const struct range_list *b)
{
	return a->n == b->n && (!a->n || !memcmp(a->v, b->v, a->n * sizeof(*a->v)));
}

static inline bool tool_cidrs_equal(const struct cidr_list *a, const struct cidr_list *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (a->v[i].family != b->v[i].family || a->v[i].prefix_len != b->v[i].prefix_len ||
		    memcmp(a->v[i].addr, b->v[i].addr, sizeof(a->v[i].addr)))
			return false;
	return true;
}

static inline bool tool_dir_equal(const struct dir_config *a, const struct dir_config *b)
{
	size_t i;

	if (a->enabled != b->enabled || a->port != b->port ||
	    !tool_ranges_equal(&a->exclude_ports, &b->exclude_ports) ||
	    !tool_ranges_equal(&a->include_ports, &b->include_ports) ||
	    !tool_cidrs_equal(&a->exclude_ips, &b->exclude_ips) ||
	    a->exclude_ports_for_uids.n != b->exclude_ports_for_uids.n)
		return false;
	for (i = 0; i < a->exclude_ports_for_uids.n; i++) {
		const struct uid_ports *x = &a->exclude_ports_for_uids.v[i];
		const struct uid_ports *y = &b->exclude_ports_for_uids.v[i];

		if (x->uids.first != y->uids.first || x->uids.last != y->uids.last ||
		    !tool_ranges_equal(&x->ports, &y->ports))
			return false;
	}
	return true;
}

/* The configuration, counters aside. */
static inline bool tool_config_equal(const struct tool_config *a,
				     const struct tool_config *b)
{
	return a->ip_family_mode == b->ip_family_mode &&
	       a->drop_invalid == b->drop_invalid &&
	       tool_ranges_equal(&a->owner_uids, &b->owner_uids) &&
	       tool_ranges_equal(&a->owner_gids, &b->owner_gids) &&
	       tool_dir_equal(&a->inbound, &b->inbound) &&
	       tool_dir_equal(&a->outbound, &b->outbound);
}

#endif /* MR_TOOL_UTIL_H */
