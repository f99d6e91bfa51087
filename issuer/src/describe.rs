//! How links and licenses are shown, as text for people and as JSON for
//! tools (shape documented in docs/CLI.md, `"version": 1`).

use crate::output::{hex, quota_json, quota_text};
use crate::time::{format_time, relative};
use licet_common::Link;
use licet_verifier::VerifiedLicense;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

/// JSON output format version.
pub const JSON_VERSION: u64 = 1;

fn window_text(nbf: u64, exp: Option<u64>, now: u64) -> String {
    let from = format!("{} ({})", format_time(nbf), relative(nbf, now));
    match exp {
        Some(e) => format!("{from} until {} ({})", format_time(e), relative(e, now)),
        None => format!("{from}, no end date"),
    }
}

/// The claims of one link as indented text lines.
pub fn link_text(i: usize, link: &Link<'_>, now: u64) -> String {
    let c = &link.claims;
    let mut s = String::new();
    let role = if i == 0 { "root link" } else { "link" };
    let _ = writeln!(s, "[{i}] {role} {}  {} -> {}", hex(c.serial), c.iss, c.sub);
    let _ = writeln!(s, "    signed by   key {}", hex(link.kid));
    if let Some(p) = c.parent {
        let _ = writeln!(s, "    parent      {}", hex(p));
    }
    let _ = writeln!(s, "    tier        {} {}", c.tier, c.kind.name());
    let _ = writeln!(s, "    valid       {}", window_text(c.nbf, c.exp, now));
    let _ = writeln!(s, "    issued      {}", format_time(c.iat));
    for (name, q) in c.quotas.iter() {
        let _ = writeln!(s, "    quota       {} = {}", name.as_str(), quota_text(q));
    }
    match c.features {
        Some(f) if f.is_empty() => {
            let _ = writeln!(s, "    features    (none)");
        }
        Some(f) => {
            let _ = writeln!(
                s,
                "    features    {}",
                f.iter().collect::<Vec<_>>().join(", ")
            );
        }
        None => {}
    }
    for (role, grants) in c.roles.iter() {
        let _ = writeln!(
            s,
            "    role        {role}: +{}",
            grants.iter().collect::<Vec<_>>().join(", +")
        );
    }
    if let Some(d) = c.devices {
        let _ = writeln!(
            s,
            "    devices     {}",
            d.iter().collect::<Vec<_>>().join(", ")
        );
    }
    match c.cnf {
        Some(k) => {
            let _ = writeln!(
                s,
                "    may mint    with key {}, {} more level(s)",
                hex(&licet_keys::kid(k)),
                c.depth
            );
        }
        None => {
            let _ = writeln!(s, "    may mint    no");
        }
    }
    if let Some(r) = c.remind {
        let _ = writeln!(s, "    remind      {} days before expiry", r / 86_400);
    }
    s
}

/// The claims of one link as JSON.
pub fn link_json(i: usize, link: &Link<'_>) -> Value {
    let c = &link.claims;
    let quotas: Map<String, Value> = c
        .quotas
        .iter()
        .map(|(n, q)| (n.as_str().to_owned(), quota_json(q)))
        .collect();
    let roles: Map<String, Value> = c
        .roles
        .iter()
        .map(|(r, g)| (r.to_owned(), Value::from(g.iter().collect::<Vec<_>>())))
        .collect();
    json!({
        "index": i,
        "offset": link.offset,
        "kid": hex(link.kid),
        "serial": hex(c.serial),
        "parent": c.parent.map(hex),
        "iss": c.iss.as_str(),
        "sub": c.sub.as_str(),
        "tier": c.tier.name(),
        "kind": c.kind.name(),
        "nbf": c.nbf,
        "exp": c.exp,
        "iat": c.iat,
        "quotas": quotas,
        "features": c.features.map(|f| f.iter().collect::<Vec<_>>()),
        "roles": roles,
        "devices": c.devices.map(|d| d.iter().collect::<Vec<_>>()),
        "delegate_kid": c.cnf.map(|k| hex(&licet_keys::kid(k))),
        "depth": c.depth,
        "remind": c.remind,
    })
}

/// The effective entitlements of a verified license as text.
pub fn entitlements_text(lic: &VerifiedLicense<'_>, now: u64) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "license     {} for {} ({} {})",
        hex(lic.serial()),
        lic.group(),
        lic.tier(),
        lic.kind().name()
    );
    let _ = writeln!(
        s,
        "valid       {}",
        window_text(lic.not_before(), lic.not_after(), now)
    );
    if let Some(exp) = lic.not_after() {
        if exp.saturating_sub(now) <= lic.remind_seconds() {
            let _ = writeln!(
                s,
                "warning     expires {} (inside the {}-day reminder window)",
                relative(exp, now),
                lic.remind_seconds() / 86_400
            );
        }
    }
    let quotas: Vec<String> = lic
        .quotas()
        .map(|(n, q)| format!("{} {}", n.as_str(), quota_text(q)))
        .collect();
    let _ = writeln!(
        s,
        "quotas      {}",
        if quotas.is_empty() {
            "(none)".into()
        } else {
            quotas.join(", ")
        }
    );
    let features: Vec<&str> = lic.features().iter().collect();
    let _ = writeln!(
        s,
        "features    {}",
        if features.is_empty() {
            "(none)".into()
        } else {
            features.join(", ")
        }
    );
    for (role, grants) in lic.roles() {
        let _ = writeln!(
            s,
            "role        {role}: +{}",
            grants.iter().collect::<Vec<_>>().join(", +")
        );
    }
    if let Some(d) = lic.devices() {
        let _ = writeln!(s, "devices     {}", d.iter().collect::<Vec<_>>().join(", "));
    }
    let path: Vec<&str> = lic.links().map(|l| l.claims.sub.as_str()).collect();
    let _ = writeln!(
        s,
        "chain       {} links: {}",
        lic.chain_len(),
        path.join(" > ")
    );
    s
}

/// The effective entitlements of a verified license as JSON.
pub fn entitlements_json(lic: &VerifiedLicense<'_>, now: u64) -> Value {
    let quotas: Map<String, Value> = lic
        .quotas()
        .map(|(n, q)| (n.as_str().to_owned(), quota_json(q)))
        .collect();
    let roles: Map<String, Value> = lic
        .roles()
        .map(|(r, g)| (r.to_owned(), Value::from(g.iter().collect::<Vec<_>>())))
        .collect();
    let warning = lic
        .not_after()
        .is_some_and(|e| e.saturating_sub(now) <= lic.remind_seconds());
    json!({
        "serial": hex(lic.serial()),
        "group": lic.group().as_str(),
        "tier": lic.tier().name(),
        "kind": lic.kind().name(),
        "nbf": lic.not_before(),
        "exp": lic.not_after(),
        "remind": lic.remind_seconds(),
        "expiry_warning": warning,
        "quotas": quotas,
        "features": lic.features().iter().collect::<Vec<_>>(),
        "roles": roles,
        "devices": lic.devices().map(|d| d.iter().collect::<Vec<_>>()),
        "chain": lic.links().map(|l| json!({"serial": hex(l.claims.serial), "sub": l.claims.sub.as_str()})).collect::<Vec<_>>(),
    })
}

/// An error as JSON.
pub fn error_json(e: &licet_verifier::Error<'_>) -> Value {
    let offset = match e {
        licet_verifier::Error::Decode(d) => Some(d.offset),
        _ => None,
    };
    json!({ "code": e.code(), "message": e.to_string(), "link": e.link(), "offset": offset })
}
