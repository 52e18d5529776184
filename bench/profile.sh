#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/profile.sh: where meshredir's instructions go, by kernel function
# (tests/qemu/run --profile; bench/profile.py). Prints
#
#   profile-out  +INSNS FUNCTION   per outbound connection, meshredir's
#   profile-in   +INSNS FUNCTION   count less that of one bare redirect
#                                  rule (bench/lib.sh's redir), the
#                                  largest differences
#   profile-apply INSNS FUNCTION   loading meshredir's configuration with
#                                  N exclusions of each kind, the largest
#
# at N, the first of MR_BENCH_N (default 32767), over MR_BENCH_M (500)
# connections each.

. "$(dirname "$0")/../tests/e2e/lib.sh"
. "$(dirname "$0")/lib.sh"

n=${MR_BENCH_N:-32767}
n=${n%% *}
m=${MR_BENCH_M:-500}
PROF=$MR_REPO/bench/profile.py

[ -n "${MR_PROFILE:-}" ] || { fail "MR_PROFILE unset: run under tests/qemu/run --profile"; finish; }

mr_load
bench_pair bmeshredir
bench_pair bredir
configure meshredir bmeshredir "$n" > /dev/null
configure redir bredir 0 > /dev/null

# prof NAME ARGS...: mr-bench count ARGS, its profile summed into $WORK/NAME.
prof() {
	local name=$1
	shift
	"$BENCH" count "$@" --connections "$m" > "$WORK/$name.count"
	"$PYTHON" "$PROF" sum "$MR_PROFILE" > "$WORK/$name"
}
prof mr-out "$OTHER4" 80 --expect 80 --netns bmeshredir
prof rd-out "$OTHER4" 80 --expect 80 --netns bredir
prof mr-in "$POD4" 5000 --expect 5000 --netns bmeshredir-p
prof rd-in "$POD4" 5000 --expect 5000 --netns bredir-p
"$PYTHON" "$PROF" diff "$WORK/mr-out" "$WORK/rd-out" "$m" | sed 's/^/profile-out /'
"$PYTHON" "$PROF" diff "$WORK/mr-in" "$WORK/rd-in" "$m" | sed 's/^/profile-in /'

# The loading, counted by configure's bench_mark.
bench_mark() {
	if [ "$1" = start ]; then
		"$MR_MARK" start
	else
		"$MR_MARK" stop > "$WORK/apply.count"
		"$PYTHON" "$PROF" sum "$MR_PROFILE" > "$WORK/apply"
	fi
}
unconfigure meshredir bmeshredir
configure meshredir bmeshredir "$n" > /dev/null
log "apply: $(cat "$WORK/apply.count")"
"$PYTHON" "$PROF" top "$WORK/apply" 1 40 | sed 's/^/profile-apply /'
log "profile: done (kernel $MR_KERNEL, N=$n, M=$m)"
finish
