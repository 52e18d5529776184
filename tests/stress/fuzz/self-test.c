// SPDX-License-Identifier: GPL-2.0
/*
 * mr-fuzz --self-test: the model alone, on hand-made messages whose
 * verdicts follow from the uapi text and lib/nlattr.c, as TAP; no kernel
 * needed. Each case is a SET's attributes written as a few steps (open a
 * nest, close it, a value, an owner) and the verdict the model must give.
 */
#include "mr-fuzz.h"

enum mr_step_op {
	S_DONE, S_NEST, S_CLOSE, S_VALUE, S_OWNER, S_JUNK, S_BYTES, S_CIDR4, S_CIDR6,
	S_CIDRS, S_VNETS,
};

struct mr_step {
	enum mr_step_op op;
	uint16_t type;
	uint32_t val;
	int len;
	const char *bytes;
};

#define NEST(t)		{ S_NEST, (t), 0, 0, NULL }
#define CLOSE		{ S_CLOSE, 0, 0, 0, NULL }
#define VALUE(t, v, l)	{ S_VALUE, (t), (v), (l), NULL }
/* OWNER_UIDS { ENTRY { FIRST uid } } */
#define OWNER(uid)	{ S_OWNER, 0, (uid), 0, NULL }
/* l bytes past the last attribute, the first of them b */
#define JUNK(b, l)	{ S_JUNK, 0, (b), (l), NULL }
/* an attribute of l bytes from the string s (its NUL counts only if in l) */
#define BYTES(t, s, l)	{ S_BYTES, (t), 0, (l), (s) }
/* t { FAMILY, ADDR a.b.c.d, PREFIX_LEN p } */
#define CIDR4(t, a, b, c, d, p) \
	{ S_CIDR4, (t), (uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d), (p), NULL }
/* t { FAMILY AF_INET6, ADDR 2001:db8:: + low, PREFIX_LEN p } */
#define CIDR6(t, low, p) { S_CIDR6, (t), (low), (p), NULL }
/* n ENTRY { 10.0.i.0/24 } */
#define CIDRS(n)	{ S_CIDRS, 0, (n), 0, NULL }
/* n vnet entries "v<i>", 10.i.0.0/16 */
#define VNETS(n)	{ S_VNETS, 0, (n), 0, NULL }
/* A vnet entry: name (l bytes), IPv4 CIDR. */
#define VNET4(name, l, a, b, c, d, p) \
	NEST(MESHREDIR_LIST_A_ENTRY), BYTES(MESHREDIR_VNET_A_IFNAME, name, l), \
	CIDR4(MESHREDIR_VNET_A_CIDR, a, b, c, d, p), CLOSE
#define VNET6(name, l, low, p) \
	NEST(MESHREDIR_LIST_A_ENTRY), BYTES(MESHREDIR_VNET_A_IFNAME, name, l), \
	CIDR6(MESHREDIR_VNET_A_CIDR, low, p), CLOSE
/* The zone split's check, and its default on. */
#define ZONES		MR_ZONES_YES
#define NO_ZONES	MR_ZONES_NO

/* Outbound exclude-ports-for-uids with the given entries; an entry's parts. */
#define UID_PORTS(...) \
	NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS), __VA_ARGS__, \
	CLOSE, CLOSE
#define UP_ENTRY(...)	NEST(MESHREDIR_LIST_A_ENTRY), __VA_ARGS__, CLOSE
#define UP_UID(u)	NEST(MESHREDIR_UID_PORTS_A_UIDS), VALUE(MESHREDIR_RANGE_A_FIRST, u, 4), CLOSE
#define UP_UIDS(f, l) \
	NEST(MESHREDIR_UID_PORTS_A_UIDS), VALUE(MESHREDIR_RANGE_A_FIRST, f, 4), \
	VALUE(MESHREDIR_RANGE_A_LAST, l, 4), CLOSE
#define UP_PROTO(p)	VALUE(MESHREDIR_UID_PORTS_A_PROTOCOLS, p, 1)
#define UP_PORTS(...)	NEST(MESHREDIR_UID_PORTS_A_PORTS), __VA_ARGS__, CLOSE
#define UP_NO_PORTS	NEST(MESHREDIR_UID_PORTS_A_PORTS), CLOSE
#define PORT(p) \
	NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_RANGE_A_FIRST, p, 2), CLOSE
#define PORTS(f, l) \
	NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_RANGE_A_FIRST, f, 2), \
	VALUE(MESHREDIR_RANGE_A_LAST, l, 2), CLOSE

