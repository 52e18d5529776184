// SPDX-License-Identifier: GPL-2.0
/*
 * Kuma's nat rules, in their order, and its raw rules of the DNS zone
 * split. The rule names in comments (A1, B3, D2, ...) are those of
 * module/KUMA.md, which describes the rules.
 */

#include "decide.h"

static const struct mr_key localhost4 = { 0, 0x7f000001 };	/* 127.0.0.1 */
static const struct mr_key passthrough4 = { 0, 0x7f000006 };	/* 127.0.0.6 */
static const struct mr_key localhost6 = { 0, 1 };		/* ::1 */
static const struct mr_key passthrough6 = { 0, 6 };		/* ::6 */

static bool is_owner(const struct mr_config *cfg, const struct mr_flow *flow)
{
	/* As xt_owner: without a socket, a positive owner test fails. */
	return flow->has_owner &&
	       (mr_set_contains(cfg->owner_uids, mr_key_u32(flow->uid)) ||
		mr_set_contains(cfg->owner_gids, mr_key_u32(flow->gid)));
}

static bool uid_port_excluded(const struct mr_uid_ports *up,
			      const struct mr_flow *flow)
{
	struct mr_key uid = mr_key_u32(flow->uid);
	u32 lo = 0, hi;

	if (!up || !flow->has_owner)
		return false;
	hi = up->count;
	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (mr_key_cmp(up->entry[mid].uids.last, uid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < up->count &&
	       mr_key_cmp(up->entry[lo].uids.first, uid) <= 0 &&
	       mr_set_contains(up->entry[lo].ports, mr_key_u32(flow->dport));
}

static const struct mr_set *excluded_ips(const struct mr_dir *dir,
					 const struct mr_flow *flow)
{
	return flow->ipv6 ? dir->exclude_ips6 : dir->exclude_ips4;
}

static enum meshredir_reason by_port(const struct mr_dir *dir, u16 dport,
				     enum meshredir_reason redirect)
{
	struct mr_key port = mr_key_u32(dport);

	if (dir->include_ports)
		return mr_set_contains(dir->include_ports, port) ?
		       redirect : MESHREDIR_REASON_NOT_INCLUDED;
	return redirect;
}

static const struct mr_set *dns_servers(const struct mr_config *cfg,
					const struct mr_flow *flow)
{
	return flow->ipv6 ? cfg->dns.servers6 : cfg->dns.servers4;
}

/*
 * Kuma builds the DNS rules of a family only when it captures all, or its
 * resolv.conf gives that family a server.
 */
static bool dns_family(const struct mr_config *cfg, const struct mr_flow *flow)
{
	return cfg->dns.enabled &&
	       (cfg->dns.capture_all || dns_servers(cfg, flow));
}

static const struct mr_set *docker_dns(const struct mr_config *cfg,
				       const struct mr_flow *flow)
{
	return flow->ipv6 ? cfg->dns.docker6 : cfg->dns.docker4;
}

/*
 * Docker's nat rules send what goes to its embedded DNS on to it, after
 * meshredir left it alone: Kuma's D1 jumps to Docker's chain when the
 * family has one, and Docker's own jump sits ahead of Kuma's appended
 * rules, with DNS capture or without.
 */
static bool to_docker_dns(const struct mr_config *cfg,
			  const struct mr_flow *flow)
{
	return flow->dport == MR_DNS_PORT &&
	       mr_set_contains(docker_dns(cfg, flow), flow->daddr);
}

/* D2's match: to a server, or anywhere when capturing all. */
static bool dns_captured(const struct mr_config *cfg, const struct mr_flow *flow)
{
	return cfg->dns.capture_all ||
	       mr_set_contains(dns_servers(cfg, flow), flow->daddr);
}

/* UDP/53 out, after A1 and A2. */
static enum meshredir_reason decide_dns(const struct mr_config *cfg,
					const struct mr_flow *flow)
{
	if (!dns_family(cfg, flow))
		return MESHREDIR_REASON_DNS_PASSED;
	/*
	 * D1: the proxy's queries to the upstream resolvers; with Docker's
	 * chain, only what the chain takes, the rest going on to D2.
	 */
	if (is_owner(cfg, flow) &&
	    (!docker_dns(cfg, flow) || to_docker_dns(cfg, flow)))
		return MESHREDIR_REASON_PROXY_OWNER;
	/* D2 */
	if (dns_captured(cfg, flow))
		return MESHREDIR_REASON_REDIRECTED_DNS;
	return MESHREDIR_REASON_DNS_PASSED;
}

static enum meshredir_reason decide_local_out(const struct mr_config *cfg,
					      const struct mr_flow *flow)
{
	const struct mr_dir *out = &cfg->outbound;
	struct mr_key localhost = flow->ipv6 ? localhost6 : localhost4;
	struct mr_key passthrough = flow->ipv6 ? passthrough6 : passthrough4;
	bool owner = is_owner(cfg, flow);

	/* A1, A2: inserted ahead of everything, for every protocol. */
	if (uid_port_excluded(flow->udp ? cfg->uid_ports_udp : cfg->uid_ports,
			      flow))
		return MESHREDIR_REASON_EXCLUDED_PORT_FOR_UID;
	if (mr_set_contains(excluded_ips(out, flow), flow->daddr))
		return MESHREDIR_REASON_EXCLUDED_IP;
	if (flow->udp)
		return decide_dns(cfg, flow);
	/* Docker's jump, ahead of D3 and of the jump to the outbound chain. */
	if (to_docker_dns(cfg, flow))
		return MESHREDIR_REASON_DNS_PASSED;
	/* D3: appended to OUTPUT, ahead of the jump to the outbound chain. */
	if (flow->dport == MR_DNS_PORT && !owner && dns_family(cfg, flow))
		return MESHREDIR_REASON_DNS_PASSED;
	/* A disabled outbound chain is only "TCP -> RETURN". */
	if (!out->enabled)
		return MESHREDIR_REASON_DIRECTION_DISABLED;
	/* B1: ahead of B3, so it also spares the proxy's loopback calls. */
	if (!out->include_ports &&
	    mr_set_contains(out->exclude_ports, mr_key_u32(flow->dport)))
		return MESHREDIR_REASON_EXCLUDED_PORT;
	if (flow->oif_loopback) {
		/* B2 */
		if (mr_key_eq(flow->saddr, passthrough))
			return MESHREDIR_REASON_PASSTHROUGH;
		/* B3: the proxy calling its own pod's address: it is inbound. */
		if (owner && !mr_key_eq(flow->daddr, localhost))
			return MESHREDIR_REASON_REDIRECTED_INBOUND;
		/* B4 */
		if (!owner)
			return MESHREDIR_REASON_LOOPBACK;
	}
	/* B5 */
	if (owner)
		return MESHREDIR_REASON_PROXY_OWNER;
	/* B6: routed via loopback, so B3-B5 decide it first; kept for safety. */
	if (mr_key_eq(flow->daddr, localhost))
		return MESHREDIR_REASON_LOCALHOST;
	/* B7 */
	return by_port(out, flow->dport, MESHREDIR_REASON_REDIRECTED_OUTBOUND);
}

/* As iptables -i: the whole name, or the prefix before a trailing '+'. */
static bool vnet_iif(const struct mr_vnet_entry *e, const struct mr_flow *flow)
{
	return e->ipv6 == flow->ipv6 && flow->iifname &&
	       !strncmp(flow->iifname, e->ifname, e->len);
}

/* V1's match: UDP/53 arriving on an interface of a vnet entry. */
static bool vnet_dns(const struct mr_config *cfg, const struct mr_flow *flow)
{
	u32 i;

	if (!cfg->vnet || flow->hook != MR_HOOK_PRE_ROUTING ||
	    flow->dport != MR_DNS_PORT)
		return false;
	for (i = 0; i < cfg->vnet->count; i++)
		if (vnet_iif(&cfg->vnet->entry[i], flow))
			return true;
	return false;
}

/*
 * V2's match: TCP arriving on an entry's interface, to an address outside
 * its CIDR. Each entry is a rule of its own, so one such entry suffices.
 */
static bool vnet_outbound(const struct mr_config *cfg, const struct mr_flow *flow)
{
	const struct mr_vnet_entry *e;
	u32 i;

	for (i = 0; cfg->vnet && i < cfg->vnet->count; i++) {
		e = &cfg->vnet->entry[i];
		if (vnet_iif(e, flow) &&
		    (mr_key_cmp(flow->daddr, e->cidr.first) < 0 ||
		     mr_key_cmp(flow->daddr, e->cidr.last) > 0))
			return true;
	}
	return false;
}

static enum meshredir_reason decide_pre_routing(const struct mr_config *cfg,
						const struct mr_flow *flow)
{
	const struct mr_dir *in = &cfg->inbound;

	/* V1, V2: inserted at the top of PREROUTING, ahead of the inbound chain. */
	if (flow->udp)
		return MESHREDIR_REASON_REDIRECTED_DNS;
	if (vnet_outbound(cfg, flow))
		return MESHREDIR_REASON_REDIRECTED_OUTBOUND;
	if (!in->enabled)
		return MESHREDIR_REASON_DIRECTION_DISABLED;
	/* Inbound IP exclusions match the source. */
	if (mr_set_contains(excluded_ips(in, flow), flow->saddr))
		return MESHREDIR_REASON_EXCLUDED_IP;
	/* With include ports, exclude ports are ignored. */
	if (!in->include_ports &&
	    mr_set_contains(in->exclude_ports, mr_key_u32(flow->dport)))
		return MESHREDIR_REASON_EXCLUDED_PORT;
	return by_port(in, flow->dport, MESHREDIR_REASON_REDIRECTED_INBOUND);
}

enum meshredir_reason mr_decide(const struct mr_config *cfg,
				const struct mr_flow *flow)
{
	/*
	 * In ipv4 mode Kuma installs no ip6tables rules. The IPv6 functions
	 * can still be registered, kept for the connections an earlier
	 * dualstack configuration redirected.
	 */
	if (flow->udp && !vnet_dns(cfg, flow) &&
	    (!cfg->dns.enabled || flow->dport != MR_DNS_PORT ||
	     flow->hook != MR_HOOK_LOCAL_OUT))
		return MESHREDIR_REASON_UNSPEC;
	if (flow->ipv6 && cfg->ip_family_mode == MESHREDIR_IP_FAMILY_IPV4)
		return MESHREDIR_REASON_FAMILY_DISABLED;
	if (flow->hook == MR_HOOK_LOCAL_OUT)
		return decide_local_out(cfg, flow);
	return decide_pre_routing(cfg, flow);
}

u16 mr_decide_zone(const struct mr_config *cfg, const struct mr_flow *flow)
{
	if (flow->hook != MR_HOOK_LOCAL_OUT || !flow->udp ||
	    flow->dport != MR_DNS_PORT ||
	    !(cfg->dns.zone_split & (flow->ipv6 ? MESHREDIR_ZONE_SPLIT_IPV6 :
						  MESHREDIR_ZONE_SPLIT_IPV4)) ||
	    (flow->ipv6 && cfg->ip_family_mode == MESHREDIR_IP_FAMILY_IPV4) ||
	    !dns_family(cfg, flow))
		return 0;
	/* D4: the proxy's query upstream. */
	if (is_owner(cfg, flow))
		return MESHREDIR_DNS_ZONE_UPSTREAM;
	/* D6: the application's query to be captured. */
	if (dns_captured(cfg, flow))
		return MESHREDIR_DNS_ZONE_PROXY;
	return 0;
}
