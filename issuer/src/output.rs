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

/// A CSV cell that a spreadsheet will not run: a cell that begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel
/// and LibreOffice, so it gets a leading `'` (OWASP, "CSV Injection"). A
/// contact such as `=HYPERLINK("http://…","click")` can arrive through a
/// dealer's batch file.
pub fn csv_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_never_start_a_formula() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://x\",\"click\")",
                "'=HYPERLINK(\"http://x\",\"click\")",
            ),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("admin@example.com", "admin@example.com"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(cell), want);
        }
    }
}
