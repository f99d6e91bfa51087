//! How links, licenses, evaluations and errors are shown, as text for
//! people and as JSON for tools (shapes in docs/CLI.md).

use crate::Input;
use crate::json;
use crate::text::{hex, quota_text};
use crate::time::{aloud_time, format_time, relative};
use licet_common::Link;
use licet_verifier::{Source, VerifiedLicense};
use std::fmt::Write as _;

/// A map built by inserting each entry (the last of equal keys wins, as
/// with `collect`), without the sort `collect` links in for every type.
fn sorted_map<K: Ord, V>(
    items: impl IntoIterator<Item = (K, V)>,
) -> std::collections::BTreeMap<K, V> {
    let mut m = std::collections::BTreeMap::new();
    for (k, v) in items {
        m.insert(k, v);
    }
    m
}

/// JSON output format version.
pub const JSON_VERSION: u64 = json::VERSION;

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
                hex(&licet_common::kid::kid(k)),
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

/// The claims of one link as JSON (its `signature` and `problems` are for
/// the caller to fill).
pub fn link_json(i: usize, link: &Link<'_>) -> json::InspectLink {
    let c = &link.claims;
    json::InspectLink {
        index: i,
        offset: link.offset,
        kid: hex(link.kid),
        serial: hex(c.serial),
        parent: c.parent.map(hex),
        iss: c.iss.as_str().to_owned(),
        sub: c.sub.as_str().to_owned(),
        tier: c.tier.name().to_owned(),
        kind: c.kind.name().to_owned(),
        nbf: c.nbf,
        exp: c.exp,
        iat: c.iat,
        quotas: sorted_map(
            c.quotas
                .iter()
                .map(|(n, q)| (n.as_str().to_owned(), q.into())),
        ),
        features: c.features.map(|f| f.iter().map(str::to_owned).collect()),
        roles: sorted_map(
            c.roles
                .iter()
                .map(|(r, g)| (r.to_owned(), g.iter().map(str::to_owned).collect())),
        ),
        devices: c.devices.map(|d| d.iter().map(str::to_owned).collect()),
        delegate_kid: c.cnf.map(|k| hex(&licet_common::kid::kid(k))),
        depth: u64::from(c.depth),
        remind: c.remind,
        signature: String::new(),
        problems: Vec::new(),
        ledger: None,
    }
}

/// The effective entitlements of a verified license as JSON.
pub fn entitlements_json(lic: &VerifiedLicense<'_>, now: u64) -> json::Entitlements {
    let warning = lic
        .not_after()
        .is_some_and(|e| e.saturating_sub(now) <= lic.remind_seconds());
    json::Entitlements {
        serial: hex(lic.serial()),
        group: lic.group().as_str().to_owned(),
        tier: lic.tier().name().to_owned(),
        kind: lic.kind().name().to_owned(),
        nbf: lic.not_before(),
        exp: lic.not_after(),
        remind: lic.remind_seconds(),
        expiry_warning: warning,
        quotas: sorted_map(lic.quotas().map(|(n, q)| (n.as_str().to_owned(), q.into()))),
        features: lic.features().iter().map(str::to_owned).collect(),
        roles: sorted_map(
            lic.roles()
                .map(|(r, g)| (r.to_owned(), g.iter().map(str::to_owned).collect())),
        ),
        devices: lic.devices().map(|d| d.iter().map(str::to_owned).collect()),
        chain: lic
            .links()
            .map(|l| json::ChainLink {
                serial: hex(l.claims.serial),
                sub: l.claims.sub.as_str().to_owned(),
            })
            .collect(),
    }
}

