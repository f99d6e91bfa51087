//! `licet inspect`: what a license says, and every problem with it.

use crate::cli::InspectArgs;
use crate::describe::{JSON_VERSION, error_json, link_json, link_text};
use crate::error::{CliError, EXIT_REJECTED, Result};
use crate::files::{read_license, read_roots};
use crate::output::{hex, safe};
use crate::time::parse_time;
use licet_common::Container;
use licet_verifier::{
    Error, Group, TrustedRoot, check_chain, check_signature, check_time, each_narrowing_violation,
};
use serde_json::{Value, json};
use std::io::Write;

/// What inspect found for one link.
struct LinkReport<'a> {
    signature: &'static str,
    problems: Vec<Error<'a>>,
}

fn check_links<'a>(c: &Container<'a>, roots: &[TrustedRoot], now: u64) -> Vec<LinkReport<'a>> {
    let mut prev = None;
    let mut out = Vec::new();
    for (i, link) in c.links().enumerate() {
        let mut problems = Vec::new();
        let signature = if i == 0 && roots.is_empty() {
            "unchecked (no --trust)"
        } else {
            match check_signature(i, link, prev, roots) {
                Ok(()) => "valid",
                Err(e) => {
                    problems.push(e);
                    "INVALID"
                }
            }
        };
        if let Err(e) = check_chain(i, link, prev) {
            problems.push(e);
        }
        if let Err(e) = check_time(i, link, now) {
            problems.push(e);
        }
        each_narrowing_violation(c, i, link, &mut |e| {
            problems.push(e);
            true
        });
        out.push(LinkReport {
            signature,
            problems,
        });
        prev = Some(link);
    }
    out
}

/// A short hex excerpt of `bytes` around `offset`, for decode errors.
fn excerpt(bytes: &[u8], offset: usize) -> String {
    let start = offset.saturating_sub(8);
    let end = offset.saturating_add(8).min(bytes.len());
    let before = bytes
        .get(start..offset.min(bytes.len()))
        .map(hex)
        .unwrap_or_default();
    let after = bytes
        .get(offset.min(bytes.len())..end)
        .map(hex)
        .unwrap_or_default();
    format!("...{before} >>{after}...")
}

pub fn run(args: &InspectArgs, out: &mut dyn Write) -> Result<u8> {
    let now = match &args.at {
        Some(t) => parse_time(t, crate::time::now(), "--at")?,
        None => crate::time::now(),
    };
    let roots = read_roots(&args.trust)?;
    let group = args
        .group
        .as_deref()
        .map(|g| {
            Group::parse(g).map_err(|e| {
                CliError::usage(
                    format!("--group {}: {e}", safe(g)),
                    "a group id looks like acme/dist-7/dealer-3",
                )
            })
        })
        .transpose()?;
    let file = safe(&args.file.display().to_string());
    let bytes = match read_license(&args.file) {
        Ok(b) => b,
        Err(e) if e.code == EXIT_REJECTED => {
            if args.json {
                writeln!(
                    out,
                    "{}",
                    json!({"version": JSON_VERSION, "file": file, "decoded": false, "valid": false, "error": {"code": "decode", "message": e.message}, "links": []})
                )?;
            } else {
                writeln!(
                    out,
                    "{file}: cannot decode\n  {}\n  hint: {}",
                    e.message, e.hint
                )?;
            }
            return Ok(EXIT_REJECTED);
        }
        Err(e) => return Err(e),
    };
    let container = match Container::decode(&bytes) {
        Ok(c) => c,
        Err(d) => {
            let e = Error::Decode(d);
            if args.json {
                writeln!(
                    out,
                    "{}",
                    json!({"version": JSON_VERSION, "file": file, "decoded": false, "valid": false, "error": error_json(&e), "links": []})
                )?;
            } else {
                writeln!(out, "{file}: {} bytes, cannot decode", bytes.len())?;
                writeln!(out, "  decoding failed at byte {}: {}", d.offset, d.kind)?;
                writeln!(out, "  bytes there: {}", excerpt(&bytes, d.offset))?;
            }
            return Ok(EXIT_REJECTED);
        }
    };
    let reports = check_links(&container, &roots, now);
    let mut overall: Vec<Error<'_>> = Vec::new();
    if let (Some(g), Some(leaf)) = (group, container.leaf()) {
        if !leaf.claims.sub.contains(&g) {
            overall.push(Error::WrongGroup {
                licensed: leaf.claims.sub,
                device: g,
            });
        }
    }
    let problem_count = reports.iter().map(|r| r.problems.len()).sum::<usize>() + overall.len();
    let unchecked = roots.is_empty();
    if args.json {
        let links: Vec<Value> = container
            .links()
            .zip(&reports)
            .enumerate()
            .map(|(i, (l, r))| {
                let mut v = link_json(i, l);
                v["signature"] = Value::from(r.signature);
                v["problems"] = Value::from(r.problems.iter().map(error_json).collect::<Vec<_>>());
                v
            })
            .collect();
        let v = json!({
            "version": JSON_VERSION,
            "file": file,
            "decoded": true,
            "bytes": bytes.len(),
            "at": now,
            "root_checked": !unchecked,
            "valid": problem_count == 0 && !unchecked,
            "links": links,
            "problems": overall.iter().map(error_json).collect::<Vec<_>>(),
        });
        writeln!(out, "{v}")?;
    } else {
        writeln!(
            out,
            "{file}: licet license, {} bytes, {} link(s), checked at {}",
            bytes.len(),
            container.len(),
            crate::time::format_time(now)
        )?;
        for (i, (link, report)) in container.links().zip(&reports).enumerate() {
            write!(out, "{}", link_text(i, link, now))?;
            writeln!(out, "    signature   {}", report.signature)?;
            for p in &report.problems {
                writeln!(out, "    PROBLEM     {p}")?;
            }
        }
        for p in &overall {
            writeln!(out, "PROBLEM {p}")?;
        }
        match (problem_count, unchecked) {
            (0, false) => writeln!(out, "result: no problems found")?,
            (0, true) => writeln!(
                out,
                "result: no problems found, but the root signature was not checked (pass --trust ROOT.pub)"
            )?,
            (n, _) => writeln!(out, "result: {n} problem(s) found")?,
        }
    }
    Ok(if problem_count == 0 { 0 } else { EXIT_REJECTED })
}
