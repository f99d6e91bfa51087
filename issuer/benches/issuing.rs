//! Issuing throughput and ledger scale, through the real `licet` binary.
//!
//! * `issuing/raw_ed25519_sign`: one Ed25519 signature over a typical
//!   Sig_structure, in process: the floor for minting.
//! * `issuing/batch_5000`: `licet issue --batch` of 5,000 rows (plan basic),
//!   signing + ledger + files, one process per iteration, fresh ledger and
//!   output folder each time. Both report elements per second, in one run.
//! * `ledger_1m/*`: with a ledger holding one million licenses (built once,
//!   cached in `target/licet-bench/`), one `licet issue`, one `licet usage
//!   GROUP` and one `licet remind --within 30d --dry-run`, each a whole
//!   process run.
//!
//! Run: `cargo bench -p licet-issuer --bench issuing`. Where files go:
//! `LICET_BENCH_DIR` (default `target/licet-bench`); put it on a tmpfs to
//! measure licet rather than the disk.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use ed25519_dalek::Signer;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BATCH_ROWS: usize = 5_000;
const LEDGER_LICENSES: usize = 1_000_000;
const DEALERS: usize = 1_000;

fn bench_dir() -> PathBuf {
    let dir = std::env::var_os("LICET_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/licet-bench"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn licet(dir: &Path, ledger: &Path, args: &[&str]) -> Duration {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_licet"))
        .current_dir(dir)
        .env("LICET_LEDGER", ledger)
        .args(args)
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "licet {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

/// Keys and a parent license with room for everything the benches mint.
fn setup(dir: &Path) {
    if dir.join("dealer.lic").exists() {
        return;
    }
    let scratch = dir.join("setup.sqlite");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", scratch.display()));
    }
    licet(dir, &scratch, &["ledger", "init"]);
    for who in ["vendor", "dealer"] {
        licet(
            dir,
            &scratch,
            &["key", "generate", "--out", who, "--unencrypted", "--force"],
        );
    }
    licet(
        dir,
        &scratch,
        &[
            "issue",
            "--key",
            "vendor.key",
            "--subject",
            "acme/d0",
            "--delegate",
            "dealer.pub",
            "--quota",
            "sip_numbers=100000000",
            "--quota",
            "app_installs=100000000",
            "--force",
            "--out",
            "dealer.lic",
        ],
    );
    let mut csv = String::from("subject,contact\n");
    for i in 0..BATCH_ROWS {
        csv.push_str(&format!("acme/d0/b{i},admin{i}@example.com\n"));
    }
    std::fs::write(dir.join("rows.csv"), csv).unwrap();
}

fn issuing(c: &mut Criterion) {
    let dir = bench_dir();
    setup(&dir);
    let mut g = c.benchmark_group("issuing");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));

    // The floor: sign a Sig_structure the size of a typical leaf link's.
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let msg = vec![0x5a_u8; 160];
    g.throughput(Throughput::Elements(1));
    g.bench_function("raw_ed25519_sign", |b| b.iter(|| key.sign(black_box(&msg))));

    g.throughput(Throughput::Elements(BATCH_ROWS as u64));
    g.bench_function(BenchmarkId::new("batch", BATCH_ROWS), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                let run = dir.join(format!("batch-run-{i}"));
                let _ = std::fs::remove_dir_all(&run);
                let ledger = dir.join(format!("batch-run-{i}.sqlite"));
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", ledger.display()));
                }
                licet(&dir, &ledger, &["ledger", "init", "--trust", "vendor.pub"]);
                total += licet(
                    &dir,
                    &ledger,
                    &[
                        "issue",
                        "--batch",
                        "rows.csv",
                        "--plan",
                        "basic",
                        // The parent grants no integrations.
                        "--no-quota",
                        "integrations",
                        "--key",
                        "dealer.key",
                        "--parent",
                        "dealer.lic",
                        "--out-dir",
                        run.to_str().unwrap(),
                    ],
                );
                let _ = std::fs::remove_dir_all(&run);
                for ext in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{ext}", ledger.display()));
                }
            }
            total
        })
    });
    g.finish();
}

