# SPDX-License-Identifier: GPL-2.0
#
# firstline.py: the e2e Python helpers' TCP client end. connect() opens a
# connection to a numeric address (IPv4, or IPv6 with a scope such as
# fe80::2%eth0); first_line() reads the server's first line, or names the
# error as the helpers print it:
#
#   error: refused|timeout|reset|unreachable|closed|bad address (...)|<errno name>

import errno
import socket


def _socket(addr, port, timeout):
    """A TCP socket of addr's family and the socket address to connect to."""
    info = socket.getaddrinfo(addr, port, socket.AF_UNSPEC, socket.SOCK_STREAM,
                              0, socket.AI_NUMERICHOST)[0]
    s = socket.socket(info[0], socket.SOCK_STREAM)
    s.settimeout(timeout)
    return s, info[4]


def connect(addr, port, timeout):
    """A socket connected to addr, port; raises OSError as socket.connect does."""
    s, target = _socket(addr, port, timeout)
    try:
        s.connect(target)
    except OSError:
        s.close()
        raise
    return s


def first_line(addr, port, timeout):
    """The server's first line without its line end, or "error: ..."."""
    try:
        s, target = _socket(addr, port, timeout)
    except socket.gaierror as e:
        return "error: bad address (%s)" % e
    try:
        s.connect(target)
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
