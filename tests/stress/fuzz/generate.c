// SPDX-License-Identifier: GPL-2.0
/*
 * mr-fuzz's generator: the messages it sends.
 *
 * Every message starts as a random valid configuration tree built from the
 * attribute tables of uapi/linux/meshredir.h, then gets mutated: retyped
 * attributes (up to each level's *_MAX + 2, so that attributes added to the
 * header later are sent too), wrong lengths and values, NLA_F_NESTED
 * flipped, duplicates, deletions, huge and empty lists, nesting broken both
 * ways; after serialization, bytes flipped, the attribute area truncated,
 * the genetlink header with a non-zero reserved field or another version,
 * nlmsg_flags genetlink does not allow, unknown commands; and, once the
 * driver has the model's verdict, the netlink header lying about its
 * length, the genetlink header cut short, no NLM_F_REQUEST.
 */
#include "mr-fuzz.h"

/* ---- PRNG (xorshift64*, seedable, the same on every machine) ---- */

static uint64_t mr_rng;

/* Worker i of a run seeded S draws from mr_seed(S + i). */
void mr_seed(uint64_t seed)
{
	mr_rng = seed * 0x9E3779B97F4A7C15ULL + 1;
}

uint64_t mr_rand(void)
{
	mr_rng ^= mr_rng >> 12;
	mr_rng ^= mr_rng << 25;
	mr_rng ^= mr_rng >> 27;
	return mr_rng * 2685821657736338717ULL;
}

uint32_t mr_below(uint32_t n)
{
	return n ? (uint32_t)(mr_rand() % n) : 0;
}

bool mr_chance(uint32_t one_in)
{
	return mr_below(one_in) == 0;
}

/* ---- trees of attributes ---- */

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

/*
 * One CIDR nest of type t: half of them in the first 1,024 addresses of
 * their family, so that they overlap and touch, and GET merges them.
 */
static void mr_gen_cidr(struct mr_node *parent, uint16_t type)
{
	struct mr_node *e = mr_add(parent, type, true), *a;
	bool v6 = mr_chance(2), near = mr_chance(2);
	uint32_t bits = v6 ? 128 : 32;
	int j;

	mr_leaf(e, MESHREDIR_CIDR_A_FAMILY, v6 ? AF_INET6 : AF_INET, 2);
	a = mr_add(e, MESHREDIR_CIDR_A_ADDR, false);
	a->len = v6 ? 16 : 4;
	for (j = 0; j < a->len; j++)
		a->data[j] = near && j < a->len - 2 ? 0 : mr_below(near && j == a->len - 2 ? 4 : 256);
	if (!mr_chance(3))
		mr_leaf(e, MESHREDIR_CIDR_A_PREFIX_LEN,
			mr_chance(3) ? mr_below(bits + 1) : bits - mr_below(9), 1);
}

static void mr_gen_cidrs(struct mr_node *parent, uint16_t type, int n)
{
	struct mr_node *list = mr_add(parent, type, true);
	int i;

	for (i = 0; i < n; i++)
		mr_gen_cidr(list, MESHREDIR_LIST_A_ENTRY);
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
		/* TCP, UDP or both; now and then no protocol or another bit. */
		if (!mr_chance(3))
			mr_leaf(e, MESHREDIR_UID_PORTS_A_PROTOCOLS,
				mr_chance(n > 8 ? 400 : 20) ? mr_below(256) : 1 + mr_below(3), 1);
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
	/* Past about 2,300 IPv4 CIDRs the nest outgrows nla_len: also tried. */
	if (mr_chance(2))
		mr_gen_cidrs(d, MESHREDIR_DIR_A_EXCLUDE_IPS,
			     mr_chance(60) ? 2000 + (int)mr_below(800) : mr_list_len(8));
	/* Inbound refuses the list whatever its entries' protocols: tried too. */
	if (out ? mr_chance(3) : mr_chance(40))
		mr_gen_uid_ports(d);
}

/* Mostly within the policy's 1..1000000, its edges and beyond now and then. */
static uint32_t mr_event_rate(void)
{
	static const uint32_t edges[] = { 0, 1, MESHREDIR_MAX_EVENT_RATE, MESHREDIR_MAX_EVENT_RATE + 1,
					  UINT32_MAX };

	if (mr_chance(4))
		return edges[mr_below(sizeof(edges) / sizeof(edges[0]))];
	return 1 + mr_below(MESHREDIR_MAX_EVENT_RATE);
}

