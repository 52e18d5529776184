/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The classification table: each case is a configuration, one flow, and the
 * reason Kuma's iptables rules give it (module/KUMA.md), or, for a zone
 * case, the conntrack zone Kuma's raw rules give a query going out.
 * Compiled into the KUnit suite and into tests/unit/decide_test.c, so the
 * kernel and userspace run the very same cases against the very same
 * decide.c. The includer provides nothing but a zeroed arena.
 */
#ifndef MR_DECIDE_CASES_H
#define MR_DECIDE_CASES_H

#include "../../module/decide.h"

#define MR_SPEC_N 4

/* A list ends at its first {0, 0}: none of the cases needs root alone. */
struct mr_spec_range {
	u32 first, last;
};

/* A list ends at its first /0 that is not marked whole (ANY4). */
struct mr_spec_cidr {
	struct mr_key addr;
	u8 prefix_len;
	bool ipv6;
	bool whole;
};

struct mr_spec_dir {
	bool disabled;
	struct mr_spec_range exclude_ports[MR_SPEC_N];
	struct mr_spec_range include_ports[MR_SPEC_N];
	struct mr_spec_cidr exclude_ips[MR_SPEC_N];
};

/* Given already cut: disjoint and sorted by UID, as config.c leaves them. */
struct mr_spec_uid_ports {
	struct mr_spec_range uids;
	struct mr_spec_range ports[MR_SPEC_N];
};

struct mr_spec_dns {
	bool on;
	bool all;			/* capture-all */
	u8 split;			/* MESHREDIR_ZONE_SPLIT_* bits */
	struct mr_spec_cidr servers[MR_SPEC_N];
	struct mr_spec_cidr docker[MR_SPEC_N];
};

/* A list ends at its first entry without ifname. */
struct mr_spec_vnet {
	const char *ifname;
	struct mr_spec_cidr cidr;
};

struct mr_spec {
	bool ipv4_only;			/* ip-family-mode ipv4 */
	struct mr_spec_range owner_uids[MR_SPEC_N];
	struct mr_spec_range owner_gids[MR_SPEC_N];
	struct mr_spec_uid_ports uid_ports[2];
	struct mr_spec_uid_ports uid_ports_udp[2];
	struct mr_spec_dir in, out;
	struct mr_spec_dns dns;
	struct mr_spec_vnet vnet[MR_SPEC_N];
};

struct mr_case {
	const char *name;
	struct mr_spec spec;
	struct mr_flow flow;
	int want;			/* enum meshredir_reason, or the zone */
	bool zone;			/* mr_decide_zone(), not mr_decide() */
};

#define V4(a, b, c, d) { 0, ((u64)(a) << 24) | ((b) << 16) | ((c) << 8) | (d) }
#define DB8(net, host) { 0x20010db800000000ULL | ((u64)(net) << 16), (host) }

#define POD4		V4(198, 51, 100, 2)
#define REMOTE4		V4(192, 0, 2, 10)
#define CLIENT4		V4(203, 0, 113, 5)
#define LOCALHOST4	V4(127, 0, 0, 1)
#define PASSTHRU4	V4(127, 0, 0, 6)
#define POD6		DB8(1, 2)
#define REMOTE6		DB8(2, 0x10)
#define CLIENT6		DB8(3, 5)
#define LOCALHOST6	{ 0, 1 }
#define ANY4		{ V4(0, 0, 0, 0), 0, false, true }
#define NS4		V4(10, 96, 0, 10)
#define NS6		DB8(4, 0x53)
#define STUB4		V4(127, 0, 0, 53)
#define PASSTHRU6	{ 0, 6 }

#define KUMA_DP		.owner_uids = { { 5678, 5678 } }
#define APP		.has_owner = true, .uid = 1000, .gid = 1000
#define PROXY		.has_owner = true, .uid = 5678, .gid = 5678
#define LO		.oif_loopback = true
#define OUT4(...)	{ .hook = MR_HOOK_LOCAL_OUT, __VA_ARGS__ }
#define OUT6(...)	{ .hook = MR_HOOK_LOCAL_OUT, .ipv6 = true, __VA_ARGS__ }
#define IN4(...)	{ .hook = MR_HOOK_PRE_ROUTING, __VA_ARGS__ }
#define IN6(...)	{ .hook = MR_HOOK_PRE_ROUTING, .ipv6 = true, __VA_ARGS__ }
#define UDP		.udp = true
/* DNS capture with the zone split, to NS4 and NS6; NS4 only; every address. */
#define SPLIT46		(MESHREDIR_ZONE_SPLIT_IPV4 | MESHREDIR_ZONE_SPLIT_IPV6)
#define DNS46		.dns = { true, false, SPLIT46, { { NS4, 32 }, { NS6, 128, true } } }
#define DNS4		.dns = { true, false, SPLIT46, { { NS4, 32 } } }
#define DNSALL		.dns = { true, true, SPLIT46 }
/* The split in one family only, as Docker's chain in the other leaves it. */
#define DNS46_SPLIT(f)	.dns = { true, false, MESHREDIR_ZONE_SPLIT_##f, \
				 { { NS4, 32 }, { NS6, 128, true } } }
#define DNSALL_SPLIT(f)	.dns = { true, true, MESHREDIR_ZONE_SPLIT_##f }
/* The same, the IPv4 nat table having Docker's DOCKER_OUTPUT chain. */
#define DOCKER_DNS4	V4(127, 0, 0, 11)
#define DNS4_DOCKER	.dns = { true, false, SPLIT46, { { NS4, 32 } }, { { DOCKER_DNS4, 32 } } }
#define DNSALL_DOCKER	.dns = { .on = true, .all = true, .split = SPLIT46, \
				 .docker = { { DOCKER_DNS4, 32 } } }
#define NODNS_DOCKER	.dns = { .docker = { { DOCKER_DNS4, 32 } } }
#define ZONE(n)		(n), true
/* vnet: dock0 with a network per family; br+ (a prefix) IPv4 only. */
#define DOCK4		V4(172, 17, 0, 0)
#define DOCK6		DB8(0x17, 0)
#define BR4		V4(172, 18, 0, 0)
#define VNET		.vnet = { { "dock0", { DOCK4, 16 } }, { "dock0", { DOCK6, 64, true } }, \
				  { "br+", { BR4, 16 } } }
