//! End-to-end tests of the real `licet` binary.

mod common;

use common::{licet, run, run_ok};
use serde::Deserialize;
use std::path::{Path, PathBuf};

const DIST: &str = "acme/dist-7";
const DEALER: &str = "acme/dist-7/dealer-3";
const COMPLEX: &str = "acme/dist-7/dealer-3/complex-12";
const BUILDING: &str = "acme/dist-7/dealer-3/complex-12/bldg-2";

/// Keys for vendor, dist, dealer, complex and a 4-link chain down to the
/// building; returns the temp dir.
fn hierarchy() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    run_ok(d, &["ledger", "init"]);
    for who in ["vendor", "dist", "dealer", "complex"] {
        run_ok(d, &["key", "generate", "--out", who, "--unencrypted"]);
    }
    run_ok(
        d,
        &[
            "issue",
            "--key",
            "vendor.key",
            "--subject",
            DIST,
            "--delegate",
            "dist.pub",
            "--quota",
            "sip_numbers=100",
            "--quota",
            "app_installs=200",
            "--feature",
            "video",
            "--feature",
            "door_api",
            "--role",
            "concierge=guest_passes",
            "--not-before",
            "2026-01-01",
            "--expires",
            "2030-01-01",
            "--out",
            "dist.lic",
        ],
    );
    run_ok(
        d,
        &[
            "issue",
            "--key",
            "dist.key",
            "--parent",
            "dist.lic",
            "--subject",
            DEALER,
            "--delegate",
            "dealer.pub",
            "--quota",
            "sip_numbers=50",
            "--out",
            "dealer.lic",
        ],
    );
    run_ok(
        d,
        &[
            "issue",
            "--key",
            "dealer.key",
            "--parent",
            "dealer.lic",
            "--subject",
            COMPLEX,
            "--delegate",
            "complex.pub",
            "--quota",
            "sip_numbers=20",
            "--expires",
            "2029-01-01",
            "--out",
            "complex.lic",
        ],
    );
    run_ok(
        d,
        &[
            "issue",
            "--key",
            "complex.key",
            "--parent",
            "complex.lic",
            "--subject",
            BUILDING,
            "--quota",
            "sip_numbers=10",
            "--feature",
            "video",
            "--out",
            "bldg.lic",
            "--binary",
        ],
    );
    t
}

#[derive(Debug, Deserialize)]
struct VerifyJson {
    version: u32,
    valid: bool,
    group: String,
    licenses: Vec<VerifiedFileJson>,
    effective: Option<EffectiveJson>,
}

#[derive(Debug, Deserialize)]
struct VerifiedFileJson {
    index: usize,
    valid: bool,
    license: Option<LicenseJson>,
    error: Option<ErrorJson>,
}

#[derive(Debug, Deserialize)]
struct EffectiveJson {
    base: usize,
    addons: Vec<usize>,
    tier: String,
    quotas: std::collections::BTreeMap<String, EffectiveQuotaJson>,
    features: std::collections::BTreeMap<String, usize>,
    next_change: Option<NextChangeJson>,
    warning: bool,
}

#[derive(Debug, Deserialize)]
struct EffectiveQuotaJson {
    value: serde_json::Value,
    sources: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct NextChangeJson {
    at: u64,
    license: usize,
}

#[derive(Debug, Deserialize)]
struct LicenseJson {
    group: String,
    tier: String,
    kind: String,
    exp: Option<u64>,
    quotas: std::collections::BTreeMap<String, serde_json::Value>,
    features: Vec<String>,
    roles: std::collections::BTreeMap<String, Vec<String>>,
    chain: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct ErrorJson {
    code: String,
    message: String,
    link: Option<usize>,
}

#[derive(Debug, Deserialize)]
struct InspectJson {
    version: u32,
    valid: bool,
    files: Vec<InspectFile>,
    evaluation: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct InspectFile {
    decoded: bool,
    valid: bool,
    links: Vec<InspectLink>,
}

#[derive(Debug, Deserialize)]
struct InspectLink {
    index: usize,
    sub: String,
    signature: String,
    problems: Vec<ErrorJson>,
}

#[test]
fn four_link_round_trip_issue_inspect_verify() {
    let t = hierarchy();
    let d = t.path();
    // Text form by default, binary on request.
    assert!(
        std::fs::read_to_string(d.join("complex.lic"))
            .unwrap()
            .starts_with("-----BEGIN LICET LICENSE-----\n")
    );
    assert_eq!(std::fs::read(d.join("bldg.lic")).unwrap()[0], 0x82);

    let text = run_ok(
        d,
        &[
            "verify",
            "bldg.lic",
            "--trust",
            "vendor.pub",
            "--group",
            BUILDING,
            "--at",
            "2027-06-01",
        ],
    );
    assert!(
        text.contains("[0] bldg.lic  VALID     plus license") && text.contains("<- base"),
        "{text}"
    );
    assert!(
        text.contains("quota       sip_numbers 10")
            && text.contains("quota       app_installs 200"),
        "{text}"
    );

    let json = run_ok(
        d,
        &[
            "verify",
            "bldg.lic",
            "--trust",
            "vendor.pub",
            "--group",
            &format!("{BUILDING}/apt-3"),
            "--at",
            "2027-06-01",
            "--json",
        ],
    );
    let v: VerifyJson = serde_json::from_str(&json).unwrap();
    assert_eq!(v.version, 2);
    assert!(v.valid);
    assert_eq!(v.group, format!("{BUILDING}/apt-3"));
    let e = v.effective.unwrap();
    assert_eq!((e.base, e.addons.len(), e.tier.as_str()), (0, 0, "plus"));
    assert_eq!(e.quotas["sip_numbers"].value, 10);
    assert_eq!(e.quotas["sip_numbers"].sources.len(), 1);
    assert_eq!(e.features["video"], 0);
    let next = e.next_change.unwrap();
    assert_eq!(
        (next.at, next.license, e.warning),
        (1_861_920_000, 0, false)
    );
    let f = &v.licenses[0];
    assert!(f.valid && f.error.is_none() && f.index == 0);
    let l = f.license.as_ref().unwrap();
    assert_eq!(
        (l.group.as_str(), l.tier.as_str(), l.kind.as_str()),
        (BUILDING, "plus", "license")
    );
    assert_eq!(l.exp, Some(1_861_920_000)); // 2029-01-01, inherited from the complex
    assert_eq!(l.quotas["sip_numbers"], 10);
    assert_eq!(l.quotas["app_installs"], 200);
    assert_eq!(l.features, ["video"]);
    assert_eq!(l.roles["concierge"], ["guest_passes"]);
    assert_eq!(l.chain.len(), 4);

    let json = run_ok(
        d,
        &[
            "inspect",
            "bldg.lic",
            "--trust",
            "vendor.pub",
            "--at",
            "2027-06-01",
            "--json",
        ],
    );
    let i: InspectJson = serde_json::from_str(&json).unwrap();
    assert_eq!(i.version, 2);
    assert!(i.valid && i.evaluation.is_none());
    let f = &i.files[0];
    assert!(f.decoded && f.valid);
    assert_eq!(
        f.links.iter().map(|l| l.index).collect::<Vec<_>>(),
        [0, 1, 2, 3]
    );
    assert_eq!(f.links[3].sub, BUILDING);
    assert!(
        f.links
            .iter()
            .all(|l| l.signature == "valid" && l.problems.is_empty())
    );

    let text = run_ok(d, &["inspect", "bldg.lic", "--at", "2027-06-01"]);
    assert!(
        text.contains("[3] link") && text.contains("unchecked (no --trust)"),
        "{text}"
    );
}

#[test]
fn verify_rejections_exit_1_with_reason() {
    let t = hierarchy();
    let d = t.path();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--group",
                "acme/dist-7/dealer-3/complex-13/bldg-2",
                "--at",
                "2027-06-01",
            ],
            "wrong_group",
        ),
        (&["--group", BUILDING, "--at", "2029-01-01"], "expired"),
        (
            &["--group", BUILDING, "--at", "2025-12-31"],
            "not_yet_valid",
        ),
    ];
    for (extra, code) in cases {
        let mut args = vec!["verify", "bldg.lic", "--trust", "vendor.pub", "--json"];
        args.extend_from_slice(extra);
        let (status, out, _) = run(d, &args);
        assert_eq!(status, 1, "{extra:?}");
        let v: VerifyJson = serde_json::from_str(&out).unwrap();
        assert!(!v.valid && v.effective.is_none());
        let e = v.licenses[0].error.as_ref().unwrap();
        assert_eq!(e.code, *code, "{extra:?}");
        assert!(!e.message.is_empty());
        assert_eq!(e.link.is_some(), *code != "wrong_group", "{extra:?}");
    }
    // Wrong trust root: text output, reason and hint on stderr.
    let (status, out, err) = run(
        d,
        &[
            "verify",
            "bldg.lic",
            "--trust",
            "dist.pub",
            "--group",
            BUILDING,
            "--at",
            "2027-06-01",
        ],
    );
    assert_eq!(status, 1);
    assert!(
        out.contains("REJECTED  root link is signed by key"),
        "{out}"
    );
    assert!(
        err.contains("not a trusted root") && err.contains("hint: check --trust"),
        "{err}"
    );
}

