// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family. A SET is checked and built into a complete
 * configuration before anything is swapped, so a rejected SET changes
 * nothing. Every rejection names the attribute by the tool's flag name.
 * Lists are validated one by one, below the family policy, so that a policy
 * failure deep in a list can be reported with the list's name.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/socket.h>
#include <net/genetlink.h>
#include <net/netlink.h>
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
	const char *reversed;
	const char *bad_family;
	const char *bad_addr;
	const char *prefix4;
	const char *prefix6;
};

#define MR_NAMES(n) {							\
	.name = n,							\
	.malformed = n ": malformed entry",				\
	.too_many = n ": too many entries",				\
	.reversed = n ": first is greater than last",			\
	.bad_family = n ": family must be AF_INET or AF_INET6",	\
	.bad_addr = n ": address missing or not as long as its family's", \
	.prefix4 = n ": prefix length exceeds 32",			\
	.prefix6 = n ": prefix length exceeds 128",			\
}

struct mr_dir_names {
	const char *name;
	const char *malformed;
	const char *enabled;
	const char *port;
	struct mr_names exclude_ports;
	struct mr_names include_ports;
	struct mr_names exclude_ips;
	struct mr_names uid_ports;
};

static const struct mr_dir_names mr_inbound_names = {
	.name = "inbound",
	.malformed = "inbound: malformed attribute",
	.enabled = "redirect-inbound: must be 0 or 1",
	.port = "redirect-inbound-port: 0 is not a port",
	.exclude_ports = MR_NAMES("exclude-inbound-ports"),
	.include_ports = MR_NAMES("include-inbound-ports"),
	.exclude_ips = MR_NAMES("exclude-inbound-ips"),
	.uid_ports = MR_NAMES("exclude-inbound-ports-for-uids"),
};

static const struct mr_dir_names mr_outbound_names = {
	.name = "outbound",
	.malformed = "outbound: malformed attribute",
	.enabled = "redirect-outbound: must be 0 or 1",
	.port = "redirect-outbound-port: 0 is not a port",
	.exclude_ports = MR_NAMES("exclude-outbound-ports"),
	.include_ports = MR_NAMES("include-outbound-ports"),
	.exclude_ips = MR_NAMES("exclude-outbound-ips"),
	.uid_ports = MR_NAMES("exclude-outbound-ports-for-uids"),
};

static const struct mr_names mr_owner_uids_names = MR_NAMES("owner-uids");
static const struct mr_names mr_owner_gids_names = MR_NAMES("owner-gids");

/* (u32)-1 is the invalid ID from_kuid() returns for an unmapped one. */
static struct netlink_range_validation mr_id_range = {
	.min = 0,
	.max = U32_MAX - 1,
};

