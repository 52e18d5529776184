#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# linklocal: the address an inbound IPv6 redirect goes to, measured behind
# meshredir and behind ip6tables' own REDIRECT (nat PREROUTING -p tcp -j
# REDIRECT --to-ports 15006) in two standard pods side by side, on the same
# kernel, and required to be the same.
#
# REDIRECT takes the receiving interface's first address that is neither
# v4-mapped nor tentative and, for a link- or site-local destination, is of
# that scope: not necessarily the destination. Each pod's eth0 gets, besides
# 2001:db8::2, link-local fe80::2 and fe80::3, site-local fec0::2, global
# 2001:db8::4, global 2001:db8::3 kept tentative (DAD runs for minutes) and
# v4-mapped ::ffff:192.0.2.99. The kernel keeps the list sorted by scope,
# global first, the newest first within a scope: mapped, tentative,
# 2001:db8::4, 2001:db8::2, fec0::2, fe80::3, fe80::2. A choice that ignored
# flags or scope, or took the destination itself, would differ. From the
# peer:
#
#  - to fe80::2%eth0, 2001:db8::2 and fec0::2: the sidecar's 15006 at
#    fe80::3, 2001:db8::4 and fec0::2, SO_ORIGINAL_DST the destination;
#  - to fe80::99%eth0, no address of the pod's but sent to its MAC: the
#    sidecar at fe80::3;
#  - the same once the pod has no link-local address left: dropped (no
#    address of that scope), counted as dropped.

. "$(dirname "$0")/lib.sh"

SCONNECT=$E2E/helpers/scoped-connect.py
LL=fe80::2
LL_FIRST=fe80::3
SITE=fec0::2
GLOBAL_FIRST=2001:db8::4
TENT=2001:db8::3
MAPPED=::ffff:192.0.2.99

setup
rpod=$ID-rpod
rpeer=$ID-rpeer
topology "$rpod" "$rpeer"

# pod_addresses NS: the pod's extra addresses.
pod_addresses() {
	n "$1" sysctl -qw net.ipv6.conf.eth0.dad_transmits=255
	ip -6 -n "$1" addr flush dev eth0 scope link
	ip -n "$1" -batch - <<-EOF
	addr add $LL/64 dev eth0 nodad
	addr add $LL_FIRST/64 dev eth0 nodad
	addr add $SITE/64 dev eth0 nodad
	addr add $GLOBAL_FIRST/64 dev eth0 nodad
	addr add $TENT/64 dev eth0
	addr add $MAPPED/128 dev eth0 nodad
	EOF
}

# peer_addresses PEER POD: the peer's link- and site-local addresses, and
# fe80::99 sent to POD's eth0.
peer_addresses() {
	local mac
	mac=$(n "$2" cat /sys/class/net/eth0/address)
	ip -6 -n "$1" addr flush dev eth0 scope link
	ip -n "$1" -batch - <<-EOF
	addr add fe80::1/64 dev eth0 nodad
	addr add fec0::1/64 dev eth0 nodad
	neigh replace fe80::99 lladdr $mac dev eth0 nud permanent
	EOF
}

for p in "$pod:$peer" "$rpod:$rpeer"; do
	pod_addresses "${p%:*}"
	peer_addresses "${p#*:}" "${p%:*}"
done

# The premise: eth0's list, in the kernel's order, "!" marking a tentative
# address.
want="$MAPPED/128 $TENT/64! $GLOBAL_FIRST/64 $POD6/64 $SITE/64 $LL_FIRST/64 $LL/64"
for p in "$pod" "$rpod"; do
	seen=$(ip -6 -o -n "$p" addr show dev eth0 |
		awk '{ printf "%s%s%s", sep, $4, / tentative/ ? "!" : ""; sep = " " }')
	if [ "$seen" = "$want" ]; then
		ok "$p eth0, in the kernel's order: $seen"
	else
		fail "$p eth0: expected the addresses '$want' in this order, seen '$seen'"
	fi
done

# REDIRECT's side: the plain rule, under whichever ip6tables works here.
IP6T=''
for v in legacy nft; do
	if n "$rpod" "ip6tables-$v" -t nat -A PREROUTING -p tcp -j REDIRECT --to-ports 15006 \
		2>"$WORK/ipt.log"; then
		IP6T=ip6tables-$v
		break
	fi
