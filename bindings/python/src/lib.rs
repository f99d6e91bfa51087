//! The Python module `licet._licet`: licet's own code behind the Python
//! API in `python/licet/__init__.py`. Every function returns what the CLI's
//! `--json` would print (the types of `licet_issuer::json`), so the Python
//! objects are exactly `licet verify --json` / `licet inspect --json`; an
//! error that stops a call comes back as the CLI's error document, which
//! the Python layer raises as `LicetError`.

use licet_issuer::error::CliError;
use licet_issuer::json;
use licet_verifier::TrustedRoot;
use pyo3::prelude::*;

/// The error document for `e`, as the CLI prints it with `--json`.
fn error_doc(e: &CliError) -> String {
    json::to_string(&json::ErrorDoc {
        version: json::VERSION,
        error: licet_issuer::describe::error_object(e.class(), &e.message(), &e.hint(), None, None),
    })
}

fn usage(message: impl Into<String>, hint: &str) -> CliError {
    CliError::usage(message, hint)
}

/// Trusted root keys from their 32 bytes each.
fn roots(keys: &[Vec<u8>]) -> Result<Vec<TrustedRoot>, CliError> {
    keys.iter()
        .map(|k| {
            let bytes: [u8; 32] = k.as_slice().try_into().map_err(|_| {
                usage(
                    format!("a trusted root is {} bytes, not 32", k.len()),
                    "pass root keys through licet.root_key()",
                )
            })?;
            TrustedRoot::from_bytes(&bytes).map_err(|e| {
                usage(
                    format!("a trusted root is not a usable key: {e}"),
                    "pass the vendor's root public key",
                )
            })
        })
        .collect()
}

fn now_or(now: Option<u64>) -> u64 {
    now.unwrap_or_else(licet_issuer::time::now)
}

/// A root public key as its 32 bytes, from an SPKI PEM public key (a
/// `.pub` file's text), 64 hex digits (the firmware constant) or the raw
/// 32 bytes. Returns (key, None) or (None, error document).
#[pyfunction]
fn root_key(data: Vec<u8>) -> (Option<Vec<u8>>, Option<String>) {
    match licet_report::root_key_bytes(&data) {
        Ok(k) => (Some(k.to_vec()), None),
        Err(e) => (None, Some(error_doc(&usage(e.message(), e.hint())))),
    }
}

/// The binary license in a file's contents (text as pasted, or binary).
/// Returns (bytes, None) or (None, error document).
#[pyfunction]
fn dearmor(data: Vec<u8>) -> (Option<Vec<u8>>, Option<String>) {
    match licet_issuer::files::decode_license_bytes(&data, "license") {
        Ok(b) => (Some(b), None),
        Err(e) => (None, Some(error_doc(&e))),
    }
}

/// `licet verify --json` for `files` ((name, contents) pairs) on a panel
/// of `group`; `builtin` is the firmware's Basic entitlement as TOML.
#[pyfunction]
#[pyo3(signature = (files, roots_bytes, group, now=None, floor=0, device_id=None, builtin=None))]
fn verify_json(
    files: Vec<(String, Vec<u8>)>,
    roots_bytes: Vec<Vec<u8>>,
    group: &str,
    now: Option<u64>,
    floor: u64,
    device_id: Option<&str>,
    builtin: Option<&str>,
) -> String {
    let run = || -> Result<String, CliError> {
        let roots = roots(&roots_bytes)?;
        if roots.is_empty() {
            return Err(usage(
                "no trusted root key",
                "pass the vendor's root public key (trust=...)",
            ));
        }
        let builtin = builtin
            .map(|t| licet_issuer::builtin::parse(t, "(builtin_basic)"))
            .transpose()?;
        let doc = licet_issuer::cmd::verify::verify_doc(
            &files,
            &roots,
            group,
            device_id,
            now_or(now),
            floor,
            builtin.as_ref(),
        )?;
        Ok(json::to_string(&doc))
    };
    run().unwrap_or_else(|e| error_doc(&e))
}

/// `licet inspect --json`'s report of one license (text or binary).
#[pyfunction]
#[pyo3(signature = (license, roots_bytes, group=None, now=None, device_id=None))]
fn inspect_json(
    license: Vec<u8>,
    roots_bytes: Vec<Vec<u8>>,
    group: Option<&str>,
    now: Option<u64>,
    device_id: Option<&str>,
) -> String {
    let run = || -> Result<String, CliError> {
        let roots = roots(&roots_bytes)?;
        let (_, _, file) = licet_issuer::cmd::inspect::inspect_license(
            &license,
            &roots,
            group,
            device_id,
            now_or(now),
        )?;
        Ok(json::to_string(&file))
    };
    run().unwrap_or_else(|e| error_doc(&e))
}

#[pymodule]
fn _licet(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(root_key, m)?)?;
    m.add_function(wrap_pyfunction!(dearmor, m)?)?;
    m.add_function(wrap_pyfunction!(verify_json, m)?)?;
    m.add_function(wrap_pyfunction!(inspect_json, m)?)?;
    m.add("JSON_VERSION", json::VERSION)?;
    Ok(())
}
