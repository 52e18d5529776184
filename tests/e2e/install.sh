#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install: kumactl's way of configuring. `install transparent-proxy` with
# kumactl's flags and `apply` of a Kuma transparent-proxy YAML file really
# redirect; `show --format yaml | apply -` leaves the kernel's configuration
# exactly as it was; --dry-run and a bad file or flag change nothing;
# `uninstall transparent-proxy` removes the configuration.

. "$(dirname "$0")/lib.sh"
setup

# The configuration without its counters, which traffic moves.
config_of() {
	local json
	json=$(mr_json "$1") || return 1
	echo "${json%%\"counters\"*}"
}

# assert_config_is NS WANT DESC: config_of NS is WANT.
assert_config_is() {
	local now
	now=$(config_of "$1" 2>&1)
	if [ "$now" = "$2" ]; then
		ok "$3: the configuration is as before"
	else
		echo "$2" >"$WORK/want.json"
		echo "$now" >"$WORK/seen.json"
		fail "$3: the configuration changed: $(diff "$WORK/want.json" "$WORK/seen.json" | head -n 20)"
	fi
}

# expect_bad WORD CMD...: `meshredir CMD` in $pod, with $WORK/stdin as its
# stdin, fails; its one-line error names WORD; the configuration is the one
# it found.
expect_bad() {
	local word=$1 rc=0 err before
	shift
	before=$(config_of "$pod" 2>&1)
	err=$(mr "$pod" "$@" 2>&1 >/dev/null <"$WORK/stdin") || rc=$?
	if [ "$rc" != 1 ]; then
		fail "$*: expected exit 1, got $rc ($err)"
	elif ! grep -qF -- "$word" <<<"$err" || [ "$(wc -l <<<"$err")" != 1 ]; then
		fail "$*: the error is not one line naming '$word': '$err'"
	else
		ok "$*: $err"
	fi
	assert_config_is "$pod" "$before" "after $*"
}
: >"$WORK/stdin"

pretty "install transparent-proxy with kumactl's flags"
assert_cmd "install transparent-proxy --kuma-dp-user $PROXY_UID --exclude-outbound-ports 81 --exclude-inbound-ports 5001" \
	mr "$pod" install transparent-proxy --kuma-dp-user $PROXY_UID \
	--exclude-outbound-ports 81 --exclude-inbound-ports 5001
for f in 4 6; do
	family $f
	assert_lands "$pod" $peer_a 80 "sidecar@$lo_u:15001" 15001 "$peer_u:80" --uid $APP_UID
	assert_lands "$pod" $peer_a 81 remote 81 direct --uid $APP_UID
	assert_lands "$peer" $pod_a 5000 "sidecar@$pod_u:15006" 15006 "$pod_u:5000"
	assert_lands "$peer" $pod_a 5001 app 5001 direct
	# the proxy's own connections are never redirected back to it
	assert_lands "$pod" $peer_a 80 remote 80 direct --uid $PROXY_UID
done

pretty "install: a --config-file, overridden by a flag"
cat >"$WORK/install.yaml" <<-EOF
	redirect:
	  outbound:
	    excludePorts: [80, 82]
	    excludePortsForIPs: ["$OTHER4"]
EOF
assert_cmd "install transparent-proxy --config-file FILE --exclude-outbound-ports 83" \
	mr "$pod" install transparent-proxy --config-file "$WORK/install.yaml" \
	--exclude-outbound-ports 83
# --exclude-outbound-ports replaced the file's list; the file's IPs stay
assert_lands "$pod" $PEER4 80 sidecar 15001 "$PEER4:80" --uid $APP_UID
assert_lands "$pod" $PEER4 83 remote 83 direct --uid $APP_UID
assert_lands "$pod" $OTHER4 80 remote 80 direct --uid $APP_UID

