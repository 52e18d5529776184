// SPDX-License-Identifier: GPL-2.0
/*
 * Range sets: built once per configuration, in process context, then only
 * read, locklessly, from the packet path.
 */

#include "sets.h"

bool mr_set_contains(const struct mr_set *set, struct mr_key key)
{
	u32 lo = 0, hi;

	if (!set)
		return false;
	hi = set->count;
	/* First range whose last key is >= key, then one comparison. */
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (mr_key_cmp(set->range[mid].last, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < set->count && mr_key_cmp(set->range[lo].first, key) <= 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct mr_range *x = a, *y = b;

	return mr_key_cmp(x->first, y->first);
}

u32 mr_ranges_normalize(struct mr_range *range, u32 count)
{
	u32 i, n = 0;

	if (!count)
		return 0;
	/* The tool sends its lists sorted; heapsort would redo all its work. */
	for (i = 1; i < count && mr_key_cmp(range[i - 1].first, range[i].first) <= 0; i++)
		;
	if (i < count)
		mr_sort(range, count, sizeof(*range), range_cmp);
	for (i = 1; i < count; i++) {
		struct mr_range *cur = &range[n];
		bool touches = mr_key_cmp(range[i].first, cur->last) <= 0 ||
			       (!(cur->last.hi == ~0ULL && cur->last.lo == ~0ULL) &&
				mr_key_eq(range[i].first, mr_key_inc(cur->last)));

		if (touches) {
			if (mr_key_cmp(range[i].last, cur->last) > 0)
				cur->last = range[i].last;
		} else {
			range[++n] = range[i];
		}
	}
	return n + 1;
}

/* The key with the low host_bits bits set, the rest clear. */
static struct mr_key host_mask(unsigned int host_bits)
{
	struct mr_key m = { 0, 0 };

	if (host_bits >= 128)
		return (struct mr_key){ ~0ULL, ~0ULL };
	if (host_bits >= 64) {
		m.lo = ~0ULL;
		m.hi = host_bits == 64 ? 0 : ~0ULL >> (128 - host_bits);
	} else if (host_bits) {
		m.lo = ~0ULL >> (64 - host_bits);
	}
	return m;
}

struct mr_range mr_cidr_range(struct mr_key addr, unsigned int prefix_len,
			      unsigned int bits)
{
	struct mr_key host = host_mask(bits - prefix_len);
	struct mr_range r;

	r.first.hi = addr.hi & ~host.hi;
	r.first.lo = addr.lo & ~host.lo;
	r.last.hi = r.first.hi | host.hi;
	r.last.lo = r.first.lo | host.lo;
	return r;
}

unsigned int mr_cidr_fit(struct mr_key first, struct mr_key last,
			 unsigned int bits)
{
	unsigned int prefix_len;

	for (prefix_len = 0; prefix_len < bits; prefix_len++) {
		struct mr_range r = mr_cidr_range(first, prefix_len, bits);

		if (mr_key_eq(r.first, first) && mr_key_cmp(r.last, last) <= 0)
			break;
	}
	return prefix_len;
}
