#!/bin/bash
# SPDX-License-Identifier: MIT
# bench-sizes.sh: the cost-against-size table of docs/PERFORMANCE.md. Derives
# workloads from scenarios/bench/market-100k.yaml that vary one of consumers,
# brands or network degree, runs them with `brandsim bench` (2 threads unless
# THREADS says otherwise, 52 steps unless STEPS does) and prints a markdown
# table of consumer-steps/s and ns per consumer-step per thread.
#
#   bash scripts/bench-sizes.sh [build/brandsim]
#
# Brand lists are truncated (5, 10) or repeated under new names (40); the
# breach hits the first three brands and the repositioning the fourth, so
# every variant runs every mechanism.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/brandsim}
THREADS=${THREADS:-2}
STEPS=${STEPS:-52}
SRC=scenarios/bench/market-100k.yaml
DIR=$(mktemp -d /tmp/bench-sizes.XXXXXX)
trap 'rm -rf "$DIR"' EXIT

# variant NAME CONSUMERS BRANDS DEGREE
variant() {
    local out="$DIR/$1.yaml" n=$2 nb=$3 deg=$4
    awk -v n="$n" -v nb="$nb" -v deg="$deg" -v name="$1" '
        /^  - \{name: / { brand[++nbrand] = $0; next }
        /^shocks:/ { in_shocks = 1 }
        in_shocks { next }
        /^name:/ { print "name: " name; next }
        /^consumers:/ { print "consumers: " n; next }
        /^  degree:/ { print "  degree: " deg; next }
        { print }
        END {
            for (b = 1; b <= nb; b++) {
                line = brand[(b - 1) % nbrand + 1]
                match(line, /name: [a-z0-9_]+/)
                old = substr(line, RSTART + 6, RLENGTH - 6)
                nm[b] = (b > nbrand) ? old "_" int((b - 1) / nbrand) + 1 : old
                sub(/name: [a-z0-9_]+/, "name: " nm[b], line)
                print line
            }
            print "shocks:"
            printf "  - {kind: breach, step: 100, brands: [%s, %s, %s], ", nm[1], nm[2], nm[3]
            print "breach_kind: sold_data, size: 0.5, reach: 0.6}"
            print "  - {kind: betrayal, step: 300, brands: [" nm[4] "], act: reposition, size: 0.6}"
        }' "$SRC" >"$out" # brands: is the last key before shocks, so END appends its list
    echo "$out"
}

rows=(
    "consumers 100000 20 10" "consumers 200000 20 10" "consumers 400000 20 10"
    "consumers 800000 20 10"
    "brands 200000 5 10" "brands 200000 10 10" "brands 200000 20 10" "brands 200000 40 10"
    "degree 200000 20 5" "degree 200000 20 10" "degree 200000 20 20" "degree 200000 20 40"
)
: >"$DIR/out.txt"
for group in consumers brands degree; do # bench takes at most 8 workloads at once
    args=()
    for r in "${rows[@]}"; do
        set -- $r
        [ "$1" = "$group" ] && args+=(--workload "$(variant "$1-c$2-b$3-d$4" "$2" "$3" "$4")")
    done
    for a in "${args[@]}"; do
        [ "$a" = --workload ] || "$BIN" check "$a" >/dev/null
    done
    "$BIN" bench "${args[@]}" --threads "$THREADS" --steps "$STEPS" >>"$DIR/out.txt"
done

echo "| varied | consumers | brands | degree | consumer-steps/s | ns per consumer-step per thread |"
echo "|---|--:|--:|--:|--:|--:|"
for r in "${rows[@]}"; do
    set -- $r
    # the workload's line in the bench table: threads, consumer-steps/s, ...
    cs=$(awk -v w="$1-c$2-b$3-d$4:" -v th="$THREADS" '
        $1 == w { found = 1; next }
        found && $1 == th { print $2; exit }' "$DIR/out.txt")
    ns=$(awk -v cs="$cs" -v th="$THREADS" 'BEGIN { printf "%.0f", 1e9 * th / cs }')
    echo "| $1 | $2 | $3 | $4 | $cs | $ns |"
done
