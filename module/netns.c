// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace state, and the only place that touches netfilter
 * registration: the first SET takes conntrack and registers the NAT lookup
 * functions (and the drop-invalid-packets function while a configuration
 * asks for it), later SETs swap the configuration under RCU and may add a
 * family, never drop one, DEL and namespace exit undo it all.
 */

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/percpu.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_nat.h>
#include <net/netns/generic.h>
#include "hooks.h"
#include "netns.h"

/* The zone split's families (MESHREDIR_ZONE_SPLIT_*) are these bits. */
enum {
	MR_FAMILY_IPV4 = MESHREDIR_ZONE_SPLIT_IPV4,
	MR_FAMILY_IPV6 = MESHREDIR_ZONE_SPLIT_IPV6,
};

static unsigned int net_id __read_mostly;

struct mr_net *mr_net(const struct net *net)
{
	return net_generic(net, net_id);
}

/*
 * Ahead of iptables' and nftables' nat chains at their usual priority
 * (NF_IP_PRI_NAT_DST and NF_IP6_PRI_NAT_DST, dstnat: -100, each family's
 * own name for it): whoever sets up the NAT binding first
 * owns the connection, and a meshredir namespace means the mesh owns it.
 */
#define MR_NAT_PRIORITY (NF_IP_PRI_NAT_DST - 10)
#define MR_NAT6_PRIORITY (NF_IP6_PRI_NAT_DST - 10)

static const struct nf_hook_ops nat_ops_ipv4[] = {
	{ .hook = mr_nat_hook, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_LOCAL_OUT, .priority = MR_NAT_PRIORITY },
	{ .hook = mr_nat_hook, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_PRE_ROUTING, .priority = MR_NAT_PRIORITY },
};

static const struct nf_hook_ops nat_ops_ipv6[] = {
	{ .hook = mr_nat_hook, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_LOCAL_OUT, .priority = MR_NAT6_PRIORITY },
	{ .hook = mr_nat_hook, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_PRE_ROUTING, .priority = MR_NAT6_PRIORITY },
};

static int register_fn(struct net *net, const struct nf_hook_ops *ops)
{
	if (ops->pf == NFPROTO_IPV4)
		return nf_nat_ipv4_register_fn(net, ops);
	return nf_nat_ipv6_register_fn(net, ops);
}

static void unregister_fn(struct net *net, const struct nf_hook_ops *ops)
{
	if (ops->pf == NFPROTO_IPV4)
		nf_nat_ipv4_unregister_fn(net, ops);
	else
		nf_nat_ipv6_unregister_fn(net, ops);
}

static const struct nf_hook_ops *family_ops(u8 family)
{
	return family == MR_FAMILY_IPV4 ? nat_ops_ipv4 : nat_ops_ipv6;
}

static u8 family_proto(u8 family)
{
	return family == MR_FAMILY_IPV4 ? NFPROTO_IPV4 : NFPROTO_IPV6;
}

static int family_get(struct net *net, u8 family)
{
	const struct nf_hook_ops *ops = family_ops(family);
	int err;

	err = nf_ct_netns_get(net, family_proto(family));
	if (err)
		goto err_ct;
	err = register_fn(net, &ops[0]);
	if (err)
		goto err_first;
	err = register_fn(net, &ops[1]);
	if (err)
		goto err_second;
	return 0;

err_second:
	unregister_fn(net, &ops[0]);
err_first:
	nf_ct_netns_put(net, family_proto(family));
err_ct:
	return err;
}

static void family_put(struct net *net, u8 family)
{
	const struct nf_hook_ops *ops = family_ops(family);

	unregister_fn(net, &ops[1]);
	unregister_fn(net, &ops[0]);
	nf_ct_netns_put(net, family_proto(family));
}

static u8 config_families(const struct mr_config *cfg)
{
	if (cfg->ip_family_mode == MESHREDIR_IP_FAMILY_IPV4)
		return MR_FAMILY_IPV4;
	return MR_FAMILY_IPV4 | MR_FAMILY_IPV6;
}

