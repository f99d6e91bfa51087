//! `licet remind`: who to remind before a license ends, each reminder once
//! per recurrence.

use crate::cli::RemindArgs;
use crate::describe::JSON_VERSION;
use crate::error::{CliError, Result};
use crate::ledger::{Ledger, db_error, resolve};
use crate::output::{hex, safe};
use crate::time::{format_time, parse_duration, parse_time};
use std::io::Write;
use std::path::Path;

fn now_or(at: Option<&str>) -> Result<u64> {
    match at {
        Some(t) => parse_time(t, crate::time::now(), "--at"),
        None => Ok(crate::time::now()),
    }
}

/// How often the same license may be reminded about.
fn recurrence(every: &str) -> Result<Option<u64>> {
    match every {
        "once" => Ok(None),
        "daily" => Ok(Some(86_400)),
        "weekly" => Ok(Some(7 * 86_400)),
        d => parse_duration(d)
            .filter(|s| *s > 0)
            .map(Some)
            .ok_or_else(|| {
                CliError::usage(
                    format!("--every {}: not once, daily, weekly or a duration", safe(d)),
                    "write --every once, daily, weekly or e.g. 30d",
                )
            }),
    }
}

/// Lists (and, on a real run, records) the reminders due.
pub fn run(args: &RemindArgs, ledger_path: Option<&Path>, out: &mut dyn Write) -> Result<u8> {
    // --at previews another time: what is recorded is only ever a real run.
    let now = now_or(args.at.as_deref().or(args.now.as_deref()))?;
    let record = !args.dry_run && args.at.is_none();
    let delimiter = crate::output::csv_delimiter(args.delimiter)?;
    let within = parse_duration(&args.within).ok_or_else(|| {
        CliError::usage(
            format!("--within {}: not a duration", safe(&args.within)),
            "write e.g. --within 30d",
        )
    })?;
    let every = recurrence(&args.every)?;
    let mut ledger = Ledger::open(&resolve(ledger_path)?)?;
    let path = ledger.path.clone();
    let err = move |e: rusqlite::Error| db_error(&path, "remind", &e);
    let tx = ledger.write()?;
    let due = crate::ledger::due_reminders(tx.store(), now, within, every).map_err(&err)?;
    if record {
        crate::ledger::record_reminders(tx.store(), &due, now).map_err(&err)?;
        tx.commit().map_err(&err)?;
    }
    // Each reminder once, as the JSON type; the CSV and the text read it.
    let reminders: Vec<crate::json::Reminder> = due
        .into_iter()
        .map(|d| crate::json::Reminder {
            serial: hex(&d.serial),
            group: d.group,
            contact: d.contact,
            tier: d.tier,
            kind: d.kind,
            exp: d.exp,
            days_left: d.exp.saturating_sub(now).div_ceil(86_400),
        })
        .collect();
    if args.json {
        crate::json::print(
            out,
            &crate::json::RemindDoc {
                version: JSON_VERSION,
                at: now,
                recorded: record,
                reminders,
            },
        )?;
    } else if args.csv {
        let header: Vec<String> = [
            "serial",
            "group",
            "contact",
            "tier",
            "kind",
            "expires",
            "days_left",
        ]
        .iter()
        .map(|h| (*h).to_owned())
        .collect();
        let rows = reminders.iter().map(|r| {
            vec![
                r.serial.clone(),
                r.group.clone(),
                r.contact.clone().unwrap_or_default(),
                r.tier.clone(),
                r.kind.clone(),
                format_time(r.exp),
                r.days_left.to_string(),
            ]
        });
        out.write_all(&crate::output::csv_table(&header, rows, delimiter))?;
    } else {
        for r in &reminders {
            writeln!(
                out,
                "{}  {}  {}  {} {}  expires {}  {} day(s) left",
                r.serial,
                r.group,
                r.contact
                    .as_deref()
                    .map(safe)
                    .unwrap_or_else(|| "(no contact)".into()),
                r.tier,
                r.kind,
                format_time(r.exp),
                r.days_left
            )?;
        }
        if reminders.is_empty() {
            writeln!(out, "nothing to remind")?;
        }
    }
    Ok(0)
}
