// SPDX-License-Identifier: GPL-2.0
/*
 * mr-fuzz: throws random and mutated generic netlink messages at meshredir
 * and checks each answer against its own model of what the kernel must do.
 *
 *   mr-fuzz --messages N [--seed S] [--netns NS]... [--workers K] [--quiet]
 *
 * Every message starts as a random valid configuration tree built from the
 * attribute tables of uapi/linux/meshredir.h, then gets mutated: retyped
 * attributes (up to each level's *_MAX + 2, so that attributes added to the
 * header later are sent too), wrong lengths and values, NLA_F_NESTED
 * flipped, duplicates, deletions, huge and empty lists, nesting broken both
 * ways; after serialization, bytes flipped, the attribute area truncated,
 * the netlink header lying about its length, the genetlink header cut
 * short or with a non-zero reserved field, nlmsg_flags genetlink does not
 * allow, unknown commands, other versions, no NLM_F_REQUEST.
 *
 * The verdict comes from the bytes actually sent, by a model of what the
 * kernel does with them: lib/nlattr.c's strict validation (every level is
 * parsed strictly: nla_parse_nested(), and genetlink's resv_start_op of 0,
 * which also refuses a non-zero reserved field and unknown flags), the
 * family's policies, and the module's own checks (uapi text: ranges, owner
 * needed, limits, CIDR families). Attributes within a level's *_MAX that
 * the model does not know, and the parts of a SET in parts (SET_MORE, a
 * SET_PART past 0), make the verdict "unknown" unless the policy alone
 * refuses them: either answer is taken, and the state is read back instead
 * of predicted.
 *
 * Checks: a message the model calls valid is accepted, an invalid one is
 * refused, one netlink drops (length lies) gets no answer at all, one
 * without NLM_F_REQUEST gets a plain ack; after an accepted SET, GET
 * returns a configuration whose scalars (ip-family-mode, each direction's
 * enabled and port) are the model's, and now and then that configuration
 * sent back as a SET is accepted and reads back identical; after a refused
 * message the configuration is the last accepted one, byte for byte (or
 * there is none).
 *
 * One worker per --netns NS (default: the current namespace) works alone
 * there with every check; --workers K > 1 adds K - 1 concurrent workers to
 * the first namespace, which there share it: they send no DEL, and check
 * verdicts and that GET succeeds after their accepted SETs (the
 * configuration itself is anyone's; a SET refused with EBUSY while another
 * worker's multi-part SET is pending is counted as "busy"; a pending SET
 * idle for 5 s may be discarded by another worker's, so that its next
 * part fails, which the verdict "unknown" of parts allows). Messages are
 * split over all workers.
 *
 * --self-test runs the model alone on hand-made messages whose verdicts
 * follow from the uapi text and lib/nlattr.c, as TAP; no kernel needed.
 *
 * The seed (default: from the clock) is printed first; worker i uses
 * seed + i. The last line is "mr-fuzz: seed=S messages=N ... failures=F";
 * exit status 0 if F is 0.
 */
#include "mr-genl.h"

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

/* ---- PRNG (xorshift64*, seedable, the same on every machine) ---- */

static uint64_t mr_rng;

static uint64_t mr_rand(void)
{
	mr_rng ^= mr_rng >> 12;
	mr_rng ^= mr_rng << 25;
	mr_rng ^= mr_rng >> 27;
	return mr_rng * 2685821657736338717ULL;
}

static uint32_t mr_below(uint32_t n)
{
	return n ? (uint32_t)(mr_rand() % n) : 0;
}

static bool mr_chance(uint32_t one_in)
{
	return mr_below(one_in) == 0;
}

/* ---- the attribute tables ---- */

enum mr_level {
	L_TOP, L_DIR_IN, L_DIR_OUT, L_PORT_LIST, L_PORT_RANGE, L_ID_LIST,
	L_ID_RANGE, L_CIDR_LIST, L_CIDR, L_UP_LIST, L_UP_ENTRY, L_NONE,
};

enum mr_kind { K_NONE, K_U8, K_U16, K_U32, K_BINARY, K_NESTED, K_REJECT, K_FLAG };

struct mr_attr_def {
	enum mr_kind kind;
	enum mr_level child;	/* K_NESTED: what is inside */
	bool policy_nested;	/* the policy validates the inside (nested_policy) */
};

static int mr_maxtype(enum mr_level l)
{
	switch (l) {
	case L_TOP: return MESHREDIR_A_MAX;
	case L_DIR_IN: case L_DIR_OUT: return MESHREDIR_DIR_A_MAX;
	case L_PORT_LIST: case L_ID_LIST: case L_CIDR_LIST: case L_UP_LIST:
		return MESHREDIR_LIST_A_MAX;
	case L_PORT_RANGE: case L_ID_RANGE: return MESHREDIR_RANGE_A_MAX;
	case L_CIDR: return MESHREDIR_CIDR_A_MAX;
	case L_UP_ENTRY: return MESHREDIR_UID_PORTS_A_MAX;
	default: return 0;
	}
}

/* What the model knows of attribute type t at level l (K_NONE: nothing). */
static struct mr_attr_def mr_def(enum mr_level l, int t)
{
	struct mr_attr_def d = { K_NONE, L_NONE, false };

	switch (l) {
	case L_TOP:
		switch (t) {
		case MESHREDIR_A_IP_FAMILY_MODE: d.kind = K_U8; break;
		case MESHREDIR_A_OWNER_UIDS:
		case MESHREDIR_A_OWNER_GIDS: d = (struct mr_attr_def){ K_NESTED, L_ID_LIST, false }; break;
		case MESHREDIR_A_INBOUND: d = (struct mr_attr_def){ K_NESTED, L_DIR_IN, false }; break;
		case MESHREDIR_A_OUTBOUND: d = (struct mr_attr_def){ K_NESTED, L_DIR_OUT, false }; break;
		case MESHREDIR_A_COUNTERS: d.kind = K_REJECT; break;
		case MESHREDIR_A_DROP_INVALID_PACKETS: d.kind = K_U8; break;
		case MESHREDIR_A_SET_MORE: d.kind = K_FLAG; break;
		case MESHREDIR_A_SET_PART: d.kind = K_U32; break;
		}
		break;
	case L_DIR_IN:
	case L_DIR_OUT:
		switch (t) {
		case MESHREDIR_DIR_A_ENABLED: d.kind = K_U8; break;
		case MESHREDIR_DIR_A_PORT: d.kind = K_U16; break;
		case MESHREDIR_DIR_A_EXCLUDE_PORTS:
		case MESHREDIR_DIR_A_INCLUDE_PORTS: d = (struct mr_attr_def){ K_NESTED, L_PORT_LIST, false }; break;
		case MESHREDIR_DIR_A_EXCLUDE_IPS: d = (struct mr_attr_def){ K_NESTED, L_CIDR_LIST, false }; break;
		case MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS: d = (struct mr_attr_def){ K_NESTED, L_UP_LIST, false }; break;
		}
		break;
	case L_PORT_LIST:
		if (t == MESHREDIR_LIST_A_ENTRY)
			d = (struct mr_attr_def){ K_NESTED, L_PORT_RANGE, true };
		break;
	case L_ID_LIST:
		if (t == MESHREDIR_LIST_A_ENTRY)
			d = (struct mr_attr_def){ K_NESTED, L_ID_RANGE, true };
		break;
	case L_CIDR_LIST:
		if (t == MESHREDIR_LIST_A_ENTRY)
			d = (struct mr_attr_def){ K_NESTED, L_CIDR, true };
		break;
	case L_UP_LIST:
		if (t == MESHREDIR_LIST_A_ENTRY)
			d = (struct mr_attr_def){ K_NESTED, L_UP_ENTRY, true };
		break;
	case L_PORT_RANGE:
		if (t == MESHREDIR_RANGE_A_FIRST || t == MESHREDIR_RANGE_A_LAST)
			d.kind = K_U16;
		break;
	case L_ID_RANGE:
		if (t == MESHREDIR_RANGE_A_FIRST || t == MESHREDIR_RANGE_A_LAST)
			d.kind = K_U32;
		break;
	case L_CIDR:
		switch (t) {
		case MESHREDIR_CIDR_A_FAMILY: d.kind = K_U16; break;
		case MESHREDIR_CIDR_A_ADDR: d.kind = K_BINARY; break;
		case MESHREDIR_CIDR_A_PREFIX_LEN: d.kind = K_U8; break;
		}
		break;
	case L_UP_ENTRY:
		switch (t) {
		case MESHREDIR_UID_PORTS_A_PORTS: d = (struct mr_attr_def){ K_NESTED, L_PORT_LIST, true }; break;
		case MESHREDIR_UID_PORTS_A_UIDS: d = (struct mr_attr_def){ K_NESTED, L_ID_RANGE, true }; break;
		}
		break;
	default:
		break;
	}
	return d;
}

/* ---- the model: what the kernel does with these bytes ---- */

struct mr_verdict {
	bool pol_bad;	/* lib/nlattr.c refuses it, whatever else is in there */
	bool sem_bad;	/* the module refuses it */
	bool unknown;	/* attributes the model does not know: either answer */
	const char *why;
	/* The scalars a valid SET leaves, for the GET after it. */
	int ip_mode, enabled[2], port[2], drop_invalid;
};