/* Cases where the kernel's build does not matter leave zones out (unknown). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static const struct mr_case {
	const char *name;
	enum mr_expect want;
	struct mr_step steps[24];
	enum mr_zones zones;	/* the kernel's CONFIG_NF_CONNTRACK_ZONES, as --zones */
} mr_cases[] = {
	{ "owner only", E_VALID, { OWNER(5678) } },
	{ "no attributes: no owner", E_INVALID, { } },
	{ "empty owner list", E_INVALID, { NEST(MESHREDIR_A_OWNER_UIDS), CLOSE } },
	{ "owner ID 4294967295", E_INVALID, { OWNER(0xffffffff) } },
	{ "counters in a SET", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_COUNTERS), CLOSE } },
	{ "ip-family-mode 3", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_IP_FAMILY_MODE, 3, 1) } },
	{ "ip-family-mode 1", E_VALID,
	  { OWNER(1), VALUE(MESHREDIR_A_IP_FAMILY_MODE, 1, 1) } },
	{ "ip-family-mode as a u16", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_IP_FAMILY_MODE, 1, 2) } },
	{ "a type past the top level's MAX", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_MAX + 1, 0, 4) } },
	{ "nest without NLA_F_NESTED", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_INBOUND, 0, 0) } },
	{ "empty inbound nest", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_INBOUND), CLOSE } },
	{ "port 0", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), VALUE(MESHREDIR_DIR_A_PORT, 0, 2), CLOSE } },
	{ "enabled 2", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_INBOUND), VALUE(MESHREDIR_DIR_A_ENABLED, 2, 1), CLOSE } },
	{ "exclude ports 80-70", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_PORTS),
	    NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_RANGE_A_FIRST, 80, 2),
	    VALUE(MESHREDIR_RANGE_A_LAST, 70, 2), CLOSE, CLOSE, CLOSE } },
	{ "exclude ports 70-80", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_PORTS),
	    NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_RANGE_A_FIRST, 70, 2),
	    VALUE(MESHREDIR_RANGE_A_LAST, 80, 2), CLOSE, CLOSE, CLOSE } },
	{ "range without FIRST", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_INCLUDE_PORTS),
	    NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_RANGE_A_LAST, 80, 2),
	    CLOSE, CLOSE, CLOSE } },
	{ "ports for UIDs inbound", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_INBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS),
	    CLOSE, CLOSE } },
	{ "ports for UIDs, entry without UIDS", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS),
	    NEST(MESHREDIR_LIST_A_ENTRY), NEST(MESHREDIR_UID_PORTS_A_PORTS),
	    CLOSE, CLOSE, CLOSE, CLOSE } },
	{ "ports for UIDs, empty PORTS", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS),
	    NEST(MESHREDIR_LIST_A_ENTRY), NEST(MESHREDIR_UID_PORTS_A_PORTS), CLOSE,
	    NEST(MESHREDIR_UID_PORTS_A_UIDS), VALUE(MESHREDIR_RANGE_A_FIRST, 1000, 4),
	    CLOSE, CLOSE, CLOSE, CLOSE } },
	{ "ports for UIDs, protocols TCP", E_VALID,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_UID(1000), UP_PROTO(MESHREDIR_PROTO_TCP))) } },
	{ "ports for UIDs, protocols UDP only", E_VALID,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_UID(1000), UP_PROTO(MESHREDIR_PROTO_UDP))) } },
	{ "ports for UIDs, protocols TCP and UDP, empty PORTS", E_VALID,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_NO_PORTS, UP_UID(1000), UP_PROTO(3))) } },
	{ "ports for UIDs, protocols 0", E_INVALID,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_UID(1000), UP_PROTO(0))) } },
	{ "ports for UIDs, protocols 4", E_INVALID,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_UID(1000), UP_PROTO(4))) } },
	{ "ports for UIDs, protocols 255", E_INVALID,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_UID(1000), UP_PROTO(255))) } },
	{ "ports for UIDs, protocols as a u16", E_INVALID,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_UID(1000),
					 VALUE(MESHREDIR_UID_PORTS_A_PROTOCOLS, 1, 2))) } },
	{ "ports for UIDs, protocols with NLA_F_NESTED", E_INVALID,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_UID(1000),
					 VALUE(MESHREDIR_UID_PORTS_A_PROTOCOLS | NLA_F_NESTED, 1,
					       1))) } },
	{ "ports for UIDs, protocols but no UIDS", E_INVALID,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_PROTO(MESHREDIR_PROTO_UDP))) } },
	{ "ports for UIDs, UDP only, inbound", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_INBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS),
	    UP_ENTRY(UP_UID(1000), UP_PROTO(MESHREDIR_PROTO_UDP)), CLOSE, CLOSE } },
	{ "ports for UIDs, a type past UID_PORTS_A_MAX", E_INVALID,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_UID(1000),
					 VALUE(MESHREDIR_UID_PORTS_A_MAX + 1, 1, 1))) } },
	{ "CIDR of family 3", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_IPS),
	    NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_CIDR_A_FAMILY, 3, 2),
	    VALUE(MESHREDIR_CIDR_A_ADDR, 0x0100000a, 4), CLOSE, CLOSE, CLOSE } },
	{ "IPv4 CIDR /33", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_IPS),
	    NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_CIDR_A_FAMILY, AF_INET, 2),
	    VALUE(MESHREDIR_CIDR_A_ADDR, 0x0100000a, 4),
	    VALUE(MESHREDIR_CIDR_A_PREFIX_LEN, 33, 1), CLOSE, CLOSE, CLOSE } },
	{ "IPv4 CIDR /8", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_OUTBOUND), NEST(MESHREDIR_DIR_A_EXCLUDE_IPS),
	    NEST(MESHREDIR_LIST_A_ENTRY), VALUE(MESHREDIR_CIDR_A_FAMILY, AF_INET, 2),
	    VALUE(MESHREDIR_CIDR_A_ADDR, 0x0100000a, 4),
	    VALUE(MESHREDIR_CIDR_A_PREFIX_LEN, 8, 1), CLOSE, CLOSE, CLOSE } },
	{ "drop-invalid-packets 1", E_VALID,
	  { OWNER(1), VALUE(MESHREDIR_A_DROP_INVALID_PACKETS, 1, 1) } },
	{ "drop-invalid-packets 2", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_DROP_INVALID_PACKETS, 2, 1) } },
	{ "event-rate 1", E_VALID,
	  { OWNER(1), VALUE(MESHREDIR_A_EVENT_RATE, 1, 4) } },
	{ "event-rate 1000000", E_VALID,
	  { OWNER(1), VALUE(MESHREDIR_A_EVENT_RATE, 1000000, 4) } },
	{ "event-rate 0", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_EVENT_RATE, 0, 4) } },
	{ "event-rate 1000001", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_EVENT_RATE, 1000001, 4) } },
	{ "event-rate as a u16", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_EVENT_RATE, 100, 2) } },
	{ "events-dropped in a SET", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_EVENTS_DROPPED, 0, 4) } },
	{ "set-more with a payload", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_SET_MORE, 1, 1) } },
	{ "set-more, no owner yet: the kernel's call", E_UNKNOWN,
	  { VALUE(MESHREDIR_A_SET_MORE, 0, 0) } },
	{ "set-part 0 alone: a plain SET", E_VALID,
	  { OWNER(1), VALUE(MESHREDIR_A_SET_PART, 0, 4) } },
	{ "trailing bytes", E_INVALID, { OWNER(1), JUNK(3, 3) } },
	{ "duplicate owner lists, the last empty", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_OWNER_UIDS), CLOSE } },
	{ "duplicate owner lists, the first bad inside: not looked at", E_VALID,
	  { NEST(MESHREDIR_A_OWNER_UIDS), VALUE(7, 0, 4), CLOSE, OWNER(1) } },

	/* DNS: the policy, the limits, the zone split against the kernel's build. */
	{ "dns: empty nest", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), CLOSE }, ZONES },
	{ "dns: empty nest, the kernel's zones unknown", E_UNKNOWN,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), CLOSE } },
	{ "dns: empty nest, no zones: the split is refused", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), CLOSE }, NO_ZONES },
	{ "dns: zone-split 0, no zones", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ZONE_SPLIT, 0, 1), CLOSE },
	  NO_ZONES },
	{ "dns: enabled 0, no zones: no split to refuse", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ENABLED, 0, 1), CLOSE },
	  NO_ZONES },
	{ "dns: no owner, zones unknown: refused all the same", E_INVALID,
	  { NEST(MESHREDIR_A_DNS), CLOSE } },
	{ "dns without NLA_F_NESTED", E_INVALID,
	  { OWNER(1), VALUE(MESHREDIR_A_DNS, 0, 0) }, ZONES },
	{ "dns: port 53, capture-all 1, zone-split all its bits", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_PORT, 53, 2),
	    VALUE(MESHREDIR_DNS_A_CAPTURE_ALL, 1, 1),
	    VALUE(MESHREDIR_DNS_A_ZONE_SPLIT, MR_ZONE_SPLIT_ALL, 1), CLOSE }, ZONES },
	{ "dns: port 0", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_PORT, 0, 2), CLOSE }, ZONES },
	{ "dns: port as a u8", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_PORT, 53, 1), CLOSE }, ZONES },
	{ "dns: capture-all 2", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_CAPTURE_ALL, 2, 1), CLOSE },
	  ZONES },
	{ "dns: zone-split one past its bits", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS),
	    VALUE(MESHREDIR_DNS_A_ZONE_SPLIT, MR_ZONE_SPLIT_ALL + 1, 1), CLOSE }, ZONES },
	{ "dns: enabled 2", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ENABLED, 2, 1), CLOSE }, ZONES },
	{ "dns: a type past DNS_A_MAX", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_MAX + 1, 0, 1), CLOSE }, ZONES },
	{ "dns: servers 10.0.0.0/8 and 2001:db8::/32", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), NEST(MESHREDIR_DNS_A_SERVERS),
	    CIDR4(MESHREDIR_LIST_A_ENTRY, 10, 1, 2, 3, 8), CIDR6(MESHREDIR_LIST_A_ENTRY, 1, 32),
	    CLOSE, CLOSE }, ZONES },
	{ "dns: a server /33", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), NEST(MESHREDIR_DNS_A_SERVERS),
	    CIDR4(MESHREDIR_LIST_A_ENTRY, 10, 1, 2, 3, 33), CLOSE, CLOSE }, ZONES },
	{ "dns: servers without NLA_F_NESTED", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_SERVERS, 0, 0), CLOSE }, ZONES },
	{ "dns: 64 servers", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), NEST(MESHREDIR_DNS_A_SERVERS), CIDRS(64), CLOSE,
	    CLOSE }, ZONES },
	{ "dns: 65 servers", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), NEST(MESHREDIR_DNS_A_SERVERS), CIDRS(65), CLOSE,
	    CLOSE }, ZONES },
	{ "dns: 16 docker addresses", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), NEST(MESHREDIR_DNS_A_DOCKER), CIDRS(16), CLOSE,
	    CLOSE }, ZONES },
	{ "dns: 17 docker addresses", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), NEST(MESHREDIR_DNS_A_DOCKER), CIDRS(17), CLOSE,
	    CLOSE }, ZONES },
	{ "dns: enabled 0 still checks its servers", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ENABLED, 0, 1),
	    NEST(MESHREDIR_DNS_A_SERVERS), CIDR4(MESHREDIR_LIST_A_ENTRY, 10, 1, 2, 3, 40),
	    CLOSE, CLOSE }, ZONES },

	/* vnet: names, CIDRs, duplicates, the limit; no rule across nests. */
	{ "vnet: dock0 10.0.0.0/24, no dns", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("dock0", 6, 10, 0, 0, 0, 24), CLOSE },
	  NO_ZONES },
	{ "vnet: empty list", E_VALID, { OWNER(1), NEST(MESHREDIR_A_VNET), CLOSE } },
	{ "vnet: '+' alone, IPv6 with ip-family-mode ipv4", E_VALID,
	  { OWNER(1), VALUE(MESHREDIR_A_IP_FAMILY_MODE, 1, 1), NEST(MESHREDIR_A_VNET),
	    VNET6("+", 2, 0, 64), CLOSE } },
	{ "vnet: dock+ in both families", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("dock+", 6, 10, 0, 0, 0, 24),
	    VNET6("dock+", 6, 0, 64), CLOSE } },
	{ "vnet: dock0 twice in one family", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("dock0", 6, 10, 0, 0, 0, 24),
	    VNET4("dock0", 6, 10, 0, 1, 0, 24), CLOSE } },
	{ "vnet: dock+ and dock0 in one family", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("dock+", 6, 10, 0, 0, 0, 24),
	    VNET4("dock0", 6, 10, 0, 1, 0, 24), CLOSE } },
	{ "vnet: the same name but for bytes after its NUL", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("eth0", 5, 10, 0, 0, 0, 24),
	    VNET4("eth0\0zz", 7, 10, 0, 1, 0, 24), CLOSE } },
	{ "vnet: '+' not at the end", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("do+ck", 6, 10, 0, 0, 0, 24), CLOSE } },
	{ "vnet: '..'", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("..", 3, 10, 0, 0, 0, 24), CLOSE } },
	{ "vnet: '.+', a prefix '.'", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4(".+", 3, 10, 0, 0, 0, 24), CLOSE } },
	{ "vnet: '...'", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("...", 4, 10, 0, 0, 0, 24), CLOSE } },
	{ "vnet: 'a:b'", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("a:b", 4, 10, 0, 0, 0, 24), CLOSE } },
	{ "vnet: 'a/b+'", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("a/b+", 5, 10, 0, 0, 0, 24), CLOSE } },
	{ "vnet: a tab", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("a\tb", 4, 10, 0, 0, 0, 24), CLOSE } },
	{ "vnet: a no-break space (the kernel's isspace)", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("a\xa0", 3, 10, 0, 0, 0, 24), CLOSE } },
	{ "vnet: another byte over 127", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("a\xa1", 3, 10, 0, 0, 0, 24), CLOSE } },
	{ "vnet: empty name", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("", 1, 10, 0, 0, 0, 24), CLOSE } },
	{ "vnet: name without a NUL", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("dock0", 5, 10, 0, 0, 0, 24), CLOSE } },
	{ "vnet: 15 bytes and a NUL", E_VALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("abcdefghijklmno", 16, 10, 0, 0, 0, 24),
	    CLOSE } },
	{ "vnet: 16 bytes and a NUL", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("abcdefghijklmnop", 17, 10, 0, 0, 0, 24),
	    CLOSE } },
	{ "vnet: name as a nest", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), NEST(MESHREDIR_LIST_A_ENTRY),
	    NEST(MESHREDIR_VNET_A_IFNAME), CLOSE, CIDR4(MESHREDIR_VNET_A_CIDR, 10, 0, 0, 0, 24),
	    CLOSE, CLOSE } },
	{ "vnet: entry without cidr", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), NEST(MESHREDIR_LIST_A_ENTRY),
	    BYTES(MESHREDIR_VNET_A_IFNAME, "dock0", 6), CLOSE, CLOSE } },
	{ "vnet: entry without ifname", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), NEST(MESHREDIR_LIST_A_ENTRY),
	    CIDR4(MESHREDIR_VNET_A_CIDR, 10, 0, 0, 0, 24), CLOSE, CLOSE } },
	{ "vnet: cidr /33", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("dock0", 6, 10, 0, 0, 0, 33), CLOSE } },
	{ "vnet: 64 entries", E_VALID, { OWNER(1), NEST(MESHREDIR_A_VNET), VNETS(64), CLOSE } },
	{ "vnet: 65 entries", E_INVALID, { OWNER(1), NEST(MESHREDIR_A_VNET), VNETS(65), CLOSE } },
	{ "vnet: a type past VNET_A_MAX", E_INVALID,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), NEST(MESHREDIR_LIST_A_ENTRY),
	    BYTES(MESHREDIR_VNET_A_IFNAME, "dock0", 6),
	    CIDR4(MESHREDIR_VNET_A_CIDR, 10, 0, 0, 0, 24), VALUE(MESHREDIR_VNET_A_MAX + 1, 0, 4),
	    CLOSE, CLOSE } },
};

