//! Several licenses on one device: which one is the base, which add-ons
//! count, what the device may do, and when that changes.
//!
//! Rules (`docs/SEMANTICS.md` §2–3):
//!
//! * each license counts once: a second copy of a license (same leaf link)
//!   is [`Error::DuplicateLicense`]; two different licenses claiming one
//!   serial are both [`Error::SerialConflict`];
//! * every license is verified on its own; rejected ones are reported, not
//!   fatal. Links shared by several licenses are verified once per call;
//! * the **base** is the valid non-add-on license of the highest tier
//!   (basic < trial < plus); ties go to the one that lasts longest (no end
//!   date first), then to the earlier position. With none, the firmware's
//!   own Basic entitlement ([`Builtin`]) is the base, when it has one;
//! * every valid **add-on** adds what its own (leaf) link states on top of
//!   the base (counts add up; unlimited absorbs). Add-ons need a base;
//! * the **next change** is the earliest expiry among the licenses in use,
//!   and the **warning** is raised when it falls inside that license's
//!   reminder window (default 30 days);
//! * **time**: the device passes the floor it persisted. A clock more than
//!   [`CLOCK_TOLERANCE`] behind the floor is a rollback: the evaluation is
//!   made at the floor instead and says so ([`Evaluation::rollback`]) —
//!   time-limited licenses end, licenses without an end keep working. The
//!   new floor ([`Evaluation::floor`]) is the greatest of the old floor, the
//!   time evaluated at and the `iat` of the valid licenses, and a link minted
//!   more than [`CLOCK_TOLERANCE`] after that time is rejected, so no license
//!   can push the floor past the true time by more than the tolerance.
//!
//! No allocator, and no reading of the licenses' bytes after the call: the
//! effective values are copied into the [`Evaluation`] (its capacity:
//! [`MAX_EFFECTIVE_QUOTAS`], [`MAX_EFFECTIVE_FEATURES`],
//! [`MAX_EFFECTIVE_GRANTS`], [`NAME_BYTES`]); a license whose grants do not
//! fit beside those already in effect is rejected with
//! [`Error::EvaluationFull`] (`licet issue` refuses to mint a license that
//! could not fit on its own).

use crate::grants::Contribution;
use crate::signature::{Checker, Memo};
use crate::verified::check_for_device;
use crate::{Device, Error, Grants, TrustedRoot, VerifiedLicense, VerifyCache};
use licet_common::{Container, Kind, Quota, QuotaName, Tier};

/// Most licenses one evaluation considers.
pub const MAX_LICENSES: usize = 8;

/// How far `now` may be below the time floor before it is a rollback, and
/// how far after `now` a link may say it was minted: 24 hours, to absorb
/// clock drift on the device and the issuer.
pub const CLOCK_TOLERANCE: u64 = 24 * 60 * 60;

/// Most quota contributions (one per license and quota) in one evaluation.
pub const MAX_EFFECTIVE_QUOTAS: usize = 32;
/// Most distinct features in effect in one evaluation.
pub const MAX_EFFECTIVE_FEATURES: usize = 64;
/// Most distinct (role, feature) grants in effect in one evaluation.
pub const MAX_EFFECTIVE_GRANTS: usize = 64;
/// Bytes for the distinct names (custom quotas, features, roles) in effect.
pub const NAME_BYTES: usize = 2048;

/// The Basic entitlement a panel's firmware carries as constants: in effect
/// whenever no license is — no file, only expired files, only broken files.
/// "Free with every panel, with no end date" needs no license file, so no
/// date, file or clock can take it away.
#[derive(Clone, Copy, Debug, Default)]
pub struct Builtin<'s> {
    /// Quotas, by name (`sip_numbers`, `app_installs`, … or custom names).
    pub quotas: &'s [(&'s str, Quota)],
    /// Features everyone in the group may use.
    pub features: &'s [&'s str],
    /// Role grants beyond the features: role name, features.
    pub roles: &'s [(&'s str, &'s [&'s str])],
}

/// Where an effective value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// License `i` of the evaluated set.
    License(usize),
    /// The firmware's built-in Basic entitlement.
    Builtin,
}

