#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# ftp-pasv.py: the two ends of an FTP control connection, as much of them
# as the kernel's ftp conntrack helper reads, for tests/e2e/related.sh.
#
#   ftp-pasv.py server PORT DATAPORT
#       Listens on PORT (0.0.0.0 and ::), prints "ready" once it does, and
#       serves one control connection after the other: a "220" greeting,
#       then to PASV "227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)" (the
#       address the connection came in on, DATAPORT), to EPSV "229 Entering
#       Extended Passive Mode (|||DATAPORT|)", to QUIT "221", each line
#       ending in "\r\n" and sent alone. The helper reads a reply only
#       right after a line end it has seen, hence the greeting.
#
#   ftp-pasv.py client [--uid U] DIR ADDR PORT [ADDR PORT]...
#       For each server, as uid U: connects, sends PASV (IPv4) or EPSV
#       (IPv6), takes the data address from the reply as an FTP client
#       does, prints "N control: <reply>", waits for the file DIR/go.N,
#       connects to the data address, prints "N data: <its first line>"
#       (or "N data: error: ..."), and ends with QUIT. N counts from 1.
#
# Nothing else of FTP: the data connection goes to a server of the test.

import os
import re
import select
import socket
import sys
import time

from firstline import connect, first_line

TIMEOUT = 5.0


def send(conn, line):
    conn.sendall(line.encode("ascii") + b"\r\n")


def serve(conn, dport):
    f = conn.makefile("rb")
    send(conn, "220 meshredir test")
    for raw in f:
        cmd = raw.decode("ascii", "replace").strip().upper()
        if cmd == "PASV":
            h = conn.getsockname()[0].split(".")
            send(conn, "227 Entering Passive Mode (%s,%s,%s,%s,%d,%d)"
                 % (h[0], h[1], h[2], h[3], dport >> 8, dport & 255))
        elif cmd == "EPSV":
            send(conn, "229 Entering Extended Passive Mode (|||%d|)" % dport)
        elif cmd == "QUIT":
            send(conn, "221 bye")
            break
        else:
            send(conn, "500 unknown")
    conn.close()


def server(port, dport):
    socks = []
    for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((addr, port))
        s.listen(8)
        socks.append(s)
    print("ready", flush=True)
    while True:
        for s in select.select(socks, [], [])[0]:
            conn, _ = s.accept()
            conn.settimeout(30)
            try:
                serve(conn, dport)
            except OSError as e:
                print("control connection: %s" % e, flush=True)


def data_addr(reply, family, server_addr):
    """The data address as an FTP client reads it from the reply."""
    if family == socket.AF_INET:
        m = re.search(r"(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)", reply)
        if not reply.startswith("227 ") or not m:
            return None
        n = [int(x) for x in m.groups()]
        return "%d.%d.%d.%d" % tuple(n[:4]), n[4] << 8 | n[5]
    m = re.search(r"\(\|\|\|(\d+)\|\)", reply)
    if not reply.startswith("229 ") or not m:
        return None
    return server_addr, int(m.group(1))


def session(n, wait_dir, addr, port):
    c = connect(addr, port, TIMEOUT)
    family = c.family
    f = c.makefile("r", encoding="ascii", errors="replace", newline="\r\n")
    f.readline()
    send(c, "PASV" if family == socket.AF_INET else "EPSV")
    reply = f.readline().rstrip("\r\n")
    print("%d control: %s" % (n, reply), flush=True)
    target = data_addr(reply, family, addr)
    go = os.path.join(wait_dir, "go.%d" % n)
    deadline = time.monotonic() + 60
    while not os.path.exists(go) and time.monotonic() < deadline:
        time.sleep(0.05)
    if target is None:
        print("%d data: error: no data address in the reply" % n, flush=True)
    else:
        print("%d data: %s" % (n, first_line(target[0], target[1], TIMEOUT)), flush=True)
    send(c, "QUIT")
    f.readline()
    c.close()


def client(args):
    uid = None
    if args[:1] == ["--uid"]:
        uid = int(args[1])
        args = args[2:]
    if len(args) < 3 or len(args) % 2 != 1:
        usage()
    if uid is not None:
        # Codecs are looked up lazily, perhaps where uid U may not read.
        b"".decode("ascii", "replace")
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    wait_dir = args[0]
    for i, (addr, port) in enumerate(zip(args[1::2], args[2::2]), 1):
        session(i, wait_dir, addr, int(port))


def usage():
    sys.exit("usage: ftp-pasv.py server PORT DATAPORT | "
             "client [--uid U] DIR ADDR PORT [ADDR PORT]...")


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == "server":
        server(int(a[1]), int(a[2]))
    elif a[:1] == ["client"]:
        client(a[1:])
    else:
        usage()


if __name__ == "__main__":
    main()
