/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A namespace's configuration: built whole in process context, never
 * changed afterwards, published with rcu_replace_pointer() and freed after a
 * grace period. The packet path reads it without a lock.
 */
#ifndef MR_CONFIG_H
#define MR_CONFIG_H

#include "sets.h"

#ifdef __KERNEL__
#include <linux/refcount.h>
#endif

/* One direction: inbound (PRE_ROUTING) or outbound (LOCAL_OUT). */
struct mr_dir {
	bool enabled;
	u16 port;
	const struct mr_set *exclude_ports;
	const struct mr_set *include_ports;	/* NULL: every port */
	const struct mr_set *exclude_ips4;	/* inbound: source; outbound: destination */
	const struct mr_set *exclude_ips6;
};

/*
 * exclude-outbound-ports-for-uids, cut along the UID axis into disjoint,
 * sorted UID ranges, each with the union of the ports of every entry that
 * covers it: a lookup is two binary searches, whatever the entry count.
 */
struct mr_uid_ports_entry {
	struct mr_range uids;
	const struct mr_set *ports;
	u8 protocols;		/* MESHREDIR_PROTO_*: as given, for GET */
};

struct mr_uid_ports {
	u32 count;
	struct mr_uid_ports_entry entry[];
};

/* DNS capture, Kuma's redirect.dns. */
struct mr_dns {
	bool enabled;				/* configured at all */
	bool capture_all;
	u8 zone_split;				/* MESHREDIR_ZONE_SPLIT_* bits */
	u16 port;
	const struct mr_set *servers4;
	const struct mr_set *servers6;
	/* Docker's embedded DNS: a family with none is as without Docker. */
	const struct mr_set *docker4;
	const struct mr_set *docker6;
};

/* IFNAMSIZ, which the userspace build of decide.c does not have. */
#define MR_IFNAMSIZ 16

/*
 * A vnet entry, Kuma's redirect.vnet.networks "IFACE:CIDR": ifname as
 * given, its trailing '+' included; len is what a name must match, the
 * whole of it with its NUL, or the prefix before '+'.
 */
struct mr_vnet_entry {
	char ifname[MR_IFNAMSIZ];
	u8 len;
	bool ipv6;
	struct mr_range cidr;			/* exactly one CIDR's addresses */
};

struct mr_vnet {
	u32 count;
	struct mr_vnet_entry entry[];
};

struct nf_conn;

struct mr_config {
	struct rcu_head rcu;
#ifdef __KERNEL__
	refcount_t ref;				/* the namespace's, and each GET dump's */
#endif
	u8 ip_family_mode;			/* enum meshredir_ip_family_mode */
	bool drop_invalid;			/* drop-invalid-packets */
	u32 event_rate;				/* events a second */
	const struct mr_set *owner_uids;
	const struct mr_set *owner_gids;
	const struct mr_uid_ports *uid_ports;		/* the TCP entries */
	const struct mr_uid_ports *uid_ports_udp;	/* the UDP ones: DNS */
	/*
	 * The entries as SET gave them (ports merged per entry), for GET: the
	 * cut above can be many times bigger than what was set.
	 */
	const struct mr_uid_ports *uid_ports_given;
	struct mr_dir inbound;
	struct mr_dir outbound;
	struct mr_dns dns;
	const struct mr_vnet *vnet;		/* NULL: none */
	/*
	 * The zone split's conntrack templates, MESHREDIR_DNS_ZONE_UPSTREAM
	 * and _PROXY, made at SET; NULL without the split.
	 */
	struct nf_conn *dns_zone[2];
};

#ifdef __KERNEL__
#include <linux/slab.h>

struct net;

/*
 * Collects ranges while netlink_set.c walks a SET message, then sorts and merges
 * them into a set. Counting is done by the caller against the uapi limits.
 */
struct mr_ranges {
	u32 count;
	u32 capacity;
	struct mr_range *range;
};

int mr_ranges_init(struct mr_ranges *r, u32 capacity);
/* Room for more ranges after those there: the parts of a SET add up. */
int mr_ranges_reserve(struct mr_ranges *r, u32 more);
void mr_ranges_add(struct mr_ranges *r, struct mr_range range);
void mr_ranges_free(struct mr_ranges *r);
/* Consumes r; an empty r gives NULL, the empty set, in *set. */
int mr_set_build(struct mr_ranges *r, const struct mr_set **set);

struct mr_uid_ports_input {
	struct mr_range uids;
	struct mr_ranges ports;
	u8 protocols;
};

/* The entries for protocol (a MESHREDIR_PROTO_* bit); leaves in alone. */
int mr_uid_ports_build(struct mr_uid_ports_input *in, u32 count, u8 protocol,
		       const struct mr_uid_ports **out);
/* Consumes every in[i].ports. */
int mr_uid_ports_keep(struct mr_uid_ports_input *in, u32 count,
		      const struct mr_uid_ports **out);

/* One direction of a SET being gathered. */
struct mr_dir_input {
	bool enabled;
	u16 port;
	struct mr_ranges exclude_ports;
	struct mr_ranges include_ports;
	struct mr_ranges exclude_ips4;
	struct mr_ranges exclude_ips6;
	u32 exclude_ips_count;		/* CIDRs of both, as sent */
};

struct mr_dns_input {
	bool enabled;
	bool capture_all;
	u8 zone_split;
	u16 port;
	struct mr_ranges servers4;
	struct mr_ranges servers6;
	u32 servers;				/* of both, as sent */
	struct mr_ranges docker4;
	struct mr_ranges docker6;
	u32 docker;				/* of both, as sent */
};

/*
 * A SET being gathered from its message, or from the messages of a SET in
 * parts: lists add up, scalars take their last value. netlink_set.c checks
 * every value and limit as it adds; mr_config_build() turns the whole into
 * a configuration.
 */
struct mr_config_input {
	u32 portid;				/* the socket the parts come from */
	u32 next_part;				/* the number the next part must carry */
	u32 entries;				/* over every list, as sent */
	u8 ip_family_mode;
	bool drop_invalid;
	u32 event_rate;
	struct mr_ranges owner_uids;
	struct mr_ranges owner_gids;
	struct mr_dir_input inbound;
	struct mr_dir_input outbound;
	struct mr_dns_input dns;
	struct mr_vnet *vnet;			/* room for MESHREDIR_MAX_VNETS */
	struct mr_uid_ports_input *uid_ports;
	u32 uid_ports_count;
	u32 uid_ports_capacity;
	u32 uid_ports_ranges;			/* port ranges over all those entries */
};

/* With every default; NULL without memory. */
struct mr_config_input *mr_config_input_alloc(u32 portid);
void mr_config_input_free(struct mr_config_input *in);
/* Room for more exclude-outbound-ports-for-uids entries. */
int mr_config_input_reserve_uid_ports(struct mr_config_input *in, u32 more);
/* Empties in's lists into a new configuration of net; in is then only to be freed. */
int mr_config_build(struct net *net, struct mr_config_input *in,
		    struct mr_config **out);

/* With one reference, the caller's. */
struct mr_config *mr_config_alloc(void);
/* Frees at once a configuration nothing else has seen. */
void mr_config_free(struct mr_config *cfg);
static inline void mr_config_get(struct mr_config *cfg)
{
	refcount_inc(&cfg->ref);
}

/* The last reference frees it after a grace period, as readers may still hold it. */
void mr_config_put(struct mr_config *cfg);
#endif

#endif /* MR_CONFIG_H */