impl Source {
    fn code(self) -> u8 {
        match self {
            Self::License(i) => u8::try_from(i).unwrap_or(u8::MAX),
            Self::Builtin => u8::MAX,
        }
    }

    fn from_code(c: u8) -> Self {
        match c {
            u8::MAX => Self::Builtin,
            i => Self::License(usize::from(i)),
        }
    }
}

/// What evaluation found for one license.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LicenseStatus<'a> {
    /// It verified for the device at the evaluation's time.
    Valid {
        /// Its tier.
        tier: Tier,
        /// License or add-on.
        kind: Kind,
        /// Valid from.
        not_before: u64,
        /// Valid until (exclusive); `None`: no end date.
        not_after: Option<u64>,
        /// When it was minted.
        issued_at: u64,
        /// Its reminder window in seconds.
        remind: u64,
    },
    /// It was rejected, for this reason.
    Rejected(Error<'a>),
}

/// The options of an evaluation beyond the licenses and the device.
#[derive(Debug, Default)]
pub struct Options<'o, 'k> {
    /// The time floor the device persisted (0 when it has none).
    pub floor: u64,
    /// The firmware's built-in Basic entitlement, if it has one.
    pub builtin: Option<&'o Builtin<'o>>,
    /// A verify-once cache ([`VerifyCache`]); the outcome is the same
    /// without it.
    pub cache: Option<&'o mut VerifyCache<'k>>,
}

/// A name copied into the evaluation: offset and length in its name bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NameRef {
    at: u16,
    len: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QuotaKey {
    WellKnown(u8),
    Custom(NameRef),
}

#[derive(Clone, Copy, Debug)]
struct QuotaEntry {
    key: QuotaKey,
    source: u8,
    value: Quota,
}

#[derive(Clone, Copy, Debug)]
struct FeatureEntry {
    name: NameRef,
    source: u8,
}

#[derive(Clone, Copy, Debug)]
struct GrantEntry {
    role: NameRef,
    feature: NameRef,
    source: u8,
}

const NO_NAME: NameRef = NameRef { at: 0, len: 0 };

/// The effective values, owned: nothing here points into the licenses.
#[derive(Clone, Copy, Debug)]
struct Table {
    names: [u8; NAME_BYTES],
    names_used: usize,
    quotas: [QuotaEntry; MAX_EFFECTIVE_QUOTAS],
    quota_count: usize,
    features: [FeatureEntry; MAX_EFFECTIVE_FEATURES],
    feature_count: usize,
    grants: [GrantEntry; MAX_EFFECTIVE_GRANTS],
    grant_count: usize,
}

/// Where a table was before a contribution, to take it back if it does not fit.
#[derive(Clone, Copy)]
struct Mark(usize, usize, usize, usize);

impl Table {
    const fn new() -> Self {
        Self {
            names: [0; NAME_BYTES],
            names_used: 0,
            quotas: [QuotaEntry {
                key: QuotaKey::WellKnown(0),
                source: 0,
                value: Quota::Count(0),
            }; MAX_EFFECTIVE_QUOTAS],
            quota_count: 0,
            features: [FeatureEntry {
                name: NO_NAME,
                source: 0,
            }; MAX_EFFECTIVE_FEATURES],
            feature_count: 0,
            grants: [GrantEntry {
                role: NO_NAME,
                feature: NO_NAME,
                source: 0,
            }; MAX_EFFECTIVE_GRANTS],
            grant_count: 0,
        }
    }

    fn mark(&self) -> Mark {
        Mark(
            self.names_used,
            self.quota_count,
            self.feature_count,
            self.grant_count,
        )
    }

    fn reset(&mut self, m: Mark) {
        self.names_used = m.0;
        self.quota_count = m.1;
        self.feature_count = m.2;
        self.grant_count = m.3;
    }