static const struct nla_policy mr_port_range_policy[MESHREDIR_RANGE_A_MAX + 1] = {
	[MESHREDIR_RANGE_A_FIRST] = NLA_POLICY_MIN(NLA_U16, 1),
	[MESHREDIR_RANGE_A_LAST] = NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy mr_id_range_policy[MESHREDIR_RANGE_A_MAX + 1] = {
	[MESHREDIR_RANGE_A_FIRST] = NLA_POLICY_FULL_RANGE(NLA_U32, &mr_id_range),
	[MESHREDIR_RANGE_A_LAST] = NLA_POLICY_FULL_RANGE(NLA_U32, &mr_id_range),
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
	[MESHREDIR_DIR_A_ENABLED] = { .type = NLA_U8 },
	[MESHREDIR_DIR_A_PORT] = { .type = NLA_U16 },
	[MESHREDIR_DIR_A_EXCLUDE_PORTS] = { .type = NLA_NESTED },
	[MESHREDIR_DIR_A_INCLUDE_PORTS] = { .type = NLA_NESTED },
	[MESHREDIR_DIR_A_EXCLUDE_IPS] = { .type = NLA_NESTED },
	[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS] = { .type = NLA_NESTED },
};

static const struct nla_policy mr_policy[MESHREDIR_A_MAX + 1] = {
	[MESHREDIR_A_IP_FAMILY_MODE] = { .type = NLA_U8 },
	[MESHREDIR_A_OWNER_UIDS] = { .type = NLA_NESTED },
	[MESHREDIR_A_OWNER_GIDS] = { .type = NLA_NESTED },
	[MESHREDIR_A_INBOUND] = { .type = NLA_NESTED },
	[MESHREDIR_A_OUTBOUND] = { .type = NLA_NESTED },
	[MESHREDIR_A_COUNTERS] = { .type = NLA_REJECT },
	[MESHREDIR_A_DROP_INVALID_PACKETS] = { .type = NLA_U8 },
};

/* Validates a list against its policy and limit; returns its length. */
static int mr_list_check(const struct nlattr *list, const struct nla_policy *policy,
			 u32 max, const struct mr_names *names,
			 struct netlink_ext_ack *extack)
{
	const struct nlattr *entry;
	int rem, count = 0;

	if (nla_validate_nested(list, MESHREDIR_LIST_A_MAX, policy, extack)) {
		MR_ERR_PREFIX(extack, names->malformed, names->name);
		return -EINVAL;
	}
	nla_for_each_nested(entry, list, rem) {
		if (++count > max) {
			mr_err(extack, entry, names->too_many);
			return -E2BIG;
		}
	}
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

/* A port or ID list into ranges, which the caller builds or frees. */
static int mr_ranges_parse(const struct nlattr *list, bool port, u32 max,
			   const struct mr_names *names, struct mr_ranges *out,
			   struct netlink_ext_ack *extack)
{
	const struct nla_policy *policy = port ? mr_port_list_policy : mr_id_list_policy;
	const struct nla_policy *range_policy = port ? mr_port_range_policy :
						       mr_id_range_policy;
	const struct nlattr *entry;
	struct mr_range range;
	int rem, count, err;

	count = mr_list_check(list, policy, max, names, extack);
	if (count < 0)
		return count;
	err = mr_ranges_init(out, count);
	if (err)
		return err;
	nla_for_each_nested(entry, list, rem) {
		err = mr_range_get(entry, range_policy, port, names, &range, extack);
		if (err) {
			mr_ranges_free(out);
			return err;
		}
		mr_ranges_add(out, range);
	}
	return 0;
}

static int mr_set_parse(const struct nlattr *list, bool port, u32 max,
			const struct mr_names *names, const struct mr_set **out,
			struct netlink_ext_ack *extack)
{
	struct mr_ranges ranges;
	int err;

	*out = NULL;
	if (!list)
		return 0;
	err = mr_ranges_parse(list, port, max, names, &ranges, extack);
	return err ?: mr_set_build(&ranges, out);
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

static int mr_cidrs_parse(const struct nlattr *list, const struct mr_names *names,
			  struct mr_dir *dir, struct netlink_ext_ack *extack)
{
	struct mr_ranges v4, v6;
	const struct nlattr *entry;
	struct mr_range range;
	int rem, count, err;
	bool ipv6;

	if (!list)
		return 0;
	count = mr_list_check(list, mr_cidr_list_policy, MESHREDIR_MAX_CIDRS,
			      names, extack);
	if (count < 0)
		return count;
	err = mr_ranges_init(&v4, count);
	if (err)
		return err;
	err = mr_ranges_init(&v6, count);
	if (err)
		goto err_v4;
	nla_for_each_nested(entry, list, rem) {
		err = mr_cidr_get(entry, names, &ipv6, &range, extack);
		if (err)
			goto err_v6;
		mr_ranges_add(ipv6 ? &v6 : &v4, range);
	}
	err = mr_set_build(&v4, &dir->exclude_ips4);
	if (err)
		goto err_v6;
	return mr_set_build(&v6, &dir->exclude_ips6);

err_v6:
	mr_ranges_free(&v6);
err_v4:
	mr_ranges_free(&v4);
	return err;
}

static const struct mr_range mr_all_ports = { { 0, 1 }, { 0, 65535 } };

static int mr_uid_ports_parse(const struct nlattr *list, const struct mr_names *names,
			      struct mr_config *cfg, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHREDIR_UID_PORTS_A_MAX + 1];
	struct mr_uid_ports_input *in;
	const struct nlattr *entry;
	int rem, count, i = 0, err = 0;
	u32 total = 0;

	if (!list)
		return 0;
	count = mr_list_check(list, mr_uid_ports_list_policy, MESHREDIR_MAX_UID_PORTS,
			      names, extack);
	if (count <= 0)
		return count;
	in = kcalloc(count, sizeof(*in), GFP_KERNEL_ACCOUNT);
	if (!in)
		return -ENOMEM;
	nla_for_each_nested(entry, list, rem) {
		struct mr_uid_ports_input *e = &in[i];

		err = nla_parse_nested(tb, MESHREDIR_UID_PORTS_A_MAX, entry,
				       mr_uid_ports_policy, extack);
		if (!err && !tb[MESHREDIR_UID_PORTS_A_UIDS]) {
			mr_err(extack, entry, names->malformed);
			err = -EINVAL;
		}
		if (!err)
			err = mr_range_get(tb[MESHREDIR_UID_PORTS_A_UIDS], mr_id_range_policy,
					   false, names, &e->uids, extack);
		if (err)
			break;
		i++;
		if (tb[MESHREDIR_UID_PORTS_A_PORTS]) {
			err = mr_ranges_parse(tb[MESHREDIR_UID_PORTS_A_PORTS], true,
					      MESHREDIR_MAX_UID_PORTS_RANGES, names,
					      &e->ports, extack);
		} else {
			err = mr_ranges_init(&e->ports, 1);
			if (!err)
				mr_ranges_add(&e->ports, mr_all_ports);
		}
		if (err)
			break;
		total += e->ports.count;
		if (total > MESHREDIR_MAX_UID_PORTS_RANGES) {
			mr_err(extack, entry, names->too_many);
			err = -E2BIG;
			break;
		}
	}
	if (!err)
		err = mr_uid_ports_build(in, count, &cfg->uid_ports);
	if (!err) {
		err = mr_uid_ports_keep(in, count, &cfg->uid_ports_given);
		i = 0;	/* consumed */
	}
	while (i--)
		mr_ranges_free(&in[i].ports);
	kfree(in);
	return err;
}

static int mr_dir_parse(const struct nlattr *attr, const struct mr_dir_names *names,
			u16 default_port, struct mr_config *cfg, struct mr_dir *dir,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHREDIR_DIR_A_MAX + 1] = {};
	int err;

	dir->enabled = true;
	dir->port = default_port;
	if (!attr)
		return 0;
	if (nla_parse_nested(tb, MESHREDIR_DIR_A_MAX, attr, mr_dir_policy, extack)) {
		MR_ERR_PREFIX(extack, names->malformed, names->name);
		return -EINVAL;
	}
	if (tb[MESHREDIR_DIR_A_ENABLED]) {
		u8 enabled = nla_get_u8(tb[MESHREDIR_DIR_A_ENABLED]);

		if (enabled > 1) {
			mr_err(extack, tb[MESHREDIR_DIR_A_ENABLED], names->enabled);
			return -EINVAL;
		}
		dir->enabled = enabled;
	}
	if (tb[MESHREDIR_DIR_A_PORT]) {
		dir->port = nla_get_u16(tb[MESHREDIR_DIR_A_PORT]);
		if (!dir->port) {
			mr_err(extack, tb[MESHREDIR_DIR_A_PORT], names->port);
			return -EINVAL;
		}
	}
	if (tb[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS] && dir != &cfg->outbound) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS],
				    "exclude-inbound-ports-for-uids: only outbound connections have an owner");
		return -EINVAL;
	}
	err = mr_set_parse(tb[MESHREDIR_DIR_A_EXCLUDE_PORTS], true, MESHREDIR_MAX_PORT_RANGES,
			   &names->exclude_ports, &dir->exclude_ports, extack);
	if (!err)
		err = mr_set_parse(tb[MESHREDIR_DIR_A_INCLUDE_PORTS], true,
				   MESHREDIR_MAX_PORT_RANGES, &names->include_ports,
				   &dir->include_ports, extack);
	if (!err)
		err = mr_cidrs_parse(tb[MESHREDIR_DIR_A_EXCLUDE_IPS], &names->exclude_ips,
				     dir, extack);
	if (!err)
		err = mr_uid_ports_parse(tb[MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS],
					 &names->uid_ports, cfg, extack);
	return err;
}

