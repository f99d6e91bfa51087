//! Verifies licet licenses on the device: `no_std`, no allocator, no panic on
//! any input.
//!
//! Bytes, the trusted root keys and the device's context (its group, its
//! device id, the time) go in; a [`VerifiedLicense`] borrowing the caller's
//! buffer, or one precise [`Error`], comes out. Parsing and verifying are a
//! change of type: [`UnverifiedLicense`] shows what a license *says* (for
//! support tooling) but hands out no entitlement; only [`VerifiedLicense`]
//! does.
//!
//! ```
//! use licet_verifier::{Device, TrustedRoot, UnverifiedLicense};
//! # fn run(license: &[u8], root_key: &[u8; 32]) -> Result<(), licet_verifier::Error<'static>> {
//! let roots = [TrustedRoot::from_bytes(root_key)?];
//! let device = Device::new("acme/dist-7/dealer-3/complex-12/bldg-2", 1_790_000_000)
//!     .expect("a valid group id");
//! # let license: &'static [u8] = Box::leak(license.to_vec().into_boxed_slice());
//! let license = UnverifiedLicense::parse(license)?.verify(&roots, &device)?;
//! let sip = license.quota(licet_verifier::QuotaName::from_name("sip_numbers"));
//! # let _ = sip; Ok(()) }
//! ```
//!
//! # What is checked
//!
//! For every link, root-most first (`docs/FORMAT.md`, `docs/SEMANTICS.md`):
//! the form (canonical CBOR, known keys, every size limit); the signer (the
//! root link by a trusted root chosen by `kid`, every other link by the key
//! its parent names in `cnf`); the Ed25519 signature over the exact bytes
//! received; the parent serial and issuer; the subject inside the issuer's
//! subtree; validity at `now`; and that every limit only narrows: validity
//! window, delegation depth, tier, kind, quotas, features, role grants and
//! device binding. Then the license must serve the device's group (its own
//! or an ancestor: licenses cannot move sideways) and, when bound, its id.
//!
//! # Why `verify_strict`
//!
//! Ed25519 as specified admits several valid signatures for one message and
//! key (non-canonical `S`, small-order components of `R` and `A`), and
//! libraries disagree on which of those edge cases to accept. `verify_strict`
//! (ed25519-dalek) rejects non-canonical `S`, small-order `R` and small-order
//! public keys, so a license has one valid signature, weak keys are refused,
//! and the Wycheproof vectors pass as expected. licet's own signer never
//! produces anything strict verification would refuse.
//!
//! | feature | what it adds |
//! |---|---|
//! | (none) | everything; the crate has no optional features |
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::as_conversions,
    clippy::arithmetic_side_effects
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::panic
    )
)]

mod cache;
mod error;
mod evaluate;
mod verified;

pub use cache::{CACHE_ENTRY_BYTES, VerifyCache};
pub use error::Error;
pub use evaluate::{
    CLOCK_TOLERANCE, Evaluation, LicenseStatus, MAX_LICENSES, add_quota, evaluate, evaluate_cached,
    evaluate_with_floor,
};
pub use licet_common::{self as format, DecodeError, Group, Kind, Quota, QuotaName, Tier};
pub use verified::{DEFAULT_REMIND_SECONDS, VerifiedLicense};

use curve25519_dalek::edwards::CompressedEdwardsY;
use ed25519_dalek::{Signature, VerifyingKey};
use licet_common::claims::Names;
use licet_common::kid::{KID_LEN, kid};
use licet_common::limits::MAX_LICENSE_BYTES;
use licet_common::link::Link;
use licet_common::{Container, armor};

/// A trusted root key: an Ed25519 public key and its key id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustedRoot {
    key: VerifyingKey,
    kid: [u8; KID_LEN],
}

impl TrustedRoot {
    /// A trusted root from its 32-byte Ed25519 public key. Rejects invalid
    /// and small-order (weak) keys.
    pub fn from_bytes(public_key: &[u8; 32]) -> Result<Self, Error<'static>> {
        let key = VerifyingKey::from_bytes(public_key).map_err(|_| Error::InvalidRootKey)?;
        if key.is_weak() {
            return Err(Error::InvalidRootKey);
        }
        Ok(Self {
            key,
            kid: kid(public_key),
        })
    }

    /// The root's key id.
    pub fn kid(&self) -> &[u8; KID_LEN] {
        &self.kid
    }
}