/* Moves the registrations from mn->families to want; all or nothing. */
static int families_set(struct net *net, struct mr_net *mn, u8 want)
{
	u8 add = want & ~mn->families, drop = mn->families & ~want;
	int err;

	if (add & MR_FAMILY_IPV4) {
		err = family_get(net, MR_FAMILY_IPV4);
		if (err)
			return err;
	}
	if (add & MR_FAMILY_IPV6) {
		err = family_get(net, MR_FAMILY_IPV6);
		if (err) {
			if (add & MR_FAMILY_IPV4)
				family_put(net, MR_FAMILY_IPV4);
			return err;
		}
	}
	if (drop & MR_FAMILY_IPV4)
		family_put(net, MR_FAMILY_IPV4);
	if (drop & MR_FAMILY_IPV6)
		family_put(net, MR_FAMILY_IPV6);
	mn->families = want;
	return 0;
}

/*
 * drop-invalid-packets: Kuma's mangle PREROUTING rule, so at mangle
 * priority, after conntrack (-200) has given the packet its state.
 */
static const struct nf_hook_ops invalid_ops[] = {
	{ .hook = mr_invalid_hook, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_PRE_ROUTING, .priority = NF_IP_PRI_MANGLE },
	{ .hook = mr_invalid_hook, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_PRE_ROUTING, .priority = NF_IP6_PRI_MANGLE },
};

/*
 * The DNS zone split: Kuma's raw OUTPUT rules, so at raw priority, ahead
 * of conntrack (-200), which reads the zone from the template attached.
 * Answers need no function: their zone is the default (config.c).
 */
static const struct nf_hook_ops zone_ops[] = {
	{ .hook = mr_zone_hook4, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_LOCAL_OUT, .priority = NF_IP_PRI_RAW },
	{ .hook = mr_zone_hook6, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_LOCAL_OUT, .priority = NF_IP6_PRI_RAW },
};

/*
 * Moves the registrations of a plain function to want; all or nothing. ops
 * holds n for IPv4, then n for IPv6. Only for families whose conntrack we
 * hold: without it every packet would look INVALID, and no zone would
 * matter.
 */
static int hooks_set(struct net *net, struct mr_net *mn,
		     const struct nf_hook_ops *ops, unsigned int n,
		     u8 *have, u8 want)
{
	u8 add = want & ~*have, drop = *have & ~want;
	int err;

	if (WARN_ON_ONCE(want & ~mn->families))
		return -EINVAL;
	if (add & MR_FAMILY_IPV4) {
		err = nf_register_net_hooks(net, ops, n);
		if (err)
			return err;
	}
	if (add & MR_FAMILY_IPV6) {
		err = nf_register_net_hooks(net, ops + n, n);
		if (err) {
			if (add & MR_FAMILY_IPV4)
				nf_unregister_net_hooks(net, ops, n);
			return err;
		}
	}
	if (drop & MR_FAMILY_IPV4)
		nf_unregister_net_hooks(net, ops, n);
	if (drop & MR_FAMILY_IPV6)
		nf_unregister_net_hooks(net, ops + n, n);
	*have = want;
	return 0;
}

static int invalid_set(struct net *net, struct mr_net *mn, u8 want)
{
	return hooks_set(net, mn, invalid_ops, 1, &mn->invalid_families, want);
}

static int zone_set(struct net *net, struct mr_net *mn, u8 want)
{
	return hooks_set(net, mn, zone_ops, 1, &mn->zone_families, want);
}

static void stats_free_rcu(struct rcu_head *rcu)
{
	struct mr_stats *stats = container_of(rcu, struct mr_stats, rcu);

	free_percpu(stats->pcpu);
	kfree(stats);
}

static struct mr_stats *stats_alloc(void)
{
	struct mr_stats *stats = kzalloc(sizeof(*stats), GFP_KERNEL_ACCOUNT);
	int cpu;

	if (!stats)
		return NULL;
	stats->pcpu = alloc_percpu_gfp(struct mr_pcpu_counters, GFP_KERNEL_ACCOUNT);
	if (!stats->pcpu) {
		kfree(stats);
		return NULL;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats->pcpu, cpu)->syncp);
	return stats;
}

int mr_net_configure_locked(struct net *net, struct mr_config *cfg,
			    struct netlink_ext_ack *extack)
{
	struct mr_net *mn = mr_net(net);
	u8 old_families = mn->families, want = config_families(cfg);
	u8 old_invalid = mn->invalid_families, old_zone = mn->zone_families;
	struct mr_stats *stats = NULL;
	struct mr_config *old;
	int err;

