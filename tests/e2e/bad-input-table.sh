#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bad-input-table: runs every case of bad-input.table (bad command lines and
# bad Kuma configuration files; the table's header says how to write one)
# with the real tool against a namespace holding a known configuration, and
# asserts for each its exact stderr line, its exit status, an empty stdout
# and that `show --json`, counters left out, is byte for byte what it was.
#
#   tests/e2e/bad-input-table.sh [TABLE]          in the guest (tests/qemu/run)
#   tests/e2e/bad-input-table.sh --host [TABLE]   no kernel: message and exit
#       status only, each case in a fresh empty network namespace when root
#       (unshare -n) so a case that wrongly parses cannot reach a loaded
#       module; cases marked "only: guest" are skipped
#
# One line per case: "ok - TABLE:LINE ..." or "not ok - TABLE:LINE: ARGS"
# followed by every difference seen.

MODE=guest
if [ "${1:-}" = --host ]; then
	MODE=host
	shift
	MR_MODULE=-
fi
. "$(dirname "$0")/lib.sh"
TABLE=${1:-$E2E/bad-input.table}
TNAME=$(basename "$TABLE")

[ -r "$TABLE" ] || { echo "no table $TABLE" >&2; exit 1; }
[ -x "$MR_TOOL" ] || { echo "missing $MR_TOOL (make tools?)" >&2; exit 1; }
MR_CNI=${MR_CNI:-$(dirname "$MR_TOOL")/meshredir-cni}
[ -x "$MR_CNI" ] || { echo "missing $MR_CNI (make tools?)" >&2; exit 1; }

# The known configuration: every setting away from its default, so that any
# set that got through, whole or in part, shows in show --json.
KNOWN=(--redirect-inbound-port 15016 --redirect-outbound-port 15011
	--exclude-inbound-ports 22,8000-8100 --include-inbound-ports 80-90,5000
	--exclude-inbound-ips 198.51.100.0/24,2001:db8:1::/64
	--redirect-outbound=false --exclude-outbound-ports 81
	--include-outbound-ports 1-1000 --exclude-outbound-ips 203.0.113.7,2001:db8:2::/48
	--exclude-outbound-ports-for-uids tcp:443,8443:2000-2010
	--kuma-dp-user 4321 --owner-uid 3000-3009 --owner-gid 5679
	--ip-family-mode ipv4)

# config_json: show --json of $ns without its counters (traffic the test
# does not make, such as a stray connection, must not fail it).
config_json() {
	local json
	json=$(mr "$ns" show --json 2>&1) || json="show --json failed: $json"
	printf '%s' "${json%%,$'\n'  \"counters\":*}"
}