/// The device a license is checked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Device<'a> {
    /// The device's group (e.g. its building).
    pub group: Group<'a>,
    /// The device's own id, for device-bound licenses.
    pub device_id: Option<&'a str>,
    /// The time, UNIX seconds.
    pub now: u64,
}

impl<'a> Device<'a> {
    /// A device in `group` at time `now`, without a device id. Fails when
    /// `group` is not a valid group id.
    pub fn new(group: &'a str, now: u64) -> Result<Self, licet_common::group::GroupError> {
        Ok(Self {
            group: Group::parse(group)?,
            device_id: None,
            now,
        })
    }

    /// The same device, with a device id.
    pub fn with_device_id(self, device_id: &'a str) -> Self {
        Self {
            device_id: Some(device_id),
            ..self
        }
    }
}

/// Decodes the text armor into `buf` when `input` is armored, else returns
/// `input` itself: either way, the binary license.
pub fn dearmor<'b>(
    input: &'b [u8],
    buf: &'b mut [u8; MAX_LICENSE_BYTES],
) -> Result<&'b [u8], Error<'static>> {
    if armor::is_armored(input) {
        if input.len() > licet_common::limits::MAX_ARMOR_BYTES {
            return Err(Error::Decode(DecodeError::new(
                licet_common::limits::MAX_ARMOR_BYTES,
                licet_common::DecodeErrorKind::TooLarge {
                    what: "armored license file",
                    limit: licet_common::limits::MAX_ARMOR_BYTES,
                },
            )));
        }
        Ok(armor::decode(input, buf)?)
    } else {
        Ok(input)
    }
}

/// A license that has been decoded but not verified. It shows what the
/// license says, for support tooling; it grants nothing.
#[derive(Clone, Copy, Debug)]
pub struct UnverifiedLicense<'a> {
    container: Container<'a>,
}

impl<'a> UnverifiedLicense<'a> {
    /// Decodes a binary license file (see [`dearmor`] for the text form).
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Error<'a>> {
        Ok(Self {
            container: Container::decode(bytes)?,
        })
    }

    /// The links as decoded, root-most first. Nothing in them is verified.
    pub fn links(&self) -> impl DoubleEndedIterator<Item = &Link<'a>> + '_ {
        self.container.links()
    }

    /// Number of links.
    pub fn len(&self) -> usize {
        self.container.len()
    }

    /// Always false: a license has at least one link.
    pub fn is_empty(&self) -> bool {
        self.container.is_empty()
    }

    /// Verifies the whole chain for `device` against `roots`.
    pub fn verify(
        self,
        roots: &[TrustedRoot],
        device: &Device<'a>,
    ) -> Result<VerifiedLicense<'a>, Error<'a>> {
        self.verify_with(roots, device, None)
    }

    /// [`UnverifiedLicense::verify`], skipping the signature checks `cache`
    /// has seen succeed and recording the new ones. Accepts and rejects
    /// exactly what [`UnverifiedLicense::verify`] does (see [`VerifyCache`]).
    pub fn verify_cached(
        self,
        roots: &[TrustedRoot],
        device: &Device<'a>,
        cache: &mut VerifyCache<'_>,
    ) -> Result<VerifiedLicense<'a>, Error<'a>> {
        self.verify_with(roots, device, Some(cache))
    }

    fn verify_with(
        self,
        roots: &[TrustedRoot],
        device: &Device<'a>,
        cache: Option<&mut VerifyCache<'_>>,
    ) -> Result<VerifiedLicense<'a>, Error<'a>> {
        let leaf = check_for_device(&self.container, roots, device, cache)?;
        Ok(VerifiedLicense::new(self.container, leaf))
    }
}

