#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(l) = licet_common::Link::decode_one(data) {
        assert_eq!(l.bytes, data);
        let mut buf = [0u8; licet_common::link::MAX_SIG_STRUCTURE_BYTES];
        assert!(l.sig_structure(&mut buf).is_ok());
    }
});
