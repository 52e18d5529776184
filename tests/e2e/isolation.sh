#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# isolation: three pods side by side, A configured with the defaults, B with
# other ports, C not configured: each behaves as its own configuration
# says, counters are per namespace, and --netns / --pid pick the namespace.

. "$(dirname "$0")/lib.sh"
setup
A=$pod A_peer=$peer
B=$ID-b-pod B_peer=$ID-b-peer
C=$ID-c-pod C_peer=$ID-c-peer
topology "$B" "$B_peer"
topology "$C" "$C_peer"
start_server "$B" sidecar-b 15011,15016 --uid $PROXY_UID

mr_set "$A"
# Through the tool's own namespace options this time.
assert_cmd "set --netns $B" "$MR_TOOL" --netns "$B" set --redirect-outbound-port 15011 \
	--redirect-inbound-port 15016 --kuma-dp-user 7777
assert_cmd "show in C (not configured) succeeds" mr "$C" show

for f in 4 6; do
	family $f
	pretty "IPv$f: A (defaults)"
	assert_lands "$A" $peer_a 80 sidecar 15001 "$peer_u:80" --uid $APP_UID
	assert_lands "$A_peer" $pod_a 5000 sidecar 15006 "$pod_u:5000"
	assert_lands "$A" $peer_a 80 remote 80 direct --uid $PROXY_UID
	pretty "IPv$f: B (15011/15016, proxy uid 7777)"
	assert_lands "$B" $peer_a 80 sidecar-b 15011 "$peer_u:80" --uid $APP_UID
	assert_lands "$B_peer" $pod_a 5000 sidecar-b 15016 "$pod_u:5000"
	assert_lands "$B" $peer_a 80 sidecar-b 15011 "$peer_u:80" --uid $PROXY_UID
	assert_lands "$B" $peer_a 80 remote 80 direct --uid 7777
	pretty "IPv$f: C (not configured)"
	assert_lands "$C" $peer_a 80 remote 80 direct --uid $APP_UID
	assert_lands "$C_peer" $pod_a 5000 app 5000 direct
	assert_lands "$C" $pod_a 5000 app 5000 direct --uid $PROXY_UID
done

pretty "counters are per namespace"
assert_counters "$A" "local-out:redirected-outbound=2 local-out:proxy-owner=2 pre-routing:redirected-inbound=2"
assert_counters "$B" "local-out:redirected-outbound=4 local-out:proxy-owner=2 pre-routing:redirected-inbound=2"
assert_not_configured "$C" "C, never configured"

pretty "--netns and --pid name the same namespace"
# No traffic meanwhile: the counters are the same too.
a=$(n "$A" "$MR_TOOL" show --json)
b=$("$MR_TOOL" --netns "$A" show --json)
c=$("$MR_TOOL" show --json --pid "$(cat "$WORK/sidecar.$A.pid")")
d=$("$MR_TOOL" show --json --netns "/run/netns/$B")
[ -n "$a" ] && [ "$a" = "$b" ] && ok "--netns NAME = inside the namespace" || fail "--netns $A gives a different config: $b vs $a"
[ "$a" = "$c" ] && ok "--pid PID = inside the namespace" || fail "--pid of a process in $A gives a different config: $c vs $a"
[ -n "$d" ] && [ "$a" != "$d" ] && ok "--netns PATH names B, whose config differs from A's" || fail "B's config is A's or empty: '$d'"

pretty "flushing B leaves A alone"
assert_cmd "flush --netns $B" "$MR_TOOL" flush --netns "$B"
assert_lands "$B" $PEER4 80 remote 80 direct --uid $APP_UID
assert_lands "$A" $PEER4 80 sidecar 15001 "$PEER4:80" --uid $APP_UID
assert_lands "$A_peer" $POD6 5000 sidecar 15006 "[$POD6]:5000"
finish
