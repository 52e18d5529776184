#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# events: the kernel's events group (uapi/linux/meshredir.h, "Events"), read
# by a raw generic netlink listener (helpers/mr-events.py):
#
#  - without a listener, connections are counted and no event is dropped;
#  - a listener and a flood of connections at a low event-rate: the events
#    received stay within the rate (a second's burst, then the rate), the
#    rest are dropped and counted, and received + dropped is exactly the
#    counters' increase; the event after a pause reports the drops not yet
#    reported, and the events' drops add up to GET's events-dropped;
#    reset-counters zeroes it; a listener in another namespace gets nothing;
#  - joining the group needs CAP_NET_ADMIN over the namespace: uid 1000
#    gets EPERM, so does root of a user namespace in a namespace the real
#    root made, while in its own network namespace it joins, and receives
#    that namespace's events.
#
# The flood's size: EVENTS_FLOOD (default 3000) connections at event-rate
# EVENTS_RATE (default 20). The debug kernel's kmemleak scan at the end of
# the boot and its lockdep cover the rest.

. "$(dirname "$0")/lib.sh"

FLOOD=${EVENTS_FLOOD:-3000}
RATE=${EVENTS_RATE:-20}
# enum meshredir_reason, as the events carry it.
R_REDIRECTED_OUTBOUND=2
R_DIRECTION_DISABLED=11

. "$(dirname "$0")/lib-userns.sh"

setup
user_bin
EV=$WORK/bin/mr-events.py
cp "$MR_HELPERS/mr-events.py" "$EV"
chmod 755 "$EV"
cd "$WORK"

# listen NS NAME: a listener in NS, its events in $WORK/NAME.events; waits
# until it has joined the group. stop NAME...: ends them, once quiet.
declare -A LISTENER=()
listen() {
	rm -f "$WORK/$2.ready" "$WORK/$2.stop"
	n "$1" "$PYTHON" "$EV" listen "$WORK/$2.ready" "$WORK/$2.stop" >"$WORK/$2.events" 2>&1 &
	LISTENER[$2]=$!
	for ((i = 0; i < 1200; i++)); do
		[ -e "$WORK/$2.ready" ] && return 0
		kill -0 "${LISTENER[$2]}" 2>/dev/null || break
		sleep 0.1
	done
	fail "listener $2 in $1 did not join the events group: $(cat "$WORK/$2.events")"
	finish
}
stop() {
	local name
	for name in "$@"; do touch "$WORK/$name.stop"; done
	for name in "$@"; do wait "${LISTENER[$name]}" || fail "listener $name exited $?"; done
}

# get NS KEY: a top-level number of show --json.
get() { mr_json "$1" | sed -n "s/^  \"$2\": \([0-9]*\),\{0,1\}$/\1/p"; }

pretty "no listener: counted, nothing made, nothing dropped"
mr_set "$pod" --redirect-outbound=false --event-rate "$RATE"
assert_eq "$pod: show's event-rate" "$RATE" "$(get "$pod" event-rate)"
n "$pod" "$PYTHON" "$EV" flood $PEER4 9 50 >/dev/null
assert_counters "$pod" "local-out:direction-disabled=50"
assert_eq "$pod: events-dropped without a listener" 0 "$(get "$pod" events-dropped)"
mr "$pod" reset-counters