/// Every check of [`UnverifiedLicense::verify`], on a borrowed container
/// (no copy of it on the stack while signatures are checked); returns the
/// leaf's claims.
fn check_for_device<'a>(
    container: &Container<'a>,
    roots: &[TrustedRoot],
    device: &Device<'a>,
    mut cache: Option<&mut VerifyCache<'_>>,
) -> Result<licet_common::Claims<'a>, Error<'a>> {
    if roots.is_empty() {
        return Err(Error::NoTrustedRoots);
    }
    let mut parent: Option<&Link<'a>> = None;
    for (i, link) in container.links().enumerate() {
        let entry = match cache.as_deref_mut() {
            None => {
                check_signature(i, link, parent, roots)?;
                None
            }
            Some(cache) => Some(check_signature_cached(i, link, parent, roots, cache)?),
        };
        check_chain(i, link, parent)?;
        if let Err(e) = check_time(i, link, device.now) {
            // Outside its validity: verify it in full when it is next seen.
            if let (Some(cache), Some(entry)) = (cache.as_deref_mut(), entry) {
                cache.remove(&entry);
            }
            return Err(e);
        }
        if parent.is_some() {
            check_narrowing(container, i, link)?;
        }
        parent = Some(link);
    }
    let leaf = container.leaf().ok_or(Error::Decode(DecodeError::new(
        0,
        licet_common::DecodeErrorKind::Missing { what: "links" },
    )))?;
    if !leaf.claims.sub.contains(&device.group) {
        return Err(Error::WrongGroup {
            licensed: leaf.claims.sub,
            device: device.group,
        });
    }
    if let Some(devices) = nearest(container, container.len(), |c| c.devices) {
        match device.device_id {
            Some(id) if devices.contains(id) => {}
            _ => return Err(Error::DeviceNotBound),
        }
    }
    Ok(leaf.claims)
}

/// Decodes and verifies a binary license in one step.
pub fn verify<'a>(
    bytes: &'a [u8],
    roots: &[TrustedRoot],
    device: &Device<'a>,
) -> Result<VerifiedLicense<'a>, Error<'a>> {
    verify_bytes(bytes, roots, device, None)
}

/// [`verify`] and [`verify_cached`]: decoded, checked in place, then copied
/// once into the result: one decoded container on the stack, not two (`?`
/// on the decode result would move it into a second local). Inlined so each
/// public function keeps a single frame (docs/FOOTPRINT.md).
#[inline(always)]
fn verify_bytes<'a>(
    bytes: &'a [u8],
    roots: &[TrustedRoot],
    device: &Device<'a>,
    cache: Option<&mut VerifyCache<'_>>,
) -> Result<VerifiedLicense<'a>, Error<'a>> {
    let decoded = Container::decode(bytes);
    let container = decoded.as_ref().map_err(|e| Error::Decode(*e))?;
    let leaf = check_for_device(container, roots, device, cache)?;
    Ok(VerifiedLicense::new(*container, leaf))
}

/// A license's reminder window: the nearest link that states one, else
/// [`DEFAULT_REMIND_SECONDS`].
fn remind_seconds(container: &Container<'_>) -> u64 {
    nearest(container, container.len(), |c| c.remind).unwrap_or(DEFAULT_REMIND_SECONDS)
}

/// What [`evaluate`] needs of one license: [`verify`] without building a
/// [`VerifiedLicense`] in the caller's frame (1.5 KiB less stack on 32-bit).
fn verify_status<'a>(
    bytes: &'a [u8],
    roots: &[TrustedRoot],
    device: &Device<'a>,
    cache: Option<&mut VerifyCache<'_>>,
) -> LicenseStatus<'a> {
    let decoded = Container::decode(bytes);
    let container = match decoded.as_ref() {
        Ok(c) => c,
        Err(e) => return LicenseStatus::Rejected(Error::Decode(*e)),
    };
    match check_for_device(container, roots, device, cache) {
        Ok(leaf) => LicenseStatus::Valid {
            tier: leaf.tier,
            kind: leaf.kind,
            not_before: leaf.nbf,
            not_after: leaf.exp,
            issued_at: leaf.iat,
            remind: remind_seconds(container),
        },
        Err(e) => LicenseStatus::Rejected(e),
    }
}

