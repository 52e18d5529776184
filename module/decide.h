/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The classification of a new TCP connection or UDP/53 flow, as Kuma's
 * transparent-proxy iptables rules make it, and the conntrack zone Kuma's
 * DNS zone split gives a query. A pure function of the configuration and a
 * few facts about the flow: hooks.c gathers the facts from the skb, KUnit and
 * tests/unit hand them in directly.
 */
#ifndef MR_DECIDE_H
#define MR_DECIDE_H

#include "config.h"
#include "../uapi/linux/meshredir.h"

enum mr_hook {
	MR_HOOK_LOCAL_OUT,
	MR_HOOK_PRE_ROUTING,
	MR_HOOK_COUNT
};

struct mr_flow {
	u8 hook;		/* enum mr_hook */
	bool ipv6;
	bool udp;		/* else TCP */
	/* LOCAL_OUT only: routed out through a loopback device. */
	bool oif_loopback;
	/* A local socket with a file, whose credentials uid and gid are. */
	bool has_owner;
	u16 dport;
	u32 uid;		/* fsuid, in the netns owner's user namespace */
	u32 gid;		/* fsgid, likewise */
	struct mr_key saddr;	/* IPv4: host order in lo */
	struct mr_key daddr;
	/* PRE_ROUTING only: the receiving interface's name, for vnet. */
	const char *iifname;
};

/* The port DNS goes to, Kuma's and every resolver's. */
#define MR_DNS_PORT 53

/*
 * MESHREDIR_REASON_UNSPEC for a flow no rule classifies (UDP other than
 * to port 53, outbound with DNS capture or arriving on a vnet interface):
 * it is neither acted on nor counted.
 */
enum meshredir_reason mr_decide(const struct mr_config *cfg,
				const struct mr_flow *flow);

/*
 * The zone split: MESHREDIR_DNS_ZONE_UPSTREAM or _PROXY for a UDP/53 query
 * going out that has no conntrack entry yet, or 0 to leave it in the
 * default zone. The zones are the original direction's only (config.c).
 */
u16 mr_decide_zone(const struct mr_config *cfg, const struct mr_flow *flow);

static inline bool mr_reason_redirects(enum meshredir_reason reason)
{
	return reason == MESHREDIR_REASON_REDIRECTED_INBOUND ||
	       reason == MESHREDIR_REASON_REDIRECTED_OUTBOUND ||
	       reason == MESHREDIR_REASON_REDIRECTED_DNS;
}

/*
 * A connection conntrack picked up mid-stream: one open before the first
 * SET, or one whose entry was flushed, evicted or timed out. reason is what
 * mr_decide() says of it as of a new one; proxy_holds, whether the proxy has
 * a socket for it as the redirect would translate it. Only then was it ours:
 * binding it again sends it back to that socket, as REDIRECT would, while
 * any other is left as it is, so that no connection is moved mid-stream.
 */
static inline enum meshredir_reason mr_decide_pickup(enum meshredir_reason reason,
						     bool proxy_holds)
{
	/* TCP only: a UDP flow has no mid-stream. */
	if ((reason == MESHREDIR_REASON_REDIRECTED_INBOUND ||
	     reason == MESHREDIR_REASON_REDIRECTED_OUTBOUND) && proxy_holds)
		return MESHREDIR_REASON_RESUMED;
	return MESHREDIR_REASON_MIDSTREAM;
}

/*
 * drop-invalid-packets, as `-m conntrack --ctstate INVALID -j DROP`: a
 * packet conntrack looked at and gave no entry, that is not one marked
 * untracked (NOTRACK), is INVALID.
 */
static inline bool mr_drops_invalid(const struct mr_config *cfg, bool ipv6,
				    bool has_ct, bool untracked)
{
	return cfg && cfg->drop_invalid && !has_ct && !untracked &&
	       !(ipv6 && cfg->ip_family_mode == MESHREDIR_IP_FAMILY_IPV4);
}

#endif /* MR_DECIDE_H */
