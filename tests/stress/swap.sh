#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# swap: configuration swaps under load. Connections redirected under
# configuration A (outbound to the sidecar's 15001, inbound to 15006) are
# held open while A and B are SET alternately, as fast as netlink takes
# them, and new flows are opened all along; afterwards every held
# connection must still reach the same sidecar, and every new flow must
# have landed as A or as B says, never as a mix of the two.
#
#   A: exclude-outbound-ports 80, exclude-outbound-ips 198.51.100.1, port 15001
#   B: exclude-outbound-ports 81, exclude-outbound-ips 198.51.100.2, port 15002
#
# The probe flows go to ports 80, 81, 82 of 192.0.2.1, 198.51.100.1 and
# 198.51.100.2. Each of the three settings (excluded ports, excluded IPs,
# proxy port) is taken from A or from B: of the eight combinations, the
# six mixed ones each land at least one probe where neither A nor B would
# (checked below before anything runs), so a packet that saw half a swap
# shows.
#
# Full size: 1,000 held connections, 10,000 SETs (MR_STRESS_SCALE=100);
# make check: 20 and 100.

. "$(dirname "$0")/lib.sh"
HOLD=$MR_REPO/tests/stress/mr-hold
SWAP=$MR_REPO/tests/stress/mr-swap
held=$(size 1000 20)
sets=$(size 10000 100)
# The sidecar holds every connection: raise the limit its fds count against.
ulimit -n $((held * 2 + 1024))
setup
start_server "$pod" sidecar2 15002 --uid $PROXY_UID
ip -n "$peer" addr add 198.51.100.2/32 dev lo

NAME=(A B)
ADDRS=(192.0.2.1 198.51.100.1 198.51.100.2)
PORTS=(80 81 82)
# Settings per configuration: excluded port, excluded IP, proxy "name port".
EXPORT=([0]=80 [1]=81)
EXIP=([0]=198.51.100.1 [1]=198.51.100.2)
PROXY=([0]="sidecar port=15001" [1]="sidecar2 port=15002")

# landing P I X ADDR PORT: where a flow to ADDR:PORT lands with the
# excluded port of config P, the excluded IP of config I, the proxy of X.
landing() {
	if [ "$5" = "${EXPORT[$1]}" ] || [ "$4" = "${EXIP[$2]}" ]; then
		echo "remote port=$5"
	else
		echo "${PROXY[$3]}"
	fi
}

pretty "the probes tell every mix from A and B"
for p in 0 1; do for i in 0 1; do for x in 0 1; do
	[ "$p$i$x" = 000 ] || [ "$p$i$x" = 111 ] && continue
	seen=
	for a in "${ADDRS[@]}"; do for port in "${PORTS[@]}"; do
		l=$(landing $p $i $x "$a" "$port")
		if [ "$l" != "$(landing 0 0 0 "$a" "$port")" ] &&
		   [ "$l" != "$(landing 1 1 1 "$a" "$port")" ]; then
			seen="$a:$port"
			break 2
		fi
	done; done
	if [ -n "$seen" ]; then
		ok "mix (ports of ${NAME[$p]}, IPs of ${NAME[$i]}, proxy of ${NAME[$x]}) shows at $seen"
	else
		fail "mix (ports of ${NAME[$p]}, IPs of ${NAME[$i]}, proxy of ${NAME[$x]}) lands every probe as A or B would"
	fi
done; done; done

pretty "configurations A and B, saved as SET messages"
mr_set "$pod" --exclude-outbound-ports 81 --exclude-outbound-ips 198.51.100.2/32 \
	--redirect-outbound-port 15002
"$SWAP" save "$WORK/B.set" --netns "$pod"
mr_set "$pod" --exclude-outbound-ports 80 --exclude-outbound-ips 198.51.100.1/32 \
	--redirect-outbound-port 15001
"$SWAP" save "$WORK/A.set" --netns "$pod"
for c in 0 1; do
	"$SWAP" swap 1 "$WORK/${NAME[$c]}.set" "$WORK/${NAME[$c]}.set" --netns "$pod" >/dev/null
	for a in "${ADDRS[@]}"; do for port in "${PORTS[@]}"; do
		try "$pod" "$a" "$port" --uid $APP_UID
		want=$(landing $c $c $c "$a" "$port")
		if [ "$RC" = 0 ] && [ "${LINE%% local=*}" = "$want" ]; then
			ok "${NAME[$c]} alone: $a:$port lands at $want"
		else
			fail "${NAME[$c]} alone: $a:$port expected '$want', seen '$LINE' (exit $RC)"
		fi
	done; done
done
"$SWAP" swap 1 "$WORK/A.set" "$WORK/A.set" --netns "$pod" >/dev/null

pretty "$held connections held open, redirected under A"
out_n=$((held / 2)) in_n=$((held - held / 2))
# mr-hold writes its summary after dropping privileges.
H=$WORK/hold
mkdir -m 1777 "$H"
"$HOLD" $PEER4 82 $out_n "$H/out.ready" "$WORK/release" --netns "$pod" --uid $APP_UID \
	> "$WORK/out.hold" 2>&1 &
out_pid=$!
"$HOLD" $POD6 5000 $in_n "$H/in.ready" "$WORK/release" --netns "$peer" \
	> "$WORK/in.hold" 2>&1 &
in_pid=$!
for i in $(seq 1200); do
	[ -e "$H/out.ready" ] && [ -e "$H/in.ready" ] && break
	kill -0 $out_pid 2>/dev/null && kill -0 $in_pid 2>/dev/null || break
	sleep 0.5
done
if grep -qx "landing=$out_n sidecar port=15001" "$H/out.ready" 2>/dev/null &&
   grep -qx "landing=$in_n sidecar port=15006" "$H/in.ready" 2>/dev/null; then
	ok "$out_n outbound connections on sidecar:15001, $in_n inbound on sidecar:15006"
