//! `licet issue`: mint one link and write the chain it completes.
//!
//! Every limit is checked before signing, by the verifier's own rule checks
//! run over the candidate chain: what `licet issue` allows is exactly what a
//! panel accepts.

use crate::cli::{IssueArgs, TierArg};
use crate::error::{CliError, Result};
use crate::files::{passphrase, read_license, write_output};
use crate::output::{hex, safe};
use crate::time::{parse_duration, parse_time};
use ed25519_dalek::Signer;
use licet_common::claims::{is_device_id, is_name};
use licet_common::encode::{LinkClaims, container, cose_sign1, protected_header, sig_structure};
use licet_common::limits::{MAX_DEPTH, MAX_LICENSE_BYTES, MAX_LINKS, MAX_PAYLOAD_BYTES};
use licet_common::{Container, Group, Kind, Quota, Tier};
use licet_verifier::{TrustedRoot, check_chain, check_narrowing, check_signature};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

/// Bytes of a new serial.
const SERIAL_BYTES: usize = 8;

fn usage(msg: impl Into<String>, hint: &str) -> CliError {
    CliError::usage(msg, hint)
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
        let q = if value == "unlimited" {
            Quota::Unlimited
        } else {
            Quota::Count(value.parse().map_err(|_| {
                usage(
                    format!(
                        "--quota {}: {} is not a count from 0 to 4294967295",
                        safe(item),
                        safe(value)
                    ),
                    hint,
                )
            })?)
        };
        if out.insert(name.to_owned(), q).is_some() {
            return Err(usage(
                format!("--quota {name} is given twice"),
                "give each quota once",
            ));
        }
    }
    Ok(out)
}

