#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl: the kernel's own YNL client, tools/net/ynl/cli.py of Linux 6.12 (the
# tree tests/release/ynl/tree unpacked on the host), driven by uapi/meshredir.yaml
# alone, configures and reads meshredir as the meshredir tool does: what
# cli.py SETs, `meshredir show --json` shows and the packet path applies;
# what `meshredir set` configures, cli.py's GET reports, counters included;
# errors come back with their extended-ack messages; GET's dump, merged,
# is GET's reply; RESET_COUNTERS and DEL work from the spec too; and
# `cli.py --subscribe events` receives an event for each connection its
# namespace classifies, and none of another namespace's.

. "$(dirname "$0")/lib.sh"
setup

YNL_TREE=$("$MR_REPO/tests/release/ynl/tree" --no-extract) || exit 1
SPEC=$MR_REPO/uapi/meshredir.yaml

# ynl NS ARGS...: cli.py in namespace NS; sets YOUT (its output) and YRC.
# The first call has cli.py check the spec against the kernel's schema;
# later ones skip it: jsonschema doubles cli.py's start-up, which counts
# under TCG (tests/release/ynl/check validates the spec on the host as well).
YNL_SCHEMA=(--schema "$YNL_TREE/Documentation/netlink/genetlink-legacy.yaml")
ynl() {
	local ns=$1
	shift
	YRC=0
	n "$ns" "$PYTHON" "$YNL_TREE/tools/net/ynl/cli.py" --spec "$SPEC" "${YNL_SCHEMA[@]}" \
		--output-json "$@" >"$WORK/ynl.out" 2>&1 || YRC=$?
	YOUT=$(<"$WORK/ynl.out")
	YNL_SCHEMA=(--no-schema)
}

# assert_ynl_fails DESC ERRNO-TEXT EXTACK-TEXT: the last ynl call failed
# with that errno and, unless empty, that extended-ack message (which
# Python quotes with ' or ", whichever it does not hold).
assert_ynl_fails() {
	local desc=$1 errno=$2 msg=$3
	if [ "$YRC" != 0 ] && [[ $YOUT == *"Netlink error: $errno"* ]] &&
	   { [ -z "$msg" ] || [[ $YOUT == *"'msg': "?"$msg"?"}"* ]]; }; then
		ok "$desc: $errno${msg:+, \"$msg\"}"
	else
		fail "$desc: expected 'Netlink error: $errno'${msg:+ and '$msg'}, seen (exit $YRC) '${YOUT//$'\n'/ | }'"
	fi
}

# assert_ynl_ok DESC: the last ynl call succeeded.
assert_ynl_ok() {
	if [ "$YRC" = 0 ]; then
		ok "$1"
	else
		fail "$1: cli.py exited $YRC: ${YOUT//$'\n'/ | }"
	fi
}

# assert_text DESC WANT SEEN: two texts are equal.
assert_text() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1: expected"$'\n'"$2"$'\n'"seen"$'\n'"$3"
	fi
}

# counters_json LOCAL-OUT PRE-ROUTING: the counters nest as cli.py prints
# it; each argument is the nineteen values in the uapi's reason order.
counters_json() {
	local h vals out='' i sep
	for h in local-out pre-routing; do
		[ $h = local-out ] && vals=($1) || vals=($2)
		out+="${out:+, }\"$h\": {"
		sep=''
		for i in "${!REASONS[@]}"; do
			out+="$sep\"${REASONS[$i]}\": ${vals[$i]}"
			sep=', '
		done
		out+='}'
	done
	echo "\"counters\": {$out}"
}

pretty "cli.py before any SET"
ynl "$pod" --do get
assert_ynl_fails "cli.py --do get in an unconfigured namespace" \
	"No such file or directory" "not configured in this network namespace"
ynl "$pod" --do set --json '{"outbound": {"port": 15001}}'
assert_ynl_fails "cli.py --do set without an owner" "Invalid argument" \
	"owner-uids: the proxy's UID or GID is needed, or its own connections would loop back to it"
assert_not_configured "$pod" "after the rejected cli.py SET"

