//! The minting core, without I/O: a [`Request`]
//! and the parent chain become the new link's claims, the candidate chain is
//! checked by the verifier's own rules (what `licet issue` allows is exactly
//! what a panel accepts), and only then signed.

use crate::error::{CliError, Result};
use crate::request::Request;
use ed25519_dalek::Signer;
use licet_common::encode::{LinkClaims, container, cose_sign1, protected_header, sig_structure};
use licet_common::limits::{MAX_DEPTH, MAX_LICENSE_BYTES, MAX_PAYLOAD_BYTES};
use licet_common::{Container, Kind, Tier};
use licet_verifier::{TrustedRoot, check_candidate, check_untimed};

/// Bytes of a new serial.
const SERIAL_BYTES: usize = 8;

fn usage(msg: impl Into<String>, hint: &str) -> CliError {
    CliError::usage(msg, hint)
}

/// The claims of the new link: the request, with defaults from the parent.
pub(crate) fn build_claims(
    r: &Request,
    parent: Option<&licet_common::Claims<'_>>,
    now: u64,
) -> Result<LinkClaims> {
    let subject = crate::request::parse_group("subject ", &r.subject)?;
    let iss = match (parent, &r.issuer) {
        (Some(_), Some(_)) => {
            return Err(usage(
                "--issuer is only for root licenses",
                "drop --issuer: the issuer is the parent license's group",
            ));
        }
        (Some(p), None) => p.sub.as_str().to_owned(),
        (None, Some(i)) => {
            crate::request::parse_group("--issuer ", i)?;
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

/// The bytes a license file holds on disk, and its format name.
pub(crate) fn file_form(bytes: &[u8], binary: bool) -> (Vec<u8>, &'static str) {
    if binary {
        (bytes.to_vec(), "binary")
    } else {
        (licet_common::armor::encode(bytes).into_bytes(), "text")
    }
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
