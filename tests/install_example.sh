#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# install_example.sh: the installed library works for a program outside the tree.
# Installs the current build into a temporary prefix (cmake --install), checks what
# landed there (libbrandsim.so with SONAME libbrandsim.so.0 exporting exactly the
# functions of the public headers, the headers, brandsim.pc, bin/brandsim, the
# gnuplot templates), compiles examples/breach_response.c with `pkg-config --cflags
# --libs brandsim` against the INSTALLED library only, runs it, and checks its numbers
# against the installed command's run of the same scenario exported to CSV.
# usage: install_example.sh CMAKE BUILD_DIR SOURCE_DIR CC PKG_CONFIG [EXTRA_CFLAGS]
# (EXTRA_CFLAGS: the sanitizer build's -fsanitize=..., which the example needs too,
# since the library it loads is instrumented)
set -u
cmake="$1"; build="$2"; src="$3"; cc="$4"; pkgconfig="$5"; extra="${6:-}"
tmp="$(mktemp -d /tmp/bs_install_XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
fail() { echo "install_example: $*"; exit 1; }

"$cmake" --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1 \
  || { cat "$tmp/install.log"; fail "cmake --install failed"; }

# Where pkg-config and the tests expect things (lib, not lib/<multiarch>, for a
# prefix other than /usr).
for f in bin/brandsim lib/libbrandsim.so lib/libbrandsim.so.0 lib/libbrandsim.a \
         lib/pkgconfig/brandsim.pc include/brandsim/brandsim.h share/brandsim/gnuplot/style.gp; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
lib="$prefix/lib/libbrandsim.so"

readelf -d "$lib" | grep -q 'Library soname: \[libbrandsim.so.0\]' \
  || { readelf -d "$lib"; fail "libbrandsim.so has no SONAME libbrandsim.so.0"; }

# The shared library exports the public API and nothing else.
nm -D --defined-only "$lib" | awk '{print $3}' | sort > "$tmp/exported"
# (static inline functions of the headers are compiled into the caller, not exported)
grep -hE '^static inline .*\bbs_[a-z0-9_]+\(' "$prefix"/include/brandsim/*.h \
  | grep -oE '\bbs_[a-z0-9_]+\(' | tr -d '(' | sort -u > "$tmp/inline"
grep -ohE '\bbs_[a-z0-9_]+\(' "$prefix"/include/brandsim/*.h | tr -d '(' | sort -u \
  | comm -23 - "$tmp/inline" > "$tmp/declared"
if grep -v '^bs_' "$tmp/exported"; then fail "libbrandsim.so exports the symbols above, not bs_*"; fi
if ! diff "$tmp/declared" "$tmp/exported" > "$tmp/diff"; then
  cat "$tmp/diff"
  fail "exported symbols (>) differ from the functions of the public headers (<)"
fi

# The example, built from the installed headers and library only.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags="$("$pkgconfig" --cflags --libs brandsim)" || fail "pkg-config cannot read brandsim.pc"
# shellcheck disable=SC2086
"$cc" -std=c17 -Wall -Wextra -Werror $extra "$src/examples/breach_response.c" $flags \
  -Wl,-rpath,"$prefix/lib" -o "$tmp/breach_response" || fail "the example does not compile"
ldd "$tmp/breach_response" | grep -q "$prefix/lib/libbrandsim.so.0" \
  || { ldd "$tmp/breach_response"; fail "the example does not load the installed libbrandsim.so.0"; }

"$tmp/breach_response" "$src/scenarios/breach.yaml" consumers=2000 steps=25 > "$tmp/example.txt" \
  || fail "the example failed"
head -8 "$tmp/example.txt"
grep -q '^# event: step 20, alder, breach:sold_data$' "$tmp/example.txt" || fail "no breach event printed"
[ "$(grep -c '^[0-9]' "$tmp/example.txt")" = 25 ] || fail "expected 25 steps printed"

# The same run through the installed command: every number printed (6 decimals)
# equals the command's output, exported to CSV.
"$prefix/bin/brandsim" run "$src/scenarios/breach.yaml" --consumers 2000 --steps 25 \
  -o "$tmp/breach.h5" --quiet || fail "brandsim run failed"
"$prefix/bin/brandsim" export "$tmp/breach.h5" --csv "$tmp/breach.csv" || fail "brandsim export failed"
awk -F, 'NR > 1 && (($5 == "all" && $6 == "market_share") || ($5 == "market" && $6 == "mean_distrust")) {
           key = $1 " " ($4 == "" ? "mean_distrust" : $4); v[key] = sprintf("%.6f", $7) }
         END { for (k in v) print k, v[k] }' "$tmp/breach.csv" | sort > "$tmp/command.txt"
awk '/^step / { for (i = 2; i <= NF; i++) col[i] = $i; next }
     /^[0-9]/ { for (i = 2; i <= NF; i++) print $1, col[i], $i }' "$tmp/example.txt" | sort > "$tmp/mine.txt"
[ "$(wc -l < "$tmp/mine.txt")" = 225 ] || fail "expected 25 x 9 numbers from the example"
diff "$tmp/command.txt" "$tmp/mine.txt" > "$tmp/diff" || { head "$tmp/diff"; fail "the example's numbers (>) differ from brandsim run's (<)"; }

# A bad override: the library's message (the key and the range) and exit status 2.
"$tmp/breach_response" "$src/scenarios/breach.yaml" model.revenge_decay=7 2> "$tmp/err.txt"
rc=$?
[ "$rc" = 2 ] || fail "a bad override exited $rc, expected 2"
grep -q "'model.revenge_decay': 7 is out of range" "$tmp/err.txt" || { cat "$tmp/err.txt"; fail "unexpected message"; }
echo "install_example: ok (prefix $prefix)"
