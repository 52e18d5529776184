// SPDX-License-Identifier: GPL-2.0
/*
 * The module's decide.c and sets.c, compiled unchanged in userspace under
 * ASan and UBSan: the classification table shared with KUnit, and the range
 * sets checked against a plain linear model on random inputs.
 */

#include <stdio.h>
#include <stdlib.h>
#include "check.h"
#include "../../module/sets.c"
#include "../../module/decide.c"
#include "../kunit/decide_cases.h"

static struct mr_arena arena;

static void test_decide_table(void)
{
	size_t i;

	for (i = 0; i < sizeof(mr_cases) / sizeof(mr_cases[0]); i++) {
		const struct mr_case *c = &mr_cases[i];
		const struct mr_config *cfg;

		memset(&arena, 0, sizeof(arena));
		cfg = mr_spec_config(&arena, &c->spec);
		if (!CHECK(cfg))
			continue;
		if (!CHECK_INT(mr_case_run(cfg, c), c->want))
			printf("  case: %s\n", c->name);
	}
}

/* A small LCG: the same inputs on every run and every machine. */
static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u32 rnd(u32 bound)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (u32)(rng_state >> 33) % bound;
}

static bool model_contains(const struct mr_range *r, u32 n, u32 key)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (r[i].first.lo <= key && key <= r[i].last.lo)
			return true;
	return false;
}

static int first_cmp(const void *a, const void *b)
{
	const struct mr_range *x = a, *y = b;

	return mr_key_cmp(x->first, y->first);
}

/* Every other round sends the ranges sorted, as the tool does. */
static void test_set_against_model(void)
{
	struct {
		u32 count;
		struct mr_range range[64];
	} s;
	struct mr_range raw[64];
	int round;

	for (round = 0; round < 200; round++) {
		u32 n = 1 + rnd(64), i, key;
		bool ok = true;

		for (i = 0; i < n; i++) {
			u32 a = rnd(2000), b = a + rnd(40);

			raw[i] = (struct mr_range){ mr_key_u32(a), mr_key_u32(b) };
		}
		if (round % 2)
			qsort(raw, n, sizeof(raw[0]), first_cmp);
		memcpy(s.range, raw, n * sizeof(raw[0]));
		s.count = mr_ranges_normalize(s.range, n);
		for (i = 1; i < s.count; i++)	/* sorted, disjoint, not adjacent */
			ok &= s.range[i].first.lo > s.range[i - 1].last.lo + 1;
		for (key = 0; key < 2100; key++)
			ok &= mr_set_contains((struct mr_set *)&s, mr_key_u32(key)) ==
			      model_contains(raw, n, key);
		if (!CHECK(ok))
			printf("  round %d, %u ranges\n", round, n);
	}
}

/* Walking a range with mr_cidr_fit covers it exactly, with aligned blocks. */
static void test_cidr_cover(void)
{
	int round;

	for (round = 0; round < 2000; round++) {
		u32 first = rnd(1u << 20), last = first + rnd(5000);
		struct mr_key cur = mr_key_u32(first), end = mr_key_u32(last);
		u32 covered = 0, pieces = 0;
		bool ok = true;

		for (;;) {
			unsigned int p = mr_cidr_fit(cur, end, 32);
			struct mr_range r = mr_cidr_range(cur, p, 32);

			ok &= mr_key_eq(r.first, cur) && mr_key_cmp(r.last, end) <= 0;
			/* Maximal: the next larger block would not fit or not align. */
			if (p > 0) {
				struct mr_range big = mr_cidr_range(cur, p - 1, 32);

				ok &= !mr_key_eq(big.first, cur) || mr_key_cmp(big.last, end) > 0;
			}
			covered += (u32)(r.last.lo - r.first.lo + 1);
			pieces++;
			if (mr_key_eq(r.last, end) || !ok || pieces > 64)
				break;
			cur = mr_key_inc(r.last);
		}
		ok &= covered == last - first + 1;
		if (!CHECK(ok))
			printf("  %u-%u\n", first, last);
	}
}

static void test_key_edges(void)
{
	struct mr_key max = { ~0ULL, ~0ULL };
	struct mr_range all[2] = { { { 0, 0 }, { 0, ~0ULL } }, { { 1, 0 }, max } };

	/* Carry into the high half, and merging up to the very last key. */
	CHECK(mr_key_eq(mr_key_inc((struct mr_key){ 0, ~0ULL }), ((struct mr_key){ 1, 0 })));
	CHECK_UINT(mr_ranges_normalize(all, 2), 1);
	CHECK(mr_key_eq(all[0].last, max));
	CHECK_UINT(mr_cidr_fit((struct mr_key){ 0, 0 }, max, 128), 0);
	CHECK_UINT(mr_cidr_fit((struct mr_key){ 0, 1 }, max, 128), 128);
	CHECK_UINT(mr_ranges_normalize(all, 0), 0);
}

/*
 * drop-invalid-packets: only conntrack's INVALID, only when configured, and
 * only for the families the configuration names.
 */
static void test_drops_invalid(void)
{
	struct mr_config on = { .drop_invalid = true,
				.ip_family_mode = MESHREDIR_IP_FAMILY_DUALSTACK };
	struct mr_config on4 = { .drop_invalid = true,
				 .ip_family_mode = MESHREDIR_IP_FAMILY_IPV4 };
	struct mr_config off = { .drop_invalid = false };

	CHECK(mr_drops_invalid(&on, false, false, false));	/* INVALID */
	CHECK(mr_drops_invalid(&on, true, false, false));	/* INVALID, IPv6 */
	CHECK(!mr_drops_invalid(&on, false, true, false));	/* tracked */
	CHECK(!mr_drops_invalid(&on, false, false, true));	/* NOTRACK */
	CHECK(!mr_drops_invalid(&off, false, false, false));	/* not asked for */
	CHECK(!mr_drops_invalid(NULL, false, false, false));	/* deconfigured meanwhile */
	CHECK(mr_drops_invalid(&on4, false, false, false));	/* ipv4 mode, IPv4 */
	CHECK(!mr_drops_invalid(&on4, true, false, false));	/* ipv4 mode, IPv6 */
}

/*
 * A mid-stream pickup is bound again only where it would be redirected and
 * the proxy holds its socket; everything else is left as it is.
 */
static void test_pickup(void)
{
	enum meshredir_reason r;

	for (r = MESHREDIR_REASON_UNSPEC + 1; r <= MESHREDIR_REASON_MAX; r++) {
		bool redirects = r == MESHREDIR_REASON_REDIRECTED_INBOUND ||
				 r == MESHREDIR_REASON_REDIRECTED_OUTBOUND;

		CHECK_INT(mr_decide_pickup(r, true), redirects ?
			  MESHREDIR_REASON_RESUMED : MESHREDIR_REASON_MIDSTREAM);
		CHECK_INT(mr_decide_pickup(r, false), MESHREDIR_REASON_MIDSTREAM);
	}
}

int main(void)
{
	RUN(test_decide_table);
	RUN(test_drops_invalid);
	RUN(test_pickup);
	RUN(test_set_against_model);
	RUN(test_cidr_cover);
	RUN(test_key_edges);
	return check_report();
}
