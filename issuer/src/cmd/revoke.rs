//! `licet revoke`: mark a license revoked in the ledger (with `--cascade`
//! its subtree, with `--undo` back), saying what it strands.

use crate::cli::RevokeArgs;
use crate::error::{CliError, Result};
use crate::files::read_license;
use crate::ledger::{Ledger, db_error, resolve};
use crate::output::{hex, safe};
use crate::time::format_time;
use licet_common::Container;
use std::io::Write;
use std::path::Path;

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

pub fn run(args: &RevokeArgs, ledger_path: Option<&Path>, out: &mut dyn Write) -> Result<u8> {
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
    let state = crate::ledger::revoked_at(tx.store(), &serial).map_err(&err)?;
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
        undo_fits(tx.store(), &serial).map_err(&err)??;
        crate::ledger::unrevoke(tx.store(), &serial, &args.reason, now).map_err(&err)?;
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
    let under = crate::ledger::descendants(tx.store(), &serial).map_err(&err)?;
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
        crate::ledger::revoke(tx.store(), s, &reason, now).map_err(&err)?;
    }
    let exp = crate::ledger::exp_of(tx.store(), &serial).map_err(&err)?;
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
fn undo_fits(tx: crate::ledger::Store<'_>, serial: &[u8]) -> rusqlite::Result<Result<()>> {
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