#[test]
fn garbage_and_missing_files() {
    let t = hierarchy();
    let d = t.path();
    std::fs::write(d.join("garbage.lic"), b"\x82\x01\x81\xd2\x84\x4d\xff\xff").unwrap();
    std::fs::write(d.join("empty.lic"), b"").unwrap();
    std::fs::write(
        d.join("armor.lic"),
        "-----BEGIN LICET LICENSE-----\n!!!!\n-----END LICET LICENSE-----\n",
    )
    .unwrap();
    std::fs::write(d.join("big.lic"), vec![0x41u8; 100_000]).unwrap();
    for f in ["garbage.lic", "empty.lic", "armor.lic", "big.lic"] {
        let (status, _, err) = run(
            d,
            &["verify", f, "--trust", "vendor.pub", "--group", BUILDING],
        );
        assert_eq!(status, 1, "{f}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains("\nhint: "),
            "{f}: {err}"
        );
        let (status, out, _) = run(d, &["inspect", f]);
        assert_eq!(status, 1, "{f}");
        assert!(out.contains("cannot decode"), "{f}: {out}");
    }
    let (_, out, _) = run(d, &["inspect", "garbage.lic"]);
    assert!(
        out.contains("decoding failed at byte 5: input ends inside a data item"),
        "{out}"
    );
    let (status, _, err) = run(
        d,
        &[
            "verify",
            "nope.lic",
            "--trust",
            "vendor.pub",
            "--group",
            BUILDING,
        ],
    );
    assert_eq!(status, 2);
    assert!(
        err.contains("nope.lic") && err.contains("hint: check the path"),
        "{err}"
    );
    let (status, _, err) = run(
        d,
        &[
            "verify",
            "bldg.lic",
            "--trust",
            "vendor.key",
            "--group",
            BUILDING,
        ],
    );
    assert_eq!(status, 2, "{err}");
    assert!(err.contains("secret key"), "{err}");
    let (status, _, _) = run(
        d,
        &[
            "verify",
            "bldg.lic",
            "--trust",
            "vendor.pub",
            "--group",
            "Bad Group",
        ],
    );
    assert_eq!(status, 2);
}

#[test]
fn issue_refuses_escalation_before_signing_and_writes_nothing() {
    let t = hierarchy();
    let d = t.path();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--quota", "sip_numbers=51"],
            "quota sip_numbers = 51 exceeds the parent's 50",
        ),
        (
            &["--quota", "integrations=1"],
            "quota integrations = 1 is not granted",
        ),
        (
            &["--feature", "teleport"],
            "feature teleport is not granted",
        ),
        (
            &["--role", "concierge=master_key"],
            "role concierge is granted master_key",
        ),
        (&["--expires", "2031-01-01"], "outside its parent's window"),
    ];
    for (extra, msg) in cases {
        let mut args = vec![
            "issue",
            "--key",
            "dealer.key",
            "--parent",
            "dealer.lic",
            "--subject",
            "acme/dist-7/dealer-3/c9",
            "--out",
            "x.lic",
        ];
        args.extend_from_slice(extra);
        let (status, _, err) = run(d, &args);
        assert_eq!(status, 1, "{extra:?}: {err}");
        assert!(
            err.contains("refused before signing") && err.contains(msg),
            "{extra:?}: {err}"
        );
        assert!(!d.join("x.lic").exists());
    }
    // Leaving the namespace.
    let (status, _, err) = run(
        d,
        &[
            "issue",
            "--key",
            "dealer.key",
            "--parent",
            "dealer.lic",
            "--subject",
            "acme/dist-7/dealer-4",
            "--out",
            "x.lic",
        ],
    );
    assert_eq!(status, 1);
    assert!(err.contains("outside its subtree"), "{err}");
    // A leaf cannot mint.
    run_ok(d, &["key", "generate", "--out", "bldg", "--unencrypted"]);
    let (status, _, err) = run(
        d,
        &[
            "issue",
            "--key",
            "bldg.key",
            "--parent",
            "bldg.lic",
            "--subject",
            &format!("{BUILDING}/apt-1"),
            "--out",
            "x.lic",
        ],
    );
    assert_eq!(status, 1);
    assert!(err.contains("does not delegate"), "{err}");
    // The wrong key for the parent: names both key ids.
    let (status, _, err) = run(
        d,
        &[
            "issue",
            "--key",
            "dist.key",
            "--parent",
            "dealer.lic",
            "--subject",
            "acme/dist-7/dealer-3/c9",
            "--out",
            "x.lic",
        ],
    );
    assert_eq!(status, 2);
    assert!(
        err.contains("is not the key the parent license delegates to"),
        "{err}"
    );
    assert!(!d.join("x.lic").exists());
}

