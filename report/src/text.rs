//! Small text helpers every report uses.

use licet_common::Quota;

/// `text` with every control character escaped, so nothing read from a file
/// or an argument can drive the terminal.
pub fn safe(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// A quota for people.
pub fn quota_text(q: Quota) -> String {
    q.to_string()
}