/*
 * What GET must say of a valid SET's DNS, vnet and ports for UIDs
 * (put_dns(), mr_nl_vnet_put(), put_uid_ports_entry()): a SET, a GET
 * reply's nests written by hand, and whether the driver's check takes
 * them as agreeing.
 */
#define DNS_SHOWN(...) \
	NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_PORT, 15053, 2), \
	VALUE(MESHREDIR_DNS_A_CAPTURE_ALL, 0, 1), \
	VALUE(MESHREDIR_DNS_A_ZONE_SPLIT, MR_ZONE_SPLIT_ALL, 1), \
	NEST(MESHREDIR_DNS_A_SERVERS), __VA_ARGS__, CLOSE, CLOSE
#define SERVERS(...) \
	OWNER(1), NEST(MESHREDIR_A_DNS), NEST(MESHREDIR_DNS_A_SERVERS), __VA_ARGS__, CLOSE, CLOSE
#define E MESHREDIR_LIST_A_ENTRY

static const struct {
	const char *name;
	bool agree;
	struct mr_step set[40], get[40];
} mr_get_cases[] = {
	{ "servers /25 /25 /24 come back one /23", true,
	  { SERVERS(CIDR4(E, 10, 0, 1, 7, 24), CIDR4(E, 10, 0, 0, 128, 25),
		    CIDR4(E, 10, 0, 0, 0, 25)) },
	  { DNS_SHOWN(CIDR4(E, 10, 0, 0, 0, 23)) } },
	{ "those servers as two /24s: not merged", false,
	  { SERVERS(CIDR4(E, 10, 0, 1, 7, 24), CIDR4(E, 10, 0, 0, 128, 25),
		    CIDR4(E, 10, 0, 0, 0, 25)) },
	  { DNS_SHOWN(CIDR4(E, 10, 0, 0, 0, 24), CIDR4(E, 10, 0, 1, 0, 24)) } },
	{ "IPv4 first, two IPv6 /128s one /127", true,
	  { SERVERS(CIDR6(E, 1, 128), CIDR6(E, 0, 128), CIDR4(E, 192, 0, 2, 1, 32)) },
	  { DNS_SHOWN(CIDR4(E, 192, 0, 2, 1, 32), CIDR6(E, 0, 127)) } },
	{ "0.0.0.0/0 swallows 10.0.0.0/8", true,
	  { SERVERS(CIDR4(E, 10, 0, 0, 0, 8), CIDR4(E, 1, 2, 3, 4, 0)) },
	  { DNS_SHOWN(CIDR4(E, 0, 0, 0, 0, 0)) } },
	{ "the zone split not as set", false,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ZONE_SPLIT, 0, 1), CLOSE },
	  { NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_PORT, 15053, 2),
	    VALUE(MESHREDIR_DNS_A_CAPTURE_ALL, 0, 1),
	    VALUE(MESHREDIR_DNS_A_ZONE_SPLIT, MR_ZONE_SPLIT_ALL, 1), CLOSE } },
	{ "vnet alone: dns shown off, default port; the CIDR's host bits cleared", true,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("dock+", 6, 10, 1, 2, 3, 24), CLOSE },
	  { NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ENABLED, 0, 1),
	    VALUE(MESHREDIR_DNS_A_PORT, 15053, 2), CLOSE,
	    NEST(MESHREDIR_A_VNET), VNET4("dock+", 6, 10, 1, 2, 0, 24), CLOSE } },
	{ "vnet's host bits kept: wrong", false,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET4("dock+", 6, 10, 1, 2, 3, 24), CLOSE },
	  { NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ENABLED, 0, 1),
	    VALUE(MESHREDIR_DNS_A_PORT, 15053, 2), CLOSE,
	    NEST(MESHREDIR_A_VNET), VNET4("dock+", 6, 10, 1, 2, 3, 24), CLOSE } },
	{ "vnet's name cut at its NUL", true,
	  { OWNER(1), NEST(MESHREDIR_A_VNET), VNET6("eth0\0zz", 7, 0, 64), CLOSE },
	  { NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ENABLED, 0, 1),
	    VALUE(MESHREDIR_DNS_A_PORT, 15053, 2), CLOSE,
	    NEST(MESHREDIR_A_VNET), VNET6("eth0", 5, 0, 64), CLOSE } },
	{ "dns off, no vnet or docker: no dns at all", true,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ENABLED, 0, 1),
	    NEST(MESHREDIR_DNS_A_SERVERS), CIDR4(E, 10, 0, 0, 1, 32), CLOSE, CLOSE },
	  { } },
	{ "dns off with docker: its port and docker only", true,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ENABLED, 0, 1),
	    VALUE(MESHREDIR_DNS_A_PORT, 5353, 2), VALUE(MESHREDIR_DNS_A_CAPTURE_ALL, 1, 1),
	    NEST(MESHREDIR_DNS_A_DOCKER), CIDR4(E, 127, 0, 0, 11, 32), CLOSE, CLOSE },
	  { NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ENABLED, 0, 1),
	    VALUE(MESHREDIR_DNS_A_PORT, 5353, 2),
	    NEST(MESHREDIR_DNS_A_DOCKER), CIDR4(E, 127, 0, 0, 11, 32), CLOSE, CLOSE } },
	{ "dns off with docker, capture-all shown too: wrong", false,
	  { OWNER(1), NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ENABLED, 0, 1),
	    NEST(MESHREDIR_DNS_A_DOCKER), CIDR4(E, 127, 0, 0, 11, 32), CLOSE, CLOSE },
	  { NEST(MESHREDIR_A_DNS), VALUE(MESHREDIR_DNS_A_ENABLED, 0, 1),
	    VALUE(MESHREDIR_DNS_A_PORT, 15053, 2), VALUE(MESHREDIR_DNS_A_CAPTURE_ALL, 0, 1),
	    NEST(MESHREDIR_DNS_A_DOCKER), CIDR4(E, 127, 0, 0, 11, 32), CLOSE, CLOSE } },

	/* Ports for UIDs: entries as given, in order; ports sorted and merged. */
	{ "uid-ports: UDP only, ports 80-90 85-100 101 7 come back 7 80-101", true,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_PORTS(PORTS(80, 90), PORTS(85, 100), PORT(101),
						  PORT(7)),
					 UP_UID(1000), UP_PROTO(MESHREDIR_PROTO_UDP))) },
	  { UID_PORTS(UP_ENTRY(UP_PORTS(PORT(7), PORTS(80, 101)), UP_UIDS(1000, 1000),
			       UP_PROTO(MESHREDIR_PROTO_UDP))) } },
	{ "uid-ports: those ports unmerged: wrong", false,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_PORTS(PORTS(80, 90), PORTS(91, 100)),
					 UP_UID(1000), UP_PROTO(MESHREDIR_PROTO_UDP))) },
	  { UID_PORTS(UP_ENTRY(UP_PORTS(PORTS(80, 90), PORTS(91, 100)), UP_UIDS(1000, 1000),
			       UP_PROTO(MESHREDIR_PROTO_UDP))) } },
	{ "uid-ports: no protocols, no PORTS: TCP, every port", true,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_UIDS(5, 9))) },
	  { UID_PORTS(UP_ENTRY(UP_PORTS(PORTS(1, 65535)), UP_UIDS(5, 9),
			       UP_PROTO(MESHREDIR_PROTO_TCP))) } },
	{ "uid-ports: GET without its protocols: wrong", false,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_UIDS(5, 9))) },
	  { UID_PORTS(UP_ENTRY(UP_PORTS(PORTS(1, 65535)), UP_UIDS(5, 9))) } },
	{ "uid-ports: empty PORTS comes back empty", true,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_NO_PORTS, UP_UID(7), UP_PROTO(3))) },
	  { UID_PORTS(UP_ENTRY(UP_NO_PORTS, UP_UIDS(7, 7), UP_PROTO(3))) } },
	{ "uid-ports: TCP and UDP entries for one UID stay two, in order", true,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_PORTS(PORT(53)), UP_UID(7), UP_PROTO(2)),
				UP_ENTRY(UP_PORTS(PORT(53)), UP_UID(7), UP_PROTO(1))) },
	  { UID_PORTS(UP_ENTRY(UP_PORTS(PORT(53)), UP_UIDS(7, 7), UP_PROTO(2)),
		      UP_ENTRY(UP_PORTS(PORT(53)), UP_UIDS(7, 7), UP_PROTO(1))) } },
	{ "uid-ports: those two merged into one of protocols 3: wrong", false,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_PORTS(PORT(53)), UP_UID(7), UP_PROTO(2)),
				UP_ENTRY(UP_PORTS(PORT(53)), UP_UID(7), UP_PROTO(1))) },
	  { UID_PORTS(UP_ENTRY(UP_PORTS(PORT(53)), UP_UIDS(7, 7), UP_PROTO(3))) } },
	{ "uid-ports: GET has none of them: wrong", false,
	  { OWNER(1), UID_PORTS(UP_ENTRY(UP_UID(7), UP_PROTO(2))) }, { } },
};

