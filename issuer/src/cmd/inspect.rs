//! `licet inspect`: what a license says, and every problem with it. The
//! report itself is [`licet_report::inspect()`]; this reads the files, the
//! roots and the ledger for it.

use crate::cli::InspectArgs;
use crate::cmd::verify::read_inputs;
use crate::error::{EXIT_REJECTED, Result};
use crate::files::read_roots;
use crate::json;
use crate::ledger::Ledger;
use crate::time::parse_time;
use licet_report::{Input, Report};
use licet_verifier::TrustedRoot;
use std::io::Write;

/// Inspects the raw contents of a license file (text or binary) without
/// trust roots or group, as `licet inspect FILE` does: for tools and fuzzing.
/// Returns (problems found, text report, JSON report).
pub fn inspect_bytes(raw: &[u8], now: u64) -> (usize, String, json::InspectFile) {
    let r = licet_report::inspect(&[Input::new("input", raw)], &[], None, None, now, None);
    into_one(r)
}

/// What `licet inspect --json` reports for one license in memory (text or
/// binary), checked against `roots` for `group` at `now` without a ledger:
/// for the Python binding. Returns (problems found, text report, JSON).
pub fn inspect_license(
    raw: &[u8],
    roots: &[TrustedRoot],
    group: Option<&str>,
    device_id: Option<&str>,
    now: u64,
) -> Result<(usize, String, json::InspectFile)> {
    let group = group
        .map(|g| crate::request::parse_group("group ", g))
        .transpose()?;
    let r = licet_report::inspect(
        &[Input::new("license", raw)],
        roots,
        group,
        device_id,
        now,
        None,
    );
    Ok(into_one(r))
}

/// The one file's part of a report on one file.
fn into_one(mut r: Report) -> (usize, String, json::InspectFile) {
    let file = r.doc.files.pop().unwrap_or_else(|| json::InspectFile {
        file: String::new(),
        verdict: String::new(),
        decoded: false,
        bytes: None,
        root_checked: None,
        valid: false,
        error: None,
        links: Vec::new(),
        problems: Vec::new(),
    });
    (r.problems, r.text, file)
}

pub fn run(
    args: &InspectArgs,
    ledger: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<u8> {
    let now = match &args.at {
        Some(t) => parse_time(t, crate::time::now(), "--at")?,
        None => crate::time::now(),
    };
    let roots = read_roots(&args.trust)?;
    let group = args
        .group
        .as_deref()
        .map(|g| crate::request::parse_group("--group ", g))
        .transpose()?;
    if let Some(id) = &args.device_id {
        crate::request::parse_device_id("--device-id", id)?;
    }
    // The ledger's facts when there is one: the one named, or the default
    // one when it exists (inspect works without any).
    let ledger = match ledger {
        Some(p) => Some(Ledger::open(p)?),
        None => crate::ledger::default_path()
            .filter(|p| p.exists())
            .map(|p| Ledger::open(&p))
            .transpose()?,
    };
    let records = ledger.as_ref().map(|led| {
        move |serial: &[u8]| {
            crate::ledger::listed(led.store(), serial, now)
                .ok()
                .flatten()
        }
    });
    let inputs = read_inputs(&args.files)?;
    let report = licet_report::inspect(
        &inputs,
        &roots,
        group,
        args.device_id.as_deref(),
        now,
        records
            .as_ref()
            .map(|f| f as &dyn Fn(&[u8]) -> Option<json::Listed>),
    );
    if args.json {
        json::print(out, &report.doc)?;
    } else {
        write!(out, "{}", report.text)?;
    }
    Ok(if report.problems == 0 {
        0
    } else {
        EXIT_REJECTED
    })
}
