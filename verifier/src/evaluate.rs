//! Several licenses on one device: which one is the base, which add-ons
//! count, what the device may do, and when that changes.
//!
//! Rules (`docs/SEMANTICS.md` §2):
//!
//! * every license is verified on its own; rejected ones are reported, not fatal;
//! * the **base** is the valid non-add-on license of the highest tier
//!   (basic < trial < plus); ties go to the one that lasts longest (no end date
//!   first), then to the earlier position. When it expires the next one takes
//!   over by itself: evaluation at a later `now` simply no longer sees it;
//! * every valid **add-on** adds what its own (leaf) link states — quotas
//!   (counts add up; unlimited absorbs), features and role grants — on top of
//!   the base; what an add-on merely inherits from its chain is not added
//!   again. Add-ons need a base: with no valid base license nothing is granted;
//! * the **next change** is the earliest expiry among the licenses in use,
//!   and the **warning** is raised when it falls inside that license's
//!   reminder window (default 30 days);
//! * the **time floor** is the greatest `iat` among the valid licenses. A
//!   device without a trusted clock persists it; evaluating with `now` more
//!   than [`CLOCK_TOLERANCE`] below a floor fails as a clock rollback.
//!
//! No allocator: an [`Evaluation`] holds at most [`MAX_LICENSES`] inputs and a
//! small status for each; effective values are read back from the licenses'
//! bytes (decoding again, never re-checking signatures) when asked for.

use crate::{Device, Error, TrustedRoot, VerifiedLicense, VerifyCache, verify_status};
use licet_common::claims::Names;
use licet_common::{Container, Kind, Quota, QuotaName, Tier};

/// Most licenses one evaluation considers.
pub const MAX_LICENSES: usize = 8;

/// How far `now` may be below the time floor before it is a rollback:
/// 24 hours, to absorb clock drift on the device and the issuer.
pub const CLOCK_TOLERANCE: u64 = 24 * 60 * 60;

/// What evaluation found for one license.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LicenseStatus<'a> {
    /// It verified for the device at `now`.
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

