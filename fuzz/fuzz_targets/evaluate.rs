#![no_main]
use libfuzzer_sys::fuzz_target;
use licet_verifier::{Device, TrustedRoot, evaluate_with_floor};

fuzz_target!(|data: &[u8]| {
    // Input: licenses separated by the byte string "LICET-NEXT" (at most 8).
    let sep = b"LICET-NEXT";
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut rest = data;
    while let Some(i) = rest.windows(sep.len()).position(|w| w == sep) {
        parts.push(&rest[..i]);
        rest = &rest[i + sep.len()..];
    }
    parts.push(rest);
    parts.truncate(licet_verifier::MAX_LICENSES);
    let root = TrustedRoot::from_bytes(&licet_tests::public(&licet_tests::key(1))).unwrap();
    let device = Device::new("acme/dist-7/dealer-3/complex-12/bldg-2", licet_tests::NOW).unwrap();
    if let Ok(e) = evaluate_with_floor(&[root], &parts, &device, licet_tests::NOW - 86_400) {
        let _ = e.quotas().count();
        let _ = e.next_change();
        let _ = e.warning();
        for i in e.in_use() {
            let _ = e.features_of(i).iter().count();
            let _ = e.roles_of(i).count();
        }
    }
});