# assert_ynl_policy DESC ERRNO-TEXT MSG PATH: the last ynl call failed with
# that errno, the extended-ack message MSG and the offset of the attribute
# at PATH.
assert_ynl_policy() {
	local desc=$1 errno=$2 msg=$3 path=$4
	if [ "$YRC" != 0 ] && [[ $YOUT == *"Netlink error: $errno"* ]] &&
	   [[ $YOUT == *"'msg': '$msg'"* ]] && [[ $YOUT == *"'bad-attr': '$path'"* ]]; then
		ok "$desc: $errno, \"$msg\" at $path"
	else
		fail "$desc: expected '$errno', '$msg' at $path, seen (exit $YRC) '${YOUT//$'\n'/ | }'"
	fi
}

# A value out of its policy's bounds: inside a nest, EINVAL and the nest's
# name; at the top level, genetlink's own ERANGE and reason.
ynl "$pod" --do set --json '{"owner-uids": {"entry": [{"first": 5678}]}, "outbound": {"port": 0}}'
assert_ynl_policy "cli.py --do set with outbound port 0" "Invalid argument" \
	"outbound: malformed attribute" .outbound.port
ynl "$pod" --do set --json '{"owner-uids": {"entry": [{"first": 5678}]}, "drop-invalid-packets": 2}'
assert_ynl_policy "cli.py --do set with drop-invalid-packets 2" \
	"Numerical result out of range" "integer out of range" .drop-invalid-packets
ynl "$pod" --do set --json '{"owner-uids": {"entry": [{"first": 5678}]}, "event-rate": 0}'
assert_ynl_policy "cli.py --do set with event-rate 0" \
	"Numerical result out of range" "integer out of range" .event-rate
ynl "$pod" --do set --json '{"owner-uids": {"entry": [{"first": 5678}]}, "event-rate": 1000001}'
assert_ynl_policy "cli.py --do set with event-rate 1000001" \
	"Numerical result out of range" "integer out of range" .event-rate
ynl "$pod" --do set --json '{"owner-uids": {"entry": [{"first": 5678}]}, "events-dropped": 5}'
assert_ynl_policy "cli.py --do set with events-dropped" \
	"Invalid argument" "events-dropped: read-only, in GET replies only" .events-dropped
# The dns docker list: a bad entry, and one too many, named by the message.
ynl "$pod" --do set --json '{"owner-uids": {"entry": [{"first": 5678}]},
	"dns": {"capture-all": 1, "docker": {"entry": [{"family": 99, "addr": "7f00000b", "prefix-len": 32}]}}}'
assert_ynl_policy "cli.py --do set with a dns docker entry of family 99" \
	"Address family not supported by protocol" \
	"dns.docker: family must be AF_INET or AF_INET6" .dns.docker.entry
entries=$(for i in $(seq 1 17); do printf '{"family": 2, "addr": "7f0000%02x", "prefix-len": 32},' $((2 * i)); done)
ynl "$pod" --do set --json "{\"owner-uids\": {\"entry\": [{\"first\": 5678}]},
	\"dns\": {\"capture-all\": 1, \"docker\": {\"entry\": [${entries%,}]}}}"
assert_ynl_policy "cli.py --do set with 17 dns docker entries" "Argument list too long" \
	"dns.docker: too many entries" .dns.docker.entry
# The zone split: a mask of the two families.
ynl "$pod" --do set --json '{"owner-uids": {"entry": [{"first": 5678}]}, "dns": {"zone-split": 4}}'
assert_ynl_policy "cli.py --do set with dns zone-split 4" "Invalid argument" \
	"dns: malformed attribute" .dns.zone-split
assert_not_configured "$pod" "after the cli.py SETs out of bounds"

pretty "cli.py SETs a configuration"
ynl "$pod" --do set --json '{
	"ip-family-mode": "dualstack",
	"owner-uids": {"entry": [{"first": 5678}]},
	"owner-gids": {"entry": [{"first": 5679, "last": 5680}]},
	"inbound": {"port": 15006,
		"exclude-ports": {"entry": [{"first": 5003}]},
		"exclude-ips": {"entry": [{"family": 2, "addr": "c6336401", "prefix-len": 24}]}},
	"outbound": {"enabled": 1, "port": 15001,
		"exclude-ports": {"entry": [{"first": 81}, {"first": 5000, "last": 5001}]},
		"exclude-ips": {"entry": [
			{"family": 2, "addr": "c6336401"},
			{"family": 10, "addr": "20010db8000100000000000000000001", "prefix-len": 128}]},
		"exclude-ports-for-uids": {"entry": [
			{"ports": {"entry": [{"first": 82}]}, "uids": {"first": 4242, "last": 4243}}]}},
	"event-rate": 250}'
