#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""field-check.py: what a scenario's first breach costs its brands, in the units
the field reports (docs/CALIBRATION.md), against the same run without it.

    /usr/bin/python3 scripts/field-check.py SCENARIO.yaml [--set KEY=VALUE ...]
                                            [--sizes 0.1,0.2,...] [--seeds K] [--csv]

Runs the scenario twice through the Python module (python/brandsim, over the
build's libbrandsim.so): as written, and with the first breach's size set to 0
(no breach; same seed, so the difference is the breach's effect alone). For
each breached brand it prints:
  q1..q4   change in purchases in each quarter after the breach (13 weekly
           steps; step_days sets how many steps make a quarter), in %
  exits    relationships ended within a year of the breach, beyond those
           ended without it, in % of the brand's customers the step before
  lost     exits plus customers still avoiding the brand a year on, in the
           same units: customers lost for good within the year
and the change of the unbreached brands' purchases together (q1..q4). With
--sizes, it repeats the pair at each breach size and prints one line per size
(the response to size must be smooth). With --seeds K, every figure is the mean over
K pairs of runs, at the scenario's seed and the K - 1 seeds after it (one breach is
one draw: at 100 000 consumers a quarter's change varies by a few tenths of a point
from seed to seed). --csv prints the same as CSV.
Needs Debian's python3-numpy (scripts/install-deps.sh installs it).
"""
import argparse
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
import brandsim  # noqa: E402

QUARTERS = 4


def first_breach(scenario):
    """(shock index, step, breached brand indices) of the first breach shock: the
    index from the shock list (kind 0 is `breach` in the schema's order), the step
    and brands from the run's schedule of events."""
    k = 0
    while True:
        try:
            kind, step = scenario.get(f"shocks[{k}].kind"), scenario.get(f"shocks[{k}].step")
        except brandsim.Error:
            raise SystemExit(f"field-check: {scenario.name}: no breach with a size above 0")
        if kind == 0 and scenario.get(f"shocks[{k}].size") > 0:
            break
        k += 1
    with brandsim.Run(scenario) as run:
        events = run.events
    names = scenario.brands
    brands = sorted({names.index(e.brand) for e in events
                     if e.kind.startswith("breach") and e.step == int(step)})
    return k, int(step), brands


def series(scenario, size, k):
    sc = scenario.copy()
    sc.set(f"shocks[{k}].size={size}")
    with brandsim.Run(sc) as run:
        return run.run_to_end()


def effect(scenario, size, k, t0, breached, c):
    """Per breached brand and for the rest: quarterly purchase change, exits, lost,
    against the counterfactual series c (the breach at size 0)."""
    quarter = max(1, round(91 / float(scenario.get("step_days"))))
    year = QUARTERS * quarter
    a = series(scenario, size, k)
    T = len(a.steps)
    if t0 < 1 or t0 + year > T:
        raise SystemExit(f"field-check: the run must go on {year} steps after the breach "
                         f"(step {t0}); it has {T} steps")
    pa, pc = a.brand("purchases"), c.brand("purchases")
    B = len(scenario.brands)

    def change(cols, q):
        sl = slice(t0 + q * quarter, t0 + (q + 1) * quarter)
        base = sum(pc[sl, b].sum() for b in cols)
        return 100.0 * (sum(pa[sl, b].sum() for b in cols) / base - 1) if base else math.nan

    rows = []
    for b in breached:
        before = c.brand("active_customers")[t0 - 1, b]
        ex = a.brand("exits")[t0:t0 + year, b].sum() - c.brand("exits")[t0:t0 + year, b].sum()
        av = a.brand("avoiding")[t0 + year - 1, b] - c.brand("avoiding")[t0 + year - 1, b]
        rows.append((scenario.brands[b], [change([b], q) for q in range(QUARTERS)],
                     100.0 * ex / before, 100.0 * (ex + av) / before))
    rest = [b for b in range(B) if b not in breached]
    if rest:
        rows.append(("(unbreached)", [change(rest, q) for q in range(QUARTERS)], math.nan, math.nan))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--sizes", help="comma-separated breach sizes to compare")
    ap.add_argument("--seeds", type=int, default=1, metavar="K",
                    help="mean over K seeds: the scenario's and the K - 1 after it")
    ap.add_argument("--csv", action="store_true")
    args = ap.parse_args()
    if args.seeds < 1:
        raise SystemExit(f"field-check: --seeds {args.seeds}: expected a whole number of at least 1")
    try:
        sc = brandsim.Scenario.load(args.scenario, args.set)
    except brandsim.Error as e:
        raise SystemExit(f"field-check: {e}")
    k, t0, breached = first_breach(sc)
    sizes = ([float(x) for x in args.sizes.split(",")] if args.sizes
             else [float(sc.get(f"shocks[{k}].size"))])
    head = ["size", "brand"] + [f"q{q + 1}" for q in range(QUARTERS)] + ["exits", "lost"]
    print(",".join(head) if args.csv else
          f"{sc.name}: breach at step {t0}; purchases change by quarter, exits and lost "
          f"within a year, % (against size 0, same seed"
          + (f"; mean of {args.seeds} seeds from {int(sc.get('seed'))})" if args.seeds > 1 else ")"))
    if not args.csv:
        print(f"{'size':>5} {'brand':<14}" + "".join(f"{h:>8}" for h in head[2:]))
    seed0 = int(sc.get("seed"))
    rows = {}  # (size, brand) -> the sums of its figures over the seeds, in order
    for j in range(args.seeds):
        sc.set(f"seed={seed0 + j}")
        counterfactual = series(sc, 0, k)  # the same for every size
        for size in sizes:
            for name, qs, ex, lost in effect(sc, size, k, t0, breached, counterfactual):
                acc = rows.setdefault((size, name), [0.0] * (QUARTERS + 2))
                for i, v in enumerate(qs + [ex, lost]):
                    acc[i] += v
    for (size, name), acc in rows.items():
        vals = [v / args.seeds for v in acc]
        if args.csv:
            print(",".join([f"{size:g}", name] + [f"{v:.3f}" for v in vals]))
        else:
            print(f"{size:>5g} {name:<14}" + "".join(
                f"{v:>8.1f}" if not math.isnan(v) else f"{'':>8}" for v in vals))


if __name__ == "__main__":
    main()
