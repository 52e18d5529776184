#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netlink: tests/stress/fuzz/mr-fuzz throws random and mutated messages at the
# meshredir family (see mr-fuzz.c for what and how it checks) while
# connections are being redirected in the namespace it configures: two
# workers share the pod with the traffic (concurrent senders on one
# configuration), two more work alone in namespaces of their own (every
# state check, see mr-fuzz.c). Then the traffic must still
# flow as the last accepted configuration says (or the pod is not
# configured), and a fresh configuration must redirect as usual. The rig
# adds: no kernel report (KASAN, lockdep, ...), kmemleak clean.
#
# Full size: 1,000,000 messages (MR_STRESS_SCALE=100); make check: 3,000.
# MR_FUZZ_SEED replays a run (the seed is printed).

. "$(dirname "$0")/../lib.sh"
FUZZ=$MR_REPO/tests/stress/fuzz/mr-fuzz
[ -x "$FUZZ" ] || { echo "missing $FUZZ (make fuzz)" >&2; exit 1; }
messages=$(size 1000000 3000)
setup
alone=$ID-alone shared=$ID-shared
new_ns "$alone"
new_ns "$shared"

# Traffic: outbound and inbound flows in the pod, over and over, until the
# fuzzer is done. Where they land is the fuzzer's configuration's business;
# that they are made at all, and the kernel survives, is the point.
traffic() {
	local n=0
	while [ ! -e "$WORK/stop" ]; do
		printf '%s\n' "$PEER4 80 --netns $pod --uid $APP_UID --timeout 2" \
			"$POD6 5000 --netns $peer --timeout 2" \
			"$PEER6 81 --netns $pod --uid $APP_UID --timeout 2" \
			"$POD4 5001 --netns $peer --timeout 2" | "$CONNECT" --batch >/dev/null 2>&1 || true
		n=$((n + 4))
		echo "$n" > "$WORK/flows"
	done
}
traffic &
traffic_pid=$!

# Conntrack zones (CONFIG_NF_CONNTRACK_ZONES), without which meshredir
# refuses a SET asking for the DNS zone split: nftables' `ct zone set`
# needs them too. If it cannot tell, the model leaves such SETs unknown.
zones=unknown zones_arg=()
new_ns "$ID-zones"
if n "$ID-zones" nft -f - > "$WORK/zones.err" 2>&1 <<-EOF
	table ip mr_zones {
		chain out { type filter hook output priority raw; ct zone set 1; }
	}
	EOF
then
	zones=yes zones_arg=(--zones yes)
else
	log "# conntrack zones unknown: nft said $(head -c 300 "$WORK/zones.err")"
fi

pretty "mr-fuzz: $messages messages"
seed_arg=()
[ -z "${MR_FUZZ_SEED:-}" ] || seed_arg=(--seed "$MR_FUZZ_SEED")
start=$(now)
rc=0
"$FUZZ" --messages "$messages" "${seed_arg[@]}" --netns "$pod" --netns "$alone" \
	--netns "$shared" --workers 2 "${zones_arg[@]}" --quiet > "$WORK/fuzz.out" \
	2> "$WORK/fuzz.err" || rc=$?
elapsed=$(( $(now) - start ))
touch "$WORK/stop"
wait "$traffic_pid" || true
cat "$WORK/fuzz.out"
head -c 20000 "$WORK/fuzz.err"
summary=$(grep '^mr-fuzz: seed=' "$WORK/fuzz.out" || true)
# figure KEY: the number the summary gives KEY, empty if none.
figure() { sed -n "s/.* $1=\([0-9]*\) .*/\1/p" <<<"$summary"; }
if [ "$rc" = 0 ] && [ -n "$summary" ]; then
	ok "mr-fuzz: every answer as the model says, state checks passed (${elapsed}s)"
else
	fail "mr-fuzz exited $rc: ${summary:-no summary}"
fi
sent=$(figure messages)
if [ "${sent:-0}" -ge "$messages" ]; then
	ok "mr-fuzz sent $sent messages (asked $messages)"
else
	fail "mr-fuzz sent ${sent:-0} messages, asked $messages"
fi
flows=$(cat "$WORK/flows" 2>/dev/null || echo 0)
if [ "$flows" -gt 0 ]; then
	ok "$flows connections attempted in the pod during the fuzzing"
else
	fail "no traffic ran during the fuzzing"
fi
dv=$(figure dns_vnet_sets)
dv_unknown=$(figure dns_vnet_unknown)
if [ "${dv:-0}" -gt 0 ] && { [ "$zones" != yes ] || [ $((dv_unknown * 10)) -lt "$dv" ]; }; then
	ok "mr-fuzz: $dv SETs with DNS or vnet, $dv_unknown of them unknown (zones: $zones)"
else
	fail "mr-fuzz: ${dv:-no} SETs with DNS or vnet, ${dv_unknown:-?} of them unknown (zones: $zones)"
fi
up=$(figure uid_ports_gets)
up_udp=$(figure uid_ports_udp_gets)
if [ "${up:-0}" -gt 0 ]; then
	ok "mr-fuzz: $up GETs checked ports for UIDs, $up_udp of them with UDP entries"
else
	fail "mr-fuzz: ${up:-no} GETs checked ports for UIDs"
fi
result "${summary#mr-fuzz: } seconds=$elapsed flows=$flows zones=$zones"

pretty "after the fuzzing: the pod still works"
# Whatever the fuzzer left, a namespace answers GET with a configuration
# or "not configured", and the tool can replace it.
if out=$(mr "$pod" show --json 2>&1); then
	ok "show --json after the fuzzing answers: ${out:0:60}..."
else
	fail "show --json after the fuzzing: $out"
fi
mr_set "$pod"
assert_redirects
assert_cmd "flush the shared namespace" mr "$shared" flush
assert_not_configured "$shared" "after flush"
finish
