# SPDX-License-Identifier: GPL-2.0
#
# Reads what a benchmark run keeps in its RAW file, for the two reports:
# "sample KIND CONTENDER N REP VALUE" lines, "skip ..." lines, and the
# run's facts, the lines starting with "#".

import collections
import statistics
import sys


def load(path, prog):
    """Returns (samples, byrep, skips, facts): (kind, contender, n) ->
    [values], and -> {rep: value}, so that a ratio can pair the contenders
    of one repetition, which ran back to back."""
    samples = collections.defaultdict(list)
    byrep = collections.defaultdict(dict)
    skips, facts = [], []
    for line in open(path):
        f = line.split()
        if line.startswith("#"):
            facts.append(line[1:].strip())
        elif f[:1] == ["sample"]:
            if len(f) != 6:
                sys.exit("%s: %s: a sample without its value: %s" % (prog, path, line.strip()))
            key = (f[1], f[2], int(f[3]))
            samples[key].append(float(f[5]))
            byrep[key][f[4]] = float(f[5])
        elif f[:1] == ["skip"]:
            skips.append(" ".join(f[1:]))
    return samples, byrep, skips, facts


def med(v):
    return statistics.median(v) if v else None