/// An error for people: like its `Display`, with times in RFC 3339.
pub fn error_text(e: &licet_verifier::Error<'_>) -> String {
    use licet_verifier::Error as E;
    let t = format_time;
    match *e {
        E::Expired {
            link,
            now,
            not_after,
        } => format!(
            "link {link} expired at {} (checked at {})",
            t(not_after),
            t(now)
        ),
        E::NotYetValid {
            link,
            now,
            not_before,
        } => format!(
            "link {link} is not valid before {} (checked at {})",
            t(not_before),
            t(now)
        ),
        E::WindowWidened {
            link,
            window,
            parent,
        } => {
            let w = |(a, b): (u64, Option<u64>)| {
                format!("[{}, {})", t(a), b.map_or("no end".into(), t))
            };
            format!(
                "link {link} is valid {} outside its parent's window {}",
                w(window),
                w(parent)
            )
        }
        E::IssuedInFuture {
            link,
            now,
            issued_at,
        } => format!(
            "link {link} says it was minted at {}, more than a day after {} (the issuer's clock was ahead, or this clock is behind)",
            t(issued_at),
            t(now)
        ),
        E::IssuedOutsideWindow {
            link,
            issued_at,
            earliest,
            before,
        } => format!(
            "link {link} says it was minted at {}, outside [{}, {}): before its parent or after its end",
            t(issued_at),
            t(earliest),
            before.map_or("no end".into(), t)
        ),
        E::ClockRollback { now, floor } => format!(
            "the device clock ({}) is more than 24 hours behind the time floor ({}): clock rolled back",
            t(now),
            t(floor)
        ),
        _ => e.to_string(),
    }
}

/// What to do about a rejection, in one line.
pub fn hint(e: &licet_verifier::Error<'_>) -> &'static str {
    match e {
        licet_verifier::Error::Decode(_) => {
            "the file is damaged or not a licet license; run `licet inspect` on it"
        }
        licet_verifier::Error::UnknownRoot { .. } => {
            "check --trust: pass the vendor root key the license was minted under"
        }
        licet_verifier::Error::NotYetValid { .. } | licet_verifier::Error::Expired { .. } => {
            "check the device clock (--at), or ask the issuer for a license valid now"
        }
        licet_verifier::Error::WrongGroup { .. } => {
            "licenses cannot move between groups: use the license minted for this group"
        }
        licet_verifier::Error::DeviceNotBound => {
            "pass the device's id with --device-id, or use the license minted for this device"
        }
        licet_verifier::Error::ClockRollback { .. } => {
            "set the device clock right; a clock set back cannot revive expired licenses"
        }
        licet_verifier::Error::DelegationOnly { .. } => {
            "this file lets its holder mint licenses; install the group's own license (one minted without --delegate)"
        }
        licet_verifier::Error::IssuedInFuture { .. } => {
            "the issuer's clock was ahead or the device's is behind: check both clocks, or ask the issuer to re-mint"
        }
        licet_verifier::Error::DuplicateLicense { .. } => "remove the extra copy of the file",
        licet_verifier::Error::SerialConflict { .. } => {
            "one of the files was altered or re-signed: ask the issuer for fresh copies"
        }
        licet_verifier::Error::EvaluationFull { .. } => {
            "the licenses together grant more names than a panel holds: remove an add-on, or ask the issuer to combine them"
        }
        _ => {
            "run `licet inspect --trust ROOT.pub FILE` to see every problem; ask the issuer for a corrected license"
        }
    }
}

/// An error as JSON.
pub fn error_json(e: &licet_verifier::Error<'_>) -> json::ErrorObject {
    let offset = match e {
        licet_verifier::Error::Decode(d) => Some(d.offset),
        _ => None,
    };
    error_object(e.code(), &error_text(e), hint(e), e.link(), offset)
}

/// The one JSON shape of every error licet reports (docs/CLI.md): a
/// verifier code (`expired`, `decode`, …) or a CLI class (`usage`, `io`,
/// `rejected`), the message, what to do, and the link and byte offset when
/// the error is about one.
pub fn error_object(
    code: &str,
    message: &str,
    hint: &str,
    link: Option<usize>,
    offset: Option<usize>,
) -> json::ErrorObject {
    json::ErrorObject {
        code: code.to_owned(),
        message: message.to_owned(),
        hint: hint.to_owned(),
        link,
        offset,
    }
}

/// One line about a license's status.
fn status_text(s: &licet_verifier::LicenseStatus<'_>, now: u64) -> String {
    match s {
        licet_verifier::LicenseStatus::Valid {
            tier,
            kind,
            not_after,
            ..
        } => {
            let until = match not_after {
                Some(t) => format!("until {} ({})", format_time(*t), relative(*t, now)),
                None => "no end date".into(),
            };
            format!("VALID     {tier} {}, {until}", kind.name())
        }
        licet_verifier::LicenseStatus::Rejected(e) => format!("REJECTED  {}", error_text(e)),
    }
}

/// Features in effect and each role's grants, each with what supplies it
/// (the first in use that does), sorted.
type Sourced<'e> = Vec<(&'e str, Source)>;

