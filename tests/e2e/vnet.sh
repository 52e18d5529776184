#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vnet: the pod as the gateway of a Docker or bridge network (--vnet
# IFACE:CIDR, Kuma's redirect.vnet.networks). CTR sits behind the pod's
# dock0 (203.0.113.0/25, 2001:db8:17::/64), EXT behind its ext0, which is
# no vnet interface. The pod runs the DNS proxy, a dnsmasq as the proxy's
# UID on 15053 (who.test TXT "proxy"), PEER the upstream resolver (who.test
# TXT "upstream"):
#  - CTR's UDP/53, to any address, lands on the DNS proxy, DNS capture off
#    (V1);
#  - CTR's TCP to an address outside the CIDR lands on the outbound port at
#    dock0's address, SO_ORIGINAL_DST the address asked (V2); TCP to the
#    CIDR goes to the inbound rules;
#  - EXT's traffic is left to the usual rules: its DNS reaches PEER, its
#    TCP, routed through the pod, is inbound as under Kuma's rules;
#  - a trailing '+' makes the name a prefix; IPv6 as IPv4;
#  - with DNS capture and the zone split, side by side: under Kuma's rules
#    CTR gets the proxy's answer from dock0's address and port 15053
#    (helpers/dns-from.py shows it; dig, connected to the server, never
#    sees it); under meshredir from the server it asked;
#  - the kernel's own checks of the entries (helpers/nl-steps.py).

. "$(dirname "$0")/lib.sh"
setup
ctr=$ID-ctr ext=$ID-ext
container "$pod" "$peer" "$ext" ext0 1
egw4=$gw4 egw6=$gw6
container "$pod" "$peer" "$ctr" dock0 0
NET4=203.0.113.0/25 NET6=2001:db8:17::/64

TXT=who.test
dns_bg "$peer" upstream 0 53 $PEER4 $PEER6 -- --txt-record=$TXT,upstream
# Kuma's DNS proxy binds every address with vnet; dnsmasq the ones used.
dns_bg "$pod" proxy $PROXY_UID 15053 127.0.0.1 ::1 $gw4 $gw6 -- \
	--txt-record=$TXT,proxy --server=$PEER4 --no-negcache --cache-size=0

# dig waits 2 s for an answer here: a query Kuma's rules misroute gets none.
QUICK=+timeout=2
dns_ready $TXT "upstream $pod 0 $PEER4 $QUICK" "proxy $pod 0 $gw6 -p 15053 $QUICK"

# install NS ARGS...: install transparent-proxy, which must succeed.
install() {
	local ns=$1 out
	shift
	if out=$(mr "$ns" install transparent-proxy "$@" 2>&1); then
		ok "install transparent-proxy $*${out:+: $out}"
	else
		fail "install transparent-proxy $* failed: $out"
	fi
}
# assert_show WANT: show's vnet line.
assert_show() {
	local line
	line=$(mr "$pod" show | grep '^vnet: ') || true
	if [ "$line" = "vnet: $1" ]; then
		ok "show: $line"
	else
		fail "show: expected 'vnet: $1', seen '$line'"
	fi
}

pretty "Without vnet, the networks behind the pod are the usual inbound"
install "$pod"
assert_answer upstream "no vnet" "$ctr" 0 $PEER4 $TXT TXT $QUICK
assert_lands "$ctr" $PEER4 80 sidecar@$gw4:15006 15006 $PEER4:80

install "$pod" --vnet dock0:$NET4 --vnet dock0:$NET6
assert_show "dock0:$NET4,dock0:$NET6"
mr "$pod" reset-counters
for f in 4 6; do
	family $f
	if [ $f = 4 ]; then g=$gw4 gu=$gw4 eu=$egw4
	else g=$gw6 gu=[$gw6] eu=[$egw6]; fi
	pretty "IPv$f: UDP/53 from dock0, to any address, lands on the DNS proxy (V1)"
	assert_answer proxy "vnet, a resolver" "$ctr" 0 $peer_a $TXT TXT $QUICK
	assert_answer proxy "vnet, no resolver there" "$ctr" 0 $other $TXT TXT $QUICK
	assert_answer proxy "vnet, the gateway's port 53" "$ctr" 0 $g $TXT TXT $QUICK
	pretty "IPv$f: TCP from dock0 out of the CIDR lands on the outbound port (V2)"
	assert_lands "$ctr" $peer_a 80 sidecar@$gu:15001 15001 $peer_u:80
	assert_lands "$ctr" $other 5000 sidecar@$gu:15001 15001 $other_u:5000
	assert_lands "$ctr" $pod_a 5000 sidecar@$gu:15001 15001 $pod_u:5000
	pretty "IPv$f: TCP from dock0 to the CIDR goes to the inbound rules"
	assert_lands "$ctr" $g 5000 sidecar@$gu:15006 15006 $gu:5000
	pretty "IPv$f: ext0 is no vnet interface: its traffic keeps the usual rules"
	assert_answer upstream "ext0" "$ext" 0 $peer_a $TXT TXT $QUICK
	assert_lands "$ext" $peer_a 80 sidecar@$eu:15006 15006 $peer_u:80
	assert_udp "$ext" $peer_a 5000 remote
