#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = licet_common::Container::decode(data) {
        // A decoded container re-assembles to exactly the bytes received:
        // the reader accepts one encoding only.
        let again = licet_common::encode::container(
            c.links().map(|l| l.bytes).collect::<Vec<_>>().into_iter(),
        );
        assert_eq!(again, data);
    }
});
