#!/usr/bin/env bash
# Mints licenses with `licet`, builds the example Cortex-M4 firmware
# (examples/firmware) with them embedded, runs it under QEMU (mps2-an386)
# and checks what it prints over semihosting: every chain verified, the
# tampered one, the wrong group and the expired one rejected, the Basic
# fallback. Exit 0 when the firmware says `RESULT ok`.
#
#   scripts/firmware.sh [PROFILE] [FEATURES]   (default: release = opt-level z)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-release}
features=${2:-}
rustup target add thumbv7em-none-eabihf >/dev/null 2>&1 || true
fixtures=$PWD/target/firmware/fixtures
if [ ! -f "$fixtures/now" ] || [ -n "${LICET_REMINT:-}" ]; then
  cargo build -q -p licet-issuer
  scripts/mint-fixtures.sh "$fixtures"
fi
qemu=$(scripts/qemu.sh)
build=$PWD/target/firmware/${features:-default}
(cd examples/firmware &&
  LICET_FIXTURES=$fixtures cargo build -q --profile "$profile" ${features:+--features "$features"} --target-dir "$build")
elf=$build/thumbv7em-none-eabihf/$profile/licet-firmware
# -icount shift=0: one instruction per virtual nanosecond (deterministic;
# the measure build counts instructions with SysTick).
out=$(timeout 600 "$qemu" -M mps2-an386 -nographic -monitor none -serial null \
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
