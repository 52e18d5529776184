/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The events group: one message per decision counted, to the namespace's
 * listeners, rate-limited per namespace. The hooks call in right after
 * mr_count(); without a listener they stop at mr_events_wanted(), which
 * reads a bit of the netlink listeners' map and takes no lock.
 */
#ifndef MR_EVENTS_H
#define MR_EVENTS_H

#include <linux/netfilter.h>
#include <net/genetlink.h>
#include <net/netfilter/nf_conntrack_tuple.h>
#include "compat.h"
#include "netlink.h"
#include "netns.h"

static inline bool mr_events_wanted(struct net *net)
{
	return MR_EVENTS_RESTRICTED &&
	       genl_has_listeners(&mr_genl_family, net, MR_MCGRP_EVENTS);
}

/*
 * A new connection or UDP/53 flow classified by the NAT function: its
 * original tuple, owner (flow), reason, and, for a redirect, where it was
 * bound (to, port).
 */
void mr_event_conn(const struct nf_hook_state *state,
		   const struct mr_config *cfg, struct mr_stats *stats,
		   const struct nf_conntrack_tuple *tuple,
		   const struct mr_flow *flow, enum meshredir_reason reason,
		   const union nf_inet_addr *to, u16 port);

/*
 * A packet counted without a connection (DROPPED_INVALID, DNS_ZONED): its
 * facts read from its headers; flow gives the owner, or is NULL.
 */
void mr_event_packet(const struct nf_hook_state *state,
		     const struct mr_config *cfg, struct mr_stats *stats,
		     struct sk_buff *skb, const struct mr_flow *flow,
		     enum mr_hook hook, enum meshredir_reason reason);

#endif /* MR_EVENTS_H */
