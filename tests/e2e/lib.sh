#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lib.sh: what every tests/e2e/*.sh scenario sources. In the style of
# WireGuard's netns.sh: fresh namespaces per test, short helpers to run a
# command in each, and assertions that say what was expected and what was
# seen. Run as root, normally by tests/qemu/run inside a guest, with:
#
#   MR_REPO     the source tree               (default: this file's ../..)
#   MR_MODULE   meshredir.ko, insmod-ed here   (default: $MR_REPO/meshredir.ko;
#               "-": do not load it)
#   MR_TOOL     the meshredir control tool     (default: $MR_REPO/tools/meshredir)
#   MR_HELPERS  mr-server, mr-connect          (default: $MR_REPO/tests/e2e/helpers)
#   MR_KERNEL   6.1 | 6.12 | debug             (informational)
#
# The standard topology, made by `topology POD PEER`:
#
#   POD (the meshed pod)                        PEER (client and remote server)
#   eth0 192.0.2.2/24 2001:db8::2/64  <-veth->  eth0 192.0.2.1/24 2001:db8::1/64
#   lo   ::6/128 (as Kuma adds it)              lo   198.51.100.1/32 2001:db8:1::1/128
#   sidecar  on 15001,15006, uid 5678           remote on 80-83,5000 (TCP, UDP)
#   app      on 80-83,5000-5003 (TCP, UDP), uid 1000
#
# POD routes 198.51.100.0/24 and 2001:db8:1::/64 via PEER, so PEER's second
# address serves as "another destination" and "another source". Only those
# documentation prefixes are ever used, and only inside namespaces made here.

set -e
set -o pipefail

