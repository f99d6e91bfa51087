#!/usr/bin/env bash
# The C library as Linux panels use it: installed by scripts/install-capi.sh
# for this machine, aarch64 and armv7, then
#   * here: the SONAME; the C test built through pkg-config (shared library)
#     and through CMake's find_package(licet) (shared and static);
#   * aarch64 and armv7: the C test (static and shared library) and the
#     conformance table (tests/conformance/cases.tsv) built with Debian's
#     cross compilers and run under qemu-user;
#   * everywhere: the minimal program (capi/tests/c/minimal.c), and the
#     sizes docs/FOOTPRINT.md reports.
# Called by .ci/run after capi/tests/c/run.sh (whose licet binary it uses).
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
out=$root/target/capi-linux
mkdir -p "$out"
scripts/cross-toolchains.sh
cargo build -q -p licet-issuer
scripts/mint-fixtures.sh "$out/fixtures" >/dev/null
fixtures=$out/fixtures
group=$(cat "$fixtures/group")
root_hex=$(cat "$fixtures/root.hex")
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -O2)
sizes=$out/sizes.txt
: >"$sizes"

size_of() { stat -c %s "$1"; }

# --- this machine -----------------------------------------------------
prefix=$out/host/prefix
rm -rf "$prefix"
scripts/install-capi.sh "$prefix" >/dev/null
# (Outputs are read whole before matching: `grep -q` would close the pipe
# early, and pipefail would count the writer's SIGPIPE as a failure.)
dynamic=$(readelf -d "$prefix/lib/liblicet.so.1")
grep -q 'Library soname: \[liblicet.so.1\]' <<<"$dynamic" || {
  echo "FAIL: liblicet.so.1 has no SONAME liblicet.so.1" >&2; exit 1; }
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# shellcheck disable=SC2046
gcc "${cflags[@]}" $(pkg-config --cflags licet) capi/tests/c/licet_test.c \
  $(pkg-config --libs licet) -Wl,-rpath,"$prefix/lib" -o "$out/host/licet_test_pkgconfig"
"$out/host/licet_test_pkgconfig" "$fixtures" | tail -n 1
loaded=$(ldd "$out/host/licet_test_pkgconfig")
grep -qF "liblicet.so.1 => $prefix/lib/liblicet.so.1" <<<"$loaded" || {
  echo "FAIL: the pkg-config build does not load liblicet.so.1 from $prefix" >&2; exit 1; }
rm -rf "$out/host/cmake"
cmake -S capi/tests/cmake -B "$out/host/cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$out/host/cmake" >/dev/null
"$out/host/cmake/licet_test_shared" "$fixtures" | tail -n 1
"$out/host/cmake/licet_test_static" "$fixtures" | tail -n 1

minimal() { # CC STRIP PREFIX OUT: the minimal program, static and shared library
  local cc=$1 strip=$2 p=$3 o=$4
  "$cc" "${cflags[@]}" -Os -I "$p/include" capi/tests/c/minimal.c "$p/lib/liblicet.a" \
    -Wl,--gc-sections -o "$o/minimal_static"
  "$cc" "${cflags[@]}" -Os -I "$p/include" capi/tests/c/minimal.c -L "$p/lib" -llicet \
    -Wl,-rpath,"$p/lib" -o "$o/minimal_shared"
  "$strip" "$o/minimal_static" "$o/minimal_shared"
}
minimal gcc strip "$prefix" "$out/host"
"$out/host/minimal_static" "$root_hex" "$group" "$fixtures/chain3.lic"
"$out/host/minimal_shared" "$root_hex" "$group" "$fixtures/chain3.lic" >/dev/null
printf '%s %s %s %s\n' x86_64-unknown-linux-gnu "$(size_of "$prefix/lib/liblicet.so.1")" \
  "$(size_of "$out/host/minimal_static")" "$(size_of "$out/host/minimal_shared")" >>"$sizes"

# --- aarch64 and armv7 under qemu-user ----------------------------------
for target in aarch64-unknown-linux-gnu armv7-unknown-linux-gnueabihf; do
  case $target in
    aarch64-*) cross=aarch64-linux-gnu; qemu=qemu-aarch64-static ;;
    armv7-*) cross=arm-linux-gnueabihf; qemu=qemu-arm-static ;;
  esac
  dir=$out/$target
  prefix=$dir/prefix
  rm -rf "$prefix"
  mkdir -p "$dir"
  scripts/install-capi.sh --target "$target" "$prefix" >/dev/null
  dynamic=$("$cross-readelf" -d "$prefix/lib/liblicet.so.1")
  grep -q 'Library soname: \[liblicet.so.1\]' <<<"$dynamic"
  "$cross-gcc" "${cflags[@]}" -I "$prefix/include" capi/tests/c/licet_test.c \
    "$prefix/lib/liblicet.a" -o "$dir/licet_test_static"
  "$cross-gcc" "${cflags[@]}" -I "$prefix/include" capi/tests/c/licet_test.c \
    -L "$prefix/lib" -llicet -Wl,-rpath,"$prefix/lib" -o "$dir/licet_test_shared"
  "$cross-gcc" "${cflags[@]}" -I "$prefix/include" capi/tests/c/conformance.c \
    "$prefix/lib/liblicet.a" -o "$dir/conformance"
  echo "$target (qemu-user):"
  "$qemu" -L "/usr/$cross" "$dir/licet_test_static" "$fixtures" | tail -n 1
  "$qemu" -L "/usr/$cross" "$dir/licet_test_shared" "$fixtures" | tail -n 1
  "$qemu" -L "/usr/$cross" "$dir/conformance" tests/conformance/cases.tsv "$fixtures"
  minimal "$cross-gcc" "$cross-strip" "$prefix" "$dir"
  "$qemu" -L "/usr/$cross" "$dir/minimal_static" "$root_hex" "$group" "$fixtures/chain3.lic"
  printf '%s %s %s %s\n' "$target" "$(size_of "$prefix/lib/liblicet.so.1")" \
    "$(size_of "$dir/minimal_static")" "$(size_of "$dir/minimal_shared")" >>"$sizes"
done

echo
echo "| target | liblicet.so.1 (stripped) | minimal program, static liblicet (stripped) | minimal program, shared liblicet (stripped) |"
echo "|---|---|---|---|"
while read -r t so st sh; do
  printf '| %s | %s B | %s B | %s B |\n' "$t" "$so" "$st" "$sh"
done <"$sizes"
