#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dns: DNS capture with real resolvers (module/KUMA.md, "DNS capture").
# PEER runs two dnsmasq: the resolv.conf server on PEER's eth0 addresses
# (who.test TXT "upstream", fwd.test A 203.0.113.7) and one that is not in
# resolv.conf on PEER's lo addresses (who.test TXT "other"). POD runs the
# DNS proxy, a dnsmasq as the proxy's UID on 127.0.0.1 and ::1 port 15053
# (who.test TXT "proxy", the rest forwarded to PEER). `dig` asks, as the
# application or as the proxy:
#  - UDP/53 to a resolv.conf server is answered by the proxy; the proxy's
#    own queries, and those it forwards, reach the upstream (D1, D2);
#  - a server not in resolv.conf is reached unless capture-all;
#  - TCP/53 from the application passes (D3), the proxy's goes on to the
#    TCP rules (B5);
#  - a udp exclusion for the application's UID (A1) leaves its DNS alone;
#  - a family without a resolv.conf server has no capture;
#  - the conntrack zone split: a source port the proxy reuses after the
#    application (or the reverse) within conntrack's timeout is misrouted
#    without the split, and reaches the right place with it; the same
#    behind Kuma's own iptables rules, in a second pod.

. "$(dirname "$0")/lib.sh"
setup

TXT=who.test
dns_bg "$peer" upstream 0 53 $PEER4 $PEER6 -- --txt-record=$TXT,upstream \
	--address=/fwd.test/203.0.113.7
dns_bg "$peer" other 0 53 $OTHER4 $OTHER6 -- --txt-record=$TXT,other
dns_bg "$pod" proxy $PROXY_UID 15053 127.0.0.1 ::1 -- --txt-record=$TXT,proxy \
	--server=$PEER4 --no-negcache --cache-size=0

# Wait for the three to answer, directly.
dns_ready $TXT "upstream $pod 0 $PEER4" "other $pod 0 $OTHER6" \
	"proxy $pod $PROXY_UID 127.0.0.1 -p 15053"

printf 'search test\nnameserver %s\nnameserver %s\n' $PEER4 $PEER6 >"$WORK/resolv.conf"
printf 'nameserver %s\n' $PEER4 >"$WORK/resolv4.conf"
dns_cfg() { echo "{redirect: {dns: {resolvConfigPath: $WORK/$1}}}"; }
# mr_install NS RESOLV ARGS...: install transparent-proxy with that resolv.conf.
mr_install() {
	local ns=$1 resolv=$2 out
	shift 2
	if out=$(mr "$ns" install transparent-proxy --config "$(dns_cfg "$resolv")" "$@" 2>&1); then
		ok "install transparent-proxy $*${out:+: $out}"
	else
		fail "install transparent-proxy $* failed: $out"
	fi
}

mr_install "$pod" resolv.conf --redirect-dns
for f in 4 6; do
	family $f
	pretty "IPv$f: UDP/53 to a resolv.conf server lands on the DNS proxy (D2)"
	assert_answer proxy "captured" "$pod" $APP_UID $peer_a $TXT TXT
	assert_answer proxy "captured, root is not an owner" "$pod" 0 $peer_a $TXT TXT
	pretty "IPv$f: the proxy forwards upstream, its own queries pass (D1)"
	assert_answer 203.0.113.7 "forwarded" "$pod" $APP_UID $peer_a fwd.test A
	assert_answer upstream "the proxy's own" "$pod" $PROXY_UID $peer_a $TXT TXT
	pretty "IPv$f: a server not in resolv.conf is reached"
	assert_answer other "not captured" "$pod" $APP_UID $other $TXT TXT
	pretty "IPv$f: TCP/53 passes for the app (D3) and the proxy (B5)"
	assert_answer upstream "tcp, app" "$pod" $APP_UID $peer_a $TXT TXT +tcp
	assert_answer upstream "tcp, proxy" "$pod" $PROXY_UID $peer_a $TXT TXT +tcp
	assert_answer other "tcp to another server, app" "$pod" $APP_UID $other $TXT TXT +tcp
done
assert_counter "$pod" local-out redirected-dns 6
assert_counter "$pod" local-out dns-passed 6

pretty "capture-all: every UDP/53 lands on the proxy, but the proxy's"
mr_install "$pod" resolv.conf --redirect-all-dns-traffic
for f in 4 6; do
	family $f
	assert_answer proxy "capture-all" "$pod" $APP_UID $other $TXT TXT
	assert_answer other "capture-all, the proxy's own" "$pod" $PROXY_UID $other $TXT TXT
	assert_answer other "capture-all, tcp" "$pod" $APP_UID $other $TXT TXT +tcp
done

pretty "A udp exclusion for the app's UID leaves its DNS alone (A1); a tcp one does not"
mr_install "$pod" resolv.conf --redirect-dns --exclude-outbound-ports-for-uids udp:53:$APP_UID
assert_answer upstream "udp:53:$APP_UID" "$pod" $APP_UID $PEER4 $TXT TXT
assert_answer proxy "udp:53:$APP_UID, another UID" "$pod" 1001 $PEER4 $TXT TXT
mr_install "$pod" resolv.conf --redirect-dns --exclude-outbound-ports-for-uids tcp:53:$APP_UID
assert_answer proxy "tcp:53:$APP_UID" "$pod" $APP_UID $PEER4 $TXT TXT

