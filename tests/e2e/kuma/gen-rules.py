#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# gen-rules.py: Kuma's transparent-proxy nat rules (TCP, DNS and vnet;
# logging off), and its raw rules of the DNS zone split, as iptables-restore / ip6tables-restore input, built from
# the kumactl flags that meshredir also takes, rule by rule as
# module/KUMA.md describes them. The rule names in the comments (A1, B3,
# ...) are that file's.
#
#   gen-rules.py --family 4|6 | --out PREFIX  [--redirect-inbound-port N]
#       [--redirect-outbound-port N] [--kuma-dp-user UID]
#       [--redirect-inbound=false] [--redirect-outbound=false]
#       [--exclude-inbound-ports L] [--include-inbound-ports L]
#       [--exclude-outbound-ports L] [--include-outbound-ports L]
#       [--exclude-inbound-ips L] [--exclude-outbound-ips L]
#       [--exclude-outbound-ports-for-uids [proto:][ports:]uids]...
#       [--drop-invalid-packets] [--ip-family-mode dualstack|ipv4]
#       [--redirect-dns] [--redirect-all-dns-traffic] [--redirect-dns-port N]
#       [--skip-dns-conntrack-zone-split] [--dns-servers L]
#       [--vnet IFACE:CIDR]... [--docker-output]
#
# Lists are comma-separated; ports may be ranges "a-b"; IP lists may mix
# families (each family takes its own). Rule comments are left out: they
# change nothing and would need xt_comment. The chains are new, so Kuma's
# "inserted" OUTPUT rules (A1, A2) come out first with -A all the same; the
# output is meant for `iptables-restore --noflush` into an empty nat table.
# The committed kuma-default.rules.v4/.v6 are this script's output with no
# flags (kuma-diff.sh checks that they still are). --family writes one
# family's rules to stdout; --out PREFIX writes PREFIX.v4 and PREFIX.v6.
# --drop-invalid-packets adds Kuma's dropInvalidPackets rule, a mangle
# table after the nat one, in Kuma's loading order.
# --ip-family-mode ipv4 leaves IPv6 without rules: the .v6 output is an
# empty nat table, as kumactl installs no ip6tables rules then.
# --dns-servers stands for resolv.conf's nameservers, in file order: a
# family without one gets no DNS rule (D1-D8), as in kumactl.
# --vnet, as kumactl's (VNet.Initialize): split at the first ':', one CIDR
# per interface and family, a later one replacing; its rules (V1, V2, then
# the TCP jump to the inbound chain) are inserted at the top of PREROUTING,
# interfaces in byte order.
# --docker-output: the IPv4 nat table has Docker's DOCKER_OUTPUT chain (a
# container on a user-defined network; Docker makes none for IPv6), which
# kumactl finds at install time: D1 jumps to it instead of returning, and
# with --redirect-all-dns-traffic there is no zone split in IPv4 (IPv6's
# stays, kumactl deciding it per family). The output is
# then meant for a nat table that holds Docker's rules already: Kuma's
# inserted OUTPUT rules (A1, A2, D1, D2) come out as -I at positions 1..n,
# above Docker's jump, the appended ones (D3, the outbound jump) below it.

import argparse
import ipaddress
import sys


def ports(text):
    out = []
    for p in filter(None, (text or "").split(",")):
        lo, _, hi = p.partition("-")
        out.append(lo if not hi or hi == lo else "%s:%s" % (lo, hi))
    return out


def ips(text, family):
    out = []
    for a in filter(None, (text or "").split(",")):
        net = ipaddress.ip_network(a, strict=False)
        if net.version == family:
            out.append(str(net))
    return out


def uid_ports(entry):
    """[proto:][ports:]uids -> [(proto, [ports]), ...], uids"""
    parts = entry.split(":")
    if len(parts) == 3:
        proto, prts, uids = parts
    elif len(parts) == 2:
        proto, (prts, uids) = "*", parts
    else:
        proto, prts, uids = "*", "*", parts[0]
    protos = ["tcp", "udp"] if proto in ("", "*") else proto.split(",")
    prts = "1-65535" if prts in ("", "*") else prts
    return protos, ",".join(ports(prts)), uids


def boolean(text):
    if text.lower() in ("true", "1", "yes"):
        return True
    if text.lower() in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError("not a boolean: " + text)


