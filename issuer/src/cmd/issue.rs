//! `licet issue`: mint one link and write the chain it completes.
//!
//! Every limit is checked before signing, by the verifier's own rule checks
//! run over the candidate chain (`crate::mint`): what `licet issue` allows
//! is exactly what a panel accepts. `--batch` is `crate::cmd::batch`.

use crate::cli::IssueArgs;
use crate::error::{CliError, Result};
use crate::files::{read_parent, write_output};
use crate::mint::{build_claims, file_form, mint};
use crate::minter::{Minter, ledger_err, over_allocation};
use crate::output::{hex, safe};
use crate::request::{Request, apply_flags, request_from_plan};
use crate::time::parse_time;
use licet_common::{Container, Kind};
use licet_verifier::check_candidate;
use std::io::Write;

fn usage(msg: impl Into<String>, hint: &str) -> CliError {
    CliError::usage(msg, hint)
}

/// The time `licet issue` mints at (`--now` in tests) and its plan, for one
/// license or a batch.
pub fn now_and_plan(args: &IssueArgs) -> Result<(u64, Option<crate::plans::Plan>)> {
    let now = match &args.now {
        Some(t) => parse_time(t, crate::time::now(), "--now")?,
        None => crate::time::now(),
    };
    let plan = match &args.plan {
        Some(name) => Some(crate::plans::get(
            &crate::plans::load(args.plans.as_deref())?,
            name,
        )?),
        None => None,
    };
    Ok((now, plan))
}

pub fn run(
    args: &IssueArgs,
    plan: Option<&crate::plans::Plan>,
    now: u64,
    ledger_path: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<()> {
    let mut request = match plan {
        Some(p) => request_from_plan(p)?,
        None => Request::default(),
    };
    request.subject = args.subject.clone().unwrap_or_default();
    apply_flags(&mut request, args, now)?;
    let Some(out_path) = &args.out else {
        return Err(usage(
            "--out is required",
            "name the license file to write with --out OUT.lic",
        ));
    };
    if !args.force && out_path.exists() {
        return Err(crate::error::io_error(
            out_path,
            "write",
            &std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        ));
    }
    let parent_bytes = args.parent.as_deref().map(read_parent).transpose()?;
    let mut ledger = crate::ledger::Ledger::open(&crate::ledger::resolve(ledger_path)?)?;
    let minter = Minter::new(args, parent_bytes.as_deref(), &ledger, now)?;
    let claims = build_claims(&request, minter.parent_leaf().as_ref(), now)?;
    let bytes = mint(&claims, &minter.key, minter.parent.as_ref())?;
    let (file, format) = file_form(&bytes, args.binary);

    // Record, checking the parent's allocation, then write the file.
    let container = Container::decode(&bytes)
        .map_err(|e| usage(format!("internal error: {e}"), "report this as a bug"))?;
    // Our own output, checked before signing and its signature verified.
    let grants = check_candidate(&container)
        .map_err(|e| usage(format!("internal error: {e}"), "report this as a bug"))?;
    let i = container.len() - 1;
    let shown_out = safe(&out_path.display().to_string());
    let record = crate::ledger::record_of(
        &grants,
        &bytes,
        &file,
        "issued",
        request.contact.as_deref(),
        args.plan.as_deref(),
        Some(shown_out.clone()),
        format,
        now,
    )
    .ok_or_else(|| usage("internal error: no link to record", "report this as a bug"))?;
    {
        let err = ledger_err(&ledger, "record the license");
        let tx = ledger.write()?;
        if let Some(conflict) =
            crate::ledger::first_conflict(tx.store(), &grants, i).map_err(&err)?
        {
            return Err(conflict.error("the new license was neither recorded nor written"));
        }
        crate::ledger::record_ancestors(tx.store(), &grants, i, now).map_err(&err)?;
        if let Some(p) = minter.parent_grants()? {
            let hold = crate::ledger::NewHold {
                nbf: claims.nbf,
                exp: claims.exp,
                quotas: record.quotas.clone(),
                subject: claims.sub.clone(),
                addon: claims.kind == Kind::AddOn,
                delegates: claims.cnf.is_some(),
            };
            if let Some(o) =
                crate::ledger::check_allocation(tx.store(), &p, &[hold]).map_err(&err)?
            {
                return Err(over_allocation("refused", &o, &claims.quotas));
            }
        }
        crate::ledger::insert(tx.store(), &record).map_err(&err)?;
        minter.record_roots(tx.store(), now).map_err(&err)?;
        tx.commit().map_err(&err)?;
    }
    if let Err(e) = write_output(out_path, &file, args.force) {
        // Not delivered: take the record back so the ledger matches the files.
        let err = ledger_err(&ledger, "undo the record");
        let tx = ledger.write()?;
        crate::ledger::delete_record(tx.store(), &claims.serial).map_err(&err)?;
        tx.commit().map_err(&err)?;
        return Err(e);
    }
    if args.json {
        crate::json::print(
            out,
            &crate::json::IssueDoc {
                version: crate::json::VERSION,
                serial: hex(&claims.serial),
                parent: claims.parent.as_ref().map(|p| hex(p)),
                issuer: claims.iss.to_string(),
                subject: claims.sub.to_string(),
                tier: claims.tier.to_string(),
                kind: claims.kind.name().to_owned(),
                delegates: claims.cnf.is_some(),
                nbf: claims.nbf,
                exp: claims.exp,
                links: container.len(),
                file: shown_out,
                format: format.to_owned(),
                bytes: file.len(),
                sha256: hex(&record.sha256),
            },
        )?;
    } else {
        writeln!(
            out,
            "minted {} for {} ({}, {}), chain of {} links -> {}",
            hex(&claims.serial),
            claims.sub,
            claims.tier,
            claims.kind.name(),
            container.len(),
            shown_out
        )?;
    }
    Ok(())
}
