#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""test_module.py: the Python module (python/brandsim/) over libbrandsim.so.

Run by ctest with Debian's /usr/bin/python3 (python3-numpy from
scripts/install-deps.sh), the module on PYTHONPATH and BRANDSIM_LIBRARY naming
the build's libbrandsim.so:

    /usr/bin/python3 tests/python/test_module.py BRANDSIM_BINARY SOURCE_DIR

Checks that a run's series, read step by step through ctypes, equal every
number of the same run made by the brandsim command and exported to CSV; that
the same seed gives the same numbers (and any thread count); that an override
changes the result; that bad overrides and bad files raise brandsim.Error with
the library's message and status; lists and NumPy arrays; how the module finds
the library.
"""
import csv
import math
import os
import subprocess
import sys
import tempfile
import unittest

BINARY, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
del sys.argv[1:3]
sys.path.insert(0, os.path.join(SOURCE, "python"))

import brandsim  # noqa: E402

DEFAULT = os.path.join(SOURCE, "scenarios", "default.yaml")
BREACH = os.path.join(SOURCE, "scenarios", "breach.yaml")
SMALL = ["consumers=1500", "steps=65"]  # past both of default.yaml's shocks (30, 60)


def same(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))


class CommandAgrees(unittest.TestCase):
    """Every value of every segment, metric, brand and step, and every market
    metric, equals the command's (exported at full precision)."""

    def test_series_equal_the_commands_csv(self):
        with tempfile.TemporaryDirectory() as tmp:
            h5, out = os.path.join(tmp, "d.h5"), os.path.join(tmp, "d.csv")
            subprocess.run([BINARY, "run", DEFAULT, "--consumers", "1500", "--steps", "65",
                            "-o", h5, "--quiet"], check=True)
            subprocess.run([BINARY, "export", h5, "--csv", out], check=True,
                           stdout=subprocess.DEVNULL)
            with open(out, newline="") as f:
                rows = list(csv.DictReader(f))
        series = brandsim.simulate(DEFAULT, SMALL, arrays=False)
        self.assertEqual(list(series.steps), list(range(65)))
        brands = {b: i for i, b in enumerate(series.brands)}
        cache, n = {}, 0
        for r in rows:
            step, value = int(r["step"]), float(r["value"])
            if r["segment"] == "market":
                got = series.market(r["metric"])[step]
            else:
                key = (r["metric"], r["segment"])
                if key not in cache:
                    cache[key] = series.brand(*key)
                got = cache[key][step][brands[r["brand"]]]
            self.assertTrue(same(got, value), f"{r}: module gives {got!r}")
            n += 1
        B, S = len(series.brands), len(series.steps)
        bins = 3  # the default strength terciles (strength_q1 .. strength_q3)
        want = S * (B * len(brandsim.SEGMENTS) * len(brandsim.METRICS) + len(brandsim.MARKET_METRICS)
                    + bins * len(brandsim.QUANTILE_METRICS) * B)
        self.assertEqual(n, want, "the CSV does not hold every series the module reads")
        self.assertIn("acts_gini", brandsim.MARKET_METRICS)
        self.assertEqual(brandsim.QUANTILE_METRICS, ("purchases", "revenue", "revenge_acts",
                                                     "exits", "mean_revenge", "relationships"))
        with self.assertRaises(KeyError):
            series.brand("revenge_acts", "strength_q4")
        with self.assertRaises(KeyError):
            series.brand("mean_quality", "strength_q1")

    def test_events_match_the_scenario(self):
        run = brandsim.Run(brandsim.Scenario.load(BREACH, ["consumers=500"]))
        kinds = {(e.step, e.brand, e.kind) for e in run.events}
        self.assertEqual(kinds, {(20, b, "breach:sold_data") for b in ("alder", "cedar", "elm", "ginkgo")})


