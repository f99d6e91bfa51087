//! Test support for licet: a signer that bypasses the issuer's checks (so
//! tests can build chains the issuer would refuse), and the location of the
//! shared external test vectors.
//!
//! Nothing here ships: this crate is `publish = false` and the CLI cannot
//! reach it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod caps;
pub mod diag;

use ed25519_dalek::{Signer, SigningKey};
use licet_common::encode::{LinkClaims, container, cose_sign1, protected_header, sig_structure};
use licet_common::{Kind, Tier};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// A fixed "now" for tests: 2027-01-01T00:00:00Z.
pub const NOW: u64 = 1_798_761_600;
/// One day in seconds.
pub const DAY: u64 = 86_400;

/// A deterministic test key.
pub fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// The public key bytes of a test key.
pub fn public(k: &SigningKey) -> [u8; 32] {
    k.verifying_key().to_bytes()
}

/// Claims with sensible defaults: valid a year around [`NOW`], tier plus.
pub fn claims(iss: &str, sub: &str, serial: u8) -> LinkClaims {
    LinkClaims {
        iss: iss.into(),
        sub: sub.into(),
        nbf: NOW - 100 * DAY,
        exp: Some(NOW + 265 * DAY),
        iat: NOW - 100 * DAY,
        serial: vec![serial; 8],
        cnf: None,
        parent: None,
        tier: Tier::Plus,
        kind: Kind::License,
        quotas: BTreeMap::new(),
        features: None,
        roles: BTreeMap::new(),
        depth: 0,
        devices: None,
        remind: None,
    }
}

/// Signs `claims` with `signer` into a COSE_Sign1 link, no questions asked.
pub fn sign_link(claims: &LinkClaims, signer: &SigningKey) -> Vec<u8> {
    let protected = protected_header(&licet_common::kid::kid(&public(signer)));
    let payload = claims.to_payload();
    let sig = signer.sign(&sig_structure(&protected, &payload)).to_bytes();
    cose_sign1(&protected, &payload, &sig)
}

/// A license file from links.
pub fn chain(links: &[Vec<u8>]) -> Vec<u8> {
    container(links.iter().map(Vec::as_slice))
}

/// Builds a chain link by link, wiring `parent`, `iss` and `cnf` so every
/// link is correctly chained unless a test changes it.
#[derive(Debug)]
pub struct ChainBuilder {
    /// The signed links so far.
    pub links: Vec<Vec<u8>>,
    /// The claims of each link.
    pub claims: Vec<LinkClaims>,
    /// The key of each link's subject (what its `cnf` names).
    pub keys: Vec<SigningKey>,
    /// The root key.
    pub root: SigningKey,
}

impl ChainBuilder {
    /// A chain whose root link is signed by `root` for `sub` (issuer: the
    /// first segment), delegating to a fresh key with the full depth.
    pub fn new(root: SigningKey, sub: &str, f: impl FnOnce(&mut LinkClaims)) -> Self {
        let iss = sub.split('/').next().unwrap();
        let child = key(100);
        let mut c = claims(iss, sub, 1);
        c.cnf = Some(public(&child));
        c.depth = 7;
        c.quotas
            .insert("sip_numbers".into(), licet_common::Quota::Count(100));
        c.quotas
            .insert("app_installs".into(), licet_common::Quota::Count(100));
        c.features = Some(
            ["video", "door_api", "remote_open"]
                .iter()
                .map(|s| s.to_string())
                .collect::<BTreeSet<_>>(),
        );
        c.roles.insert(
            "concierge".into(),
            ["guest_passes"].iter().map(|s| s.to_string()).collect(),
        );
        f(&mut c);
        let link = sign_link(&c, &root);
        Self {
            links: vec![link],
            claims: vec![c],
            keys: vec![child],
            root,
        }
    }

    /// Appends a link for `sub`, signed with the last link's delegated key,
    /// delegating to a fresh key with one less depth; `f` may change anything.
    pub fn push(mut self, sub: &str, f: impl FnOnce(&mut LinkClaims)) -> Self {
        let n = self.claims.len();
        let parent = &self.claims[n - 1];
        let signer = self.keys[n - 1].clone();
        let child = key(100 + u8::try_from(n).unwrap());
        let mut c = claims(&parent.sub, sub, 1 + u8::try_from(n).unwrap());
        c.parent = Some(parent.serial.clone());
        c.nbf = parent.nbf;
        c.exp = parent.exp;
        c.tier = parent.tier;
        c.cnf = Some(public(&child));
        c.depth = parent.depth.saturating_sub(1);
        f(&mut c);
        let link = sign_link(&c, &signer);
        self.links.push(link);
        self.claims.push(c);
        self.keys.push(child);
        self
    }

    /// Appends a leaf that licenses panels: like [`Self::push`], but it
    /// delegates nothing (no `cnf`, depth 0).
    pub fn push_leaf(self, sub: &str, f: impl FnOnce(&mut LinkClaims)) -> Self {
        self.push(sub, |c| {
            c.cnf = None;
            c.depth = 0;
            f(c);
        })
    }

    /// The license file.
    pub fn build(&self) -> Vec<u8> {
        chain(&self.links)
    }
}

/// The standard 4-link test hierarchy: vendor root → distributor → dealer →
/// complex → building (5 links when `building` is set).
pub fn hierarchy() -> ChainBuilder {
    ChainBuilder::new(key(1), "acme/dist-7", |_| {})
        .push("acme/dist-7/dealer-3", |c| {
            c.quotas
                .insert("sip_numbers".into(), licet_common::Quota::Count(50));
        })
        .push("acme/dist-7/dealer-3/complex-12", |c| {
            c.quotas
                .insert("sip_numbers".into(), licet_common::Quota::Count(20));
        })
        .push("acme/dist-7/dealer-3/complex-12/bldg-2", |c| {
            c.quotas
                .insert("sip_numbers".into(), licet_common::Quota::Count(10));
            c.cnf = None;
            c.depth = 0;
        })
}

/// Where the shared external vectors are: `LICET_VECTORS`, else
/// `../shared/vectors` beside the repository. `None` (with a printed notice)
/// when they are missing outside CI; under `CI=true` a missing folder fails.
pub fn vectors_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("LICET_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("..")
                .join("..")
                .join("shared")
                .join("vectors")
        });
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "external test vectors not found at {} (set LICET_VECTORS)",
            dir.display()
        );
    }
    eprintln!(
        "NOTICE: external test vectors not found at {}; skipping (set LICET_VECTORS)",
        dir.display()
    );
    None
}

/// Decodes lowercase or uppercase hex.
pub fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// `evaluate_with` at a persisted time `floor`, for tests of the time model.
pub fn evaluate_at_floor<'a>(
    roots: &[licet_verifier::TrustedRoot],
    set: &[&'a [u8]],
    device: &licet_verifier::Device<'a>,
    floor: u64,
) -> licet_verifier::Evaluation<'a> {
    let options = licet_verifier::Options {
        floor,
        ..licet_verifier::Options::default()
    };
    licet_verifier::evaluate_with(roots, set, device, options).unwrap()
}
