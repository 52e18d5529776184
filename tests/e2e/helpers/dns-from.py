#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# dns-from.py SERVER NAME: asks SERVER, port 53, for NAME's TXT record from
# an unconnected UDP socket, and prints where the first datagram back came
# from and the first TXT string it holds: "ADDR#PORT TEXT", or "no reply"
# after 3 s. Unlike dig, whose socket is connected to the server, it sees
# an answer from another address too: vnet.sh shows by it which address a
# redirected query's answer leaves with.

import random
import socket
import struct
import sys


def query(name, qid):
    q = struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip('.').split('.'):
        q += bytes([len(label)]) + label.encode()
    return q + b'\0' + struct.pack('!HH', 16, 1)


def skip_name(buf, i):
    while buf[i]:
        if buf[i] & 0xc0 == 0xc0:
            return i + 2
        i += buf[i] + 1
    return i + 1


def first_txt(buf):
    qd, an = struct.unpack('!HH', buf[4:8])
    i = 12
    for _ in range(qd):
        i = skip_name(buf, i) + 4
    for _ in range(an):
        i = skip_name(buf, i)
        rtype, _, _, rdlen = struct.unpack('!HHIH', buf[i:i + 10])
        i += 10
        if rtype == 16 and rdlen:
            return buf[i + 1:i + 1 + buf[i]].decode(errors='replace')
        i += rdlen
    return '-'


def main(server, name):
    family = socket.AF_INET6 if ':' in server else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.settimeout(3)
    qid = random.randrange(1 << 16)
    s.sendto(query(name, qid), (server, 53))
    try:
        buf, src = s.recvfrom(4096)
    except socket.timeout:
        print('no reply')
        return 0
    text = first_txt(buf) if len(buf) >= 12 and struct.unpack('!H', buf[:2])[0] == qid else '?'
    print('%s#%d %s' % (src[0], src[1], text))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
