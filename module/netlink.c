// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family. A SET, in one message or in parts, is
 * gathered and checked whole before a configuration is built and swapped
 * in, so a rejected SET changes nothing; a GET reply is sized once, and a
 * configuration too big for one message is dumped over several, from one
 * configuration held by reference. A value's bounds are in the policies;
 * the code checks only rules across attributes, naming the attribute by the
 * tool's flag name. Nests are validated below the family policy, so that a
 * policy failure inside one can be reported with the nest's name.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/stringify.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include "compat.h"
#include "config.h"
#include "netlink.h"
#include "netns.h"

/*
 * 6.1's extack keeps a pointer to a static string, so each message is
 * spelled out whole, per attribute, at compile time.
 */
struct mr_names {
	const char *name;
	const char *malformed;
	const char *too_many;
	const char *too_many_total;
	const char *reversed;
	const char *bad_family;
	const char *bad_addr;
	const char *prefix4;
	const char *prefix6;
};

/*
 * A policy failure inside a list reads "NAME: REASON" where extack can be
 * formatted; the longest REASON lib/nlattr.c gives is 39 bytes ("allowed
 * policy recursion depth exceeded"): every NAME leaves room for it.
 */
#define MR_POLICY_REASON_MAX 39
#define MR_NAME_FITS(n) BUILD_BUG_ON_ZERO(sizeof(n ": ") + MR_POLICY_REASON_MAX > MR_FMTMSG_LEN)

#define MR_NAMES(n) {							\
	.name = (n) + MR_NAME_FITS(n),					\
	.malformed = n ": malformed entry",				\
	.too_many = n ": too many entries",				\
	.too_many_total = n ": the configuration's lists hold more than "	\
			  __stringify(MESHREDIR_MAX_ENTRIES) " entries in all", \
	.reversed = n ": first is greater than last",			\
	.bad_family = n ": family must be AF_INET or AF_INET6",	\
	.bad_addr = n ": address missing or not as long as its family's", \
	.prefix4 = n ": prefix length exceeds 32",			\
	.prefix6 = n ": prefix length exceeds 128",			\
}

struct mr_dir_names {
	const char *name;
	const char *malformed;
	struct mr_names exclude_ports;
	struct mr_names include_ports;
	struct mr_names exclude_ips;
	struct mr_names uid_ports;
};

static const struct mr_dir_names mr_inbound_names = {
	.name = "inbound" + MR_NAME_FITS("inbound"),
	.malformed = "inbound: malformed attribute",
	.exclude_ports = MR_NAMES("exclude-inbound-ports"),
	.include_ports = MR_NAMES("include-inbound-ports"),
	.exclude_ips = MR_NAMES("exclude-inbound-ips"),
	.uid_ports = MR_NAMES("exclude-inbound-ports-for-uids"),
};

static const struct mr_dir_names mr_outbound_names = {
	.name = "outbound" + MR_NAME_FITS("outbound"),
	.malformed = "outbound: malformed attribute",
	.exclude_ports = MR_NAMES("exclude-outbound-ports"),
	.include_ports = MR_NAMES("include-outbound-ports"),
	.exclude_ips = MR_NAMES("exclude-outbound-ips"),
	.uid_ports = MR_NAMES("exclude-outbound-ports-for-uids"),
};

static const struct mr_names mr_owner_uids_names = MR_NAMES("owner-uids");
static const struct mr_names mr_owner_gids_names = MR_NAMES("owner-gids");

/* (u32)-1 is the invalid ID from_kuid() returns for an unmapped one. */
static const struct netlink_range_validation mr_id_range = {
	.min = 0,
	.max = U32_MAX - 1,
};

