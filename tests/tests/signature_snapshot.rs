//! Which C2SP CCTV and ed25519-speccheck vectors licet's signature check
//! accepts, pinned. These vectors have no "expected" answer: libraries
//! disagree on the edge cases. licet uses `verify_strict`; docs/SECURITY.md
//! explains why this is the right set. A change in what licet accepts fails
//! here. Regenerate with `LICET_BLESS=1 cargo test -p licet-tests --test signature_snapshot`.

use licet_tests::{unhex, vectors_dir};
use licet_verifier::verify_signature;
use std::path::PathBuf;

fn check(name: &str, rows: Vec<(String, bool, String)>) {
    let mut text = String::from("# vector  verify_strict  flags\n");
    for (id, ok, flags) in &rows {
        text.push_str(&format!(
            "{id:>4}  {}  {flags}\n",
            if *ok { "accept" } else { "reject" }
        ));
    }
    let accepted = rows.iter().filter(|r| r.1).count();
    text.push_str(&format!("# {accepted} of {} accepted\n", rows.len()));
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(format!("{name}.txt"));
    if std::env::var("LICET_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let pinned =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        text, pinned,
        "what licet accepts of {name} changed; if intended, bless and explain in docs/SECURITY.md"
    );
}

fn arr<const N: usize>(v: &[u8]) -> Option<[u8; N]> {
    v.try_into().ok()
}

#[test]
fn cctv_ed25519_vectors() {
    let Some(dir) = vectors_dir() else { return };
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("cctv/ed25519vectors.json")).unwrap(),
    )
    .unwrap();
    let rows = doc
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let key = unhex(v["key"].as_str().unwrap());
            let sig = unhex(v["sig"].as_str().unwrap());
            let msg = v["msg"].as_str().unwrap().as_bytes();
            let ok = match (arr::<32>(&key), arr::<64>(&sig)) {
                (Some(k), Some(s)) => verify_signature(&k, msg, &s),
                _ => false,
            };
            let flags = v["flags"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .map(|x| x.as_str().unwrap_or(""))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            (v["number"].to_string(), ok, flags)
        })
        .collect();
    check("cctv-ed25519", rows);
}

#[test]
fn speccheck_vectors() {
    let Some(dir) = vectors_dir() else { return };
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("speccheck/cases.json")).unwrap())
            .unwrap();
    let rows = doc
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let key = unhex(v["pub_key"].as_str().unwrap());
            let sig = unhex(v["signature"].as_str().unwrap());
            let msg = unhex(v["message"].as_str().unwrap());
            let ok = match (arr::<32>(&key), arr::<64>(&sig)) {
                (Some(k), Some(s)) => verify_signature(&k, &msg, &s),
                _ => false,
            };
            (i.to_string(), ok, String::new())
        })
        .collect();
    check("speccheck", rows);
}
