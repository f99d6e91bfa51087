#!/usr/bin/env bash
# The web inspector: one self-contained HTML page that runs licet's own
# inspect code compiled to WebAssembly (docs/INSPECTOR.md).
#
#   scripts/inspector.sh build   # target/web/licet-inspector.html
#   scripts/inspector.sh test    # build, then the page in Debian's Chromium
#                                # (Playwright) against `licet inspect`
#
# Installs what it needs: the wasm32-unknown-unknown target (rustup), the
# npm packages in web/package-lock.json (binaryen's wasm-opt, zopfli,
# esbuild, playwright-core), and for `test` Debian's chromium (scripts/apt-install.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-build}
case "$what" in build|test) ;; *)
  echo "error: unknown step '$what'" >&2
  echo "hint: scripts/inspector.sh build, or scripts/inspector.sh test" >&2
  exit 2 ;;
esac

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
# SHA-2 in its compact form, as on the panels: 17 KB less engine.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS='--cfg sha2_backend_soft="compact"' \
  cargo build --quiet -p licet-web --profile inspector --target wasm32-unknown-unknown
if [ ! -x web/node_modules/.bin/wasm-opt ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
page=target/web/licet-inspector.html
node web/build.mjs target/wasm32-unknown-unknown/inspector/licet_web.wasm "$page"
[ "$what" = build ] && exit 0

scripts/apt-install.sh chromium
cargo build --quiet -p licet-issuer
export LICET_BIN=${LICET_BIN:-$PWD/target/debug/licet}
scripts/mint-fixtures.sh target/web/fixtures
node web/test.mjs "$page" target/web/fixtures
