#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""test_h5py.py: brandsim's output files read by the tools researchers use.

Run by ctest with Debian's /usr/bin/python3 (python3-h5py, python3-numpy,
python3-pandas from scripts/install-deps.sh):

    /usr/bin/python3 tests/python/test_h5py.py BRANDSIM_BINARY SOURCE_DIR

It writes a single-run file (tests/data/good/tiny.yaml) and an ensemble file
(tests/data/analysis/ensemble.yaml), opens both with h5py, reads every
dataset and checks its shape against the root attributes (steps, n_brands,
replicates, variants) and docs/OUTPUT.md; then reads `brandsim export`'s CSV
with pandas (skipped, and said so, if pandas is missing) and checks that it
holds the same values as the file, and that the --summary table's mean and sd are
those of the replicates' rows and the --outcomes table has a row per run and brand. Prints 'N passed, N failed'; exits 1 on
any failure.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

import h5py
import numpy as np

BINARY, SOURCE = sys.argv[1], sys.argv[2]
passed, failed, skipped = 0, 0, 0


def run(*args):
    subprocess.run([BINARY, *args], check=True, stdout=subprocess.DEVNULL)


def check_dataset(name, ds, S, B, R, ensemble):
    """Shape of one dataset from its path, as docs/OUTPUT.md describes it."""
    data = ds[()]  # reads it (every filter must be available)
    parts = name.split("/")
    # the coordinates a group of series holds (docs/OUTPUT.md, "Dimension scales")
    coords = {"step": (S,), "day": (S,), "brand": (B,), "replicate": (R,)}
    if parts[-1] in ("bin", "bin_name"):
        coords[parts[-1]] = (int(ds.parent.attrs["bins"]),)
    if parts[-1] in coords and ("timeseries" in parts or "ensemble" in parts
                                or parts[-1] == "replicate"):
        want = coords[parts[-1]]
    elif "quantile" in parts:  # (replicates,) steps, bins, brands; bins as the attribute says
        bins = int(ds.attrs["bins"])
        assert 2 <= bins <= 20 and ds.attrs["by"], f"{name}: bins {bins}, by {ds.attrs['by']}"
        want = (R, S, bins, B) if ensemble and "ensemble" not in parts else (S, bins, B)
    elif "timeseries" in parts:
        if parts[-1] in ("step", "day"):
            want = (S,)
        elif "market" in parts:
            want = (R, S) if ensemble and "ensemble" not in parts else (S,)
        else:
            want = (R, S, B) if ensemble and "ensemble" not in parts else (S, B)
    elif "ensemble" in parts:
        want = (S,) if "market" in parts else (S, B)
    elif parts[0] == "brands":
        want = (B,)
    elif parts[-1] == "seeds":
        want = (R,)
    elif "events" in parts:
        want = data.shape  # E, checked below across the five columns
    elif "exit_policy_timeline" in parts:
        want = data.shape  # B + changes, checked below across the three columns
    else:
        raise AssertionError(f"unexpected dataset {name}")
    assert data.shape == want, f"{name}: shape {data.shape}, expected {want}"
    assert "units" in ds.attrs and "description" in ds.attrs, f"{name}: units/description"
    if data.dtype.kind == "f" and "ensemble" not in parts:
        assert np.isfinite(data).all(), f"{name}: not finite"
    return data


