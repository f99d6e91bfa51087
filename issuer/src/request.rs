//! What a new license asks for, from flags, a plan or a batch row: one
//! parser per value type (tier, quota, names, role grants, devices,
//! contact), shared by `licet issue`, plans and batch files.

use crate::cli::{IssueArgs, TierArg};
use crate::error::{CliError, Result};
use crate::output::safe;
use crate::time::{parse_duration, parse_time};
use licet_common::claims::is_name;
use licet_common::{Quota, Tier};
use std::collections::{BTreeMap, BTreeSet};

fn usage(msg: impl Into<String>, hint: &str) -> CliError {
    CliError::usage(msg, hint)
}

/// A quota value as text — a count or `unlimited` — wherever it is written:
/// `--quota NAME=V`, a plan (through [`crate::plans::quota_args`]) and a
/// batch row's `quota.NAME` cell.
pub(crate) fn parse_quota_value(text: &str) -> Option<Quota> {
    if text == "unlimited" {
        Some(Quota::Unlimited)
    } else {
        text.parse().ok().map(Quota::Count)
    }
}

pub fn parse_quotas(items: &[String]) -> Result<BTreeMap<String, Quota>> {
    let mut out = BTreeMap::new();
    for item in items {
        let hint = "write --quota NAME=N or NAME=unlimited, e.g. --quota sip_numbers=10";
        let (name, value) = item
            .split_once('=')
            .ok_or_else(|| usage(format!("--quota {}: missing '='", safe(item)), hint))?;
        if !is_name(name) {
            return Err(usage(
                format!("--quota {}: invalid name", safe(item)),
                "names are 1-32 of a-z 0-9 _ - . starting with a letter",
            ));
        }
        let q = parse_quota_value(value).ok_or_else(|| {
            usage(
                format!(
                    "--quota {}: {} is not a count from 0 to 4294967295",
                    safe(item),
                    safe(value)
                ),
                hint,
            )
        })?;
        if out.insert(name.to_owned(), q).is_some() {
            return Err(usage(
                format!("--quota {name} is given twice"),
                "give each quota once",
            ));
        }
    }
    Ok(out)
}

pub(crate) fn parse_names(items: &[String], flag: &str) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for n in items {
        if !is_name(n) {
            return Err(usage(
                format!("{flag} {}: invalid name", safe(n)),
                "names are 1-32 of a-z 0-9 _ - . starting with a letter",
            ));
        }
        out.insert(n.clone());
    }
    if out.len() > licet_common::limits::MAX_FEATURES {
        return Err(usage(
            format!("more than {} features", licet_common::limits::MAX_FEATURES),
            "state fewer features",
        ));
    }
    Ok(out)
}

pub fn parse_roles(items: &[String]) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let mut out = BTreeMap::new();
    for item in items {
        let (role, grants) = item.split_once('=').ok_or_else(|| {
            usage(
                format!("--role {}: missing '='", safe(item)),
                "write --role ROLE=F1,F2, e.g. --role concierge=guest_passes",
            )
        })?;
        if !is_name(role) {
            return Err(usage(
                format!("--role {}: invalid role name", safe(item)),
                "names are 1-32 of a-z 0-9 _ - . starting with a letter",
            ));
        }
        let list: Vec<String> = grants
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let set = parse_names(&list, "--role")?;
        if set.len() > licet_common::limits::MAX_ROLE_GRANTS {
            return Err(usage(
                format!(
                    "--role {role}: more than {} grants",
                    licet_common::limits::MAX_ROLE_GRANTS
                ),
                "grant fewer features to the role",
            ));
        }
        if out.insert(role.to_owned(), set).is_some() {
            return Err(usage(
                format!("--role {role} is given twice"),
                "list all of a role's features in one --role ROLE=F1,F2",
            ));
        }
    }
    if out.len() > licet_common::limits::MAX_ROLES {
        return Err(usage(
            format!("more than {} roles", licet_common::limits::MAX_ROLES),
            "state fewer roles",
        ));
    }
    Ok(out)
}

pub(crate) fn tier(t: TierArg) -> Tier {
    match t {
        TierArg::Trial => Tier::Trial,
        TierArg::Basic => Tier::Basic,
        TierArg::Plus => Tier::Plus,
    }
}

/// What one new license asks for, before defaults from the parent.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub subject: String,
    pub issuer: Option<String>,
    pub delegate: Option<[u8; 32]>,
    pub tier: Option<Tier>,
    pub addon: bool,
    pub quotas: BTreeMap<String, Quota>,
    pub features: Option<BTreeSet<String>>,
    pub roles: BTreeMap<String, BTreeSet<String>>,
    pub devices: Option<BTreeSet<String>>,
    pub not_before: Option<u64>,
    pub expires: Option<u64>,
    /// Validity from the start (from a plan), when `expires` is not given.
    pub duration: Option<u64>,
    pub max_depth: Option<u8>,
    pub remind: Option<u64>,
    pub contact: Option<String>,
}

