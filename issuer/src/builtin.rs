//! `licet verify --builtin-basic FILE`: the Basic entitlement a panel's
//! firmware carries as constants, written as TOML for the CLI:
//!
//! ```toml
//! quotas = { sip_numbers = 2, app_installs = 2 }   # a count or "unlimited"
//! features = ["video"]
//! roles = { concierge = ["guest_passes"] }
//! ```

use crate::error::{CliError, Result};
use crate::output::safe;
use licet_common::Quota;
use licet_common::claims::is_name;
use licet_verifier::Builtin;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Largest file read.
const MAX_BYTES: u64 = 64 * 1024;

/// A built-in Basic entitlement as read from its file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltinFile {
    #[serde(default)]
    quotas: BTreeMap<String, toml::Value>,
    #[serde(default)]
    features: Vec<String>,
    #[serde(default)]
    roles: BTreeMap<String, Vec<String>>,
    #[serde(skip)]
    parsed_quotas: Vec<(String, Quota)>,
}

impl BuiltinFile {
    /// Runs `f` with the verifier's view of this entitlement.
    pub fn with<R>(&self, f: impl FnOnce(&Builtin<'_>) -> R) -> R {
        let quotas: Vec<(&str, Quota)> = self
            .parsed_quotas
            .iter()
            .map(|(n, q)| (n.as_str(), *q))
            .collect();
        let features: Vec<&str> = self.features.iter().map(String::as_str).collect();
        let lists: Vec<Vec<&str>> = self
            .roles
            .values()
            .map(|g| g.iter().map(String::as_str).collect())
            .collect();
        let roles: Vec<(&str, &[&str])> = self
            .roles
            .keys()
            .zip(&lists)
            .map(|(r, g)| (r.as_str(), g.as_slice()))
            .collect();
        f(&Builtin {
            quotas: &quotas,
            features: &features,
            roles: &roles,
        })
    }
}

fn bad(path: &Path, what: String) -> CliError {
    CliError::usage(
        format!(
            "--builtin-basic {}: {what}",
            safe(&path.display().to_string())
        ),
        "write quotas = { sip_numbers = 2 }, features = [\"video\"], roles = { concierge = [\"guest_passes\"] } (docs/CLI.md)",
    )
}

/// Reads and checks a built-in Basic file.
pub fn read(path: &Path) -> Result<BuiltinFile> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_BYTES).read_to_string(&mut text))
        .map_err(|e| crate::error::io_error(path, "read", &e))?;
    let mut file: BuiltinFile =
        toml::from_str(&text).map_err(|e| bad(path, e.to_string().replace('\n', " ")))?;
    for (name, value) in &file.quotas {
        if !is_name(name) {
            return Err(bad(path, format!("quota {}: invalid name", safe(name))));
        }
        let q = match value {
            toml::Value::String(s) if s == "unlimited" => Quota::Unlimited,
            toml::Value::Integer(n) => u32::try_from(*n).map(Quota::Count).map_err(|_| {
                bad(
                    path,
                    format!("quota {name} = {n}: not a count from 0 to 4294967295"),
                )
            })?,
            other => {
                return Err(bad(
                    path,
                    format!("quota {name} = {other:?}: give a count or \"unlimited\""),
                ));
            }
        };
        file.parsed_quotas.push((name.clone(), q));
    }
    for n in file
        .features
        .iter()
        .chain(file.roles.keys())
        .chain(file.roles.values().flatten())
    {
        if !is_name(n) {
            return Err(bad(path, format!("{}: invalid name", safe(n))));
        }
    }
    Ok(file)
}
