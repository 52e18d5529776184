#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kuma-diff: the same flow matrix, measured in this guest once behind Kuma's
# own iptables rules (tests/e2e/kuma/, loaded with iptables-restore
# --noflush, legacy and nft where they work) and once behind meshredir with
# the same kumactl flags. For every flow, where it landed (server, port,
# local address), who it came from, and its original destination must be the
# same. Nothing is expected beyond the matrix itself: both sides are
# measured. On the meshredir side a monitor listens while the flows run:
# each flow must give exactly one event (found by its 5-tuple, its source
# port chosen), the events' reasons must add up to the counters, and none
# may be dropped.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-monitor.sh"

KUMA=$E2E/kuma
GEN=$KUMA/gen-rules.py

# Configurations: name, then kumactl flags (the same for both sides).
CONFIGS=(
	"default|"
	"exclusions|--exclude-outbound-ports 81 --exclude-inbound-ports 5001 --exclude-outbound-ips 198.51.100.0/24,2001:db8:1::/64 --exclude-inbound-ips 198.51.100.1/32,2001:db8:1::1/128 --exclude-outbound-ports-for-uids tcp:82:1000"
	"include|--include-inbound-ports 5000,5002 --include-outbound-ports 80,82"
	"no-inbound|--redirect-inbound=false"
	"no-outbound|--redirect-outbound=false"
	# include and exclude given together (include wins, both ways), an
	# inbound source exclusion ahead of include, a UID range, and a port
	# excluded for the proxy's own UID ahead of B3 (proxy-to-pod-81)
	"precedence|--include-outbound-ports 80,81 --exclude-outbound-ports 80 --include-inbound-ports 5000,5001 --exclude-inbound-ports 5000 --exclude-inbound-ips 198.51.100.1/32,2001:db8:1::1/128 --exclude-outbound-ports-for-uids tcp:82:999-1000 --exclude-outbound-ports-for-uids 81:5678"
	# the pod's own address excluded: A2 ahead of B3 (proxy-to-pod)
	"pod-ip-excluded|--exclude-outbound-ips 192.0.2.2/32,2001:db8::2/128"
	"ipv4-only|--ip-family-mode ipv4"
	# DNS: resolv.conf lists PEER's two addresses (dns_servers); a udp
	# exclusion for root's DNS; the zone split off
	"dns|--redirect-dns"
	"dns-all|--redirect-all-dns-traffic --exclude-outbound-ports-for-uids udp:53:0"
	"dns-no-split|--redirect-dns --skip-dns-conntrack-zone-split --redirect-dns-port 15053"
	# vnet: the pod routes CTR's network, behind dock0, and EXT's, behind
	# ext0 (no vnet interface); V1 without DNS capture; then a prefix, with
	# DNS capture (the zone split off: with it, Kuma's rules answer CTR's
	# query from the DNS port, which vnet.sh shows beside meshredir's), V2
	# ahead of an inbound exclusion of CTR and of a disabled outbound
	"vnet|--vnet dock0:203.0.113.0/25 --vnet dock0:2001:db8:17::/64"
	"vnet-prefix|--vnet dock+:203.0.113.0/25 --vnet dock+:2001:db8:17::/64 --redirect-dns --skip-dns-conntrack-zone-split --exclude-inbound-ips 203.0.113.2/32,2001:db8:17::2/128 --redirect-outbound=false"
	# Docker: every pod, both sides, carries Docker's nat rules for its
	# embedded DNS (docker_rules), loaded before Kuma's, and its responder
	# on 127.0.0.11's two ports; resolv.conf lists 127.0.0.11 first, as in
	# such a container. With a server list and the zone split, and with
	# capture-all, where kumactl and meshredir switch the split off
	# themselves in IPv4, whose nat table has the chain, and keep IPv6's;
	# and without DNS capture, where Docker's jump still precedes Kuma's
	# appended rules.
	"docker|--redirect-dns"
	"docker-all|--redirect-all-dns-traffic"
	"docker-nodns|"
)
# Where Kuma's zones lose an answer that meshredir's deliver (module/KUMA.md),
# with what meshredir gives: in the Docker family with a server list, the
# proxy's own query to a listed server comes back to its DNS port (D1, D2)
# in zone 1 (D4); the proxy's answer, zoned 2 by D5, finds no entry there
# and leaves un-NATed, which the asker drops.
declare -A KUMA_LOST=(
	["docker:v4 dns-proxy"]="dnsproxy udp port=15053 local=127.0.0.1:15053 peer=$POD4"
)
# resolv.conf's nameservers in the DNS configurations, both sides.
DNS_SERVERS=$PEER4,$PEER6
DOCKER_DNS=127.0.0.11
servers_of() { case $1 in docker*) echo "$DOCKER_DNS,$DNS_SERVERS" ;; *) echo "$DNS_SERVERS" ;; esac; }