/* DNS capture: each attribute now and then, now and then out of its bounds. */
static void mr_gen_dns(struct mr_node *top)
{
	struct mr_node *d = mr_add(top, MESHREDIR_A_DNS, true);

	if (mr_chance(2))
		mr_leaf(d, MESHREDIR_DNS_A_PORT, mr_chance(30) ? 0 : 1 + mr_below(65535), 2);
	if (mr_chance(3))
		mr_leaf(d, MESHREDIR_DNS_A_CAPTURE_ALL, mr_below(mr_chance(20) ? 256 : 2), 1);
	/* 0..3: 2 and 3 are the two families of a mask, refused by a 0..1 bound. */
	if (mr_chance(3))
		mr_leaf(d, MESHREDIR_DNS_A_ZONE_SPLIT, mr_below(mr_chance(20) ? 256 : 4), 1);
	if (mr_chance(4))
		mr_leaf(d, MESHREDIR_DNS_A_ENABLED, mr_below(mr_chance(20) ? 256 : 2), 1);
	if (mr_chance(2))
		mr_gen_cidrs(d, MESHREDIR_DNS_A_SERVERS, mr_list_len(MESHREDIR_MAX_DNS_SERVERS));
	if (mr_chance(4))
		mr_gen_cidrs(d, MESHREDIR_DNS_A_DOCKER, mr_list_len(MESHREDIR_MAX_DNS_DOCKER));
}

/*
 * An interface name as the module's checks see it: mostly a name of its
 * own (one per entry i), some from a small pool that repeats, some that
 * ifname_get() or the policy refuses; as a string with its NUL, without,
 * with NULs after, or bytes after the NUL. A clean one is of its own and
 * a plain string, so that long lists can be valid.
 */
static void mr_gen_ifname(struct mr_node *entry, int i, bool clean)
{
	static const char *const pool[] = {
		"dock0", "dock+", "eth0", "+", "br-1a2b3c4d5e6f", "veth+", "...", "a\xa1",
	};
	static const char *const odd[] = {
		"", ".", "..", "..+", "do+ck", "++", "a b", "a:b", "a/b", "a\tb", "x\xa0",
		"abcdefghijklmnop", "abcdefghijklmnopq",
	};
	struct mr_node *n = mr_add(entry, MESHREDIR_VNET_A_IFNAME, false);
	static const char *const stems[] = { "v", "eth", "dock", "br-" };
	char name[24];
	int len, r = clean ? 0 : mr_below(20);

	if (r < 12)
		snprintf(name, sizeof(name), "%s%d%s", stems[mr_below(4)], i,
			 mr_chance(4) ? "+" : "");
	else if (r < 18)
		snprintf(name, sizeof(name), "%s", pool[mr_below(sizeof(pool) / sizeof(pool[0]))]);
	else
		snprintf(name, sizeof(name), "%s", odd[mr_below(sizeof(odd) / sizeof(odd[0]))]);
	len = strlen(name) + 1;
	memset(n->data, 0, sizeof(n->data));
	memcpy(n->data, name, len > (int)sizeof(n->data) ? (int)sizeof(n->data) : len);
	switch (clean ? 3 : mr_below(16)) {
	case 0:		/* no NUL */
		len--;
		break;
	case 1:		/* NULs after it */
		len += 1 + mr_below(4);
		break;
	case 2:		/* bytes after the NUL */
		if (len + 2 <= (int)sizeof(n->data)) {
			n->data[len] = 'z';
			len += 1 + mr_below(2);
		}
		break;
	}
	n->len = len > (int)sizeof(n->data) ? (int)sizeof(n->data) : len;
}

/*
 * vnet entries: a name and a CIDR each, either left out now and then; a
 * long list has one entry at most that is not clean.
 */
static void mr_gen_vnet(struct mr_node *top)
{
	struct mr_node *list = mr_add(top, MESHREDIR_A_VNET, true);
	int i, n = mr_list_len(MESHREDIR_MAX_VNETS), odd = n > 8 ? (int)mr_below(2 * n) : -1;

	for (i = 0; i < n; i++) {
		struct mr_node *e = mr_add(list, MESHREDIR_LIST_A_ENTRY, true);
		bool clean = n > 8 && i != odd;

		if (clean || !mr_chance(40))
			mr_gen_ifname(e, i, clean);
		if (clean || !mr_chance(40))
			mr_gen_cidr(e, MESHREDIR_VNET_A_CIDR);
	}
}

static void mr_gen_config(struct mr_node *top)
{
	if (mr_chance(2))
		mr_leaf(top, MESHREDIR_A_IP_FAMILY_MODE, 1 + mr_below(2), 1);
	if (mr_chance(3))
		mr_leaf(top, MESHREDIR_A_DROP_INVALID_PACKETS, mr_below(2), 1);
	if (mr_chance(3))
		mr_leaf(top, MESHREDIR_A_EVENT_RATE, mr_event_rate(), 4);
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
	if (mr_chance(3))
		mr_gen_dns(top);
	if (mr_chance(4))
		mr_gen_vnet(top);
}

