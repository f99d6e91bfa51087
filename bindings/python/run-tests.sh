#!/usr/bin/env bash
# Builds the Python binding from this checkout into a virtual environment
# (pip install ./bindings/python: maturin from PyPI compiles the Rust part)
# and runs its pytest tests on licenses the CLI mints. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
venv=$root/target/python-venv
out=$root/target/python-test
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check "./bindings/python[test]"
cargo build -q -p licet-issuer
scripts/mint-fixtures.sh "$out/fixtures" >/dev/null
LICET_FIXTURES="$out/fixtures" LICET_BIN="$root/target/debug/licet" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider bindings/python/tests
# The README's example, as it stands, in the fixtures folder.
example=$(cd "$out/fixtures" && "$venv/bin/python" "$root/bindings/python/tests/readme_example.py")
echo "README example: $example"
case $example in "plus sip_numbers=10 video=True warning=True"$'\n'"VALID for "*) ;;
  *) echo "FAIL: the README's Python example printed: $example" >&2; exit 1 ;; esac