def check_file(path, ensemble):
    with h5py.File(path, "r") as f:
        a = f.attrs
        assert a["format_version"] == 1 and a["complete"] == 1
        assert a["layout"] == ("ensemble" if ensemble else "single")
        S, B = int(a["steps"]), int(a["n_brands"])
        R = int(a["replicates"]) if ensemble else 1
        names = []
        f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
        assert len(names) > 9 * 26, f"{path}: only {len(names)} datasets"
        for n in names:
            check_dataset(n, f[n], S, B, R, ensemble)
        groups = [f"variants/{v}/events" for v in a["variants"].split("\n")] if ensemble \
            else ["events"]
        for g in groups:
            lengths = {f[g][c].shape for c in ("step", "brand", "brand_name", "kind", "size")}
            assert len(lengths) == 1, f"{g}: columns of different lengths {lengths}"
        timelines = [f"variants/{v}/exit_policy_timeline" for v in a["variants"].split("\n")] \
            if ensemble else []
        for g in ["exit_policy_timeline"] + timelines:
            tl = f[g]
            lengths = {tl[c].shape for c in ("step", "brand", "exit_policy")}
            assert len(lengths) == 1, f"{g}: columns of different lengths {lengths}"
            assert list(tl["brand"][:B]) == list(range(B)), f"{g}: the first B rows are the brands"
            assert set(tl["exit_policy"].asstr()[()]) <= {"none", "win_back", "clean_break"}
        assert isinstance(a["description"], str), "description is a string attribute"
        if ensemble:
            v = a["variants"].split("\n")
            assert len(v) == int(a["n_variants"])
            seeds = [tuple(f[f"variants/{x}/seeds"][()]) for x in v]
            assert len(set(seeds)) == 1, "the same seeds in every variant"
            g = f[f"variants/{v[0]}"]
            x = g["timeseries/brand/market_share"][()]
            assert np.allclose(g["ensemble/mean/brand/market_share"][()], x.mean(axis=0))
            q = g["timeseries/quantile/strength/revenge_acts"][()]
            assert np.allclose(g["ensemble/mean/quantile/strength/revenge_acts"][()],
                               q.mean(axis=0))
        # the strength bins partition the relationships they cover: at the last step the
        # market's strong and weak ones (no relationship of these runs ends before the shock)
        pre = first_variant(f)
        rel = f[pre + "timeseries/quantile/strength/relationships"][()].sum(axis=-2)
        seg = sum(f[pre + f"timeseries/segment/{s}/{m}"][()] for s in ("strong", "weak")
                  for m in ("active_customers", "former_customers"))
        assert (rel[..., -1, :] == seg[..., -1, :]).all(), "bins != strong + weak at the end"
        return len(names)


def first_variant(f):
    """The prefix of the first variant's groups ("" in a single-run file)."""
    if f.attrs["layout"] != "ensemble":
        return ""
    return "variants/" + f.attrs["variants"].split("\n")[0] + "/"


def check_csv(h5, csv):
    try:
        import pandas as pd
    except ImportError:
        global skipped
        skipped += 1
        print("skip: pandas is not installed (Debian package python3-pandas)")
        return
    df = pd.read_csv(csv)  # no options
    assert list(df.columns) == ["step", "variant", "replicate", "brand", "segment", "metric",
                                "value"], list(df.columns)
    with h5py.File(h5, "r") as f:
        ensemble = f.attrs["layout"] == "ensemble"
        S, B = int(f.attrs["steps"]), int(f.attrs["n_brands"])
        R = int(f.attrs["replicates"]) if ensemble else 1
        V = len(f.attrs["variants"].split("\n")) if ensemble else 1
        pre0 = first_variant(f)
        bins = sum(int(f[f"{pre0}timeseries/quantile/{g}"].attrs["bins"])
                   for g in ("strength", "trait") if f"{pre0}timeseries/quantile/{g}" in f)
        # docs/ANALYSIS.md: V x R x S x (9 x 30 x B + 10 + quantile bins x 6 x B)
        assert len(df) == V * R * S * (9 * 33 * B + 10 + bins * 6 * B), (len(df), bins)
        q = df[(df.segment == "strength_q1") & (df.metric == "relationships")]
        assert len(q) == V * R * S * B, "strength_q1 rows: one per step and brand"
        brands = list(f["brands/name"].asstr()[()])
        for v in df["variant"].unique():
            pre = f"variants/{v}/" if ensemble else ""
            sel = df[(df.variant == v) & (df.segment == "weak") & (df.metric == "mean_revenge")]
            x = f[pre + "timeseries/segment/weak/mean_revenge"][()]
            x = x if ensemble else x[np.newaxis]
            got = x[sel.replicate.values, sel.step.values,
                    [brands.index(b) for b in sel.brand.values]]
            # read_csv without options parses to within an ulp (its fast parser);
            # tests/test_analysis.c checks the text reads back exactly
            assert np.allclose(got, sel.value.values, rtol=1e-14, atol=0), "CSV != HDF5"
            mk = df[(df.variant == v) & (df.segment == "market") & (df.metric == "purchases")]
            assert mk.brand.isna().all(), "market rows have no brand"
            y = f[pre + "timeseries/market/purchases"][()]
            y = y if ensemble else y[np.newaxis]
            assert (y[mk.replicate.values, mk.step.values] == mk.value.values).all()