/* genl_header_check()'s cases: reserved field and nlmsg_flags. */
static const struct {
	const char *name;
	uint16_t reserved, flags;
	bool refused;
} mr_header_cases[] = {
	{ "REQUEST|ACK", 0, NLM_F_REQUEST | NLM_F_ACK, false },
	{ "REQUEST|ACK|ECHO", 0, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO, false },
	{ "REQUEST|ACK|DUMP", 0, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP, false },
	{ "reserved 1", 1, NLM_F_REQUEST | NLM_F_ACK, true },
	{ "reserved 0x100", 0x100, NLM_F_REQUEST | NLM_F_ACK, true },
	{ "ROOT without MATCH", 0, NLM_F_REQUEST | NLM_F_ROOT, true },
	{ "CREATE", 0, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, true },
	{ "DUMP_INTR", 0, NLM_F_REQUEST | NLM_F_DUMP_INTR, true },
};

#define MR_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A CIDR nest of type t: IPv4 addr, or 2001:db8:: plus addr. */
static void mr_put_cidr(unsigned char *b, size_t *off, uint16_t t, bool v6, uint32_t addr,
			uint8_t prefix)
{
	uint16_t family = v6 ? AF_INET6 : AF_INET;
	unsigned char a[16] = { 0 };
	size_t start = *off;

	if (v6) {
		a[0] = 0x20;
		a[1] = 0x01;
		a[2] = 0x0d;
		a[3] = 0xb8;
	}
	a[(v6 ? 16 : 4) - 4] = addr >> 24;
	a[(v6 ? 16 : 4) - 3] = addr >> 16;
	a[(v6 ? 16 : 4) - 2] = addr >> 8;
	a[(v6 ? 16 : 4) - 1] = addr;
	mr_genl_put(b, off, t | NLA_F_NESTED, NULL, 0);
	mr_genl_put(b, off, MESHREDIR_CIDR_A_FAMILY, &family, 2);
	mr_genl_put(b, off, MESHREDIR_CIDR_A_ADDR, a, v6 ? 16 : 4);
	mr_genl_put(b, off, MESHREDIR_CIDR_A_PREFIX_LEN, &prefix, 1);
	((struct nlattr *)(b + start))->nla_len = *off - start;
}