pretty "apply a Kuma transparent-proxy configuration file"
cat >"$WORK/kuma.yaml" <<-EOF
	# as kumactl install transparent-proxy --config-file reads it
	kumaDPUser: "$PROXY_UID"
	ipFamilyMode: ipv4
	redirect:
	  inbound:
	    enabled: true
	    port: 15006
	    excludePorts: [5002]
	    excludePortsForIPs: ["$OTHER4"]
	  outbound:
	    enabled: true
	    port: 15001
	    excludePorts: [82]
	    excludePortsForIPs: ["198.51.100.0/24", "2001:db8:1::/64"]
	    excludePortsForUIDs: ["tcp:83:$APP_UID"]
	  dns:
	    enabled: false
	    port: 15053
	  vnet:
	    networks: []
	wait: 5
	retry:
	  maxRetries: 4
	  sleepBetweenRetries: 2s
	meshredir:
	  ownerGIDs: [4321]
EOF
out=$(mr "$pod" apply "$WORK/kuma.yaml" --verbose 2>"$WORK/apply.err") && rc=0 || rc=$?
if [ "$rc" = 0 ] && [[ $out == "# setting this configuration in network namespace $pod:"$'\n'*$'\n'"ipFamilyMode: ipv4"$'\n'*$'\n'"# done: network namespace $pod is configured" ]]; then
	ok "apply kuma.yaml --verbose: the YAML sent, then '${out##*$'\n'}'"
else
	fail "apply kuma.yaml --verbose: expected exit 0, the YAML sent and '# done: ...', seen exit $rc: '$out'"
fi
# The iptables-only fields, each named once on stderr.
want=""
for f in wait retry.maxRetries retry.sleepBetweenRetries; do
	want+="meshredir: $WORK/kuma.yaml: $f: ignored: it configures iptables, which meshredir does not use"$'\n'
done
if [ "$(<"$WORK/apply.err")"$'\n' = "$want" ]; then
	ok "apply kuma.yaml --verbose: the ignored fields named on stderr"
else
	fail "apply kuma.yaml --verbose: expected on stderr '$want', seen '$(<"$WORK/apply.err")'"
fi
assert_lands "$pod" $PEER4 80 "sidecar@127.0.0.1:15001" 15001 "$PEER4:80" --uid $APP_UID
assert_lands "$pod" $PEER4 82 remote 82 direct --uid $APP_UID
assert_lands "$pod" $OTHER4 80 remote 80 direct --uid $APP_UID
assert_lands "$pod" $PEER4 83 remote 83 direct --uid $APP_UID
assert_lands "$pod" $PEER4 83 sidecar 15001 "$PEER4:83" --uid 4242 --gid 4242
assert_lands "$pod" $PEER4 81 remote 81 direct --uid 4242 --gid 4321
# ipFamilyMode ipv4: IPv6 is left alone
assert_lands "$pod" $PEER6 80 remote 80 direct --uid $APP_UID
assert_lands "$peer" $POD4 5000 "sidecar@$POD4:15006" 15006 "$POD4:5000"
assert_lands "$peer" $POD4 5002 app 5002 direct
assert_lands "$peer" $POD4 5000 app 5000 direct --src $OTHER4
assert_lands "$peer" $POD6 5000 app 5000 direct

pretty "show --format yaml | apply - leaves the configuration as it was"
# Every kind of field, the meshredir-only owners included.
assert_cmd "set with every kind of list" mr "$pod" set --kuma-dp-user 1234 \
	--owner-uid 5678,2000-2999 --owner-gid 4321 --exclude-inbound-ports 22,8000-8100 \
	--include-outbound-ports 80-83,443 --exclude-inbound-ips 10.0.0.0/8,fd00::/8 \
	--exclude-outbound-ips $OTHER4,2001:db8:1::/64 \
	--exclude-outbound-ports-for-uids tcp:83:$APP_UID \
	--exclude-outbound-ports-for-uids 80-81:3000-3010 --redirect-inbound-port 15006
before=$(config_of "$pod")
mr "$pod" show --format yaml >"$WORK/shown.yaml"
assert_cmd "apply - of show --format yaml" mr "$pod" apply - <"$WORK/shown.yaml"
assert_config_is "$pod" "$before" "show --format yaml | apply -"
mr "$pod" show --format yaml >"$WORK/shown-again.yaml"
if cmp -s "$WORK/shown.yaml" "$WORK/shown-again.yaml"; then
	ok "show --format yaml is the same text after the round trip"
else
	fail "show --format yaml differs after the round trip: $(diff "$WORK/shown.yaml" "$WORK/shown-again.yaml" | head -n 20)"
