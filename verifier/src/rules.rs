//! The rules one link must keep, each once: chaining, time, and narrowing
//! (`docs/SEMANTICS.md` §1). The walk (`walk.rs`) applies them in order.

use crate::evaluate::CLOCK_TOLERANCE;
use crate::{Error, Grants};
use core::cmp::Ordering;
use licet_common::claims::{Names, NamesBytesIter};
use licet_common::{Container, Kind, Link, QuotaName};

/// Checks that link `i` is chained to `parent`: the parent may mint, its
/// serial and subject are named, the subject is inside the issuer's subtree.
fn check_chain<'a>(i: usize, link: &Link<'a>, parent: Option<&Link<'a>>) -> Result<(), Error<'a>> {
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

/// Checks that link `i` was minted inside the window it may be minted in:
/// not before its parent was, and before its own end (which lies inside its
/// parent's). Untimed: it holds or fails whatever the device's clock says.
fn check_issued<'a>(i: usize, link: &Link<'a>, parent: Option<&Link<'a>>) -> Result<(), Error<'a>> {
    let c = &link.claims;
    let earliest = parent.map_or(0, |p| p.claims.iat);
    let before = match (c.exp, parent.and_then(|p| p.claims.exp)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    if c.iat < earliest || before.is_some_and(|b| c.iat >= b) {
        return Err(Error::IssuedOutsideWindow {
            link: i,
            issued_at: c.iat,
            earliest,
            before,
        });
    }
    Ok(())
}

/// Checks that link `i` is valid at `now`: `nbf <= now < exp`, and minted no
/// later than [`CLOCK_TOLERANCE`] after `now`.
fn check_time<'a>(i: usize, link: &Link<'a>, now: u64) -> Result<(), Error<'a>> {
    let c = &link.claims;
    if now < c.nbf {
        return Err(Error::NotYetValid {
            link: i,
            now,
            not_before: c.nbf,
        });
    }
    if let Some(exp) = c.exp
        && now >= exp
    {
        return Err(Error::Expired {
            link: i,
            now,
            not_after: exp,
        });
    }
    if c.iat > now.saturating_add(CLOCK_TOLERANCE) {
        return Err(Error::IssuedInFuture {
            link: i,
            now,
            issued_at: c.iat,
        });
    }
    Ok(())
}

/// Reports link `i`'s own problems to `report` (false: stop): chaining and
/// minting time when `untimed` (they hold or fail whatever the clock says,
/// so a prefix checked before need not run them again), and validity at
/// `now` when given. Returns whether to go on, and whether the link is
/// outside its validity. In its own frame: its errors are not on the stack
/// while signatures are checked (docs/FOOTPRINT.md).
#[inline(never)]
pub(crate) fn each_link_violation<'a>(
    i: usize,
    link: &Link<'a>,
    parent: Option<&Link<'a>>,
    untimed: bool,
    now: Option<u64>,
    report: &mut dyn FnMut(Error<'a>) -> bool,
) -> (bool, bool) {
    if untimed {
        for check in [check_chain, check_issued] {
            if let Err(e) = check(i, link, parent)
                && !report(e)
            {
                return (false, false);
            }
        }
    }
    match now.map(|now| check_time(i, link, now)) {
        Some(Err(e)) => (report(e), true),
        _ => (true, false),
    }
}

/// The order names are stored in (canonical CBOR, RFC 8949 §4.2.1: shorter
/// first, then bytewise; exact for names under 256 bytes), on their bytes.
pub(crate) fn byte_order(a: &[u8], b: &[u8]) -> Ordering {
    // Names are short: a loop beats a call to `memcmp`.
    a.len().cmp(&b.len()).then_with(|| {
        a.iter()
            .zip(b)
            .find(|(x, y)| x != y)
            .map_or(Ordering::Equal, |(x, y)| x.cmp(y))
    })
}

/// The order quotas are stored in (canonical CBOR map keys): well-known
/// codes first, by code, then custom names in [`byte_order`].
pub(crate) fn quota_order(a: QuotaName<'_>, b: QuotaName<'_>) -> Ordering {
    match (a, b) {
        (QuotaName::WellKnown(x), QuotaName::WellKnown(y)) => x.cmp(&y),
        (QuotaName::WellKnown(_), QuotaName::Custom(_)) => Ordering::Less,
        (QuotaName::Custom(_), QuotaName::WellKnown(_)) => Ordering::Greater,
        (QuotaName::Custom(x), QuotaName::Custom(y)) => byte_order(x.as_bytes(), y.as_bytes()),
    }
}