/* The attributes a case's steps write; returns their length. */
static size_t mr_case_build(const struct mr_step *s, unsigned char *b)
{
	size_t off = 0, open[8], list, entry;
	char name[16];
	uint32_t i;
	int depth = 0;

	for (; s->op != S_DONE; s++) {
		switch (s->op) {
		case S_NEST:
			open[depth++] = off;
			mr_genl_put(b, &off, s->type | NLA_F_NESTED, NULL, 0);
			break;
		case S_CLOSE:
			depth--;
			((struct nlattr *)(b + open[depth]))->nla_len = off - open[depth];
			break;
		case S_VALUE:
			mr_genl_put(b, &off, s->type, &s->val, s->len);
			break;
		case S_OWNER:
			list = off;
			mr_genl_put(b, &off, MESHREDIR_A_OWNER_UIDS | NLA_F_NESTED, NULL, 0);
			entry = off;
			mr_genl_put(b, &off, MESHREDIR_LIST_A_ENTRY | NLA_F_NESTED, NULL, 0);
			mr_genl_put(b, &off, MESHREDIR_RANGE_A_FIRST, &s->val, 4);
			((struct nlattr *)(b + entry))->nla_len = off - entry;
			((struct nlattr *)(b + list))->nla_len = off - list;
			break;
		case S_JUNK:
			b[off] = s->val;
			off += s->len;
			break;
		case S_BYTES:
			mr_genl_put(b, &off, s->type, s->bytes, s->len);
			break;
		case S_CIDR4:
		case S_CIDR6:
			mr_put_cidr(b, &off, s->type, s->op == S_CIDR6, s->val, s->len);
			break;
		case S_CIDRS:
			for (i = 0; i < s->val; i++)
				mr_put_cidr(b, &off, MESHREDIR_LIST_A_ENTRY, false,
					    10u << 24 | i << 8, 24);
			break;
		case S_VNETS:
			for (i = 0; i < s->val; i++) {
				entry = off;
				mr_genl_put(b, &off, MESHREDIR_LIST_A_ENTRY | NLA_F_NESTED, NULL, 0);
				snprintf(name, sizeof(name), "v%u", i);
				mr_genl_put(b, &off, MESHREDIR_VNET_A_IFNAME, name, strlen(name) + 1);
				mr_put_cidr(b, &off, MESHREDIR_VNET_A_CIDR, false,
					    10u << 24 | i << 16, 16);
				((struct nlattr *)(b + entry))->nla_len = off - entry;
			}
			break;
		case S_DONE:
			break;
		}
	}
	return off;
}

