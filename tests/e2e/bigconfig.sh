#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bigconfig: a configuration far bigger than one netlink message, as the
# benchmark sets it: 10,000 excluded ports, 10,000 IPv4 and 10,000 IPv6
# CIDRs in each direction. `meshredir set` sends it as a SET in parts and
# `show --json` reads it back with a GET dump, exactly; the last entry of
# each list excludes its flow, a flow matching none is redirected. Then the
# protocol's edges, with raw netlink (nl-steps.py): a SET whose last part is
# refused, or a part out of sequence, changes nothing; a SET pending from
# one socket makes a SET from any other fail with EBUSY and is discarded by
# closing its socket, by DEL, and by rmmod (kmemleak on the debug kernel
# would report it otherwise), and no longer holds the namespace once idle
# for 5 s; the parts' lists add up; genetlink refuses a non-zero reserved
# header byte and unknown nlmsg_flags on every command; a GET without dump
# answers up to a nest's 64 KiB exactly, and beyond (the big configuration
# too) fails with EMSGSIZE and says to dump; a dump gives the configuration
# it started with, whatever SET or DEL comes between its messages.

. "$(dirname "$0")/lib.sh"
setup

STEPS=("$PYTHON" "$E2E/helpers/nl-steps.py")
N=10000

# The flows' servers beyond the standard ones: on the last excluded ports.
start_server "$peer" high 65001
start_server "$pod" apphigh 65003

