# SPDX-License-Identifier: GPL-2.0
#
# mr-events.py: the events group of the meshredir family, read with a raw
# generic netlink socket (no YNL, no privilege to read files beyond this
# one), for tests/e2e/events.sh.
#
#   mr-events.py subscribe
#       joins the group in the current network namespace, prints "ok" or
#       the errno's name (EPERM), exits 0
#   mr-events.py listen READY STOP
#       joins the group, creates READY, then prints one JSON object per
#       event ({"hook", "family", "protocol", "dst-port", "reason",
#       "dropped"}, dropped 0 when absent) until STOP exists and a second
#       has passed without an event; {"overrun": N} if the socket
#       overflowed N times (events lost that nobody counted)
#   mr-events.py flood ADDR PORT N
#       N TCP connection attempts to ADDR:PORT, one after the other (a
#       refused one counts); prints the seconds they took

import errno
import json
import os
import select
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NLM_F_REQUEST = 1
NLMSG_ERROR = 2
MESHREDIR_CMD_EVENT = 5
# enum meshredir_event_attr
EVENT_ATTRS = {1: ('hook', 'B'), 2: ('family', 'B'), 3: ('protocol', 'B'),
               7: ('dst-port', 'H'), 10: ('reason', 'I'), 13: ('dropped', 'Q')}


def attrs(data):
    """The attributes of data: {type: payload}, the last of each type."""
    out = {}
    while len(data) >= 4:
        length, kind = struct.unpack_from('HH', data)
        if length < 4:
            break
        out[kind & 0x3fff] = data[4:length]
        data = data[(length + 3) & ~3:]
    return out


def group_id():
    """The events group's ID, and a socket to join it with."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.bind((0, 0))
    name = b'meshredir\0'
    attr = struct.pack('HH', 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name
    attr += b'\0' * (-len(attr) % 4)
    body = struct.pack('BBH', CTRL_CMD_GETFAMILY, 1, 0) + attr
    s.send(struct.pack('IHHII', 16 + len(body), GENL_ID_CTRL, NLM_F_REQUEST, 1, 0) + body)
    data = s.recv(65536)
    if struct.unpack_from('H', data, 4)[0] == NLMSG_ERROR:
        sys.exit('mr-events.py: no meshredir family: errno %d' % -struct.unpack_from('i', data, 16)[0])
    groups = attrs(attrs(data[20:])[CTRL_ATTR_MCAST_GROUPS])
    for grp in groups.values():
        g = attrs(grp)
        if g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b'\0') == b'events':
            return s, struct.unpack('I', g[CTRL_ATTR_MCAST_GRP_ID])[0]
    sys.exit('mr-events.py: the meshredir family has no events group')


def subscribe():
    s, grp = group_id()
    try:
        s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, grp)
    except OSError as e:
        print(errno.errorcode.get(e.errno, str(e.errno)))
        return
    print('ok')


def event(data):
    a = attrs(data[20:])
    ev = {}
    for kind, (name, fmt) in EVENT_ATTRS.items():
        if kind in a:
            ev[name] = struct.unpack(fmt, a[kind][:struct.calcsize(fmt)])[0]
    ev.setdefault('dropped', 0)
    return ev


def listen(ready, stop):
    s, grp = group_id()
    try:
        s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)	# SO_RCVBUFFORCE
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, grp)
    open(ready, 'w').close()
    overruns = 0
    quiet_since = None
    while True:
        if select.select([s], [], [], 0.2)[0]:
            quiet_since = None
            try:
                data = s.recv(1 << 16)
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise
                overruns += 1
                continue
            while len(data) >= 16:
                length, kind = struct.unpack_from('IH', data)
                if kind != GENL_ID_CTRL and data[16] == MESHREDIR_CMD_EVENT:
                    print(json.dumps(event(data[:length])), flush=True)
                data = data[(length + 3) & ~3:]
            continue
        if not os.path.exists(stop):
            continue
        if quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 1:
            break
    if overruns:
        print(json.dumps({'overrun': overruns}), flush=True)


def flood(addr, port, n):
    start = time.monotonic()
    for _ in range(n):
        c = socket.socket(socket.AF_INET6 if ':' in addr else socket.AF_INET)
        c.settimeout(5)
        try:
            c.connect((addr, port))
        except OSError:
            pass
        c.close()
    print('%.3f' % (time.monotonic() - start))


if __name__ == '__main__':
    if sys.argv[1:2] == ['subscribe']:
        subscribe()
    elif sys.argv[1:2] == ['listen'] and len(sys.argv) == 4:
        listen(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ['flood'] and len(sys.argv) == 5:
        flood(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit('usage: mr-events.py subscribe | listen READY STOP | flood ADDR PORT N')
