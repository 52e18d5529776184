#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn KUnit's KTAP output (from dmesg or a console log) into one line per
test case: "ok - suite.case" / "not ok - suite.case", each failing case
followed by its "# ..." diagnostics. tests/qemu/run numbers the lines.

Only the case level counts (a parameterised case is one case, its params'
results fold into its own). A suite that starts but never prints its own
result line (the kernel died, the module hung) yields a "not ok" for it.
Exit status: 0 if at least one case ran and none failed, 1 otherwise.
"""
import re
import sys

STAMP = re.compile(r'^\[\s*\d+\.\d+\] ?')           # printk time prefix
RESULT = re.compile(r'^(\s*)(ok|not ok) (\d+)(?: (?:- )?([^#]*?))?\s*(?:#\s*(.*))?$')
SUBTEST = re.compile(r'^(\s*)# Subtest: (\S+)')
PLAN = re.compile(r'^(\s*)1\.\.(\d+)')


def width(spaces):
    return len(spaces.expandtabs(8))


def parse(lines):
    """Return (cases, problems): cases is a list of (name, ok, skipped, diag).

    Suites are the results at indentation 0; their cases are the results at
    the first nested indentation (KUnit uses four spaces, older output a tab,
    the kernel's own tests two); deeper results are parameters of a case.
    """
    cases, problems = [], []
    suite = None      # open suite: dict(name, width, plan, cases, diag)
    started = False

    def close(cut):
        name = suite['name'] or 'unnamed suite'
        for case, ok, skipped, diag in suite['cases']:
            cases.append((f'{name}.{case}', ok, skipped, diag))
        if cut:
            problems.append(f'{name}: no result line (suite cut short)')
        elif suite['plan'] is not None and len(suite['cases']) < suite['plan']:
            problems.append(f'{name}: {len(suite["cases"])} of {suite["plan"]} planned cases reported')

    for raw in lines:
        line = STAMP.sub('', raw.rstrip('\n'))
        if not started:
            started = 'TAP version' in line
            continue
        m = re.match(r'^(\s*)', line)
        w = width(m.group(1))
        body = line[len(m.group(1)):]
        if w > 0 and suite is None and (body.startswith(('KTAP version', 'TAP version', '# Subtest:'))
                                        or PLAN.match(body) or RESULT.match(body)):
            suite = dict(name=None, width=w, plan=None, cases=[], diag=[])
        if suite is None:
            continue
        m = SUBTEST.match(line)
        if m and w == suite['width']:
            suite['name'] = m.group(2)
            continue
        m = PLAN.match(line)
        if m and w == suite['width']:
            suite['plan'] = int(m.group(2))
            continue
        m = RESULT.match(line)
        if m:
            status, name, directive = m.group(2), (m.group(4) or '').strip(), m.group(5) or ''
            skipped = directive.upper().startswith('SKIP')
            if w == suite['width']:
                suite['cases'].append((name, status == 'ok', skipped, suite['diag']))
                suite['diag'] = []
            elif w == 0:
                suite['name'] = suite['name'] or name
                if status != 'ok' and all(ok for _, ok, _, _ in suite['cases']):
                    problems.append(f'{suite["name"]}: suite reported "not ok"')
                close(False)
                suite = None
            continue
        # Anything else inside a case (KUnit's "# case: EXPECTATION FAILED"
        # and the "Expected ..." lines after it) explains its result.
        if w >= suite['width'] and not body.startswith(('KTAP version', 'TAP version', '# Subtest:')):
            suite['diag'].append(body)
    if suite is not None:
        close(True)
    return cases, problems


def main(argv):
    if len(argv) > 2:
        print('usage: ktap.py [FILE]', file=sys.stderr)
        return 2
    with (open(argv[1], errors='replace') if len(argv) == 2 else sys.stdin) as f:
        cases, problems = parse(f)
    bad = False
    for name, ok, skipped, diag in cases:
        if ok:
            print(f'ok - {name}' + (' # SKIP' if skipped else ''))
        else:
            bad = True
            print(f'not ok - {name}')
            for d in diag:
                print(f'    {d}')
    for p in problems:
        bad = True
        print(f'not ok - {p}')
    if not cases and not problems:
        bad = True
        print('not ok - kunit: no KUnit test case ran')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
