#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cni: meshredir-cni chained after Debian's bridge (ptp on a kernel without
# bridges) and host-local plugins
# (containernetworking-plugins), driven as a runtime drives a .conflist
# (helpers/cni-runtime.py: CNI environment, each plugin's configuration on
# stdin, prevResult, the pod's annotations as runtimeConfig). install puts
# the plugin into the list once; a Kuma pod's namespace is configured from
# its annotation exactly as `meshredir apply` of the same YAML configures
# another; its connections land on the proxy; prevResult passes unchanged;
# validate passes there and fails unconfigured; CHECK, DEL (idempotent,
# namespace gone); a bad annotation fails ADD with a CNI error and leaves
# the namespace unconfigured; a pod without Kuma's marker is left alone;
# uninstall gives the list back byte for byte.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-cni.sh"
pretty "$TEST on kernel $MR_KERNEL"
MR_CNI=${MR_CNI:-$(dirname "$MR_TOOL")/meshredir-cni}
RUNTIME="$PYTHON $E2E/helpers/cni-runtime.py"
[ -d /usr/lib/cni ] && [ -x /usr/lib/cni/bridge ] ||
	{ echo "missing /usr/lib/cni/bridge (containernetworking-plugins, tests/deps)" >&2; exit 1; }
mr_load

node=$ID-node
new_ns "$node"
export CNI_PATH=$WORK/bin:/usr/lib/cni CNI_RESULTS=$WORK/results
mkdir -p "$WORK/bin" "$WORK/results" "$WORK/net.d"
conflist=$WORK/net.d/10-pods.conflist
cni_main "$node" mrbr0 "$WORK/ipam"
cat >"$conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "pods",
  "plugins": [
$CNI_MAIN
  ]
}
EOF
cp "$conflist" "$WORK/original.conflist"

# runtime CMD POD [ANNOTATIONS]: the plugins of the list, run in the node's
# namespace (where bridge makes mrbr0) for the pod's namespace.
runtime() {
	local cmd=$1 pod=$2
	shift 2
	n "$node" $RUNTIME "$cmd" "$conflist" "/run/netns/$pod" "$pod" "$@"
}

# assert_runtime DESC CMD POD [ANNOTATIONS]: it succeeds.
assert_runtime() {
	local desc=$1
	shift
	if runtime "$@" >"$WORK/rt.out" 2>"$WORK/rt.err"; then
		ok "$desc"
	else
		fail "$desc: $1 failed: $(cat "$WORK/rt.out" "$WORK/rt.err")"
	fi
}

pretty "install: the binary and one entry, last in the list"
assert_cmd "meshredir-cni install" "$MR_CNI" install --cni-bin-dir "$WORK/bin" --cni-conf-dir "$WORK/net.d"
[ -x "$WORK/bin/meshredir-cni" ] && ok "meshredir-cni copied to the bin dir" ||
	fail "expected $WORK/bin/meshredir-cni"
last=$($PYTHON -c 'import json,sys; p=json.load(open(sys.argv[1]))["plugins"]; print(len(p), p[-1]["type"], p[-1]["capabilities"])' "$conflist")
[ "$last" = "2 meshredir-cni {'io.kubernetes.cri.pod-annotations': True}" ] &&
	ok "chained after the network plugin, declaring the annotations capability" ||
	fail "expected 2 plugins, meshredir-cni last with its capability, seen '$last'"
cp "$conflist" "$WORK/installed.conflist"
out=$("$MR_CNI" install --cni-bin-dir "$WORK/bin" --cni-conf-dir "$WORK/net.d" 2>&1)
cmp -s "$conflist" "$WORK/installed.conflist" && [[ $out == *"nothing to change"* ]] &&
	ok "a second install changes nothing: $out" || fail "a second install changed the list: $out"

yaml='ipFamilyMode: dualstack
redirect:
  inbound:
    excludePorts: [22]
  outbound:
    excludePorts: [9901]
    excludePortsForIPs: ["203.0.113.0/24"]'
