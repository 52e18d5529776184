#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# mrjson.py: reads `meshredir show --json` on stdin for the e2e tests.
#
#   mrjson.py counters                     "hook reason value" lines
#   mrjson.py counter HOOK REASON          one value
#   mrjson.py check-counters 'H:R=N ...'   exit 0 if every counter is as
#                                          listed and the others are 0,
#                                          else print the differences
#   mrjson.py config                       the document without counters,
#                                          canonical (for before/after diffs)

import json
import sys

HOOKS = ("local-out", "pre-routing")
REASONS = ("redirected-inbound", "redirected-outbound", "excluded-port",
           "excluded-port-for-uid", "excluded-ip", "proxy-owner",
           "passthrough", "loopback", "localhost", "not-included",
           "direction-disabled", "dropped")


def norm(key):
    return key.replace("_", "-").lower()


def counters(doc):
    """{hook: {reason: n}} with every hook and reason present."""
    c = doc.get("counters") if isinstance(doc, dict) else None
    if c is None:
        raise SystemExit("show --json has no 'counters': %s" % json.dumps(doc)[:300])
    c = {norm(h): v for h, v in c.items()}
    out = {}
    for h in HOOKS:
        per = {norm(r): v for r, v in (c.get(h) or {}).items()}
        unknown = set(per) - set(REASONS)
        if unknown:
            raise SystemExit("unknown reasons under %s: %s" % (h, sorted(unknown)))
        out[h] = {r: int(per.get(r, 0)) for r in REASONS}
    return out


def main():
    cmd = sys.argv[1]
    doc = json.load(sys.stdin)
    if cmd == "config":
        if isinstance(doc, dict):
            doc = {k: v for k, v in doc.items() if k != "counters"}
        print(json.dumps(doc, sort_keys=True, indent=1))
        return 0
    c = counters(doc)
    if cmd == "counters":
        for h in HOOKS:
            for r in REASONS:
                print(h, r, c[h][r])
        return 0
    if cmd == "counter":
        print(c[sys.argv[2]][sys.argv[3]])
        return 0
    if cmd == "check-counters":
        want = {(h, r): 0 for h in HOOKS for r in REASONS}
        for item in sys.argv[2].split():
            key, n = item.split("=")
            h, r = key.split(":")
            if (h, r) not in want:
                raise SystemExit("bad counter name %s" % key)
            want[(h, r)] = int(n)
        diff = ["%s:%s=%d (expected %d)" % (h, r, c[h][r], n)
                for (h, r), n in want.items() if c[h][r] != n]
        if diff:
            print("seen " + " ".join(diff))
            return 1
        return 0
    raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    sys.exit(main())
