//! The walk for everything that is not a panel: minting, importing,
//! explaining.

use crate::evaluate::check_fits;
use crate::signature::Checker;
use crate::walk::{Finding, Signatures, Walk, first_problem};
use crate::{Device, Error, Grants, TrustedRoot};
use licet_common::Container;

/// Checks everything about a chain that does not depend on a device or the
/// time: every signature, the chaining, the minting times and the narrowing
/// of every link; returns what the chain grants. With `roots` `None` the
/// root link's signature is not checked (the issuer checking a parent chain
/// without the vendor's key). Used where history is checked: importing
/// licenses into a ledger, minting under a parent.
pub fn check_untimed<'c, 'a>(
    container: &'c Container<'a>,
    roots: Option<&[TrustedRoot]>,
) -> Result<Grants<'c, 'a>, Error<'a>> {
    let walk = Walk {
        signatures: roots.map_or(Signatures::ExceptRoot, Signatures::All),
        now: None,
        device: None,
    };
    first_problem(&walk, container, &mut Checker::plain())?;
    Ok(Grants::new(container, container.len()))
}

/// The check `licet issue` runs on a candidate chain before it signs the
/// last link: every rule but the signatures (the parent chain's were checked
/// with [`check_untimed`]), and, for a license that licenses panels (its leaf
/// delegates nothing), that what it grants fits in a panel's evaluation;
/// returns what the new license would grant.
pub fn check_candidate<'c, 'a>(container: &'c Container<'a>) -> Result<Grants<'c, 'a>, Error<'a>> {
    let walk = Walk {
        signatures: Signatures::None,
        now: None,
        device: None,
    };
    first_problem(&walk, container, &mut Checker::plain())?;
    let grants = Grants::new(container, container.len());
    if grants.delegation().is_none() {
        check_fits(&grants)?;
    }
    Ok(grants)
}

/// Every problem with a chain, for support tooling: each link's signature
/// (the root link's only when `roots` is not empty), chaining, minting
/// time, validity at `now` and narrowing, and, for a `device`, whether the
/// chain licenses it. Reports each finding to `report` in chain order;
/// returns true when there was no problem.
pub fn explain<'a>(
    container: &Container<'a>,
    roots: &[TrustedRoot],
    now: u64,
    device: Option<&Device<'a>>,
    report: &mut dyn FnMut(Finding<'a>),
) -> bool {
    let walk = Walk {
        signatures: if roots.is_empty() {
            Signatures::ExceptRoot
        } else {
            Signatures::All(roots)
        },
        now: Some(now),
        device,
    };
    walk.run(container, &mut Checker::plain(), &mut |f| {
        report(f);
        true
    })
}
