#!/usr/bin/python3
"""sweep.py: probe every replication scenario at the defaults, under its
negative controls and at 0.5x / 1.5x of its robustness parameters
(scripts/probe/controls.yaml), with replicate.py. Prints one line per probe
and writes all reports as JSON.

    scripts/probe/sweep.py [--ids F1,F2] [--replicates 10] [--jobs 2]
        [--no-controls] [--no-robust] [--set k=v ...] [--json /tmp/sweep.json]

--set applies to every probe (e.g. to test a proposed change of defaults
across all findings at once). Run from the repository root with /usr/bin/python3.
"""
import argparse
import glob
import re
import json
import os
import subprocess
import sys

import yaml

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import replicate as rp  # noqa: E402


def defaults(binary, scenario):
    """model/population values of the scenario as run (defaults filled in)."""
    doc = yaml.safe_load(open(scenario))
    base = {k: v for k, v in doc.items() if k not in rp.NEW_KEYS}
    tmp = "/tmp/bs-probe/sweep-defaults.yaml"
    os.makedirs("/tmp/bs-probe", exist_ok=True)
    with open(tmp, "w") as fh:
        yaml.safe_dump(base, fh)
    out = subprocess.run([binary, "check", tmp, "--print"], capture_output=True, text=True,
                         check=True).stdout
    full = yaml.safe_load(out)
    return {f"{sec}.{k}": v for sec in ("model", "population") for k, v in full[sec].items()}


def ranges(binary):
    """{section.key: (lo, hi)} of every number field, from `brandsim schema`."""
    out = subprocess.run([binary, "schema"], capture_output=True, text=True, check=True).stdout
    res, sec = {}, None
    for line in out.splitlines():
        m = re.match(r"In the mapping `(\w+):`", line)
        if m:
            sec = m.group(1)
        m = re.match(r"\| `(\w+)` \| number \| [^|]+ \| \[([^,]+), ([^\]]+)\]", line)
        if m and sec:
            res[f"{sec}.{m.group(1)}"] = (float(m.group(2)), float(m.group(3)))
    return res


def summary(rep):
    s = "PASS" if rep["pass"] else ("CANNOT-MEASURE" if all(
        t["pass"] in (None, True) for t in rep["tests"]) else "FAIL")
    bad = [t["name"] for t in rep["tests"] if t["pass"] is False]
    return s, bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ids")
    ap.add_argument("--replicates", type=int, default=10)
    ap.add_argument("--consumers", type=int)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-controls", action="store_true")
    ap.add_argument("--no-robust", action="store_true")
    ap.add_argument("--set", action="append", default=[], dest="sets")
    ap.add_argument("--binary", default="build/brandsim")
    ap.add_argument("--json")
    a = ap.parse_args()
    ctl = yaml.safe_load(open(os.path.join(os.path.dirname(__file__), "controls.yaml")))
    ids = a.ids.split(",") if a.ids else list(ctl)
    out = []
    for fid in ids:
        scen = glob.glob(f"scenarios/replication/{fid}-*.yaml")[0]
        probes = [("default", list(a.sets), None)]
        if not a.no_controls:
            for n in ctl[fid].get("negative", []):
                probes.append(("negative: " + n["name"], list(a.sets) + n["set"], n["breaks"]))
        if not a.no_robust and ctl[fid].get("robust"):
            dv = defaults(a.binary, scen)
            rg = ranges(a.binary)
            for p in ctl[fid]["robust"]:
                for f in (0.5, 1.5):
                    v = min(max(dv[p] * f, rg[p][0]), rg[p][1])
                    probes.append((f"robust: {p} x{f} ({v:g})", list(a.sets) + [f"{p}={v:g}"], None))
        for label, sets, breaks in probes:
            try:
                rep = rp.replicate(scen, a.replicates, a.consumers, sets, a.jobs, a.binary)
            except RuntimeError as e:
                print(f"{fid} | {label} | ERROR {str(e).splitlines()[-1]}", flush=True)
                continue
            s, bad = summary(rep)
            rep["probe"] = label
            note = ""
            if breaks is not None:
                broke = [b for b in breaks if b in bad]
                note = f" | control {'WORKS' if len(broke) == len(breaks) else 'DOES NOT WORK'}" \
                       f" ({len(broke)}/{len(breaks)} targeted tests fail)"
                rep["control_works"] = len(broke) == len(breaks)
            print(f"{fid} | {label} | {s}" + (f" (failing: {'; '.join(bad)})" if bad else "") + note,
                  flush=True)
            out.append(rep)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
