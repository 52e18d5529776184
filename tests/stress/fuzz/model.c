// SPDX-License-Identifier: GPL-2.0
/*
 * mr-fuzz's model: what the kernel must answer to the bytes actually sent.
 *
 * lib/nlattr.c's strict validation (every level is parsed strictly:
 * nla_parse_nested(), and genetlink's resv_start_op of 0, which also
 * refuses a non-zero reserved field and unknown flags), the family's
 * policies, and the module's own checks (uapi text: ranges, owner needed,
 * limits, CIDR families; the DNS and vnet nests' own in model-dns.c).
 * Attributes within a level's *_MAX that the model does not know, and the
 * parts of a SET in parts (SET_MORE, a SET_PART past 0), make the verdict
 * "unknown" unless the policy alone refuses them: either answer is taken,
 * and the driver reads the state back instead of predicting it.
 */
#include "mr-fuzz.h"

/* ---- the attribute tables ---- */

enum mr_kind { K_NONE, K_U8, K_U16, K_U32, K_BINARY, K_NESTED, K_REJECT, K_FLAG, K_IFNAME };

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
	case L_VNET_LIST:
		return MESHREDIR_LIST_A_MAX;
	case L_PORT_RANGE: case L_ID_RANGE: return MESHREDIR_RANGE_A_MAX;
	case L_CIDR: return MESHREDIR_CIDR_A_MAX;
	case L_UP_ENTRY: return MESHREDIR_UID_PORTS_A_MAX;
	case L_DNS: return MESHREDIR_DNS_A_MAX;
	case L_VNET_ENTRY: return MESHREDIR_VNET_A_MAX;
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
		case MESHREDIR_A_EVENT_RATE: d.kind = K_U32; break;
		case MESHREDIR_A_EVENTS_DROPPED: d.kind = K_REJECT; break;
		/* Plain NLA_NESTED in the family policy: the module parses them. */
		case MESHREDIR_A_DNS: d = (struct mr_attr_def){ K_NESTED, L_DNS, false }; break;
		case MESHREDIR_A_VNET: d = (struct mr_attr_def){ K_NESTED, L_VNET_LIST, false }; break;
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
		case MESHREDIR_UID_PORTS_A_PROTOCOLS: d.kind = K_U8; break;
		}
		break;
	case L_DNS:
		switch (t) {
		case MESHREDIR_DNS_A_PORT: d.kind = K_U16; break;
		case MESHREDIR_DNS_A_CAPTURE_ALL:
		case MESHREDIR_DNS_A_ZONE_SPLIT:
		case MESHREDIR_DNS_A_ENABLED: d.kind = K_U8; break;
		case MESHREDIR_DNS_A_SERVERS:
		case MESHREDIR_DNS_A_DOCKER: d = (struct mr_attr_def){ K_NESTED, L_CIDR_LIST, false }; break;
		}
		break;
	case L_VNET_LIST:
		if (t == MESHREDIR_LIST_A_ENTRY)
			d = (struct mr_attr_def){ K_NESTED, L_VNET_ENTRY, true };
		break;
	case L_VNET_ENTRY:
		switch (t) {
		case MESHREDIR_VNET_A_IFNAME: d.kind = K_IFNAME; break;
		case MESHREDIR_VNET_A_CIDR: d = (struct mr_attr_def){ K_NESTED, L_CIDR, true }; break;
		}
		break;
	default:
		break;
	}
	return d;
}

/* ---- the verdict: what the kernel does with these bytes ---- */

void mr_bad(struct mr_verdict *v, bool policy, const char *why)
{
	if (policy)
		v->pol_bad = true;
	else
		v->sem_bad = true;
	if (!v->why)
		v->why = why;
}

uint32_t mr_get_uint(const unsigned char *p, int len)
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

/*
 * Walks a stream as nla_for_each_attr() does; calls back for each attribute
 * and reports leftover bytes (strict: refused).
 */