#[test]
fn outputs_are_never_overwritten_without_force() {
    let t = hierarchy();
    let d = t.path();
    let before = std::fs::read(d.join("dealer.lic")).unwrap();
    let (status, _, err) = run(
        d,
        &[
            "issue",
            "--key",
            "dist.key",
            "--parent",
            "dist.lic",
            "--subject",
            DEALER,
            // A second license for the dealer, beside its delegation: it
            // must fit in what the distributor has left.
            "--quota",
            "sip_numbers=1",
            "--quota",
            "app_installs=0",
            "--out",
            "dealer.lic",
        ],
    );
    assert_eq!(status, 2);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(d.join("dealer.lic")).unwrap(), before);
    run_ok(
        d,
        &[
            "issue",
            "--key",
            "dist.key",
            "--parent",
            "dist.lic",
            "--subject",
            DEALER,
            "--quota",
            "sip_numbers=1",
            "--quota",
            "app_installs=0",
            "--out",
            "dealer.lic",
            "--force",
        ],
    );
    assert_ne!(std::fs::read(d.join("dealer.lic")).unwrap(), before);
    let (status, _, err) = run(d, &["key", "generate", "--out", "vendor", "--unencrypted"]);
    assert_eq!(status, 2);
    assert!(err.contains("vendor.key already exists"), "{err}");
    // No temporary files left behind.
    assert!(std::fs::read_dir(d).unwrap().all(|e| {
        !e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".licet-tmp")
    }));
}

