// SPDX-License-Identifier: GPL-2.0
/*
 * Builds and sends the events of the events group (uapi/linux/meshredir.h,
 * "Events"). Runs in the packet path, in softirq or with the sending task's
 * BHs enabled: nothing here sleeps or takes a lock. The rate limit is one
 * word updated by compare-and-exchange, the counts of what was not sent are
 * atomics, and a message is allocated GFP_ATOMIC; any failure is one more
 * event dropped, never a packet's verdict changed.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/timekeeping.h>
#include <net/ipv6.h>
#include "events.h"
#include "ratelimit.h"

struct mr_event {
	u8 hook;			/* MESHREDIR_COUNTERS_A_* */
	u8 family;			/* AF_INET or AF_INET6 */
	u8 protocol;
	bool has_ports;
	bool has_owner;
	bool has_to;
	u16 sport, dport, to_port;
	u32 uid, gid, ifindex;
	u32 reason;
	union nf_inet_addr saddr, daddr, to;
};

/* Every attribute at its largest. */
static size_t event_size(void)
{
	return 3 * nla_total_size(sizeof(u8)) +
	       3 * nla_total_size(sizeof(struct in6_addr)) +
	       3 * nla_total_size(sizeof(u16)) +
	       4 * nla_total_size(sizeof(u32)) +
	       nla_total_size_64bit(sizeof(u64));
}

static bool admit(struct mr_stats *stats, u32 rate)
{
	u64 now = ktime_get_mono_fast_ns();
	s64 tat = atomic64_read(&stats->event_tat);
	u64 next;

	/* Lock-free: a retry means another CPU's event went first. */
	do {
		if (!mr_rate_admit(tat, now, rate, &next))
			return false;
	} while (!atomic64_try_cmpxchg(&stats->event_tat, &tat, next));
	return true;
}

static int put_addr(struct sk_buff *skb, int type, const struct mr_event *ev,
		    const union nf_inet_addr *addr)
{
	if (ev->family == AF_INET)
		return nla_put_in_addr(skb, type, addr->ip);
	return nla_put_in6_addr(skb, type, &addr->in6);
}

static int fill(struct sk_buff *skb, const struct mr_event *ev, u64 unreported)
{
	if (nla_put_u8(skb, MESHREDIR_EVENT_A_HOOK, ev->hook) ||
	    nla_put_u8(skb, MESHREDIR_EVENT_A_FAMILY, ev->family) ||
	    nla_put_u8(skb, MESHREDIR_EVENT_A_PROTOCOL, ev->protocol) ||
	    put_addr(skb, MESHREDIR_EVENT_A_SRC_ADDR, ev, &ev->saddr) ||
	    put_addr(skb, MESHREDIR_EVENT_A_DST_ADDR, ev, &ev->daddr) ||
	    nla_put_u32(skb, MESHREDIR_EVENT_A_REASON, ev->reason))
		return -EMSGSIZE;
	if (ev->has_ports &&
	    (nla_put_u16(skb, MESHREDIR_EVENT_A_SRC_PORT, ev->sport) ||
	     nla_put_u16(skb, MESHREDIR_EVENT_A_DST_PORT, ev->dport)))
		return -EMSGSIZE;
	if (ev->has_owner &&
	    (nla_put_u32(skb, MESHREDIR_EVENT_A_UID, ev->uid) ||
	     nla_put_u32(skb, MESHREDIR_EVENT_A_GID, ev->gid)))
		return -EMSGSIZE;
	if (ev->has_to &&
	    (put_addr(skb, MESHREDIR_EVENT_A_TO_ADDR, ev, &ev->to) ||
	     nla_put_u16(skb, MESHREDIR_EVENT_A_TO_PORT, ev->to_port)))
		return -EMSGSIZE;
	if (unreported &&
	    nla_put_u64_64bit(skb, MESHREDIR_EVENT_A_DROPPED, unreported,
			      MESHREDIR_EVENT_A_UNSPEC))
		return -EMSGSIZE;
	if (ev->hook == MESHREDIR_COUNTERS_A_PRE_ROUTING &&
	    nla_put_u32(skb, MESHREDIR_EVENT_A_IFINDEX, ev->ifindex))
		return -EMSGSIZE;
	return 0;
}

static void send(struct net *net, const struct mr_config *cfg,
		 struct mr_stats *stats, const struct mr_event *ev)
{
	struct sk_buff *skb;
	u64 unreported;
	void *hdr;

