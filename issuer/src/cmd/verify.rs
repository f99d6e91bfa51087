//! `licet verify`: what a panel decides for the licenses it holds.
//! Exit 0 when a license is in effect, 1 when none is.

use crate::cli::VerifyArgs;
use crate::describe::{error_json, evaluation_json, evaluation_text};
use crate::error::{CliError, EXIT_REJECTED, Result};
use crate::files::{read_raw, read_roots, shown_path};
use crate::time::parse_time;
use licet_verifier::{Device, Error, LicenseStatus, Options, evaluate_with};
use std::io::Write;
use std::path::PathBuf;

pub use licet_report::describe::hint;

pub use licet_report::Input;

/// A device holds at most [`licet_verifier::MAX_LICENSES`] licenses.
fn at_most_a_device(count: usize) -> Result<()> {
    licet_report::args::at_most_a_device(count).map_err(|r| CliError::usage(r.message, r.hint))
}

/// Reads license files; I/O errors stop, damaged files are kept as entries.
pub fn read_inputs(paths: &[PathBuf]) -> Result<Vec<Input>> {
    at_most_a_device(paths.len())?;
    if paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(CliError::usage(
            "standard input (-) is given more than once",
            "pass - once; give the other licenses as files",
        ));
    }
    paths
        .iter()
        .map(|p| {
            let raw = read_raw(p)?;
            let name = shown_path(p);
            Ok(Input {
                bytes: licet_report::decode_license_bytes(&raw, &name),
                name,
            })
        })
        .collect()
}

/// The files that could be read as licenses, for evaluation, and for each
/// evaluation slot the position of its file among `inputs` (files that
/// could not even be read are left out of the evaluation and reported).
pub fn readable(inputs: &[Input]) -> (Vec<&[u8]>, Vec<usize>) {
    inputs
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.bytes.as_ref().ok().map(|b| (b.as_slice(), i)))
        .unzip()
}

/// The panel's evaluation of `licenses` (the readable files), with the
/// floor and the firmware's built-in Basic.
fn evaluate_set<'a>(
    roots: &[licet_verifier::TrustedRoot],
    licenses: &[&'a [u8]],
    device: &Device<'a>,
    floor: u64,
    builtin: Option<&crate::builtin::BuiltinFile>,
) -> std::result::Result<licet_verifier::Evaluation<'a>, Error<'a>> {
    match builtin {
        Some(file) => file.with(|b| {
            let options = Options {
                floor,
                builtin: Some(b),
                cache: None,
            };
            evaluate_with(roots, licenses, device, options)
        }),
        None => evaluate_with(
            roots,
            licenses,
            device,
            Options {
                floor,
                ..Options::default()
            },
        ),
    }
}

/// What `licet verify --json` prints, for licenses in memory (the Python
/// binding): `files` are (name, contents: text or binary) pairs.
pub fn verify_doc(
    files: &[(String, Vec<u8>)],
    roots: &[licet_verifier::TrustedRoot],
    group: &str,
    device_id: Option<&str>,
    now: u64,
    floor: u64,
    builtin: Option<&crate::builtin::BuiltinFile>,
) -> Result<crate::json::VerifyDoc> {
    let group = crate::request::parse_group("group ", group)?;
    if let Some(id) = device_id {
        crate::request::parse_device_id("device id", id)?;
    }
    at_most_a_device(files.len())?;
    let inputs: Vec<Input> = files
        .iter()
        .map(|(name, raw)| Input::new(name, raw))
        .collect();
    let (slices, map) = readable(&inputs);
    let device = Device {
        group,
        device_id,
        now,
    };
    Ok(
        match evaluate_set(roots, &slices, &device, floor, builtin) {
            Ok(eval) => crate::describe::evaluation_json(&eval, &inputs, &map, group),
            Err(e) => crate::json::VerifyDoc::unevaluated(now, error_json(&e)),
        },
    )
}

/// Runs `verify`; returns the exit code (0 or 1).
pub fn run(args: &VerifyArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let now = match &args.at {
        Some(t) => parse_time(t, crate::time::now(), "--at")?,
        None => crate::time::now(),
    };
    let floor = args
        .floor
        .as_deref()
        .map(|t| parse_time(t, now, "--floor"))
        .transpose()?
        .unwrap_or(0);
    let roots = read_roots(&args.trust)?;
    let group = crate::request::parse_group("--group ", &args.group)?;
    if let Some(id) = &args.device_id {
        crate::request::parse_device_id("--device-id", id)?;
    }
    let inputs = read_inputs(&args.files)?;
    let (slices, map) = readable(&inputs);
    let device = Device {
        group,
        device_id: args.device_id.as_deref(),
        now,
    };
    let builtin = args
        .builtin_basic
        .as_deref()
        .map(crate::builtin::read)
        .transpose()?;
    let result = evaluate_set(&roots, &slices, &device, floor, builtin.as_ref());
    let eval = match result {
        Ok(e) => e,
        Err(e) => {
            if args.json {
                crate::json::print(
                    out,
                    &crate::json::VerifyDoc::unevaluated(now, error_json(&e)),
                )?;
            } else {
                writeln!(out, "REJECTED")?;
                writeln!(err, "error: {}", crate::describe::error_text(&e))?;
                writeln!(err, "hint: {}", hint(&e))?;
            }
            return Ok(EXIT_REJECTED);
        }
    };
    let in_effect = eval.base_source().is_some();
    if args.json {
        crate::json::print(out, &evaluation_json(&eval, &inputs, &map, group))?;
    } else {
        write!(out, "{}", evaluation_text(&eval, &inputs, &map, group))?;
        if !in_effect {
            // The first problem, in the order the files were given, is the most useful.
            let mut slot = 0usize;
            let mut first: Option<(String, String)> = None;
            for input in &inputs {
                match &input.bytes {
                    Err(e) => first = first.or(Some((e.message.clone(), e.hint.clone()))),
                    Ok(_) => {
                        if let Some(LicenseStatus::Rejected(e)) = eval.status(slot) {
                            first = first
                                .or(Some((crate::describe::error_text(e), hint(e).to_owned())));
                        }
                        slot += 1;
                    }
                }
            }
            let (message, hint) = first.unwrap_or_else(|| {
                (
                    "only add-ons, and add-ons alone grant nothing".into(),
                    "install the group's base license (e.g. its Basic license)".into(),
                )
            });
            writeln!(err, "error: no license in effect for {group}: {message}")?;
            writeln!(err, "hint: {hint}")?;
        }
    }
    Ok(if in_effect { 0 } else { EXIT_REJECTED })
}