static void mr_bad(struct mr_verdict *v, bool policy, const char *why)
{
	if (policy)
		v->pol_bad = true;
	else
		v->sem_bad = true;
	if (!v->why)
		v->why = why;
}

static uint32_t mr_get_uint(const unsigned char *p, int len)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	switch (len) {
	case 1: memcpy(&u8, p, 1); return u8;
	case 2: memcpy(&u16, p, 2); return u16;
	default: memcpy(&u32, p, 4); return u32;
	}
}

struct mr_nla {
	const unsigned char *data;
	int len;
	uint16_t raw_type;
};

/*
 * Walks a stream as nla_for_each_attr() does; calls back for each attribute
 * and reports leftover bytes (strict: refused).
 */
typedef void (*mr_nla_fn)(const struct mr_nla *a, int type, void *ctx);

static bool mr_walk(const unsigned char *p, int rem, mr_nla_fn fn, void *ctx)
{
	while (rem >= NLA_HDRLEN) {
		struct nlattr h;
		struct mr_nla a;

		memcpy(&h, p, sizeof(h));
		if (h.nla_len < NLA_HDRLEN || h.nla_len > rem)
			break;
		a.data = p + NLA_HDRLEN;
		a.len = h.nla_len - NLA_HDRLEN;
		a.raw_type = h.nla_type;
		fn(&a, h.nla_type & NLA_TYPE_MASK, ctx);
		p += NLA_ALIGN(h.nla_len);
		rem -= NLA_ALIGN(h.nla_len);
	}
	return rem > 0;
}

/* lib/nlattr.c's __nla_validate_parse(), strict, with level l's policy. */
static void mr_policy_check(enum mr_level l, const unsigned char *p, int len,
			    struct mr_verdict *v);

struct mr_pol_ctx {
	enum mr_level l;
	struct mr_verdict *v;
};

static void mr_policy_one(const struct mr_nla *a, int type, void *vctx)
{
	struct mr_pol_ctx *c = vctx;
	struct mr_verdict *v = c->v;
	struct mr_attr_def d;
	uint32_t val;

	if (type == 0 || type > mr_maxtype(c->l)) {
		mr_bad(v, true, "unknown attribute type");
		return;
	}
	d = mr_def(c->l, type);
	if (d.kind == K_NONE) {
		/* A newer attribute in the header: its policy is not ours. */
		v->unknown = true;
		return;
	}
	if (d.kind == K_U8 || d.kind == K_U16 || d.kind == K_U32) {
		int want = d.kind == K_U8 ? 1 : d.kind == K_U16 ? 2 : 4;

		if (a->len != want) {
			mr_bad(v, true, "invalid attribute length");
			return;
		}
	}
	if (d.kind == K_NESTED && !(a->raw_type & NLA_F_NESTED)) {
		mr_bad(v, true, "NLA_F_NESTED is missing");
		return;
	}
	if (d.kind != K_NESTED && (a->raw_type & NLA_F_NESTED)) {
		mr_bad(v, true, "NLA_F_NESTED not expected");
		return;
	}
	switch (d.kind) {
	case K_REJECT:
		mr_bad(v, true, "rejected attribute");
		return;
	case K_FLAG:
		if (a->len)
			mr_bad(v, true, "flag with a payload");
		return;
	case K_NESTED:
		if (a->len == 0)
			return;
		if (a->len < NLA_HDRLEN) {
			mr_bad(v, true, "nest shorter than a header");
			return;
		}
		if (d.policy_nested)
			mr_policy_check(d.child, a->data, a->len, v);
		return;
	case K_BINARY:	/* CIDR_A_ADDR: NLA_POLICY_RANGE(NLA_BINARY, 4, 16) */
		if (a->len < 4 || a->len > 16)
			mr_bad(v, true, "address length out of policy range");
		return;
	default:
		break;
	}
	val = mr_get_uint(a->data, a->len);
	if (c->l == L_PORT_RANGE && val < 1)
		mr_bad(v, true, "port 0 in a range");
	if (c->l == L_ID_RANGE && val == UINT32_MAX)
		mr_bad(v, true, "ID 4294967295");
	if (c->l == L_CIDR && type == MESHREDIR_CIDR_A_PREFIX_LEN && val > 128)
		mr_bad(v, true, "prefix length over 128");
	if ((c->l == L_DIR_IN || c->l == L_DIR_OUT) && type == MESHREDIR_DIR_A_ENABLED && val > 1)
		mr_bad(v, true, "enabled not 0 or 1");
	if ((c->l == L_DIR_IN || c->l == L_DIR_OUT) && type == MESHREDIR_DIR_A_PORT && val < 1)
		mr_bad(v, true, "port 0");
	if (c->l == L_TOP && type == MESHREDIR_A_IP_FAMILY_MODE &&
	    (val < MESHREDIR_IP_FAMILY_IPV4 || val > MESHREDIR_IP_FAMILY_MAX))
		mr_bad(v, true, "ip-family-mode out of range");
	if (c->l == L_TOP && type == MESHREDIR_A_DROP_INVALID_PACKETS && val > 1)
		mr_bad(v, true, "drop-invalid-packets not 0 or 1");
}

static void mr_policy_check(enum mr_level l, const unsigned char *p, int len,
			    struct mr_verdict *v)
{
	struct mr_pol_ctx c = { l, v };

	if (mr_walk(p, len, mr_policy_one, &c))
		mr_bad(v, true, "bytes leftover after parsing attributes");
}

/* nla_parse_nested(): the policy check, then the last of each type. */
#define MR_TB_MAX 32
struct mr_tb {
	struct mr_nla a[MR_TB_MAX];
	bool has[MR_TB_MAX];
	int count;		/* attributes seen, every type */
};

static void mr_tb_one(const struct mr_nla *a, int type, void *vctx)
{
	struct mr_tb *tb = vctx;

	tb->count++;
	if (type < MR_TB_MAX) {
		tb->a[type] = *a;
		tb->has[type] = true;
	}
}

static void mr_parse(enum mr_level l, const unsigned char *p, int len,
		     struct mr_tb *tb, struct mr_verdict *v)
{
	memset(tb, 0, sizeof(*tb));
	mr_policy_check(l, p, len, v);
	mr_walk(p, len, mr_tb_one, tb);
}

/* A range entry's FIRST and LAST (policy already checked). */
static void mr_sem_range(const struct mr_nla *entry, enum mr_level l,
			 struct mr_verdict *v)
{
	struct mr_tb tb;
	uint32_t first, last;

	mr_parse(l, entry->data, entry->len, &tb, v);
	if (v->pol_bad)
		return;
	if (!tb.has[MESHREDIR_RANGE_A_FIRST]) {
		mr_bad(v, false, "range without FIRST");
		return;
	}
	first = mr_get_uint(tb.a[MESHREDIR_RANGE_A_FIRST].data, tb.a[MESHREDIR_RANGE_A_FIRST].len);
	last = first;
	if (tb.has[MESHREDIR_RANGE_A_LAST])
		last = mr_get_uint(tb.a[MESHREDIR_RANGE_A_LAST].data, tb.a[MESHREDIR_RANGE_A_LAST].len);
	if (first > last)
		mr_bad(v, false, "first greater than last");
}

struct mr_list_ctx {
	enum mr_level entry_level;
	struct mr_verdict *v;
	int count;
	int ports_total;	/* EXCLUDE_PORTS_FOR_UIDS: port ranges over all entries */
};

static void mr_sem_cidr(const struct mr_nla *entry, struct mr_verdict *v)
{
	struct mr_tb tb;
	uint32_t family, bits, prefix;

	mr_parse(L_CIDR, entry->data, entry->len, &tb, v);
	if (v->pol_bad)
		return;
	family = tb.has[MESHREDIR_CIDR_A_FAMILY] ?
		 mr_get_uint(tb.a[MESHREDIR_CIDR_A_FAMILY].data, 2) : 0;
	if (family != AF_INET && family != AF_INET6) {
		mr_bad(v, false, "CIDR family");
		return;
	}
	bits = family == AF_INET ? 32 : 128;
	if (!tb.has[MESHREDIR_CIDR_A_ADDR] ||
	    tb.a[MESHREDIR_CIDR_A_ADDR].len != (int)bits / 8) {
		mr_bad(v, false, "CIDR address length");
		return;
	}
	prefix = tb.has[MESHREDIR_CIDR_A_PREFIX_LEN] ?
		 mr_get_uint(tb.a[MESHREDIR_CIDR_A_PREFIX_LEN].data, 1) : bits;
	if (prefix > bits)
		mr_bad(v, false, "CIDR prefix length");
}

static void mr_sem_port_list(const struct mr_nla *list, uint32_t max, int *count,
			     struct mr_verdict *v);

static void mr_sem_up_entry(const struct mr_nla *entry, struct mr_list_ctx *c)
{
	struct mr_verdict *v = c->v;
	struct mr_tb tb;
	int n = 1;

	mr_parse(L_UP_ENTRY, entry->data, entry->len, &tb, v);
	if (v->pol_bad)
		return;
	if (!tb.has[MESHREDIR_UID_PORTS_A_UIDS]) {
		mr_bad(v, false, "exclude-outbound-ports-for-uids entry without UIDS");
		return;
	}
	mr_sem_range(&tb.a[MESHREDIR_UID_PORTS_A_UIDS], L_ID_RANGE, v);
	if (tb.has[MESHREDIR_UID_PORTS_A_PORTS])
		mr_sem_port_list(&tb.a[MESHREDIR_UID_PORTS_A_PORTS],
				 MESHREDIR_MAX_UID_PORTS_RANGES, &n, v);
	c->ports_total += n;
	if (c->ports_total > MESHREDIR_MAX_UID_PORTS_RANGES)
		mr_bad(v, false, "too many port ranges for UIDs");
}

