#!/usr/bin/env bash
# Mints licenses with `licet`, builds the example firmware
# (examples/firmware) with them embedded, runs it under QEMU
# and checks what it prints over semihosting: every chain verified, the
# tampered one, the wrong group and the expired one rejected, the Basic
# fallback. Exit 0 when the firmware says `RESULT ok`.
#
#   scripts/firmware.sh [PROFILE] [FEATURES] [MACHINE]
#
# PROFILE: release (opt-level z, default) or release-o3. MACHINE: mps2-an386
# (Cortex-M4, thumbv7em-none-eabihf; default) or lm3s6965evb (Cortex-M3,
# thumbv7m-none-eabi).
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-release}
features=${2:-}
machine=${3:-mps2-an386}
case $machine in
  mps2-an386) target=thumbv7em-none-eabihf ;;
  lm3s6965evb) target=thumbv7m-none-eabi ;;
  *) echo "error: unknown machine $machine; hint: mps2-an386 or lm3s6965evb" >&2; exit 2 ;;
esac
rustup target add "$target" >/dev/null 2>&1 || true
fixtures=$PWD/target/firmware/fixtures
if [ ! -f "$fixtures/now" ] || [ -n "${LICET_REMINT:-}" ]; then
  cargo build -q -p licet-issuer
  scripts/mint-fixtures.sh "$fixtures"
fi
qemu=$(scripts/qemu.sh)
build=$PWD/target/firmware/${features:-default}
(cd examples/firmware &&
  LICET_FIXTURES=$fixtures cargo build -q --profile "$profile" --target "$target" \
    ${features:+--features "$features"} --target-dir "$build")
elf=$build/$target/$profile/licet-firmware
# -icount shift=0: one instruction per virtual nanosecond (deterministic;
# the measure build counts instructions with SysTick).
out=$(timeout 120 "$qemu" -M "$machine" -nographic -monitor none -serial null \
  -semihosting-config enable=on,target=native -icount shift=0 -kernel "$elf") || {
  echo "$out"
  echo "error: the firmware failed under QEMU" >&2
  exit 1
}
echo "$out"
grep -q '^tampered 3-link chain: rejected: bad_signature at link 2$' <<<"$out" || {
  echo "error: the tampered chain was not rejected" >&2
  exit 1
}
grep -q '^RESULT ok$' <<<"$out"
