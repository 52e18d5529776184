#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# churn: network namespaces made, configured, used and destroyed over and
# over, while another process SETs the configuration in every one of them
# it can find (tests/stress/mr-swap follow), racing their creation and
# their exit. Each cycle: a namespace with a dummy uplink, `meshredir set`,
# an outbound connection that must be redirected (to 127.0.0.1:15001,
# where nothing listens: refused at once, where the unredirected SYN would
# vanish into the dummy device and time out), the namespace deleted.
#
# Afterwards, once the namespace cleanup work has run (the net_namespace
# slab back to its count before the churn) and every slab cache has been
# shrunk (which also empties KASAN's quarantine of that cache's objects),
# Slab: of /proc/meminfo must be back at its value before, within
# SLAB_TOLERANCE_KB (default 4096: the debug kernel's own bookkeeping,
# kmemleak's object pool and lockdep's chains grow with any activity,
# meshredir or not). The rig's kmemleak scan at the end of the boot must
# find nothing.
#
# Full size: 10,000 cycles (MR_STRESS_SCALE=100); make check: 5.

. "$(dirname "$0")/lib.sh"
SWAP=$MR_REPO/tests/stress/mr-swap
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

settle
base_ns=$(netns_count)
base_slab=$(slab_kb)
log "before: Slab ${base_slab} kB, net_namespace objects $base_ns"

"$SWAP" follow "$prefix" "$WORK/stop" "$WORK/cfg.set" > "$WORK/follow.out" 2>&1 &
follow_pid=$!

start=$(now)
bad=0 done_cycles=0
for c in $(seq "$cycles"); do
	ns=$prefix$c
	ip netns add "$ns"
	ip -n "$ns" -batch - <<-EOF
	link set lo up
	link add d0 type dummy
	addr add 192.0.2.2/24 dev d0
	link set d0 up
	EOF
	if ! out=$(mr "$ns" set --kuma-dp-user $PROXY_UID 2>&1); then
		bad=$((bad + 1))
		[ "$bad" -le 5 ] && log "cycle $c: set failed: $out"
	fi
	rc=0
	"$CONNECT" 192.0.2.1 80 --netns "$ns" --uid $APP_UID --timeout 3 > "$WORK/c.out" 2>&1 || rc=$?
	if [ "$rc" != 2 ]; then
		bad=$((bad + 1))
		[ "$bad" -le 5 ] && log "cycle $c: expected the redirected connection refused (exit 2), seen exit $rc: $(cat "$WORK/c.out")"
	fi
	ip netns del "$ns"
	done_cycles=$c
	[ $((c % 500)) = 0 ] && log "$c cycles, $(( $(now) - start ))s"
	[ "$bad" -gt 20 ] && break
done
elapsed=$(( $(now) - start ))
touch "$WORK/stop"
follow_rc=0
wait "$follow_pid" || follow_rc=$?
follow=$(cat "$WORK/follow.out")
if [ "$bad" = 0 ] && [ "$done_cycles" = "$cycles" ]; then
	ok "$cycles cycles of create, set, redirected connection, delete (${elapsed}s)"
else
	fail "$bad of $done_cycles cycles went wrong"
fi
sets=$(sed -n 's/^sets=\([0-9]*\) .*/\1/p' <<<"$follow")
if [ "$follow_rc" = 0 ] && [ "${sets:-0}" -gt 0 ]; then
	ok "concurrent setter: $follow"
else
	fail "concurrent setter ($follow_rc): $follow"
fi

settle "$base_ns"
end_ns=$(netns_count)
end_slab=$(slab_kb)
log "after: Slab ${end_slab} kB, net_namespace objects $end_ns"
if [ "$end_ns" -le "$base_ns" ]; then
	ok "net_namespace objects back to $end_ns (before: $base_ns): cleanup_net ran for all"
else
	fail "net_namespace objects: $end_ns, before $base_ns"
fi
growth=$((end_slab - base_slab))
if [ "$growth" -le "$tolerance" ]; then
	ok "Slab: ${end_slab} kB after, ${base_slab} kB before (growth ${growth} kB, tolerance ${tolerance} kB)"
else
	fail "Slab: ${end_slab} kB after, ${base_slab} kB before: grew ${growth} kB, over ${tolerance} kB"
	sort -k3 -n -r /proc/slabinfo | head -15
fi
result "cycles=$done_cycles failed=$bad seconds=$elapsed concurrent_sets=${sets:-0} slab_before_kb=$base_slab slab_after_kb=$end_slab slab_growth_kb=$growth tolerance_kb=$tolerance netns_before=$base_ns netns_after=$end_ns"
finish
