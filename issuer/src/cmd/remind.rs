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

/// A license due for a reminder.
use crate::ledger::Due;

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
    let days_left = |exp: u64| exp.saturating_sub(now).div_ceil(86_400);
    if args.json {
        let items: Vec<_> = due
            .iter()
            .map(
                |Due {
                     serial: s,
                     group: g,
                     contact: c,
                     tier: t,
                     kind: k,
                     exp: e,
                 }| crate::json::Reminder {
                    serial: hex(s),
                    group: g.clone(),
                    contact: c.clone(),
                    tier: t.clone(),
                    kind: k.clone(),
                    exp: *e,
                    days_left: days_left(*e),
                },
            )
            .collect();
        crate::json::print(
            out,
            &crate::json::RemindDoc {
                version: JSON_VERSION,
                at: now,
                recorded: record,
                reminders: items,
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
        let rows = due.iter().map(
            |Due {
                 serial: s,
                 group: g,
                 contact: c,
                 tier: t,
                 kind: k,
                 exp: e,
             }| {
                vec![
                    hex(s),
                    g.clone(),
                    c.clone().unwrap_or_default(),
                    t.clone(),
                    k.clone(),
                    format_time(*e),
                    days_left(*e).to_string(),
                ]
            },
        );
        out.write_all(&crate::output::csv_table(&header, rows, delimiter))?;
    } else {
        for Due {
            serial: s,
            group: g,
            contact: c,
            tier: t,
            kind: k,
            exp: e,
        } in &due
        {
            writeln!(
                out,
                "{}  {g}  {}  {t} {k}  expires {}  {} day(s) left",
                hex(s),
                c.as_deref()
                    .map(safe)
                    .unwrap_or_else(|| "(no contact)".into()),
                format_time(*e),
                days_left(*e)
            )?;
        }
        if due.is_empty() {
            writeln!(out, "nothing to remind")?;
        }
    }
    Ok(0)
}
