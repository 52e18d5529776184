#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# churn: network namespaces made, configured, used and destroyed over and
# over, while another process SETs the configuration in every one of them
# it can find (tests/stress/mr-swap follow), racing their creation and
# their exit. The cycles are tests/stress/mr-churn's, one process for all
# (an exec per step made a full run take 6 hours): a namespace bound in
# /run/netns, lo up, listeners on ports 80 and 15006, a SET of the
# template's configuration, a connection by the proxy's owner to
# 127.0.0.2:80 that must be redirected (inbound: it must land on 15006 with
# SO_ORIGINAL_DST 127.0.0.2:80, not on 80), the namespace gone.
#
# Afterwards every namespace must have been freed: the net_namespace slab
# back to its count before the churn, both counted by netns_steady (the
# kernel frees the last batch of dead namespaces only when another one
# dies). Once every slab cache has been shrunk (which also empties KASAN's
# quarantine of that cache's objects),
# Slab: of /proc/meminfo must be back at its value before, within
# SLAB_TOLERANCE_KB (default 4096: the debug kernel's own bookkeeping,
# kmemleak's object pool and lockdep's chains grow with any activity,
# meshredir or not). The rig's kmemleak scan at the end of the boot must
# find nothing.
#
# Full size: 10,000 cycles (MR_STRESS_SCALE=100); make check: 5.

. "$(dirname "$0")/lib.sh"
SWAP=$MR_REPO/tests/stress/mr-swap
CHURN=$MR_REPO/tests/stress/mr-churn
cycles=$(size 10000 5)
tolerance=${SLAB_TOLERANCE_KB:-4096}
pretty "churn on kernel $MR_KERNEL: $cycles cycles"
mr_load
prefix=$ID-churn-

# The concurrent setter's configuration, saved from a template namespace.
tpl=$ID-tpl
new_ns "$tpl"
mr_set "$tpl" --kuma-dp-user $PROXY_UID
"$SWAP" save "$WORK/cfg.set" --netns "$tpl"
ip netns del "$tpl"

base_ns=$(netns_steady)
settle
base_slab=$(slab_kb)
log "before: Slab ${base_slab} kB, net_namespace objects $base_ns"

"$SWAP" follow "$prefix" "$WORK/stop" "$WORK/cfg.set" > "$WORK/follow.out" 2>&1 &
follow_pid=$!

"$CHURN" "$cycles" "$prefix" "$WORK/cfg.set" --uid $PROXY_UID > "$WORK/churn.out" 2>&1 &
churn_pid=$!
churn_rc=0
wait "$churn_pid" || churn_rc=$?
grep -E '^[0-9]+ cycles, ' "$WORK/churn.out" | tail -5 || true
touch "$WORK/stop"
follow_rc=0
wait "$follow_pid" || follow_rc=$?
follow=$(cat "$WORK/follow.out")
summary=$(tail -1 "$WORK/churn.out")
done_cycles=$(sed -n 's/^cycles=\([0-9]*\) .*/\1/p' <<<"$summary")
bad=$(sed -n 's/.* failed=\([0-9]*\) .*/\1/p' <<<"$summary")
elapsed=$(sed -n 's/.* seconds=\([0-9]*\)$/\1/p' <<<"$summary")
if [ "$churn_rc" = 0 ] && [ "$bad" = 0 ] && [ "$done_cycles" = "$cycles" ]; then
	ok "$cycles cycles of create, set, redirected connection, delete (${elapsed}s)"
else
	fail "churn ($churn_rc): $(head -20 "$WORK/churn.out")"
fi
sets=$(sed -n 's/^sets=\([0-9]*\) .*/\1/p' <<<"$follow")
if [ "$follow_rc" = 0 ] && [ "${sets:-0}" -gt 0 ]; then
	ok "concurrent setter: $follow"
else
	fail "concurrent setter ($follow_rc): $follow"
fi

# diag_holders: what might still hold namespaces that outlived the churn,
# then how much longer they take to go, for five minutes at most.
diag_holders() {
	local p t init cur diag_start
	diag_start=$(now)
	log "diag: slab rows"
	grep -E '^(net_namespace|TCP|TCPv6|tw_sock_TCP|request_sock_TCP|nf_conntrack|sock_inode_cache|UNIX|NETLINK|skbuff_head_cache|nsproxy|mnt_cache) ' /proc/slabinfo | awk '{print "  "$1, $2}'
	log "diag: /run/netns mounts by process"
	for p in /proc/[0-9]*; do
		t=$(grep -c "$prefix" "$p/mountinfo" 2>/dev/null) || true
		[ "${t:-0}" -gt 0 ] && log "  ${p#/proc/} $(tr '\0' ' ' < "$p/cmdline" | head -c 80) mounts=$t mntns=$(readlink "$p/ns/mnt")"
	done
	log "diag: processes in another netns, or holding a netns fd"
	init=$(readlink /proc/1/ns/net)
	for p in /proc/[0-9]*; do
		t=$(readlink "$p/ns/net" 2>/dev/null) || continue
		[ "$t" != "$init" ] && log "  ${p#/proc/} in $t: $(tr '\0' ' ' < "$p/cmdline" | head -c 80)"
		[ -n "$(find "$p/fd" -lname 'net:*' 2>/dev/null | head -1)" ] && log "  ${p#/proc/} holds a netns fd: $(tr '\0' ' ' < "$p/cmdline" | head -c 80)"
	done
	log "diag: mnt namespaces: $(for p in /proc/[0-9]*; do readlink $p/ns/mnt; done 2>/dev/null | sort | uniq -c | tr '\n' ' ')"
	log "diag: sockstat: $(tr '\n' ' ' < /proc/net/sockstat)"
	for t in $(seq 10); do
		sleep 15
		cur=$(netns_steady 2>/dev/null)
		log "diag: +$(( $(now) - diag_start ))s net_namespace $cur TCP $(awk '$1=="TCP"{print $2}' /proc/slabinfo) tw $(awk '$1=="tw_sock_TCP"{print $2}' /proc/slabinfo) ct $(awk '$1=="nf_conntrack"{print $2}' /proc/slabinfo)"
		[ "$cur" -le "$base_ns" ] && break
	done
}

settle
settled_ns=$(netns_count)
log "settled: net_namespace objects $settled_ns, cleanup_net's last batch included"
end_ns=$(netns_steady)
settle
end_slab=$(slab_kb)
log "after: Slab ${end_slab} kB, net_namespace objects $end_ns"
if [ "$end_ns" -le "$base_ns" ]; then
	ok "net_namespace objects back to $end_ns (before: $base_ns): every namespace freed"
else
	fail "net_namespace objects: $end_ns, before $base_ns"
	diag_holders
fi
growth=$((end_slab - base_slab))
if [ "$growth" -le "$tolerance" ]; then
	ok "Slab: ${end_slab} kB after, ${base_slab} kB before (growth ${growth} kB, tolerance ${tolerance} kB)"
else
	fail "Slab: ${end_slab} kB after, ${base_slab} kB before: grew ${growth} kB, over ${tolerance} kB"
	sort -k3 -n -r /proc/slabinfo | head -15
fi
result "cycles=$done_cycles failed=$bad seconds=$elapsed concurrent_sets=${sets:-0} slab_before_kb=$base_slab slab_after_kb=$end_slab slab_growth_kb=$growth tolerance_kb=$tolerance netns_before=$base_ns netns_settled=$settled_ns netns_after=$end_ns"
finish