# Docker's nat rules in a container on a user-defined network, its
# embedded DNS listening on 43000 (TCP) and 43001 (UDP) of 127.0.0.11.
docker_rules() {
	cat <<-EOF
	*nat
	:DOCKER_OUTPUT - [0:0]
	:DOCKER_POSTROUTING - [0:0]
	-A OUTPUT -d $DOCKER_DNS/32 -j DOCKER_OUTPUT
	-A POSTROUTING -d $DOCKER_DNS/32 -j DOCKER_POSTROUTING
	-A DOCKER_OUTPUT -d $DOCKER_DNS/32 -p tcp -m tcp --dport 53 -j DNAT --to-destination $DOCKER_DNS:43000
	-A DOCKER_OUTPUT -d $DOCKER_DNS/32 -p udp -m udp --dport 53 -j DNAT --to-destination $DOCKER_DNS:43001
	-A DOCKER_POSTROUTING -s $DOCKER_DNS/32 -p tcp -m tcp --sport 43000 -j SNAT --to-source :53
	-A DOCKER_POSTROUTING -s $DOCKER_DNS/32 -p udp -m udp --sport 43001 -j SNAT --to-source :53
	COMMIT
	EOF
}

# The debug kernel is there for KASAN, lockdep and kmemleak, and is many
# times slower under TCG: it runs the default configuration only (all three
# sides); 6.1 and 6.12 run them all.
if [ "$MR_KERNEL" = debug ]; then
	CONFIGS=("${CONFIGS[0]}")
fi