/* ---- mutations of the tree ---- */

#define MR_MAX2(a, b) ((a) > (b) ? (a) : (b))
/*
 * Types tried anywhere: 0 to two past the largest *_MAX of the header, so
 * that attributes added to uapi/linux/meshredir.h get sent too.
 */
#define MR_TYPE_SPAN (MR_MAX2(MR_MAX2(MR_MAX2(MESHREDIR_A_MAX, MESHREDIR_DIR_A_MAX),	\
				      MR_MAX2(MESHREDIR_LIST_A_MAX, MESHREDIR_RANGE_A_MAX)),	\
			      MR_MAX2(MR_MAX2(MESHREDIR_CIDR_A_MAX, MESHREDIR_UID_PORTS_A_MAX),	\
				      MR_MAX2(MESHREDIR_DNS_A_MAX, MESHREDIR_VNET_A_MAX))) + 3)

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

static void mr_mutate(struct mr_node *top)
{
	struct mr_pick p = { top, NULL, 0 };
	int count = 0, i, op = mr_below(13);
	struct mr_node *n;

	mr_collect(top, NULL, 0, &p, &count, 0);
	n = p.node;
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


/* ---- whole messages ---- */

/*
 * A whole message in msg: header, command (mostly SET; no DEL where no_del),
 * a mutated tree, byte-level damage now and then, an odd header field now
 * and then. Sets nlmsg_len and *alen (the attribute area's length);
 * returns the command.
 */
uint8_t mr_gen_message(unsigned char *msg, uint16_t family, uint32_t seq,
		       bool no_del, size_t *alen)
{
	struct mr_node top;
	struct nlmsghdr *nlh = (void *)msg;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	unsigned int r = mr_below(100);
	size_t len;
	uint8_t cmd;
	int nmut, k;

	if (r < 80)
		cmd = MESHREDIR_CMD_SET;
	else if (r < 88)
		cmd = MESHREDIR_CMD_GET;
	else if (r < 92)
		cmd = no_del ? MESHREDIR_CMD_GET : MESHREDIR_CMD_DEL;
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
		mr_mutate(&top);

	memset(msg, 0, NLMSG_LENGTH(GENL_HDRLEN));
	len = NLMSG_LENGTH(GENL_HDRLEN);
	for (k = 0; k < top.nkids; k++)
		len = mr_put_node(msg, len, MR_MSG_CAP - 64, &top.kid[k]);
	mr_free_kids(&top);
	len -= NLMSG_LENGTH(GENL_HDRLEN);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	gh->cmd = cmd;
	gh->version = MESHREDIR_GENL_VERSION;

	/* Byte-level damage, now and then. */
	if (mr_chance(6) && len) {
		switch (mr_below(3)) {
		case 0:	/* the attribute area cut short, headers consistent */
			len = mr_below(len);
			break;
		case 1:	/* bytes flipped */
			for (k = 1 + mr_below(4); k > 0; k--)
				msg[NLMSG_LENGTH(GENL_HDRLEN) + mr_below(len)] = mr_below(256);
			break;
		case 2:	/* random bytes from somewhere on */
			for (k = mr_below(len); k < (int)len; k++)
				msg[NLMSG_LENGTH(GENL_HDRLEN) + k] = mr_below(256);
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
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + len;
	*alen = len;
	return cmd;
}

/*
 * Now and then a netlink header that lies, which overrides the model's
 * verdict; *sent_len is how much of msg goes out.
 */
enum mr_damage mr_gen_header_damage(unsigned char *msg, size_t *sent_len)
{
	struct nlmsghdr *nlh = (void *)msg;
	enum mr_damage d = D_NONE;

	if (mr_chance(40)) {
		switch (mr_below(4)) {
		case 0:
			nlh->nlmsg_len = *sent_len + 1 + mr_below(64);
			d = D_LONGER;
			break;
		case 1:
			nlh->nlmsg_len = mr_below(NLMSG_HDRLEN);
			d = D_SHORTER;
			break;
		case 2:
			*sent_len = NLMSG_HDRLEN + mr_below(GENL_HDRLEN);
			nlh->nlmsg_len = *sent_len;
			d = D_NO_GENL;
			break;
		case 3:
			nlh->nlmsg_flags = NLM_F_ACK;
			d = D_NOT_REQUEST;
			break;
		}
	}
	if (mr_chance(1000)) {
		*sent_len = mr_below(NLMSG_HDRLEN);
		d = D_DATAGRAM;
	}
	return d;
}
