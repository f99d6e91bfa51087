//! `licet inspect`'s report: for each file a verdict line to read to the
//! customer, each link with what it grants and every problem the verifier's
//! walk finds, and, with a trust root and a group, the panel's evaluation of
//! them all. The CLI, the Python binding and the web inspector print it.

use crate::describe::{
    Verdict, error_json, error_object, error_text, evaluation_json, evaluation_text, link_json,
    link_text, verdict_line,
};
use crate::json::{self, Listed};
use crate::text::{hex, safe};
use crate::time::aloud_time;
use crate::{Input, Refused};
use licet_common::Container;
use licet_verifier::{Device, Error, Finding, Group, SignatureCheck, TrustedRoot, explain};

/// What inspect found for one link.
struct LinkReport<'a> {
    signature: &'static str,
    problems: Vec<Error<'a>>,
}

/// Every finding of the verifier's walk, by link; problems about no link
/// (the group, the device) come back separately.
fn check_links<'a>(
    c: &Container<'a>,
    roots: &[TrustedRoot],
    now: u64,
    device: Option<&Device<'a>>,
) -> (Vec<LinkReport<'a>>, Vec<Error<'a>>, Option<Error<'a>>) {
    let mut out: Vec<LinkReport<'a>> = c
        .links()
        .map(|_| LinkReport {
            signature: "unchecked (no --trust)",
            problems: Vec::new(),
        })
        .collect();
    let mut overall = Vec::new();
    let mut first = None;
    explain(c, roots, now, device, &mut |f| match f {
        Finding::Signature { link, check } => {
            if let Some(r) = out.get_mut(link) {
                r.signature = match check {
                    SignatureCheck::Valid => "valid",
                    SignatureCheck::Invalid => "INVALID",
                    SignatureCheck::Unchecked => "unchecked (no --trust)",
                };
            }
        }
        Finding::Problem(e) => {
            first.get_or_insert(e);
            match e {
                // About the license as a whole, not the link.
                Error::DelegationOnly { .. } | Error::WrongGroup { .. } | Error::DeviceNotBound => {
                    overall.push(e)
                }
                _ => match e.link().and_then(|i| out.get_mut(i)) {
                    Some(r) => r.problems.push(e),
                    None => overall.push(e),
                },
            }
        }
    });
    (out, overall, first)
}

/// A short hex excerpt of `bytes` around `offset`, for decode errors.
fn excerpt(bytes: &[u8], offset: usize) -> String {
    let start = offset.saturating_sub(8);
    let end = offset.saturating_add(8).min(bytes.len());
    let before = bytes
        .get(start..offset.min(bytes.len()))
        .map(hex)
        .unwrap_or_default();
    let after = bytes
        .get(offset.min(bytes.len())..end)
        .map(hex)
        .unwrap_or_default();
    format!("...{before} >>{after}...")
}

/// The ledger's record of a link, as a text line.
fn ledger_text(l: &Listed) -> String {
    let mut s = format!(
        "{} {} by {} (key {})",
        if l.origin == "imported" {
            "imported"
        } else {
            "minted"
        },
        aloud_time(l.minted_at),
        l.issuer,
        l.kid.get(..16).unwrap_or(&l.kid)
    );
    if let Some(c) = &l.contact {
        s.push_str(&format!(", contact {}", safe(c)));
    }
    if let Some(p) = &l.plan {
        s.push_str(&format!(", plan {}", safe(p)));
    }
    if l.children > 0 {
        s.push_str(&format!(", {} license(s) recorded under it", l.children));
    }
    match (l.revoked_at, &l.revoke_reason) {
        (Some(at), reason) => s.push_str(&format!(
            "; REVOKED {}{}",
            aloud_time(at),
            reason
                .as_deref()
                .map(|r| format!(" ({})", safe(r)))
                .unwrap_or_default()
        )),
        (None, _) => s.push_str(&format!("; {}", l.status)),
    }
    s
}