fn sources<'e>(
    eval: &'e licet_verifier::Evaluation<'_>,
) -> (
    Sourced<'e>,
    std::collections::BTreeMap<&'e str, Sourced<'e>>,
) {
    let mut features: Sourced<'e> = eval.features().collect();
    let mut roles: std::collections::BTreeMap<&'e str, Sourced<'e>> =
        sorted_map(eval.roles().map(|r| (r, eval.role_grants(r).collect())));
    // Equal entries are identical, so an unstable sort gives the one order
    // (and links far less code into the web inspector than a stable one).
    features.sort_unstable();
    roles.values_mut().for_each(|g| g.sort_unstable());
    (features, roles)
}

/// How a source is shown: `[i]` for file `i`, `[firmware]` for the
/// built-in Basic.
fn source_text(s: Source, idx: &dyn Fn(usize) -> usize) -> String {
    match s {
        Source::License(i) => format!("[{}]", idx(i)),
        Source::Builtin => "[firmware]".into(),
    }
}

/// A source as JSON: the file's position, or "builtin".
fn source_json(s: Source, idx: &dyn Fn(usize) -> usize) -> json::SourceRef {
    match s {
        Source::License(i) => json::SourceRef::File(idx(i)),
        Source::Builtin => json::SourceRef::Builtin,
    }
}

/// The evaluation of several licenses, as the panel computes it, for people.
pub fn evaluation_text(
    eval: &licet_verifier::Evaluation<'_>,
    inputs: &[Input],
    map: &[usize],
    group: licet_verifier::Group<'_>,
) -> String {
    let now = eval.now();
    let mut s = String::new();
    let name_of = |slot: usize| {
        map.get(slot)
            .and_then(|i| inputs.get(*i))
            .map_or("?", |input| input.name.as_str())
    };
    let width = inputs.iter().map(|i| i.name.len()).max().unwrap_or(0);
    let _ = writeln!(s, "licenses for {group} at {}", format_time(now));
    let mut slot = 0usize;
    for (i, input) in inputs.iter().enumerate() {
        let name = &input.name;
        match &input.bytes {
            Err(e) => {
                let _ = writeln!(s, "  [{i}] {name:width$}  REJECTED  {}", e.message());
            }
            Ok(_) => {
                let role = if eval.base() == Some(slot) {
                    "  <- base"
                } else if eval.addons().any(|a| a == slot) {
                    "  <- add-on"
                } else {
                    ""
                };
                let st = eval
                    .status(slot)
                    .map(|st| status_text(st, now))
                    .unwrap_or_default();
                let _ = writeln!(s, "  [{i}] {name:width$}  {st}{role}");
                slot += 1;
            }
        }
    }
    if let Some(rollback) = eval.rollback() {
        let _ = writeln!(
            s,
            "WARNING     {}: evaluated at the floor; time-limited licenses count only as far as it",
            error_text(&rollback)
        );
    }
    let idx = |slot: usize| map.get(slot).copied().unwrap_or(slot);
    match eval.base_source() {
        None => {
            let _ = writeln!(s, "effective   nothing: no valid base license");
            return s;
        }
        Some(Source::Builtin) => {
            let _ = writeln!(
                s,
                "effective   basic from [firmware] the panel's built-in Basic (no license in effect)"
            );
        }
        Some(Source::License(base)) => {
            let _ = writeln!(
                s,
                "effective   {} from [{}] {}",
                eval.tier().map_or("?", |t| t.name()),
                idx(base),
                name_of(base)
            );
        }
    }
    let mut quotas: Vec<_> = eval.quotas().collect();
    quotas.sort_unstable_by_key(|(n, _)| *n);
    for (name, value) in quotas {
        let parts: Vec<String> = eval
            .quota_sources(name)
            .map(|(i, q)| format!("{} {}", source_text(i, &idx), quota_text(q)))
            .collect();
        let _ = writeln!(
            s,
            "quota       {} {}  ({})",
            name.as_str(),
            quota_text(value),
            parts.join(" + ")
        );
    }
    let (features, roles) = sources(eval);
    for (f, i) in features {
        let _ = writeln!(s, "feature     {f}  {}", source_text(i, &idx));
    }
    for (role, grants) in roles {
        let list: Vec<String> = grants
            .iter()
            .map(|(g, i)| format!("{g} {}", source_text(*i, &idx)))
            .collect();
        let _ = writeln!(s, "role        {role}: +{}", list.join(", +"));
    }
    match eval.next_change() {
        Some((t, i)) => {
            let _ = writeln!(
                s,
                "next change {} ({}): [{}] {} expires",
                format_time(t),
                relative(t, now),
                idx(i),
                name_of(i)
            );
            if eval.warning() {
                let _ = writeln!(
                    s,
                    "WARNING     expiry inside the reminder window: renew [{}] {}",
                    idx(i),
                    name_of(i)
                );
            }
        }
        None => {
            let _ = writeln!(s, "next change none: nothing in use expires");
        }
    }
    let _ = writeln!(
        s,
        "time floor  {} ({}; a device without a trusted clock persists it)",
        eval.floor(),
        format_time(eval.floor())
    );
    s
}

