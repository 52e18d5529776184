/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The meshredir generic netlink family: the only code that touches
 * attributes. netlink.c registers it; netlink_set.c and netlink_get.c
 * handle its commands.
 */
#ifndef MR_NETLINK_H
#define MR_NETLINK_H

#include <net/genetlink.h>
#include "sets.h"
#include "../uapi/linux/meshredir.h"

extern struct genl_family mr_genl_family;

/* The family's multicast groups, by their index in it. */
enum mr_mcgrp {
	MR_MCGRP_EVENTS,
};

int mr_nl_set(struct sk_buff *skb, struct genl_info *info);
int mr_nl_del(struct sk_buff *skb, struct genl_info *info);
int mr_nl_reset_counters(struct sk_buff *skb, struct genl_info *info);

int mr_nl_get(struct sk_buff *skb, struct genl_info *info);
int mr_nl_get_start(struct netlink_callback *cb);
int mr_nl_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int mr_nl_get_done(struct netlink_callback *cb);

struct mr_config_input;
struct mr_range;
struct mr_vnet;

/* A CIDR entry of a list, as netlink_set.c parses it: vnet's too. */
extern const struct nla_policy mr_nl_cidr_policy[MESHREDIR_CIDR_A_MAX + 1];
int mr_nl_vnet_cidr(const struct nlattr *cidr, bool *ipv6, struct mr_range *out,
		    struct netlink_ext_ack *extack);
/* A CIDR as netlink_get.c puts it, nested as type: vnet's too. */
int mr_nl_put_cidr(struct sk_buff *skb, int type, struct mr_key addr,
		   unsigned int prefix_len, bool ipv6);

/* netlink_vnet.c: MESHREDIR_A_VNET, in a SET and in a GET. */
int mr_nl_vnet_parse(const struct nlattr *attr, struct mr_config_input *in,
		     struct netlink_ext_ack *extack);
size_t mr_nl_vnet_size(const struct mr_vnet *vnet);
int mr_nl_vnet_put(struct sk_buff *skb, const struct mr_vnet *vnet);

int mr_genl_init(void);
void mr_genl_exit(void);

#endif /* MR_NETLINK_H */
