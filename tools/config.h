/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tool's model of a configuration, filled from flags or a Kuma file and
 * from a GET reply. It mirrors the attribute tree of uapi/linux/meshredir.h,
 * so that msg.c and msg_get.c translate it one to one both ways and show
 * prints what the kernel holds, not what was typed. Normalising and the
 * uapi limits live here too, so flags and files are held to the same ones.
 */
#ifndef MR_CONFIG_H
#define MR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/meshredir.h>

/* Kuma's kuma-dp user when --kuma-dp-user is not given. */
#define MR_DEFAULT_KUMA_DP_UID 5678
/* (uid_t)-1 means "no ID" to the kernel, so it can't name an owner. */
#define MR_ID_MAX 4294967294u

/* Ports, UIDs or GIDs: the kernel sends ports as u16, IDs as u32. */
struct range {
	uint32_t first;
	uint32_t last;
};

struct range_list {
	struct range *v;
	size_t n, cap;
};

struct cidr {
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint8_t prefix_len;
	uint8_t addr[16];	/* network order, host bits zero; AF_INET uses 4 */
};

struct cidr_list {
	struct cidr *v;
	size_t n, cap;
};

/* One exclude-outbound-ports-for-uids entry. */
struct uid_ports {
	struct range_list ports;	/* "*" is stored as 1-65535, never empty */
	struct range uids;
	uint8_t protocols;		/* MESHREDIR_PROTO_* bits */
};

struct uid_ports_list {
	struct uid_ports *v;
	size_t n, cap;
};

struct dir_config {
	bool enabled;
	uint16_t port;
	struct range_list exclude_ports;
	struct range_list include_ports;	/* empty: every port */
	struct cidr_list exclude_ips;
	struct uid_ports_list exclude_ports_for_uids;	/* outbound only */
};

/* DNS capture: Kuma's redirect.dns. */
struct dns_config {
	bool enabled;
	bool capture_all;
	bool zone_split;		/* not --skip-dns-conntrack-zone-split */
	/*
	 * MESHREDIR_ZONE_SPLIT_* families without the split all the same:
	 * install's, where it found Docker's chain with capture-all.
	 */
	uint8_t zone_split_off;
	uint16_t port;
	struct cidr_list servers;	/* resolv.conf's, read when sent */
	struct cidr_list docker;	/* Docker's embedded DNS, found by install */
};

/* A vnet entry: Kuma's "IFACE:CIDR". */
struct vnet {
	char ifname[16];		/* IFNAMSIZ; a trailing '+' a prefix */
	struct cidr cidr;
};

struct vnet_list {
	struct vnet *v;
	size_t n, cap;
};

enum counter_hook {
	HOOK_LOCAL_OUT,
	HOOK_PRE_ROUTING,
	HOOK_COUNT
};

struct tool_config {
	uint8_t ip_family_mode;		/* enum meshredir_ip_family_mode */
	struct range_list owner_uids;
	struct range_list owner_gids;
	struct dir_config inbound;
	struct dir_config outbound;
	bool drop_invalid;		/* --drop-invalid-packets, Kuma's dropInvalidPackets */
	struct dns_config dns;
	struct vnet_list vnet;		/* --vnet, redirect.vnet.networks */
	uint32_t event_rate;		/* --event-rate, meshredir.eventRate */
	/* GET only. */
	bool has_counters;
	uint64_t counters[HOOK_COUNT][MESHREDIR_REASON_MAX + 1];
	uint64_t events_dropped;	/* with the counters */
};

/* The kernel's defaults: what an attribute left out of a SET means. */
void config_init(struct tool_config *cfg);
/* Frees the lists and leaves cfg as config_init does. */
void config_free(struct tool_config *cfg);

void range_list_add(struct range_list *l, uint32_t first, uint32_t last);
void cidr_list_add(struct cidr_list *l, const struct cidr *c);
struct uid_ports *uid_ports_list_add(struct uid_ports_list *l);
/* Empty again, as a config file's or a flag's list replaces the one before. */
void range_list_clear(struct range_list *l);
void cidr_list_clear(struct cidr_list *l);
/* Adds v, or replaces the CIDR of the entry with its name and family, as Kuma. */
void vnet_list_set(struct vnet_list *l, const struct vnet *v);
void vnet_list_clear(struct vnet_list *l);
void uid_ports_list_clear(struct uid_ports_list *l);
/* l's ranges into out, id taken out of them. */
void range_list_without(const struct range_list *l, uint32_t id, struct range_list *out);
/* Whether l is the single range 1-65535 that "*" stands for. */
bool range_list_all_ports(const struct range_list *l);

/*
 * Sorts and merges ranges and drops CIDRs covered by others, as the kernel
 * does: what is sent is smaller and reads like what GET gives back.
 */
void config_normalize(struct tool_config *cfg);
/* The uapi limits, checked before anything is sent. */
int config_check_limits(const struct tool_config *cfg, char *err, size_t errlen);
/*
 * The last step of every configuration, from flags or a file: the kuma-dp
 * user becomes an owner, as in Kuma, lists are normalized and the limits
 * checked, named as the Kuma file's fields (kuma_fields) or as the flags.
 */
int config_finish(struct tool_config *cfg, uint32_t kuma_dp_uid, bool kuma_fields,
		  char *err, size_t errlen);

/* 32 or 128. */
unsigned int cidr_bits(const struct cidr *c);
/* Zeroes the host bits, as iptables does with 10.1.2.3/8. */
void cidr_mask(struct cidr *c);
/* "10.0.0.0/8", "fd00::/8": how show and show --format yaml write a CIDR. */
void cidr_format(const struct cidr *c, char *buf, size_t len);

/* "docker0:172.17.0.0/16": how show and show --format yaml write a vnet entry. */
void vnet_format(const struct vnet *v, char *buf, size_t len);

/* An exclude-outbound-ports-for-uids entry's protocol as kumactl writes it. */
const char *uid_ports_protocol(uint8_t protocols);

/* "ipv4", "dualstack", or a newer kernel's mode as "unknown-N" in buf. */
const char *ip_family_name(uint8_t mode, char *buf, size_t len);

#define ZONE_SPLIT_BOTH (MESHREDIR_ZONE_SPLIT_IPV4 | MESHREDIR_ZONE_SPLIT_IPV6)
/* The MESHREDIR_DNS_A_ZONE_SPLIT families the configuration asks for. */
uint8_t dns_zone_split(const struct dns_config *d);
/* GET's MESHREDIR_DNS_A_ZONE_SPLIT back into d; false if not a mask of families. */
bool dns_zone_split_get(struct dns_config *d, uint8_t mask);
/* "ipv4,ipv6", "ipv4", "ipv6" or "off": show's value. */
const char *zone_split_name(uint8_t mask);
/*
 * Kuma's rule, per family: Docker's DOCKER_OUTPUT chain, found in the
 * family's nat table (where), turns the zone split off there when all DNS
 * traffic is captured. If it did, warn gets the warning and 1 is returned.
 */
int dns_docker_zone_split(struct dns_config *d, bool v6, const char *where,
			  char *warn, size_t len);

#endif /* MR_CONFIG_H */
