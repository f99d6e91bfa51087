//! One license on a panel: decoded (what it says), then verified (what it
//! grants).

use crate::signature::Checker;
use crate::walk::{Signatures, Walk, first_problem};
use crate::{Device, Error, Grants, TrustedRoot, VerifyCache};
use licet_common::claims::Names;
use licet_common::limits::{MAX_ARMOR_BYTES, MAX_LICENSE_BYTES};
use licet_common::{Claims, Container, DecodeError, DecodeErrorKind, Group, Kind, Link};
use licet_common::{Quota, QuotaName, Tier, armor};

/// Default reminder window before expiry: 30 days, in seconds.
pub const DEFAULT_REMIND_SECONDS: u64 = 30 * 24 * 60 * 60;

/// The binary license in the contents of a license file: text (armor as
/// people paste it, `licet_common::armor`) is decoded into `buf`, binary is
/// returned as it is. Text that holds no license, or a broken one, is a
/// [`DecodeErrorKind::Armor`] error whose problem says what it is.
pub fn dearmor<'b>(
    input: &'b [u8],
    buf: &'b mut [u8; MAX_LICENSE_BYTES],
) -> Result<&'b [u8], Error<'static>> {
    if armor::is_armored(input) {
        if input.len() > MAX_ARMOR_BYTES {
            return Err(Error::Decode(DecodeError::new(
                MAX_ARMOR_BYTES,
                DecodeErrorKind::TooLarge {
                    what: "text of a license",
                    limit: MAX_ARMOR_BYTES,
                },
            )));
        }
        let binary = armor::decode(input, buf)?;
        // Whole lines dropped or changed between BEGIN and END still decode
        // as base64; what they break is the text's fault, not the format's,
        // and is said so. (A newer format version keeps its own message.)
        let problem = match Container::decode(binary) {
            Err(DecodeError {
                kind: DecodeErrorKind::Truncated,
                ..
            }) => Some(armor::Problem::Incomplete),
            Err(DecodeError {
                kind:
                    DecodeErrorKind::Malformed
                    | DecodeErrorKind::UnexpectedType { .. }
                    | DecodeErrorKind::TrailingBytes
                    | DecodeErrorKind::NonCanonical
                    | DecodeErrorKind::IndefiniteLength,
                ..
            }) => Some(armor::Problem::Damaged),
            _ => None,
        };
        if let Some(problem) = problem {
            return Err(Error::Decode(DecodeError::new(
                input.len(),
                DecodeErrorKind::Armor { problem },
            )));
        }
        Ok(binary)
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

    /// The decoded container, for the checks that do not license a panel
    /// ([`crate::explain`], [`crate::check_untimed`]).
    pub fn container(&self) -> &Container<'a> {
        &self.container
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
        check_for_device(&self.container, roots, device, &mut Checker::plain())?;
        Ok(VerifiedLicense::new(self.container))
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
        check_for_device(&self.container, roots, device, &mut Checker::cached(cache))?;
        Ok(VerifiedLicense::new(self.container))
    }
}

/// The panel's check: the walk at `device.now` for `device`, stopping at
/// the first problem. On a borrowed container (no copy of it on the stack
/// while signatures are checked). Inlined: one frame above the signature
/// check on the panel's path.
#[inline(always)]
pub(crate) fn check_for_device<'a>(
    container: &Container<'a>,
    roots: &[TrustedRoot],
    device: &Device<'a>,
    checker: &mut Checker<'_, '_, 'a>,
) -> Result<(), Error<'a>> {
    let walk = Walk {
        signatures: Signatures::All(roots),
        now: Some(device.now),
        device: Some(device),
    };
    first_problem(&walk, container, checker)
}

/// Decodes and verifies a binary license in one step.
pub fn verify<'a>(
    bytes: &'a [u8],
    roots: &[TrustedRoot],
    device: &Device<'a>,
) -> Result<VerifiedLicense<'a>, Error<'a>> {
    verify_bytes(bytes, roots, device, &mut Checker::plain())
}

