#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# conntrack-loss: what happens to live connections when their conntrack
# entries go, and when the family mode changes, behind meshredir and behind
# Kuma's own iptables rules in two standard pods side by side:
#
#  - redirected connections (outbound and inbound, IPv4 and IPv6) held
#    across `conntrack -F`, `conntrack -D` of their entry, and an idle entry
#    timing out, keep reaching the proxy: behind meshredir they are picked
#    up mid-stream and bound again to the proxy socket that holds them
#    (counted as resumed), behind Kuma's rules REDIRECT binds them again;
#  - a connection opened before the pod was configured stays direct across
#    a flush behind meshredir (counted as midstream); behind Kuma's rules,
#    whose REDIRECT does not look at the connection's state, the same flush
#    sends it to the proxy, which answers with a RST;
#  - a held IPv6 redirected connection survives `set --ip-family-mode ipv4`,
#    new IPv6 connections then pass (counted as family-disabled), IPv4 ones
#    are still redirected, and dualstack again redirects IPv6.

. "$(dirname "$0")/lib.sh"

setup
kpod=$ID-kpod
kpeer=$ID-kpeer
topology "$kpod" "$kpeer"

# Connections opened before either pod is configured.
hold_open pre4 "$peer" $POD4 5000
hold_open pre6 "$pod" $PEER6 81 --uid $APP_UID
hold_open kpre4 "$kpeer" $POD4 5000
hold_open kpre6 "$kpod" $PEER6 81 --uid $APP_UID

kuma_rules "$kpod" "$E2E/kuma/kuma-default.rules.v4" "$E2E/kuma/kuma-default.rules.v6" \
	"Kuma's default rules"
mr_set "$pod"

# hold_both TAG FROM ADDR PORT [mr-connect args]: the same connection in
# both pairs, as TAG (meshredir's) and kTAG (Kuma's); FROM is pod or peer.
hold_both() {
	local tag=$1 from=$2
	shift 2
	if [ "$from" = pod ]; then
		hold_open "$tag" "$pod" "$@"
		hold_open "k$tag" "$kpod" "$@"
	else
		hold_open "$tag" "$peer" "$@"
		hold_open "k$tag" "$kpeer" "$@"
	fi
}

# held_both TAG NAME PORT ORIG: both sides' TAG still work, as assert_held.
held_both() {
	assert_held "$1" "$2" "$3" "$4"
	assert_held "k$1" "$2" "$3" "$4"
}

# assert_reset TAG NAME PORT: held connection TAG had landed on NAME PORT
# directly, and its next segment drew a RST.
assert_reset() {
	release "$1"
	check_landing "held connection $1, first line" "$HOLD_FIRST" "$2" "$3" direct
	if [ "$HOLD_RC" != 0 ] && [[ $HOLD_SECOND = *"Connection reset by peer"* ]]; then
		ok "held connection $1 was reset: $HOLD_SECOND"
	else
		fail "held connection $1: expected a reset, seen '$HOLD_SECOND' (exit $HOLD_RC)"
	fi
}

# ct_both ARGS...: runs conntrack ARGS in both pods.
ct_both() {
	assert_cmd "$pod: conntrack $*" pp conntrack "$@"
	assert_cmd "$kpod: conntrack $*" n "$kpod" conntrack "$@"
}

pretty "conntrack -F: held redirected connections reach the proxy again"
hold_both out4 pod $PEER4 80 --uid $APP_UID
hold_both out6 pod $PEER6 82 --uid $APP_UID
hold_both in4 peer $POD4 5001
hold_both in6 peer $POD6 5002
ct_both -F
held_both out4 sidecar 15001 "$PEER4:80"
held_both out6 sidecar 15001 "[$PEER6]:82"
held_both in4 sidecar 15006 "$POD4:5001"
held_both in6 sidecar 15006 "[$POD6]:5002"

pretty "the connections opened before the pod was configured"
# Behind meshredir they never were the proxy's and stay direct; behind
# Kuma's rules the pickup is redirected like a new connection, to a proxy
# port where no socket has it.
assert_held pre4 app 5000 direct
assert_held pre6 remote 81 direct
assert_reset kpre4 app 5000
assert_reset kpre6 remote 81
# Each of the six pickups above: four resumed, two passed.
assert_counters "$pod" "local-out:redirected-outbound=2 pre-routing:redirected-inbound=2 \
local-out:resumed=2 pre-routing:resumed=2 local-out:midstream=1 pre-routing:midstream=1"

pretty "conntrack -D of one entry"
assert_cmd "reset counters" mr "$pod" reset-counters
hold_both del_out4 pod $PEER4 83 --uid $APP_UID
hold_both del_in6 peer $POD6 5003
ct_both -D -p tcp --orig-port-dst 83
ct_both -D -p tcp -f ipv6 --orig-port-dst 5003
held_both del_out4 sidecar 15001 "$PEER4:83"
held_both del_in6 sidecar 15006 "[$POD6]:5003"

pretty "an idle entry that timed out"
# The timeout applies from each entry's next packet: set it first.
for ns in "$pod" "$kpod"; do
	n "$ns" sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=3
done
hold_both idle_out4 pod $PEER4 80 --uid $APP_UID
hold_both idle_in4 peer $POD4 5000
sleep 5
held_both idle_out4 sidecar 15001 "$PEER4:80"
held_both idle_in4 sidecar 15006 "$POD4:5000"
for ns in "$pod" "$kpod"; do
	n "$ns" sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=432000
done
assert_counters "$pod" "local-out:resumed=2 pre-routing:resumed=2 \
local-out:redirected-outbound=2 pre-routing:redirected-inbound=2"

pretty "new connections are classified as before"
assert_cmd "reset counters" mr "$pod" reset-counters
assert_lands "$pod" $PEER4 80 sidecar 15001 "$PEER4:80" --uid $APP_UID
assert_lands "$peer" $POD6 5000 sidecar 15006 "[$POD6]:5000"
assert_counters "$pod" "local-out:redirected-outbound=1 pre-routing:redirected-inbound=1"

pretty "dualstack to ipv4 while IPv6 connections are redirected"
hold_open sw_out6 "$pod" $PEER6 80 --uid $APP_UID
hold_open sw_in6 "$peer" $POD6 5001
hold_open sw_out4 "$pod" $PEER4 80 --uid $APP_UID
assert_cmd "reset counters" mr "$pod" reset-counters
mr_set "$pod" --ip-family-mode ipv4
assert_lands "$pod" $PEER6 81 remote 81 direct --uid $APP_UID
assert_lands "$peer" $POD6 5000 app 5000 direct
assert_lands "$pod" $PEER4 81 sidecar 15001 "$PEER4:81" --uid $APP_UID
assert_held sw_out6 sidecar 15001 "[$PEER6]:80"
assert_held sw_in6 sidecar 15006 "[$POD6]:5001"
assert_held sw_out4 sidecar 15001 "$PEER4:80"
assert_counters "$pod" "local-out:family-disabled=1 pre-routing:family-disabled=1 \
local-out:redirected-outbound=1"

pretty "and back to dualstack"
mr_set "$pod"
assert_lands "$pod" $PEER6 81 sidecar 15001 "[$PEER6]:81" --uid $APP_UID
assert_lands "$peer" $POD6 5000 sidecar 15006 "[$POD6]:5000"
finish