/* The whole configuration; on error the caller frees what was built. */
static int mr_config_parse(struct nlattr **attrs, struct mr_config *cfg,
			   struct netlink_ext_ack *extack)
{
	int err;

	cfg->ip_family_mode = MESHREDIR_IP_FAMILY_DUALSTACK;
	if (attrs[MESHREDIR_A_IP_FAMILY_MODE]) {
		cfg->ip_family_mode = nla_get_u8(attrs[MESHREDIR_A_IP_FAMILY_MODE]);
		if (cfg->ip_family_mode != MESHREDIR_IP_FAMILY_IPV4 &&
		    cfg->ip_family_mode != MESHREDIR_IP_FAMILY_DUALSTACK) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[MESHREDIR_A_IP_FAMILY_MODE],
					    "ip-family-mode: must be 1 (ipv4) or 2 (dualstack)");
			return -EINVAL;
		}
	}
	if (attrs[MESHREDIR_A_DROP_INVALID_PACKETS]) {
		u8 drop = nla_get_u8(attrs[MESHREDIR_A_DROP_INVALID_PACKETS]);

		if (drop > 1) {
			NL_SET_ERR_MSG_ATTR(extack, attrs[MESHREDIR_A_DROP_INVALID_PACKETS],
					    "drop-invalid-packets: must be 0 or 1");
			return -EINVAL;
		}
		cfg->drop_invalid = drop;
	}
	err = mr_set_parse(attrs[MESHREDIR_A_OWNER_UIDS], false, MESHREDIR_MAX_ID_RANGES,
			   &mr_owner_uids_names, &cfg->owner_uids, extack);
	if (!err)
		err = mr_set_parse(attrs[MESHREDIR_A_OWNER_GIDS], false,
				   MESHREDIR_MAX_ID_RANGES, &mr_owner_gids_names,
				   &cfg->owner_gids, extack);
	if (err)
		return err;
	/* Without an owner every connection of the proxy's would come back to it. */
	if (!cfg->owner_uids && !cfg->owner_gids) {
		NL_SET_ERR_MSG(extack, "owner-uids: the proxy's UID or GID is needed, or its own connections would loop back to it");
		return -EINVAL;
	}
	err = mr_dir_parse(attrs[MESHREDIR_A_INBOUND], &mr_inbound_names,
			   MESHREDIR_DEFAULT_INBOUND_PORT, cfg, &cfg->inbound, extack);
	if (!err)
		err = mr_dir_parse(attrs[MESHREDIR_A_OUTBOUND], &mr_outbound_names,
				   MESHREDIR_DEFAULT_OUTBOUND_PORT, cfg, &cfg->outbound,
				   extack);
	return err;
}

