# SPDX-License-Identifier: GPL-2.0
#
# tests/release/docs/flags.awk tools/args.c: the flags the tool's parser accepts,
# read from its table flags[], one line each: "--flag" and the commands
# that take it ("*": every command), the C_* masks resolved through their
# #defines and CMD_* through commands[]. A name it cannot resolve is
# printed with a "?" so that tests/release/docs/check fails on it. mawk-compatible:
# no regex intervals, no gensub.
/^#define C_[A-Z_]+ / { def[$2] = $0; sub(/^#define C_[A-Z_]+ /, "", def[$2]) }
/ commands\[\] = \{/ { incmds = 1 }
incmds && match($0, /\{ "[a-z-]+", CMD_[A-Z_]+ \}/) {
	s = substr($0, RSTART + 3, RLENGTH - 5); split(s, a, /", /); cmd[a[2]] = a[1]
}
incmds && /^};/ { incmds = 0 }
/ flags\[\] = \{/ { inflags = 1; next }
inflags && /^};/ { inflags = 0 }
inflags { sub(/\/\*.*\*\//, ""); rows = rows " " $0 }
END {
	n = split(rows, r, /\},?/)
	for (i = 1; i <= n; i++) {
		if (!match(r[i], /"[a-z][a-z0-9-]*"/)) continue
		name = substr(r[i], RSTART + 1, RLENGTH - 2)
		e = r[i]; sub(/^[^,]*,[^,]*,[^,]*,/, "", e)
		# Macros by their definitions, until none is left.
		for (k = 0; k < 8 && match(e, /C_[A-Z_]+/); k++) {
			m = substr(e, RSTART, RLENGTH)
			if (m == "C_ALL") { e = "*"; break }
			if (!(m in def)) { e = "?" m; break }
			e = substr(e, 1, RSTART - 1) def[m] substr(e, RSTART + RLENGTH)
		}
		out = "--" name
		if (e == "*") out = out " *"
		else if (e ~ /^\?/) out = out " " e
		else while (match(e, /CMD_[A-Z_]+/)) {
			c = substr(e, RSTART, RLENGTH); e = substr(e, RSTART + RLENGTH)
			out = out " " (c in cmd ? cmd[c] : "?" c)
		}
		print out
	}
}