/// Reports `error(name)` for each name of `child` that is in neither `a`
/// nor `b`, walking the three sorted lists once, as bytes (every list was
/// checked when its link was decoded). Returns false when `report` stopped.
fn each_missing<'a>(
    child: Names<'a>,
    a: Names<'_>,
    b: Names<'_>,
    error: impl Fn(&'a str) -> Error<'a>,
    report: &mut dyn FnMut(Error<'a>) -> bool,
) -> bool {
    let (mut a, mut b) = (a.iter_bytes().peekable(), b.iter_bytes().peekable());
    for name in child.iter_bytes() {
        // Advancing is monotone, so a list is only walked as far as a name
        // not found in the one before it needs.
        let found_in = |list: &mut core::iter::Peekable<NamesBytesIter<'_>>| {
            while list.next_if(|x| byte_order(x, name).is_lt()).is_some() {}
            list.peek().is_some_and(|x| byte_order(x, name).is_eq())
        };
        let found = found_in(&mut b) || found_in(&mut a);
        if !found && !report(error(core::str::from_utf8(name).unwrap_or(""))) {
            return false;
        }
    }
    true
}

/// Reports every way link `i` (not the root) widens what the links above
/// grant, in a fixed order, to `report`, which returns `false` to stop.
/// Returns false when stopped. In its own frame: its iterators are not on
/// the stack while signatures are checked (docs/FOOTPRINT.md).
#[inline(never)]
pub(crate) fn each_narrowing_violation<'a>(
    container: &Container<'a>,
    i: usize,
    link: &Link<'a>,
    report: &mut dyn FnMut(Error<'a>) -> bool,
) -> bool {
    let Some(parent) = i.checked_sub(1).and_then(|p| container.link(p)) else {
        return true;
    };
    // What the parent grants: most often its own statement, found by walking
    // the child's and the parent's sorted lists once; else the nearest
    // statement above (looked up from the parent on, so a name the merge
    // missed is still found where it is stated).
    let above = Grants::new(container, i);
    let (c, p) = (&link.claims, &parent.claims);
    macro_rules! fail {
        ($e:expr) => {
            if !report($e) {
                return false;
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
    let mut parent_quotas = p.quotas.iter().peekable();
    for (name, requested) in c.quotas.iter() {
        while parent_quotas
            .next_if(|(n, _)| quota_order(*n, name).is_lt())
            .is_some()
        {}
        let granted = match parent_quotas.peek() {
            Some((n, q)) if *n == name => Some(*q),
            _ => above.quota(name),
        };
        if !granted.is_some_and(|g| requested.within(g)) {
            fail!(Error::QuotaRaised {
                link: i,
                name,
                parent: granted,
                requested,
            });
        }
    }
    let parent_features = above.features();
    if let Some(features) = c.features {
        let error = |feature| Error::FeatureNotGranted { link: i, feature };
        if !each_missing(features, parent_features, Names::EMPTY, error, report) {
            return false;
        }
    }
    let mut parent_roles = p.roles.iter().peekable();
    for (role, grants) in c.roles.iter() {
        let order = |r: &&str| byte_order(r.as_bytes(), role.as_bytes());
        while parent_roles.next_if(|(r, _)| order(r).is_lt()).is_some() {}
        let parent_grants = match parent_roles.peek() {
            Some((r, g)) if order(r).is_eq() => *g,
            _ => above.role_grants(role),
        };
        let error = |feature| Error::RoleGrantNotAllowed {
            link: i,
            role,
            feature,
        };
        if !each_missing(grants, parent_features, parent_grants, error, report) {
            return false;
        }
    }
    if let (Some(devices), Some(parent_devices)) = (c.devices, above.devices()) {
        let error = |device| Error::DevicesWidened { link: i, device };
        if !each_missing(devices, parent_devices, Names::EMPTY, error, report) {
            return false;
        }
    }
    true
}
