#!/bin/bash
# SPDX-License-Identifier: MIT
# Benchmark driver: 3 repetitions x ranks {1,2,3} x 8 configurations.
# Each measurement: remove old output, `sync`, run, then time a `sync` (flush cost, reported separately).
# Results appended to results/results.txt (one RESULT line per measurement).
set -uo pipefail
cd "$(dirname "$0")"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
M="mpirun --oversubscribe --bind-to none"
REPS=${REPS:-3}
NPS=${NPS:-"1 2 3"}
SLEEP_MS=${SLEEP_MS:-0}          # simulated compute per run (ms); 0 = pure I/O + communication
OUT=out; RES=${RES:-results}
mkdir -p $OUT $RES
LOG=$RES/results.txt
echo "# start $(date -Is) host=$(hostname) nproc=$(nproc) sleep_ms=$SLEEP_MS" >> $LOG
CONFIGS="a b c_chunked_cm0 c_chunked_cm1 c_chunked_cm0_fillnever c_chunked_cm1_fillnever c_contig_cm0 c_contig_cm1"
for rep in $(seq 1 $REPS); do
  for np in $NPS; do
    for cfg in $CONFIGS; do
      f=$OUT/${cfg}_np$np.h5
      rm -f $f $f.rank*.h5
      fill=0; args=""
      case $cfg in
        a) exe=./a_gather;  args="$SLEEP_MS";;
        b) exe=./b_perrank; args="$SLEEP_MS";;
        c_*) exe=./c_parallel
             lay=$(echo $cfg | cut -d_ -f2); cm=$(echo $cfg | cut -d_ -f3 | tr -d cm)
             [[ $cfg == *fillnever ]] && fill=1
             args="$lay $cm $SLEEP_MS";;
      esac
      sync
      load=$(cut -d' ' -f1 /proc/loadavg)
      ts=$(date +%s.%N)
      line=$(H5BENCH_FILL_NEVER=$fill timeout 900 $M -x H5BENCH_FILL_NEVER -np $np $exe $f $args 2>$RES/stderr_last.txt | grep '^RESULT')
      rc=$?
      te=$(date +%s.%N)
      ts2=$(date +%s.%N); sync; te2=$(date +%s.%N)
      size=$(stat -c %s $f 2>/dev/null || echo -1)
      ext=$(echo "$te - $ts" | bc); syn=$(echo "$te2 - $ts2" | bc)
      if [ $rc -ne 0 ] || [ -z "$line" ]; then echo "FAIL cfg=$cfg np=$np rep=$rep rc=$rc" | tee -a $LOG; cat $RES/stderr_last.txt; continue; fi
      line=$(echo "$line" | sed "s/strat=[^ ]*/strat=$cfg/")
      echo "$line rep=$rep mpirun_wall=$ext sync_after=$syn size=$size load1=$load" | tee -a $LOG
    done
  done
done
echo "# end $(date -Is)" >> $LOG