/// Inspects one file; returns (problems found, text report, JSON report).
fn inspect_one<'g>(
    name: &str,
    bytes: &Result<Vec<u8>, Refused>,
    roots: &[TrustedRoot],
    group: Option<Group<'g>>,
    device_id: Option<&'g str>,
    now: u64,
    ledger: Option<Ledger<'_>>,
) -> (usize, String, json::InspectFile) {
    use std::fmt::Write as _;
    let mut text = String::new();
    let unreadable = |verdict: String, error: json::ErrorObject| json::InspectFile {
        file: name.to_owned(),
        verdict,
        decoded: false,
        bytes: None,
        root_checked: None,
        valid: false,
        error: Some(error),
        links: Vec::new(),
        problems: Vec::new(),
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            let verdict = verdict_line(
                &Verdict::Unreadable {
                    message: e.message(),
                    hint: e.hint(),
                },
                None,
                group,
            );
            let _ = writeln!(text, "{verdict}");
            let _ = writeln!(
                text,
                "{name}: cannot decode\n  {}\n  hint: {}",
                e.message(),
                e.hint()
            );
            let v = unreadable(
                verdict,
                error_object("decode", e.message(), e.hint(), None, None),
            );
            return (1, text, v);
        }
    };
    let container = match Container::decode(bytes) {
        Ok(c) => c,
        Err(d) => {
            let e = Error::Decode(d);
            let hint =
                "the file is damaged or not a licet license; ask its issuer for a fresh copy";
            let verdict = verdict_line(
                &Verdict::Unreadable {
                    message: &format!("not a licet license: {} at byte {}", d.kind, d.offset),
                    hint,
                },
                None,
                group,
            );
            let _ = writeln!(text, "{verdict}");
            let _ = writeln!(text, "{name}: {} bytes, cannot decode", bytes.len());
            let _ = writeln!(text, "  decoding failed at byte {}: {}", d.offset, d.kind);
            let _ = writeln!(text, "  bytes there: {}", excerpt(bytes, d.offset));
            let v = unreadable(verdict, error_json(&e));
            return (1, text, v);
        }
    };
    let device = group.map(|group| Device {
        group,
        device_id,
        now,
    });
    let (reports, overall, first) = check_links(&container, roots, now, device.as_ref());
    let problem_count = reports.iter().map(|r| r.problems.len()).sum::<usize>() + overall.len();
    let unchecked = roots.is_empty();
    let records: Vec<Option<Listed>> = container
        .links()
        .map(|l| ledger.and_then(|records| records(l.claims.serial)))
        .collect();
    let verdict = match (&first, unchecked) {
        (Some(e), _) => Verdict::Rejected(e),
        (None, true) => Verdict::Unchecked,
        (None, false) => Verdict::Valid,
    };
    let mut verdict = verdict_line(&verdict, Some(&container), group);
    let revoked = records.iter().flatten().find(|r| r.revoked_at.is_some());
    if let (Some(r), true) = (revoked, first.is_none()) {
        verdict.push_str(&format!(
            "; but the ledger records {} as REVOKED on {}: panels accept it until revocation reaches them",
            r.subject,
            aloud_time(r.revoked_at.unwrap_or_default())
        ));
    }
    let links = container
        .links()
        .zip(&reports)
        .zip(&records)
        .enumerate()
        .map(|(i, ((l, r), rec))| json::InspectLink {
            signature: r.signature.to_owned(),
            problems: r.problems.iter().map(error_json).collect(),
            ledger: rec.clone(),
            ..link_json(i, l)
        })
        .collect();
    let v = json::InspectFile {
        file: name.to_owned(),
        verdict: verdict.clone(),
        decoded: true,
        bytes: Some(bytes.len()),
        root_checked: Some(!unchecked),
        valid: problem_count == 0 && !unchecked,
        error: None,
        links,
        problems: overall.iter().map(error_json).collect(),
    };
    let _ = writeln!(text, "{verdict}");
    let _ = writeln!(
        text,
        "{name}: licet license, {} bytes, {} link(s), checked at {}",
        bytes.len(),
        container.len(),
        crate::time::format_time(now)
    );
    for (i, ((link, report), rec)) in container.links().zip(&reports).zip(&records).enumerate() {
        text.push_str(&link_text(i, link, now));
        let _ = writeln!(text, "    signature   {}", report.signature);
        match (ledger, rec) {
            (Some(_), Some(rec)) => {
                let _ = writeln!(text, "    ledger      {}", ledger_text(rec));
            }
            (Some(_), None) => {
                let _ = writeln!(text, "    ledger      not recorded in this ledger");
            }
            (None, _) => {}
        }
        for p in &report.problems {
            let _ = writeln!(text, "    PROBLEM     {}", error_text(p));
        }
    }
    for p in &overall {
        let _ = writeln!(text, "PROBLEM {}", error_text(p));
    }
    if group.is_none() && container.leaf().is_some_and(|l| l.claims.cnf.is_some()) {
        let _ = writeln!(
            text,
            "note: a delegation license: it lets its holder mint licenses, it does not license panels"
        );
    }
    let _ = match (problem_count, unchecked) {
        (0, false) => writeln!(text, "result: no problems found"),
        (0, true) => writeln!(
            text,
            "result: no problems found, but the root signature was not checked (give the vendor's root key: --trust ROOT.pub)"
        ),
        (n, _) => writeln!(text, "result: {n} problem(s) found"),
    };
    (problem_count, text, v)
}