done
# Three queries and three connections a family.
assert_counter "$pod" pre-routing redirected-dns 6
assert_counter "$pod" pre-routing redirected-outbound 6
assert_counter "$pod" local-out redirected-dns 0

pretty "A later --vnet for the same interface and family replaces the earlier"
install "$pod" --vnet dock0:198.51.100.0/24 --vnet dock0:$NET4
assert_show "dock0:$NET4"
assert_lands "$ctr" $PEER4 80 sidecar@$gw4:15001 15001 $PEER4:80
pretty "An interface with an IPv4 CIDR only: IPv6 keeps the usual rules"
assert_lands "$ctr" $PEER6 80 sidecar@[$gw6]:15006 15006 [$PEER6]:80
assert_answer upstream "no IPv6 vnet" "$ctr" 0 $PEER6 $TXT TXT $QUICK

pretty "A trailing '+': every interface whose name starts with the rest"
install "$pod" --vnet "dock+:$NET4" --vnet "dock+:$NET6"
assert_show "dock+:$NET4,dock+:$NET6"
assert_lands "$ctr" $PEER4 80 sidecar@$gw4:15001 15001 $PEER4:80
assert_lands "$ctr" $PEER6 80 sidecar@[$gw6]:15001 15001 [$PEER6]:80
assert_answer proxy "dock+" "$ctr" 0 $PEER4 $TXT TXT $QUICK
assert_lands "$ext" $PEER4 80 sidecar@$egw4:15006 15006 $PEER4:80
install "$pod" --vnet "+:$NET4"
assert_lands "$ext" $PEER4 80 sidecar@$egw4:15001 15001 $PEER4:80

pretty "ip-family-mode ipv4: no IPv6 vnet, as no ip6tables rule"
install "$pod" --vnet "dock0:$NET6" --ip-family-mode ipv4
assert_answer upstream "ipv4 mode" "$ctr" 0 $PEER6 $TXT TXT $QUICK

pretty "Without DNS capture, V1 takes --redirect-dns-port all the same"
start_server "$pod" dns2 15054 --udp
install "$pod" --vnet dock0:$NET4 --redirect-dns-port 15054
try "$ctr" $PEER4 53 --udp
if [[ $LINE == "dns2 udp port=15054 local=$gw4:15054 peer=$ctr4:"* ]]; then
	ok "$DESC: $LINE"
else
	fail "$DESC: expected 'dns2 udp port=15054 local=$gw4:15054 ...', seen '$LINE'"
fi

pretty "Kuma's file: redirect.vnet.networks, written back by show --format yaml"
printf 'redirect:\n  vnet:\n    networks: ["dock0:%s", "dock0:%s"]\n' $NET4 $NET6 >"$WORK/vnet.yaml"
assert_cmd "apply a file with two networks" mr "$pod" apply "$WORK/vnet.yaml"
mr "$pod" show --format yaml >"$WORK/show.yaml"
mr "$pod" show --json >"$WORK/before.json"
assert_cmd "apply show --format yaml's output" mr "$pod" apply "$WORK/show.yaml"
mr "$pod" show --json >"$WORK/after.json"
grep -v '": [0-9]' "$WORK/before.json" >"$WORK/before" || true
grep -v '": [0-9]' "$WORK/after.json" >"$WORK/after" || true
if grep -q "dock0:$NET6" "$WORK/show.yaml" && cmp -s "$WORK/before" "$WORK/after"; then
	ok "the YAML round trip holds: $(grep -c 'dock0:' "$WORK/show.yaml") networks"
else
	fail "the YAML round trip: $(cat "$WORK/show.yaml")"
fi

# The zone split, side by side. A query arriving on dock0 is redirected to
# the proxy. Under Kuma's rules the proxy's answer, its socket the proxy's,
# is zoned 2 (D5), where the query's entry is not.
pretty "The zone split, Kuma's rules: the answer comes back from the DNS port"
mr "$pod" flush
"$PYTHON" "$E2E/kuma/gen-rules.py" --out "$WORK/kuma" --redirect-dns \
	--dns-servers $PEER4,$PEER6 --vnet dock0:$NET4 --vnet dock0:$NET6
