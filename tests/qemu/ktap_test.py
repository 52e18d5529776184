#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests of ktap.py on KTAP as KUnit 6.12 prints it (run: python3 ktap_test.py)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktap  # noqa: E402

PASS = """\
[    5.100000] meshredir: loading out-of-tree module taints kernel.
[    5.200000] KTAP version 1
[    5.200001] 1..1
[    5.200002]     KTAP version 1
[    5.200003]     # Subtest: meshredir_decide
[    5.200004]     # module: meshredir_test
[    5.200005]     1..3
[    5.200006]     ok 1 decide_basic
[    5.200007]         KTAP version 1
[    5.200008]         # Subtest: decide_ports
[    5.200009]         ok 1 port-80
[    5.200010]         ok 2 port-443
[    5.200011]     # decide_ports: pass:2 fail:0 skip:0 total:2
[    5.200012]     ok 2 decide_ports
[    5.200013]     ok 3 decide_v6 # SKIP no IPv6 here
[    5.200014] # meshredir_decide: pass:2 fail:0 skip:1 total:3
[    5.200015] # Totals: pass:2 fail:0 skip:1 total:3
[    5.200016] ok 1 meshredir_decide
"""

FAIL = """\
[    5.200000] KTAP version 1
[    5.200001] 1..2
[    5.200002]     KTAP version 1
[    5.200003]     # Subtest: sets
[    5.200005]     1..2
[    5.200006]     # set_add: EXPECTATION FAILED at tests/kunit/meshredir_test.c:42
[    5.200006]     Expected n == 2, but
[    5.200007]     not ok 1 set_add
[    5.200008]     ok 2 set_del
[    5.200016] not ok 1 sets
[    5.200017]     KTAP version 1
[    5.200018]     # Subtest: config
[    5.200019]     1..1
[    5.200020]     ok 1 config_parse
[    5.200021] ok 2 config
"""

CUT = """\
[    5.200000] KTAP version 1
[    5.200001] 1..1
[    5.200002]     KTAP version 1
[    5.200003]     # Subtest: hooks
[    5.200005]     1..3
[    5.200006]     ok 1 hook_in
[    5.300000] BUG: kernel NULL pointer dereference, address: 0000000000000000
[    5.300001] Kernel panic - not syncing: Fatal exception
"""


class KtapTest(unittest.TestCase):
    def parse(self, text):
        return ktap.parse(text.splitlines(True))

    def test_all_pass_with_params_and_skip(self):
        cases, problems = self.parse(PASS)
        self.assertEqual([(n, ok, sk) for n, ok, sk, _ in cases], [
            ('meshredir_decide.decide_basic', True, False),
            ('meshredir_decide.decide_ports', True, False),
            ('meshredir_decide.decide_v6', True, True)])
        self.assertEqual(problems, [])

    def test_failure_keeps_diagnostics(self):
        cases, problems = self.parse(FAIL)
        self.assertEqual([(n, ok) for n, ok, _, _ in cases], [
            ('sets.set_add', False), ('sets.set_del', True), ('config.config_parse', True)])
        self.assertIn('EXPECTATION FAILED', cases[0][3][0])
        self.assertEqual(cases[0][3][1], 'Expected n == 2, but')
        self.assertEqual(problems, [])

    def test_cut_short_suite_is_a_problem(self):
        cases, problems = self.parse(CUT)
        self.assertEqual(len(cases), 1)
        self.assertEqual(len(problems), 1)
        self.assertIn('hooks', problems[0])

    def test_no_ktap_means_failure(self):
        self.assertEqual(self.parse('[ 1.0] hello\n'), ([], []))

    def test_without_timestamps(self):
        text = ''.join(l.split('] ', 1)[1] + '\n' for l in PASS.splitlines())
        cases, problems = self.parse(text)
        self.assertEqual(len(cases), 3)
        self.assertEqual(problems, [])

    def test_main_exit_status(self):
        import io
        import tempfile
        for text, want in ((PASS, 0), (FAIL, 1), (CUT, 1), ('nothing\n', 1)):
            with tempfile.NamedTemporaryFile('w', suffix='.log') as f:
                f.write(text)
                f.flush()
                out, sys.stdout = sys.stdout, io.StringIO()
                try:
                    rc = ktap.main(['ktap.py', f.name])
                finally:
                    sys.stdout = out
                self.assertEqual(rc, want, text)


if __name__ == '__main__':
    unittest.main()
