// SPDX-License-Identifier: GPL-2.0
/*
 * SET, DEL and RESET_COUNTERS. A SET, in one message or in parts, is
 * gathered and checked whole before a configuration is built and swapped
 * in, so a rejected SET changes nothing. A value's bounds are in the
 * policies; the code checks only rules across attributes, naming the
 * attribute. Nests are validated here, below the family policy, so that a
 * policy failure inside one is reported with the nest's name.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <linux/stringify.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include "compat.h"
#include "config.h"
#include "netlink.h"
#include "netns.h"

/*
 * The lists a SET may carry, named by their path in uapi/meshredir.yaml.
 * An extack message is a literal (6.1's extack keeps only its address), so
 * list_err() spells each list's messages out whole.
 */
enum list {
	OWNER_UIDS,
	OWNER_GIDS,
	IN_EXCLUDE_PORTS,
	IN_INCLUDE_PORTS,
	IN_EXCLUDE_IPS,
	OUT_EXCLUDE_PORTS,
	OUT_INCLUDE_PORTS,
	OUT_EXCLUDE_IPS,
	OUT_UID_PORTS,
	DNS_SERVERS,
	DNS_DOCKER,
	VNET,
};

enum list_error {
	MALFORMED,		/* a policy failure; the attribute is already marked */
	NO_FIRST,
	NO_UIDS,
	TOO_MANY,
	TOO_MANY_TOTAL,
	REVERSED,
	BAD_FAMILY,
	BAD_ADDR,
	PREFIX4,
	PREFIX6,
};

/* One list's messages: a literal each, at compile time. */
#define LIST_CASE(list, name)						\
	case list:							\
		switch (error) {					\
		case MALFORMED:						\
			NL_SET_ERR_MSG(extack, name ": malformed entry");	\
			break;						\
		case NO_FIRST:						\
			NL_SET_ERR_MSG(extack, name ": entry without first"); \
			break;						\
		case NO_UIDS:						\
			NL_SET_ERR_MSG(extack, name ": entry without uids"); \
			break;						\
		case TOO_MANY:						\
			NL_SET_ERR_MSG(extack, name ": too many entries");	\
			break;						\
		case TOO_MANY_TOTAL:					\
			NL_SET_ERR_MSG(extack, name				\
				       ": the configuration's lists hold more than " \
				       __stringify(MESHREDIR_MAX_ENTRIES)	\
				       " entries in all");		\
			break;						\
		case REVERSED:						\
			NL_SET_ERR_MSG(extack, name ": first is greater than last"); \
			break;						\
		case BAD_FAMILY:					\
			NL_SET_ERR_MSG(extack, name ": family must be AF_INET or AF_INET6"); \
			break;						\
		case BAD_ADDR:						\
			NL_SET_ERR_MSG(extack, name				\
				       ": addr missing or not as long as its family's"); \
			break;						\
		case PREFIX4:						\
			NL_SET_ERR_MSG(extack, name ": prefix-len exceeds 32"); \
			break;						\
		case PREFIX6:						\
			NL_SET_ERR_MSG(extack, name ": prefix-len exceeds 128"); \
			break;						\
		}							\
		break

/* The message; attr, if given, is marked as the one at fault. */
static void list_err(struct netlink_ext_ack *extack, const struct nlattr *attr,
		     enum list list, enum list_error error)
{
	switch (list) {
	LIST_CASE(OWNER_UIDS, "owner-uids");
	LIST_CASE(OWNER_GIDS, "owner-gids");
	LIST_CASE(IN_EXCLUDE_PORTS, "inbound.exclude-ports");
	LIST_CASE(IN_INCLUDE_PORTS, "inbound.include-ports");
	LIST_CASE(IN_EXCLUDE_IPS, "inbound.exclude-ips");
	LIST_CASE(OUT_EXCLUDE_PORTS, "outbound.exclude-ports");
	LIST_CASE(OUT_INCLUDE_PORTS, "outbound.include-ports");
	LIST_CASE(OUT_EXCLUDE_IPS, "outbound.exclude-ips");
	LIST_CASE(OUT_UID_PORTS, "outbound.exclude-ports-for-uids");
	LIST_CASE(DNS_SERVERS, "dns.servers");
	LIST_CASE(DNS_DOCKER, "dns.docker");
	LIST_CASE(VNET, "vnet");
	}
	if (attr)
		NL_SET_BAD_ATTR(extack, attr);
}