class RunFile(unittest.TestCase):
    """run_file writes what `brandsim run` writes: the same series, to HDF5."""

    def test_the_file_equals_the_commands(self):
        with tempfile.TemporaryDirectory() as tmp:
            mine, theirs = os.path.join(tmp, "mine.h5"), os.path.join(tmp, "theirs.h5")
            brandsim.run_file(BREACH, mine, ["consumers=800", "steps=25"], threads=1)
            subprocess.run([BINARY, "run", BREACH, "--consumers", "800", "--steps", "25",
                            "-o", theirs, "--quiet"], check=True)
            self.assertFalse(os.path.exists(mine + ".partial"))
            d = subprocess.run(["h5diff", "--exclude-path", "/provenance", mine, theirs],
                               capture_output=True, text=True)
            self.assertEqual(d.returncode, 0, d.stdout + d.stderr)

    def test_variants_make_an_ensemble_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "t1.h5")
            t1 = os.path.join(SOURCE, "tests", "data", "replication", "T1-apology.yaml")
            brandsim.run_file(t1, out, ["consumers=300", "replicates=2"])
            import h5py
            with h5py.File(out) as f:
                self.assertEqual(f.attrs["layout"], "ensemble")
                self.assertEqual(f.attrs["variants"], "none\napology")
                self.assertEqual(f.attrs["overrides"], "consumers=300\nreplicates=2")

    def test_bad_input_raises_and_writes_nothing(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "x.h5")
            with self.assertRaises(brandsim.Error) as e:
                brandsim.run_file(BREACH, out, ["model.revenge_decay=7"])
            self.assertEqual(e.exception.status, 2)
            self.assertIn("'model.revenge_decay': 7 is out of range", str(e.exception))
            self.assertEqual(os.listdir(tmp), [])


class Determinism(unittest.TestCase):
    def test_same_seed_same_numbers(self):
        a = brandsim.simulate(BREACH, ["consumers=1000", "steps=30"], threads=1)
        b = brandsim.simulate(BREACH, ["consumers=1000", "steps=30"], threads=2)
        for m in ("market_share", "revenge_wom", "mean_disclosure"):
            for s in ("all", "strong"):
                self.assertEqual(a.brand(m, s).tolist() if brandsim.HAVE_NUMPY else a.brand(m, s),
                                 b.brand(m, s).tolist() if brandsim.HAVE_NUMPY else b.brand(m, s))

    def test_override_changes_the_result(self):
        base = brandsim.Scenario.load(BREACH, ["consumers=1000", "steps=40"])
        changed = base.copy().set("model.revenge_decay", 0.5).validate()
        self.assertEqual(changed.get("model.revenge_decay"), 0.5)
        self.assertNotEqual(base.get("model.revenge_decay"), 0.5)
        with brandsim.Run(base, arrays=False) as r:
            a = r.run_to_end().brand("mean_revenge")
        with brandsim.Run(changed, arrays=False) as r:
            b = r.run_to_end().brand("mean_revenge")
        self.assertEqual(a[:20], b[:20], "nothing to avenge before the breach in week 20")
        self.assertNotEqual(a[20:], b[20:])
        share = brandsim.simulate(BREACH, ["consumers=1000", "steps=40"], arrays=False)
        seeded = brandsim.simulate(BREACH, ["consumers=1000", "steps=40", "seed=7"], arrays=False)
        self.assertNotEqual(share.brand("market_share"), seeded.brand("market_share"))


class Errors(unittest.TestCase):
    def test_bad_override_raises_the_librarys_message(self):
        sc = brandsim.Scenario.load(BREACH)
        with self.assertRaises(brandsim.Error) as cm:
            sc.set("model.revenge_decay=7")
        self.assertEqual(cm.exception.status, brandsim.ERR_INPUT)
        self.assertIn("'model.revenge_decay': 7 is out of range [0, 1]", str(cm.exception))
        self.assertEqual(cm.exception.message, str(cm.exception))
        with self.assertRaises(brandsim.Error) as cm:
            sc.set("model.no_such_key", 1)
        self.assertIn("model.no_such_key", cm.exception.message)
        with self.assertRaises(brandsim.Error) as cm:
            sc.set("brands[nobody].quality=0.5")
        self.assertIn("nobody", cm.exception.message)

    def test_override_caught_by_validation_names_the_file(self):
        with self.assertRaises(brandsim.Error) as cm:
            brandsim.Scenario.load(BREACH, ["steps=10"])  # the breach is in step 20
        self.assertEqual(cm.exception.status, brandsim.ERR_INPUT)
        self.assertTrue(cm.exception.message.startswith(BREACH), cm.exception.message)
        self.assertIn("shocks[0].step", cm.exception.message)

    def test_bad_file_names_file_line_and_key(self):
        bad = os.path.join(SOURCE, "tests", "data", "bad", "shock_brand_twice.yaml")
        with self.assertRaises(brandsim.Error) as cm:
            brandsim.Scenario.load(bad)
        self.assertEqual(cm.exception.status, brandsim.ERR_INPUT)
        self.assertRegex(cm.exception.message, r"^.*shock_brand_twice\.yaml:\d+: 'shocks\[0\]\.brands")
        with self.assertRaises(brandsim.Error) as cm:
            brandsim.Scenario.load(os.path.join(SOURCE, "no", "such.yaml"))
        self.assertIn("such.yaml", cm.exception.message)
        with self.assertRaises(brandsim.Error) as cm:
            brandsim.Scenario.from_string("name: x\nbrands: []\nconsumres: 5\n", name="inline.yaml")
        self.assertIn("inline.yaml:", cm.exception.message)

    def test_stepping_a_finished_run(self):
        run = brandsim.Run(brandsim.Scenario.load(BREACH, ["consumers=200", "steps=21"]))
        run.run_to_end()
        self.assertTrue(run.finished)
        with self.assertRaises(brandsim.Error) as cm:
            run.step()
        self.assertEqual(cm.exception.status, brandsim.ERR_RUNTIME)
        self.assertIn("finished", cm.exception.message)

    def test_a_scenario_without_brands_cannot_run(self):
        with self.assertRaises(brandsim.Error):
            brandsim.Run(brandsim.Scenario())