	if (!admit(stats, cfg->event_rate))
		goto drop;
	skb = genlmsg_new(event_size(), GFP_ATOMIC);
	if (!skb)
		goto drop;
	hdr = genlmsg_put(skb, 0, 0, &mr_genl_family, 0, MESHREDIR_CMD_EVENT);
	if (!hdr) {
		nlmsg_free(skb);
		goto drop;
	}
	unreported = atomic64_xchg(&stats->events_unreported, 0);
	if (fill(skb, ev, unreported)) {
		atomic64_add(unreported, &stats->events_unreported);
		nlmsg_free(skb);
		goto drop;
	}
	genlmsg_end(skb, hdr);
	/*
	 * Only this namespace's listeners. A listener whose socket is full
	 * misses it and learns so from ENOBUFS, as with any netlink group.
	 */
	genlmsg_multicast_netns(&mr_genl_family, net, skb, 0, MR_MCGRP_EVENTS,
				GFP_ATOMIC);
	return;
drop:
	atomic64_inc(&stats->events_dropped);
	atomic64_inc(&stats->events_unreported);
}

static void event_init(struct mr_event *ev, const struct nf_hook_state *state,
		       const struct mr_flow *flow, enum mr_hook hook,
		       enum meshredir_reason reason)
{
	ev->family = state->pf == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	ev->reason = reason;
	if (hook == MR_HOOK_LOCAL_OUT) {
		ev->hook = MESHREDIR_COUNTERS_A_LOCAL_OUT;
	} else {
		ev->hook = MESHREDIR_COUNTERS_A_PRE_ROUTING;
		ev->ifindex = state->in ? state->in->ifindex : 0;
	}
	if (flow && flow->has_owner) {
		ev->has_owner = true;
		ev->uid = flow->uid;
		ev->gid = flow->gid;
	}
}

void mr_event_conn(const struct nf_hook_state *state,
		   const struct mr_config *cfg, struct mr_stats *stats,
		   const struct nf_conntrack_tuple *tuple,
		   const struct mr_flow *flow, enum meshredir_reason reason,
		   const union nf_inet_addr *to, u16 port)
{
	struct mr_event ev = {};

	event_init(&ev, state, flow, flow->hook, reason);
	ev.protocol = tuple->dst.protonum;
	ev.has_ports = true;
	ev.saddr = tuple->src.u3;
	ev.daddr = tuple->dst.u3;
	ev.sport = ntohs(tuple->src.u.all);
	ev.dport = ntohs(tuple->dst.u.all);
	if (mr_reason_redirects(reason) || reason == MESHREDIR_REASON_RESUMED) {
		ev.has_to = true;
		ev.to = *to;
		ev.to_port = port;
	}
	send(state->net, cfg, stats, &ev);
}

/* The addresses, protocol and (TCP, UDP) ports from the packet's headers. */
static void packet_facts(struct sk_buff *skb, struct mr_event *ev)
{
	__be16 ports[2], *p;
	int thoff;

	if (ev->family == AF_INET) {
		const struct iphdr *iph = ip_hdr(skb);

		ev->protocol = iph->protocol;
		ev->saddr.ip = iph->saddr;
		ev->daddr.ip = iph->daddr;
		if (ip_is_fragment(iph) && (iph->frag_off & htons(IP_OFFSET)))
			return;
		thoff = ip_hdrlen(skb);
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);
		u8 nexthdr = ip6h->nexthdr;
		__be16 frag_off;

		ev->saddr.in6 = ip6h->saddr;
		ev->daddr.in6 = ip6h->daddr;
		thoff = ipv6_skip_exthdr(skb, sizeof(*ip6h), &nexthdr, &frag_off);
		ev->protocol = nexthdr;
		if (thoff < 0 || (frag_off & htons(~0x7)))
			return;
	}
	if (ev->protocol != IPPROTO_TCP && ev->protocol != IPPROTO_UDP)
		return;
	p = skb_header_pointer(skb, thoff, sizeof(ports), ports);
	if (!p)
		return;
	ev->has_ports = true;
	ev->sport = ntohs(p[0]);
	ev->dport = ntohs(p[1]);
}

void mr_event_packet(const struct nf_hook_state *state,
		     const struct mr_config *cfg, struct mr_stats *stats,
		     struct sk_buff *skb, const struct mr_flow *flow,
		     enum mr_hook hook, enum meshredir_reason reason)
{
	struct mr_event ev = {};

	event_init(&ev, state, flow, hook, reason);
	packet_facts(skb, &ev);
	send(state->net, cfg, stats, &ev);
}
