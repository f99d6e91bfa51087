//! How links and licenses are shown: the report's text and JSON
//! ([`licet_report::describe`]), and the ledger's records as CSV and text.

pub use licet_report::describe::*;
use licet_report::time::{aloud_time, format_time};

/// The CSV columns of recorded licenses; `quota.NAME` columns follow, one
/// per name in `quota_names`.
pub fn listed_csv_header(quota_names: &[String]) -> Vec<String> {
    [
        "serial",
        "parent",
        "issuer",
        "subject",
        "tier",
        "kind",
        "delegates",
        "not_before",
        "expires",
        "status",
        "contact",
        "plan",
        "origin",
        "minted_at",
        "revoked_at",
        "revoke_reason",
        "children",
    ]
    .iter()
    .map(|h| (*h).to_owned())
    .chain(quota_names.iter().map(|n| format!("quota.{n}")))
    .collect()
}

/// One recorded license as a CSV row under [`listed_csv_header`].
pub fn listed_csv_row(l: &crate::ledger::Listed, quota_names: &[String]) -> Vec<String> {
    let time = |t: Option<u64>| t.map(format_time).unwrap_or_default();
    let mut row = vec![
        l.serial.clone(),
        l.parent.clone().unwrap_or_default(),
        l.issuer.clone(),
        l.subject.clone(),
        l.tier.clone(),
        l.kind.clone(),
        if l.delegates { "yes" } else { "no" }.to_owned(),
        format_time(l.nbf),
        time(l.exp),
        l.status.clone(),
        l.contact.clone().unwrap_or_default(),
        l.plan.clone().unwrap_or_default(),
        l.origin.clone(),
        format_time(l.minted_at),
        time(l.revoked_at),
        l.revoke_reason.clone().unwrap_or_default(),
        l.children.to_string(),
    ];
    for name in quota_names {
        row.push(
            l.quotas
                .get(name)
                .map(ToString::to_string)
                .unwrap_or_default(),
        );
    }
    row
}

/// The quota names any of `ls` states, sorted.
pub fn quota_names(ls: &[crate::ledger::Listed]) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> =
        ls.iter().flat_map(|l| l.quotas.keys()).collect();
    names.into_iter().cloned().collect()
}

/// One recorded license as a text line: serial, subject, tier and kind,
/// whether it mints, validity, status, quotas, contact.
pub fn listed_text(l: &crate::ledger::Listed) -> String {
    let until = l.exp.map_or_else(
        || "no end date".to_owned(),
        |e| format!("until {}", aloud_time(e)),
    );
    let quotas: Vec<String> = l.quotas.iter().map(|(n, v)| format!("{n}={v}")).collect();
    let mut s = format!(
        "{}  {}  {} {}{}  {until}  {}",
        l.serial,
        crate::output::safe(&l.subject),
        l.tier,
        l.kind,
        if l.delegates { " (delegates)" } else { "" },
        l.status
    );
    if !quotas.is_empty() {
        s.push_str("  ");
        s.push_str(&quotas.join(" "));
    }
    if let Some(c) = &l.contact {
        s.push_str("  contact ");
        s.push_str(&crate::output::safe(c));
    }
    s
}
