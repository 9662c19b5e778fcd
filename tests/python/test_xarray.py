#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""test_xarray.py: brandsim's output files read by netCDF readers, through xarray.

Run by ctest with Debian's /usr/bin/python3 (python3-xarray, python3-netcdf4 and
python3-h5py from scripts/install-deps.sh):

    /usr/bin/python3 tests/python/test_xarray.py BRANDSIM_BINARY SOURCE_DIR

It writes a single-run file (tests/data/good/tiny.yaml) and an ensemble file
(tests/data/analysis/ensemble.yaml: 2 variants x 3 replicates, with trait bins
too), and opens every group of series with xarray.open_dataset(path, group=...),
engine netcdf4 (and h5netcdf when python3-h5netcdf is installed). Each group must
show named dimensions (step, brand, bin, replicate: the names of the datasets'
`dims` attribute, no phony_dim_N), each with its coordinate: the step index
0 .. S-1, the day at the end of each step ((step + 1) * step_days), the brand
names of /brands/name, the bins 0 .. Q-1 and their names, the replicates
0 .. R-1; and each variable must hold what h5py reads from the same dataset
(docs/OUTPUT.md, "Dimension scales"). Prints 'N passed, N failed'; exits 1 on
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

try:
    import netCDF4  # xarray's netcdf4 engine
    import xarray as xr
except ImportError as e:
    sys.exit(f"test_xarray: {e}: install python3-xarray and python3-netcdf4 "
             "(scripts/install-deps.sh)")

BINARY, SOURCE = sys.argv[1], sys.argv[2]
ENGINES = ["netcdf4"]
try:
    import h5netcdf  # noqa: F401
    ENGINES.append("h5netcdf")
except ImportError:
    pass
passed, failed = 0, 0


def run(*args):
    subprocess.run([BINARY, *args], check=True, stdout=subprocess.DEVNULL)


def series_groups(f):
    """Every group that holds series (under timeseries or ensemble), and each variant's
    group (its seeds along the replicates)."""
    found = []

    def visit(name, obj):
        parts = name.split("/")
        if isinstance(obj, h5py.Group) and any(isinstance(x, h5py.Dataset) for x in obj.values()) \
                and ("timeseries" in parts or "ensemble" in parts
                     or (len(parts) == 2 and parts[0] == "variants")):
            found.append(name)
    f.visititems(visit)
    return found


def expected_dims(ds):
    """A dataset's dimensions as its `dims` attribute names them (market series of one
    run, and statistics of market series, have none: their one dimension is the step)."""
    if "dims" in ds.attrs:
        return tuple(ds.attrs["dims"].split(","))
    return ("replicate",) if ds.name.endswith("/seeds") else ("step",)


def check_group(f, group, ds, engine):
    """One group as xarray shows it (ds): named dimensions with coordinates, values as
    h5py reads them from f."""
    S, B = int(f.attrs["steps"]), int(f.attrs["n_brands"])
    R = int(f.attrs["replicates"]) if f.attrs["layout"] == "ensemble" else 1
    g = f[group]
    where = f"{group} ({engine})"
    phony = [d for d in ds.dims if d.startswith("phony_dim")]
    assert not phony, f"{where}: unnamed dimensions {phony} in {dict(ds.dims)}"
    for d in ds.dims:
        assert d in ds.coords, f"{where}: dimension {d} has no coordinate"
    n = 0
    for name, var in ds.data_vars.items():
        want = expected_dims(g[name])
        assert var.dims == want, f"{where}/{name}: dims {var.dims}, expected {want}"
        raw = g[name][()]
        assert var.dtype == raw.dtype and np.array_equal(var.values, raw), \
            f"{where}/{name}: xarray's values differ from h5py's"
        n += 1
    c = ds.coords
    if "step" in ds.dims:
        assert ds.sizes["step"] == S and list(c["step"].values) == list(range(S)), where
        assert c["day"].dims == ("step",), f"{where}: day is not a coordinate along step"
        day = c["day"].values / np.timedelta64(1, "D")  # units "days": a timedelta
        assert np.allclose(day, (np.arange(S) + 1) * f.attrs["step_days"]), f"{where}: day"
    if "brand" in ds.dims:
        names = list(f["brands/name"].asstr()[()])
        assert list(c["brand"].values) == names, f"{where}: brands {c['brand'].values}"
    if "replicate" in ds.dims:
        assert list(c["replicate"].values) == list(range(R)), where
    if "bin" in ds.dims:
        Q = int(g.attrs["bins"])
        base = "strength" if group.endswith("strength") else g.attrs["by"]
        assert list(c["bin"].values) == list(range(Q)), where
        assert list(c["bin_name"].values) == [f"{base}_q{q + 1}" for q in range(Q)], \
            f"{where}: bin names {c['bin_name'].values}"
    return n


