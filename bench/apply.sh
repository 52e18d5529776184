#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/apply.sh: how long configuring a pod takes, and tearing it down,
# with N exclusions of each kind in each direction: N ports, N IPv4 and N
# IPv6 CIDRs outbound, the same inbound (source CIDRs), dualstack. The
# contenders, interleaved per repetition in one fresh namespace each time:
#
#   meshredir  `meshredir set` / `meshredir flush`
#   legacy     iptables-legacy-restore + ip6tables-legacy-restore of Kuma's
#              rules (gen-rules.py) / `-t nat -F` and `-X` for both
#   iptnft     the same with iptables-nft
#   nft        `nft -f` of bench/lib.sh's hand-written tables / delete them
#
# Every command runs through `ip netns exec NS sh -c`, so each pays the
# same for entering the namespace.
# Prints "sample apply-set CONTENDER N REP MS" and "sample apply-del ...",
# or "skip CONTENDER N REASON" when the contender refuses the size, and
# "sample apply-floor ...": the same commands run with nothing to do
# (version), what starting them costs under TCG (an exec is tens of ms
# there), which every apply from a command line pays.
# MR_BENCH_N (default "10 100 1000 10000") and MR_BENCH_REPS (5).

. "$(dirname "$0")/../tests/e2e/lib.sh"
. "$(dirname "$0")/lib.sh"

sizes=${MR_BENCH_N:-10 100 1000 10000}
reps=${MR_BENCH_REPS:-5}
contenders="meshredir legacy iptnft nft"

mr_load
ms() { echo $((($2 - $1) / 1000000)); }

for n in $sizes; do
	[ "$n" -gt 0 ] || continue	# nothing to apply
	op=$(out_ports "$n") o4=$(out_cidrs "$n") o6=$(out_cidrs6 "$n")
	i4=$(in_cidrs "$n") i6=$(in_cidrs6 "$n")
	printf '%s\n' --out "$WORK/kuma" --exclude-outbound-ports="$op" \
		--exclude-inbound-ports="$op" --exclude-outbound-ips="$o4,$o6" \
		--exclude-inbound-ips="$i4,$i6" > "$WORK/kuma.args"
	"$PYTHON" "$E2E/kuma/gen-rules.py" "@$WORK/kuma.args"
	{ chunks --exclude-outbound-ports "$op"; chunks --exclude-inbound-ports "$op"
	  chunks --exclude-outbound-ips "$o4,$o6"; chunks --exclude-inbound-ips "$i4,$i6"
	} > "$WORK/meshredir.args"
	{ nft_rules ip "$op" "$o4" "$op" "$i4"; nft_rules ip6 "$op" "$o6" "$op" "$i6"; } > "$WORK/nft"
	skipped=
	for rep in $(seq "$reps"); do
		# shellcheck disable=SC2086 # a list of words
		for c in $(rotate "$rep" $contenders); do
			case " $skipped " in *" $c "*) continue ;; esac
			ns=a$c$rep
			new_ns "$ns"
			t0=$(date +%s%N)
			case $c in
			meshredir)
				if ! n "$ns" sh -c '"$0" set $(cat "$1")' "$MR_TOOL" \
					"$WORK/meshredir.args" 2> "$WORK/err"; then
					echo "skip $c $n $(head -1 "$WORK/err")"
					skipped="$skipped $c"
					continue
				fi ;;
			legacy) n "$ns" sh -c "iptables-legacy-restore --noflush < $WORK/kuma.v4 &&
				ip6tables-legacy-restore --noflush < $WORK/kuma.v6" ;;
			iptnft) n "$ns" sh -c "iptables-nft-restore --noflush < $WORK/kuma.v4 &&
				ip6tables-nft-restore --noflush < $WORK/kuma.v6" ;;
			nft) n "$ns" nft -f "$WORK/nft" ;;
			esac
			t1=$(date +%s%N)
			case $c in
			meshredir) n "$ns" sh -c '"$0" flush' "$MR_TOOL" ;;
			legacy) n "$ns" sh -c 'iptables-legacy -t nat -F && iptables-legacy -t nat -X &&
				ip6tables-legacy -t nat -F && ip6tables-legacy -t nat -X' ;;
			iptnft) n "$ns" sh -c 'iptables-nft -t nat -F && iptables-nft -t nat -X &&
				ip6tables-nft -t nat -F && ip6tables-nft -t nat -X' ;;
			nft) n "$ns" sh -c 'nft delete table ip mrbench && nft delete table ip6 mrbench' ;;
			esac
			t2=$(date +%s%N)
			# The floor: the same commands started, doing nothing.
			case $c in
			meshredir) n "$ns" sh -c '"$0" version' "$MR_TOOL" ;;
			legacy) n "$ns" sh -c 'iptables-legacy-restore -V && ip6tables-legacy-restore -V' ;;
			iptnft) n "$ns" sh -c 'iptables-nft-restore -V && ip6tables-nft-restore -V' ;;
			nft) n "$ns" nft -v ;;
			esac > /dev/null
			t3=$(date +%s%N)
			sample apply-set "$c" "$n" "$rep" "$(ms "$t0" "$t1")"
			sample apply-del "$c" "$n" "$rep" "$(ms "$t1" "$t2")"
			sample apply-floor "$c" "$n" "$rep" "$(ms "$t2" "$t3")"
			ip netns del "$ns"
		done
	done
done
log "apply: done (kernel $MR_KERNEL)"
finish
