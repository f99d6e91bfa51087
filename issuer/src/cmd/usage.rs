//! `licet usage GROUP`: what a group holds, what its children take, and
//! who they are (for invoicing).

use crate::cli::UsageArgs;
use crate::describe::JSON_VERSION;
use crate::error::{EXIT_REJECTED, Result};
use crate::ledger::{Ledger, db_error, holds, peak, resolve};
use crate::output::{hex, safe};
use crate::time::{format_time, parse_time};
use std::io::Write;
use std::path::Path;

fn now_or(at: Option<&str>) -> Result<u64> {
    match at {
        Some(t) => parse_time(t, crate::time::now(), "--at"),
        None => Ok(crate::time::now()),
    }
}

pub fn run(args: &UsageArgs, ledger_path: Option<&Path>, out: &mut dyn Write) -> Result<u8> {
    let now = now_or(args.at.as_deref())?;
    let group = crate::request::parse_group("", &args.group)?;
    let delimiter = crate::output::csv_delimiter(args.table.delimiter)?;
    let ledger = Ledger::open(&resolve(ledger_path)?)?;
    let err = |e: rusqlite::Error| db_error(&ledger.path, "read", &e);
    let held = crate::ledger::held_by(ledger.store(), group.as_str(), now).map_err(err)?;
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
        let quotas = crate::ledger::quotas_of(ledger.store(), &h.serial).map_err(err)?;
        // Every license recorded under it, revoked ones too (shown as such);
        // the count is of those still held.
        let filter = crate::ledger::ListFilter {
            parent: Some(&h.serial),
            ..Default::default()
        };
        let under = crate::ledger::list(ledger.store(), &filter, now).map_err(err)?;
        let children = u64::try_from(under.iter().filter(|c| c.revoked_at.is_none()).count())
            .unwrap_or(u64::MAX);
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
            let hs = holds(ledger.store(), &h.serial, &name, from, h.exp).map_err(err)?;
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
            let mut q = crate::json::UsageQuota {
                name: name.clone(),
                limit: limit_u,
                allocated,
                remaining,
                over_allocated: over,
                holders: None,
            };
            if over {
                over_allocations += 1;
                let _ = writeln!(
                    text,
                    "    OVER-ALLOCATED {name}: held by {}",
                    safe(&crate::ledger::holders_text(&hs))
                );
                q.holders = Some(
                    hs.iter()
                        .map(|c| crate::json::Holder {
                            serial: hex(&c.serial),
                            subject: c.subject.clone(),
                            value: c.value,
                            kind: if c.addon { "add-on" } else { "license" }.to_owned(),
                            delegates: c.delegates,
                        })
                        .collect(),
                );
            }
            qs.push(q);
        }
        if !under.is_empty() {
            let _ = writeln!(text, "    licenses under it:");
        }
        for c in &under {
            let _ = writeln!(text, "      {}", crate::describe::listed_text(c));
        }
        licenses.push(crate::json::UsageLicense {
            serial: hex(&h.serial),
            tier: h.tier.clone(),
            kind: h.kind.clone(),
            nbf: h.nbf,
            exp: h.exp,
            contact: h.contact.clone(),
            children,
            quotas: qs,
            under: under.clone(),
        });
        child_rows.extend(under);
    }
    if args.table.json {
        crate::json::print(
            out,
            &crate::json::UsageDoc {
                version: JSON_VERSION,
                group: group.as_str().to_owned(),
                at: now,
                licenses,
            },
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
                .map(|c| crate::describe::listed_csv_row(c, &names)),
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
