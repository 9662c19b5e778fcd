#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Summarize results/results.txt: median [min-max] over repetitions per (strategy, ranks)."""
import sys, statistics, collections
paths = sys.argv[1:] or ["results/results.txt"]
rows = collections.defaultdict(list)
for line in (l for p in paths for l in open(p)):
    if not line.startswith("RESULT"): continue
    kv = dict(t.split("=", 1) for t in line.split()[1:])
    rows[(kv["strat"], int(kv["np"]))].append(kv)
order = ["a", "b", "c_chunked_cm0", "c_chunked_cm1", "c_chunked_cm0_fillnever",
         "c_chunked_cm1_fillnever", "c_contig_cm0", "c_contig_cm1"]
def fmt(vals):
    v = [float(x) for x in vals]
    return f"{statistics.median(v):.2f} [{min(v):.2f}-{max(v):.2f}]"
phase = {"a": ["r0_h5write", "r0_recvwait", "max_sendblock"],
         "b": ["write_phase", "merge_phase", "r0_h5write", "max_h5write"],
         "c": ["create", "writephase", "close", "max_h5dwrite"]}
print("| strategy | ranks | n | total s (median [min-max]) | phases (median [min-max]) | mpirun wall s | sync after s | file bytes | max RSS/rank MB |")
print("|---|---|---|---|---|---|---|---|---|")
for s in order:
    for np_ in (1, 2, 3):
        r = rows.get((s, np_))
        if not r: continue
        ph = "; ".join(f"{k}={fmt([x[k] for x in r])}" for k in phase[s[0]])
        sizes = sorted(set(x["size"] for x in r))
        print(f"| {s} | {np_} | {len(r)} | {fmt([x['total'] for x in r])} | {ph} | {fmt([x['mpirun_wall'] for x in r])} "
              f"| {fmt([x['sync_after'] for x in r])} | {','.join(sizes)} | {max(float(x['maxrss_mb']) for x in r):.0f} |")