/// The evaluation of several licenses as JSON (docs/CLI.md).
pub fn evaluation_json(
    eval: &licet_verifier::Evaluation<'_>,
    inputs: &[Input],
    map: &[usize],
    group: licet_verifier::Group<'_>,
) -> json::VerifyDoc {
    let now = eval.now();
    let idx = |slot: usize| map.get(slot).copied().unwrap_or(slot);
    let mut slot = 0usize;
    let mut licenses = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let file = input.name.clone();
        let mut entry = json::VerifyLicense {
            index: i,
            file,
            valid: false,
            error: None,
            license: None,
        };
        match &input.bytes {
            Err(e) => {
                entry.error = Some(error_object("decode", e.message(), e.hint(), None, None));
            }
            Ok(_) => {
                match eval.status(slot) {
                    Some(licet_verifier::LicenseStatus::Rejected(e)) => {
                        entry.error = Some(error_json(e));
                    }
                    _ => {
                        if let Some(l) = eval.license(slot) {
                            entry.valid = true;
                            entry.license = Some(entitlements_json(&l, now));
                        }
                    }
                }
                slot += 1;
            }
        }
        licenses.push(entry);
    }
    let effective = eval.base_source().map(|base| {
        let quotas = sorted_map(eval.quotas().map(|(n, q)| {
            let sources = eval
                .quota_sources(n)
                .map(|(i, v)| json::QuotaSource {
                    license: source_json(i, &idx),
                    value: v.into(),
                })
                .collect();
            (
                n.as_str().to_owned(),
                json::EffectiveQuota {
                    value: q.into(),
                    sources,
                },
            )
        }));
        let (features, roles) = sources(eval);
        json::Effective {
            base: source_json(base, &idx),
            addons: eval.addons().map(idx).collect(),
            tier: eval.tier().map(|t| t.name().to_owned()),
            quotas,
            features: sorted_map(
                features
                    .into_iter()
                    .map(|(f, i)| (f.to_owned(), source_json(i, &idx))),
            ),
            roles: sorted_map(roles.into_iter().map(|(r, g)| {
                (
                    r.to_owned(),
                    sorted_map(
                        g.into_iter()
                            .map(|(f, i)| (f.to_owned(), source_json(i, &idx))),
                    ),
                )
            })),
            next_change: eval.next_change().map(|(t, i)| json::NextChange {
                at: t,
                license: idx(i),
            }),
            warning: eval.warning(),
        }
    });
    json::VerifyDoc {
        version: json::VERSION,
        valid: eval.base_source().is_some(),
        at: now,
        requested_at: Some(match eval.rollback() {
            Some(licet_verifier::Error::ClockRollback { now, .. }) => now,
            _ => now,
        }),
        clock_rollback: Some(eval.rollback().is_some()),
        group: Some(group.as_str().to_owned()),
        floor: Some(eval.floor()),
        licenses,
        effective,
        error: None,
    }
}

/// What inspect concluded about one license file, for its first line.
#[derive(Debug)]
pub enum Verdict<'a, 'e> {
    /// The file could not be read as a license: message and what to do.
    Unreadable { message: &'a str, hint: &'a str },
    /// The walk found a problem; the first one (the panel's own verdict).
    Rejected(&'e licet_verifier::Error<'e>),
    /// No problem, and the root signature was checked.
    Valid,
    /// No problem found, but without a trust root nothing was proved.
    Unchecked,
}

