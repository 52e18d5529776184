#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# related: a TCP connection a conntrack helper expected (RELATED), measured
# behind meshredir and behind Kuma's own iptables rules in two standard pods
# side by side, with the same kumactl flags (--exclude-outbound-ports 21)
# and the same helper rule (raw OUTPUT --dport 21 -j CT --helper ftp).
#
# The app (uid 1000) opens a control connection to the remote's port 21,
# excluded, hence direct; the remote (ftp-pasv.py) answers PASV with
# "227 ... (192,0,2,1,19,136)" (IPv4) and EPSV with "229 ... (|||5000|)"
# (IPv6). The ftp helper reads the reply and expects remote:5000; the app
# then connects there. That connection's first packet reaches the nat hooks
# RELATED, not NEW: Kuma's nat OUTPUT chain redirects it, and so must
# meshredir. Checked on each side and each family:
#
#  - the helper's expectation of pod -> remote:5000 (conntrack -L expect)
#    before the data connection;
#  - the data connection's SYN was RELATED (a mangle OUTPUT rule's counter)
#    and its conntrack entry is EXPECTED;
#  - it lands on the sidecar's 15001 with SO_ORIGINAL_DST remote:5000,
#    the same on both sides.
#
# nf_nat_ftp, the helper's NAT part, acts only on a control connection
# that NAT changed: this one is excluded, so it adds nothing. The flows run
# without it where it is a module (stock kernels), and again once it is
# loaded, as nft's ct helper objects load it.

. "$(dirname "$0")/lib.sh"

FTP=$E2E/helpers/ftp-pasv.py
DPORT=5000

setup
kpod=$ID-kpod
kpeer=$ID-kpeer
topology "$kpod" "$kpeer"

"$PYTHON" "$E2E/kuma/gen-rules.py" --out "$WORK/kuma" --exclude-outbound-ports 21
kuma_rules "$kpod" "$WORK/kuma.v4" "$WORK/kuma.v6" \
	"Kuma's rules (--exclude-outbound-ports 21)" legacy nft
mr_set "$pod" --exclude-outbound-ports 21

# The helper, and a counter of RELATED SYNs to the data port (mangle runs
# ahead of nat), in both pods.
for p in "$pod" "$kpod"; do
	for t in "$IPT" "$IP6T"; do
		if ! n "$p" "$t" -t raw -A OUTPUT -p tcp --dport 21 -j CT --helper ftp 2>"$WORK/ct.err"; then
			fail "$p: $t -t raw -j CT --helper ftp refused: $(cat "$WORK/ct.err")"
			finish
		fi
		n "$p" "$t" -t mangle -A OUTPUT -p tcp --dport $DPORT --tcp-flags SYN,ACK,RST SYN \
			-m conntrack --ctstate RELATED
	done
done

for q in "$peer" "$kpeer"; do
	ip netns exec "$q" "$PYTHON" "$FTP" server 21 $DPORT >"$WORK/ftp.$q.log" 2>&1 &
	disown
done
for q in "$peer" "$kpeer"; do
	for i in $(seq 600); do
		read -r l <"$WORK/ftp.$q.log" || true
		[ "$l" = ready ] && break
		sleep 0.1
	done
	[ "$l" = ready ] || { fail "ftp-pasv.py server in $q: $(cat "$WORK/ftp.$q.log")"; finish; }
done

# related_counts NS: the RELATED SYN counter of each family, "v4 v6".
related_counts() {
	local t c out=''
	for t in "$IPT" "$IP6T"; do
		c=$(n "$1" "$t" -t mangle -L OUTPUT -n -v -x | awk '/ctstate RELATED/ { print $1 }')
		out="$out${out:+ }${c:-none}"
	done
	echo "$out"
}

