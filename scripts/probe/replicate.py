#!/usr/bin/python3
"""replicate.py: a stand-in for `brandsim replicate` until the lead's engine exists.

It reads a replication scenario (scenarios/replication/<ID>.yaml: a brandsim
scenario plus the top-level keys `replicates`, `variants` and `replication`
of /work/notes/ensemble-layout.md and docs/REPLICATION-DESIGN.md), runs every
variant x replicate with the single-run binary (`brandsim run --set ...
--seed base+r`, common random numbers across variants), computes each test's
outcome from the HDF5 files and evaluates its criterion. Nothing here is part
of brandsim; it exists to probe the model and to pin down the semantics the
engine should implement (see "Semantics of the replication block" in docs/REPLICATION-DESIGN.md).

Usage (run from the repository root, with /usr/bin/python3: it needs h5py,
numpy, scipy and PyYAML from Debian):

    scripts/probe/replicate.py scenarios/replication/F1-*.yaml \
        [--replicates 8] [--consumers 20000] [--jobs 2] \
        [--set model.love_amplifier=0 ...]   # applied to every variant (controls)
        [--json out.json] [--quiet]

Runs go to $BS_PROBE_DIR (default /tmp/bs-probe), named by a hash of the
scenario text, the overrides, the seed and the size, so a repeated probe
reuses finished runs. Each run uses one thread; at most --jobs at once.

Exit status: 0 if every test passed, 1 if one failed, 2 on bad input.
"""
import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np
import yaml
from scipy import stats as st

NEW_KEYS = ("replicates", "variants", "replication")
# The denominator of each mean metric, used to merge segments (segment: [a, b]).
MEAN_WEIGHT = {
    "mean_quality": ["active_customers"],
    "mean_confidence": ["active_customers"],
    "mean_benevolence": ["active_customers"],
    "mean_disclosure": ["active_customers"],
    "mean_revenge": ["active_customers", "former_customers"],
    "mean_avoidance": ["active_customers", "former_customers"],
    "mean_shame": ["former_customers"],
    # proposed metrics (docs/REPLICATION-DESIGN.md)
    "mean_betrayal": ["active_customers", "former_customers"],
    "offer_accept_personalized": ["active_customers"],
    "offer_accept_generic": ["active_customers"],
    "share_stopped_visiting": ["active_customers", "former_customers"],
    "share_stopped_buying": ["active_customers", "former_customers"],
    "repeat_rate": ["purchases"],
}


def set_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return ",".join(str(x) for x in v)
    return str(v)


def run_one(binary, base_path, base_text, overrides, seed, consumers, outdir):
    key = hashlib.sha1(
        (base_text + "\0" + "\n".join(overrides) + f"\0{seed}\0{consumers}").encode()
    ).hexdigest()[:16]
    out = os.path.join(outdir, key + ".h5")
    if os.path.exists(out):
        return out
    cmd = [binary, "run", base_path, "-q", "--threads", "1", "--seed", str(seed), "-o", out]
    if consumers:
        cmd += ["--consumers", str(consumers)]
    for o in overrides:
        cmd += ["--set", o]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(" ".join(cmd) + "\n" + r.stderr)
    return out


class Run:
    """One finished run: reads series on demand."""

    def __init__(self, path):
        self.f = h5py.File(path, "r")
        self.names = [n.decode() if isinstance(n, bytes) else str(n) for n in self.f["brands/name"][()]]

    def raw(self, metric, segment):
        if metric.startswith("market/"):
            return self.f["timeseries/market/" + metric[7:]][()][:, None]
        if segment in (None, "all"):
            return self.f["timeseries/brand/" + metric][()]
        return self.f[f"timeseries/segment/{segment}/{metric}"][()]

    def series(self, metric, segment):
        """(S, B) series; segment may be a list (union: counts add, means weighted)."""
        if not isinstance(segment, list):
            return self.raw(metric, segment)
        if metric in MEAN_WEIGHT:
            num = 0
            den = 0
            for g in segment:
                w = sum(self.raw(d, g) for d in MEAN_WEIGHT[metric])
                num = num + self.raw(metric, g) * w
                den = den + w
            return np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        if metric == "market_share":
            p = sum(self.raw("purchases", g) for g in segment)
            tot = p.sum(axis=1, keepdims=True)
            return np.divide(p, tot, out=np.zeros_like(p), where=tot > 0)
        return sum(self.raw(metric, g) for g in segment)

    def brand_series(self, metric, brand, segment):
        x = self.series(metric, segment)
        if metric.startswith("market/"):
            return x[:, 0]
        if brand == "*":
            if metric in MEAN_WEIGHT or metric == "market_share":
                return x.mean(axis=1)
            return x.sum(axis=1)
        if isinstance(brand, list):
            return x[:, [self.names.index(b) for b in brand]].sum(axis=1)
        return x[:, self.names.index(brand)]


