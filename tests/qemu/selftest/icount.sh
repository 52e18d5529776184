#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The icount plugin's own test (tests/qemu/run --icount): `mr-mark loop K`
# runs a loop of exactly 2K+2 instructions between the markers (marker
# included, see tests/qemu/icount/mr-mark.c). Nothing else runs on the one
# vCPU but interrupts, which can only add to a count: so every count is at
# least 2K+2, the smallest of several is exactly 2K+2 (a run no interrupt
# fell into) with no kernel instruction in it, and none is more than a
# timer tick's work above it. A
# counter that missed or doubled instructions, or a marker seen at the
# wrong place, fails here; so does a run without the plugin.

. "$MR_REPO/tests/e2e/lib.sh"

[ -n "${MR_MARK:-}" ] && [ -n "${MR_ICOUNT:-}" ] ||
	{ fail "MR_MARK and MR_ICOUNT unset: run under tests/qemu/run --icount"; finish; }

# An interrupt and what it raises (timer tick, RCU, softirqs) stays far
# below this; the loops themselves are 2,002 and 200,002 instructions.
slack=100000
for k in 1000 100000; do
	want=$((2 * k + 2)) counts=() min= mink=
	for i in 1 2 3 4 5 6 7 8; do
		out=$("$MR_MARK" loop "$k") || { fail "mr-mark loop $k: $out"; continue; }
		c=$(echo "$out" | sed -n 's/^insns=\([0-9]*\) .*/\1/p')
		counts+=("$c")
		if [ -z "$min" ] || [ "$c" -lt "$min" ]; then
			min=$c mink=$(echo "$out" | sed -n 's/.* kernel=\([0-9]*\).*/\1/p')
		fi
	done
	log "loop $k: counts ${counts[*]}"
	if [ "$min" = "$want" ] && [ "$mink" = 0 ]; then
		ok "loop $k: the smallest of ${#counts[@]} counts is exactly $want, none in the kernel"
	else
		fail "loop $k: expected a smallest count of $want with kernel=0, seen '$min' kernel='$mink'"
	fi
	for c in "${counts[@]}"; do
		if [ "$c" -lt "$want" ] || [ "$c" -gt $((want + slack)) ]; then
			fail "loop $k: expected every count in $want..$((want + slack)), seen $c"
		fi
	done
done
# stop alone: counted from the last start (the second loop's), so it is
# positive; what matters is that a result arrives for every stop marker.
out=$("$MR_MARK" stop) || true
c=$(echo "$out" | sed -n 's/^insns=\([0-9]*\) .*/\1/p')
if [ "${c:-0}" -gt 0 ]; then
	ok "a lone stop marker gets a count ($out)"
else
	fail "a lone stop marker: expected insns=N>0, seen '$out'"
fi
finish
