//! `licet verify`: what a panel decides, with exit 0 valid, 1 rejected.

use crate::cli::VerifyArgs;
use crate::describe::{JSON_VERSION, entitlements_json, entitlements_text, error_json};
use crate::error::{CliError, EXIT_REJECTED, Result};
use crate::files::{read_license, read_roots};
use crate::output::safe;
use crate::time::parse_time;
use licet_verifier::{Device, Error, Group};
use std::io::Write;

/// The hint for a rejection.
pub fn hint(e: &Error<'_>) -> &'static str {
    match e {
        Error::Decode(_) => "the file is damaged or not a licet license; run `licet inspect` on it",
        Error::UnknownRoot { .. } => {
            "check --trust: pass the vendor root key the license was minted under"
        }
        Error::NotYetValid { .. } | Error::Expired { .. } => {
            "check the device clock (--at), or ask the issuer for a license valid now"
        }
        Error::WrongGroup { .. } => {
            "licenses cannot move between groups: use the license minted for this group"
        }
        Error::DeviceNotBound => {
            "pass the device's id with --device-id, or use the license minted for this device"
        }
        _ => {
            "run `licet inspect --trust ROOT.pub FILE` to see every problem; ask the issuer for a corrected license"
        }
    }
}

/// Runs `verify`; returns the exit code (0 or 1).
pub fn run(args: &VerifyArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let now = match &args.at {
        Some(t) => parse_time(t, crate::time::now(), "--at")?,
        None => crate::time::now(),
    };
    let roots = read_roots(&args.trust)?;
    let group = Group::parse(&args.group).map_err(|e| {
        CliError::usage(
            format!("--group {}: {e}", safe(&args.group)),
            "a group id looks like acme/dist-7/dealer-3",
        )
    })?;
    if let Some(id) = &args.device_id {
        if !licet_common::claims::is_device_id(id) {
            return Err(CliError::usage(
                format!("--device-id {}: invalid device id", safe(id)),
                "device ids are 1-64 printable ASCII characters without spaces",
            ));
        }
    }
    let bytes = match read_license(&args.file) {
        Ok(b) => b,
        Err(e) if e.code == EXIT_REJECTED && args.json => {
            let v = serde_json::json!({"version": JSON_VERSION, "valid": false, "error": {"code": "decode", "message": e.message, "link": null, "offset": null}});
            writeln!(out, "{v}")?;
            return Ok(EXIT_REJECTED);
        }
        Err(e) => return Err(e),
    };
    let device = Device {
        group,
        device_id: args.device_id.as_deref(),
        now,
    };
    match licet_verifier::verify(&bytes, &roots, &device) {
        Ok(lic) => {
            if args.json {
                let v = serde_json::json!({"version": JSON_VERSION, "valid": true, "at": now, "license": entitlements_json(&lic, now)});
                writeln!(out, "{v}")?;
            } else {
                writeln!(out, "VALID for {}", device.group)?;
                write!(out, "{}", entitlements_text(&lic, now))?;
            }
            Ok(0)
        }
        Err(e) => {
            if args.json {
                let v = serde_json::json!({"version": JSON_VERSION, "valid": false, "at": now, "error": error_json(&e)});
                writeln!(out, "{v}")?;
            } else {
                writeln!(out, "REJECTED")?;
                writeln!(err, "error: {e}")?;
                writeln!(err, "hint: {}", hint(&e))?;
            }
            Ok(EXIT_REJECTED)
        }
    }
}
