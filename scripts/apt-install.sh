#!/usr/bin/env bash
# Installs the given Debian packages when they are missing (as root, or
# through sudo), quietly; on failure, updates the package lists and tries
# once more. Used by the scripts that need a toolchain the machine may lack.
#
#   scripts/apt-install.sh PACKAGE...
set -euo pipefail
missing=()
for p in "$@"; do
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
log=${TMPDIR:-/tmp}/licet-apt.log
install() {
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >"$log" 2>&1
}
if ! install; then
  $sudo apt-get update -q >>"$log" 2>&1 || true
  if ! install; then
    echo "error: could not install ${missing[*]} (see $log)" >&2
    echo "hint: check that Debian's package mirror is reachable" >&2
    exit 2
  fi
fi
