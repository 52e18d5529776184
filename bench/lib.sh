#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/lib.sh: what the benchmark scripts share. Sourced in a guest of
# tests/qemu/run, after tests/e2e/lib.sh (namespaces, cleanup, mr_load).
#
# Every contender gets its own pod and peer, with the standard addresses
# of tests/e2e/lib.sh, and a mr-bench proxy on 15001 and 15006 in the pod:
#
#   limit0   no rules: conntrack is not even loaded in the pod
#   limit    a nat chain per hook with one rule that never matches TCP (a
#            NAT chain alone does not turn conntrack on): conntrack and NAT
#            on, nothing redirected; the best any NAT-based redirect can do
#   redir    (bench/exact.sh only) one nftables rule per hook that
#            redirects the measured port and nothing else: the least any
#            redirect costs, before any classification
#   meshredir  `meshredir set` with the exclusions
#   legacy   Kuma's rules (tests/e2e/kuma/gen-rules.py) in iptables-legacy
#   iptnft   the same rules in iptables-nft
#   nft      hand-written nftables: Kuma's order, exclusions in interval sets
#
# and, for bench/features.sh only (MR_BENCH_CONTENDERS names the list):
#
#   mrdns    meshredir with DNS capture (--redirect-all-dns-traffic) and the
#            conntrack zone split, its default
#   mrdnsnz  the same with --skip-dns-conntrack-zone-split
#   mrold    meshredir of another module, MR_BENCH_OLD_KO, swapped in for
#            each of its counts and out again after (bench_before)
#
# Exclusions of size N never match the measured flows: outbound ports
# 20000, 20003, ... and CIDRs 10.a.b.0/24 (every other /24), inbound the same
# ports and source CIDRs 11.a.b.0/24, so rules are walked and sets
# searched, and nothing is merged away.

BENCH=${MR_BENCH_BIN:-$MR_REPO/bench/mr-bench}

# A benchmark keeps both vCPUs busy for minutes, and TCG runs them on one
# host thread: one can go unscheduled past the soft-lockup detector's 20 s
# (seen in scale.sh on 6.12 with no other guest on the host, a shell's
# page fault in clear_page_erms), which is the emulation's doing, not the
# kernel's. This guest runs only benchmark scripts, so only its detector
# waits longer: 120 s, the most the kernel allows. The e2e guests keep 20 s.
sysctl -qw kernel.watchdog_thresh=60
CONTENDERS=${MR_BENCH_CONTENDERS:-limit0 limit meshredir legacy iptnft nft}

# sample KIND CONTENDER N REP VALUE: one measurement. A measurement that
# gave nothing fails the script (a value from "$(...)" escapes set -e).
sample() {
	[ -n "${5:-}" ] || { fail "no value for: sample $*"; return 1; }
	echo "sample $*"
}

# bench_pair NAME: pod NAME and peer NAME-p as tests/e2e/lib.sh wires
# them, and the proxy up.
bench_pair() {
	local p=$1 q=$1-p
	wire "$p" "$q"
	# The default range would run out within a 3 s sample.
	ip netns exec "$p" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
	ip netns exec "$q" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
	proxy_up "$p" 15001,15006
}

# proxy_up NS ARGS...: `mr-bench proxy ARGS` in NS, once it listens.
proxy_up() {
	local ns=$1 i
	shift
	"$BENCH" proxy "$@" --netns "$ns" > "$WORK/proxy.$ns.log" 2>&1 &
	disown
	for i in $(seq 100); do
		grep -q listening "$WORK/proxy.$ns.log" && return 0
		sleep 0.05
	done
	echo "mr-bench proxy did not start in $ns:" >&2
	cat "$WORK/proxy.$ns.log" >&2
	return 1
}

# rotate REP WORD...: the words, rotated by REP, one a line, so that no
# contender always runs first.
rotate() {
	local r=$1
	shift
	printf '%s\n' "$@" | awk -v r="$r" '{ a[NR] = $0 }
		END { for (i = 0; i < NR; i++) print a[(i + r) % NR + 1] }'
}

