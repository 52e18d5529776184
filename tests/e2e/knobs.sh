#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# knobs: every exclusion and inclusion flag of `meshredir set`, each checked
# on both sides of its boundary, IPv4 and IPv6. Each set replaces the whole
# configuration.

. "$(dirname "$0")/lib.sh"
setup

# out F PORT NAME: app (uid 1000) to the peer's PORT lands on NAME.
out() {
	local f=$1 port=$2 name=$3 uid=${4:-$APP_UID}
	family $f
	local dst=$peer_a dst_u=$peer_u
	if [ "$name" = sidecar ]; then
		assert_lands "$pod" $dst $port sidecar 15001 "$dst_u:$port" --uid $uid
	else
		assert_lands "$pod" $dst $port remote $port direct --uid $uid
	fi
}
# inb F PORT NAME [args]: the peer to the pod's PORT lands on NAME.
inb() {
	local f=$1 port=$2 name=$3
	shift 3
	family $f
	local dst=$pod_a dst_u=$pod_u
	if [ "$name" = sidecar ]; then
		assert_lands "$peer" $dst $port sidecar 15006 "$dst_u:$port" "$@"
	else
		assert_lands "$peer" $dst $port app $port direct "$@"
	fi
}

pretty "--exclude-outbound-ports 81,82-83"
mr_set "$pod" --exclude-outbound-ports 81,82-83
for f in 4 6; do
	family $f
	out $f 80 sidecar
	out $f 81 remote
	out $f 83 remote
	out $f 5000 sidecar
	# B1 comes before B3: the proxy's loopback call to an excluded port passes
	assert_lands "$pod" $pod_a 81 app 81 direct --uid $PROXY_UID
	assert_lands "$pod" $pod_a 80 sidecar 15006 "$pod_u:80" --uid $PROXY_UID
	inb $f 81 sidecar
done

pretty "--include-outbound-ports 80,5000 (excludes ignored)"
mr_set "$pod" --include-outbound-ports 80,5000 --exclude-outbound-ports 80
for f in 4 6; do
	out $f 80 sidecar
	out $f 5000 sidecar
	out $f 81 remote
	out $f 83 remote
	inb $f 81 sidecar
done

pretty "--exclude-inbound-ports 5001,5002-5003"
mr_set "$pod" --exclude-inbound-ports 5001,5002-5003
for f in 4 6; do
	inb $f 5000 sidecar
	inb $f 5001 app
	inb $f 5003 app
	inb $f 80 sidecar
	out $f 5001 sidecar
done

pretty "--include-inbound-ports 5000,80 (excludes ignored)"
mr_set "$pod" --include-inbound-ports 5000,80 --exclude-inbound-ports 5000
for f in 4 6; do
	inb $f 5000 sidecar
	inb $f 80 sidecar
	inb $f 5001 app
	inb $f 81 app
	out $f 81 sidecar
done

pretty "--exclude-inbound-ips (sources)"
mr_set "$pod" --exclude-inbound-ips 198.51.100.0/24,2001:db8:1::1/128
for f in 4 6; do
	family $f
	inb $f 5000 app --src $other
	inb $f 5000 sidecar --src $peer_a
	# a source, not a destination: outbound to it is still redirected
	assert_lands "$pod" $other 80 sidecar 15001 "$other_u:80" --uid $APP_UID
done

pretty "--exclude-outbound-ips (destinations)"
mr_set "$pod" --exclude-outbound-ips 198.51.100.1,2001:db8:1::/64
for f in 4 6; do
	family $f
	assert_lands "$pod" $other 80 remote 80 direct --uid $APP_UID
	assert_lands "$pod" $other 80 remote 80 direct
	assert_lands "$pod" $peer_a 80 sidecar 15001 "$peer_u:80" --uid $APP_UID
	# a destination, not a source: inbound from it is still redirected
	inb $f 5000 sidecar --src $other
done

pretty "--exclude-outbound-ports-for-uids"
mr_set "$pod" --exclude-outbound-ports-for-uids tcp:81,82:1000 \
	--exclude-outbound-ports-for-uids '*:83:2000-2001' \
	--exclude-outbound-ports-for-uids 3000
for f in 4 6; do
	out $f 81 remote 1000
	out $f 82 remote 1000
	out $f 83 sidecar 1000
	out $f 81 sidecar 0
	out $f 83 remote 2001
	out $f 83 sidecar 2002
	out $f 80 sidecar 2000
	out $f 80 remote 3000
	out $f 5000 remote 3000
	inb $f 81 sidecar
done

pretty "--redirect-inbound=false keeps B3"
mr_set "$pod" --redirect-inbound=false
for f in 4 6; do
	family $f
	inb $f 5000 app
	inb $f 80 app
	out $f 80 sidecar
	assert_lands "$pod" $pod_a 5000 sidecar 15006 "$pod_u:5000" --uid $PROXY_UID
done

pretty "--redirect-outbound=false"
mr_set "$pod" --redirect-outbound=false
for f in 4 6; do
	family $f
	out $f 80 remote
	out $f 5000 remote 0
	inb $f 5000 sidecar
	assert_lands "$pod" $pod_a 5000 app 5000 direct --uid $PROXY_UID
done

pretty "--ip-family-mode ipv4 leaves IPv6 alone"
mr_set "$pod" --ip-family-mode ipv4
out 4 80 sidecar
inb 4 5000 sidecar
assert_lands "$pod" $POD4 5000 sidecar 15006 "$POD4:5000" --uid $PROXY_UID
out 6 80 remote
inb 6 5000 app
assert_lands "$pod" $POD6 5000 app 5000 direct --uid $PROXY_UID

pretty "--redirect-outbound-port / --redirect-inbound-port"
start_server "$pod" sidecar2 15002,15007 --uid $PROXY_UID
mr_set "$pod" --redirect-outbound-port 15002 --redirect-inbound-port 15007
for f in 4 6; do
	family $f
	assert_lands "$pod" $peer_a 80 sidecar2 15002 "$peer_u:80" --uid $APP_UID
	assert_lands "$peer" $pod_a 5000 sidecar2 15007 "$pod_u:5000"
	assert_lands "$pod" $pod_a 5000 sidecar2 15007 "$pod_u:5000" --uid $PROXY_UID
done
finish
