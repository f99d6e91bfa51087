#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (_, text, json) = licet_issuer::cmd::inspect::inspect_bytes(data, licet_tests::NOW);
    // Nothing from the input reaches the terminal as a control character.
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    // The JSON document reads back into its own type, unchanged.
    let line = licet_issuer::json::to_string(&json);
    let back: licet_issuer::json::InspectFile = licet_issuer::json::from_str(&line).unwrap();
    assert_eq!(licet_issuer::json::to_string(&back), line);
});
