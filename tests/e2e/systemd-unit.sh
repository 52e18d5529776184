#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# systemd-unit: the commands of tools/systemd/meshredir@.service, as systemd
# would run them (no systemd in the guest): ExecStart applies
# /etc/meshredir/NAME.yaml in the named namespace NAME, or, for instance
# "host", in the namespace it runs in; ExecReload applies an edited file;
# a bad file fails the start and changes nothing; ExecStop removes the
# configuration, and succeeds with nothing to do once the namespace is gone.

. "$(dirname "$0")/lib.sh"
setup

UNIT=$MR_REPO/tools/systemd/meshredir@.service
ETC=$WORK/etc-meshredir
mkdir -p "$ETC"

# unit_cmd KEY INSTANCE: the unit's KEY= command line for INSTANCE, as a
# shell command: systemd's %i and $$ resolved, the tool and
# /etc/meshredir replaced by the ones of this test.
unit_cmd() {
	local line
	line=$(sed -n "s/^$1=//p" "$UNIT")
	line=${line//%i/$2}
	line=${line//\$\$/\$}
	line=${line//\/usr\/sbin\/meshredir/$MR_TOOL}
	echo "${line//\/etc\/meshredir\//$ETC/}"
}

# run_unit KEY INSTANCE [NS]: runs it (in NS when given, as a unit whose
# process lives there); its output in $WORK/unit.log.
run_unit() {
	local cmd
	cmd=$(unit_cmd "$1" "$2")
	if [ -n "${3:-}" ]; then
		ip netns exec "$3" bash -c "$cmd" > "$WORK/unit.log" 2>&1
	else
		bash -c "$cmd" > "$WORK/unit.log" 2>&1
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
if run_unit ExecStart "$pod"; then
	ok "ExecStart of meshredir@$pod succeeded"
else
	fail "ExecStart of meshredir@$pod failed: $(cat "$WORK/unit.log")"
fi
assert_applied "$pod" "$ETC/$pod.yaml" "after ExecStart"
assert_not_configured "$peer" "after ExecStart of meshredir@$pod"

pretty "ExecReload applies the edited file"
sed -i 's/port: 15002/port: 15003/' "$ETC/$pod.yaml"
if run_unit ExecReload "$pod"; then
	ok "ExecReload of meshredir@$pod succeeded"
else
	fail "ExecReload of meshredir@$pod failed: $(cat "$WORK/unit.log")"
fi
assert_applied "$pod" "$ETC/$pod.yaml" "after ExecReload"
cp "$ETC/$pod.yaml" "$WORK/good.yaml"

pretty "a bad file fails the start and changes nothing"
printf 'redirect:\n  dns:\n    enabled: true\n' > "$ETC/$pod.yaml"
if run_unit ExecStart "$pod"; then
	fail "ExecStart with redirect.dns.enabled: true succeeded"
elif grep -q 'redirect.dns.enabled' "$WORK/unit.log"; then
	ok "ExecStart with redirect.dns.enabled: true failed, naming the field"
else
	fail "ExecStart with a bad file failed without naming redirect.dns.enabled: $(cat "$WORK/unit.log")"
fi
assert_applied "$pod" "$WORK/good.yaml" "after the failed start"

pretty "ExecStop removes the configuration"
if run_unit ExecStop "$pod"; then
	ok "ExecStop of meshredir@$pod succeeded"
else
	fail "ExecStop of meshredir@$pod failed: $(cat "$WORK/unit.log")"
fi
assert_not_configured "$pod" "after ExecStop"

pretty "meshredir@host: the namespace the unit runs in"
# A namespace of its own stands for the host's, which the next scripts use.
host=$ID-host
new_ns "$host"
cat > "$ETC/host.yaml" <<'EOF'
ipFamilyMode: ipv4
redirect:
  inbound:
    enabled: false
EOF
if run_unit ExecStart host "$host"; then
	ok "ExecStart of meshredir@host succeeded"
else
	fail "ExecStart of meshredir@host failed: $(cat "$WORK/unit.log")"
fi
assert_applied "$host" "$ETC/host.yaml" "meshredir@host run in $host"
assert_not_configured "$pod" "after ExecStart of meshredir@host"
if run_unit ExecStop host "$host"; then
	ok "ExecStop of meshredir@host succeeded"
else
	fail "ExecStop of meshredir@host failed: $(cat "$WORK/unit.log")"
fi
assert_not_configured "$host" "after ExecStop of meshredir@host"

pretty "ExecStop after the namespace is gone: nothing to remove"
gone=$ID-gone
new_ns "$gone"
cp "$WORK/good.yaml" "$ETC/$gone.yaml"
run_unit ExecStart "$gone" || fail "ExecStart of meshredir@$gone failed: $(cat "$WORK/unit.log")"
ip netns del "$gone"
if run_unit ExecStop "$gone"; then
	ok "ExecStop of meshredir@$gone succeeded with the namespace deleted"
else
	fail "ExecStop of meshredir@$gone failed with the namespace deleted: $(cat "$WORK/unit.log")"
fi

finish
