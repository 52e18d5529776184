#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# nl-steps.py: raw meshredir netlink for bigconfig.sh, where the tool cannot
# go: it never sends a bad part or a bad header, never leaves a SET in parts
# pending, and reads big configurations with a dump only. Runs its STEPs in
# order on one generic netlink socket (one port id) unless sock: says
# otherwise, printing one line per request:
#
#   set:N[:more][:bad]  SET part N (MESHREDIR_A_SET_PART, left out for 0),
#                       with MESHREDIR_A_SET_MORE if "more"; each part has
#                       owner-uids 5678 and exclude-outbound-ports 40000+N,
#                       "bad" adds an exclude-outbound-ips entry of prefix
#                       length 33. Prints "set N: 0" or "set N: ERRNO: msg"
#   set-ports:N         SET of owner-uids 5678 and N exclude-outbound-ports,
#                       1, 3, 5, ... (none adjacent, so none merge), in
#                       parts of 4,000: "set-ports N: 0" or "set-ports N:
#                       ERRNO: msg" (the first refused part's)
#   hdr:CMD:RESERVED[:FLAGS]
#                       CMD (get, del, reset-counters, or set: owner-uids
#                       5678) with genlmsghdr.reserved RESERVED and FLAGS
#                       (hex) added to NLM_F_REQUEST | NLM_F_ACK: "hdr CMD
#                       RESERVED FLAGS: 0" or "...: ERRNO: msg"
#   sock:NAME           the following steps go on socket NAME, opened on its
#                       first use (the first steps' socket is "a")
#   sleep:SECONDS       waits that long
#   set-dup-family      SET of one exclude-outbound-ips entry with FAMILY
#                       AF_INET, then AF_INET6, and fd00::/64: "set
#                       dup-family: 0" or "set dup-family: ERRNO: msg"
#   set-vnet:IF@CIDR,...
#                       SET of owner-uids 5678 and these vnet entries, the
#                       names sent as they are (NUL-terminated), the CIDRs
#                       with their host bits: "set vnet: 0" or "set vnet:
#                       ERRNO: msg"
#   get                 GET without NLM_F_DUMP: "get: 0 BYTES" or
#                       "get: ERRNO: msg"
#   dump-start          a GET dump, of which only the first datagram is read
#   dump-rest           the rest of it: "dump: N messages, LIST=COUNT ..."
#                       with the entries of each direction's lists
#   touch:FILE          creates FILE (to tell the script where we are)
#   wait:FILE           waits for FILE to exist (at most 60 s)
#
# ERRNO is the symbolic name (EBUSY, ESRCH, ...). Attribute numbers come
# from uapi/linux/meshredir.h ($MR_REPO), so they follow the header.

import errno
import ipaddress
import os
import re
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLM_F_CAPPED = 0x100
NLM_F_ACK_TLVS = 0x200
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000
SOL_NETLINK = 270


def uapi_enums(path):
    """Every MESHREDIR_* enumerator of the header, by name."""
    values = {}
    with open(path) as f:
        text = f.read()
    for body in re.findall(r'enum\s+meshredir\w*\s*{(.*?)}', text, re.S):
        n = 0
        for m in re.finditer(r'^\s*(MESHREDIR_\w+)\s*(?:=\s*(\d+))?\s*,', body, re.M):
            if m.group(2):
                n = int(m.group(2))
            values[m.group(1)] = n
            n += 1
    return values


REPO = os.environ.get('MR_REPO', os.path.join(os.path.dirname(__file__), '..', '..', '..'))
E = uapi_enums(os.path.join(REPO, 'uapi', 'linux', 'meshredir.h'))


def attr(t, payload):
    hdr = struct.pack('=HH', 4 + len(payload), t)
    return hdr + payload + b'\0' * ((4 - len(payload) % 4) % 4)


