#![no_main]
use libfuzzer_sys::fuzz_target;

// The web inspector's engine, as the page calls it: any request gets an
// answer, and the answer reads back into its own type, unchanged.
fuzz_target!(|data: &[u8]| {
    let json = licet_web::answer_json(data);
    let back: licet_web::Answer = serde_json::from_str(&json).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
    if let Some(report) = back.report {
        // Nothing from the input reaches the summary as a control character.
        assert!(
            !report.text.chars().any(|c| c.is_control() && c != '\n'),
            "{:?}",
            report.text
        );
    }
});