bool mr_walk(const unsigned char *p, int rem, mr_nla_fn fn, void *ctx)
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
	case K_IFNAME:	/* VNET_A_IFNAME: NLA_NUL_STRING, .len IFNAMSIZ - 1 */
		if (!mr_ifname_policy_ok(a->data, a->len))
			mr_bad(v, true, "ifname: no NUL, or longer than 15 bytes");
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
	if (c->l == L_TOP && type == MESHREDIR_A_EVENT_RATE && (val < 1 || val > MESHREDIR_MAX_EVENT_RATE))
		mr_bad(v, true, "event-rate out of 1..1000000");
	/* NLA_POLICY_RANGE(NLA_U8, TCP, TCP | UDP): some protocol, no other bit. */
	if (c->l == L_UP_ENTRY && type == MESHREDIR_UID_PORTS_A_PROTOCOLS &&
	    (val < MESHREDIR_PROTO_TCP || val > (MESHREDIR_PROTO_TCP | MESHREDIR_PROTO_UDP)))
		mr_bad(v, true, "uid-ports protocols out of 1..3");
	if (c->l == L_DNS && type == MESHREDIR_DNS_A_PORT && val < 1)
		mr_bad(v, true, "dns port 0");
	if (c->l == L_DNS && (type == MESHREDIR_DNS_A_CAPTURE_ALL || type == MESHREDIR_DNS_A_ENABLED) &&
	    val > 1)
		mr_bad(v, true, "dns capture-all or enabled not 0 or 1");
	if (c->l == L_DNS && type == MESHREDIR_DNS_A_ZONE_SPLIT && (val & ~MR_ZONE_SPLIT_ALL))
		mr_bad(v, true, "dns zone-split beyond its bits");
}

void mr_policy_check(enum mr_level l, const unsigned char *p, int len,
		     struct mr_verdict *v)
{
	struct mr_pol_ctx c = { l, v };

	if (mr_walk(p, len, mr_policy_one, &c))
		mr_bad(v, true, "bytes leftover after parsing attributes");
}

static void mr_tb_one(const struct mr_nla *a, int type, void *vctx)
{
	struct mr_tb *tb = vctx;

	tb->count++;
	if (type < MR_TB_MAX) {
		tb->a[type] = *a;
		tb->has[type] = true;
	}
}

/* nla_parse_nested(): the policy check, then the last of each type. */
void mr_parse(enum mr_level l, const unsigned char *p, int len,
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
	struct mr_cidr *store;	/* CIDR lists: where the first store_cap go, or NULL */
	int store_cap;
};

/*
 * One CIDR, as cidr_get() takes it; a valid one goes to out (if not NULL),
 * its host bits cleared as the module does. Returns whether it was valid.
 */
