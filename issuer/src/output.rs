//! Printing helpers shared by the commands.

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
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A quota for people and JSON.
pub fn quota_text(q: Quota) -> String {
    q.to_string()
}

/// A quota as JSON: a number, or the string "unlimited".
pub fn quota_json(q: Quota) -> serde_json::Value {
    match q {
        Quota::Count(n) => serde_json::Value::from(n),
        Quota::Unlimited => serde_json::Value::from("unlimited"),
    }
}
