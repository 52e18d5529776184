#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# inbound: a client outside connecting to the pod lands on the sidecar's
# 15006 at the receiving interface's address, with the original
# destination, IPv4 and IPv6; UDP is left alone; an interface without an
# address of the family cannot be redirected to, so the connection is
# dropped (as iptables REDIRECT drops it) and counted as "dropped".

. "$(dirname "$0")/lib.sh"
setup

# orig=none: the app's SO_ORIGINAL_DST finds no conntrack entry, because a
# namespace meshredir has not configured has no conntrack at all.
pretty "before configuring: straight to the app, untracked"
assert_lands "$peer" $POD4 5000 app 5000 none
assert_lands "$peer" $POD6 5000 app 5000 none

mr_set "$pod"

for f in 4 6; do
	family $f
	pretty "IPv$f: inbound connections land on the sidecar's 15006"
	assert_lands "$peer" $pod_a 5000 "sidecar@$pod_u:15006" 15006 "$pod_u:5000"
	assert_lands "$peer" $pod_a 80 "sidecar@$pod_u:15006" 15006 "$pod_u:80"
	# from another source address, and to a port nothing listens on
	assert_lands "$peer" $pod_a 5003 sidecar 15006 "$pod_u:5003" --src $other
	assert_lands "$peer" $pod_a 7 sidecar 15006 "$pod_u:7"
	# to the proxy's port itself: redirected onto itself
	assert_lands "$peer" $pod_a 15006 sidecar 15006 "$pod_u:15006"
	pretty "IPv$f: UDP is untouched"
	assert_udp "$peer" $pod_a 5000 app
done
assert_counters "$pod" "pre-routing:redirected-inbound=10"

pretty "an interface with no IPv4 address: the SYN is dropped"
# A second link, eth1, with IPv6 only; a client behind it reaches the
# pod's eth0 IPv4 address through it.
peer2=$ID-peer2
new_ns "$peer2"
ip link add eth1 netns "$pod" type veth peer name eth0 netns "$peer2"
ip -n "$pod" link set eth1 up
ip -n "$peer2" addr add 203.0.113.1/24 dev eth0
ip -n "$peer2" link set eth0 up
ip -n "$peer2" route add $POD4/32 dev eth0
ip -n "$pod" route add 203.0.113.0/24 dev eth1
mr "$pod" reset-counters
try "$peer2" $POD4 5000 --timeout 2
if [ "$RC" = 3 ]; then
	ok "$DESC via eth1 (no IPv4 address): timeout, as REDIRECT drops it"
else
	fail "$DESC via eth1 (no IPv4 address): expected 'error: timeout', seen '$LINE' (exit $RC)"
fi
# Each retransmitted SYN is a new connection to conntrack, dropped again.
drops=0
read_counters "$pod" && drops=${CTR[pre-routing:dropped]}
if [ "$drops" -ge 1 ]; then
	assert_counters "$pod" "pre-routing:dropped=$drops"
else
	fail "$pod counter pre-routing/dropped: expected at least 1, seen $drops"
fi
finish
