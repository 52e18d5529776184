#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# reconfigure: connections opened before the pod is configured are left as
# they were; a set that replaces the configuration while redirected
# connections are open leaves them working, at the old proxy ports, and new
# connections follow the new configuration.

. "$(dirname "$0")/lib.sh"
setup
start_server "$pod" sidecar2 15002,15007 --uid $PROXY_UID

pretty "connections opened before configuring"
hold_open pre_out4 "$pod" $PEER4 80 --uid $APP_UID
hold_open pre_out6 "$pod" $PEER6 81 --uid $APP_UID
hold_open pre_in4 "$peer" $POD4 5000
hold_open pre_in6 "$peer" $POD6 5001
hold_open pre_lo "$pod" $POD4 5002 --uid $PROXY_UID
mr_set "$pod"
# New ones are redirected now...
assert_lands "$pod" $PEER4 80 sidecar 15001 "$PEER4:80" --uid $APP_UID
assert_lands "$peer" $POD6 5001 sidecar 15006 "[$POD6]:5001"
# ...the old ones are untouched.
assert_held pre_out4 remote 80 direct
assert_held pre_out6 remote 81 direct
assert_held pre_in4 app 5000 direct
assert_held pre_in6 app 5001 direct
assert_held pre_lo app 5002 direct

pretty "a set that replaces the configuration while connections are open"
hold_open out4 "$pod" $PEER4 80 --uid $APP_UID
hold_open out6 "$pod" $PEER6 83
hold_open in4 "$peer" $POD4 5000
hold_open in6 "$peer" $POD6 5003
hold_open b3 "$pod" $POD6 5000 --uid $PROXY_UID
hold_open direct4 "$pod" $PEER4 80 --uid $PROXY_UID
mr_set "$pod" --redirect-outbound-port 15002 --redirect-inbound-port 15007 \
	--exclude-outbound-ports 80-83 --exclude-inbound-ports 5000-5003 --kuma-dp-user 7777
for f in 4 6; do
	family $f
	assert_lands "$pod" $peer_a 80 remote 80 direct --uid $APP_UID
	assert_lands "$pod" $peer_a 5000 sidecar2 15002 "$peer_u:5000" --uid $APP_UID
	assert_lands "$peer" $pod_a 5000 app 5000 direct
	assert_lands "$peer" $pod_a 80 sidecar2 15007 "$pod_u:80"
	assert_lands "$pod" $peer_a 5000 sidecar2 15002 "$peer_u:5000" --uid $PROXY_UID
done
assert_held out4 sidecar 15001 "$PEER4:80"
assert_held out6 sidecar 15001 "[$PEER6]:83"
assert_held in4 sidecar 15006 "$POD4:5000"
assert_held in6 sidecar 15006 "[$POD6]:5003"
assert_held b3 sidecar 15006 "[$POD6]:5000"
assert_held direct4 remote 80 direct

pretty "and back to the defaults"
mr_set "$pod"
assert_lands "$pod" $PEER4 80 sidecar 15001 "$PEER4:80" --uid $APP_UID
assert_lands "$peer" $POD6 5000 sidecar 15006 "[$POD6]:5000"
finish
