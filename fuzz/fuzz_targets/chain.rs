#![no_main]
use libfuzzer_sys::fuzz_target;
use licet_verifier::{Device, TrustedRoot, UnverifiedLicense};

fuzz_target!(|data: &[u8]| {
    // The seeds are signed by licet_tests::key(1).
    let root = TrustedRoot::from_bytes(&licet_tests::public(&licet_tests::key(1))).unwrap();
    let device = Device::new("acme/dist-7/dealer-3/complex-12/bldg-2", licet_tests::NOW).unwrap();
    if let Ok(l) = UnverifiedLicense::parse(data) {
        let _ = l.verify(&[root], &device);
    }
});
