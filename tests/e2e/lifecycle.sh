#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lifecycle: `meshredir flush` deconfigures (new flows go straight to their
# server, and the namespace has no conntrack left); deleting a configured namespace, with open connections, disturbs
# nobody else; rmmod with live configuration and open redirected
# connections works and leaves no report; the module loads again.
#
# Redirected connections are held open in two pods: $pod, where meshredir
# is the only NAT user, and $Y, where an iptables nat rule that never
# matches also keeps conntrack and the NAT hooks of the namespace alive.
# As uapi/linux/meshredir.h documents (DEL), in the first the binding stops
# being applied once meshredir lets go and those connections fail, as with
# the last nftables nat chain of a namespace; in the second they keep working.

. "$(dirname "$0")/lib.sh"
setup
Y=$ID-y-pod Y_peer=$ID-y-peer
topology "$Y" "$Y_peer"
# Another NAT user in Y: a REDIRECT rule for an address nobody uses.
n "$Y" iptables-legacy -t nat -A OUTPUT -d 203.0.113.254/32 -p tcp -j REDIRECT --to-ports 9
n "$Y" ip6tables-legacy -t nat -A OUTPUT -d 2001:db8:ffff::1/128 -p tcp -j REDIRECT --to-ports 9

# hold_all TAG: redirected connections, out and in, v4 and v6, in both pods.
hold_all() {
	local t=$1
	hold_open ${t}_out4 "$pod" $PEER4 80 --uid $APP_UID
	hold_open ${t}_in6 "$peer" $POD6 5000
	hold_open ${t}_b3 "$pod" $POD4 5002 --uid $PROXY_UID
	hold_open ${t}_yout6 "$Y" $PEER6 82 --uid $APP_UID
	hold_open ${t}_yin4 "$Y_peer" $POD4 5001
}
# held_all TAG: in $pod meshredir was the only NAT user, so its connections
# lose their translation; in $Y the iptables nat table keeps them working.
held_all() {
	local t=$1
	assert_lost ${t}_out4 sidecar 15001 "$PEER4:80"
	assert_lost ${t}_in6 sidecar 15006 "[$POD6]:5000"
	assert_lost ${t}_b3 sidecar 15006 "$POD4:5002"
	assert_held ${t}_yout6 sidecar 15001 "[$PEER6]:82"
	assert_held ${t}_yin4 sidecar 15006 "$POD4:5001"
}

pretty "flush"
mr_set "$pod"
mr_set "$Y"
hold_all f
assert_cmd "meshredir flush" mr "$pod" flush
assert_cmd "meshredir flush --netns $Y" "$MR_TOOL" flush --netns "$Y"
assert_not_configured "$pod" "after flush"
# orig=none where the app accepts in $pod: flush gave conntrack back, and
# nothing else in $pod tracks connections.
for f in 4 6; do
	family $f
	assert_lands "$pod" $peer_a 80 remote 80 direct --uid $APP_UID
	assert_lands "$peer" $pod_a 5000 app 5000 none
	assert_lands "$pod" $pod_a 5000 app 5000 none --uid $PROXY_UID
	assert_lands "$Y" $peer_a 80 remote 80 direct --uid $APP_UID
done
held_all f
assert_cmd "flush when not configured" mr "$pod" flush

pretty "deleting a configured namespace with open connections"
X=$ID-x-pod X_peer=$ID-x-peer
topology "$X" "$X_peer"
mr_set "$X"
mr_set "$pod"
hold_open xout "$X" $PEER4 80 --uid $APP_UID
hold_open xin "$X_peer" $POD6 5000
# Its processes go first, so that the namespace really goes away.
ip netns pids "$X" | xargs -r kill -9
ip netns del "$X"
wait "$HOLD_PID_xout" 2>/dev/null || true
assert_lands "$pod" $PEER4 80 sidecar 15001 "$PEER4:80" --uid $APP_UID
assert_lands "$peer" $POD6 5000 sidecar 15006 "[$POD6]:5000"
ip netns pids "$X_peer" | xargs -r kill -9
ip netns del "$X_peer"
wait "$HOLD_PID_xin" 2>/dev/null || true

pretty "rmmod with live configuration and open redirected connections"
mr_set "$Y"
hold_all r
assert_cmd "rmmod meshredir" rmmod meshredir
if grep -q '^meshredir ' /proc/modules; then
	fail "meshredir still loaded after rmmod"
else
	ok "meshredir unloaded"
fi
held_all r
pretty "after rmmod, new flows go straight to their server"
assert_lands "$pod" $PEER4 80 remote 80 direct --uid $APP_UID
assert_lands "$peer" $POD6 5000 app 5000 none
assert_lands "$Y_peer" $POD4 5000 app 5000 direct

pretty "reload"
assert_cmd "insmod again" insmod "$MR_MODULE"
assert_not_configured "$pod" "after reload"
assert_not_configured "$Y" "after reload"
mr_set "$pod"
assert_redirects
assert_counters "$pod" "local-out:redirected-outbound=2 pre-routing:redirected-inbound=2"
finish