/// A ledger of one million licenses: the real `acme/d0` dealer license and
/// 999 synthetic dealers under the vendor, each with 1,000 children. One
/// in a thousand children expires within 30 days; most have no end date.
fn big_ledger(dir: &Path) -> PathBuf {
    let path = dir.join("ledger-1m.sqlite");
    if path.exists() {
        return path;
    }
    let tmp = dir.join("ledger-1m.partial.sqlite");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", tmp.display()));
    }
    // Let licet create the schema and record the real chain.
    licet(dir, &tmp, &["ledger", "init", "--trust", "vendor.pub"]);
    licet(
        dir,
        &tmp,
        &[
            "issue",
            "--key",
            "dealer.key",
            "--parent",
            "dealer.lic",
            "--subject",
            "acme/d0/seed",
            "--quota",
            "sip_numbers=1",
            "--force",
            "--out",
            "seed.lic",
        ],
    );
    let mut conn = rusqlite::Connection::open(&tmp).unwrap();
    // acme/d0 is a root link (minted by the vendor key): no parent.
    let (d0, vendor): (Vec<u8>, Option<Vec<u8>>) = conn
        .query_row(
            "SELECT serial, parent FROM licenses WHERE subject = 'acme/d0'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let now: i64 = 1_798_761_600;
    let tx = conn.transaction().unwrap();
    {
        let mut lic = tx
            .prepare(
                "INSERT INTO licenses (serial, parent, issuer, subject, tier, kind, nbf, exp, iat, kid, sha256, origin, minted_at, file_format, chain)
                 VALUES (?1, ?2, ?3, ?4, 'basic', 'license', ?5, ?6, ?5, x'0000000000000000', zeroblob(32), 'issued', ?5, 'text', x'00')",
            )
            .unwrap();
        let mut quota = tx
            .prepare("INSERT INTO quotas (serial, name, value) VALUES (?1, ?2, ?3)")
            .unwrap();
        let mut n = 0u64;
        let serial = |n: &mut u64| {
            *n += 1;
            (0xfeed_0000_0000_0000u64 | *n).to_be_bytes().to_vec()
        };
        for d in 0..DEALERS {
            let dealer_serial = if d == 0 { d0.clone() } else { serial(&mut n) };
            let dealer = format!("acme/d{d}");
            if d > 0 {
                lic.execute(rusqlite::params![
                    dealer_serial,
                    vendor,
                    "acme",
                    dealer,
                    now,
                    Option::<i64>::None
                ])
                .unwrap();
                quota
                    .execute(rusqlite::params![dealer_serial, "sip_numbers", 100_000])
                    .unwrap();
            }
            for k in 0..(LEDGER_LICENSES / DEALERS) {
                let s = serial(&mut n);
                let exp = if k % 1000 == 7 {
                    Some(now + 86_400 * (1 + (k as i64 % 29)))
                } else if k % 3 == 0 {
                    Some(now + 86_400 * 400)
                } else {
                    None
                };
                lic.execute(rusqlite::params![
                    s,
                    dealer_serial,
                    dealer,
                    format!("{dealer}/c{k}"),
                    now,
                    exp
                ])
                .unwrap();
                quota
                    .execute(rusqlite::params![s, "sip_numbers", 2])
                    .unwrap();
                quota
                    .execute(rusqlite::params![s, "app_installs", 2])
                    .unwrap();
            }
        }
    }
    tx.commit().unwrap();
    // Fold the WAL into the file before it is renamed.
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    drop(conn);
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", tmp.display()));
    }
    std::fs::rename(&tmp, &path).unwrap();
    path
}

fn ledger_scale(c: &mut Criterion) {
    let dir = bench_dir();
    setup(&dir);
    let ledger = big_ledger(&dir);
    let count: i64 = rusqlite::Connection::open(&ledger)
        .unwrap()
        .query_row("SELECT count(*) FROM licenses", [], |r| r.get(0))
        .unwrap();
    assert!(count >= LEDGER_LICENSES as i64, "{count}");
    let mut g = c.benchmark_group("ledger_1m");
    g.sample_size(20);
    let mut i = 0u64;
    g.bench_function("issue", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                i += 1;
                let subject = format!("acme/d0/bench-{}-{i}", std::process::id());
                total += licet(
                    &dir,
                    &ledger,
                    &[
                        "issue",
                        "--key",
                        "dealer.key",
                        "--parent",
                        "dealer.lic",
                        "--subject",
                        &subject,
                        "--quota",
                        "sip_numbers=1",
                        "--quota",
                        "app_installs=1",
                        "--force",
                        "--out",
                        "bench.lic",
                    ],
                );
            }
            total
        })
    });
    g.bench_function("usage", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| licet(&dir, &ledger, &["usage", "acme/d0", "--at", "2027-01-01"]))
                .sum()
        })
    });
    g.bench_function("remind", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    licet(
                        &dir,
                        &ledger,
                        &[
                            "remind",
                            "--within",
                            "30d",
                            "--dry-run",
                            "--at",
                            "2027-01-01",
                        ],
                    )
                })
                .sum()
        })
    });
    g.finish();
}

criterion_group!(benches, issuing, ledger_scale);
criterion_main!(benches);
