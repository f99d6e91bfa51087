//! External conformance vectors through licet's signature path, read from
//! `../shared/vectors` (or `LICET_VECTORS`). They are not copied here.

use licet_common::cbor::Cursor;
use licet_common::link::{Sign1, write_sig_structure};
use licet_tests::{unhex, vectors_dir};
use licet_verifier::verify_signature;
use serde_json::Value;

fn load(rel: &str) -> Option<Value> {
    let dir = vectors_dir()?;
    let text = std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Some(serde_json::from_str(&text).unwrap())
}

fn arr<const N: usize>(v: &[u8]) -> Option<[u8; N]> {
    v.try_into().ok()
}

/// All 151 Wycheproof Ed25519 cases give the expected result.
#[test]
fn wycheproof_ed25519() {
    let Some(doc) = load("wycheproof/ed25519_test.json") else {
        return;
    };
    let mut counted = (0, 0);
    for group in doc["testGroups"].as_array().unwrap() {
        let pk = unhex(group["publicKey"]["pk"].as_str().unwrap());
        for t in group["tests"].as_array().unwrap() {
            let msg = unhex(t["msg"].as_str().unwrap());
            let sig = unhex(t["sig"].as_str().unwrap());
            let expected = t["result"].as_str().unwrap() == "valid";
            let got = match (arr::<32>(&pk), arr::<64>(&sig)) {
                (Some(pk), Some(sig)) => verify_signature(&pk, &msg, &sig),
                // Wrong-length keys or signatures cannot even be presented.
                _ => false,
            };
            assert_eq!(got, expected, "tcId {} ({})", t["tcId"], t["comment"]);
            if expected {
                counted.0 += 1
            } else {
                counted.1 += 1
            }
        }
    }
    assert_eq!(counted, (88, 63), "valid / invalid cases seen");
}

/// RFC 8032 §7.1 TEST 1, 2, 3 and 1024: derived key, signature, verification.
#[test]
fn rfc8032_ed25519() {
    let Some(doc) = load("rfc8032/rfc8032-ed25519.json") else {
        return;
    };
    let cases = doc.as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for v in cases {
        let sk = arr::<32>(&unhex(v["priv"].as_str().unwrap())).unwrap();
        let pk = arr::<32>(&unhex(v["pub"].as_str().unwrap())).unwrap();
        let msg = unhex(v["msg"].as_str().unwrap());
        let sig = arr::<64>(&unhex(v["sig"].as_str().unwrap())).unwrap();
        let key = ed25519_dalek::SigningKey::from_bytes(&sk);
        assert_eq!(key.verifying_key().to_bytes(), pk);
        use ed25519_dalek::Signer;
        assert_eq!(key.sign(&msg).to_bytes(), sig);
        assert!(verify_signature(&pk, &msg, &sig));
        let mut bad = msg.clone();
        bad.push(0);
        assert!(!verify_signature(&pk, &bad, &sig));
    }
}

/// The COSE WG Ed25519 Sign1 example decodes with licet's COSE_Sign1 code,
/// rebuilds the published Sig_structure, and verifies.
#[test]
fn cose_wg_eddsa_sign1() {
    let file = "eddsa-examples/eddsa-sig-01.json";
    let Some(doc) = load(&format!("cose-wg/{file}")) else {
        return;
    };
    let cbor = unhex(doc["output"]["cbor"].as_str().unwrap());
    let mut c = Cursor::new(&cbor, 0);
    let s = Sign1::decode(&mut c, 4).unwrap_or_else(|e| panic!("{file}: {e}"));
    c.finish().unwrap();
    let mut buf = [0u8; 256];
    let tbs = write_sig_structure(s.protected, s.payload, &mut buf).unwrap();
    assert_eq!(
        tbs,
        &unhex(doc["intermediates"]["ToBeSign_hex"].as_str().unwrap())[..],
        "{file}"
    );
    assert_eq!(
        s.payload,
        doc["input"]["plaintext"].as_str().unwrap().as_bytes()
    );
    let x = unhex(doc["input"]["sign0"]["key"]["x_hex"].as_str().unwrap());
    let pk = arr::<32>(&x).unwrap();
    assert!(verify_signature(&pk, tbs, s.signature), "{file}");
    let mut tampered = tbs.to_vec();
    *tampered.last_mut().unwrap() ^= 1;
    assert!(!verify_signature(&pk, &tampered, s.signature));
}

/// The other Ed25519 Sign1 examples carry countersignatures in their
/// unprotected headers, in non-deterministic key order (countersign1) or as
/// a nested array (countersign). licet's reader is deterministic-only and
/// never recurses, so it refuses both, at the header, with a precise error.
#[test]
fn fail_cose_wg_countersigned_examples_are_refused() {
    use licet_common::DecodeErrorKind;
    for (file, expected) in [
        (
            "countersign1/signed1-01.json",
            DecodeErrorKind::UnsortedOrDuplicateKey,
        ),
        (
            "countersign/signed1-01.json",
            DecodeErrorKind::UnexpectedType {
                expected: "a scalar header value",
            },
        ),
    ] {
        let Some(doc) = load(&format!("cose-wg/{file}")) else {
            return;
        };
        let cbor = unhex(doc["output"]["cbor"].as_str().unwrap());
        let e = Sign1::decode(&mut Cursor::new(&cbor, 0), 4).unwrap_err();
        assert_eq!(e.kind, expected, "{file}");
    }
}

/// A licet link is a COSE_Sign1 that the generic structure decoder reads too,
/// and its Sig_structure is the one licet's own path builds.
#[test]
fn licet_link_is_plain_cose_sign1() {
    let h = licet_tests::hierarchy();
    let link = &h.links[1];
    let mut c = Cursor::new(link, 0);
    let s = Sign1::decode(&mut c, 0).unwrap();
    c.finish().unwrap();
    let mut buf = [0u8; 2048];
    let tbs = write_sig_structure(s.protected, s.payload, &mut buf)
        .unwrap()
        .to_vec();
    let parent_key = licet_tests::public(&h.keys[0]);
    assert!(verify_signature(&parent_key, &tbs, s.signature));
    assert_eq!(
        tbs,
        licet_common::encode::sig_structure(s.protected, s.payload)
    );
}
