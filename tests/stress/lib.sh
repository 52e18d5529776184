#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stress/lib.sh: what the stress scripts (tests/stress/*.sh,
# tests/stress/fuzz/netlink.sh) add to tests/e2e/lib.sh: their sizes, and result
# lines for tests/stress/report.
#
# Sizes: MR_STRESS_SCALE is a percentage of the full size (100: `make
# stress`), for every script, or per script as a list
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
# workqueue after the last reference goes) and RCU callbacks to finish (the
# net_namespace count stops falling), then drops what the slab caches hold
# free, so that Slab: means live objects.
settle() {
	local i last=-1 cur
	for i in $(seq 240); do
		# Freed namespaces wait in KASAN's quarantine, counted as live
		# until their cache is shrunk.
		echo 1 > /sys/kernel/slab/net_namespace/shrink 2>/dev/null || true
		cur=$(netns_count)
		[ "$cur" = "$last" ] && break
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

# netns_steady: the count of net_namespace objects once every namespace
# that died has been freed but the last one. cleanup_net frees the struct
# nets of its batch only in its next run (net_complete_free, after that
# run's rcu_barrier, in the 6.12 kernels the rig runs), so the last batch
# of dead namespaces stays in the slab, held by nothing, until another
# namespace dies. So throwaway namespaces die one at a time, at least twice, until
# two rounds end at the same count, and the lowest count a round ended at
# is printed: the live namespaces and the last throwaway. A round ends
# once its cleanup_net has begun (its nsid gone from the initial
# namespace: netns_wq runs one cleanup_net at a time, so the previous
# round's is over and its throwaway waits to be freed) and the count has
# fallen (this run freed the previous throwaway) or stayed put for
# NETNS_QUIET seconds (the first round may have nothing to free, a quick
# run may have freed it before the first look).
# A namespace held by a reference does not go, however many rounds.
# How it went: stderr.
NETNS_QUIET=${NETNS_QUIET:-5}
netns_steady() {
	local round t id last=-1 low='' start cur how since t0 name=$ID-steady
	for round in $(seq 10); do
		id=$((7000 + round))
		ip netns add "$name"
		ip netns set "$name" "$id"
		t0=$(now)
		ip netns del "$name"
		for t in $(seq 600); do
			ip netns list-id | awk -v id="$id" '$1 == "nsid" && $2 == id { f = 1 } END { exit !f }' || break
			sleep 0.2
		done
		echo 1 > /sys/kernel/slab/net_namespace/shrink 2>/dev/null || true
		start=$(netns_count) cur=$start since=$(now) how=
		for t in $(seq 240); do
			sleep 0.5
			echo 1 > /sys/kernel/slab/net_namespace/shrink 2>/dev/null || true
			[ "$(netns_count)" != "$cur" ] && { cur=$(netns_count); since=$(now); }
			[ "$round" -ge 2 ] && [ "$cur" -lt "$start" ] && { how=fell; break; }
			[ $(( $(now) - since )) -ge "$NETNS_QUIET" ] && { how=still; break; }
		done
		echo "netns_steady: round $round: net_namespace $cur (${how:-still moving} $((since - t0)) s after the delete)" >&2
		[ -z "$low" ] || [ "$cur" -lt "$low" ] && low=$cur
		[ "$round" -ge 2 ] && [ "$cur" = "$last" ] && break
		last=$cur
	done
	echo "$low"
}

# netns_count: network namespaces the kernel has not freed (the nsfs inodes
# seen through /proc/*/ns/net plus the bind mounts of /run/netns are not
# enough: dying ones count until cleanup_net). The net_namespace slab has
# one object per namespace, dying ones and cleanup_net's last batch
# included (see netns_steady).
netns_count() {
	awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo 2>/dev/null || echo 0
}
