#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# bench/exact-report.py RAW OUT_PREFIX [TIMED_RAW]: turns the samples of
# bench/exact.sh (bench/run --exact keeps them in RAW) into OUT_PREFIX.md
# (instructions per connection, above the floor, the targets, the noise,
# the apply path) and OUT_PREFIX.svg (above the floor against N, by
# gnuplot). TIMED_RAW, a timed run's samples (bench/run), gives the second
# table: connections/s, which carry no claim.

import subprocess
import sys

from samples import load, med

ORDER = ["limit0", "limit", "redir", "meshredir", "legacy", "iptnft", "nft"]
LABEL = {
    "limit0": "no NAT, no conntrack",
    "limit": "conntrack + NAT, no redirect (floor)",
    "redir": "one redirect rule, no classification",
    "meshredir": "meshredir",
    "legacy": "Kuma, iptables-legacy",
    "iptnft": "Kuma, iptables-nft",
    "nft": "hand-written nftables",
}
RIVALS = ["meshredir", "legacy", "iptnft", "nft"]


def sizes(s, kind):
    return sorted({n for (k, _, n) in s if k == kind})


def who(s, kind, order=ORDER):
    present = {c for (k, c, _) in s if k == kind}
    return [c for c in order if c in present]


def num(v):
    return "-" if v is None else "{:,.0f}".format(v)


def signed(v):
    return "-" if v is None else "{:+,.0f}".format(v)


def low(v):
    """The smallest count: what falls into a count (interrupts, the
    conntrack collector, RCU) only ever adds to it, so the smallest is the
    nearest to the connection's own cost, as the counter's self-test finds
    a loop's exact length in the smallest of its counts."""
    return min(v) if v else None


def above(s, kind, c, n):
    """c's instructions per connection over the floor's at the same N."""
    a, f = low(s.get((kind, c, n))), low(s.get((kind, "limit", n)))
    return None if a is None or f is None else a - f


def grid(out, s, kind, cs, fn):
    ns = sizes(s, kind)
    out.append("| N | " + " | ".join(LABEL[c] for c in cs) + " |")
    out.append("|---:|" + "---:|" * len(cs))
    for n in ns:
        out.append("| {:,} | ".format(n) + " | ".join(fn(c, n) for c in cs) + " |")
    out.append("")


def targets(out, s):
    out.append("| target | measured (instructions per connection above the floor) | |")
    out.append("|---|---|---|")

    def row(text, value, ok):
        out.append("| %s | %s | %s |" % (text, value, "not measured" if ok is None else
                                         ("met" if ok else "**not met**")))

    for d in ("out", "in"):
        k = "xconn-" + d
        mr, lg = above(s, k, "meshredir", 0), above(s, k, "legacy", 0)
        if mr is not None and lg is not None:
            rd = above(s, k, "redir", 0)
            row("%sbound, N=0: meshredir ≤ ½ Kuma-legacy" % d,
                "meshredir %s, legacy %s, half of it %s: %s%s" % (
                    num(mr), num(lg), num(lg / 2),
                    "%s under" % num(lg / 2 - mr) if mr <= lg / 2 else "%s over" % num(mr - lg / 2),
                    "" if rd is None else "; one bare redirect rule alone: %s, so no redirect "
                    "can meet this" % num(rd) if rd > lg / 2 else ""),
                mr <= lg / 2)
        worst = None
        for n in sizes(s, k):
            a, b = above(s, k, "meshredir", n), above(s, k, "nft", n)
            if a is not None and b is not None and (worst is None or a - b > worst[1]):
                worst = (n, a - b)
        if worst:
            row("%sbound: meshredir ≤ hand-written nftables at every N" % d,
                "worst at N={:,}: meshredir {} than nftables".format(
                    worst[0], ("%s more" % num(worst[1])) if worst[1] > 0 else
                    ("%s less" % num(-worst[1]))), worst[1] <= 0)
        ns = [n for n in sizes(s, k) if above(s, k, "meshredir", n) is not None]
        if 0 in ns and len(ns) > 1:
            a0, an = above(s, k, "meshredir", 0), above(s, k, "meshredir", ns[-1])
            v = s.get((k, "meshredir", ns[-1]))
            row("%sbound: meshredir flat, N={:,} within 5%% of N=0".format(ns[-1]) % d,
                "%s at N=0, %s at N=%s: %+.1f%% (%s; 5%% is %s; the spread of meshredir's "
                "counts at that N: %s)" % (
                    num(a0), num(an), "{:,}".format(ns[-1]), 100 * (an / a0 - 1), signed(an - a0),
                    num(0.05 * a0), num(max(v) - min(v))),
                abs(an / a0 - 1) <= 0.05)
    # With DNS capture, the monitor and drop-invalid off, nothing is left
    # to pay for but the classification: against one bare redirect rule,
    # meshredir may differ by no more than its own counts spread.
    for d in ("out", "in"):
        k = "xconn-" + d
        a, r, v = low(s.get((k, "meshredir", 0))), low(s.get((k, "redir", 0))), s.get((k, "meshredir", 0))
        if a is None or r is None:
            continue
        spread = max(v) - min(v)
        row("%sbound, N=0: a connection pays nothing for features it does not use (DNS "
            "capture, monitor, drop-invalid off): meshredir against one bare redirect rule, "
            "within its own spread" % d,
            "%s (spread of meshredir's %d counts: %s)" % (signed(a - r), len(v), num(spread)),
            a - r <= spread)
    out.append("")


