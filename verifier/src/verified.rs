//! The verified view: the only place entitlements come from.

use licet_common::claims::Names;
use licet_common::{Claims, Container, Group, Kind, Quota, QuotaName, Tier};

/// Default reminder window before expiry: 30 days, in seconds.
pub const DEFAULT_REMIND_SECONDS: u64 = 30 * 24 * 60 * 60;

/// A license whose whole chain verified for a device. Borrowed from the
/// caller's buffer.
///
/// Every value is the *effective* one: what the leaf-most link stating it
/// says (the verifier has checked that each statement only narrows the one
/// above it).
#[derive(Clone, Copy, Debug)]
pub struct VerifiedLicense<'a> {
    container: Container<'a>,
    leaf: Claims<'a>,
}

impl<'a> VerifiedLicense<'a> {
    pub(crate) fn new(container: Container<'a>, leaf: Claims<'a>) -> Self {
        Self { container, leaf }
    }

    fn leaf(&self) -> &Claims<'a> {
        &self.leaf
    }

    fn nearest<T>(&self, get: impl Fn(&Claims<'a>) -> Option<T>) -> Option<T> {
        self.container.links().rev().find_map(|l| get(&l.claims))
    }

    /// What the leaf link itself states (not inherited). An add-on
    /// contributes exactly this on top of a base license.
    pub fn stated(&self) -> &Claims<'a> {
        &self.leaf
    }

    /// The group the license is for.
    pub fn group(&self) -> Group<'a> {
        self.leaf().sub
    }

    /// The leaf link's serial: the license's serial.
    pub fn serial(&self) -> &'a [u8] {
        self.leaf().serial
    }

    /// Tier.
    pub fn tier(&self) -> Tier {
        self.leaf().tier
    }

    /// License or add-on.
    pub fn kind(&self) -> Kind {
        self.leaf().kind
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
        crate::remind_seconds(&self.container)
    }

    /// The effective value of a quota; `None` when not granted.
    pub fn quota(&self, name: QuotaName<'_>) -> Option<Quota> {
        self.nearest(|c| c.quotas.get(name))
    }

    /// Every granted quota with its effective value.
    pub fn quotas(&self) -> impl Iterator<Item = (QuotaName<'a>, Quota)> + '_ {
        let links = self.container.links();
        let n = self.container.len();
        links.enumerate().flat_map(move |(i, l)| {
            l.claims.quotas.iter().filter(move |(name, _)| {
                // Keep a statement only when no later link restates the quota.
                !self
                    .container
                    .links()
                    .skip(i.saturating_add(1))
                    .take(n)
                    .any(|later| later.claims.quotas.get(*name).is_some())
            })
        })
    }

    /// The effective features.
    pub fn features(&self) -> Names<'a> {
        self.nearest(|c| c.features).unwrap_or(Names::EMPTY)
    }

    /// True when the license grants `feature` to everyone in the group.
    pub fn has_feature(&self, feature: &str) -> bool {
        self.features().contains(feature)
    }

    /// The features granted to `role`, beyond [`Self::features`].
    pub fn role_grants(&self, role: &str) -> Names<'a> {
        self.nearest(|c| c.roles.get(role)).unwrap_or(Names::EMPTY)
    }

    /// True when `role` may use `feature` (a feature of the license or a
    /// grant to that role).
    pub fn role_has_feature(&self, role: &str, feature: &str) -> bool {
        self.has_feature(feature) || self.role_grants(role).contains(feature)
    }

    /// Every role with its effective grants.
    pub fn roles(&self) -> impl Iterator<Item = (&'a str, Names<'a>)> + '_ {
        self.container.links().enumerate().flat_map(move |(i, l)| {
            l.claims.roles.iter().filter(move |(role, _)| {
                !self
                    .container
                    .links()
                    .skip(i.saturating_add(1))
                    .any(|later| later.claims.roles.get(role).is_some())
            })
        })
    }

    /// The effective device binding, when there is one.
    pub fn devices(&self) -> Option<Names<'a>> {
        self.nearest(|c| c.devices)
    }

    /// The number of links in the chain.
    pub fn chain_len(&self) -> usize {
        self.container.len()
    }

    /// The verified links, root-most first.
    pub fn links(&self) -> impl DoubleEndedIterator<Item = &licet_common::Link<'a>> + '_ {
        self.container.links()
    }
}