def stat_of(y, spec, lo, hi):
    """The outcome statistic of series y over the window [lo, hi)."""
    w = y[lo:hi]
    if isinstance(spec, str):
        kind, arg = spec, {}
    else:
        (kind, arg), = spec.items()
        arg = arg or {}
    if kind == "mean":
        return float(w.mean())
    if kind == "sum":
        return float(w.sum())
    if kind == "last":
        return float(w[-1])
    if kind == "peak":
        return float(w.max())
    if kind == "min":
        return float(w.min())
    if kind == "slope":
        x = np.arange(len(w), dtype=float)
        return float(np.polyfit(x, w, 1)[0])
    if kind == "relative":
        b0, b1 = arg["baseline"]
        inner = arg.get("of", "mean")
        return stat_of(y - y[b0:b1].mean(), inner, lo, hi)
    if kind == "ratio_to_baseline":
        b0, b1 = arg["baseline"]
        base = y[b0:b1].mean()
        return float(w.mean() / base) if base != 0 else float("nan")
    if kind == "peak_fraction":
        # proposed extension: (value at the window's last step - baseline mean) /
        # (peak over the window - baseline mean)
        b = y[arg["baseline"][0]:arg["baseline"][1]].mean()
        pk = w.max() - b
        return float((w[-1] - b) / pk) if pk > 0 else float("nan")
    if kind == "time_below":
        # steps from the window's peak until the value is below fraction x peak
        # (of the excess over the baseline mean if a baseline is given); if it
        # never falls below within the window: censored, the window length
        # (to - from), read "at least this long".
        frac = arg["fraction"]
        z = w - (y[arg["baseline"][0]:arg["baseline"][1]].mean() if "baseline" in arg else 0.0)
        p = int(np.argmax(z))
        below = np.nonzero(z[p:] < frac * z[p])[0]
        return float(below[0]) if len(below) else float(len(z))
    raise ValueError(f"unknown stat {spec!r}")


def outcome_values(runs, oc):
    """{variant: np.array over replicates} of one outcome (KeyError if a metric is missing)."""
    seg = oc.get("segment", "all")
    res = {}
    for v, files in runs.items():
        vals = []
        for path in files:
            r = Run(path)
            y = r.brand_series(oc["metric"], oc.get("brand", "*"), seg)
            val = stat_of(y, oc.get("stat", "mean"), oc["from"], oc["to"])
            if "per" in oc:  # proposed extension: divide by a level at one step
                p = oc["per"]
                d = r.brand_series(p["metric"], oc.get("brand", "*"), p.get("segment", seg))[p["step"]]
                val = val / d if d else float("nan")
            vals.append(val)
            r.f.close()
        res[v] = np.array(vals)
    return res


def ci(x, level=0.95):
    x = np.asarray(x, float)
    n = len(x)
    m = x.mean()
    if n < 2:
        return m, float("nan"), float("nan")
    h = st.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) / math.sqrt(n)
    return m, m - h, m + h


def fmt(m, lo, hi):
    return f"{m:.4g} [{lo:.4g}, {hi:.4g}]"