n "$pod" conntrack -F >/dev/null 2>&1 || true
kuma_rules "$pod" "$WORK/kuma.v4" "$WORK/kuma.v6" "Kuma's DNS and vnet rules"
# assert_from WANT WHAT SERVER: dns-from.py in CTR: where the answer came from.
assert_from() {
	local out
	out=$(n "$ctr" "$PYTHON" "$E2E/helpers/dns-from.py" "$3" $TXT 2>&1) || true
	if [ "$out" = "$1" ]; then
		ok "$2: CTR asks $3, the answer comes from $out"
	else
		fail "$2: CTR asks $3: expected an answer from '$1', seen '$out'"
	fi
}
for f in 4 6; do
	family $f
	[ $f = 4 ] && g=$gw4 || g=$gw6
	assert_from "$g#15053 proxy" "IPv$f, Kuma's rules" $peer_a
	ask "$ctr" 0 $peer_a $TXT TXT $QUICK
	if [[ $ANSWER == *"timed out"* ]]; then
		ok "IPv$f, Kuma's rules: dig, its socket connected to $peer_a#53, gets nothing"
	else
		fail "IPv$f, Kuma's rules: expected dig to time out, seen '$ANSWER'"
	fi
done
n "$pod" $IPT -t nat -F
n "$pod" $IPT -t raw -F
n "$pod" $IP6T -t nat -F
n "$pod" $IP6T -t raw -F
n "$pod" conntrack -F >/dev/null 2>&1 || true

pretty "The zone split, meshredir: the answer comes from the server asked"
printf 'nameserver %s\nnameserver %s\n' $PEER4 $PEER6 >"$WORK/resolv.conf"
install "$pod" --redirect-dns --config \
	"{redirect: {dns: {resolvConfigPath: $WORK/resolv.conf}}}" \
	--vnet dock0:$NET4 --vnet dock0:$NET6
mr "$pod" reset-counters
for f in 4 6; do
	family $f
	assert_from "$peer_a#53 proxy" "IPv$f, meshredir" $peer_a
	assert_answer proxy "IPv$f, meshredir, zone split" "$ctr" 0 $peer_a $TXT TXT $QUICK
done
# Nothing is zoned: the queries arrive, and the proxy's answers find their
# entries in the default zone, where the queries are.
assert_counter "$pod" pre-routing dns-zoned 0
assert_counter "$pod" local-out dns-zoned 0
install "$pod" --redirect-dns --skip-dns-conntrack-zone-split --config \
	"{redirect: {dns: {resolvConfigPath: $WORK/resolv.conf}}}" \
	--vnet dock0:$NET4 --vnet dock0:$NET6
assert_answer proxy "IPv4, meshredir, no zone split" "$ctr" 0 $PEER4 $TXT TXT $QUICK

pretty "The kernel's own checks: a refused SET changes nothing"
# kset WANT ENTRIES [WHAT]: nl-steps.py's SET of these vnet entries
# (IF@CIDR,...), called WHAT in messages (default: the entries).
kset() {
	local out what=${3:-$2}
	out=$(n "$pod" "$PYTHON" "$E2E/helpers/nl-steps.py" "set-vnet:$2" 2>&1) || true
	if [ "$out" = "set vnet: $1" ]; then
		ok "SET vnet $what: $out"
	else
		fail "SET vnet $what: expected 'set vnet: $1', seen '$out'"
	fi
}
mr_json "$pod" >"$WORK/before.json"
kset "EINVAL: vnet: ifname: '+' only at the end" "x+y@203.0.113.0/25"
kset "EINVAL: vnet: ifname is empty" "@203.0.113.0/25"
kset "EINVAL: vnet: ifname is not a valid interface name" "a/b@203.0.113.0/25"
kset "EINVAL: vnet: malformed entry" "abcdefghijklmnop@203.0.113.0/25"
kset "EINVAL: vnet: ifname given twice for one family" "dock0@203.0.113.0/25,dock0@198.51.100.0/24"
kset "E2BIG: vnet: too many entries" \
	"$(for i in $(seq 0 64); do printf 'if%d@203.0.113.0/25,' $i; done | sed 's/,$//')" \
	"if0@203.0.113.0/25 ... if64@203.0.113.0/25 (65 entries)"
mr_json "$pod" >"$WORK/after.json"
if cmp -s "$WORK/before.json" "$WORK/after.json"; then
	ok "the refused SETs left the configuration as it was"
else
	fail "a refused SET changed the configuration: $(diff "$WORK/before.json" "$WORK/after.json" | head -n 6)"
fi
kset 0 "dock+@203.0.113.5/25,dock+@2001:db8:17::9/64,dock0@198.51.100.7/24"
assert_show "dock+:$NET4,dock+:$NET6,dock0:198.51.100.0/24"

pretty "flush: the networks behind the pod are the usual inbound again"
assert_cmd "flush" mr "$pod" flush
assert_answer upstream "after flush" "$ctr" 0 $PEER4 $TXT TXT $QUICK
finish