	lockdep_assert_held(&mn->lock);
	if (!rcu_access_pointer(mn->stats)) {
		stats = stats_alloc();
		if (!stats) {
			err = -ENOMEM;
			goto err_free;
		}
	}
	/*
	 * A family is only ever added, and kept until DEL even when a later
	 * configuration drops it: its conntrack entries and NAT functions
	 * are what keeps the connections already redirected in it going,
	 * and the functions leave its new connections alone meanwhile
	 * (mr_decide()). Added first, so that the drop-invalid function,
	 * moved next, only ever runs where conntrack is held, and a failure
	 * is undone by dropping what was added, which cannot fail.
	 */
	err = families_set(net, mn, old_families | want);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot take conntrack or register the NAT functions");
		goto err_stats;
	}
	/*
	 * The plain functions are added first and dropped once every
	 * addition succeeded: undoing an addition only drops, which cannot
	 * fail.
	 */
	err = invalid_set(net, mn, old_invalid | (cfg->drop_invalid ? want : 0));
	if (err) {
		families_set(net, mn, old_families);
		NL_SET_ERR_MSG(extack,
			       "drop-invalid-packets: cannot register the netfilter function");
		goto err_stats;
	}
	err = zone_set(net, mn, old_zone | (cfg->dns.zone_split & want));
	if (err) {
		invalid_set(net, mn, old_invalid);
		families_set(net, mn, old_families);
		NL_SET_ERR_MSG(extack,
			       "dns: cannot register the conntrack zone split's netfilter function");
		goto err_stats;
	}
	invalid_set(net, mn, cfg->drop_invalid ? want : 0);
	zone_set(net, mn, cfg->dns.zone_split & want);
	/* Counters first: a hook that sees the configuration counts into them. */
	if (stats)
		rcu_assign_pointer(mn->stats, stats);
	old = rcu_replace_pointer(mn->config, cfg, lockdep_is_held(&mn->lock));
	mr_config_put(old);
	return 0;

err_stats:
	if (stats) {
		free_percpu(stats->pcpu);
		kfree(stats);
	}
err_free:
	mr_config_free(cfg);
	return err;
}

static int net_teardown(struct net *net, struct mr_net *mn)
{
	struct mr_config *old;
	struct mr_stats *stats;

	old = rcu_replace_pointer(mn->config, NULL, lockdep_is_held(&mn->lock));
	if (!old)
		return -ENOENT;
	/* Unregistering cannot fail; it only ever drops registrations. */
	zone_set(net, mn, 0);
	invalid_set(net, mn, 0);
	families_set(net, mn, 0);
	stats = rcu_replace_pointer(mn->stats, NULL, lockdep_is_held(&mn->lock));
	mr_config_put(old);
	call_rcu(&stats->rcu, stats_free_rcu);
	return 0;
}

struct mr_config_input *mr_net_take_pending_locked(struct mr_net *mn)
{
	struct mr_config_input *in = mn->pending;

	lockdep_assert_held(&mn->lock);
	mn->pending = NULL;
	WRITE_ONCE(mn->pending_portid, 0);
	return in;
}

void mr_net_pend_locked(struct mr_net *mn, struct mr_config_input *in)
{
	lockdep_assert_held(&mn->lock);
	WARN_ON_ONCE(mn->pending);
	mn->pending = in;
	mn->pending_at = jiffies;
	WRITE_ONCE(mn->pending_portid, in->portid);
}

void mr_net_discard_pending_locked(struct mr_net *mn)
{
	mr_config_input_free(mr_net_take_pending_locked(mn));
}

/* A SET pending in parts goes too: it was to replace what is removed. */
int mr_net_deconfigure(struct net *net)
{
	struct mr_net *mn = mr_net(net);
	bool pending;
	int err;

	mutex_lock(&mn->lock);
	pending = mn->pending;
	mr_net_discard_pending_locked(mn);
	err = net_teardown(net, mn);
	mutex_unlock(&mn->lock);
	return err == -ENOENT && pending ? 0 : err;
}

struct mr_config *mr_net_config_get(struct mr_net *mn, struct mr_counters *counters)
{
	struct mr_config *cfg;

	mutex_lock(&mn->lock);
	cfg = rcu_dereference_protected(mn->config, lockdep_is_held(&mn->lock));
	if (cfg) {
		mr_config_get(cfg);
		mr_net_read_counters(mn, counters);
	}
	mutex_unlock(&mn->lock);
	return cfg;
}