/// What the caller's ledger records of a serial, if it has a ledger: the
/// report shows each link's record (minted when, by whom, revoked).
pub type Ledger<'a> = &'a dyn Fn(&[u8]) -> Option<Listed>;

/// What `licet inspect` finds for a set of files.
#[derive(Debug)]
pub struct Report {
    /// Problems found in all files together (0: every file checked out).
    pub problems: usize,
    /// The report for people, as `licet inspect` prints it.
    pub text: String,
    /// The report for tools, as `licet inspect --json` prints it.
    pub doc: json::InspectDoc,
}

/// Inspects `inputs` at `now`: each file against `roots` (none: the
/// signatures are not checked) for `group` and the panel `device_id` when
/// given; with roots and a group, also what a panel holding them all would
/// use. `ledger` adds the issuer's records of each link.
pub fn inspect(
    inputs: &[Input],
    roots: &[TrustedRoot],
    group: Option<Group<'_>>,
    device_id: Option<&str>,
    now: u64,
    ledger: Option<Ledger<'_>>,
) -> Report {
    let mut problems = 0usize;
    let mut text = String::new();
    let mut files = Vec::with_capacity(inputs.len());
    for input in inputs {
        let (n, t, v) = inspect_one(
            &input.name,
            &input.bytes,
            roots,
            group,
            device_id,
            now,
            ledger,
        );
        problems += n;
        text.push_str(&t);
        files.push(v);
    }
    // With a trust root and a group, what the panel would make of them all.
    let evaluation = match (roots.is_empty(), group) {
        (false, Some(g)) => {
            let (slices, map): (Vec<&[u8]>, Vec<usize>) = inputs
                .iter()
                .enumerate()
                .filter_map(|(i, f)| f.bytes.as_ref().ok().map(|b| (b.as_slice(), i)))
                .unzip();
            let device = Device {
                group: g,
                device_id,
                now,
            };
            licet_verifier::evaluate(roots, &slices, &device)
                .ok()
                .map(|e| {
                    text.push('\n');
                    text.push_str(&evaluation_text(&e, inputs, &map, g));
                    evaluation_json(&e, inputs, &map, g)
                })
        }
        _ => None,
    };
    Report {
        problems,
        text,
        doc: json::InspectDoc {
            version: json::VERSION,
            at: now,
            valid: problems == 0 && !roots.is_empty(),
            files,
            evaluation,
        },
    }
}
