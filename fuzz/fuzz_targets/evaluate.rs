#![no_main]
use libfuzzer_sys::fuzz_target;
use licet_verifier::{Builtin, Device, Options, Quota, TrustedRoot, evaluate_with};

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
    let builtin = Builtin {
        quotas: &[("sip_numbers", Quota::Count(1))],
        features: &["video"],
        roles: &[("concierge", &["guest_passes"])],
    };
    let options = Options {
        floor: licet_tests::NOW - 86_400,
        builtin: Some(&builtin),
        cache: None,
    };
    if let Ok(e) = evaluate_with(&[root], &parts, &device, options) {
        // The built-in Basic is always there to fall back to.
        assert!(e.base_source().is_some());
        assert!(e.floor() >= licet_tests::NOW);
        let _ = e.quotas().count();
        let _ = e.next_change();
        let _ = e.warning();
        for (f, _) in e.features() {
            assert!(e.has_feature(f));
        }
        for r in e.roles() {
            for (g, _) in e.role_grants(r) {
                assert!(e.role_has_feature(r, g));
            }
        }
        // Each license counts once: no two in effect share a serial.
        let serials: Vec<_> = e
            .in_use()
            .filter_map(|i| e.license(i))
            .map(|l| l.serial())
            .collect();
        for (i, s) in serials.iter().enumerate() {
            assert!(!serials[..i].contains(s));
        }
    }
});