class ChangingCourse(unittest.TestCase):
    """A run changed live equals the scenario that lists the policy; a game scores a team
    that kept its course at exactly 0 and replays from its log."""

    MARKET = ("name: class\nseed: 11\nconsumers: 2000\nsteps: 26\n"
              "brands:\n  - {name: acme}\n  - {name: bolt}\n  - {name: cove}\n"
              "shocks:\n  - {kind: breach, step: 15, brands: [acme], size: 0.5, reach: 0.6}\n")

    def test_change_course_equals_the_listed_policy(self):
        listed = brandsim.Scenario.from_string(
            self.MARKET + "  - {kind: policy, step: 9, brands: [acme], "
            "policy: {price: 1.2, breach_response: apology}}\n")
        whole = brandsim.Run(listed, arrays=False).run_to_end()
        run = brandsim.Run(brandsim.Scenario.from_string(self.MARKET), arrays=False)
        for t in range(26):
            if t == 9:
                run.change_course("acme", "price=1.2", "breach_response=apology")
            run.step()
            self.assertEqual(run.metric("revenue"), whole.brand("revenue")[t])
        self.assertIn("response:apology", [e.kind for e in run.events])
        with self.assertRaises(brandsim.Error) as cm:
            brandsim.Run(listed).change_course("acme", "price=-1")
        self.assertEqual(cm.exception.status, brandsim.ERR_INPUT)

    def test_computer_brands_play_and_replay(self):
        sc = brandsim.Scenario.from_string(self.MARKET)
        game = brandsim.Game(sc, ["acme", "bolt"], computers={"cove": "harvester"}, arrays=False)
        game.play()
        self.assertIn("personalization=0.9", game.computer_move("cove"))
        game.play()
        self.assertEqual(game.standing("acme")["score"], 0, "a team that kept its course")
        again = brandsim.Game.replay(sc, ["acme", "bolt"], game.log,
                                     computers={"cove": "harvester"}, arrays=False)
        self.assertEqual(again.standing("bolt"), game.standing("bolt"))
        self.assertEqual(again.market.metric("revenue"), game.market.metric("revenue"))
        with self.assertRaises(brandsim.Error) as cm:
            brandsim.Game(sc, ["acme"], computers={"cove": "gambler"})
        self.assertIn("unknown strategy", str(cm.exception))
        with self.assertRaises(brandsim.Error):
            game.computer_move("acme")

    def test_a_game_scores_and_replays(self):
        sc = brandsim.Scenario.from_string(self.MARKET)
        game = brandsim.Game(sc, ["acme", "bolt"], arrays=False)
        self.assertEqual(game.rounds, 2)
        game.decide("bolt", "price=1.5")
        game.play()
        game.decide("acme", "breach_response=apology", "response_delay=0")
        game.play()
        acme, bolt = game.standing("acme"), game.standing("bolt")
        self.assertNotEqual(acme["score"], 0)
        self.assertLess(bolt["share"], bolt["counterfactual_share"])
        rounds = [game.round_standing("bolt", r) for r in range(2)]
        self.assertAlmostEqual(sum(x["revenue"] for x in rounds), bolt["revenue"])
        self.assertEqual(rounds[1]["share"], bolt["share"])
        self.assertEqual(game.log, "0 bolt price=1.5\n0 end\n1 acme breach_response=apology\n"
                                   "1 acme response_delay=0\n1 end\n")
        again = brandsim.Game.replay(sc, ["acme", "bolt"], game.log, arrays=False)
        self.assertEqual(again.standing("acme"), acme)
        self.assertEqual(again.market.metric("market_share"), game.market.metric("market_share"))
        with self.assertRaises(brandsim.Error):
            game.play()  # after the last round
        with self.assertRaises(KeyError):
            game.decide("zed", "price=1")
        lone = brandsim.Game(sc, ["acme", "bolt"])
        lone.decide("bolt", "price=1.3")
        lone.play()
        self.assertEqual(lone.standing("acme")["score"], 0.0)  # acme kept its course
        self.assertEqual(list(lone.counterfactual("acme").metric("revenue")),
                         list(lone.market.metric("revenue")))


