#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# replicate_quick.sh: `brandsim replicate --quick` in the test suite. Every finding must
# reach the verdict recorded in tests/data/replication-verdicts.txt (PASS, or a FAIL the
# model is known to give, documented in results/replication/REPORT.md), and every
# negative control must break what it names: a finding that changes verdict, or an
# experiment that cannot fail, fails this test.
# usage: replicate_quick.sh BRANDSIM SOURCE_DIR
set -u
bin="$1"; src="$2"
out="$(mktemp -d /tmp/bs_replicate_XXXXXX)"
trap 'rm -rf "$out"' EXIT
"$bin" replicate --quick --scenarios "$src/scenarios/replication" -o "$out" > "$out/table.txt" 2> "$out/err.txt"
rc=$?
cat "$out/table.txt"
if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
  echo "replicate exited $rc:"; cat "$out/err.txt"; exit 1
fi
fail=0
while read -r id want; do
  case "$id" in ''|'#'*) continue ;; esac
  line="$(grep -E "^$id +=> " "$out/table.txt")"
  if [ -z "$line" ]; then echo "no verdict for $id"; fail=1; continue; fi
  got="$(echo "$line" | sed -E 's/^[^=]*=> (PASS|FAIL).*/\1/')"
  if [ "$got" != "$want" ]; then echo "$id: $got, expected $want"; fail=1; fi
  if echo "$line" | grep -q "does NOT fail"; then echo "$id: a negative control does not break"; fail=1; fi
done < "$src/tests/data/replication-verdicts.txt"
n_expected="$(grep -cE '^[FC][0-9]' "$src/tests/data/replication-verdicts.txt")"
n_run="$(grep -cE '^[FC][0-9]+ +=> ' "$out/table.txt")"
if [ "$n_run" != "$n_expected" ]; then echo "$n_run findings ran, $n_expected expected"; fail=1; fi
exit $fail