bool mr_sem_cidr(const struct mr_nla *entry, struct mr_cidr *out, struct mr_verdict *v)
{
	struct mr_tb tb;
	uint32_t family, bits, prefix, i;

	mr_parse(L_CIDR, entry->data, entry->len, &tb, v);
	if (v->pol_bad)
		return false;
	family = tb.has[MESHREDIR_CIDR_A_FAMILY] ?
		 mr_get_uint(tb.a[MESHREDIR_CIDR_A_FAMILY].data, 2) : 0;
	if (family != AF_INET && family != AF_INET6) {
		mr_bad(v, false, "CIDR family");
		return false;
	}
	bits = family == AF_INET ? 32 : 128;
	if (!tb.has[MESHREDIR_CIDR_A_ADDR] ||
	    tb.a[MESHREDIR_CIDR_A_ADDR].len != (int)bits / 8) {
		mr_bad(v, false, "CIDR address length");
		return false;
	}
	prefix = tb.has[MESHREDIR_CIDR_A_PREFIX_LEN] ?
		 mr_get_uint(tb.a[MESHREDIR_CIDR_A_PREFIX_LEN].data, 1) : bits;
	if (prefix > bits) {
		mr_bad(v, false, "CIDR prefix length");
		return false;
	}
	if (out) {
		memset(out, 0, sizeof(*out));
		out->v6 = family == AF_INET6;
		out->prefix = prefix;
		memcpy(out->addr, tb.a[MESHREDIR_CIDR_A_ADDR].data, bits / 8);
		/* As iptables does with 10.1.2.3/8: the host bits are ignored. */
		for (i = 0; i < bits / 8; i++) {
			int keep = (int)prefix - 8 * (int)i;

			if (keep <= 0)
				out->addr[i] = 0;
			else if (keep < 8)
				out->addr[i] &= 0xff << (8 - keep);
		}
	}
	return true;
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
	if (!v->pol_bad && !v->sem_bad)
		mr_up_record(&tb, v);
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
		mr_sem_cidr(a, c->store && c->count <= c->store_cap ?
			    &c->store[c->count - 1] : NULL, c->v);
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
static int mr_sem_list_store(const struct mr_nla *list, enum mr_level list_level,
			     enum mr_level entry_level, uint32_t max, struct mr_cidr *store,
			     int store_cap, struct mr_verdict *v)
{
	struct mr_list_ctx c = { entry_level, v, 0, 0, store, store_cap };
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

static int mr_sem_list(const struct mr_nla *list, enum mr_level list_level,
		       enum mr_level entry_level, uint32_t max, struct mr_verdict *v)
{
	return mr_sem_list_store(list, list_level, entry_level, max, NULL, 0, v);
}

/* A CIDR list (the DNS nest's): the first cap entries go to out, valid or not. */
int mr_sem_cidr_list(const struct mr_nla *list, uint32_t max, struct mr_cidr *out,
		     int cap, struct mr_verdict *v)
{
	return mr_sem_list_store(list, L_CIDR_LIST, L_CIDR, max, out, cap, v);
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
	/* The last list of the last OUTBOUND is the one a valid SET keeps. */
	if (out)
		v->up.n = v->up.nports = 0;
	if (tb.has[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS] && out)
		mr_sem_list(&tb.a[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS], L_UP_LIST,
			    L_UP_ENTRY, MESHREDIR_MAX_UID_PORTS, v);
}

/* A SET's attributes, as genetlink and mr_nl_set() take them. */
void mr_model_set(const unsigned char *p, int len, struct mr_verdict *v)
{
	struct mr_tb tb;
	int owners = 0;

	v->ip_mode = MESHREDIR_IP_FAMILY_DUALSTACK;
	v->enabled[0] = v->enabled[1] = 1;
	v->port[0] = MESHREDIR_DEFAULT_INBOUND_PORT;
	v->port[1] = MESHREDIR_DEFAULT_OUTBOUND_PORT;
	v->event_rate = MESHREDIR_DEFAULT_EVENT_RATE;
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
	if (tb.has[MESHREDIR_A_EVENT_RATE])
		v->event_rate = mr_get_uint(tb.a[MESHREDIR_A_EVENT_RATE].data, 4);
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
	/* Last: it ends with set_apply()'s check, which sees the whole. */
	mr_model_dns_vnet(&tb, v);
}

/* ---- the generator: trees of attributes ---- */

/* The answer a SET's (or another command's) verdict asks for. */
enum mr_expect mr_verdict_expect(const struct mr_verdict *v)
{
	if (v->pol_bad)
		return E_INVALID;
	if (v->unknown)
		return E_UNKNOWN;
	return v->sem_bad ? E_INVALID : E_VALID;
}

/*
 * genl_header_check() for a family whose resv_start_op is 0, as
 * meshredir's: why it refuses (EINVAL) the header, NULL if it does not.
 */
const char *mr_header_refusal(uint16_t reserved, uint16_t flags)
{
	if (reserved)
		return "genlmsghdr.reserved is not 0";
	if ((flags & NLM_F_DUMP) == NLM_F_DUMP)
		flags &= ~NLM_F_DUMP;
	if (flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO))
		return "nlmsg_flags beyond REQUEST, ACK, ECHO and DUMP";
	return NULL;
}