static void mr_sem_entry(const struct mr_nla *a, int type, void *vctx)
{
	struct mr_list_ctx *c = vctx;

	(void)type;
	c->count++;
	switch (c->entry_level) {
	case L_PORT_RANGE:
	case L_ID_RANGE:
		mr_sem_range(a, c->entry_level, c->v);
		break;
	case L_CIDR:
		mr_sem_cidr(a, c->v);
		break;
	case L_UP_ENTRY:
		mr_sem_up_entry(a, c);
		break;
	default:
		break;
	}
}

/*
 * A list as the module reads it: nla_validate_nested() with the list
 * policy, the count against its limit, then every entry. Returns the count.
 */
static int mr_sem_list(const struct mr_nla *list, enum mr_level list_level,
		       enum mr_level entry_level, uint32_t max, struct mr_verdict *v)
{
	struct mr_list_ctx c = { entry_level, v, 0, 0 };
	struct mr_verdict pol = { 0 };

	mr_policy_check(list_level, list->data, list->len, &pol);
	if (pol.pol_bad || pol.unknown) {
		/* The module wraps this in its own error: refused all the same. */
		v->pol_bad |= pol.pol_bad;
		v->unknown |= pol.unknown;
		if (!v->why)
			v->why = pol.why;
		return 0;
	}
	mr_walk(list->data, list->len, mr_sem_entry, &c);
	if ((uint32_t)c.count > max)
		mr_bad(v, false, "list over its limit");
	return c.count;
}

static void mr_sem_port_list(const struct mr_nla *list, uint32_t max, int *count,
			     struct mr_verdict *v)
{
	*count = mr_sem_list(list, L_PORT_LIST, L_PORT_RANGE, max, v);
}

static void mr_sem_dir(const struct mr_nla *a, bool out, struct mr_verdict *v)
{
	enum mr_level l = out ? L_DIR_OUT : L_DIR_IN;
	struct mr_tb tb;
	int d = out;

	mr_parse(l, a->data, a->len, &tb, v);
	if (v->pol_bad)
		return;
	if (tb.has[MESHREDIR_DIR_A_ENABLED])
		v->enabled[d] = mr_get_uint(tb.a[MESHREDIR_DIR_A_ENABLED].data, 1);
	if (tb.has[MESHREDIR_DIR_A_PORT])
		v->port[d] = mr_get_uint(tb.a[MESHREDIR_DIR_A_PORT].data, 2);
	if (tb.has[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS] && !out)
		mr_bad(v, false, "exclude-inbound-ports-for-uids");
	if (tb.has[MESHREDIR_DIR_A_EXCLUDE_PORTS])
		mr_sem_list(&tb.a[MESHREDIR_DIR_A_EXCLUDE_PORTS], L_PORT_LIST, L_PORT_RANGE,
			    MESHREDIR_MAX_PORT_RANGES, v);
	if (tb.has[MESHREDIR_DIR_A_INCLUDE_PORTS])
		mr_sem_list(&tb.a[MESHREDIR_DIR_A_INCLUDE_PORTS], L_PORT_LIST, L_PORT_RANGE,
			    MESHREDIR_MAX_PORT_RANGES, v);
	if (tb.has[MESHREDIR_DIR_A_EXCLUDE_IPS])
		mr_sem_list(&tb.a[MESHREDIR_DIR_A_EXCLUDE_IPS], L_CIDR_LIST, L_CIDR,
			    MESHREDIR_MAX_CIDRS, v);
	if (tb.has[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS] && out)
		mr_sem_list(&tb.a[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS], L_UP_LIST,
			    L_UP_ENTRY, MESHREDIR_MAX_UID_PORTS, v);
}

/* A SET's attributes, as genetlink and mr_nl_set() take them. */
static void mr_model_set(const unsigned char *p, int len, struct mr_verdict *v)
{
	struct mr_tb tb;
	int owners = 0;

	v->ip_mode = MESHREDIR_IP_FAMILY_DUALSTACK;
	v->enabled[0] = v->enabled[1] = 1;
	v->port[0] = MESHREDIR_DEFAULT_INBOUND_PORT;
	v->port[1] = MESHREDIR_DEFAULT_OUTBOUND_PORT;
	mr_parse(L_TOP, p, len, &tb, v);
	if (v->pol_bad)
		return;
	if (tb.has[MESHREDIR_A_IP_FAMILY_MODE])
		v->ip_mode = mr_get_uint(tb.a[MESHREDIR_A_IP_FAMILY_MODE].data, 1);
	if (tb.has[MESHREDIR_A_OWNER_UIDS])
		owners += mr_sem_list(&tb.a[MESHREDIR_A_OWNER_UIDS], L_ID_LIST, L_ID_RANGE,
				      MESHREDIR_MAX_ID_RANGES, v);
	if (tb.has[MESHREDIR_A_OWNER_GIDS])
		owners += mr_sem_list(&tb.a[MESHREDIR_A_OWNER_GIDS], L_ID_LIST, L_ID_RANGE,
				      MESHREDIR_MAX_ID_RANGES, v);
	if (!owners)
		mr_bad(v, false, "no owner");
	if (tb.has[MESHREDIR_A_DROP_INVALID_PACKETS])
		v->drop_invalid = mr_get_uint(tb.a[MESHREDIR_A_DROP_INVALID_PACKETS].data, 1);
	/*
	 * A SET in parts (uapi: SET_MORE, SET_PART): what a part does depends
	 * on the parts before it; the model leaves it to the kernel and reads
	 * the state back. Part 0 without SET_MORE is a plain SET.
	 */
	if (tb.has[MESHREDIR_A_SET_MORE] ||
	    (tb.has[MESHREDIR_A_SET_PART] &&
	     mr_get_uint(tb.a[MESHREDIR_A_SET_PART].data, 4) != 0))
		v->unknown = true;
	if (tb.has[MESHREDIR_A_INBOUND])
		mr_sem_dir(&tb.a[MESHREDIR_A_INBOUND], false, v);
	if (tb.has[MESHREDIR_A_OUTBOUND])
		mr_sem_dir(&tb.a[MESHREDIR_A_OUTBOUND], true, v);
}

/* ---- the generator: trees of attributes ---- */

struct mr_node {
	uint16_t type;		/* with flag bits */
	bool nested;
	int len;		/* payload length of a leaf */
	unsigned char data[20];
	struct mr_node *kid;
	int nkids, cap;
};

static struct mr_node *mr_add(struct mr_node *parent, uint16_t type, bool nested)
{
	struct mr_node *n;

	if (parent->nkids == parent->cap) {
		parent->cap = parent->cap ? parent->cap * 2 : 4;
		parent->kid = realloc(parent->kid, parent->cap * sizeof(*parent->kid));
		if (!parent->kid)
			abort();
	}
	n = &parent->kid[parent->nkids++];
	memset(n, 0, sizeof(*n));
	n->type = type | (nested ? NLA_F_NESTED : 0);
	n->nested = nested;
	return n;
}

static void mr_leaf(struct mr_node *parent, uint16_t type, uint32_t val, int len)
{
	struct mr_node *n = mr_add(parent, type, false);
	uint8_t u8 = val;
	uint16_t u16 = val;

	n->len = len;
	if (len == 1)
		memcpy(n->data, &u8, 1);
	else if (len == 2)
		memcpy(n->data, &u16, 2);
	else
		memcpy(n->data, &val, 4);
}

/* A deep copy of src into dst (already in place in its parent). */
static void mr_clone(struct mr_node *dst, const struct mr_node *src)
{
	int i;

	*dst = *src;
	dst->kid = NULL;
	dst->nkids = dst->cap = 0;
	for (i = 0; i < src->nkids; i++)
		mr_clone(mr_add(dst, 0, false), &src->kid[i]);
}

static void mr_free_kids(struct mr_node *n)
{
	int i;

	for (i = 0; i < n->nkids; i++)
		mr_free_kids(&n->kid[i]);
	free(n->kid);
	n->kid = NULL;
	n->nkids = n->cap = 0;
}

/* Lists are mostly short; now and then around their limit. */
static int mr_list_len(uint32_t limit)
{
	if (mr_chance(60))
		return limit - 3 + mr_below(7);
	if (mr_chance(10))
		return 0;
	return 1 + mr_below(4);
}

static void mr_gen_range(struct mr_node *list, bool port)
{
	struct mr_node *e = mr_add(list, MESHREDIR_LIST_A_ENTRY, true);
	uint32_t max = port ? 65535 : 100000;
	uint32_t first = 1 + mr_below(max), last = first + mr_below(50);

	if (last > max)
		last = max;
	mr_leaf(e, MESHREDIR_RANGE_A_FIRST, first, port ? 2 : 4);
	if (!mr_chance(3))
		mr_leaf(e, MESHREDIR_RANGE_A_LAST, last, port ? 2 : 4);
}