def nest(t, *attrs):
    return attr(t | NLA_F_NESTED, b''.join(attrs))


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.seq = 0
        self.family = None
        replies, err, _ = self.talk(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                    attr(CTRL_ATTR_FAMILY_NAME, b'meshredir\0'))
        if err:
            sys.exit(f'nl-steps: no meshredir family: {errno.errorcode.get(err, err)}')
        for payload in replies:
            for t, v in self.attrs(payload[4:]):
                if t == CTRL_ATTR_FAMILY_ID:
                    self.family = struct.unpack('=H', v[:2])[0]

    @staticmethod
    def attrs(buf):
        off = 0
        while off + 4 <= len(buf):
            length, t = struct.unpack_from('=HH', buf, off)
            if length < 4:
                break
            yield t & 0x3fff, buf[off + 4:off + length]
            off += (length + 3) & ~3

    def send(self, msg_type, flags, cmd, payload=b'', reserved=0):
        """Sends one request, under the next sequence number."""
        self.seq += 1
        body = struct.pack('=BBH', cmd, 1, reserved) + payload
        self.sock.send(struct.pack('=IHHII', 16 + len(body), msg_type, flags, self.seq, 0) + body)

    def receive(self):
        """One datagram's messages for the last request: (type, flags, payload)."""
        data = self.sock.recv(1 << 20)
        off = 0
        while off + 16 <= len(data):
            length, t, fl, seq, _ = struct.unpack_from('=IHHII', data, off)
            msg = data[off + 16:off + length]
            off += (length + 3) & ~3
            if seq == self.seq:
                yield t, fl, msg

    def talk(self, msg_type, cmd, payload, flags=NLM_F_REQUEST | NLM_F_ACK, reserved=0):
        """Sends one request; returns (reply payloads, errno, extack msg)."""
        self.send(msg_type, flags, cmd, payload, reserved)
        replies = []
        while True:
            for t, fl, msg in self.receive():
                if t == NLMSG_ERROR:
                    err = -struct.unpack_from('=i', msg)[0]
                    text = ''
                    if fl & NLM_F_ACK_TLVS:
                        skip = 4 + (16 if fl & NLM_F_CAPPED else
                                    struct.unpack_from('=I', msg, 4)[0])
                        for at, v in self.attrs(msg[(skip + 3) & ~3:]):
                            if at == NLMSGERR_ATTR_MSG:
                                text = v.rstrip(b'\0').decode()
                    return replies, err, text
                if t == NLMSG_DONE:
                    return replies, 0, ''
                replies.append(msg)

    def dump_start(self):
        self.send(self.family, NLM_F_REQUEST | NLM_F_DUMP, E['MESHREDIR_CMD_GET'])
        self.dump_msgs = []
        return self.dump_read(once=True)

    def dump_read(self, once=False):
        """Reads dump messages; True once NLMSG_DONE came."""
        while True:
            for t, _, msg in self.receive():
                if t == NLMSG_DONE:
                    return True
                if t == NLMSG_ERROR:
                    sys.exit(f'nl-steps: dump failed: {-struct.unpack_from("=i", msg)[0]}')
                self.dump_msgs.append(msg)
            if once:
                return False

    def dump_counts(self):
        names = {E['MESHREDIR_A_INBOUND']: 'inbound', E['MESHREDIR_A_OUTBOUND']: 'outbound'}
        lists = {E['MESHREDIR_DIR_A_EXCLUDE_PORTS']: 'exclude-ports',
                 E['MESHREDIR_DIR_A_INCLUDE_PORTS']: 'include-ports',
                 E['MESHREDIR_DIR_A_EXCLUDE_IPS']: 'exclude-ips'}
        counts = {}
        for msg in self.dump_msgs:
            for t, v in self.attrs(msg[4:]):
                if t not in names:
                    continue
                for lt, lv in self.attrs(v):
                    if lt in lists:
                        key = f'{names[t]}.{lists[lt]}'
                        counts[key] = counts.get(key, 0) + sum(1 for _ in self.attrs(lv))
        return ' '.join(f'{k}={counts[k]}' for k in sorted(counts))

    def owner(self):
        a = E['MESHREDIR_LIST_A_ENTRY']
        return nest(E['MESHREDIR_A_OWNER_UIDS'],
                    nest(a, attr(E['MESHREDIR_RANGE_A_FIRST'], struct.pack('=I', 5678))))

    def set_ports(self, n):
        """n single outbound ports, none adjacent, in parts of 4,000."""
        a = E['MESHREDIR_LIST_A_ENTRY']
        first = E['MESHREDIR_RANGE_A_FIRST']
        ports = [1 + 2 * i for i in range(n)]
        chunks = [ports[i:i + 4000] for i in range(0, n, 4000)] or [[]]
        for part, chunk in enumerate(chunks):
            p = self.owner() if part == 0 else b''
            if part:
                p += attr(E['MESHREDIR_A_SET_PART'], struct.pack('=I', part))
            p += nest(E['MESHREDIR_A_OUTBOUND'],
                      nest(E['MESHREDIR_DIR_A_EXCLUDE_PORTS'],
                           *(nest(a, attr(first, struct.pack('=H', x))) for x in chunk)))
            if part + 1 < len(chunks):
                p += attr(E['MESHREDIR_A_SET_MORE'], b'')
            replies, err, text = self.talk(self.family, E['MESHREDIR_CMD_SET'], p)
            if err:
                break
        return replies, err, text

    def header(self, cmd, reserved, flags):
        """cmd with genlmsghdr.reserved and extra nlmsg_flags."""
        cmds = {'get': 'GET', 'del': 'DEL', 'reset-counters': 'RESET_COUNTERS', 'set': 'SET'}
        payload = self.owner() if cmd == 'set' else b''
        return self.talk(self.family, E['MESHREDIR_CMD_' + cmds[cmd]], payload,
                         NLM_F_REQUEST | NLM_F_ACK | flags, reserved)

    def set_part(self, part, more, bad):
        a = E['MESHREDIR_LIST_A_ENTRY']
        first = E['MESHREDIR_RANGE_A_FIRST']
        p = b''
        if part:
            p += attr(E['MESHREDIR_A_SET_PART'], struct.pack('=I', part))
        p += nest(E['MESHREDIR_A_OWNER_UIDS'], nest(a, attr(first, struct.pack('=I', 5678))))
        lists = [nest(E['MESHREDIR_DIR_A_EXCLUDE_PORTS'],
                      nest(a, attr(first, struct.pack('=H', 40000 + part))))]
        if bad:
            lists.append(nest(E['MESHREDIR_DIR_A_EXCLUDE_IPS'],
                              nest(a, attr(E['MESHREDIR_CIDR_A_FAMILY'], struct.pack('=H', 2)),
                                   attr(E['MESHREDIR_CIDR_A_ADDR'], bytes([198, 51, 100, 0])),
                                   attr(E['MESHREDIR_CIDR_A_PREFIX_LEN'], bytes([33])))))
        p += nest(E['MESHREDIR_A_OUTBOUND'], *lists)
        if more:
            p += attr(E['MESHREDIR_A_SET_MORE'], b'')
        return self.talk(self.family, E['MESHREDIR_CMD_SET'], p)


    def set_dup_family(self):
        """One exclude-outbound-ips entry that names AF_INET, then AF_INET6
        (fd00::/64): as netlink parses it, the last family counts."""
        c = lambda name: E['MESHREDIR_CIDR_A_' + name]
        a = E['MESHREDIR_LIST_A_ENTRY']
        entry = nest(a, attr(c('FAMILY'), struct.pack('=H', socket.AF_INET)),
                     attr(c('FAMILY'), struct.pack('=H', socket.AF_INET6)),
                     attr(c('ADDR'), bytes([0xfd]) + bytes(15)),
                     attr(c('PREFIX_LEN'), bytes([64])))
        p = nest(E['MESHREDIR_A_OWNER_UIDS'],
                 nest(a, attr(E['MESHREDIR_RANGE_A_FIRST'], struct.pack('=I', 5678))))
        p += nest(E['MESHREDIR_A_OUTBOUND'], nest(E['MESHREDIR_DIR_A_EXCLUDE_IPS'], entry))
        return self.talk(self.family, E['MESHREDIR_CMD_SET'], p)

    def set_vnet(self, arg):
        c = lambda name: E['MESHREDIR_CIDR_A_' + name]
        a = E['MESHREDIR_LIST_A_ENTRY']
        entries = []
        for e in arg.split(','):
            name, _, cidr = e.partition('@')
            ip = ipaddress.ip_interface(cidr)
            fam = socket.AF_INET if ip.version == 4 else socket.AF_INET6
            entries.append(nest(a, attr(E['MESHREDIR_VNET_A_IFNAME'], name.encode() + b'\0'),
                                nest(E['MESHREDIR_VNET_A_CIDR'],
                                     attr(c('FAMILY'), struct.pack('=H', fam)),
                                     attr(c('ADDR'), ip.ip.packed),
                                     attr(c('PREFIX_LEN'), bytes([ip.network.prefixlen])))))
        p = self.owner() + nest(E['MESHREDIR_A_VNET'], *entries)
        return self.talk(self.family, E['MESHREDIR_CMD_SET'], p)


