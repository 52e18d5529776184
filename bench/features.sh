#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/features.sh: bench/exact.sh's counts at N=0 for meshredir with and
# without its optional features, in one boot, interleaved, each contender
# counted the same number of times (MR_BENCH_REPS, default 5): meshredir
# as configured by default, mrdns (DNS capture and the conntrack zone
# split), mrdnsnz (DNS capture without the zone split), and, when
# build/bench/meshredir-old.ko exists (bench/run --features --old KO puts
# it there), mrold: that module, swapped in for each of its counts. The
# floor (limit), limit0 and the bare rule (redir) as in bench/exact.sh.
# Runs under tests/qemu/run --icount (bench/run --features).

old=$MR_REPO/build/bench/meshredir-old.ko
list="limit0 limit meshredir mrdns mrdnsnz"
[ -e "$old" ] && list="$list mrold"
MR_BENCH_CONTENDERS=$list MR_BENCH_OLD_KO=$old \
	MR_BENCH_N=0 MR_BENCH_REPS=${MR_BENCH_REPS:-5} MR_BENCH_NOISE=none \
	exec bash "$(dirname "$0")/exact.sh"
