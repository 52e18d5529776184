#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# permissions: who may run which command (uapi/linux/meshredir.h). Every
# command, GET included, needs CAP_NET_ADMIN in the user namespace owning
# the network namespace:
#
#  - an unprivileged user (uid 1000, no capabilities) gets EPERM for SET,
#    GET, DEL and RESET_COUNTERS, and the tool says so in one line naming
#    the command and CAP_NET_ADMIN; the configuration and its counters stay;
#  - root of a user namespace that owns a network namespace (unshare --user
#    --map-root-user --net) configures that namespace, and its connections
#    are redirected; it gets EPERM on the host's namespace and on a
#    namespace made by the real root, and cannot enter the latter.
#
# Unprivileged user namespaces are switched on for the test and restored.

. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/lib-userns.sh"

# assert_denied DESC CMD WHAT...: the tool, run as WHAT..., fails with exit
# status 1 and the one line that names command CMD and CAP_NET_ADMIN.
assert_denied() {
	local desc=$1 cmd=$2 out rc=0 want
	shift 2
	want="meshredir: $cmd: permission denied: CAP_NET_ADMIN in the user namespace that owns the network namespace is needed (root, or root of that user namespace)"
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" = 1 ] && [ "$out" = "$want" ]; then
		ok "$desc: denied: $out"
	else
		fail "$desc: expected exit 1 and '$want', seen exit $rc and '$out'"
	fi
}

setup
user_bin
cd "$WORK"	# the unprivileged processes' working directory, not the checkout
allow_userns
if unchrooted "${UNPRIV[@]}" unshare --user --map-root-user true 2>"$WORK/userns.log"; then
	ok "an unprivileged user can make a user namespace"
else
	fail "unprivileged user namespaces do not work here: $(cat "$WORK/userns.log")"
fi

mr_set "$pod" --exclude-outbound-ports 81
assert_lands "$pod" "$PEER4" 80 sidecar 15001 "$PEER4:80" --uid $APP_UID
before=$(mr_json "$pod")

pretty "an unprivileged user: EPERM for every command, nothing changes"
assert_denied "set as uid $APP_UID in $pod" set n "$pod" "${UNPRIV[@]}" "$U_TOOL" set
assert_denied "install as uid $APP_UID in $pod" install \
	n "$pod" "${UNPRIV[@]}" "$U_TOOL" install transparent-proxy
assert_denied "show (GET) as uid $APP_UID in $pod" show n "$pod" "${UNPRIV[@]}" "$U_TOOL" show
assert_denied "show --json (GET) as uid $APP_UID in $pod" show \
	n "$pod" "${UNPRIV[@]}" "$U_TOOL" show --json
assert_denied "flush (DEL) as uid $APP_UID in $pod" flush n "$pod" "${UNPRIV[@]}" "$U_TOOL" flush
assert_denied "reset-counters as uid $APP_UID in $pod" reset-counters \
	n "$pod" "${UNPRIV[@]}" "$U_TOOL" reset-counters
assert_denied "show as uid $APP_UID in the host's namespace" show unpriv "$U_TOOL" show
after=$(mr_json "$pod")
if [ "$after" = "$before" ]; then
	ok "$pod: configuration and counters unchanged after the denied commands"
else
	fail "$pod: show --json changed after denied commands: before $before, after $after"
fi
assert_counter "$pod" local-out redirected-outbound 1
out=$(unpriv "$U_TOOL" --netns "$pod" show 2>&1) && rc=0 || rc=$?
if [ "$rc" = 1 ] && [[ $out == "meshredir: --netns: cannot enter the network namespace of /run/netns/$pod: "*"(CAP_SYS_ADMIN is needed)" ]]; then
	ok "uid $APP_UID cannot enter $pod: $out"
else
	fail "uid $APP_UID --netns $pod: expected exit 1 and a CAP_SYS_ADMIN message, seen exit $rc and '$out'"
fi