/// [`verify`] with a [`VerifyCache`]: see [`UnverifiedLicense::verify_cached`].
pub fn verify_cached<'a>(
    bytes: &'a [u8],
    roots: &[TrustedRoot],
    device: &Device<'a>,
    cache: &mut VerifyCache<'_>,
) -> Result<VerifiedLicense<'a>, Error<'a>> {
    verify_bytes(bytes, roots, device, &mut Checker::cached(cache))
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
    checker: &mut Checker<'_, '_, 'a>,
) -> Result<VerifiedLicense<'a>, Error<'a>> {
    let decoded = Container::decode(bytes);
    let container = decoded.as_ref().map_err(|e| Error::Decode(*e))?;
    check_for_device(container, roots, device, checker)?;
    Ok(VerifiedLicense::new(*container))
}

/// A license whose whole chain verified for a device. Borrowed from the
/// caller's buffer. Every value is the *effective* one ([`Grants`]).
#[derive(Clone, Copy, Debug)]
pub struct VerifiedLicense<'a> {
    container: Container<'a>,
}

impl<'a> VerifiedLicense<'a> {
    /// The view of a checked container.
    pub(crate) fn new(container: Container<'a>) -> Self {
        Self { container }
    }

    /// What the license grants.
    pub fn grants(&self) -> Grants<'_, 'a> {
        Grants::new(&self.container, self.container.len())
    }

    fn leaf(&self) -> &Claims<'a> {
        &self.container.last().claims
    }

    /// What the leaf link itself states (not inherited). An add-on
    /// contributes exactly this on top of a base license.
    pub fn stated(&self) -> &Claims<'a> {
        self.leaf()
    }

    /// The group the license is for.
    pub fn group(&self) -> Group<'a> {
        self.leaf().sub
    }

    /// Tier.
    pub fn tier(&self) -> Tier {
        self.leaf().tier
    }

    /// License or add-on.
    pub fn kind(&self) -> Kind {
        self.leaf().kind
    }

    /// The leaf link's serial: the license's serial.
    pub fn serial(&self) -> &'a [u8] {
        self.leaf().serial
    }

    /// Valid from (UNIX seconds).
    pub fn not_before(&self) -> u64 {
        self.leaf().nbf
    }

    /// Valid until (UNIX seconds, exclusive); `None`: no end date.
    pub fn not_after(&self) -> Option<u64> {
        self.leaf().exp
    }

    /// When the license was minted.
    pub fn issued_at(&self) -> u64 {
        self.leaf().iat
    }

    /// Reminder window before expiry, in seconds (default 30 days).
    pub fn remind_seconds(&self) -> u64 {
        self.grants().remind_seconds()
    }

    /// The effective value of a quota; `None` when not granted.
    pub fn quota(&self, name: QuotaName<'_>) -> Option<Quota> {
        self.grants().quota(name)
    }

    /// Every granted quota with its effective value, each name once.
    pub fn quotas(&self) -> impl Iterator<Item = (QuotaName<'a>, Quota)> + '_ {
        self.grants().quotas()
    }

    /// Every role with its effective grants, each role once.
    pub fn roles(&self) -> impl Iterator<Item = (&'a str, Names<'a>)> + '_ {
        self.grants().roles()
    }

    /// The effective features.
    pub fn features(&self) -> Names<'a> {
        self.grants().features()
    }

    /// True when the license grants `feature` to everyone in the group.
    pub fn has_feature(&self, feature: &str) -> bool {
        self.features().contains(feature)
    }

    /// The features granted to `role`, beyond [`Self::features`].
    pub fn role_grants(&self, role: &str) -> Names<'a> {
        self.grants().role_grants(role)
    }

    /// True when `role` may use `feature` (a feature of the license or a
    /// grant to that role).
    pub fn role_has_feature(&self, role: &str, feature: &str) -> bool {
        self.has_feature(feature) || self.role_grants(role).contains(feature)
    }

    /// The effective device binding, when there is one.
    pub fn devices(&self) -> Option<Names<'a>> {
        self.grants().devices()
    }

    /// The number of links in the chain.
    pub fn chain_len(&self) -> usize {
        self.container.len()
    }

    /// The verified links, root-most first.
    pub fn links(&self) -> impl DoubleEndedIterator<Item = &Link<'a>> + '_ {
        self.container.links()
    }
}
