#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# conntrack: the conntrack edge cases of uapi/linux/meshredir.h, each
# measured behind meshredir and behind Kuma's own iptables rules
# (tests/e2e/kuma/gen-rules.py) in two standard pods side by side, and
# required to be the same:
#
#  - NOTRACK flows (raw -j CT --notrack; nftables notrack on meshredir's
#    side too) are not redirected, and their SO_ORIGINAL_DST fails;
#  - flows in conntrack zone 7 (raw -j CT --zone 7) are redirected, but
#    SO_ORIGINAL_DST, which looks in the default zone only, fails;
#  - an out-of-window ACK of a redirected connection is INVALID, skips the
#    NAT, reaches the app's port 5000 and the RST it draws kills the
#    client's connection (tests/e2e/helpers/out-of-window.py); with
#    --drop-invalid-packets, as with Kuma's dropInvalidPackets rule, it is
#    dropped, counted as dropped-invalid, and the connection survives;
#    NOTRACK flows still pass; a set without it brings the reset back.

. "$(dirname "$0")/lib.sh"

OOW=$E2E/helpers/out-of-window.py

setup
kpod=$ID-kpod
kpeer=$ID-kpeer
topology "$kpod" "$kpeer"

kuma_rules "$kpod" "$E2E/kuma/kuma-default.rules.v4" "$E2E/kuma/kuma-default.rules.v6" \
	"Kuma's default rules"
mr_set "$pod"

# both NS... : runs a command in each pod's namespace.
both() {
	pp "$@"
	n "$kpod" "$@"
}

# same_landing DESC NAME PORT ORIG ADDR PORT [mr-connect args] for a flow
# from the pod (ADDR is remote) or from the peer (ADDR is the pod's):
# behind meshredir and behind Kuma's rules it lands on NAME PORT with ORIG.
# "from" says where the flow starts: pod or peer.
same_landing() {
	local from=$1 name=$2 eport=$3 orig=$4 addr=$5 port=$6 side ns
	shift 6
	for side in meshredir kuma; do
		if [ "$side" = meshredir ]; then
			[ "$from" = pod ] && ns=$pod || ns=$peer
		else
			[ "$from" = pod ] && ns=$kpod || ns=$kpeer
		fi
		try "$ns" "$addr" "$port" "$@"
		if [ "$RC" != 0 ]; then
			fail "$side: $DESC: expected '$name port=$eport orig=$orig', seen '$LINE' (exit $RC)"
			continue
		fi
		check_landing "$side: $DESC" "$LINE" "$name" "$eport" "$orig"
	done
}

# ---- NOTRACK ----------------------------------------------------------------

pretty "NOTRACK: not redirected, behind meshredir as behind Kuma's rules"
for f in 4 6; do
	[ $f = 4 ] && t=$IPT || t=$IP6T
	# Both directions of each flow, or the replies would be new and INVALID.
	both "$t" -t raw -A OUTPUT -p tcp --dport 81 -j CT --notrack
	both "$t" -t raw -A PREROUTING -p tcp --sport 81 -j CT --notrack
	both "$t" -t raw -A PREROUTING -p tcp --dport 5001 -j CT --notrack
	both "$t" -t raw -A OUTPUT -p tcp --sport 5001 -j CT --notrack
done
# nftables' notrack too, on meshredir's side.
pp nft -f - <<-EOF
table inet mr_notrack {
	chain pre { type filter hook prerouting priority raw; tcp dport 5002 notrack; tcp sport 82 notrack; }
	chain out { type filter hook output priority raw; tcp dport 82 notrack; tcp sport 5002 notrack; }
}
EOF
mr "$pod" reset-counters
for f in 4 6; do
	family $f
	same_landing pod remote 81 direct "$peer_a" 81 --uid $APP_UID
	same_landing peer app 5001 direct "$pod_a" 5001
	assert_lands "$pod" "$peer_a" 82 remote 82 direct --uid $APP_UID
	assert_lands "$peer" "$pod_a" 5002 app 5002 direct
done
assert_counters "$pod" ""
# The control: the same ports, tracked, are redirected.
assert_lands "$pod" "$PEER4" 80 sidecar 15001 "$PEER4:80" --uid $APP_UID

# ---- zones ------------------------------------------------------------------

pretty "zone 7: redirected, but SO_ORIGINAL_DST finds nothing (default zone only)"
pp nft delete table inet mr_notrack
for f in 4 6; do
	[ $f = 4 ] && t=$IPT || t=$IP6T
	both "$t" -t raw -F
done
# Every kernel under test has CONFIG_NF_CONNTRACK_ZONES (tests/qemu/debug.config too).
zones=yes
if ! pp "$IPT" -t raw -A PREROUTING -p tcp -j CT --zone 7 2>"$WORK/zone.err"; then
	fail "iptables raw -j CT --zone 7 refused: $(cat "$WORK/zone.err")"
	zones=no
