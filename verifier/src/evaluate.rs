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
use crate::rules::byte_order;
use crate::signature::{Checker, Memo};
use crate::verified::check_for_device;
use crate::{Device, Error, Grants, TrustedRoot, VerifiedLicense, VerifyCache};
use core::cmp::Ordering;
use licet_common::{Container, Kind, Quota, QuotaName, Tier};

/// Most licenses one evaluation considers.
pub const MAX_LICENSES: usize = 8;

/// How far `now` may be below the time floor before it is a rollback, and
/// how far after `now` a link may say it was minted: 24 hours, to absorb
/// clock drift on the device and the issuer.
pub const CLOCK_TOLERANCE: u64 = 24 * 60 * 60;

/// Most quota contributions (one per license and quota) in one evaluation.
pub const MAX_EFFECTIVE_QUOTAS: usize = 48;
/// Most distinct features in effect in one evaluation.
pub const MAX_EFFECTIVE_FEATURES: usize = 64;
/// Most distinct (role, feature) grants in effect in one evaluation.
pub const MAX_EFFECTIVE_GRANTS: usize = 128;
/// Bytes for the distinct names (custom quotas, features, roles) in effect.
pub const NAME_BYTES: usize = 3072;

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

/// One license's contribution to one quota (for [`Evaluation::quota_sources`]).
#[derive(Clone, Copy, Debug)]
struct QuotaEntry {
    key: QuotaKey,
    source: u8,
    value: Quota,
}

/// A quota's total, sorted by name for lookups.
#[derive(Clone, Copy, Debug)]
struct QuotaTotal {
    key: QuotaKey,
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

/// Stored name `r` inside all the names ([`Table::names`]).
fn name_in(names: &str, r: NameRef) -> &str {
    let end = usize::from(r.at).saturating_add(usize::from(r.len));
    names.get(usize::from(r.at)..end).unwrap_or("")
}

fn quota_name_in(names: &str, key: QuotaKey) -> QuotaName<'_> {
    match key {
        QuotaKey::WellKnown(c) => QuotaName::WellKnown(c),
        QuotaKey::Custom(r) => QuotaName::Custom(name_in(names, r)),
    }
}

/// The effective values, owned: nothing here points into the licenses.
/// Features, grants and quota totals are kept sorted by name (the order
/// names are stored in, `name_order`): every query is a binary search.
#[derive(Clone, Copy, Debug)]
struct Table {
    names: [u8; NAME_BYTES],
    names_used: usize,
    quotas: [QuotaEntry; MAX_EFFECTIVE_QUOTAS],
    quota_count: usize,
    totals: [QuotaTotal; MAX_EFFECTIVE_QUOTAS],
    total_count: usize,
    features: [FeatureEntry; MAX_EFFECTIVE_FEATURES],
    feature_count: usize,
    grants: [GrantEntry; MAX_EFFECTIVE_GRANTS],
    grant_count: usize,
    /// Hash indexes for the panel's queries ([`Table::index`]): features,
    /// quota totals, and each role's first grant. Slot = entry + 1, 0 = empty.
    feature_slots: [u8; SLOTS],
    total_slots: [u8; SLOTS],
    role_slots: [u8; ROLE_SLOTS],
}

/// Slots of the feature and quota indexes, and of the role index: powers of
/// two, at least twice the entries they index, so that a lookup probes one
/// or two slots; entries numbered from 1 fit in a byte.
const SLOTS: usize = 128;
const ROLE_SLOTS: usize = 256;
const _: () = assert!(
    SLOTS.is_power_of_two()
        && SLOTS >= 2 * MAX_EFFECTIVE_FEATURES
        && SLOTS >= 2 * MAX_EFFECTIVE_QUOTAS
        && ROLE_SLOTS.is_power_of_two()
        && ROLE_SLOTS >= 2 * MAX_EFFECTIVE_GRANTS
        && MAX_EFFECTIVE_FEATURES < 255
        && MAX_EFFECTIVE_QUOTAS < 255
        && MAX_EFFECTIVE_GRANTS < 255
);