static int mr_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct mr_config *cfg = mr_config_alloc();
	int err;

	if (!cfg)
		return -ENOMEM;
	err = mr_config_parse(info->attrs, cfg, info->extack);
	if (err) {
		mr_config_free(cfg);
		return err;
	}
	return mr_net_configure(genl_info_net(info), cfg, info->extack);
}

/* nla_nest_end() would silently truncate a nest past nla_len's 64 KiB. */
static int mr_nest_end(struct sk_buff *skb, struct nlattr *nest)
{
	if (skb_tail_pointer(skb) - (unsigned char *)nest > U16_MAX)
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int mr_put_ranges(struct sk_buff *skb, int type, const struct mr_set *set,
			 bool port)
{
	struct nlattr *list, *entry;
	u32 i;

	if (!set)
		return 0;
	list = nla_nest_start(skb, type);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < set->count; i++) {
		u32 first = set->range[i].first.lo, last = set->range[i].last.lo;

		entry = nla_nest_start(skb, MESHREDIR_LIST_A_ENTRY);
		if (!entry)
			return -EMSGSIZE;
		/* LAST only when it differs, as a SET may say it: a GET is no bigger. */
		if (port ? nla_put_u16(skb, MESHREDIR_RANGE_A_FIRST, first) ||
			   (last != first &&
			    nla_put_u16(skb, MESHREDIR_RANGE_A_LAST, last)) :
			   nla_put_u32(skb, MESHREDIR_RANGE_A_FIRST, first) ||
			   (last != first &&
			    nla_put_u32(skb, MESHREDIR_RANGE_A_LAST, last)))
			return -EMSGSIZE;
		nla_nest_end(skb, entry);
	}
	return mr_nest_end(skb, list);
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
	    nla_put_u8(skb, MESHREDIR_CIDR_A_PREFIX_LEN, prefix_len))
		return -EMSGSIZE;
	nla_nest_end(skb, entry);
	return 0;
}