def plot(s, prefix):
    cs = [c for c in RIVALS if c in who(s, "xconn-out")]
    ns = sizes(s, "xconn-out")
    if not cs or not ns:
        return False
    dat = prefix + ".dat"
    with open(dat, "w") as f:
        f.write("# i N " + " ".join("%s-out %s-in" % (c, c) for c in cs) + "\n")
        for i, n in enumerate(ns):
            v = []
            for c in cs:
                for d in ("out", "in"):
                    a = above(s, "xconn-" + d, c, n)
                    v.append("NaN" if a is None else "%g" % a)
            f.write("%d %d %s\n" % (i, n, " ".join(v)))
    plots = []
    for j, d in enumerate(("out", "in")):
        lines = ", ".join("'%s' using 1:%d:xtic(2) with linespoints title '%s'" %
                          (dat, 3 + 2 * i + j, LABEL[c]) for i, c in enumerate(cs))
        plots.append("set title '%sbound'\nplot %s\n" % (d.capitalize(), lines))
    script = ("set terminal svg size 1000,480 dynamic font 'sans,11'\n"
              "set output '%s.svg'\n"
              "set multiplot layout 1,2 title 'Guest instructions per new TCP connection above "
              "conntrack + NAT without a redirect (QEMU TCG, counted)'\n"
              "set xlabel 'excluded ports and CIDRs (N each, in and out)'\n"
              "set ylabel 'instructions'\nset logscale y\nset key top left\n"
              "set grid ytics\n%sunset multiplot\n" % (prefix, "".join(plots)))
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    return True


def timed(out, path):
    t, _, _, facts = load(path, "bench/exact-report.py")
    name = path.rsplit("/", 1)[-1]
    out += ["## Timed rates (second table; no claim rests on them)", "",
            "New connections/s, median of the repetitions, from `%s` (%s). One round's ratio "
            "spreads ±15 to 25%% under TCG: these show orders of magnitude, the counts above "
            "show the differences." % (name, facts[0] if facts else "no facts"), ""]
    cs = [c for c in ORDER if c in who(t, "conn-out")]
    out.append("| N | " + " | ".join("%s out / in" % LABEL[c] for c in cs) + " |")
    out.append("|---:|" + "---:|" * len(cs))
    for n in sizes(t, "conn-out"):
        out.append("| {:,} | ".format(n) + " | ".join(
            "%s / %s" % (num(med(t.get(("conn-out", c, n)))), num(med(t.get(("conn-in", c, n)))))
            for c in cs) + " |")
    out.append("")