def check_groups(path, groups):
    """Some groups, each opened as a user would: open_dataset(path, group=...), with
    every engine (each open reads the whole file's layout: seconds for an ensemble)."""
    with h5py.File(path, "r") as f:
        for engine in ENGINES:
            for group in groups:
                with xr.open_dataset(path, group=group, engine=engine) as ds:
                    check_group(f, group, ds, engine)


def check_file(path, expect_groups, expect_variables):
    """Every group of series of a file, through one netCDF4 handle on the file (the
    datasets are not closed: that would close the file)."""
    with h5py.File(path, "r") as f, netCDF4.Dataset(path) as nc:
        groups = series_groups(f)
        assert len(groups) == expect_groups, f"{path}: {len(groups)} groups of series"
        n = sum(check_group(f, group, xr.open_dataset(xr.backends.NetCDF4DataStore(nc[group])),
                            "netcdf4") for group in groups)
        assert n >= expect_variables, f"{path}: only {n} variables"


def check_selection(path):
    """What the coordinates are for: select by brand name and day."""
    with h5py.File(path, "r") as f:
        share = f["timeseries/brand/market_share"][()]
        names = list(f["brands/name"].asstr()[()])
        day = f["timeseries/day"][()]
    with xr.open_dataset(path, group="timeseries/brand", decode_timedelta=False) as ds:
        t, b = len(day) // 2, len(names) - 1
        x = ds["market_share"].swap_dims(step="day").sel(brand=names[b], day=day[t])
        assert float(x) == share[t, b], (float(x), share[t, b])


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
    tmp = tempfile.mkdtemp(prefix="bs_xarray_")
    try:
        single, ens = os.path.join(tmp, "single.h5"), os.path.join(tmp, "ens.h5")
        run("run", os.path.join(SOURCE, "tests/data/good/tiny.yaml"), "-o", single, "-q")
        run("run", os.path.join(SOURCE, "tests/data/analysis/ensemble.yaml"), "-o", ens, "-q",
            "--set", "trait_quantiles=4", "--set", "quantile_trait=grudge")
        print("engines: " + ", ".join(ENGINES)
              + ("" if "h5netcdf" in ENGINES else " (h5netcdf: python3-h5netcdf not installed)"))
        test("open_dataset(group=...) of a single-run file",
             lambda: check_groups(single, ["timeseries", "timeseries/brand", "timeseries/market",
                                           "timeseries/segment/strong",
                                           "timeseries/quantile/strength"]))
        v = "variants/apology/"
        test("open_dataset(group=...) of an ensemble file",
             lambda: check_groups(ens, [v[:-1], v + "timeseries/brand", v + "timeseries/market",
                                        v + "timeseries/quantile/trait",
                                        v + "ensemble/mean/brand", v + "ensemble/sd/market",
                                        v + "ensemble/ci_low/segment/weak",
                                        v + "ensemble/ci_high/quantile/strength"]))
        # one run: /timeseries, brand, 8 segments, market, quantile/strength: 9 x 33 + 10 + 6
        test("every group of series of a single-run file",
             lambda: check_file(single, 12, 9 * 33 + 10 + 6))
        # an ensemble: per variant its group (seeds), its timeseries (with two quantile
        # groupings), and the same 12 groups of series under each of the 4 statistics
        test("every group of series of an ensemble file",
             lambda: check_file(ens, 2 * (1 + 1 + 12 + 4 * 12), 2 * 5 * (9 * 33 + 10 + 12)))
        test("xarray selects by brand name and day", lambda: check_selection(single))
    finally:
        shutil.rmtree(tmp)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