    fn name(&self, r: NameRef) -> &str {
        let end = usize::from(r.at).saturating_add(usize::from(r.len));
        self.names
            .get(usize::from(r.at)..end)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    fn find_name(&self, name: &str) -> Option<NameRef> {
        let used = |r: NameRef| self.name(r) == name;
        let in_features = self.features_in_use().map(|f| f.name).find(|r| used(*r));
        in_features
            .or_else(|| {
                self.grants_in_use()
                    .flat_map(|g| [g.role, g.feature])
                    .find(|r| used(*r))
            })
            .or_else(|| {
                self.quotas_in_use().find_map(|q| match q.key {
                    QuotaKey::Custom(r) if used(r) => Some(r),
                    _ => None,
                })
            })
    }

    /// The name's place in the name bytes, copying it there if it is new.
    fn intern(&mut self, name: &str) -> Result<NameRef, Error<'static>> {
        if let Some(r) = self.find_name(name) {
            return Ok(r);
        }
        let full = Error::EvaluationFull {
            what: "name bytes",
            limit: NAME_BYTES,
        };
        let len = u8::try_from(name.len()).map_err(|_| full)?;
        let at = u16::try_from(self.names_used).map_err(|_| full)?;
        let end = self.names_used.checked_add(name.len()).ok_or(full)?;
        self.names
            .get_mut(self.names_used..end)
            .ok_or(full)?
            .copy_from_slice(name.as_bytes());
        self.names_used = end;
        Ok(NameRef { at, len })
    }

    fn quotas_in_use(&self) -> impl Iterator<Item = &QuotaEntry> + '_ {
        self.quotas.iter().take(self.quota_count)
    }

    fn features_in_use(&self) -> impl Iterator<Item = &FeatureEntry> + '_ {
        self.features.iter().take(self.feature_count)
    }

    fn grants_in_use(&self) -> impl Iterator<Item = &GrantEntry> + '_ {
        self.grants.iter().take(self.grant_count)
    }

    fn key_of(&self, name: QuotaName<'_>) -> Option<QuotaKey> {
        match name {
            QuotaName::WellKnown(c) => Some(QuotaKey::WellKnown(c)),
            QuotaName::Custom(n) => self
                .quotas_in_use()
                .find_map(|q| match q.key {
                    QuotaKey::Custom(r) if self.name(r) == n => Some(r),
                    _ => None,
                })
                .map(QuotaKey::Custom),
        }
    }

    fn quota_name(&self, key: QuotaKey) -> QuotaName<'_> {
        match key {
            QuotaKey::WellKnown(c) => QuotaName::WellKnown(c),
            QuotaKey::Custom(r) => QuotaName::Custom(self.name(r)),
        }
    }

    fn add_quota(
        &mut self,
        name: QuotaName<'_>,
        value: Quota,
        source: u8,
    ) -> Result<(), Error<'static>> {
        let key = match name {
            QuotaName::WellKnown(c) => QuotaKey::WellKnown(c),
            QuotaName::Custom(n) => QuotaKey::Custom(self.intern(n)?),
        };
        let slot = self
            .quotas
            .get_mut(self.quota_count)
            .ok_or(Error::EvaluationFull {
                what: "quotas",
                limit: MAX_EFFECTIVE_QUOTAS,
            })?;
        *slot = QuotaEntry { key, source, value };
        self.quota_count = self.quota_count.saturating_add(1);
        Ok(())
    }

    fn add_feature(&mut self, name: &str, source: u8) -> Result<(), Error<'static>> {
        if self.features_in_use().any(|f| self.name(f.name) == name) {
            return Ok(());
        }
        let name = self.intern(name)?;
        let slot = self
            .features
            .get_mut(self.feature_count)
            .ok_or(Error::EvaluationFull {
                what: "features",
                limit: MAX_EFFECTIVE_FEATURES,
            })?;
        *slot = FeatureEntry { name, source };
        self.feature_count = self.feature_count.saturating_add(1);
        Ok(())
    }

    fn add_grant(&mut self, role: &str, feature: &str, source: u8) -> Result<(), Error<'static>> {
        if self
            .grants_in_use()
            .any(|g| self.name(g.role) == role && self.name(g.feature) == feature)
        {
            return Ok(());
        }
        let role = self.intern(role)?;
        let feature = self.intern(feature)?;
        let slot = self
            .grants
            .get_mut(self.grant_count)
            .ok_or(Error::EvaluationFull {
                what: "role grants",
                limit: MAX_EFFECTIVE_GRANTS,
            })?;
        *slot = GrantEntry {
            role,
            feature,
            source,
        };
        self.grant_count = self.grant_count.saturating_add(1);
        Ok(())
    }

    /// Adds what one license contributes, all or nothing.
    fn add(&mut self, c: &Contribution<'_, '_>, source: Source) -> Result<(), Error<'static>> {
        let mark = self.mark();
        let s = source.code();
        let result = (|| {
            for (name, q) in c.quotas() {
                self.add_quota(name, q, s)?;
            }
            for f in c.features().iter() {
                self.add_feature(f, s)?;
            }
            for (role, grants) in c.roles() {
                for g in grants.iter() {
                    self.add_grant(role, g, s)?;
                }
            }
            Ok(())
        })();
        if result.is_err() {
            self.reset(mark);
        }
        result
    }

    /// Adds the firmware's Basic entitlement, all or nothing.
    fn add_builtin(&mut self, b: &Builtin<'_>) -> Result<(), Error<'static>> {
        let mark = self.mark();
        let s = Source::Builtin.code();
        let result = (|| {
            for (name, q) in b.quotas {
                self.add_quota(QuotaName::from_name(name), *q, s)?;
            }
            for f in b.features {
                self.add_feature(f, s)?;
            }
            for (role, grants) in b.roles {
                for g in *grants {
                    self.add_grant(role, g, s)?;
                }
            }
            Ok(())
        })();
        if result.is_err() {
            self.reset(mark);
        }
        result
    }
}

