#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/connrate.sh: new TCP connections per second through the outbound
# redirect (app -> 198.51.100.1:80, lands on 15001) and the inbound one
# (peer -> pod:5000, lands on 15006), per contender (bench/lib.sh) and per
# number N of exclusions, all contenders configured side by side in one
# guest and measured interleaved, in a rotating order, REPS times each.
# Run by bench/run through tests/qemu/run; prints "sample ..." lines:
#
#   sample apply   CONTENDER N REP MS      time to load the rules
#   sample conn-out CONTENDER N REP RATE   connections/s
#   sample conn-in  CONTENDER N REP RATE
#
# MR_BENCH_N (default "0 100 1000 10000"), MR_BENCH_REPS (5),
# MR_BENCH_SECONDS (3), MR_BENCH_CLIENTS (4) size it. A contender that
# cannot be configured at some N is reported as "skip CONTENDER N REASON".

. "$(dirname "$0")/../tests/e2e/lib.sh"
. "$(dirname "$0")/lib.sh"

sizes=${MR_BENCH_N:-0 100 1000 10000}
reps=${MR_BENCH_REPS:-5}
secs=${MR_BENCH_SECONDS:-3}
clients=${MR_BENCH_CLIENTS:-4}

mr_load
for c in $CONTENDERS; do
	bench_pair "b$c"
done

# measure KIND CONTENDER N REP
measure() {
	local kind=$1 c=$2 n=$3 rep=$4 out args
	case $kind/$c in
	conn-out/limit0) args="127.0.0.1 15001 --expect none" ;;
	conn-out/limit) args="127.0.0.1 15001 --expect 15001" ;;
	conn-out/*) args="$OTHER4 80 --expect 80" ;;
	conn-in/limit0) args="$POD4 15006 --expect none" ;;
	conn-in/limit) args="$POD4 15006 --expect 15006" ;;
	conn-in/*) args="$POD4 5000 --expect 5000" ;;
	esac
	local ns=b$c
	[ "$kind" = conn-in ] && ns=b$c-p
	out=$("$BENCH" load $args --netns "$ns" --clients "$clients" --duration "$secs")
	sample "$kind" "$c" "$n" "$rep" "$(echo "$out" | sed -n 's/.* rate=//p')"
}

for n in $sizes; do
	live=
	for c in $CONTENDERS; do
		if ms=$(configure "$c" "b$c" "$n" 2> "$WORK/configure.err"); then
			sample apply "$c" "$n" 1 "$ms"
			live="$live $c"
		else
			echo "skip $c $n $(head -1 "$WORK/configure.err")"
		fi
	done
	for rep in $(seq "$reps"); do
		# shellcheck disable=SC2086 # a list of words
		for c in $(rotate "$rep" $live); do
			measure conn-out "$c" "$n" "$rep"
			measure conn-in "$c" "$n" "$rep"
		done
	done
	for c in $live; do
		unconfigure "$c" "b$c"
	done
done
log "connrate: done (kernel $MR_KERNEL)"
finish
