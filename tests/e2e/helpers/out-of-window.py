#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# out-of-window.py: the packet behind the Istio/Kuma "connection reset by
# peer" problem, for tests/e2e/conntrack.sh. Run as root in the client's
# namespace. For each ADDR PORT it opens a TCP connection (which the pod
# redirects to its sidecar), reads the sidecar's first line, learns the
# connection's sequence numbers with TCP_REPAIR, and sends, from a raw
# socket, one bare ACK of that connection whose sequence number is far
# beyond the receiver's window: conntrack in the pod finds it INVALID. It
# carries the client's exact rcv_nxt as its ACK number, so that a RST the
# pod's stack answers with (seq = that ACK number) is one the client
# accepts. Then it sends "ping" on the connection and prints, per target:
#
#   ADDR PORT first: <the sidecar's first line>
#   ADDR PORT after: survived: <the echo>   or   reset: <error>
#
# No scapy: the segment is built here, checksum included.

import socket
import struct
import sys
import time

from firstline import connect

TCP_REPAIR = 19
TCP_REPAIR_QUEUE = 20
TCP_QUEUE_SEQ = 21
TCP_RECV_QUEUE = 1
TCP_SEND_QUEUE = 2
TCP_REPAIR_OFF_NO_WP = -1
ACK = 0x10


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def queue_seq(s, queue):
    s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR_QUEUE, queue)
    return s.getsockopt(socket.IPPROTO_TCP, TCP_QUEUE_SEQ) & 0xFFFFFFFF


def sequence_numbers(s):
    """(snd_nxt, rcv_nxt) of a connected socket, by a moment in repair mode."""
    s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 1)
    try:
        return queue_seq(s, TCP_SEND_QUEUE), queue_seq(s, TCP_RECV_QUEUE)
    finally:
        s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, TCP_REPAIR_OFF_NO_WP)


def send_segment(family, src, dst, seq, ack):
    """One bare ACK from src to dst ((addr, port) each), from a raw socket."""
    tcp = struct.pack("!HHIIBBHHH", src[1], dst[1], seq, ack, 5 << 4, ACK, 502, 0, 0)
    if family == socket.AF_INET:
        pseudo = socket.inet_pton(family, src[0]) + socket.inet_pton(family, dst[0]) + \
            struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    else:
        pseudo = socket.inet_pton(family, src[0]) + socket.inet_pton(family, dst[0]) + \
            struct.pack("!I3xB", len(tcp), socket.IPPROTO_TCP)
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    # The kernel adds the IP header, from the address bound here.
    raw = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_TCP)
    raw.bind((src[0], 0))
    raw.sendto(tcp, (dst[0], 0))
    raw.close()


def readline(s):
    line = b""
    while not line.endswith(b"\n"):
        chunk = s.recv(1)
        if not chunk:
            raise ConnectionResetError("closed by the peer")
        line += chunk
    return line.decode().rstrip("\n")


def one(addr, port):
    s = connect(addr, port, 10)
    family = s.family
    print("%s %d first: %s" % (addr, port, readline(s)), flush=True)
    snd, rcv = sequence_numbers(s)
    src, dst = s.getsockname()[:2], s.getpeername()[:2]
    send_segment(family, src, dst, (snd + 0x40000000) & 0xFFFFFFFF, rcv)
    # Time for a RST to come back, even in a debug kernel under TCG.
    time.sleep(2)
    try:
        s.sendall(b"ping\n")
        result = "survived: " + readline(s)
    except OSError as e:
        result = "reset: " + (e.strerror or str(e))
    print("%s %d after: %s" % (addr, port, result), flush=True)
    s.close()


def main(argv):
    if len(argv) < 3 or len(argv) % 2 == 0:
        sys.stderr.write("usage: out-of-window.py ADDR PORT [ADDR PORT]...\n")
        return 1
    for i in range(1, len(argv), 2):
        one(argv[i], int(argv[i + 1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