assert_ynl_ok "cli.py --do set in $pod"

want='{
  "configured": true,
  "ip-family-mode": "dualstack",
  "owner-uids": [{"first": 5678, "last": 5678}],
  "owner-gids": [{"first": 5679, "last": 5680}],
  "inbound": {
    "enabled": true,
    "port": 15006,
    "exclude-ports": [{"first": 5003, "last": 5003}],
    "include-ports": [],
    "exclude-ips": ["198.51.100.0/24"]
  },
  "outbound": {
    "enabled": true,
    "port": 15001,
    "exclude-ports": [{"first": 81, "last": 81}, {"first": 5000, "last": 5001}],
    "include-ports": [],
    "exclude-ips": ["198.51.100.1/32", "2001:db8:1::1/128"],
    "exclude-ports-for-uids": [
      {"protocol": "tcp", "ports": [{"first": 82, "last": 82}], "uids": {"first": 4242, "last": 4243}}
    ]
  },
  "drop-invalid-packets": false,
  "dns": {"enabled": false, "docker": []},
  "event-rate": 250,
  "events-dropped": 0
}'
json=$(mr_json "$pod" 2>&1) || true
assert_text "meshredir show --json shows what cli.py set" "$want" \
	"${json%%,$'\n'  \"counters\"*}"$'\n}'

pretty "the packet path applies what cli.py set"
assert_lands "$pod" $PEER4 80 "sidecar@127.0.0.1:15001" 15001 "$PEER4:80" --uid $APP_UID
assert_lands "$pod" $PEER4 82 sidecar 15001 "$PEER4:82" --uid $APP_UID
assert_lands "$pod" $PEER6 83 "sidecar@[::1]:15001" 15001 "[$PEER6]:83" --uid $APP_UID
assert_lands "$pod" $PEER4 81 remote 81 direct --uid $APP_UID
assert_lands "$pod" $PEER4 5000 remote 5000 direct --uid $APP_UID
assert_lands "$pod" $OTHER4 80 remote 80 direct --uid $APP_UID
assert_lands "$pod" $OTHER6 80 remote 80 direct --uid $APP_UID
assert_lands "$pod" $PEER4 82 remote 82 direct --uid 4242
assert_lands "$pod" $PEER4 80 remote 80 direct --uid $PROXY_UID
assert_lands "$pod" $PEER4 80 remote 80 direct --uid 4242 --gid 5680
assert_lands "$peer" $POD4 5000 "sidecar@$POD4:15006" 15006 "$POD4:5000"
assert_lands "$peer" $POD4 5003 app 5003 direct
assert_lands "$peer" $POD4 5000 app 5000 direct --src $OTHER4
want="local-out:redirected-outbound=3 local-out:excluded-port=2 local-out:excluded-ip=2"
want+=" local-out:excluded-port-for-uid=1 local-out:proxy-owner=2"
want+=" pre-routing:redirected-inbound=1 pre-routing:excluded-port=1 pre-routing:excluded-ip=1"
assert_counters "$pod" "$want"

pretty "cli.py's GET reads back the configuration and the counters"
ynl "$pod" --do get
assert_ynl_ok "cli.py --do get in $pod"
want='{"ip-family-mode": "dualstack", "owner-uids": {"entry": [{"first": 5678}]}, '
want+='"owner-gids": {"entry": [{"first": 5679, "last": 5680}]}, '
want+='"inbound": {"enabled": 1, "port": 15006, "exclude-ports": {"entry": [{"first": 5003}]}, '
want+='"exclude-ips": {"entry": [{"family": 2, "addr": "c6336400", "prefix-len": 24}]}}, '
want+='"outbound": {"enabled": 1, "port": 15001, '
want+='"exclude-ports": {"entry": [{"first": 81}, {"first": 5000, "last": 5001}]}, '
want+='"exclude-ips": {"entry": [{"family": 2, "addr": "c6336401", "prefix-len": 32}, '
want+='{"family": 10, "addr": "20010db8000100000000000000000001", "prefix-len": 128}]}, '
want+='"exclude-ports-for-uids": {"entry": [{"ports": {"entry": [{"first": 82}]}, '
want+='"uids": {"first": 4242, "last": 4243}, "protocols": 1}]}}, '
want+='"drop-invalid-packets": 0, '
want+="$(counters_json "0 3 2 1 2 2 0 0 0 0 0 0 0 0 0 0 0 0 0" "1 0 1 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0"), "
want+='"event-rate": 250, "events-dropped": 0}'
assert_text "cli.py --do get: the configuration set and every counter" "$want" "$YOUT"

