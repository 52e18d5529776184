#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# monitor: `meshredir monitor` and the module's events group
# (uapi/linux/meshredir.h, Events):
#
#  - a listener in the pod's namespace sees exactly one event per
#    connection, with its 5-tuple, owner, reason and landing: IPv4 and
#    IPv6, outbound and inbound, a redirect and a pass each; as text and
#    as --json (read back by python3's json); the counters' increments are
#    the events received plus the events dropped;
#  - --reason filters, --count ends it (exit 0), SIGINT and SIGTERM end it
#    (exit 0) with the events received and dropped on stderr;
#  - the rate limit: at --event-rate 5, a flood of 200 connections gives at
#    most rate x elapsed + a second's burst events, the rest dropped and
#    counted, the same number in the monitor's sum and in show;
#  - permissions: an unprivileged user, or root of a user namespace in the
#    pod's namespace, cannot monitor (one clear line; the kernel's own
#    refusal is events.sh's); root of a user namespace that owns a network
#    namespace sees that namespace's events and no other's.
#
# Each flow's source port is chosen (mr-connect --sport), so that its
# events are found by the 5-tuple.

. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-userns.sh"
. "$(dirname "$0")/lib-monitor.sh"

DENIED="permission denied: CAP_NET_ADMIN in the user namespace that owns the network namespace is needed (root, or root of that user namespace)"

# wait_lines FILE N: until FILE has N lines (10 s at most).
wait_lines() {
	local i
	for i in $(seq 200); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 0
}

# counters_sum NS: the sum of every counter of NS, in SUM.
counters_sum() {
	local k
	SUM=0
	read_counters "$1" || { fail "$1 counters: $CTR_ERR"; return 0; }
	for k in "${!CTR[@]}"; do
		SUM=$((SUM + ${CTR[$k]}))
	done
}

# batch FILE: each line of FILE a connection ("ADDR PORT [mr-connect
# args]"), made one after the other; FIRST[i] is the i-th one's first line.
batch() {
	FIRST=()
	"$CONNECT" --batch <"$1" >"$WORK/batch.out" 2>&1
	awk '/^rc=/ { print first; first = ""; next }
		first == "" { first = $0 }' "$WORK/batch.out" >"$WORK/batch.first"
	mapfile -t FIRST <"$WORK/batch.first"
}