def result(what, err, text, extra=''):
    if err:
        print(f'{what}: {errno.errorcode.get(err, err)}: {text}', flush=True)
    else:
        print(f'{what}: 0{extra}', flush=True)


def main(steps):
    socks = {'a': Genl()}
    nl = socks['a']
    for step in steps:
        kind, _, arg = step.partition(':')
        if kind == 'sock':
            if arg not in socks:
                socks[arg] = Genl()
            nl = socks[arg]
        elif kind == 'sleep':
            time.sleep(float(arg))
        elif kind == 'set-ports':
            _, err, text = nl.set_ports(int(arg))
            result(f'set-ports {arg}', err, text)
        elif kind == 'hdr':
            words = arg.split(':')
            flags = int(words[2], 16) if len(words) > 2 else 0
            _, err, text = nl.header(words[0], int(words[1]), flags)
            result(f'hdr {words[0]} {words[1]} {flags:#x}', err, text)
        elif kind == 'set':
            words = arg.split(':')
            _, err, text = nl.set_part(int(words[0]), 'more' in words, 'bad' in words)
            result(f'set {words[0]}', err, text)
        elif kind == 'set-dup-family':
            _, err, text = nl.set_dup_family()
            result('set dup-family', err, text)
        elif kind == 'set-vnet':
            _, err, text = nl.set_vnet(arg)
            result('set vnet', err, text)
        elif kind == 'get':
            replies, err, text = nl.talk(nl.family, E['MESHREDIR_CMD_GET'], b'')
            result('get', err, text, f' {sum(len(r) for r in replies)}')
        elif kind == 'dump-start':
            nl.dump_start()
        elif kind == 'dump-rest':
            nl.dump_read()
            print(f'dump: {len(nl.dump_msgs)} messages, {nl.dump_counts()}', flush=True)
        elif kind == 'touch':
            open(arg, 'w').close()
        elif kind == 'wait':
            for _ in range(600):
                if os.path.exists(arg):
                    break
                time.sleep(0.1)
            else:
                sys.exit(f'nl-steps: {arg} did not appear in 60 s')
        else:
            sys.exit(f'nl-steps: unknown step {step!r}')


if __name__ == '__main__':
    main(sys.argv[1:])