# The dump: the scalars and counters first, then the lists; each list
# concatenated over the messages gives the do's reply.
echo "$YOUT" >"$WORK/do.json"
ynl "$pod" --dump get
assert_ynl_ok "cli.py --dump get in $pod"
echo "$YOUT" >"$WORK/dump.json"
if out=$("$PYTHON" - "$WORK/do.json" "$WORK/dump.json" 2>&1 <<-'PY'
	import json, sys
	do, dump = (json.load(open(f)) for f in sys.argv[1:])
	def merge(into, msg):
	    for k, v in msg.items():
	        if isinstance(v, dict) and 'entry' in v:
	            into.setdefault(k, {'entry': []})['entry'] += v['entry']
	        elif isinstance(v, dict) and k != 'counters':
	            merge(into.setdefault(k, {}), v)
	        else:
	            into[k] = v
	first = dump[0]
	lists = [k for k, v in first.items() if isinstance(v, dict) and 'entry' in v]
	lists += [f'{d}.{k}' for d in ('inbound', 'outbound')
	          for k, v in first.get(d, {}).items() if isinstance(v, dict)]
	if lists or 'counters' not in first:
	    sys.exit(f'first message: lists {lists}, counters: {"counters" in first}')
	merged = {}
	for msg in dump:
	    merge(merged, msg)
	if merged != do:
	    sys.exit(f'merged dump {merged} != do {do}')
	print(f'{len(dump)} messages')
	PY
); then
	ok "cli.py --dump get: scalars and counters first, then the lists; merged, the do's reply ($out)"
else
	fail "cli.py --dump get: $out"
fi

ynl "$pod" --do reset-counters
assert_ynl_ok "cli.py --do reset-counters in $pod"
assert_counters "$pod" ""

pretty "cli.py's GET reports what meshredir set configured"
mrns=$ID-mr
new_ns "$mrns"
mr_set "$mrns" --ip-family-mode ipv4 --redirect-inbound=false --include-inbound-ports 80,8080 \
	--redirect-outbound-port 15101 --exclude-outbound-ports 443,8000-8010,8005-8020 \
	--exclude-outbound-ips 203.0.113.7/24,2001:db8:2::/48 --owner-gid 0 \
	--exclude-outbound-ports-for-uids tcp:53,5353:1000-1001 --event-rate 77
ynl "$mrns" --do get
assert_ynl_ok "cli.py --do get in $mrns"
want='{"ip-family-mode": "ipv4", "owner-uids": {"entry": [{"first": 5678}]}, '
want+='"owner-gids": {"entry": [{"first": 0}]}, '
want+='"inbound": {"enabled": 0, "port": 15006, "include-ports": {"entry": [{"first": 80}, {"first": 8080}]}}, '
want+='"outbound": {"enabled": 1, "port": 15101, '
want+='"exclude-ports": {"entry": [{"first": 443}, {"first": 8000, "last": 8020}]}, '
want+='"exclude-ips": {"entry": [{"family": 2, "addr": "cb007100", "prefix-len": 24}, '
want+='{"family": 10, "addr": "20010db8000200000000000000000000", "prefix-len": 48}]}, '
want+='"exclude-ports-for-uids": {"entry": [{"ports": {"entry": [{"first": 53}, {"first": 5353}]}, '
want+='"uids": {"first": 1000, "last": 1001}, "protocols": 1}]}}, '
want+='"drop-invalid-packets": 0, '
want+="$(counters_json "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0" "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"), "
want+='"event-rate": 77, "events-dropped": 0}'
assert_text "cli.py --do get: what meshredir set configured" "$want" "$YOUT"

ynl "$mrns" --do del
assert_ynl_ok "cli.py --do del in $mrns"
assert_not_configured "$mrns" "after cli.py's DEL"
assert_counters "$pod" ""	# the other namespace keeps its configuration

