#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/exact.sh: guest instructions per new TCP connection through the
# outbound redirect (app -> 198.51.100.1:80, lands on 15001) and the
# inbound one (peer -> pod:5000, lands on 15006), per contender (bench/lib.sh)
# and per number N of exclusions. Runs under tests/qemu/run --icount (one
# vCPU, every instruction counted): one client makes M connections in
# sequence between the icount plugin's markers (`mr-bench count`), and the
# count over M is that connection's cost: client, proxy, both kernels'
# paths, and whatever interrupts fell in (the noise: a timer tick is about
# 14,000 instructions). Prints "sample ..." lines:
#
#   sample xconn-out CONTENDER N REP INSNS   instructions per connection
#   sample xconn-in  CONTENDER N REP INSNS
#   sample xkern-out CONTENDER N REP INSNS   the kernel's part of them
#   sample xkern-in  CONTENDER N REP INSNS
#   sample xapply    CONTENDER N 1 INSNS     instructions to load the rules
#                    (the commands' start included, the lists' making
#                    not; limit0 loads nothing: the markers' own cost)
#   sample xapply-kern CONTENDER N 1 INSNS   the kernel's part of them
#
# The contenders are bench/lib.sh's and redir (one redirect rule, no
# classification), which is counted at N=0 only. MR_BENCH_N (default
# "0 100 1000 10000 32767"; 32767 is the most meshredir takes in all four
# lists: 131,068 entries and the proxy's uid, of 131,072), MR_BENCH_M
# (connections per count, default 500; a fifth of it from N=10,000 up,
# where a connection costs more and the noise less), MR_BENCH_REPS (counts
# per contender, default 3) and MR_BENCH_NOISE (the contender counted 5
# times at every N to show the spread, default meshredir) size it.

. "$(dirname "$0")/../tests/e2e/lib.sh"
. "$(dirname "$0")/lib.sh"

sizes=${MR_BENCH_N:-0 100 1000 10000 32767}
m0=${MR_BENCH_M:-500}
reps=${MR_BENCH_REPS:-3}
noisy=${MR_BENCH_NOISE:-meshredir}

[ -n "${MR_MARK:-}" ] || { fail "MR_MARK unset: run under tests/qemu/run --icount"; finish; }

contenders="limit0 limit redir ${CONTENDERS#limit0 limit }"
mr_load
for c in $contenders; do
	bench_pair "b$c"
done

# xmeasure DIR CONTENDER N REP: one count of M connections.
xmeasure() {
	local dir=$1 c=$2 n=$3 rep=$4 out args ns=b$2 insns kern
	case $dir/$c in
	out/limit0) args="127.0.0.1 15001 --expect none" ;;
	out/limit) args="127.0.0.1 15001 --expect 15001" ;;
	out/*) args="$OTHER4 80 --expect 80" ;;
	in/limit0) args="$POD4 15006 --expect none" ;;
	in/limit) args="$POD4 15006 --expect 15006" ;;
	in/*) args="$POD4 5000 --expect 5000" ;;
	esac
	[ "$dir" = in ] && ns=b$c-p
	bench_before "$c" "$n" || { fail "bench_before $c $n"; return 1; }
	out=$("$BENCH" count $args --netns "$ns" --connections "$m")
	insns=$(echo "$out" | sed -n 's/.* insns=\([0-9]*\).*/\1/p')
	kern=$(echo "$out" | sed -n 's/.* kernel=\([0-9]*\).*/\1/p')
	# A count of nothing would divide into a figure that looks like one.
	if [ -z "$insns" ] || [ "$insns" -le 0 ] || [ -z "$kern" ]; then
		fail "mr-bench count $args: expected insns=N>0 kernel=N, seen '$out'"
		return 1
	fi
	sample "xconn-$dir" "$c" "$n" "$rep" "$(per_conn "$insns")"
	sample "xkern-$dir" "$c" "$n" "$rep" "$(per_conn "$kern")"
}

# per_conn COUNT: COUNT over the M connections it was counted over.
per_conn() { awk -v a="$1" -v m="$m" 'BEGIN { printf "%.1f", a / m }'; }

# The rules' loading alone (bench/lib.sh's configure calls this around
# it), counted from marker to marker into $WORK/xapply.
bench_mark() {
	if [ "$1" = start ]; then
		"$MR_MARK" start
	else
		"$MR_MARK" stop > "$WORK/xapply"
	fi
}

# xconfigure CONTENDER POD N: configure, printing the count of the load
# and the kernel's part of it.
xconfigure() {
	rm -f "$WORK/xapply"
	configure "$@" > /dev/null || return 1
	sed -n 's/^insns=\([0-9]*\) kernel=\([0-9]*\)$/\1 \2/p' "$WORK/xapply"
}

for n in $sizes; do
	live=
	m=$m0
	[ "$n" -ge 10000 ] && m=$(((m0 + 4) / 5))
	for c in $contenders; do
		[ "$c" = redir ] && [ "$n" != 0 ] && continue
		if insns=$(xconfigure "$c" "b$c" "$n" 2> "$WORK/configure.err"); then
			sample xapply "$c" "$n" 1 "${insns% *}"
			sample xapply-kern "$c" "$n" 1 "${insns#* }"
			live="$live $c"
		else
			echo "skip $c $n $(head -1 "$WORK/configure.err")"
		fi
	done
	for rep in $(seq "$reps"); do
		# shellcheck disable=SC2086 # a list of words
		for c in $(rotate "$rep" $live); do
			xmeasure out "$c" "$n" "$rep"
			xmeasure in "$c" "$n" "$rep"
		done
	done
	# The noise: one contender counted again, 5 counts in all.
	case " $live " in *" $noisy "*)
		for rep in $(seq $((reps + 1)) 5); do
			xmeasure out "$noisy" "$n" "$rep"
			xmeasure in "$noisy" "$n" "$rep"
		done ;;
	esac
	for c in $live; do
		unconfigure "$c" "b$c"
	done
done
log "exact: done (kernel $MR_KERNEL)"
finish