pretty "A family without a resolv.conf server has no DNS capture"
if out=$(mr "$pod" install transparent-proxy --config "$(dns_cfg resolv4.conf)" \
	--redirect-dns 2>&1) &&
   [ "$out" = "meshredir: $WORK/resolv4.conf lists no IPv6 nameserver: IPv6 DNS is not captured" ]; then
	ok "an IPv4-only resolv.conf is said on stderr: $out"
else
	fail "an IPv4-only resolv.conf: expected the IPv6 note, seen '$out'"
fi
assert_answer proxy "IPv4 captured" "$pod" $APP_UID $PEER4 $TXT TXT
assert_answer upstream "IPv6 not captured" "$pod" $APP_UID $PEER6 $TXT TXT

# reuse NS SPLIT PORT: the application and the proxy query PEER from one
# source port, in both orders; each must reach its own resolver with the
# split.
reuse() {
	local ns=$1 split=$2 port=$3 want_proxy want_app
	for f in 4 6; do
		family $f
		n "$ns" conntrack -F >/dev/null 2>&1
		if [ "$split" = on ]; then want_proxy=upstream want_app=proxy
		else want_proxy=proxy want_app=upstream; fi
		assert_answer proxy "$ns: split $split, the app first" "$ns" $APP_UID $peer_a \
			$TXT TXT -b "$pod_a#$port"
		assert_answer $want_proxy "$ns: split $split, then the proxy from the app's port" \
			"$ns" $PROXY_UID $peer_a $TXT TXT -b "$pod_a#$port"
		assert_answer upstream "$ns: split $split, the proxy first" "$ns" $PROXY_UID \
			$peer_a $TXT TXT -b "$pod_a#$((port + 1))"
		assert_answer $want_app "$ns: split $split, then the app from the proxy's port" \
			"$ns" $APP_UID $peer_a $TXT TXT -b "$pod_a#$((port + 1))"
	done
}
pretty "The source-port reuse race, without the zone split: misrouted"
mr_install "$pod" resolv.conf --redirect-dns --skip-dns-conntrack-zone-split
mr "$pod" reset-counters
reuse "$pod" off 40053
assert_counter "$pod" local-out dns-zoned 0
pretty "The same with the zone split: each reaches its own"
mr_install "$pod" resolv.conf --redirect-dns
mr "$pod" reset-counters
reuse "$pod" on 41053
# Each query is zoned once, going out: 4 of the app (D6), 4 of the proxy
# (D4). The answers are not: they find their entries in the default zone.
assert_counter "$pod" local-out dns-zoned 8
assert_counter "$pod" pre-routing dns-zoned 0

# The same race behind Kuma's own rules (gen-rules.py's, as kuma-diff.sh
# loads them), in a second pod and peer with the same resolvers.
pretty "The source-port reuse race behind Kuma's iptables rules"
kpod=$ID-kpod
kpeer=$ID-kpeer
wire "$kpod" "$kpeer"
for m in xt_REDIRECT xt_owner xt_tcpudp xt_CT nft_compat nft_chain_nat; do
	modprobe -q "$m" 2>/dev/null || true
done
dns_bg "$kpeer" kupstream 0 53 $PEER4 $PEER6 -- --txt-record=$TXT,upstream
dns_bg "$kpod" kproxy $PROXY_UID 15053 127.0.0.1 ::1 -- --txt-record=$TXT,proxy \
	--server=$PEER4 --no-negcache --cache-size=0
dns_ready $TXT "upstream $kpod 0 $PEER4" "proxy $kpod $PROXY_UID 127.0.0.1 -p 15053"
# kuma_pod WHAT FLAGS...: Kuma's rules for FLAGS, alone in kpod's raw and
# nat tables.
kuma_pod() {
	local what=$1 t
	shift
	"$PYTHON" "$E2E/kuma/gen-rules.py" --out "$WORK/k.rules" "$@" \
		--dns-servers $PEER4,$PEER6 || { fail "gen-rules.py $*"; finish; }
	if [ -n "${IPT:-}" ]; then
		for t in "$IPT" "$IP6T"; do
			n "$kpod" "$t" -t raw -F
			n "$kpod" "$t" -t nat -F
			n "$kpod" "$t" -t nat -X
		done
	fi
	kuma_rules "$kpod" "$WORK/k.rules.v4" "$WORK/k.rules.v6" "$what"
}
kuma_pod "Kuma's rules, --skip-dns-conntrack-zone-split" \
	--redirect-dns --skip-dns-conntrack-zone-split
reuse "$kpod" off 42053
kuma_pod "Kuma's rules with the zone split" --redirect-dns
reuse "$kpod" on 43053

pretty "The zones are torn down with the configuration"
assert_cmd "flush" mr "$pod" flush
assert_answer upstream "after flush" "$pod" $APP_UID $PEER4 $TXT TXT
finish
