#!/usr/bin/env bash
# Prints the path of a qemu-system-arm that runs on this machine: the
# system's own when installed, else Debian's package unpacked into a cache
# folder (apt-get download + dpkg -x: installing it with apt could remove
# qemu-utils). LICET_QEMU_CACHE overrides the folder (default target/qemu).
set -euo pipefail
if command -v qemu-system-arm >/dev/null 2>&1; then
  command -v qemu-system-arm
  exit 0
fi
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${LICET_QEMU_CACHE:-$root/target/qemu}
wrapper=$cache/qemu-system-arm
if [ ! -x "$wrapper" ]; then
  mkdir -p "$cache/debs" "$cache/root"
  # qemu-system-arm and the libraries it needs that a minimal Debian lacks.
  packages=(qemu-system-arm libfdt1 libcapstone4 libpmem1 librdmacm1 libibverbs1
            libslirp0 libvdeplug2 libndctl6 libdaxctl1 libnl-3-200 libnl-route-3-200)
  if ! (cd "$cache/debs" && apt-get download "${packages[@]}" >/dev/null 2>"$cache/apt.log"); then
    echo "error: could not download qemu-system-arm from Debian's packages (see $cache/apt.log)" >&2
    echo "hint: run apt-get update, or install qemu-system-arm and put it on PATH" >&2
    exit 2
  fi
  for d in "$cache"/debs/*.deb; do dpkg -x "$d" "$cache/root"; done
  libs=$(find "$cache/root" -name '*.so*' -printf '%h\n' | sort -u | paste -sd:)
  cat > "$wrapper.tmp" <<EOW
#!/bin/sh
LD_LIBRARY_PATH="$libs\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$cache/root/usr/bin/qemu-system-arm" "\$@"
EOW
  chmod +x "$wrapper.tmp"
  if ! "$wrapper.tmp" --version >/dev/null 2>&1; then
    echo "error: the unpacked qemu-system-arm does not start" >&2
    echo "hint: LD_LIBRARY_PATH=$libs ldd $cache/root/usr/bin/qemu-system-arm | grep 'not found' names the missing libraries; add their packages to scripts/qemu.sh" >&2
    exit 2
  fi
  mv "$wrapper.tmp" "$wrapper"
fi
echo "$wrapper"
