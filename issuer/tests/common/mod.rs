//! Running the real `licet` binary from tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;

/// `licet` in `dir`, with the ledger in that folder (never in $HOME) and no
/// passphrase from the environment.
pub fn licet(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("licet").unwrap();
    c.current_dir(dir)
        .env_remove("LICET_PASSPHRASE")
        .env("LICET_LEDGER", dir.join("ledger.sqlite"));
    c
}

/// Runs and returns (exit code, stdout, stderr); a panic is a failure.
pub fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = licet(dir).args(args).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains("panicked"),
        "licet {args:?} panicked: {stderr}"
    );
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        stderr,
    )
}

/// Runs, requires exit 0, returns stdout.
pub fn run_ok(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(dir, args);
    assert_eq!(code, 0, "licet {args:?} failed: {err}");
    out
}
