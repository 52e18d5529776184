/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The schema of Kuma's transparent-proxy file, shared by kuma.c, which
 * holds the table of its fields and reads the file, and kuma_write.c,
 * which writes it. Private to those two.
 */
#ifndef MR_KUMA_FIELDS_H
#define MR_KUMA_FIELDS_H

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
	K_EMPTY,	/* the same, as an empty list only */
	/* Checked, then ignored: they tune kumactl's iptables runs, or a feature off. */
	K_SKIP_BOOL,
	K_SKIP_STRING,
	K_SKIP_UINT,	/* 0 to max */
	K_SKIP_DURATION,
};

/* Where a field's value is: cfg, x, or the parent mapping's target. */
enum where {
	IN_NONE,
	IN_CFG,
	IN_EXTRA,
	IN_PARENT,
};

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

#endif /* MR_KUMA_FIELDS_H */
