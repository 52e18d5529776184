#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# systemd-unit: the commands of tools/systemd/meshredir@.service and
# meshredir.service, as systemd would run them (no systemd in the guest):
# meshredir@NAME's ExecStart applies /etc/meshredir/NAME.yaml in the named
# namespace NAME, meshredir.service's /etc/meshredir/host.yaml in the
# namespace it runs in; ExecReload applies an edited file; a bad file fails
# the start and changes nothing; ExecStop removes the configuration, and
# its failure once the namespace is gone does not fail the stop.

. "$(dirname "$0")/lib.sh"
setup

UNITS=$MR_REPO/tools/systemd
ETC=$WORK/etc-meshredir
mkdir -p "$ETC"

# unit_cmd UNIT KEY [INSTANCE]: UNIT's KEY= command line with systemd's %i
# resolved, the tool and /etc/meshredir replaced by the ones of this test,
# one word a line (no word of these units has a space or a quote). A first
# line "-" says that systemd ignores the command's failure.
unit_cmd() {
	local line
	line=$(sed -n "s/^$2=//p" "$UNITS/$1")
	[ "${line:0:1}" = - ] && echo - && line=${line:1}
	line=${line//%i/${3:-}}
	line=${line//\/usr\/sbin\/meshredir/$MR_TOOL}
	tr ' ' '\n' <<< "${line//\/etc\/meshredir\//$ETC/}"
}

# run_unit UNIT KEY [INSTANCE] [NS]: runs the command as systemd would, with
# no shell (in NS when given, as a unit whose process lives there); its
# output in $WORK/unit.log. A failure systemd ignores is a success.
run_unit() {
	local -a cmd
	local ignore=
	mapfile -t cmd < <(unit_cmd "$1" "$2" "${3:-}")
	[ "${cmd[0]}" = - ] && ignore=1 && cmd=("${cmd[@]:1}")
	if [ -n "${4:-}" ]; then
		ip netns exec "$4" "${cmd[@]}" > "$WORK/unit.log" 2>&1
	else
		"${cmd[@]}" > "$WORK/unit.log" 2>&1
	fi || [ -n "$ignore" ]
}

# assert_unit WHAT UNIT COMMAND [INSTANCE [NETNS]]: run_unit succeeds.
assert_unit() {
	local what=$1
	shift
	if run_unit "$@"; then
		ok "$what succeeded"
	else
		fail "$what failed: $(cat "$WORK/unit.log")"
	fi
}

# The configuration as show --format yaml gives it, comments aside; what
# apply --dry-run of FILE says it would be, the same way.
shown() { mr "$1" show --format yaml | grep -v '^#'; }
planned() { "$MR_TOOL" apply --dry-run "$1" | grep -v '^#'; }

# assert_applied NS FILE DESC: the configuration of NS is the one of FILE.
assert_applied() {
	local want seen
	want=$(planned "$2") seen=$(shown "$1" 2>&1)
	if [ -n "$want" ] && [ "$want" = "$seen" ]; then
		ok "$3: $1 has the configuration of ${2##*/}"
	else
		echo "$want" > "$WORK/want.yaml"
		echo "$seen" > "$WORK/seen.yaml"
		fail "$3: $1 has not the configuration of ${2##*/}: $(diff "$WORK/want.yaml" "$WORK/seen.yaml" | head -n 20)"
	fi
}

cat > "$ETC/$pod.yaml" <<'EOF'
kumaDPUser: "5678"
redirect:
  inbound:
    excludePorts: [22, 8080]
  outbound:
    port: 15002
    excludePortsForIPs: ["198.51.100.0/24"]
EOF

pretty "meshredir@NAME: the named namespace /run/netns/NAME"
assert_not_configured "$pod" "before the start"
assert_unit "ExecStart of meshredir@$pod" meshredir@.service ExecStart "$pod"
assert_applied "$pod" "$ETC/$pod.yaml" "after ExecStart"
assert_not_configured "$peer" "after ExecStart of meshredir@$pod"

pretty "ExecReload applies the edited file"
sed -i 's/port: 15002/port: 15003/' "$ETC/$pod.yaml"
assert_unit "ExecReload of meshredir@$pod" meshredir@.service ExecReload "$pod"
assert_applied "$pod" "$ETC/$pod.yaml" "after ExecReload"
cp "$ETC/$pod.yaml" "$WORK/good.yaml"

pretty "a bad file fails the start and changes nothing"
printf 'redirect:\n  dns:\n    port: 0\n' > "$ETC/$pod.yaml"
if run_unit meshredir@.service ExecStart "$pod"; then
	fail "ExecStart with redirect.dns.port: 0 succeeded"
elif grep -q 'redirect.dns.port' "$WORK/unit.log"; then
	ok "ExecStart with redirect.dns.port: 0 failed, naming the field"
else
	fail "ExecStart with a bad file failed without naming redirect.dns.port: $(cat "$WORK/unit.log")"
fi
assert_applied "$pod" "$WORK/good.yaml" "after the failed start"

pretty "ExecStop removes the configuration"
assert_unit "ExecStop of meshredir@$pod" meshredir@.service ExecStop "$pod"
assert_not_configured "$pod" "after ExecStop"

pretty "meshredir.service: the namespace the unit runs in"
# A namespace of its own stands for the host's, which the next scripts use.
host=$ID-host
new_ns "$host"
cat > "$ETC/host.yaml" <<'EOF'
ipFamilyMode: ipv4
redirect:
  inbound:
    enabled: false
EOF
assert_unit "ExecStart of meshredir.service" meshredir.service ExecStart "" "$host"
assert_applied "$host" "$ETC/host.yaml" "meshredir.service run in $host"
assert_not_configured "$pod" "after ExecStart of meshredir.service"
assert_unit "ExecStop of meshredir.service" meshredir.service ExecStop "" "$host"
assert_not_configured "$host" "after ExecStop of meshredir.service"

pretty "ExecStop after the namespace is gone: nothing to remove, the stop succeeds"
gone=$ID-gone
new_ns "$gone"
cp "$WORK/good.yaml" "$ETC/$gone.yaml"
run_unit meshredir@.service ExecStart "$gone" || fail "ExecStart of meshredir@$gone failed: $(cat "$WORK/unit.log")"
ip netns del "$gone"
assert_unit "ExecStop of meshredir@$gone with the namespace deleted" meshredir@.service ExecStop "$gone"

finish
