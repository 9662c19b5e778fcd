#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# gen-scenario-docs.sh: regenerate the generated parts of scenarios/README.md.
#
#   scripts/gen-scenario-docs.sh [BRANDSIM]     (default: build/brandsim, from the repo root)
#
# Two blocks are replaced, each between its BEGIN line and the next
# "<!-- END GENERATED -->" line; everything else in the file is left byte for byte:
#   <!-- BEGIN GENERATED: brandsim schema -->   the output of `BRANDSIM schema`, verbatim
#   <!-- BEGIN GENERATED: scenario list -->     one line per scenarios/*.yaml with its
#                                               top-level `description:`
# tests/test_docs.c fails when the schema block differs from `brandsim schema` or a
# scenario file is not mentioned: run this script after changing the parameter table
# (sim/core/params.c), the reference writer (sim/io/scenario_write.c) or scenarios/*.yaml.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -gt 1 ]]; then
    echo "usage: $0 [BRANDSIM]" >&2
    exit 2
fi
if [[ $# -eq 1 ]]; then
    bin="$1"                          # relative to the caller's directory
    [[ "$bin" == */* ]] || bin="./$bin"
else
    bin="$root/build/brandsim"
fi
if [[ ! -x "$bin" ]]; then
    echo "$0: '$bin' is not an executable; build first (cmake -S . -B build && cmake --build build)" >&2
    exit 1
fi

readme="$root/scenarios/README.md"
begin_schema='<!-- BEGIN GENERATED: brandsim schema -->'
begin_list='<!-- BEGIN GENERATED: scenario list -->'
end='<!-- END GENERATED -->'

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$bin" schema >"$tmp/schema.md"

# The scenario list: "- `FILE`: description" for each scenarios/*.yaml, sorted by name.
: >"$tmp/list.md"
shopt -s nullglob
for f in "$root"/scenarios/*.yaml; do
    desc="$(sed -n 's/^description:[[:space:]]*//p' "$f" | head -n 1)"
    desc="${desc%"${desc##*[![:space:]]}"}"          # trailing blanks
    if [[ "$desc" =~ ^\"(.*)\"$ || "$desc" =~ ^\'(.*)\'$ ]]; then
        desc="${BASH_REMATCH[1]}"
    fi
    # shellcheck disable=SC2016 # the backticks are Markdown, not a command
    printf -- '- `%s`: %s\n' "$(basename "$f")" "${desc:-(no description)}" >>"$tmp/list.md"
done

# Each BEGIN marker must appear exactly once, followed by an END marker.
for marker in "$begin_schema" "$begin_list"; do
    n="$(grep -cxF -- "$marker" "$readme" || true)"
    if [[ "$n" != 1 ]]; then
        echo "$0: $readme: expected the line '$marker' exactly once, found $n" >&2
        exit 1
    fi
done

# Copy the file, replacing what lies between each BEGIN line and the next END line.
# Lines are read and written with their exact bytes (a missing final newline is kept).
out="$tmp/README.md"
: >"$out"
block=""
while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ -n "$block" ]]; then
        [[ "$line" == "$end" ]] || continue
        cat "$block" >>"$out"
        block=""
        printf '%s\n' "$line" >>"$out"
        continue
    fi
    printf '%s\n' "$line" >>"$out"
    case "$line" in
    "$begin_schema") block="$tmp/schema.md" ;;
    "$begin_list") block="$tmp/list.md" ;;
    esac
done <"$readme"
if [[ -n "$block" ]]; then
    echo "$0: $readme: no '$end' line after a BEGIN GENERATED line" >&2
    exit 1
fi
# Keep the original's last byte: no newline was there, so none is added.
if [[ -n "$(tail -c 1 "$readme")" ]]; then
    truncate -s -1 "$out"
fi

if cmp -s "$out" "$readme"; then
    echo "scenarios/README.md is up to date"
else
    cat "$out" >"$readme"             # keeps the file's mode and owner
    echo "regenerated scenarios/README.md from $bin schema"
fi