#[test]
fn encrypted_keys_and_passphrases() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    run_ok(d, &["ledger", "init"]);
    std::fs::write(d.join("pass.txt"), "correct horse\n").unwrap();
    std::fs::write(d.join("wrong.txt"), "battery staple\n").unwrap();
    // No passphrase source and no terminal: refused, with what to do.
    let (status, _, err) = run(d, &["key", "generate", "--out", "root"]);
    assert_eq!(status, 2);
    assert!(
        err.contains("--passphrase-file") && err.contains("--unencrypted"),
        "{err}"
    );
    assert!(!d.join("root.key").exists() && !d.join("root.pub").exists());

    let out = run_ok(
        d,
        &[
            "key",
            "generate",
            "--out",
            "root",
            "--passphrase-file",
            "pass.txt",
        ],
    );
    assert!(out.contains("(encrypted)"), "{out}");
    let pem = std::fs::read_to_string(d.join("root.key")).unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(d.join("root.key"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    let issue = |extra: &[&str]| {
        let mut args = vec![
            "issue",
            "--key",
            "root.key",
            "--subject",
            "acme/d",
            "--out",
            "d.lic",
            "--force",
        ];
        args.extend_from_slice(extra);
        run(d, &args)
    };
    assert_eq!(issue(&["--passphrase-file", "pass.txt"]).0, 0);
    let (status, _, err) = issue(&["--passphrase-file", "wrong.txt"]);
    assert_eq!(status, 2);
    assert!(err.contains("wrong passphrase"), "{err}");
    let (status, _, err) = issue(&[]);
    assert_eq!(status, 2);
    assert!(err.contains("no passphrase was given"), "{err}");
    let out = licet(d)
        .env("LICET_PASSPHRASE", "correct horse")
        .args([
            "issue",
            "--key",
            "root.key",
            "--subject",
            "acme/d",
            "--out",
            "d.lic",
            "--force",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn key_export_formats() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let generated = run_ok(d, &["key", "generate", "--out", "k", "--unencrypted"]);
    let kid = generated.split_whitespace().nth(2).unwrap().to_owned();
    let hex = run_ok(d, &["key", "export", "k.pub"]);
    assert_eq!(hex.trim().len(), 64);
    assert!(hex.trim().bytes().all(|b| b.is_ascii_hexdigit()));
    let rust = run_ok(d, &["key", "export", "k.pub", "--format", "rust"]);
    assert!(rust.contains(&kid) && rust.contains("pub const LICET_ROOT_KEY: [u8; 32]"));
    let c = run_ok(d, &["key", "export", "k.pub", "--format", "c"]);
    assert!(c.contains("static const unsigned char LICET_ROOT_KEY[32]"));
    // The C constant holds the same 32 bytes as the hex form.
    let from_c: String = c.split("0x").skip(1).map(|s| &s[..2]).collect();
    assert_eq!(from_c, hex.trim());
}

#[test]
fn demo_runs_and_prints_its_commands() {
    let t = tempfile::tempdir().unwrap();
    let dir: PathBuf = t.path().join("demo");
    let out = run_ok(t.path(), &["demo", "--dir", dir.to_str().unwrap()]);
    assert!(
        out.contains("$ licet issue --key complex.key --parent complex.lic"),
        "{out}"
    );
    assert!(
        out.contains("licenses for acme/dist-7/dealer-3/complex-12/bldg-2"),
        "{out}"
    );
    assert!(out.contains("<- base"), "{out}");
    assert!(out.contains("(exit 1: rejected, as it should be)"));
    assert!(dir.join("bldg-2.lic").exists());
    // A second run in the same folder refuses instead of mixing keys.
    let (status, _, err) = run(t.path(), &["demo", "--dir", dir.to_str().unwrap()]);
    assert_eq!(status, 2, "{err}");
}

#[test]
fn broken_pipe_is_not_a_crash() {
    use std::io::Read;
    use std::process::Stdio;
    let bin = assert_cmd::cargo::cargo_bin("licet");
    let mut child = std::process::Command::new(bin)
        .arg("man")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    stdout.read_exact(&mut one).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn every_byte_of_a_minted_license_matters() {
    // Exhaustive single-byte changes of a license the real CLI minted.
    let t = hierarchy();
    let bytes = std::fs::read(t.path().join("bldg.lic")).unwrap();
    let out = run_ok(t.path(), &["key", "export", "vendor.pub"]);
    let pk: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&out[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let roots = [licet_verifier::TrustedRoot::from_bytes(&pk.try_into().unwrap()).unwrap()];
    let device = licet_verifier::Device::new(BUILDING, 1_800_000_000).unwrap();
    assert!(licet_verifier::verify(&bytes, &roots, &device).is_ok());
    let mut b = bytes.clone();
    for i in 0..b.len() {
        b[i] ^= 0x01;
        assert!(
            licet_verifier::verify(&b, &roots, &device).is_err(),
            "byte {i}"
        );
        b[i] ^= 0x01;
    }
}

/// OpenSSL reads licet's key files, and keys OpenSSL generates work as
/// licet issuer keys (PKCS#8 PEM, encrypted with PBKDF2 or scrypt, or not).
#[test]
fn openssl_interop_key_files() {
    let Ok(v) = std::process::Command::new("openssl")
        .arg("version")
        .output()
    else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "openssl is required under CI"
        );
        eprintln!("NOTICE: openssl not found; skipping");
        return;
    };
    assert!(v.status.success());
    let openssl = |d: &Path, args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .current_dir(d)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    run_ok(d, &["ledger", "init"]);
    std::fs::write(d.join("pass.txt"), "s3cret\n").unwrap();
    run_ok(
        d,
        &[
            "key",
            "generate",
            "--out",
            "enc",
            "--passphrase-file",
            "pass.txt",
        ],
    );
    run_ok(d, &["key", "generate", "--out", "plain", "--unencrypted"]);
    let pubout = openssl(
        d,
        &[
            "pkey",
            "-in",
            "enc.key",
            "-passin",
            "file:pass.txt",
            "-pubout",
        ],
    );
    assert_eq!(pubout, std::fs::read(d.join("enc.pub")).unwrap());
    let pubout = openssl(d, &["pkey", "-in", "plain.key", "-pubout"]);
    assert_eq!(pubout, std::fs::read(d.join("plain.pub")).unwrap());
    openssl(d, &["pkey", "-pubin", "-in", "enc.pub", "-noout"]);

    // Keys made by OpenSSL sign licenses that verify against OpenSSL's public key.
    openssl(d, &["genpkey", "-algorithm", "ed25519", "-out", "o1.key"]);
    openssl(
        d,
        &[
            "genpkey",
            "-algorithm",
            "ed25519",
            "-aes-256-cbc",
            "-pass",
            "file:pass.txt",
            "-out",
            "o2.key",
        ],
    );
    openssl(
        d,
        &[
            "pkcs8",
            "-topk8",
            "-in",
            "o1.key",
            "-scrypt",
            "-passout",
            "file:pass.txt",
            "-out",
            "o3.key",
        ],
    );
    for k in ["o1", "o2", "o3"] {
        openssl(
            d,
            &[
                "pkey",
                "-in",
                &format!("{k}.key"),
                "-passin",
                "file:pass.txt",
                "-pubout",
                "-out",
                &format!("{k}.pub"),
            ],
        );
        run_ok(
            d,
            &[
                "issue",
                "--key",
                &format!("{k}.key"),
                "--passphrase-file",
                "pass.txt",
                "--subject",
                "acme/x",
                "--out",
                &format!("{k}.lic"),
            ],
        );
        let out = run_ok(
            d,
            &[
                "verify",
                &format!("{k}.lic"),
                "--trust",
                &format!("{k}.pub"),
                "--group",
                "acme/x",
            ],
        );
        assert!(out.contains("<- base"), "{k}: {out}");
    }
}

/// Support staff see every problem of a bad chain, not only the first.
#[test]
fn inspect_lists_every_problem() {
    use licet_common::Quota;
    use licet_tests::{ChainBuilder, key, public};
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    // A dealer link that raises a quota, adds two features and outlives its parent.
    let b = ChainBuilder::new(key(1), "acme/dist-7", |_| {}).push("acme/dist-7/dealer-3", |c| {
        c.quotas.insert("sip_numbers".into(), Quota::Count(1000));
        c.features = Some(
            [
                "video".to_string(),
                "teleport".to_string(),
                "x-ray".to_string(),
            ]
            .into(),
        );
        c.exp = c.exp.map(|e| e + 1);
    });
    std::fs::write(d.join("bad.lic"), licet_common::armor::encode(&b.build())).unwrap();
    let pem = licet_keys::public_key_pem(
        &ed25519_dalek::VerifyingKey::from_bytes(&public(&key(1))).unwrap(),
    );
    std::fs::write(d.join("root.pub"), pem).unwrap();
    let (status, out, _) = run(
        d,
        &[
            "inspect",
            "bad.lic",
            "--trust",
            "root.pub",
            "--group",
            "acme/dist-8",
            "--at",
            "2027-01-01",
            "--json",
        ],
    );
    assert_eq!(status, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = v["files"][0]["links"][1]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "window_widened",
            "quota_raised",
            "feature_not_granted",
            "feature_not_granted"
        ]
    );
    // The file's leaf delegates: it licenses no panel, and not this group.
    assert_eq!(v["files"][0]["problems"][0]["code"], "delegation_license");
    assert_eq!(v["files"][0]["problems"][1]["code"], "wrong_group");
    assert_eq!(v["files"][0]["links"][1]["signature"], "valid");
    let (_, text, _) = run(
        d,
        &[
            "inspect",
            "bad.lic",
            "--trust",
            "root.pub",
            "--at",
            "2027-01-01",
        ],
    );
    assert!(text.contains("result: 4 problem(s) found"), "{text}");
    assert!(
        text.contains("PROBLEM     link 1: feature x-ray is not granted by the parent"),
        "{text}"
    );
}

/// A panel holding Plus, Basic and an add-on: the table it computes, the
/// fallback to Basic when Plus ends, and a clock set back.
#[test]
fn verify_several_licenses_with_fallback_and_floor() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    run_ok(d, &["ledger", "init"]);
    for who in ["vendor", "complex"] {
        run_ok(d, &["key", "generate", "--out", who, "--unencrypted"]);
    }
    let common = ["--not-before", "2027-01-01"];
    let issue = |extra: &[&str]| {
        let mut a = vec!["issue"];
        a.extend_from_slice(&common);
        a.extend_from_slice(extra);
        run_ok(d, &a);
    };
    issue(&[
        "--key",
        "vendor.key",
        "--subject",
        "acme/c1",
        "--delegate",
        "complex.pub",
        "--quota",
        "sip_numbers=100",
        "--quota",
        "app_installs=100",
        "--feature",
        "video",
        "--feature",
        "door_api",
        "--out",
        "root.lic",
    ]);
    let child = [
        "--key",
        "complex.key",
        "--parent",
        "root.lic",
        "--subject",
        "acme/c1/b2",
    ];
    let with = |extra: &[&str]| {
        let mut a: Vec<&str> = child.to_vec();
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    for args in [
        with(&[
            "--tier",
            "plus",
            "--quota",
            "sip_numbers=10",
            "--expires",
            "2027-06-01",
            "--out",
            "plus.lic",
        ]),
        with(&[
            "--tier",
            "basic",
            "--quota",
            "sip_numbers=2",
            "--quota",
            "app_installs=2",
            "--feature",
            "video",
            "--out",
            "basic.lic",
        ]),
        with(&[
            "--addon",
            "--quota",
            "sip_numbers=3",
            "--expires",
            "2027-03-01",
            "--remind",
            "14d",
            "--out",
            "addon.lic",
        ]),
    ] {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        issue(&a);
    }
    let verify = |at: &str, extra: &[&str]| {
        let mut a = vec![
            "verify",
            "plus.lic",
            "basic.lic",
            "addon.lic",
            "--trust",
            "vendor.pub",
            "--group",
            "acme/c1/b2",
            "--json",
            "--at",
            at,
        ];
        a.extend_from_slice(extra);
        let (code, out, _) = run(d, &a);
        (
            code,
            serde_json::from_str::<serde_json::Value>(&out).unwrap(),
        )
    };
    let (code, v) = verify("2027-02-20", &[]);
    assert_eq!(code, 0);
    let e = &v["effective"];
    assert_eq!(
        (e["base"].as_u64(), e["addons"][0].as_u64()),
        (Some(0), Some(2))
    );
    assert_eq!(e["quotas"]["sip_numbers"]["value"], 13);
    assert_eq!(e["quotas"]["app_installs"]["value"], 100);
    assert_eq!(e["next_change"]["license"], 2);
    assert_eq!(
        e["warning"], true,
        "add-on ends in 9 days, inside its 14-day window"
    );
    let (_, v) = verify("2027-02-01", &[]);
    assert_eq!(
        v["effective"]["warning"], false,
        "28 days left, outside the 14-day window"
    );

    let (code, v) = verify("2027-06-01", &[]);
    assert_eq!(code, 0);
    assert_eq!(v["effective"]["base"], 1);
    assert_eq!(v["effective"]["tier"], "basic");
    assert_eq!(v["effective"]["quotas"]["sip_numbers"]["value"], 2);
    assert_eq!(v["licenses"][0]["error"]["code"], "expired");

    // A clock set back is evaluated at the floor, and says so.
    let (code, v) = verify("2027-01-01", &["--floor", "2027-02-01"]);
    assert_eq!(code, 0);
    assert_eq!(v["clock_rollback"], true);
    assert_eq!(v["at"], v["floor"]);
    assert_eq!(v["requested_at"].as_u64(), Some(1_798_761_600));

    let (code, _, err) = run(
        d,
        &[
            "verify",
            "plus.lic",
            "addon.lic",
            "--trust",
            "vendor.pub",
            "--group",
            "acme/c1/b2",
            "--at",
            "2027-07-01",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("no license in effect for acme/c1/b2") && err.contains("expired"),
        "{err}"
    );

    // Inspect with a group evaluates the set as the panel would.
    let (code, out, _) = run(
        d,
        &[
            "inspect",
            "plus.lic",
            "basic.lic",
            "addon.lic",
            "--trust",
            "vendor.pub",
            "--group",
            "acme/c1/b2",
            "--at",
            "2027-02-20",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("quota       sip_numbers 13  ([0] 10 + [2] 3)"),
        "{out}"
    );
    assert!(out.contains("next change 2027-03-01T00:00:00Z"), "{out}");
}

/// Regression (cut-down file): the first k links of the building's file are
/// the dealer's or the complex's license. Through the real binary, no panel
/// accepts one, and `inspect` says what the file is.
#[test]
fn cut_down_file_is_refused_by_verify_and_inspect() {
    let t = hierarchy();
    let d = t.path();
    let bldg = std::fs::read(d.join("bldg.lic")).unwrap();
    let c = licet_common::Container::decode(&bldg).unwrap();
    for k in 1..c.len() {
        let links: Vec<&[u8]> = c.links().take(k).map(|l| l.bytes).collect();
        let cut = licet_common::encode::container(links.into_iter());
        let name = format!("cut-{k}.lic");
        std::fs::write(d.join(&name), licet_common::armor::encode(&cut)).unwrap();
        for group in [BUILDING, &format!("{BUILDING}/apt-1")] {
            let (code, out, _) = run(
                d,
                &[
                    "verify",
                    &name,
                    "--trust",
                    "vendor.pub",
                    "--group",
                    group,
                    "--at",
                    "2027-06-01",
                    "--json",
                ],
            );
            assert_eq!(code, 1, "{k} links for {group}");
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["licenses"][0]["error"]["code"], "delegation_license");
            assert!(v["effective"].is_null());
        }
        let (code, out, _) = run(
            d,
            &[
                "inspect",
                &name,
                "--trust",
                "vendor.pub",
                "--group",
                BUILDING,
                "--at",
                "2027-06-01",
            ],
        );
        assert_eq!(code, 1);
        assert!(out.contains("it does not license panels"), "{out}");
        // Without a group it is no problem, but inspect says what it is.
        let (_, out, _) = run(
            d,
            &[
                "inspect",
                &name,
                "--trust",
                "vendor.pub",
                "--at",
                "2027-06-01",
            ],
        );
        assert!(out.contains("note: a delegation license"), "{out}");
    }
    // The building's own license is none of that.
    let (_, out, _) = run(
        d,
        &[
            "inspect",
            "bldg.lic",
            "--trust",
            "vendor.pub",
            "--at",
            "2027-06-01",
        ],
    );
    assert!(!out.contains("delegation license"), "{out}");
}

/// Regression (duplicate add-on): the same file given seven times counts once.
#[test]
fn same_addon_seven_times_counts_once_in_verify() {
    let t = hierarchy();
    let d = t.path();
    run_ok(
        d,
        &[
            "issue",
            "--key",
            "complex.key",
            "--parent",
            "complex.lic",
            "--subject",
            BUILDING,
            "--addon",
            "--quota",
            "sip_numbers=3",
            "--out",
            "addon.lic",
        ],
    );
    let mut args = vec!["verify", "bldg.lic"];
    args.extend(["addon.lic"; 7]);
    args.extend([
        "--trust",
        "vendor.pub",
        "--group",
        BUILDING,
        "--at",
        "2027-06-01",
        "--json",
    ]);
    let (code, out, _) = run(d, &args);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["effective"]["quotas"]["sip_numbers"]["value"], 13);
    assert_eq!(v["licenses"][2]["error"]["code"], "duplicate_license");
}

/// Regression (far-future iat): a license "minted in ten years" by an
/// issuer with a wrong clock is refused, and the floor stays at the true
/// time, so the Basic license keeps working.
#[test]
fn far_future_iat_cannot_poison_the_floor() {
    let t = hierarchy();
    let d = t.path();
    run_ok(
        d,
        &[
            "issue",
            "--key",
            "complex.key",
            "--parent",
            "complex.lic",
            "--subject",
            BUILDING,
            "--tier",
            "basic",
            "--quota",
            "sip_numbers=0",
            "--now",
            "2028-06-01",
            "--not-before",
            "2027-01-01",
            "--out",
            "future.lic",
        ],
    );
    let (code, out, _) = run(
        d,
        &[
            "verify",
            "bldg.lic",
            "future.lic",
            "--trust",
            "vendor.pub",
            "--group",
            BUILDING,
            "--at",
            "2027-06-01",
            "--json",
        ],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["licenses"][1]["error"]["code"], "issued_in_future");
    let message = v["licenses"][1]["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("minted at 2028-06-01T00:00:00Z"),
        "{message}"
    );
    assert_eq!(v["floor"], v["at"], "the floor is the time evaluated at");
}

/// The firmware's Basic from `--builtin-basic`: in effect with no file, and
/// a bad file is a usage error with a hint.
#[test]
fn builtin_basic_runs_without_any_license() {
    let t = hierarchy();
    let d = t.path();
    std::fs::write(
        d.join("basic.toml"),
        "quotas = { sip_numbers = 1, door_codes = \"unlimited\" }\nfeatures = [\"video\"]\nroles = { concierge = [\"guest_passes\"] }\n",
    )
    .unwrap();
    let (code, out, _) = run(
        d,
        &[
            "verify",
            "--builtin-basic",
            "basic.toml",
            "--trust",
            "vendor.pub",
            "--group",
            BUILDING,
            "--json",
        ],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["effective"]["base"], "builtin");
    assert_eq!(v["effective"]["tier"], "basic");
    assert_eq!(v["effective"]["quotas"]["door_codes"]["value"], "unlimited");
    assert_eq!(
        v["effective"]["roles"]["concierge"]["guest_passes"],
        "builtin"
    );
    std::fs::write(d.join("bad.toml"), "quotas = { sip_numbers = -1 }\n").unwrap();
    let (code, _, err) = run(
        d,
        &[
            "verify",
            "--builtin-basic",
            "bad.toml",
            "--trust",
            "vendor.pub",
            "--group",
            BUILDING,
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("error: --builtin-basic bad.toml: quota sip_numbers = -1")
            && err.contains("hint:"),
        "{err}"
    );
}

/// Issue 12, "one typo loses a key": on a terminal `key generate` asked for
/// the passphrase once and accepted an empty one. It asks twice now, and an
/// empty passphrase is refused. The terminal is a pty from util-linux's
/// `script`.
#[test]
fn new_key_passphrases_are_confirmed_and_never_empty() {
    use std::io::Write as _;
    use std::process::Stdio;
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "script (util-linux) is required under CI"
        );
        eprintln!("NOTICE: script not found; skipping");
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let bin = assert_cmd::cargo::cargo_bin("licet");
    let on_terminal = |stem: &str, lines: &[&str]| -> (i32, String) {
        let cmd = format!("{} key generate --out {stem}", bin.display());
        let mut child = std::process::Command::new("script")
            .current_dir(d)
            .env_remove("LICET_PASSPHRASE")
            .args(["-qec", &cmd, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        for l in lines {
            std::thread::sleep(std::time::Duration::from_millis(400));
            writeln!(stdin, "{l}").unwrap();
        }
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, out) = on_terminal("mistyped", &["correct horse", "correct hose"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("the two passphrases differ"), "{out}");
    assert!(!d.join("mistyped.key").exists() && !d.join("mistyped.pub").exists());
    let (code, out) = on_terminal("empty", &[""]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("an empty passphrase does not protect the key")
            && out.contains("--unencrypted"),
        "{out}"
    );
    assert!(!d.join("empty.key").exists());
    let (code, out) = on_terminal("good", &["correct horse", "correct horse"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(encrypted)"), "{out}");
}

/// The README's walkthrough commands (`licet ledger init`, then the
/// `licet issue` lines, joined where they end in `\`), as arguments.
fn readme_commands(prefix: &str) -> Vec<Vec<String>> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let mut out = Vec::new();
    let mut current = String::new();
    for line in readme.lines() {
        let line = line.trim_end();
        if current.is_empty() && !line.starts_with(prefix) {
            continue;
        }
        current.push_str(line.trim_end_matches('\\'));
        current.push(' ');
        if !line.ends_with('\\') {
            let args: Vec<String> = current
                .split_whitespace()
                .skip(1)
                .take_while(|w| !w.starts_with('#'))
                .map(str::to_owned)
                .collect();
            out.push(args);
            current.clear();
        }
    }
    out
}

/// Issue 12, plans: the built-in `plus` plan failed under the README's own
/// hierarchy. Every built-in plan now works under it, run from the README's
/// own commands.
#[test]
fn builtin_plans_work_under_the_readme_hierarchy() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    for who in ["vendor", "dist", "dealer"] {
        run_ok(d, &["key", "generate", "--out", who, "--unencrypted"]);
    }
    let setup: Vec<Vec<String>> = readme_commands("licet ledger init")
        .into_iter()
        .chain(readme_commands("licet issue --key vendor.key"))
        .chain(readme_commands("licet issue --key dist.key"))
        .collect();
    assert_eq!(setup.len(), 3, "{setup:?}");
    for args in &setup {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_ok(d, &args);
    }
    for (i, plan) in ["trial", "basic", "plus"].into_iter().enumerate() {
        let subject = format!("acme/dist-7/dealer-3/complex-{i}");
        let out = format!("{plan}.lic");
        run_ok(
            d,
            &[
                "issue",
                "--key",
                "dealer.key",
                "--parent",
                "dealer.lic",
                "--subject",
                &subject,
                "--plan",
                plan,
                "--out",
                &out,
            ],
        );
    }
}

/// The building's license as text, the way a customer pastes it into an
/// email reply: a byte order mark, CRLF, `> ` quoting, no-break spaces and
/// the email's own words around it.
fn pasted_building_license(d: &Path) -> String {
    let text = licet_common::armor::encode(&std::fs::read(d.join("bldg.lic")).unwrap());
    let quoted: String = text
        .lines()
        .map(|l| format!(">\u{a0}{l}\u{a0}\r\n"))
        .collect();
    format!("\u{feff}Hello support,\r\n\r\nthe panel says:\r\n\r\n{quoted}\r\nThanks, Anna\r\n")
}

#[test]
fn inspect_and_verify_read_a_license_pasted_from_an_email() {
    let t = hierarchy();
    let d = t.path();
    let mail = pasted_building_license(d);
    std::fs::write(d.join("mail.txt"), &mail).unwrap();
    let out = run_ok(
        d,
        &[
            "inspect",
            "mail.txt",
            "--trust",
            "vendor.pub",
            "--group",
            BUILDING,
        ],
    );
    assert!(
        out.starts_with(&format!(
            "VALID for {BUILDING} until 2029-01-01 (plus license)\n"
        )),
        "{out}"
    );
    run_ok(
        d,
        &[
            "verify",
            "mail.txt",
            "--trust",
            "vendor.pub",
            "--group",
            BUILDING,
        ],
    );
    // The same from standard input (`-`).
    let out = licet(d)
        .args(["inspect", "-", "--trust", "vendor.pub", "--group", BUILDING])
        .write_stdin(mail.as_bytes())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("VALID for "), "{text}");
    assert!(text.contains("standard input: licet license"), "{text}");
    let (code, _, err) = run(d, &["inspect", "-", "-"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("more than once"), "{err}");
}

#[test]
fn broken_pastes_get_a_plain_message_and_what_to_do() {
    let t = hierarchy();
    let d = t.path();
    let text = licet_common::armor::encode(&std::fs::read(d.join("bldg.lic")).unwrap());
    let lines: Vec<&str> = text.lines().collect();
    let cases = [
        (
            "half.lic",
            text[..text.len() / 2].to_owned(),
            "the END line is missing: the file was cut",
        ),
        (
            "middle.lic",
            lines[1..lines.len() - 1].join("\n"),
            "only the middle of the license was copied",
        ),
        (
            "cut.lic",
            format!("{}\n{}\n", lines[0], lines[lines.len() - 1]),
            "there is nothing between the BEGIN and END lines",
        ),
        (
            "half-with-end.lic",
            [&lines[..lines.len() / 2], &lines[lines.len() - 1..]]
                .concat()
                .join("\n"),
            "the license text is incomplete",
        ),
        (
            "gap.lic",
            [&lines[..3], &lines[5..]].concat().join("\n"),
            "the license text is damaged: lines between the BEGIN and END lines are missing",
        ),
        (
            "two.lic",
            format!("{text}{text}"),
            "the text holds more than one license",
        ),
        (
            "note.txt",
            "please send me the license\n".to_owned(),
            "this is text without a license in it",
        ),
    ];
    for (name, body, want) in cases {
        std::fs::write(d.join(name), body).unwrap();
        let (code, _, err) = run(
            d,
            &["verify", name, "--trust", "vendor.pub", "--group", BUILDING],
        );
        assert_eq!(code, 1, "{name}: {err}");
        assert!(
            err.contains(want) && err.contains("\nhint: "),
            "{name}: {err}"
        );
        let (code, out, _) = run(d, &["inspect", name]);
        assert_eq!(code, 1, "{name}");
        let first = out.lines().next().unwrap();
        assert!(
            first.starts_with("REJECTED: ") && first.contains(want),
            "{name}: {out}"
        );
    }
    // A key where a license belongs is named for what it is.
    let (_, out, _) = run(d, &["inspect", "vendor.pub"]);
    assert!(
        out.starts_with("REJECTED: vendor.pub: this is a public key, not a license"),
        "{out}"
    );
    let (_, out, _) = run(d, &["inspect", "vendor.key"]);
    assert!(out.contains("this is a secret key, not a license"), "{out}");
}

#[test]
fn inspect_starts_with_a_verdict_to_read_to_the_customer() {
    let t = hierarchy();
    let d = t.path();
    let first_line = |args: &[&str]| {
        let (_, out, _) = run(d, args);
        out.lines().next().unwrap().to_owned()
    };
    let trusted = ["inspect", "--trust", "vendor.pub"];
    fn with<'a>(trusted: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        [trusted, extra].concat()
    }
    let with = |extra: &[&'static str]| with(&trusted, extra);
    assert_eq!(
        first_line(&with(&["bldg.lic", "--group", COMPLEX])),
        format!(
            "REJECTED: this license is for {BUILDING}, not for {COMPLEX} — licenses cannot move between groups: use the license minted for {COMPLEX}"
        )
    );
    // The complex's delegation ends first: renewal comes from its issuer.
    assert_eq!(
        first_line(&with(&[
            "bldg.lic",
            "--group",
            BUILDING,
            "--at",
            "2029-06-01"
        ])),
        format!(
            "REJECTED: expired on 2029-01-01 (the license of {COMPLEX} above it) — ask {DEALER} to renew it"
        )
    );
    assert!(first_line(&with(&["complex.lic"])).starts_with(&format!(
        "NOT A PANEL LICENSE: a delegation license for {COMPLEX} until 2029-01-01"
    )));
    assert!(first_line(&["inspect", "bldg.lic"]).starts_with("NOT CHECKED: no trust root given"));
    let mut bytes = std::fs::read(d.join("bldg.lic")).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(d.join("tampered.lic"), bytes).unwrap();
    assert_eq!(
        first_line(&with(&["tampered.lic", "--group", BUILDING])),
        format!(
            "REJECTED: the file was changed after it was signed — ask {COMPLEX} for a fresh copy"
        )
    );
    // The JSON document carries the same line.
    let (_, out, _) = run(d, &with(&["bldg.lic", "--group", BUILDING, "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["files"][0]["verdict"],
        format!("VALID for {BUILDING} until 2029-01-01 (plus license)")
    );
}

#[test]
fn inspect_shows_what_the_ledger_knows() {
    let t = hierarchy();
    let d = t.path();
    let out = run_ok(d, &["inspect", "--trust", "vendor.pub", "bldg.lic"]);
    assert!(
        out.contains("    ledger      minted ") && out.contains(&format!(" by {COMPLEX} (key ")),
        "{out}"
    );
    let v: serde_json::Value = serde_json::from_str(&run_ok(
        d,
        &["inspect", "--trust", "vendor.pub", "bldg.lic", "--json"],
    ))
    .unwrap();
    let leaf = &v["files"][0]["links"][3];
    assert_eq!(leaf["ledger"]["subject"], BUILDING);
    assert_eq!(leaf["ledger"]["origin"], "issued");
    assert_eq!(v["files"][0]["links"][2]["ledger"]["children"], 1);
    let serial = leaf["serial"].as_str().unwrap().to_owned();
    run_ok(d, &["revoke", &serial, "--reason", "panel stolen"]);
    let out = run_ok(
        d,
        &[
            "inspect",
            "--trust",
            "vendor.pub",
            "--group",
            BUILDING,
            "bldg.lic",
        ],
    );
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("VALID for {BUILDING}"))
            && first.contains(&format!("the ledger records {BUILDING} as REVOKED on ")),
        "{out}"
    );
    assert!(
        out.contains("; REVOKED ") && out.contains("(panel stolen)"),
        "{out}"
    );
    // Without a ledger, inspect still works and shows no ledger lines.
    std::fs::remove_file(d.join("ledger.sqlite")).unwrap();
    let out = run_ok(d, &["inspect", "--trust", "vendor.pub", "bldg.lic"]);
    assert!(!out.contains("    ledger "), "{out}");
    // A ledger named on the command line must exist.
    let (code, _, err) = run(d, &["--ledger", "typo.sqlite", "inspect", "bldg.lic"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn every_json_error_has_one_shape() {
    let t = hierarchy();
    let d = t.path();
    std::fs::write(d.join("half.lic"), "-----BEGIN LICET LICENSE-----\nAAAA\n").unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let shape = ["code", "hint", "link", "message", "offset"];
    // An I/O error: the document has only `version` and `error`.
    let (code, out, _) = run(d, &["inspect", "--json", "missing.lic"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["code"], "io");
    assert_eq!(keys(&v["error"]), shape);
    let (code, out, _) = run(
        d,
        &[
            "verify",
            "--json",
            "bldg.lic",
            "--group",
            "Bad Group",
            "--trust",
            "vendor.pub",
        ],
    );
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["error"]["code"], "usage");
    assert_eq!(keys(&v["error"]), shape);
    // A file that cannot be read as a license, and a link's problem.
    let (_, out, _) = run(
        d,
        &[
            "inspect",
            "--json",
            "--trust",
            "vendor.pub",
            "--group",
            BUILDING,
            "--at",
            "2029-06-01",
            "half.lic",
            "bldg.lic",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(keys(&v["files"][0]["error"]), shape);
    assert_eq!(v["files"][0]["error"]["code"], "decode");
    let problem = &v["files"][1]["links"][3]["problems"][0];
    assert_eq!(problem["code"], "expired");
    assert_eq!(keys(problem), shape);
}

/// Every page a man page points to exists, and each has the sections that
/// `--help` cannot give.
#[test]
fn man_pages_exist_for_every_subcommand_they_name() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let out = run_ok(d, &["man", "--out-dir", "man"]);
    assert!(out.starts_with("wrote 18 man pages"), "{out}");
    let pages: Vec<String> = std::fs::read_dir(d.join("man"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    for want in [
        "licet.1",
        "licet-issue.1",
        "licet-ledger-list.1",
        "licet-key-generate.1",
    ] {
        assert!(pages.iter().any(|p| p == want), "{want} in {pages:?}");
    }
    for page in &pages {
        let text = std::fs::read_to_string(d.join("man").join(page)).unwrap();
        for section in [
            ".SH NAME",
            ".SH SYNOPSIS",
            ".SH \"EXIT STATUS\"",
            ".SH ENVIRONMENT",
            ".SH FILES",
            ".SH \"SEE ALSO\"",
        ] {
            assert!(text.contains(section), "{page}: no {section}");
        }
        for target in man_references(&text) {
            assert!(
                pages.contains(&format!("{target}.1")),
                "{page} points to {target}(1), which was not written"
            );
        }
    }
    let main = std::fs::read_to_string(d.join("man/licet.1")).unwrap();
    assert!(
        man_references(&main).len() >= 2 * 13,
        "licet(1) names each subcommand twice: {:?}",
        man_references(&main)
    );
    // Without --out-dir: licet(1) on standard output, the same page.
    let stdout = run_ok(d, &["man"]);
    assert_eq!(
        stdout,
        std::fs::read_to_string(d.join("man/licet.1")).unwrap()
    );
}

/// The `licet…(1)` names a roff page refers to (`licet\-issue(1)`).
fn man_references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("(1)") {
        let before = rest[..i].trim_end_matches("\\fR");
        let start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '\\'))
            .map_or(0, |p| p + 1);
        let name = before[start..].replace("\\fB", "").replace("\\-", "-");
        if name.starts_with("licet") {
            out.push(name);
        }
        rest = &rest[i + 3..];
    }
    out
}

/// The commands of the README's "Using licet" section, one by one, as they
/// stand, through a shell in an empty folder: the walkthrough cannot drift
/// from the tool.
#[test]
fn readme_walkthrough_runs_verbatim() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let section = readme
        .split("## Using licet\n")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .unwrap();
    let mut commands = Vec::new();
    let mut in_block = false;
    let mut current = String::new();
    for line in section.lines() {
        if line.starts_with("```") {
            in_block = line == "```sh";
            continue;
        }
        if !in_block || (current.is_empty() && (line.trim().is_empty() || line.starts_with('#'))) {
            continue;
        }
        current.push_str(line.trim_end_matches('\\'));
        current.push(' ');
        if !line.ends_with('\\') {
            commands.push(std::mem::take(&mut current));
        }
    }
    assert!(commands.len() >= 20, "{commands:#?}");
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    std::fs::write(d.join("dist.pass"), "distributor passphrase\n").unwrap();
    std::fs::write(d.join("dealer.pass"), "dealer passphrase\n").unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_licet")).parent().unwrap();
    let mut outputs = Vec::new();
    for command in &commands {
        let out = std::process::Command::new("bash")
            .args(["-c", command])
            .current_dir(d)
            .env_clear()
            .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
            .env("HOME", d)
            // The vendor's key is made first, without a passphrase file.
            .env("LICET_PASSPHRASE", "vendor passphrase")
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        // The README says which command exits 1: dealer.lic licenses no panel.
        let want = if command.starts_with("licet inspect dealer.lic") {
            1
        } else {
            0
        };
        assert_eq!(
            out.status.code(),
            Some(want),
            "{command}\nstdout: {stdout}\nstderr: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{command}: {stderr}");
        outputs.push((command.clone(), stdout));
    }
    let output_of = |prefix: &str| {
        outputs
            .iter()
            .find(|(c, _)| c.starts_with(prefix))
            .map(|(_, o)| o.as_str())
            .unwrap_or_else(|| panic!("no command {prefix}"))
    };
    assert!(d.join(".local/share/licet/ledger.sqlite").exists());
    assert!(output_of("licet inspect dealer.lic").starts_with("NOT A PANEL LICENSE"));
    assert!(
        output_of("licet inspect plus.lic")
            .starts_with("VALID for acme/dist-7/dealer-3/complex-1 until")
    );
    let verify = output_of("licet verify plus.lic basic.lic addon.lic");
    assert!(
        verify.contains("effective   plus from [0] plus.lic"),
        "{verify}"
    );
    assert!(output_of("licet ledger list").starts_with("serial;parent;issuer;subject"));
    assert!(d.join("out/acme+dist-7+dealer-3+complex-2.lic").exists());
}

/// A license bound to devices: inspect checks it for one panel's id.
#[test]
fn inspect_checks_a_device_bound_license_for_one_panel() {
    let t = hierarchy();
    let d = t.path();
    run_ok(
        d,
        &[
            "issue",
            "--key",
            "complex.key",
            "--parent",
            "complex.lic",
            "--subject",
            "acme/dist-7/dealer-3/complex-12/bldg-3",
            "--device",
            "panel-0042",
            "--quota",
            "sip_numbers=5",
            "--quota",
            "app_installs=0",
            "--out",
            "bound.lic",
        ],
    );
    let group = "acme/dist-7/dealer-3/complex-12/bldg-3";
    let first = |extra: &[&str]| {
        let mut args = vec![
            "inspect",
            "bound.lic",
            "--trust",
            "vendor.pub",
            "--group",
            group,
        ];
        args.extend_from_slice(extra);
        let (code, out, _) = run(d, &args);
        (code, out.lines().next().unwrap().to_owned())
    };
    let (code, line) = first(&["--device-id", "panel-0042"]);
    assert_eq!(code, 0, "{line}");
    assert!(line.starts_with(&format!("VALID for {group}")), "{line}");
    let (code, line) = first(&["--device-id", "panel-0099"]);
    assert_eq!(code, 1);
    assert!(
        line.starts_with("REJECTED: bound to particular devices"),
        "{line}"
    );
    let (code, _) = first(&[]);
    assert_eq!(code, 1);
}

/// The README's per-language examples are the files the tests run
/// (capi/tests/c/linux.sh, bindings/java/run-tests.sh,
/// bindings/python/run-tests.sh), verbatim.
#[test]
fn readme_examples_are_the_files_the_tests_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for (lang, file) in [
        ("c", "capi/tests/c/minimal.c"),
        ("java", "bindings/java/example/ReadmeExample.java"),
        ("python", "bindings/python/tests/readme_example.py"),
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        assert!(
            readme.contains(&format!("```{lang}\n{text}```")),
            "README.md does not show {file} as it is"
        );
    }
}
