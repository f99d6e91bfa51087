//! Plans: named templates for `licet issue --plan NAME`.
//!
//! Built-in plans (docs/CLI.md): `trial` (5 sip_numbers, 10 app_installs, 1
//! integration, all the parent's features, 30 days), `basic` (2, 2, 0, no end
//! date of its own), `plus` (10, 20, 2, all the parent's features, one year).
//! Each states all three well-known quotas: a quota a license does not state
//! is the parent's whole value, which it would hold (docs/CLI.md,
//! Allocation); `--no-quota NAME` leaves one out under a parent without it. A plans file (`--plans FILE`, else `LICET_PLANS`,
//! else `$XDG_CONFIG_HOME/licet/plans.toml` when it exists) adds plans or
//! replaces built-in ones by name:
//!
//! ```toml
//! [plans.gold]
//! description = "Plus with more numbers"
//! tier = "plus"
//! duration = "365d"
//! quotas = { sip_numbers = 40, app_installs = 100 }
//! features = ["video", "door_api"]
//! roles = { concierge = ["guest_passes"] }
//! remind = "30d"
//! addon = false
//! ```

use crate::error::{CliError, Result};
use crate::output::safe;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Largest plans file read.
const MAX_PLANS_BYTES: u64 = 1 << 20;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    #[serde(default)]
    pub description: String,
    pub tier: String,
    /// Validity from the start, e.g. "30d"; absent: no end date of its own.
    pub duration: Option<String>,
    #[serde(default)]
    pub quotas: BTreeMap<String, toml::Value>,
    /// Absent: the parent's features.
    pub features: Option<Vec<String>>,
    #[serde(default)]
    pub roles: BTreeMap<String, Vec<String>>,
    pub remind: Option<String>,
    #[serde(default)]
    pub addon: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlansFile {
    #[serde(default)]
    plans: BTreeMap<String, Plan>,
}

const BUILTIN: &str = r#"
[plans.trial]
description = "All the parent's features for 30 days: 5 SIP numbers, 10 app installs, 1 integration"
tier = "trial"
duration = "30d"
quotas = { sip_numbers = 5, app_installs = 10, integrations = 1 }

[plans.basic]
description = "Free with every panel: 2 SIP numbers, 2 app installs, no integrations, no end date of its own"
tier = "basic"
quotas = { sip_numbers = 2, app_installs = 2, integrations = 0 }

[plans.plus]
description = "10 SIP numbers, 20 app installs, 2 integrations, all the parent's features, one year"
tier = "plus"
duration = "365d"
quotas = { sip_numbers = 10, app_installs = 20, integrations = 2 }
"#;

fn parse(text: &str, source: &str) -> Result<BTreeMap<String, Plan>> {
    let f: PlansFile = toml::from_str(text).map_err(|e| {
        CliError::usage(
            format!("plans file {source}: {}", toml_error(text, &e)),
            "fix the plans file (see docs/CLI.md, Plans)",
        )
    })?;
    for (name, p) in &f.plans {
        validate(name, p).map_err(|m| {
            CliError::usage(
                format!("plans file {source}: plan {name}: {m}"),
                "fix the plans file (see docs/CLI.md, Plans)",
            )
        })?;
    }
    Ok(f.plans)
}

/// A TOML error on one line: where (line and column) and the cause, which
/// the parser's own text puts after a snippet of the file.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let cause = safe(e.message().trim());
    match e.span() {
        Some(span) => {
            let before = text.get(..span.start).unwrap_or(text);
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: {cause}")
        }
        None => cause,
    }
}

fn validate(name: &str, p: &Plan) -> std::result::Result<(), String> {
    if !licet_common::claims::is_name(name) {
        return Err("plan names are 1-32 of a-z 0-9 _ - . starting with a letter".into());
    }
    if !matches!(p.tier.as_str(), "trial" | "basic" | "plus") {
        return Err(format!(
            "tier {:?} is not trial, basic or plus",
            safe(&p.tier)
        ));
    }
    for d in [&p.duration, &p.remind].into_iter().flatten() {
        if crate::time::parse_duration(d).is_none() {
            return Err(format!("{:?} is not a duration like 30d", safe(d)));
        }
    }
    if p.quotas.values().any(|v| quota_value(v).is_none()) {
        return Err(QUOTA_VALUES.into());
    }
    Ok(())
}