def check_summary(csv, summary_csv, outcomes_csv, replicates):
    """`export --summary` and `--outcomes` as docs/ANALYSIS.md reads them: the summary's
    mean and sd are those of the series' replicates; empty cells are NaN."""
    try:
        import pandas as pd
    except ImportError:
        global skipped
        skipped += 1
        print("skip: pandas is not installed (Debian package python3-pandas)")
        return
    df = pd.read_csv(csv)
    df = df[(df.segment == "all") & (df.metric == "market_share")]
    s = pd.read_csv(summary_csv)
    assert list(s.columns) == ["step", "day", "variant", "brand", "segment", "metric", "n",
                               "mean", "sd", "ci_low", "ci_high"], list(s.columns)
    assert len(s) * replicates == len(df), (len(s), len(df))
    g = df.groupby(["variant", "step", "brand"], sort=False).value
    m = s.set_index(["variant", "step", "brand"])
    assert np.allclose(m["mean"], g.mean().loc[m.index], rtol=1e-12, atol=0), "mean"
    if replicates == 1:
        assert m["sd"].isna().all() and m["ci_low"].isna().all(), "one replicate: no sd, no CI"
    else:
        assert np.allclose(m["sd"], g.std().loc[m.index], rtol=1e-9, atol=0), "sd"
        assert (m["ci_low"] <= m["mean"]).all() and (m["mean"] <= m["ci_high"]).all()
    o = pd.read_csv(outcomes_csv)
    assert list(o.columns[:5]) == ["variant", "replicate", "seed", "brand", "share_lost"]
    assert len(o) == len(df) // df.step.nunique(), "a row per variant, replicate and brand"
    assert o.revenue.notna().all() and (o.revenue > 0).all()


def test(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f"ok: {name}")
    except Exception:
        failed += 1
        print(f"FAIL: {name}")
        traceback.print_exc()


def main():
    tmp = tempfile.mkdtemp(prefix="bs_h5py_")
    try:
        single, ens = os.path.join(tmp, "single.h5"), os.path.join(tmp, "ens.h5")
        run("run", os.path.join(SOURCE, "tests/data/good/tiny.yaml"), "-o", single, "-q")
        run("run", os.path.join(SOURCE, "tests/data/analysis/ensemble.yaml"), "-o", ens, "-q")
        test("h5py reads every dataset of a single-run file", lambda: check_file(single, False))
        test("h5py reads every dataset of an ensemble file", lambda: check_file(ens, True))
        for h5 in (single, ens):
            csv = h5[:-3] + ".csv"
            run("export", h5, "--csv", csv)
            test(f"pandas reads the CSV export of {os.path.basename(h5)}",
                 lambda h5=h5, csv=csv: check_csv(h5, csv))
            summary, outcomes = h5[:-3] + "-summary.csv", h5[:-3] + "-outcomes.csv"
            run("export", h5, "--csv", summary, "--summary", "--metrics", "market_share",
                "--segments", "all")
            run("export", h5, "--csv", outcomes, "--outcomes")
            test(f"pandas reads the --summary and --outcomes export of {os.path.basename(h5)}",
                 lambda csv=csv, summary=summary, outcomes=outcomes, h5=h5:
                 check_summary(csv, summary, outcomes, 3 if h5 == ens else 1))
    finally:
        shutil.rmtree(tmp)
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
