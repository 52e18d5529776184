#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# reload: rmmod and insmod of meshredir again and again, with configured
# namespaces, redirected connections held open across each unload, new
# connections being made all along in the pod, and SETs streaming in
# from another process (which fail while the family is gone).
#
# What happens to a redirected connection open at unload is what
# uapi/linux/meshredir.h says of DEL and unload: it keeps its conntrack NAT
# binding, which is applied only while some NAT user keeps the namespace's
# NAT hooks registered. So in $pod, where meshredir is the only NAT user,
# the held connections stop being translated and fail; in $Y, where an
# iptables nat rule that never matches also holds the NAT hooks, they keep
# working, to the same sidecar. Checked at every cycle, as are: rmmod
# succeeds, new flows go straight to their server while the module is out,
# and are redirected again once it is back and configured. The rig adds:
# no kernel report, kmemleak clean.
#
# Full size: 100 cycles (MR_STRESS_SCALE=100); make check: 2.

. "$(dirname "$0")/lib.sh"
SWAP=$MR_REPO/tests/stress/mr-swap
cycles=$(size 100 2)
setup
Y=$ID-y-pod Y_peer=$ID-y-peer
topology "$Y" "$Y_peer"
n "$Y" iptables-legacy -t nat -A OUTPUT -d 203.0.113.254/32 -p tcp -j REDIRECT --to-ports 9
n "$Y" ip6tables-legacy -t nat -A OUTPUT -d 2001:db8:ffff::1/128 -p tcp -j REDIRECT --to-ports 9
mr_set "$pod"
"$SWAP" save "$WORK/cfg.set" --netns "$pod"

# Load: new connections in the pod, out and in, whatever the module's
# state; and SETs from another process, refused while the module is out.
traffic() {
	local n=0
	while [ ! -e "$WORK/stop" ]; do
		printf '%s\n' "$PEER4 80 --netns $pod --uid $APP_UID --timeout 2" \
			"$POD6 5000 --netns $peer --timeout 2" | "$CONNECT" --batch >/dev/null 2>&1 || true
		n=$((n + 2))
		echo "$n" > "$WORK/flows"
	done
}
setter() {
	local ok_n=0 n=0
	while [ ! -e "$WORK/stop" ]; do
		"$SWAP" swap 20 "$WORK/cfg.set" "$WORK/cfg.set" --netns "$pod" >/dev/null 2>&1 &&
			ok_n=$((ok_n + 1))
		n=$((n + 1))
		echo "$n $ok_n" > "$WORK/setter"
	done
}
traffic &
traffic_pid=$!
setter &
setter_pid=$!

# check WHAT COND-DESCRIPTION: counts; the first failures are shown.
bad=0
expect() {
	if ! eval "$2"; then
		bad=$((bad + 1))
		[ "$bad" -le 10 ] && log "cycle $c: $1"
	fi
	return 0
}

start=$(now)
lost=0 kept=0
for c in $(seq "$cycles"); do
	mr_set "$pod" || bad=$((bad + 1))
	mr_set "$Y" || bad=$((bad + 1))
	hold_open p$c "$pod" $PEER4 80 --uid $APP_UID
	hold_open y$c "$Y" $PEER6 82 --uid $APP_UID
	expect "rmmod failed" 'rmmod meshredir 2>"$WORK/rmmod.err"'
	expect "still loaded after rmmod" '! grep -q "^meshredir " /proc/modules'
	release p$c
	expect "pod connection held at unload: expected it to fail, seen '$HOLD_SECOND' ($HOLD_RC)" \
		'[ "$HOLD_RC" != 0 ] && [[ $HOLD_FIRST == "sidecar port=15001 "* ]]'
	[ "$HOLD_RC" != 0 ] && lost=$((lost + 1))
	release y$c
	expect "Y connection held at unload: expected it to work, seen '$HOLD_FIRST' / '$HOLD_SECOND' ($HOLD_RC)" \
		'[ "$HOLD_RC" = 0 ] && [ "$HOLD_SECOND" = "sidecar port=15001 echo ping" ]'
	[ "$HOLD_RC" = 0 ] && kept=$((kept + 1))
	try "$pod" $PEER4 81 --uid $APP_UID
	expect "module out: expected remote port=81, seen '$LINE'" '[ "$RC" = 0 ] && [[ $LINE == "remote port=81 "* ]]'
	expect "insmod failed" 'insmod "$MR_MODULE" 2>"$WORK/insmod.err"'
	mr_set "$pod" || bad=$((bad + 1))
	try "$pod" $PEER4 81 --uid $APP_UID
	expect "module back: expected sidecar port=15001, seen '$LINE'" '[ "$RC" = 0 ] && [[ $LINE == "sidecar port=15001 "* ]]'
	[ $((c % 10)) = 0 ] && log "$c cycles, $(( $(now) - start ))s"
done
elapsed=$(( $(now) - start ))
touch "$WORK/stop"
wait "$traffic_pid" "$setter_pid" || true
flows=$(cat "$WORK/flows" 2>/dev/null || echo 0)
read -r set_runs set_ok < "$WORK/setter" || true

if [ "$bad" = 0 ]; then
	ok "$cycles cycles of rmmod and insmod under load: every check passed (${elapsed}s)"
else
	fail "$bad checks failed over $cycles cycles"
fi
if [ "$lost" = "$cycles" ] && [ "$kept" = "$cycles" ]; then
	ok "at each unload: the connection where meshredir was the last NAT user lost its translation ($lost), the one beside an iptables nat table kept working ($kept)"
else
	fail "at unload: lost $lost (expected $cycles), kept $kept (expected $cycles)"
fi
if [ "${flows:-0}" -gt 0 ] && [ "${set_ok:-0}" -gt 0 ]; then
	ok "load: $flows connections attempted, $set_ok of $set_runs SET streams completed"
else
	fail "load did not run: flows ${flows:-0}, SET streams ${set_ok:-0}/${set_runs:-0}"
fi
# The module stays loaded for whatever runs next, configured nowhere.
grep -q '^meshredir ' /proc/modules || insmod "$MR_MODULE"
result "cycles=$cycles failed_checks=$bad seconds=$elapsed held_lost_sole_nat=$lost held_kept_other_nat=$kept flows=${flows:-0} set_streams=${set_runs:-0} set_streams_ok=${set_ok:-0}"
finish
