//! `licet ledger list`: who holds what, until when, as a table, CSV or JSON.

use crate::cli::ListArgs;
use crate::describe::{JSON_VERSION, listed_csv_header, listed_csv_row, listed_text, quota_names};
use crate::error::{CliError, Result};
use crate::ledger::{Ledger, ListFilter, db_error, resolve};
use crate::output::{csv_delimiter, csv_table, safe};
use crate::time::{format_time, parse_duration, parse_time};
use std::io::Write;
use std::path::Path;

/// A filter value that must be one of `allowed`.
fn one_of<'a>(flag: &str, value: Option<&'a str>, allowed: &[&str]) -> Result<Option<&'a str>> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(CliError::usage(
            format!("{flag} {}: not one of {}", safe(v), allowed.join(", ")),
            format!("pass {flag} with one of: {}", allowed.join(", ")),
        )),
        v => Ok(v),
    }
}

pub fn run(args: &ListArgs, ledger_path: Option<&Path>, out: &mut dyn Write) -> Result<u8> {
    let now = match &args.at {
        Some(t) => parse_time(t, crate::time::now(), "--at")?,
        None => crate::time::now(),
    };
    if let Some(g) = &args.under {
        crate::request::parse_group("--under ", g)?;
    }
    let expiring_by = args
        .expiring_within
        .as_deref()
        .map(|d| {
            parse_duration(d)
                .map(|s| now.saturating_add(s))
                .ok_or_else(|| {
                    CliError::usage(
                        format!("--expiring-within {}: not a duration", safe(d)),
                        "a duration looks like 30d, 12h or 2w",
                    )
                })
        })
        .transpose()?;
    let delegates =
        one_of("--delegates", args.delegates.as_deref(), &["yes", "no"])?.map(|v| v == "yes");
    let status = one_of(
        "--status",
        args.status.as_deref(),
        &["active", "expired", "not-yet-valid", "revoked"],
    )?
    .map(|s| {
        if s == "not-yet-valid" {
            "not yet valid"
        } else {
            s
        }
    });
    let filter = ListFilter {
        under: args.under.as_deref(),
        parent: None,
        tier: one_of("--tier", args.tier.as_deref(), &["trial", "basic", "plus"])?,
        kind: one_of("--kind", args.kind.as_deref(), &["license", "add-on"])?,
        delegates,
        expiring_by,
        status: if args.revoked {
            Some("revoked")
        } else {
            status
        },
    };
    let delimiter = csv_delimiter(args.table.delimiter)?;
    let ledger = Ledger::open(&resolve(ledger_path)?)?;
    let listed = crate::ledger::list(ledger.store(), &filter, now)
        .map_err(|e| db_error(&ledger.path, "read", &e))?;
    if args.table.json {
        crate::json::print(
            out,
            &crate::json::ListDoc {
                version: JSON_VERSION,
                at: now,
                licenses: listed,
            },
        )?;
    } else if args.table.csv {
        let names = quota_names(&listed);
        out.write_all(&csv_table(
            &listed_csv_header(&names),
            listed.iter().map(|l| listed_csv_row(l, &names)),
            delimiter,
        ))?;
    } else {
        writeln!(
            out,
            "{} license(s) recorded in {} at {}",
            listed.len(),
            safe(&ledger.path.display().to_string()),
            format_time(now)
        )?;
        for l in &listed {
            writeln!(out, "  {}", listed_text(l))?;
        }
    }
    Ok(0)
}
