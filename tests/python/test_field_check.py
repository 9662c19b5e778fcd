#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""test_field_check.py: scripts/field-check.py, the calibration check of docs/CALIBRATION.md.

Run by ctest with Debian's /usr/bin/python3 and BRANDSIM_LIBRARY naming the build's
libbrandsim.so:

    /usr/bin/python3 tests/python/test_field_check.py SOURCE_DIR

A breach of size 0 measured against the same run without it changes nothing, to the
last digit; a breach costs the breached brand purchases and the cost grows with its
size; --seeds K averages K seeds; a scenario without a breach, a bad override and a bad
--seeds are refused with a message and a non-zero exit.
"""
import csv
import io
import os
import subprocess
import sys
import unittest

SOURCE = os.path.abspath(sys.argv[1])
del sys.argv[1:2]
SCRIPT = os.path.join(SOURCE, "scripts", "field-check.py")
FIELD = os.path.join(SOURCE, "scenarios", "field-breach.yaml")
SMALL = ["--set", "consumers=3000"]


def check(*args):
    return subprocess.run(["/usr/bin/python3", SCRIPT, *args], capture_output=True, text=True)


class FieldCheck(unittest.TestCase):
    def test_sizes(self):
        r = check(FIELD, *SMALL, "--csv", "--sizes", "0,0.2,0.8")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        self.assertEqual([x["brand"] for x in rows[:2]], ["bullseye", "(unbreached)"])
        zero = [x for x in rows if float(x["size"]) == 0]
        for x in zero:  # size 0 is no breach: exactly the counterfactual
            for k in ("q1", "q2", "q3", "q4"):
                self.assertEqual(float(x[k]), 0.0, (x, k))
        hit = {float(x["size"]): x for x in rows if x["brand"] == "bullseye"}
        self.assertEqual(float(hit[0]["exits"]), 0.0)
        self.assertLess(float(hit[0.2]["q1"]), 0.0, hit[0.2])
        self.assertLess(float(hit[0.8]["q1"]), float(hit[0.2]["q1"]), hit)
        self.assertGreaterEqual(float(hit[0.8]["lost"]), float(hit[0.8]["exits"]), hit[0.8])

    def test_table(self):
        r = check(FIELD, *SMALL)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("breach at step 52", r.stdout)
        self.assertIn("bullseye", r.stdout)

    def test_seeds_average(self):
        """--seeds 2 prints the mean of the runs at the scenario's seed and the one after."""
        def table(*extra):
            r = check(FIELD, *SMALL, "--csv", "--sizes", "0.4", *extra)
            self.assertEqual(r.returncode, 0, r.stderr)
            return {x["brand"]: x for x in csv.DictReader(io.StringIO(r.stdout))}
        both = table("--seeds", "2")
        one, two = table(), table("--set", "seed=20131220")
        for k in ("q1", "q2", "q3", "q4", "exits", "lost"):
            a, b = float(one["bullseye"][k]), float(two["bullseye"][k])
            self.assertAlmostEqual(float(both["bullseye"][k]), (a + b) / 2, delta=0.0011, msg=k)
        self.assertNotEqual(one["bullseye"]["q1"], two["bullseye"]["q1"], "the seeds differ")
        r = check(FIELD, *SMALL, "--seeds", "0")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--seeds 0", r.stderr)

    def test_refusals(self):
        r = check(FIELD, *SMALL, "--set", "shocks[0].size=0")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no breach", r.stderr)
        r = check(FIELD, "--set", "model.no_such_key=1")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no_such_key", r.stderr)
        r = check(FIELD, *SMALL, "--set", "steps=80")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("52 steps after the breach", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