# flows FAMILY CONFIG: "name|where|addr|port|mr-connect args" (where: pod,
# peer, or for a vnet configuration ctr and ext, the networks behind pod).
flows() {
	local f=$1 POD PEER OTHER LOCAL PASS GW
	if [ "$f" = 4 ]; then
		POD=$POD4 PEER=$PEER4 OTHER=$OTHER4 LOCAL=127.0.0.1 PASS=127.0.0.6
		GW=203.0.113.1
	else
		POD=$POD6 PEER=$PEER6 OTHER=$OTHER6 LOCAL=::1 PASS=::6 GW=2001:db8:17::1
	fi
	case $2 in
	docker*)
		[ "$f" = 4 ] && cat <<-EOF
		docker-dns-app|pod|$DOCKER_DNS|53|--udp --uid $APP_UID
		docker-dns-proxy|pod|$DOCKER_DNS|53|--udp --uid $PROXY_UID
		docker-dns-root|pod|$DOCKER_DNS|53|--udp
		docker-dns-tcp-app|pod|$DOCKER_DNS|53|--uid $APP_UID
		docker-dns-tcp-proxy|pod|$DOCKER_DNS|53|--uid $PROXY_UID
		docker-proxy-other|pod|$OTHER|53|--udp --uid $PROXY_UID
		docker-proxy-localhost|pod|$LOCAL|53|--udp --uid $PROXY_UID
		docker-tcp-proxy-5000|pod|$DOCKER_DNS|5000|--uid $PROXY_UID
		EOF
		;;
	vnet*)
		cat <<-EOF
		vnet-tcp-peer|ctr|$PEER|80|
		vnet-tcp-other|ctr|$OTHER|5000|
		vnet-tcp-pod|ctr|$POD|5000|
		vnet-tcp-cidr|ctr|$GW|5000|
		vnet-tcp-cidr-5001|ctr|$GW|5001|
		vnet-dns|ctr|$PEER|53|--udp
		vnet-dns-other|ctr|$OTHER|53|--udp
		vnet-dns-gw|ctr|$GW|53|--udp
		vnet-udp-5000|ctr|$PEER|5000|--udp
		ext-tcp-peer|ext|$PEER|80|
		ext-dns|ext|$PEER|53|--udp
		EOF
		;;
	esac
	cat <<-EOF
	app-out|pod|$PEER|80|--uid $APP_UID
	app-out-other-dst|pod|$OTHER|80|--uid $APP_UID
	root-out|pod|$PEER|80|
	proxy-out|pod|$PEER|80|--uid $PROXY_UID
	app-out-81|pod|$PEER|81|--uid $APP_UID
	app-out-82|pod|$PEER|82|--uid $APP_UID
	root-out-82|pod|$PEER|82|
	app-to-pod|pod|$POD|5000|--uid $APP_UID
	proxy-to-pod|pod|$POD|5000|--uid $PROXY_UID
	proxy-to-pod-81|pod|$POD|81|--uid $PROXY_UID
	app-localhost|pod|$LOCAL|5000|--uid $APP_UID
	proxy-localhost|pod|$LOCAL|5000|--uid $PROXY_UID
	passthrough-proxy|pod|$POD|5000|--uid $PROXY_UID --src $PASS
	passthrough-app|pod|$POD|5000|--uid $APP_UID --src $PASS
	in|peer|$POD|5000|
	in-5001|peer|$POD|5001|
	in-5002|peer|$POD|5002|
	in-other-src|peer|$POD|5000|--src $OTHER
	in-to-15006|peer|$POD|15006|
	dns-app|pod|$PEER|53|--udp --uid $APP_UID
	dns-root|pod|$PEER|53|--udp
	dns-proxy|pod|$PEER|53|--udp --uid $PROXY_UID
	dns-app-other|pod|$OTHER|53|--udp --uid $APP_UID
	dns-tcp-app|pod|$PEER|53|--uid $APP_UID
	dns-tcp-proxy|pod|$PEER|53|--uid $PROXY_UID
	dns-tcp-app-other|pod|$OTHER|53|--uid $APP_UID
	udp-app-5000|pod|$PEER|5000|--udp --uid $APP_UID
	EOF
	if [ "$f" = 4 ]; then
		cat <<-EOF
		app-to-127.0.0.2|pod|127.0.0.2|5000|--uid $APP_UID
		proxy-to-127.0.0.2|pod|127.0.0.2|5000|--uid $PROXY_UID
		EOF
	fi
}

# measure POD PEER CI FLAGS CONFIG: one line per flow, "vF name: result", where result
# is mr-server's first line without the peer's port, or the error. All
# flows go through one `mr-connect --batch`: far fewer processes under TCG.
# Each flow's source port is 20000 + 100 CI + its number, unique over the
# configurations; $WORK/tuples has "vF name|proto|sport|dst:port|N" per
# flow, N the events it must give under FLAGS (see counted).
measure() {
	local p=$1 q=$2 sport=$((20000 + 100 * $3)) flags=$4 f name where addr port args ns proto
	: >"$WORK/batch"
	: >"$WORK/names"
	: >"$WORK/tuples"
	for f in 4 6; do
		flows $f "$5" >"$WORK/flows.v$f"
		while IFS='|' read -r name where addr port args; do
			case $where in
			pod) ns=$p ;;
			peer) ns=$q ;;
			*) ns=${p%-pod}-$where ;;
			esac
			sport=$((sport + 1))
			echo "$addr $port --netns $ns --sport $sport $args --timeout 3" >>"$WORK/batch"
			echo "v$f $name" >>"$WORK/names"
			[[ " $args " == *" --udp "* ]] && proto=udp || proto=tcp
			echo "v$f $name|$proto|$sport|$(fmt_addr "$addr" "$port")|$(counted "$flags" $f $proto $port "$where")" \
				>>"$WORK/tuples"
		done <"$WORK/flows.v$f"
	done
	"$CONNECT" --batch <"$WORK/batch" | awk -v names="$WORK/names" '
		/^rc=/ {
			getline name <names
			if (first ~ /^error: /) {
				split(first, w, " ")
				first = w[1] " " w[2]
			} else if (first == "") {
				first = "no output, " $0
			} else {
				n = split(first, w, " ")
				first = w[1]
				for (i = 2; i <= n; i++) {
					if (w[i] ~ /^peer=/)
						sub(/:[0-9]+$/, "", w[i])
					first = first " " w[i]
				}
			}
			print name ": " first
			first = ""
			next
		}
		first == "" { first = $0 }'
}