# landed LINE: the local= address:port of an mr-server first line.
landed() {
	local re=' local=([^ ]+) '
	[[ $1 =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

setup
user_bin
cd "$WORK"
mr_set "$pod" --exclude-outbound-ports 81 --exclude-inbound-ports 5001

pretty "one event per connection: v4 and v6, out and in, redirect and pass"
# name|where|addr|port|sport|mr-connect args, per family; the expected
# event line is built from the landing seen.
: >"$WORK/flows"
: >"$WORK/batch.in"
sport=20000
for f in 4 6; do
	family $f
	for flow in "out-redirect|pod|$peer_a|80|--uid $APP_UID" "out-pass|pod|$peer_a|81|--uid $APP_UID" \
		"in-redirect|peer|$pod_a|5000|" "in-pass|peer|$pod_a|5001|"; do
		IFS='|' read -r name where addr port args <<<"$flow"
		sport=$((sport + 1))
		[ "$where" = pod ] && ns=$pod || ns=$peer
		echo "$addr $port --netns $ns --sport $sport --timeout 5 $args" >>"$WORK/batch.in"
		echo "v$f|$name|$sport" >>"$WORK/flows"
	done
done
mon_start text "$pod"
mon_start json "$pod" --json --count 8
batch "$WORK/batch.in"
mon_wait json
assert_eq "monitor --json --count 8 ended by itself" "0 8 8 0" "$MON_RC $MON_RECV $MON_SHOWN $MON_DROP"
wait_lines "$WORK/text.log" 8
mon_stop text INT
assert_eq "monitor ended by SIGINT: exit status, events received, shown, dropped" \
	"0 8 8 0" "$MON_RC $MON_RECV $MON_SHOWN $MON_DROP"
assert_eq "monitor: events printed" 8 "$(wc -l <"$WORK/text.log")"

# python3 reads every JSON line back into the text form's fields.
"$PYTHON" -c '
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    fmt = lambda a, p: ("[%s]:%d" if ":" in a else "%s:%d") % (a, p)
    out = [o["direction"], o["protocol"], fmt(o["src"], o["src-port"]), "->",
           fmt(o["dst"], o["dst-port"])]
    if "interface" in o:
        out += ["dev", o["interface"]]
    for k in ("uid", "gid"):
        if k in o:
            out += [k, str(o[k])]
    out.append(o["reason"])
    if "to" in o:
        out += ["to", fmt(o["to"], o["to-port"])]
    print(" ".join(out))
' "$WORK/json.log" >"$WORK/json.txt" 2>"$WORK/json.err.log" ||
	fail "python3 could not read monitor --json's output: $(cat "$WORK/json.err.log")"

i=0
while IFS='|' read -r fam name sport; do
	family "${fam#v}"
	line=${FIRST[i]}
	i=$((i + 1))
	case $name in
	out-redirect)
		check_landing "$fam $name" "$line" sidecar 15001 "$peer_u:80"
		tuple="$pod_u:$sport -> $peer_u:80"
		want="out tcp $tuple uid $APP_UID gid $APP_UID redirected-outbound to $(landed "$line")" ;;
	out-pass)
		check_landing "$fam $name" "$line" remote 81 direct
		tuple="$pod_u:$sport -> $peer_u:81"
		want="out tcp $tuple uid $APP_UID gid $APP_UID excluded-port" ;;
	in-redirect)
		check_landing "$fam $name" "$line" sidecar 15006 "$pod_u:5000"
		tuple="$peer_u:$sport -> $pod_u:5000"
		want="in tcp $tuple dev eth0 redirected-inbound to $(landed "$line")" ;;
	in-pass)
		check_landing "$fam $name" "$line" app 5001 direct
		tuple="$peer_u:$sport -> $pod_u:5001"
		want="in tcp $tuple dev eth0 excluded-port" ;;
	esac
	# The text form without its time, blanks squeezed ("in  tcp").
	seen=$(grep -F " $tuple " "$WORK/text.log" | cut -d' ' -f2- | tr -s ' ' || true)
	assert_eq "$fam $name: exactly one event, as expected" "$want" "$seen"
	seen=$(grep -F " $tuple " "$WORK/json.txt" || true)
	assert_eq "$fam $name: the --json event" "$want" "$seen"
done <"$WORK/flows"
assert_counters "$pod" "local-out:redirected-outbound=2 local-out:excluded-port=2 pre-routing:redirected-inbound=2 pre-routing:excluded-port=2"
counters_sum "$pod"
assert_eq "counter increments == events received + dropped" "$SUM" "$((MON_RECV + MON_DROP))"

pretty "--reason and --count; SIGTERM"
mon_start some "$pod" --reason excluded-port,redirected-inbound --reason passthrough --count 2
# In the pod's namespace by --pid, of the sidecar there.
MON_AT_PID=$(cat "$WORK/sidecar.$pod.pid") mon_start none "$pod" --reason dns-zoned
family 4
cat >"$WORK/batch.in" <<EOF
$PEER4 80 --netns $pod --uid $APP_UID --sport 20101 --timeout 5
$PEER4 81 --netns $pod --uid $APP_UID --sport 20102 --timeout 5
$POD4 5000 --netns $peer --sport 20103 --timeout 5
$POD4 5001 --netns $peer --sport 20104 --timeout 5
EOF
batch "$WORK/batch.in"
mon_wait some
assert_eq "monitor --reason ... --count 2: exit status, events received, shown" \
	"0 3 2" "$MON_RC $MON_RECV $MON_SHOWN"