static const struct nla_policy mr_port_range_policy[MESHREDIR_RANGE_A_MAX + 1] = {
	[MESHREDIR_RANGE_A_FIRST] = NLA_POLICY_MIN(NLA_U16, 1),
	[MESHREDIR_RANGE_A_LAST] = NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy mr_id_range_policy[MESHREDIR_RANGE_A_MAX + 1] = {
	[MESHREDIR_RANGE_A_FIRST] = NLA_POLICY_FULL_RANGE(NLA_U32, MR_POLICY_RANGE(&mr_id_range)),
	[MESHREDIR_RANGE_A_LAST] = NLA_POLICY_FULL_RANGE(NLA_U32, MR_POLICY_RANGE(&mr_id_range)),
};

static const struct nla_policy mr_cidr_policy[MESHREDIR_CIDR_A_MAX + 1] = {
	[MESHREDIR_CIDR_A_FAMILY] = { .type = NLA_U16 },
	[MESHREDIR_CIDR_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr),
						   sizeof(struct in6_addr)),
	[MESHREDIR_CIDR_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy mr_port_list_policy[MESHREDIR_LIST_A_MAX + 1] = {
	[MESHREDIR_LIST_A_ENTRY] = NLA_POLICY_NESTED(mr_port_range_policy),
};

static const struct nla_policy mr_id_list_policy[MESHREDIR_LIST_A_MAX + 1] = {
	[MESHREDIR_LIST_A_ENTRY] = NLA_POLICY_NESTED(mr_id_range_policy),
};

static const struct nla_policy mr_cidr_list_policy[MESHREDIR_LIST_A_MAX + 1] = {
	[MESHREDIR_LIST_A_ENTRY] = NLA_POLICY_NESTED(mr_cidr_policy),
};

static const struct nla_policy mr_uid_ports_policy[MESHREDIR_UID_PORTS_A_MAX + 1] = {
	[MESHREDIR_UID_PORTS_A_PORTS] = NLA_POLICY_NESTED(mr_port_list_policy),
	[MESHREDIR_UID_PORTS_A_UIDS] = NLA_POLICY_NESTED(mr_id_range_policy),
};

static const struct nla_policy mr_uid_ports_list_policy[MESHREDIR_LIST_A_MAX + 1] = {
	[MESHREDIR_LIST_A_ENTRY] = NLA_POLICY_NESTED(mr_uid_ports_policy),
};

static const struct nla_policy mr_dir_policy[MESHREDIR_DIR_A_MAX + 1] = {
	[MESHREDIR_DIR_A_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[MESHREDIR_DIR_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[MESHREDIR_DIR_A_EXCLUDE_PORTS] = { .type = NLA_NESTED },
	[MESHREDIR_DIR_A_INCLUDE_PORTS] = { .type = NLA_NESTED },
	[MESHREDIR_DIR_A_EXCLUDE_IPS] = { .type = NLA_NESTED },
	[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS] = { .type = NLA_NESTED },
};

static const struct nla_policy mr_policy[MESHREDIR_A_MAX + 1] = {
	[MESHREDIR_A_IP_FAMILY_MODE] = NLA_POLICY_RANGE(NLA_U8, MESHREDIR_IP_FAMILY_IPV4,
							 MESHREDIR_IP_FAMILY_MAX),
	[MESHREDIR_A_OWNER_UIDS] = { .type = NLA_NESTED },
	[MESHREDIR_A_OWNER_GIDS] = { .type = NLA_NESTED },
	[MESHREDIR_A_INBOUND] = { .type = NLA_NESTED },
	[MESHREDIR_A_OUTBOUND] = { .type = NLA_NESTED },
	[MESHREDIR_A_COUNTERS] = { .type = NLA_REJECT },
	[MESHREDIR_A_DROP_INVALID_PACKETS] = NLA_POLICY_MAX(NLA_U8, 1),
	[MESHREDIR_A_SET_MORE] = { .type = NLA_FLAG },
	[MESHREDIR_A_SET_PART] = { .type = NLA_U32 },
};

/* Validates a list against its policy and the limits; returns its length. */
static int mr_list_check(const struct nlattr *list, const struct nla_policy *policy,
			 u32 have, u32 max, const struct mr_names *names,
			 u32 *entries, struct netlink_ext_ack *extack)
{
	const struct nlattr *entry;
	int rem;
	u32 count = 0;

	if (nla_validate_nested(list, MESHREDIR_LIST_A_MAX, policy, extack)) {
		mr_err_prefix(extack, names->malformed, names->name);
		return -EINVAL;
	}
	nla_for_each_nested(entry, list, rem) {
		if (have + ++count > max) {
			mr_err(extack, entry, names->too_many);
			return -E2BIG;
		}
		if (*entries + count > MESHREDIR_MAX_ENTRIES) {
			mr_err(extack, entry, names->too_many_total);
			return -E2BIG;
		}
	}
	*entries += count;
	return count;
}

/* One validated range entry; LAST defaults to FIRST. */
static int mr_range_get(const struct nlattr *entry, const struct nla_policy *policy,
			bool port, const struct mr_names *names,
			struct mr_range *out, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHREDIR_RANGE_A_MAX + 1];
	u32 first, last;

	if (nla_parse_nested(tb, MESHREDIR_RANGE_A_MAX, entry, policy, extack))
		return -EINVAL;
	if (!tb[MESHREDIR_RANGE_A_FIRST]) {
		mr_err(extack, entry, names->malformed);
		return -EINVAL;
	}
	first = port ? nla_get_u16(tb[MESHREDIR_RANGE_A_FIRST]) :
		       nla_get_u32(tb[MESHREDIR_RANGE_A_FIRST]);
	last = first;
	if (tb[MESHREDIR_RANGE_A_LAST])
		last = port ? nla_get_u16(tb[MESHREDIR_RANGE_A_LAST]) :
			      nla_get_u32(tb[MESHREDIR_RANGE_A_LAST]);
	if (first > last) {
		mr_err(extack, entry, names->reversed);
		return -EINVAL;
	}
	*out = (struct mr_range){ mr_key_u32(first), mr_key_u32(last) };
	return 0;
}

/* A port or ID list, added to the ranges out already holds. */
static int mr_ranges_parse(const struct nlattr *list, bool port, u32 max,
			   const struct mr_names *names, struct mr_ranges *out,
			   u32 *entries, struct netlink_ext_ack *extack)
{
	const struct nla_policy *policy = port ? mr_port_list_policy : mr_id_list_policy;
	const struct nla_policy *range_policy = port ? mr_port_range_policy :
						       mr_id_range_policy;
	const struct nlattr *entry;
	struct mr_range range;
	int rem, count, err;

	if (!list)
		return 0;
	count = mr_list_check(list, policy, out->count, max, names, entries, extack);
	if (count < 0)
		return count;
	err = mr_ranges_reserve(out, count);
	if (err)
		return err;
	nla_for_each_nested(entry, list, rem) {
		err = mr_range_get(entry, range_policy, port, names, &range, extack);
		if (err)
			return err;
		mr_ranges_add(out, range);
	}
	return 0;
}

static int mr_cidr_get(const struct nlattr *entry, const struct mr_names *names,
		       bool *ipv6, struct mr_range *out,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHREDIR_CIDR_A_MAX + 1];
	unsigned int bits, prefix_len;
	struct mr_key key;
	u16 family;

	if (nla_parse_nested(tb, MESHREDIR_CIDR_A_MAX, entry, mr_cidr_policy, extack))
		return -EINVAL;
	family = tb[MESHREDIR_CIDR_A_FAMILY] ?
		 nla_get_u16(tb[MESHREDIR_CIDR_A_FAMILY]) : AF_UNSPEC;
	if (family != AF_INET && family != AF_INET6) {
		mr_err(extack, entry, names->bad_family);
		return -EAFNOSUPPORT;
	}
	*ipv6 = family == AF_INET6;
	bits = *ipv6 ? 128 : 32;
	if (!tb[MESHREDIR_CIDR_A_ADDR] ||
	    nla_len(tb[MESHREDIR_CIDR_A_ADDR]) != bits / 8) {
		mr_err(extack, entry, names->bad_addr);
		return -EINVAL;
	}
	prefix_len = bits;
	if (tb[MESHREDIR_CIDR_A_PREFIX_LEN])
		prefix_len = nla_get_u8(tb[MESHREDIR_CIDR_A_PREFIX_LEN]);
	if (prefix_len > bits) {
		mr_err(extack, tb[MESHREDIR_CIDR_A_PREFIX_LEN],
		       *ipv6 ? names->prefix6 : names->prefix4);
		return -EINVAL;
	}
	if (*ipv6) {
		__be64 a[2];

		nla_memcpy(a, tb[MESHREDIR_CIDR_A_ADDR], sizeof(a));
		key.hi = be64_to_cpu(a[0]);
		key.lo = be64_to_cpu(a[1]);
	} else {
		key = mr_key_u32(be32_to_cpu(nla_get_in_addr(tb[MESHREDIR_CIDR_A_ADDR])));
	}
	/* As iptables does with 10.1.2.3/8: the host bits are ignored. */
	*out = mr_cidr_range(key, prefix_len, bits);
	return 0;
}

/*
 * The family nla_parse_nested() will see in mr_cidr_get(): the last FAMILY
 * attribute of the entry, as a duplicate overrides. Counting by the first
 * one instead let an entry with AF_INET then AF_INET6 overflow the room
 * reserved for IPv6 (found by the fuzzer at full size).
 */
static bool mr_cidr_ipv6(const struct nlattr *entry)
{
	const struct nlattr *a;
	u16 family = AF_UNSPEC;
	int rem;

	nla_for_each_nested(a, entry, rem)
		if (nla_type(a) == MESHREDIR_CIDR_A_FAMILY && nla_len(a) >= sizeof(u16))
			family = nla_get_u16(a);
	return family == AF_INET6;
}

static int mr_cidrs_parse(const struct nlattr *list, const struct mr_names *names,
			  struct mr_dir_input *dir, u32 *entries,
			  struct netlink_ext_ack *extack)
{
	const struct nlattr *entry;
	struct mr_range range;
	int rem, count, err;
	u32 v6 = 0;
	bool ipv6;

	if (!list)
		return 0;
	count = mr_list_check(list, mr_cidr_list_policy, dir->exclude_ips,
			      MESHREDIR_MAX_CIDRS, names, entries, extack);
	if (count < 0)
		return count;
	dir->exclude_ips += count;
	/* Room for each family's share, not twice the whole. */
	nla_for_each_nested(entry, list, rem)
		v6 += mr_cidr_ipv6(entry);
	err = mr_ranges_reserve(&dir->exclude_ips4, count - v6) ?:
	      mr_ranges_reserve(&dir->exclude_ips6, v6);
	if (err)
		return err;
	nla_for_each_nested(entry, list, rem) {
		err = mr_cidr_get(entry, names, &ipv6, &range, extack);
		if (err)
			return err;
		mr_ranges_add(ipv6 ? &dir->exclude_ips6 : &dir->exclude_ips4, range);
	}
	return 0;
}

static const struct mr_range mr_all_ports = { { 0, 1 }, { 0, 65535 } };

static int mr_uid_ports_parse(const struct nlattr *list, const struct mr_names *names,
			      struct mr_config_input *in, u32 *entries,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHREDIR_UID_PORTS_A_MAX + 1];
	const struct nlattr *entry;
	int rem, count, err;

	if (!list)
		return 0;
	count = mr_list_check(list, mr_uid_ports_list_policy, in->uid_ports_count,
			      MESHREDIR_MAX_UID_PORTS, names, entries, extack);
	if (count < 0)
		return count;
	err = mr_config_input_reserve_uid_ports(in, count);
	if (err)
		return err;
	nla_for_each_nested(entry, list, rem) {
		struct mr_uid_ports_input *e = &in->uid_ports[in->uid_ports_count];

		err = nla_parse_nested(tb, MESHREDIR_UID_PORTS_A_MAX, entry,
				       mr_uid_ports_policy, extack);
		if (err)
			return err;
		if (!tb[MESHREDIR_UID_PORTS_A_UIDS]) {
			mr_err(extack, entry, names->malformed);
			return -EINVAL;
		}
		/* Counted before its ports are parsed: freeing in frees them. */
		memset(e, 0, sizeof(*e));
		in->uid_ports_count++;
		err = mr_range_get(tb[MESHREDIR_UID_PORTS_A_UIDS], mr_id_range_policy,
				   false, names, &e->uids, extack);
		if (err)
			return err;
		if (tb[MESHREDIR_UID_PORTS_A_PORTS]) {
			err = mr_ranges_parse(tb[MESHREDIR_UID_PORTS_A_PORTS], true,
					      MESHREDIR_MAX_UID_PORTS_RANGES, names,
					      &e->ports, entries, extack);
		} else {
			err = mr_ranges_reserve(&e->ports, 1);
			if (!err)
				mr_ranges_add(&e->ports, mr_all_ports);
		}
		if (err)
			return err;
		in->uid_ports_ranges += e->ports.count;
		if (in->uid_ports_ranges > MESHREDIR_MAX_UID_PORTS_RANGES) {
			mr_err(extack, entry, names->too_many);
			return -E2BIG;
		}
	}
	return 0;
}

static int mr_dir_parse(const struct nlattr *attr, const struct mr_dir_names *names,
			struct mr_config_input *in, struct mr_dir_input *dir,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHREDIR_DIR_A_MAX + 1] = {};
	int err;

	if (!attr)
		return 0;
	if (nla_parse_nested(tb, MESHREDIR_DIR_A_MAX, attr, mr_dir_policy, extack)) {
		mr_err_prefix(extack, names->malformed, names->name);
		return -EINVAL;
	}
	if (tb[MESHREDIR_DIR_A_ENABLED])
		dir->enabled = nla_get_u8(tb[MESHREDIR_DIR_A_ENABLED]);
	if (tb[MESHREDIR_DIR_A_PORT])
		dir->port = nla_get_u16(tb[MESHREDIR_DIR_A_PORT]);
	if (tb[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS] && dir != &in->outbound) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS],
				    "exclude-inbound-ports-for-uids: only outbound connections have an owner");
		return -EINVAL;
	}
	err = mr_ranges_parse(tb[MESHREDIR_DIR_A_EXCLUDE_PORTS], true,
			      MESHREDIR_MAX_PORT_RANGES, &names->exclude_ports,
			      &dir->exclude_ports, &in->entries, extack);
	if (!err)
		err = mr_ranges_parse(tb[MESHREDIR_DIR_A_INCLUDE_PORTS], true,
				      MESHREDIR_MAX_PORT_RANGES, &names->include_ports,
				      &dir->include_ports, &in->entries, extack);
	if (!err)
		err = mr_cidrs_parse(tb[MESHREDIR_DIR_A_EXCLUDE_IPS], &names->exclude_ips,
				     dir, &in->entries, extack);
	if (!err)
		err = mr_uid_ports_parse(tb[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS],
					 &names->uid_ports, in, &in->entries, extack);
	return err;
}