/// The first line of `licet inspect` for one file: a sentence support staff
/// can read to a customer, with what to do when it is not `VALID`.
pub fn verdict_line(
    verdict: &Verdict<'_, '_>,
    container: Option<&licet_common::Container<'_>>,
    group: Option<licet_common::Group<'_>>,
) -> String {
    use licet_verifier::Error as E;
    let leaf = container.and_then(|c| c.leaf());
    let issuer_of = |link: usize| {
        container.and_then(|c| c.link(link)).map_or_else(
            || "its issuer".to_owned(),
            |l| l.claims.iss.as_str().to_owned(),
        )
    };
    let leaf_issuer = leaf.map_or_else(
        || "its issuer".to_owned(),
        |l| l.claims.iss.as_str().to_owned(),
    );
    let until = |exp: Option<u64>| match exp {
        Some(e) => format!("until {}", aloud_time(e)),
        None => "with no end date".to_owned(),
    };
    let what = |l: &Link<'_>| {
        format!(
            "{} {} for {}",
            l.claims.tier,
            l.claims.kind.name(),
            l.claims.sub.as_str()
        )
    };
    match verdict {
        Verdict::Unreadable { message, hint } => format!("REJECTED: {message} — {hint}"),
        Verdict::Unchecked => match leaf {
            Some(l) => format!(
                "NOT CHECKED: no trust root given — give the vendor's root key (--trust) to check the signatures; the file says: {} {}",
                what(l),
                until(l.claims.exp)
            ),
            None => "NOT CHECKED: no trust root given — give the vendor's root key (--trust) to check the signatures".to_owned(),
        },
        Verdict::Valid => match (leaf, group) {
            (Some(l), _) if l.claims.cnf.is_some() => format!(
                "NOT A PANEL LICENSE: a delegation license for {} {} — it lets its holder mint licenses, it does not license panels",
                l.claims.sub.as_str(),
                until(l.claims.exp)
            ),
            (Some(l), Some(g)) if g.as_str() == l.claims.sub.as_str() => format!(
                "VALID for {} {} ({} {})",
                g.as_str(),
                until(l.claims.exp),
                l.claims.tier,
                l.claims.kind.name()
            ),
            (Some(l), Some(g)) => format!(
                "VALID for {} {} ({} {}, licensed to {})",
                g.as_str(),
                until(l.claims.exp),
                l.claims.tier,
                l.claims.kind.name(),
                l.claims.sub.as_str()
            ),
            (Some(l), None) => format!(
                "VALID {} {} (give the panel's group, --group, to check it for one panel)",
                what(l),
                until(l.claims.exp)
            ),
            (None, _) => "VALID".to_owned(),
        },
        Verdict::Rejected(e) => match **e {
            E::Expired { link, not_after, .. } => {
                // A link above the leaf ended first: say whose license it was.
                let above = container
                    .filter(|c| link + 1 < c.len())
                    .and_then(|c| c.link(link))
                    .map(|l| format!(" (the license of {} above it)", l.claims.sub.as_str()))
                    .unwrap_or_default();
                format!(
                    "REJECTED: expired on {}{above} — ask {} to renew it",
                    aloud_time(not_after),
                    issuer_of(link)
                )
            }
            E::NotYetValid { not_before, .. } => format!(
                "REJECTED: not valid before {} — check the panel's clock, or wait until then",
                aloud_time(not_before)
            ),
            E::WrongGroup { .. } => format!(
                "REJECTED: this license is for {}, not for {} — licenses cannot move between groups: use the license minted for {}",
                leaf.map_or("another group", |l| l.claims.sub.as_str()),
                group.map_or("this group", |g| g.as_str()),
                group.map_or("this group", |g| g.as_str()),
            ),
            E::DelegationOnly { .. } => format!(
                "NOT A PANEL LICENSE: a delegation license for {} — it lets its holder mint licenses, it does not license panels; install the group's own license",
                leaf.map_or("a group", |l| l.claims.sub.as_str())
            ),
            E::BadSignature { .. } => format!(
                "REJECTED: the file was changed after it was signed — ask {leaf_issuer} for a fresh copy"
            ),
            E::UnknownRoot { .. } => "REJECTED: signed under a vendor root key that was not given — give the vendor's root key (--trust), or this license is from another vendor".to_owned(),
            E::DeviceNotBound => "REJECTED: bound to particular devices, and not to this one — check with the panel's id (--device-id), or use the license minted for this panel".to_owned(),
            E::IssuedInFuture { issued_at, .. } => format!(
                "REJECTED: issued on {}, after the time it was checked at — check the panel's clock and the issuer's",
                aloud_time(issued_at)
            ),
            ref other => format!(
                "REJECTED: {} — {}",
                error_text(other),
                hint(other)
            ),
        },
    }
}