else
	fail "held connections did not all land on the sidecar: $(cat "$H"/*.ready "$WORK"/*.hold 2>&1 | tr '\n' ' ')"
fi

pretty "$sets SETs, A and B alternately, with new flows all along"
# The swaps go on, 100 more at a time (an even count: B stays last), until
# at least three whole rounds of probes ran while they did and those
# rounds saw both A and B, or 40 rounds ran: at a reduced size the first
# $sets can be over before one round, and then no probe could tell A from
# B. A fixed number of rounds is not enough: between two mr-swap
# processes B is in place, and on the debug kernel a process start takes
# longer than 100 SETs, so one run saw A in 1 of 28 probes that tell and
# another saw A in none. Seven probes of each round tell A from B; forty
# rounds without an A are a swap that does not show.
swapper() {
	local n=$sets
	while :; do
		"$SWAP" swap "$n" "$WORK/A.set" "$WORK/B.set" --netns "$pod" || return 1
		[ -e "$WORK/probed" ] && return 0
		n=100
	done
}
start=$(now)
swapper > "$WORK/swap.out" 2>&1 &
swap_pid=$!
overlapped=0
batch=
for a in "${ADDRS[@]}"; do for port in "${PORTS[@]}"; do
	batch+="$a $port --netns $pod --uid $APP_UID --timeout 3"$'\n'
done; done
probes=0 as_a=0 as_b=0 mixed=0 lost=0 rounds=0
# At least one round after the swaps end: B is then in place.
while :; do
	running=0
	kill -0 $swap_pid 2>/dev/null && running=1
	printf '%s' "$batch" | "$CONNECT" --batch > "$WORK/probe.out" 2>&1 || true
	rounds=$((rounds + 1))
	during=0
	[ "$running" = 1 ] && kill -0 $swap_pid 2>/dev/null && during=1
	k=0 line1=
	while IFS= read -r l; do
		if [[ $l =~ ^rc=([0-9]+)$ ]]; then
			a=${ADDRS[$((k / 3))]} port=${PORTS[$((k % 3))]}
			got=${line1%% local=*}
			probes=$((probes + 1))
			la=$(landing 0 0 0 "$a" "$port") lb=$(landing 1 1 1 "$a" "$port")
			if [ "${BASH_REMATCH[1]}" != 0 ]; then
				lost=$((lost + 1))
				[ "$lost" -le 5 ] && log "probe $a:$port failed: $line1"
			elif [ "$got" = "$la" ] || [ "$got" = "$lb" ]; then
				[ "$got" = "$la" ] && [ "$la" != "$lb" ] && as_a=$((as_a + 1))
				[ "$got" = "$lb" ] && [ "$la" != "$lb" ] && as_b=$((as_b + 1))
			else
				mixed=$((mixed + 1))
				[ "$mixed" -le 5 ] && log "probe $a:$port landed '$got': A says '$la', B '$lb'"
			fi
			k=$((k + 1)) line1=
		elif [ -z "$line1" ]; then
			line1=$l
		fi
	done < "$WORK/probe.out"
	if [ "$during" = 1 ]; then
		overlapped=$((overlapped + 1))
		if [ "$overlapped" -ge 40 ] || { [ "$overlapped" -ge 3 ] &&
		   [ "$as_a" -gt 0 ] && [ "$as_b" -gt 0 ]; }; then
			touch "$WORK/probed"
		fi
	fi
	[ "$running" = 1 ] || break
done
swap_rc=0
wait $swap_pid || swap_rc=$?
elapsed=$(( $(now) - start ))
if [ "$swap_rc" = 0 ] && grep -qx "sets=$sets seconds=[0-9]*" "$WORK/swap.out"; then
	ok "$sets SETs accepted in ${elapsed}s"
else
	fail "the swaps failed ($swap_rc): $(cat "$WORK/swap.out")"
fi
if [ "$mixed" = 0 ] && [ "$lost" = 0 ] && [ "$probes" -gt 0 ]; then
	ok "$probes new flows in $rounds rounds: each landed as A or as B ($as_a told A, $as_b told B)"
else
	fail "$probes new flows: $mixed landed as neither A nor B, $lost failed"
fi
if [ "$as_a" -gt 0 ] && [ "$as_b" -gt 0 ]; then
	ok "both configurations were seen by new flows"
else
	fail "new flows saw only one configuration in $overlapped rounds during the swaps (A $as_a, B $as_b): the swaps did not show"
fi
want=$([ $((sets % 2)) = 0 ] && echo B || echo A)
"$SWAP" save "$WORK/last.set" --netns "$pod"
if cmp -s "$WORK/last.set" "$WORK/$want.set"; then
	ok "the configuration in place is the last one set ($want)"
else
	fail "the configuration in place is not $want, the last one set"
fi

pretty "the held connections"
: > "$WORK/release"
hold_rc=0
wait $out_pid || hold_rc=$?
wait $in_pid || hold_rc=$?
survived=0
for f in out in; do
	s=$(sed -n 's/^opened=[0-9]* survived=\([0-9]*\)$/\1/p' "$WORK/$f.hold")
	survived=$((survived + ${s:-0}))
done
if [ "$hold_rc" = 0 ] && [ "$survived" = "$held" ]; then
	ok "all $held held connections still reach their sidecar after $sets SETs"
else
	fail "$survived of $held held connections survived: $(cat "$WORK/out.hold" "$WORK/in.hold" | tr '\n' ' ')"
fi
result "held=$held survived=$survived sets=$sets seconds=$elapsed rounds=$rounds probes=$probes as_a=$as_a as_b=$as_b mixed=$mixed failed=$lost"
finish