pub(crate) fn tier_named(t: &str) -> Option<Tier> {
    match t {
        "trial" => Some(Tier::Trial),
        "basic" => Some(Tier::Basic),
        "plus" => Some(Tier::Plus),
        _ => None,
    }
}

/// A request from a plan (fields the flags do not set come from it).
pub(crate) fn request_from_plan(plan: &crate::plans::Plan) -> Result<Request> {
    Ok(Request {
        tier: tier_named(&plan.tier),
        addon: plan.addon,
        quotas: parse_quotas(&crate::plans::quota_args(plan))?,
        features: plan
            .features
            .as_ref()
            .map(|f| parse_names(f, "plan features"))
            .transpose()?,
        roles: parse_roles(&crate::plans::role_args(plan))?,
        duration: plan.duration.as_deref().and_then(parse_duration),
        remind: plan.remind.as_deref().and_then(parse_duration),
        ..Request::default()
    })
}

/// Applies the command-line flags over `r`.
pub(crate) fn apply_flags(r: &mut Request, args: &IssueArgs, now: u64) -> Result<()> {
    if let Some(t) = args.tier {
        r.tier = Some(tier(t));
    }
    r.addon |= args.addon;
    for name in &args.no_quotas {
        if args
            .quotas
            .iter()
            .any(|q| q.split('=').next() == Some(name.as_str()))
        {
            return Err(usage(
                format!(
                    "--no-quota {} and --quota {}=… both given",
                    safe(name),
                    safe(name)
                ),
                "give one of them",
            ));
        }
        if r.quotas.remove(name).is_none() {
            return Err(usage(
                format!("--no-quota {}: the plan states no such quota", safe(name)),
                "`licet plans` lists each plan's quotas",
            ));
        }
    }
    r.quotas.extend(parse_quotas(&args.quotas)?);
    if !args.features.is_empty() {
        r.features = Some(parse_names(&args.features, "--feature")?);
    }
    r.roles.extend(parse_roles(&args.roles)?);
    if !args.devices.is_empty() {
        r.devices = Some(parse_devices(
            args.devices.iter().map(String::as_str),
            "--device",
        )?);
    }
    if let Some(t) = &args.not_before {
        r.not_before = Some(parse_time(t, now, "--not-before")?);
    }
    if let Some(t) = &args.expires {
        r.expires = Some(parse_time(t, now, "--expires")?);
    }
    if let Some(d) = args.max_depth {
        r.max_depth = Some(d);
    }
    if let Some(rm) = &args.remind {
        r.remind = Some(parse_duration(rm).ok_or_else(|| {
            usage(
                format!("--remind {}: not a duration", safe(rm)),
                "write e.g. 30d, 2w or 72h",
            )
        })?);
    }
    if let Some(c) = &args.contact {
        r.contact = Some(parse_contact(c)?);
    }
    if let Some(i) = &args.issuer {
        r.issuer = Some(i.clone());
    }
    r.delegate = args
        .delegate
        .as_deref()
        .map(|p| licet_keys::read_public_key(p).map(|k| k.to_bytes()))
        .transpose()?;
    Ok(())
}

/// The one parser of group ids given on the command line, in files and
/// through the bindings: `flag` names where the value came from
/// (`"--group "`, `"row 3: subject "`, or empty).
pub fn parse_group<'g>(flag: &str, value: &'g str) -> Result<licet_common::Group<'g>> {
    licet_report::args::parse_group(flag, value).map_err(|r| usage(r.message, &r.hint))
}

/// A device id, wherever one is given (`--device`, a batch cell,
/// `--device-id`, the bindings).
pub fn parse_device_id<'d>(flag: &str, d: &'d str) -> Result<&'d str> {
    licet_report::args::parse_device_id(flag, d).map_err(|r| usage(r.message, &r.hint))
}

pub(crate) fn parse_devices<'s>(
    items: impl Iterator<Item = &'s str>,
    flag: &str,
) -> Result<BTreeSet<String>> {
    items
        .map(|d| parse_device_id(flag, d).map(str::to_owned))
        .collect()
}

pub(crate) fn parse_contact(c: &str) -> Result<String> {
    if c.is_empty() || c.len() > 254 || c.chars().any(char::is_control) {
        return Err(usage(
            format!("--contact {}: not a usable contact", safe(c)),
            "give an e-mail address, at most 254 characters",
        ));
    }
    Ok(c.to_owned())
}
