#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# replicate_quick.sh: `brandsim replicate --quick` in the test suite. Every finding must
# reach the verdict recorded in tests/data/replication-verdicts.txt (PASS, or a FAIL the
# model is known to give, documented in results/replication/REPORT.md), and every
# negative control must break what it names: a finding that changes verdict, or an
# experiment that cannot fail, fails this test.
#
# usage: replicate_quick.sh BRANDSIM SOURCE_DIR [IDS]
#        replicate_quick.sh --coverage SOURCE_DIR GROUP...
# With IDS (comma-separated, e.g. F1,F2), only those findings, on one thread each, so that
# ctest can run several groups side by side on the cores (tests/CMakeLists.txt); without,
# all of them. --coverage checks that the groups name every finding of the verdict file
# exactly once, and that the verdict file names every experiment in scenarios/replication.
set -u
verdicts_of() { grep -E '^[FC][0-9]+ ' "$1/tests/data/replication-verdicts.txt"; }

if [ "${1:-}" = "--coverage" ]; then
  src="$2"; shift 2
  listed="$(printf '%s\n' "$@" | tr ',' '\n' | sed '/^$/d' | sort)"
  want="$(verdicts_of "$src" | cut -d' ' -f1 | sort)"
  dups="$(printf '%s\n' "$listed" | uniq -d)"
  if [ -n "$dups" ]; then echo "in two groups: $dups"; exit 1; fi
  if [ "$listed" != "$want" ]; then
    echo "the groups do not name the findings of the verdict file:"
    diff <(echo "$want") <(echo "$listed"); exit 1
  fi
  for f in "$src"/scenarios/replication/*.yaml; do
    id="$(basename "$f" | cut -d- -f1)"
    echo "$want" | grep -qx "$id" || { echo "$f: no verdict for $id"; exit 1; }
  done
  echo "the groups cover the $(echo "$want" | wc -l) findings"
  exit 0
fi

bin="$1"; src="$2"; ids="${3:-}"
out="$(mktemp -d /tmp/bs_replicate_XXXXXX)"
trap 'rm -rf "$out"' EXIT
only=()
[ -n "$ids" ] && only=(--only "$ids" --threads 1)
"$bin" replicate --quick "${only[@]}" --scenarios "$src/scenarios/replication" -o "$out" > "$out/table.txt" 2> "$out/err.txt"
rc=$?
cat "$out/table.txt"
if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
  echo "replicate exited $rc:"; cat "$out/err.txt"; exit 1
fi
fail=0
n_expected=0
while read -r id want; do
  if [ -n "$ids" ] && ! echo ",$ids," | grep -q ",$id,"; then continue; fi
  n_expected=$((n_expected + 1))
  line="$(grep -E "^$id +=> " "$out/table.txt")"
  if [ -z "$line" ]; then echo "no verdict for $id"; fail=1; continue; fi
  got="$(echo "$line" | sed -E 's/^[^=]*=> (PASS|FAIL).*/\1/')"
  if [ "$got" != "$want" ]; then echo "$id: $got, expected $want"; fail=1; fi
  if echo "$line" | grep -q "does NOT fail"; then echo "$id: a negative control does not break"; fail=1; fi
done < <(verdicts_of "$src")
n_run="$(grep -cE '^[FC][0-9]+ +=> ' "$out/table.txt")"
if [ "$n_run" != "$n_expected" ]; then echo "$n_run findings ran, $n_expected expected"; fail=1; fi
exit $fail
