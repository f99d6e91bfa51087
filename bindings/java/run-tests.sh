#!/usr/bin/env bash
# Builds liblicet_jni and the Java classes (Debian's OpenJDK), runs the Java
# test on licenses the CLI mints, with the conformance table; then checks
# that the Rust side builds for Android (aarch64 and armv7; linking an APK
# needs the NDK: docs/BINDINGS.md). Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
out=$root/target/java-test
command -v javac >/dev/null 2>&1 || scripts/apt-install.sh openjdk-17-jdk-headless
rm -rf "$out/classes"
mkdir -p "$out/classes"
cargo build -q -p licet-jni -p licet-issuer
scripts/mint-fixtures.sh "$out/fixtures" >/dev/null
javac -Xlint:all -Werror -d "$out/classes" bindings/java/java/licet/*.java bindings/java/test/licet/*.java \
  bindings/java/example/ReadmeExample.java
java -Djava.library.path="$root/target/debug" -cp "$out/classes" licet.LicetTest \
  "$out/fixtures" tests/conformance/cases.tsv
# The README's example, as it stands, in the fixtures folder.
example=$(cd "$out/fixtures" && java -Djava.library.path="$root/target/debug" -cp "$out/classes" ReadmeExample)
echo "README example: $example"
case $example in "plus sip_numbers=10 video=true warning=true") ;; *) echo "FAIL: the README's Java example printed: $example" >&2; exit 1 ;; esac
for t in aarch64-linux-android armv7-linux-androideabi; do
  rustup target list --installed | grep -qx "$t" || rustup target add "$t" >/dev/null
  cargo check -q -p licet-jni --target "$t"
done
echo "licet-jni: builds for aarch64-linux-android and armv7-linux-androideabi"