static void mr_gen_ranges(struct mr_node *parent, uint16_t type, bool port, uint32_t limit)
{
	struct mr_node *list = mr_add(parent, type, true);
	int i, n = mr_list_len(limit);

	for (i = 0; i < n; i++)
		mr_gen_range(list, port);
}

static void mr_gen_cidrs(struct mr_node *dir)
{
	struct mr_node *list = mr_add(dir, MESHREDIR_DIR_A_EXCLUDE_IPS, true);
	/* Past about 2,300 IPv4 CIDRs the nest outgrows nla_len: also tried. */
	int i, n = mr_chance(60) ? 2000 + (int)mr_below(800) : mr_list_len(8);

	for (i = 0; i < n; i++) {
		struct mr_node *e = mr_add(list, MESHREDIR_LIST_A_ENTRY, true), *a;
		bool v6 = mr_chance(2);
		uint32_t bits = v6 ? 128 : 32;
		int j;

		mr_leaf(e, MESHREDIR_CIDR_A_FAMILY, v6 ? AF_INET6 : AF_INET, 2);
		a = mr_add(e, MESHREDIR_CIDR_A_ADDR, false);
		a->len = v6 ? 16 : 4;
		for (j = 0; j < a->len; j++)
			a->data[j] = mr_below(256);
		if (!mr_chance(3))
			mr_leaf(e, MESHREDIR_CIDR_A_PREFIX_LEN, mr_below(bits + 1), 1);
	}
}

static void mr_gen_uid_ports(struct mr_node *dir)
{
	struct mr_node *list = mr_add(dir, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS, true);
	int i, n = mr_list_len(MESHREDIR_MAX_UID_PORTS);

	for (i = 0; i < n; i++) {
		struct mr_node *e = mr_add(list, MESHREDIR_LIST_A_ENTRY, true), *u;
		uint32_t first = mr_below(100000);

		if (!mr_chance(4))
			mr_gen_ranges(e, MESHREDIR_UID_PORTS_A_PORTS, true,
				      n > 8 ? 4 : MESHREDIR_MAX_UID_PORTS_RANGES / 2);
		u = mr_add(e, MESHREDIR_UID_PORTS_A_UIDS, true);
		mr_leaf(u, MESHREDIR_RANGE_A_FIRST, first, 4);
		if (mr_chance(2))
			mr_leaf(u, MESHREDIR_RANGE_A_LAST, first + mr_below(10), 4);
	}
}

static void mr_gen_dir(struct mr_node *top, uint16_t type, bool out)
{
	struct mr_node *d = mr_add(top, type, true);

	if (mr_chance(2))
		mr_leaf(d, MESHREDIR_DIR_A_ENABLED, mr_below(2), 1);
	if (mr_chance(2))
		mr_leaf(d, MESHREDIR_DIR_A_PORT, 1 + mr_below(65535), 2);
	if (mr_chance(2))
		mr_gen_ranges(d, MESHREDIR_DIR_A_EXCLUDE_PORTS, true, 3000);
	if (mr_chance(3))
		mr_gen_ranges(d, MESHREDIR_DIR_A_INCLUDE_PORTS, true, 3000);
	if (mr_chance(2))
		mr_gen_cidrs(d);
	if (out && mr_chance(3))
		mr_gen_uid_ports(d);
}

static void mr_gen_config(struct mr_node *top)
{
	if (mr_chance(2))
		mr_leaf(top, MESHREDIR_A_IP_FAMILY_MODE, 1 + mr_below(2), 1);
	if (mr_chance(3))
		mr_leaf(top, MESHREDIR_A_DROP_INVALID_PACKETS, mr_below(2), 1);
	if (mr_chance(50))
		mr_leaf(top, MESHREDIR_A_SET_PART, 0, 4);
	if (!mr_chance(4))
		mr_gen_ranges(top, MESHREDIR_A_OWNER_UIDS, false, MESHREDIR_MAX_ID_RANGES);
	if (mr_chance(3))
		mr_gen_ranges(top, MESHREDIR_A_OWNER_GIDS, false, MESHREDIR_MAX_ID_RANGES);
	if (mr_chance(2))
		mr_gen_dir(top, MESHREDIR_A_INBOUND, false);
	if (mr_chance(2))
		mr_gen_dir(top, MESHREDIR_A_OUTBOUND, true);
}

/* ---- mutations of the tree ---- */

#define MR_MAX2(a, b) ((a) > (b) ? (a) : (b))
/*
 * Types tried anywhere: 0 to two past the largest *_MAX of the header, so
 * that attributes added to uapi/linux/meshredir.h get sent too.
 */
#define MR_TYPE_SPAN (MR_MAX2(MR_MAX2(MR_MAX2(MESHREDIR_A_MAX, MESHREDIR_DIR_A_MAX),	\
				      MR_MAX2(MESHREDIR_LIST_A_MAX, MESHREDIR_RANGE_A_MAX)),	\
			      MR_MAX2(MESHREDIR_CIDR_A_MAX, MESHREDIR_UID_PORTS_A_MAX)) + 3)

struct mr_pick {
	struct mr_node *node, *parent;
	int depth;
};

static void mr_collect(struct mr_node *n, struct mr_node *parent, int depth,
		       struct mr_pick *out, int *count, int max)
{
	int i;

	/* Reservoir sampling: one node, uniformly, without a list of all. */
	(*count)++;
	if (mr_below(*count) == 0) {
		out->node = n;
		out->parent = parent;
		out->depth = depth;
	}
	(void)max;
	for (i = 0; i < n->nkids; i++)
		mr_collect(&n->kid[i], n, depth + 1, out, count, max);
}

static uint32_t mr_boundary(void)
{
	static const uint32_t v[] = { 0, 1, 2, 3, 10, 127, 128, 129, 255, 256,
				      32767, 65535, 65536, 0x7fffffff, 0xfffffffe,
				      0xffffffff };

	return mr_chance(3) ? (uint32_t)mr_rand() : v[mr_below(sizeof(v) / sizeof(v[0]))];
}

static void mr_mutate(struct mr_node *top, int *what)
{
	struct mr_pick p = { top, NULL, 0 };
	int count = 0, i, op = mr_below(13);
	struct mr_node *n;

	mr_collect(top, NULL, 0, &p, &count, 0);
	n = p.node;
	*what |= 1 << op;
	switch (op) {
	case 0:	/* another type, up to a little past the level's end */
		if (n != top)
			n->type = (n->type & ~NLA_TYPE_MASK) | mr_below(MR_TYPE_SPAN);
		break;
	case 1:	/* another length */
		if (!n->nested) {
			n->len = mr_below(sizeof(n->data) + 1);
			for (i = 0; i < n->len; i++)
				n->data[i] = mr_below(256);
		}
		break;
	case 2:	/* a boundary value, same length */
		if (!n->nested) {
			uint32_t v = mr_boundary();

			memcpy(n->data, &v, n->len < 4 ? n->len : 4);
		}
		break;
	case 3:	/* NLA_F_NESTED where it is not, or not where it is */
		if (n != top)
			n->type ^= NLA_F_NESTED;
		break;
	case 4:	/* NLA_F_NET_BYTEORDER */
		if (n != top)
			n->type ^= NLA_F_NET_BYTEORDER;
		break;
	case 5:	/* a duplicate */
		if (p.parent) {
			struct mr_node copy;

			/* n moves when the parent's array grows: copy it first. */
			mr_clone(&copy, n);
			*mr_add(p.parent, 0, false) = copy;
		}
		break;
	case 6:	/* gone */
		if (p.parent) {
			int idx = n - p.parent->kid;

			mr_free_kids(n);
			memmove(n, n + 1, (p.parent->nkids - idx - 1) * sizeof(*n));
			p.parent->nkids--;
		}
		break;
	case 7:	/* an attribute nobody defined, in any nest */
		if (n->nested) {
			struct mr_node *u = mr_add(n, 1 + mr_below(MR_TYPE_SPAN), mr_chance(3));

			u->len = u->nested ? 0 : mr_below(9);
			for (i = 0; i < u->len; i++)
				u->data[i] = mr_below(256);
		}
		break;
	case 8:	/* a nest made a leaf */
		if (n->nested && n != top) {
			mr_free_kids(n);
			n->nested = false;
			n->len = mr_below(9);
			for (i = 0; i < n->len; i++)
				n->data[i] = mr_below(256);
		}
		break;
	case 9:	/* a leaf made a nest */
		if (!n->nested) {
			n->nested = true;
			n->len = 0;
			if (mr_chance(2))
				mr_leaf(n, 1 + mr_below(3), mr_boundary(), 1 << mr_below(3));
		}
		break;
	case 10:	/* emptied */
		if (n->nested)
			mr_free_kids(n);
		break;
	case 11:	/* made huge: the first child many times over */
		if (n->nested && n->nkids) {
			int times = 500 + mr_below(1200);
			struct mr_node first = n->kid[0];

			mr_clone(&first, &n->kid[0]);
			for (i = 0; i < times && n->nkids < 5000; i++)
				mr_clone(mr_add(n, 0, false), &first);
			mr_free_kids(&first);
		}
		break;
	case 12:	/* a whole random configuration nested one level down */
		if (n->nested && n != top && p.depth < 4)
			mr_gen_config(n);
		break;
	}
}

