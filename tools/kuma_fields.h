/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The schema of Kuma's transparent-proxy settings: kuma.c holds the table
 * of the file's fields and reads the file, kuma_write.c writes it,
 * kuma_env.c holds a table of the environment variables in the same
 * terms, and kuma_value.c reads a value of each kind for both readers.
 * Private to those four.
 */
#ifndef MR_KUMA_FIELDS_H
#define MR_KUMA_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include "kuma.h"
#include "parse.h"

/* What a field is, and so how it is read and whether it is written. */
enum kind {
	K_MAP,		/* a mapping of the fields in sub */
	K_BOOL,		/* bool */
	K_PORT,		/* uint16_t */
	K_RANGES,	/* struct range_list of rk; a lone value is one entry */
	K_CIDRS,	/* struct cidr_list */
	K_UID_PORTS,	/* struct uid_ports_list */
	K_VNETS,	/* struct vnet_list */
	K_FAMILY,	/* ip_family_mode */
	K_NOT_BOOL,	/* bool, the field's negation: skipConntrackZoneSplit */
	K_USER,		/* kumaDPUser: a UID or name, "" for the default */
	K_EVENT_RATE,	/* uint32_t, 1 to MESHREDIR_MAX_EVENT_RATE */
	/* The kinds above are written by kuma_write, those below only read. */
	K_OPTION,	/* a bool of how to run, not of the configuration */
	K_PATH,		/* char[KUMA_PATH_MAX] */
	K_FALSE,	/* what meshredir does not do, accepted as false only */
	K_EMPTY,	/* the same, as an empty list only ("" for a variable) */
	/* Checked, then ignored: they tune kumactl's iptables runs, or a feature off. */
	K_SKIP_BOOL,
	K_SKIP_STRING,
	K_SKIP_UINT,	/* 0 to max (a variable: of kuma_env's bits) */
	K_SKIP_DURATION,
	/* Only in the environment, and ignored too. */
	K_SKIP_CHAIN,	/* a chain name: not empty */
	K_SKIP_EXECUTABLES,	/* NAME:PATH[,NAME:PATH...] */
};

/* Where a field's value is: cfg, x, or the parent mapping's target. */
enum where {
	IN_NONE,
	IN_CFG,
	IN_EXTRA,
	IN_PARENT,
};

/* A file's field, or an environment variable (key: its name after the prefix). */
struct field {
	const char *key;
	enum kind kind;
	enum where where;
	size_t off;
	const struct field *sub;	/* K_MAP */
	size_t nsub;
	enum range_kind rk;		/* K_RANGES */
	const char *why;		/* K_FALSE, K_EMPTY, K_SKIP_* */
	unsigned long long max;		/* K_SKIP_UINT */
};

/* The whole file, in the order kuma_write writes what it writes. */
extern const struct field kuma_root_fields[];
extern const size_t kuma_root_nfields;

/* Where f's value is; a mapping without one passes its parent's on. */
static inline void *at(const struct field *f, const void *cfg, const void *x, const void *parent)
{
	const char *base = f->where == IN_CFG ? cfg : f->where == IN_EXTRA ? x : parent;

	return (char *)(f->where == IN_NONE ? base : base + f->off);
}

/* Whether a kind is checked, then ignored: the reader names it for --verbose. */
static inline bool kuma_ignored(enum kind kind)
{
	return kind >= K_SKIP_BOOL;
}

/*
 * kuma_value.c: a kind's meaning, once the reader has its text. name is
 * what errors blame, a field's path or a variable: -1 with "NAME: ..." in
 * err on a bad value.
 */
/* Empties the list of a list kind (K_RANGES, K_CIDRS, K_VNETS, K_UID_PORTS). */
void kuma_list_clear(const struct field *f, void *to);
/* Adds one entry of a list kind; a K_RANGES entry may be a comma-separated run of them. */
int kuma_list_add(const char *name, const struct field *f, const char *value, void *to,
		  char *err, size_t errlen);
/*
 * A single value of the other kinds: sets to, or for K_SKIP_BOOL and
 * K_SKIP_STRING only checks it. What each source writes its own way is
 * its reader's: K_EMPTY, K_SKIP_UINT, K_SKIP_DURATION and the
 * environment's own kinds.
 */
int kuma_value(const char *name, const struct field *f, const char *value, void *to,
	       char *err, size_t errlen);

#endif /* MR_KUMA_FIELDS_H */