/// Checks that what a chain grants fits in an evaluation on its own (what
/// `licet issue` checks before it mints a license for panels).
pub(crate) fn check_fits<'a>(grants: &Grants<'_, 'a>) -> Result<(), Error<'a>> {
    let mut table = Table::new();
    table.add(&grants.contribution(), Source::License(0))
}

/// The effective entitlement of a device holding several licenses. Owns
/// its answers: changing the licenses' buffers afterwards (from C) changes
/// none of them.
#[derive(Clone, Copy, Debug)]
pub struct Evaluation<'a> {
    inputs: [&'a [u8]; MAX_LICENSES],
    status: [Option<LicenseStatus<'a>>; MAX_LICENSES],
    count: usize,
    base: Option<Source>,
    addons: [bool; MAX_LICENSES],
    requested: u64,
    at: u64,
    floor: u64,
    next_change: Option<(u64, usize)>,
    warning: bool,
    table: Table,
}

/// Evaluates the licenses a device holds. Fails only when more than
/// [`MAX_LICENSES`] are given; each license's own rejection is reported in
/// its [`LicenseStatus`].
pub fn evaluate<'a>(
    roots: &[TrustedRoot],
    licenses: &[&'a [u8]],
    device: &Device<'a>,
) -> Result<Evaluation<'a>, Error<'a>> {
    evaluate_with(roots, licenses, device, Options::default())
}

/// [`evaluate`] with the device's persisted time floor, its built-in Basic
/// entitlement and its verify-once cache ([`Options`]). Persist
/// [`Evaluation::floor`] afterwards.
pub fn evaluate_with<'a>(
    roots: &[TrustedRoot],
    licenses: &[&'a [u8]],
    device: &Device<'a>,
    options: Options<'_, '_>,
) -> Result<Evaluation<'a>, Error<'a>> {
    if licenses.len() > MAX_LICENSES {
        return Err(Error::TooManyLicenses {
            given: licenses.len(),
            limit: MAX_LICENSES,
        });
    }
    let rollback = device.now.saturating_add(CLOCK_TOLERANCE) < options.floor;
    let at = if rollback { options.floor } else { device.now };
    let mut e = Evaluation {
        inputs: [&[]; MAX_LICENSES],
        status: [None; MAX_LICENSES],
        count: licenses.len(),
        base: None,
        addons: [false; MAX_LICENSES],
        requested: device.now,
        at,
        floor: options.floor.max(at),
        next_change: None,
        warning: false,
        table: Table::new(),
    };
    let device = device.at(at);
    let mut memo = Memo::new();
    let mut checker = Checker {
        cache: options.cache,
        memo: Some(&mut memo),
    };
    let mut leaves: [Option<(&'a [u8], &'a [u8])>; MAX_LICENSES] = [None; MAX_LICENSES];
    for (i, bytes) in licenses.iter().enumerate() {
        let (status, leaf) = check_one(bytes, roots, &device, &leaves, &mut checker);
        if let LicenseStatus::Rejected(Error::SerialConflict { other }) = status
            && let Some(slot) = e.status.get_mut(other)
        {
            *slot = Some(LicenseStatus::Rejected(Error::SerialConflict { other: i }));
        }
        if let LicenseStatus::Valid { issued_at, .. } = status {
            e.floor = e.floor.max(issued_at);
        }
        if let (Some(s), Some(input), Some(l)) =
            (e.status.get_mut(i), e.inputs.get_mut(i), leaves.get_mut(i))
        {
            *s = Some(status);
            *input = bytes;
            *l = leaf;
        }
    }
    e.pick_base(options.builtin);
    if e.base.is_some() {
        for i in 0..e.count {
            if e.is_valid(i, Kind::AddOn) {
                let loaded = e.load(i);
                if let Some(a) = e.addons.get_mut(i) {
                    *a = loaded;
                }
            }
        }
    }
    e.next_change = e
        .in_use()
        .filter_map(|i| match e.status(i)? {
            LicenseStatus::Valid {
                not_after: Some(t), ..
            } => Some((*t, i)),
            _ => None,
        })
        .min();
    e.warning = e.next_change.is_some_and(|(t, i)| match e.status(i) {
        Some(LicenseStatus::Valid { remind, .. }) => t.saturating_sub(at) <= *remind,
        _ => false,
    });
    Ok(e)
}

/// Verifies one license of a set, unless it repeats an earlier one; also
/// returns its leaf's serial and bytes. In its own frame: the decoded
/// container lives here only.
#[inline(never)]
fn check_one<'a>(
    bytes: &'a [u8],
    roots: &[TrustedRoot],
    device: &Device<'a>,
    earlier: &[Option<(&'a [u8], &'a [u8])>],
    checker: &mut Checker<'_, '_, 'a>,
) -> (LicenseStatus<'a>, Option<(&'a [u8], &'a [u8])>) {
    let decoded = Container::decode(bytes);
    let container = match decoded.as_ref() {
        Ok(c) => c,
        Err(e) => return (LicenseStatus::Rejected(Error::Decode(*e)), None),
    };
    let Some(leaf) = container.leaf() else {
        let missing = licet_common::DecodeErrorKind::Missing { what: "links" };
        let e = licet_common::DecodeError::new(0, missing);
        return (LicenseStatus::Rejected(Error::Decode(e)), None);
    };
    let me = (leaf.claims.serial, leaf.bytes);
    for (j, other) in earlier.iter().enumerate() {
        match other {
            Some((serial, link)) if *serial == me.0 && *link == me.1 => {
                return (
                    LicenseStatus::Rejected(Error::DuplicateLicense { of: j }),
                    None,
                );
            }
            Some((serial, _)) if *serial == me.0 => {
                return (
                    LicenseStatus::Rejected(Error::SerialConflict { other: j }),
                    Some(me),
                );
            }
            _ => {}
        }
    }
    let status = match check_for_device(container, roots, device, checker) {
        Ok(()) => {
            let g = Grants::new(container, container.len());
            let c = &leaf.claims;
            LicenseStatus::Valid {
                tier: c.tier,
                kind: c.kind,
                not_before: c.nbf,
                not_after: c.exp,
                issued_at: c.iat,
                remind: g.remind_seconds(),
            }
        }
        Err(e) => LicenseStatus::Rejected(e),
    };
    (status, Some(me))
}

