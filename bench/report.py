#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# bench/report.py RAW OUT_PREFIX: turns the "sample ..." and "skip ..."
# lines of a benchmark run (bench/run keeps them in RAW) into OUT_PREFIX.md
# (tables: median with min-max, ratios, the targets) and
# OUT_PREFIX.svg (connections/s against N per contender, by gnuplot).
# Lines starting with "#" in RAW are the run's facts, copied to the top.

import collections
import statistics
import subprocess
import sys

CONTENDERS = ["limit0", "limit", "meshredir", "legacy", "iptnft", "nft"]
LABEL = {
    "limit0": "no NAT, no conntrack (a0)",
    "limit": "conntrack + NAT, no redirect (a)",
    "meshredir": "meshredir (b)",
    "legacy": "Kuma, iptables-legacy (c)",
    "iptnft": "Kuma, iptables-nft (d)",
    "nft": "hand-written nftables (e)",
    "redirected": "redirected",
    "direct": "direct",
}


def load(path):
    samples = collections.defaultdict(list)  # (kind, contender, n) -> values
    skips, facts = [], []
    for line in open(path):
        f = line.split()
        if line.startswith("#"):
            facts.append(line[1:].strip())
        elif f[:1] == ["sample"] and len(f) == 6:
            samples[(f[1], f[2], int(f[3]))].append(float(f[5]))
        elif f[:1] == ["skip"]:
            skips.append(" ".join(f[1:]))
    return samples, skips, facts


def med(v):
    return statistics.median(v) if v else None


def cell(v, fmt="%.0f"):
    if not v:
        return "-"
    return (fmt + " (" + fmt + "–" + fmt + ")") % (med(v), min(v), max(v))


def ratio(a, b):
    return "-" if a is None or b is None or b == 0 else "%.2f×" % (a / b)


def sizes(samples, kind):
    return sorted({n for (k, _, n) in samples if k == kind})


def who(samples, kind, order=CONTENDERS):
    present = {c for (k, c, _) in samples if k == kind}
    return [c for c in order if c in present]


def table(out, samples, kind, unit, fmt="%.0f"):
    cs, ns = who(samples, kind), sizes(samples, kind)
    out.append("| N | " + " | ".join(LABEL.get(c, c) for c in cs) + " |")
    out.append("|---:|" + "---:|" * len(cs))
    for n in ns:
        out.append("| %d | " % n + " | ".join(cell(samples.get((kind, c, n)), fmt) for c in cs) + " |")
    out.append("")
    out.append("Median (min–max) %s over %s repetitions." % (unit, reps(samples, kind)))
    out.append("")


def reps(samples, kind):
    r = {len(v) for (k, _, _), v in samples.items() if k == kind}
    return "/".join(str(x) for x in sorted(r))


def ratio_table(out, samples, kind, mine="meshredir"):
    cs = [c for c in who(samples, kind) if c != mine]
    out.append("| N | " + " | ".join("÷ " + LABEL.get(c, c) for c in cs) + " |")
    out.append("|---:|" + "---:|" * len(cs))
    for n in sizes(samples, kind):
        m = med(samples.get((kind, mine, n)))
        out.append("| %d | " % n + " | ".join(ratio(m, med(samples.get((kind, c, n)))) for c in cs) + " |")
    out.append("")


def target(out, text, value, ok):
    state = "not measured" if ok is None else ("met" if ok else "**not met**")
    out.append("| %s | %s | %s |" % (text, value, state))


def targets(out, s):
    m = lambda k, c, n: med(s.get((k, c, n)))
    out.append("| target | measured | |")
    out.append("|---|---|---|")
    for kind in ("conn-out", "conn-in"):
        b0, a0 = m(kind, "meshredir", 0), m(kind, "limit", 0)
        target(out, "%s: meshredir ≥ 0.95× the conntrack-on limit at N=0" % kind,
               ratio(b0, a0), None if b0 is None or a0 is None else b0 >= 0.95 * a0)
        for c in ("legacy", "iptnft", "nft"):
            x = m(kind, c, 0)
            target(out, "%s: meshredir ≥ 1.0× %s at N=0" % (kind, LABEL[c]), ratio(b0, x),
                   None if b0 is None or x is None else b0 >= x)
        b, l, e = m(kind, "meshredir", 10000), m(kind, "legacy", 10000), m(kind, "nft", 10000)
        target(out, "%s: meshredir ≥ 5× iptables-legacy at N=10,000" % kind, ratio(b, l),
               None if b is None or l is None else b >= 5 * l)
        target(out, "%s: meshredir ≥ 1.0× hand-written nftables at N=10,000" % kind, ratio(b, e),
               None if b is None or e is None else b >= e)
        ns = [n for n in sizes(s, kind) if m(kind, "meshredir", n) is not None]
        if b0 is not None and len(ns) > 1:
            worst = max(abs(m(kind, "meshredir", n) / b0 - 1) for n in ns)
            target(out, "%s: meshredir within ±10%% from N=0 to N=%d" % (kind, max(ns)),
                   "%.1f%% at worst" % (100 * worst), worst <= 0.10 if max(ns) >= 10000 else None)
    sc = sorted({n for (k, _, n) in s if k == "scale-out"})
    if len(sc) == 2:
        one, many = m("scale-out", "meshredir", sc[0]), m("scale-out", "meshredir", sc[1])
        target(out, "rate with %d configured namespaces within ±10%% of one" % sc[1],
               ratio(many, one), abs(many / one - 1) <= 0.10)
    a, l = m("apply-set", "meshredir", 10000), m("apply-set", "legacy", 10000)
    target(out, "applying 10,000 exclusions ≥ 20× faster than iptables-restore (legacy)",
           ratio(l, a), None if a is None or l is None else l >= 20 * a)
    d = m("mem-default", "meshredir", 0)
    p = m("mem-netns", "meshredir", 0)
    if d is not None:
        tot = d + max(p or 0, 0)
        target(out, "≤ 4 KiB kernel memory per namespace, default configuration",
               "%.0f B" % tot, tot <= 4096)
    r, di = m("stream", "redirected", 0), m("stream", "direct", 0)
    target(out, "established-flow throughput within ±2% of direct", ratio(r, di),
           None if r is None or di is None else abs(r / di - 1) <= 0.02)
    out.append("")


