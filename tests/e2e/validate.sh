#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# validate: `meshredir validate` passes in a configured pod and fails in
# every namespace where its probe would not be redirected as a sidecar
# needs: not configured, another outbound port, another proxy UID,
# outbound off, the port taken; in ipv4 mode it probes IPv4 only and warns
# of the pod's IPv6 addresses; nat and NOTRACK rules are warned of.

. "$(dirname "$0")/lib.sh"
pretty "$TEST on kernel $MR_KERNEL"
mr_load
pod=$ID-pod peer=$ID-peer
wire "$pod" "$peer"

# validate_ok WHAT ARGS...: exit 0 and the one line, which names what is read.
validate_ok() {
	local what=$1 out lines
	shift
	if out=$(mr "$pod" validate --timeout 3 "$@" 2>"$WORK/validate.err"); then
		lines=$(printf '%s\n' "$out" | wc -l)
		if [ "$lines" = 1 ] && [[ $out == "validate: "* ]]; then
			ok "$what: validate passed: $out"
		else
			fail "$what: expected one line from validate, seen '$out'"
		fi
	else
		fail "$what: expected validate to pass, it failed: $(cat "$WORK/validate.err")"
	fi
}

# validate_fails WHAT PATTERN ARGS...: exit 1, stderr matching PATTERN.
validate_fails() {
	local what=$1 pattern=$2 err rc=0
	shift 2
	mr "$pod" validate --timeout 3 "$@" >"$WORK/validate.out" 2>"$WORK/validate.err" || rc=$?
	err=$(cat "$WORK/validate.err")
	if [ "$rc" = 1 ] && [[ $err =~ $pattern ]] && [ ! -s "$WORK/validate.out" ]; then
		ok "$what: validate failed: $err"
	else
		fail "$what: expected exit 1 and /$pattern/, seen exit $rc, '$err' $(cat "$WORK/validate.out")"
	fi
}

# warned PATTERN WHAT: the last validate's stderr has that warning.
warned() {
	if grep -Eq "warning: .*$1" "$WORK/validate.err"; then
		ok "$2"
	else
		fail "$2: expected a warning /$1/, seen '$(cat "$WORK/validate.err")'"
	fi
}

pretty "not configured: the probe is not redirected"
validate_fails "unconfigured" "IPv4: a connection of UID 65534 to 192\.0\.2\.200:80 was not redirected to port 15001 .*no meshredir configuration"

pretty "configured (dualstack): both families pass"
mr_set "$pod"
validate_ok "dualstack"
grep -q "IPv4 and IPv6" <<<"$(mr "$pod" validate --timeout 3)" && ok "dualstack: both families probed" ||
	fail "dualstack: expected 'IPv4 and IPv6' in validate's line"
[ ! -s "$WORK/validate.err" ] && ok "dualstack: no warning" ||
	fail "dualstack: expected no warning, seen '$(cat "$WORK/validate.err")'"

pretty "the proxy's UID given is not the namespace's"
validate_fails "--kuma-dp-user 1234" "proxy's UID 1234 .* was redirected to port 15001" --kuma-dp-user 1234

pretty "another outbound port"
mr_set "$pod" --redirect-outbound-port 15002
validate_fails "port 15002 configured" "not redirected to port 15001 .*redirects outbound to port 15002"
validate_ok "--redirect-outbound-port 15002" --redirect-outbound-port 15002

pretty "outbound redirection off"
mr_set "$pod" --redirect-outbound=false
validate_fails "outbound disabled" "not redirected .*outbound redirection is disabled"

pretty "an excluded port or UID is not probed"
mr_set "$pod" --exclude-outbound-ports 80-100 --exclude-outbound-ports-for-uids 65534
validate_ok "port 80 and UID 65534 excluded"

pretty "ipv4 mode: IPv4 probed, the pod's IPv6 addresses warned of"
mr_set "$pod" --ip-family-mode ipv4
validate_ok "ipv4"
warned "IPv6 addresses but redirects IPv4 only" "ipv4: IPv6 addresses warned of"

