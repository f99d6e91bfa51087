#!/usr/bin/env bash
# Measures the verifier on a Cortex-M4 (docs/FOOTPRINT.md), at opt-level z
# and 3, with licenses minted by `licet` now:
#   flash  .text + .rodata of the example firmware minus the same firmware
#          with every verifier call replaced by a stub (feature `stub`);
#          also for a panel that only verifies (feature `verify-only`:
#          the evaluation calls stubbed);
#   crypto the part of it that is Ed25519 + SHA-2 (symbols of
#          curve25519-dalek, ed25519-dalek, sha2);
#   heap   whether any allocator symbol is linked;
#   stack  peak stack below the caller during a verification (painted and
#          scanned, feature `measure`);
#   insns  instructions per verification of 1-, 3- and 5-link chains and the
#          floor: one bare ed25519-dalek check (from_bytes + verify_strict)
#          per link over the same bytes, under QEMU -icount;
#   cache  instructions of a re-check through a warm verify-once cache.
# Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add thumbv7em-none-eabihf >/dev/null 2>&1 || true
rustup component add llvm-tools >/dev/null 2>&1 || true
bin=$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin
for tool in llvm-size llvm-nm; do
  [ -x "$bin/$tool" ] || { echo "error: $tool not found in $bin; hint: rustup component add llvm-tools" >&2; exit 2; }
done
fixtures=$PWD/target/firmware/fixtures
cargo build -q -p licet-issuer
scripts/mint-fixtures.sh "$fixtures"
qemu=$(scripts/qemu.sh)

elf() { echo "$PWD/target/firmware/${2:-default}/thumbv7em-none-eabihf/$1/licet-firmware"; }
build() { # PROFILE FEATURE
  (cd examples/firmware &&
    LICET_FIXTURES=$fixtures cargo build -q --profile "$1" ${2:+--features "$2"} \
      --target-dir "$PWD/../../target/firmware/${2:-default}")
}
flash() { "$bin/llvm-size" -A "$1" | awk '$1==".text"||$1==".rodata"{s+=$2} END{print s}'; }
crypto() {
  "$bin/llvm-nm" -S --size-sort --demangle "$1" | python3 -c '
import re, sys
crate = re.compile(r"^(<|_\$LT\$)?(&|\$RF\$)?(curve25519_dalek|ed25519_dalek|sha2)(::|\.\.)")
print(sum(int(f[1], 16) for f in (l.split(None, 3) for l in sys.stdin)
          if len(f) == 4 and f[2].lower() in "tr" and crate.match(f[3])))'
}
kib() { awk -v b="$1" 'BEGIN{printf "%.1f KiB", b/1024}'; }

declare -A verify_only_flash=()
echo "| opt-level | verifier flash | of which Ed25519 + SHA-2 | firmware / stub | heap | chain | bytes | instructions | floor (N × bare check) | ratio | peak stack | floor stack | warm-cache re-check |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for profile in release release-o3; do
  level=$([ "$profile" = release ] && echo z || echo 3)
  for f in "" stub verify-only measure; do build "$profile" "$f"; done
  full=$(flash "$(elf "$profile")")
  stub=$(flash "$(elf "$profile" stub)")
  verify_only=$(flash "$(elf "$profile" verify-only)")
  verify_only_flash[$profile]=$(kib $((verify_only - stub)))
  cr=$(crypto "$(elf "$profile")")
  if "$bin/llvm-nm" "$(elf "$profile")" | grep -Eq '__rust_alloc|__rg_alloc|__rdl_alloc|__rust_no_alloc_shim'; then
    heap="ALLOCATOR LINKED"
  else
    heap="none"
  fi
  out=$(timeout 120 "$qemu" -M mps2-an386 -nographic -monitor none -serial null \
    -semihosting-config enable=on,target=native -icount shift=0 -kernel "$(elf "$profile" measure)")
  grep -q '^RESULT ok$' <<<"$out" || { echo "$out" >&2; echo "error: measure firmware failed" >&2; exit 1; }
  first=1
  while read -r line; do
    declare -A m=()
    for kv in $line; do [[ $kv == *=* ]] && m[${kv%%=*}]=${kv#*=}; done
    ratio=$(awk -v a="${m[insns]}" -v b="${m[floor_insns]}" 'BEGIN{printf "%.4f", a/b}')
    if [ $first = 1 ]; then
      head="| $level | $(kib $((full - stub))) | $(kib "$cr") | $full / $stub B | $heap"
      first=0
    else
      head="| | | | |"
    fi
    echo "$head | ${m[links]} links | ${m[bytes]} | ${m[insns]} | ${m[floor_insns]} | $ratio | ${m[stack]} B | ${m[floor_stack]} B | ${m[cached_warm_insns]} |"
    unset m
  done < <(grep '^MEASURE chain ' <<<"$out" | sed 's/^MEASURE chain //')
  ev=$(grep '^MEASURE evaluate ' <<<"$out" | sed 's/^MEASURE evaluate //')
  declare -A e=()
  for kv in $ev; do e[${kv%%=*}]=${kv#*=}; done
  ratio=$(awk -v a="${e[insns]}" -v b="${e[floor_insns]}" 'BEGIN{printf "%.4f", a/b}')
  echo "| | | | | | evaluate 3 licenses (${e[links]} links) | | ${e[insns]} | ${e[floor_insns]} | $ratio | ${e[stack]} B | | |"
  unset e
done
echo
echo "QEMU: $("$qemu" --version | head -1); machine mps2-an386 (Cortex-M4), -icount shift=0."
echo "Calibration: $(grep '^MEASURE calibration' <<<"$out" | sed 's/^MEASURE calibration //') (instructions per SysTick tick)."
echo
echo "Verifier flash of a panel that only verifies (feature \`verify-only\`): $(for p in release release-o3; do printf '%s at %s; ' "${verify_only_flash[$p]}" "$([ "$p" = release ] && echo z || echo 3)"; done)"
