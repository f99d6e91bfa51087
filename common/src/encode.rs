//! Building claims, links and license files (issuer side, needs `alloc`).
//!
//! Everything is written in deterministic encoding (RFC 8949 §4.2.1):
//! shortest heads, definite lengths, map keys and set elements sorted by
//! their encoded bytes. What [`LinkClaims::to_payload`] writes,
//! [`crate::Claims::decode`] reads back unchanged.

use crate::claims::{Kind, Quota, QuotaName, Tier};
use crate::keys::*;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;
use minicbor::Encoder;

/// The claims of a link to be signed, owned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkClaims {
    /// `iss`: the issuing group.
    pub iss: String,
    /// `sub`: the licensed group.
    pub sub: String,
    /// `nbf`.
    pub nbf: u64,
    /// `exp`; `None` = no end date.
    pub exp: Option<u64>,
    /// `iat`.
    pub iat: u64,
    /// `cti`, 8 to 16 bytes.
    pub serial: Vec<u8>,
    /// The subject's Ed25519 public key, when it may mint children.
    pub cnf: Option<[u8; 32]>,
    /// Parent link's serial (`None` for a root link).
    pub parent: Option<Vec<u8>>,
    /// Tier.
    pub tier: Tier,
    /// License or add-on.
    pub kind: Kind,
    /// Quotas stated by this link.
    pub quotas: BTreeMap<String, Quota>,
    /// Features, when stated.
    pub features: Option<BTreeSet<String>>,
    /// Role grants stated by this link.
    pub roles: BTreeMap<String, BTreeSet<String>>,
    /// Remaining delegation depth.
    pub depth: u8,
    /// Device binding, when stated.
    pub devices: Option<BTreeSet<String>>,
    /// Reminder window in seconds, when stated.
    pub remind: Option<u64>,
}

type Enc = Encoder<Vec<u8>>;

fn enc() -> Enc {
    Encoder::new(Vec::new())
}

// Writing into a Vec cannot fail.
fn done(e: Enc) -> Vec<u8> {
    e.into_writer()
}

/// Encodes one data item with `f` and returns its bytes.
fn item(
    f: impl FnOnce(&mut Enc) -> Result<(), minicbor::encode::Error<core::convert::Infallible>>,
) -> Vec<u8> {
    let mut e = enc();
    // Vec<u8> writes are infallible; an error here is impossible.
    let _ = f(&mut e);
    done(e)
}

/// Writes a map from already-encoded keys and values, sorted by key bytes.
fn sorted_map(entries: Vec<(Vec<u8>, Vec<u8>)>) -> Vec<u8> {
    let mut entries = entries;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = item(|e| e.map(len(entries.len())).map(|_| ()));
    for (k, v) in entries {
        out.extend_from_slice(&k);
        out.extend_from_slice(&v);
    }
    out
}

/// Writes an array of text strings sorted by their encoded bytes.
fn sorted_text_set<'s>(items: impl Iterator<Item = &'s String>) -> Vec<u8> {
    let mut encoded: Vec<Vec<u8>> = items.map(|s| item(|e| e.str(s).map(|_| ()))).collect();
    encoded.sort();
    let mut out = item(|e| e.array(len(encoded.len())).map(|_| ()));
    for x in encoded {
        out.extend_from_slice(&x);
    }
    out
}

