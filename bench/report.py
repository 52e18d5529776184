#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# bench/report.py RAW OUT_PREFIX: turns the "sample ..." and "skip ..."
# lines of a benchmark run (bench/run keeps them in RAW) into OUT_PREFIX.md
# (tables: median with min-max, ratios, the performance targets) and
# OUT_PREFIX.svg (connections/s against N per contender, by gnuplot).
# Lines starting with "#" in RAW are the run's facts, copied to the top.

import collections
import subprocess
import sys

from samples import load, med

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


# (kind, contender, n) -> {rep: value}: the contenders of one repetition
# ran back to back, so their ratio is free of the host's slower drift.
BYREP = collections.defaultdict(dict)


def cell(v, fmt="%.0f"):
    if not v:
        return "-"
    return (fmt + " (" + fmt + "–" + fmt + ")") % (med(v), min(v), max(v))


def ratio(a, b):
    return "-" if a is None or b is None or b == 0 else "%.2f×" % (a / b)


def paired(kind, a, b, n):
    """a's value over b's, one ratio per repetition both ran in."""
    x, y = BYREP.get((kind, a, n), {}), BYREP.get((kind, b, n), {})
    return [x[r] / y[r] for r in x if r in y and y[r]]


def pratio(kind, a, b, n):
    """The median of the per-repetition ratios, with their range."""
    v = paired(kind, a, b, n)
    return ("-", None) if not v else \
        ("%.2f× (%.2f–%.2f)" % (med(v), min(v), max(v)), med(v))


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
        out.append("| %d | " % n + " | ".join(pratio(kind, mine, c, n)[0] for c in cs) + " |")
    out.append("")


def target(out, text, value, ok):
    state = "not measured" if ok is None else ("met" if ok else "**not met**")
    out.append("| %s | %s | %s |" % (text, value, state))


