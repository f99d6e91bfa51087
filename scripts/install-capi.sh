#!/usr/bin/env bash
# Builds the C library and installs it under PREFIX, for a Linux panel or
# a build machine:
#
#   PREFIX/lib/liblicet.so.N        shared library, SONAME liblicet.so.N
#   PREFIX/lib/liblicet.so          -> liblicet.so.N (for -llicet)
#   PREFIX/lib/liblicet.a           static library
#   PREFIX/include/licet.h
#   PREFIX/lib/pkgconfig/licet.pc   pkg-config --cflags --libs [--static] licet
#   PREFIX/lib/cmake/licet/         find_package(licet): licet::licet, licet::static
#
# N is LICET_ABI_VERSION (capi/src/lib.rs). The files are relocatable: the
# .pc and CMake files find the prefix from where they are.
#
#   scripts/install-capi.sh [--target TRIPLE] [--no-strip] PREFIX
#
# --target cross-builds (aarch64-unknown-linux-gnu, armv7-unknown-linux-gnueabihf:
# Debian's gcc-aarch64-linux-gnu / gcc-arm-linux-gnueabihf link them; the
# script points cargo at them). Libraries are stripped unless --no-strip.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=""
strip=1
prefix=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target=${2:?--target needs a triple}; shift 2 ;;
    --no-strip) strip=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "error: unknown option $1" >&2; echo "hint: scripts/install-capi.sh [--target TRIPLE] [--no-strip] PREFIX" >&2; exit 2 ;;
    *) prefix=$1; shift ;;
  esac
done
if [ -z "$prefix" ]; then
  echo "error: no PREFIX given" >&2
  echo "hint: scripts/install-capi.sh /usr/local (or a staging folder)" >&2
  exit 2
fi
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
cd "$root"

abi=$(sed -n 's/^pub const LICET_ABI_VERSION: u32 = \([0-9]*\);/\1/p' capi/src/lib.rs)
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
if [ -z "$abi" ] || [ -z "$version" ]; then
  echo "error: cannot read LICET_ABI_VERSION or the workspace version" >&2
  exit 2
fi

cross=""
cargo_target=()
case "$target" in
  "") ;;
  aarch64-unknown-linux-gnu) cross=aarch64-linux-gnu- ;;
  armv7-unknown-linux-gnueabihf) cross=arm-linux-gnueabihf- ;;
  *) echo "error: no cross toolchain known for $target" >&2
     echo "hint: use aarch64-unknown-linux-gnu or armv7-unknown-linux-gnueabihf, or set CARGO_TARGET_<TRIPLE>_LINKER and build by hand" >&2
     exit 2 ;;
esac
if [ -n "$target" ]; then
  cargo_target=(--target "$target")
  if ! command -v "${cross}gcc" >/dev/null 2>&1; then
    echo "error: ${cross}gcc is not installed" >&2
    echo "hint: apt-get install gcc-${cross%-}  (scripts/cross-toolchains.sh does it)" >&2
    exit 2
  fi
  rustup target list --installed | grep -qx "$target" || rustup target add "$target" >/dev/null
  var=CARGO_TARGET_$(echo "$target" | tr 'a-z-' 'A-Z_')_LINKER
  export "$var=${cross}gcc"
fi
out=target/${target:+$target/}capi

# The static and the shared library (with its SONAME) from one compile.
cargo rustc --quiet --profile capi -p licet-capi --features hosted-abort "${cargo_target[@]}" \
  --lib --crate-type staticlib,cdylib -- -C "link-arg=-Wl,-soname,liblicet.so.$abi" -C link-arg=-lc

install -d "$prefix/lib/pkgconfig" "$prefix/lib/cmake/licet" "$prefix/include"
install -m 0644 "$out/liblicet_capi.a" "$prefix/lib/liblicet.a"
install -m 0755 "$out/liblicet_capi.so" "$prefix/lib/liblicet.so.$abi"
ln -sf "liblicet.so.$abi" "$prefix/lib/liblicet.so"
install -m 0644 capi/include/licet.h "$prefix/include/licet.h"
if [ "$strip" = 1 ]; then
  "${cross}strip" --strip-unneeded "$prefix/lib/liblicet.so.$abi"
  "${cross}strip" --strip-debug "$prefix/lib/liblicet.a"
fi

cat > "$prefix/lib/pkgconfig/licet.pc" <<EOF
prefix=\${pcfiledir}/../..
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: licet
Description: licet license verifier: verify and evaluate licet licenses (C ABI $abi)
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -llicet
Libs.private: -lpthread -ldl -lm
EOF

cat > "$prefix/lib/cmake/licet/licetConfig.cmake" <<EOF
# find_package(licet) for the licet C library $version (ABI $abi).
# Targets: licet::licet (shared, liblicet.so.$abi) and licet::static.
get_filename_component(_licet_prefix "\${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET licet::licet)
  add_library(licet::licet SHARED IMPORTED)
  set_target_properties(licet::licet PROPERTIES
    IMPORTED_LOCATION "\${_licet_prefix}/lib/liblicet.so.$abi"
    IMPORTED_SONAME "liblicet.so.$abi"
    INTERFACE_INCLUDE_DIRECTORIES "\${_licet_prefix}/include")
endif()
if(NOT TARGET licet::static)
  add_library(licet::static STATIC IMPORTED)
  set_target_properties(licet::static PROPERTIES
    IMPORTED_LOCATION "\${_licet_prefix}/lib/liblicet.a"
    INTERFACE_INCLUDE_DIRECTORIES "\${_licet_prefix}/include"
    INTERFACE_LINK_LIBRARIES "pthread;dl;m")
endif()
set(licet_VERSION "$version")
set(licet_ABI_VERSION "$abi")
unset(_licet_prefix)
EOF

cat > "$prefix/lib/cmake/licet/licetConfigVersion.cmake" <<EOF
# licet $version: a request is met by the same major.minor (0.x releases
# may change the ABI between minors) at this patch level or above.
set(PACKAGE_VERSION "$version")
set(PACKAGE_VERSION_COMPATIBLE FALSE)
if(PACKAGE_FIND_VERSION_MAJOR EQUAL "${version%%.*}")
  string(REGEX MATCH "^[0-9]+\\\\.[0-9]+" _licet_mm "\${PACKAGE_VERSION}")
  string(REGEX MATCH "^[0-9]+\\\\.[0-9]+" _licet_find_mm "\${PACKAGE_FIND_VERSION}")
  if((PACKAGE_FIND_VERSION_MAJOR GREATER 0 OR _licet_mm STREQUAL _licet_find_mm)
     AND NOT PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
    set(PACKAGE_VERSION_COMPATIBLE TRUE)
  endif()
endif()
if(PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
  set(PACKAGE_VERSION_EXACT TRUE)
endif()
EOF

echo "installed licet $version (ABI $abi${target:+, $target}) into $prefix"
