//! `licet issue`: mint one link and write the chain it completes.
//!
//! Every limit is checked before signing, by the verifier's own rule checks
//! run over the candidate chain: what `licet issue` allows is exactly what a
//! panel accepts.

use crate::cli::{IssueArgs, TierArg};
use crate::error::{CliError, Result};
use crate::files::{passphrase, read_parent, write_output};
use crate::output::{hex, safe};
use crate::time::{parse_duration, parse_time};
use ed25519_dalek::Signer;
use licet_common::claims::{is_device_id, is_name};
use licet_common::encode::{LinkClaims, container, cose_sign1, protected_header, sig_structure};
use licet_common::limits::{MAX_DEPTH, MAX_LICENSE_BYTES, MAX_LINKS, MAX_PAYLOAD_BYTES};
use licet_common::{Container, Group, Kind, Quota, Tier};
use licet_verifier::{TrustedRoot, check_candidate, check_untimed};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

/// Bytes of a new serial.
const SERIAL_BYTES: usize = 8;

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

pub(crate) fn parse_devices<'s>(
    items: impl Iterator<Item = &'s str>,
    flag: &str,
) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for d in items {
        if !is_device_id(d) {
            return Err(usage(
                format!("{flag} {}: invalid device id", safe(d)),
                "device ids are 1-64 printable ASCII characters without spaces",
            ));
        }
        out.insert(d.to_owned());
    }
    Ok(out)
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

/// The claims of the new link: the request, with defaults from the parent.
pub(crate) fn build_claims(
    r: &Request,
    parent: Option<&licet_common::Claims<'_>>,
    now: u64,
) -> Result<LinkClaims> {
    let subject = Group::parse(&r.subject).map_err(|e| {
        usage(
            format!("subject {}: {e}", safe(&r.subject)),
            "a group id looks like acme/dist-7/dealer-3",
        )
    })?;
    let iss = match (parent, &r.issuer) {
        (Some(_), Some(_)) => {
            return Err(usage(
                "--issuer is only for root licenses",
                "drop --issuer: the issuer is the parent license's group",
            ));
        }
        (Some(p), None) => p.sub.as_str().to_owned(),
        (None, Some(i)) => {
            Group::parse(i).map_err(|e| {
                usage(
                    format!("--issuer {}: {e}", safe(i)),
                    "a group id looks like acme",
                )
            })?;
            i.clone()
        }
        (None, None) => subject
            .as_str()
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    let depth = match (r.max_depth, r.delegate.is_some(), parent) {
        (Some(d), false, _) if d > 0 => {
            return Err(usage(
                "--max-depth needs --delegate: a license without a key cannot mint",
                "add --delegate CHILD.pub, or drop --max-depth",
            ));
        }
        (Some(d), _, _) if u64::from(d) > MAX_DEPTH => {
            return Err(usage(
                format!("--max-depth {d} is over the cap of {MAX_DEPTH}"),
                "a chain has at most 8 links",
            ));
        }
        (Some(d), _, _) => d,
        (None, false, _) => 0,
        (None, true, Some(p)) => p.depth.saturating_sub(1),
        (None, true, None) => u8::try_from(MAX_DEPTH).unwrap_or(7),
    };
    let nbf = r
        .not_before
        .unwrap_or_else(|| parent.map_or(now, |p| now.max(p.nbf)));
    let exp = match (r.expires, r.duration) {
        (Some(e), _) => Some(e),
        // A plan's duration, but never past the parent's end.
        (None, Some(d)) => {
            let end = nbf.saturating_add(d);
            Some(parent.and_then(|p| p.exp).map_or(end, |pe| end.min(pe)))
        }
        (None, None) => parent.and_then(|p| p.exp),
    };
    if exp.is_some_and(|e| e <= nbf) {
        return Err(usage(
            "the license would end before it starts",
            "check --not-before and --expires",
        ));
    }
    let mut serial = vec![0u8; SERIAL_BYTES];
    getrandom::fill(&mut serial).map_err(|_| {
        usage(
            "the system random number generator failed",
            "check the system's entropy source",
        )
    })?;
    Ok(LinkClaims {
        iss,
        sub: subject.as_str().to_owned(),
        nbf,
        exp,
        iat: now,
        serial,
        cnf: r.delegate,
        parent: parent.map(|p| p.serial.to_vec()),
        tier: r.tier.or(parent.map(|p| p.tier)).unwrap_or(Tier::Plus),
        kind: if r.addon { Kind::AddOn } else { Kind::License },
        quotas: r.quotas.clone(),
        features: r.features.clone(),
        roles: r.roles.clone(),
        depth,
        devices: r.devices.clone(),
        remind: r.remind,
    })
}

/// Everything a mint needs besides the request: the key, the parent, now.
pub(crate) struct Minter<'p> {
    pub key: ed25519_dalek::SigningKey,
    pub parent: Option<Container<'p>>,
    /// Root keys given to `--trust` (recorded once the license is).
    pub trusted: Vec<[u8; 32]>,
}