def evaluate(crit, vals):
    """Return (passed, text) for one criterion over {variant: values}."""
    t = crit["type"]
    if t in ("greater", "less"):
        d = vals[crit["a"]] - vals[crit["b"]]
        m, lo, hi = ci(d)
        ma, mb = vals[crit["a"]].mean(), vals[crit["b"]].mean()
        # proposed extension min_relative: the difference must exceed this share of |mean(b)|
        mg = crit.get("min_relative", 0) * abs(mb)
        ok = lo > mg if t == "greater" else hi < -mg
        extra = f" (needs beyond {mg:.4g})" if mg else ""
        return ok, f"{crit['a']} {ma:.4g} vs {crit['b']} {mb:.4g}: diff {fmt(m, lo, hi)}{extra}"
    if t == "interaction":
        a11, a10, a01, a00 = (vals[crit[k]] for k in ("a11", "a10", "a01", "a00"))
        if crit.get("scale") == "log":  # proposed extension: ratio (proportional) interaction
            eps = 1e-12
            c = (np.log(a11 + eps) - np.log(a10 + eps)) - (np.log(a01 + eps) - np.log(a00 + eps))
        else:
            c = (a11 - a10) - (a01 - a00)
        m, lo, hi = ci(c)  # paired by seed (all cells share seeds)
        # the lead's bs_effect_interaction treats cells as independent (Welch)
        est = (a11.mean() - a10.mean()) - (a01.mean() - a00.mean())
        if crit.get("scale") != "log":
            se = math.sqrt(sum(x.var(ddof=1) / len(x) for x in (a11, a10, a01, a00)))
        else:
            se = float("nan")
        ok = lo > 0 if crit.get("sign", "positive") == "positive" else hi < 0
        return ok, (f"contrast {fmt(m, lo, hi)} (paired by seed); independent-cells "
                    f"estimate {est:.4g} se {se:.3g}; cells a11 {a11.mean():.4g} a10 {a10.mean():.4g} "
                    f"a01 {a01.mean():.4g} a00 {a00.mean():.4g}")
    if t == "ordering":
        vs = crit["variants"]
        inc = crit.get("direction", "increasing") == "increasing"
        ok = True
        parts = []
        for a, b in zip(vs, vs[1:]):
            d = vals[b] - vals[a]
            m, lo, hi = ci(d)
            good = lo > 0 if inc else hi < 0
            ok &= good
            parts.append(f"{a}->{b} {fmt(m, lo, hi)}{'' if good else ' (x)'}")
        means = ", ".join(f"{v} {vals[v].mean():.4g}" for v in vs)
        return ok, means + "; steps: " + "; ".join(parts)
    if t == "slope":
        xs, ys = [], []
        for v, x in crit["x"].items():
            xs += [float(x)] * len(vals[v])
            ys += list(vals[v])
        res = st.linregress(xs, ys)
        h = st.t.ppf(0.975, len(xs) - 2) * res.stderr
        lo, hi = res.slope - h, res.slope + h
        ok = lo > 0 if crit.get("sign", "positive") == "positive" else hi < 0
        means = ", ".join(f"{v} {vals[v].mean():.4g}" for v in crit["x"])
        return ok, f"slope {fmt(res.slope, lo, hi)}; {means}"
    if t == "ratio_in":
        a, b = vals[crit["a"]], vals[crit["b"]]
        r = a.mean() / b.mean() if b.mean() != 0 else float("inf")
        # delta-method CI of the ratio of means (paired by seed)
        n = len(a)
        if b.mean() != 0 and n > 1:
            cov = np.cov(a, b, ddof=1)
            var = (cov[0, 0] / b.mean() ** 2 - 2 * a.mean() * cov[0, 1] / b.mean() ** 3
                   + a.mean() ** 2 * cov[1, 1] / b.mean() ** 4) / n
            h = st.t.ppf(0.975, n - 1) * math.sqrt(max(var, 0))
        else:
            h = float("nan")
        lo, hi = r - h, r + h
        ok = lo > crit["min"] and hi < crit["max"]
        return ok, f"ratio {crit['a']}/{crit['b']} {fmt(r, lo, hi)} vs [{crit['min']}, {crit['max']}]"
    if t == "range":
        m, lo, hi = ci(vals[crit["a"]])
        mn = crit.get("min", -math.inf)
        mx = crit.get("max", math.inf)
        ok = lo > mn and hi < mx  # the CI strictly inside (min, max)
        return ok, f"{crit['a']} {fmt(m, lo, hi)} vs ({mn}, {mx})"
    if t == "share_of":
        tot = sum(vals[v] for v in crit["among"])
        sh = np.divide(vals[crit["a"]], tot, out=np.full_like(tot, np.nan), where=tot > 0)
        m, lo, hi = ci(sh)
        ok = lo >= crit["min"]
        return ok, f"share of {crit['a']} {fmt(m, lo, hi)} vs min {crit['min']}"
    if t == "equivalent":  # proposed extension: paired difference CI inside +-margin
        d = vals[crit["a"]] - vals[crit["b"]]
        m, lo, hi = ci(d)
        if "relative_margin" in crit:
            mg = crit["relative_margin"] * abs(vals[crit["b"]].mean())
        else:
            mg = crit["margin"]
        ok = lo > -mg and hi < mg
        return ok, f"diff {fmt(m, lo, hi)} vs +-{mg:.4g}"
    raise ValueError(f"unknown criterion {t}")


