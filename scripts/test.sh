#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test.sh: the README's second command, and what .ci/run calls. Installs what is
# missing, builds and runs the whole Criterion suite under ctest twice: a Release
# build (build/) and an AddressSanitizer + UndefinedBehaviorSanitizer build
# (build-sanitize/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs="$(nproc)"
for preset in release sanitize; do
  echo "== $preset build =="
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs" >/dev/null
  ctest --preset "$preset" -j "$jobs"
done
echo "all tests passed (release and sanitize)"