/* Each merged range goes back out as the fewest CIDRs that cover it. */
static int mr_put_cidr_set(struct sk_buff *skb, const struct mr_set *set, bool ipv6)
{
	unsigned int bits = ipv6 ? 128 : 32;
	u32 i;

	for (i = 0; set && i < set->count; i++) {
		struct mr_key cur = set->range[i].first, last = set->range[i].last;

		for (;;) {
			unsigned int prefix_len = mr_cidr_fit(cur, last, bits);
			struct mr_range r = mr_cidr_range(cur, prefix_len, bits);

			if (mr_put_cidr(skb, cur, prefix_len, ipv6))
				return -EMSGSIZE;
			if (mr_key_eq(r.last, last))
				break;
			cur = mr_key_inc(r.last);
		}
	}
	return 0;
}

static int mr_put_cidrs(struct sk_buff *skb, const struct mr_dir *dir)
{
	struct nlattr *list;

	if (!dir->exclude_ips4 && !dir->exclude_ips6)
		return 0;
	list = nla_nest_start(skb, MESHREDIR_DIR_A_EXCLUDE_IPS);
	if (!list || mr_put_cidr_set(skb, dir->exclude_ips4, false) ||
	    mr_put_cidr_set(skb, dir->exclude_ips6, true))
		return -EMSGSIZE;
	return mr_nest_end(skb, list);
}

static int mr_put_uid_ports(struct sk_buff *skb, const struct mr_uid_ports *up)
{
	struct nlattr *list, *entry, *uids;
	u32 i;

	if (!up)
		return 0;
	list = nla_nest_start(skb, MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < up->count; i++) {
		entry = nla_nest_start(skb, MESHREDIR_LIST_A_ENTRY);
		if (!entry ||
		    mr_put_ranges(skb, MESHREDIR_UID_PORTS_A_PORTS, up->entry[i].ports, true))
			return -EMSGSIZE;
		uids = nla_nest_start(skb, MESHREDIR_UID_PORTS_A_UIDS);
		if (!uids ||
		    nla_put_u32(skb, MESHREDIR_RANGE_A_FIRST, up->entry[i].uids.first.lo) ||
		    nla_put_u32(skb, MESHREDIR_RANGE_A_LAST, up->entry[i].uids.last.lo))
			return -EMSGSIZE;
		nla_nest_end(skb, uids);
		if (mr_nest_end(skb, entry))
			return -EMSGSIZE;
	}
	return mr_nest_end(skb, list);
}