# exclusion lists of size N, comma-separated, as kumactl flags take them.
# Ports 20000, 20003, ... up to N=15,178; beyond, every odd port from 1
# (up to 32,768 ports, none of them adjacent). CIDRs every other /24.
# awk, not a shell loop: at N=32,767 a loop of printf cost the guest
# billions of instructions per list.
out_ports() {
	if [ "$1" -le 15178 ]; then
		seq -s, 20000 3 $((20000 + 3 * ($1 - 1)))
	else
		seq -s, 1 2 $((2 * $1 - 1))
	fi
}
cidrs24() {
	awk -v n="$1" -v a="$2" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "%s%d.%d.%d.0/24", i ? "," : "", a, int(i / 128), i % 128 * 2
		if (n) print "" }'
}
out_cidrs() { cidrs24 "$1" 10; }
in_cidrs() { cidrs24 "$1" 11; }
cidrs48() {
	awk -v n="$1" -v p="$2" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "%s%s:0:%x::/48", i ? "," : "", p, i * 2
		if (n) print "" }'
}
out_cidrs6() { cidrs48 "$1" fd00; }
in_cidrs6() { cidrs48 "$1" fd01; }

# chunks FLAG LIST: "FLAG part" for every 1,000 entries of the comma list:
# one exec argument holds at most 128 KiB, and meshredir's list flags add
# up when repeated.
chunks() {
	[ -n "$2" ] || return 0
	echo "$2" | tr ',' '\n' | xargs -n 1000 | tr ' ' ',' | sed "s/^/$1 /"
}

# configure CONTENDER POD N: that contender's rules with N exclusions of
# each kind, in and out. Prints how long it took (ms) on stdout; fails if
# any step does (set -e does not hold in a function called from `if`).
configure() {
	local c=$1 p=$2 n=$3 t0 t1 op ip ic
	op=$( [ "$n" -gt 0 ] && out_ports "$n" || true)
	ip=$( [ "$n" -gt 0 ] && out_cidrs "$n" || true)
	ic=$( [ "$n" -gt 0 ] && in_cidrs "$n" || true)
	case $c in
	legacy|iptnft)
		printf '%s\n' --family 4 --exclude-outbound-ports="$op" --exclude-outbound-ips="$ip" \
			--exclude-inbound-ports="$op" --exclude-inbound-ips="$ic" > "$WORK/args.$p"
		"$PYTHON" "$E2E/kuma/gen-rules.py" "@$WORK/args.$p" > "$WORK/rules.$p"
		;;
	nft)
		nft_rules ip "$op" "$ip" "$op" "$ic" > "$WORK/rules.$p"
		;;
	meshredir|mrdns|mrdnsnz|mrold)
		{ chunks --exclude-outbound-ports "$op"; chunks --exclude-outbound-ips "$ip"
		  chunks --exclude-inbound-ports "$op"; chunks --exclude-inbound-ips "$ic"; } > "$WORK/args.$p"
		;;
	esac || return 1
	t0=$(date +%s%N)
	bench_mark start
	case $c in
	limit0) ;;
	redir)
		ip netns exec "$p" nft -f - <<-EOF
		table ip mrbench {
			chain prerouting { type nat hook prerouting priority dstnat; tcp dport 5000 redirect to :15006; }
			chain output { type nat hook output priority -100; tcp dport 80 redirect to :15001; }
		}
		EOF
		;;
	limit)
		ip netns exec "$p" nft -f - <<-EOF
		table ip mrbench {
			chain prerouting { type nat hook prerouting priority dstnat; udp dport 9 redirect to :9; }
			chain output { type nat hook output priority -100; udp dport 9 redirect to :9; }
		}
		EOF
		;;
	meshredir|mrold) "$MR_TOOL" --netns "$p" set $(cat "$WORK/args.$p") --ip-family-mode ipv4 ;;
	mrdns) "$MR_TOOL" --netns "$p" set $(cat "$WORK/args.$p") --ip-family-mode ipv4 \
		--redirect-all-dns-traffic ;;
	mrdnsnz) "$MR_TOOL" --netns "$p" set $(cat "$WORK/args.$p") --ip-family-mode ipv4 \
		--redirect-all-dns-traffic --skip-dns-conntrack-zone-split ;;
	legacy) ip netns exec "$p" iptables-legacy-restore --noflush < "$WORK/rules.$p" ;;
	iptnft) ip netns exec "$p" iptables-nft-restore --noflush < "$WORK/rules.$p" ;;
	nft) ip netns exec "$p" nft -f "$WORK/rules.$p" ;;
	esac || return 1
	bench_mark stop
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

