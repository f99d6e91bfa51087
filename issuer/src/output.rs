//! Printing helpers shared by the commands.

pub use licet_report::text::{hex, quota_text, safe};

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

/// The field separators licet writes and reads in CSV: `,` and, for
/// spreadsheets set to a European locale, `;`.
pub fn csv_delimiter(d: Option<char>) -> crate::error::Result<u8> {
    match d {
        None | Some(',') => Ok(b','),
        Some(';') => Ok(b';'),
        Some('\t') => Ok(b'\t'),
        Some(other) => Err(crate::error::CliError::usage(
            format!("--delimiter {other:?} is not a CSV separator licet writes"),
            "use --delimiter ';' for spreadsheets that expect semicolons (most European locales), or leave it out for commas",
        )),
    }
}

/// A CSV document: the header, then the rows, every cell through
/// [`csv_cell`], fields separated by `delimiter`.
pub fn csv_table<I>(header: &[String], rows: I, delimiter: u8) -> Vec<u8>
where
    I: IntoIterator<Item = Vec<String>>,
{
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(row.iter().map(|c| csv_cell(c)));
    }
    w.into_inner().unwrap_or_default()
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
