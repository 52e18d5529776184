#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bad-input: `meshredir set` with a bad value fails with a clear message (one
# line naming the flag or value at fault) and leaves the configuration it
# found exactly as it was (show --json compared before and after).

. "$(dirname "$0")/lib.sh"
setup

GOOD=(--exclude-outbound-ports 81 --exclude-inbound-ips 198.51.100.1 --owner-gid 5679)
mr_set "$pod" "${GOOD[@]}"
# No traffic meanwhile: the whole of show --json, counters included, must
# stay the same.
before=$(mr_json "$pod")

# expect_bad WORD ARGS...: set ARGS fails, its stderr names WORD, the
# configuration is unchanged.
expect_bad() {
	local word=$1 rc=0 err after
	shift
	err=$(mr "$pod" set "$@" 2>&1 >/dev/null) || rc=$?
	if [ "$rc" = 0 ]; then
		fail "set $*: expected failure, it succeeded"
	elif ! grep -qiF -- "$word" <<<"$err"; then
		fail "set $*: failed (exit $rc) but the message does not name '$word': '$err'"
	else
		ok "set $*: exit $rc: $err"
	fi
	after=$(mr_json "$pod")
	if [ "$after" != "$before" ]; then
		echo "$before" >"$WORK/before.json"
		echo "$after" >"$WORK/after.json"
		fail "set $*: the configuration changed: $(diff "$WORK/before.json" "$WORK/after.json" | head -n 20)"
	fi
}

expect_bad redirect-inbound-port --redirect-inbound-port 0
expect_bad redirect-outbound-port --redirect-outbound-port 65536
expect_bad redirect-outbound-port --redirect-outbound-port abc
expect_bad redirect-inbound-port --redirect-inbound-port
expect_bad exclude-inbound-ports --exclude-inbound-ports 80,abc
expect_bad exclude-outbound-ports --exclude-outbound-ports 90-80
expect_bad include-inbound-ports --include-inbound-ports 0
expect_bad include-outbound-ports --include-outbound-ports 70000
expect_bad exclude-outbound-ips --exclude-outbound-ips 300.1.1.1
expect_bad exclude-inbound-ips --exclude-inbound-ips 192.0.2.0/33
expect_bad exclude-outbound-ips --exclude-outbound-ips 2001:db8::/129
expect_bad exclude-inbound-ips --exclude-inbound-ips not-an-address
expect_bad exclude-outbound-ports-for-uids --exclude-outbound-ports-for-uids sctp:80:1000
expect_bad exclude-outbound-ports-for-uids --exclude-outbound-ports-for-uids tcp:80:
expect_bad exclude-outbound-ports-for-uids --exclude-outbound-ports-for-uids tcp:80:x
expect_bad ip-family-mode --ip-family-mode ipv5
expect_bad ip-family-mode --ip-family-mode ipv6
expect_bad kuma-dp-user --kuma-dp-user no-such-user-mr-e2e
expect_bad owner-uid --owner-uid -1
expect_bad owner-uid --owner-uid 4294967295
expect_bad owner-gid --owner-gid staff-x
expect_bad redirect-inbound --redirect-inbound=maybe
expect_bad no-such-flag --no-such-flag
expect_bad extra-word extra-word
# A good flag next to a bad one changes nothing either.
expect_bad exclude-inbound-ports --redirect-outbound-port 15002 --exclude-inbound-ports 5000-
# Over a uapi limit (64 exclude-outbound-ports-for-uids entries).
many=()
for i in $(seq 65); do many+=(--exclude-outbound-ports-for-uids "tcp:$i:$((1000 + 2 * i))"); done
expect_bad exclude-outbound-ports-for-uids "${many[@]}"

pretty "the configuration still acts as before"
assert_lands "$pod" $PEER4 80 sidecar 15001 "$PEER4:80" --uid $APP_UID
assert_lands "$pod" $PEER4 81 remote 81 direct --uid $APP_UID
assert_lands "$pod" $PEER6 80 remote 80 direct --uid 4000 --gid 5679
assert_lands "$peer" $POD4 5000 app 5000 direct --src $OTHER4

pretty "a bad set in a namespace that is not configured leaves it so"
U=$ID-u-pod
new_ns "$U"
expect_bad_unconf() {
	local rc=0
	mr "$U" set "$@" >/dev/null 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		ok "set $* in an unconfigured namespace: exit $rc"
	else
		fail "set $* in an unconfigured namespace: expected failure, it succeeded"
	fi
	assert_not_configured "$U" "after set $*"
}
expect_bad_unconf --redirect-inbound-port 0
expect_bad_unconf --exclude-outbound-ips 300.1.1.1
finish