/// Orders candidate bases: higher tier, then longer-lasting.
fn base_rank(tier: Tier, not_after: Option<u64>) -> (Tier, u64) {
    (tier, not_after.unwrap_or(u64::MAX))
}

impl<'a> Evaluation<'a> {
    fn is_valid(&self, i: usize, want: Kind) -> bool {
        matches!(self.status(i), Some(LicenseStatus::Valid { kind, .. }) if *kind == want)
    }

    /// Copies what license `i` contributes into the table; a license that
    /// does not fit is rejected. True when loaded.
    fn load(&mut self, i: usize) -> bool {
        let Some(bytes) = self.inputs.get(i).copied() else {
            return false;
        };
        let result = match Container::decode(bytes) {
            Ok(c) => {
                let g = Grants::new(&c, c.len());
                self.table.add(&g.contribution(), Source::License(i))
            }
            Err(d) => Err(Error::Decode(d)),
        };
        match result {
            Ok(()) => true,
            Err(err) => {
                if let Some(s) = self.status.get_mut(i) {
                    *s = Some(LicenseStatus::Rejected(err));
                }
                false
            }
        }
    }

    fn pick_base(&mut self, builtin: Option<&Builtin<'_>>) {
        // Best first; a candidate that does not fit gives way to the next.
        loop {
            let mut best: Option<(usize, (Tier, u64))> = None;
            for (i, s) in self.statuses() {
                if let LicenseStatus::Valid {
                    tier,
                    kind: Kind::License,
                    not_after,
                    ..
                } = s
                {
                    let rank = base_rank(*tier, *not_after);
                    if best.is_none_or(|(_, b)| rank > b) {
                        best = Some((i, rank));
                    }
                }
            }
            let Some((i, _)) = best else { break };
            if self.load(i) {
                self.base = Some(Source::License(i));
                return;
            }
        }
        if let Some(b) = builtin
            && self.table.add_builtin(b).is_ok()
        {
            self.base = Some(Source::Builtin);
        }
    }