fi
if [ $zones = yes ]; then
	pp "$IPT" -t raw -F
	for f in 4 6; do
		[ $f = 4 ] && t=$IPT || t=$IP6T
		both "$t" -t raw -A PREROUTING -p tcp -j CT --zone 7
		both "$t" -t raw -A OUTPUT -p tcp -j CT --zone 7
	done
	mr "$pod" reset-counters
	for f in 4 6; do
		family $f
		same_landing pod sidecar 15001 none "$peer_a" 80 --uid $APP_UID
		same_landing peer sidecar 15006 none "$pod_a" 5000
	done
	assert_counters "$pod" "local-out:redirected-outbound=2 pre-routing:redirected-inbound=2"
	for f in 4 6; do
		[ $f = 4 ] && t=$IPT || t=$IP6T
		both "$t" -t raw -F
	done
fi

# ---- INVALID ----------------------------------------------------------------

# out_of_window SIDE EXPECT: from the peer of SIDE (meshredir or kuma), one
# connection per family to the pod's port 5000, redirected to the sidecar,
# then the out-of-window ACK and a ping; EXPECT is "reset" or "survived".
out_of_window() {
	local side=$1 want=$2 ns f at first after re
	[ "$side" = meshredir ] && ns=$peer || ns=$kpeer
	if ! n "$ns" "$PYTHON" "$OOW" "$POD4" 5000 "$POD6" 5000 >"$WORK/oow.out" 2>&1; then
		fail "$side: out-of-window.py failed: $(cat "$WORK/oow.out")"
		return 0
	fi
	for f in 4 6; do
		family $f
		at=$(fmt_addr "$pod_a" 5000)
		first=$(grep -F "$pod_a 5000 first: " "$WORK/oow.out" || true)
		after=$(grep -F "$pod_a 5000 after: " "$WORK/oow.out" || true)
		check_landing "$side: v$f $at before the out-of-window ACK" \
			"${first#* first: }" sidecar 15006 "$at"
		if [ "$want" = survived ]; then
			re='^survived: sidecar port=15006 echo ping$'
		else
			re='^reset: '
		fi
		if [[ ${after#* after: } =~ $re ]]; then
			ok "$side: v$f connection to $at after the out-of-window ACK: ${after#* after: }"
		else
			fail "$side: v$f connection to $at: expected $want after the out-of-window ACK, seen '${after#* after: }'"
		fi
	done
}

pretty "an out-of-window ACK: INVALID, not translated, and the RST it draws kills the connection"
mr "$pod" reset-counters
out_of_window meshredir reset
out_of_window kuma reset
assert_counters "$pod" "pre-routing:redirected-inbound=2"

pretty "--drop-invalid-packets, as Kuma's dropInvalidPackets: dropped, counted, the connection survives"
mr_set "$pod" --drop-invalid-packets
mr "$pod" reset-counters
"$PYTHON" "$E2E/kuma/gen-rules.py" --out "$WORK/drop" --drop-invalid-packets
n "$kpod" "$IPT" -t nat -F
n "$kpod" "$IPT" -t nat -X
n "$kpod" "$IP6T" -t nat -F
n "$kpod" "$IP6T" -t nat -X
n "$kpod" "$IPT-restore" --noflush <"$WORK/drop.v4"
n "$kpod" "$IP6T-restore" --noflush <"$WORK/drop.v6"
if n "$kpod" "$IPT" -t mangle -S PREROUTING | grep -qx -- '-A PREROUTING -m conntrack --ctstate INVALID -j DROP'; then
	ok "Kuma's dropInvalidPackets rule is loaded in $kpod"
else
	fail "Kuma's dropInvalidPackets rule is not in $kpod's mangle PREROUTING: $(n "$kpod" "$IPT" -t mangle -S PREROUTING)"
fi
json=$(mr_json "$pod")
if [[ $json == *'"drop-invalid-packets": true'* ]]; then
	ok "show --json says drop-invalid-packets: true"
else
	fail "show --json: expected \"drop-invalid-packets\": true, seen $json"
fi
out_of_window meshredir survived
out_of_window kuma survived
assert_counters "$pod" "pre-routing:redirected-inbound=2 pre-routing:dropped-invalid=2"

pretty "NOTRACK flows still pass with --drop-invalid-packets (untracked is not INVALID)"
for f in 4 6; do
	[ $f = 4 ] && t=$IPT || t=$IP6T
	both "$t" -t raw -A PREROUTING -p tcp --dport 5001 -j CT --notrack
	both "$t" -t raw -A OUTPUT -p tcp --sport 5001 -j CT --notrack
	family $f
	same_landing peer app 5001 direct "$pod_a" 5001
	both "$t" -t raw -F
done

pretty "a set without --drop-invalid-packets unregisters the function: the reset is back"
mr_set "$pod"
mr "$pod" reset-counters
out_of_window meshredir reset
assert_counters "$pod" "pre-routing:redirected-inbound=2"
finish