# The reason is the last word, or the one before "to ADDRESS:PORT".
seen=$(sed 's/ to [^ ]*$//' "$WORK/some.log" | awk '{ print $NF }' | tr '\n' ' ')
assert_eq "monitor --reason ... --count 2: the reasons shown" "excluded-port redirected-inbound " "$seen"
mon_stop none TERM
assert_eq "monitor --pid (the pod's sidecar) --reason dns-zoned ended by SIGTERM: exit status, received, shown, dropped" \
	"0 4 0 0" "$MON_RC $MON_RECV $MON_SHOWN $MON_DROP"
assert_eq "monitor --reason dns-zoned: nothing printed" 0 "$(wc -l <"$WORK/none.log")"

pretty "the rate limit: --event-rate 5, 200 connections"
RATE=5
mr_set "$pod" --exclude-outbound-ports 81 --exclude-inbound-ports 5001 --event-rate $RATE
assert_cmd "reset-counters" mr "$pod" reset-counters
: >"$WORK/batch.in"
for i in $(seq 200); do
	echo "$PEER4 81 --netns $pod --uid $APP_UID --timeout 5" >>"$WORK/batch.in"
done
mon_start flood "$pod"
t0=$(date +%s.%N)
batch "$WORK/batch.in"
# A second later the limit lets one more through, and it carries the count
# of those dropped after the last one sent.
sleep 1.5
echo "$PEER4 81 --netns $pod --uid $APP_UID --sport 20300 --timeout 5" >"$WORK/batch.in"
batch "$WORK/batch.in"
for i in $(seq 200); do
	grep -qF ":20300 " "$WORK/flood.log" && break
	sleep 0.05
done
mon_stop flood INT
t1=$(date +%s.%N)
elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
bound=$(awk -v e="$elapsed" -v r=$RATE 'BEGIN { printf "%d", r * e + r }')
if [ "$MON_RC" = 0 ] && [ -n "$MON_RECV" ] && [ "$MON_RECV" -le "$bound" ]; then
	ok "events received $MON_RECV <= rate $RATE x ${elapsed} s + a second's burst ($bound)"
else
	fail "expected exit 0 and at most $bound events in ${elapsed} s at $RATE/s, seen exit $MON_RC and '$MON_LAST'"
fi
if [ -n "$MON_DROP" ] && [ "$MON_DROP" -gt 0 ]; then
	ok "the monitor reports events dropped by the kernel: $MON_DROP"
else
	fail "expected events dropped > 0, seen '$MON_LAST'"
fi
# Each event sent says how many were dropped since the one before it; the
# one after the pause, let through by the refilled limit, closes the count,
# whether or not the flood's last event was itself sent.
after=$(grep -cF ":20300 " "$WORK/flood.log")
carried=$(grep -oE '\([0-9]+ dropped before\)' "$WORK/flood.log" |
	  awk '{ n += substr($1, 2) } END { print n + 0 }')
if [ "$after" = 1 ] && [ "$carried" -gt 0 ] && [ "$carried" = "$MON_DROP" ]; then
	ok "the event after the pause got through, and the events said the drops before each: $carried in all"
else
	fail "expected the event after the pause, and '(N dropped before)' on the events adding up to $MON_DROP, seen $after such event and $carried"
fi
json=$(mr_json "$pod")
re='"events-dropped": *([0-9]+)'
[[ $json =~ $re ]] && shown=${BASH_REMATCH[1]} || shown="none in show --json"
assert_eq "show's events-dropped is the monitor's sum" "$MON_DROP" "$shown"
re='"event-rate": *([0-9]+)'
[[ $json =~ $re ]] && shown=${BASH_REMATCH[1]} || shown="none in show --json"
assert_eq "show's event-rate" "$RATE" "$shown"
counters_sum "$pod"
assert_eq "counter increments (201 connections) == events received + dropped" \
	"201 201" "$SUM $((MON_RECV + MON_DROP))"
