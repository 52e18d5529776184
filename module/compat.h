/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels we build against (Debian's 6.1, 6.12
 * and 7.2), detected from their headers rather than from version numbers
 * where a macro tells, so that stable backports are picked up on their own.
 */
#ifndef MR_COMPAT_H
#define MR_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>

/*
 * 6.7 brought GENL_MCAST_CAP_NET_ADMIN (and 6.1.68 took it): genetlink
 * refuses to bind a socket to the group without CAP_NET_ADMIN in the user
 * namespace owning the socket's network namespace. A kernel without it has
 * no other way to restrict a subscription (no bind callback with the
 * socket, no filtered multicast before 6.10), so there the group stays
 * silent rather than tell an unprivileged listener the proxy's UIDs.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define MR_MCGRP(grp) { .name = grp, .flags = GENL_MCAST_CAP_NET_ADMIN }
#define MR_EVENTS_RESTRICTED true
#else
#define MR_MCGRP(grp) { .name = grp }
#define MR_EVENTS_RESTRICTED false
#endif

/*
 * 6.1's struct nla_policy points to its range without const (6.2 added
 * it); lib/nlattr.c only reads it, so the range can stay in .rodata.
 */
#define MR_POLICY_RANGE(range) ((struct netlink_range_validation *)(range))

/*
 * 6.18 dropped the hashinfo argument of the established-socket lookups:
 * with DCCP gone, TCP's table is the only one. A prototype leaves no macro
 * behind, hence the version.
 */
static inline struct sock *mr_lookup_established4(struct net *net,
						  __be32 saddr, __be16 sport,
						  __be32 daddr, u16 hnum,
						  int dif)
{
#if KERNEL_VERSION(6, 18, 0) <= LINUX_VERSION_CODE
	return __inet_lookup_established(net, saddr, sport, daddr, hnum,
					 dif, 0);
#else
	return __inet_lookup_established(net, net->ipv4.tcp_death_row.hashinfo,
					 saddr, sport, daddr, hnum, dif, 0);
#endif
}

static inline struct sock *mr_lookup_established6(struct net *net,
						  const struct in6_addr *saddr,
						  __be16 sport,
						  const struct in6_addr *daddr,
						  u16 hnum, int dif)
{
#if KERNEL_VERSION(6, 18, 0) <= LINUX_VERSION_CODE
	return __inet6_lookup_established(net, saddr, sport, daddr, hnum,
					  dif, 0);
#else
	return __inet6_lookup_established(net,
					  net->ipv4.tcp_death_row.hashinfo,
					  saddr, sport, daddr, hnum, dif, 0);
#endif
}

#endif /* MR_COMPAT_H */
