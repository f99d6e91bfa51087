#!/usr/bin/env bash
# Installs what building and testing the C library for Linux panels needs,
# from Debian's packages, when it is missing: the aarch64 and armhf cross
# compilers with their C libraries, qemu-user-static (static binaries: it
# removes nothing, unlike qemu-system-arm, see scripts/qemu.sh) and cmake.
set -euo pipefail
exec "$(dirname "$0")/apt-install.sh" gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf \
  libc6-dev-arm64-cross libc6-dev-armhf-cross qemu-user-static cmake