printf '%s\n' "$yaml" >"$WORK/pod.yaml"
ann=$($PYTHON -c 'import json,sys; print(json.dumps({"kuma.io/sidecar-injected": "true", "traffic.kuma.io/transparent-proxy-config": open(sys.argv[1]).read()}))' "$WORK/pod.yaml")

pretty "ADD of a Kuma pod: bridge, then meshredir-cni from the annotation"
pod=$ID-pod
new_ns "$pod"
assert_runtime "ADD $pod" ADD "$pod" "$ann"
# The text itself; the runtime gave it without bridge's last newline.
if [ "$(cat "$WORK/results/$pod.ADD.0")" = "$(cat "$WORK/results/$pod.ADD.1")" ] &&
   [ -s "$WORK/results/$pod.ADD.1" ]; then
	ok "prevResult passed through byte for byte ($(wc -c <"$WORK/results/$pod.ADD.1") bytes)"
else
	fail "expected meshredir-cni's result to be bridge's: '$(cat "$WORK/results/$pod.ADD.0")' vs '$(cat "$WORK/results/$pod.ADD.1")'"
fi
addr=$(pp ip -4 -o addr show dev eth0 | awk '{ print $4 }')
[[ $addr == 192.0.2.10/* ]] && ok "host-local gave $pod $addr" || fail "expected 192.0.2.10 on eth0, seen '$addr'"

pretty "the same YAML by meshredir apply on a pod without Kuma's marker"
twin=$ID-twin
new_ns "$twin"
assert_runtime "ADD $twin (no marker)" ADD "$twin" '{"kuma.io/sidecar-injected": "false"}'
assert_not_configured "$twin" "ADD without kuma.io/sidecar-injected: true"
validate_out=$(mr "$twin" validate --timeout 2 2>&1) && fail "validate passed unconfigured: $validate_out" ||
	ok "validate fails in $twin unconfigured: $validate_out"
mr "$twin" apply "$WORK/pod.yaml"
a=$(mr "$pod" show --format yaml) b=$(mr "$twin" show --format yaml)
if [ "$a" = "$b" ] && [[ $a == *"ipFamilyMode: dualstack"* ]] && [[ $a == *"203.0.113.0/24"* ]]; then
	ok "the CNI pod is configured as meshredir apply configures its twin (dualstack)"
else
	fail "CNI and apply differ: '$a' vs '$b'"
fi
[ "$(pp ip -6 -o addr show dev lo | grep -c '::6/128')" = 1 ] && ok "::6/128 on lo, as kumactl puts it" ||
	fail "expected ::6/128 on lo of $pod"

pretty "validate, then the sidecar: connections land on it"
validate_out=$(mr "$pod" validate --timeout 3 2>&1) && ok "validate: $validate_out" ||
	fail "validate failed in the CNI pod: $validate_out"
validate_out=$(mr "$pod" validate --timeout 3 --kuma-dp-user 1234 2>&1) &&
	fail "validate passed with the wrong proxy UID: $validate_out" ||
	ok "validate fails with --kuma-dp-user 1234: $validate_out"
mr "$pod" reset-counters
start_server "$pod" sidecar 15001,15006 --uid $PROXY_UID
assert_lands "$pod" 198.51.100.1 80 sidecar 15001 198.51.100.1:80 --uid $APP_UID
assert_lands "$pod" 2001:db8:1::1 80 sidecar 15001 "[2001:db8:1::1]:80" --uid $APP_UID
assert_counters "$pod" "local-out:redirected-outbound=2"

pretty "CHECK: as ADD left it passes; changed, it fails"
assert_runtime "CHECK $pod" CHECK "$pod" "$ann"
mr "$pod" set --exclude-outbound-ports 1
if runtime CHECK "$pod" "$ann" >"$WORK/rt.out" 2>&1; then
	fail "CHECK passed after the configuration changed"
else
	grep -q '"code": 102' "$WORK/rt.out" && ok "CHECK fails, code 102: $(grep '"msg"' "$WORK/rt.out")" ||
		fail "expected code 102 from CHECK, seen '$(cat "$WORK/rt.out")'"
fi

pretty "DEL: the configuration goes; again, and with the namespace gone"
assert_runtime "DEL $pod" DEL "$pod" "$ann"
assert_not_configured "$pod" "after DEL"
assert_runtime "DEL $pod again" DEL "$pod" "$ann"
ip netns pids "$pod" | xargs -r kill
ip netns del "$pod"
assert_runtime "DEL with the namespace gone" DEL "$pod" "$ann"

pretty "a bad annotation fails ADD with a CNI error, the namespace unconfigured"
bad=$ID-bad
new_ns "$bad"
badann='{"kuma.io/sidecar-injected": "true", "traffic.kuma.io/transparent-proxy-config": "redirect:\n  outbound:\n    port: 0\n"}'
rc=0
runtime ADD "$bad" "$badann" >"$WORK/rt.out" 2>"$WORK/rt.err" || rc=$?
err=$($PYTHON -c 'import json,sys; e=json.load(open(sys.argv[1])); print(e["code"], "|", e["msg"], "|", e["details"])' "$WORK/rt.out" 2>&1)
want='100 | invalid pod annotation traffic.kuma.io/transparent-proxy-config (field redirect.outbound.port) | pod annotation traffic.kuma.io/transparent-proxy-config:3: redirect.outbound.port: "0" is not a port (1-65535)'
[ "$rc" != 0 ] && [ "$err" = "$want" ] && ok "ADD failed (exit $rc): $err" ||
	fail "expected exit != 0 and '$want', seen exit $rc, '$err'"
assert_not_configured "$bad" "after the failed ADD"
# As a runtime does after a failed ADD.
assert_runtime "DEL after the failed ADD" DEL "$bad" "$badann"
badann='{"kuma.io/sidecar-injected": "true", "traffic.kuma.io/exclude-outbound-ips": "10.0.0.0/33"}'
rc=0
runtime ADD "$bad" "$badann" >"$WORK/rt.out" 2>"$WORK/rt.err" || rc=$?
grep -q '"msg": "invalid pod annotation traffic.kuma.io/exclude-outbound-ips (field redirect.outbound.excludePortsForIPs)"' "$WORK/rt.out" &&
	[ "$rc" != 0 ] && ok "a bad per-field annotation fails ADD" ||
	fail "expected the exclude-outbound-ips error, seen exit $rc '$(cat "$WORK/rt.out")'"
assert_not_configured "$bad" "after the second failed ADD"

pretty "per-field annotations over the entry's transparentProxy"
pf=$ID-pf
new_ns "$pf"
assert_runtime "ADD $pf" ADD "$pf" '{"kuma.io/sidecar-injected": "true", "kuma.io/transparent-proxying-outbound-port": "15002", "kuma.io/transparent-proxying-ip-family-mode": "ipv4", "kuma.io/gateway": "enabled"}'
got=$(mr "$pf" show --json | $PYTHON -c 'import json,sys; j=json.load(sys.stdin); print(j["outbound"]["port"], j["ip-family-mode"], j["inbound"]["enabled"])' 2>&1)
[ "$got" = "15002 ipv4 False" ] && ok "outbound port, family and gateway from the annotations: $got" ||
	fail "expected '15002 ipv4 False', seen '$got'"

pretty "uninstall: the list as it was, the binary gone"
assert_cmd "meshredir-cni uninstall" "$MR_CNI" uninstall --cni-bin-dir "$WORK/bin" --cni-conf-dir "$WORK/net.d"
cmp -s "$conflist" "$WORK/original.conflist" && ok "the conflist is byte for byte the original" ||
	fail "the conflist differs from the original: $(diff "$WORK/original.conflist" "$conflist")"
[ ! -e "$WORK/bin/meshredir-cni" ] && ok "the binary is removed" || fail "$WORK/bin/meshredir-cni is still there"

finish