# apply_SIDE NS CONFIG: loads CONFIG's rules or configuration in NS,
# replacing what was there; fails if that side cannot run here.
apply_iptables() { # apply_iptables VARIANT NS CONFIG
	local variant=$1 ns=$2 cfg=$3 f t
	for f in 4 6; do
		[ $f = 4 ] && t=iptables-$variant || t=ip6tables-$variant
		n "$ns" "$t" -t nat -F && n "$ns" "$t" -t nat -X &&
			{ n "$ns" "$t" -t raw -F 2>/dev/null || true; } || return 1
		if [[ $f = 4 && $cfg = docker* ]]; then
			docker_rules | n "$ns" "$t-restore" --noflush || return 1
		fi
		n "$ns" "$t-restore" --noflush <"$WORK/$cfg.rules.v$f" || return 1
	done
}
apply_legacy() { apply_iptables legacy "$@"; }
apply_nft() { apply_iptables nft "$@"; }
# meshredir starts from nothing too, as Kuma's rules are loaded anew: a set
# over the last configuration would keep IPv6 conntrack after ipv4-only (a
# family stays until flush, for the connections it redirected), where
# Kuma's rules, gone, take it with them, and SO_ORIGINAL_DST of a flow
# that passes would then find an entry on one side only.
# install reads the nameservers from the resolv.conf it is given.
# Docker's rules go in with the first iptables variant that takes them.
MR_DOCKER=''
apply_meshredir() {
	local v resolv=$WORK/resolv.conf
	mr "$1" flush || return 1
	if [ -n "$MR_DOCKER" ]; then
		n "$1" "$MR_DOCKER" -t nat -F && n "$1" "$MR_DOCKER" -t nat -X || return 1
		MR_DOCKER=''
	fi
	if [[ $2 = docker* ]]; then
		resolv=$WORK/resolv.docker.conf
		# Both readers of install: nftables first for one, legacy for the other.
		for v in $([ "$2" = docker-all ] && echo legacy nft || echo nft legacy); do
			docker_rules | n "$1" "iptables-$v-restore" --noflush &&
				MR_DOCKER=iptables-$v && break
		done
		[ -n "$MR_DOCKER" ] || return 1
		echo "# Docker's rules loaded with $MR_DOCKER"
	fi
	# shellcheck disable=SC2086
	mr "$1" install transparent-proxy ${FLAGS[$2]} --verbose \
		--config "{redirect: {dns: {resolvConfigPath: $resolv}}}"
}
printf 'nameserver %s\n' ${DNS_SERVERS//,/ } >"$WORK/resolv.conf"
printf 'nameserver %s\n' $DOCKER_DNS ${DNS_SERVERS//,/ } >"$WORK/resolv.docker.conf"

# counted FLAGS FAMILY PROTO PORT WHERE: 1 if a flow is classified, and so
# counted and announced, under kumactl FLAGS (uapi/linux/meshredir.h): TCP
# of a family the configuration has (a first SET of ipv4 mode registers
# nothing for IPv6); UDP to port 53 sent by the pod with DNS capture, or
# arriving from the container behind a vnet interface (V1), DNS capture
# or not; else 0.
counted() {
	local flags=" $1 "
	if [ "$2" = 6 ] && [[ $flags == *" --ip-family-mode ipv4 "* ]]; then
		echo 0
	elif [ "$3" = tcp ]; then
		echo 1
	elif [ "$4" = 53 ] && [ "$5" = ctr ]; then
		echo 1
	elif [ "$4" = 53 ] && [ "$5" = pod ] &&
	     [[ $flags == *" --redirect-dns "* || $flags == *" --redirect-all-dns-traffic "* ]]; then
		echo 1
	else
		echo 0
	fi
}

# mon_start monitor POD (lib-monitor.sh): `meshredir monitor` in POD, in
# the background, until it says it listens. monitor_check CFG POD: stops it
# and asserts that each flow of $WORK/tuples gave exactly one event, or none
# if it is not classified (dns-zoned ones, per packet, aside), that the
# events of each reason are as many as its counter and that none were
# dropped.
monitor_check() {
	local cfg=$1 p=$2 line n h r diff='' sum=0 total
	mon_stop monitor INT
	if [ "$MON_RC" = 0 ] && [ -n "$MON_RECV" ] && [ "$MON_DROP" = 0 ]; then
		total=$MON_RECV
		ok "$cfg/monitor: $total events, none dropped"
	else
		fail "$cfg/monitor: expected exit 0 and no event dropped, seen exit $MON_RC and '$MON_LAST'"
		return 0
	fi
	# Each event as "proto sport dst hook reason": the reason is the word
	# after the optional dev, ifindex, uid and gid pairs.
	awk '{
		i = 7
		while ($i == "dev" || $i == "ifindex" || $i == "uid" || $i == "gid")
			i += 2
		sport = $4; sub(/.*:/, "", sport)
		print $3, sport, $6, ($2 == "out" ? "local-out" : "pre-routing"), $i
	}' "$WORK/monitor.log" >"$WORK/events"
	# One awk for all flows (forks are dear under TCG): "1|text" for a flow
	# with as many events as it must have, "0|text" otherwise; then "count
	# HOOK/REASON N" for every reason seen.
	awk -F'|' '
		FNR == NR {
			key[FNR] = $1; tuple[FNR] = $2 " " $3 " " $4; want[FNR] = $5
			nflows = FNR
			next
		}
		{
			split($0, w, " ")
			count[w[4] "/" w[5]]++
			if (w[5] == "dns-zoned")
				next
			t = w[1] " " w[2] " " w[3]
			n[t]++
			seen[t] = seen[t] " " w[4] "/" w[5]
		}
		END {
			for (i = 1; i <= nflows; i++)
				print (n[tuple[i]] + 0 == want[i] ? 1 : 0) "|" key[i] " (" tuple[i] "): " \
					(n[tuple[i]] + 0) " event(s)" seen[tuple[i]] ", expected " want[i]
			for (c in count)
				print "count " c " " count[c]
		}' "$WORK/tuples" "$WORK/events" >"$WORK/matched"
	declare -A evn=()
	while IFS= read -r line; do
		case $line in
		"count "*) read -r _ h n <<<"$line"; evn[$h]=$n ;;
		1\|*) ok "$cfg/monitor ${line#1|}" ;;
		*) fail "$cfg/monitor ${line#0|}" ;;
		esac
	done <"$WORK/matched"
	# The events of each reason, against the counters.
	if ! read_counters "$p"; then
		fail "$cfg/monitor: $CTR_ERR"
		return 0
	fi
	for h in "${HOOKS[@]}"; do
		for r in "${REASONS[@]}"; do
			sum=$((sum + ${CTR[$h:$r]}))
			[ "${evn[$h/$r]:-0}" = "${CTR[$h:$r]}" ] ||
				diff="$diff $h/$r: counter ${CTR[$h:$r]}, events ${evn[$h/$r]:-0};"
		done
	done
	if [ -z "$diff" ] && [ "$sum" = "$total" ]; then
		ok "$cfg/monitor: the events of each reason are its counter's increments ($sum)"
	else
		fail "$cfg/monitor: events and counters differ:$diff total: counters $sum, events $total"
	fi
}

