// SPDX-License-Identifier: GPL-2.0
/*
 * MESHREDIR_A_VNET, Kuma's redirect.vnet.networks: the entries of a SET,
 * checked as they are added, and put back whole in a GET.
 */

#include <linux/netdevice.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include "config.h"
#include "netlink.h"

static const struct nla_policy vnet_entry_policy[MESHREDIR_VNET_A_MAX + 1] = {
	[MESHREDIR_VNET_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[MESHREDIR_VNET_A_CIDR] = NLA_POLICY_NESTED(mr_nl_cidr_policy),
};

static const struct nla_policy vnet_list_policy[MESHREDIR_LIST_A_MAX + 1] = {
	[MESHREDIR_LIST_A_ENTRY] = NLA_POLICY_NESTED(vnet_entry_policy),
};

/* The name as iptables -i takes it; e->len says what must match. */
static int ifname_get(const struct nlattr *attr, struct mr_vnet_entry *e,
		      struct netlink_ext_ack *extack)
{
	size_t len;
	char *plus;

	BUILD_BUG_ON(MR_IFNAMSIZ != IFNAMSIZ);
	nla_strscpy(e->ifname, attr, sizeof(e->ifname));
	len = strlen(e->ifname);
	if (!len) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "vnet: ifname is empty");
		return -EINVAL;
	}
	plus = strchr(e->ifname, '+');
	if (plus && plus != e->ifname + len - 1) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "vnet: ifname: '+' only at the end");
		return -EINVAL;
	}
	if (plus)
		*plus = '\0';
	/* "+" alone, as iptables' -i +, matches every interface. */
	if ((!plus || len > 1) && !dev_valid_name(e->ifname)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "vnet: ifname is not a valid interface name");
		return -EINVAL;
	}
	if (plus)
		*plus = '+';
	e->len = plus ? len - 1 : len + 1;
	return 0;
}

int mr_nl_vnet_parse(const struct nlattr *attr, struct mr_config_input *in,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MESHREDIR_VNET_A_MAX + 1];
	struct mr_vnet_entry *e;
	const struct nlattr *entry;
	int rem, err;
	u32 i;

	if (!attr)
		return 0;
	if (nla_validate_nested(attr, MESHREDIR_LIST_A_MAX, vnet_list_policy, extack)) {
		/* The attribute at fault and its policy are marked already. */
		NL_SET_ERR_MSG(extack, "vnet: malformed entry");
		return -EINVAL;
	}
	if (!in->vnet) {
		in->vnet = kzalloc(struct_size(in->vnet, entry, MESHREDIR_MAX_VNETS),
				   GFP_KERNEL_ACCOUNT);
		if (!in->vnet)
			return -ENOMEM;
	}
	nla_for_each_nested(entry, attr, rem) {
		if (in->vnet->count >= MESHREDIR_MAX_VNETS) {
			NL_SET_ERR_MSG_ATTR(extack, entry, "vnet: too many entries");
			return -E2BIG;
		}
		e = &in->vnet->entry[in->vnet->count];
		err = nla_parse_nested(tb, MESHREDIR_VNET_A_MAX, entry,
				       vnet_entry_policy, extack);
		if (err)
			return err;
		if (!tb[MESHREDIR_VNET_A_IFNAME]) {
			NL_SET_ERR_MSG_ATTR(extack, entry, "vnet: entry without ifname");
			return -EINVAL;
		}
		if (!tb[MESHREDIR_VNET_A_CIDR]) {
			NL_SET_ERR_MSG_ATTR(extack, entry, "vnet: entry without cidr");
			return -EINVAL;
		}
		err = ifname_get(tb[MESHREDIR_VNET_A_IFNAME], e, extack) ?:
		      mr_nl_vnet_cidr(tb[MESHREDIR_VNET_A_CIDR], &e->ipv6,
				      &e->cidr, extack);
		if (err)
			return err;
		/* Kuma keeps one CIDR per interface and family: which is meant? */
		for (i = 0; i < in->vnet->count; i++) {
			if (in->vnet->entry[i].ipv6 == e->ipv6 &&
			    !strcmp(in->vnet->entry[i].ifname, e->ifname)) {
				NL_SET_ERR_MSG_ATTR(extack, tb[MESHREDIR_VNET_A_IFNAME],
						    "vnet: ifname given twice for one family");
				return -EINVAL;
			}
		}
		in->vnet->count++;
	}
	return 0;
}

static size_t entry_size(const struct mr_vnet_entry *e)
{
	return nla_total_size(nla_total_size(strlen(e->ifname) + 1) +
			      nla_total_size(nla_total_size(sizeof(u16)) +
					     nla_total_size(e->ipv6 ? sizeof(struct in6_addr) :
								      sizeof(struct in_addr)) +
					     nla_total_size(sizeof(u8))));
}

size_t mr_nl_vnet_size(const struct mr_vnet *vnet)
{
	size_t size = 0;
	u32 i;

	for (i = 0; vnet && i < vnet->count; i++)
		size += entry_size(&vnet->entry[i]);
	return vnet ? nla_total_size(size) : 0;
}

static int put_entry(struct sk_buff *skb, const struct mr_vnet_entry *e)
{
	unsigned int bits = e->ipv6 ? 128 : 32;
	struct nlattr *entry;

	entry = nla_nest_start(skb, MESHREDIR_LIST_A_ENTRY);
	if (!entry)
		return -EMSGSIZE;
	if (nla_put_string(skb, MESHREDIR_VNET_A_IFNAME, e->ifname) ||
	    mr_nl_put_cidr(skb, MESHREDIR_VNET_A_CIDR, e->cidr.first,
			   mr_cidr_fit(e->cidr.first, e->cidr.last, bits), e->ipv6)) {
		nla_nest_cancel(skb, entry);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, entry);
	return 0;
}

/* Whole, in the order given: at most MESHREDIR_MAX_VNETS small entries. */
int mr_nl_vnet_put(struct sk_buff *skb, const struct mr_vnet *vnet)
{
	struct nlattr *nest;
	u32 i;

	if (!vnet)
		return 0;
	nest = nla_nest_start(skb, MESHREDIR_A_VNET);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < vnet->count; i++) {
		if (put_entry(skb, &vnet->entry[i])) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}
