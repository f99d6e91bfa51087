//! `licet issue --batch FILE.csv --plan NAME --key K.key --parent P.lic --out-dir DIR`.
//!
//! All or nothing on validation: every row is parsed, rule-checked and
//! counted against the parent's allocation before any is signed. Then rows
//! are signed and recorded in chunks, one transaction each (the allocation
//! re-checked inside it, so concurrent minting cannot over-allocate), and
//! each chunk's files are written after its commit. Re-running skips rows
//! already minted for the same parent, subject and plan, and rewrites any of
//! their files that are missing, from the ledger.
//!
//! CSV: a header row, then one row per license. Columns: `subject`
//! (required), `contact`, `not_before`, `expires`, `tier`, `features` and
//! `devices` (`;`-separated), `quota.NAME`, `role.NAME` (`;`-separated grants).

use crate::cli::IssueArgs;
use crate::error::{CliError, Result, io_error};
use crate::files::read_parent;
use crate::ledger::{Ledger, NewHold, check_allocation, db_error, insert, record_of};
use crate::mint::{Checked, build_claims, check, file_form, sign_checked};
use crate::minter::{Minter, ledger_err, over_allocation};
use crate::output::safe;
use crate::plans::Plan;
use crate::request::{
    Request, apply_flags, parse_contact, parse_devices, parse_names, parse_quota_value,
    request_from_plan, tier_named,
};
use crate::time::parse_time;
use licet_common::Container;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Most rows in one batch file.
const MAX_ROWS: usize = 1_000_000;
/// Validation errors shown before giving up.
const MAX_SHOWN_ERRORS: usize = 20;

struct Row {
    line: u64,
    request: Request,
    file: PathBuf,
}

fn bad(line: u64, msg: impl std::fmt::Display) -> String {
    format!("row {line}: {msg}")
}

/// The rows of the CSV that parse, and every problem of the others, each as
/// (line, message).
type Rows = (Vec<Row>, Vec<(u64, String)>);

