#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# owner: the proxy's own connections and the loopback rules (reference
# section 2, B2-B6): the proxy's traffic (uid 5678, an --owner-uid, an
# --owner-gid) reaches the real server; passthrough from 127.0.0.6 / ::6
# reaches the app; the proxy calling its pod's address is inbound (B3);
# other users on lo pass; 127.0.0.1 / ::1 is never redirected.

. "$(dirname "$0")/lib.sh"
setup
mr_set "$pod"

for f in 4 6; do
	family $f
	pretty "IPv$f: the proxy's own outbound connections are not redirected"
	assert_lands "$pod" $peer_a 80 remote 80 direct --uid $PROXY_UID
	assert_lands "$pod" $peer_a 5000 remote 5000 direct --uid $PROXY_UID --gid 0
	pretty "IPv$f: passthrough from $pass to the pod's address reaches the app (B2)"
	assert_lands "$pod" $pod_a 5000 app 5000 direct --uid $PROXY_UID --src $pass
	assert_lands "$pod" $pod_a 5001 app 5001 direct --uid $APP_UID --src $pass
	assert_lands "$pod" $pod_a 5002 app 5002 direct --src $pass
	pretty "IPv$f: the proxy calling its own pod's address is inbound (B3)"
	assert_lands "$pod" $pod_a 5000 "sidecar@$lo_u:15006" 15006 "$pod_u:5000" --uid $PROXY_UID
	assert_lands "$pod" $pod_a 80 sidecar 15006 "$pod_u:80" --uid $PROXY_UID
	pretty "IPv$f: other users on lo pass (B4)"
	assert_lands "$pod" $pod_a 5000 app 5000 direct --uid $APP_UID
	assert_lands "$pod" $pod_a 5001 app 5001 direct
	pretty "IPv$f: $lo is never redirected"
	assert_lands "$pod" $lo 5000 app 5000 direct --uid $APP_UID
	assert_lands "$pod" $lo 5001 app 5001 direct --uid $PROXY_UID
	assert_lands "$pod" $lo 5002 app 5002 direct
	assert_refused "$pod" $lo 9 --uid $APP_UID
	# the sidecar's own ports are reachable directly on lo
	assert_lands "$pod" $lo 15001 sidecar 15001 direct --uid $APP_UID
done

pretty "IPv4: another loopback address is still lo: B3 for the proxy, B4 for others"
assert_lands "$pod" 127.0.0.2 5000 sidecar@127.0.0.1:15006 15006 127.0.0.2:5000 --uid $PROXY_UID
assert_lands "$pod" 127.0.0.2 5000 app 5000 direct --uid $APP_UID

pretty "--kuma-dp-user, --owner-uid and --owner-gid"
mr_set "$pod" --kuma-dp-user 1234 --owner-uid 2000-2001 --owner-uid 3000 --owner-gid 5679
for f in 4 6; do
	family $f
	assert_lands "$pod" $peer_a 80 remote 80 direct --uid 1234
	assert_lands "$pod" $peer_a 80 remote 80 direct --uid 2001
	assert_lands "$pod" $peer_a 80 remote 80 direct --uid 3000
	assert_lands "$pod" $peer_a 80 remote 80 direct --uid 4000 --gid 5679
	# 5678 is no longer the proxy
	assert_lands "$pod" $peer_a 80 sidecar 15001 "$peer_u:80" --uid $PROXY_UID
	assert_lands "$pod" $peer_a 80 sidecar 15001 "$peer_u:80" --uid 2002
	assert_lands "$pod" $peer_a 80 sidecar 15001 "$peer_u:80" --uid 4000 --gid 5680
	# an owner by group is the proxy on lo too (B3)
	assert_lands "$pod" $pod_a 5000 sidecar 15006 "$pod_u:5000" --uid 4000 --gid 5679
	assert_lands "$pod" $pod_a 5000 app 5000 direct --uid 4000 --gid 5680
done
finish
