#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run.sh [SCENARIO]: the classroom round's time (docs/PERFORMANCE.md, "A classroom round"):
# compiles bench-game.c against build/libbrandsim.a (cmake --preset release first) and runs
# it on SCENARIO (default scenarios/default.yaml) at 50 000 consumers, 104 steps, 6 teams.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="$(mktemp -d /tmp/bs_bench_game_XXXXXX)"
trap 'rm -rf "$out"' EXIT
cc -O2 -fopenmp -Iinclude scripts/bench-game/bench-game.c -o "$out/bench-game" build/libbrandsim.a \
   $(pkg-config --libs gsl yaml-0.1) -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5_hl -lhdf5 -lm
"$out/bench-game" "${1:-scenarios/default.yaml}"