pretty "root of a user namespace: its own network namespace, and no other"
# The inner script: in a network namespace owned by the user namespace it
# runs in, as that namespace's root. One "key: value" line per result.
cat >"$WORK/inner.sh" <<'EOF'
set -e
ip link set lo up
ip link add v0 type veth peer name v1
ip addr add 192.0.2.2/24 dev v0
ip link set v0 up
ip link set v1 up
"$SERVER" sidecar 15001 --pidfile "$U/sidecar.pid" >"$U/sidecar.log" 2>&1 &
for i in $(seq 200); do [ -s "$U/sidecar.pid" ] && break; sleep 0.05; done
echo "uid: $(id -u)"
echo "set: $("$MR_TOOL" set --exclude-outbound-ports 81 2>&1 && echo ok)"
echo "connect: $("$CONNECT" 192.0.2.1 80 --timeout 5 2>&1 | head -n 1)"
echo "show: $("$MR_TOOL" show --json 2>&1 | tr -d '\n')"
echo "reset-counters: $("$MR_TOOL" reset-counters 2>&1 && echo ok)"
echo "enter: $("$MR_TOOL" --netns "$POD" show 2>&1 || true)"
echo "flush: $("$MR_TOOL" flush 2>&1 && echo ok)"
echo "after-flush: $("$MR_TOOL" show --json 2>&1 | tr -d '\n')"
kill "$(cat "$U/sidecar.pid")"
EOF
# A directory the user namespace's root (uid 1000 outside) may write.
mkdir "$WORK/u"
chown $APP_UID:$APP_UID "$WORK/u"
if ! unchrooted "${UNPRIV[@]}" env SERVER="$U_SERVER" CONNECT="$U_CONNECT" MR_TOOL="$U_TOOL" \
	U="$WORK/u" POD="$pod" unshare --user --map-root-user --net bash "$WORK/inner.sh" \
	>"$WORK/inner.out" 2>&1; then
	fail "the script in a new user and network namespace failed: $(cat "$WORK/inner.out")"
fi
# inner KEY: its value.
inner() { sed -n "s/^$1: //p" "$WORK/inner.out"; }
# check_inner KEY REGEX DESC
check_inner() {
	local v
	v=$(inner "$1")
	if [[ $v =~ $2 ]]; then
		ok "user namespace root: $3: $v"
	else
		fail "user namespace root: $3: expected /$2/, seen '$v'"
	fi
}
check_inner uid '^0$' "runs as uid 0 of its user namespace"
check_inner set '^ok$' "set in its own network namespace"
check_inner connect '^sidecar port=15001 local=127\.0\.0\.1:15001 peer=[^ ]+ orig=192\.0\.2\.1:80$' \
	"a connection to 192.0.2.1:80 there is redirected"
check_inner show '"exclude-ports": \[\{"first": 81, "last": 81\}\].*"redirected-outbound": 1' \
	"show (GET) there: its configuration and counters"
check_inner reset-counters '^ok$' "reset-counters there"
check_inner enter "^meshredir: --netns: cannot enter the network namespace of /run/netns/$pod: .*\(CAP_SYS_ADMIN is needed\)$" \
	"cannot enter $pod, made by the real root"
check_inner flush '^ok$' "flush (DEL) there"
check_inner after-flush '^\{"configured": false\}$' "nothing configured there after flush"

for c in set show flush reset-counters; do
	assert_denied "$c as root of a user namespace, in the host's network namespace" "$c" \
		unchrooted "${UNPRIV[@]}" unshare --user --map-root-user "$U_TOOL" "$c"
	assert_denied "$c as root of a user namespace, in $pod (owned by the real root)" "$c" \
		unchrooted ip netns exec "$pod" "${UNPRIV[@]}" unshare --user --map-root-user \
		"$U_TOOL" "$c"
done
after=$(mr_json "$pod")
if [ "$after" = "$before" ]; then
	ok "$pod: configuration and counters unchanged after the user namespace's attempts"
else
	fail "$pod: show --json changed: before $before, after $after"
fi
finish
