#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run-default.sh: the README's first command. Installs what is missing, builds brandsim
# (Release, build/), and runs the default scenario, writing results/default.h5.
# Extra arguments go to `brandsim run`, e.g. scripts/run-default.sh --threads 4.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" >/dev/null
./build/brandsim run scenarios/default.yaml "$@"