# as_line TEXT: TEXT on one line, newlines shown as \n.
as_line() { local s=${1//$'\n'/\\n}; printf '%s' "$s"; }

if [ "$MODE" = guest ]; then
	pretty "$TEST on kernel $MR_KERNEL"
	mr_load
	ns=$ID-pod
	new_ns "$ns"
	mr_set "$ns" "${KNOWN[@]}"
	BEFORE=$(config_json)
	# The snapshot must be a real configuration, or nothing is compared.
	if [[ $BEFORE == *'"configured": true'* && $BEFORE == *'"port": 15016'* &&
	      $BEFORE == *'"owner-gids": [{"first": 5679, "last": 5679}]'* ]]; then
		ok "$ns holds the known configuration"
	else
		fail "$ns: expected the known configuration in show --json, seen '$(as_line "$BEFORE")'"
		finish
	fi
	# nsenter, not ip netns exec: no mount namespace and /sys to set up.
	run_tool() { nsenter --net="/run/netns/$ns" "$MR_TOOL" "$@"; }
	run_cni() { nsenter --net="/run/netns/$ns" env "$@"; }
else
	pretty "$TEST on the host (no kernel)"
	ns=mr-bad-input-host-no-such-ns
	if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
		run_tool() { unshare -n "$MR_TOOL" "$@"; }
		run_cni() { unshare -n env "$@"; }
	else
		run_tool() { "$MR_TOOL" "$@"; }
		run_cni() { env "$@"; }
	fi
fi

SKIPPED=0
CASES=0

# run_case: the case gathered in C_* (from table line C_LINE).
run_case() {
	local where="$TNAME:$C_LINE" file=$WORK/case.yaml args=() rc=0 diff=
	local run err out after want_err
	CASES=$((CASES + 1))
	if [ -z "$C_RUN_SET" ] || [ -z "$C_ERR_SET" ] || [ -z "$C_EXIT" ]; then
		fail "$where: a case needs run:, err: and exit: lines"
		return 0
	fi
	if [ -n "$C_GEN" ] && [ -n "$C_HAS_FILE" ]; then
		fail "$where: a case has file: lines or a file-gen:, not both"
		return 0
	fi
	if [ "$C_ONLY" = guest ] && [ "$MODE" = host ]; then
		SKIPPED=$((SKIPPED + 1))
		log "# skip $where: only in the guest: $C_RUN"
		return 0
	fi
	run=${C_RUN//@FILE@/$file}
	run=${run//@NS@/$ns}
	want_err=${C_ERR//@FILE@/$file}
	want_err=${want_err//@NS@/$ns}
	# Shell words, so quoting works and $(...) can build long lists.
	if ! eval "args=($run)"; then
		fail "$where: run: is not valid shell words: $C_RUN"
		return 0
	fi
	# The leading NAME=VALUE words are the tool's environment.
	local tool=meshredir i=0
	while [ $i -lt ${#args[@]} ] && [[ ${args[i]} == [A-Z_]*=* ]]; do i=$((i + 1)); done
	if [ "$C_TOOL" = meshredir-cni ]; then
		args=("${args[@]:0:i}" "$MR_CNI" "${args[@]:i}")
		tool=
	elif [ -z "$C_TOOL" ] && [ $i -gt 0 ]; then
		args=("${args[@]:0:i}" "$MR_TOOL" "${args[@]:i}")
		tool=
	elif [ -n "$C_TOOL" ]; then
		fail "$where: tool: is meshredir-cni or nothing, not '$C_TOOL'"
		return 0
	fi
	rm -f "$file"
	if [ -n "$C_GEN" ] && ! eval "$C_GEN" >"$file"; then
		fail "$where: file-gen: failed: $C_GEN"
		return 0
	fi
	[ -z "$C_HAS_FILE" ] || printf '%s' "$C_FILE" >"$file"
	local runner=run_tool
	[ -n "$tool" ] || runner=run_cni
	if [ -e "$file" ]; then
		$runner "${args[@]}" <"$file" >"$WORK/out" 2>"$WORK/err" || rc=$?
	else
		$runner "${args[@]}" </dev/null >"$WORK/out" 2>"$WORK/err" || rc=$?
	fi
	err=$(<"$WORK/err")
	out=$(<"$WORK/out")
	[ "$rc" = "$C_EXIT" ] || diff="$diff; exit $rc, expected $C_EXIT"
	# Exactly one line: $(<) drops one trailing newline, so also count them.
	if [ "$err" != "$want_err" ] || [ "$(wc -l <"$WORK/err")" != 1 ]; then
		diff="$diff; stderr '$(as_line "$err")', expected '$want_err'"
	fi
	if [ "$C_STDOUT" != any ] && [ -s "$WORK/out" ]; then
		diff="$diff; stdout '$(as_line "$out")', expected nothing"
	fi
	if [ "$MODE" = guest ]; then
		after=$(config_json)
		if [ "$after" != "$BEFORE" ]; then
			printf '%s\n' "$BEFORE" >"$WORK/before.json"
			printf '%s\n' "$after" >"$WORK/after.json"
			diff="$diff; the configuration changed: $(as_line "$(diff "$WORK/before.json" "$WORK/after.json" | head -n 20)")"
			# Back to the known one, so the next cases are judged alone.
			mr_set "$ns" "${KNOWN[@]}" || finish
		fi
	fi
	# The command line as run; a long one cut, it is in the table anyway.
	local shown="$tool${args[*]:+ ${args[*]}}"
	shown=${shown# }
	[ ${#shown} -le 160 ] || shown="${shown:0:150}... (${#shown} chars)"
	if [ -z "$diff" ]; then
		ok "$where: $shown: exit $rc: $err"
	else
		fail "$where: $shown${diff}"
	fi
}

reset_case() {
	C_LINE= C_RUN= C_RUN_SET= C_ERR= C_ERR_SET= C_EXIT= C_ONLY= C_STDOUT=
	C_FILE= C_HAS_FILE= C_GEN= C_TOOL=
}

# The table: blocks of "key: value" lines, separated by blank lines; see
# its header. A line the table's syntax does not know stops the test.
reset_case
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	if [ -z "$line" ]; then
		[ -z "$C_LINE" ] || run_case
		reset_case
		continue
	fi
	[[ $line == \#* ]] && continue
	[ -n "$C_LINE" ] || C_LINE=$lineno
	case $line in
	run:*) C_RUN=${line#run:} C_RUN=${C_RUN# } C_RUN_SET=1 ;;
	err:*) C_ERR=${line#err:} C_ERR=${C_ERR# } C_ERR_SET=1 ;;
	exit:*) C_EXIT=${line#exit:} C_EXIT=${C_EXIT// /} ;;
	only:*) C_ONLY=${line#only:} C_ONLY=${C_ONLY// /} ;;
	stdout:*) C_STDOUT=${line#stdout:} C_STDOUT=${C_STDOUT// /} ;;
	tool:*) C_TOOL=${line#tool:} C_TOOL=${C_TOOL// /} ;;
	file-gen:*) C_GEN=${line#file-gen:} ;;
	# Everything after "file: " (or "file:" alone: an empty line), verbatim.
	file:*) line=${line#file:}; C_FILE+=${line# }$'\n' C_HAS_FILE=1 ;;
	*)
		fail "$TNAME:$lineno: not a line of the table's syntax: '$line'"
		finish
		;;
	esac
done <"$TABLE"
[ -z "$C_LINE" ] || run_case

# A table that lost its cases would pass on nothing.
if [ "$CASES" -ge 50 ]; then
	ok "$TNAME: $CASES cases ($SKIPPED skipped on the host)"
else
	fail "$TNAME: expected at least 50 cases, found $CASES"
fi
finish