/* ---- serialization ---- */

static size_t mr_put_node(unsigned char *buf, size_t off, size_t cap, const struct mr_node *n)
{
	size_t start = off, end;
	struct nlattr h;
	int i;

	if (off + NLA_HDRLEN + sizeof(n->data) > cap)
		return off;	/* out of room: the rest is dropped */
	off += NLA_HDRLEN;
	if (n->nested) {
		for (i = 0; i < n->nkids; i++)
			off = mr_put_node(buf, off, cap, &n->kid[i]);
	} else {
		memcpy(buf + off, n->data, n->len);
		memset(buf + off + n->len, 0, NLA_ALIGN(n->len) - n->len);
		off += NLA_ALIGN(n->len);
	}
	end = n->nested ? off : start + NLA_HDRLEN + n->len;
	/* nla_len is 16 bits: a longer nest wraps, as a careless sender's would. */
	h.nla_len = (uint16_t)(end - start);
	h.nla_type = n->type;
	memcpy(buf + start, &h, sizeof(h));
	return off;
}

/* ---- the workers ---- */

struct mr_stats {
	uint64_t sent, valid_ok, invalid_refused, unknown_ok, unknown_refused;
	uint64_t dropped, noop, gets, roundtrips, state_checks, failures, busy, big_gets;
	uint64_t by_cmd[6];
	int done;
};

#define MR_MSG_CAP (1 << 20)

struct mr_worker {
	int id;
	bool shared;		/* the namespace has other workers */
	uint64_t seed, count;
	struct mr_genl g;
	struct mr_stats *st;
	bool have_cfg, tainted;
	/*
	 * An accepted message of unknown verdict may have left a SET in
	 * parts pending on this socket; only DEL tells (0 where it discards
	 * one, uapi), and every DEL discards it.
	 */
	bool maybe_pending;
	unsigned char *cfg;	/* the configuration GET returned last */
	int cfg_len;
	unsigned char *msg, *tmp;
};

static int mr_quiet;

static void mr_hexdump(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len && i < 512; i++)
		fprintf(stderr, "%02x%s", p[i], (i % 32 == 31) ? "\n" : " ");
	if (len > 512)
		fprintf(stderr, "... (%zu bytes)", len);
	fputc('\n', stderr);
}

static void mr_fail(struct mr_worker *w, uint64_t i, const unsigned char *msg, size_t len,
		    const char *fmt, ...)
{
	va_list ap;

	w->st->failures++;
	fprintf(stderr, "FAIL worker %d (seed %llu) message %llu: ", w->id,
		(unsigned long long)w->seed, (unsigned long long)i);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " [errno %d%s%s]\n", w->g.err, w->g.ext_msg[0] ? ": " : "",
		w->g.ext_msg);
	if (msg)
		mr_hexdump(msg, len);
	if (w->st->failures >= 20) {
		fprintf(stderr, "worker %d: 20 failures, stopping\n", w->id);
		exit(1);
	}
}

static void mr_call(struct mr_worker *w, uint8_t cmd, const void *attrs, size_t len)
{
	int r = mr_genl_call(&w->g, cmd, attrs, len);

	if (r) {
		fprintf(stderr, "worker %d: netlink call failed (%d): %s\n", w->id, r,
			strerror(errno));
		exit(1);
	}
}

/*
 * GET; remembers the configuration. Returns the errno, 0 also for a
 * configuration too big for one message (uapi: EMSGSIZE, "dump it"), whose
 * content is then unknown (cfg_len -1).
 */
static int mr_refresh(struct mr_worker *w)
{
	mr_call(w, MESHREDIR_CMD_GET, NULL, 0);
	w->st->gets++;
	if (w->g.err == EMSGSIZE) {
		w->st->big_gets++;
		w->cfg_len = -1;
		return 0;
	}
	if (!w->g.err && w->g.reply_len >= 0)
		w->cfg_len = mr_genl_config_only(&w->g, w->cfg);
	return w->g.err;
}

/* The scalars of a GET reply against a valid SET's. */
static bool mr_scalars_agree(struct mr_worker *w, const struct mr_verdict *v, char *why,
			     size_t whylen)
{
	struct mr_tb tb, dir;
	struct mr_verdict dummy = { 0 };
	int d;

	mr_parse(L_TOP, w->cfg, w->cfg_len, &tb, &dummy);
	if (!tb.has[MESHREDIR_A_IP_FAMILY_MODE] ||
	    mr_get_uint(tb.a[MESHREDIR_A_IP_FAMILY_MODE].data, 1) != (uint32_t)v->ip_mode) {
		snprintf(why, whylen, "ip-family-mode: expected %d", v->ip_mode);
		return false;
	}
	if (!tb.has[MESHREDIR_A_DROP_INVALID_PACKETS] ||
	    mr_get_uint(tb.a[MESHREDIR_A_DROP_INVALID_PACKETS].data, 1) != (uint32_t)v->drop_invalid) {
		snprintf(why, whylen, "drop-invalid-packets: expected %d", v->drop_invalid);
		return false;
	}
	for (d = 0; d < 2; d++) {
		int t = d ? MESHREDIR_A_OUTBOUND : MESHREDIR_A_INBOUND;

		if (!tb.has[t]) {
			snprintf(why, whylen, "GET has no %s", d ? "outbound" : "inbound");
			return false;
		}
		mr_parse(d ? L_DIR_OUT : L_DIR_IN, tb.a[t].data, tb.a[t].len, &dir, &dummy);
		if (!dir.has[MESHREDIR_DIR_A_ENABLED] || !dir.has[MESHREDIR_DIR_A_PORT] ||
		    mr_get_uint(dir.a[MESHREDIR_DIR_A_ENABLED].data, 1) != (uint32_t)v->enabled[d] ||
		    mr_get_uint(dir.a[MESHREDIR_DIR_A_PORT].data, 2) != (uint32_t)v->port[d]) {
			snprintf(why, whylen, "%s: expected enabled=%d port=%d",
				 d ? "outbound" : "inbound", v->enabled[d], v->port[d]);
			return false;
		}
	}
	return true;
}

enum mr_expect { E_VALID, E_INVALID, E_UNKNOWN, E_DROPPED, E_NOOP };


/* A random configuration, accepted, to start from. */
static void mr_initial_set(struct mr_worker *w)
{
	unsigned char buf[64];
	size_t off = 0, list_off, e_off;
	uint32_t uid = 5678;

	list_off = off;
	mr_genl_put(buf, &off, MESHREDIR_A_OWNER_UIDS | NLA_F_NESTED, NULL, 0);
	e_off = off;
	mr_genl_put(buf, &off, MESHREDIR_LIST_A_ENTRY | NLA_F_NESTED, NULL, 0);
	mr_genl_put(buf, &off, MESHREDIR_RANGE_A_FIRST, &uid, 4);
	((struct nlattr *)(buf + e_off))->nla_len = off - e_off;
	((struct nlattr *)(buf + list_off))->nla_len = off - list_off;
	mr_call(w, MESHREDIR_CMD_SET, buf, off);
	if (w->g.err) {
		fprintf(stderr, "worker %d: the initial SET failed: %s (%s)\n", w->id,
			strerror(w->g.err), w->g.ext_msg);
		exit(1);
	}
	w->have_cfg = mr_refresh(w) == 0;
}

/*
 * genl_header_check() for a family whose resv_start_op is 0, as
 * meshredir's: why it refuses (EINVAL) the header, NULL if it does not.
 */
static const char *mr_header_refusal(uint16_t reserved, uint16_t flags)
{
	if (reserved)
		return "genlmsghdr.reserved is not 0";
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= ~NLM_F_DUMP;
	if (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO))
		return "nlmsg_flags beyond REQUEST, ACK, ECHO and DUMP";
	return NULL;
}

