#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dualstack: `install transparent-proxy` and `apply` prepare a namespace as
# kumactl does in dualstack mode: ::6/128 on lo, the proxy's passthrough
# source, or IPv4 only (said on stderr) where lo refuses IPv6 and, for
# install, where no interface but lo has an IPv6 address. A SET the kernel
# refuses takes the address back. `set` and ipFamilyMode ipv4 touch no
# address.

. "$(dirname "$0")/lib.sh"
setup

STEPS=("$PYTHON" "$E2E/helpers/nl-steps.py")
PASS_SRC=::6

# lo6_count NS: how many times ::6/128 is on lo in NS.
lo6_count() { n "$1" ip -6 addr show dev lo | grep -c "inet6 $PASS_SRC/128 " || true; }

# assert_lo6 NS N WHEN: ::6/128 is on lo N times (0 or 1).
assert_lo6() {
	local seen
	seen=$(lo6_count "$1")
	if [ "$seen" = "$2" ]; then
		ok "$3: ::6/128 on lo in $1: $seen"
	else
		fail "$3: expected ::6/128 on lo in $1 $2 time(s), seen $seen"
	fi
}

# assert_mode NS MODE WHEN: show --json's ip-family-mode.
assert_mode() {
	local json
	json=$(mr_json "$1" 2>&1)
	if [[ $json == *"\"ip-family-mode\": \"$2\""* ]]; then
		ok "$3: $1 is configured $2"
	else
		fail "$3: expected ip-family-mode $2 in $1, seen '$json'"
	fi
}

# assert_run DESC WANT_RC WANT_ERR CMD...: CMD's exit status and its stderr,
# exactly (stdout goes to $WORK/run.out).
assert_run() {
	local desc=$1 want_rc=$2 want_err=$3 rc=0 err
	shift 3
	err=$("$@" 2>&1 >"$WORK/run.out") || rc=$?
	if [ "$rc" = "$want_rc" ] && [ "$err" = "$want_err" ]; then
		ok "$desc: exit $rc${err:+, $err}"
	else
		fail "$desc: expected exit $want_rc and '$want_err', seen exit $rc and '$err'"
	fi
}

# assert_said LINE WHAT: the last assert_run printed LINE on stdout.
assert_said() {
	if grep -qxF "$1" "$WORK/run.out"; then
		ok "$2 says '$1'"
	else
		fail "$2: expected '$1' on stdout, seen '$(cat "$WORK/run.out")'"
	fi
}

pretty "set configures the kernel and touches no address"
n "$pod" ip -6 addr del $PASS_SRC/128 dev lo
assert_run "set in $pod" 0 "" mr "$pod" set
assert_lo6 "$pod" 0 "after set"
assert_mode "$pod" dualstack "after set"

pretty "install transparent-proxy adds ::6/128 to lo, and the proxy passes through from it"
assert_run "install transparent-proxy --verbose" 0 "" \
	mr "$pod" install transparent-proxy --kuma-dp-user $PROXY_UID --verbose
assert_said "# added ::6/128 to lo in network namespace $pod" "install --verbose"
assert_lo6 "$pod" 1 "after install"
assert_mode "$pod" dualstack "after install"
family 6
assert_lands "$pod" $pod_a 5000 app 5000 direct --uid $PROXY_UID --src $PASS_SRC
assert_lands "$pod" $peer_a 80 sidecar 15001 "$peer_u:80" --uid $APP_UID
assert_run "install transparent-proxy --verbose again" 0 "" \
	mr "$pod" install transparent-proxy --kuma-dp-user $PROXY_UID --verbose
assert_said "# ::6/128 is on lo already in network namespace $pod" "install --verbose again"
assert_lo6 "$pod" 1 "after the second install"

pretty "a SET the kernel refuses takes back the address install added"
n "$pod" ip -6 addr del $PASS_SRC/128 dev lo
before=$(mr_json "$pod")
# Another socket's SET in parts, held pending: every other SET gets EBUSY.
busy="set: another socket's SET in parts is pending in this network namespace; try again when it is done"
rm -f "$WORK/held" "$WORK/go"
n "$pod" "${STEPS[@]}" set:0:more touch:"$WORK/held" wait:"$WORK/go" >"$WORK/holder.log" 2>&1 &
holder=$!
for _ in $(seq 600); do [ -e "$WORK/held" ] && break; sleep 0.1; done
assert_run "install while another SET is pending" 1 "meshredir: kernel: $busy" \
	mr "$pod" install transparent-proxy --kuma-dp-user $PROXY_UID
assert_lo6 "$pod" 0 "after the refused install"
printf 'kumaDPUser: "%s"\n' $PROXY_UID >"$WORK/dual.yaml"
assert_run "apply while another SET is pending" 1 "meshredir: kernel: $busy" \
	mr "$pod" apply "$WORK/dual.yaml"
assert_lo6 "$pod" 0 "after the refused apply"
touch "$WORK/go"
wait $holder || true
if [ "$(mr_json "$pod")" = "$before" ]; then
	ok "the refused SETs changed nothing"
else
	fail "the configuration changed after the refused SETs: $(mr_json "$pod")"
fi

pretty "no interface but lo has IPv6: install redirects IPv4 only, and says so"
v4=$ID-v4only
new_ns "$v4"
n "$v4" ip link add eth0 type veth peer name eth1
n "$v4" ip addr add 192.0.2.10/24 dev eth0
n "$v4" ip -6 addr flush dev eth0
n "$v4" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/eth0/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/eth1/disable_ipv6'
assert_run "install in $v4" 0 \
	"meshredir: install: no interface but lo has an IPv6 address in network namespace $v4: redirecting IPv4 only, as kumactl does" \
	mr "$v4" install transparent-proxy
assert_mode "$v4" ipv4 "after install"
assert_lo6 "$v4" 0 "after install"
# apply asks only that IPv6 works on lo: the systemd units run it before
# any interface has an address.
assert_run "apply in $v4" 0 "" mr "$v4" apply "$WORK/dual.yaml"
assert_mode "$v4" dualstack "after apply"
assert_lo6 "$v4" 1 "after apply"

pretty "IPv6 off on lo: install and apply redirect IPv4 only, and say so"
no6=$ID-no6
new_ns "$no6"
n "$no6" ip link add eth0 type veth peer name eth1
n "$no6" ip -6 addr add 2001:db8:9::1/64 dev eth0 nodad
n "$no6" sh -c 'echo 1 > /proc/sys/net/ipv6/conf/lo/disable_ipv6'
for c in "install transparent-proxy" "apply $WORK/dual.yaml"; do
	# shellcheck disable=SC2086 # two words
	assert_run "${c%% *} in $no6" 0 \
		"meshredir: ${c%% *}: cannot add ::6/128 to lo: IPv6 is disabled on lo in network namespace $no6: redirecting IPv4 only, as kumactl does" \
		mr "$no6" $c
	assert_mode "$no6" ipv4 "after ${c%% *}"
done

pretty "ipFamilyMode ipv4 touches no address"
n "$pod" ip -6 addr flush dev lo scope global
printf 'ipFamilyMode: ipv4\n' >"$WORK/v4.yaml"
assert_run "apply ipFamilyMode ipv4" 0 "" mr "$pod" apply "$WORK/v4.yaml"
assert_run "install --ip-family-mode ipv4" 0 "" mr "$pod" install transparent-proxy --ip-family-mode ipv4
assert_lo6 "$pod" 0 "after ipv4"
assert_mode "$pod" ipv4 "after ipv4"

finish