/// [`verify`] with a [`VerifyCache`]: see [`UnverifiedLicense::verify_cached`].
pub fn verify_cached<'a>(
    bytes: &'a [u8],
    roots: &[TrustedRoot],
    device: &Device<'a>,
    cache: &mut VerifyCache<'_>,
) -> Result<VerifiedLicense<'a>, Error<'a>> {
    verify_bytes(bytes, roots, device, Some(cache))
}

/// Checks everything about a chain that does not depend on the device or
/// the time: every signature, the chaining and the narrowing of every link.
/// With `roots` `None` the root link's signature is not checked (the issuer
/// checking a parent chain without the vendor's key). Used where history is
/// checked: importing licenses into a ledger, minting under a parent.
pub fn check_untimed<'a>(
    container: &Container<'a>,
    roots: Option<&[TrustedRoot]>,
) -> Result<(), Error<'a>> {
    let mut parent: Option<&Link<'a>> = None;
    for (i, link) in container.links().enumerate() {
        match (parent, roots) {
            (None, None) => {}
            (_, r) => check_signature(i, link, parent, r.unwrap_or(&[]))?,
        }
        check_chain(i, link, parent)?;
        check_narrowing(container, i, link)?;
        parent = Some(link);
    }
    Ok(())
}

/// Checks link `i`'s signer and signature: the root link against `roots`
/// (by `kid`), any other against the key its parent delegates to.
pub fn check_signature<'a>(
    i: usize,
    link: &Link<'a>,
    parent: Option<&Link<'a>>,
    roots: &[TrustedRoot],
) -> Result<(), Error<'a>> {
    let key = signer(i, link, parent, roots)?.decode()?;
    if ed25519_verify(&key, link.signature, |sink| {
        link.sig_structure_chunks(sink).is_ok()
    }) {
        Ok(())
    } else {
        Err(Error::BadSignature { link: i })
    }
}

/// [`check_signature`] through a verify-once cache; returns the link's
/// cache entry.
#[inline(never)]
fn check_signature_cached<'a>(
    i: usize,
    link: &Link<'a>,
    parent: Option<&Link<'a>>,
    roots: &[TrustedRoot],
    cache: &mut VerifyCache<'_>,
) -> Result<[u8; CACHE_ENTRY_BYTES], Error<'a>> {
    let signer = signer(i, link, parent, roots)?;
    let entry = cache::entry(signer.bytes(), link.signature, |sink| {
        link.sig_structure_chunks(sink).is_ok()
    })
    .ok_or(Error::BadSignature { link: i })?;
    // A hit stands for this key having verified these bytes: the key need
    // not even be decoded again.
    if cache.contains(&entry) {
        return Ok(entry);
    }
    let key = signer.decode()?;
    if ed25519_verify(&key, link.signature, |sink| {
        link.sig_structure_chunks(sink).is_ok()
    }) {
        cache.insert(entry);
        Ok(entry)
    } else {
        Err(Error::BadSignature { link: i })
    }
}

/// The key that must have signed a link, found but not yet decoded.
enum Signer<'r, 'a> {
    /// A trusted root (decoded and checked when it was made).
    Root(&'r VerifyingKey),
    /// The key the parent (link `parent`) delegates to, as its bytes.
    Delegated { key: &'a [u8; 32], parent: usize },
}

impl<'a> Signer<'_, 'a> {
    fn bytes(&self) -> &[u8; 32] {
        match self {
            Self::Root(key) => key.as_bytes(),
            Self::Delegated { key, .. } => key,
        }
    }

    /// The key, decoded; a delegated key that does not decode or is of
    /// small order is the parent's fault.
    fn decode(&self) -> Result<VerifyingKey, Error<'a>> {
        match *self {
            Self::Root(key) => Ok(*key),
            Self::Delegated { key, parent } => match VerifyingKey::from_bytes(key) {
                Ok(k) if !k.is_weak() => Ok(k),
                _ => Err(Error::InvalidDelegatedKey { link: parent }),
            },
        }
    }
}

