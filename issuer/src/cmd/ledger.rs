//! `licet ledger init` and `licet ledger import`.

use crate::cli::{ImportArgs, InitArgs};
use crate::error::{CliError, EXIT_REJECTED, Result};
use crate::files::read_license;
use crate::ledger::{Ledger, db_error, holds, peak, record_ancestors, resolve};
use crate::output::{hex, safe};
use licet_common::Container;
use std::io::Write;
use std::path::Path;

pub fn init(args: &InitArgs, ledger_path: Option<&Path>, out: &mut dyn Write) -> Result<u8> {
    let path = resolve(ledger_path)?;
    let (keys, _) = crate::files::read_root_keys(&args.trust)?;
    let mut ledger = Ledger::create(&path)?;
    let err = |e: rusqlite::Error| db_error(&path, "record the trusted roots", &e);
    let tx = ledger.write()?;
    crate::ledger::add_roots(tx.store(), &keys, "ledger init --trust", crate::time::now())
        .map_err(err)?;
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
            crate::ledger::first_conflict(tx.store(), &grants, c.len()).map_err(&err)?
        {
            return Err(conflict.error(&format!("nothing from {shown} was imported")));
        }
        let n = record_ancestors(tx.store(), &grants, c.len(), now).map_err(&err)?;
        // Only the root that signed this chain becomes a recorded root.
        let signer: Vec<[u8; 32]> = root_keys
            .iter()
            .filter(|k| c.link(0).is_some_and(|l| l.kid == &licet_keys::kid(k)))
            .copied()
            .collect();
        crate::ledger::add_roots(tx.store(), &signer, "ledger import --trust", now)
            .map_err(&err)?;
        recorded += n;
        // Over-allocation under each parent of the chain.
        for i in 1..c.len() {
            let Some(parent_serial) = c.link(i - 1).map(|l| l.claims.serial) else {
                continue;
            };
            for (name, limit) in crate::ledger::effective_quotas(&grants.prefix(i)) {
                let Some(limit) = limit else { continue };
                let hs = holds(tx.store(), parent_serial, &name, 0, None).map_err(&err)?;
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
