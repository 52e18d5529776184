// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for meshredir's pure parts: the classification table, the
 * range sets, cutting exclude-outbound-ports-for-uids along the UID axis,
 * and gathering a SET in parts into a configuration.
 * The module's sources are compiled in here, so the suite tests the same
 * code without the module exporting anything.
 */

#include <kunit/test.h>
#include "../../module/sets.c"
#include "../../module/decide.c"
#include "../../module/config.c"
#include "../../module/ratelimit.h"
#include "decide_cases.h"

static struct mr_arena mr_test_arena;

static void mr_case_desc(const struct mr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(mr_cases, mr_cases, mr_case_desc);

static void mr_test_decide(struct kunit *test)
{
	const struct mr_case *c = test->param_value;
	const struct mr_config *cfg;

	memset(&mr_test_arena, 0, sizeof(mr_test_arena));
	cfg = mr_spec_config(&mr_test_arena, &c->spec);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	KUNIT_EXPECT_EQ(test, mr_case_run(cfg, c), c->want);
}

/* Mid-stream pickups and drop-invalid, the two rules beside the table. */
static void mr_test_pickup_and_invalid(struct kunit *test)
{
	struct mr_config v4 = { .drop_invalid = true,
				.ip_family_mode = MESHREDIR_IP_FAMILY_IPV4 };
	int r;

	for (r = MESHREDIR_REASON_UNSPEC + 1; r <= MESHREDIR_REASON_MAX; r++) {
		KUNIT_EXPECT_EQ(test, (int)mr_decide_pickup(r, false),
				(int)MESHREDIR_REASON_MIDSTREAM);
		KUNIT_EXPECT_EQ(test, (int)mr_decide_pickup(r, true),
				r == MESHREDIR_REASON_REDIRECTED_INBOUND ||
				r == MESHREDIR_REASON_REDIRECTED_OUTBOUND ?
				(int)MESHREDIR_REASON_RESUMED : (int)MESHREDIR_REASON_MIDSTREAM);
	}
	KUNIT_EXPECT_TRUE(test, mr_drops_invalid(&v4, false, false, false));
	KUNIT_EXPECT_FALSE(test, mr_drops_invalid(&v4, true, false, false));
}

static void mr_test_set_edges(struct kunit *test)
{
	struct mr_range r[] = {
		{ { 0, 300 }, { 0, 400 } },
		{ { 0, 10 }, { 0, 20 } },
		{ { 0, 21 }, { 0, 30 } },	/* adjacent to the one above: merged */
		{ { 0, 15 }, { 0, 18 } },	/* inside: merged */
		{ { 0, 1000 }, { 0, 1000 } },
	};
	struct {
		u32 count;
		struct mr_range range[ARRAY_SIZE(r)];
	} s;
	struct mr_set *set = (struct mr_set *)&s;

	memcpy(s.range, r, sizeof(r));
	s.count = mr_ranges_normalize(s.range, ARRAY_SIZE(r));
	KUNIT_ASSERT_EQ(test, s.count, 3U);
	KUNIT_EXPECT_EQ(test, s.range[0].first.lo, 10ULL);
	KUNIT_EXPECT_EQ(test, s.range[0].last.lo, 30ULL);
	KUNIT_EXPECT_FALSE(test, mr_set_contains(set, mr_key_u32(9)));
	KUNIT_EXPECT_TRUE(test, mr_set_contains(set, mr_key_u32(10)));
	KUNIT_EXPECT_TRUE(test, mr_set_contains(set, mr_key_u32(30)));
	KUNIT_EXPECT_FALSE(test, mr_set_contains(set, mr_key_u32(31)));
	KUNIT_EXPECT_FALSE(test, mr_set_contains(set, mr_key_u32(299)));
	KUNIT_EXPECT_TRUE(test, mr_set_contains(set, mr_key_u32(300)));
	KUNIT_EXPECT_TRUE(test, mr_set_contains(set, mr_key_u32(1000)));
	KUNIT_EXPECT_FALSE(test, mr_set_contains(set, mr_key_u32(1001)));
	KUNIT_EXPECT_FALSE(test, mr_set_contains(NULL, mr_key_u32(10)));
	/* Ordering spans both halves of the key. */
	KUNIT_EXPECT_LT(test, mr_key_cmp((struct mr_key){ 0, ~0ULL }, (struct mr_key){ 1, 0 }), 0);
}

static void mr_test_cidr(struct kunit *test)
{
	struct mr_key a4 = { 0, 0xc0000280 };	/* 192.0.2.128 */
	struct mr_key a6 = { 0x20010db800000000ULL, 0x1234 };
	struct mr_range r;

	r = mr_cidr_range(a4, 24, 32);
	KUNIT_EXPECT_EQ(test, r.first.lo, 0xc0000200ULL);
	KUNIT_EXPECT_EQ(test, r.last.lo, 0xc00002ffULL);
	r = mr_cidr_range(a4, 0, 32);
	KUNIT_EXPECT_EQ(test, r.first.lo, 0ULL);
	KUNIT_EXPECT_EQ(test, r.last.lo, 0xffffffffULL);
	KUNIT_EXPECT_EQ(test, r.last.hi, 0ULL);
	r = mr_cidr_range(a6, 32, 128);
	KUNIT_EXPECT_EQ(test, r.first.hi, 0x20010db800000000ULL);
	KUNIT_EXPECT_EQ(test, r.first.lo, 0ULL);
	KUNIT_EXPECT_EQ(test, r.last.hi, 0x20010db8ffffffffULL);
	KUNIT_EXPECT_EQ(test, r.last.lo, ~0ULL);
	r = mr_cidr_range(a6, 64, 128);
	KUNIT_EXPECT_EQ(test, r.last.hi, 0x20010db800000000ULL);
	KUNIT_EXPECT_EQ(test, r.last.lo, ~0ULL);
	r = mr_cidr_range(a6, 128, 128);
	KUNIT_EXPECT_TRUE(test, mr_key_eq(r.first, a6) && mr_key_eq(r.last, a6));
	r = mr_cidr_range(a6, 0, 128);
	KUNIT_EXPECT_EQ(test, r.first.hi, 0ULL);
	KUNIT_EXPECT_EQ(test, r.last.hi, ~0ULL);
	/* 10.0.0.1-10.0.0.6 is .1/32 .2/31 .4/31 .6/32 */
	KUNIT_EXPECT_EQ(test, mr_cidr_fit(mr_key_u32(0x0a000001), mr_key_u32(0x0a000006), 32), 32U);
	KUNIT_EXPECT_EQ(test, mr_cidr_fit(mr_key_u32(0x0a000002), mr_key_u32(0x0a000006), 32), 31U);
	KUNIT_EXPECT_EQ(test, mr_cidr_fit(mr_key_u32(0x0a000004), mr_key_u32(0x0a000006), 32), 31U);
	KUNIT_EXPECT_EQ(test, mr_cidr_fit(mr_key_u32(0), mr_key_u32(0xffffffff), 32), 0U);
	KUNIT_EXPECT_EQ(test, mr_cidr_fit((struct mr_key){ 0, 0 }, (struct mr_key){ ~0ULL, ~0ULL }, 128), 0U);
}

static void mr_test_uid_ports_cut(struct kunit *test)
{
	/* uids 100-200 exclude port 80; 150-300 exclude 443. */
	struct mr_uid_ports_input in[2] = {
		{ .uids = { { 0, 100 }, { 0, 200 } }, .protocols = MESHREDIR_PROTO_TCP },
		{ .uids = { { 0, 150 }, { 0, 300 } }, .protocols = MESHREDIR_PROTO_TCP },
	};
	const struct mr_uid_ports *up, *given;
	struct mr_flow f = { .has_owner = true, .dport = 80 };

	KUNIT_ASSERT_EQ(test, mr_ranges_init(&in[0].ports, 1), 0);
	KUNIT_ASSERT_EQ(test, mr_ranges_init(&in[1].ports, 1), 0);
	mr_ranges_add(&in[0].ports, (struct mr_range){ { 0, 80 }, { 0, 80 } });
	mr_ranges_add(&in[1].ports, (struct mr_range){ { 0, 443 }, { 0, 443 } });
	KUNIT_ASSERT_EQ(test, mr_uid_ports_build(in, 2, MESHREDIR_PROTO_TCP, &up), 0);
	KUNIT_ASSERT_NOT_NULL(test, up);
	/* What GET reports: the entries as given, not the cut. */
	KUNIT_ASSERT_EQ(test, mr_uid_ports_keep(in, 2, &given), 0);
	KUNIT_ASSERT_NOT_NULL(test, given);
	KUNIT_EXPECT_EQ(test, given->count, 2U);
	KUNIT_EXPECT_EQ(test, given->entry[1].uids.first.lo, 150ULL);
	KUNIT_EXPECT_EQ(test, given->entry[1].ports->range[0].first.lo, 443ULL);
	KUNIT_EXPECT_NULL(test, in[0].ports.range);
	uid_ports_free(given);
	/* 100-149 {80}, 150-200 {80, 443}, 201-300 {443} */
	KUNIT_ASSERT_EQ(test, up->count, 3U);
	KUNIT_EXPECT_EQ(test, up->entry[1].uids.first.lo, 150ULL);
	KUNIT_EXPECT_EQ(test, up->entry[1].uids.last.lo, 200ULL);
	KUNIT_EXPECT_EQ(test, up->entry[1].ports->count, 2U);

	f.uid = 99;
	KUNIT_EXPECT_FALSE(test, uid_port_excluded(up, &f));
	f.uid = 100;
	KUNIT_EXPECT_TRUE(test, uid_port_excluded(up, &f));
	f.uid = 200;
	KUNIT_EXPECT_TRUE(test, uid_port_excluded(up, &f));
	f.uid = 201;
	KUNIT_EXPECT_FALSE(test, uid_port_excluded(up, &f));
	f.dport = 443;
	KUNIT_EXPECT_TRUE(test, uid_port_excluded(up, &f));
	f.uid = 149;
	KUNIT_EXPECT_FALSE(test, uid_port_excluded(up, &f));
	f.uid = 301;
	KUNIT_EXPECT_FALSE(test, uid_port_excluded(up, &f));

	uid_ports_free(up);
}

/*
 * A SET in parts, as netlink_set.c gathers it: each part reserves room and
 * adds its ranges; earlier parts' ranges survive every regrowth, and the
 * build gives the set one message with all of them would have given.
 */
static void mr_test_input_parts(struct kunit *test)
{
	struct mr_config_input *in = mr_config_input_alloc(42);
	struct mr_range r;
	struct mr_config *cfg;
	u32 part, i;

	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_EXPECT_EQ(test, in->portid, 42U);
	KUNIT_EXPECT_EQ(test, (int)in->ip_family_mode, MESHREDIR_IP_FAMILY_DUALSTACK);
	KUNIT_EXPECT_TRUE(test, in->inbound.enabled);
	KUNIT_EXPECT_EQ(test, (int)in->inbound.port, MESHREDIR_DEFAULT_INBOUND_PORT);
	KUNIT_EXPECT_EQ(test, (int)in->outbound.port, MESHREDIR_DEFAULT_OUTBOUND_PORT);

	/* Part p has the odd ports 6i + 2p + 1: together, every odd port below 6000. */
	for (part = 0; part < 3; part++) {
		KUNIT_ASSERT_EQ(test, mr_ranges_reserve(&in->outbound.exclude_ports, 1000), 0);
		KUNIT_EXPECT_GE(test, in->outbound.exclude_ports.capacity, (part + 1) * 1000);
		for (i = 0; i < 1000; i++) {
			r.first = r.last = mr_key_u32(6 * i + 2 * part + 1);
			mr_ranges_add(&in->outbound.exclude_ports, r);
		}
		KUNIT_EXPECT_EQ(test, in->outbound.exclude_ports.range[0].first.lo, 1ULL);
		KUNIT_EXPECT_EQ(test, in->outbound.exclude_ports.count, (part + 1) * 1000);
	}
	/* A reserve that fits changes nothing. */
	KUNIT_ASSERT_EQ(test, mr_ranges_reserve(&in->outbound.exclude_ports, 0), 0);
	KUNIT_EXPECT_EQ(test, in->outbound.exclude_ports.capacity, 4000U);

	KUNIT_ASSERT_EQ(test, mr_ranges_reserve(&in->owner_uids, 1), 0);
	r.first = r.last = mr_key_u32(5678);
	mr_ranges_add(&in->owner_uids, r);
	/* exclude-outbound-ports-for-uids entries from two parts. */
	for (part = 0; part < 2; part++) {
		struct mr_uid_ports_input *e;

		KUNIT_ASSERT_EQ(test, mr_config_input_reserve_uid_ports(in, 1), 0);
		e = &in->uid_ports[in->uid_ports_count++];
		e->uids.first = e->uids.last = mr_key_u32(1000 + part);
		e->protocols = MESHREDIR_PROTO_TCP;
		KUNIT_ASSERT_EQ(test, mr_ranges_reserve(&e->ports, 1), 0);
		r.first = r.last = mr_key_u32(80 + part);
		mr_ranges_add(&e->ports, r);
	}
	KUNIT_EXPECT_EQ(test, in->uid_ports[0].ports.range[0].first.lo, 80ULL);

	KUNIT_ASSERT_EQ(test, mr_config_build(&init_net, in, &cfg), 0);
	/* The input is emptied: freeing it frees nothing twice. */
	KUNIT_EXPECT_EQ(test, in->outbound.exclude_ports.count, 0U);
	KUNIT_EXPECT_NULL(test, in->uid_ports);
	mr_config_input_free(in);

	KUNIT_EXPECT_EQ(test, refcount_read(&cfg->ref), 1U);
	KUNIT_ASSERT_NOT_NULL(test, cfg->outbound.exclude_ports);
	KUNIT_ASSERT_EQ(test, cfg->outbound.exclude_ports->count, 3000U);
	for (i = 0; i < 3000; i++)
		if (cfg->outbound.exclude_ports->range[i].first.lo != 2 * i + 1)
			break;
	KUNIT_EXPECT_EQ(test, i, 3000U);
	KUNIT_EXPECT_TRUE(test, mr_set_contains(cfg->outbound.exclude_ports, mr_key_u32(5999)));
	KUNIT_EXPECT_FALSE(test, mr_set_contains(cfg->outbound.exclude_ports, mr_key_u32(6000)));
	KUNIT_EXPECT_NULL(test, cfg->inbound.exclude_ports);
	KUNIT_EXPECT_TRUE(test, mr_set_contains(cfg->owner_uids, mr_key_u32(5678)));
	KUNIT_ASSERT_NOT_NULL(test, cfg->uid_ports_given);
	KUNIT_EXPECT_EQ(test, cfg->uid_ports_given->count, 2U);
	KUNIT_ASSERT_NOT_NULL(test, cfg->uid_ports);
	KUNIT_EXPECT_EQ(test, cfg->uid_ports->count, 2U);
	mr_config_free(cfg);

	/* Discarded half way, as a refused part discards a SET: nothing leaks. */
	in = mr_config_input_alloc(7);
	KUNIT_ASSERT_NOT_NULL(test, in);
	KUNIT_ASSERT_EQ(test, mr_ranges_reserve(&in->inbound.exclude_ips6, 100), 0);
	KUNIT_ASSERT_EQ(test, mr_config_input_reserve_uid_ports(in, 3), 0);
	in->uid_ports_count = 1;
	KUNIT_ASSERT_EQ(test, mr_ranges_reserve(&in->uid_ports[0].ports, 10), 0);
	mr_config_input_free(in);
}

/* Events a burst at one instant lets through, from state *tat. */
static unsigned int mr_burst(u64 *tat, u64 now, u32 rate)
{
	unsigned int n = 0;
	u64 next;

	while (n <= rate && mr_rate_admit(*tat, now, rate, &next)) {
		*tat = next;
		n++;
	}
	return n;
}

/* The events' rate limit: bursts of a second's worth, then the rate. */
static void mr_test_rate_limit(struct kunit *test)
{
	const u64 t0 = 5 * MR_RATE_NSEC;
	u64 tat = 0, next = 0;
	unsigned int i, sent;

	/* An idle bucket is full: rate events at once, not one more. */
	KUNIT_EXPECT_EQ(test, mr_burst(&tat, t0, 1000), 1000U);
	KUNIT_EXPECT_FALSE(test, mr_rate_admit(tat, t0, 1000, &next));
	/* Refilled at the rate: one more after a millisecond, not before. */
	KUNIT_EXPECT_FALSE(test, mr_rate_admit(tat, t0 + 999999, 1000, &next));
	KUNIT_EXPECT_TRUE(test, mr_rate_admit(tat, t0 + 1000000, 1000, &next));
	/* Ten seconds of a flood, an attempt every 100 us: 1000 + 10 * 1000. */
	tat = 0;
	sent = 0;
	for (i = 0; i <= 100000; i++) {
		if (mr_rate_admit(tat, t0 + (u64)i * 100000, 1000, &next)) {
			tat = next;
			sent++;
		}
	}
	KUNIT_EXPECT_EQ(test, sent, 11000U);
	/* After a second of silence, full again. */
	KUNIT_EXPECT_EQ(test, mr_burst(&tat, tat + MR_RATE_NSEC, 1000), 1000U);
	/* The edges of the policy's range. */
	tat = 0;
	KUNIT_EXPECT_EQ(test, mr_burst(&tat, t0, 1), 1U);
	KUNIT_EXPECT_TRUE(test, mr_rate_admit(tat, t0 + MR_RATE_NSEC, 1, &next));
	KUNIT_EXPECT_FALSE(test, mr_rate_admit(tat, t0 + MR_RATE_NSEC - 1, 1, &next));
	tat = 0;
	KUNIT_EXPECT_EQ(test, mr_burst(&tat, t0, 1000000), 1000000U);
	/* A rate that does not divide a second: never more than asked in one. */
	tat = 0;
	KUNIT_EXPECT_EQ(test, mr_burst(&tat, t0, 7), 7U);
	KUNIT_EXPECT_EQ(test, mr_burst(&tat, t0 + MR_RATE_NSEC, 7), 7U);
}

static struct kunit_case mr_test_cases[] = {
	KUNIT_CASE_PARAM(mr_test_decide, mr_cases_gen_params),
	KUNIT_CASE(mr_test_pickup_and_invalid),
	KUNIT_CASE(mr_test_set_edges),
	KUNIT_CASE(mr_test_cidr),
	KUNIT_CASE(mr_test_uid_ports_cut),
	KUNIT_CASE(mr_test_input_parts),
	KUNIT_CASE(mr_test_rate_limit),
	{}
};

static struct kunit_suite mr_test_suite = {
	.name = "meshredir",
	.test_cases = mr_test_cases,
};
kunit_test_suite(mr_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for meshredir");