static void mr_one(struct mr_worker *w, uint64_t i)
{
	struct mr_node top;
	struct nlmsghdr *nlh = (void *)w->msg;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	struct mr_verdict v = { 0 };
	enum mr_expect expect;
	size_t alen, sent_len;
	unsigned int r = mr_below(100);
	uint8_t cmd;
	int what = 0, nmut, k, rc;
	uint32_t stray = 0;
	bool configured_before = w->have_cfg;

	/* The command: mostly SET. */
	if (r < 80)
		cmd = MESHREDIR_CMD_SET;
	else if (r < 88)
		cmd = MESHREDIR_CMD_GET;
	else if (r < 92)
		cmd = w->shared ? MESHREDIR_CMD_GET : MESHREDIR_CMD_DEL;
	else if (r < 96)
		cmd = MESHREDIR_CMD_RESET_COUNTERS;
	else
		cmd = mr_chance(2) ? 0 : MESHREDIR_CMD_MAX + 1 + mr_below(250 - MESHREDIR_CMD_MAX);

	memset(&top, 0, sizeof(top));
	top.nested = true;
	if (cmd == MESHREDIR_CMD_SET || mr_chance(8))
		mr_gen_config(&top);
	nmut = mr_chance(3) ? 0 : 1 + mr_below(3);
	for (k = 0; k < nmut; k++)
		mr_mutate(&top, &what);

	memset(w->msg, 0, NLMSG_LENGTH(GENL_HDRLEN));
	alen = NLMSG_LENGTH(GENL_HDRLEN);
	for (k = 0; k < top.nkids; k++)
		alen = mr_put_node(w->msg, alen, MR_MSG_CAP - 64, &top.kid[k]);
	mr_free_kids(&top);
	alen -= NLMSG_LENGTH(GENL_HDRLEN);
	nlh->nlmsg_type = w->g.family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++w->g.seq;
	gh->cmd = cmd;
	gh->version = MESHREDIR_GENL_VERSION;

	/* Byte-level damage, now and then. */
	if (mr_chance(6) && alen) {
		switch (mr_below(3)) {
		case 0:	/* the attribute area cut short, headers consistent */
			alen = mr_below(alen);
			break;
		case 1:	/* bytes flipped */
			for (k = 1 + mr_below(4); k > 0; k--)
				w->msg[NLMSG_LENGTH(GENL_HDRLEN) + mr_below(alen)] = mr_below(256);
			break;
		case 2:	/* random bytes from somewhere on */
			for (k = mr_below(alen); k < (int)alen; k++)
				w->msg[NLMSG_LENGTH(GENL_HDRLEN) + k] = mr_below(256);
			break;
		}
	}
	/* Genetlink ignores the version (no family checks it): another is sent as is. */
	if (mr_chance(20))
		gh->version = mr_chance(2) ? 0 : 2 + mr_below(254);
	gh->reserved = mr_chance(20) ? mr_below(65536) : 0;
	/* A flag beyond REQUEST, ACK, ECHO and DUMP: one of 0x10..0x800. */
	if (mr_chance(40))
		nlh->nlmsg_flags |= 0x10 << mr_below(8);
	sent_len = NLMSG_LENGTH(GENL_HDRLEN) + alen;
	nlh->nlmsg_len = sent_len;

	expect = E_VALID;
	if (cmd == 0 || cmd > MESHREDIR_CMD_MAX) {
		expect = E_INVALID;
		v.why = "unknown command";
	} else {
		if (cmd == MESHREDIR_CMD_SET) {
			mr_model_set(w->msg + NLMSG_LENGTH(GENL_HDRLEN), alen, &v);
		} else {
			/* Other commands: the family policy over the top level only. */
			mr_policy_check(L_TOP, w->msg + NLMSG_LENGTH(GENL_HDRLEN), alen, &v);
		}
		if (v.pol_bad)
			expect = E_INVALID;
		else if (v.unknown)
			expect = E_UNKNOWN;
		else if (v.sem_bad)
			expect = E_INVALID;
	}
	/* Genetlink checks the header before it looks the command up. */
	if (mr_header_refusal(gh->reserved, nlh->nlmsg_flags)) {
		expect = E_INVALID;
		v.why = mr_header_refusal(gh->reserved, nlh->nlmsg_flags);
	}
	/* Header damage, which overrides all of the above. */
	if (mr_chance(40)) {
		switch (mr_below(4)) {
		case 0:	/* longer than what is sent: netlink drops it unanswered */
			nlh->nlmsg_len = sent_len + 1 + mr_below(64);
			expect = E_DROPPED;
			break;
		case 1:	/* shorter than a netlink header: dropped too */
			nlh->nlmsg_len = mr_below(NLMSG_HDRLEN);
			expect = E_DROPPED;
			break;
		case 2:	/* no room for the genetlink header */
			sent_len = NLMSG_HDRLEN + mr_below(GENL_HDRLEN);
			nlh->nlmsg_len = sent_len;
			expect = E_INVALID;
			v.why = "genetlink header cut short";
			break;
		case 3:	/* not a request: acked, not acted on */
			nlh->nlmsg_flags = NLM_F_ACK;
			expect = E_NOOP;
			break;
		}
	}
	if (mr_chance(1000)) {	/* shorter than a netlink header, as a datagram */
		sent_len = mr_below(NLMSG_HDRLEN);
		expect = E_DROPPED;
	}
	if (cmd >= 1 && cmd <= MESHREDIR_CMD_MAX)
		w->st->by_cmd[cmd]++;
	else
		w->st->by_cmd[5]++;
	w->st->sent++;

	if (mr_genl_send_raw(&w->g, w->msg, sent_len)) {
		/* An empty datagram is refused by sendmsg() itself. */
		if (sent_len == 0 && errno == ENODATA) {
			w->st->dropped++;
			return;
		}
		fprintf(stderr, "worker %d: send: %s\n", w->id, strerror(errno));
		exit(1);
	}
	if (expect == E_DROPPED) {
		uint32_t dropped = w->g.seq;

		w->st->dropped++;
		/* The next request's answer must come first, and alone. */
		rc = mr_genl_call(&w->g, MESHREDIR_CMD_GET, NULL, 0);
		w->st->gets++;
		if (rc == -2 && w->g.stray == dropped) {
			mr_fail(w, i, w->msg, sent_len, "netlink answered a message it must drop");
			exit(1);
		}
		if (rc) {
			mr_fail(w, i, w->msg, sent_len, "no answer to the GET after a dropped message (%d)", rc);
			exit(1);
		}
		if (w->g.err && w->g.err != EMSGSIZE &&
		    !(w->g.err == ENOENT && !w->have_cfg && !w->shared))
			mr_fail(w, i, w->msg, sent_len, "GET after a dropped message");
		return;
	}
	rc = mr_genl_wait(&w->g, w->g.seq, &stray);
	if (rc == -2) {
		mr_fail(w, i, w->msg, sent_len, "answer for sequence %u instead", stray);
		exit(1);
	}
	if (rc) {
		mr_fail(w, i, w->msg, sent_len, "no answer (%d)", rc);
		exit(1);
	}

	switch (expect) {
	case E_NOOP:
		w->st->noop++;
		if (w->g.err || w->g.reply_len >= 0)
			mr_fail(w, i, w->msg, sent_len, "not a request: expected a plain ack");
		break;
	case E_INVALID:
		if (!w->g.err)
			mr_fail(w, i, w->msg, sent_len, "accepted, but the model says invalid (%s)",
				v.why ? v.why : "?");
		else
			w->st->invalid_refused++;
		break;
	case E_VALID: {
		int want = 0;

		if (cmd != MESHREDIR_CMD_SET && !w->have_cfg && !w->shared)
			want = ENOENT;
		if (cmd == MESHREDIR_CMD_DEL && want == ENOENT && w->maybe_pending && !w->g.err)
			want = 0;
		/* A multi-part SET of another worker's is pending (uapi: EBUSY). */
		if (w->shared && cmd == MESHREDIR_CMD_SET && w->g.err == EBUSY)
			w->st->busy++;
		/* Too big for one GET message (uapi: dump it). */
		else if (cmd == MESHREDIR_CMD_GET && w->g.err == EMSGSIZE &&
			 (w->shared || (w->have_cfg && w->cfg_len < 0)))
			w->st->big_gets++;
		else if (w->g.err != want)
			mr_fail(w, i, w->msg, sent_len, "%s: expected errno %d (model: valid)",
				cmd == MESHREDIR_CMD_SET ? "SET" : "command", want);
		else
			w->st->valid_ok++;
		break;
	}
	case E_UNKNOWN:
		if (w->g.err)
			w->st->unknown_refused++;
		else
			w->st->unknown_ok++;
		if (!w->g.err && cmd == MESHREDIR_CMD_SET)
			w->maybe_pending = true;
		break;
	default:
		break;
	}
	(void)what;
	/* A DEL that ran (not refused by the policy) discarded any pending SET. */
	if (cmd == MESHREDIR_CMD_DEL && (!w->g.err || w->g.err == ENOENT))
		w->maybe_pending = false;

	/* The state after it. */
	if (expect == E_NOOP || w->g.err) {
		if (w->shared || !mr_chance(4))
			return;
		w->st->state_checks++;
		if (w->have_cfg) {
			int old_len = w->cfg_len;

			if (old_len > 0)
				memcpy(w->tmp, w->cfg, old_len);
			if (mr_refresh(w))
				mr_fail(w, i, w->msg, sent_len,
					"refused or no-op, and then GET fails: the configuration is gone");
			else if (w->cfg_len != old_len ||
				 (old_len > 0 && memcmp(w->tmp, w->cfg, old_len)))
				mr_fail(w, i, w->msg, sent_len,
					"refused or no-op, and the configuration changed");
		} else if (mr_refresh(w) != ENOENT) {
			mr_fail(w, i, w->msg, sent_len,
				"refused or no-op in an unconfigured namespace, which now has a configuration");
		}
		return;
	}
	if (cmd == MESHREDIR_CMD_DEL) {
		w->have_cfg = false;
		if (mr_chance(4) && mr_refresh(w) != ENOENT)
			mr_fail(w, i, w->msg, sent_len, "GET after an accepted DEL: expected ENOENT");
		return;
	}
	if (cmd != MESHREDIR_CMD_SET && expect != E_UNKNOWN)
		return;
	/* An accepted SET (or unknown command): a configuration must be there. */
	rc = mr_refresh(w);
	if (expect == E_UNKNOWN) {
		if (rc && (rc != ENOENT || w->shared))
			mr_fail(w, i, w->msg, sent_len, "GET after an accepted unknown message");
		w->have_cfg = rc == 0;
		w->tainted = true;
		return;
	}
	if (cmd != MESHREDIR_CMD_SET)
		return;
	if (rc) {
		mr_fail(w, i, w->msg, sent_len, "GET after an accepted SET fails");
		return;
	}
	w->have_cfg = true;
	if (w->shared)
		return;
	if (w->cfg_len < 0)
		return;		/* too big to GET in one message: content unknown */
	if (w->tainted) {
		w->tainted = false;
	} else {
		char why[128];

		if (!mr_scalars_agree(w, &v, why, sizeof(why)))
			mr_fail(w, i, w->msg, sent_len, "GET disagrees with the SET: %s", why);
	}
	/* GET's answer sent back as a SET reads back identical. */
	if (mr_chance(8)) {
		int len = w->cfg_len;

		memcpy(w->tmp, w->cfg, len);
		mr_call(w, MESHREDIR_CMD_SET, w->tmp, len);
		w->st->roundtrips++;
		if (w->g.err) {
			mr_fail(w, i, w->tmp, len, "GET's configuration sent back as a SET is refused");
			return;
		}
		if (mr_refresh(w) || w->cfg_len != len || memcmp(w->tmp, w->cfg, len))
			mr_fail(w, i, w->tmp, len,
				"GET's configuration sent back as a SET reads back different");
	}
	(void)configured_before;
}