pretty "cli.py --subscribe events: one event per connection, to its namespace only"
# listen NS NAME: cli.py in NS, subscribed to the events group for
# EVENT_WAIT seconds, then printing what it received to $WORK/NAME.json.
# ip execs cli.py, so $! is cli.py's PID.
EVENT_WAIT=10
LISTENERS=()
listen() {
	ip netns exec "$1" "$PYTHON" "$YNL_TREE/tools/net/ynl/cli.py" --spec "$SPEC" --no-schema \
		--output-json --subscribe events --sleep $EVENT_WAIT >"$WORK/$2.json" 2>&1 &
	LISTENERS+=($!)
}
# asleep PID: waits until PID sleeps in clock_nanosleep or nanosleep (its
# --sleep, which begins once it has subscribed); false after 120 s.
asleep() {
	local nr i
	for ((i = 0; i < 1200; i++)); do
		read -r nr _ <"/proc/$1/syscall" 2>/dev/null || return 1
		case $nr in 230 | 35) return 0 ;; esac
		sleep 0.1
	done
	return 1
}
pretty "the dns docker list and IPv6's zone split, set by cli.py, read back by GET and show"
ynl "$peer" --do set --json '{"owner-uids": {"entry": [{"first": 5678}]},
	"dns": {"capture-all": 1, "zone-split": 2, "docker": {"entry": [{"family": 2, "addr": "7f00000b", "prefix-len": 32}]}}}'
assert_ynl_ok "cli.py --do set with a dns docker entry in $peer"
ynl "$peer" --do get
want='"dns": {"port": 15053, "capture-all": 1, "zone-split": 2, '
want+='"docker": {"entry": [{"family": 2, "addr": "7f00000b", "prefix-len": 32}]}}'
if [[ $YOUT == *"$want"* ]]; then
	ok "cli.py --do get in $peer: $want"
else
	fail "cli.py --do get in $peer: expected '$want' in '${YOUT//$'\n'/ | }'"
fi
assert_text "meshredir show in $peer: the docker line" "  docker: 127.0.0.11/32" \
	"$(mr "$peer" show 2>&1 | grep '^  docker: ')"
assert_text "meshredir show in $peer: the zone split line" "  conntrack-zone-split: ipv6" \
	"$(mr "$peer" show 2>&1 | grep '^  conntrack-zone-split: ')"
mr "$peer" flush

listen "$pod" events-pod
listen "$peer" events-peer
for pid in "${LISTENERS[@]}"; do
	asleep "$pid" || fail "cli.py --subscribe events ($pid) never reached its --sleep"
done
assert_lands "$pod" $PEER4 80 "sidecar@127.0.0.1:15001" 15001 "$PEER4:80" --uid $APP_UID --gid 1001
assert_lands "$peer" $POD4 5000 "sidecar@$POD4:15006" 15006 "$POD4:5000"
wait "${LISTENERS[@]}" || true
assert_counters "$pod" "local-out:redirected-outbound=1 pre-routing:redirected-inbound=1"
eth0=$(n "$pod" cat /sys/class/net/eth0/ifindex)
# The pod's: its outbound connection, then the peer's inbound one, with
# every attribute (the source ports, the kernel's choice, only present).
want='[{"name": "event", "msg": {"hook": 1, "family": 2, "protocol": 6, '
want+='"src-addr": "c0000202", "dst-addr": "c0000201", "reason": 2, "dst-port": 80, '
want+='"uid": 1000, "gid": 1001, "to-addr": "7f000001", "to-port": 15001}}, '
want+='{"name": "event", "msg": {"hook": 2, "family": 2, "protocol": 6, '
want+='"src-addr": "c0000201", "dst-addr": "c0000202", "reason": 1, "dst-port": 5000, '
want+="\"to-addr\": \"c0000202\", \"to-port\": 15006, \"ifindex\": $eth0}}]"
seen=$("$PYTHON" - "$WORK/events-pod.json" 2>&1 <<-'PY' || true
	import json, sys
	text = open(sys.argv[1]).read()
	try:
	    events = json.loads(text)
	except ValueError:
	    sys.exit(f'not JSON: {text!r}')
	for e in events:
	    m = e.get('msg', {})
	    if not isinstance(m.pop('src-port', None), int):
	        sys.exit(f'an event without its src-port: {e}')
	print(json.dumps(events))
	PY
)
assert_text "cli.py --subscribe events in $pod: both connections, every attribute" "$want" "$seen"
assert_text "cli.py --subscribe events in $peer: nothing of $pod's" "[]" "$(<"$WORK/events-peer.json")"
finish
