//! Every `--json` document licet prints: the typed structs of
//! [`licet_report::json`], and how the commands print them.

pub use licet_report::json::*;

/// Writes `doc` as one line of JSON.
pub fn print<T: serde::Serialize>(
    out: &mut dyn std::io::Write,
    doc: &T,
) -> crate::error::Result<()> {
    let line = serde_json::to_string(doc).map_err(|e| {
        crate::error::CliError::usage(
            format!("internal error: cannot write JSON: {e}"),
            "report this as a bug",
        )
    })?;
    writeln!(out, "{line}")?;
    Ok(())
}