def main():
    # @FILE reads arguments from FILE, one a line: the benchmark's lists of
    # 10,000 CIDRs are longer than one exec argument may be (128 KiB).
    ap = argparse.ArgumentParser(fromfile_prefix_chars="@")
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--family", type=int, choices=(4, 6))
    where.add_argument("--out")
    ap.add_argument("--redirect-inbound-port", default="15006")
    ap.add_argument("--redirect-outbound-port", default="15001")
    ap.add_argument("--kuma-dp-user", default="5678")
    ap.add_argument("--redirect-inbound", type=boolean, default=True)
    ap.add_argument("--redirect-outbound", type=boolean, default=True)
    for d in ("inbound", "outbound"):
        ap.add_argument("--exclude-%s-ports" % d, default="")
        ap.add_argument("--include-%s-ports" % d, default="")
        ap.add_argument("--exclude-%s-ips" % d, default="")
    ap.add_argument("--exclude-outbound-ports-for-uids", action="append", default=[])
    ap.add_argument("--drop-invalid-packets", action="store_true")
    ap.add_argument("--ip-family-mode", choices=("dualstack", "ipv4"), default="dualstack")
    ap.add_argument("--redirect-dns", type=boolean, nargs="?", const=True, default=False)
    ap.add_argument("--redirect-all-dns-traffic", type=boolean, nargs="?", const=True,
                    default=False)
    ap.add_argument("--redirect-dns-port", default="15053")
    ap.add_argument("--skip-dns-conntrack-zone-split", type=boolean, nargs="?", const=True,
                    default=False)
    ap.add_argument("--dns-servers", default="")
    ap.add_argument("--vnet", action="append", default=[])
    ap.add_argument("--docker-output", action="store_true")
    a = ap.parse_args()
    # kumactl: captureAll turns DNS on.
    a.redirect_dns = a.redirect_dns or a.redirect_all_dns_traffic
    if a.family:
        sys.stdout.write(rules(a, a.family))
        return 0
    for fam in (4, 6):
        with open("%s.v%d" % (a.out, fam), "w") as f:
            f.write(rules(a, fam))
    return 0


