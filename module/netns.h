/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-network-namespace state. An unconfigured namespace holds only this
 * small struct: no hooks, no conntrack, no counters.
 */
#ifndef MR_NETNS_H
#define MR_NETNS_H

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <net/net_namespace.h>
#include "decide.h"

/* The counters at one moment, summed over the CPUs. */
struct mr_counters {
	u64 n[MR_HOOK_COUNT][__MESHREDIR_REASON_MAX];
	u64 events_dropped;
};

/*
 * One CPU's counters: u64_stats, so that a 32-bit host reads no torn
 * value (on 64-bit the sync is empty).
 */
struct mr_pcpu_counters {
	u64_stats_t n[MR_HOOK_COUNT][__MESHREDIR_REASON_MAX];
	struct u64_stats_sync syncp;
};

/* Counters live from the first SET to DEL, across configuration swaps. */
struct mr_stats {
	struct rcu_head rcu;
	struct mr_pcpu_counters __percpu *pcpu;
	struct mr_counters base;	/* subtracted, per counter: RESET_COUNTERS */
	/* The events (events.c): the rate limit's state, in ns (ratelimit.h), */
	atomic64_t event_tat;
	/* the events not sent since the first SET or RESET_COUNTERS, */
	atomic64_t events_dropped;
	/* and since the last event sent, which reports them. */
	atomic64_t events_unreported;
};

/*
 * Counts one decision, from the hooks. LOCAL_OUT may run in process
 * context and be interrupted by PRE_ROUTING's softirq on the same CPU: the
 * irqsave update keeps a 32-bit writer whole (it is free on 64-bit).
 */
static inline void mr_count(struct mr_stats *stats, enum mr_hook hook,
			    enum meshredir_reason reason)
{
	struct mr_pcpu_counters *c = get_cpu_ptr(stats->pcpu);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&c->syncp);
	u64_stats_inc(&c->n[hook][reason]);
	u64_stats_update_end_irqrestore(&c->syncp, flags);
	put_cpu_ptr(stats->pcpu);
}

struct mr_net {
	struct mr_config __rcu *config;
	struct mr_stats __rcu *stats;
	struct mutex lock;		/* serializes SET, DEL, GET, RESET */
	/* MR_FAMILY_* whose NAT functions are registered: every family a SET
	 * named since the first, until DEL
	 */
	u8 families;
	u8 invalid_families;		/* MR_FAMILY_* whose drop-invalid function is */
	u8 zone_families;		/* MR_FAMILY_* whose DNS zone function is */
	struct mr_config_input *pending;	/* a SET in parts, until its last part */
	/*
	 * Its socket's port ID, 0 while none is pending: read without the
	 * lock by the socket-release notifier, which every generic netlink
	 * socket's close runs.
	 */
	u32 pending_portid;
	unsigned long pending_at;	/* jiffies: its last part's arrival */
};

struct mr_net *mr_net(const struct net *net);

int mr_net_init(void);
void mr_net_exit(void);

/* With mn->lock held. Takes cfg whatever happens. */
int mr_net_configure_locked(struct net *net, struct mr_config *cfg,
			    struct netlink_ext_ack *extack);
/* With mn->lock held: frees the SET pending in parts, if any. */
void mr_net_discard_pending_locked(struct mr_net *mn);
/* With mn->lock held: the SET pending in parts, taken out (NULL: none). */
struct mr_config_input *mr_net_take_pending_locked(struct mr_net *mn);
/* With mn->lock held and none pending: in waits for its next part. */
void mr_net_pend_locked(struct mr_net *mn, struct mr_config_input *in);
/* Also discards a SET pending in parts; ENOENT only if there was nothing. */
int mr_net_deconfigure(struct net *net);
/*
 * A reference to the current configuration (drop it with mr_config_put)
 * and the counters at that moment; NULL if the namespace is not configured.
 */
struct mr_config *mr_net_config_get(struct mr_net *mn, struct mr_counters *counters);
int mr_net_reset_counters(struct net *net);

/* With mn->lock held and a configuration present. */
void mr_net_read_counters(struct mr_net *mn, struct mr_counters *out);

#endif /* MR_NETNS_H */