fn read_rows(path: &Path, base: &Request, now: u64, out_dir: &Path) -> Result<Rows> {
    let shown = safe(&path.display().to_string());
    let text = std::fs::read(path).map_err(|e| crate::error::io_error(path, "read", &e))?;
    // Spreadsheets save "CSV UTF-8" with a byte order mark, and in most
    // European locales with `;` between fields: the header row tells.
    let text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&text);
    let header_line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = if header_line.contains(&b';') && !header_line.contains(&b',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .delimiter(delimiter)
        .from_reader(text);
    let headers = reader
        .headers()
        .map_err(|e| {
            CliError::usage(
                format!("{shown}: {e}"),
                "the first row names the columns: subject, contact, expires, quota.NAME, …",
            )
        })?
        .clone();
    let known = |h: &str| {
        matches!(
            h,
            "subject" | "contact" | "not_before" | "expires" | "tier" | "features" | "devices"
        ) || h
            .strip_prefix("quota.")
            .is_some_and(licet_common::claims::is_name)
            || h.strip_prefix("role.")
                .is_some_and(licet_common::claims::is_name)
    };
    if let Some(h) = headers.iter().find(|h| !known(h)) {
        return Err(CliError::usage(
            format!("{shown}: unknown column {:?}", safe(h)),
            "columns: subject, contact, not_before, expires, tier, features, devices, quota.NAME, role.NAME",
        ));
    }
    if !headers.iter().any(|h| h == "subject") {
        return Err(CliError::usage(
            format!("{shown}: no subject column"),
            "the first row must name a subject column",
        ));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for (n, record) in reader.records().enumerate() {
        let line = u64::try_from(n).unwrap_or(u64::MAX).saturating_add(2);
        if rows.len() + errors.len() >= MAX_ROWS {
            return Err(CliError::usage(
                format!("{shown}: more than {MAX_ROWS} rows"),
                "split the batch into several files",
            ));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push((line, bad(line, e)));
                continue;
            }
        };
        let mut r = base.clone();
        let mut problems = Vec::new();
        for (h, v) in headers.iter().zip(record.iter()) {
            if v.is_empty() {
                continue;
            }
            let res: Result<()> = (|| {
                match h {
                    "subject" => r.subject = v.to_owned(),
                    "contact" => r.contact = Some(parse_contact(v)?),
                    "not_before" => r.not_before = Some(parse_time(v, now, "not_before")?),
                    "expires" => r.expires = Some(parse_time(v, now, "expires")?),
                    "tier" => {
                        r.tier = Some(tier_named(v).ok_or_else(|| {
                            CliError::usage(
                                format!("tier {:?} is not trial, basic or plus", safe(v)),
                                "",
                            )
                        })?)
                    }
                    "features" => {
                        r.features = Some(parse_names(
                            &v.split([';', ','])
                                .map(str::trim)
                                .filter(|s| !s.is_empty())
                                .map(str::to_owned)
                                .collect::<Vec<_>>(),
                            "features",
                        )?)
                    }
                    "devices" => {
                        r.devices = Some(parse_devices(
                            v.split(';').filter(|s| !s.is_empty()),
                            "devices",
                        )?)
                    }
                    _ => {
                        if let Some(q) = h.strip_prefix("quota.") {
                            let value = parse_quota_value(v).ok_or_else(|| {
                                CliError::usage(format!("{h} = {:?} is not a count", safe(v)), "")
                            })?;
                            r.quotas.insert(q.to_owned(), value);
                        } else if let Some(role) = h.strip_prefix("role.") {
                            let grants = parse_names(
                                &v.split(';')
                                    .filter(|s| !s.is_empty())
                                    .map(str::to_owned)
                                    .collect::<Vec<_>>(),
                                "role",
                            )?;
                            r.roles.insert(role.to_owned(), grants);
                        }
                    }
                }
                Ok(())
            })();
            if let Err(e) = res {
                problems.push(e.message());
            }
        }
        if r.subject.is_empty() {
            problems.push("no subject".into());
        } else if let Some(first) = seen.insert(r.subject.clone(), line) {
            problems.push(format!(
                "subject {} is also on row {first}",
                safe(&r.subject)
            ));
        }
        if !problems.is_empty() {
            errors.push((line, bad(line, problems.join("; "))));
            continue;
        }
        let file = out_dir.join(file_name(&r.subject));
        rows.push(Row {
            line,
            request: r,
            file,
        });
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(CliError::usage(
            format!("{shown} has no rows"),
            "add one row per license under the header row",
        ));
    }
    Ok((rows, errors))
}

fn validation_failed(shown: &str, errors: &[(u64, String)]) -> CliError {
    let mut msg = format!(
        "{shown}: {} row(s) invalid, nothing was minted",
        errors.len()
    );
    for (_, e) in errors.iter().take(MAX_SHOWN_ERRORS) {
        msg.push_str("\n  ");
        msg.push_str(e);
    }
    if errors.len() > MAX_SHOWN_ERRORS {
        msg.push_str(&format!(
            "\n  … and {} more",
            errors.len() - MAX_SHOWN_ERRORS
        ));
    }
    CliError::usage(msg, "fix the rows listed and run the same command again")
}

/// What the ledger already has for a row: its file's bytes, the license
/// and its contact.
struct Existing {
    file_bytes: Vec<u8>,
    chain: Vec<u8>,
    contact: Option<String>,
}