MR_REPO=${MR_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
MR_HELPERS=${MR_HELPERS:-$MR_REPO/tests/e2e/helpers}
MR_TOOL=${MR_TOOL:-$MR_REPO/tools/meshredir}
MR_MODULE=${MR_MODULE:-$MR_REPO/meshredir.ko}
MR_KERNEL=${MR_KERNEL:-unknown}
E2E=$MR_REPO/tests/e2e
SERVER=$MR_HELPERS/mr-server
CONNECT=$MR_HELPERS/mr-connect
PYTHON=$(command -v /usr/bin/python3 || command -v python3)	# kuma-diff only
export LC_ALL=C

TEST=$(basename "$0" .sh)
# Short and unique: several scripts may share a guest, one after the other.
ID=mr$$
WORK=$(mktemp -d "/tmp/mr-e2e-$TEST.XXXXXX")
chmod 755 "$WORK"	# clients that dropped privileges wait for files here
NAMESPACES=()
FAILS=0
CHECKS=0

# Addresses of the standard topology.
POD4=192.0.2.2
PEER4=192.0.2.1
OTHER4=198.51.100.1
POD6=2001:db8::2
PEER6=2001:db8::1
OTHER6=2001:db8:1::1
PROXY_UID=5678
APP_UID=1000

pretty() { printf '\e[1;32m[+] %s\e[0m\n' "$*"; }
log() { printf '%s\n' "$*"; }

cleanup() {
	local rc=$? ns
	set +e
	exec 2>/dev/null	# no "Killed" notices for the helpers killed below
	for ns in "${NAMESPACES[@]}"; do
		[ -e "/run/netns/$ns" ] || continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
	done
	for ns in "${NAMESPACES[@]}"; do
		[ -e "/run/netns/$ns" ] && ip netns del "$ns" 2>/dev/null
	done
	if [ "$rc" -ne 0 ] || [ "$FAILS" -ne 0 ]; then
		for f in "$WORK"/*.log; do
			[ -s "$f" ] || continue
			echo "--- $f"
			tail -n 40 "$f"
		done
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT

# ---- namespaces -----------------------------------------------------------

# new_ns NAME: an empty namespace with lo up, deleted on exit.
new_ns() {
	ip netns add "$1"
	NAMESPACES+=("$1")
	ip -n "$1" link set lo up
}

# n NS CMD...: run CMD in namespace NS.
n() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
# The standard pair's shorthands.
# (No process substitution anywhere: the guest's /dev has no /dev/fd.)
pp() { n "$pod" "$@"; }
pc() { n "$peer" "$@"; }

# topology POD PEER: the standard pod and peer (see the top of this file),
# servers included. Sets $pod and $peer when they are not set yet. Few
# processes: each costs under TCG.
topology() {
	: "${pod:=$1}" "${peer:=$2}"
	wire "$1" "$2"
	server_bg "$1" sidecar 15001,15006 --uid $PROXY_UID
	server_bg "$1" app 80-83,5000-5003 --uid $APP_UID --udp
	server_bg "$2" remote 80-83,5000 --udp
	servers_ready
}

# wire POD PEER: the standard topology's namespaces, link and addresses,
# without its servers (bench/ brings its own).
wire() {
	local p=$1 q=$2
	ip netns add "$p"
	NAMESPACES+=("$p")
	ip netns add "$q"
	NAMESPACES+=("$q")
	ip link add eth0 netns "$p" type veth peer name eth0 netns "$q"
	ip -n "$p" -batch - <<-EOF
	link set lo up
	addr add $POD4/24 dev eth0
	addr add $POD6/64 dev eth0 nodad
	addr add ::6/128 dev lo nodad
	link set eth0 up
	route add 198.51.100.0/24 via $PEER4
	route add 2001:db8:1::/64 via $PEER6
	EOF
	ip -n "$q" -batch - <<-EOF
	link set lo up
	addr add $PEER4/24 dev eth0
	addr add $PEER6/64 dev eth0 nodad
	addr add $OTHER4/32 dev lo
	addr add $OTHER6/128 dev lo nodad
	link set eth0 up
	EOF
}

# dns_bg NS NAME UID PORT ADDRS... -- [dnsmasq options]: a dnsmasq, in the background,
# its output in $WORK/NAME.log.
dns_bg() {
	local ns=$1 name=$2 uid=$3 port=$4 listen=
	shift 4
	while [ "$1" != -- ]; do listen=$listen${listen:+,}$1; shift; done
	shift
	n "$ns" setpriv --reuid="$uid" --regid="$uid" --clear-groups \
		dnsmasq --keep-in-foreground --no-resolv --no-hosts --pid-file= --user= \
		--group= --bind-interfaces --listen-address="$listen" -p "$port" \
		--log-facility=- "$@" >"$WORK/$name.log" 2>&1 </dev/null &
	disown
}

# ask NS UID SERVER NAME TYPE [dig options]: dig's answer, as UID, in
# ANSWER (its error lines, ";; ... timed out", if it has none).
ask() {
	local ns=$1 uid=$2 server=$3 name=$4 type=$5
	shift 5
	ANSWER=$(n "$ns" setpriv --reuid="$uid" --regid="$uid" --clear-groups \
		dig +short +tries=1 +timeout=3 "$@" @"$server" "$name" "$type" 2>&1) || true
	ANSWER=${ANSWER//\"/}
}
# assert_answer WANT WHAT NS UID SERVER NAME TYPE [dig options]
assert_answer() {
	local want=$1 what=$2 opts
	shift 2
	opts=${*:6}
	ask "$@"
	if [ "$ANSWER" = "$want" ]; then
		ok "$what: uid $2 asks $3 for $4 $5${opts:+ ($opts)}: $ANSWER"
	else
		fail "$what: uid $2 asks $3 for $4 $5${opts:+ ($opts)}: expected '$want', seen '$ANSWER'"
	fi
}

# dns_ready NAME 'WANT NS UID SERVER [dig options]'...: waits (10 s at
# most) until every resolver listed answers NAME TXT with its WANT; if
# they do not, the script ends there, failed.
dns_ready() {
	local name=$1 q want ns uid server opts wants seen i
	shift
	for i in $(seq 50); do
		wants='' seen=''
		for q in "$@"; do
			read -r want ns uid server opts <<<"$q"
			# shellcheck disable=SC2086
			ask "$ns" "$uid" "$server" "$name" TXT $opts
			wants=$wants${wants:+ }$want seen=$seen${seen:+ }$ANSWER
		done
		[ "$seen" = "$wants" ] && return 0
		sleep 0.2
	done
	fail "the resolvers ($*) did not answer $name TXT: expected '$wants', seen '$seen'"
	finish
}

# server_bg NS NAME PORTS [mr-server args]: starts it in the background,
# logging to $WORK/NAME.NS.log; servers_ready waits until all listen.
PENDING=()
server_bg() {
	local ns=$1 name=$2 ports=$3
	shift 3
	local pidf=$WORK/$name.$ns.pid
	rm -f "$pidf"
	"$SERVER" "$name" "$ports" --netns "$ns" --pidfile "$pidf" "$@" \
		>"$WORK/$name.$ns.log" 2>&1 </dev/null &
	PENDING+=("$!:$pidf:$WORK/$name.$ns.log")
	disown	# no "Killed" notices at cleanup
}
servers_ready() {
	local i s pid pidf logf
	for i in $(seq 200); do
		for s in "${PENDING[@]}"; do
			pid=${s%%:*} pidf=${s#*:} pidf=${pidf%%:*} logf=${s##*:}
			[ -s "$pidf" ] && continue
			if ! kill -0 "$pid" 2>/dev/null; then
				echo "mr-server did not start:" >&2
				cat "$logf" >&2
				return 1
			fi
			sleep 0.05
			continue 2
		done
		PENDING=()
		return 0
	done
	echo "mr-server did not start in 10 s: ${PENDING[*]}" >&2
	return 1
}

# start_server NS NAME PORTS [mr-server args]: one server, waited for.
start_server() {
	server_bg "$@"
	servers_ready
}

# ---- the module and the tool ----------------------------------------------

mr_load() {
	[ "$MR_MODULE" = - ] && return 0	# already there (development)
	grep -q '^meshredir ' /proc/modules && return 0
	insmod "$MR_MODULE"
}

# mr NS ARGS...: the control tool, acting in namespace NS (isolation.sh
# checks that --netns is the same as running inside it).
mr() { local ns=$1; shift; "$MR_TOOL" --netns "$ns" "$@"; }

# mr_set NS ARGS...: `meshredir set`, which must succeed.
mr_set() {
	local ns=$1 out
	shift
	if ! out=$(mr "$ns" set "$@" 2>&1); then
		fail "meshredir set $* in $ns failed: $out"
		return 1
	fi
}

# mr_json NS: `meshredir show --json`.
mr_json() { mr "$1" show --json; }

# assert_not_configured NS WHEN: show --json says {"configured": false}.
assert_not_configured() {
	local json
	json=$(mr_json "$1" 2>&1)
	if [[ $json =~ ^\{\ *\"configured\":\ *false\ *\}$ ]]; then
		ok "$2: $1 is not configured"
	else
		fail "$2: expected {\"configured\": false} from show --json in $1, seen '$json'"
	fi
}

# ---- assertions -----------------------------------------------------------

ok() { CHECKS=$((CHECKS + 1)); log "ok - $*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); log "not ok - $*"; }

# finish: the verdict of the script; call last.
finish() {
	if [ "$FAILS" -ne 0 ]; then
		log "$TEST: $FAILS of $CHECKS checks failed (kernel $MR_KERNEL)"
		exit 1
	fi
	log "$TEST: all $CHECKS checks passed (kernel $MR_KERNEL)"
}

# family 4|6: the standard topology's addresses of that family in
# pod_a peer_a other lo pass, and the same as they print before ":PORT"
# (IPv6 in brackets) in pod_u peer_u other_u lo_u pass_u. No subshells:
# under TCG every fork counts.
family() {
	if [ "$1" = 4 ]; then
		pod_a=$POD4 peer_a=$PEER4 other=$OTHER4 lo=127.0.0.1 pass=127.0.0.6
		pod_u=$pod_a peer_u=$peer_a other_u=$other lo_u=$lo pass_u=$pass
	else
		pod_a=$POD6 peer_a=$PEER6 other=$OTHER6 lo=::1 pass=::6
		pod_u=[$pod_a] peer_u=[$peer_a] other_u=[$other] lo_u=[$lo] pass_u=[$pass]
	fi
}

# fmt_addr ADDR PORT: ADDR:PORT as mr-server prints it.
fmt_addr() {
	case $1 in
	*:*) echo "[$1]:$2" ;;
	*) echo "$1:$2" ;;
	esac
}

# try NS ADDR PORT [mr-connect args]: connects; sets LINE (the first line
# printed), RC (the exit status) and DESC (the flow, for messages).
try() {
	local ns=$1 addr=$2 port=$3
	shift 3
	RC=0
	"$CONNECT" "$addr" "$port" "$@" --netns "$ns" >"$WORK/try.out" 2>&1 || RC=$?
	LINE=
	read -r LINE <"$WORK/try.out" || true
	case $addr in *:*) DESC="$ns: [$addr]:$port" ;; *) DESC="$ns: $addr:$port" ;; esac
	[ $# = 0 ] || DESC="$DESC ($*)"
}

# check_landing DESC LINE NAME PORT ORIG: LINE is an mr-server first line.
# NAME may be NAME@LOCAL to also require local=LOCAL (e.g. sidecar@127.0.0.1:15006).
# ORIG is the expected orig= value, or "direct": the connection was not
# translated, so orig is either "none" (no conntrack in that namespace) or
# the address it was accepted on. "none" itself demands no conntrack entry.
check_landing() {
	local desc=$1 line=$2 name=${3%@*} port=$4 orig=$5 at=
	local sname='' sport='' slocal='' sorig='' want
	local re='^([^ ]+) port=([0-9]+) local=([^ ]+) peer=[^ ]+ orig=([^ ]+)$'
	[ "$3" = "${3#*@}" ] || at=${3#*@}
	if [[ $line =~ $re ]]; then
		sname=${BASH_REMATCH[1]} sport=${BASH_REMATCH[2]}
		slocal=${BASH_REMATCH[3]} sorig=${BASH_REMATCH[4]}
	fi
	if [ "$orig" = direct ] && { [ "$sorig" = none ] || [ "$sorig" = "$slocal" ]; }; then
		sorig=direct
	fi
	want="$name port=$port${at:+ local=$at} orig=$orig"
	if [ -n "$sname" ] && [ "$sname" = "$name" ] && [ "$sport" = "$port" ] &&
	   [ "$sorig" = "$orig" ] && { [ -z "$at" ] || [ "$slocal" = "$at" ]; }; then
		ok "$desc: $line"
	else
		fail "$desc: expected '$want', seen '$line'"
	fi
}

# assert_lands NS ADDR PORT NAME EXP_PORT EXP_ORIG [mr-connect args]:
# a connection made in NS to ADDR:PORT is answered by server NAME on its
# port EXP_PORT, and its original destination is EXP_ORIG (see
# check_landing).
assert_lands() {
	local ns=$1 addr=$2 port=$3 name=$4 eport=$5 eorig=$6
	shift 6
	try "$ns" "$addr" "$port" "$@"
	if [ "$RC" != 0 ]; then
		fail "$DESC: expected '$name port=$eport orig=$eorig', seen '$LINE' (exit $RC)"
		return 0
	fi
	check_landing "$DESC" "$LINE" "$name" "$eport" "$eorig"
}

# assert_redirects: in both families, an app of $pod reaches $peer through
# the sidecar's 15001 and $peer reaches $pod through its 15006, as the
# default configuration has it.
assert_redirects() {
	local f
	for f in 4 6; do
		family $f
		assert_lands "$pod" $peer_a 80 sidecar 15001 "$peer_u:80" --uid $APP_UID
		assert_lands "$peer" $pod_a 5000 sidecar 15006 "$pod_u:5000"
	done
}

# assert_refused NS ADDR PORT [mr-connect args]: nothing listens there, and
# the connection is refused (not dropped, not answered).
assert_refused() {
	try "$@"
	if [ "$RC" = 2 ]; then
		ok "$DESC refused"
	else
		fail "$DESC: expected 'error: refused', seen '$LINE' (exit $RC)"
	fi
}

# assert_udp NS ADDR PORT NAME [mr-connect args]: a UDP datagram to
# ADDR:PORT is answered by server NAME on that very address and port (so it
# was not redirected).
assert_udp() {
	local ns=$1 addr=$2 port=$3 name=$4 want
	shift 4
	try "$ns" "$addr" "$port" --udp "$@"
	case $addr in *:*) want="$name udp port=$port local=[$addr]:$port" ;;
	*) want="$name udp port=$port local=$addr:$port" ;; esac
	if [ "$RC" = 0 ] && [ "${LINE% peer=*}" = "$want" ]; then
		ok "$DESC: $LINE"
	else
		fail "$DESC: expected '$want peer=...', seen '$LINE' (exit $RC)"
	fi
}

# hold_open TAG NS ADDR PORT [mr-connect args]: opens a connection that
# stays open until release TAG; waits for its first line.
hold_open() {
	local tag=$1 ns=$2 i
	shift 2
	"$CONNECT" "$@" --netns "$ns" --hold-until "$WORK/$tag.release" \
		>"$WORK/$tag.hold" 2>&1 &
	eval "HOLD_PID_$tag=$!"
	local first=
	for i in $(seq 200); do
		read -r first <"$WORK/$tag.hold" || true
		[ -n "$first" ] && return 0
		sleep 0.05
	done
	fail "hold $tag: no first line: $(cat "$WORK/$tag.hold")"
}

# release TAG: lets held connection TAG ping its server; sets HOLD_FIRST,
# HOLD_SECOND (its two lines) and HOLD_RC (its exit status).
release() {
	local pid
	eval "pid=\$HOLD_PID_$1"
	: >"$WORK/$1.release"
	HOLD_RC=0
	wait "$pid" || HOLD_RC=$?
	HOLD_FIRST='' HOLD_SECOND=''
	{ read -r HOLD_FIRST; read -r HOLD_SECOND; } <"$WORK/$1.hold" || true
}

# assert_held TAG NAME PORT ORIG: releases TAG; its first line said NAME,
# PORT, ORIG and the same server still answers on the same connection.
assert_held() {
	local tag=$1 name=$2 port=$3 orig=$4
	release "$tag"
	check_landing "held connection $tag, first line" "$HOLD_FIRST" "$name" "$port" "$orig"
	if [ "$HOLD_RC" = 0 ] && [ "$HOLD_SECOND" = "$name port=$port echo ping" ]; then
		ok "held connection $tag still works: $HOLD_SECOND"
	else
		fail "held connection $tag: expected '$name port=$port echo ping' after the hold, seen '$HOLD_SECOND' (exit $HOLD_RC)"
	fi
}

# assert_lost TAG NAME PORT ORIG: the held connection had landed as expected
# and no longer works: meshredir was the namespace's last NAT user, and the
# binding is not applied any more (uapi/linux/meshredir.h, DEL).
assert_lost() {
	local tag=$1 name=$2 port=$3 orig=$4
	release "$tag"
	check_landing "held connection $tag, first line" "$HOLD_FIRST" "$name" "$port" "$orig"
	if [ "$HOLD_RC" != 0 ] && [ "$HOLD_SECOND" != "$name port=$port echo ping" ]; then
		ok "held connection $tag lost its translation: $HOLD_SECOND (exit $HOLD_RC)"
	else
		fail "held connection $tag: expected it to fail without NAT hooks, seen '$HOLD_SECOND' (exit $HOLD_RC)"
	fi
}

HOOKS=(local-out pre-routing)
REASONS=(redirected-inbound redirected-outbound excluded-port excluded-port-for-uid
	excluded-ip proxy-owner passthrough loopback localhost not-included
	direction-disabled dropped dropped-invalid family-disabled resumed midstream
	redirected-dns dns-passed dns-zoned)

# read_counters NS: fills CTR[hook:reason] from show --json, every hook and
# reason of the uapi (a missing one is an error). Bash only: python3 takes
# seconds to start in a debug guest.
declare -A CTR
read_counters() {
	local json rest hook body re_hook re_ctr h r
	CTR=()
	json=$(mr_json "$1" 2>&1) || { CTR_ERR="show --json failed: $json"; return 1; }
	json=${json//$'\n'/ }
	re_hook='"(local-out|pre-routing)": *\{([^}]*)\}(.*)$'
	re_ctr='"([a-z-]+)": *([0-9]+)(.*)$'
	rest=$json
	while [[ $rest =~ $re_hook ]]; do
		hook=${BASH_REMATCH[1]} body=${BASH_REMATCH[2]} rest=${BASH_REMATCH[3]}
		while [[ $body =~ $re_ctr ]]; do
			CTR[$hook:${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
			body=${BASH_REMATCH[3]}
		done
	done
	for h in "${HOOKS[@]}"; do
		for r in "${REASONS[@]}"; do
			[ -n "${CTR[$h:$r]}" ] && continue
			CTR_ERR="no counter $h/$r in show --json: $json"
			return 1
		done
	done
}

# assert_counters NS 'hook:reason=N ...': every counter of NS is as listed,
# the ones not listed are zero.
assert_counters() {
	local ns=$1 want=$2 item h r diff=
	declare -A exp=()
	if ! read_counters "$ns"; then
		fail "$ns counters: $CTR_ERR"
		return 0
	fi
	for item in $want; do
		exp[${item%=*}]=${item#*=}
		[ -n "${CTR[${item%=*}]}" ] || diff="$diff unknown-counter:${item%=*}"
	done
	for h in "${HOOKS[@]}"; do
		for r in "${REASONS[@]}"; do
			[ "${CTR[$h:$r]}" = "${exp[$h:$r]:-0}" ] ||
				diff="$diff $h:$r=${CTR[$h:$r]} (expected ${exp[$h:$r]:-0})"
		done
	done
	if [ -z "$diff" ]; then
		ok "$ns counters: ${want:-all zero}"
	else
		fail "$ns counters: expected ${want:-all zero} (others 0); seen$diff"
	fi
}

# assert_counter NS HOOK REASON N: one counter.
assert_counter() {
	local ns=$1 hook=$2 reason=$3 want=$4
	if ! read_counters "$ns"; then
		fail "$ns counter $hook/$reason: $CTR_ERR"
	elif [ "${CTR[$hook:$reason]}" = "$want" ]; then
		ok "$ns counter $hook/$reason = $want"
	else
		fail "$ns counter $hook/$reason: expected $want, seen ${CTR[$hook:$reason]}"
	fi
}

# assert_cmd DESC CMD...: CMD succeeds.
assert_cmd() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		fail "$desc: '$*' failed: $out"
	fi
}

# assert_eq DESC EXPECTED SEEN: SEEN is EXPECTED.
assert_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1: $3"
	else
		fail "$1: expected '$2', seen '$3'"
	fi
}

# user_bin: copies of the tool and the helpers in $WORK/bin, named
# $U_TOOL, $U_SERVER and $U_CONNECT, for what runs as another user (uid
# 1000, or root of a user namespace, which has no rights on the real root's
# files): the checkout may lie where only root can pass (a clone in root's
# home, which is mode 700 on Debian and in the guest).
user_bin() {
	mkdir -m 755 "$WORK/bin"
	cp "$MR_TOOL" "$SERVER" "$CONNECT" "$WORK/bin/"
	chmod 755 "$WORK/bin"/*
	U_TOOL=$WORK/bin/${MR_TOOL##*/}
	U_SERVER=$WORK/bin/${SERVER##*/}
	U_CONNECT=$WORK/bin/${CONNECT##*/}
}

# kuma_rules NS V4 V6 WHAT [VARIANT...]: loads Kuma's rules, the files V4
# and V6 (iptables-restore format), into NS under the first iptables variant
# (default: nft, then legacy) that takes both, and says so as WHAT; sets
# IPT and IP6T to that variant's commands. If none takes them, the script
# ends there, failed.
kuma_rules() {
	local ns=$1 v4=$2 v6=$3 what=$4 v
	shift 4
	[ $# -gt 0 ] || set -- nft legacy
	IPT='' IP6T=''
	for v in "$@"; do
		if n "$ns" "iptables-$v-restore" --noflush <"$v4" 2>"$WORK/ipt.log" &&
		   n "$ns" "ip6tables-$v-restore" --noflush <"$v6" 2>>"$WORK/ipt.log"; then
			IPT=iptables-$v IP6T=ip6tables-$v
			ok "$what loaded in $ns with $IPT"
			return 0
		fi
		n "$ns" "iptables-$v" -t nat -F 2>/dev/null || true
		n "$ns" "ip6tables-$v" -t nat -F 2>/dev/null || true
	done
	fail "$what: taken by none of iptables $*: $(cat "$WORK/ipt.log")"
	finish
}

# container POD PEER CTR IF N: a namespace CTR behind POD, which routes
# it, as a host routes a Docker or bridge network: POD's IF to CTR's eth0,
# network N (0: 203.0.113.0/25 and 2001:db8:17::/64, 1: 203.0.113.128/25
# and 2001:db8:18::/64), POD the first address, CTR the second and its
# default routes, PEER's routes back through POD. Sets gw4 gw6 ctr4 ctr6.
container() {
	local p=$1 q=$2 c=$3 ifn=$4 b=$(($5 * 128)) s=$((17 + $5))
	new_ns "$c"
	ip link add "$ifn" netns "$p" type veth peer name eth0 netns "$c"
	gw4=203.0.113.$((b + 1)) ctr4=203.0.113.$((b + 2))
	gw6=2001:db8:$s::1 ctr6=2001:db8:$s::2
	ip -n "$p" -batch - <<-EOF
	addr add $gw4/25 dev $ifn
	addr add $gw6/64 dev $ifn nodad
	link set $ifn up
	EOF
	ip -n "$c" -batch - <<-EOF
	addr add $ctr4/25 dev eth0
	addr add $ctr6/64 dev eth0 nodad
	link set eth0 up
	route add default via $gw4
	route add default via $gw6
	EOF
	ip -n "$q" -batch - <<-EOF
	route add 203.0.113.$b/25 via $POD4
	route add 2001:db8:$s::/64 via $POD6
	EOF
	n "$p" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# ---- the standard pod -------------------------------------------------------

# setup: module loaded, the standard topology in $pod / $peer.
setup() {
	pretty "$TEST on kernel $MR_KERNEL"
	for f in "$SERVER" "$CONNECT" "$MR_TOOL"; do
		[ -x "$f" ] || { echo "missing $f (make helpers tools?)" >&2; exit 1; }
	done
	mr_load
	pod=$ID-pod
	peer=$ID-peer
	topology "$pod" "$peer"
}
