#!/usr/bin/env bash
# Builds liblicet_capi.a and the licet CLI, mints fresh licenses with it,
# compiles the C test against include/licet.h with gcc (warnings are errors)
# and runs it. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=target/c-test
mkdir -p "$out"
cargo build -q -p licet-issuer -p licet-capi
scripts/mint-fixtures.sh "$out/fixtures"
gcc -std=c11 -Wall -Wextra -Werror -pedantic -O1 -I capi/include \
  capi/tests/c/licet_test.c target/debug/liblicet_capi.a -lpthread -ldl -lm \
  -o "$out/licet_test"
# The header is valid C++ too.
g++ -std=c++17 -Wall -Werror -fsyntax-only -x c++ capi/include/licet.h
"$out/licet_test" "$out/fixtures"
# The conformance table the Rust and Python tests check too.
gcc -std=c11 -Wall -Wextra -Werror -pedantic -O1 -I capi/include \
  capi/tests/c/conformance.c target/debug/liblicet_capi.a -lpthread -ldl -lm \
  -o "$out/conformance"
"$out/conformance" tests/conformance/cases.tsv "$out/fixtures"
