#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test.sh: the README's second command, and what .ci/run calls. Installs what is
# missing, builds and runs the whole Criterion suite under ctest twice: a Release
# build (build/) and an AddressSanitizer + UndefinedBehaviorSanitizer build
# (build-sanitize/). Open MPI is installed too, so the Release build is the MPI build and
# tests it (tests/mpi_test.sh: 1, 2 and 3 ranks); the sanitizer build is built without MPI,
# the serial build every machine without MPI gets.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --mpi --browser
jobs="$(nproc)"
for preset in release sanitize; do
  echo "== $preset build =="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs" >/dev/null
  ctest --preset "$preset" -j "$jobs"
done
echo "all tests passed (release and sanitize)"