fi
# and it still acts: uid 1234 is the proxy, 2000-2999 and gid 4321 owners
assert_lands "$pod" $PEER4 80 sidecar 15001 "$PEER4:80" --uid $APP_UID
assert_lands "$pod" $PEER4 5000 remote 5000 direct --uid $APP_UID
assert_lands "$pod" $PEER4 80 remote 80 direct --uid 1234
assert_lands "$pod" $PEER4 80 remote 80 direct --uid 2500
assert_lands "$pod" $PEER4 81 remote 81 direct --uid 3005

pretty "--dry-run, a bad file and a refused flag change nothing"
before=$(config_of "$pod")
out=$(mr "$pod" apply "$WORK/kuma.yaml" --dry-run)
if [[ $out == "# dry run: "*"ipFamilyMode: ipv4"* ]]; then
	ok "apply --dry-run prints the configuration it would set"
else
	fail "apply --dry-run: expected the YAML of kuma.yaml, seen '$out'"
fi
assert_config_is "$pod" "$before" "apply --dry-run"
mr "$pod" install transparent-proxy --redirect-inbound=false --dry-run >/dev/null
assert_config_is "$pod" "$before" "install transparent-proxy --dry-run"
mr "$pod" uninstall transparent-proxy --dry-run >/dev/null
assert_config_is "$pod" "$before" "uninstall transparent-proxy --dry-run"

printf 'redirect:\n  inbound:\n    port: 70000\n' >"$WORK/stdin"
expect_bad 'stdin:3: redirect.inbound.port: "70000"' apply -
printf 'redirect:\n  dns:\n    enabled: true\n    resolvConfigPath: /nonexistent/resolv.conf\n' >"$WORK/bad.yaml"
expect_bad "redirect.dns: cannot read /nonexistent/resolv.conf" apply "$WORK/bad.yaml"
printf 'redirect:\n  outbound:\n    excludePorts: [81]\n  inbund: {}\n' >"$WORK/bad.yaml"
expect_bad "bad.yaml:4: redirect.inbund: unknown field" apply "$WORK/bad.yaml"
printf 'redirect: {outbound: {excludePorts: [81]}\n' >"$WORK/bad.yaml"
expect_bad "bad.yaml:2: not valid YAML" apply "$WORK/bad.yaml"
printf 'kumaDPUser: no-such-user-mr-e2e\n' >"$WORK/bad.yaml"
expect_bad "kumaDPUser" install transparent-proxy --config-file "$WORK/bad.yaml"
expect_bad "--redirect-dns-port" install transparent-proxy --exclude-outbound-ports 81 --redirect-dns-port 0
expect_bad "--vnet" install transparent-proxy --vnet docker0

pretty "uninstall transparent-proxy removes the configuration"
out=$(mr "$pod" uninstall transparent-proxy --verbose 2>&1) && rc=0 || rc=$?
if [ "$rc" = 0 ] && [ "$out" = "# removing the configuration of network namespace $pod"$'\n'"# done: network namespace $pod has no meshredir configuration" ]; then
	ok "uninstall transparent-proxy --verbose: $out"
else
	fail "uninstall transparent-proxy --verbose: expected exit 0 and what it removed, seen exit $rc: '$out'"
fi
assert_not_configured "$pod" "after uninstall"
assert_lands "$pod" $PEER4 80 remote 80 direct --uid $APP_UID
assert_lands "$peer" $POD4 5000 app 5000 direct
out=$(mr "$pod" uninstall transparent-proxy 2>&1) && rc=0 || rc=$?
if [ "$rc" = 0 ] && [ "$out" = "meshredir: not configured in this network namespace; nothing to uninstall" ]; then
	ok "uninstall again: exit 0, $out"
else
	fail "uninstall again: expected exit 0 and 'nothing to uninstall', seen exit $rc: '$out'"
fi
# What show --format yaml says of an unconfigured namespace is a comment,
# which apply refuses rather than set Kuma's defaults.
mr "$pod" show --format yaml >"$WORK/stdin"
expect_bad "stdin: no configuration in it" apply -
assert_not_configured "$pod" "after apply of an unconfigured show"
finish