/// Who must have signed link `i`: a trusted root chosen by `kid` for the
/// root link, the key the parent delegates to for any other.
fn signer<'r, 'a>(
    i: usize,
    link: &Link<'a>,
    parent: Option<&Link<'a>>,
    roots: &'r [TrustedRoot],
) -> Result<Signer<'r, 'a>, Error<'a>> {
    match parent {
        None => roots
            .iter()
            .find(|r| &r.kid == link.kid)
            .map(|r| Signer::Root(&r.key))
            .ok_or(Error::UnknownRoot { kid: *link.kid }),
        Some(parent) => {
            let cnf = parent
                .claims
                .cnf
                .ok_or(Error::ParentCannotDelegate { link: i })?;
            let expected = kid(cnf);
            if &expected != link.kid {
                return Err(Error::KidMismatch {
                    link: i,
                    expected,
                    found: *link.kid,
                });
            }
            Ok(Signer::Delegated {
                key: cnf,
                parent: i.saturating_sub(1),
            })
        }
    }
}

/// The one Ed25519 check of the crate, with `verify_strict`'s rules (see
/// the crate docs for why strict) over a message fed in pieces by
/// `message`, which returns false if it could not produce it.
///
/// ed25519-dalek's `verify_strict` needs the message in one slice; its
/// `verify_stream` hashes it in pieces but skips two of the strict checks.
/// This is `verify_strict` with the message streamed: `S` must be canonical
/// (both parse the signature the same way), `R` must decode and not be of
/// small order (checked here exactly as `verify_strict` does), `A` must not
/// be of small order (every key reaching here was checked when decoded:
/// [`TrustedRoot::from_bytes`], `Signer::decode`, [`verify_signature`]), and
/// the recomputed `R` must equal the signature's. The Wycheproof, RFC 8032,
/// CCTV and speccheck vectors run through this function
/// ([`verify_signature`]).
fn ed25519_verify(
    key: &VerifyingKey,
    signature: &[u8; 64],
    message: impl FnOnce(&mut dyn FnMut(&[u8])) -> bool,
) -> bool {
    let signature = Signature::from_bytes(signature);
    match CompressedEdwardsY(*signature.r_bytes()).decompress() {
        Some(r) if !r.is_small_order() => {}
        _ => return false,
    }
    let Ok(mut stream) = key.verify_stream(&signature) else {
        return false;
    };
    if !message(&mut |chunk| stream.update(chunk)) {
        return false;
    }
    stream.finalize_and_verify().is_ok()
}

/// Checks an Ed25519 signature from raw bytes exactly as license links are
/// checked: the key must decode and not be of small order, and the signature
/// must pass `verify_strict`. Exposed for conformance tests (Wycheproof,
/// RFC 8032) and for the footprint floor measurement.
pub fn verify_signature(public_key: &[u8; 32], msg: &[u8], signature: &[u8; 64]) -> bool {
    match VerifyingKey::from_bytes(public_key) {
        Ok(key) if !key.is_weak() => ed25519_verify(&key, signature, |sink| {
            sink(msg);
            true
        }),
        _ => false,
    }
}

/// Checks that link `i` is chained to `parent`: the parent's serial, the
/// parent's subject as issuer, the subject inside the issuer's subtree.
pub fn check_chain<'a>(
    i: usize,
    link: &Link<'a>,
    parent: Option<&Link<'a>>,
) -> Result<(), Error<'a>> {
    let c = &link.claims;
    match parent {
        None if c.parent.is_some() => return Err(Error::RootHasParent),
        None => {}
        Some(p) => {
            if p.claims.cnf.is_none() {
                return Err(Error::ParentCannotDelegate { link: i });
            }
            if c.parent != Some(p.claims.serial) {
                return Err(Error::WrongParent { link: i });
            }
            if c.iss != p.claims.sub {
                return Err(Error::IssuerMismatch {
                    link: i,
                    expected: p.claims.sub,
                    found: c.iss,
                });
            }
        }
    }
    if !c.iss.contains(&c.sub) {
        return Err(Error::OutsideNamespace {
            link: i,
            issuer: c.iss,
            subject: c.sub,
        });
    }
    Ok(())
}

