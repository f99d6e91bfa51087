#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut buf = [0u8; licet_common::limits::MAX_LICENSE_BYTES];
    if let Ok(bin) = licet_common::armor::decode(data, &mut buf) {
        // What decodes re-encodes to text that decodes to the same bytes.
        let text = licet_common::armor::encode(bin);
        let mut again = [0u8; licet_common::limits::MAX_LICENSE_BYTES];
        assert_eq!(
            licet_common::armor::decode(text.as_bytes(), &mut again).ok(),
            Some(bin)
        );
    }
});