/// The effective entitlement of a device holding several licenses.
#[derive(Clone, Copy, Debug)]
pub struct Evaluation<'a> {
    inputs: [&'a [u8]; MAX_LICENSES],
    status: [Option<LicenseStatus<'a>>; MAX_LICENSES],
    count: usize,
    base: Option<usize>,
    now: u64,
    floor: u64,
}

/// Evaluates the licenses a device holds. Fails only when more than
/// [`MAX_LICENSES`] are given; each license's own rejection is reported in
/// its [`LicenseStatus`].
pub fn evaluate<'a>(
    roots: &[TrustedRoot],
    licenses: &[&'a [u8]],
    device: &Device<'a>,
) -> Result<Evaluation<'a>, Error<'a>> {
    evaluate_with_floor(roots, licenses, device, 0)
}

/// [`evaluate`] for a device without a trusted clock: `floor` is the time
/// floor it persisted (0 when it has none). Fails with
/// [`Error::ClockRollback`] when `device.now + CLOCK_TOLERANCE < floor`.
/// Persist [`Evaluation::floor`] afterwards.
pub fn evaluate_with_floor<'a>(
    roots: &[TrustedRoot],
    licenses: &[&'a [u8]],
    device: &Device<'a>,
    floor: u64,
) -> Result<Evaluation<'a>, Error<'a>> {
    evaluate_with(roots, licenses, device, floor, None)
}

/// [`evaluate_with_floor`] through a verify-once cache: signatures the
/// cache has seen succeed are not checked again (see [`VerifyCache`]); the
/// outcome is the same as without it.
pub fn evaluate_cached<'a>(
    roots: &[TrustedRoot],
    licenses: &[&'a [u8]],
    device: &Device<'a>,
    floor: u64,
    cache: &mut VerifyCache<'_>,
) -> Result<Evaluation<'a>, Error<'a>> {
    evaluate_with(roots, licenses, device, floor, Some(cache))
}

fn evaluate_with<'a>(
    roots: &[TrustedRoot],
    licenses: &[&'a [u8]],
    device: &Device<'a>,
    floor: u64,
    mut cache: Option<&mut VerifyCache<'_>>,
) -> Result<Evaluation<'a>, Error<'a>> {
    if licenses.len() > MAX_LICENSES {
        return Err(Error::TooManyLicenses {
            given: licenses.len(),
            limit: MAX_LICENSES,
        });
    }
    if device.now.saturating_add(CLOCK_TOLERANCE) < floor {
        return Err(Error::ClockRollback {
            now: device.now,
            floor,
        });
    }
    let mut e = Evaluation {
        inputs: [&[]; MAX_LICENSES],
        status: [None; MAX_LICENSES],
        count: licenses.len(),
        base: None,
        now: device.now,
        floor,
    };
    for (i, bytes) in licenses.iter().enumerate() {
        let status = verify_status(bytes, roots, device, cache.as_deref_mut());
        if let LicenseStatus::Valid { issued_at, .. } = status {
            e.floor = e.floor.max(issued_at);
        }
        if let (Some(slot), Some(input)) = (e.status.get_mut(i), e.inputs.get_mut(i)) {
            *slot = Some(status);
            *input = bytes;
        }
    }
    e.base = e.pick_base();
    Ok(e)
}

/// Orders candidate bases: higher tier, then longer-lasting.
fn base_rank(tier: Tier, not_after: Option<u64>) -> (Tier, u64) {
    (tier, not_after.unwrap_or(u64::MAX))
}

impl<'a> Evaluation<'a> {
    fn pick_base(&self) -> Option<usize> {
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
        best.map(|(i, _)| i)
    }

    /// The time the evaluation was made for.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The time floor to persist: the greater of the floor given and the
    /// greatest `iat` among the valid licenses.
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

    /// The position of the base license, if any license is in effect.
    pub fn base(&self) -> Option<usize> {
        self.base
    }

    /// The positions of the add-ons in effect (none without a base).
    pub fn addons(&self) -> impl Iterator<Item = usize> + '_ {
        let has_base = self.base.is_some();
        self.statuses()
            .filter(move |(_, s)| {
                has_base
                    && matches!(
                        s,
                        LicenseStatus::Valid {
                            kind: Kind::AddOn,
                            ..
                        }
                    )
            })
            .map(|(i, _)| i)
    }

    /// The licenses in effect: the base first, then the add-ons.
    pub fn in_use(&self) -> impl Iterator<Item = usize> + '_ {
        self.base.into_iter().chain(self.addons())
    }

    /// The verified view of license `i`, when it is valid.
    pub fn license(&self, i: usize) -> Option<VerifiedLicense<'a>> {
        match self.status(i)? {
            LicenseStatus::Valid { .. } => {}
            LicenseStatus::Rejected(_) => return None,
        }
        let container = Container::decode(self.inputs.get(i)?).ok()?;
        let leaf = container.leaf()?.claims;
        Some(VerifiedLicense::new(container, leaf))
    }

    /// The tier in effect (the base's).
    pub fn tier(&self) -> Option<Tier> {
        match self.status(self.base?)? {
            LicenseStatus::Valid { tier, .. } => Some(*tier),
            LicenseStatus::Rejected(_) => None,
        }
    }

    /// The effective value of a quota: the base's plus every add-on's.
    /// `None` when no license in use grants it.
    pub fn quota(&self, name: QuotaName<'_>) -> Option<Quota> {
        self.quota_sources(name).map(|(_, q)| q).reduce(add_quota)
    }

    /// Which licenses in use supply a quota, and how much each.
    pub fn quota_sources<'s>(
        &'s self,
        name: QuotaName<'s>,
    ) -> impl Iterator<Item = (usize, Quota)> + 's {
        self.in_use().filter_map(move |i| {
            let l = self.license(i)?;
            let q = if Some(i) == self.base {
                l.quota(name)
            } else {
                l.stated().quotas.get(name)
            };
            q.map(|q| (i, q))
        })
    }

    /// Every quota in effect with its value, each name once.
    pub fn quotas(&self) -> impl Iterator<Item = (QuotaName<'a>, Quota)> + '_ {
        self.in_use().enumerate().flat_map(move |(pos, i)| {
            let names = self
                .license(i)
                .map_or([None; 16], |l| self.contributed_quota_names(i, &l));
            names.into_iter().flatten().filter_map(move |name| {
                // Yield each name at the first license in use that supplies it.
                let seen = self
                    .in_use()
                    .take(pos)
                    .any(|j| self.quota_sources(name).any(|(k, _)| k == j));
                if seen {
                    None
                } else {
                    self.quota(name).map(|q| (name, q))
                }
            })
        })
    }

    fn contributed_quota_names(
        &self,
        i: usize,
        l: &VerifiedLicense<'a>,
    ) -> [Option<QuotaName<'a>>; 16] {
        if Some(i) == self.base {
            collect_quota_names(l.quotas())
        } else {
            collect_quota_names(l.stated().quotas.iter())
        }
    }

    /// The features license `i` contributes: all of its effective features
    /// for the base, what its own link states for an add-on.
    pub fn features_of(&self, i: usize) -> Names<'a> {
        match self.license(i) {
            Some(l) if Some(i) == self.base => l.features(),
            Some(l) => l.stated().features.unwrap_or(Names::EMPTY),
            None => Names::EMPTY,
        }
    }

    /// The role grants license `i` contributes (like [`Self::features_of`]).
    pub fn role_grants_of(&self, i: usize, role: &str) -> Names<'a> {
        match self.license(i) {
            Some(l) if Some(i) == self.base => l.role_grants(role),
            Some(l) => l.stated().roles.get(role).unwrap_or(Names::EMPTY),
            None => Names::EMPTY,
        }
    }

    /// The roles license `i` contributes grants to, each with its grants.
    pub fn roles_of(&self, i: usize) -> impl Iterator<Item = (&'a str, Names<'a>)> + '_ {
        let base = Some(i) == self.base;
        let lic = self.license(i);
        let stated = lic.map(|l| l.stated().roles);
        let all: [Option<(&'a str, Names<'a>)>; 64] = {
            let mut out = [None; 64];
            if let Some(l) = lic {
                let mut n = 0usize;
                let mut put = |r: &'a str, g: Names<'a>| {
                    if let Some(slot) = out.get_mut(n) {
                        *slot = Some((r, g));
                        n = n.saturating_add(1);
                    }
                };
                if base {
                    l.roles().for_each(|(r, g)| put(r, g));
                } else if let Some(roles) = stated {
                    roles.iter().for_each(|(r, g)| put(r, g));
                }
            }
            out
        };
        all.into_iter().flatten()
    }

    /// The license in use that supplies `feature`, if any (the base first).
    pub fn feature_source(&self, feature: &str) -> Option<usize> {
        self.in_use()
            .find(|&i| self.features_of(i).contains(feature))
    }

    /// True when the device may use `feature`.
    pub fn has_feature(&self, feature: &str) -> bool {
        self.feature_source(feature).is_some()
    }

    /// The license in use that grants `feature` to `role` (as a feature of the
    /// license or a grant to the role), if any.
    pub fn role_feature_source(&self, role: &str, feature: &str) -> Option<usize> {
        self.feature_source(feature).or_else(|| {
            self.in_use()
                .find(|&i| self.role_grants_of(i, role).contains(feature))
        })
    }

    /// True when `role` may use `feature`.
    pub fn role_has_feature(&self, role: &str, feature: &str) -> bool {
        self.role_feature_source(role, feature).is_some()
    }

    /// When the entitlement next changes: the earliest expiry among the
    /// licenses in use, with the license that expires. `None`: nothing in use
    /// ends.
    pub fn next_change(&self) -> Option<(u64, usize)> {
        self.in_use()
            .filter_map(|i| match self.status(i)? {
                LicenseStatus::Valid {
                    not_after: Some(t), ..
                } => Some((*t, i)),
                _ => None,
            })
            .min()
    }

    /// True when the next change falls inside the reminder window of the
    /// license that causes it.
    pub fn warning(&self) -> bool {
        let Some((t, i)) = self.next_change() else {
            return false;
        };
        match self.status(i) {
            Some(LicenseStatus::Valid { remind, .. }) => t.saturating_sub(self.now) <= *remind,
            _ => false,
        }
    }
}

/// The distinct quota names of `quotas`. Every name a chain grants must be
/// granted by its root link, which states at most 16: 16 slots hold them all.
fn collect_quota_names<'a>(
    quotas: impl Iterator<Item = (QuotaName<'a>, Quota)>,
) -> [Option<QuotaName<'a>>; 16] {
    let mut out = [None; 16];
    let mut n = 0usize;
    for (name, _) in quotas {
        if out.iter().flatten().any(|x| *x == name) {
            continue;
        }
        if let Some(slot) = out.get_mut(n) {
            *slot = Some(name);
            n = n.saturating_add(1);
        }
    }
    out
}

/// Adds two quota values: counts add (saturating), unlimited absorbs.
pub fn add_quota(a: Quota, b: Quota) -> Quota {
    match (a, b) {
        (Quota::Count(x), Quota::Count(y)) => Quota::Count(x.saturating_add(y)),
        _ => Quota::Unlimited,
    }
}
