#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lifecycle: `meshredir flush` deconfigures (new flows go straight to their
# server) while connections already redirected keep working; deleting a
# configured namespace, with open connections, disturbs nobody else;
# rmmod with live configuration and open redirected connections works and
# those connections keep their conntrack binding; the module loads again.

. "$(dirname "$0")/lib.sh"
setup

pretty "flush"
mr_set "$pod"
hold_open out4 "$pod" $PEER4 80 --uid $APP_UID
hold_open in6 "$peer" $POD6 5000
assert_cmd "meshredir flush" mr "$pod" flush
json=$(mr_json "$pod")
if [ "$("$PYTHON" -c 'import json,sys; print(json.load(sys.stdin).get("configured"))' <<<"$json")" = False ]; then
	ok "after flush, show --json says not configured"
else
	fail "after flush: expected {\"configured\": false}, seen '$json'"
fi
for f in 4 6; do
	eval "pod_a=\$POD$f peer_a=\$PEER$f"
	assert_lands "$pod" $peer_a 80 remote 80 direct --uid $APP_UID
	assert_lands "$peer" $pod_a 5000 app 5000 direct
	assert_lands "$pod" $pod_a 5000 app 5000 direct --uid $PROXY_UID
done
assert_held out4 sidecar 15001 "$PEER4:80"
assert_held in6 sidecar 15006 "[$POD6]:5000"
assert_cmd "flush when not configured" mr "$pod" flush

pretty "deleting a configured namespace with open connections"
X=$ID-x-pod X_peer=$ID-x-peer
topology "$X" "$X_peer"
mr_set "$X"
mr_set "$pod"
hold_open xout "$X" $PEER4 80 --uid $APP_UID
hold_open xin "$X_peer" $POD6 5000
# Its processes go first, so that the namespace really goes away.
ip netns pids "$X" | xargs -r kill -9
ip netns del "$X"
wait "$HOLD_PID_xout" 2>/dev/null || true
assert_lands "$pod" $PEER4 80 sidecar 15001 "$PEER4:80" --uid $APP_UID
assert_lands "$peer" $POD6 5000 sidecar 15006 "[$POD6]:5000"
ip netns pids "$X_peer" | xargs -r kill -9
ip netns del "$X_peer"
wait "$HOLD_PID_xin" 2>/dev/null || true

pretty "rmmod with live configuration and open redirected connections"
hold_open rout4 "$pod" $PEER4 80 --uid $APP_UID
hold_open rout6 "$pod" $PEER6 82
hold_open rin4 "$peer" $POD4 5000
hold_open rin6 "$peer" $POD6 5001
hold_open rb3 "$pod" $POD4 5002 --uid $PROXY_UID
assert_cmd "rmmod meshredir" rmmod meshredir
if grep -q '^meshredir ' /proc/modules; then
	fail "meshredir still loaded after rmmod"
else
	ok "meshredir unloaded"
fi
assert_held rout4 sidecar 15001 "$PEER4:80"
assert_held rout6 sidecar 15001 "[$PEER6]:82"
assert_held rin4 sidecar 15006 "$POD4:5000"
assert_held rin6 sidecar 15006 "[$POD6]:5001"
assert_held rb3 sidecar 15006 "$POD4:5002"
pretty "after rmmod, new flows go straight to their server"
assert_lands "$pod" $PEER4 80 remote 80 direct --uid $APP_UID
assert_lands "$peer" $POD6 5000 app 5000 direct

pretty "reload"
assert_cmd "insmod again" insmod "$MR_MODULE"
json=$(mr_json "$pod")
if [ "$("$PYTHON" -c 'import json,sys; print(json.load(sys.stdin).get("configured"))' <<<"$json")" = False ]; then
	ok "after reload, the pod starts unconfigured"
else
	fail "after reload: expected {\"configured\": false}, seen '$json'"
fi
mr_set "$pod"
for f in 4 6; do
	eval "pod_a=\$POD$f peer_a=\$PEER$f"
	assert_lands "$pod" $peer_a 80 sidecar 15001 "$(fmt_addr $peer_a 80)" --uid $APP_UID
	assert_lands "$peer" $pod_a 5000 sidecar 15006 "$(fmt_addr $pod_a 5000)"
done
assert_counters "$pod" "local-out:redirected-outbound=2 pre-routing:redirected-inbound=2"
finish