/* A direction's lists. */
struct dir_lists {
	enum list exclude_ports, include_ports, exclude_ips;
};

static const struct dir_lists inbound_lists = {
	IN_EXCLUDE_PORTS, IN_INCLUDE_PORTS, IN_EXCLUDE_IPS,
};

static const struct dir_lists outbound_lists = {
	OUT_EXCLUDE_PORTS, OUT_INCLUDE_PORTS, OUT_EXCLUDE_IPS,
};

/* (u32)-1 is the invalid ID from_kuid() returns for an unmapped one. */
static const struct netlink_range_validation id_range = {
	.min = 0,
	.max = U32_MAX - 1,
};

static const struct nla_policy port_range_policy[MESHREDIR_RANGE_A_MAX + 1] = {
	[MESHREDIR_RANGE_A_FIRST] = NLA_POLICY_MIN(NLA_U16, 1),
	[MESHREDIR_RANGE_A_LAST] = NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy id_range_policy[MESHREDIR_RANGE_A_MAX + 1] = {
	[MESHREDIR_RANGE_A_FIRST] = NLA_POLICY_FULL_RANGE(NLA_U32, MR_POLICY_RANGE(&id_range)),
	[MESHREDIR_RANGE_A_LAST] = NLA_POLICY_FULL_RANGE(NLA_U32, MR_POLICY_RANGE(&id_range)),
};

const struct nla_policy mr_nl_cidr_policy[MESHREDIR_CIDR_A_MAX + 1] = {
	[MESHREDIR_CIDR_A_FAMILY] = { .type = NLA_U16 },
	[MESHREDIR_CIDR_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, sizeof(struct in_addr),
						   sizeof(struct in6_addr)),
	[MESHREDIR_CIDR_A_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy port_list_policy[MESHREDIR_LIST_A_MAX + 1] = {
	[MESHREDIR_LIST_A_ENTRY] = NLA_POLICY_NESTED(port_range_policy),
};

static const struct nla_policy id_list_policy[MESHREDIR_LIST_A_MAX + 1] = {
	[MESHREDIR_LIST_A_ENTRY] = NLA_POLICY_NESTED(id_range_policy),
};

static const struct nla_policy cidr_list_policy[MESHREDIR_LIST_A_MAX + 1] = {
	[MESHREDIR_LIST_A_ENTRY] = NLA_POLICY_NESTED(mr_nl_cidr_policy),
};

static const struct nla_policy uid_ports_policy[MESHREDIR_UID_PORTS_A_MAX + 1] = {
	[MESHREDIR_UID_PORTS_A_PORTS] = NLA_POLICY_NESTED(port_list_policy),
	[MESHREDIR_UID_PORTS_A_UIDS] = NLA_POLICY_NESTED(id_range_policy),
	[MESHREDIR_UID_PORTS_A_PROTOCOLS] = NLA_POLICY_RANGE(NLA_U8, MESHREDIR_PROTO_TCP,
							     MESHREDIR_PROTO_TCP |
							     MESHREDIR_PROTO_UDP),
};

static const struct nla_policy uid_ports_list_policy[MESHREDIR_LIST_A_MAX + 1] = {
	[MESHREDIR_LIST_A_ENTRY] = NLA_POLICY_NESTED(uid_ports_policy),
};

static const struct nla_policy dir_policy[MESHREDIR_DIR_A_MAX + 1] = {
	[MESHREDIR_DIR_A_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[MESHREDIR_DIR_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[MESHREDIR_DIR_A_EXCLUDE_PORTS] = { .type = NLA_NESTED },
	[MESHREDIR_DIR_A_INCLUDE_PORTS] = { .type = NLA_NESTED },
	[MESHREDIR_DIR_A_EXCLUDE_IPS] = { .type = NLA_NESTED },
	[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS] = { .type = NLA_NESTED },
};

static const struct nla_policy dns_policy[MESHREDIR_DNS_A_MAX + 1] = {
	[MESHREDIR_DNS_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[MESHREDIR_DNS_A_CAPTURE_ALL] = NLA_POLICY_MAX(NLA_U8, 1),
	[MESHREDIR_DNS_A_SERVERS] = { .type = NLA_NESTED },
	[MESHREDIR_DNS_A_ZONE_SPLIT] = NLA_POLICY_MASK(NLA_U8, MESHREDIR_ZONE_SPLIT_IPV4 |
							      MESHREDIR_ZONE_SPLIT_IPV6),
	[MESHREDIR_DNS_A_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[MESHREDIR_DNS_A_DOCKER] = { .type = NLA_NESTED },
};

/* Validates a list against its policy and the limits; returns its length. */
static int list_check(const struct nlattr *list, const struct nla_policy *policy,
		      u32 have, u32 max, enum list id, u32 *entries,
		      struct netlink_ext_ack *extack)
{
	const struct nlattr *entry;
	int rem;
	u32 count = 0;

	if (nla_validate_nested(list, MESHREDIR_LIST_A_MAX, policy, extack)) {
		list_err(extack, NULL, id, MALFORMED);
		return -EINVAL;
	}
	nla_for_each_nested(entry, list, rem) {
		if (have + ++count > max) {
			list_err(extack, entry, id, TOO_MANY);
			return -E2BIG;
		}
		if (*entries + count > MESHREDIR_MAX_ENTRIES) {
			list_err(extack, entry, id, TOO_MANY_TOTAL);
			return -E2BIG;
		}
	}
	*entries += count;
	return count;
}

/* One validated range entry; LAST defaults to FIRST. */
static int range_get(const struct nlattr *entry, const struct nla_policy *policy,
		     bool port, enum list id, struct mr_range *out,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHREDIR_RANGE_A_MAX + 1];
	u32 first, last;

	if (nla_parse_nested(tb, MESHREDIR_RANGE_A_MAX, entry, policy, extack))
		return -EINVAL;
	if (!tb[MESHREDIR_RANGE_A_FIRST]) {
		list_err(extack, entry, id, NO_FIRST);
		return -EINVAL;
	}
	first = port ? nla_get_u16(tb[MESHREDIR_RANGE_A_FIRST]) :
		       nla_get_u32(tb[MESHREDIR_RANGE_A_FIRST]);
	last = first;
	if (tb[MESHREDIR_RANGE_A_LAST])
		last = port ? nla_get_u16(tb[MESHREDIR_RANGE_A_LAST]) :
			      nla_get_u32(tb[MESHREDIR_RANGE_A_LAST]);
	if (first > last) {
		list_err(extack, entry, id, REVERSED);
		return -EINVAL;
	}
	*out = (struct mr_range){ mr_key_u32(first), mr_key_u32(last) };
	return 0;
}

/* A port or ID list, added to the ranges out already holds. */
static int ranges_parse(const struct nlattr *list, bool port, u32 max,
			enum list id, struct mr_ranges *out, u32 *entries,
			struct netlink_ext_ack *extack)
{
	const struct nla_policy *policy = port ? port_list_policy : id_list_policy;
	const struct nla_policy *range_policy = port ? port_range_policy :
						       id_range_policy;
	const struct nlattr *entry;
	struct mr_range range;
	int rem, count, err;

	if (!list)
		return 0;
	count = list_check(list, policy, out->count, max, id, entries, extack);
	if (count < 0)
		return count;
	err = mr_ranges_reserve(out, count);
	if (err)
		return err;
	nla_for_each_nested(entry, list, rem) {
		err = range_get(entry, range_policy, port, id, &range, extack);
		if (err)
			return err;
		mr_ranges_add(out, range);
	}
	return 0;
}

static int cidr_get(const struct nlattr *entry, enum list id, bool *ipv6,
		    struct mr_range *out, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHREDIR_CIDR_A_MAX + 1];
	unsigned int bits, prefix_len;
	struct mr_key key;
	u16 family;

	if (nla_parse_nested(tb, MESHREDIR_CIDR_A_MAX, entry, mr_nl_cidr_policy, extack))
		return -EINVAL;
	family = tb[MESHREDIR_CIDR_A_FAMILY] ?
		 nla_get_u16(tb[MESHREDIR_CIDR_A_FAMILY]) : AF_UNSPEC;
	if (family != AF_INET && family != AF_INET6) {
		list_err(extack, entry, id, BAD_FAMILY);
		return -EAFNOSUPPORT;
	}
	*ipv6 = family == AF_INET6;
	bits = *ipv6 ? 128 : 32;
	if (!tb[MESHREDIR_CIDR_A_ADDR] ||
	    nla_len(tb[MESHREDIR_CIDR_A_ADDR]) != bits / 8) {
		list_err(extack, entry, id, BAD_ADDR);
		return -EINVAL;
	}
	prefix_len = bits;
	if (tb[MESHREDIR_CIDR_A_PREFIX_LEN])
		prefix_len = nla_get_u8(tb[MESHREDIR_CIDR_A_PREFIX_LEN]);
	if (prefix_len > bits) {
		list_err(extack, tb[MESHREDIR_CIDR_A_PREFIX_LEN], id,
			 *ipv6 ? PREFIX6 : PREFIX4);
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
 * The family nla_parse_nested() will see in cidr_get(): the last FAMILY
 * attribute of the entry, as a duplicate overrides. Counted by the first,
 * an entry with AF_INET then AF_INET6 would overflow the room reserved for
 * IPv6.
 */
static bool cidr_ipv6(const struct nlattr *entry)
{
	const struct nlattr *a;
	u16 family = AF_UNSPEC;
	int rem;

	nla_for_each_nested(a, entry, rem)
		if (nla_type(a) == MESHREDIR_CIDR_A_FAMILY && nla_len(a) >= sizeof(u16))
			family = nla_get_u16(a);
	return family == AF_INET6;
}

/* A CIDR list, each family's into its ranges; *have counts both, as sent. */
static int cidrs_parse(const struct nlattr *list, enum list id, u32 max, u32 *have,
		       struct mr_ranges *ips4, struct mr_ranges *ips6, u32 *entries,
		       struct netlink_ext_ack *extack)
{
	const struct nlattr *entry;
	struct mr_range range;
	int rem, count, err;
	u32 v6 = 0;
	bool ipv6;

	if (!list)
		return 0;
	count = list_check(list, cidr_list_policy, *have, max, id, entries, extack);
	if (count < 0)
		return count;
	*have += count;
	/* Room for each family's share, not twice the whole. */
	nla_for_each_nested(entry, list, rem)
		v6 += cidr_ipv6(entry);
	err = mr_ranges_reserve(ips4, count - v6) ?:
	      mr_ranges_reserve(ips6, v6);
	if (err)
		return err;
	nla_for_each_nested(entry, list, rem) {
		err = cidr_get(entry, id, &ipv6, &range, extack);
		if (err)
			return err;
		mr_ranges_add(ipv6 ? ips6 : ips4, range);
	}
	return 0;
}

int mr_nl_vnet_cidr(const struct nlattr *cidr, bool *ipv6, struct mr_range *out,
		    struct netlink_ext_ack *extack)
{
	return cidr_get(cidr, VNET, ipv6, out, extack);
}

static const struct mr_range all_ports = { { 0, 1 }, { 0, 65535 } };

static int uid_ports_parse(const struct nlattr *list, struct mr_config_input *in,
			   u32 *entries, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHREDIR_UID_PORTS_A_MAX + 1];
	const struct nlattr *entry;
	int rem, count, err;

	if (!list)
		return 0;
	count = list_check(list, uid_ports_list_policy, in->uid_ports_count,
			   MESHREDIR_MAX_UID_PORTS, OUT_UID_PORTS, entries, extack);
	if (count < 0)
		return count;
	err = mr_config_input_reserve_uid_ports(in, count);
	if (err)
		return err;
	nla_for_each_nested(entry, list, rem) {
		struct mr_uid_ports_input *e = &in->uid_ports[in->uid_ports_count];

		err = nla_parse_nested(tb, MESHREDIR_UID_PORTS_A_MAX, entry,
				       uid_ports_policy, extack);
		if (err)
			return err;
		if (!tb[MESHREDIR_UID_PORTS_A_UIDS]) {
			list_err(extack, entry, OUT_UID_PORTS, NO_UIDS);
			return -EINVAL;
		}
		/* Counted before its ports are parsed: freeing in frees them. */
		memset(e, 0, sizeof(*e));
		in->uid_ports_count++;
		e->protocols = tb[MESHREDIR_UID_PORTS_A_PROTOCOLS] ?
			       nla_get_u8(tb[MESHREDIR_UID_PORTS_A_PROTOCOLS]) :
			       MESHREDIR_PROTO_TCP;
		err = range_get(tb[MESHREDIR_UID_PORTS_A_UIDS], id_range_policy,
				false, OUT_UID_PORTS, &e->uids, extack);
		if (err)
			return err;
		if (tb[MESHREDIR_UID_PORTS_A_PORTS]) {
			err = ranges_parse(tb[MESHREDIR_UID_PORTS_A_PORTS], true,
					   MESHREDIR_MAX_UID_PORTS_RANGES, OUT_UID_PORTS,
					   &e->ports, entries, extack);
		} else {
			err = mr_ranges_reserve(&e->ports, 1);
			if (!err)
				mr_ranges_add(&e->ports, all_ports);
		}
		if (err)
			return err;
		in->uid_ports_ranges += e->ports.count;
		if (in->uid_ports_ranges > MESHREDIR_MAX_UID_PORTS_RANGES) {
			list_err(extack, entry, OUT_UID_PORTS, TOO_MANY);
			return -E2BIG;
		}
	}
	return 0;
}

static int dir_parse(const struct nlattr *attr, const struct dir_lists *lists,
		     struct mr_config_input *in, struct mr_dir_input *dir,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHREDIR_DIR_A_MAX + 1] = {};
	int err;

	if (!attr)
		return 0;
	if (nla_parse_nested(tb, MESHREDIR_DIR_A_MAX, attr, dir_policy, extack)) {
		/* The attribute at fault and its policy are marked already. */
		if (dir == &in->outbound)
			NL_SET_ERR_MSG(extack, "outbound: malformed attribute");
		else
			NL_SET_ERR_MSG(extack, "inbound: malformed attribute");
		return -EINVAL;
	}
	if (tb[MESHREDIR_DIR_A_ENABLED])
		dir->enabled = nla_get_u8(tb[MESHREDIR_DIR_A_ENABLED]);
	if (tb[MESHREDIR_DIR_A_PORT])
		dir->port = nla_get_u16(tb[MESHREDIR_DIR_A_PORT]);
	if (tb[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS] && dir != &in->outbound) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS],
				    "inbound.exclude-ports-for-uids: only outbound connections have an owner");
		return -EINVAL;
	}
	err = ranges_parse(tb[MESHREDIR_DIR_A_EXCLUDE_PORTS], true,
			   MESHREDIR_MAX_PORT_RANGES, lists->exclude_ports,
			   &dir->exclude_ports, &in->entries, extack);
	if (!err)
		err = ranges_parse(tb[MESHREDIR_DIR_A_INCLUDE_PORTS], true,
				   MESHREDIR_MAX_PORT_RANGES, lists->include_ports,
				   &dir->include_ports, &in->entries, extack);
	if (!err)
		err = cidrs_parse(tb[MESHREDIR_DIR_A_EXCLUDE_IPS], lists->exclude_ips,
				  MESHREDIR_MAX_CIDRS, &dir->exclude_ips_count,
				  &dir->exclude_ips4, &dir->exclude_ips6,
				  &in->entries, extack);
	if (!err)
		err = uid_ports_parse(tb[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS], in,
				      &in->entries, extack);
	return err;
}

/*
 * DNS capture. The servers and Docker's addresses do not count towards
 * MESHREDIR_MAX_ENTRIES: they have their own, small limits, so that GET
 * puts them in any message.
 */
static int dns_parse(const struct nlattr *attr, struct mr_dns_input *dns,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHREDIR_DNS_A_MAX + 1];
	u32 unused = 0;

	if (!attr)
		return 0;
	if (nla_parse_nested(tb, MESHREDIR_DNS_A_MAX, attr, dns_policy, extack)) {
		/* The attribute at fault and its policy are marked already. */
		NL_SET_ERR_MSG(extack, "dns: malformed attribute");
		return -EINVAL;
	}
	/* 0: the port alone, vnet's, as Kuma has it with DNS capture off. */
	dns->enabled = tb[MESHREDIR_DNS_A_ENABLED] ?
		       nla_get_u8(tb[MESHREDIR_DNS_A_ENABLED]) : true;
	if (tb[MESHREDIR_DNS_A_PORT])
		dns->port = nla_get_u16(tb[MESHREDIR_DNS_A_PORT]);
	if (tb[MESHREDIR_DNS_A_CAPTURE_ALL])
		dns->capture_all = nla_get_u8(tb[MESHREDIR_DNS_A_CAPTURE_ALL]);
	if (tb[MESHREDIR_DNS_A_ZONE_SPLIT])
		dns->zone_split = nla_get_u8(tb[MESHREDIR_DNS_A_ZONE_SPLIT]);
	return cidrs_parse(tb[MESHREDIR_DNS_A_SERVERS], DNS_SERVERS,
			   MESHREDIR_MAX_DNS_SERVERS, &dns->servers,
			   &dns->servers4, &dns->servers6, &unused, extack) ?:
	       cidrs_parse(tb[MESHREDIR_DNS_A_DOCKER], DNS_DOCKER,
			   MESHREDIR_MAX_DNS_DOCKER, &dns->docker,
			   &dns->docker4, &dns->docker6, &unused, extack);
}

/*
 * One message of a SET, added to what in holds: lists add up, a scalar
 * given here replaces the one before. On error in is only to be freed.
 */
static int part_parse(struct nlattr **attrs, struct mr_config_input *in,
		      struct netlink_ext_ack *extack)
{
	int err;

	if (attrs[MESHREDIR_A_IP_FAMILY_MODE])
		in->ip_family_mode = nla_get_u8(attrs[MESHREDIR_A_IP_FAMILY_MODE]);
	if (attrs[MESHREDIR_A_DROP_INVALID_PACKETS])
		in->drop_invalid = nla_get_u8(attrs[MESHREDIR_A_DROP_INVALID_PACKETS]);
	if (attrs[MESHREDIR_A_EVENT_RATE])
		in->event_rate = nla_get_u32(attrs[MESHREDIR_A_EVENT_RATE]);
	err = ranges_parse(attrs[MESHREDIR_A_OWNER_UIDS], false, MESHREDIR_MAX_ID_RANGES,
			   OWNER_UIDS, &in->owner_uids, &in->entries, extack);
	if (!err)
		err = ranges_parse(attrs[MESHREDIR_A_OWNER_GIDS], false,
				   MESHREDIR_MAX_ID_RANGES, OWNER_GIDS,
				   &in->owner_gids, &in->entries, extack);
	if (!err)
		err = dir_parse(attrs[MESHREDIR_A_INBOUND], &inbound_lists, in,
				&in->inbound, extack);
	if (!err)
		err = dir_parse(attrs[MESHREDIR_A_OUTBOUND], &outbound_lists, in,
				&in->outbound, extack);
	if (!err)
		err = dns_parse(attrs[MESHREDIR_A_DNS], &in->dns, extack);
	if (!err)
		err = mr_nl_vnet_parse(attrs[MESHREDIR_A_VNET], in, extack);
	return err;
}

/* The last part: the whole is checked, built and swapped in. Takes in. */
static int set_apply(struct net *net, struct mr_config_input *in,
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
	/* Zones exist only as CONFIG_NF_CONNTRACK_ZONES; without, all are 0. */
	if (in->dns.enabled && in->dns.zone_split &&
	    !IS_ENABLED(CONFIG_NF_CONNTRACK_ZONES)) {
		NL_SET_ERR_MSG(extack,
			       "dns: the conntrack zone split needs a kernel with CONFIG_NF_CONNTRACK_ZONES; skip it (skip-dns-conntrack-zone-split)");
		mr_config_input_free(in);
		return -EOPNOTSUPP;
	}
	err = mr_config_build(net, in, &cfg);
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
int mr_nl_set(struct sk_buff *skb, struct genl_info *info)
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
	err = part_parse(attrs, in, extack);
	if (err) {
		mr_config_input_free(in);
		goto out;
	}
	if (more) {
		in->next_part = part + 1;
		mr_net_pend_locked(mn, in);
		goto out;
	}
	err = set_apply(net, in, extack);
out:
	mutex_unlock(&mn->lock);
	return err;
}

int mr_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	int err = mr_net_deconfigure(genl_info_net(info));

	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "not configured in this network namespace");
	return err;
}

int mr_nl_reset_counters(struct sk_buff *skb, struct genl_info *info)
{
	int err = mr_net_reset_counters(genl_info_net(info));

	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "not configured in this network namespace");
	return err;
}
