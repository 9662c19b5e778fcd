#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mpi_test.sh BRANDSIM SOURCE_DIR: the MPI build (docs/CLUSTER.md). On 1, 2 and 3 ranks
# (mpirun --oversubscribe: this machine may have fewer cores), `run` of an ensemble,
# `sweep` and `replicate` give what the serial command gives: the HDF5 files equal outside
# /provenance (h5diff), the outcome tables byte for byte. A rank killed with SIGKILL in the
# middle of a sweep stops the job with a non-zero exit and leaves the journal, not a table;
# `--resume` on another number of ranks then finishes it, redoing no finished run, into the
# serial table. Bad input under mpirun: exit 2 and the message once.
set -euo pipefail
bin="$1"
src="$2"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 # the test may run as root
export OMP_NUM_THREADS=1
mpi=(mpirun --oversubscribe --bind-to none)
dir="$(mktemp -d /tmp/bs_mpi_XXXXXX)"
trap 'rm -rf "$dir"' EXIT
cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }

# ---- run: an ensemble of two variants x 3 replicates ------------------------------------
scen="$src/tests/data/replication/T1-apology.yaml"
sets=(--set consumers=1500 --set steps=16 --set replicates=3 -q)
"$bin" run "$scen" "${sets[@]}" -o serial.h5
for np in 1 2 3; do
  "${mpi[@]}" -np $np "$bin" run "$scen" "${sets[@]}" -o run$np.h5
  h5diff --exclude-path /provenance serial.h5 run$np.h5 || fail "run on $np ranks differs"
  h5dump -a /provenance/ranks run$np.h5 | grep -q "(0): $np" || fail "run$np.h5: ranks not $np"
done
echo "run: 1, 2 and 3 ranks write the serial file"

# ---- sweep: 12 Sobol points ----------------------------------------------------------------
cat > exp.yaml <<EOF
name: mpi-sweep
scenario: $src/scenarios/default.yaml
design: sobol
samples: 12
replicates: 2
set: {consumers: 1500, steps: 70}
brands: [meridian]
factors:
  - {path: "shocks[0].size", range: [0.2, 0.9]}
  - {path: "brands[meridian].response_delay", range: [0, 8], integer: true}
EOF
"$bin" sweep exp.yaml --outcomes serial.csv --jobs 1 --threads 1 --series -q > /dev/null
for np in 1 2 3; do
  "${mpi[@]}" -np $np "$bin" sweep exp.yaml --outcomes sweep$np.csv --series -q > /dev/null
  cmp serial.csv sweep$np.csv || fail "sweep on $np ranks: another CSV table"
  h5diff serial.h5 sweep$np.h5 || fail "sweep on $np ranks: another HDF5 table"
done
echo "sweep: 1, 2 and 3 ranks write the serial tables"

# ---- replicate: one finding of the test data, its controls included ------------------------
rep=(replicate --scenarios "$src/tests/data/replication" --only T1 --replicates 3 --set consumers=800)
"$bin" "${rep[@]}" -o rs > /dev/null || [ $? -eq 3 ]
for np in 2 3; do
  "${mpi[@]}" -np $np "$bin" "${rep[@]}" -o r$np > /dev/null || [ $? -eq 3 ]
  for f in rs/*.outcomes.csv; do
    cmp "$f" "r$np/$(basename "$f")" || fail "replicate on $np ranks: $(basename "$f") differs"
  done
  for f in rs/*.h5; do
    h5diff --exclude-path /provenance "$f" "r$np/$(basename "$f")" \
      || fail "replicate on $np ranks: $(basename "$f") differs"
  done
  diff <(grep -v -i "seconds\|minutes\| s \|wall" rs/REPORT.md) \
       <(grep -v -i "seconds\|minutes\| s \|wall" r$np/REPORT.md) > /dev/null \
    || fail "replicate on $np ranks: REPORT.md's verdicts differ"
done
echo "replicate: 2 and 3 ranks give the serial verdicts and files"

# ---- a rank killed in the middle of a sweep; --resume on another number of ranks -----------
sed -e 's/samples: 12/samples: 16/' -e 's/consumers: 1500/consumers: 15000/' exp.yaml > long.yaml
sed -i 's/^name: mpi-sweep/name: mpi-long/' long.yaml
"$bin" sweep long.yaml --outcomes long-serial.csv --jobs 1 --threads 1 -q > /dev/null
"${mpi[@]}" -np 3 "$bin" sweep long.yaml --outcomes long.csv -q > kill.out 2>&1 &
job=$!
for _ in $(seq 1 300); do # until a few runs are journaled
  [ -f long.csv.partial ] && [ "$(wc -l < long.csv.partial)" -ge 4 ] && break
  sleep 0.05
done
victim=""
for pid in $(pgrep -f "brandsim sweep long.yaml" || true); do
  if tr '\0' '\n' < /proc/$pid/environ 2>/dev/null | grep -qx OMPI_COMM_WORLD_RANK=1; then
    victim=$pid
  fi
done
[ -n "$victim" ] || fail "no rank 1 to kill (the sweep ended too soon?)"
kill -9 "$victim"
set +e
wait $job
rc=$?
set -e
[ $rc -ne 0 ] || fail "a killed rank: the job exited 0"
[ ! -f long.csv ] || fail "a killed rank: a complete-looking table was left"
[ -f long.csv.partial ] || fail "a killed rank: the journal is gone"
done_before=$(($(wc -l < long.csv.partial) - 1))
echo "killed rank 1 after $done_before of 32 journaled runs: exit $rc"
grep -q "killed\|signal 9" kill.out || { cat kill.out; fail "a killed rank: no message says so"; }
"${mpi[@]}" -np 2 "$bin" sweep long.yaml --outcomes long.csv --resume > resume.out 2>&1 \
  || { cat resume.out; fail "--resume on 2 ranks failed"; }
cmp long-serial.csv long.csv || fail "the resumed sweep's table is not the serial one"
left=$((32 - done_before))
grep -q ": $left/$left runs, ranks" resume.out \
  || { cat resume.out; fail "the resumed sweep did not run exactly the $left runs left"; }
grep -q "wrote long.csv" resume.out || fail "the resumed sweep said nothing of its table"
echo "resume: 2 ranks finished the sweep into the serial table"

# ---- bad input under mpirun: exit 2, one message ---------------------------------------------
printf 'name: bad\nconsumers: -5\n' > bad.yaml
set +e
"${mpi[@]}" -np 2 "$bin" run bad.yaml -o bad.h5 > bad.out 2>&1
rc=$?
set -e
[ $rc -eq 2 ] || { cat bad.out; fail "bad input on 2 ranks: exit $rc, expected 2"; }
[ "$(grep -c "consumers" bad.out)" -eq 1 ] || { cat bad.out; fail "the message, not once"; }
[ ! -e bad.h5 ] || fail "bad input: a file was written"
echo "bad input: exit 2, one message"
echo "mpi_test: all passed"
