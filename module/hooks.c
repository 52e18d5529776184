// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path. For the first packet of a connection without destination
 * NAT (TCP, or UDP to port 53), the facts go to decide.c (for vnet, the
 * receiving interface's name: matched once a connection), and a redirected
 * connection is bound to the proxy's port with the address iptables'
 * REDIRECT would choose; conntrack applies the binding to every later
 * packet. With drop-invalid-packets, a second function drops at PRE_ROUTING
 * what conntrack found INVALID. With the DNS zone split, a third gives a
 * DNS query going out its conntrack zone, ahead of conntrack.
 */

#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/uidgid.h>
#include <net/addrconf.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_nat.h>
#include <net/sock.h>
#include <net/udp.h>
#include "compat.h"
#include "events.h"
#include "hooks.h"
#include "netns.h"

static struct mr_key key_of(const union nf_inet_addr *addr, bool ipv6)
{
	if (!ipv6)
		return mr_key_u32(ntohl(addr->ip));
	return (struct mr_key){
		.hi = (u64)ntohl(addr->ip6[0]) << 32 | ntohl(addr->ip6[1]),
		.lo = (u64)ntohl(addr->ip6[2]) << 32 | ntohl(addr->ip6[3]),
	};
}

/* The owner of the socket, read as xt_owner reads it. */
static void flow_owner(struct mr_flow *flow, struct sk_buff *skb,
		       struct net *net)
{
	struct sock *sk = skb_to_full_sk(skb);
	const struct file *filp;

	if (!sk || !sk->sk_socket || !net_eq(net, sock_net(sk)))
		return;
	read_lock_bh(&sk->sk_callback_lock);
	filp = sk->sk_socket ? sk->sk_socket->file : NULL;
	if (filp) {
		/* Unmapped IDs read as (u32)-1, which no owner range holds. */
		flow->uid = from_kuid(net->user_ns, filp->f_cred->fsuid);
		flow->gid = from_kgid(net->user_ns, filp->f_cred->fsgid);
		flow->has_owner = true;
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static bool ipv6_usable(const struct inet6_ifaddr *ifa, unsigned int scope)
{
	unsigned int type = ipv6_addr_type(&ifa->addr);

	if (type & IPV6_ADDR_MAPPED)
		return false;
	if ((ifa->flags & IFA_F_TENTATIVE) && !(ifa->flags & IFA_F_OPTIMISTIC))
		return false;
	return !scope || (scope & type & IPV6_ADDR_SCOPE_MASK);
}

static bool inbound_addr4(const struct sk_buff *skb, union nf_inet_addr *out)
{
	const struct in_device *indev = __in_dev_get_rcu(skb->dev);
	const struct in_ifaddr *ifa;

	ifa = indev ? rcu_dereference(indev->ifa_list) : NULL;
	if (!ifa)
		return false;
	out->ip = ifa->ifa_local;
	return out->ip != 0;
}

static bool inbound_addr6(const struct sk_buff *skb,
			  const union nf_inet_addr *daddr,
			  union nf_inet_addr *out)
{
	unsigned int scope = ipv6_addr_scope(&daddr->in6);
	struct inet6_dev *idev = __in6_dev_get(skb->dev);
	const struct inet6_ifaddr *ifa;
	bool found = false;

	if (!idev)
		return false;
	read_lock_bh(&idev->lock);
	list_for_each_entry(ifa, &idev->addr_list, if_list) {
		if (ipv6_usable(ifa, scope)) {
			out->in6 = ifa->addr;
			found = true;
			break;
		}
	}
	read_unlock_bh(&idev->lock);
	return found;
}

/* Where the redirect sends the flow: REDIRECT's choice of address. */
static bool redirect_addr(struct sk_buff *skb, const struct mr_flow *flow,
			  const union nf_inet_addr *daddr,
			  union nf_inet_addr *to)
{
	/* PRE_ROUTING (inbound, vnet): the receiving interface's first usable address. */
	if (flow->hook == MR_HOOK_PRE_ROUTING)
		return flow->ipv6 ? inbound_addr6(skb, daddr, to) :
				    inbound_addr4(skb, to);
	if (flow->ipv6)
		to->in6 = in6addr_loopback;
	else
		to->ip = htonl(INADDR_LOOPBACK);
	return true;
}

/*
 * Whether a socket, the proxy's, has the connection's translated tuple: the
 * connection's source, and the address and port the redirect sends it to.
 * Sockets accepted on a link-local address are bound to their device, hence
 * the receiving (or, outbound, loopback) device.
 */
static bool proxy_holds(struct net *net, const struct nf_conntrack_tuple *t,
			const union nf_inet_addr *to, u16 port, int dif)
{
	struct sock *sk;

	if (t->src.l3num == NFPROTO_IPV4)
		sk = mr_lookup_established4(net, t->src.u3.ip,
					    t->src.u.tcp.port, to->ip, port,
					    dif);
	else
		sk = mr_lookup_established6(net, &t->src.u3.in6,
					    t->src.u.tcp.port, &to->in6, port,
					    dif);
	if (!sk)
		return false;
	sock_gen_put(sk);
	return true;
}

static unsigned int redirect(struct nf_conn *ct, const union nf_inet_addr *to,
			     u16 port)
{
	struct nf_nat_range2 range = {
		.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED,
		.min_addr = *to,
		.max_addr = *to,
		.min_proto.tcp.port = htons(port),
		.max_proto.tcp.port = htons(port),
	};

	return nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
}

unsigned int mr_nat_hook(void *priv, struct sk_buff *skb,
			 const struct nf_hook_state *state)
{
	struct mr_net *mn = mr_net(state->net);
	const struct nf_conntrack_tuple *tuple;
	const struct mr_config *cfg;
	enum meshredir_reason reason;
	enum ip_conntrack_info ctinfo;
	union nf_inet_addr to = {};
	struct mr_flow flow = {};
	struct mr_stats *stats;
	struct nf_conn *ct;
	u16 port = 0;
	bool pickup;

	ct = nf_ct_get(skb, &ctinfo);
	/*
	 * A connection a helper expected (RELATED) has its first packet
	 * here too, and REDIRECT redirects it like any new one.
	 */
	if (!ct || nf_ct_is_confirmed(ct) ||
	    (ctinfo != IP_CT_NEW && ctinfo != IP_CT_RELATED))
		return NF_ACCEPT;
	tuple = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	if (tuple->dst.protonum != IPPROTO_TCP) {
		if (tuple->dst.protonum != IPPROTO_UDP ||
		    tuple->dst.u.udp.port != htons(MR_DNS_PORT))
			return NF_ACCEPT;
		flow.udp = true;
	}
	cfg = rcu_dereference(mn->config);
	/* UDP/53 has rules outbound with DNS capture, arriving with vnet. */
	if (!cfg || (flow.udp && !(state->hook == NF_INET_LOCAL_OUT ?
				   cfg->dns.enabled : !!cfg->vnet)))
		return NF_ACCEPT;
	/* Not begun with a SYN: conntrack picked it up mid-stream. */
	pickup = !flow.udp &&
		 READ_ONCE(ct->proto.tcp.state) != TCP_CONNTRACK_SYN_SENT;

	flow.ipv6 = state->pf == NFPROTO_IPV6;
	flow.dport = ntohs(tuple->dst.u.tcp.port);
	flow.saddr = key_of(&tuple->src.u3, flow.ipv6);
	flow.daddr = key_of(&tuple->dst.u3, flow.ipv6);
	if (state->hook == NF_INET_LOCAL_OUT) {
		flow.hook = MR_HOOK_LOCAL_OUT;
		flow.oif_loopback = state->out && (state->out->flags & IFF_LOOPBACK);
		flow_owner(&flow, skb, state->net);
	} else {
		flow.hook = MR_HOOK_PRE_ROUTING;
		flow.iifname = state->in->name;
	}

	reason = mr_decide(cfg, &flow);
	if (reason == MESHREDIR_REASON_UNSPEC)
		return NF_ACCEPT;
	if (mr_reason_redirects(reason)) {
		if (reason == MESHREDIR_REASON_REDIRECTED_INBOUND)
			port = cfg->inbound.port;
		else if (reason == MESHREDIR_REASON_REDIRECTED_DNS)
			port = cfg->dns.port;
		else
			port = cfg->outbound.port;
		/* No address to redirect to: REDIRECT drops the packet. */
		if (!redirect_addr(skb, &flow, &tuple->dst.u3, &to))
			reason = MESHREDIR_REASON_DROPPED;
	}
	if (pickup) {
		int dif = flow.hook == MR_HOOK_PRE_ROUTING ? state->in->ifindex :
			  LOOPBACK_IFINDEX;

		/* RESUMED or MIDSTREAM: nothing mid-stream is dropped. */
		reason = mr_decide_pickup(reason, mr_reason_redirects(reason) &&
					  proxy_holds(state->net, tuple, &to,
						      port, dif));
	}
	if ((mr_reason_redirects(reason) || reason == MESHREDIR_REASON_RESUMED) &&
	    redirect(ct, &to, port) != NF_ACCEPT)
		reason = MESHREDIR_REASON_DROPPED;
	stats = rcu_dereference(mn->stats);
	if (stats) {
		mr_count(stats, flow.hook, reason);
		if (mr_events_wanted(state->net))
			mr_event_conn(state, cfg, stats, tuple, &flow, reason,
				      &to, port);
	}
	return reason == MESHREDIR_REASON_DROPPED ? NF_DROP : NF_ACCEPT;
}

/*
 * Registered only while a configuration asks for drop-invalid-packets; the
 * configuration is read again all the same: a SET that turns it on
 * registers the function before it swaps the configuration in, and DEL
 * takes the configuration away before it unregisters the function.
 */
unsigned int mr_invalid_hook(void *priv, struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct mr_net *mn = mr_net(state->net);
	const struct mr_config *cfg = rcu_dereference(mn->config);
	enum ip_conntrack_info ctinfo;
	struct mr_stats *stats;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!mr_drops_invalid(cfg, state->pf == NFPROTO_IPV6, ct,
			      !ct && ctinfo == IP_CT_UNTRACKED))
		return NF_ACCEPT;
	stats = rcu_dereference(mn->stats);
	if (stats) {
		mr_count(stats, MR_HOOK_PRE_ROUTING, MESHREDIR_REASON_DROPPED_INVALID);
		if (mr_events_wanted(state->net))
			mr_event_packet(state, cfg, stats, skb, NULL,
					MR_HOOK_PRE_ROUTING,
					MESHREDIR_REASON_DROPPED_INVALID);
	}
	return NF_DROP;
}

/* The MESHREDIR_ZONE_SPLIT_* bit of a hook's family. */
static u8 zone_family(u8 pf)
{
	return pf == NFPROTO_IPV4 ? MESHREDIR_ZONE_SPLIT_IPV4 : MESHREDIR_ZONE_SPLIT_IPV6;
}

/* A UDP query's facts the zone split looks at; false if not one. */
static bool zone_flow(struct sk_buff *skb, u8 pf, struct mr_flow *flow)
{
	union nf_inet_addr saddr = {}, daddr = {};
	const struct udphdr *uh;
	struct udphdr _uh;
	int thoff;

	if (pf == NFPROTO_IPV4) {
		const struct iphdr *iph = ip_hdr(skb);

		if (ip_is_fragment(iph))
			return false;
		thoff = ip_hdrlen(skb);
		saddr.ip = iph->saddr;
		daddr.ip = iph->daddr;
	} else {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);
		u8 nexthdr = ip6h->nexthdr;
		__be16 frag_off;

		thoff = ipv6_skip_exthdr(skb, sizeof(*ip6h), &nexthdr, &frag_off);
		if (thoff < 0 || nexthdr != IPPROTO_UDP || (frag_off & htons(~0x7)))
			return false;
		saddr.in6 = ip6h->saddr;
		daddr.in6 = ip6h->daddr;
	}
	uh = skb_header_pointer(skb, thoff, sizeof(_uh), &_uh);
	if (!uh || uh->dest != htons(MR_DNS_PORT))
		return false;
	flow->hook = MR_HOOK_LOCAL_OUT;
	flow->udp = true;
	flow->ipv6 = pf == NFPROTO_IPV6;
	flow->dport = MR_DNS_PORT;
	flow->saddr = key_of(&saddr, flow->ipv6);
	flow->daddr = key_of(&daddr, flow->ipv6);
	return true;
}

/*
 * A UDP packet going out: a query gets its zone as xt_CT attaches one. The
 * configuration is read again all the same, as the drop-invalid function
 * does; conntrack then looks the query up, or creates its entry, in that
 * zone.
 */
static noinline unsigned int zone_udp(struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct mr_net *mn = mr_net(state->net);
	const struct mr_config *cfg;
	struct mr_flow flow = {};
	struct mr_stats *stats;
	struct nf_conn *tmpl;
	u16 zone;

	/* Given one already, by a raw table rule. */
	if (skb->_nfct)
		return NF_ACCEPT;
	cfg = rcu_dereference(mn->config);
	if (!cfg || !(cfg->dns.zone_split & zone_family(state->pf)) ||
	    !zone_flow(skb, state->pf, &flow))
		return NF_ACCEPT;
	flow_owner(&flow, skb, state->net);
	zone = mr_decide_zone(cfg, &flow);
	if (!zone)
		return NF_ACCEPT;
	tmpl = cfg->dns_zone[zone == MESHREDIR_DNS_ZONE_UPSTREAM ? 0 : 1];
	nf_conntrack_get(&tmpl->ct_general);
	nf_ct_set(skb, tmpl, IP_CT_NEW);
	stats = rcu_dereference(mn->stats);
	if (stats) {
		mr_count(stats, MR_HOOK_LOCAL_OUT, MESHREDIR_REASON_DNS_ZONED);
		if (mr_events_wanted(state->net))
			mr_event_packet(state, cfg, stats, skb, &flow,
					MR_HOOK_LOCAL_OUT,
					MESHREDIR_REASON_DNS_ZONED);
	}
	return NF_ACCEPT;
}

/*
 * The zone split, at raw priority in LOCAL_OUT: registered only in the
 * families a configuration asks it for, it sees every packet the namespace
 * sends there, so what cannot be UDP returns before anything else is read.
 */
unsigned int mr_zone_hook4(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	if (ip_hdr(skb)->protocol != IPPROTO_UDP)
		return NF_ACCEPT;
	return zone_udp(skb, state);
}

unsigned int mr_zone_hook6(void *priv, struct sk_buff *skb,
			   const struct nf_hook_state *state)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;

	/* Extension headers may lead to UDP: zone_flow walks them. */
	if (nexthdr != IPPROTO_UDP && !ipv6_ext_hdr(nexthdr))
		return NF_ACCEPT;
	return zone_udp(skb, state);
}