/* Each CPU's counters are read whole (retried if a 32-bit writer came between). */
static void counters_sum(struct mr_stats *stats, struct mr_counters *out)
{
	u64 one[MR_HOOK_COUNT][__MESHREDIR_REASON_MAX];
	unsigned int start;
	int cpu, h, r;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct mr_pcpu_counters *c = per_cpu_ptr(stats->pcpu, cpu);

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			for (h = 0; h < MR_HOOK_COUNT; h++)
				for (r = 0; r < __MESHREDIR_REASON_MAX; r++)
					one[h][r] = u64_stats_read(&c->n[h][r]);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		for (h = 0; h < MR_HOOK_COUNT; h++)
			for (r = 0; r < __MESHREDIR_REASON_MAX; r++)
				out->n[h][r] += one[h][r];
	}
}

void mr_net_read_counters(struct mr_net *mn, struct mr_counters *out)
{
	struct mr_stats *stats;
	int h, r;

	stats = rcu_dereference_protected(mn->stats, lockdep_is_held(&mn->lock));
	counters_sum(stats, out);
	/*
	 * The sums only grow, so a counter is never below its base; were it
	 * ever, it reads 0 rather than wrapping to 2^64 - n.
	 */
	for (h = 0; h < MR_HOOK_COUNT; h++)
		for (r = 0; r < __MESHREDIR_REASON_MAX; r++)
			out->n[h][r] = out->n[h][r] > stats->base.n[h][r] ?
				       out->n[h][r] - stats->base.n[h][r] : 0;
	out->events_dropped = atomic64_read(&stats->events_dropped);
}

int mr_net_reset_counters(struct net *net)
{
	struct mr_net *mn = mr_net(net);
	struct mr_stats *stats;
	int err = -ENOENT;

	mutex_lock(&mn->lock);
	stats = rcu_dereference_protected(mn->stats, lockdep_is_held(&mn->lock));
	if (stats) {
		counters_sum(stats, &stats->base);
		atomic64_set(&stats->events_dropped, 0);
		err = 0;
	}
	mutex_unlock(&mn->lock);
	return err;
}

static int __net_init pernet_init(struct net *net)
{
	struct mr_net *mn = mr_net(net);

	mutex_init(&mn->lock);
	return 0;
}

static void __net_exit pernet_exit(struct net *net)
{
	struct mr_net *mn = mr_net(net);

	mutex_lock(&mn->lock);
	mr_net_discard_pending_locked(mn);
	net_teardown(net, mn);
	mutex_unlock(&mn->lock);
	mutex_destroy(&mn->lock);
}

static struct pernet_operations pernet_ops = {
	.init = pernet_init,
	.exit = pernet_exit,
	.id = &net_id,
	.size = sizeof(struct mr_net),
};

/*
 * A SET pending in parts belongs to its socket: when the socket goes, so
 * does the SET. The notifier runs in process context, and the socket still
 * holds its namespace.
 */
static int socket_event(struct notifier_block *nb, unsigned long event,
			void *ptr)
{
	struct netlink_notify *n = ptr;
	struct mr_net *mn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	mn = mr_net(n->net);
	/*
	 * Every generic netlink socket's close comes here: only the one a SET
	 * waits on takes the mutex. A SET pending for this socket cannot
	 * begin now (the socket is going), so a stale 0 misses nothing.
	 */
	if (READ_ONCE(mn->pending_portid) != n->portid)
		return NOTIFY_DONE;
	mutex_lock(&mn->lock);
	if (mn->pending && mn->pending->portid == n->portid)
		mr_net_discard_pending_locked(mn);
	mutex_unlock(&mn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block socket_notifier = {
	.notifier_call = socket_event,
};

int mr_net_init(void)
{
	int err = register_pernet_subsys(&pernet_ops);

	if (err)
		return err;
	err = netlink_register_notifier(&socket_notifier);
	if (err)
		unregister_pernet_subsys(&pernet_ops);
	return err;
}

void mr_net_exit(void)
{
	netlink_unregister_notifier(&socket_notifier);
	unregister_pernet_subsys(&pernet_ops);
	/* The configurations and counters freed above go through call_rcu(). */
	rcu_barrier();
}