class Values(unittest.TestCase):
    def test_step_by_step_equals_run_to_end(self):
        sc = brandsim.Scenario.load(BREACH, ["consumers=800", "steps=24"])
        whole = brandsim.Run(sc, arrays=False).run_to_end()
        run = brandsim.Run(sc, arrays=False)
        for t in range(24):
            self.assertEqual(run.step(), t)
            self.assertEqual(run.metric("market_share"), whole.brand("market_share")[t])
            self.assertEqual(run.metric("betrayed", "communal"), whole.brand("betrayed", "communal")[t])
            self.assertEqual(run.market("mean_distrust"), whole.market("mean_distrust")[t])
            self.assertEqual(run.market()["purchases"], whole.market("purchases")[t])
            self.assertEqual(run.metric("revenge_acts", "strength_q3"),
                             whole.brand("revenge_acts", "strength_q3")[t])
            self.assertAlmostEqual(sum(run.metric("market_share")), 1.0, places=12)

    def test_numpy_arrays_when_numpy_imports(self):
        if not brandsim.HAVE_NUMPY:
            self.skipTest("numpy does not import in this interpreter")
        import numpy as np
        sc = brandsim.Scenario.load(BREACH, ["consumers=800", "steps=24"])
        arr = brandsim.Run(sc).run_to_end()
        lst = brandsim.Run(sc, arrays=False).run_to_end()
        share = arr.brand("market_share", "weak")
        self.assertIsInstance(share, np.ndarray)
        self.assertEqual(share.shape, (24, 8))
        self.assertEqual(share.dtype, np.float64)
        self.assertEqual(share.tolist(), lst.brand("market_share", "weak"))
        self.assertEqual(arr.market("no_purchase").shape, (24,))
        self.assertEqual(arr.market("no_purchase").tolist(), lst.market("no_purchase"))
        self.assertIsInstance(lst.brand("market_share"), list)
        run = brandsim.Run(sc)
        run.step()
        self.assertIsInstance(run.metric("revenue"), np.ndarray)

    def test_names_come_from_the_library(self):
        self.assertEqual(brandsim.SEGMENTS[0], "all")
        self.assertIn("strong", brandsim.SEGMENTS)
        self.assertIn("market_share", brandsim.METRICS)
        self.assertIn("mean_distrust", brandsim.MARKET_METRICS)
        units, desc = brandsim.metric_info("revenue")
        self.assertEqual(units, "currency units")
        with self.assertRaises(KeyError):
            brandsim.Run(brandsim.Scenario.load(BREACH, ["consumers=100"])).run_to_end().brand("nope")
        sc = brandsim.Scenario.load(BREACH)
        self.assertEqual(sc.name, "breach")
        self.assertEqual(sc.brands[:2], ["alder", "birch"])
        self.assertEqual(sc.steps, 52)
        again = brandsim.Scenario.from_string(sc.to_yaml(), name="resolved.yaml")
        self.assertEqual(again.to_yaml(), sc.to_yaml())


class Finding(unittest.TestCase):
    """How the module finds libbrandsim.so (brandsim/_native.py)."""

    def _import(self, env):
        code = "import brandsim; print(brandsim.LIBRARY)"
        e = {k: v for k, v in os.environ.items() if k != "BRANDSIM_LIBRARY"}
        e.update(env)
        e["PYTHONPATH"] = os.path.join(SOURCE, "python")
        return subprocess.run([sys.executable, "-c", code], env=e, capture_output=True, text=True)

    def test_brandsim_library_names_the_one_to_load(self):
        r = self._import({"BRANDSIM_LIBRARY": "/nonexistent/libbrandsim.so"})
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("/nonexistent/libbrandsim.so", r.stderr)
        self.assertIn("ImportError", r.stderr)

    def test_build_tree_without_the_variable(self):
        tree = os.path.join(SOURCE, "build", "libbrandsim.so")
        if os.path.realpath(os.environ.get("BRANDSIM_LIBRARY", "")) != os.path.realpath(tree):
            self.skipTest("this build is not the source tree's build/")
        r = self._import({})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.path.realpath(r.stdout.strip()), os.path.realpath(tree))


if __name__ == "__main__":
    unittest.main(verbosity=2)
