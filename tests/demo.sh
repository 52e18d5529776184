#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: Kuma's transparent-proxy scenario, acted out for a human
# (`make demo` boots a 6.12 guest and runs this). A demo app listens on
# port 5000 in a pod namespace, a sidecar owned by uid 5678 listens on
# 15001 (outbound) and 15006 (inbound), a client and a remote server live
# in another namespace. Each flow prints where it landed and the original
# destination the sidecar reads with SO_ORIGINAL_DST; then `meshredir show`.

. "$(dirname "$0")/e2e/lib.sh"
setup

cat <<EOT

  pod namespace                                client namespace
    eth0 $POD4  $POD6      <--veth-->     eth0 $PEER4  $PEER6
    demo app :5000 (uid $APP_UID)                      remote server :80
    sidecar  :15001 :15006 (uid $PROXY_UID)

EOT

# flow DESCRIPTION NS ADDR PORT [mr-connect args]
flow() {
	local desc=$1 re='^([^ ]+) port=[0-9]+ local=([^ ]+) peer=[^ ]+ orig=([^ ]+)$'
	shift
	try "$@"
	printf '  %s -> %s\n' "$desc" "$(fmt_addr "$2" "$3")"
	if ! [[ $LINE =~ $re ]]; then
		printf '      %s\n' "$LINE"
	elif [ "${BASH_REMATCH[3]}" = none ] || [ "${BASH_REMATCH[3]}" = "${BASH_REMATCH[2]}" ]; then
		printf '      lands on %s at %s, not redirected\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
	else
		printf '      lands on %s at %s, original destination %s\n' "${BASH_REMATCH[1]}" \
			"${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
	fi
}

pretty "Before meshredir: every connection goes where it was sent"
flow "client: curl the demo app" "$peer" $POD4 5000
flow "demo app: call the remote service" "$pod" $PEER4 80 --uid $APP_UID

pretty "meshredir set   (kumactl's defaults: 15001/15006, kuma-dp user $PROXY_UID)"
"$MR_TOOL" --netns "$pod" set

pretty "After: the sidecar sees everything, and knows where it was going"
flow "client: curl the demo app" "$peer" $POD4 5000
flow "client: curl the demo app over IPv6" "$peer" $POD6 5000
flow "demo app: call the remote service" "$pod" $PEER4 80 --uid $APP_UID
flow "demo app: call the remote service over IPv6" "$pod" $PEER6 80 --uid $APP_UID
flow "sidecar (uid $PROXY_UID): forward to the remote" "$pod" $PEER4 80 --uid $PROXY_UID
flow "sidecar: hand inbound to the app from 127.0.0.6" "$pod" $POD4 5000 --uid $PROXY_UID --src 127.0.0.6
flow "sidecar: call its own pod's address" "$pod" $POD4 5000 --uid $PROXY_UID
flow "demo app: call itself on the pod address" "$pod" $POD4 5000 --uid $APP_UID
flow "demo app: call localhost" "$pod" 127.0.0.1 5000 --uid $APP_UID
try "$pod" $PEER4 80 --udp --uid $APP_UID
printf '  demo app: a UDP datagram -> %s\n      answered by %s\n' "$PEER4:80" "$LINE"

pretty "meshredir show"
"$MR_TOOL" --netns "$pod" show

pretty "meshredir flush: back to direct connections"
"$MR_TOOL" --netns "$pod" flush
flow "demo app: call the remote service" "$pod" $PEER4 80 --uid $APP_UID
echo