static int mr_worker_run(struct mr_worker *w, const char *ns)
{
	uint64_t i;

	if (ns && mr_enter_netns(ns)) {
		fprintf(stderr, "worker %d: netns %s: %s\n", w->id, ns, strerror(errno));
		return 1;
	}
	if (mr_genl_open(&w->g)) {
		fprintf(stderr, "worker %d: no %s family: %s (module loaded?)\n", w->id,
			MESHREDIR_GENL_NAME, strerror(errno));
		return 1;
	}
	w->msg = malloc(MR_MSG_CAP);
	w->tmp = malloc(MR_GENL_BUF);
	w->cfg = malloc(MR_GENL_BUF);
	if (!w->msg || !w->tmp || !w->cfg)
		return 1;
	mr_rng = w->seed * 0x9E3779B97F4A7C15ULL + 1;
	if (w->shared) {
		mr_initial_set(w);
	} else {
		/* Whatever a namespace held before, known from here on. */
		w->have_cfg = mr_refresh(w) == 0;
	}
	for (i = 0; i < w->count; i++) {
		mr_one(w, i);
		if (!mr_quiet && w->id == 0 && i && i % 20000 == 0)
			fprintf(stderr, "worker 0: %llu of %llu\n", (unsigned long long)i,
				(unsigned long long)w->count);
	}
	w->st->done = 1;
	return w->st->failures ? 1 : 0;
}

/* ---- the model's own test: known messages, known verdicts ---- */

/* A small builder for the cases: attributes appended, nests closed by hand. */
struct mr_case_buf {
	unsigned char b[512];
	size_t off;
	size_t open[8];
	int depth;
};

static void mr_c_nest(struct mr_case_buf *c, uint16_t type)
{
	c->open[c->depth++] = c->off;
	mr_genl_put(c->b, &c->off, type | NLA_F_NESTED, NULL, 0);
}

static void mr_c_end(struct mr_case_buf *c)
{
	size_t at = c->open[--c->depth];

	((struct nlattr *)(c->b + at))->nla_len = c->off - at;
}

static void mr_c_u(struct mr_case_buf *c, uint16_t type, uint32_t v, int len)
{
	mr_genl_put(c->b, &c->off, type, &v, len);
}

/* OWNER_UIDS { ENTRY { FIRST uid } } */
static void mr_c_owner(struct mr_case_buf *c, uint32_t uid)
{
	mr_c_nest(c, MESHREDIR_A_OWNER_UIDS);
	mr_c_nest(c, MESHREDIR_LIST_A_ENTRY);
	mr_c_u(c, MESHREDIR_RANGE_A_FIRST, uid, 4);
	mr_c_end(c);
	mr_c_end(c);
}