/// Checks that link `i` is valid at `now`: `nbf <= now < exp`.
pub fn check_time<'a>(i: usize, link: &Link<'a>, now: u64) -> Result<(), Error<'a>> {
    let c = &link.claims;
    if now < c.nbf {
        return Err(Error::NotYetValid {
            link: i,
            now,
            not_before: c.nbf,
        });
    }
    match c.exp {
        Some(exp) if now >= exp => Err(Error::Expired {
            link: i,
            now,
            not_after: exp,
        }),
        _ => Ok(()),
    }
}

/// The value the links before `upto` state for something, nearest first
/// (the leaf-most statement wins: every statement narrows the one above).
fn nearest<'a, T>(
    container: &Container<'a>,
    upto: usize,
    get: impl Fn(&licet_common::Claims<'a>) -> Option<T>,
) -> Option<T> {
    (0..upto)
        .rev()
        .filter_map(|j| container.link(j))
        .find_map(|l| get(&l.claims))
}

/// Checks that link `i` (not the root) only narrows what the links above
/// grant; the first violation is the error.
#[inline(never)]
pub fn check_narrowing<'a>(
    container: &Container<'a>,
    i: usize,
    link: &Link<'a>,
) -> Result<(), Error<'a>> {
    let mut first = None;
    each_narrowing_violation(container, i, link, &mut |e| {
        first = Some(e);
        false
    });
    first.map_or(Ok(()), Err)
}

/// Reports every way link `i` widens what the links above grant, in a fixed
/// order, to `report`, which returns `false` to stop early. Support tooling
/// uses it to list all problems; the device stops at the first.
pub fn each_narrowing_violation<'a>(
    container: &Container<'a>,
    i: usize,
    link: &Link<'a>,
    report: &mut dyn FnMut(Error<'a>) -> bool,
) {
    let Some(parent) = i.checked_sub(1).and_then(|p| container.link(p)) else {
        return;
    };
    let (c, p) = (&link.claims, &parent.claims);
    macro_rules! fail {
        ($e:expr) => {
            if !report($e) {
                return;
            }
        };
    }
    // Validity window inside the parent's.
    let exp_ok = match (c.exp, p.exp) {
        (_, None) => true,
        (Some(e), Some(pe)) => e <= pe,
        (None, Some(_)) => false,
    };
    if c.nbf < p.nbf || !exp_ok {
        fail!(Error::WindowWidened {
            link: i,
            window: (c.nbf, c.exp),
            parent: (p.nbf, p.exp),
        });
    }
    // Depth strictly decreases, and a parent at 0 has no children.
    if p.depth == 0 || c.depth >= p.depth {
        fail!(Error::DepthExceeded {
            link: i,
            parent: p.depth,
            depth: c.depth,
        });
    }
    if c.tier > p.tier {
        fail!(Error::TierRaised {
            link: i,
            parent: p.tier,
            tier: c.tier,
        });
    }
    if p.kind == Kind::AddOn && c.kind != Kind::AddOn {
        fail!(Error::KindWidened { link: i });
    }
    for (name, requested) in c.quotas.iter() {
        let granted = nearest(container, i, |a| a.quotas.get(name));
        if !granted.is_some_and(|g| requested.within(g)) {
            fail!(Error::QuotaRaised {
                link: i,
                name,
                parent: granted,
                requested,
            });
        }
    }
    let parent_features = nearest(container, i, |a| a.features).unwrap_or(Names::EMPTY);
    if let Some(features) = c.features {
        for feature in features.iter().filter(|f| !parent_features.contains(f)) {
            fail!(Error::FeatureNotGranted { link: i, feature });
        }
    }
    for (role, grants) in c.roles.iter() {
        let parent_grants = nearest(container, i, |a| a.roles.get(role)).unwrap_or(Names::EMPTY);
        for feature in grants
            .iter()
            .filter(|f| !parent_features.contains(f) && !parent_grants.contains(f))
        {
            fail!(Error::RoleGrantNotAllowed {
                link: i,
                role,
                feature
            });
        }
    }
    if let (Some(devices), Some(parent_devices)) = (c.devices, nearest(container, i, |a| a.devices))
    {
        for device in devices.iter().filter(|d| !parent_devices.contains(d)) {
            fail!(Error::DevicesWidened { link: i, device });
        }
    }
}
