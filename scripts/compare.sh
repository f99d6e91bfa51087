#!/usr/bin/env bash
# licet next to Biscuit, PASETO v4.public, JWT (EdDSA) and coset, measured
# in one run (docs/BENCHMARKS.md):
#   1. instructions per verification under callgrind (repeatable: the
#      primary figure), counting only `licet_compare_measured`;
#   2. wall time with criterion (secondary: this machine is noisy), the
#      floor timed alongside;
#   3. token sizes.
# Prints Markdown tables. LICET_COMPARE_QUICK=1 shortens the criterion run.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "error: valgrind not found; hint: apt-get install valgrind" >&2; exit 2; }
manifest=compare/Cargo.toml
cargo build -q --release --manifest-path "$manifest"
bin=compare/target/release/licet-compare
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
iterations=10

insns() { # CASE LEVELS -> instructions per verification
  valgrind --tool=callgrind --toggle-collect=licet_compare_measured \
    --callgrind-out-file="$out/cg" "$bin" "$1" "$2" "$iterations" >/dev/null 2>"$out/log" ||
    { cat "$out/log" >&2; echo "error: $1 at $2 levels failed" >&2; exit 1; }
  awk -v n="$iterations" '/^(summary|totals):/ {print int($2 / n); exit}' "$out/cg"
}

echo "### Instructions per verification (callgrind)"
echo
echo "| levels | floor (1 bare check) | licet | licet evaluate (3 licenses) | coset | Biscuit | PASETO v4 | JWT EdDSA |"
echo "|---|---|---|---|---|---|---|---|"
declare -A I
for n in 1 3 5; do
  for c in floor licet licet-evaluate coset biscuit; do I[$c,$n]=$(insns "$c" "$n"); done
  if [ "$n" = 1 ]; then
    I[paseto,1]=$(insns paseto 1)
    I[jwt,1]=$(insns jwt 1)
  fi
  ratio() { awk -v a="$1" -v f="${I[floor,$n]}" -v k="$2" 'BEGIN{printf "%.3f", a/(k*f)}'; }
  row="| $n | ${I[floor,$n]} | ${I[licet,$n]} (**$(ratio "${I[licet,$n]}" "$n")**) | ${I[licet-evaluate,$n]} ($(ratio "${I[licet-evaluate,$n]}" $((3 * n)))) | ${I[coset,$n]} ($(ratio "${I[coset,$n]}" "$n")) | ${I[biscuit,$n]} ($(ratio "${I[biscuit,$n]}" "$n"))"
  if [ "$n" = 1 ]; then
    row="$row | ${I[paseto,1]} ($(ratio "${I[paseto,1]}" 1)) | ${I[jwt,1]} ($(ratio "${I[jwt,1]}" 1)) |"
  else
    row="$row | — | — |"
  fi
  echo "$row"
done
echo
echo "In parentheses: the ratio to N × floor (N links; 3 × N for the evaluation)."
echo "Biscuit ÷ licet at 1 level: $(awk -v b="${I[biscuit,1]}" -v l="${I[licet,1]}" 'BEGIN{printf "%.2f", b/l}')×;" \
  "at 5 levels: $(awk -v b="${I[biscuit,5]}" -v l="${I[licet,5]}" 'BEGIN{printf "%.2f", b/l}')×."
echo

echo "### Wall time (criterion medians, same run)"
echo
quick=()
[ -n "${LICET_COMPARE_QUICK:-}" ] && quick=(--warm-up-time 1 --measurement-time 2)
cargo bench -q --manifest-path "$manifest" --bench compare -- "${quick[@]}" >"$out/bench.log" 2>&1 ||
  { cat "$out/bench.log" >&2; exit 1; }
python3 - compare/target/criterion <<'PY'
import json, os, sys
root = sys.argv[1]
cases = ["floor", "licet", "licet-evaluate", "coset", "biscuit", "paseto", "jwt"]
print("| levels | " + " | ".join(cases) + " |")
print("|---" * (len(cases) + 1) + "|")
for n in (1, 3, 5):
    def med(c):
        p = os.path.join(root, f"levels-{n}", c, "new", "estimates.json")
        if not os.path.exists(p):
            return None
        return json.load(open(p))["median"]["point_estimate"] / 1000.0
    f = med("floor")
    cells = []
    for c in cases:
        m = med(c)
        if m is None:
            cells.append("—")
            continue
        k = 3 * n if c == "licet-evaluate" else (1 if c == "floor" else n)
        cells.append(f"{m:.1f} µs" if c == "floor" else f"{m:.1f} µs ({m / (k * f):.2f})")
    print(f"| {n} | " + " | ".join(cells) + " |")
PY
echo
echo "### Size of one token"
echo
"$bin" sizes
echo
echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(rustc --version); $(valgrind --version)."
