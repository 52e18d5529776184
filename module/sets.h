/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sets of ports, IDs and addresses, kept as sorted, disjoint, non-adjacent
 * ranges of 128-bit keys, so one implementation serves ports, UIDs, IPv4 and
 * IPv6. A lookup is a binary search: its cost grows with log2 of the number
 * of ranges, never with a walk over them.
 */
#ifndef MR_SETS_H
#define MR_SETS_H

#include "pure.h"

/* Ports, IDs and IPv4 addresses (host order) live in lo; IPv6 uses both. */
struct mr_key {
	u64 hi;
	u64 lo;
};

struct mr_range {
	struct mr_key first;
	struct mr_key last;
};

struct mr_set {
	u32 count;
	struct mr_range range[];
};

static inline struct mr_key mr_key_u32(u32 value)
{
	return (struct mr_key){ .hi = 0, .lo = value };
}

static inline int mr_key_cmp(struct mr_key a, struct mr_key b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

static inline bool mr_key_eq(struct mr_key a, struct mr_key b)
{
	return a.hi == b.hi && a.lo == b.lo;
}

/* A NULL set is the empty set. */
bool mr_set_contains(const struct mr_set *set, struct mr_key key);

/*
 * Sorts ranges and merges the overlapping and adjacent ones, in place.
 * Returns how many remain. Ranges with first > last are invalid input.
 */
u32 mr_ranges_normalize(struct mr_range *range, u32 count);

/* The addresses of addr/prefix_len, in a family of bits-bit addresses. */
struct mr_range mr_cidr_range(struct mr_key addr, unsigned int prefix_len,
			      unsigned int bits);

static inline struct mr_key mr_key_inc(struct mr_key k)
{
	k.lo++;
	if (!k.lo)
		k.hi++;
	return k;
}

/*
 * The prefix length of the largest CIDR that starts at first and ends at or
 * before last: walking a range with it yields the fewest CIDRs covering it.
 */
unsigned int mr_cidr_fit(struct mr_key first, struct mr_key last,
			 unsigned int bits);

#endif /* MR_SETS_H */
