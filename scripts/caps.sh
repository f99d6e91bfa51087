#!/usr/bin/env bash
# Chains at the documented caps on x86-64 (docs/BENCHMARKS.md), counted in
# instructions under callgrind (repeatable whatever else the machine does):
# verify against N x the bare signature check, eight licenses sharing their
# upper links, and the cost of reading every answer after an evaluation,
# from Rust and through the C ABI.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "error: valgrind not found; hint: apt-get install valgrind" >&2; exit 2; }
cargo build -q --release -p licet-tests --example caps -p licet-capi --example caps_c
bin=target/release/examples/caps
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
iterations=10
insns() { # CASE [BINARY]
  valgrind --tool=callgrind --toggle-collect='*licet_caps_measured*' \
    --callgrind-out-file="$out/cg" "${2:-$bin}" "$1" "$iterations" >"$out/stdout" 2>"$out/log" ||
    { cat "$out/log" >&2; echo "error: case $1 failed" >&2; exit 1; }
  awk -v n="$iterations" '/^(summary|totals):/ {print int($2 / n); exit}' "$out/cg"
}
floor=$(insns floor); links=$(sed -n 's/.*links=\([0-9]*\).*/\1/p' "$out/stdout")
bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' "$out/stdout")
verify=$(insns verify)
evaluate=$(insns evaluate)
queries=$(insns queries)
queries_c=$(insns queries target/release/examples/caps_c)
signature=$(insns signature)
echo "| measure | instructions | ratio |"
echo "|---|---|---|"
echo "| floor: $links bare checks ($bytes-byte chain at the caps) | $floor | 1 |"
echo "| verify the chain | $verify | $(awk -v a="$verify" -v b="$floor" 'BEGIN{printf "%.3f x floor", a/b}') |"
echo "| evaluate 8 such licenses sharing $((links - 1)) upper links | $evaluate | $(awk -v a="$evaluate" -v b="$floor" -v n="$links" 'BEGIN{printf "%.3f x (8+%d-1)/%d floors", a/(b*(8+n-1)/n), n, n}') |"
echo "| one bare signature check | $signature | |"
echo "| read every quota (16), feature (32) and role (8) after evaluate | $queries | $(awk -v a="$queries" -v b="$signature" 'BEGIN{printf "%.2f %% of one check", 100*a/b}') |"
echo "| the same through the C ABI | $queries_c | $(awk -v a="$queries_c" -v b="$signature" 'BEGIN{printf "%.2f %% of one check", 100*a/b}') |"
