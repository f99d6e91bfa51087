//! What a chain grants: the one definition of "effective" values.
//!
//! Each link states only what it changes; the effective value of anything is
//! the statement nearest the leaf (the walk has checked that every statement
//! narrows the one above). A base license contributes everything its chain
//! grants; an add-on contributes only what its own leaf link states
//! (`docs/SEMANTICS.md` §1–2). Every reader — the panel's evaluation, the
//! verified view, `licet inspect`, `licet issue` and the ledger — takes its
//! answers from here.

use crate::DEFAULT_REMIND_SECONDS;
use licet_common::claims::{Names, Quotas, Roles};
use licet_common::{Claims, Container, Kind, Link, Quota, QuotaName};

/// What the first links of a chain grant, read from the links as decoded.
/// Only reachable through a check: [`crate::VerifiedLicense::grants`],
/// [`crate::check_untimed`] and [`crate::check_candidate`].
#[derive(Clone, Copy, Debug)]
pub struct Grants<'c, 'a> {
    container: &'c Container<'a>,
    upto: usize,
}

/// A delegation: the key a link gives its holder to mint children with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Delegation<'a> {
    /// The holder's Ed25519 public key.
    pub key: &'a [u8; 32],
    /// How many more links may follow.
    pub depth: u8,
}

impl<'c, 'a> Grants<'c, 'a> {
    /// The grants of links `0..upto` (the whole chain: `container.len()`).
    pub(crate) fn new(container: &'c Container<'a>, upto: usize) -> Self {
        Self {
            container,
            upto: upto.min(container.len()),
        }
    }

    /// What the first `upto` links grant: the chain of an ancestor (every
    /// prefix of a checked chain passed the same checks).
    pub fn prefix(&self, upto: usize) -> Self {
        Self::new(self.container, upto.min(self.upto))
    }

    /// The links that grant, root-most first.
    pub fn links(&self) -> impl DoubleEndedIterator<Item = &'c Link<'a>> + 'c {
        let container = self.container;
        (0..self.upto).filter_map(move |i| container.link(i))
    }

    /// The nearest statement of something, leaf-most first.
    fn nearest<T>(&self, get: impl Fn(&Claims<'a>) -> Option<T>) -> Option<T> {
        self.links().rev().find_map(|l| get(&l.claims))
    }

    /// The leaf-most link of the granting prefix.
    pub fn leaf(&self) -> Option<&'c Link<'a>> {
        self.upto
            .checked_sub(1)
            .and_then(|i| self.container.link(i))
    }

    fn leaf_claims(&self) -> Option<&'c Claims<'a>> {
        self.leaf().map(|l| &l.claims)
    }

    /// The delegation the leaf gives its holder, if it may mint.
    pub fn delegation(&self) -> Option<Delegation<'a>> {
        let c = self.leaf_claims()?;
        c.cnf.map(|key| Delegation {
            key,
            depth: c.depth,
        })
    }

    /// The reminder window before expiry, in seconds: the nearest link that
    /// states one, else [`DEFAULT_REMIND_SECONDS`].
    pub fn remind_seconds(&self) -> u64 {
        self.nearest(|c| c.remind).unwrap_or(DEFAULT_REMIND_SECONDS)
    }

    /// The effective value of a quota; `None`: not granted.
    pub fn quota(&self, name: QuotaName<'_>) -> Option<Quota> {
        self.nearest(|c| c.quotas.get(name))
    }

    /// Every granted quota with its effective value, each name once (in the
    /// order of the links stating them, root-most first).
    pub fn quotas(&self) -> ContributedQuotas<'c, 'a> {
        ContributedQuotas::Chain(*self, 0, Quotas::EMPTY.iter())
    }

    /// The effective features (everyone in the group may use them).
    pub fn features(&self) -> Names<'a> {
        self.nearest(|c| c.features).unwrap_or(Names::EMPTY)
    }

    /// The features granted to `role` beyond [`Self::features`].
    pub fn role_grants(&self, role: &str) -> Names<'a> {
        self.nearest(|c| c.roles.get(role)).unwrap_or(Names::EMPTY)
    }

    /// Every role with its effective grants, each role once.
    pub fn roles(&self) -> ContributedRoles<'c, 'a> {
        ContributedRoles::Chain(*self, 0, Roles::EMPTY.iter())
    }

    /// The effective device binding; `None`: any device of the group.
    pub fn devices(&self) -> Option<Names<'a>> {
        self.nearest(|c| c.devices)
    }

    /// What this license adds on a panel: everything its chain grants for a
    /// base license, only what its own leaf link states for an add-on
    /// (what an add-on inherits is not added a second time).
    pub fn contribution(&self) -> Contribution<'c, 'a> {
        match self.leaf_claims() {
            Some(c) if c.kind == Kind::AddOn => Contribution::Stated(c),
            _ => Contribution::Chain(*self),
        }
    }
}