/*
 * One message of a SET, added to what in holds: lists add up, a scalar
 * given here replaces the one before. On error in is only to be freed.
 */
static int mr_part_parse(struct nlattr **attrs, struct mr_config_input *in,
			 struct netlink_ext_ack *extack)
{
	int err;

	if (attrs[MESHREDIR_A_IP_FAMILY_MODE])
		in->ip_family_mode = nla_get_u8(attrs[MESHREDIR_A_IP_FAMILY_MODE]);
	if (attrs[MESHREDIR_A_DROP_INVALID_PACKETS])
		in->drop_invalid = nla_get_u8(attrs[MESHREDIR_A_DROP_INVALID_PACKETS]);
	err = mr_ranges_parse(attrs[MESHREDIR_A_OWNER_UIDS], false, MESHREDIR_MAX_ID_RANGES,
			      &mr_owner_uids_names, &in->owner_uids, &in->entries, extack);
	if (!err)
		err = mr_ranges_parse(attrs[MESHREDIR_A_OWNER_GIDS], false,
				      MESHREDIR_MAX_ID_RANGES, &mr_owner_gids_names,
				      &in->owner_gids, &in->entries, extack);
	if (!err)
		err = mr_dir_parse(attrs[MESHREDIR_A_INBOUND], &mr_inbound_names, in,
				   &in->inbound, extack);
	if (!err)
		err = mr_dir_parse(attrs[MESHREDIR_A_OUTBOUND], &mr_outbound_names, in,
				   &in->outbound, extack);
	return err;
}

