#!/bin/bash
# SPDX-License-Identifier: MIT
# Verify that all final files hold identical datasets/values: h5diff every file against out/a_np1.h5,
# plus negative controls showing h5diff does detect a changed value / missing dataset.
cd "$(dirname "$0")"
REF=out/a_np1.h5
for f in out/*_np[123].h5; do
  [ "$f" = "$REF" ] && continue
  h5diff "$REF" "$f" > /tmp/h5diff_out.txt 2>&1; rc=$?
  echo "h5diff $REF $f -> exit $rc $(head -c 300 /tmp/h5diff_out.txt | tr '\n' ' ')"
done
echo "--- object counts and layouts"
/usr/bin/python3 - <<'PY'
import h5py, glob, numpy as np
def splitmix(x):
    M=(1<<64)-1
    x=(x+0x9E3779B97F4A7C15)&M
    x=((x^(x>>30))*0xBF58476D1CE4E5B9)&M
    x=((x^(x>>27))*0x94D049BB133111EB)&M
    return x^(x>>31)
def val(run,ds,step,brand):
    key=((run*350+ds)*104+step)*7+brand
    return (splitmix(key)>>11)*(1.0/9007199254740992.0)*100.0-50.0
for f in sorted(glob.glob("out/*_np[123].h5")):
    with h5py.File(f,"r") as h:
        n=[0]; lay=set()
        def v(name,obj):
            if isinstance(obj,h5py.Dataset):
                n[0]+=1
                if n[0]<=3 or n[0]%5000==0: lay.add(("chunks=%s"%(obj.chunks,), obj.shape, str(obj.dtype)))
        h.visititems(v)
        # independent spot check of values against a Python re-implementation of the generator
        ok=True
        for run,ds in [(0,0),(37,123),(59,349)]:
            a=h["/variants/v%d/replicates/r%02d/s%03d"%(run//30,run%30,ds)][...]
            exp=np.array([[val(run,ds,s,b) for b in range(7)] for s in range(104)])
            ok &= bool(np.array_equal(a,exp))
        print(f, "datasets=%d"%n[0], sorted(lay), "spotcheck_values_exact=%s"%ok)
PY
echo "--- negative controls (copy of reference, modified with h5py)"
cp $REF /tmp/neg1.h5; cp $REF /tmp/neg2.h5
/usr/bin/python3 -c "
import h5py
with h5py.File('/tmp/neg1.h5','r+') as h: h['/variants/v1/replicates/r29/s349'][103,6] += 1e-9
with h5py.File('/tmp/neg2.h5','r+') as h: del h['/variants/v0/replicates/r05/s100']
"
h5diff $REF /tmp/neg1.h5 > /tmp/n1.txt 2>&1; echo "changed one value by 1e-9 -> exit $? : $(tail -2 /tmp/n1.txt | tr '\n' ' ')"
h5diff $REF /tmp/neg2.h5 > /tmp/n2.txt 2>&1; echo "deleted one dataset      -> exit $? : $(tail -2 /tmp/n2.txt | tr '\n' ' ')"
rm -f /tmp/neg1.h5 /tmp/neg2.h5 /tmp/n1.txt /tmp/n2.txt /tmp/h5diff_out.txt