#define C4		V4(172, 17, 0, 2)	/* a container behind dock0 */
#define C6		DB8(0x17, 2)
#define DOCK0		.iifname = "dock0"
#define ETH0		.iifname = "eth0"

#define R(reason)	MESHREDIR_REASON_##reason, false

static const struct mr_case mr_cases[] = {
	/* Default configuration: B7 and the inbound chain. */
	{ "app to remote: outbound", { KUMA_DP },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "app to remote v6: outbound", { KUMA_DP },
	  OUT6(APP, .saddr = POD6, .daddr = REMOTE6, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "no socket: owner test fails, outbound", { KUMA_DP },
	  OUT4(.saddr = POD4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "client to pod: inbound", { KUMA_DP },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 5000), R(REDIRECTED_INBOUND) },
	{ "client to pod v6: inbound", { KUMA_DP },
	  IN6(.saddr = CLIENT6, .daddr = POD6, .dport = 5000), R(REDIRECTED_INBOUND) },
	{ "inbound ignores the owner", { KUMA_DP },
	  IN4(PROXY, .saddr = CLIENT4, .daddr = POD4, .dport = 5000), R(REDIRECTED_INBOUND) },
	/*
	 * ip-family-mode ipv4: no IPv6 rule at all, so IPv6 passes ahead of
	 * every exclusion; IPv4 is classified as ever.
	 */
	{ "ipv4 mode: app to remote v6 passes", { .ipv4_only = true, KUMA_DP },
	  OUT6(APP, .saddr = POD6, .daddr = REMOTE6, .dport = 80), R(FAMILY_DISABLED) },
	{ "ipv4 mode: client to pod v6 passes", { .ipv4_only = true, KUMA_DP },
	  IN6(.saddr = CLIENT6, .daddr = POD6, .dport = 5000), R(FAMILY_DISABLED) },
	{ "ipv4 mode: proxy to own pod IP v6 passes, no B3", { .ipv4_only = true, KUMA_DP },
	  OUT6(PROXY, LO, .saddr = POD6, .daddr = POD6, .dport = 5000), R(FAMILY_DISABLED) },
	{ "ipv4 mode: app to remote still outbound", { .ipv4_only = true, KUMA_DP },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "ipv4 mode: client to pod still inbound", { .ipv4_only = true, KUMA_DP },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 5000), R(REDIRECTED_INBOUND) },
	/* B5: the proxy's own connections. */
	{ "proxy to remote: B5", { KUMA_DP },
	  OUT4(PROXY, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(PROXY_OWNER) },
	{ "proxy by gid: B5", { KUMA_DP, .owner_gids = { { 1337, 1337 } } },
	  OUT4(.has_owner = true, .uid = 1000, .gid = 1337, .saddr = POD4,
	       .daddr = REMOTE4, .dport = 80), R(PROXY_OWNER) },
	{ "owner uid range", { .owner_uids = { { 5000, 5999 } } },
	  OUT4(PROXY, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(PROXY_OWNER) },
	{ "uid just outside the owner range", { .owner_uids = { { 5000, 5677 } } },
	  OUT4(PROXY, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	/* Loopback: B2, B3, B4. */
	{ "proxy to own pod IP: B3 inbound", { KUMA_DP },
	  OUT4(PROXY, LO, .saddr = POD4, .daddr = POD4, .dport = 5000), R(REDIRECTED_INBOUND) },
	{ "proxy to own pod IP v6: B3 inbound", { KUMA_DP },
	  OUT6(PROXY, LO, .saddr = POD6, .daddr = POD6, .dport = 5000), R(REDIRECTED_INBOUND) },
	{ "proxy to 127.0.0.2: B3 inbound", { KUMA_DP },
	  OUT4(PROXY, LO, .saddr = V4(127, 0, 0, 1), .daddr = V4(127, 0, 0, 2), .dport = 5000),
	  R(REDIRECTED_INBOUND) },
	{ "proxy to tcp/53 on 127.0.0.53: B3 inbound", { KUMA_DP },
	  OUT4(PROXY, LO, .saddr = V4(127, 0, 0, 1), .daddr = V4(127, 0, 0, 53), .dport = 53),
	  R(REDIRECTED_INBOUND) },
	{ "proxy to 127.0.0.1: B5, never redirected", { KUMA_DP },
	  OUT4(PROXY, LO, .saddr = LOCALHOST4, .daddr = LOCALHOST4, .dport = 5000), R(PROXY_OWNER) },
	{ "proxy to ::1: B5", { KUMA_DP },
	  OUT6(PROXY, LO, .saddr = LOCALHOST6, .daddr = LOCALHOST6, .dport = 5000), R(PROXY_OWNER) },
	{ "app to 127.0.0.1: B4", { KUMA_DP },
	  OUT4(APP, LO, .saddr = LOCALHOST4, .daddr = LOCALHOST4, .dport = 5000), R(LOOPBACK) },
	{ "app to own pod IP: B4", { KUMA_DP },
	  OUT4(APP, LO, .saddr = POD4, .daddr = POD4, .dport = 5000), R(LOOPBACK) },
	{ "no socket on lo: B4", { KUMA_DP },
	  OUT4(LO, .saddr = POD4, .daddr = POD4, .dport = 5000), R(LOOPBACK) },
	{ "passthrough 127.0.0.6 by the proxy: B2 before B3", { KUMA_DP },
	  OUT4(PROXY, LO, .saddr = PASSTHRU4, .daddr = POD4, .dport = 5000), R(PASSTHROUGH) },
	{ "passthrough ::6: B2", { KUMA_DP },
	  OUT6(PROXY, LO, .saddr = PASSTHRU6, .daddr = POD6, .dport = 5000), R(PASSTHROUGH) },
	{ "127.0.0.6 off loopback is no passthrough", { KUMA_DP },
	  OUT4(APP, .saddr = PASSTHRU4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "::6 is not passthrough for IPv4", { KUMA_DP },
	  OUT4(APP, LO, .saddr = V4(0, 0, 0, 6), .daddr = POD4, .dport = 80), R(LOOPBACK) },
	{ "app to 127.0.0.1 off loopback: B6", { KUMA_DP },
	  OUT4(APP, .saddr = POD4, .daddr = LOCALHOST4, .dport = 80), R(LOCALHOST) },
	/* Outbound port knobs: B1 and B7. */
	{ "excluded outbound port: B1", { KUMA_DP, .out.exclude_ports = { { 80, 80 } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(EXCLUDED_PORT) },
	{ "excluded outbound port range edge", { KUMA_DP, .out.exclude_ports = { { 8000, 8080 } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 8080), R(EXCLUDED_PORT) },
	{ "next to an excluded range", { KUMA_DP, .out.exclude_ports = { { 8000, 8080 } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 8081), R(REDIRECTED_OUTBOUND) },
	{ "B1 before B3: excluded port spares the proxy on lo",
	  { KUMA_DP, .out.exclude_ports = { { 5000, 5000 } } },
	  OUT4(PROXY, LO, .saddr = POD4, .daddr = POD4, .dport = 5000), R(EXCLUDED_PORT) },
	{ "A2 before B3: the proxy to its pod IP inside an excluded CIDR",
	  { KUMA_DP, .out.exclude_ips = { { POD4, 32 } } },
	  OUT4(PROXY, LO, .saddr = POD4, .daddr = POD4, .dport = 5000), R(EXCLUDED_IP) },
	{ "A1 before B3: a port excluded for the proxy's own UID",
	  { KUMA_DP, .uid_ports = { { { 5678, 5678 }, { { 5000, 5000 } } } } },
	  OUT4(PROXY, LO, .saddr = POD4, .daddr = POD4, .dport = 5000), R(EXCLUDED_PORT_FOR_UID) },
	{ "included outbound port", { KUMA_DP, .out.include_ports = { { 80, 80 }, { 443, 443 } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 443), R(REDIRECTED_OUTBOUND) },
	{ "not an included outbound port", { KUMA_DP, .out.include_ports = { { 80, 80 } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 81), R(NOT_INCLUDED) },
	{ "include ignores exclude (outbound)",
	  { KUMA_DP, .out.include_ports = { { 80, 80 } }, .out.exclude_ports = { { 80, 80 } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "include ports still leave B3 alone", { KUMA_DP, .out.include_ports = { { 80, 80 } } },
	  OUT4(PROXY, LO, .saddr = POD4, .daddr = POD4, .dport = 5000), R(REDIRECTED_INBOUND) },
	/* A2: outbound IP exclusions, by destination, ahead of everything. */
	{ "excluded outbound CIDR", { KUMA_DP,
	  .out.exclude_ips = { { V4(192, 0, 2, 0), 24 } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(EXCLUDED_IP) },
	{ "excluded outbound CIDR ahead of the owner", { KUMA_DP,
	  .out.exclude_ips = { { V4(192, 0, 2, 0), 24 } } },
	  OUT4(PROXY, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(EXCLUDED_IP) },
	{ "excluded outbound CIDR matches the destination only", { KUMA_DP,
	  .out.exclude_ips = { { V4(198, 51, 100, 0), 24 } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "excluded outbound CIDR v6", { KUMA_DP,
	  .out.exclude_ips = { { DB8(2, 0), 48, true } } },
	  OUT6(APP, .saddr = POD6, .daddr = REMOTE6, .dport = 80), R(EXCLUDED_IP) },
	{ "a v4 CIDR does not match v6", { KUMA_DP,
	  .out.exclude_ips = { ANY4 } },
	  OUT6(APP, .saddr = POD6, .daddr = REMOTE6, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "0.0.0.0/0 excludes every v4 destination", { KUMA_DP,
	  .out.exclude_ips = { ANY4 } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(EXCLUDED_IP) },
	{ "excluded outbound CIDR with outbound off", { KUMA_DP, .out.disabled = true,
	  .out.exclude_ips = { { V4(192, 0, 2, 10), 32 } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(EXCLUDED_IP) },
	/* A1: exclude-outbound-ports-for-uids. */
	{ "uid port exclusion", { KUMA_DP,
	  .uid_ports = { { { 1000, 1000 }, { { 80, 80 } } } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(EXCLUDED_PORT_FOR_UID) },
	{ "uid port exclusion, other port", { KUMA_DP,
	  .uid_ports = { { { 1000, 1000 }, { { 80, 80 } } } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 81), R(REDIRECTED_OUTBOUND) },
	{ "uid port exclusion, other uid", { KUMA_DP,
	  .uid_ports = { { { 1000, 1000 }, { { 80, 80 } } } } },
	  OUT4(.has_owner = true, .uid = 1001, .saddr = POD4, .daddr = REMOTE4, .dport = 80),
	  R(REDIRECTED_OUTBOUND) },
	{ "uid port exclusion needs a socket", { KUMA_DP,
	  .uid_ports = { { { 0, 65535 }, { { 1, 65535 } } } } },
	  OUT4(.saddr = POD4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "uid port exclusion ahead of the IP exclusion", { KUMA_DP,
	  .uid_ports = { { { 1000, 1000 }, { { 80, 80 } } } },
	  .out.exclude_ips = { { REMOTE4, 32 } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(EXCLUDED_PORT_FOR_UID) },
	{ "uid port exclusion, second entry", { KUMA_DP,
	  .uid_ports = { { { 10, 20 }, { { 22, 22 } } }, { { 1000, 2000 }, { { 80, 90 } } } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 85), R(EXCLUDED_PORT_FOR_UID) },
	{ "uid port exclusion, between entries", { KUMA_DP,
	  .uid_ports = { { { 10, 20 }, { { 22, 22 } } }, { { 2000, 3000 }, { { 80, 90 } } } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 85), R(REDIRECTED_OUTBOUND) },
	/* Directions switched off. */
	{ "outbound off", { KUMA_DP, .out.disabled = true },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(DIRECTION_DISABLED) },
	{ "outbound off removes B3", { KUMA_DP, .out.disabled = true },
	  OUT4(PROXY, LO, .saddr = POD4, .daddr = POD4, .dport = 5000), R(DIRECTION_DISABLED) },
	{ "inbound off keeps B3", { KUMA_DP, .in.disabled = true },
	  OUT4(PROXY, LO, .saddr = POD4, .daddr = POD4, .dport = 5000), R(REDIRECTED_INBOUND) },
	{ "inbound off", { KUMA_DP, .in.disabled = true },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 5000), R(DIRECTION_DISABLED) },
	{ "inbound off with an excluded source", { KUMA_DP, .in.disabled = true,
	  .in.exclude_ips = { { CLIENT4, 32 } } },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 5000), R(DIRECTION_DISABLED) },
	/* Inbound knobs. */
	{ "excluded inbound port", { KUMA_DP, .in.exclude_ports = { { 22, 22 } } },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 22), R(EXCLUDED_PORT) },
	{ "excluded inbound port, another port", { KUMA_DP, .in.exclude_ports = { { 22, 22 } } },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 23), R(REDIRECTED_INBOUND) },
	{ "included inbound port", { KUMA_DP, .in.include_ports = { { 5000, 5000 } } },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 5000), R(REDIRECTED_INBOUND) },
	{ "not an included inbound port", { KUMA_DP, .in.include_ports = { { 5000, 5000 } } },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 5001), R(NOT_INCLUDED) },
	{ "include ignores exclude (inbound)", { KUMA_DP,
	  .in.include_ports = { { 5000, 5000 } }, .in.exclude_ports = { { 5000, 5000 } } },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 5000), R(REDIRECTED_INBOUND) },
	{ "excluded inbound source", { KUMA_DP,
	  .in.exclude_ips = { { V4(203, 0, 113, 0), 24 } } },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 5000), R(EXCLUDED_IP) },
	{ "inbound exclusion matches the source, not the destination", { KUMA_DP,
	  .in.exclude_ips = { { POD4, 32 } } },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 5000), R(REDIRECTED_INBOUND) },
	{ "excluded inbound source ahead of include", { KUMA_DP,
	  .in.include_ports = { { 5000, 5000 } }, .in.exclude_ips = { { CLIENT4, 32 } } },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 5000), R(EXCLUDED_IP) },
	{ "excluded inbound source v6", { KUMA_DP,
	  .in.exclude_ips = { { DB8(3, 0), 64, true } } },
	  IN6(.saddr = CLIENT6, .daddr = POD6, .dport = 5000), R(EXCLUDED_IP) },
	{ "inbound v6 /128 next door", { KUMA_DP,
	  .in.exclude_ips = { { DB8(3, 4), 128, true } } },
	  IN6(.saddr = CLIENT6, .daddr = POD6, .dport = 5000), R(REDIRECTED_INBOUND) },
	{ "outbound knobs do not touch inbound", { KUMA_DP,
	  .out.exclude_ports = { { 5000, 5000 } }, .out.exclude_ips = { { CLIENT4, 32 } } },
	  IN4(.saddr = CLIENT4, .daddr = POD4, .dport = 5000), R(REDIRECTED_INBOUND) },
	{ "inbound knobs do not touch outbound", { KUMA_DP,
	  .in.exclude_ports = { { 80, 80 } }, .in.exclude_ips = { { REMOTE4, 32 } } },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	/* DNS capture: A1, A2, D1, D2 for UDP/53; D3 for TCP/53. */
	{ "dns: app's UDP/53 to a server: DNS port", { KUMA_DP, DNS46 },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), R(REDIRECTED_DNS) },
	{ "dns: app's UDP/53 to a server v6: DNS port", { KUMA_DP, DNS46 },
	  OUT6(APP, UDP, .saddr = POD6, .daddr = NS6, .dport = 53), R(REDIRECTED_DNS) },
	{ "dns: to an address not a server: passes", { KUMA_DP, DNS46 },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = REMOTE4, .dport = 53), R(DNS_PASSED) },
	{ "dns: capture-all takes any address", { KUMA_DP, DNSALL },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = REMOTE4, .dport = 53), R(REDIRECTED_DNS) },
	{ "dns: capture-all takes any address v6", { KUMA_DP, DNSALL },
	  OUT6(APP, UDP, .saddr = POD6, .daddr = REMOTE6, .dport = 53), R(REDIRECTED_DNS) },
	{ "dns: the proxy's query upstream passes (D1)", { KUMA_DP, DNS46 },
	  OUT4(PROXY, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), R(PROXY_OWNER) },
	{ "dns: the proxy's query passes with capture-all", { KUMA_DP, DNSALL },
	  OUT4(PROXY, UDP, .saddr = POD4, .daddr = REMOTE4, .dport = 53), R(PROXY_OWNER) },
	{ "dns: no socket: owner test fails, captured", { KUMA_DP, DNS46 },
	  OUT4(UDP, .saddr = POD4, .daddr = NS4, .dport = 53), R(REDIRECTED_DNS) },
	{ "dns: a family without a server has no capture", { KUMA_DP, DNS4 },
	  OUT6(APP, UDP, .saddr = POD6, .daddr = NS6, .dport = 53), R(DNS_PASSED) },
	{ "dns: a loopback server is captured", { KUMA_DP,
	  .dns = { true, false, SPLIT46, { { STUB4, 32 } } } },
	  OUT4(APP, UDP, LO, .saddr = LOCALHOST4, .daddr = STUB4, .dport = 53), R(REDIRECTED_DNS) },
	{ "dns: app's TCP/53 passes (D3)", { KUMA_DP, DNS46 },
	  OUT4(APP, .saddr = POD4, .daddr = NS4, .dport = 53), R(DNS_PASSED) },
	{ "dns: app's TCP/53 anywhere passes (D3)", { KUMA_DP, DNS46 },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 53), R(DNS_PASSED) },
	{ "dns: app's TCP/53 over loopback: D3 ahead of B4", { KUMA_DP, DNS46 },
	  OUT4(APP, LO, .saddr = LOCALHOST4, .daddr = STUB4, .dport = 53), R(DNS_PASSED) },
	{ "dns: the proxy's TCP/53 goes on to the TCP rules", { KUMA_DP, DNS46 },
	  OUT4(PROXY, .saddr = POD4, .daddr = NS4, .dport = 53), R(PROXY_OWNER) },
	{ "dns: TCP/53 in a family without a server goes out", { KUMA_DP, DNS4 },
	  OUT6(APP, .saddr = POD6, .daddr = NS6, .dport = 53), R(REDIRECTED_OUTBOUND) },
	{ "dns: TCP/53 without DNS capture goes out", { KUMA_DP },
	  OUT4(APP, .saddr = POD4, .daddr = NS4, .dport = 53), R(REDIRECTED_OUTBOUND) },
	{ "dns: UDP without DNS capture is not classified", { KUMA_DP },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), R(UNSPEC) },
	{ "dns: UDP to another port is not classified", { KUMA_DP, DNSALL },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 123), R(UNSPEC) },
	{ "dns: arriving UDP/53 is not classified", { KUMA_DP, DNSALL },
	  IN4(UDP, .saddr = CLIENT4, .daddr = POD4, .dport = 53), R(UNSPEC) },
	{ "dns: a udp exclusion for the app's UID (A1)", { KUMA_DP, DNS46,
	  .uid_ports_udp = { { { 1000, 1000 }, { { 53, 53 } } } } },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), R(EXCLUDED_PORT_FOR_UID) },
	{ "dns: a tcp exclusion leaves UDP/53 captured", { KUMA_DP, DNS46,
	  .uid_ports = { { { 1000, 1000 }, { { 53, 53 } } } } },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), R(REDIRECTED_DNS) },
	{ "dns: a tcp exclusion takes TCP/53 ahead of D3", { KUMA_DP, DNS46,
	  .uid_ports = { { { 1000, 1000 }, { { 53, 53 } } } } },
	  OUT4(APP, .saddr = POD4, .daddr = NS4, .dport = 53), R(EXCLUDED_PORT_FOR_UID) },
	{ "dns: a udp exclusion leaves TCP/53 to D3", { KUMA_DP, DNS46,
	  .uid_ports_udp = { { { 1000, 1000 }, { { 53, 53 } } } } },
	  OUT4(APP, .saddr = POD4, .daddr = NS4, .dport = 53), R(DNS_PASSED) },
	{ "dns: an excluded server address (A2)", { KUMA_DP, DNS46,
	  .out.exclude_ips = { { NS4, 32 } } },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), R(EXCLUDED_IP) },
	{ "dns: outbound off keeps DNS capture", { KUMA_DP, DNS46, .out.disabled = true },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), R(REDIRECTED_DNS) },
	{ "dns: outbound off keeps D3", { KUMA_DP, DNS46, .out.disabled = true },
	  OUT4(APP, .saddr = POD4, .daddr = NS4, .dport = 53), R(DNS_PASSED) },
	{ "dns: ipv4 mode: IPv6 DNS passes first", { KUMA_DP, DNS46, .ipv4_only = true },
	  OUT6(APP, UDP, .saddr = POD6, .daddr = NS6, .dport = 53), R(FAMILY_DISABLED) },
	/* Docker: D1 jumps to DOCKER_OUTPUT, which DNATs UDP/TCP 53 to it. */
	{ "docker: the proxy's query to Docker's DNS passes (D1)", { KUMA_DP, DNS4_DOCKER },
	  OUT4(PROXY, UDP, LO, .saddr = LOCALHOST4, .daddr = DOCKER_DNS4, .dport = 53),
	  R(PROXY_OWNER) },
	{ "docker: the proxy's query to a server goes on to D2", { KUMA_DP, DNS4_DOCKER },
	  OUT4(PROXY, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), R(REDIRECTED_DNS) },
	{ "docker: the proxy's query elsewhere passes after D2", { KUMA_DP, DNS4_DOCKER },
	  OUT4(PROXY, UDP, .saddr = POD4, .daddr = REMOTE4, .dport = 53), R(DNS_PASSED) },
	{ "docker: capture-all takes the proxy's other queries", { KUMA_DP, DNSALL_DOCKER },
	  OUT4(PROXY, UDP, .saddr = POD4, .daddr = REMOTE4, .dport = 53), R(REDIRECTED_DNS) },
	{ "docker: capture-all leaves the proxy's to Docker's", { KUMA_DP, DNSALL_DOCKER },
	  OUT4(PROXY, UDP, LO, .saddr = LOCALHOST4, .daddr = DOCKER_DNS4, .dport = 53),
	  R(PROXY_OWNER) },
	{ "docker: capture-all takes the app's to Docker's", { KUMA_DP, DNSALL_DOCKER },
	  OUT4(APP, UDP, LO, .saddr = LOCALHOST4, .daddr = DOCKER_DNS4, .dport = 53),
	  R(REDIRECTED_DNS) },
	{ "docker: a family without the chain keeps D1", { KUMA_DP, DNSALL_DOCKER },
	  OUT6(PROXY, UDP, .saddr = POD6, .daddr = REMOTE6, .dport = 53), R(PROXY_OWNER) },
	{ "docker: the proxy's TCP/53 to it: Docker's jump first", { KUMA_DP, DNS4_DOCKER },
	  OUT4(PROXY, LO, .saddr = LOCALHOST4, .daddr = DOCKER_DNS4, .dport = 53),
	  R(DNS_PASSED) },
	{ "docker: the proxy's TCP to another port of it (B3)", { KUMA_DP, DNS4_DOCKER },
	  OUT4(PROXY, LO, .saddr = LOCALHOST4, .daddr = DOCKER_DNS4, .dport = 80),
	  R(REDIRECTED_INBOUND) },
	{ "docker: the proxy's TCP/53 elsewhere: TCP rules", { KUMA_DP, DNSALL_DOCKER },
	  OUT4(PROXY, .saddr = POD4, .daddr = REMOTE4, .dport = 53), R(PROXY_OWNER) },
	{ "docker: DNS off: the proxy's TCP/53 to it: Docker's jump first", { KUMA_DP,
	  NODNS_DOCKER }, OUT4(PROXY, LO, .saddr = LOCALHOST4, .daddr = DOCKER_DNS4, .dport = 53),
	  R(DNS_PASSED) },
	{ "docker: DNS off: the app's TCP/53 to it too", { KUMA_DP, NODNS_DOCKER },
	  OUT4(APP, LO, .saddr = LOCALHOST4, .daddr = DOCKER_DNS4, .dport = 53),
	  R(DNS_PASSED) },
	{ "docker: DNS off: UDP/53 no rule", { KUMA_DP, NODNS_DOCKER },
	  OUT4(PROXY, UDP, LO, .saddr = LOCALHOST4, .daddr = DOCKER_DNS4, .dport = 53),
	  R(UNSPEC) },
	{ "docker: an excluded address comes first (A2)", { KUMA_DP, DNS4_DOCKER,
	  .out.exclude_ips = { { DOCKER_DNS4, 32 } } },
	  OUT4(PROXY, UDP, LO, .saddr = LOCALHOST4, .daddr = DOCKER_DNS4, .dport = 53),
	  R(EXCLUDED_IP) },
	/*
	 * The zone split: Kuma's raw rules D4 and D6, the queries' zones. An
	 * answer gets none (Kuma's D5, D7, D8): it is looked up in the default
	 * zone, where its query's reply tuple is.
	 */
	{ "zone: app's query to a server: proxy zone (D6)", { KUMA_DP, DNS46 },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), ZONE(2) },
	{ "zone: app's query to a server v6 (D6)", { KUMA_DP, DNS46 },
	  OUT6(APP, UDP, .saddr = POD6, .daddr = NS6, .dport = 53), ZONE(2) },
	{ "zone: the proxy's query: upstream zone (D4)", { KUMA_DP, DNS46 },
	  OUT4(PROXY, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), ZONE(1) },
	{ "zone: the proxy's query to any address (D4)", { KUMA_DP, DNS46 },
	  OUT6(PROXY, UDP, .saddr = POD6, .daddr = REMOTE6, .dport = 53), ZONE(1) },
	{ "zone: the proxy's answer: none", { KUMA_DP, DNS46 },
	  OUT4(PROXY, UDP, LO, .saddr = LOCALHOST4, .daddr = POD4, .dport = 40000), ZONE(0) },
	{ "zone: a loopback server's answer: none", { KUMA_DP,
	  .dns = { true, false, SPLIT46, { { V4(127, 0, 0, 11), 32 } } } },
	  OUT4(APP, UDP, LO, .saddr = V4(127, 0, 0, 11), .daddr = LOCALHOST4,
	       .dport = 40000), ZONE(0) },
	{ "zone: a server's answer arriving: none", { KUMA_DP, DNS46 },
	  IN4(UDP, .saddr = NS4, .daddr = POD4, .dport = 40000), ZONE(0) },
	{ "zone: capture-all: any query (D6)", { KUMA_DP, DNSALL },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = REMOTE4, .dport = 53), ZONE(2) },
	{ "zone: to an address not a server: none", { KUMA_DP, DNS46 },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = REMOTE4, .dport = 53), ZONE(0) },
	{ "zone: split skipped: none", { KUMA_DP,
	  .dns = { true, false, 0, { { NS4, 32 } } } },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), ZONE(0) },
	/* Per family, as Kuma's install decides it: Docker's chain in one. */
	{ "zone: IPv6's split only: IPv4 none", { KUMA_DP, DNS46_SPLIT(IPV6) },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), ZONE(0) },
	{ "zone: IPv6's split only: IPv6 (D6)", { KUMA_DP, DNS46_SPLIT(IPV6) },
	  OUT6(APP, UDP, .saddr = POD6, .daddr = NS6, .dport = 53), ZONE(2) },
	{ "zone: IPv6's split only: proxy v6 (D4)", { KUMA_DP, DNS46_SPLIT(IPV6) },
	  OUT6(PROXY, UDP, .saddr = POD6, .daddr = NS6, .dport = 53), ZONE(1) },
	{ "zone: IPv6's split only: proxy v4 none", { KUMA_DP, DNS46_SPLIT(IPV6) },
	  OUT4(PROXY, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), ZONE(0) },
	{ "zone: IPv4's split only: IPv4 (D6)", { KUMA_DP, DNS46_SPLIT(IPV4) },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), ZONE(2) },
	{ "zone: IPv4's split only: IPv6 none", { KUMA_DP, DNS46_SPLIT(IPV4) },
	  OUT6(APP, UDP, .saddr = POD6, .daddr = NS6, .dport = 53), ZONE(0) },
	{ "zone: capture-all, IPv6's only: v4 none", { KUMA_DP, DNSALL_SPLIT(IPV6) },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = REMOTE4, .dport = 53), ZONE(0) },
	{ "zone: capture-all, IPv6's only: v6 (D6)", { KUMA_DP, DNSALL_SPLIT(IPV6) },
	  OUT6(APP, UDP, .saddr = POD6, .daddr = REMOTE6, .dport = 53), ZONE(2) },
	{ "zone: ipv4 mode, IPv6's split only: none", { KUMA_DP, DNS46_SPLIT(IPV6),
	  .ipv4_only = true }, OUT6(APP, UDP, .saddr = POD6, .daddr = NS6, .dport = 53), ZONE(0) },
	{ "zone: TCP: none", { KUMA_DP, DNS46 },
	  OUT4(APP, .saddr = POD4, .daddr = NS4, .dport = 53), ZONE(0) },
	{ "zone: a family without a server: none", { KUMA_DP, DNS4 },
	  OUT6(PROXY, UDP, .saddr = POD6, .daddr = NS6, .dport = 53), ZONE(0) },
	{ "zone: an excluded UID's query is zoned all the same", { KUMA_DP, DNS46,
	  .uid_ports_udp = { { { 1000, 1000 }, { { 53, 53 } } } } },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), ZONE(2) },
	{ "zone: ipv4 mode: IPv6 none", { KUMA_DP, DNS46, .ipv4_only = true },
	  OUT6(APP, UDP, .saddr = POD6, .daddr = NS6, .dport = 53), ZONE(0) },
	{ "zone: without DNS capture: none", { KUMA_DP },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), ZONE(0) },
	/*
	 * vnet: V1 and V2 at the top of PREROUTING, for the entries of the
	 * flow's family whose interface matches, ahead of the inbound chain.
	 */
	{ "vnet: UDP/53 anywhere: DNS port, DNS off", { KUMA_DP, VNET },
	  IN4(UDP, DOCK0, .saddr = C4, .daddr = REMOTE4, .dport = 53), R(REDIRECTED_DNS) },
	{ "vnet: UDP/53 to a server, DNS on: DNS port", { KUMA_DP, VNET, DNS46 },
	  IN4(UDP, DOCK0, .saddr = C4, .daddr = NS4, .dport = 53), R(REDIRECTED_DNS) },
	{ "vnet: UDP/53 v6: DNS port", { KUMA_DP, VNET },
	  IN6(UDP, DOCK0, .saddr = C6, .daddr = REMOTE6, .dport = 53), R(REDIRECTED_DNS) },
	{ "vnet: UDP/53 on another interface: no rule", { KUMA_DP, VNET, DNS46 },
	  IN4(UDP, ETH0, .saddr = C4, .daddr = NS4, .dport = 53), R(UNSPEC) },
	{ "vnet: UDP to another port: no rule", { KUMA_DP, VNET },
	  IN4(UDP, DOCK0, .saddr = C4, .daddr = REMOTE4, .dport = 123), R(UNSPEC) },
	{ "vnet: UDP/53 v6 on br+, IPv4 only: no rule", { KUMA_DP, VNET },
	  IN6(UDP, .iifname = "br-1", .saddr = C6, .daddr = REMOTE6, .dport = 53), R(UNSPEC) },
	{ "vnet: TCP out of the CIDR: outbound port (V2)", { KUMA_DP, VNET },
	  IN4(DOCK0, .saddr = C4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "vnet: TCP out of the CIDR v6: outbound port", { KUMA_DP, VNET },
	  IN6(DOCK0, .saddr = C6, .daddr = REMOTE6, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "vnet: TCP to the CIDR: inbound", { KUMA_DP, VNET },
	  IN4(DOCK0, .saddr = C4, .daddr = V4(172, 17, 0, 1), .dport = 80), R(REDIRECTED_INBOUND) },
	{ "vnet: TCP to the CIDR v6: inbound", { KUMA_DP, VNET },
	  IN6(DOCK0, .saddr = C6, .daddr = DB8(0x17, 1), .dport = 80), R(REDIRECTED_INBOUND) },
	{ "vnet: TCP to the CIDR, inbound off", { KUMA_DP, VNET, .in = { .disabled = true } },
	  IN4(DOCK0, .saddr = C4, .daddr = V4(172, 17, 0, 1), .dport = 80), R(DIRECTION_DISABLED) },
	{ "vnet: V2 ahead of a disabled inbound", { KUMA_DP, VNET, .in = { .disabled = true } },
	  IN4(DOCK0, .saddr = C4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "vnet: V2 ahead of inbound exclusions", { KUMA_DP, VNET,
	  .in = { .exclude_ips = { { C4, 32 } }, .exclude_ports = { { 80, 80 } } } },
	  IN4(DOCK0, .saddr = C4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "vnet: outbound exclusions do not apply", { KUMA_DP, VNET,
	  .out = { .disabled = true, .exclude_ips = { { REMOTE4, 32 } } } },
	  IN4(DOCK0, .saddr = C4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "vnet: another interface: inbound", { KUMA_DP, VNET },
	  IN4(ETH0, .saddr = C4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_INBOUND) },
	{ "vnet: dock0 is exact, not dock01", { KUMA_DP, VNET },
	  IN4(.iifname = "dock01", .saddr = C4, .daddr = REMOTE4, .dport = 80),
	  R(REDIRECTED_INBOUND) },
	{ "vnet: br+ matches br-1", { KUMA_DP, VNET },
	  IN4(.iifname = "br-1", .saddr = V4(172, 18, 0, 2), .daddr = REMOTE4, .dport = 80),
	  R(REDIRECTED_OUTBOUND) },
	{ "vnet: br+ matches br", { KUMA_DP, VNET },
	  IN4(.iifname = "br", .saddr = V4(172, 18, 0, 2), .daddr = REMOTE4, .dport = 80),
	  R(REDIRECTED_OUTBOUND) },
	{ "vnet: br+ does not match b", { KUMA_DP, VNET },
	  IN4(.iifname = "b", .saddr = V4(172, 18, 0, 2), .daddr = REMOTE4, .dport = 80),
	  R(REDIRECTED_INBOUND) },
	{ "vnet: br+ is IPv4 only", { KUMA_DP, VNET },
	  IN6(.iifname = "br-1", .saddr = C6, .daddr = REMOTE6, .dport = 80),
	  R(REDIRECTED_INBOUND) },
	{ "vnet: every matching entry is a rule: out of one CIDR", { KUMA_DP,
	  .vnet = { { "dock+", { V4(10, 1, 0, 0), 16 } }, { "dock0", { V4(10, 2, 0, 0), 16 } } } },
	  IN4(DOCK0, .saddr = C4, .daddr = V4(10, 2, 0, 1), .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "vnet: + alone matches every interface", { KUMA_DP, .vnet = { { "+", { BR4, 16 } } } },
	  IN4(ETH0, .saddr = C4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "vnet: ipv4 mode: IPv6 passes", { KUMA_DP, VNET, .ipv4_only = true },
	  IN6(DOCK0, .saddr = C6, .daddr = REMOTE6, .dport = 80), R(FAMILY_DISABLED) },
	{ "vnet: ipv4 mode: IPv6 UDP/53 passes", { KUMA_DP, VNET, .ipv4_only = true },
	  IN6(UDP, DOCK0, .saddr = C6, .daddr = REMOTE6, .dport = 53), R(FAMILY_DISABLED) },
	{ "vnet: local connections unchanged", { KUMA_DP, VNET },
	  OUT4(APP, .saddr = POD4, .daddr = REMOTE4, .dport = 80), R(REDIRECTED_OUTBOUND) },
	{ "vnet: local UDP/53 without DNS: no rule", { KUMA_DP, VNET },
	  OUT4(APP, UDP, .saddr = POD4, .daddr = NS4, .dport = 53), R(UNSPEC) },
	/*
	 * vnet and the zone split: a query arriving gets none, and the
	 * proxy's answer finds its entry in the default zone (Kuma's D5 put
	 * the answer in zone 2, where it found none).
	 */
	{ "zone: vnet query: none", { KUMA_DP, VNET, DNS46 },
	  IN4(UDP, DOCK0, .saddr = C4, .daddr = REMOTE4, .dport = 53), ZONE(0) },
	{ "zone: vnet query to a server: none", { KUMA_DP, VNET, DNS46 },
	  IN6(UDP, DOCK0, .saddr = C6, .daddr = NS6, .dport = 53), ZONE(0) },
};

/* What the case's function says of its flow. */
static inline int mr_case_run(const struct mr_config *cfg, const struct mr_case *c)
{
	if (c->zone)
		return mr_decide_zone(cfg, &c->flow);
	return mr_decide(cfg, &c->flow);
}

/* The arena: cases allocate, nothing is freed, the includer resets it. */
struct mr_arena {
	size_t used;
	unsigned char mem[16384] __attribute__((aligned(16)));
};

static void *mr_arena_alloc(struct mr_arena *a, size_t size)
{
	void *p;

	size = (size + 15) & ~(size_t)15;
	if (a->used + size > sizeof(a->mem))
		return NULL;
	p = a->mem + a->used;
	a->used += size;
	return p;
}

static u32 mr_spec_count(const struct mr_spec_range *r)
{
	u32 n = 0;

	while (n < MR_SPEC_N && (r[n].first || r[n].last))
		n++;
	return n;
}

static const struct mr_set *mr_spec_set(struct mr_arena *a,
					const struct mr_spec_range *r)
{
	u32 i, n = mr_spec_count(r);
	struct mr_set *set;

	if (!n)
		return NULL;
	set = mr_arena_alloc(a, sizeof(*set) + n * sizeof(set->range[0]));
	if (!set)
		return NULL;
	for (i = 0; i < n; i++) {
		set->range[i].first = mr_key_u32(r[i].first);
		set->range[i].last = mr_key_u32(r[i].last);
	}
	set->count = mr_ranges_normalize(set->range, n);
	return set;
}

static const struct mr_set *mr_spec_cidrs(struct mr_arena *a,
					  const struct mr_spec_cidr *c, bool ipv6)
{
	struct mr_set *set = mr_arena_alloc(a, sizeof(*set) +
					    MR_SPEC_N * sizeof(set->range[0]));
	u32 i, n = 0;

	if (!set)
		return NULL;
	for (i = 0; i < MR_SPEC_N && (c[i].prefix_len || c[i].whole); i++) {
		if (c[i].ipv6 != ipv6)
			continue;
		set->range[n++] = mr_cidr_range(c[i].addr, c[i].prefix_len, ipv6 ? 128 : 32);
	}
	set->count = mr_ranges_normalize(set->range, n);
	return set->count ? set : NULL;
}

static void mr_spec_dir(struct mr_arena *a, const struct mr_spec_dir *s,
			struct mr_dir *d, u16 port)
{
	d->enabled = !s->disabled;
	d->port = port;
	d->exclude_ports = mr_spec_set(a, s->exclude_ports);
	d->include_ports = mr_spec_set(a, s->include_ports);
	d->exclude_ips4 = mr_spec_cidrs(a, s->exclude_ips, false);
	d->exclude_ips6 = mr_spec_cidrs(a, s->exclude_ips, true);
}

/* false only if the arena is too small. */
static bool mr_spec_uid_ports(struct mr_arena *a, const struct mr_spec_uid_ports *s,
			      const struct mr_uid_ports **out)
{
	struct mr_uid_ports *up;
	u32 i, n = 0;

	while (n < 2 && s[n].uids.last)
		n++;
	if (!n)
		return true;
	up = mr_arena_alloc(a, sizeof(*up) + n * sizeof(up->entry[0]));
	if (!up)
		return false;
	up->count = n;
	for (i = 0; i < n; i++) {
		up->entry[i].uids.first = mr_key_u32(s[i].uids.first);
		up->entry[i].uids.last = mr_key_u32(s[i].uids.last);
		up->entry[i].ports = mr_spec_set(a, s[i].ports);
	}
	*out = up;
	return true;
}

/* false only if the arena is too small. */
static bool mr_spec_vnet(struct mr_arena *a, const struct mr_spec_vnet *s,
			 const struct mr_vnet **out)
{
	struct mr_vnet *vnet;
	u32 i, n = 0;
	size_t len;

	while (n < MR_SPEC_N && s[n].ifname)
		n++;
	if (!n)
		return true;
	vnet = mr_arena_alloc(a, sizeof(*vnet) + n * sizeof(vnet->entry[0]));
	if (!vnet)
		return false;
	vnet->count = n;
	for (i = 0; i < n; i++) {
		struct mr_vnet_entry *e = &vnet->entry[i];

		len = strlen(s[i].ifname);
		memcpy(e->ifname, s[i].ifname, len + 1);
		e->len = s[i].ifname[len - 1] == '+' ? len - 1 : len + 1;
		e->ipv6 = s[i].cidr.ipv6;
		e->cidr = mr_cidr_range(s[i].cidr.addr, s[i].cidr.prefix_len,
					e->ipv6 ? 128 : 32);
	}
	*out = vnet;
	return true;
}

/* NULL only if the arena is too small, which a test reports. */
static const struct mr_config *mr_spec_config(struct mr_arena *a,
					      const struct mr_spec *s)
{
	struct mr_config *cfg = mr_arena_alloc(a, sizeof(*cfg));

	if (!cfg)
		return NULL;
	cfg->ip_family_mode = s->ipv4_only ? MESHREDIR_IP_FAMILY_IPV4 :
					     MESHREDIR_IP_FAMILY_DUALSTACK;
	cfg->owner_uids = mr_spec_set(a, s->owner_uids);
	cfg->owner_gids = mr_spec_set(a, s->owner_gids);
	mr_spec_dir(a, &s->in, &cfg->inbound, MESHREDIR_DEFAULT_INBOUND_PORT);
	mr_spec_dir(a, &s->out, &cfg->outbound, MESHREDIR_DEFAULT_OUTBOUND_PORT);
	cfg->dns.enabled = s->dns.on;
	cfg->dns.capture_all = s->dns.all;
	cfg->dns.zone_split = s->dns.split;
	cfg->dns.port = MESHREDIR_DEFAULT_DNS_PORT;
	cfg->dns.servers4 = mr_spec_cidrs(a, s->dns.servers, false);
	cfg->dns.servers6 = mr_spec_cidrs(a, s->dns.servers, true);
	cfg->dns.docker4 = mr_spec_cidrs(a, s->dns.docker, false);
	cfg->dns.docker6 = mr_spec_cidrs(a, s->dns.docker, true);
	if (!mr_spec_vnet(a, s->vnet, &cfg->vnet) ||
	    !mr_spec_uid_ports(a, s->uid_ports, &cfg->uid_ports) ||
	    !mr_spec_uid_ports(a, s->uid_ports_udp, &cfg->uid_ports_udp))
		return NULL;
	return cfg;
}

#endif /* MR_DECIDE_CASES_H */