    /// The time the evaluation was made for: the device's time, or the
    /// floor when the clock was found rolled back.
    pub fn now(&self) -> u64 {
        self.at
    }

    /// The clock rollback found, if any: the device's time was more than
    /// [`CLOCK_TOLERANCE`] behind the floor, and the evaluation was made at
    /// the floor instead ([`Error::ClockRollback`] carries both times).
    pub fn rollback(&self) -> Option<Error<'static>> {
        (self.at != self.requested).then_some(Error::ClockRollback {
            now: self.requested,
            floor: self.at,
        })
    }

    /// The time floor to persist: the greatest of the floor given, the time
    /// evaluated at and the `iat` of the valid licenses.
    pub fn floor(&self) -> u64 {
        self.floor
    }

    /// Number of licenses evaluated.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when no license was given.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Each license's status, by its position in the input.
    pub fn statuses(&self) -> impl Iterator<Item = (usize, &LicenseStatus<'a>)> + '_ {
        self.status
            .iter()
            .take(self.count)
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|s| (i, s)))
    }

    /// The status of license `i`.
    pub fn status(&self, i: usize) -> Option<&LicenseStatus<'a>> {
        self.status.get(i).and_then(Option::as_ref)
    }

    /// The position of the base license, if a license is the base.
    pub fn base(&self) -> Option<usize> {
        match self.base? {
            Source::License(i) => Some(i),
            Source::Builtin => None,
        }
    }

    /// What the base is: a license, the firmware's built-in Basic, or
    /// nothing (`None`: nothing is granted).
    pub fn base_source(&self) -> Option<Source> {
        self.base
    }

    /// The positions of the add-ons in effect.
    pub fn addons(&self) -> impl Iterator<Item = usize> + '_ {
        self.addons
            .iter()
            .take(self.count)
            .enumerate()
            .filter(|(_, a)| **a)
            .map(|(i, _)| i)
    }

    /// The licenses in effect: the base (when a license is) first, then the
    /// add-ons.
    pub fn in_use(&self) -> impl Iterator<Item = usize> + '_ {
        self.base().into_iter().chain(self.addons())
    }

    /// The verified view of license `i`, when it is valid (read again from
    /// its bytes: for tools, not for the panel's answers).
    pub fn license(&self, i: usize) -> Option<VerifiedLicense<'a>> {
        match self.status(i)? {
            LicenseStatus::Valid { .. } => {}
            LicenseStatus::Rejected(_) => return None,
        }
        let container = Container::decode(self.inputs.get(i)?).ok()?;
        let leaf = crate::verified::leaf_claims(&container).ok()?;
        Some(VerifiedLicense::new(container, leaf))
    }

    /// The tier in effect (the base's; Basic for the built-in one).
    pub fn tier(&self) -> Option<Tier> {
        match self.base? {
            Source::Builtin => Some(Tier::Basic),
            Source::License(i) => match self.status(i)? {
                LicenseStatus::Valid { tier, .. } => Some(*tier),
                LicenseStatus::Rejected(_) => None,
            },
        }
    }

    /// The effective value of a quota: the base's plus every add-on's.
    /// `None` when nothing in effect grants it.
    pub fn quota(&self, name: QuotaName<'_>) -> Option<Quota> {
        self.quota_sources(name).map(|(_, q)| q).reduce(add_quota)
    }

    /// What supplies a quota, and how much each.
    pub fn quota_sources(&self, name: QuotaName<'_>) -> impl Iterator<Item = (Source, Quota)> + '_ {
        let key = self.table.key_of(name);
        self.table
            .quotas_in_use()
            .filter(move |q| Some(q.key) == key)
            .map(|q| (Source::from_code(q.source), q.value))
    }

    /// Every quota in effect with its value, each name once.
    pub fn quotas(&self) -> impl Iterator<Item = (QuotaName<'_>, Quota)> + '_ {
        let t = &self.table;
        t.quotas_in_use()
            .enumerate()
            .filter(move |(i, q)| !t.quotas_in_use().take(*i).any(|p| p.key == q.key))
            .filter_map(move |(_, q)| {
                let name = t.quota_name(q.key);
                self.quota(name).map(|v| (name, v))
            })
    }

    /// Every feature in effect, each once, with what supplies it (the base
    /// first).
    pub fn features(&self) -> impl Iterator<Item = (&str, Source)> + '_ {
        self.table
            .features_in_use()
            .map(|f| (self.table.name(f.name), Source::from_code(f.source)))
    }

    /// What supplies `feature`, if it is in effect.
    pub fn feature_source(&self, feature: &str) -> Option<Source> {
        self.features().find(|(f, _)| *f == feature).map(|(_, s)| s)
    }

    /// True when the device may use `feature`.
    pub fn has_feature(&self, feature: &str) -> bool {
        self.feature_source(feature).is_some()
    }

    /// The roles with grants in effect, each once.
    pub fn roles(&self) -> impl Iterator<Item = &str> + '_ {
        let t = &self.table;
        t.grants_in_use()
            .enumerate()
            .filter(move |(i, g)| !t.grants_in_use().take(*i).any(|p| p.role == g.role))
            .map(move |(_, g)| t.name(g.role))
    }

    /// The features granted to `role` beyond those everyone has, each once,
    /// with what supplies it.
    pub fn role_grants<'s>(
        &'s self,
        role: &'s str,
    ) -> impl Iterator<Item = (&'s str, Source)> + 's {
        let t = &self.table;
        t.grants_in_use()
            .filter(move |g| t.name(g.role) == role)
            .map(move |g| (t.name(g.feature), Source::from_code(g.source)))
    }

    /// What lets `role` use `feature` (a feature in effect first, then a
    /// grant to the role), if anything does.
    pub fn role_feature_source(&self, role: &str, feature: &str) -> Option<Source> {
        self.feature_source(feature).or_else(|| {
            self.role_grants(role)
                .find(|(f, _)| *f == feature)
                .map(|(_, s)| s)
        })
    }

    /// True when `role` may use `feature`.
    pub fn role_has_feature(&self, role: &str, feature: &str) -> bool {
        self.role_feature_source(role, feature).is_some()
    }

    /// When the entitlement next changes: the earliest expiry among the
    /// licenses in use, with the license that expires. `None`: nothing in
    /// use ends (the built-in Basic never does).
    pub fn next_change(&self) -> Option<(u64, usize)> {
        self.next_change
    }

    /// True when the next change falls inside the reminder window of the
    /// license that causes it.
    pub fn warning(&self) -> bool {
        self.warning
    }
}

/// Adds two quota values: counts add (saturating), unlimited absorbs.
pub fn add_quota(a: Quota, b: Quota) -> Quota {
    match (a, b) {
        (Quota::Count(x), Quota::Count(y)) => Quota::Count(x.saturating_add(y)),
        _ => Quota::Unlimited,
    }
}
