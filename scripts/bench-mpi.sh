#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench-mpi.sh [RANKS_THREADS...]: the MPI build's benchmark (docs/PERFORMANCE.md, "Ranks x
# threads"). A sweep of many small runs (scenarios/experiments/cluster-bench.yaml: 120 runs of
# the default scenario at 10 000 consumers) under mpirun with each RANKSxTHREADS given
# (default: 1x1 2x1 1x2 3x1), against the serial command (--jobs 1 --threads 1), in rounds
# (every configuration once per round, 3 rounds; the median is reported); then the scheduler's
# overhead on large runs: 6 runs of 100 000 consumers on 2 ranks x 1 thread against the serial
# command's 2 jobs x 1 thread, both on 2 cores. Every table must equal the serial one (cmp).
# Needs a build with MPI (build/, scripts/install-deps.sh --mpi).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/build/brandsim"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(1x1 2x1 1x2 3x1)
rounds=${BENCH_ROUNDS:-3}
dir="$(mktemp -d /tmp/bs_bench_mpi_XXXXXX)"
trap 'rm -rf "$dir"' EXIT
exp="$PWD/scenarios/experiments/cluster-bench.yaml"

secs() { # wall seconds of a command
  local a b
  a=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  b=$(date +%s.%N)
  echo "$a $b" | awk '{printf "%.2f", $2 - $1}'
}
median() { tr ' ' '\n' | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

run_config() { # RxT OUT.csv
  local r=${1%x*} t=${1#*x}
  if [ "$1" = serial ]; then
    secs "$bin" sweep "$exp" --outcomes "$2" --jobs 1 --threads 1 -q
  else
    secs mpirun --oversubscribe --bind-to none -np "$r" -x OMP_NUM_THREADS="$t" \
      "$bin" sweep "$exp" --outcomes "$2" --threads "$t" -q
  fi
}

declare -A times
echo "many small runs: 120 runs of 10 000 consumers x 104 steps, $rounds rounds"
for round in $(seq 1 "$rounds"); do
  for c in serial "${configs[@]}"; do
    rm -f "$dir"/$c.*
    s=$(run_config "$c" "$dir/$c.csv")
    times[$c]="${times[$c]:-} $s"
    if [ "$c" != serial ]; then
      cmp -s "$dir/serial.csv" "$dir/$c.csv" || { echo "bench-mpi: $c's table differs" >&2; exit 1; }
    fi
  done
done
# "vs 1x1": the median over rounds of (1x1's time / this one's) in the same round, paired
# because the machine's speed drifts between rounds; with its range
paired() { # CONFIG
  local -a a b
  read -r -a a <<< "${times[1x1]:-}"
  read -r -a b <<< "${times[$1]}"
  [ ${#a[@]} -gt 0 ] || { echo "-"; return; }
  local r=() i
  for i in "${!b[@]}"; do r+=("$(awk -v x="${a[$i]}" -v y="${b[$i]}" 'BEGIN {printf "%.2f", x / y}')"); done
  printf '%sx [%s-%s]' "$(echo "${r[@]}" | median)" "$(echo "${r[@]}" | tr ' ' '\n' | sort -g | head -1)" \
    "$(echo "${r[@]}" | tr ' ' '\n' | sort -g | tail -1)"
}
printf '%-14s %8s %12s %18s   %s\n' "ranks x thr" "median s" "runs/hour" "vs 1x1 (paired)" "all rounds (s)"
for c in serial "${configs[@]}"; do
  m=$(echo ${times[$c]} | median)
  rate=$(awk -v m="$m" 'BEGIN {printf "%.0f", 120 * 3600 / m}')
  printf '%-14s %8s %12s %18s   %s\n' "$c" "$m" "$rate" "$(paired "$c")" "${times[$c]}"
done

echo
echo "scheduler overhead: 6 runs of 100 000 consumers x 104 steps, 2 cores, $rounds rounds"
big="$dir/big.yaml"
sed -e 's/^name: .*/name: cluster-bench-large/' -e 's/samples: 120/samples: 6/' \
    -e 's/consumers: 10000/consumers: 100000/' -e "s|scenario: ../default.yaml|scenario: $PWD/scenarios/default.yaml|" \
    "$exp" > "$big"
declare -a ser mp
for round in $(seq 1 "$rounds"); do
  rm -f "$dir"/big-*
  ser+=("$(secs "$bin" sweep "$big" --outcomes "$dir/big-s.csv" --jobs 2 --threads 1 -q)")
  mp+=("$(secs mpirun --oversubscribe --bind-to none -np 2 -x OMP_NUM_THREADS=1 \
            "$bin" sweep "$big" --outcomes "$dir/big-m.csv" --threads 1 -q)")
  cmp -s "$dir/big-s.csv" "$dir/big-m.csv" || { echo "bench-mpi: the large tables differ" >&2; exit 1; }
done
start=$(secs mpirun -np 1 "$bin" --version)
s=$(echo "${ser[@]}" | median)
m=$(echo "${mp[@]}" | median)
printf 'serial, 2 jobs x 1 thread:  %s s (%s)\n' "$s" "${ser[*]}"
printf 'mpirun, 2 ranks x 1 thread: %s s (%s)\n' "$m" "${mp[*]}"
printf 'mpirun starting one process: %s s\n' "$start"
awk -v s="$s" -v m="$m" -v st="$start" 'BEGIN {
  printf "overhead: %+.1f %% of the runs (%+.1f %% after the launch'\''s %.2f s)\n",
         100 * (m - s) / s, 100 * (m - st - s) / s, st }'