mr_set "$pod" --exclude-outbound-ports 81 --exclude-inbound-ports 5001

pretty "permissions: an unprivileged user cannot subscribe"
rc=0
out=$(n "$pod" "${UNPRIV[@]}" "$U_TOOL" monitor 2>&1) || rc=$?
assert_eq "monitor as uid $APP_UID: exit status and message" "1 meshredir: monitor: $DENIED" "$rc $out"

pretty "permissions: root of a user namespace sees its own namespace's events, no other's"
allow_userns
# The inner script, as root of a new user namespace in a network namespace
# it owns: "key: value" lines. It listens, says so (ready), waits while the
# real root makes connections in $pod (go), then makes its own.
cat >"$WORK/inner.sh" <<'EOF'
ip link set lo up
echo "set: $("$MR_TOOL" set 2>&1 && echo ok)"
"$MR_TOOL" monitor >"$U/mon.out" 2>"$U/mon.err" </dev/null &
mon=$!
for i in $(seq 200); do grep -q listening "$U/mon.err" && break; sleep 0.05; done
: >"$U/ready"
for i in $(seq 400); do [ -e "$U/go" ] && break; sleep 0.05; done
"$CONNECT" 127.0.0.1 9 --sport 20400 --timeout 3 >/dev/null 2>&1
for i in $(seq 200); do [ -s "$U/mon.out" ] && break; sleep 0.05; done
sleep 0.5
kill -INT $mon
wait $mon
echo "monitor-rc: $?"
echo "events: $(cut -d' ' -f2- "$U/mon.out" | tr -s ' ' | tr '\n' '|')"
echo "summary: $(tail -n 1 "$U/mon.err")"
EOF
mkdir "$WORK/u"
chown $APP_UID:$APP_UID "$WORK/u"
unchrooted "${UNPRIV[@]}" env CONNECT="$U_CONNECT" MR_TOOL="$U_TOOL" U="$WORK/u" \
	unshare --user --map-root-user --net bash "$WORK/inner.sh" >"$WORK/inner.log" 2>&1 &
inner=$!
for i in $(seq 400); do
	[ -e "$WORK/u/ready" ] && break
	sleep 0.05
done
[ -e "$WORK/u/ready" ] || fail "the user namespace's monitor did not start: $(cat "$WORK/inner.log")"
mon_start outer "$pod"
cat >"$WORK/batch.in" <<EOF
$PEER4 80 --netns $pod --uid $APP_UID --sport 20401 --timeout 5
127.0.0.1 9 --netns $pod --sport 20402 --timeout 5
EOF
batch "$WORK/batch.in"
wait_lines "$WORK/outer.log" 2
: >"$WORK/u/go"
wait "$inner" || fail "the script in a new user and network namespace failed: $(cat "$WORK/inner.log")"
mon_stop outer INT
assert_eq "$pod's own monitor saw its 2 connections" "0 2" "$MON_RC $MON_RECV"
inner() { sed -n "s/^$1: //p" "$WORK/inner.log"; }
assert_eq "user namespace root: set in its own network namespace" ok "$(inner set)"
assert_eq "user namespace root: monitor there ended by SIGINT" 0 "$(inner monitor-rc)"
assert_eq "user namespace root: exactly its own connection's event, none of $pod's" \
	"out tcp 127.0.0.1:20400 -> 127.0.0.1:9 uid 0 gid 0 loopback|" "$(inner events)"
rc=0
out=$(unchrooted ip netns exec "$pod" "${UNPRIV[@]}" unshare --user --map-root-user \
	"$U_TOOL" monitor 2>&1) || rc=$?
assert_eq "monitor in $pod as root of a user namespace (uid $APP_UID outside)" \
	"1 meshredir: monitor: $DENIED" "$rc $out"
finish