fn len(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn int(v: i64) -> Vec<u8> {
    item(|e| e.i64(v).map(|_| ()))
}

fn uint(v: u64) -> Vec<u8> {
    item(|e| e.u64(v).map(|_| ()))
}

fn bytes(v: &[u8]) -> Vec<u8> {
    item(|e| e.bytes(v).map(|_| ()))
}

fn text(v: &str) -> Vec<u8> {
    item(|e| e.str(v).map(|_| ()))
}

/// The COSE_Key of an Ed25519 public key: `{1: 1, -1: 6, -2: x}`.
pub fn cose_key(public_key: &[u8; 32]) -> Vec<u8> {
    sorted_map(alloc::vec![
        (int(COSE_KEY_KTY), int(KTY_OKP)),
        (int(OKP_CRV), int(CRV_ED25519)),
        (int(OKP_X), bytes(public_key)),
    ])
}

impl LinkClaims {
    /// The deterministic CBOR payload of these claims.
    pub fn to_payload(&self) -> Vec<u8> {
        let mut top = alloc::vec![
            (int(CLAIM_ISS), text(&self.iss)),
            (int(CLAIM_SUB), text(&self.sub)),
            (int(CLAIM_NBF), uint(self.nbf)),
            (int(CLAIM_IAT), uint(self.iat)),
            (int(CLAIM_CTI), bytes(&self.serial)),
        ];
        if let Some(exp) = self.exp {
            top.push((int(CLAIM_EXP), uint(exp)));
        }
        if let Some(key) = &self.cnf {
            top.push((
                int(CLAIM_CNF),
                sorted_map(alloc::vec![(int(CNF_COSE_KEY), cose_key(key))]),
            ));
        }
        let mut licet = alloc::vec![(uint(LICET_TIER), uint(self.tier.code()))];
        if let Some(p) = &self.parent {
            licet.push((uint(LICET_PARENT), bytes(p)));
        }
        if self.kind == Kind::AddOn {
            licet.push((uint(LICET_KIND), uint(1)));
        }
        if !self.quotas.is_empty() {
            let entries = self
                .quotas
                .iter()
                .map(|(name, q)| {
                    let k = match QuotaName::from_name(name) {
                        QuotaName::WellKnown(c) => uint(u64::from(c)),
                        QuotaName::Custom(s) => text(s),
                    };
                    let v = match q {
                        Quota::Count(n) => uint(u64::from(*n)),
                        Quota::Unlimited => item(|e| e.null().map(|_| ())),
                    };
                    (k, v)
                })
                .collect();
            licet.push((uint(LICET_QUOTAS), sorted_map(entries)));
        }
        if let Some(features) = &self.features {
            licet.push((uint(LICET_FEATURES), sorted_text_set(features.iter())));
        }
        if !self.roles.is_empty() {
            let entries = self
                .roles
                .iter()
                .map(|(role, grants)| (text(role), sorted_text_set(grants.iter())))
                .collect();
            licet.push((uint(LICET_ROLES), sorted_map(entries)));
        }
        if self.depth > 0 {
            licet.push((uint(LICET_DEPTH), uint(u64::from(self.depth))));
        }
        if let Some(devices) = &self.devices {
            licet.push((uint(LICET_DEVICES), sorted_text_set(devices.iter())));
        }
        if let Some(r) = self.remind {
            licet.push((uint(LICET_REMIND), uint(r)));
        }
        top.push((int(CLAIM_LICET), sorted_map(licet)));
        sorted_map(top)
    }
}

/// The protected header `{1: -8, 4: kid}`.
pub fn protected_header(kid: &[u8; crate::kid::KID_LEN]) -> Vec<u8> {
    sorted_map(alloc::vec![
        (int(HEADER_ALG), int(ALG_EDDSA)),
        (int(HEADER_KID), bytes(kid))
    ])
}

/// The Sig_structure to sign (RFC 9052 §4.4).
pub fn sig_structure(protected: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = item(|e| e.array(4).map(|_| ()));
    out.extend_from_slice(&text(SIG_CONTEXT_SIGN1));
    out.extend_from_slice(&bytes(protected));
    out.extend_from_slice(&bytes(&[]));
    out.extend_from_slice(&bytes(payload));
    out
}

/// The tagged COSE_Sign1 of a signed link.
pub fn cose_sign1(protected: &[u8], payload: &[u8], signature: &[u8; 64]) -> Vec<u8> {
    let mut out = item(|e| {
        e.tag(minicbor::data::Tag::new(TAG_COSE_SIGN1))
            .and_then(|e| e.array(4))
            .map(|_| ())
    });
    out.extend_from_slice(&bytes(protected));
    out.extend_from_slice(&item(|e| e.map(0).map(|_| ())));
    out.extend_from_slice(&bytes(payload));
    out.extend_from_slice(&bytes(signature));
    out
}

/// A license file (`[1, [links...]]`) from encoded links, root-most first.
pub fn container<'l>(links: impl ExactSizeIterator<Item = &'l [u8]>) -> Vec<u8> {
    let mut out = item(|e| {
        e.array(2)
            .and_then(|e| e.u64(CONTAINER_VERSION))
            .and_then(|e| e.array(len(links.len())))
            .map(|_| ())
    });
    for l in links {
        out.extend_from_slice(l);
    }
    out
}