# run_side SIDE POD: the app's two FTP sessions (IPv4, then IPv6) from POD;
# between each reply and its data connection, the expectation; then the
# conntrack entries of the data connections. Leaves $WORK/SIDE.*.
run_side() {
	local side=$1 p=$2 i f l seen
	mkdir -m 755 "$WORK/$side"
	n "$p" "$PYTHON" "$FTP" client --uid $APP_UID "$WORK/$side" \
		"$PEER4" 21 "$PEER6" 21 >"$WORK/$side.client" 2>&1 &
	local cpid=$!
	for i in 1 2; do
		[ $i = 1 ] && f=ipv4 || f=ipv6
		seen=no
		for _ in $(seq 600); do
			while read -r l; do
				[[ $l == "$i control: "* ]] && seen=yes
			done <"$WORK/$side.client"
			[ $seen = yes ] && break
			kill -0 $cpid 2>/dev/null || break
			sleep 0.1
		done
		n "$p" conntrack -L expect -f $f >"$WORK/$side.expect.$i" 2>/dev/null || true
		: >"$WORK/$side/go.$i"
	done
	wait $cpid || true
	for f in ipv4 ipv6; do
		n "$p" conntrack -L -f $f --status EXPECTED >"$WORK/$side.ct.$f" 2>/dev/null || true
		n "$p" conntrack -L -f $f >"$WORK/$side.all.$f" 2>/dev/null || true
	done
}

# line_of FILE PREFIX: the first line of FILE starting with PREFIX, without it.
line_of() {
	local l
	while read -r l; do
		[[ $l == "$2"* ]] && { echo "${l#"$2"}"; return 0; }
	done <"$1"
	return 0
}

# line_with FILE PATTERN: the first line of FILE that matches the glob
# PATTERN, padded with a blank at each end.
line_with() {
	local l
	while read -r l; do
		# shellcheck disable=SC2053
		[[ " $l " == $2 ]] && { echo "$l"; return 0; }
	done <"$1"
	return 0
}

