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

import errno
import socket
import sys

TIMEOUT = 3.0


def attempt(addr, port):
    try:
        info = socket.getaddrinfo(addr, port, socket.AF_UNSPEC, socket.SOCK_STREAM,
                                  0, socket.AI_NUMERICHOST)[0]
    except socket.gaierror as e:
        return "error: bad address (%s)" % e
    s = socket.socket(info[0], socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    try:
        s.connect(info[4])
        line = s.makefile("r", encoding="ascii", errors="replace").readline()
        return line.rstrip("\r\n") if line else "error: closed"
    except socket.timeout:
        return "error: timeout"
    except ConnectionRefusedError:
        return "error: refused"
    except ConnectionResetError:
        return "error: reset"
    except OSError as e:
        if e.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "error: unreachable"
        return "error: %s" % errno.errorcode.get(e.errno, e.errno)
    finally:
        s.close()


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit("usage: scoped-connect.py ADDR PORT [ADDR PORT]...")
    for addr, port in zip(args[::2], args[1::2]):
        print("%s %s: %s" % (addr, port, attempt(addr, int(port))), flush=True)


if __name__ == "__main__":
    main()