def main():
    raw, prefix = sys.argv[1], sys.argv[2]
    s, _, skips, facts = load(raw, "bench/exact-report.py")
    name = prefix.rsplit("/", 1)[-1]
    out = ["<!-- SPDX-License-Identifier: GPL-2.0 -->",
           "# Exact cost per connection: %s" % name, "",
           "Written by `bench/exact-report.py` from `%s.raw`. One vCPU runs everything; QEMU "
           "counts every instruction it executes (`tests/qemu/run --icount`) while one client "
           "makes M connections in sequence; a figure is that count over M: the client, the "
           "proxy, both namespaces' kernel paths, and the interrupts that fell in (with "
           "`-icount shift=0` the guest's clock follows the instruction count, so a timer "
           "tick comes every 4 million instructions wherever the run ran). Each figure is the "
           "smallest of its counts (3, or 5 for the contender of the noise table): what falls "
           "into a count only adds to it. The floor is conntrack + NAT without a redirect, "
           "counted in the same boot at the same N; a contender's cost above it is its own." % name, ""]
    out += ["- " + f for f in facts] + [""]
    if skips:
        out += ["Not measured:", ""] + ["- " + x for x in skips] + [""]
    out += ["## Targets", ""]
    targets(out, s)
    for d, title in (("out", "Outbound (app → 198.51.100.1:80, lands on 15001)"),
                     ("in", "Inbound (peer → pod:5000, lands on 15006)")):
        k = "xconn-" + d
        if not who(s, k):
            continue
        out += ["## %s" % title, "", "Instructions per connection, the smallest of the counts "
                "(the floor and `no NAT` connect to the proxy's port directly).", ""]
        grid(out, s, k, who(s, k), lambda c, n: num(low(s.get((k, c, n)))))
        out += ["Above the floor: each contender's own cost (the kernel's part of it "
                "in the counts `xkern` of the raw file).", ""]
        grid(out, s, k, [c for c in who(s, k) if c not in ("limit0", "limit")],
             lambda c, n: signed(above(s, k, c, n)))
        r0 = above(s, k, "redir", 0)
        if r0 is not None:
            out += ["Above one bare redirect rule: each contender's cost above the floor, "
                    "less the bare rule's (`redir`, counted at N=0 only: it has no "
                    "exclusions): what its classification costs.", ""]
            grid(out, s, k, [c for c in RIVALS if c in who(s, k)],
                 lambda c, n: "-" if above(s, k, c, n) is None else signed(above(s, k, c, n) - r0))
    if plot(s, prefix):
        out += ["![instructions above the floor against N](%s.svg)" % name, ""]
    noisy = [(k, c, n) for (k, c, n), v in s.items() if k.startswith("xconn-") and len(v) >= 5]
    if noisy:
        out += ["## Noise", "",
                "The same contender counted 5 times at each N (M connections each time): "
                "the spread of the counts per connection.", "",
                "| direction | contender | N | median | min–max | spread |",
                "|---|---|---:|---:|---:|---:|"]
        for k, c, n in sorted(noisy, key=lambda x: (x[0], x[2])):
            v = s[(k, c, n)]
            out.append("| %s | %s | {:,} | %s | %s–%s | %s (%.2f%%) |".format(n) % (
                k[6:], LABEL[c], num(med(v)), num(min(v)), num(max(v)), num(max(v) - min(v)),
                100 * (max(v) - min(v)) / med(v)))
        out.append("")
    if who(s, "xapply"):
        def mega(kind, c, n):
            a, b = med(s.get((kind, c, n))), med(s.get((kind, "limit0", n)))
            return None if a is None or b is None else (a - b) / 1e6

        def load_cell(c, n):
            t, k = mega("xapply", c, n), mega("xapply-kern", c, n)
            return "-" if t is None else "{:,.1f}".format(t) + (
                "" if k is None else " ({:,.1f})".format(k))
        out += ["## Loading the rules", "",
                "Millions of instructions from marker to marker around the load, the "
                "commands' start included, minus the markers' own cost (`no NAT` loads "
                "nothing); in brackets the kernel's part. N ports and N IPv4 CIDRs in each "
                "direction, one count each.", ""]
        grid(out, s, "xapply", [c for c in who(s, "xapply") if c != "limit0"], load_cell)
    if len(sys.argv) > 3:
        timed(out, sys.argv[3])
    open(prefix + ".md", "w").write("\n".join(out))


if __name__ == "__main__":
    main()