def replicate(scenario, replicates=None, consumers=None, sets=(), jobs=2,
              binary="build/brandsim", quiet=True):
    """Run one replication scenario; return the report (a dict, see --json)."""
    with open(scenario) as fh:
        doc = yaml.safe_load(fh)
    rep = doc.get("replication", {})
    R = replicates or doc.get("replicates") or rep.get("replicates") or 30
    variants = doc.get("variants") or [{"name": "base", "set": {}}]
    base = {k: v for k, v in doc.items() if k not in NEW_KEYS}
    outdir = os.environ.get("BS_PROBE_DIR", "/tmp/bs-probe")
    os.makedirs(outdir, exist_ok=True)
    base_text = yaml.safe_dump(base, sort_keys=False)
    base_path = os.path.join(outdir, hashlib.sha1(base_text.encode()).hexdigest()[:16] + ".yaml")
    with open(base_path, "w") as fh:
        fh.write(base_text)
    seed0 = int(base.get("seed", 1))

    work = []
    for v in variants:
        ov = [f"{k}={set_value(x)}" for k, x in (v.get("set") or {}).items()] + list(sets)
        for r in range(R):
            work.append((v["name"], ov, seed0 + r))
    with ThreadPoolExecutor(max_workers=jobs) as ex:
        futs = [(vn, ex.submit(run_one, binary, base_path, base_text, ov, seed, consumers, outdir))
                for vn, ov, seed in work]
        runs = {}
        for vn, fu in futs:
            runs.setdefault(vn, []).append(fu.result())

    all_ok = True
    report = {"id": rep.get("id"), "scenario": scenario, "replicates": R,
              "consumers": consumers or base.get("consumers"), "sets": list(sets), "tests": []}
    for test in rep.get("tests", []):
        try:
            vals = outcome_values(runs, test["outcome"])
        except KeyError:  # a metric the model does not report yet
            all_ok = False
            report["tests"].append({"name": test["name"], "pass": None,
                                    "detail": f"cannot measure: missing metric {test['outcome']['metric']}"})
            if not quiet:
                print(f"[CANNOT-MEASURE] {rep.get('id')}: {test['name']}: missing {test['outcome']['metric']}")
            continue
        ok, text = evaluate(test["criterion"], vals)
        all_ok &= ok
        report["tests"].append({"name": test["name"], "pass": bool(ok), "detail": text,
                                "means": {v: float(x.mean()) for v, x in vals.items()}})
        if not quiet:
            print(f"[{'PASS' if ok else 'FAIL'}] {rep.get('id')}: {test['name']}: {text}")
    report["pass"] = bool(all_ok)
    if not quiet:
        print(f"{rep.get('id')}: {'PASS' if all_ok else 'FAIL'} (R={R}, N={report['consumers']}"
              + (f", sets {list(sets)}" if sets else "") + ")")
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--replicates", type=int)
    ap.add_argument("--consumers", type=int)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--set", action="append", default=[], dest="sets")
    ap.add_argument("--binary", default="build/brandsim")
    ap.add_argument("--json")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    try:
        report = replicate(a.scenario, a.replicates, a.consumers, a.sets, a.jobs, a.binary, a.quiet)
    except (OSError, RuntimeError, yaml.YAMLError) as e:
        print(f"replicate.py: {e}", file=sys.stderr)
        return 2
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(report, fh, indent=1)
    return 0 if report["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
