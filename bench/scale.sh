#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/scale.sh: what many configured namespaces cost.
#
#   sample mem-netns    meshredir 0 REP BYTES  per namespace, the module's
#                       own state in an unconfigured namespace
#   sample mem-default  meshredir 0 REP BYTES  per namespace configured
#                       with the defaults, against the same unconfigured
#   sample mem-excl     meshredir 1000 REP BYTES  the same with 1,000
#                       outbound ports and 1,000 outbound IPv4 CIDRs
#   sample scale-out    meshredir|limit 1|COUNT REP RATE  connections/s in
#                       one pod alone, then with COUNT other configured
#                       pods; limit: the same pod straight to its proxy
#
# Memory is SUnreclaim + Percpu of /proc/meminfo, read after the RCU
# callbacks of the previous step have run (a settle pause), over COUNT
# namespaces (MR_BENCH_NS, default 1000). MR_BENCH_REPS (5) repetitions of
# each rate, MR_BENCH_SECONDS (3) each.

. "$(dirname "$0")/../tests/e2e/lib.sh"
. "$(dirname "$0")/lib.sh"

count=${MR_BENCH_NS:-1000}
reps=${MR_BENCH_REPS:-5}
secs=${MR_BENCH_SECONDS:-3}
clients=${MR_BENCH_CLIENTS:-4}

# kernel memory in bytes: unreclaimable slab and per-CPU areas, once it
# holds still (namespaces are freed by a work queue, objects by RCU).
# Read with bash alone: no exec per reading.
kmem_now() {
	local k v u kb=0
	while read -r k v u; do
		case $k in SUnreclaim:|Percpu:) kb=$((kb + v)) ;; esac
	done < /proc/meminfo
	echo $((kb * 1024))
}
# Dentries and inodes only (2): what they hold of unreclaimable memory
# (9p's per-file state) is what is to go. The page cache (1) is not
# counted, and dropping it made every later exec read its binary again
# over 9p, on a vCPU that TCG then starved (soft lockups).
kmem() {
	local a b i
	b=$(kmem_now)
	for i in $(seq 30); do
		sleep 1
		echo 2 > /proc/sys/vm/drop_caches
		a=$b b=$(kmem_now)
		[ $((a - b)) -lt 65536 ] && [ $((b - a)) -lt 65536 ] && break
	done
	echo "$b"
}
per() { echo $((($2 - $1) / count)); }

# many ns ARGS: runs `meshredir ARGS` in namespaces s1..sCOUNT
many() {
	local i
	for ((i = 1; i <= count; i++)); do
		"$MR_TOOL" --netns "s$i" "$@"
	done
}
add_many() {
	local i
	for ((i = 1; i <= count; i++)); do echo "netns add s$i"; done | ip -batch -
	for ((i = 1; i <= count; i++)); do NAMESPACES+=("s$i"); done
}
del_many() {
	local i
	for ((i = 1; i <= count; i++)); do echo "netns del s$i"; done | ip -batch -
}

# The module's own state in every namespace (struct mr_net and its slot in
# each namespace's net_generic array), unconfigured: insmod beside COUNT
# namespaces, minus insmod alone. register_pernet_subsys() runs the init for
# every namespace there is, so nothing waits on the asynchronous teardown
# of namespaces, which made a with/without comparison of namespace
# creation come out negative.
grep -q '^meshredir ' /proc/modules && rmmod meshredir
for rep in 1 2; do
	m0=$(kmem); mr_load; m1=$(kmem); rmmod meshredir
	add_many
	m2=$(kmem); mr_load; m3=$(kmem); rmmod meshredir
	del_many
	sample mem-netns meshredir 0 "$rep" $(( (m3 - m2 - (m1 - m0)) / count ))
done

mr_load
add_many
excl="--exclude-outbound-ports $(out_ports 1000) --exclude-outbound-ips $(out_cidrs 1000)"
for rep in 1 2; do
	m0=$(kmem); many set; m1=$(kmem)
	sample mem-default meshredir 0 "$rep" "$(per "$m0" "$m1")"
	many flush
	m0=$(kmem); many set $excl; m1=$(kmem)
	sample mem-excl meshredir 1000 "$rep" "$(per "$m0" "$m1")"
	many flush
done

# One pod's connection rate alone, then beside COUNT configured pods. Each
# repetition also measures the same pod's rate to its proxy directly
# (127.0.0.1:15001: conntrack and NAT, no redirect), so that the host's
# drift over the minutes between the two halves can be told apart.
bench_pair bscale
"$MR_TOOL" --netns bscale set
rate() {
	"$BENCH" load "$1" "$2" --expect "$3" --netns bscale --clients "$clients" \
		--duration "$secs" | sed -n 's/.* rate=//p'
}
rounds() {
	local rep
	for rep in $(seq "$reps"); do
		if [ $((rep % 2)) = 1 ]; then
			sample scale-out meshredir "$1" "$rep" "$(rate "$OTHER4" 80 80)"
			sample scale-out limit "$1" "$rep" "$(rate 127.0.0.1 15001 15001)"
		else
			sample scale-out limit "$1" "$rep" "$(rate 127.0.0.1 15001 15001)"
			sample scale-out meshredir "$1" "$rep" "$(rate "$OTHER4" 80 80)"
		fi
	done
}
rounds 1
many set
rounds "$count"
log "scale: done (kernel $MR_KERNEL)"
finish
