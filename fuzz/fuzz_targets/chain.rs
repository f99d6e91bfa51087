#![no_main]
use libfuzzer_sys::fuzz_target;
use licet_verifier::{Device, Finding, TrustedRoot, UnverifiedLicense, explain};

fuzz_target!(|data: &[u8]| {
    // The seeds are signed by licet_tests::key(1).
    let root = TrustedRoot::from_bytes(&licet_tests::public(&licet_tests::key(1))).unwrap();
    let device = Device::new("acme/dist-7/dealer-3/complex-12/bldg-2", licet_tests::NOW).unwrap();
    if let Ok(l) = UnverifiedLicense::parse(data) {
        let verdict = l.verify(&[root], &device).err();
        // One walk: the first problem support tooling lists is the panel's.
        let mut first = None;
        explain(
            l.container(),
            &[root],
            licet_tests::NOW,
            Some(&device),
            &mut |f| {
                if let (Finding::Problem(e), None) = (f, &first) {
                    first = Some(e);
                }
            },
        );
        assert_eq!(verdict, first);
        if verdict.is_none() {
            // What a panel accepts delegates nothing, and no shorter part
            // of it is a license.
            let links: Vec<&[u8]> = l.links().map(|k| k.bytes).collect();
            assert!(l.links().last().is_some_and(|k| k.claims.cnf.is_none()));
            for n in 1..links.len() {
                let cut = licet_common::encode::container(links[..n].iter().copied());
                assert!(licet_verifier::verify(&cut, &[root], &device).is_err());
            }
        }
    }
});