pretty "a listener and a flood of $FLOOD connections at event-rate $RATE"
listen "$pod" pod
listen "$peer" peer
secs=$(n "$pod" "$PYTHON" "$EV" flood $PEER4 9 "$FLOOD")
# The bucket refills (1/RATE s a token): the next event reports the drops.
sleep 1.5
n "$pod" "$PYTHON" "$EV" flood $PEER4 9 1 >/dev/null
stop pod peer
total=$((FLOOD + 1))
assert_counters "$pod" "local-out:direction-disabled=$total"
dropped=$(get "$pod" events-dropped)
if out=$("$PYTHON" - "$WORK/pod.events" "$total" "$RATE" "$secs" "$dropped" \
	"$R_DIRECTION_DISABLED" 2>&1 <<-'PY'
	import json, sys
	path, total, rate, secs, dropped, reason = sys.argv[1:]
	total, rate, secs, dropped, reason = int(total), int(rate), float(secs), int(dropped), int(reason)
	events = [json.loads(line) for line in open(path)]
	bad = [e for e in events if 'overrun' in e or e.get('hook') != 1 or e.get('family') != 2 or
	       e.get('protocol') != 6 or e.get('dst-port') != 9 or e.get('reason') != reason]
	if bad:
	    sys.exit(f'unexpected events: {bad[:3]}')
	got = len(events)
	# GCRA: a second's worth at once, then one each 1/rate s (the last,
	# after the pause, is one more).
	bound = int(rate * (secs + 1)) + 2
	reported = sum(e['dropped'] for e in events)
	checks = [
	    (got + dropped == total, f'received {got} + dropped {dropped} == counted {total}'),
	    (got <= bound, f'received {got} <= {bound} (rate {rate}, {secs:.1f} s)'),
	    (got >= min(total, rate), f'received {got} >= a burst of {min(total, rate)}'),
	    (total - 1 <= bound or dropped > 0, f'dropped {dropped} > 0 beyond the rate'),
	    (reported == dropped, f'the events report {reported} dropped, GET {dropped}'),
	    (events and events[-1]['dropped'] == dropped - sum(e['dropped'] for e in events[:-1]),
	     'the event after the pause reports the drops since the last one sent'),
	]
	failed = [why for good, why in checks if not good]
	if failed:
	    sys.exit('; '.join(failed))
	print('; '.join(why for _, why in checks))
	PY
); then
	ok "$pod: $out"
else
	fail "$pod: $out"
fi
assert_eq "$peer: events of $pod's connections" "" "$(cat "$WORK/peer.events")"
mr "$pod" reset-counters
assert_eq "$pod: events-dropped after reset-counters" 0 "$(get "$pod" events-dropped)"

pretty "joining the group needs CAP_NET_ADMIN over the namespace"
assert_eq "root joins in $pod" ok "$(n "$pod" "$PYTHON" "$EV" subscribe 2>&1)"
assert_eq "uid $APP_UID joins in $pod" EPERM \
	"$(n "$pod" "${UNPRIV[@]}" "$PYTHON" "$EV" subscribe 2>&1)"
allow_userns
assert_eq "root of a user namespace joins in $pod, owned by the real root" EPERM \
	"$(unchrooted ip netns exec "$pod" "${UNPRIV[@]}" unshare --user --map-root-user \
	   "$PYTHON" "$EV" subscribe 2>&1)"

# In a network namespace of its own: it joins, configures, and its
# connection's event reaches it.
cat >"$WORK/inner.sh" <<'EOF'
ip link set lo up
ip link add v0 type veth peer name v1
ip addr add 192.0.2.2/24 dev v0
ip link set v0 up
ip link set v1 up
"$PYTHON" "$EV" listen "$U/ready" "$U/stop" >"$U/events" 2>&1 &
for i in $(seq 600); do [ -e "$U/ready" ] && break; sleep 0.1; done
"$MR_TOOL" set
"$CONNECT" 192.0.2.1 80 --timeout 5 >/dev/null 2>&1
touch "$U/stop"
wait
cat "$U/events"
EOF
mkdir "$WORK/u"
chown $APP_UID:$APP_UID "$WORK/u"
seen=$(unchrooted "${UNPRIV[@]}" env PYTHON="$PYTHON" EV="$EV" MR_TOOL="$U_TOOL" \
	CONNECT="$U_CONNECT" U="$WORK/u" unshare --user --map-root-user --net \
	bash "$WORK/inner.sh" 2>&1)
want="{\"hook\": 1, \"family\": 2, \"protocol\": 6, \"dst-port\": 80, \"reason\": $R_REDIRECTED_OUTBOUND, \"dropped\": 0}"
assert_eq "root of a user namespace, in its own network namespace: its connection's event" \
	"$want" "$seen"
finish
