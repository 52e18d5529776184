#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# scoped-connect.py: mr-connect for addresses that need a scope, for
# tests/e2e/linklocal.sh. Run in the client's namespace. For each
# ADDR PORT (ADDR may carry a scope, fe80::2%eth0) it connects, reads the
# server's first line, and prints one line per target:
#
#   ADDR PORT: <the first line>
#   ADDR PORT: error: refused|timeout|reset|unreachable|closed|<errno name>
#
# All targets in one process: python3 is slow to start under TCG.

import sys

from firstline import first_line

TIMEOUT = 3.0


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit("usage: scoped-connect.py ADDR PORT [ADDR PORT]...")
    for addr, port in zip(args[::2], args[1::2]):
        print("%s %s: %s" % (addr, port, first_line(addr, int(port), TIMEOUT)), flush=True)


if __name__ == "__main__":
    main()