static int mr_put_dir(struct sk_buff *skb, int type, const struct mr_dir *dir,
		      const struct mr_uid_ports *up)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest ||
	    nla_put_u8(skb, MESHREDIR_DIR_A_ENABLED, dir->enabled) ||
	    nla_put_u16(skb, MESHREDIR_DIR_A_PORT, dir->port) ||
	    mr_put_ranges(skb, MESHREDIR_DIR_A_EXCLUDE_PORTS, dir->exclude_ports, true) ||
	    mr_put_ranges(skb, MESHREDIR_DIR_A_INCLUDE_PORTS, dir->include_ports, true) ||
	    mr_put_cidrs(skb, dir) || mr_put_uid_ports(skb, up))
		return -EMSGSIZE;
	return mr_nest_end(skb, nest);
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

static struct genl_family mr_genl_family;

static int mr_fill(struct sk_buff *skb, struct genl_info *info,
		   const struct mr_config *cfg, const struct mr_counters *counters)
{
	void *hdr = genlmsg_put_reply(skb, info, &mr_genl_family, 0,
				      MESHREDIR_CMD_GET);

	if (!hdr ||
	    nla_put_u8(skb, MESHREDIR_A_IP_FAMILY_MODE, cfg->ip_family_mode) ||
	    mr_put_ranges(skb, MESHREDIR_A_OWNER_UIDS, cfg->owner_uids, false) ||
	    mr_put_ranges(skb, MESHREDIR_A_OWNER_GIDS, cfg->owner_gids, false) ||
	    mr_put_dir(skb, MESHREDIR_A_INBOUND, &cfg->inbound, NULL) ||
	    mr_put_dir(skb, MESHREDIR_A_OUTBOUND, &cfg->outbound,
		       cfg->uid_ports_given) ||
	    nla_put_u8(skb, MESHREDIR_A_DROP_INVALID_PACKETS, cfg->drop_invalid) ||
	    mr_put_counters(skb, counters))
		return -EMSGSIZE;
	genlmsg_end(skb, hdr);
	return 0;
}

static int mr_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct mr_net *mn = mr_net(genl_info_net(info));
	const struct mr_config *cfg;
	struct mr_counters *counters;
	size_t size = NLMSG_GOODSIZE;
	struct sk_buff *msg;
	int err;

	counters = kmalloc(sizeof(*counters), GFP_KERNEL);
	if (!counters)
		return -ENOMEM;
	mutex_lock(&mn->lock);
	cfg = mr_net_config_locked(mn);
	if (!cfg) {
		NL_SET_ERR_MSG(info->extack, "not configured in this network namespace");
		err = -ENOENT;
		goto out;
	}
	mr_net_read_counters(mn, counters);
	/*
	 * Big configurations are rare; grow until the reply fits. Each nest
	 * holds at most 64 KiB, so a reply never needs more than a few of them.
	 */
	for (;;) {
		msg = genlmsg_new(size, GFP_KERNEL | __GFP_NOWARN);
		if (!msg) {
			err = -ENOMEM;
			goto out;
		}
		err = mr_fill(msg, info, cfg, counters);
		if (!err)
			break;
		nlmsg_free(msg);
		if (size >= (1U << 20)) {
			err = -EMSGSIZE;
			goto out;
		}
		size *= 2;
	}
	mutex_unlock(&mn->lock);
	kfree(counters);
	return genlmsg_reply(msg, info);
out:
	mutex_unlock(&mn->lock);
	kfree(counters);
	return err;
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

static const struct genl_small_ops mr_genl_ops[] = {
	{
		.cmd = MESHREDIR_CMD_SET,
		.doit = mr_nl_set,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = MESHREDIR_CMD_GET,
		.doit = mr_nl_get,
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
	/* Strict validation for every command: no unknown attributes. */
	.resv_start_op = MESHREDIR_CMD_RESET_COUNTERS + 1,
	.small_ops = mr_genl_ops,
	.n_small_ops = ARRAY_SIZE(mr_genl_ops),
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