/// What a quota value in a TOML file may be.
pub const QUOTA_VALUES: &str = "quota values are counts from 0 to 4294967295 or \"unlimited\"";

/// A quota value as TOML files write it (plans, the built-in Basic): a
/// count from 0 to 4294967295, or "unlimited".
pub fn quota_value(v: &toml::Value) -> Option<licet_common::Quota> {
    match v {
        toml::Value::Integer(n) => u32::try_from(*n).ok().map(licet_common::Quota::Count),
        toml::Value::String(s) if s == "unlimited" => Some(licet_common::Quota::Unlimited),
        _ => None,
    }
}

/// Where a user's plans file is, if any.
fn user_file(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("LICET_PLANS").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let p = base.join("licet").join("plans.toml");
    p.exists().then_some(p)
}

/// The built-in plans, with the user's file over them.
pub fn load(explicit: Option<&Path>) -> Result<BTreeMap<String, Plan>> {
    let mut plans = parse(BUILTIN, "(built in)")?;
    if let Some(path) = user_file(explicit) {
        use std::io::Read;
        let mut text = String::new();
        std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_PLANS_BYTES).read_to_string(&mut text))
            .map_err(|e| crate::error::io_error(&path, "read plans file", &e))?;
        plans.extend(parse(&text, &safe(&path.display().to_string()))?);
    }
    Ok(plans)
}

/// Plan `name`, or an error listing the plans there are.
pub fn get(plans: &BTreeMap<String, Plan>, name: &str) -> Result<Plan> {
    plans.get(name).cloned().ok_or_else(|| {
        CliError::usage(
            format!("no plan named {}", safe(name)),
            format!(
                "plans: {} (`licet plans` lists them)",
                plans.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

/// The plan's quotas as `--quota` arguments.
pub fn quota_args(p: &Plan) -> Vec<String> {
    p.quotas
        .iter()
        .map(|(n, v)| match v {
            toml::Value::Integer(i) => format!("{n}={i}"),
            _ => format!("{n}=unlimited"),
        })
        .collect()
}

/// The plan's roles as `--role` arguments.
pub fn role_args(p: &Plan) -> Vec<String> {
    p.roles
        .iter()
        .map(|(r, g)| format!("{r}={}", g.join(",")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_plans_parse() {
        let p = parse(BUILTIN, "b").unwrap();
        assert_eq!(p.keys().collect::<Vec<_>>(), ["basic", "plus", "trial"]);
        assert_eq!(
            quota_args(&p["basic"]),
            ["app_installs=2", "integrations=0", "sip_numbers=2"]
        );
        assert_eq!(p["trial"].duration.as_deref(), Some("30d"));
        assert!(p["trial"].features.is_none());
    }

    #[test]
    fn fail_bad_plans() {
        for bad in [
            "[plans.x]\ntier = \"gold\"",
            "[plans.x]\ntier = \"plus\"\nduration = \"soon\"",
            "[plans.x]\ntier = \"plus\"\nquotas = { a = -1 }",
            "[plans.x]\ntier = \"plus\"\ncolour = \"red\"",
            "[plans.X]\ntier = \"plus\"",
            "not toml",
        ] {
            assert!(parse(bad, "t").is_err(), "{bad}");
        }
    }

    /// Issue 12, plans: errors were cut to their first line ("TOML parse
    /// error at line N") and lost their cause.
    #[test]
    fn plans_errors_name_the_place_and_the_cause() {
        let text = "[plans.x]\ntier = \"plus\"\nduration = 30\n";
        let e = parse(text, "p.toml").unwrap_err();
        assert!(
            e.message()
                .starts_with("plans file p.toml: line 3, column 12: ")
                && e.message().contains("invalid type")
                && !e.message().contains('\n'),
            "{}",
            e.message()
        );
    }
}