done
if [ -z "$IP6T" ]; then
	fail "ip6tables REDIRECT loads under neither iptables-legacy nor iptables-nft: $(cat "$WORK/ipt.log")"
	finish
fi
ok "REDIRECT --to-ports 15006 in $rpod's nat PREROUTING with $IP6T"
mr_set "$pod"

# measure TARGET...: scoped-connect.py's lines for "ADDR PORT" targets,
# the peer's port left out (it differs from run to run), from each peer at
# the same time (python3 is slow to start under TCG) into $WORK/meshredir
# and $WORK/redirect.
measure() {
	local q pid
	for q in "$peer" "$rpeer"; do
		n "$q" "$PYTHON" "$SCONNECT" "$@" >"$WORK/out.$q" 2>&1 &
		[ "$q" = "$peer" ] && pid=$!
	done
	wait $pid || true
	wait $! || true
	sed -e 's/ peer=\([^ ]*\):[0-9][0-9]* / peer=\1 /' "$WORK/out.$peer" >"$WORK/meshredir"
	sed -e 's/ peer=\([^ ]*\):[0-9][0-9]* / peer=\1 /' "$WORK/out.$rpeer" >"$WORK/redirect"
}

# compare EXPECTED...: the two sides' results for the targets
# (in $WORK/meshredir and $WORK/redirect) are the same line for line, and
# each is the expected line.
compare() {
	local i=0 exp m r M R
	mapfile -t M <"$WORK/meshredir"
	mapfile -t R <"$WORK/redirect"
	for exp in "$@"; do
		m=${M[$i]:-} r=${R[$i]:-}
		i=$((i + 1))
		if [ "$r" = "$exp" ]; then
			ok "REDIRECT: $r"
		else
			fail "REDIRECT: expected '$exp', seen '$r'"
		fi
		if [ "$m" = "$r" ]; then
			ok "meshredir as REDIRECT: $m"
		else
			fail "meshredir: expected REDIRECT's '$r', seen '$m'"
		fi
	done
}

pretty "to the pod's addresses: the sidecar at the first usable address of that scope"
targets=("$LL%eth0" 5000 "$POD6" 5000 "$SITE" 5000 fe80::99%eth0 5000)
mr "$pod" reset-counters
measure "${targets[@]}"
compare \
	"$LL%eth0 5000: sidecar port=15006 local=[$LL_FIRST]:15006 peer=[fe80::1] orig=[$LL]:5000" \
	"$POD6 5000: sidecar port=15006 local=[$GLOBAL_FIRST]:15006 peer=[$PEER6] orig=[$POD6]:5000" \
	"$SITE 5000: sidecar port=15006 local=[$SITE]:15006 peer=[fec0::1] orig=[$SITE]:5000" \
	"fe80::99%eth0 5000: sidecar port=15006 local=[$LL_FIRST]:15006 peer=[fe80::1] orig=[fe80::99]:5000"
assert_counters "$pod" "pre-routing:redirected-inbound=4"

pretty "no link-local address left: a link-local destination is dropped"
for p in "$pod" "$rpod"; do
	ip -n "$p" addr del "$LL/64" dev eth0
	ip -n "$p" addr del "$LL_FIRST/64" dev eth0
done
mr "$pod" reset-counters
measure fe80::99%eth0 5000 "$POD6" 5000
compare \
	"fe80::99%eth0 5000: error: timeout" \
	"$POD6 5000: sidecar port=15006 local=[$GLOBAL_FIRST]:15006 peer=[$PEER6] orig=[$POD6]:5000"
# The SYN and its retransmissions, each one a new connection.
if read_counters "$pod" && [ "${CTR[pre-routing:dropped]}" -ge 1 ] &&
   [ "${CTR[pre-routing:redirected-inbound]}" = 1 ]; then
	ok "$pod counters: pre-routing dropped=${CTR[pre-routing:dropped]} (the SYN and its retransmissions), redirected-inbound=1"
else
	fail "$pod counters: expected pre-routing dropped >= 1 and redirected-inbound = 1, seen dropped=${CTR[pre-routing:dropped]} redirected-inbound=${CTR[pre-routing:redirected-inbound]} ${CTR_ERR:-}"
fi
finish