/// How an earlier run's license for a row differs from what this run would
/// mint for it (times aside: they follow the clock), as "what: then, now".
fn differences(
    ex: &Existing,
    now: &licet_common::encode::LinkClaims,
    now_contact: Option<&str>,
) -> Vec<String> {
    let Ok(c) = Container::decode(&ex.chain) else {
        return vec!["the recorded license does not decode".into()];
    };
    let then = &c.last().claims;
    let mut out = Vec::new();
    let mut differ = |what: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{what} {a}, now {b}"));
        }
    };
    differ("tier", then.tier.to_string(), now.tier.to_string());
    differ("kind", then.kind.name().into(), now.kind.name().into());
    let quotas_then: Vec<String> = then
        .quotas
        .iter()
        .map(|(n, q)| format!("{}={q}", n.as_str()))
        .collect();
    let mut quotas_now: Vec<String> = now.quotas.iter().map(|(n, q)| format!("{n}={q}")).collect();
    let mut sorted_then = quotas_then.clone();
    sorted_then.sort();
    quotas_now.sort();
    differ("quotas", sorted_then.join(","), quotas_now.join(","));
    let names = |n: Option<licet_common::claims::Names<'_>>| {
        n.map_or("(inherited)".to_owned(), |n| {
            let mut v: Vec<&str> = n.iter().collect();
            v.sort_unstable();
            v.join(",")
        })
    };
    let sets = |n: &Option<std::collections::BTreeSet<String>>| {
        n.as_ref().map_or("(inherited)".to_owned(), |n| {
            n.iter().map(String::as_str).collect::<Vec<_>>().join(",")
        })
    };
    differ("features", names(then.features), sets(&now.features));
    differ("devices", names(then.devices), sets(&now.devices));
    let roles_then: Vec<String> = then
        .roles
        .iter()
        .map(|(r, g)| format!("{r}={}", names(Some(g))))
        .collect();
    let mut roles_then = roles_then;
    roles_then.sort();
    let roles_now: Vec<String> = now
        .roles
        .iter()
        .map(|(r, g)| {
            format!(
                "{r}={}",
                g.iter().map(String::as_str).collect::<Vec<_>>().join(",")
            )
        })
        .collect();
    differ("roles", roles_then.join(" "), roles_now.join(" "));
    differ(
        "contact",
        ex.contact.clone().unwrap_or_else(|| "(none)".into()),
        now_contact.unwrap_or("(none)").to_owned(),
    );
    out
}

fn existing(
    conn: crate::ledger::Store<'_>,
    parent: &[u8],
    subject: &str,
    plan: &str,
) -> rusqlite::Result<Option<Existing>> {
    Ok(
        crate::ledger::issued_for(conn, parent, subject, plan)?.map(|i| Existing {
            file_bytes: file_form(&i.chain, i.file_format == "binary").0,
            contact: i.contact,
            chain: i.chain,
        }),
    )
}

/// The file a batch writes for `subject`: its segments joined by `+`, a
/// character no segment may hold, so distinct subjects never share a file
/// (`acme/d/complex_1` and `acme/d/complex/1` once did, with `_`).
pub fn file_name(subject: &str) -> String {
    format!("{}.lic", subject.replace('/', "+"))
}