def rules(a, fam):
    local = "127.0.0.1/32" if fam == 4 else "::1/128"
    passthru = "127.0.0.6/32" if fam == 4 else "::6/128"
    uid = a.kuma_dp_user
    docker = a.docker_output and fam == 4
    r = []
    add = r.append
    pos = [0]

    def insert(rule):
        # "-A OUTPUT ..." of an inserted rule; -I at its place over Docker's.
        if docker:
            pos[0] += 1
            rule = rule.replace("-A OUTPUT ", "-I OUTPUT %d " % pos[0], 1)
        add(rule)

    if fam == 6 and a.ip_family_mode == "ipv4":
        return "*nat\nCOMMIT\n"
    add("*nat")
    for c in ("KUMA_MESH_INBOUND", "KUMA_MESH_INBOUND_REDIRECT",
              "KUMA_MESH_OUTBOUND", "KUMA_MESH_OUTBOUND_REDIRECT"):
        add(":%s - [0:0]" % c)

    # PREROUTING: V1, V2 per vnet interface, then TCP -> KUMA_MESH_INBOUND,
    # all inserted at the top in this order; without vnet, that jump alone,
    # appended. Inserted or appended are the same in an empty chain.
    vnet = {}
    for v in a.vnet:
        iface, _, cidr = v.partition(":")
        net = ipaddress.ip_network(cidr, strict=False)
        if net.version == fam:
            vnet[iface] = str(net)
    for iface in sorted(vnet, key=lambda s: s.encode()):
        add("-A PREROUTING -i %s -p udp -m udp --dport 53 -j REDIRECT --to-ports %s"
            % (iface, a.redirect_dns_port))                                      # V1
        add("-A PREROUTING ! -d %s -i %s -p tcp -j REDIRECT --to-ports %s"
            % (vnet[iface], iface, a.redirect_outbound_port))                    # V2
    add("-A PREROUTING -p tcp -j KUMA_MESH_INBOUND")

    # OUTPUT A1: one rule per protocol of each excludePortsForUIDs entry.
    for e in a.exclude_outbound_ports_for_uids:
        protos, prts, uids = uid_ports(e)
        for p in protos:
            insert("-A OUTPUT -p %s -m multiport --dports %s -m owner --uid-owner %s -j RETURN"
                   % (p, prts, uids))
    # A2: excluded outbound destinations, any protocol.
    for net in ips(a.exclude_outbound_ips, fam):
        insert("-A OUTPUT -d %s -j RETURN" % net)
    # DNS, for a family with capture-all or a server of its own.
    servers = [s.split("/")[0] for s in ips(a.dns_servers, fam)]
    dns = a.redirect_dns and (a.redirect_all_dns_traffic or servers)
    if dns:
        # D1 (inserted; with Docker's chain, a jump to it), D2 (inserted after it)
        insert("-A OUTPUT -p udp -m udp --dport 53 -m owner --uid-owner %s -j %s"
               % (uid, "DOCKER_OUTPUT" if docker else "RETURN"))
        for d in ([""] if a.redirect_all_dns_traffic else ["-d %s " % ns for ns in servers]):
            insert("-A OUTPUT %s-p udp -m udp --dport 53 -j REDIRECT --to-ports %s"
                   % (d, a.redirect_dns_port))
        # D3 (appended, ahead of the jump below)
        add("-A OUTPUT -p tcp -m tcp --dport 53 -m owner ! --uid-owner %s -j RETURN" % uid)
    # Appended: TCP -> KUMA_MESH_OUTBOUND (B1-B7).
    add("-A OUTPUT -p tcp -j KUMA_MESH_OUTBOUND")

    # KUMA_MESH_INBOUND
    if not a.redirect_inbound:
        add("-A KUMA_MESH_INBOUND -p tcp -j RETURN")
    else:
        for net in ips(a.exclude_inbound_ips, fam):
            add("-A KUMA_MESH_INBOUND -s %s -j RETURN" % net)
        inc = ports(a.include_inbound_ports)
        if inc:
            for p in inc:
                add("-A KUMA_MESH_INBOUND -p tcp -m tcp --dport %s -j KUMA_MESH_INBOUND_REDIRECT" % p)
        else:
            for p in ports(a.exclude_inbound_ports):
                add("-A KUMA_MESH_INBOUND -p tcp -m tcp --dport %s -j RETURN" % p)
            add("-A KUMA_MESH_INBOUND -p tcp -j KUMA_MESH_INBOUND_REDIRECT")
    add("-A KUMA_MESH_INBOUND_REDIRECT -p tcp -j REDIRECT --to-ports %s"
        % a.redirect_inbound_port)

    # KUMA_MESH_OUTBOUND: B1-B7
    if not a.redirect_outbound:
        add("-A KUMA_MESH_OUTBOUND -p tcp -j RETURN")
    else:
        inc = ports(a.include_outbound_ports)
        if not inc:  # B1
            for p in ports(a.exclude_outbound_ports):
                add("-A KUMA_MESH_OUTBOUND -p tcp -m tcp --dport %s -j RETURN" % p)
        # B2
        add("-A KUMA_MESH_OUTBOUND -s %s -o lo -j RETURN" % passthru)
        # B3
        add("-A KUMA_MESH_OUTBOUND ! -d %s -o lo -p tcp -m owner --uid-owner %s"
            " -j KUMA_MESH_INBOUND_REDIRECT" % (local, uid))
        # B4
        add("-A KUMA_MESH_OUTBOUND -o lo -p tcp -m owner ! --uid-owner %s -j RETURN" % uid)
        # B5
        add("-A KUMA_MESH_OUTBOUND -m owner --uid-owner %s -j RETURN" % uid)
        # B6
        add("-A KUMA_MESH_OUTBOUND -d %s -j RETURN" % local)
        # B7
        if inc:
            for p in inc:
                add("-A KUMA_MESH_OUTBOUND -p tcp -m tcp --dport %s -j KUMA_MESH_OUTBOUND_REDIRECT" % p)
        else:
            add("-A KUMA_MESH_OUTBOUND -j KUMA_MESH_OUTBOUND_REDIRECT")
    add("-A KUMA_MESH_OUTBOUND_REDIRECT -p tcp -j REDIRECT --to-ports %s"
        % a.redirect_outbound_port)
    add("COMMIT")

    # kumactl: captureAll with Docker's chain turns this family's zone split off.
    split = not a.skip_dns_conntrack_zone_split and not (docker and a.redirect_all_dns_traffic)
    if dns and split:
        add("*raw")
        # D4, D5
        add("-A OUTPUT -p udp -m udp --dport 53 -m owner --uid-owner %s -j CT --zone 1" % uid)
        add("-A OUTPUT -p udp -m udp --sport %s -m owner --uid-owner %s -j CT --zone 2"
            % (a.redirect_dns_port, uid))
        if a.redirect_all_dns_traffic:
            add("-A OUTPUT -p udp -m udp --dport 53 -j CT --zone 2")         # D6
            add("-A PREROUTING -p udp -m udp --sport 53 -j CT --zone 1")     # D8
        for ns in ([] if a.redirect_all_dns_traffic else servers):
            add("-A OUTPUT -d %s -p udp -m udp --dport 53 -j CT --zone 2" % ns)   # D6
            if ipaddress.ip_address(ns).is_loopback:                              # D7
                add("-A OUTPUT -s %s -d %s -p udp -j CT --zone 1" % (ns, local))
            add("-A PREROUTING -s %s -p udp -m udp --sport 53 -j CT --zone 1" % ns)  # D8
        add("COMMIT")

    if a.drop_invalid_packets:
        add("*mangle")
        add("-A PREROUTING -m conntrack --ctstate INVALID -j DROP")
        add("COMMIT")
    return "\n".join(r) + "\n"


if __name__ == "__main__":
    sys.exit(main())
