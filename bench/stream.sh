#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/stream.sh: bulk throughput of an established connection, redirected
# (app -> 198.51.100.1:80, NATed to the proxy on 15001) against direct
# (app -> 127.0.0.1:15001, the same proxy, conntrack on, no NAT binding),
# in a pod configured by meshredir, and redirected by Kuma's rules under
# iptables-legacy in a second pod alike, for what any NAT redirect costs
# an established flow. Interleaved, in a rotating order.
#
#   sample stream redirected|direct|legacy 0 REP MBIT
#
# MR_BENCH_REPS (5) repetitions of MR_BENCH_SECONDS (3) each.

. "$(dirname "$0")/../tests/e2e/lib.sh"
. "$(dirname "$0")/lib.sh"

reps=${MR_BENCH_REPS:-5}
secs=${MR_BENCH_SECONDS:-3}

mr_load

# stream_pod NAME: a pod whose route to 198.51.100.0/24 leaves by a dummy
# device (nothing answers there: only a redirect reaches the proxy).
stream_pod() {
	new_ns "$1"
	ip -n "$1" link add d0 type dummy
	ip -n "$1" addr add "$POD4/24" dev d0
	ip -n "$1" link set d0 up
	ip -n "$1" route add 198.51.100.0/24 via "$PEER4"
	proxy_up "$1" 15001 --stream
}
stream_pod bstream
"$MR_TOOL" --netns bstream set
stream_pod bstreamk
configure legacy bstreamk 0 > /dev/null

mbit() {
	local ns=$1
	shift
	"$BENCH" stream "$@" --netns "$ns" --duration "$secs" | sed -n 's/.* mbit=//p'
}
measure() {
	case $1 in
	redirected) mbit bstream "$OTHER4" 80 ;;
	direct) mbit bstream 127.0.0.1 15001 ;;
	legacy) mbit bstreamk "$OTHER4" 80 ;;
	esac
}
for rep in $(seq "$reps"); do
	for c in $(rotate "$rep" redirected direct legacy); do
		sample stream "$c" 0 "$rep" "$(measure "$c")"
	done
done
log "stream: done (kernel $MR_KERNEL)"
finish