/* The last part: the whole is checked, built and swapped in. Takes in. */
static int mr_set_apply(struct net *net, struct mr_config_input *in,
			struct netlink_ext_ack *extack)
{
	struct mr_config *cfg;
	int err;

	/* Without an owner every connection of the proxy's would come back to it. */
	if (!in->owner_uids.count && !in->owner_gids.count) {
		NL_SET_ERR_MSG(extack,
			       "owner-uids: the proxy's UID or GID is needed, or its own connections would loop back to it");
		mr_config_input_free(in);
		return -EINVAL;
	}
	err = mr_config_build(in, &cfg);
	mr_config_input_free(in);
	return err ?: mr_net_configure_locked(net, cfg, extack);
}

/*
 * How long a SET in parts may wait for its next part before another
 * socket's SET discards it (the uapi header and "set-part: ..." say 5 s).
 */
#define MR_SET_PART_IDLE (5 * HZ)

/*
 * A SET, or one part of a SET in parts. The parts gather in the
 * namespace's pending input, under its mutex, so that nothing else can
 * interleave; only the last one changes the configuration.
 */
static int mr_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct mr_net *mn = mr_net(net);
	struct nlattr **attrs = info->attrs;
	struct netlink_ext_ack *extack = info->extack;
	bool more = nla_get_flag(attrs[MESHREDIR_A_SET_MORE]);
	u32 part = 0;
	struct mr_config_input *in;
	int err;

	if (attrs[MESHREDIR_A_SET_PART])
		part = nla_get_u32(attrs[MESHREDIR_A_SET_PART]);
	mutex_lock(&mn->lock);
	in = mn->pending;
	if (in && in->portid != info->snd_portid) {
		/*
		 * A SET idle that long has a stuck or forgotten sender (its
		 * socket still open): it no longer holds the namespace.
		 */
		if (time_before(jiffies, mn->pending_at + MR_SET_PART_IDLE)) {
			NL_SET_ERR_MSG(extack,
				       "set: another socket's SET in parts is pending in this network namespace; try again when it is done");
			err = -EBUSY;
			goto out;
		}
		mr_net_discard_pending_locked(mn);
	}
	in = mr_net_take_pending_locked(mn);
	if (!part) {
		/* This socket starting over abandons what it had begun. */
		mr_config_input_free(in);
		in = mr_config_input_alloc(info->snd_portid);
		if (!in) {
			err = -ENOMEM;
			goto out;
		}
	} else if (!in || in->next_part != part) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[MESHREDIR_A_SET_PART],
				    "set-part: not the next part of a SET in parts from this socket (a part was refused or lost, DEL came between, or it was idle 5 s and another socket's SET discarded it); start again from part 0");
		mr_config_input_free(in);
		err = -ESRCH;
		goto out;
	}
	err = mr_part_parse(attrs, in, extack);
	if (err) {
		mr_config_input_free(in);
		goto out;
	}
	if (more) {
		in->next_part = part + 1;
		mr_net_pend_locked(mn, in);
		goto out;
	}
	err = mr_set_apply(net, in, extack);
out:
	mutex_unlock(&mn->lock);
	return err;
}

/*
 * GET, as one reply or as a dump: the same walk over the configuration's
 * lists, which a dump interrupts where a message is full and resumes in
 * the next, inside the same nests, from a cursor.
 */
enum mr_section_kind {
	MR_K_DIR,		/* a direction's ENABLED and PORT */
	MR_K_IDS,
	MR_K_PORTS,
	MR_K_IPS4,
	MR_K_IPS6,
	MR_K_UID_PORTS,
};

