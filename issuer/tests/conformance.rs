//! The conformance table (`tests/conformance/cases.tsv`) through the
//! verifier itself, on licenses the real CLI mints. The C test and the
//! Python test check the same table.

use std::path::{Path, PathBuf};

const DAY: i64 = 86_400;

/// One row of the table.
#[derive(Debug)]
pub struct Case {
    pub name: String,
    pub files: Vec<String>,
    pub group: Option<String>,
    pub at_days: i64,
    pub floor_days: Option<i64>,
    pub base: String,
    pub tier: String,
    pub status: Vec<String>,
    pub rollback: bool,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/cases.tsv"),
    )
    .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            assert_eq!(c.len(), 9, "{l:?}");
            Case {
                name: c[0].to_owned(),
                files: c[1].split(',').map(str::to_owned).collect(),
                group: (c[2] != "-").then(|| c[2].to_owned()),
                at_days: c[3].parse().unwrap(),
                floor_days: (c[4] != "-").then(|| c[4].parse().unwrap()),
                base: c[5].to_owned(),
                tier: c[6].to_owned(),
                status: c[7].split(',').map(str::to_owned).collect(),
                rollback: c[8] == "yes",
            }
        })
        .collect()
}

fn mint() -> (tempfile::TempDir, PathBuf) {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("fixtures");
    let status = std::process::Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/mint-fixtures.sh"))
        .arg(&dir)
        .env("LICET_BIN", env!("CARGO_BIN_EXE_licet"))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    (t, dir)
}

#[test]
fn every_conformance_case_through_the_verifier() {
    use licet_verifier::{Device, LicenseStatus, Options, Source, TrustedRoot, evaluate_with};
    let (_t, dir) = mint();
    let read = |n: &str| {
        std::fs::read_to_string(dir.join(n))
            .unwrap()
            .trim()
            .to_owned()
    };
    let now: i64 = read("now").parse().unwrap();
    let own_group = read("group");
    let hex = read("root.hex");
    let key: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let root = TrustedRoot::from_bytes(&key.try_into().unwrap()).unwrap();
    let cases = cases();
    assert!(cases.len() >= 12);
    for case in &cases {
        let files: Vec<Vec<u8>> = case
            .files
            .iter()
            .map(|f| std::fs::read(dir.join(f)).unwrap())
            .collect();
        let slices: Vec<&[u8]> = files.iter().map(Vec::as_slice).collect();
        let group = case.group.clone().unwrap_or_else(|| own_group.clone());
        let at = u64::try_from(now + case.at_days * DAY).unwrap();
        let device = Device::new(&group, at).unwrap();
        let floor = case
            .floor_days
            .map_or(0, |d| u64::try_from(now + d * DAY).unwrap());
        let eval = evaluate_with(
            &[root],
            &slices,
            &device,
            Options {
                floor,
                ..Options::default()
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let base = match eval.base_source() {
            Some(Source::License(i)) => i.to_string(),
            Some(Source::Builtin) => "builtin".to_owned(),
            None => "none".to_owned(),
        };
        let tier = eval.tier().map_or("none", |t| t.name());
        let status: Vec<String> = (0..files.len())
            .map(|i| match eval.status(i) {
                Some(LicenseStatus::Valid { .. }) => "ok".to_owned(),
                Some(LicenseStatus::Rejected(e)) => e.code().to_owned(),
                None => "missing".to_owned(),
            })
            .collect();
        assert_eq!(
            (base.as_str(), tier, &status, eval.rollback().is_some()),
            (
                case.base.as_str(),
                case.tier.as_str(),
                &case.status,
                case.rollback
            ),
            "{}",
            case.name
        );
    }
}