static const char *mr_expect_name(enum mr_expect e)
{
	return e == E_VALID ? "valid" : e == E_INVALID ? "invalid" : "unknown";
}

int mr_self_test(void)
{
	unsigned int i, n = 0, bad = 0;

	for (i = 0; i < MR_ARRAY_SIZE(mr_cases); i++) {
		const struct mr_case *t = &mr_cases[i];
		static unsigned char b[8192];
		struct mr_verdict v = { 0 };
		size_t len;
		enum mr_expect got;

		memset(b, 0, sizeof(b));
		len = mr_case_build(t->steps, b);
		mr_kernel_zones = t->zones;
		mr_model_set(b, len, &v);
		got = mr_verdict_expect(&v);
		n++;
		if (got != t->want) {
			printf("not ok %u - model: %s: expected %s, model says %s (%s)\n", n,
			       t->name, mr_expect_name(t->want), mr_expect_name(got),
			       v.why ? v.why : "-");
			bad++;
		} else {
			printf("ok %u - model: %s: %s [%s]\n", n, t->name, mr_expect_name(got), v.why ? v.why : "-");
		}
	}
	mr_kernel_zones = MR_ZONES_YES;
	for (i = 0; i < MR_ARRAY_SIZE(mr_get_cases); i++) {
		static unsigned char b[8192], g[8192];
		struct mr_verdict v = { 0 }, dummy = { 0 };
		char why[128] = "-";
		struct mr_tb tb;
		size_t len, glen;
		bool agree;

		memset(b, 0, sizeof(b));
		memset(g, 0, sizeof(g));
		len = mr_case_build(mr_get_cases[i].set, b);
		glen = mr_case_build(mr_get_cases[i].get, g);
		mr_model_set(b, len, &v);
		mr_parse(L_TOP, g, glen, &tb, &dummy);
		agree = mr_verdict_expect(&v) == E_VALID &&
			mr_dns_vnet_agree(&tb, &v, why, sizeof(why)) &&
			mr_up_agree(&tb, &v, why, sizeof(why));
		n++;
		if (agree != mr_get_cases[i].agree)
			bad++;
		printf("%sok %u - get: %s: %s (%s)\n", agree != mr_get_cases[i].agree ? "not " : "",
		       n, mr_get_cases[i].name, agree ? "agrees" : "disagrees", why);
	}
	for (i = 0; i < MR_ARRAY_SIZE(mr_header_cases); i++) {
		const char *why = mr_header_refusal(mr_header_cases[i].reserved,
						    mr_header_cases[i].flags);
		bool wrong = !why != !mr_header_cases[i].refused;

		n++;
		if (wrong)
			bad++;
		printf("%sok %u - header: %s: %s\n", wrong ? "not " : "", n,
		       mr_header_cases[i].name, why ? why : "passes");
	}
	printf("%u passed, %u failed\n", n - bad, bad);
	return bad ? 1 : 0;
}
