#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stress/lib.sh: what the stress scripts (tests/stress/*.sh,
# tests/fuzz/netlink.sh) add to tests/e2e/lib.sh: their sizes, and result
# lines for tests/stress/report.
#
# Sizes: MR_STRESS_SCALE is a percentage of the full size the issue asks for
# (100: `make stress`), for every script, or per script as a list
# "netlink=5,churn=0.5,reload=100,swap=100" (a script not listed: its reduced
# size); unset, each script runs its reduced `make check` size.
# size FULL REDUCED prints the count to use.
#
# Each script prints "result: NAME key=value ..." lines saying what it did
# and saw; tests/stress/report makes tests/RELIABILITY.md out of them.

. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"

MR_STRESS_SCALE=${MR_STRESS_SCALE:-}

# size FULL REDUCED: FULL * MR_STRESS_SCALE / 100 (at least 1), or REDUCED.
size() {
	local pct=$MR_STRESS_SCALE item n
	if [[ $pct == *=* ]]; then
		pct=
		for item in ${MR_STRESS_SCALE//,/ }; do
			[ "${item%%=*}" = "$TEST" ] && pct=${item#*=}
		done
	fi
	if [ -z "$pct" ]; then
		echo "$2"
		return
	fi
	[[ $pct =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "MR_STRESS_SCALE: bad percentage '$pct' for $TEST" >&2; exit 1; }
	n=$(awk -v f="$1" -v p="$pct" 'BEGIN { printf "%d", f * p / 100 }')
	[ "$n" -ge 1 ] || n=1
	echo "$n"
}

result() { log "result: $TEST $*"; }

# now: seconds since the epoch, for rates.
now() { date +%s; }

# slab_kb: Slab: of /proc/meminfo, in kB.
slab_kb() { awk '$1 == "Slab:" { print $2 }' /proc/meminfo; }

# settle: waits for the namespace cleanup work (cleanup_net runs from a
# workqueue after the last reference goes) and RCU callbacks to finish,
# then drops what the slab caches hold free, so that Slab: means live
# objects. The count of network namespaces going back to BASE_NETNS is
# the sign that cleanup_net ran.
# Without BASE_NETNS, it waits until the count stops falling.
settle() {
	local want=${1:-} i last=-1 cur
	for i in $(seq 240); do
		# Freed namespaces wait in KASAN's quarantine, counted as live
		# until their cache is shrunk.
		echo 1 > /sys/kernel/slab/net_namespace/shrink 2>/dev/null || true
		cur=$(netns_count)
		if [ -n "$want" ]; then
			[ "$cur" -le "$want" ] && break
		else
			[ "$cur" = "$last" ] && break
		fi
		last=$cur
		sleep 0.5
	done
	sync
	echo 3 > /proc/sys/vm/drop_caches
	# kmemleak / SLUB keep freed objects in per-CPU partial lists until
	# shrunk: shrink every cache, as slabinfo -s does.
	for f in /sys/kernel/slab/*/shrink; do echo 1 > "$f" 2>/dev/null || true; done
	sleep 1
}

# netns_count: live network namespaces (the nsfs inodes the kernel still
# has, seen through /proc/*/ns/net plus the bind mounts of /run/netns is
# not enough: dying ones count until cleanup_net). The net_namespace slab
# has one object per namespace, dying ones included.
netns_count() {
	awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo 2>/dev/null || echo 0
}
