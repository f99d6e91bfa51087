//! `licet issue` refuses exactly what the verifier would reject: random
//! requests against a fixed parent, through the real binary, checked
//! against a model of the narrowing rules; what it mints always verifies.

mod common;

use common::licet;
use proptest::prelude::*;
use std::sync::OnceLock;

const FEATURES: [&str; 4] = ["video", "door_api", "remote_open", "teleport"];

/// The parent: dealer-3 holds sip_numbers 50, app_installs 20, features
/// video + door_api, concierge +remote_open, plus tier, until 2030-01-01.
fn parent() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        assert!(
            licet(d)
                .args(["ledger", "init"])
                .output()
                .unwrap()
                .status
                .success()
        );
        for who in ["vendor", "dealer"] {
            assert!(
                licet(d)
                    .args(["key", "generate", "--out", who, "--unencrypted"])
                    .output()
                    .unwrap()
                    .status
                    .success()
            );
        }
        let out = licet(d)
            .args([
                "issue",
                "--key",
                "vendor.key",
                "--subject",
                "acme/dealer-3",
                "--delegate",
                "dealer.pub",
                "--tier",
                "plus",
            ])
            .args([
                "--quota",
                "sip_numbers=50",
                "--quota",
                "app_installs=20",
                "--feature",
                "video",
                "--feature",
                "door_api",
            ])
            .args([
                "--role",
                "concierge=remote_open",
                "--not-before",
                "2026-01-01",
                "--expires",
                "2030-01-01",
                "--out",
                "dealer.lic",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        t
    })
}

#[derive(Debug, Clone)]
struct Request {
    sip: Option<u32>,
    apps: Option<u32>,
    integrations: bool,
    features: Vec<usize>,
    role: Option<usize>,
    tier: &'static str,
    expires_year: Option<u32>,
}

fn request() -> impl Strategy<Value = Request> {
    (
        prop::option::of(30u32..70),
        prop::option::of(10u32..30),
        prop::bool::weighted(0.1),
        prop::collection::vec(0usize..4, 0..3),
        prop::option::of(0usize..4),
        prop::sample::select(vec!["basic", "trial", "plus"]),
        prop::option::of(2028u32..2032),
    )
        .prop_map(
            |(sip, apps, integrations, features, role, tier, expires_year)| Request {
                sip,
                apps,
                integrations,
                features,
                role,
                tier,
                expires_year,
            },
        )
}

fn allowed(r: &Request) -> bool {
    r.sip.is_none_or(|v| v <= 50)
        && r.apps.is_none_or(|v| v <= 20)
        && !r.integrations
        && r.features.iter().all(|&f| f < 2)
        && r.role.is_none_or(|f| f < 3)
        && r.expires_year.is_none_or(|y| y <= 2030)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn issue_refuses_exactly_what_verify_rejects(r in request(), n in any::<u32>()) {
        let d = parent().path();
        let out_file = format!("child-{n}.lic");
        let mut args: Vec<String> = ["issue", "--key", "dealer.key", "--parent", "dealer.lic", "--trust", "vendor.pub", "--subject", "acme/dealer-3/complex-1", "--tier", r.tier, "--force", "--out", &out_file]
            .iter().map(|s| s.to_string()).collect();
        if let Some(v) = r.sip { args.extend(["--quota".into(), format!("sip_numbers={v}")]); }
        if let Some(v) = r.apps { args.extend(["--quota".into(), format!("app_installs={v}")]); }
        if r.integrations { args.extend(["--quota".into(), "integrations=1".into()]); }
        for f in &r.features { args.extend(["--feature".into(), FEATURES[*f].into()]); }
        if let Some(f) = r.role { args.extend(["--role".into(), format!("concierge={}", FEATURES[f])]); }
        if let Some(y) = r.expires_year { args.extend(["--expires".into(), format!("{y}-01-01")]); }
        // A ledger per case: the allocation of earlier cases must not count here.
        let ledger = d.join(format!("ledger-{n}.sqlite"));
        let _ = std::fs::remove_file(&ledger);
        prop_assert!(licet(d).env("LICET_LEDGER", &ledger).args(["ledger", "init"]).output().unwrap().status.success());
        let out = licet(d).env("LICET_LEDGER", &ledger).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if allowed(&r) {
            prop_assert!(out.status.success(), "refused an allowed request {:?}: {}", r, stderr);
            let v = licet(d).args(["verify", &out_file, "--trust", "vendor.pub", "--group", "acme/dealer-3/complex-1", "--at", "2027-01-01"]).output().unwrap();
            prop_assert!(v.status.success(), "minted but rejected: {}", String::from_utf8_lossy(&v.stdout));
        } else {
            prop_assert_eq!(out.status.code(), Some(1), "{:?}: {}", r, stderr);
            prop_assert!(stderr.contains("refused before signing"), "{}", stderr);
            prop_assert!(!d.join(&out_file).exists());
        }
    }
}
