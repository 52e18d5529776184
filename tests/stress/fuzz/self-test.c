// SPDX-License-Identifier: GPL-2.0
/*
 * mr-fuzz --self-test: the model alone, on hand-made messages whose
 * verdicts follow from the uapi text and lib/nlattr.c, as TAP; no kernel
 * needed. Each case is a SET's attributes written as a few steps (open a
 * nest, close it, a value, an owner) and the verdict the model must give.
 */
#include "mr-fuzz.h"

enum mr_step_op { S_DONE, S_NEST, S_CLOSE, S_VALUE, S_OWNER, S_JUNK };

struct mr_step {
	enum mr_step_op op;
	uint16_t type;
	uint32_t val;
	int len;
};

#define NEST(t)		{ S_NEST, (t), 0, 0 }
#define CLOSE		{ S_CLOSE, 0, 0, 0 }
#define VALUE(t, v, l)	{ S_VALUE, (t), (v), (l) }
/* OWNER_UIDS { ENTRY { FIRST uid } } */
#define OWNER(uid)	{ S_OWNER, 0, (uid), 0 }
/* l bytes past the last attribute, the first of them b */
#define JUNK(b, l)	{ S_JUNK, 0, (b), (l) }

static const struct mr_case {
	const char *name;
	enum mr_expect want;
	struct mr_step steps[16];
} mr_cases[] = {
	{ "owner only", E_VALID, { OWNER(5678) } },
	{ "no attributes: no owner", E_INVALID, { } },
	{ "empty owner list", E_INVALID, { NEST(MESHREDIR_A_OWNER_UIDS), CLOSE } },
	{ "owner ID 4294967295", E_INVALID, { OWNER(0xffffffff) } },
	{ "counters in a SET", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_COUNTERS), CLOSE } },
	{ "ip-family-mode 3", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_IP_FAMILY_MODE, 3, 1) } },
	{ "ip-family-mode 1", E_VALID,
	  { OWNER(1), VALUE(MESHREDIR_A_IP_FAMILY_MODE, 1, 1) } },
	{ "ip-family-mode as a u16", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_IP_FAMILY_MODE, 1, 2) } },
	{ "a type past the top level's MAX", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_MAX + 1, 0, 4) } },
	{ "nest without NLA_F_NESTED", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_INBOUND, 0, 0) } },
	{ "empty inbound nest", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_INBOUND), CLOSE } },
	{ "port 0", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), VALUE(MESHREDIR_DIR_A_PORT, 0, 2), CLOSE } },
	{ "enabled 2", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_INBOUND), VALUE(MESHREDIR_DIR_A_ENABLED, 2, 1), CLOSE } },
	{ "exclude ports 80-70", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_PORTS),
	    NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_RANGE_A_FIRST, 80, 2),
	    VALUE(MESHREDIR_RANGE_A_LAST, 70, 2), CLOSE, CLOSE, CLOSE } },
	{ "exclude ports 70-80", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_PORTS),
	    NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_RANGE_A_FIRST, 70, 2),
	    VALUE(MESHREDIR_RANGE_A_LAST, 80, 2), CLOSE, CLOSE, CLOSE } },
	{ "range without FIRST", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_INCLUDE_PORTS),
	    NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_RANGE_A_LAST, 80, 2),
	    CLOSE, CLOSE, CLOSE } },
	{ "ports for UIDs inbound", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_INBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS),
	    CLOSE, CLOSE } },
	{ "ports for UIDs, entry without UIDS", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS),
	    NEST(MESHREDIR_LIST_A_ENTRY), NEST(MESHREDIR_UID_PORTS_A_PORTS),
	    CLOSE, CLOSE, CLOSE, CLOSE } },
	{ "ports for UIDs, empty PORTS", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS),
	    NEST(MESHREDIR_LIST_A_ENTRY), NEST(MESHREDIR_UID_PORTS_A_PORTS), CLOSE,
	    NEST(MESHREDIR_UID_PORTS_A_UIDS), VALUE(MESHREDIR_RANGE_A_FIRST, 1000, 4),
	    CLOSE, CLOSE, CLOSE, CLOSE } },
	{ "CIDR of family 3", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_IPS),
	    NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_CIDR_A_FAMILY, 3, 2),
	    VALUE(MESHREDIR_CIDR_A_ADDR, 0x0100000a, 4), CLOSE, CLOSE, CLOSE } },
	{ "IPv4 CIDR /33", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_IPS),
	    NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_CIDR_A_FAMILY, AF_INET, 2),
	    VALUE(MESHREDIR_CIDR_A_ADDR, 0x0100000a, 4),
	    VALUE(MESHREDIR_CIDR_A_PREFIX_LEN, 33, 1), CLOSE, CLOSE, CLOSE } },
	{ "IPv4 CIDR /8", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_IPS),
	    NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_CIDR_A_FAMILY, AF_INET, 2),
	    VALUE(MESHREDIR_CIDR_A_ADDR, 0x0100000a, 4),
	    VALUE(MESHREDIR_CIDR_A_PREFIX_LEN, 8, 1), CLOSE, CLOSE, CLOSE } },
	{ "drop-invalid-packets 1", E_VALID,
	  { OWNER(1), VALUE(MESHREDIR_A_DROP_INVALID_PACKETS, 1, 1) } },
	{ "drop-invalid-packets 2", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_DROP_INVALID_PACKETS, 2, 1) } },
	{ "event-rate 1", E_VALID,
	  { OWNER(1), VALUE(MESHREDIR_A_EVENT_RATE, 1, 4) } },
	{ "event-rate 1000000", E_VALID,
	  { OWNER(1), VALUE(MESHREDIR_A_EVENT_RATE, 1000000, 4) } },
	{ "event-rate 0", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_EVENT_RATE, 0, 4) } },
	{ "event-rate 1000001", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_EVENT_RATE, 1000001, 4) } },
	{ "event-rate as a u16", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_EVENT_RATE, 100, 2) } },
	{ "events-dropped in a SET", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_EVENTS_DROPPED, 0, 4) } },
	{ "set-more with a payload", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_SET_MORE, 1, 1) } },
	{ "set-more, no owner yet: the kernel's call", E_UNKNOWN,
	  { VALUE(MESHREDIR_A_SET_MORE, 0, 0) } },
	{ "set-part 0 alone: a plain SET", E_VALID,
	  { OWNER(1), VALUE(MESHREDIR_A_SET_PART, 0, 4) } },
	{ "trailing bytes", E_INVALID, { OWNER(1), JUNK(3, 3) } },
	{ "duplicate owner lists, the last empty", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OWNER_UIDS), CLOSE } },
	{ "duplicate owner lists, the first bad inside: not looked at", E_VALID,
	  { NEST(MESHREDIR_A_OWNER_UIDS), VALUE(7, 0, 4), CLOSE, OWNER(1) } },
};

