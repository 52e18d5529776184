# SPDX-License-Identifier: GPL-2.0
#
# For the scenarios that run `meshredir monitor` in the background; sourced
# after lib.sh.

# mon_start TAG NS ARGS...: `meshredir --netns NS monitor ARGS` (--pid
# $MON_AT_PID instead when that is set) in the background, its stdout in
# $WORK/TAG.log, its stderr in $WORK/TAG.err.log; returns once it says it
# listens.
mon_start() {
	local tag=$1 i at=(--netns "$2")
	shift 2
	[ -z "${MON_AT_PID:-}" ] || at=(--pid "$MON_AT_PID")
	"$MR_TOOL" "${at[@]}" monitor "$@" >"$WORK/$tag.log" 2>"$WORK/$tag.err.log" </dev/null &
	eval "MON_PID_$tag=$!"
	for i in $(seq 200); do
		grep -q '^meshredir: monitor: listening in ' "$WORK/$tag.err.log" && return 0
		kill -0 "$!" 2>/dev/null || break
		sleep 0.05
	done
	fail "monitor $tag (${at[*]} $*) did not start listening: $(cat "$WORK/$tag.err.log")"
}

# mon_wait TAG: waits (10 s at most) for monitor TAG to end by itself;
# mon_stop TAG SIGNAL: ends it so. Both set MON_RC, its exit status,
# MON_LAST, its last line on stderr, and MON_RECV, MON_SHOWN, MON_DROP from
# that line (empty if it is not the summary).
mon_wait() {
	local tag=$1 pid i
	eval "pid=\$MON_PID_$tag"
	for i in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
	mon_reap "$tag" "$pid"
}
mon_stop() {
	local tag=$1 pid
	eval "pid=\$MON_PID_$tag"
	kill "-$2" "$pid" 2>/dev/null || true
	mon_reap "$tag" "$pid"
}
mon_reap() {
	local re='^meshredir: monitor: ([0-9]+) events received, ([0-9]+) shown, ([0-9]+) dropped by the kernel'
	MON_RC=0
	wait "$2" || MON_RC=$?
	MON_RECV='' MON_SHOWN='' MON_DROP=''
	MON_LAST=$(tail -n 1 "$WORK/$1.err.log")
	if [[ $MON_LAST =~ $re ]]; then
		MON_RECV=${BASH_REMATCH[1]} MON_SHOWN=${BASH_REMATCH[2]} MON_DROP=${BASH_REMATCH[3]}
	fi
}
