/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-network-namespace state. An unconfigured namespace holds only this
 * small struct: no hooks, no conntrack, no counters.
 */
#ifndef MR_NETNS_H
#define MR_NETNS_H

#include <linux/mutex.h>
#include <linux/netlink.h>
#include <net/net_namespace.h>
#include "decide.h"

struct mr_counters {
	u64 n[MR_HOOK_COUNT][__MESHREDIR_REASON_MAX];
};

/* Counters live from the first SET to DEL, across configuration swaps. */
struct mr_stats {
	struct rcu_head rcu;
	struct mr_counters __percpu *pcpu;
	struct mr_counters base;	/* subtracted: RESET_COUNTERS, lock-free */
};

struct mr_net {
	struct mr_config __rcu *config;
	struct mr_stats __rcu *stats;
	struct mutex lock;		/* serializes SET, DEL, GET, RESET */
	u8 families;			/* MR_FAMILY_* whose NAT functions are registered */
	u8 invalid_families;		/* MR_FAMILY_* whose drop-invalid function is */
	struct mr_config_input *pending;	/* a SET in parts, until its last part */
};

struct mr_net *mr_net(const struct net *net);

int mr_net_init(void);
void mr_net_exit(void);

/* With mn->lock held. Takes cfg whatever happens. */
int mr_net_configure_locked(struct net *net, struct mr_config *cfg,
			    struct netlink_ext_ack *extack);
/* With mn->lock held: frees the SET pending in parts, if any. */
void mr_net_discard_pending_locked(struct mr_net *mn);
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
