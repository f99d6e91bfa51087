#!/usr/bin/env bash
# Verifies the 5-link fixture chain from Rust, Java (JNI) and Python (PyO3)
# in one run and prints each binding's time against Rust's
# (docs/BENCHMARKS.md, "Bindings"). Release builds throughout; the Java
# and Python environments are the ones their tests use.
#
#   scripts/bindings-bench.sh [ROUNDS] [ITERATIONS]   (default 15 × 400)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
rounds=${1:-15}
iterations=${2:-400}
out=$root/target/bindings-bench
mkdir -p "$out/classes"
cargo build -q --release -p licet-issuer -p licet-jni
cargo build -q --release -p licet-tests --example verify_timing
LICET_BIN=$root/target/release/licet scripts/mint-fixtures.sh "$out/fixtures" >/dev/null
venv=$root/target/python-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import licet" 2>/dev/null || \
  "$venv/bin/pip" install -q --disable-pip-version-check ./bindings/python
javac -d "$out/classes" bindings/java/java/licet/*.java bindings/java/test/licet/Bench.java

file=chain5.lic
rust=$(target/release/examples/verify_timing "$out/fixtures" "$file" "$rounds" "$iterations")
java=$(java -Djava.library.path="$root/target/release" -cp "$out/classes" licet.Bench \
  "$out/fixtures" "$file" "$rounds" "$iterations")
python=$("$venv/bin/python" - "$out/fixtures" "$file" "$rounds" "$iterations" <<'EOP'
import sys, time, statistics
from pathlib import Path
import licet
d, f, rounds, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = (d / f).read_bytes()
root = licet.root_key((d / "root.hex").read_text().strip())
group = (d / "group").read_text().strip()
now = int((d / "now").read_text())
means = []
for _ in range(rounds):
    start = time.perf_counter_ns()
    for _ in range(n):
        licet.verify(data, [root], group, at=now)
    means.append((time.perf_counter_ns() - start) // n)
print(int(statistics.median(means)))
EOP
)
printf '5-link chain (%s), median of %s rounds of %s verifications, %s\n' "$file" "$rounds" "$iterations" "$(date -u +%F)"
printf '| binding | per verification | against Rust |\n|---|---|---|\n'
awk -v r="$rust" -v j="$java" -v p="$python" 'BEGIN {
  printf "| Rust (licet_verifier::verify) | %.1f µs | 1.00 × |\n", r / 1000
  printf "| Java (Licet.verify, JNI) | %.1f µs | %.3f × |\n", j / 1000, j / r
  printf "| Python (licet.verify, PyO3) | %.1f µs | %.3f × |\n", p / 1000, p / r
}'
