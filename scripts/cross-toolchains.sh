#!/usr/bin/env bash
# Installs what building and testing the C library for Linux panels needs,
# from Debian's packages, when it is missing: the aarch64 and armhf cross
# compilers with their C libraries, qemu-user-static (static binaries: it
# removes nothing, unlike qemu-system-arm, see scripts/qemu.sh) and cmake.
set -euo pipefail
packages=(gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf libc6-dev-arm64-cross
          libc6-dev-armhf-cross qemu-user-static cmake)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=sudo; else
    echo "error: ${missing[*]} not installed, and this user cannot install packages" >&2
    echo "hint: as root: apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 2
  fi
fi
install() {
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/tmp/licet-apt.log 2>&1
}
if ! install; then
  $sudo apt-get update -q >/tmp/licet-apt-update.log 2>&1 || true
  if ! install; then
    echo "error: could not install ${missing[*]} (see /tmp/licet-apt.log)" >&2
    echo "hint: check that Debian's package mirror is reachable" >&2
    exit 2
  fi
fi