# check_side SIDE POD: every check of one side's run, the RUNS-th.
check_side() {
	local side=$1 p=$2 i f a pa lo want exp ct data sp l
	local -a c
	read -ra c <<<"$(related_counts "$p")"
	for i in 1 2; do
		if [ $i = 1 ]; then
			f=4 a=$PEER4 pa=$POD4 lo=127.0.0.1
			want="227 Entering Passive Mode (192,0,2,1,19,136)"
		else
			f=6 a=$PEER6 pa=$POD6 lo=[::1]
			want="229 Entering Extended Passive Mode (|||$DPORT|)"
		fi
		l=$(line_of "$WORK/$side.client" "$i control: ")
		if [ "$l" = "$want" ]; then
			ok "$side: v$f control connection to remote:21 answered '$l'"
		else
			fail "$side: v$f control connection: expected '$want', seen '$l' ($(cat "$WORK/$side.client"))"
		fi
		exp=$(line_with "$WORK/$side.expect.$i" \
			"* src=$pa dst=$a sport=0 dport=$DPORT * master-src=$pa master-dst=$a * dport=21 * helper=ftp *")
		if [ -n "$exp" ]; then
			ok "$side: v$f expectation before the data connection: $exp"
		else
			fail "$side: v$f expected the ftp helper's expectation src=$pa dst=$a dport=$DPORT (master ... dport=21, helper=ftp), seen '$(tr '\n' ';' <"$WORK/$side.expect.$i")'"
		fi
		if [ "${c[$((i - 1))]}" = $RUNS ]; then
			ok "$side: v$f data connection's SYN was RELATED (mangle counter at $RUNS)"
		else
			fail "$side: v$f expected $RUNS RELATED SYN(s) to port $DPORT so far, the mangle counter says ${c[$((i - 1))]}"
		fi
		data=$(line_of "$WORK/$side.client" "$i data: ")
		# The data connection's entry, by its source port (peer=).
		sp=${data##* peer=} sp=${sp%% *} sp=${sp##*:}
		ct=$(line_with "$WORK/$side.ct.ipv$f" \
			"* src=$pa dst=$a sport=$sp dport=$DPORT src=${lo//[\[\]]/} dst=$pa sport=15001 dport=$sp *")
		if [ -n "$ct" ]; then
			ok "$side: v$f data connection is EXPECTED and redirected in conntrack: $ct"
		else
			fail "$side: v$f expected an EXPECTED entry $pa:$sp -> $a:$DPORT replied from ${lo//[\[\]]/}:15001, seen '$(tr '\n' ';' <"$WORK/$side.ct.ipv$f")'"
		fi
		# The filter's control: the control connection is listed, but not
		# as EXPECTED.
		l=$(line_with "$WORK/$side.all.ipv$f" "* src=$pa dst=$a sport=* dport=21 * helper=ftp *")
		if [ -n "$l" ] && [ -z "$(line_with "$WORK/$side.ct.ipv$f" "* dport=21 *")" ]; then
			ok "$side: v$f control connection is tracked with the helper, not EXPECTED: $l"
		else
			fail "$side: v$f expected the control connection (helper=ftp) listed, and not as EXPECTED; all: '$(tr '\n' ';' <"$WORK/$side.all.ipv$f")', EXPECTED: '$(tr '\n' ';' <"$WORK/$side.ct.ipv$f")'"
		fi
		check_landing "$side: v$f data connection to $(fmt_addr "$a" $DPORT)" "$data" \
			"sidecar@$lo:15001" 15001 "$(fmt_addr "$a" $DPORT)"
		echo "v$f ${data/ peer=* orig=/ orig=}" >>"$WORK/$side.landed"
	done
}

# both_sides WHEN: one run on each side, at the same time (python3 is slow
# to start under TCG), compared.
RUNS=0
both_sides() {
	local when=$1 pid
	RUNS=$((RUNS + 1))
	rm -rf "$WORK/meshredir" "$WORK/meshredir".* "$WORK/kuma" "$WORK/kuma".*
	mr "$pod" reset-counters
	run_side meshredir "$pod" &
	pid=$!
	run_side kuma "$kpod"
	wait $pid
	check_side meshredir "$pod"
	check_side kuma "$kpod"
	if cmp -s "$WORK/meshredir.landed" "$WORK/kuma.landed"; then
		ok "$when: the data connections land the same behind meshredir and Kuma's rules"
	else
		fail "$when: behind meshredir '$(tr '\n' ';' <"$WORK/meshredir.landed")', behind Kuma's rules '$(tr '\n' ';' <"$WORK/kuma.landed")'"
	fi
	assert_counters "$pod" "local-out:excluded-port=2 local-out:redirected-outbound=2"
}

# nat_ftp_state: loaded (a module), builtin, or absent. Built in, it has
# no /sys/module entry (no readable parameter), but its function is in
# kallsyms.
nat_ftp_state() {
	if grep -q '^nf_nat_ftp ' /proc/modules; then
		echo loaded
	elif grep -qE '^[0-9a-f]+ t nf_nat_ftp(\.[a-z0-9.]+)?$' /proc/kallsyms; then
		echo builtin
	else
		echo absent
	fi
}

nat_ftp=$(nat_ftp_state)
[ "$nat_ftp" = loaded ] && rmmod nf_nat_ftp 2>/dev/null && nat_ftp=absent
if [ "$nat_ftp" = absent ]; then
	pretty "RELATED data connections, nf_nat_ftp not loaded"
	both_sides "without nf_nat_ftp"
	modprobe nf_nat_ftp 2>"$WORK/modprobe.err" ||
		fail "modprobe nf_nat_ftp: $(cat "$WORK/modprobe.err")"
else
	log "# nf_nat_ftp is $nat_ftp here: the flows run with it only"
fi
nat_ftp=$(nat_ftp_state)
if [ "$nat_ftp" != absent ]; then
	ok "nf_nat_ftp is $nat_ftp"
else
	fail "nf_nat_ftp: expected it loaded or built in, found in neither /proc/modules nor /proc/kallsyms"
fi
pretty "RELATED data connections, nf_nat_ftp loaded"
both_sides "with nf_nat_ftp"
finish
