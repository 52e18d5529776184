#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# bench/profile.py: where a count's instructions went, by the guest's
# kernel symbols (run in the guest, as root, for /proc/kallsyms).
#
#   profile.py sum PROFILE > SUMS      instructions per function, from the
#                                      icount plugin's profile= file
#                                      ("ADDRESS INSNS" per block); user
#                                      space is one line, [user]
#   profile.py diff A B M [TOP]        (A - B) / M per function for the TOP
#                                      (30) largest differences, and the
#                                      total: what A's M connections cost
#                                      more than B's, per connection
#   profile.py top SUMS M [TOP]        SUMS / M, the TOP largest

import bisect
import collections
import sys


def kallsyms():
    addrs, names = [], []
    for line in open("/proc/kallsyms"):
        f = line.split()
        if len(f) >= 3 and f[1].lower() in "tw":
            a = int(f[0], 16)
            if a:
                addrs.append(a)
                names.append(f[2] + (" " + f[3] if len(f) > 3 else ""))
    if not addrs:
        sys.exit("profile.py: no addresses in /proc/kallsyms (kptr_restrict?)")
    order = sorted(range(len(addrs)), key=addrs.__getitem__)
    return [addrs[i] for i in order], [names[i] for i in order]


def cmd_sum(path):
    addrs, names = kallsyms()
    out = collections.Counter()
    for line in open(path):
        a, n = line.split()
        a, n = int(a, 16), int(n)
        if a < 1 << 63:
            out["[user]"] += n
            continue
        i = bisect.bisect_right(addrs, a) - 1
        out[names[i] if i >= 0 else "[unknown]"] += n
    for k, v in out.most_common():
        print("%d %s" % (v, k))


def read(path):
    d = {}
    for line in open(path):
        n, k = line.rstrip("\n").split(" ", 1)
        d[k] = int(n)
    return d


def cmd_diff(a, b, m, top=30):
    a, b, m = read(a), read(b), float(m)
    d = {k: (a.get(k, 0) - b.get(k, 0)) / m for k in set(a) | set(b)}
    print("%.0f total" % sum(d.values()))
    for k in sorted(d, key=lambda k: -abs(d[k]))[:int(top)]:
        print("%+.0f %s" % (d[k], k))


def cmd_top(a, m, top=30):
    a, m = read(a), float(m)
    print("%.0f total" % (sum(a.values()) / m))
    for k in sorted(a, key=lambda k: -a[k])[:int(top)]:
        print("%.0f %s" % (a[k] / m, k))


if __name__ == "__main__":
    cmds = {"sum": cmd_sum, "diff": cmd_diff, "top": cmd_top}
    if len(sys.argv) < 3 or sys.argv[1] not in cmds:
        sys.exit(__doc__ or "usage: profile.py sum|diff|top ... (see the comment at the top)")
    cmds[sys.argv[1]](*sys.argv[2:])