/* genl_header_check()'s cases: reserved field and nlmsg_flags. */
static const struct {
	const char *name;
	uint16_t reserved, flags;
	bool refused;
} mr_header_cases[] = {
	{ "REQUEST|ACK", 0, NLM_F_REQUEST | NLM_F_ACK, false },
	{ "REQUEST|ACK|ECHO", 0, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO, false },
	{ "REQUEST|ACK|DUMP", 0, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, false },
	{ "reserved 1", 1, NLM_F_REQUEST | NLM_F_ACK, true },
	{ "reserved 0x100", 0x100, NLM_F_REQUEST | NLM_F_ACK, true },
	{ "ROOT without MATCH", 0, NLM_F_REQUEST | NLM_F_ROOT, true },
	{ "CREATE", 0, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, true },
	{ "DUMP_INTR", 0, NLM_F_REQUEST | NLM_F_DUMP_INTR, true },
};

#define MR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The attributes a case's steps write; returns their length. */
static size_t mr_case_build(const struct mr_step *s, unsigned char *b)
{
	size_t off = 0, open[8], list, entry;
	int depth = 0;

	for (; s->op != S_DONE; s++) {
		switch (s->op) {
		case S_NEST:
			open[depth++] = off;
			mr_genl_put(b, &off, s->type | NLA_F_NESTED, NULL, 0);
			break;
		case S_CLOSE:
			depth--;
			((struct nlattr *)(b + open[depth]))->nla_len = off - open[depth];
			break;
		case S_VALUE:
			mr_genl_put(b, &off, s->type, &s->val, s->len);
			break;
		case S_OWNER:
			list = off;
			mr_genl_put(b, &off, MESHREDIR_A_OWNER_UIDS | NLA_F_NESTED, NULL, 0);
			entry = off;
			mr_genl_put(b, &off, MESHREDIR_LIST_A_ENTRY | NLA_F_NESTED, NULL, 0);
			mr_genl_put(b, &off, MESHREDIR_RANGE_A_FIRST, &s->val, 4);
			((struct nlattr *)(b + entry))->nla_len = off - entry;
			((struct nlattr *)(b + list))->nla_len = off - list;
			break;
		case S_JUNK:
			b[off] = s->val;
			off += s->len;
			break;
		case S_DONE:
			break;
		}
	}
	return off;
}

static const char *mr_expect_name(enum mr_expect e)
{
	return e == E_VALID ? "valid" : e == E_INVALID ? "invalid" : "unknown";
}

int mr_self_test(void)
{
	unsigned int i, n = 0, bad = 0;

	for (i = 0; i < MR_ARRAY_SIZE(mr_cases); i++) {
		const struct mr_case *t = &mr_cases[i];
		unsigned char b[512] = { 0 };
		struct mr_verdict v = { 0 };
		size_t len = mr_case_build(t->steps, b);
		enum mr_expect got;

		mr_model_set(b, len, &v);
		got = mr_verdict_expect(&v);
		n++;
		if (got != t->want) {
			printf("not ok %u - model: %s: expected %s, model says %s (%s)\n", n,
			       t->name, mr_expect_name(t->want), mr_expect_name(got),
			       v.why ? v.why : "-");
			bad++;
		} else {
			printf("ok %u - model: %s: %s\n", n, t->name, mr_expect_name(got));
		}
	}
	for (i = 0; i < MR_ARRAY_SIZE(mr_header_cases); i++) {
		const char *why = mr_header_refusal(mr_header_cases[i].reserved,
						    mr_header_cases[i].flags);
		bool wrong = !why != !mr_header_cases[i].refused;

		n++;
		if (wrong)
			bad++;
		printf("%sok %u - header: %s: %s\n", wrong ? "not " : "", n,
		       mr_header_cases[i].name, why ? why : "passes");
	}
	printf("%u passed, %u failed\n", n - bad, bad);
	return bad ? 1 : 0;
}
