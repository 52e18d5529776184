#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# outbound: a process in the pod connecting out lands on the sidecar's
# 15001 (at 127.0.0.1 / ::1) with the original destination, IPv4 and IPv6;
# nothing is redirected before the pod is configured; UDP is left alone.

. "$(dirname "$0")/lib.sh"
setup

pretty "before configuring: straight to the remote server"
assert_lands "$pod" $PEER4 80 remote 80 direct --uid $APP_UID
assert_lands "$pod" $PEER6 80 remote 80 direct --uid $APP_UID

mr_set "$pod"

for f in 4 6; do
	family $f
	pretty "IPv$f: outbound connections land on the sidecar"
	assert_lands "$pod" $peer_a 80 "sidecar@$lo_u:15001" 15001 "$peer_u:80" --uid $APP_UID
	assert_lands "$pod" $peer_a 5000 sidecar 15001 "$peer_u:5000" --uid $APP_UID
	assert_lands "$pod" $other 83 sidecar 15001 "$other_u:83" --uid $APP_UID
	# root and any other user are apps too
	assert_lands "$pod" $peer_a 80 sidecar 15001 "$peer_u:80"
	assert_lands "$pod" $peer_a 81 sidecar 15001 "$peer_u:81" --uid 4242 --gid 4242
	# even to a port nothing listens on: the proxy answers for it
	assert_lands "$pod" $peer_a 9 sidecar 15001 "$peer_u:9" --uid $APP_UID
	pretty "IPv$f: UDP is untouched"
	assert_udp "$pod" $peer_a 80 remote --uid $APP_UID
	assert_udp "$pod" $other 5000 remote
done

pretty "the remote server saw only the proxy-less baseline connections"
n=$(grep -c '^remote port=' "$WORK/remote.$peer.log" || true)
if [ "$n" = 2 ]; then ok "remote got 2 TCP connections"; else fail "remote: expected 2 TCP connections, saw $n"; fi

assert_counters "$pod" "local-out:redirected-outbound=12"
finish