/// FNV-1a over `bytes` after `seed` (which keeps well-known quota codes
/// apart from names).
fn hash(seed: u8, bytes: &[u8]) -> usize {
    let h = core::iter::once(&seed)
        .chain(bytes)
        .fold(0x811c_9dc5u32, |h, b| {
            (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
        });
    usize::try_from(h).unwrap_or(0)
}

fn quota_hash(name: QuotaName<'_>) -> usize {
    match name {
        QuotaName::WellKnown(c) => hash(1, &[c]),
        QuotaName::Custom(n) => hash(0, n.as_bytes()),
    }
}

/// An index holding `entries` (entry, hash): open addressing, linear probes.
fn index_of<const N: usize>(entries: impl Iterator<Item = (usize, usize)>) -> [u8; N] {
    let mut slots = [0u8; N];
    for (i, mut at) in entries {
        let Ok(mark) = u8::try_from(i.saturating_add(1)) else {
            continue;
        };
        // Never full (twice the entries), so a free slot is always found.
        for _ in 0..N {
            if let Some(slot) = at.checked_rem(N).and_then(|k| slots.get_mut(k))
                && *slot == 0
            {
                *slot = mark;
                break;
            }
            at = at.wrapping_add(1);
        }
    }
    slots
}

/// The entry `slots` holds for a hash, probing from it until `is` accepts
/// one or a free slot says there is none.
fn probe<const N: usize>(
    slots: &[u8; N],
    hash: usize,
    is: impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut at = hash;
    for _ in 0..N {
        let mark = usize::from(*slots.get(at.checked_rem(N)?)?);
        let entry = mark.checked_sub(1)?;
        if is(entry) {
            return Some(entry);
        }
        at = at.wrapping_add(1);
    }
    None
}

fn full(what: &'static str, limit: usize) -> Error<'static> {
    Error::EvaluationFull { what, limit }
}

/// Inserts `item` at `at` in the first `count` of `items`, shifting the rest.
fn insert_at<T: Copy>(items: &mut [T], count: &mut usize, at: usize, item: T) -> bool {
    let Some(end) = count.checked_add(1).filter(|e| *e <= items.len()) else {
        return false;
    };
    let Some(window) = items.get_mut(at..end) else {
        return false;
    };
    crate::slots::shift_in(window, item);
    *count = end;
    true
}

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
            totals: [QuotaTotal {
                key: QuotaKey::WellKnown(0),
                value: Quota::Count(0),
            }; MAX_EFFECTIVE_QUOTAS],
            total_count: 0,
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
            feature_slots: [0; SLOTS],
            total_slots: [0; SLOTS],
            role_slots: [0; ROLE_SLOTS],
        }
    }

    /// Builds the hash indexes once every entry is in.
    fn index(&mut self) {
        let names = self.names();
        let features = self.features_in_use().iter().enumerate();
        let feature_slots = index_of(features.map(|(i, f)| (i, hash(0, self.bytes(f.name)))));
        let totals = self.totals_in_use().iter().enumerate();
        let total_slots =
            index_of(totals.map(|(i, t)| (i, quota_hash(quota_name_in(names, t.key)))));
        // Grants are sorted by role: index the first of each role's run.
        let grants = self.grants_in_use();
        let firsts = grants.iter().enumerate().filter(|(i, g)| {
            i.checked_sub(1)
                .and_then(|p| grants.get(p))
                .is_none_or(|p| self.bytes(p.role) != self.bytes(g.role))
        });
        let role_slots = index_of(firsts.map(|(i, g)| (i, hash(0, self.bytes(g.role)))));
        (self.feature_slots, self.total_slots, self.role_slots) =
            (feature_slots, total_slots, role_slots);
    }

    /// The grants from `role`'s first on (its run of the sorted grants, then
    /// other roles'), through the index; empty when it has none.
    fn grants_from(&self, role: &str) -> &[GrantEntry] {
        let grants = self.grants_in_use();
        let first = probe(&self.role_slots, hash(0, role.as_bytes()), |i| {
            grants.get(i).is_some_and(|g| self.is_name(g.role, role))
        });
        first.and_then(|i| grants.get(i..)).unwrap_or(&[])
    }

    /// The grants of `role`: its whole run.
    fn role_grants(&self, role: &str) -> &[GrantEntry] {
        let run = self.grants_from(role);
        let len = run
            .iter()
            .take_while(|g| self.is_name(g.role, role))
            .count();
        run.get(..len).unwrap_or(&[])
    }

    /// True when stored name `r` is `name` (lengths first: no call to
    /// `memcmp` for most names).
    fn is_name(&self, r: NameRef, name: &str) -> bool {
        usize::from(r.len) == name.len() && byte_order(self.bytes(r), name.as_bytes()).is_eq()
    }

    /// Stored name `r` as text (checked as UTF-8 on its own; iterators check
    /// all names at once, [`Self::names`]).
    fn name(&self, r: NameRef) -> &str {
        core::str::from_utf8(self.bytes(r)).unwrap_or("")
    }

    /// The feature entry for `name`, through the index.
    fn feature(&self, name: &str) -> Option<&FeatureEntry> {
        let i = probe(&self.feature_slots, hash(0, name.as_bytes()), |i| {
            self.features
                .get(i)
                .is_some_and(|f| self.is_name(f.name, name))
        })?;
        self.features.get(i)
    }

    /// The quota total for `name`, through the index.
    fn total(&self, name: QuotaName<'_>) -> Option<&QuotaTotal> {
        let i = probe(&self.total_slots, quota_hash(name), |i| {
            self.totals.get(i).is_some_and(|t| match (t.key, name) {
                (QuotaKey::WellKnown(a), QuotaName::WellKnown(b)) => a == b,
                (QuotaKey::Custom(r), QuotaName::Custom(n)) => self.is_name(r, n),
                _ => false,
            })
        })?;
        self.totals.get(i)
    }

    /// Every stored name, as text: checked as UTF-8 once for all the names
    /// an iterator hands out (each name was text when it was stored, so the
    /// whole is too, and each starts on a character boundary).
    fn names(&self) -> &str {
        self.names
            .get(..self.names_used)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or("")
    }

    /// A name's bytes, for comparisons (no UTF-8 check on the hot path).
    fn bytes(&self, r: NameRef) -> &[u8] {
        let end = usize::from(r.at).saturating_add(usize::from(r.len));
        self.names.get(usize::from(r.at)..end).unwrap_or(&[])
    }

    /// How stored name `r` sorts against `name` ([`byte_order`]), comparing
    /// bytes only between names of one length.
    fn order(&self, r: NameRef, name: &[u8]) -> Ordering {
        usize::from(r.len)
            .cmp(&name.len())
            .then_with(|| byte_order(self.bytes(r), name))
    }

    fn features_in_use(&self) -> &[FeatureEntry] {
        self.features.get(..self.feature_count).unwrap_or(&[])
    }

    fn grants_in_use(&self) -> &[GrantEntry] {
        self.grants.get(..self.grant_count).unwrap_or(&[])
    }

    fn quotas_in_use(&self) -> &[QuotaEntry] {
        self.quotas.get(..self.quota_count).unwrap_or(&[])
    }

    fn totals_in_use(&self) -> &[QuotaTotal] {
        self.totals.get(..self.total_count).unwrap_or(&[])
    }

    fn find_feature(&self, name: &str) -> Result<usize, usize> {
        self.features_in_use()
            .binary_search_by(|f| self.order(f.name, name.as_bytes()))
    }

    fn find_grant(&self, role: &str, feature: &str) -> Result<usize, usize> {
        self.grants_in_use().binary_search_by(|g| {
            self.order(g.role, role.as_bytes())
                .then_with(|| self.order(g.feature, feature.as_bytes()))
        })
    }

    fn key_order(&self, key: QuotaKey, name: QuotaName<'_>) -> Ordering {
        match (key, name) {
            (QuotaKey::WellKnown(a), QuotaName::WellKnown(b)) => a.cmp(&b),
            (QuotaKey::WellKnown(_), QuotaName::Custom(_)) => Ordering::Less,
            (QuotaKey::Custom(_), QuotaName::WellKnown(_)) => Ordering::Greater,
            (QuotaKey::Custom(r), QuotaName::Custom(n)) => self.order(r, n.as_bytes()),
        }
    }

    fn find_total(&self, name: QuotaName<'_>) -> Result<usize, usize> {
        self.totals_in_use()
            .binary_search_by(|t| self.key_order(t.key, name))
    }

    /// Where `name` is stored already, if it is: as a feature, a role, a
    /// granted feature or a custom quota.
    fn stored(&self, name: &str) -> Option<NameRef> {
        if let Ok(i) = self.find_feature(name) {
            return self.features.get(i).map(|f| f.name);
        }
        let same = |r: &NameRef| self.bytes(*r) == name.as_bytes();
        self.grants_in_use()
            .iter()
            .flat_map(|g| [g.role, g.feature])
            .find(same)
            .or_else(|| {
                self.totals_in_use().iter().find_map(|t| match t.key {
                    QuotaKey::Custom(r) if same(&r) => Some(r),
                    _ => None,
                })
            })
    }

    /// The name's place in the name bytes, each name stored once.
    fn intern(&mut self, name: &str) -> Result<NameRef, Error<'static>> {
        if let Some(r) = self.stored(name) {
            return Ok(r);
        }
        let full = full("name bytes", NAME_BYTES);
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

    /// What adding a contribution needs: new quota contributions, new
    /// totals, features, grants, and the bytes of the names not stored yet
    /// (each counted once; a custom quota named like one of the
    /// contribution's features is counted twice, erring on the safe side).
    fn needs(&self, c: &Contribution<'_, '_>) -> [usize; 5] {
        let (mut quotas, mut totals, mut features, mut grants, mut bytes) =
            (0usize, 0usize, 0usize, 0usize, 0usize);
        let mut name = |n: &str, counted_before: bool| {
            if !counted_before && self.stored(n).is_none() {
                bytes = bytes.saturating_add(n.len());
            }
        };
        for (q, _) in c.quotas() {
            quotas = quotas.saturating_add(1);
            if self.find_total(q).is_err() {
                totals = totals.saturating_add(1);
                if let QuotaName::Custom(n) = q {
                    name(n, false);
                }
            }
        }
        let own_features = c.features();
        for f in own_features.iter() {
            if self.find_feature(f).is_err() {
                features = features.saturating_add(1);
                name(f, false);
            }
        }
        for (k, (role, list)) in c.roles().enumerate() {
            name(role, false);
            for g in list.iter() {
                if self.find_grant(role, g).is_err() {
                    grants = grants.saturating_add(1);
                }
                let before = own_features.contains(g)
                    || c.roles().take(k).any(|(_, earlier)| earlier.contains(g));
                name(g, before);
            }
        }
        [quotas, totals, features, grants, bytes]
    }

    /// Checks that `needs` fits in what is left.
    fn check_room(&self, needs: [usize; 5]) -> Result<(), Error<'static>> {
        let [quotas, totals, features, grants, bytes] = needs;
        let room = |used: usize, need: usize, cap: usize, what| {
            if used.saturating_add(need) > cap {
                Err(full(what, cap))
            } else {
                Ok(())
            }
        };
        room(self.quota_count, quotas, MAX_EFFECTIVE_QUOTAS, "quotas")?;
        room(self.total_count, totals, MAX_EFFECTIVE_QUOTAS, "quotas")?;
        room(
            self.feature_count,
            features,
            MAX_EFFECTIVE_FEATURES,
            "features",
        )?;
        room(
            self.grant_count,
            grants,
            MAX_EFFECTIVE_GRANTS,
            "role grants",
        )?;
        room(self.names_used, bytes, NAME_BYTES, "name bytes")
    }

    fn add_quota(
        &mut self,
        name: QuotaName<'_>,
        value: Quota,
        source: u8,
    ) -> Result<(), Error<'static>> {
        let key = match self.find_total(name) {
            Ok(i) => {
                let t = self
                    .totals
                    .get_mut(i)
                    .ok_or(full("quotas", MAX_EFFECTIVE_QUOTAS))?;
                t.value = add_quota(t.value, value);
                t.key
            }
            Err(at) => {
                let key = match name {
                    QuotaName::WellKnown(c) => QuotaKey::WellKnown(c),
                    QuotaName::Custom(n) => QuotaKey::Custom(self.intern(n)?),
                };
                let total = QuotaTotal { key, value };
                if !insert_at(&mut self.totals, &mut self.total_count, at, total) {
                    return Err(full("quotas", MAX_EFFECTIVE_QUOTAS));
                }
                key
            }
        };
        let at = self.quota_count;
        let entry = QuotaEntry { key, source, value };
        if !insert_at(&mut self.quotas, &mut self.quota_count, at, entry) {
            return Err(full("quotas", MAX_EFFECTIVE_QUOTAS));
        }
        Ok(())
    }

    fn add_feature(&mut self, name: &str, source: u8) -> Result<(), Error<'static>> {
        let Err(at) = self.find_feature(name) else {
            return Ok(());
        };
        let name = self.intern(name)?;
        let entry = FeatureEntry { name, source };
        if !insert_at(&mut self.features, &mut self.feature_count, at, entry) {
            return Err(full("features", MAX_EFFECTIVE_FEATURES));
        }
        Ok(())
    }

    fn add_grant(&mut self, role: &str, feature: &str, source: u8) -> Result<(), Error<'static>> {
        let Err(at) = self.find_grant(role, feature) else {
            return Ok(());
        };
        let entry = GrantEntry {
            role: self.intern(role)?,
            feature: self.intern(feature)?,
            source,
        };
        if !insert_at(&mut self.grants, &mut self.grant_count, at, entry) {
            return Err(full("role grants", MAX_EFFECTIVE_GRANTS));
        }
        Ok(())
    }

    /// Adds what one license contributes, all or nothing: what it needs is
    /// counted first, and nothing is added when it does not fit.
    fn add(&mut self, c: &Contribution<'_, '_>, source: Source) -> Result<(), Error<'static>> {
        self.check_room(self.needs(c))?;
        let s = source.code();
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
    }

    /// Adds the firmware's Basic entitlement into an empty table; false,
    /// and the table empty again, when it does not fit.
    fn add_builtin(&mut self, b: &Builtin<'_>) -> bool {
        let s = Source::Builtin.code();
        let mut ok = true;
        for (name, q) in b.quotas {
            ok &= self.add_quota(QuotaName::from_name(name), *q, s).is_ok();
        }
        for f in b.features {
            ok &= self.add_feature(f, s).is_ok();
        }
        for (role, grants) in b.roles {
            for g in *grants {
                ok &= self.add_grant(role, g, s).is_ok();
            }
        }
        if !ok {
            // It went into an empty table: emptying the counts takes it out.
            self.names_used = 0;
            self.quota_count = 0;
            self.total_count = 0;
            self.feature_count = 0;
            self.grant_count = 0;
        }
        ok
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
    let mut leaves: [Option<Leaf<'a>>; MAX_LICENSES] = [None; MAX_LICENSES];
    for (i, bytes) in licenses.iter().enumerate() {
        let (status, leaf) = check_one(bytes, roots, &device, &leaves, &e.status, &mut checker);
        if let LicenseStatus::Rejected(Error::SerialConflict { other }) = status
            && let Some(slot) = e.status.get_mut(other)
            && matches!(slot, Some(LicenseStatus::Valid { .. }))
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
    e.table.index();
    Ok(e)
}

/// A license's leaf link, to tell copies apart: its serial and its bytes.
type Leaf<'a> = (&'a [u8], &'a [u8]);

/// Verifies one license of a set, unless it is a copy of an earlier one that
/// verified; also returns its leaf's serial and bytes. Only licenses that
/// verify count against each other: a damaged or forged copy of a license
/// can neither shadow it as a "duplicate" nor cancel it as a "conflict". In
/// its own frame: the decoded container lives here only.
#[inline(never)]
fn check_one<'a>(
    bytes: &'a [u8],
    roots: &[TrustedRoot],
    device: &Device<'a>,
    leaves: &[Option<Leaf<'a>>],
    statuses: &[Option<LicenseStatus<'a>>],
    checker: &mut Checker<'_, '_, 'a>,
) -> (LicenseStatus<'a>, Option<Leaf<'a>>) {
    let decoded = Container::decode(bytes);
    let container = match decoded.as_ref() {
        Ok(c) => c,
        Err(e) => return (LicenseStatus::Rejected(Error::Decode(*e)), None),
    };
    let leaf = container.last();
    let me = (leaf.claims.serial, leaf.bytes);
    // Earlier licenses with this serial, and whether each still counts.
    let same_serial = || {
        leaves
            .iter()
            .zip(statuses)
            .enumerate()
            .filter_map(move |(j, (l, s))| match (l, s) {
                (Some(l), Some(s)) if l.0 == me.0 => Some((j, *l, s)),
                _ => None,
            })
    };
    for (j, l, s) in same_serial() {
        if l.1 == me.1 && matches!(s, LicenseStatus::Valid { .. }) {
            return (
                LicenseStatus::Rejected(Error::DuplicateLicense { of: j }),
                Some(me),
            );
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
    if matches!(status, LicenseStatus::Valid { .. }) {
        for (j, _, s) in same_serial() {
            let counts = matches!(
                s,
                LicenseStatus::Valid { .. } | LicenseStatus::Rejected(Error::SerialConflict { .. })
            );
            if counts {
                return (
                    LicenseStatus::Rejected(Error::SerialConflict { other: j }),
                    Some(me),
                );
            }
        }
    }
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
            && self.table.add_builtin(b)
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
        Some(VerifiedLicense::new(container))
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
        self.table.total(name).map(|q| q.value)
    }

    /// What supplies a quota, and how much each.
    pub fn quota_sources<'s>(
        &'s self,
        name: QuotaName<'s>,
    ) -> impl Iterator<Item = (Source, Quota)> + 's {
        let t = &self.table;
        let key = t.total(name).map(|q| q.key);
        t.quotas_in_use()
            .iter()
            .filter(move |q| Some(q.key) == key)
            .map(|q| (Source::from_code(q.source), q.value))
    }

    /// Every quota in effect with its value, each name once, in name order.
    pub fn quotas(&self) -> impl Iterator<Item = (QuotaName<'_>, Quota)> + '_ {
        let (t, names) = (&self.table, self.table.names());
        t.totals_in_use()
            .iter()
            .map(move |q| (quota_name_in(names, q.key), q.value))
    }

    /// Every feature in effect, each once, with what supplies it (the first
    /// license in use that does), in name order.
    pub fn features(&self) -> impl Iterator<Item = (&str, Source)> + '_ {
        let names = self.table.names();
        self.table
            .features_in_use()
            .iter()
            .map(move |f| (name_in(names, f.name), Source::from_code(f.source)))
    }

    /// What supplies `feature`, if it is in effect.
    pub fn feature_source(&self, feature: &str) -> Option<Source> {
        self.table
            .feature(feature)
            .map(|f| Source::from_code(f.source))
    }

    /// True when the device may use `feature`.
    pub fn has_feature(&self, feature: &str) -> bool {
        self.feature_source(feature).is_some()
    }

    /// The roles with grants in effect, each once, in name order.
    pub fn roles(&self) -> impl Iterator<Item = &str> + '_ {
        let (t, names) = (&self.table, self.table.names());
        let grants = t.grants_in_use();
        grants
            .iter()
            .enumerate()
            .filter(move |(i, g)| {
                i.checked_sub(1)
                    .and_then(|p| grants.get(p))
                    .is_none_or(|p| t.bytes(p.role) != t.bytes(g.role))
            })
            .map(move |(_, g)| name_in(names, g.role))
    }

    /// The features granted to `role` beyond those everyone has, each once,
    /// with what supplies it, in name order.
    pub fn role_grants<'s>(
        &'s self,
        role: &'s str,
    ) -> impl Iterator<Item = (&'s str, Source)> + 's {
        let names = self.table.names();
        self.table
            .role_grants(role)
            .iter()
            .map(move |g| (name_in(names, g.feature), Source::from_code(g.source)))
    }

    /// The `index`-th of [`Self::role_grants`], found directly.
    pub fn role_grant_at(&self, role: &str, index: usize) -> Option<(&str, Source)> {
        let t = &self.table;
        let g = t
            .grants_from(role)
            .get(index)
            .filter(|g| t.is_name(g.role, role))?;
        Some((t.name(g.feature), Source::from_code(g.source)))
    }

    /// The `index`-th of [`Self::quotas`], found directly.
    pub fn quota_at(&self, index: usize) -> Option<(QuotaName<'_>, Quota)> {
        let t = &self.table;
        let q = t.totals_in_use().get(index)?;
        let name = match q.key {
            QuotaKey::WellKnown(c) => QuotaName::WellKnown(c),
            QuotaKey::Custom(r) => QuotaName::Custom(t.name(r)),
        };
        Some((name, q.value))
    }

    /// The `index`-th of [`Self::features`], found directly.
    pub fn feature_at(&self, index: usize) -> Option<(&str, Source)> {
        let t = &self.table;
        let f = t.features_in_use().get(index)?;
        Some((t.name(f.name), Source::from_code(f.source)))
    }

    /// What lets `role` use `feature` (a feature in effect first, then a
    /// grant to the role), if anything does.
    pub fn role_feature_source(&self, role: &str, feature: &str) -> Option<Source> {
        self.feature_source(feature).or_else(|| {
            let t = &self.table;
            let run = t.role_grants(role);
            let i = run
                .binary_search_by(|g| t.order(g.feature, feature.as_bytes()))
                .ok()?;
            run.get(i).map(|g| Source::from_code(g.source))
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
