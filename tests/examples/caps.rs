//! Chains at the documented caps, for `scripts/caps.sh` (callgrind counts
//! the instructions of `licet_caps_measured` only):
//!
//!   caps floor|verify|evaluate|queries|signature ITERATIONS
//!
//! * `floor`: for each link of the caps chain, decoding its signer's key and
//!   one `verify_strict` over its Sig_structure — the least any verifier of
//!   this chain must do;
//! * `verify`: `licet_verifier::verify` of that chain;
//! * `evaluate`: eight licenses at the caps under the same two upper links;
//! * `queries`: after that evaluation, reading every quota, feature and role
//!   grant (the answers a panel's screen or its logic asks for);
//! * `signature`: one bare signature check (what `queries` is compared to).
use ed25519_dalek::{Signature, VerifyingKey};
use licet_common::{Container, Kind, QuotaName};
use licet_tests::caps::*;
use licet_tests::*;
use licet_verifier::{Device, TrustedRoot, evaluate, verify};
use std::hint::black_box;

/// The measured loop (callgrind counts only inside it).
#[inline(never)]
pub fn licet_caps_measured(f: &dyn Fn() -> bool, iterations: u32) -> u32 {
    (0..iterations).filter(|_| f()).count() as u32
}

fn main() {
    let mut args = std::env::args().skip(1);
    let case = args.next().unwrap_or_default();
    let iterations: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let n = caps_links();
    let file = caps_chain(n, 9, Kind::License);
    let group = group_of(n);
    let roots = [TrustedRoot::from_bytes(&public(&key(1))).unwrap()];
    let device = Device::new(&group, NOW).unwrap().with_device_id("d00");
    assert!(
        verify(&file, &roots, &device).is_ok(),
        "the caps chain verifies"
    );
    let container = Container::decode(&file).unwrap();
    // The floor's inputs: each link's signer key and Sig_structure.
    let mut keys = vec![public(&key(1))];
    keys.extend(container.links().filter_map(|l| l.claims.cnf.copied()));
    let floor_inputs: Vec<([u8; 32], Vec<u8>, [u8; 64])> = container
        .links()
        .zip(&keys)
        .map(|(l, k)| {
            let mut msg = Vec::new();
            l.sig_structure_chunks(&mut |c: &[u8]| msg.extend_from_slice(c))
                .unwrap();
            (*k, msg, *l.signature)
        })
        .collect();
    let bare = |(k, msg, sig): &([u8; 32], Vec<u8>, [u8; 64])| {
        VerifyingKey::from_bytes(k)
            .and_then(|k| k.verify_strict(msg, &Signature::from_bytes(sig)))
            .is_ok()
    };
    let set_files = caps_set(n);
    let set: Vec<&[u8]> = set_files.iter().map(Vec::as_slice).collect();
    let ok = match case.as_str() {
        "floor" => licet_caps_measured(&|| floor_inputs.iter().all(bare), iterations),
        "verify" => licet_caps_measured(
            &|| verify(black_box(&file), &roots, &device).is_ok(),
            iterations,
        ),
        "evaluate" => licet_caps_measured(
            &|| evaluate(&roots, black_box(&set), &device).is_ok_and(|e| e.base().is_some()),
            iterations,
        ),
        "queries" => {
            let e = evaluate(&roots, &set, &device).unwrap();
            assert!(e.base().is_some());
            let quota_names: Vec<String> =
                e.quotas().map(|(q, _)| q.as_str().to_string()).collect();
            let features: Vec<String> = e.features().map(|(f, _)| f.to_string()).collect();
            let roles: Vec<String> = e.roles().map(str::to_string).collect();
            assert_eq!(
                (quota_names.len(), features.len(), roles.len()),
                (16, 32, 8)
            );
            licet_caps_measured(
                &|| {
                    let q = quota_names
                        .iter()
                        .all(|n| e.quota(QuotaName::from_name(black_box(n))).is_some());
                    let f = features.iter().all(|f| e.has_feature(black_box(f)));
                    let r = roles.iter().all(|r| {
                        e.role_grants(black_box(r)).count() == 0 || e.role_has_feature(r, "f00")
                    });
                    q && f && r
                },
                iterations,
            )
        }
        "signature" => licet_caps_measured(&|| bare(&floor_inputs[0]), iterations),
        other => {
            eprintln!(
                "error: unknown case {other}\nhint: floor, verify, evaluate, queries, signature"
            );
            std::process::exit(2);
        }
    };
    assert_eq!(ok, iterations, "{case}: every iteration must succeed");
    println!(
        "{case} links={n} bytes={} iterations={iterations}",
        file.len()
    );
}
