#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/stream.sh: bulk throughput of an established connection, redirected
# (app -> 198.51.100.1:80, NATed to the proxy on 15001) against direct
# (app -> 127.0.0.1:15001, the same proxy, conntrack on, no NAT binding),
# in a pod configured by meshredir, interleaved.
#
#   sample stream redirected|direct 0 REP MBIT
#
# MR_BENCH_REPS (5) repetitions of MR_BENCH_SECONDS (3) each.

. "$(dirname "$0")/../tests/e2e/lib.sh"
. "$(dirname "$0")/lib.sh"

reps=${MR_BENCH_REPS:-5}
secs=${MR_BENCH_SECONDS:-3}

mr_load
new_ns bstream
ip -n bstream link add d0 type dummy
ip -n bstream addr add "$POD4/24" dev d0
ip -n bstream link set d0 up
ip -n bstream route add 198.51.100.0/24 via "$PEER4"
"$BENCH" proxy 15001 --stream --netns bstream > "$WORK/proxy.log" 2>&1 &
disown
for i in $(seq 100); do
	grep -q listening "$WORK/proxy.log" && break
	sleep 0.05
done
"$MR_TOOL" --netns bstream set

mbit() {
	"$BENCH" stream "$@" --netns bstream --duration "$secs" | sed -n 's/.* mbit=//p'
}
for rep in $(seq "$reps"); do
	if [ $((rep % 2)) = 1 ]; then
		sample stream redirected 0 "$rep" "$(mbit "$OTHER4" 80)"
		sample stream direct 0 "$rep" "$(mbit 127.0.0.1 15001)"
	else
		sample stream direct 0 "$rep" "$(mbit 127.0.0.1 15001)"
		sample stream redirected 0 "$rep" "$(mbit "$OTHER4" 80)"
	fi
done
log "stream: done (kernel $MR_KERNEL)"