struct mr_section {
	u16 top;		/* MESHREDIR_A_* */
	u16 list;		/* MESHREDIR_DIR_A_* inside it, 0: top is the list */
	u8 kind;
	bool outbound;
};

static const struct mr_section mr_sections[] = {
	{ MESHREDIR_A_OWNER_UIDS, 0, MR_K_IDS },
	{ MESHREDIR_A_OWNER_GIDS, 0, MR_K_IDS },
	{ MESHREDIR_A_INBOUND, 0, MR_K_DIR },
	{ MESHREDIR_A_INBOUND, MESHREDIR_DIR_A_EXCLUDE_PORTS, MR_K_PORTS },
	{ MESHREDIR_A_INBOUND, MESHREDIR_DIR_A_INCLUDE_PORTS, MR_K_PORTS },
	{ MESHREDIR_A_INBOUND, MESHREDIR_DIR_A_EXCLUDE_IPS, MR_K_IPS4 },
	{ MESHREDIR_A_INBOUND, MESHREDIR_DIR_A_EXCLUDE_IPS, MR_K_IPS6 },
	{ MESHREDIR_A_OUTBOUND, 0, MR_K_DIR, true },
	{ MESHREDIR_A_OUTBOUND, MESHREDIR_DIR_A_EXCLUDE_PORTS, MR_K_PORTS, true },
	{ MESHREDIR_A_OUTBOUND, MESHREDIR_DIR_A_INCLUDE_PORTS, MR_K_PORTS, true },
	{ MESHREDIR_A_OUTBOUND, MESHREDIR_DIR_A_EXCLUDE_IPS, MR_K_IPS4, true },
	{ MESHREDIR_A_OUTBOUND, MESHREDIR_DIR_A_EXCLUDE_IPS, MR_K_IPS6, true },
	{ MESHREDIR_A_OUTBOUND, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS, MR_K_UID_PORTS, true },
};

/* Where a walk stands: the next entry to put. */
struct mr_cursor {
	u32 section;
	u32 index;
	bool mid;		/* CIDRs: inside range[index], from cur */
	struct mr_key cur;
};

struct mr_walk {
	struct sk_buff *skb;
	const struct mr_config *cfg;
	struct mr_cursor *c;
	bool dir_heads;		/* MR_K_DIR sections too (a dump puts them first) */
	struct nlattr *top, *list;
	u16 top_type, list_type;
	bool too_big;		/* a nest past nla_len's 64 KiB */
};

static const void *mr_section_data(const struct mr_config *cfg, const struct mr_section *s)
{
	const struct mr_dir *dir = s->outbound ? &cfg->outbound : &cfg->inbound;

	switch (s->kind) {
	case MR_K_DIR:
		return dir;
	case MR_K_IDS:
		return s->top == MESHREDIR_A_OWNER_UIDS ? cfg->owner_uids : cfg->owner_gids;
	case MR_K_PORTS:
		return s->list == MESHREDIR_DIR_A_EXCLUDE_PORTS ? dir->exclude_ports :
								 dir->include_ports;
	case MR_K_IPS4:
		return dir->exclude_ips4;
	case MR_K_IPS6:
		return dir->exclude_ips6;
	default:
		return cfg->uid_ports_given;
	}
}

/* Ends a nest; one left empty by a full message goes. */
static void mr_walk_close(struct mr_walk *w, struct nlattr **nest)
{
	unsigned char *tail = skb_tail_pointer(w->skb);

	if (!*nest)
		return;
	if (tail == (unsigned char *)nla_data(*nest))
		nla_nest_cancel(w->skb, *nest);
	else if (tail - (unsigned char *)*nest > U16_MAX)
		w->too_big = true;	/* nla_nest_end() would truncate nla_len */
	else
		nla_nest_end(w->skb, *nest);
	*nest = NULL;
}

static int mr_put_range(struct sk_buff *skb, int type, const struct mr_range *r, bool port)
{
	struct nlattr *entry = nla_nest_start(skb, type);
	u32 first = r->first.lo, last = r->last.lo;
	bool err;

	if (!entry)
		return -EMSGSIZE;
	/* LAST only when it differs, as a SET may say it: a GET is no bigger. */
	if (port)
		err = nla_put_u16(skb, MESHREDIR_RANGE_A_FIRST, first) ||
		      (last != first && nla_put_u16(skb, MESHREDIR_RANGE_A_LAST, last));
	else
		err = nla_put_u32(skb, MESHREDIR_RANGE_A_FIRST, first) ||
		      (last != first && nla_put_u32(skb, MESHREDIR_RANGE_A_LAST, last));
	if (err) {
		nla_nest_cancel(skb, entry);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, entry);
	return 0;
}

static int mr_put_set(struct sk_buff *skb, const struct mr_set *set, bool port,
		      struct mr_cursor *c)
{
	for (; c->index < set->count; c->index++)
		if (mr_put_range(skb, MESHREDIR_LIST_A_ENTRY, &set->range[c->index], port))
			return -EMSGSIZE;
	return 0;
}

static int mr_put_cidr(struct sk_buff *skb, struct mr_key addr,
		       unsigned int prefix_len, bool ipv6)
{
	struct nlattr *entry = nla_nest_start(skb, MESHREDIR_LIST_A_ENTRY);
	__be64 a6[2];

	if (!entry)
		return -EMSGSIZE;
	if (ipv6) {
		a6[0] = cpu_to_be64(addr.hi);
		a6[1] = cpu_to_be64(addr.lo);
	}
	if (nla_put_u16(skb, MESHREDIR_CIDR_A_FAMILY, ipv6 ? AF_INET6 : AF_INET) ||
	    (ipv6 ? nla_put(skb, MESHREDIR_CIDR_A_ADDR, sizeof(a6), a6) :
		    nla_put_in_addr(skb, MESHREDIR_CIDR_A_ADDR, cpu_to_be32(addr.lo))) ||
	    nla_put_u8(skb, MESHREDIR_CIDR_A_PREFIX_LEN, prefix_len)) {
		nla_nest_cancel(skb, entry);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, entry);
	return 0;
}