static int mr_self_test(void)
{
	struct { const char *name; int want; struct mr_case_buf c; } t[40];
	int n = 0, i, bad = 0;

#define CASE(nm, w) (memset(&t[n], 0, sizeof(t[n])), t[n].name = (nm), t[n].want = (w), &t[n++].c)
	struct mr_case_buf *c;

	c = CASE("owner only", E_VALID);
	mr_c_owner(c, 5678);
	c = CASE("no attributes: no owner", E_INVALID);
	c = CASE("empty owner list", E_INVALID);
	mr_c_nest(c, MESHREDIR_A_OWNER_UIDS);
	mr_c_end(c);
	c = CASE("owner ID 4294967295", E_INVALID);
	mr_c_owner(c, 0xffffffff);
	c = CASE("counters in a SET", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_COUNTERS);
	mr_c_end(c);
	c = CASE("ip-family-mode 3", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_u(c, MESHREDIR_A_IP_FAMILY_MODE, 3, 1);
	c = CASE("ip-family-mode 1", E_VALID);
	mr_c_owner(c, 1);
	mr_c_u(c, MESHREDIR_A_IP_FAMILY_MODE, 1, 1);
	c = CASE("ip-family-mode as a u16", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_u(c, MESHREDIR_A_IP_FAMILY_MODE, 1, 2);
	c = CASE("a type past the top level's MAX", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_u(c, MESHREDIR_A_MAX + 1, 0, 4);
	c = CASE("nest without NLA_F_NESTED", E_INVALID);
	mr_c_owner(c, 1);
	mr_genl_put(c->b, &c->off, MESHREDIR_A_INBOUND, NULL, 0);
	c = CASE("empty inbound nest", E_VALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_INBOUND);
	mr_c_end(c);
	c = CASE("port 0", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_OUTBOUND);
	mr_c_u(c, MESHREDIR_DIR_A_PORT, 0, 2);
	mr_c_end(c);
	c = CASE("enabled 2", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_INBOUND);
	mr_c_u(c, MESHREDIR_DIR_A_ENABLED, 2, 1);
	mr_c_end(c);
	c = CASE("exclude ports 80-70", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_OUTBOUND);
	mr_c_nest(c, MESHREDIR_DIR_A_EXCLUDE_PORTS);
	mr_c_nest(c, MESHREDIR_LIST_A_ENTRY);
	mr_c_u(c, MESHREDIR_RANGE_A_FIRST, 80, 2);
	mr_c_u(c, MESHREDIR_RANGE_A_LAST, 70, 2);
	mr_c_end(c);
	mr_c_end(c);
	mr_c_end(c);
	c = CASE("exclude ports 70-80", E_VALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_OUTBOUND);
	mr_c_nest(c, MESHREDIR_DIR_A_EXCLUDE_PORTS);
	mr_c_nest(c, MESHREDIR_LIST_A_ENTRY);
	mr_c_u(c, MESHREDIR_RANGE_A_FIRST, 70, 2);
	mr_c_u(c, MESHREDIR_RANGE_A_LAST, 80, 2);
	mr_c_end(c);
	mr_c_end(c);
	mr_c_end(c);
	c = CASE("range without FIRST", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_OUTBOUND);
	mr_c_nest(c, MESHREDIR_DIR_A_INCLUDE_PORTS);
	mr_c_nest(c, MESHREDIR_LIST_A_ENTRY);
	mr_c_u(c, MESHREDIR_RANGE_A_LAST, 80, 2);
	mr_c_end(c);
	mr_c_end(c);
	mr_c_end(c);
	c = CASE("ports for UIDs inbound", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_INBOUND);
	mr_c_nest(c, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS);
	mr_c_end(c);
	mr_c_end(c);
	c = CASE("ports for UIDs, entry without UIDS", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_OUTBOUND);
	mr_c_nest(c, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS);
	mr_c_nest(c, MESHREDIR_LIST_A_ENTRY);
	mr_c_nest(c, MESHREDIR_UID_PORTS_A_PORTS);
	mr_c_end(c);
	mr_c_end(c);
	mr_c_end(c);
	mr_c_end(c);
	c = CASE("ports for UIDs, empty PORTS", E_VALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_OUTBOUND);
	mr_c_nest(c, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS);
	mr_c_nest(c, MESHREDIR_LIST_A_ENTRY);
	mr_c_nest(c, MESHREDIR_UID_PORTS_A_PORTS);
	mr_c_end(c);
	mr_c_nest(c, MESHREDIR_UID_PORTS_A_UIDS);
	mr_c_u(c, MESHREDIR_RANGE_A_FIRST, 1000, 4);
	mr_c_end(c);
	mr_c_end(c);
	mr_c_end(c);
	mr_c_end(c);
	c = CASE("CIDR of family 3", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_OUTBOUND);
	mr_c_nest(c, MESHREDIR_DIR_A_EXCLUDE_IPS);
	mr_c_nest(c, MESHREDIR_LIST_A_ENTRY);
	mr_c_u(c, MESHREDIR_CIDR_A_FAMILY, 3, 2);
	mr_c_u(c, MESHREDIR_CIDR_A_ADDR, 0x0100000a, 4);
	mr_c_end(c);
	mr_c_end(c);
	mr_c_end(c);
	c = CASE("IPv4 CIDR /33", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_OUTBOUND);
	mr_c_nest(c, MESHREDIR_DIR_A_EXCLUDE_IPS);
	mr_c_nest(c, MESHREDIR_LIST_A_ENTRY);
	mr_c_u(c, MESHREDIR_CIDR_A_FAMILY, AF_INET, 2);
	mr_c_u(c, MESHREDIR_CIDR_A_ADDR, 0x0100000a, 4);
	mr_c_u(c, MESHREDIR_CIDR_A_PREFIX_LEN, 33, 1);
	mr_c_end(c);
	mr_c_end(c);
	mr_c_end(c);
	c = CASE("IPv4 CIDR /8", E_VALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_OUTBOUND);
	mr_c_nest(c, MESHREDIR_DIR_A_EXCLUDE_IPS);
	mr_c_nest(c, MESHREDIR_LIST_A_ENTRY);
	mr_c_u(c, MESHREDIR_CIDR_A_FAMILY, AF_INET, 2);
	mr_c_u(c, MESHREDIR_CIDR_A_ADDR, 0x0100000a, 4);
	mr_c_u(c, MESHREDIR_CIDR_A_PREFIX_LEN, 8, 1);
	mr_c_end(c);
	mr_c_end(c);
	mr_c_end(c);
	c = CASE("drop-invalid-packets 1", E_VALID);
	mr_c_owner(c, 1);
	mr_c_u(c, MESHREDIR_A_DROP_INVALID_PACKETS, 1, 1);
	c = CASE("drop-invalid-packets 2", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_u(c, MESHREDIR_A_DROP_INVALID_PACKETS, 2, 1);
	c = CASE("set-more with a payload", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_u(c, MESHREDIR_A_SET_MORE, 1, 1);
	c = CASE("set-more, no owner yet: the kernel's call", E_UNKNOWN);
	mr_genl_put(c->b, &c->off, MESHREDIR_A_SET_MORE, NULL, 0);
	c = CASE("set-part 0 alone: a plain SET", E_VALID);
	mr_c_owner(c, 1);
	mr_c_u(c, MESHREDIR_A_SET_PART, 0, 4);
	c = CASE("trailing bytes", E_INVALID);
	mr_c_owner(c, 1);
	c->b[c->off] = 3;
	c->off += 3;
	c = CASE("duplicate owner lists, the last empty", E_INVALID);
	mr_c_owner(c, 1);
	mr_c_nest(c, MESHREDIR_A_OWNER_UIDS);
	mr_c_end(c);
	c = CASE("duplicate owner lists, the first bad inside: not looked at", E_VALID);
	mr_c_nest(c, MESHREDIR_A_OWNER_UIDS);
	mr_c_u(c, 7, 0, 4);
	mr_c_end(c);
	mr_c_owner(c, 1);
#undef CASE

	for (i = 0; i < n; i++) {
		struct mr_verdict v = { 0 };
		int got;

		mr_model_set(t[i].c.b, t[i].c.off, &v);
		got = v.pol_bad ? E_INVALID : v.unknown ? E_UNKNOWN : v.sem_bad ? E_INVALID : E_VALID;
		if (got != t[i].want) {
			printf("not ok %d - model: %s: expected %s, model says %s (%s)\n", i + 1,
			       t[i].name, t[i].want == E_VALID ? "valid" :
			       t[i].want == E_INVALID ? "invalid" : "unknown",
			       got == E_VALID ? "valid" : got == E_INVALID ? "invalid" : "unknown",
			       v.why ? v.why : "-");
			bad++;
		} else {
			printf("ok %d - model: %s: %s\n", i + 1, t[i].name,
			       got == E_VALID ? "valid" : got == E_INVALID ? "invalid" : "unknown");
		}
	}
	{
		static const struct {
			const char *name;
			uint16_t reserved, flags;
			bool refused;
		} h[] = {
			{ "REQUEST|ACK", 0, NLM_F_REQUEST | NLM_F_ACK, false },
			{ "REQUEST|ACK|ECHO", 0, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO, false },
			{ "REQUEST|ACK|DUMP", 0, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, false },
			{ "reserved 1", 1, NLM_F_REQUEST | NLM_F_ACK, true },
			{ "reserved 0x100", 0x100, NLM_F_REQUEST | NLM_F_ACK, true },
			{ "ROOT without MATCH", 0, NLM_F_REQUEST | NLM_F_ROOT, true },
			{ "CREATE", 0, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, true },
			{ "DUMP_INTR", 0, NLM_F_REQUEST | NLM_F_DUMP_INTR, true },
		};
		unsigned int k;

		for (k = 0; k < sizeof(h) / sizeof(h[0]); k++, n++) {
			const char *why = mr_header_refusal(h[k].reserved, h[k].flags);

			if (!why != !h[k].refused)
				bad++;
			printf("%sok %d - header: %s: %s\n", !why != !h[k].refused ? "not " : "",
			       n + 1, h[k].name, why ? why : "passes");
		}
	}
	printf("%d passed, %d failed\n", n - bad, bad);
	return bad ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: mr-fuzz --messages N [--seed S] [--netns NS]... [--workers K] [--quiet]\n"
		"       mr-fuzz --self-test\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *nss[16];
	int nns = 0, workers = 1, nw, i, status, bad = 0;
	uint64_t seed = 0, messages = 0;
	bool seeded = false;
	struct mr_stats *st, sum = { 0 };
	char *end;

	if (argc == 2 && !strcmp(argv[1], "--self-test"))
		return mr_self_test();
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quiet")) {
			mr_quiet = 1;
		} else if (i + 1 < argc && !strcmp(argv[i], "--seed")) {
			seed = strtoull(argv[++i], &end, 0);
			if (*end)
				usage();
			seeded = true;
		} else if (i + 1 < argc && !strcmp(argv[i], "--messages")) {
			messages = strtoull(argv[++i], &end, 0);
			if (*end || !messages)
				usage();
		} else if (i + 1 < argc && !strcmp(argv[i], "--workers")) {
			workers = strtol(argv[++i], &end, 0);
			if (*end || workers < 1 || workers > 8)
				usage();
		} else if (i + 1 < argc && !strcmp(argv[i], "--netns")) {
			if (nns == 16)
				usage();
			nss[nns++] = argv[++i];
		} else {
			usage();
		}
	}
	if (!messages)
		usage();
	if (!seeded)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	printf("mr-fuzz: seed %llu\n", (unsigned long long)seed);
	fflush(stdout);
	if (!nns)
		nss[nns++] = NULL;
	nw = nns + workers - 1;
	st = mmap(NULL, nw * sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		  -1, 0);
	if (st == MAP_FAILED)
		return 1;
	memset(st, 0, nw * sizeof(*st));
	for (i = 0; i < nw; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (!pid) {
			struct mr_worker w = {
				.id = i,
				/* Extra workers join the first namespace. */
				.shared = workers > 1 && (i == 0 || i >= nns),
				.seed = seed + i,
				.count = messages / nw + (i < (int)(messages % nw)),
				.st = &st[i],
			};

			_exit(mr_worker_run(&w, nss[i < nns ? i : 0]));
		}
	}
	for (i = 0; i < nw; i++) {
		if (wait(&status) < 0)
			break;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	for (i = 0; i < nw; i++) {
		int c;

		sum.sent += st[i].sent;
		sum.valid_ok += st[i].valid_ok;
		sum.invalid_refused += st[i].invalid_refused;
		sum.unknown_ok += st[i].unknown_ok;
		sum.unknown_refused += st[i].unknown_refused;
		sum.dropped += st[i].dropped;
		sum.noop += st[i].noop;
		sum.gets += st[i].gets;
		sum.roundtrips += st[i].roundtrips;
		sum.state_checks += st[i].state_checks;
		sum.failures += st[i].failures;
		sum.busy += st[i].busy;
		sum.big_gets += st[i].big_gets;
		for (c = 0; c < 6; c++)
			sum.by_cmd[c] += st[i].by_cmd[c];
		if (!st[i].done && !st[i].failures)
			sum.failures++;	/* died without saying why */
	}
	printf("mr-fuzz: seed=%llu workers=%d messages=%llu set=%llu get=%llu del=%llu "
	       "reset=%llu badcmd=%llu valid_accepted=%llu invalid_refused=%llu "
	       "unknown_accepted=%llu unknown_refused=%llu dropped_unanswered=%llu "
	       "noop_acked=%llu busy=%llu get_emsgsize=%llu verify_gets=%llu roundtrips=%llu "
	       "state_checks=%llu failures=%llu\n",
	       (unsigned long long)seed, nw, (unsigned long long)sum.sent,
	       (unsigned long long)sum.by_cmd[MESHREDIR_CMD_SET],
	       (unsigned long long)sum.by_cmd[MESHREDIR_CMD_GET],
	       (unsigned long long)sum.by_cmd[MESHREDIR_CMD_DEL],
	       (unsigned long long)sum.by_cmd[MESHREDIR_CMD_RESET_COUNTERS],
	       (unsigned long long)sum.by_cmd[5],
	       (unsigned long long)sum.valid_ok, (unsigned long long)sum.invalid_refused,
	       (unsigned long long)sum.unknown_ok, (unsigned long long)sum.unknown_refused,
	       (unsigned long long)sum.dropped, (unsigned long long)sum.noop,
	       (unsigned long long)sum.busy, (unsigned long long)sum.big_gets,
	       (unsigned long long)sum.gets, (unsigned long long)sum.roundtrips,
	       (unsigned long long)sum.state_checks, (unsigned long long)sum.failures);
	return (bad || sum.failures) ? 1 : 0;
}
