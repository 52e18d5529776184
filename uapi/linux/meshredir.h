/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * meshredir: transparent TCP redirection for service-mesh sidecars.
 *
 * Documentation
 * =============
 *
 * The enums and macros below are the interface to meshredir, over generic
 * netlink, family MESHREDIR_GENL_NAME, version MESHREDIR_GENL_VERSION. The
 * family is netns-aware: every command acts on the network namespace of the
 * netlink socket it arrives on. SET, DEL and RESET_COUNTERS need
 * CAP_NET_ADMIN in the user namespace that owns that network namespace; so
 * does GET, as listing iptables or nftables rules does.
 *
 * uapi/meshredir.yaml, beside this directory, describes the same family as
 * a YNL spec (the kernel's Documentation/netlink/ format, genetlink-legacy),
 * for the kernel's tools/net/ynl/cli.py and code generators, e.g.
 *
 *    tools/net/ynl/cli.py --spec uapi/meshredir.yaml --do get
 *
 * `make ynl-check` fails when the two disagree on a name or a value.
 *
 * A configured namespace has its new TCP connections classified exactly as
 * Kuma's transparent-proxy iptables rules would classify them, and the
 * redirected ones bound by conntrack NAT to the proxy's ports, so that
 * getsockopt(SO_ORIGINAL_DST) and getsockopt(IP6T_SO_ORIGINAL_DST) report
 * where they were going.
 *
 * MESHREDIR_CMD_SET
 * -----------------
 *
 * Replaces the namespace's whole configuration at once: any attribute that
 * is absent takes its default, nothing is merged with what was there before.
 * The first SET in a namespace takes conntrack and registers the NAT
 * functions for the families its IP_FAMILY_MODE names; later ones swap the
 * configuration under RCU, so that a packet sees either the old or the new
 * configuration, never a mix. A later SET may add a family; one that names
 * fewer keeps the other's functions and conntrack until DEL, so that the
 * connections already redirected there keep going, while its new
 * connections pass (MESHREDIR_REASON_FAMILY_DISABLED). Connections already
 * tracked keep the verdict they were given. A connection that did not
 * start with a SYN reaches the NAT functions only when conntrack picks it
 * up mid-stream: one open before the first SET, or one whose conntrack
 * entry was flushed, evicted or timed out. It is bound to the proxy again
 * if the proxy holds a socket for it as the redirect would translate it
 * (MESHREDIR_REASON_RESUMED), and left as it is otherwise
 * (MESHREDIR_REASON_MIDSTREAM): so a connection open before the first SET
 * is never moved, and one meshredir redirected survives the loss of its
 * conntrack entry. A rejected SET changes nothing. Attributes:
 *
 *    MESHREDIR_A_IP_FAMILY_MODE: NLA_U8, enum meshredir_ip_family_mode,
 *                                default MESHREDIR_IP_FAMILY_DUALSTACK
 *    MESHREDIR_A_OWNER_UIDS: NLA_NESTED, at least one entry in UIDS or GIDS
 *        MESHREDIR_LIST_A_ENTRY: NLA_NESTED, a UID range
 *            MESHREDIR_RANGE_A_FIRST: NLA_U32
 *            MESHREDIR_RANGE_A_LAST: NLA_U32, >= FIRST, default FIRST
 *        MESHREDIR_LIST_A_ENTRY: NLA_NESTED
 *            ...
 *    MESHREDIR_A_OWNER_GIDS: NLA_NESTED, GID ranges, as OWNER_UIDS
 *    MESHREDIR_A_INBOUND: NLA_NESTED, connections arriving from outside
 *        MESHREDIR_DIR_A_ENABLED: NLA_U8, 0 or 1, default 1
 *        MESHREDIR_DIR_A_PORT: NLA_U16, 1..65535, default 15006
 *        MESHREDIR_DIR_A_EXCLUDE_PORTS: NLA_NESTED, destination ports
 *            MESHREDIR_LIST_A_ENTRY: NLA_NESTED, a port range
 *                MESHREDIR_RANGE_A_FIRST: NLA_U16, 1..65535
 *                MESHREDIR_RANGE_A_LAST: NLA_U16, >= FIRST, default FIRST
 *            ...
 *        MESHREDIR_DIR_A_INCLUDE_PORTS: NLA_NESTED, port ranges as above;
 *                                       when not empty, only these ports
 *                                       are redirected
 *        MESHREDIR_DIR_A_EXCLUDE_IPS: NLA_NESTED, source addresses
 *            MESHREDIR_LIST_A_ENTRY: NLA_NESTED, a CIDR
 *                MESHREDIR_CIDR_A_FAMILY: NLA_U16, AF_INET or AF_INET6
 *                MESHREDIR_CIDR_A_ADDR: NLA_BINARY, struct in_addr or
 *                                       struct in6_addr
 *                MESHREDIR_CIDR_A_PREFIX_LEN: NLA_U8, <= 32 or <= 128,
 *                                             default all of the address
 *            ...
 *    MESHREDIR_A_OUTBOUND: NLA_NESTED, connections made by local processes
 *        MESHREDIR_DIR_A_ENABLED: NLA_U8, 0 or 1, default 1
 *        MESHREDIR_DIR_A_PORT: NLA_U16, 1..65535, default 15001
 *        MESHREDIR_DIR_A_EXCLUDE_PORTS: NLA_NESTED, as for INBOUND
 *        MESHREDIR_DIR_A_INCLUDE_PORTS: NLA_NESTED, as for INBOUND
 *        MESHREDIR_DIR_A_EXCLUDE_IPS: NLA_NESTED, CIDRs as for INBOUND,
 *                                     matched against the destination
 *        MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS: NLA_NESTED
 *            MESHREDIR_LIST_A_ENTRY: NLA_NESTED
 *                MESHREDIR_UID_PORTS_A_PORTS: NLA_NESTED, port ranges as
 *                                             EXCLUDE_PORTS, default all
 *                MESHREDIR_UID_PORTS_A_UIDS: NLA_NESTED, one UID range
 *                    MESHREDIR_RANGE_A_FIRST: NLA_U32
 *                    MESHREDIR_RANGE_A_LAST: NLA_U32
 *                MESHREDIR_UID_PORTS_A_PROTOCOLS: NLA_U8, MESHREDIR_PROTO_*
 *                                                 bits, 1..3, default
 *                                                 MESHREDIR_PROTO_TCP
 *            ...
 *    MESHREDIR_A_DROP_INVALID_PACKETS: NLA_U8, 0 or 1, default 0; Kuma's
 *                                      dropInvalidPackets (see below)
 *    MESHREDIR_A_DNS: NLA_NESTED, DNS capture (see below); absent: none
 *        MESHREDIR_DNS_A_PORT: NLA_U16, 1..65535, default 15053
 *        MESHREDIR_DNS_A_CAPTURE_ALL: NLA_U8, 0 or 1, default 0
 *        MESHREDIR_DNS_A_SERVERS: NLA_NESTED, the name servers, CIDRs as
 *                                 EXCLUDE_IPS, at most
 *                                 MESHREDIR_MAX_DNS_SERVERS
 *        MESHREDIR_DNS_A_ZONE_SPLIT: NLA_U8, MESHREDIR_ZONE_SPLIT_* bits,
 *                                    default both; 0: no zone split
 *        MESHREDIR_DNS_A_ENABLED: NLA_U8, 0 or 1, default 1; 0: no DNS
 *                                 capture, the nest giving only vnet's
 *                                 DNS port and DOCKER
 *        MESHREDIR_DNS_A_DOCKER: NLA_NESTED, Docker's embedded DNS
 *                                addresses, CIDRs as EXCLUDE_IPS, at most
 *                                MESHREDIR_MAX_DNS_DOCKER; absent: none
 *                                (see DNS capture below)
 *    MESHREDIR_A_EVENT_RATE: NLA_U32, 1..MESHREDIR_MAX_EVENT_RATE,
 *                            default 1000: the events per second the
 *                            namespace may send (see Events below)
 *    MESHREDIR_A_VNET: NLA_NESTED, interfaces of routed-in networks (see
 *                      below), at most MESHREDIR_MAX_VNETS entries
 *        MESHREDIR_LIST_A_ENTRY: NLA_NESTED
 *            MESHREDIR_VNET_A_IFNAME: NLA_NUL_STRING, 1 to IFNAMSIZ - 1
 *                                     bytes; a trailing '+' makes the rest
 *                                     a prefix, as iptables -i
 *            MESHREDIR_VNET_A_CIDR: NLA_NESTED, one CIDR as EXCLUDE_IPS'
 *                                   entries, whose family the entry applies to
 *        MESHREDIR_LIST_A_ENTRY: NLA_NESTED
 *            ...
 *
 * MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS is accepted in MESHREDIR_A_OUTBOUND
 * only. Its entries apply to the protocols PROTOCOLS names: TCP to every
 * connection, UDP to DNS capture only. What the family's policy refuses (an
 * unknown attribute, a wrong type or length, a value out of its bounds
 * above, e.g. a PORT of 0 or an ENABLED of 2) carries the kernel's own
 * message and the offset of the attribute, with the kernel's errno (ERANGE
 * for a top-level value out of bounds); inside a nest, EINVAL and a message
 * naming the nest (e.g. "inbound: malformed attribute", "outbound.exclude-ips:
 * malformed entry"), the offset and the failed policy saying the rest. A rule
 * across attributes (a range's order, a CIDR's family, address and prefix,
 * the count) is meshredir's own: its message names the attribute by its path
 * in uapi/meshredir.yaml (e.g. "outbound.exclude-ips: prefix-len exceeds 32").
 *
 * A SET in parts: a configuration bigger than one message (a nest holds at
 * most 64 KiB, about 2,300 IPv4 or 1,600 IPv6 CIDRs) is sent as several SET
 * messages on one socket, numbered from 0:
 *
 *    MESHREDIR_A_SET_MORE: NLA_FLAG, more parts of this SET follow; apply
 *                          nothing yet
 *    MESHREDIR_A_SET_PART: NLA_U32, this part's number: 0 (the default)
 *                          starts a SET, n continues the one whose part n-1
 *                          came last from this socket
 *
 * The parts add up as if their attributes were one message, in order:
 * lists are concatenated (their limits apply to the sum), a scalar takes
 * the value of the last part that has it. The part without SET_MORE checks
 * the whole and replaces the configuration with it in one swap, as a
 * single SET does; the parts before it are acked and change nothing. A part
 * that is rejected, and a part out of sequence (ESRCH: "set-part: ..."),
 * discard the whole pending SET: the configuration stays as it was. While
 * a SET is pending, a SET from any other socket fails with EBUSY, unless
 * the pending SET has waited more than 5 seconds for its next part: then
 * that SET from another socket discards it and proceeds (a part 0 starts
 * a new SET), and the stalled socket's next part gets ESRCH. DEL discards
 * the pending SET, and so does closing its socket, namespace exit and
 * module unload. A SET without these attributes is a SET of one part.
 *
 * MESHREDIR_CMD_GET
 * -----------------
 *
 * Takes no attributes (any sent are held to the family's policy, then
 * ignored), and CAP_NET_ADMIN as every command: the reply holds
 * the proxy's UIDs and GIDs and every exclusion, which tell how to get
 * around the proxy, and is no more public than the iptables or nftables
 * rules Kuma would have set (reading those needs CAP_NET_ADMIN too). An
 * unprivileged process gets EPERM for all four commands; root of a user
 * namespace gets them for the network namespaces that user namespace owns,
 * and EPERM for any other (the host's included).
 *
 * Fails with ENOENT ("not configured") in a namespace
 * that has no configuration; otherwise returns every attribute of SET, with
 * defaults filled in, lists sorted and overlapping or adjacent ranges merged
 * (the sets the packet path looks up), and:
 *
 *    MESHREDIR_A_COUNTERS: NLA_NESTED
 *        MESHREDIR_COUNTERS_A_LOCAL_OUT: NLA_NESTED, decisions at LOCAL_OUT
 *            MESHREDIR_REASON_*: NLA_U64, one per enum meshredir_reason,
 *                                each maybe after a MESHREDIR_REASON_UNSPEC
 *                                pad attribute, to be skipped
 *        MESHREDIR_COUNTERS_A_PRE_ROUTING: NLA_NESTED, decisions at PRE_ROUTING
 *            MESHREDIR_REASON_*: NLA_U64
 *    MESHREDIR_A_EVENTS_DROPPED: NLA_U64, the events not sent (over the
 *                                rate, or no memory) since the first SET
 *                                or the last RESET_COUNTERS, maybe after a
 *                                MESHREDIR_A_UNSPEC pad attribute
 *
 * MESHREDIR_A_EVENTS_DROPPED is GET's only: a SET (or any request) carrying
 * it is refused by the policy, EINVAL with the message "events-dropped: ...".
 *
 * A counter counts new TCP connections and UDP/53 flows given that verdict
 * since the first SET or the last RESET_COUNTERS; DROPPED_INVALID and
 * DNS_ZONED count packets. The CIDR
 * lists of a GET hold the smallest set of CIDRs covering the same
 * addresses; EXCLUDE_PORTS_FOR_UIDS entries come back as they were set,
 * each one's ports merged; RANGE_A_LAST is left out where it equals FIRST.
 *
 * A GET request (doit) is answered with one message, sized once for the
 * configuration, as long as the owner lists and each direction's
 * attributes fit a nest's 64 KiB; beyond, it fails with EMSGSIZE and the
 * extended-ack message "the configuration is too large for one message:
 * dump it (NLM_F_DUMP), ...". A GET with NLM_F_DUMP
 * works for any size: one configuration, held for the whole dump (a SET
 * in between does not show), over as many messages as needed:
 *
 *    message 1: MESHREDIR_A_IP_FAMILY_MODE, MESHREDIR_A_COUNTERS, the other
 *               top-level scalars, MESHREDIR_A_INBOUND and _OUTBOUND with
 *               their ENABLED and PORT only, MESHREDIR_A_DNS and
 *               MESHREDIR_A_VNET whole
 *    message 2...: the lists, in the order of the tree above, split between
 *               messages at entry boundaries: a list continues in the next
 *               message inside the same MESHREDIR_A_OWNER_*, or the same
 *               direction nest and list attribute; an attribute appears at
 *               most once per message
 *
 * Concatenating each list over the messages gives what a GET gives.
 *
 * MESHREDIR_CMD_DEL
 * -----------------
 *
 * Takes no attributes (held to the policy, then ignored, as for GET).
 * Removes the configuration, unregisters the NAT
 * functions and drops conntrack, and discards a SET pending in parts.
 * ENOENT if the namespace had neither a configuration nor a pending SET.
 * Connections redirected before keep their conntrack NAT binding, but a
 * binding is applied to packets only while some NAT user (meshredir, an
 * iptables nat table, an nftables nat chain) keeps the NAT hooks of the
 * namespace registered: where meshredir was the last, those connections
 * stop being translated and fail, exactly as when the last nftables nat
 * chain of a namespace is deleted. Module unload does the same.
 *
 * Conntrack
 * ---------
 *
 * The redirect is conntrack NAT, so it follows what conntrack sees, as
 * Kuma's nat rules do; each case below behaves as under Kuma's rules:
 *
 *  - A flow marked NOTRACK (raw table `-j CT --notrack`, nftables
 *    `notrack`) has no conntrack entry, so no NAT: it is not redirected,
 *    not counted, and SO_ORIGINAL_DST fails (ENOENT).
 *  - A flow in a non-default conntrack zone (raw `-j CT --zone N`,
 *    nftables `ct zone set N`) is classified and redirected as any other,
 *    but SO_ORIGINAL_DST, which the kernel looks up in the default zone
 *    only (getorigdst() in net/netfilter/nf_conntrack_proto.c), fails with
 *    ENOENT on the proxy's socket: a proxy needing the original
 *    destination must not see zoned flows.
 *  - A packet conntrack finds INVALID (e.g. a TCP segment out of the
 *    window conntrack tracks) has no conntrack entry either, so it skips
 *    the NAT of its redirected connection and reaches the stack with the
 *    original destination, where no socket has that connection: the stack
 *    answers with a RST from the original address, which the peer takes
 *    as the end of its (proxied) connection. MESHREDIR_A_DROP_INVALID_PACKETS
 *    = 1 does what Kuma's dropInvalidPackets rule does (mangle PREROUTING
 *    `-m conntrack --ctstate INVALID -j DROP`): a netfilter function at
 *    PRE_ROUTING, mangle priority (after conntrack), in the configured
 *    families, drops every packet, of any protocol, conntrack found
 *    INVALID (no entry, and not marked untracked), and counts it under
 *    MESHREDIR_REASON_DROPPED_INVALID. The function is registered only
 *    while the configuration asks for it, and removed by a SET without
 *    it, DEL, namespace exit and module unload.
 *
 * DNS capture
 * -----------
 *
 * With MESHREDIR_A_DNS, outbound UDP to port 53 is classified as Kuma's
 * DNS rules do (redirect.dns.enabled): an exclude-outbound-ports-for-uids
 * entry with MESHREDIR_PROTO_UDP, or an exclude-outbound-ips CIDR, leaves
 * it alone; so does the proxy's owner (its queries to the upstream
 * resolvers); the rest, to one of SERVERS or, with CAPTURE_ALL, to any
 * address, is bound to the DNS port at 127.0.0.1 or ::1
 * (MESHREDIR_REASON_REDIRECTED_DNS), anything else passes
 * (MESHREDIR_REASON_DNS_PASSED). Outbound TCP to port 53 from anyone but
 * the owner passes too (DNS_PASSED), as in Kuma since 2.14; the owner's
 * goes on to the TCP rules. A family without CAPTURE_ALL and without a
 * server of its own in SERVERS has no DNS capture at all, as Kuma leaves
 * out the DNS rules of a family its resolv.conf gives no server. A
 * configuration without MESHREDIR_A_DNS leaves every UDP packet alone.
 *
 * DOCKER stands for Kuma's jump to Docker's DOCKER_OUTPUT chain, which
 * Kuma makes when a family's nat table has that chain at install time:
 * Docker's own nat rules then send the queries to its embedded DNS. In a
 * family with a DOCKER entry, the owner's UDP to port 53 passes only to a
 * DOCKER address; to any other it goes on as anyone's does (to the DNS
 * port if captured: Kuma's D2 after the chain returned); and TCP to port
 * 53 of a DOCKER address passes, the owner's too, as Docker's jump sits
 * ahead of Kuma's appended rules (DNS_PASSED), with DNS capture or without
 * (ENABLED 0). A family without a DOCKER entry is as without Docker.
 *
 * ZONE_SPLIT names the families, MESHREDIR_ZONE_SPLIT_IPV4 and _IPV6,
 * whose captured queries get conntrack zones of their own, as Kuma's raw
 * rules give them, so that a UDP source port the proxy reuses for its
 * upstream query never matches the application's NATed entry, nor the
 * reverse. Kuma decides the split per family: on unless
 * skipConntrackZoneSplit (the default here is both families), off in a
 * family whose nat table has Docker's DOCKER_OUTPUT chain while capturing
 * all DNS traffic (Docker makes the IPv4 chain only, so a dualstack pod
 * keeps IPv6's split), and none in a family without DNS capture. A
 * netfilter function ahead of conntrack (raw priority, LOCAL_OUT only),
 * registered for the configuration's families that ZONE_SPLIT names,
 * attaches to a UDP query to port 53 going out, in such a family with DNS
 * capture, a template of zone MESHREDIR_DNS_ZONE_UPSTREAM (the owner's) or
 * MESHREDIR_DNS_ZONE_PROXY (to a captured server), each counted under
 * MESHREDIR_REASON_DNS_ZONED. The zones are the original direction's only
 * (xt_CT's --zone-orig): answers, zoned by Kuma's rules, are looked up
 * without a template in the default zone, where their queries' reply
 * tuples are. GET gives ZONE_SPLIT as set. A kernel built without
 * CONFIG_NF_CONNTRACK_ZONES refuses a SET whose ZONE_SPLIT names a family
 * (EOPNOTSUPP).
 *
 * vnet
 * ----
 *
 * MESHREDIR_A_VNET names the interfaces through which a host acting as a
 * gateway for Docker or bridge networks receives their traffic, each with
 * the network's CIDR, as Kuma's redirect.vnet.networks. A new connection
 * arriving (PRE_ROUTING) on an interface an entry of its family matches
 * is classified ahead of every inbound rule, as Kuma inserts its vnet
 * rules at the top of nat PREROUTING: UDP to port 53, whatever its
 * destination, goes to the DNS port, with DNS capture off too, as Kuma's
 * (MESHREDIR_DNS_A_PORT; without capture, in a MESHREDIR_A_DNS with
 * ENABLED 0, as GET gives it; 15053 without MESHREDIR_A_DNS); TCP to an
 * address outside the CIDR of any entry that matches the interface goes
 * to the outbound port, whatever the outbound redirect; TCP to the CIDR
 * goes on to the inbound rules. Both are redirected, as REDIRECT does at PRE_ROUTING, to
 * the receiving interface's address, and counted under
 * MESHREDIR_REASON_REDIRECTED_DNS and _REDIRECTED_OUTBOUND in
 * MESHREDIR_COUNTERS_A_PRE_ROUTING (where nothing else counts them). No
 * exclusion applies, as none of Kuma's does. The interface's name is
 * matched when a connection starts, as iptables -i matches it. Entries of
 * one family may not name the same interface twice. With the zone split,
 * the proxy's answer to a UDP/53 query arriving on such an interface finds
 * the query's entry in the default zone and leaves with the address the
 * client asked (Kuma's rules put that answer in another zone than its
 * query's, and it comes back from the DNS port).
 *
 * MESHREDIR_CMD_RESET_COUNTERS
 * ----------------------------
 *
 * Takes no attributes (held to the policy, then ignored, as for GET).
 * Sets every counter back to zero, MESHREDIR_A_EVENTS_DROPPED too. ENOENT
 * if the namespace is not configured.
 *
 * Events: MESHREDIR_MCGRP_EVENTS and MESHREDIR_CMD_EVENT
 * -------------------------------------------------------
 *
 * The family's one multicast group, MESHREDIR_MCGRP_EVENTS, carries a
 * MESHREDIR_CMD_EVENT message for every decision a counter counts: each
 * increment of a MESHREDIR_COUNTERS_A_* counter is one event sent or one
 * event dropped, DROPPED_INVALID and DNS_ZONED included. So, in a namespace
 * with a listener throughout, the counters' increments equal the events
 * received plus the events dropped (those in MESHREDIR_EVENT_A_DROPPED, or
 * MESHREDIR_A_EVENTS_DROPPED). A listener that does not read fast enough
 * loses messages as every netlink listener does, and is told so by ENOBUFS
 * on its socket; those are not counted as dropped. The kernel sends
 * MESHREDIR_CMD_EVENT only, to the group; a request with it is refused.
 *
 * An event goes to the listeners of the network namespace where the
 * decision was made, and to no other. Subscribing (NETLINK_ADD_MEMBERSHIP)
 * needs CAP_NET_ADMIN in the user namespace owning the socket's network
 * namespace, as every command does: the group carries the kernel's
 * GENL_MCAST_CAP_NET_ADMIN flag, which genetlink checks at bind (EPERM
 * otherwise). Kernels before 6.7 that did not take it among their stable
 * updates (it came to 6.1 in 6.1.68) have no way to restrict a
 * subscription: built against one, meshredir keeps the group but sends
 * nothing to it.
 *
 * Without a listener in the namespace the packet path builds nothing and
 * counts nothing as dropped. With one, the namespace sends at most
 * MESHREDIR_A_EVENT_RATE events a second, in bursts of up to a second's
 * worth; the rest are dropped and counted. Attributes of an event:
 *
 *    MESHREDIR_EVENT_A_HOOK: NLA_U8, MESHREDIR_COUNTERS_A_LOCAL_OUT or
 *                            MESHREDIR_COUNTERS_A_PRE_ROUTING, the counter
 *                            nest the decision counts in
 *    MESHREDIR_EVENT_A_FAMILY: NLA_U8, AF_INET or AF_INET6
 *    MESHREDIR_EVENT_A_PROTOCOL: NLA_U8, IPPROTO_TCP or IPPROTO_UDP (for a
 *                                DROPPED_INVALID packet, its IP protocol)
 *    MESHREDIR_EVENT_A_SRC_ADDR: NLA_BINARY, 4 or 16 bytes, network order
 *    MESHREDIR_EVENT_A_SRC_PORT: NLA_U16, host order (TCP and UDP only)
 *    MESHREDIR_EVENT_A_DST_ADDR: NLA_BINARY, the original destination
 *    MESHREDIR_EVENT_A_DST_PORT: NLA_U16 (TCP and UDP only)
 *    MESHREDIR_EVENT_A_UID: NLA_U32, the socket owner's fsuid, mapped as
 *                           GET maps OWNER_UIDS ((u32)-1 if unmapped);
 *                           absent when the packet has no local socket
 *    MESHREDIR_EVENT_A_GID: NLA_U32, likewise
 *    MESHREDIR_EVENT_A_REASON: NLA_U32, enum meshredir_reason
 *    MESHREDIR_EVENT_A_TO_ADDR: NLA_BINARY, a redirect's (and a RESUMED
 *                               connection's) address bound to
 *    MESHREDIR_EVENT_A_TO_PORT: NLA_U16, the port bound to
 *    MESHREDIR_EVENT_A_DROPPED: NLA_U64, the events this namespace did not
 *                               send since the last one it sent; absent
 *                               when 0; maybe after a
 *                               MESHREDIR_EVENT_A_UNSPEC pad attribute
 *    MESHREDIR_EVENT_A_IFINDEX: NLA_U32, PRE_ROUTING only: the incoming
 *                               interface
 */

#ifndef _UAPI_LINUX_MESHREDIR_H
#define _UAPI_LINUX_MESHREDIR_H

#define MESHREDIR_GENL_NAME "meshredir"
#define MESHREDIR_GENL_VERSION 1

#define MESHREDIR_DEFAULT_INBOUND_PORT 15006
#define MESHREDIR_DEFAULT_OUTBOUND_PORT 15001
#define MESHREDIR_DEFAULT_DNS_PORT 15053
#define MESHREDIR_DEFAULT_EVENT_RATE 1000
#define MESHREDIR_MAX_EVENT_RATE 1000000	/* MESHREDIR_A_EVENT_RATE's bound */

/* The family's multicast group: decision events, MESHREDIR_CMD_EVENT. */
#define MESHREDIR_MCGRP_EVENTS "events"

/* The conntrack zones of the DNS zone split, Kuma's. */
#define MESHREDIR_DNS_ZONE_UPSTREAM 1	/* the proxy and the upstream resolvers */
#define MESHREDIR_DNS_ZONE_PROXY 2	/* the application and the DNS proxy */

/* MESHREDIR_UID_PORTS_A_PROTOCOLS bits. */
#define MESHREDIR_PROTO_TCP 0x1
#define MESHREDIR_PROTO_UDP 0x2

/* MESHREDIR_DNS_A_ZONE_SPLIT bits: the families with the DNS zone split. */
enum meshredir_zone_split {
	MESHREDIR_ZONE_SPLIT_IPV4 = 1,
	MESHREDIR_ZONE_SPLIT_IPV6 = 2,
};

/*
 * Limits per namespace, on a SET's lists as sent (before merging) and
 * summed over its parts: SET fails with E2BIG beyond them, naming the list.
 * MESHREDIR_MAX_ENTRIES bounds the whole: every list entry counts (port
 * ranges, CIDRs, owner ranges, exclude-outbound-ports-for-uids entries and
 * their port ranges). Kernel memory, charged to the process that sets it:
 * a configuration's lists take at most 4 MiB (32 bytes an entry), and the
 * exclude-outbound-ports-for-uids lookup, its entries cut into up to 127
 * UID ranges each with up to 1,024 port ranges, about 4 MiB more: about
 * 8 MiB a configuration. A SET being gathered takes up to 8 MiB (its lists
 * grow by doubling), and the last part of a SET builds the new
 * configuration while the old one still serves: about 24 MiB at most per
 * namespace during a SET (old, pending and new), plus any configuration a
 * GET dump in progress still holds.
 */
#define MESHREDIR_MAX_PORT_RANGES 65535		/* per port list */
#define MESHREDIR_MAX_CIDRS 65536		/* per address list */
#define MESHREDIR_MAX_ID_RANGES 1024		/* per owner list */
#define MESHREDIR_MAX_UID_PORTS 64		/* exclude-outbound-ports-for-uids entries */
#define MESHREDIR_MAX_UID_PORTS_RANGES 1024	/* port ranges over all those entries */
#define MESHREDIR_MAX_ENTRIES 131072		/* entries over every list */
#define MESHREDIR_MAX_DNS_SERVERS 64		/* DNS_A_SERVERS, not in ENTRIES */
#define MESHREDIR_MAX_DNS_DOCKER 16		/* DNS_A_DOCKER, not in ENTRIES */
#define MESHREDIR_MAX_VNETS 64			/* A_VNET entries, not in ENTRIES */

enum meshredir_cmd {
	MESHREDIR_CMD_UNSPEC,
	MESHREDIR_CMD_SET,
	MESHREDIR_CMD_GET,
	MESHREDIR_CMD_DEL,
	MESHREDIR_CMD_RESET_COUNTERS,
	MESHREDIR_CMD_EVENT,
	__MESHREDIR_CMD_MAX
};

#define MESHREDIR_CMD_MAX (__MESHREDIR_CMD_MAX - 1)

enum meshredir_ip_family_mode {
	MESHREDIR_IP_FAMILY_UNSPEC,
	MESHREDIR_IP_FAMILY_IPV4,	/* IPv6 connections are left alone */
	MESHREDIR_IP_FAMILY_DUALSTACK,
	__MESHREDIR_IP_FAMILY_MAX
};

#define MESHREDIR_IP_FAMILY_MAX (__MESHREDIR_IP_FAMILY_MAX - 1)

enum meshredir_attr {
	MESHREDIR_A_UNSPEC,
	MESHREDIR_A_IP_FAMILY_MODE,
	MESHREDIR_A_OWNER_UIDS,
	MESHREDIR_A_OWNER_GIDS,
	MESHREDIR_A_INBOUND,
	MESHREDIR_A_OUTBOUND,
	MESHREDIR_A_COUNTERS,
	MESHREDIR_A_DROP_INVALID_PACKETS,
	MESHREDIR_A_SET_MORE,
	MESHREDIR_A_SET_PART,
	MESHREDIR_A_DNS,
	MESHREDIR_A_EVENT_RATE,
	MESHREDIR_A_EVENTS_DROPPED,
	MESHREDIR_A_VNET,
	__MESHREDIR_A_MAX
};

#define MESHREDIR_A_MAX (__MESHREDIR_A_MAX - 1)

enum meshredir_dir_attr {
	MESHREDIR_DIR_A_UNSPEC,
	MESHREDIR_DIR_A_ENABLED,
	MESHREDIR_DIR_A_PORT,
	MESHREDIR_DIR_A_EXCLUDE_PORTS,
	MESHREDIR_DIR_A_INCLUDE_PORTS,
	MESHREDIR_DIR_A_EXCLUDE_IPS,
	MESHREDIR_DIR_A_EXCLUDE_PORTS_FOR_UIDS,
	__MESHREDIR_DIR_A_MAX
};

#define MESHREDIR_DIR_A_MAX (__MESHREDIR_DIR_A_MAX - 1)

enum meshredir_list_attr {
	MESHREDIR_LIST_A_UNSPEC,
	MESHREDIR_LIST_A_ENTRY,
	__MESHREDIR_LIST_A_MAX
};

#define MESHREDIR_LIST_A_MAX (__MESHREDIR_LIST_A_MAX - 1)

enum meshredir_range_attr {
	MESHREDIR_RANGE_A_UNSPEC,
	MESHREDIR_RANGE_A_FIRST,
	MESHREDIR_RANGE_A_LAST,
	__MESHREDIR_RANGE_A_MAX
};

#define MESHREDIR_RANGE_A_MAX (__MESHREDIR_RANGE_A_MAX - 1)

enum meshredir_cidr_attr {
	MESHREDIR_CIDR_A_UNSPEC,
	MESHREDIR_CIDR_A_FAMILY,
	MESHREDIR_CIDR_A_ADDR,
	MESHREDIR_CIDR_A_PREFIX_LEN,
	__MESHREDIR_CIDR_A_MAX
};

#define MESHREDIR_CIDR_A_MAX (__MESHREDIR_CIDR_A_MAX - 1)

enum meshredir_uid_ports_attr {
	MESHREDIR_UID_PORTS_A_UNSPEC,
	MESHREDIR_UID_PORTS_A_PORTS,
	MESHREDIR_UID_PORTS_A_UIDS,
	MESHREDIR_UID_PORTS_A_PROTOCOLS,
	__MESHREDIR_UID_PORTS_A_MAX
};

#define MESHREDIR_UID_PORTS_A_MAX (__MESHREDIR_UID_PORTS_A_MAX - 1)

enum meshredir_dns_attr {
	MESHREDIR_DNS_A_UNSPEC,
	MESHREDIR_DNS_A_PORT,
	MESHREDIR_DNS_A_CAPTURE_ALL,
	MESHREDIR_DNS_A_SERVERS,
	MESHREDIR_DNS_A_ZONE_SPLIT,
	MESHREDIR_DNS_A_ENABLED,
	MESHREDIR_DNS_A_DOCKER,
	__MESHREDIR_DNS_A_MAX
};

#define MESHREDIR_DNS_A_MAX (__MESHREDIR_DNS_A_MAX - 1)

enum meshredir_vnet_attr {
	MESHREDIR_VNET_A_UNSPEC,
	MESHREDIR_VNET_A_IFNAME,
	MESHREDIR_VNET_A_CIDR,
	__MESHREDIR_VNET_A_MAX
};

#define MESHREDIR_VNET_A_MAX (__MESHREDIR_VNET_A_MAX - 1)

enum meshredir_counters_attr {
	MESHREDIR_COUNTERS_A_UNSPEC,
	MESHREDIR_COUNTERS_A_LOCAL_OUT,
	MESHREDIR_COUNTERS_A_PRE_ROUTING,
	__MESHREDIR_COUNTERS_A_MAX
};

#define MESHREDIR_COUNTERS_A_MAX (__MESHREDIR_COUNTERS_A_MAX - 1)

/*
 * Why a new TCP connection, or a UDP/53 flow, was, or was not, redirected. Each is also the
 * attribute type of its counter inside MESHREDIR_COUNTERS_A_*.
 */
enum meshredir_reason {
	MESHREDIR_REASON_UNSPEC,
	MESHREDIR_REASON_REDIRECTED_INBOUND,	/* to the inbound port */
	MESHREDIR_REASON_REDIRECTED_OUTBOUND,	/* to the outbound port */
	MESHREDIR_REASON_EXCLUDED_PORT,		/* in exclude-{in,out}bound-ports */
	MESHREDIR_REASON_EXCLUDED_PORT_FOR_UID,	/* in exclude-outbound-ports-for-uids */
	MESHREDIR_REASON_EXCLUDED_IP,		/* in exclude-{in,out}bound-ips */
	MESHREDIR_REASON_PROXY_OWNER,		/* the proxy's own connection */
	MESHREDIR_REASON_PASSTHROUGH,		/* from 127.0.0.6 or ::6 on loopback */
	MESHREDIR_REASON_LOOPBACK,		/* another process, on loopback */
	MESHREDIR_REASON_LOCALHOST,		/* to 127.0.0.1 or ::1 */
	MESHREDIR_REASON_NOT_INCLUDED,		/* not in include-{in,out}bound-ports */
	MESHREDIR_REASON_DIRECTION_DISABLED,	/* redirect-{in,out}bound=false */
	/* to be redirected, but NAT failed (e.g. the receiving interface has
	 * no address): dropped, as iptables REDIRECT does
	 */
	MESHREDIR_REASON_DROPPED,
	/* a packet, not a connection, in conntrack state INVALID, dropped by
	 * drop-invalid-packets; counted at PRE_ROUTING only
	 */
	MESHREDIR_REASON_DROPPED_INVALID,
	MESHREDIR_REASON_FAMILY_DISABLED,	/* IPv6, with ip-family-mode ipv4 */
	/* picked up mid-stream after its conntrack entry was lost, and bound
	 * again to the proxy socket that still holds it
	 */
	MESHREDIR_REASON_RESUMED,
	/* picked up mid-stream with no proxy socket for it (opened before the
	 * first SET, say): passed, left as it is
	 */
	MESHREDIR_REASON_MIDSTREAM,
	MESHREDIR_REASON_REDIRECTED_DNS,	/* UDP/53, to the DNS port */
	/* UDP/53 to a server not captured, or TCP/53 not the owner's */
	MESHREDIR_REASON_DNS_PASSED,
	/* a packet given a DNS zone-split conntrack zone */
	MESHREDIR_REASON_DNS_ZONED,
	__MESHREDIR_REASON_MAX
};

#define MESHREDIR_REASON_MAX (__MESHREDIR_REASON_MAX - 1)

/* The attributes of a MESHREDIR_CMD_EVENT. */
enum meshredir_event_attr {
	MESHREDIR_EVENT_A_UNSPEC,
	MESHREDIR_EVENT_A_HOOK,
	MESHREDIR_EVENT_A_FAMILY,
	MESHREDIR_EVENT_A_PROTOCOL,
	MESHREDIR_EVENT_A_SRC_ADDR,
	MESHREDIR_EVENT_A_SRC_PORT,
	MESHREDIR_EVENT_A_DST_ADDR,
	MESHREDIR_EVENT_A_DST_PORT,
	MESHREDIR_EVENT_A_UID,
	MESHREDIR_EVENT_A_GID,
	MESHREDIR_EVENT_A_REASON,
	MESHREDIR_EVENT_A_TO_ADDR,
	MESHREDIR_EVENT_A_TO_PORT,
	MESHREDIR_EVENT_A_DROPPED,
	MESHREDIR_EVENT_A_IFINDEX,
	__MESHREDIR_EVENT_A_MAX
};

#define MESHREDIR_EVENT_A_MAX (__MESHREDIR_EVENT_A_MAX - 1)

#endif /* _UAPI_LINUX_MESHREDIR_H */