/* Each merged range goes back out as the fewest CIDRs that cover it. */
static int mr_put_cidr_set(struct sk_buff *skb, const struct mr_set *set, bool ipv6,
			   struct mr_cursor *c)
{
	unsigned int bits = ipv6 ? 128 : 32;

	for (; c->index < set->count; c->index++, c->mid = false) {
		struct mr_key cur = c->mid ? c->cur : set->range[c->index].first;
		struct mr_key last = set->range[c->index].last;

		for (;;) {
			unsigned int prefix_len = mr_cidr_fit(cur, last, bits);
			struct mr_range r = mr_cidr_range(cur, prefix_len, bits);

			if (mr_put_cidr(skb, cur, prefix_len, ipv6)) {
				c->mid = true;
				c->cur = cur;
				return -EMSGSIZE;
			}
			if (mr_key_eq(r.last, last))
				break;
			cur = mr_key_inc(r.last);
		}
	}
	return 0;
}

static int mr_put_uid_ports_entry(struct sk_buff *skb, const struct mr_uid_ports_entry *e)
{
	struct nlattr *entry, *ports, *uids;
	u32 i;

	entry = nla_nest_start(skb, MESHREDIR_LIST_A_ENTRY);
	if (!entry)
		return -EMSGSIZE;
	/*
	 * Even empty (SET with an empty PORTS list: no port excluded): left
	 * out, PORTS would read back as "every port" in a SET.
	 */
	ports = nla_nest_start(skb, MESHREDIR_UID_PORTS_A_PORTS);
	if (!ports)
		goto cancel;
	for (i = 0; e->ports && i < e->ports->count; i++)
		if (mr_put_range(skb, MESHREDIR_LIST_A_ENTRY, &e->ports->range[i], true))
			goto cancel;
	nla_nest_end(skb, ports);
	uids = nla_nest_start(skb, MESHREDIR_UID_PORTS_A_UIDS);
	if (!uids ||
	    nla_put_u32(skb, MESHREDIR_RANGE_A_FIRST, e->uids.first.lo) ||
	    nla_put_u32(skb, MESHREDIR_RANGE_A_LAST, e->uids.last.lo))
		goto cancel;
	nla_nest_end(skb, uids);
	nla_nest_end(skb, entry);
	return 0;
cancel:
	nla_nest_cancel(skb, entry);
	return -EMSGSIZE;
}

/* The largest exclude-outbound-ports-for-uids entry: a dump never splits one. */
static size_t mr_uid_ports_entry_max(const struct mr_uid_ports *up)
{
	size_t max = 0, size;
	u32 i;

	for (i = 0; up && i < up->count; i++) {
		size = 3 * nla_total_size(0) + 2 * nla_total_size(sizeof(u32));
		if (up->entry[i].ports)
			size += up->entry[i].ports->count *
				(nla_total_size(0) + 2 * nla_total_size(sizeof(u16)));
		max = max(max, size);
	}
	return max;
}

/*
 * Puts sections from the cursor on until the configuration ends (0) or
 * the message is full (-EMSGSIZE, the cursor at the first entry left out).
 */
static int mr_walk(struct mr_walk *w)
{
	struct mr_cursor *c = w->c;
	int err = 0;

	for (; c->section < ARRAY_SIZE(mr_sections); c->section++, c->index = 0, c->mid = false) {
		const struct mr_section *s = &mr_sections[c->section];
		const void *data = mr_section_data(w->cfg, s);
		const struct mr_dir *dir = data;

		if (s->kind == MR_K_DIR ? !w->dir_heads : !data)
			continue;
		if (!w->top || w->top_type != s->top) {
			mr_walk_close(w, &w->list);
			mr_walk_close(w, &w->top);
			w->top = nla_nest_start(w->skb, s->top);
			w->top_type = s->top;
		}
		if (w->top && s->list && (!w->list || w->list_type != s->list)) {
			mr_walk_close(w, &w->list);
			w->list = nla_nest_start(w->skb, s->list);
			w->list_type = s->list;
			if (!w->list)
				err = -EMSGSIZE;
		}
		if (!w->top || err) {
			err = -EMSGSIZE;
			break;
		}
		switch (s->kind) {
		case MR_K_DIR:
			if (nla_put_u8(w->skb, MESHREDIR_DIR_A_ENABLED, dir->enabled) ||
			    nla_put_u16(w->skb, MESHREDIR_DIR_A_PORT, dir->port))
				err = -EMSGSIZE;
			break;
		case MR_K_IDS:
		case MR_K_PORTS:
			err = mr_put_set(w->skb, data, s->kind == MR_K_PORTS, c);
			break;
		case MR_K_IPS4:
		case MR_K_IPS6:
			err = mr_put_cidr_set(w->skb, data, s->kind == MR_K_IPS6, c);
			break;
		case MR_K_UID_PORTS: {
			const struct mr_uid_ports *up = data;

			for (; !err && c->index < up->count; c->index++)
				err = mr_put_uid_ports_entry(w->skb, &up->entry[c->index]);
			if (err)
				c->index--;
			break;
		}
		}
		if (err)
			break;
	}
	mr_walk_close(w, &w->list);
	mr_walk_close(w, &w->top);
	return err;
}