pretty "a configuration of $N ports, IPv4 and IPv6 CIDRs a direction"
# One flag a line; an argument holds 128 KiB at most, so the IPv6 CIDRs
# come in two flags, which add up. Each list ends with its tested entry.
"$PYTHON" - "$N" >"$WORK/flags" <<-'PY'
	import sys
	n = int(sys.argv[1])
	def v4(i):
	    return f'10.{i >> 15 & 255}.{i >> 7 & 255}.{(i & 127) * 2}'
	def v6(i):
	    return f'2001:db8:0:1::{2 * i:x}'
	out_ports = [str(30001 + 2 * i) for i in range(n - 1)] + ['65001']
	in_ports = [str(1 + 2 * i) for i in range(n - 1)] + ['65003']
	ips4 = [v4(i) for i in range(n - 1)] + ['198.51.100.1']
	ips6 = [v6(i) for i in range(n - 1)] + ['2001:db8:1::1']
	for d, ports in (('outbound', out_ports), ('inbound', in_ports)):
	    print(f'--exclude-{d}-ports=' + ','.join(ports))
	    print(f'--exclude-{d}-ips=' + ','.join(ips4))
	    print(f'--exclude-{d}-ips=' + ','.join(ips6[:n // 2]))
	    print(f'--exclude-{d}-ips=' + ','.join(ips6[n // 2:]))
	PY
mapfile -t FLAGS <"$WORK/flags"
# ms: milliseconds since the epoch.
ms() { echo $(($(date +%s%N) / 1000000)); }
start=$(ms)
mr_set "$pod" "${FLAGS[@]}" && ok "meshredir set of $((6 * N)) entries, in parts: $(($(ms) - start)) ms"

# check_json DESC FILE: show --json (in FILE) holds exactly the lists set.
check_json() {
	local out
	if out=$("$PYTHON" - "$N" "$2" 2>&1 <<-'PY'
		import ipaddress, json, sys
		n, cfg = int(sys.argv[1]), json.load(open(sys.argv[2]))
		def v4(i):
		    return f'10.{i >> 15 & 255}.{i >> 7 & 255}.{(i & 127) * 2}'
		def v6(i):
		    return f'2001:db8:0:1::{2 * i:x}'
		want_ips = sorted([ipaddress.ip_network(v4(i)) for i in range(n - 1)] +
		                  [ipaddress.ip_network('198.51.100.1')], key=str)
		want_ips += sorted([ipaddress.ip_network(v6(i)) for i in range(n - 1)] +
		                   [ipaddress.ip_network('2001:db8:1::1')], key=str)
		want_ips = sorted(want_ips, key=lambda a: (a.version, a))
		want_ports = {
		    'outbound': [30001 + 2 * i for i in range(n - 1)] + [65001],
		    'inbound': [1 + 2 * i for i in range(n - 1)] + [65003],
		}
		bad = []
		for d in ('inbound', 'outbound'):
		    seen = cfg[d]['exclude-ports']
		    ports = [p['first'] for p in seen if p['first'] == p['last']]
		    if len(seen) != n or ports != want_ports[d]:
		        bad.append(f'{d} exclude-ports: {len(seen)} entries, '
		                   f'first {seen[:1]}, last {seen[-1:]}')
		    ips = [ipaddress.ip_network(a) for a in cfg[d]['exclude-ips']]
		    if ips != want_ips:
		        bad.append(f'{d} exclude-ips: {len(ips)} entries, first '
		                   f'{[str(a) for a in ips[:2]]}, last {[str(a) for a in ips[-2:]]}')
		    if cfg[d]['include-ports']:
		        bad.append(f'{d} include-ports: {cfg[d]["include-ports"][:3]}')
		if cfg['owner-uids'] != [{'first': 5678, 'last': 5678}]:
		    bad.append(f'owner-uids: {cfg["owner-uids"]}')
		if bad:
		    sys.exit('; '.join(bad))
		print(f'{n} ports, {n} IPv4 and {n} IPv6 CIDRs a direction, '
		      f'outbound ports {want_ports["outbound"][0]}..{want_ports["outbound"][-1]}, '
		      f'IPv6 up to {want_ips[-1]}')
		PY
	); then
		ok "$1: $out"
	else
		fail "$1: $out"
	fi
}

start=$(ms)
mr_json "$pod" >"$WORK/big.json"
ok "meshredir show --json, from a GET dump: $(($(ms) - start)) ms"
check_json "show --json gives back every entry set" "$WORK/big.json"

pretty "the last entry of each list excludes its flow; a flow matching none is redirected"
assert_lands "$pod" $PEER4 65001 high 65001 direct --uid $APP_UID
assert_lands "$pod" $OTHER4 80 remote 80 direct --uid $APP_UID
assert_lands "$pod" $OTHER6 80 remote 80 direct --uid $APP_UID
assert_lands "$pod" $PEER4 80 "sidecar@127.0.0.1:15001" 15001 "$PEER4:80" --uid $APP_UID
assert_lands "$pod" $PEER6 80 "sidecar@[::1]:15001" 15001 "[$PEER6]:80" --uid $APP_UID
assert_lands "$peer" $POD4 65003 apphigh 65003 direct
assert_lands "$peer" $POD4 5000 app 5000 direct --src $OTHER4
assert_lands "$peer" $POD6 5000 app 5000 direct --src $OTHER6
assert_lands "$peer" $POD4 5000 "sidecar@$POD4:15006" 15006 "$POD4:5000"
assert_lands "$peer" $POD6 5000 "sidecar@[$POD6]:15006" 15006 "[$POD6]:5000"
want="local-out:redirected-outbound=2 local-out:excluded-port=1 local-out:excluded-ip=2"
want+=" pre-routing:redirected-inbound=2 pre-routing:excluded-port=1 pre-routing:excluded-ip=2"
assert_counters "$pod" "$want"

# steps NS STEP...: nl-steps.py in NS; its output in $STEPS_OUT.
steps() {
	local ns=$1
	shift
	STEPS_OUT=$(n "$ns" "${STEPS[@]}" "$@" 2>&1) || true
}

# hold NS STEP...: nl-steps.py in NS in the background, until it has done
# the step touch:$WORK/held; release lets it past wait:$WORK/go, waits for
# it to end and puts what it printed in $STEPS_OUT.
hold() {
	local ns=$1
	shift
	rm -f "$WORK/held" "$WORK/go"
	n "$ns" "${STEPS[@]}" "$@" >"$WORK/holder.log" 2>&1 &
	holder=$!
	for _ in $(seq 600); do [ -e "$WORK/held" ] && break; sleep 0.1; done
}
release() {
	touch "$WORK/go"
	wait "$holder" || true
	STEPS_OUT=$(<"$WORK/holder.log")
}

# assert_steps DESC WANT: the last steps printed exactly WANT (lines).
assert_steps() {
	if [ "$STEPS_OUT" = "$2" ]; then
		ok "$1: ${2//$'\n'/ | }"
	else
		fail "$1: expected '${2//$'\n'/ | }', seen '${STEPS_OUT//$'\n'/ | }'"
	fi
}

# assert_same DESC: show --json is what it was in $WORK/before.json.
assert_same() {
	mr_json "$pod" >"$WORK/after.json"
	if cmp -s "$WORK/before.json" "$WORK/after.json"; then
		ok "$1: the configuration is unchanged"
	else
		fail "$1: the configuration changed: $(diff "$WORK/before.json" "$WORK/after.json" | head -n 10)"
	fi
}

pretty "a GET without dump: too big for one message"
steps "$pod" get
assert_steps "GET (do) of the big configuration" \
	"get: EMSGSIZE: the configuration is too large for one message: dump it (NLM_F_DUMP), as meshredir show does"

pretty "a SET whose last part is refused, or a part out of sequence, changes nothing"
esrch="set-part: not the next part of a SET in parts from this socket (a part was refused or lost, DEL came between, or it was idle 5 s and another socket's SET discarded it); start again from part 0"
mr_json "$pod" >"$WORK/before.json"
steps "$pod" set:0:more set:1:more set:2:bad set:3
assert_steps "parts 0 and 1, part 2 refused, then part 3" "set 0: 0
set 1: 0
set 2: EINVAL: outbound.exclude-ips: prefix-len exceeds 32
set 3: ESRCH: $esrch"
assert_same "after the refused last part"
steps "$pod" set:0:more set:2
assert_steps "part 2 after part 0" "set 0: 0
set 2: ESRCH: $esrch"
assert_same "after the part out of sequence"
steps "$pod" set:1
assert_steps "part 1 first" "set 1: ESRCH: $esrch"
assert_same "after a part 1 that continues nothing"

# assert_ports_uids WANT OK FAIL: show --json's outbound exclude-ports and
# owner-uids, as Python prints them, are WANT; OK and FAIL say what is
# checked.
assert_ports_uids() {
	mr_json "$pod" >"$WORK/parts.json"
	"$PYTHON" -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["outbound"]["exclude-ports"], c["owner-uids"])' \
		"$WORK/parts.json" >"$WORK/parts.txt" 2>&1 || true
	if [ "$(<"$WORK/parts.txt")" = "$1" ]; then
		ok "$2: exclude-outbound-ports $(<"$WORK/parts.txt")"
	else
		fail "$3: expected '$1', seen '$(<"$WORK/parts.txt")'"
	fi
}

pretty "a SET pending from one socket: a SET from another fails with EBUSY"
busy="set: another socket's SET in parts is pending in this network namespace; try again when it is done"
hold "$pod" set:0:more touch:"$WORK/held" wait:"$WORK/go" set:1
rc=0
err=$(mr "$pod" set --exclude-outbound-ports 7 2>&1) || rc=$?
if [ "$rc" = 1 ] && [ "$err" = "meshredir: kernel: $busy" ]; then
	ok "meshredir set meanwhile: exit 1: $err"
else
	fail "meshredir set meanwhile: expected exit 1 and 'meshredir: kernel: $busy', seen exit $rc: '$err'"
fi
steps "$pod" set:0
assert_steps "another socket's SET meanwhile" "set 0: EBUSY: $busy"
assert_same "while a SET is pending"
release
assert_steps "the pending SET's last part" "set 0: 0
set 1: 0"
assert_ports_uids "[{'first': 40000, 'last': 40001}] [{'first': 5678, 'last': 5678}]" \
	"the two parts' lists added up" "the two parts' lists"
steps "$pod" get
case $STEPS_OUT in
"get: 0 "*) ok "GET (do) of a small configuration: ${STEPS_OUT#get: 0 } bytes" ;;
*) fail "GET (do) of a small configuration: '$STEPS_OUT'" ;;
esac

pretty "genetlink checks the header: a reserved byte or an unknown flag is refused"
mr_json "$pod" >"$WORK/before.json"
steps "$pod" hdr:get:0 hdr:get:1 hdr:get:256 hdr:set:1 hdr:del:1 hdr:reset-counters:1 \
	hdr:get:0:400 hdr:del:0:100 hdr:set:0:800
reserved="EINVAL: genlmsghdr.reserved field is not 0"
flags="EINVAL: ambiguous or reserved bits set in nlmsg_flags"
assert_steps "GET, SET, DEL and RESET_COUNTERS with a reserved byte or NLM_F_CREATE, _ROOT, _APPEND" \
	"hdr get 0 0x0: 0
hdr get 1 0x0: $reserved
hdr get 256 0x0: $reserved
hdr set 1 0x0: $reserved
hdr del 1 0x0: $reserved
hdr reset-counters 1 0x0: $reserved
hdr get 0 0x400: $flags
hdr del 0 0x100: $flags
hdr set 0 0x800: $flags"
assert_same "after the refused headers"

pretty "a SET in parts idle for 5 s no longer holds the namespace"
# Socket a begins a SET and stalls; socket b's SET is refused at once and
# 3 s on, and discards a's after the 5 s bound; a's next part then fails.
steps "$pod" set:0:more sock:b set:0 sleep:3 set:0 sleep:3 set:0 sock:a set:1
assert_steps "b's SET while a's waits 0, 3 and 6 s, then a's next part" "set 0: 0
set 0: EBUSY: $busy
set 0: EBUSY: $busy
set 0: 0
set 1: ESRCH: $esrch"
assert_ports_uids "[{'first': 40000, 'last': 40000}] [{'first': 5678, 'last': 5678}]" \
	"b's SET is the configuration" "after b's SET"

pretty "a GET without dump is sized once: up to a nest's 64 KiB, then 'dump it'"
# OUTBOUND holds ENABLED and PORT (8 bytes each), EXCLUDE_PORTS, and 12
# bytes a single port: 4 + 16 + 4 + 12 * 5459 = 65532 fits nla_len, 5460 not.
steps "$pod" set-ports:5459 get
case $STEPS_OUT in
"set-ports 5459: 0"$'\n'"get: 0 "*) ok "5459 ports, a 65532-byte OUTBOUND: GET (do) answers: ${STEPS_OUT#*get: 0 } bytes" ;;
*) fail "5459 ports, a 65532-byte OUTBOUND: expected a GET reply, seen '${STEPS_OUT//$'\n'/ | }'" ;;
esac
steps "$pod" set-ports:5460 get
assert_steps "5460 ports, a 65544-byte OUTBOUND" "set-ports 5460: 0
get: EMSGSIZE: the configuration is too large for one message: dump it (NLM_F_DUMP), as meshredir show does"
mr_json "$pod" >"$WORK/ports.json"
seen=$("$PYTHON" -c 'import json,sys; p=json.load(open(sys.argv[1]))["outbound"]["exclude-ports"]; print(len(p), p[-1]["last"])' \
	"$WORK/ports.json" 2>&1) || true
if [ "$seen" = "5460 10919" ]; then
	ok "show --json (a dump) has them all: 5460 ports, the last 10919"
else
	fail "show --json after 5460 ports: expected '5460 10919' (count, last), seen '$seen'"
fi

pretty "closing the socket discards its pending SET"
steps "$pod" set:0:more
assert_steps "a part left pending as the socket closes" "set 0: 0"
mr_json "$pod" >"$WORK/before.json"
mr_set "$pod" --exclude-outbound-ports 7 && ok "meshredir set after the pending SET's socket closed"
if [ "$(mr_json "$pod")" != "$(<"$WORK/before.json")" ]; then
	ok "and it applied"
else
	fail "meshredir set after the pending SET's socket closed did not apply"
fi

pretty "DEL discards a pending SET"
hold "$pod" set:0:more touch:"$WORK/held" wait:"$WORK/go" set:1
assert_cmd "meshredir flush with a SET pending" mr "$pod" flush
release
assert_steps "the pending SET's last part after DEL" "set 0: 0
set 1: ESRCH: $esrch"
assert_not_configured "$pod" "after DEL and the orphaned last part"
# In a namespace with nothing but a pending SET, DEL discards that and
# succeeds: the tool does not say "not configured".
hold "$pod" set:0:more touch:"$WORK/held" wait:"$WORK/go" set:1
rc=0
err=$(mr "$pod" flush 2>&1) || rc=$?
if [ "$rc" = 0 ] && [ -z "$err" ]; then
	ok "meshredir flush of a namespace with only a pending SET: exit 0, silent"
else
	fail "meshredir flush of a namespace with only a pending SET: exit $rc, '$err'"
fi
release
assert_steps "its last part after DEL" "set 0: 0
set 1: ESRCH: $esrch"
assert_not_configured "$pod" "after DEL of a pending SET alone"

pretty "the big configuration again, then rmmod with a SET pending"
mr_set "$pod" "${FLAGS[@]}"
mr_json "$pod" >"$WORK/big2.json"
check_json "show --json after setting it again" "$WORK/big2.json"

pretty "a dump holds its configuration: a SET and a DEL during it do not show"
hold "$pod" dump-start touch:"$WORK/held" wait:"$WORK/go" dump-rest
mr_set "$pod" --exclude-outbound-ports 7 && ok "meshredir set during the dump"
assert_cmd "meshredir flush during the dump" mr "$pod" flush
release
case $STEPS_OUT in
"dump: "*" messages, inbound.exclude-ips=$((2 * N)) inbound.exclude-ports=$N outbound.exclude-ips=$((2 * N)) outbound.exclude-ports=$N")
	ok "the dump gave the configuration it started with: $STEPS_OUT" ;;
*)	fail "the dump after a SET and a DEL: expected the $N-entry lists, seen '$STEPS_OUT'" ;;
esac
assert_not_configured "$pod" "after the dump"
mr_set "$pod" "${FLAGS[@]}"
hold "$pod" set:0:more touch:"$WORK/held" wait:"$WORK/go"
assert_cmd "rmmod meshredir with a SET pending and a big configuration" rmmod meshredir
release
assert_cmd "insmod again" insmod "$MR_MODULE"
assert_not_configured "$pod" "after rmmod and insmod"

# The kernel reserves each family's room by counting the entries first: the
# count must read a CIDR's family as the parser does (the last FAMILY
# attribute wins), or the IPv6 list overflows (a WARN the rig fails on).
pretty "a CIDR entry naming two families is of the last one, as netlink parses it"
steps "$pod" set-dup-family
assert_steps "SET with FAMILY AF_INET, then AF_INET6" "set dup-family: 0"
case $(mr_json "$pod") in
*'"exclude-ips": ["fd00::/64"]'*) ok "it is fd00::/64 in exclude-outbound-ips" ;;
*) fail "exclude-outbound-ips after it: $(mr_json "$pod" | grep exclude-ips)" ;;
esac
finish
