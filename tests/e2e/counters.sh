#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# counters: after a known set of flows, every counter of `show --json`
# equals the number of flows given that verdict, per hook and reason; a
# set keeps them; reset-counters zeroes them.

. "$(dirname "$0")/lib.sh"
setup

mr_set "$pod" --exclude-outbound-ports 81 --exclude-inbound-ports 5001 \
	--exclude-outbound-ips 198.51.100.0/24,2001:db8:1::/64 \
	--exclude-inbound-ips 198.51.100.1,2001:db8:1::1 \
	--exclude-outbound-ports-for-uids tcp:82:$APP_UID
assert_counters "$pod" ""

for f in 4 6; do
	family $f
	# local-out
	assert_lands "$pod" $peer_a 80 sidecar 15001 "$peer_u:80" --uid $APP_UID	# redirected-outbound
	assert_lands "$pod" $peer_a 83 sidecar 15001 "$peer_u:83"			# redirected-outbound
	assert_lands "$pod" $pod_a 5000 sidecar 15006 "$pod_u:5000" --uid $PROXY_UID	# redirected-inbound
	assert_lands "$pod" $peer_a 81 remote 81 direct --uid $APP_UID				# excluded-port
	assert_lands "$pod" $peer_a 82 remote 82 direct --uid $APP_UID				# excluded-port-for-uid
	assert_lands "$pod" $other 80 remote 80 direct --uid $APP_UID				# excluded-ip
	assert_lands "$pod" $peer_a 80 remote 80 direct --uid $PROXY_UID			# proxy-owner
	assert_lands "$pod" $lo 5000 app 5000 direct --uid $PROXY_UID				# proxy-owner
	assert_lands "$pod" $pod_a 5000 app 5000 direct --uid $PROXY_UID --src $pass		# passthrough
	assert_lands "$pod" $pod_a 5000 app 5000 direct --uid $APP_UID				# loopback
	assert_lands "$pod" $lo 5000 app 5000 direct --uid $APP_UID				# loopback
	assert_refused "$pod" $lo 9 --uid $APP_UID						# loopback
	# pre-routing
	assert_lands "$peer" $pod_a 5000 sidecar 15006 "$pod_u:5000"		# redirected-inbound
	assert_lands "$peer" $pod_a 5002 sidecar 15006 "$pod_u:5002"		# redirected-inbound
	assert_lands "$peer" $pod_a 5001 app 5001 direct					# excluded-port
	assert_lands "$peer" $pod_a 5000 app 5000 direct --src $other				# excluded-ip
	# UDP counts nothing
	assert_udp "$pod" $peer_a 80 remote --uid $APP_UID
	assert_udp "$peer" $pod_a 5000 app
done
assert_counters "$pod" "local-out:redirected-outbound=4 local-out:redirected-inbound=2 \
local-out:excluded-port=2 local-out:excluded-port-for-uid=2 local-out:excluded-ip=2 \
local-out:proxy-owner=4 local-out:passthrough=2 local-out:loopback=6 \
pre-routing:redirected-inbound=4 pre-routing:excluded-port=2 pre-routing:excluded-ip=2"
assert_counter "$pod" local-out redirected-outbound 4

pretty "a set keeps the counters; not-included and direction-disabled"
mr_set "$pod" --include-outbound-ports 80 --redirect-inbound=false
for f in 4 6; do
	family $f
	assert_lands "$pod" $peer_a 81 remote 81 direct --uid $APP_UID		# not-included
	assert_lands "$pod" $peer_a 80 sidecar 15001 "$peer_u:80"	# redirected-outbound
	assert_lands "$peer" $pod_a 5000 app 5000 direct			# direction-disabled
done
mr_set "$pod" --redirect-outbound=false
assert_lands "$pod" $PEER4 80 remote 80 direct --uid $APP_UID			# direction-disabled
assert_counters "$pod" "local-out:redirected-outbound=6 local-out:redirected-inbound=2 \
local-out:excluded-port=2 local-out:excluded-port-for-uid=2 local-out:excluded-ip=2 \
local-out:proxy-owner=4 local-out:passthrough=2 local-out:loopback=6 \
local-out:not-included=2 local-out:direction-disabled=1 \
pre-routing:redirected-inbound=4 pre-routing:excluded-port=2 pre-routing:excluded-ip=2 \
pre-routing:direction-disabled=2"

pretty "reset-counters"
assert_cmd "meshredir reset-counters" mr "$pod" reset-counters
assert_counters "$pod" ""
assert_lands "$peer" $POD4 5000 sidecar 15006 "$POD4:5000"
assert_lands "$pod" $PEER6 80 remote 80 direct
assert_counters "$pod" "pre-routing:redirected-inbound=1 local-out:direction-disabled=1"
finish