def plot(s, prefix):
    cs = who(s, "conn-out")
    ns = sizes(s, "conn-out")
    if not cs or not ns:
        return False
    dat = prefix + ".dat"
    with open(dat, "w") as f:
        f.write("# N " + " ".join(cs) + "\n")
        for i, n in enumerate(ns):
            f.write("%d %d " % (i, n) + " ".join(
                "%g" % med(s[("conn-out", c, n)]) if ("conn-out", c, n) in s else "NaN"
                for c in cs) + "\n")
    lines = ", ".join("'%s' using 1:%d:xtic(2) with linespoints title '%s'" %
                      (dat, i + 3, LABEL[c]) for i, c in enumerate(cs))
    script = ("set terminal svg size 800,480 dynamic font 'sans,11'\n"
              "set output '%s.svg'\n"
              "set title 'New outbound TCP connections per second (median; QEMU TCG)'\n"
              "set xlabel 'excluded ports and CIDRs (N each)'\n"
              "set ylabel 'connections/s'\nset yrange [0:*]\nset key outside right\n"
              "set grid ytics\nplot %s\n" % (prefix, lines))
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    return True


def main():
    raw, prefix = sys.argv[1], sys.argv[2]
    s, skips, facts = load(raw)
    name = prefix.rsplit("/", 1)[-1]
    out = ["<!-- SPDX-License-Identifier: GPL-2.0 -->",
           "# Benchmark results: %s" % name, "",
           "Written by `bench/report.py` from `%s.raw` (the raw samples). Absolute figures are"
           " QEMU TCG figures on the machine below and mean little; the ratios between"
           " contenders measured in the same guest boot, interleaved, are the result." % name, ""]
    out += ["- " + f for f in facts] + [""]
    if skips:
        out += ["Not measured:", ""] + ["- " + x for x in skips] + [""]
    out += ["## Targets (issue #5)", ""]
    targets(out, s)
    for kind, title in (("conn-out", "Outbound: new connections/s to 15001"),
                        ("conn-in", "Inbound: new connections/s to 15006")):
        if who(s, kind):
            out += ["## " + title, ""]
            table(out, s, kind, "connections/s")
            out += ["meshredir's rate divided by each contender's:", ""]
            ratio_table(out, s, kind)
    if plot(s, prefix):
        out += ["![connections/s against N](%s.svg)" % name, ""]
    for kind, title in (("apply-set", "Apply time (ms)"), ("apply-del", "Teardown time (ms)")):
        if who(s, kind):
            out += ["## " + title, "",
                    "N ports and N IPv4 and N IPv6 CIDRs in each direction, dualstack.", ""]
            table(out, s, kind, "ms")
            out += ["Each contender's time divided by meshredir's:", ""]
            cs = [c for c in who(s, kind) if c != "meshredir"]
            out.append("| N | " + " | ".join(LABEL[c] for c in cs) + " |")
            out.append("|---:|" + "---:|" * len(cs))
            for n in sizes(s, kind):
                mm = med(s.get((kind, "meshredir", n)))
                out.append("| %d | " % n + " | ".join(
                    ratio(med(s.get((kind, c, n))), mm) for c in cs) + " |")
            out.append("")
    mem = [k for k in ("mem-netns", "mem-default", "mem-excl") if who(s, k, ["meshredir"])]
    if mem:
        out += ["## Kernel memory per namespace (bytes, SUnreclaim + Percpu)", "",
                "| what | per namespace |", "|---|---:|"]
        what = {"mem-netns": "the module's own per-namespace state (loaded vs not)",
                "mem-default": "configured with the defaults",
                "mem-excl": "configured with 1,000 ports and 1,000 CIDRs"}
        for k in mem:
            n = sizes(s, k)[0]
            out.append("| %s | %s |" % (what[k], cell(s[(k, "meshredir", n)])))
        out.append("")
    if who(s, "scale-out", ["meshredir"]):
        out += ["## One pod's rate beside many configured namespaces", "",
                "| configured namespaces | connections/s |", "|---:|---:|"]
        for n in sizes(s, "scale-out"):
            out.append("| %d | %s |" % (n, cell(s[("scale-out", "meshredir", n)])))
        out.append("")
    if who(s, "stream", ["redirected", "direct"]):
        out += ["## Established flow, bulk throughput (Mbit/s)", "",
                "| connection | Mbit/s |", "|---|---:|"]
        for c in ("redirected", "direct"):
            out.append("| %s | %s |" % (c, cell(s.get(("stream", c, 0)), "%.0f")))
        out.append("")
    open(prefix + ".md", "w").write("\n".join(out))


if __name__ == "__main__":
    main()