impl<'p> Minter<'p> {
    /// Reads the key and checks the parent chain: every signature, the root
    /// link's against `--trust` or the roots the ledger records; not revoked
    /// in the ledger, not expired at `now`.
    pub(crate) fn new(
        args: &IssueArgs,
        parent_bytes: Option<&'p [u8]>,
        ledger: &crate::ledger::Ledger,
        now: u64,
    ) -> Result<Self> {
        let parent = match parent_bytes {
            Some(b) => Some(Container::decode(b).map_err(|e| {
                CliError::rejected(
                    format!("--parent: not a valid licet license: {e}"),
                    "run `licet inspect` on it to see what is wrong",
                )
            })?),
            None => None,
        };
        let (trusted, _) = crate::files::read_root_keys(&args.trust)?;
        if let Some(p) = &parent {
            let recorded = crate::ledger::roots(&ledger.conn)
                .map_err(ledger_err(ledger, "read the trusted roots"))?;
            let roots = trusted
                .iter()
                .chain(&recorded)
                .map(|k| licet_verifier::TrustedRoot::from_bytes(k))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| {
                    usage(
                        format!("a trusted root: {e}"),
                        "pass the vendor's root public key",
                    )
                })?;
            check_parent_chain(p, &roots, ledger, now)?;
        }
        let key_path = &args.key;
        let key = licet_keys::read_secret_key(key_path, || {
            passphrase(
                args.passphrase.passphrase_file.as_deref(),
                "Passphrase for the signing key: ",
            )
            .ok()
            .flatten()
        })?;
        let signer_public = key.verifying_key().to_bytes();
        if let Some(leaf) = parent.as_ref().and_then(|p| p.leaf()) {
            match leaf.claims.cnf {
                None => {
                    return Err(CliError::rejected(
                        format!(
                            "the parent license ({}) does not delegate: its holder may not mint",
                            leaf.claims.sub
                        ),
                        "ask your issuer for a license minted with --delegate YOUR.pub",
                    ));
                }
                Some(cnf) if cnf != &signer_public => {
                    return Err(usage(
                        format!(
                            "{} (key id {}) is not the key the parent license delegates to (key id {})",
                            safe(&key_path.display().to_string()),
                            hex(&licet_keys::kid(&signer_public)),
                            hex(&licet_keys::kid(cnf))
                        ),
                        "sign with the secret key whose public key was given to --delegate when the parent was minted",
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(Self {
            key,
            parent,
            trusted,
        })
    }

    /// Records in the ledger the root given to `--trust` that signed the
    /// parent chain (a key that checked nothing is not recorded: a mistaken
    /// `--trust` must not become a root for later runs), and for a root
    /// license the root key it was signed with.
    pub(crate) fn record_roots(&self, tx: &rusqlite::Connection, now: u64) -> rusqlite::Result<()> {
        let root_kid = self.parent.as_ref().and_then(|p| p.link(0)).map(|l| l.kid);
        let signed: Vec<[u8; 32]> = self
            .trusted
            .iter()
            .filter(|k| root_kid == Some(&licet_keys::kid(k)))
            .copied()
            .collect();
        crate::ledger::add_roots(tx, &signed, "--trust", now)?;
        if self.parent.is_none() {
            let own = self.key.verifying_key().to_bytes();
            crate::ledger::add_roots(tx, &[own], "root license", now)?;
        }
        Ok(())
    }

    /// What the parent chain grants. Its signatures were checked when the
    /// minter was made ([`check_parent_chain`]); this runs the rules only.
    pub(crate) fn parent_grants(&self) -> Result<Option<licet_verifier::Grants<'_, 'p>>> {
        self.parent
            .as_ref()
            .map(|p| check_candidate(p).map_err(|e| not_a_chain(&e)))
            .transpose()
    }

    pub(crate) fn parent_leaf(&self) -> Option<licet_common::Claims<'p>> {
        self.parent
            .as_ref()
            .and_then(|p| p.leaf())
            .map(|l| l.claims)
    }
}

/// The bytes a license file holds on disk, and its format name.
pub(crate) fn file_form(bytes: &[u8], binary: bool) -> (Vec<u8>, &'static str) {
    if binary {
        (bytes.to_vec(), "binary")
    } else {
        (licet_common::armor::encode(bytes).into_bytes(), "text")
    }
}

pub(crate) fn ledger_err(
    l: &crate::ledger::Ledger,
    action: &str,
) -> impl Fn(rusqlite::Error) -> CliError + use<> {
    let path = l.path.clone();
    let action = action.to_owned();
    move |e| crate::ledger::db_error(&path, &action, &e)
}

pub(crate) fn over_allocation(
    o: &crate::ledger::OverAllocation,
    stated: &BTreeMap<String, Quota>,
) -> CliError {
    let inherited = if stated.contains_key(&o.quota) {
        String::new()
    } else {
        format!(
            " (the new license does not state {0}, so it would hold the parent's whole {1}: give --quota {0}=N to share it)",
            o.quota, o.limit
        )
    };
    CliError::rejected(
        format!("refused: over-allocation: {}{inherited}", o.message()),
        "the parent's children may not hold more than the parent at any time: lower the value, revoke unused licenses (`licet revoke`), or ask your issuer for more",
    )
}

pub fn run(
    args: &IssueArgs,
    ledger_path: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<()> {
    let now = match &args.now {
        Some(t) => parse_time(t, crate::time::now(), "--now")?,
        None => crate::time::now(),
    };
    let plan = match &args.plan {
        Some(name) => Some(crate::plans::get(
            &crate::plans::load(args.plans.as_deref())?,
            name,
        )?),
        None => None,
    };
    if let Some(batch) = &args.batch {
        return crate::cmd::batch::run(args, batch, plan.as_ref(), ledger_path, now, out);
    }
    let mut request = match &plan {
        Some(p) => request_from_plan(p)?,
        None => Request::default(),
    };
    request.subject = args.subject.clone().unwrap_or_default();
    apply_flags(&mut request, args, now)?;
    let Some(out_path) = &args.out else {
        return Err(usage(
            "--out is required",
            "name the license file to write with --out OUT.lic",
        ));
    };
    if !args.force && out_path.exists() {
        return Err(crate::error::io_error(
            out_path,
            "write",
            &std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        ));
    }
    let parent_bytes = args.parent.as_deref().map(read_parent).transpose()?;
    let mut ledger = crate::ledger::Ledger::open(&crate::ledger::resolve(ledger_path)?)?;
    let minter = Minter::new(args, parent_bytes.as_deref(), &ledger, now)?;
    let claims = build_claims(&request, minter.parent_leaf().as_ref(), now)?;
    let bytes = mint(&claims, &minter.key, minter.parent.as_ref())?;
    let (file, format) = file_form(&bytes, args.binary);

    // Record, checking the parent's allocation, then write the file.
    let container = Container::decode(&bytes)
        .map_err(|e| usage(format!("internal error: {e}"), "report this as a bug"))?;
    // Our own output, checked before signing and its signature verified.
    let grants = check_candidate(&container)
        .map_err(|e| usage(format!("internal error: {e}"), "report this as a bug"))?;
    let i = container.len() - 1;
    let shown_out = safe(&out_path.display().to_string());
    let record = crate::ledger::record_of(
        &grants,
        &bytes,
        &file,
        "issued",
        request.contact.as_deref(),
        args.plan.as_deref(),
        Some(shown_out.clone()),
        format,
        now,
    )
    .ok_or_else(|| usage("internal error: no link to record", "report this as a bug"))?;
    {
        let err = ledger_err(&ledger, "record the license");
        let tx = ledger.write()?;
        if let Some(conflict) = crate::ledger::first_conflict(&tx, &grants, i).map_err(&err)? {
            return Err(conflict.error("the new license was neither recorded nor written"));
        }
        crate::ledger::record_ancestors(&tx, &grants, i, now).map_err(&err)?;
        if let Some(p) = minter.parent_grants()? {
            let hold = crate::ledger::NewHold {
                nbf: claims.nbf,
                exp: claims.exp,
                quotas: record.quotas.clone(),
                subject: claims.sub.clone(),
                addon: claims.kind == Kind::AddOn,
                delegates: claims.cnf.is_some(),
            };
            if let Some(o) = crate::ledger::check_allocation(&tx, &p, &[hold]).map_err(&err)? {
                return Err(over_allocation(&o, &claims.quotas));
            }
        }
        crate::ledger::insert(&tx, &record).map_err(&err)?;
        minter.record_roots(&tx, now).map_err(&err)?;
        tx.commit().map_err(&err)?;
    }
    if let Err(e) = write_output(out_path, &file, args.force) {
        // Not delivered: take the record back so the ledger matches the files.
        let err = ledger_err(&ledger, "undo the record");
        let tx = ledger.write()?;
        crate::ledger::delete_record(&tx, &claims.serial).map_err(&err)?;
        tx.commit().map_err(&err)?;
        return Err(e);
    }
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::json!({
                "version": crate::describe::JSON_VERSION,
                "serial": hex(&claims.serial),
                "parent": claims.parent.as_ref().map(|p| hex(p)),
                "issuer": claims.iss,
                "subject": claims.sub,
                "tier": claims.tier.to_string(),
                "kind": claims.kind.name(),
                "delegates": claims.cnf.is_some(),
                "nbf": claims.nbf,
                "exp": claims.exp,
                "links": container.len(),
                "file": shown_out,
                "format": format,
                "bytes": file.len(),
                "sha256": hex(&record.sha256),
            })
        )?;
    } else {
        writeln!(
            out,
            "minted {} for {} ({}, {}), chain of {} links -> {}",
            hex(&claims.serial),
            claims.sub,
            claims.tier,
            claims.kind.name(),
            container.len(),
            shown_out
        )?;
    }
    Ok(())
}

/// Checks the parent chain: every link signed (the root link by one of
/// `roots`), chained and narrowing; its license not revoked in the ledger
/// and not expired at `now`.
fn check_parent_chain(
    p: &Container<'_>,
    roots: &[licet_verifier::TrustedRoot],
    ledger: &crate::ledger::Ledger,
    now: u64,
) -> Result<()> {
    if roots.is_empty() {
        return Err(usage(
            "cannot check who signed the root of --parent: no trusted root",
            "pass the vendor's root public key once with --trust ROOT.pub (the ledger records it for later runs)",
        ));
    }
    check_untimed(p, Some(roots)).map_err(|e| not_a_chain(&e))?;
    let leaf = p.last();
    if let Some((at, reason)) = crate::ledger::revocation(&ledger.conn, leaf.claims.serial)
        .map_err(ledger_err(ledger, "look up the parent"))?
    {
        return Err(CliError::rejected(
            format!(
                "the parent license {} ({}) was revoked in this ledger at {}: {}",
                hex(leaf.claims.serial),
                leaf.claims.sub,
                crate::time::format_time(at),
                safe(&reason)
            ),
            "nothing may be minted under a revoked license: mint under its replacement",
        ));
    }
    if let Some(exp) = p.links().filter_map(|l| l.claims.exp).min()
        && exp <= now
    {
        return Err(CliError::rejected(
            format!(
                "the parent chain expired at {}",
                crate::time::format_time(exp)
            ),
            "ask your issuer for a renewed license to mint under",
        ));
    }
    if p.len() >= MAX_LINKS {
        return Err(CliError::rejected(
            format!("the parent chain already has {MAX_LINKS} links, the most a chain may have"),
            "mint from a license higher up the chain",
        ));
    }
    Ok(())
}

/// The refusal of a parent chain that does not check.
fn not_a_chain(e: &licet_verifier::Error<'_>) -> CliError {
    CliError::rejected(
        format!("--parent is not a valid chain: {e}"),
        "run `licet inspect` on it; ask its issuer for a fresh copy",
    )
}

/// For a refused feature or role grant, what the parent does grant (its
/// signatures were checked before: [`check_parent_chain`]).
fn parent_grants(parent: Option<&Container<'_>>, e: &licet_verifier::Error<'_>) -> String {
    let Some(grants) = parent.and_then(|p| check_candidate(p).ok()) else {
        return String::new();
    };
    let list = |n: licet_common::claims::Names<'_>| n.iter().collect::<Vec<_>>().join(", ");
    match e {
        licet_verifier::Error::FeatureNotGranted { .. } => {
            format!(" (the parent grants: {})", list(grants.features()))
        }
        licet_verifier::Error::RoleGrantNotAllowed { role, .. } => format!(
            " (the parent grants everyone: {}; and {role}: {})",
            list(grants.features()),
            list(grants.role_grants(role))
        ),
        _ => String::new(),
    }
}

/// Builds the candidate chain, runs every rule check on the new link, and
/// only then signs. Returns the binary license file.
pub fn mint(
    claims: &LinkClaims,
    key: &ed25519_dalek::SigningKey,
    parent: Option<&Container<'_>>,
) -> Result<Vec<u8>> {
    let checked = check(claims, key, parent)?;
    sign_checked(&checked, key, parent, true)
}

/// A new link that passed every rule check, ready to sign.
#[derive(Debug)]
pub struct Checked {
    protected: Vec<u8>,
    payload: Vec<u8>,
    /// What the new license holds of its parent's quotas
    /// ([`crate::ledger::held_quotas`] of the candidate).
    pub quotas: Vec<(String, Option<u32>)>,
}

/// Runs every rule check on the new link, on the unsigned candidate chain.
pub fn check(
    claims: &LinkClaims,
    key: &ed25519_dalek::SigningKey,
    parent: Option<&Container<'_>>,
) -> Result<Checked> {
    let payload = claims.to_payload();
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(usage(
            format!(
                "the license's claims take {} bytes, over the {MAX_PAYLOAD_BYTES}-byte limit of a link",
                payload.len()
            ),
            "state fewer or shorter features, roles, quotas or devices",
        ));
    }
    let public = key.verifying_key().to_bytes();
    let protected = protected_header(&licet_keys::kid(&public));
    let unsigned = cose_sign1(&protected, &payload, &[0u8; 64]);
    let candidate = assemble(parent, &unsigned);
    if candidate.len() > MAX_LICENSE_BYTES {
        return Err(usage(
            format!(
                "the license would take {} bytes, over the {MAX_LICENSE_BYTES}-byte limit",
                candidate.len()
            ),
            "state fewer or shorter claims",
        ));
    }
    let decoded = Container::decode(&candidate).map_err(|e| {
        usage(
            format!("the new link does not encode validly: {e}"),
            "check the values given",
        )
    })?;
    let grants = check_candidate(&decoded).map_err(|e| {
        CliError::rejected(
            format!(
                "refused before signing: {}{}",
                crate::describe::error_text(&e),
                parent_grants(parent, &e)
            ),
            "the new license may only narrow its parent's: lower the value, or ask your issuer for more",
        )
    })?;
    let quotas = crate::ledger::held_quotas(&grants);
    Ok(Checked {
        protected,
        payload,
        quotas,
    })
}

/// The license file: the parent's links and `link`.
fn assemble(parent: Option<&Container<'_>>, link: &[u8]) -> Vec<u8> {
    let mut all: Vec<&[u8]> = parent
        .map(|p| p.links().map(|l| l.bytes).collect())
        .unwrap_or_default();
    all.push(link);
    container(all.into_iter())
}

/// Signs a checked link and assembles the license file. With
/// `self_verify`, the new signature is verified too, as a guard against a
/// damaged key or a bug (the batch does it once per chunk: verifying costs
/// more than signing).
pub fn sign_checked(
    checked: &Checked,
    key: &ed25519_dalek::SigningKey,
    parent: Option<&Container<'_>>,
    self_verify: bool,
) -> Result<Vec<u8>> {
    let signature = key
        .sign(&sig_structure(&checked.protected, &checked.payload))
        .to_bytes();
    let signed = cose_sign1(&checked.protected, &checked.payload, &signature);
    let bytes = assemble(parent, &signed);
    if !self_verify {
        return Ok(bytes);
    }
    let decoded = Container::decode(&bytes)
        .map_err(|e| usage(format!("internal error: {e}"), "report this as a bug"))?;
    let public = key.verifying_key().to_bytes();
    let root = TrustedRoot::from_bytes(&public).map_err(|e| {
        usage(
            format!("the signing key is unusable: {e}"),
            "generate a new key",
        )
    })?;
    // A root license is signed by the key itself; any other link by the key
    // its parent delegates to (the vendor's root is not at hand).
    let roots = [root];
    let trust = (decoded.len() == 1).then_some(&roots[..]);
    let ok = check_untimed(&decoded, trust).is_ok();
    if !ok {
        return Err(usage(
            "internal error: the new signature does not verify",
            "report this as a bug",
        ));
    }
    Ok(bytes)
}