# docker_check CFG POD: install found Docker's chain, sent its address,
# and, with capture-all only, switched the zone split off in IPv4 alone,
# saying so; GET's split per family, and the monitor's dns-zoned events
# (monitor_check's $WORK/events) per family: IPv6's split at work in
# docker-all, where IPv4 has none.
docker_check() {
	local cfg=$1 text warned='' want_warn='' split fam want seen
	local warn="warning: conntrack zone splitting is unsupported when capturing all DNS traffic"
	local -A want_split=([ipv4]=on [ipv6]=on) zoned=([ipv4]=0 [ipv6]=0)
	text=$(mr "$2" show 2>&1) || true
	[[ $cfg = docker-all ]] && want_split[ipv4]=off &&
		want_warn="meshredir: install: $warn inside Docker containers with custom networks (Docker's DOCKER_OUTPUT chain is in the iptables-${MR_DOCKER#iptables-} nat table): the zone split is off for IPv4"
	warned=$(grep -F "$warn" "$WORK/apply.log" || true)
	assert_eq "$cfg: --verbose names the chain found" \
		"# iptables-${MR_DOCKER#iptables-} nat table in network namespace $2: has Docker's DOCKER_OUTPUT chain" \
		"$(grep -F "has Docker's DOCKER_OUTPUT chain" "$WORK/apply.log")"
	assert_eq "$cfg: show lists Docker's DNS" "  docker: $DOCKER_DNS/32" \
		"$(grep '^  docker: ' <<<"$text")"
	assert_eq "$cfg: the zone split warnings on stderr" "$want_warn" "$warned"
	split=$(grep '^  conntrack-zone-split: ' <<<"$text" || true)
	# Without DNS capture, show has no zone split to print.
	if [[ $cfg = docker-nodns ]]; then
		assert_eq "$cfg: show's zone split" "" "$split"
		return 0
	fi
	split=${split#  conntrack-zone-split: }
	if [ -s "$WORK/events" ]; then
		while read -r fam seen; do
			zoned[$fam]=$seen
		done < <(awk '$5 == "dns-zoned" { n[$3 ~ /^\[/ ? "ipv6" : "ipv4"]++ }
			END { print "ipv4", n["ipv4"] + 0; print "ipv6", n["ipv6"] + 0 }' "$WORK/events")
	else
		fail "$cfg: no monitor events to count dns-zoned ones in"
	fi
	for fam in ipv4 ipv6; do
		seen=off
		[[ ,$split, = *,$fam,* ]] && seen=on
		assert_eq "$cfg: GET's zone split in $fam (show: $split)" "${want_split[$fam]}" "$seen"
		want=none seen=none
		[ "${want_split[$fam]}" = on ] && want=some
		[ "${zoned[$fam]}" -gt 0 ] && seen=some
		assert_eq "$cfg: dns-zoned events of $fam queries (${zoned[$fam]})" "$want" "$seen"
	done
}

pretty "kuma-diff on kernel $MR_KERNEL"
for f in "$SERVER" "$CONNECT" "$MR_TOOL"; do
	[ -x "$f" ] || { echo "missing $f" >&2; exit 1; }
done
mr_load
# Best effort: the rig preloads most of these; x_tables targets may be missing.
for m in xt_REDIRECT xt_owner xt_multiport xt_tcpudp xt_CT xt_nat nft_compat nft_chain_nat; do
	modprobe -q "$m" 2>/dev/null || true
done

# Every configuration's rules (one python3 each: slow to start under TCG).
declare -A FLAGS
names=()
for entry in "${CONFIGS[@]}"; do
	cfg=${entry%%|*}
	names+=("$cfg")
	FLAGS[$cfg]=${entry#*|}
	docker=''
	[[ $cfg = docker* ]] && docker=--docker-output
	# shellcheck disable=SC2086
	"$PYTHON" "$GEN" --out "$WORK/$cfg.rules" ${FLAGS[$cfg]} --dns-servers "$(servers_of "$cfg")" \
		$docker
done
for f in 4 6; do
	if diff -u "$KUMA/kuma-default.rules.v$f" "$WORK/default.rules.v$f" >"$WORK/gen.diff"; then
		ok "kuma-default.rules.v$f is gen-rules.py's default output"
	else
		fail "kuma-default.rules.v$f differs from gen-rules.py's default: $(cat "$WORK/gen.diff")"
	fi
	# The reference side loads the committed file itself.
	cp "$KUMA/kuma-default.rules.v$f" "$WORK/default.rules.v$f"
done

# One pod per side, reconfigured for each configuration.
sides=(meshredir legacy nft)
# The DNS proxy makes its socket as the proxy's UID (not --uid, which
# drops privileges after): the owner match reads the socket's file, and its
# answers must be the proxy's (D5).
user_bin
mkdir -m 1777 "$WORK/run"
for side in "${sides[@]}"; do
	topology "$ID-$side-pod" "$ID-$side-peer"
	container "$ID-$side-pod" "$ID-$side-peer" "$ID-$side-ctr" dock0 0
	container "$ID-$side-pod" "$ID-$side-peer" "$ID-$side-ext" ext0 1
	n "$ID-$side-pod" setpriv --reuid=$PROXY_UID --regid=$PROXY_UID --clear-groups \
		"$U_SERVER" dnsproxy 15053 --udp --pidfile "$WORK/run/dnsproxy.$side.pid" \
		>"$WORK/dnsproxy.$side.log" 2>&1 </dev/null &
	PENDING+=("$!:$WORK/run/dnsproxy.$side.pid:$WORK/dnsproxy.$side.log")
	disown
	server_bg "$ID-$side-peer" resolver 53 --udp
	server_bg "$ID-$side-pod" docker 43000,43001 --udp
done
servers_ready
ci=0
for cfg in "${names[@]}"; do
	pretty "config $cfg: ${FLAGS[$cfg]:-(defaults)}"
	refs=()
	ci=$((ci + 1))
	for side in "${sides[@]}"; do
		p=$ID-$side-pod q=$ID-$side-peer
		t0=$SECONDS
		if apply_$side "$p" "$cfg" >"$WORK/apply.log" 2>&1; then
			[ "$side" = meshredir ] && rm -f "$WORK/events" && mon_start monitor "$p"
			measure "$p" "$q" "$ci" "${FLAGS[$cfg]}" "$cfg" >"$WORK/$cfg.$side"
			[ "$side" = meshredir ] && monitor_check "$cfg" "$p"
			[ "$side" = meshredir ] && [[ $cfg = docker* ]] && docker_check "$cfg" "$p"
			log "# $cfg/$side: measured in $((SECONDS - t0)) s"
		elif [ "$side" = meshredir ]; then
			fail "$cfg: meshredir set ${FLAGS[$cfg]} failed: $(cat "$WORK/apply.log")"
		else
			log "# $cfg: iptables-$side does not work in this guest, side skipped: $(tail -n 3 "$WORK/apply.log")"
		fi
		[ "$side" != meshredir ] && [ -s "$WORK/$cfg.$side" ] || continue
		# The reference must itself redirect, or the comparison says nothing.
		if [ "$cfg" = no-outbound ] || [ "$cfg" = vnet-prefix ]; then
			sanity="v4 app-out: remote port=80 local=$PEER4:80 peer=$POD4 orig=none"
		else
			sanity="v4 app-out: sidecar port=15001 local=127.0.0.1:15001 peer=$POD4 orig=$PEER4:80"
		fi
		if grep -qxF "$sanity" "$WORK/$cfg.$side"; then
			ok "$cfg: Kuma's rules act under iptables-$side ($sanity)"
			refs+=("$side")
		else
			fail "$cfg: Kuma's rules under iptables-$side do not act as expected: expected '$sanity', seen '$(grep 'v4 app-out:' "$WORK/$cfg.$side")'"
		fi
	done
	if [ "${#refs[@]}" = 0 ]; then
		fail "$cfg: no iptables variant works in this guest; nothing to compare with"
		continue
	fi
	[ -s "$WORK/$cfg.meshredir" ] || continue
	declare -A got=()
	while IFS= read -r line; do
		got[${line%%: *}]=${line#*: }
	done <"$WORK/$cfg.meshredir"
	for side in "${refs[@]}"; do
		while IFS= read -r kline; do
			key=${kline%%: *}
			if [ "${got[$key]-missing}" = "${kline#*: }" ]; then
				ok "$cfg/$side $key: ${kline#*: }"
			elif [ -n "${KUMA_LOST[$cfg:$key]-}" ] && [ "${kline#*: }" = "error: timeout" ] &&
			     [ "${got[$key]-}" = "${KUMA_LOST[$cfg:$key]}" ]; then
				ok "$cfg/$side $key: Kuma's zones lose the answer (error: timeout), meshredir's deliver it: ${got[$key]}"
			else
				fail "$cfg $key: iptables-$side gives '${kline#*: }', meshredir gives '${got[$key]-nothing}'"
			fi
		done <"$WORK/$cfg.$side"
	done
	unset got
done
finish