def targets(out, s):
    m = lambda k, c, n: med(s.get((k, c, n)))
    out.append("| target | measured: median of per-round ratios (range) | |")
    out.append("|---|---|---|")

    def at_least(text, kind, a, b, n, factor):
        txt, v = pratio(kind, a, b, n)
        target(out, text, txt, None if v is None else v >= factor)

    for kind in ("conn-out", "conn-in"):
        at_least("%s: meshredir ≥ 0.95× the conntrack-on limit at N=0" % kind,
                 kind, "meshredir", "limit", 0, 0.95)
        for c in ("legacy", "iptnft", "nft"):
            at_least("%s: meshredir ≥ 1.0× %s at N=0" % (kind, LABEL[c]), kind, "meshredir", c, 0, 1.0)
        at_least("%s: meshredir ≥ 5× iptables-legacy at N=10,000" % kind,
                 kind, "meshredir", "legacy", 10000, 5.0)
        at_least("%s: meshredir ≥ 1.0× hand-written nftables at N=10,000" % kind,
                 kind, "meshredir", "nft", 10000, 1.0)
        ns = [n for n in sizes(s, kind) if paired(kind, "meshredir", "limit", n)]
        q0, r0 = med(paired(kind, "meshredir", "limit", 0)), m(kind, "meshredir", 0)
        if 0 in ns and len(ns) > 1 and q0 and r0:
            dev = {n: med(paired(kind, "meshredir", "limit", n)) / q0 - 1 for n in ns}
            raw = {n: m(kind, "meshredir", n) / r0 - 1 for n in ns}
            worst = max(dev.values(), key=abs)
            target(out, "%s: meshredir within ±10%% from N=0 to N=%d (its ratio to the limit of "
                   "the same rounds; the raw rate moved %s)" % (kind, max(ns), ", ".join(
                       "%+.0f%% at %d" % (100 * raw[n], n) for n in ns if n)),
                   "%+.1f%% at worst" % (100 * worst),
                   abs(worst) <= 0.10 if max(ns) >= 10000 else None)
    sc = sorted({n for (k, c, n) in s if k == "scale-out" and c == "meshredir"})
    if len(sc) == 2:
        one, many = paired("scale-out", "meshredir", "limit", sc[0]), \
            paired("scale-out", "meshredir", "limit", sc[1])
        if one and many and med(one):
            r = med(many) / med(one)
            target(out, "rate with %d configured namespaces within ±10%% of one (ratio to the "
                   "same pod's direct rate, with many over alone; raw rates %s)" %
                   (sc[1], ratio(m("scale-out", "meshredir", sc[1]), m("scale-out", "meshredir", sc[0]))),
                   "%.2f×" % r, abs(r - 1) <= 0.10)
        else:
            a1, an = m("scale-out", "meshredir", sc[0]), m("scale-out", "meshredir", sc[1])
            target(out, "rate with %d configured namespaces within ±10%% of one" % sc[1],
                   ratio(an, a1), abs(an / a1 - 1) <= 0.10 if a1 else None)
    at_least("applying 10,000 exclusions ≥ 20× faster than iptables-restore (legacy)",
             "apply-set", "legacy", "meshredir", 10000, 20.0)
    above = lambda c: [BYREP[("apply-set", c, 10000)][r] - BYREP[("apply-floor", c, 10000)][r]
                       for r in BYREP.get(("apply-floor", c, 10000), {})
                       if r in BYREP.get(("apply-set", c, 10000), {})]
    a, l = above("meshredir"), above("legacy")
    if a and l:
        # Under a millisecond or below the floor: too small to divide by.
        target(out, "the same, above the cost of starting the commands (apply minus `version` "
               "in the same round: legacy %.0f ms, meshredir %.0f ms)" % (med(l), med(a)),
               ratio(med(l), med(a)) if med(a) >= 1 else "not measurable",
               med(l) >= 20 * med(a) if med(a) >= 1 else None)
    d = m("mem-default", "meshredir", 0)
    p = m("mem-netns", "meshredir", 0)
    if d is not None:
        tot = d + max(p or 0, 0)
        target(out, "≤ 4 KiB kernel memory per namespace, default configuration (the module's "
               "own state plus the configuration)", "%.0f B" % tot, tot <= 4096)
    txt, v = pratio("stream", "redirected", "direct", 0)
    target(out, "established-flow throughput within ±2% of direct", txt,
           None if v is None else abs(v - 1) <= 0.02)
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
    s, byrep, skips, facts = load(raw, "bench/report.py")
    BYREP.update(byrep)
    name = prefix.rsplit("/", 1)[-1]
    out = ["<!-- SPDX-License-Identifier: GPL-2.0 -->",
           "# Benchmark results: %s" % name, "",
           "Written by `bench/report.py` from `%s.raw` (the raw samples). Absolute figures are"
           " QEMU TCG figures on the machine below and mean little; the ratios between"
           " contenders measured in the same guest boot, interleaved, are the result." % name, ""]
    out += ["- " + f for f in facts] + [""]
    if skips:
        out += ["Not measured:", ""] + ["- " + x for x in skips] + [""]
    out += ["## Targets", ""]
    targets(out, s)
    for kind, title in (("conn-out", "Outbound: new connections/s to 15001"),
                        ("conn-in", "Inbound: new connections/s to 15006")):
        if who(s, kind):
            out += ["## " + title, ""]
            table(out, s, kind, "connections/s")
            out += ["meshredir's rate divided by each contender's in the same round: the "
                    "median of the per-round ratios (their range).", ""]
            ratio_table(out, s, kind)
    if plot(s, prefix):
        out += ["![connections/s against N](%s.svg)" % name, ""]
    for kind, title in (("apply-set", "Apply time (ms)"), ("apply-del", "Teardown time (ms)")):
        if who(s, kind):
            out += ["## " + title, "",
                    "N ports and N IPv4 and N IPv6 CIDRs in each direction, dualstack.", ""]
            table(out, s, kind, "ms")
            out += ["Each contender's time divided by meshredir's, per round: median (range).", ""]
            cs = [c for c in who(s, kind) if c != "meshredir"]
            out.append("| N | " + " | ".join(LABEL[c] for c in cs) + " |")
            out.append("|---:|" + "---:|" * len(cs))
            for n in sizes(s, kind):
                out.append("| %d | " % n + " | ".join(
                    pratio(kind, c, "meshredir", n)[0] for c in cs) + " |")
            out.append("")
    if who(s, "apply-floor"):
        out += ["## Starting the commands (ms)", "",
                "What the apply commands cost with nothing to do (`meshredir version`, "
                "`iptables-restore -V` for both families, `nft -v`), through the same "
                "`ip netns exec NS sh -c`, in the same rounds; included in every apply time above.", ""]
        table(out, s, "apply-floor", "ms")
    mem = [k for k in ("mem-netns", "mem-default", "mem-excl") if who(s, k, ["meshredir"])]
    if mem:
        out += ["## Kernel memory per namespace (bytes, SUnreclaim + Percpu)", "",
                "| what | per namespace |", "|---|---:|"]
        what = {"mem-netns": "the module's own state in a namespace, unconfigured",
                "mem-default": "configured with the defaults",
                "mem-excl": "configured with 1,000 ports and 1,000 CIDRs"}
        for k in mem:
            n = sizes(s, k)[0]
            out.append("| %s | %s |" % (what[k], cell(s.get((k, "meshredir", n)))))
        out.append("")
    if who(s, "scale-out", ["meshredir"]):
        out += ["## One pod's rate beside many configured namespaces", "",
                "| configured namespaces | redirected, connections/s | the same pod straight to "
                "its proxy | ratio per round |", "|---:|---:|---:|---:|"]
        for n in sizes(s, "scale-out"):
            out.append("| %d | %s | %s | %s |" % (n, cell(s.get(("scale-out", "meshredir", n))),
                       cell(s.get(("scale-out", "limit", n))),
                       pratio("scale-out", "meshredir", "limit", n)[0]))
        out.append("")
    if who(s, "stream", ["redirected", "direct"]):
        out += ["## Established flow, bulk throughput (Mbit/s)", "",
                "| connection | Mbit/s |", "|---|---:|"]
        for c in ("redirected", "direct", "legacy"):
            if ("stream", c, 0) in s:
                out.append("| %s | %s |" % ({"redirected": "redirected by meshredir",
                                             "direct": "direct (same pod, same proxy)",
                                             "legacy": "redirected by Kuma's rules, iptables-legacy"}[c],
                                            cell(s.get(("stream", c, 0)), "%.0f")))
        out += ["", "meshredir's redirected flow over the direct one, per round: %s." %
                pratio("stream", "redirected", "direct", 0)[0]]
        if ("stream", "legacy", 0) in s:
            out += ["Kuma's REDIRECT over the direct one: %s; meshredir over Kuma's: %s." %
                    (pratio("stream", "legacy", "direct", 0)[0],
                     pratio("stream", "redirected", "legacy", 0)[0])]
        out.append("")
    open(prefix + ".md", "w").write("\n".join(out))


if __name__ == "__main__":
    main()