pretty "without CAP_NET_ADMIN, as in an init container: the probes alone decide"
# noadmin: validate in the pod with no CAP_NET_ADMIN, its stderr in validate.err.
noadmin() {
	n "$pod" setpriv --bounding-set -net_admin "$MR_TOOL" validate --timeout 3 "$@" \
		>"$WORK/validate.out" 2>"$WORK/validate.err"
}
if noadmin; then
	grep -q "(IPv4)" "$WORK/validate.out" && ok "ipv4 mode, unread: IPv4 passes: $(cat "$WORK/validate.out")" ||
		fail "expected an IPv4-only pass, seen '$(cat "$WORK/validate.out")'"
	warned "IPv6: a connection .* was not redirected .*may be ipv4 only" "ipv4 mode, unread: the IPv6 probe only warns"
else
	fail "validate without CAP_NET_ADMIN failed in ipv4 mode: $(cat "$WORK/validate.err")"
fi
mr_set "$pod"
noadmin && grep -q "IPv4 and IPv6" "$WORK/validate.out" && ok "dualstack, unread: both pass: $(cat "$WORK/validate.out")" ||
	fail "validate without CAP_NET_ADMIN in dualstack: '$(cat "$WORK/validate.out" "$WORK/validate.err")'"
mr "$pod" flush
noadmin && fail "validate without CAP_NET_ADMIN passed unconfigured" ||
	ok "unconfigured, unread: fails: $(cat "$WORK/validate.err")"

pretty "the outbound port taken: validate runs before the proxy"
mr_set "$pod"
start_server "$pod" sidecar 15001 --uid $PROXY_UID
validate_fails "port in use" "cannot listen on IPv4 port 15001: Address already in use"
kill "$(cat "$WORK/sidecar.$pod.pid")"
for i in $(seq 50); do pp ss -Htln 'sport = :15001' | grep -q . || break; sleep 0.1; done

pretty "nat and NOTRACK rules are warned of, and do not fail it"
if n "$pod" iptables-nft -t nat -A OUTPUT -p tcp --dport 9999 -j REDIRECT --to-ports 9998 &&
   n "$pod" iptables-nft -t raw -A OUTPUT -p udp --dport 53 -j NOTRACK; then
	validate_ok "with nftables nat and raw rules"
	warned "nftables ip nat chain OUTPUT: 1 nat rule" "nftables nat rule warned of"
	warned "nftables ip raw chain OUTPUT: a notrack rule" "nftables NOTRACK rule warned of"
	n "$pod" iptables-nft -t nat -F; n "$pod" iptables-nft -t raw -F
else
	fail "iptables-nft could not add the rules"
fi
if n "$pod" iptables-legacy -t nat -A OUTPUT -p tcp --dport 9999 -j REDIRECT --to-ports 9998; then
	validate_ok "with an iptables-legacy nat rule"
	warned "iptables-legacy nat table has rules" "iptables-legacy nat rule warned of"
else
	fail "iptables-legacy could not add the rule"
fi

pretty "without CAP_NET_ADMIN the rules are unreadable: --verbose says so, once"
noadmin || true
! grep -q "skipped" "$WORK/validate.err" && ok "without --verbose: nothing said of it" ||
	fail "expected no word of the skipped check without --verbose, seen '$(cat "$WORK/validate.err")'"
want="validate: the check for nat and NOTRACK rules was skipped (nftables, iptables-legacy nat): reading rules needs CAP_NET_ADMIN"
if noadmin --verbose && [ "$(grep -c "skipped" "$WORK/validate.err")" = 1 ] &&
   grep -qF "$want" "$WORK/validate.err"; then
	ok "--verbose: one line: $(grep skipped "$WORK/validate.err")"
else
	fail "expected validate --verbose to pass with one line '$want...', seen '$(cat "$WORK/validate.out" "$WORK/validate.err")'"
fi

finish