fn parse_names(items: &[String], flag: &str) -> Result<BTreeSet<String>> {
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

fn tier(t: TierArg) -> Tier {
    match t {
        TierArg::Trial => Tier::Trial,
        TierArg::Basic => Tier::Basic,
        TierArg::Plus => Tier::Plus,
    }
}

pub fn run(args: &IssueArgs, out: &mut dyn Write) -> Result<()> {
    let now = match &args.now {
        Some(t) => parse_time(t, crate::time::now(), "--now")?,
        None => crate::time::now(),
    };
    let subject = Group::parse(&args.subject).map_err(|e| {
        usage(
            format!("--subject {}: {e}", safe(&args.subject)),
            "a group id looks like acme/dist-7/dealer-3",
        )
    })?;
    let quotas = parse_quotas(&args.quotas)?;
    let features = parse_names(&args.features, "--feature")?;
    let roles = parse_roles(&args.roles)?;
    for d in &args.devices {
        if !is_device_id(d) {
            return Err(usage(
                format!("--device {}: invalid device id", safe(d)),
                "device ids are 1-64 printable ASCII characters without spaces",
            ));
        }
    }
    let remind = args
        .remind
        .as_deref()
        .map(|r| {
            parse_duration(r).ok_or_else(|| {
                usage(
                    format!("--remind {}: not a duration", safe(r)),
                    "write e.g. 30d, 2w or 72h",
                )
            })
        })
        .transpose()?;

    // The parent chain, read and checked before anything is asked of the key.
    let parent_bytes = args.parent.as_deref().map(read_license).transpose()?;
    let parent = match &parent_bytes {
        Some(b) => Some(Container::decode(b).map_err(|e| {
            CliError::rejected(
                format!("--parent: not a valid licet license: {e}"),
                "run `licet inspect` on it to see what is wrong",
            )
        })?),
        None => None,
    };
    if let Some(p) = &parent {
        check_parent_chain(p)?;
    }
    let parent_leaf = parent.as_ref().and_then(|p| p.leaf()).map(|l| l.claims);

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
    if let Some(leaf) = &parent_leaf {
        match leaf.cnf {
            None => {
                return Err(CliError::rejected(
                    format!(
                        "the parent license ({}) does not delegate: its holder may not mint",
                        leaf.sub
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

    let iss = match (&parent_leaf, &args.issuer) {
        (Some(_), Some(_)) => {
            return Err(usage(
                "--issuer is only for root licenses",
                "drop --issuer: the issuer is the parent license's group",
            ));
        }
        (Some(leaf), None) => leaf.sub.as_str().to_owned(),
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

    let cnf = args
        .delegate
        .as_deref()
        .map(|p| licet_keys::read_public_key(p).map(|k| k.to_bytes()))
        .transpose()?;
    let depth = match (args.max_depth, cnf.is_some(), &parent_leaf) {
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
        (None, true, Some(leaf)) => leaf.depth.saturating_sub(1),
        (None, true, None) => u8::try_from(MAX_DEPTH).unwrap_or(7),
    };
    let nbf = match &args.not_before {
        Some(t) => parse_time(t, now, "--not-before")?,
        None => parent_leaf.map_or(now, |l| now.max(l.nbf)),
    };
    let exp = match &args.expires {
        Some(t) => Some(parse_time(t, now, "--expires")?),
        None => parent_leaf.and_then(|l| l.exp),
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

    let claims = LinkClaims {
        iss,
        sub: subject.as_str().to_owned(),
        nbf,
        exp,
        iat: now,
        serial,
        cnf,
        parent: parent_leaf.map(|l| l.serial.to_vec()),
        tier: args
            .tier
            .map(tier)
            .or(parent_leaf.map(|l| l.tier))
            .unwrap_or(Tier::Plus),
        kind: if args.addon {
            Kind::AddOn
        } else {
            Kind::License
        },
        quotas,
        features: if args.features.is_empty() {
            None
        } else {
            Some(features)
        },
        roles,
        depth,
        devices: if args.devices.is_empty() {
            None
        } else {
            Some(args.devices.iter().cloned().collect())
        },
        remind,
    };
    let bytes = mint(&claims, &key, parent.as_ref())?;
    let text;
    let file: &[u8] = if args.binary {
        &bytes
    } else {
        text = licet_common::armor::encode(&bytes);
        text.as_bytes()
    };
    write_output(&args.out, file, args.force)?;
    writeln!(
        out,
        "minted {} for {} ({}, {}), chain of {} links -> {}",
        hex(&claims.serial),
        claims.sub,
        claims.tier,
        claims.kind.name(),
        parent.as_ref().map_or(1, |p| p.len() + 1),
        safe(&args.out.display().to_string())
    )?;
    Ok(())
}

/// Checks the parent chain as far as it can be without the vendor's root
/// key: every link after the root is signed by the key its parent names,
/// chained and narrowing.
fn check_parent_chain(p: &Container<'_>) -> Result<()> {
    let mut prev = None;
    for (i, link) in p.links().enumerate() {
        if i > 0 {
            check_signature(i, link, prev, &[])
                .and_then(|()| check_chain(i, link, prev))
                .and_then(|()| check_narrowing(p, i, link))
                .map_err(|e| {
                    CliError::rejected(
                        format!("--parent is not a valid chain: {e}"),
                        "run `licet inspect` on it; ask its issuer for a fresh copy",
                    )
                })?;
        }
        prev = Some(link);
    }
    if p.len() >= MAX_LINKS {
        return Err(CliError::rejected(
            format!("the parent chain already has {MAX_LINKS} links, the most a chain may have"),
            "mint from a license higher up the chain",
        ));
    }
    Ok(())
}

/// For a refused feature or role grant, what the parent does grant.
fn parent_grants(c: &Container<'_>, i: usize, e: &licet_verifier::Error<'_>) -> String {
    let nearest_features = || {
        (0..i)
            .rev()
            .filter_map(|j| c.link(j))
            .find_map(|l| l.claims.features)
            .map(|f| f.iter().collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    };
    match e {
        licet_verifier::Error::FeatureNotGranted { .. } => {
            format!(" (the parent grants: {})", nearest_features())
        }
        licet_verifier::Error::RoleGrantNotAllowed { role, .. } => {
            let grants = (0..i)
                .rev()
                .filter_map(|j| c.link(j))
                .find_map(|l| l.claims.roles.get(role))
                .map(|g| g.iter().collect::<Vec<_>>().join(", "))
                .unwrap_or_default();
            format!(
                " (the parent grants everyone: {}; and {role}: {grants})",
                nearest_features()
            )
        }
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
    let parent_links: Vec<&[u8]> = parent
        .map(|p| p.links().map(|l| l.bytes).collect())
        .unwrap_or_default();
    let assemble = |link: &[u8]| {
        let mut all = parent_links.clone();
        all.push(link);
        container(all.into_iter())
    };

    // 1. Every rule, on the unsigned candidate.
    let unsigned = cose_sign1(&protected, &payload, &[0u8; 64]);
    let candidate = assemble(&unsigned);
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
    let i = decoded.len().saturating_sub(1);
    let (link, parent_leaf) = match (
        decoded.link(i),
        i.checked_sub(1).and_then(|p| decoded.link(p)),
    ) {
        (Some(l), p) => (l, p),
        (None, _) => {
            return Err(usage(
                "internal error: the new link is missing",
                "report this as a bug",
            ));
        }
    };
    check_chain(i, link, parent_leaf)
        .and_then(|()| check_narrowing(&decoded, i, link))
        .map_err(|e| {
            CliError::rejected(
                format!("refused before signing: {}{}", crate::describe::error_text(&e), parent_grants(&decoded, i, &e)),
                "the new license may only narrow its parent's: lower the value, or ask your issuer for more",
            )
        })?;

    // 2. Sign, assemble, and check the signature we made.
    let signature = key.sign(&sig_structure(&protected, &payload)).to_bytes();
    let signed = cose_sign1(&protected, &payload, &signature);
    let bytes = assemble(&signed);
    let decoded = Container::decode(&bytes)
        .map_err(|e| usage(format!("internal error: {e}"), "report this as a bug"))?;
    let root = TrustedRoot::from_bytes(&public).map_err(|e| {
        usage(
            format!("the signing key is unusable: {e}"),
            "generate a new key",
        )
    })?;
    let prev = i.checked_sub(1).and_then(|p| decoded.link(p));
    let ok = decoded
        .link(i)
        .is_some_and(|l| check_signature(i, l, prev, &[root]).is_ok());
    if !ok {
        return Err(usage(
            "internal error: the new signature does not verify",
            "report this as a bug",
        ));
    }
    Ok(bytes)
}