static int mr_put_counters(struct sk_buff *skb, const struct mr_counters *c)
{
	static const int hook_attr[MR_HOOK_COUNT] = {
		[MR_HOOK_LOCAL_OUT] = MESHREDIR_COUNTERS_A_LOCAL_OUT,
		[MR_HOOK_PRE_ROUTING] = MESHREDIR_COUNTERS_A_PRE_ROUTING,
	};
	struct nlattr *all, *hook;
	int h, r;

	all = nla_nest_start(skb, MESHREDIR_A_COUNTERS);
	if (!all)
		return -EMSGSIZE;
	for (h = 0; h < MR_HOOK_COUNT; h++) {
		hook = nla_nest_start(skb, hook_attr[h]);
		if (!hook)
			return -EMSGSIZE;
		for (r = MESHREDIR_REASON_UNSPEC + 1; r < __MESHREDIR_REASON_MAX; r++)
			if (nla_put_u64_64bit(skb, r, c->n[h][r], MESHREDIR_REASON_UNSPEC))
				return -EMSGSIZE;
		nla_nest_end(skb, hook);
	}
	nla_nest_end(skb, all);
	return 0;
}

/*
 * What mr_fill() puts, counted as it puts it, so that a GET reply is
 * allocated once. A count past a nest's 64 KiB stops there: such a
 * configuration does not fit one message anyway.
 */
static size_t mr_range_size(const struct mr_range *r, bool port)
{
	size_t one = nla_total_size(port ? sizeof(u16) : sizeof(u32));

	return nla_total_size(0) + one + (r->first.lo != r->last.lo ? one : 0);
}

static size_t mr_set_size(const struct mr_set *set, bool port)
{
	size_t size = 0;
	u32 i;

	for (i = 0; set && i < set->count && size <= U16_MAX; i++)
		size += mr_range_size(&set->range[i], port);
	return size;
}

static size_t mr_cidr_set_size(const struct mr_set *set, bool ipv6)
{
	unsigned int bits = ipv6 ? 128 : 32;
	size_t entry = nla_total_size(0) + nla_total_size(sizeof(u16)) +
		       nla_total_size(ipv6 ? sizeof(struct in6_addr) : sizeof(struct in_addr)) +
		       nla_total_size(sizeof(u8));
	size_t size = 0;
	u32 i;

	for (i = 0; set && i < set->count && size <= U16_MAX; i++) {
		struct mr_key cur = set->range[i].first, last = set->range[i].last;

		for (;;) {
			struct mr_range r = mr_cidr_range(cur, mr_cidr_fit(cur, last, bits), bits);

			size += entry;
			if (mr_key_eq(r.last, last) || size > U16_MAX)
				break;
			cur = mr_key_inc(r.last);
		}
	}
	return size;
}

static size_t mr_uid_ports_size(const struct mr_uid_ports *up)
{
	size_t size = 0;
	u32 i;

	for (i = 0; up && i < up->count && size <= U16_MAX; i++)
		size += 3 * nla_total_size(0) + 2 * nla_total_size(sizeof(u32)) +
			mr_set_size(up->entry[i].ports, true);
	return size;
}

/* A list's nest and entries; nothing for an absent (empty) list. */
static size_t mr_list_size(bool present, size_t entries)
{
	return present ? nla_total_size(entries) : 0;
}

static size_t mr_dir_size(const struct mr_dir *dir, const struct mr_uid_ports *up)
{
	return nla_total_size(nla_total_size(sizeof(u8)) + nla_total_size(sizeof(u16)) +
		mr_list_size(dir->exclude_ports, mr_set_size(dir->exclude_ports, true)) +
		mr_list_size(dir->include_ports, mr_set_size(dir->include_ports, true)) +
		mr_list_size(dir->exclude_ips4 || dir->exclude_ips6,
			     mr_cidr_set_size(dir->exclude_ips4, false) +
			     mr_cidr_set_size(dir->exclude_ips6, true)) +
		mr_list_size(up, mr_uid_ports_size(up)));
}

static size_t mr_counters_size(void)
{
	return nla_total_size(MR_HOOK_COUNT *
		nla_total_size((__MESHREDIR_REASON_MAX - 1) * nla_total_size_64bit(sizeof(u64))));
}

/* A GET reply's attributes, or 0 if a nest would pass nla_len's 64 KiB. */
static size_t mr_reply_size(const struct mr_config *cfg)
{
	size_t nests[] = {
		mr_list_size(cfg->owner_uids, mr_set_size(cfg->owner_uids, false)),
		mr_list_size(cfg->owner_gids, mr_set_size(cfg->owner_gids, false)),
		mr_dir_size(&cfg->inbound, NULL),
		mr_dir_size(&cfg->outbound, cfg->uid_ports_given),
	};
	size_t size = 2 * nla_total_size(sizeof(u8)) + mr_counters_size();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nests); i++) {
		if (nests[i] > U16_MAX)
			return 0;
		size += nests[i];
	}
	return size;
}

static struct genl_family mr_genl_family;

/* The whole configuration in one message; -E2BIG if a nest cannot hold its part. */
static int mr_fill(struct sk_buff *skb, struct genl_info *info,
		   const struct mr_config *cfg, const struct mr_counters *counters)
{
	void *hdr = genlmsg_put_reply(skb, info, &mr_genl_family, 0,
				      MESHREDIR_CMD_GET);
	struct mr_cursor c = {};
	struct mr_walk w = { .skb = skb, .cfg = cfg, .c = &c, .dir_heads = true };
	int err;

	if (!hdr || nla_put_u8(skb, MESHREDIR_A_IP_FAMILY_MODE, cfg->ip_family_mode))
		return -EMSGSIZE;
	err = mr_walk(&w);
	if (w.too_big)
		return -E2BIG;
	if (err ||
	    nla_put_u8(skb, MESHREDIR_A_DROP_INVALID_PACKETS, cfg->drop_invalid) ||
	    mr_put_counters(skb, counters))
		return -EMSGSIZE;
	genlmsg_end(skb, hdr);
	return 0;
}