# bench_mark start|stop: around the loading of the rules alone; nothing
# here, bench/exact.sh counts the instructions in between.
bench_mark() { :; }

# bench_before CONTENDER N: before each count of CONTENDER (bench/exact.sh).
# With mrold among the contenders, the module a meshredir contender needs
# is swapped in when another is loaded: every meshredir pod flushed, the
# other .ko inserted, and the pods of that module's contenders configured
# again. Outside the count, so the count sees only the connections.
mr_loaded=new
bench_before() {
	local want=new c ko
	case " $CONTENDERS " in *" mrold "*) ;; *) return 0 ;; esac
	case $1 in
	mrold) want=old ;;
	meshredir|mrdns|mrdnsnz) ;;
	*) return 0 ;;
	esac
	[ "$want" = "$mr_loaded" ] && return 0
	for c in $CONTENDERS; do
		case $c in meshredir|mrdns|mrdnsnz|mrold) unconfigure "$c" "b$c" 2> /dev/null ;; esac
	done
	ko=$MR_MODULE
	[ "$want" = old ] && ko=$MR_BENCH_OLD_KO
	rmmod meshredir && insmod "$ko" || return 1
	# The swap happened: the loaded module is that file.
	[ "$(cat /sys/module/meshredir/srcversion)" = "$(modinfo -F srcversion "$ko")" ] || {
		fail "meshredir after insmod $ko: expected srcversion $(modinfo -F srcversion "$ko"), seen $(cat /sys/module/meshredir/srcversion)"
		return 1
	}
	mr_loaded=$want
	for c in $CONTENDERS; do
		case $want/$c in
		old/mrold|new/meshredir|new/mrdns|new/mrdnsnz)
			configure "$c" "b$c" "$2" > /dev/null || return 1 ;;
		esac
	done
}

# unconfigure CONTENDER POD: back to no rules.
unconfigure() {
	case $1 in
	limit0) ;;
	limit|redir|nft) ip netns exec "$2" nft delete table ip mrbench ;;
	meshredir|mrdns|mrdnsnz|mrold) "$MR_TOOL" --netns "$2" flush ;;
	legacy) ip netns exec "$2" sh -c 'iptables-legacy -t nat -F && iptables-legacy -t nat -X' ;;
	iptnft) ip netns exec "$2" sh -c 'iptables-nft -t nat -F && iptables-nft -t nat -X' ;;
	esac
}

# nft_rules ip|ip6 OUT_PORTS OUT_CIDRS IN_PORTS IN_CIDRS: Kuma's
# classification (module/KUMA.md, A2 and B1-B7;
# PREROUTING) written by hand for nftables, each exclusion list one
# interval set.
nft_set() { echo "	set $1 { type $2; flags interval;${3:+ elements = { $3 \};} }"; }
nft_rules() {
	local f=$1 a=ipv4_addr local=127.0.0.1 pass=127.0.0.6
	[ "$f" = ip6 ] && a=ipv6_addr local=::1 pass=::6
	echo "table $f mrbench {"
	nft_set out_ports inet_service "$2"
	nft_set out_ips $a "$3"
	nft_set in_ports inet_service "$4"
	nft_set in_ips $a "$5"
	cat <<-EOF
		chain prerouting {
			type nat hook prerouting priority dstnat; policy accept;
			meta l4proto tcp $f saddr @in_ips return
			tcp dport @in_ports return
			meta l4proto tcp redirect to :15006
		}
		chain output {
			type nat hook output priority -100; policy accept;
			$f daddr @out_ips return
			tcp dport @out_ports return
			$f saddr $pass oif lo return
			meta l4proto tcp oif lo $f daddr != $local meta skuid 5678 redirect to :15006
			meta l4proto tcp oif lo meta skuid != 5678 return
			meta skuid 5678 return
			$f daddr $local return
			meta l4proto tcp redirect to :15001
		}
	}
	EOF
}