/// What one license contributes to a panel's entitlement
/// ([`Grants::contribution`]).
#[derive(Clone, Copy, Debug)]
pub enum Contribution<'c, 'a> {
    /// A base license: everything its chain grants.
    Chain(Grants<'c, 'a>),
    /// An add-on: what its leaf link states.
    Stated(&'c Claims<'a>),
}

impl<'c, 'a> Contribution<'c, 'a> {
    /// The quotas contributed, each name once.
    pub fn quotas(&self) -> ContributedQuotas<'c, 'a> {
        match self {
            Self::Chain(g) => g.quotas(),
            Self::Stated(c) => ContributedQuotas::Stated(c.quotas.iter()),
        }
    }

    /// The value contributed for one quota.
    pub fn quota(&self, name: QuotaName<'_>) -> Option<Quota> {
        match self {
            Self::Chain(g) => g.quota(name),
            Self::Stated(c) => c.quotas.get(name),
        }
    }

    /// The features contributed.
    pub fn features(&self) -> Names<'a> {
        match self {
            Self::Chain(g) => g.features(),
            Self::Stated(c) => c.features.unwrap_or(Names::EMPTY),
        }
    }

    /// The roles contributed to, each with its grants.
    pub fn roles(&self) -> ContributedRoles<'c, 'a> {
        match self {
            Self::Chain(g) => g.roles(),
            Self::Stated(c) => ContributedRoles::Stated(c.roles.iter()),
        }
    }
}

/// Iterator over [`Contribution::quotas`].
#[derive(Debug)]
pub enum ContributedQuotas<'c, 'a> {
    #[doc(hidden)]
    Chain(Grants<'c, 'a>, usize, licet_common::claims::QuotasIter<'a>),
    #[doc(hidden)]
    Stated(licet_common::claims::QuotasIter<'a>),
}

/// The next statement of a chain that no later link restates, walking the
/// links root-most first: `list` gives a link's statements, `restated`
/// whether a later link states the same thing again (the nearest statement
/// wins). Shared by the quota and role iterators.
fn next_effective<'a, I: Iterator>(
    g: &Grants<'_, 'a>,
    i: &mut usize,
    it: &mut I,
    list: impl Fn(&Claims<'a>) -> I,
    restated: impl Fn(&Claims<'a>, &I::Item) -> bool,
) -> Option<I::Item> {
    loop {
        if let Some(item) = it.next() {
            if !g
                .links()
                .skip(*i)
                .any(|later| restated(&later.claims, &item))
            {
                return Some(item);
            }
            continue;
        }
        let link = g.container.link(*i).filter(|_| *i < g.upto)?;
        *it = list(&link.claims);
        *i = i.saturating_add(1);
    }
}

impl<'a> Iterator for ContributedQuotas<'_, 'a> {
    type Item = (QuotaName<'a>, Quota);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Self::Stated(it) => it.next(),
            Self::Chain(g, i, it) => next_effective(
                g,
                i,
                it,
                |c| c.quotas.iter(),
                |later, (name, _)| later.quotas.get(*name).is_some(),
            ),
        }
    }
}

/// Iterator over [`Contribution::roles`].
#[derive(Debug)]
pub enum ContributedRoles<'c, 'a> {
    #[doc(hidden)]
    Chain(Grants<'c, 'a>, usize, licet_common::claims::RolesIter<'a>),
    #[doc(hidden)]
    Stated(licet_common::claims::RolesIter<'a>),
}

impl<'a> Iterator for ContributedRoles<'_, 'a> {
    type Item = (&'a str, Names<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Self::Stated(it) => it.next(),
            Self::Chain(g, i, it) => next_effective(
                g,
                i,
                it,
                |c| c.roles.iter(),
                |later, (role, _)| later.roles.get(role).is_some(),
            ),
        }
    }
}