static int mr_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mr_net *mn = mr_net(genl_info_net(info));
	struct mr_counters *counters;
	struct mr_config *cfg;
	struct sk_buff *msg;
	size_t size;
	int err;

	counters = kmalloc(sizeof(*counters), GFP_KERNEL_ACCOUNT);
	if (!counters)
		return -ENOMEM;
	/* A reference, not the mutex: a big reply is built without blocking SET. */
	cfg = mr_net_config_get(mn, counters);
	if (!cfg) {
		NL_SET_ERR_MSG(info->extack, "not configured in this network namespace");
		kfree(counters);
		return -ENOENT;
	}
	size = mr_reply_size(cfg);
	if (!size) {
		NL_SET_ERR_MSG(info->extack,
			       "the configuration is too large for one message: dump it (NLM_F_DUMP), as meshredir show does");
		err = -EMSGSIZE;
		goto out;
	}
	/* Up to four nests of 64 KiB: contiguous memory a busy host may lack. */
	msg = genlmsg_new(size, GFP_KERNEL | __GFP_NOWARN);
	if (!msg) {
		NL_SET_ERR_MSG(info->extack,
			       "no memory for a reply this large: dump the configuration (NLM_F_DUMP), as meshredir show does");
		err = -ENOMEM;
		goto out;
	}
	err = mr_fill(msg, info, cfg, counters);
	/* mr_reply_size() counts what mr_fill() puts: a miss is a bug. */
	if (WARN_ON_ONCE(err)) {
		nlmsg_free(msg);
		err = -EMSGSIZE;
		goto out;
	}
	err = genlmsg_reply(msg, info);
out:
	mr_config_put(cfg);
	kfree(counters);
	return err;
}

/* A GET dump: one configuration, held from start to done. */
struct mr_dump {
	struct mr_config *cfg;
	struct mr_counters counters;
	struct mr_cursor c;
	bool head_done;
};

static int mr_nl_get_start(struct netlink_callback *cb)
{
	struct mr_net *mn = mr_net(sock_net(cb->skb->sk));
	struct mr_dump *d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	size_t need;

	if (!d)
		return -ENOMEM;
	d->cfg = mr_net_config_get(mn, &d->counters);
	if (!d->cfg) {
		NL_SET_ERR_MSG(cb->extack, "not configured in this network namespace");
		kfree(d);
		return -ENOENT;
	}
	/* Room for the largest entry, with the headers and nests around it. */
	need = mr_uid_ports_entry_max(d->cfg->uid_ports_given) + 256;
	if (need > NLMSG_GOODSIZE)
		cb->min_dump_alloc = need;
	cb->args[0] = (long)d;
	return 0;
}

static int mr_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct mr_dump *d = (struct mr_dump *)cb->args[0];
	const struct mr_config *cfg = d->cfg;
	struct mr_walk w = { .skb = skb, .cfg = cfg, .c = &d->c };
	struct nlattr *nest;
	unsigned int empty;
	void *hdr;
	int err, i;

	if (d->head_done && d->c.section >= ARRAY_SIZE(mr_sections))
		return 0;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &mr_genl_family, NLM_F_MULTI, MESHREDIR_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (!d->head_done) {
		/* The first message: every scalar and the counters, no list. */
		if (nla_put_u8(skb, MESHREDIR_A_IP_FAMILY_MODE, cfg->ip_family_mode))
			goto cancel;
		for (i = 0; i < 2; i++) {
			const struct mr_dir *dir = i ? &cfg->outbound : &cfg->inbound;

			nest = nla_nest_start(skb, i ? MESHREDIR_A_OUTBOUND : MESHREDIR_A_INBOUND);
			if (!nest ||
			    nla_put_u8(skb, MESHREDIR_DIR_A_ENABLED, dir->enabled) ||
			    nla_put_u16(skb, MESHREDIR_DIR_A_PORT, dir->port))
				goto cancel;
			nla_nest_end(skb, nest);
		}
		if (nla_put_u8(skb, MESHREDIR_A_DROP_INVALID_PACKETS, cfg->drop_invalid) ||
		    mr_put_counters(skb, &d->counters))
			goto cancel;
		d->head_done = true;
		genlmsg_end(skb, hdr);
		return skb->len;
	}
	empty = skb->len;
	err = mr_walk(&w);
	if (skb->len == empty) {
		genlmsg_cancel(skb, hdr);
		/* Nothing fit an empty message: it could never end. */
		return err;
	}
	genlmsg_end(skb, hdr);
	return skb->len;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int mr_nl_get_done(struct netlink_callback *cb)
{
	struct mr_dump *d = (struct mr_dump *)cb->args[0];

	if (d) {
		mr_config_put(d->cfg);
		kfree(d);
	}
	return 0;
}

static int mr_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	int err = mr_net_deconfigure(genl_info_net(info));

	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "not configured in this network namespace");
	return err;
}

static int mr_nl_reset_counters(struct sk_buff *skb, struct genl_info *info)
{
	int err = mr_net_reset_counters(genl_info_net(info));

	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "not configured in this network namespace");
	return err;
}

static const struct genl_ops mr_genl_ops[] = {
	{
		.cmd = MESHREDIR_CMD_SET,
		.doit = mr_nl_set,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = MESHREDIR_CMD_GET,
		.doit = mr_nl_get,
		.start = mr_nl_get_start,
		.dumpit = mr_nl_get_dumpit,
		.done = mr_nl_get_done,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = MESHREDIR_CMD_DEL,
		.doit = mr_nl_del,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = MESHREDIR_CMD_RESET_COUNTERS,
		.doit = mr_nl_reset_counters,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family mr_genl_family __ro_after_init = {
	.name = MESHREDIR_GENL_NAME,
	.version = MESHREDIR_GENL_VERSION,
	.maxattr = MESHREDIR_A_MAX,
	.policy = mr_policy,
	.netnsok = true,
	.parallel_ops = true,
	/*
	 * resv_start_op 0: every command is new, so genetlink refuses (EINVAL)
	 * a non-zero reserved byte or unknown nlmsg_flags, and no command may
	 * opt out of strict attribute validation.
	 */
	.ops = mr_genl_ops,
	.n_ops = ARRAY_SIZE(mr_genl_ops),
	.module = THIS_MODULE,
};

int __init mr_genl_init(void)
{
	return genl_register_family(&mr_genl_family);
}

void mr_genl_exit(void)
{
	genl_unregister_family(&mr_genl_family);
}
