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

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    quotas: BTreeMap<String, toml::Value>,
    #[serde(default)]
    features: Vec<String>,
    #[serde(default)]
    roles: BTreeMap<String, Vec<String>>,
}

/// A built-in Basic entitlement as read from its file, checked.
#[derive(Debug)]
pub struct BuiltinFile {
    quotas: Vec<(String, Quota)>,
    features: Vec<String>,
    roles: BTreeMap<String, Vec<String>>,
}

impl BuiltinFile {
    /// Runs `f` with the verifier's view of this entitlement.
    pub fn with<R>(&self, f: impl FnOnce(&Builtin<'_>) -> R) -> R {
        let quotas: Vec<(&str, Quota)> =
            self.quotas.iter().map(|(n, q)| (n.as_str(), *q)).collect();
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

fn bad(shown: &str, what: String) -> CliError {
    CliError::usage(
        format!("--builtin-basic {shown}: {what}"),
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
    parse(&text, &safe(&path.display().to_string()))
}

/// Checks a built-in Basic entitlement written as TOML; `shown` names it in
/// errors.
pub fn parse(text: &str, shown: &str) -> Result<BuiltinFile> {
    let path = shown;
    let raw: Raw = toml::from_str(text).map_err(|e| bad(path, e.to_string().replace('\n', " ")))?;
    let mut quotas = Vec::new();
    for (name, value) in &raw.quotas {
        if !is_name(name) {
            return Err(bad(path, format!("quota {}: invalid name", safe(name))));
        }
        let q = crate::plans::quota_value(value).ok_or_else(|| {
            let shown = match value {
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::String(s) => format!("{:?}", safe(s)),
                other => other.type_str().to_owned(),
            };
            bad(
                path,
                format!("quota {name} = {shown}: {}", crate::plans::QUOTA_VALUES),
            )
        })?;
        quotas.push((name.clone(), q));
    }
    let names = raw
        .features
        .iter()
        .chain(raw.roles.keys())
        .chain(raw.roles.values().flatten());
    for n in names {
        if !is_name(n) {
            return Err(bad(path, format!("{}: invalid name", safe(n))));
        }
    }
    Ok(BuiltinFile {
        quotas,
        features: raw.features,
        roles: raw.roles,
    })
}