/// Writes a batch file: whole or not at all, without a sync per file (the
/// folder is synced once per chunk; the ledger can always rewrite a file).
fn write_fast(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder
        .prefix(".licet-tmp-")
        .tempfile_in(dir)
        .map_err(|e| io_error(path, "write", &e))?;
    tmp.write_all(bytes)
        .map_err(|e| io_error(path, "write", &e))?;
    tmp.persist(path)
        .map_err(|e| io_error(path, "write", &e.error))?;
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

pub fn run(
    args: &IssueArgs,
    csv_path: &Path,
    plan: Option<&Plan>,
    ledger_path: Option<&Path>,
    now: u64,
    out: &mut dyn Write,
) -> Result<()> {
    let (Some(plan), Some(plan_name), Some(out_dir), Some(parent_path)) = (
        plan,
        args.plan.as_deref(),
        args.out_dir.as_deref(),
        args.parent.as_deref(),
    ) else {
        return Err(CliError::usage(
            "--batch needs --plan, --parent and --out-dir",
            "add the missing flags",
        ));
    };
    std::fs::create_dir_all(out_dir).map_err(|e| io_error(out_dir, "create", &e))?;
    // Writable, before anything is recorded: a record must never lack its file.
    tempfile::Builder::new()
        .prefix(".licet-tmp-")
        .tempfile_in(out_dir)
        .map_err(|e| io_error(out_dir, "write into", &e))?;
    // Leftovers of an interrupted run: our own temporary files.
    if let Ok(entries) = std::fs::read_dir(out_dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(".licet-tmp-") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let mut base = request_from_plan(plan)?;
    apply_flags(&mut base, args, now)?;
    let (rows, mut errors) = read_rows(csv_path, &base, now, out_dir)?;

    let parent_bytes = read_parent(parent_path)?;
    let mut ledger = Ledger::open(&crate::ledger::resolve(ledger_path)?)?;
    let minter = Minter::new(args, Some(&parent_bytes), &ledger, now)?;
    let parent: &Container<'_> = minter
        .parent
        .as_ref()
        .ok_or_else(|| CliError::usage("--parent is required", ""))?;
    let parent_serial = minter
        .parent_leaf()
        .map(|l| l.serial.to_vec())
        .unwrap_or_default();

    // 1. Which rows are done already (resumed), and repair their files.
    let mut todo = Vec::new();
    let (mut skipped, mut repaired) = (0usize, 0usize);
    for row in rows {
        let found = existing(
            ledger.store(),
            &parent_serial,
            &row.request.subject,
            plan_name,
        )
        .map_err(ledger_err(&ledger, "look up earlier runs"))?;
        match found {
            Some(ex) => {
                let now_claims = build_claims(&row.request, minter.parent_leaf().as_ref(), now)?;
                let differs = differences(&ex, &now_claims, row.request.contact.as_deref());
                if !differs.is_empty() {
                    errors.push((
                        row.line,
                        bad(
                            row.line,
                            format!(
                                "{} was minted by an earlier run of this plan with other values: {}",
                                safe(&row.request.subject),
                                differs.join("; ")
                            ),
                        ),
                    ));
                    continue;
                }
                skipped += 1;
                if std::fs::read(&row.file).ok().as_deref() != Some(&ex.file_bytes[..]) {
                    write_fast(&row.file, &ex.file_bytes)?;
                    repaired += 1;
                }
            }
            None => todo.push(row),
        }
    }

    // 2. Every rule on every row, then the allocation of them all, before signing any.
    let mut prepared = Vec::with_capacity(todo.len());
    let mut checked = Vec::with_capacity(todo.len());
    for row in &todo {
        match build_claims(&row.request, minter.parent_leaf().as_ref(), now)
            .and_then(|c| check(&c, &minter.key, Some(parent)).map(|k| (c, k)))
        {
            Ok((c, k)) => {
                prepared.push(c);
                checked.push(k);
            }
            Err(e) => errors.push((
                row.line,
                bad(
                    row.line,
                    e.message().trim_start_matches("refused before signing: "),
                ),
            )),
        }
    }
    let shown_csv = safe(&csv_path.display().to_string());
    // Every problem of every row, in one round.
    errors.sort_by_key(|(line, _)| *line);
    if !errors.is_empty() {
        return Err(validation_failed(&shown_csv, &errors));
    }
    let parent_grants = minter
        .parent_grants()?
        .ok_or_else(|| CliError::usage("internal error: no parent", "report this as a bug"))?;
    let holds_of =
        |claims: &[licet_common::encode::LinkClaims], checked: &[Checked]| -> Vec<NewHold> {
            claims
                .iter()
                .zip(checked)
                .map(|(c, k)| NewHold {
                    nbf: c.nbf,
                    exp: c.exp,
                    quotas: k.quotas.clone(),
                    subject: c.sub.clone(),
                    addon: c.kind == licet_common::Kind::AddOn,
                    delegates: c.cnf.is_some(),
                })
                .collect()
        };
    let all = holds_of(&prepared, &checked);
    {
        let hs = &all;
        if let Some(o) = check_allocation(ledger.store(), &parent_grants, hs)
            .map_err(ledger_err(&ledger, "check the allocation"))?
        {
            return Err(over_allocation(
                &format!("{shown_csv}: the batch would over-allocate, nothing was minted"),
                &o,
                &base.quotas,
            ));
        }
    }

    // 3. Sign, record and write, chunk by chunk.
    use std::io::IsTerminal;
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(u64::try_from(prepared.len()).unwrap_or(0))
    } else {
        indicatif::ProgressBar::hidden()
    };
    let chunk = usize::try_from(args.chunk).unwrap_or(2000).max(1);
    let mut minted = 0usize;
    for ((chunk_rows, chunk_claims), chunk_checked) in todo
        .chunks(chunk)
        .zip(prepared.chunks(chunk))
        .zip(checked.chunks(chunk))
    {
        let mut signed = Vec::with_capacity(chunk_claims.len());
        for (n, k) in chunk_checked.iter().enumerate() {
            // Checked above; the first signature of each chunk is verified too.
            let bytes = sign_checked(k, &minter.key, Some(parent), n == 0)?;
            let (file, format) = file_form(&bytes, args.binary);
            signed.push((bytes, file, format));
        }
        let containers: Vec<Container<'_>> = signed
            .iter()
            .map(|(b, ..)| {
                Container::decode(b).map_err(|e| {
                    CliError::usage(format!("internal error: {e}"), "report this as a bug")
                })
            })
            .collect::<Result<_>>()?;
        {
            let path = ledger.path.clone();
            let err = move |e: rusqlite::Error| db_error(&path, "record the batch", &e);
            let tx = ledger.write()?;
            // Re-check inside the transaction: others may have minted since.
            let chunk_holds = holds_of(chunk_claims, chunk_checked);
            let hs = &chunk_holds;
            if let Some(o) = check_allocation(tx.store(), &parent_grants, hs).map_err(&err)? {
                return Err(over_allocation(
                    &format!(
                        "{shown_csv}: stopped after {minted} licenses: another issuer took part of the allocation"
                    ),
                    &o,
                    &base.quotas,
                ));
            }
            for ((row, (bytes, file, format)), c) in chunk_rows.iter().zip(&signed).zip(&containers)
            {
                let shown = safe(&row.file.display().to_string());
                let grants = licet_verifier::check_candidate(c).map_err(|e| {
                    CliError::usage(format!("internal error: {e}"), "report this as a bug")
                })?;
                let rec = record_of(
                    &grants,
                    bytes,
                    file,
                    "issued",
                    row.request.contact.as_deref(),
                    Some(plan_name),
                    Some(shown),
                    format,
                    now,
                )
                .ok_or_else(|| {
                    CliError::usage("internal error: no link to record", "report this as a bug")
                })?;
                insert(tx.store(), &rec).map_err(&err)?;
            }
            tx.commit().map_err(&err)?;
        }
        for (row, (_, file, _)) in chunk_rows.iter().zip(&signed) {
            write_fast(&row.file, file)?;
        }
        sync_dir(out_dir);
        minted += chunk_rows.len();
        bar.inc(u64::try_from(chunk_rows.len()).unwrap_or(0));
    }
    bar.finish_and_clear();
    writeln!(
        out,
        "minted {minted}, skipped {skipped} already minted{}, under {} -> {}",
        if repaired > 0 {
            format!(" (rewrote {repaired} missing files)")
        } else {
            String::new()
        },
        minter
            .parent_leaf()
            .map(|l| l.sub.as_str().to_owned())
            .unwrap_or_default(),
        safe(&out_dir.display().to_string())
    )?;
    Ok(())
}
