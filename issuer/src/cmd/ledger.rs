//! `licet usage`, `licet remind`, `licet revoke`, `licet ledger import`, `licet plans`.

use crate::cli::{ImportArgs, InitArgs, PlansArgs, RemindArgs, RevokeArgs, UsageArgs};
use crate::describe::JSON_VERSION;
use crate::error::{CliError, EXIT_REJECTED, Result};
use crate::files::read_license;
use crate::ledger::{Ledger, db_error, holds, peak, record_ancestors, resolve};
use crate::output::{hex, safe};
use crate::time::{format_time, parse_duration, parse_time};
use licet_common::{Container, Group};
use serde_json::json;
use std::io::Write;
use std::path::Path;

fn now_or(at: Option<&str>) -> Result<u64> {
    match at {
        Some(t) => parse_time(t, crate::time::now(), "--at"),
        None => Ok(crate::time::now()),
    }
}

pub fn usage(args: &UsageArgs, ledger_path: Option<&Path>, out: &mut dyn Write) -> Result<u8> {
    let now = now_or(args.at.as_deref())?;
    let group = Group::parse(&args.group).map_err(|e| {
        CliError::usage(
            format!("{}: {e}", safe(&args.group)),
            "a group id looks like acme/dist-7/dealer-3",
        )
    })?;
    let delimiter = crate::output::csv_delimiter(args.table.delimiter)?;
    let ledger = Ledger::open(&resolve(ledger_path)?)?;
    let err = |e: rusqlite::Error| db_error(&ledger.path, "read", &e);
    let held = crate::ledger::held_by(&ledger.conn, group.as_str(), now).map_err(err)?;
    let mut licenses = Vec::new();
    let mut text = String::new();
    use std::fmt::Write as _;
    let _ = writeln!(text, "licenses held by {group} at {}", format_time(now));
    if held.is_empty() {
        let _ = writeln!(text, "  (none in the ledger)");
    }
    let mut over_allocations = 0usize;
    let mut child_rows: Vec<crate::ledger::Listed> = Vec::new();
    for h in &held {
        let quotas = crate::ledger::quotas_of(&ledger.conn, &h.serial).map_err(err)?;
        let children = crate::ledger::children_count(&ledger.conn, &h.serial).map_err(err)?;
        let until = match h.exp {
            Some(e) => format!(
                "until {} ({})",
                format_time(e),
                crate::time::relative(e, now)
            ),
            None => "no end date".into(),
        };
        let _ = writeln!(
            text,
            "  {} {} {}, {until}, {children} child license(s){}",
            hex(&h.serial),
            h.tier,
            h.kind,
            h.contact
                .as_ref()
                .map(|c| format!(", contact {}", safe(c)))
                .unwrap_or_default()
        );
        let _ = writeln!(
            text,
            "    {:<16} {:>10} {:>10} {:>10}",
            "quota", "limit", "allocated", "remaining"
        );
        let from = now.max(h.nbf);
        let mut qs = Vec::new();
        for (name, limit) in quotas {
            let hs = holds(&ledger.conn, &h.serial, &name, from, h.exp).map_err(err)?;
            let allocated = peak(&hs, from, h.exp);
            let limit_u = limit.map(u64::from);
            let remaining = match (limit_u, allocated) {
                (Some(l), Some(a)) => Some(l.saturating_sub(a)),
                _ => None,
            };
            // More held than the limit (or an unlimited hold under a count):
            // possible only through imports of licenses minted elsewhere.
            let over = match (limit_u, allocated) {
                (Some(l), Some(a)) => a > l,
                (Some(_), None) => true,
                (None, _) => false,
            };
            let show = |v: Option<u64>| v.map_or("unlimited".to_owned(), |v| v.to_string());
            let _ = writeln!(
                text,
                "    {:<16} {:>10} {:>10} {:>10}",
                name,
                show(limit_u),
                show(allocated),
                show(remaining)
            );
            let mut q = json!({"name": name, "limit": limit_u, "allocated": allocated, "remaining": remaining, "over_allocated": over});
            if over {
                over_allocations += 1;
                let _ = writeln!(
                    text,
                    "    OVER-ALLOCATED {name}: held by {}",
                    safe(&crate::ledger::holders_text(&hs))
                );
                q["holders"] = hs
                    .iter()
                    .map(|c| json!({"serial": hex(&c.serial), "subject": c.subject, "value": c.value, "kind": if c.addon { "add-on" } else { "license" }, "delegates": c.delegates}))
                    .collect();
            }
            qs.push(q);
        }
        let filter = crate::ledger::ListFilter {
            parent: Some(&h.serial),
            ..Default::default()
        };
        let under = crate::ledger::list(&ledger.conn, &filter, now).map_err(err)?;
        if !under.is_empty() {
            let _ = writeln!(text, "    licenses under it:");
        }
        for c in &under {
            let _ = writeln!(text, "      {}", crate::describe::listed_text(c, now));
        }
        licenses.push(json!({
            "serial": hex(&h.serial), "tier": h.tier, "kind": h.kind, "nbf": h.nbf, "exp": h.exp,
            "contact": h.contact, "children": children, "quotas": qs,
            "under": under.iter().map(|c| crate::describe::listed_json(c, now)).collect::<Vec<_>>(),
        }));
        child_rows.extend(under);
    }
    if args.table.json {
        writeln!(
            out,
            "{}",
            json!({"version": JSON_VERSION, "group": group.as_str(), "at": now, "licenses": licenses})
        )?;
    } else if args.table.csv {
        // One row per license under the group's own (its `parent` column
        // names which): what to invoice.
        let children = child_rows;
        let names = crate::describe::quota_names(&children);
        out.write_all(&crate::output::csv_table(
            &crate::describe::listed_csv_header(&names),
            children
                .iter()
                .map(|c| crate::describe::listed_csv_row(c, &names, now)),
            delimiter,
        ))?;
    } else {
        write!(out, "{text}")?;
        if over_allocations > 0 {
            writeln!(
                out,
                "hint: revoke the excess licenses (`licet revoke`) or have the parent's quota raised"
            )?;
        }
    }
    Ok(if over_allocations > 0 {
        EXIT_REJECTED
    } else {
        0
    })
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

pub fn remind(args: &RemindArgs, ledger_path: Option<&Path>, out: &mut dyn Write) -> Result<u8> {
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
    let due = crate::ledger::due_reminders(&tx, now, within, every).map_err(&err)?;
    if record {
        crate::ledger::record_reminders(&tx, &due, now).map_err(&err)?;
        tx.commit().map_err(&err)?;
    }
    let days_left = |exp: u64| exp.saturating_sub(now).div_ceil(86_400);
    if args.json {
        let items: Vec<_> = due
            .iter()
            .map(|Due { serial: s, group: g, contact: c, tier: t, kind: k, exp: e }| json!({"serial": hex(s), "group": g, "contact": c, "tier": t, "kind": k, "exp": e, "days_left": days_left(*e)}))
            .collect();
        writeln!(
            out,
            "{}",
            json!({"version": JSON_VERSION, "at": now, "recorded": record, "reminders": items})
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

/// The serial `licet revoke` is given: hex, or a license file whose leaf
/// link is meant.
fn serial_or_file(arg: &str) -> Result<Vec<u8>> {
    let path = Path::new(arg);
    if path.is_file() {
        let bytes = read_license(path)?;
        let c = Container::decode(&bytes).map_err(|e| {
            CliError::usage(
                format!("{}: not a valid licet license: {e}", safe(arg)),
                "give the license's serial in hex, or its license file",
            )
        })?;
        return Ok(c.last().claims.serial.to_vec());
    }
    (0..arg.len())
        .step_by(2)
        .map(|i| {
            arg.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<Vec<u8>>>()
        .filter(|s| (8..=16).contains(&s.len()) && arg.len().is_multiple_of(2))
        .ok_or_else(|| {
            CliError::usage(
                format!("{} is neither a serial nor a license file", safe(arg)),
                "give the serial in hex, as `licet inspect` shows it (16 hex digits), or the license file",
            )
        })
}

pub fn revoke(args: &RevokeArgs, ledger_path: Option<&Path>, out: &mut dyn Write) -> Result<u8> {
    let serial = serial_or_file(&args.serial)?;
    if args.reason.trim().is_empty() {
        return Err(CliError::usage(
            "--reason is empty",
            "say why the license is revoked",
        ));
    }
    let mut ledger = Ledger::open(&resolve(ledger_path)?)?;
    let path = ledger.path.clone();
    let err = move |e: rusqlite::Error| db_error(&path, "revoke", &e);
    let now = crate::time::now();
    let tx = ledger.write()?;
    let state = crate::ledger::revoked_at(&tx, &serial).map_err(&err)?;
    let Some(revoked_at) = state else {
        return Err(CliError::usage(
            format!("{} is not in the ledger", hex(&serial)),
            "check the serial with `licet inspect`, or import the license first (`licet ledger import`)",
        ));
    };
    if args.undo {
        if revoked_at.is_none() {
            return Err(CliError::usage(
                format!("{} is not revoked", hex(&serial)),
                "nothing to undo",
            ));
        }
        undo_fits(&tx, &serial).map_err(&err)??;
        crate::ledger::unrevoke(&tx, &serial, &args.reason, now).map_err(&err)?;
        tx.commit().map_err(&err)?;
        writeln!(
            out,
            "revocation of {} undone: it counts against its parent's allocation again",
            hex(&serial)
        )?;
        return Ok(0);
    }
    if revoked_at.is_some() {
        return Err(CliError::usage(
            format!("{} is already revoked", hex(&serial)),
            "nothing to do",
        ));
    }
    let under = crate::ledger::descendants(&tx, &serial).map_err(&err)?;
    let targets: Vec<&[u8]> = std::iter::once(serial.as_slice())
        .chain(
            under
                .iter()
                .filter(|_| args.cascade)
                .map(|d| d.serial.as_slice()),
        )
        .collect();
    for s in &targets {
        let reason = if *s == serial.as_slice() {
            args.reason.clone()
        } else {
            format!("with {}: {}", hex(&serial), args.reason)
        };
        crate::ledger::revoke(&tx, s, &reason, now).map_err(&err)?;
    }
    let exp = crate::ledger::exp_of(&tx, &serial).map_err(&err)?;
    tx.commit().map_err(&err)?;
    let until = |e: Option<u64>| {
        e.map_or("it has no end date".to_owned(), |e| {
            format!("until {}", format_time(e))
        })
    };
    writeln!(
        out,
        "revoked {}: it no longer counts against its parent's allocation, and nothing more may be minted under it",
        hex(&serial)
    )?;
    if args.cascade && !under.is_empty() {
        writeln!(out, "revoked with it: {} license(s) under it", under.len())?;
    } else if !under.is_empty() {
        writeln!(
            out,
            "{} license(s) under it stay recorded and unrevoked (revoke them too with --cascade):",
            under.len()
        )?;
    }
    for d in &under {
        writeln!(
            out,
            "  {}{} {} ({})",
            "  ".repeat(d.depth.saturating_sub(1)),
            hex(&d.serial),
            safe(&d.subject),
            until(d.exp)
        )?;
    }
    writeln!(
        out,
        "on panels: revoking is recorded here only; a panel holding it keeps it valid ({}) until revocation reaches it",
        until(exp)
    )?;
    Ok(0)
}

/// Whether `serial`, revoked, fits its parent's allocation again beside the
/// licenses minted since: its own record as a new hold.
fn undo_fits(tx: &rusqlite::Connection, serial: &[u8]) -> rusqlite::Result<Result<()>> {
    let (chain, hold) = crate::ledger::recorded_hold(tx, serial)?;
    let damaged = || {
        CliError::usage(
            format!("the stored chain of {} does not check", hex(serial)),
            "the ledger is damaged: restore it from a backup",
        )
    };
    let Ok(container) = Container::decode(&chain) else {
        return Ok(Err(damaged()));
    };
    let Ok(grants) = licet_verifier::check_untimed(&container, None) else {
        return Ok(Err(damaged()));
    };
    if container.len() < 2 {
        return Ok(Ok(())); // a root license: no parent allocation
    }
    let parent = grants.prefix(container.len() - 1);

    Ok(
        match crate::ledger::check_allocation(tx, &parent, &[hold])? {
            None => Ok(()),
            Some(o) => Err(CliError::rejected(
                format!("cannot undo: {}", o.message()),
                "the parent's allocation was handed out since: revoke what replaced it first, or mint anew",
            )),
        },
    )
}

pub fn init(args: &InitArgs, ledger_path: Option<&Path>, out: &mut dyn Write) -> Result<u8> {
    let path = resolve(ledger_path)?;
    let (keys, _) = crate::files::read_root_keys(&args.trust)?;
    let mut ledger = Ledger::create(&path)?;
    let err = |e: rusqlite::Error| db_error(&path, "record the trusted roots", &e);
    let tx = ledger.write()?;
    crate::ledger::add_roots(&tx, &keys, "ledger init --trust", crate::time::now()).map_err(err)?;
    tx.commit().map_err(err)?;
    writeln!(
        out,
        "created ledger {} ({} trusted root(s))",
        safe(&path.display().to_string()),
        keys.len()
    )?;
    Ok(0)
}

pub fn import(
    args: &ImportArgs,
    ledger_path: Option<&Path>,
    out: &mut dyn Write,
    errout: &mut dyn Write,
) -> Result<u8> {
    let now = crate::time::now();
    let (root_keys, roots) = crate::files::read_root_keys(&args.trust)?;
    let mut ledger = Ledger::open(&resolve(ledger_path)?)?;
    let mut problems = 0usize;
    let mut recorded = 0usize;
    for path in &args.files {
        let shown = safe(&path.display().to_string());
        let bytes = read_license(path)?;
        let c = Container::decode(&bytes).map_err(|e| {
            CliError::rejected(
                format!("{shown}: not a valid licet license: {e}"),
                "nothing from it was imported",
            )
        })?;
        // Everything but time: history may have expired.
        let grants = licet_verifier::check_untimed(&c, Some(&roots)).map_err(|e| {
            CliError::rejected(
                format!("{shown}: {}", crate::describe::error_text(&e)),
                "nothing from this file was imported; check --trust",
            )
        })?;
        let path_db = ledger.path.clone();
        let err = move |e: rusqlite::Error| db_error(&path_db, "import", &e);
        let tx = ledger.write()?;
        if let Some(conflict) =
            crate::ledger::first_conflict(&tx, &grants, c.len()).map_err(&err)?
        {
            return Err(conflict.error(&format!("nothing from {shown} was imported")));
        }
        let n = record_ancestors(&tx, &grants, c.len(), now).map_err(&err)?;
        // Only the root that signed this chain becomes a recorded root.
        let signer: Vec<[u8; 32]> = root_keys
            .iter()
            .filter(|k| c.link(0).is_some_and(|l| l.kid == &licet_keys::kid(k)))
            .copied()
            .collect();
        crate::ledger::add_roots(&tx, &signer, "ledger import --trust", now).map_err(&err)?;
        recorded += n;
        // Over-allocation under each parent of the chain.
        for i in 1..c.len() {
            let Some(parent_serial) = c.link(i - 1).map(|l| l.claims.serial) else {
                continue;
            };
            for (name, limit) in crate::ledger::effective_quotas(&grants.prefix(i)) {
                let Some(limit) = limit else { continue };
                let hs = holds(&tx, parent_serial, &name, 0, None).map_err(&err)?;
                let over = match peak(&hs, 0, None) {
                    Some(p) => (p > u64::from(limit)).then_some(p),
                    None => Some(u64::MAX),
                };
                if let Some(p) = over {
                    problems += 1;
                    let o = crate::ledger::OverAllocation {
                        quota: name.clone(),
                        limit,
                        allocated: p,
                        requested: None,
                    };
                    writeln!(
                        errout,
                        "warning: over-allocation under {} ({}): {}; held by {}",
                        c.link(i - 1).map(|l| l.claims.sub.as_str()).unwrap_or(""),
                        hex(parent_serial),
                        o.message(),
                        safe(&crate::ledger::holders_text(&hs))
                    )?;
                }
            }
        }
        tx.commit().map_err(&err)?;
        writeln!(out, "{shown}: {} link(s), {n} new", c.len())?;
    }
    writeln!(out, "recorded {recorded} new link(s)")?;
    if problems > 0 {
        writeln!(
            errout,
            "hint: revoke the excess licenses (`licet revoke`) or have the parent's quota raised"
        )?;
        return Ok(EXIT_REJECTED);
    }
    Ok(0)
}

pub fn plans(args: &PlansArgs, out: &mut dyn Write) -> Result<u8> {
    let plans = crate::plans::load(args.plans.as_deref())?;
    for (name, p) in &plans {
        writeln!(out, "{name}: {}", p.description)?;
        let mut parts = vec![format!("tier {}", p.tier)];
        if p.addon {
            parts.push("add-on".into());
        }
        parts.push(match &p.duration {
            Some(d) => format!("valid {d}"),
            None => "no end date of its own".into(),
        });
        let q = crate::plans::quota_args(p);
        if !q.is_empty() {
            parts.push(format!("quotas {}", q.join(" ")));
        }
        parts.push(match &p.features {
            Some(f) => format!("features {}", f.join(" ")),
            None => "the parent's features".into(),
        });
        for r in crate::plans::role_args(p) {
            parts.push(format!("role {r}"));
        }
        writeln!(out, "  {}", parts.join(", "))?;
    }
    Ok(0)
}
