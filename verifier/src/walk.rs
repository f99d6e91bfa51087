//! The one walk over a chain. Every check of a license — on the panel, in
//! `licet inspect`, before `licet issue` signs, in `licet ledger import` —
//! is this walk with different options: which signatures to check, at what
//! time (or none), for which device (or none), and whether to stop at the
//! first problem or report them all.

use crate::rules::{each_link_violation, each_narrowing_violation};
use crate::signature::Checker;
use crate::{Device, Error, TrustedRoot};
use licet_common::{Container, Link};

/// Which signatures a walk checks.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Signatures<'r> {
    /// Every link's, the root link's against these trusted roots.
    All(&'r [TrustedRoot]),
    /// Every link's but the root link's (no trusted root at hand: the
    /// issuer checking a parent chain, support tooling without `--trust`).
    ExceptRoot,
    /// None (a candidate chain before its last link is signed).
    None,
}

/// How the signature of one link came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    /// It verifies.
    Valid,
    /// It does not (the problem is reported separately).
    Invalid,
    /// It was not checked (no trusted root for the root link).
    Unchecked,
}

/// What a walk reports.
#[derive(Clone, Copy, Debug)]
pub enum Finding<'a> {
    /// How link `link`'s signature came out.
    Signature {
        /// Link index.
        link: usize,
        /// The outcome.
        check: SignatureCheck,
    },
    /// A problem; [`Error::link`] names the link it is about, if any.
    Problem(Error<'a>),
}

/// What a walk is for: a check with these options.
pub(crate) struct Walk<'r, 'd, 'a> {
    pub signatures: Signatures<'r>,
    /// Check validity at this time; `None`: untimed.
    pub now: Option<u64>,
    /// Check that the chain licenses this device; `None`: no target.
    pub device: Option<&'d Device<'a>>,
}

impl<'a> Walk<'_, '_, 'a> {
    /// Walks `container`, reporting to `report`, which returns false to
    /// stop. Returns true when nothing was reported as a problem. Inlined
    /// into its callers so the panel's path keeps one frame above the
    /// signature check (docs/FOOTPRINT.md).
    #[inline(always)]
    pub(crate) fn run(
        &self,
        container: &Container<'a>,
        checker: &mut Checker<'_, '_, 'a>,
        report: &mut dyn FnMut(Finding<'a>) -> bool,
    ) -> bool {
        let mut clean = true;
        macro_rules! problem {
            ($e:expr) => {{
                clean = false;
                if !report(Finding::Problem($e)) {
                    return false;
                }
            }};
        }
        if let Signatures::All([]) = self.signatures {
            problem!(Error::NoTrustedRoots);
        }
        let mut parent: Option<&Link<'a>> = None;
        // The links so far are the same bytes as a prefix already checked in
        // this call (an evaluation's shared upper links): the untimed rules
        // of the next one need not run again if it was checked too.
        let mut known_prefix = true;
        for (i, link) in container.links().enumerate() {
            let roots = match self.signatures {
                Signatures::All(roots) => Some(roots),
                Signatures::ExceptRoot if parent.is_some() => Some(&[][..]),
                Signatures::ExceptRoot | Signatures::None => None,
            };
            let mut entry = None;
            let check = match roots {
                Some(roots) => match checker.check(i, link, parent, roots) {
                    Ok(e) => {
                        entry = e;
                        SignatureCheck::Valid
                    }
                    Err(e) => {
                        problem!(e);
                        SignatureCheck::Invalid
                    }
                },
                None => SignatureCheck::Unchecked,
            };
            if !report(Finding::Signature { link: i, check }) {
                return false;
            }
            // After the signature check: a memo entry exists only for a link
            // whose signature verified with the key its (same) parent names.
            known_prefix = known_prefix
                && check == SignatureCheck::Valid
                && checker.rules_known(i, link.bytes);
            let (go_on, outside) =
                each_link_violation(i, link, parent, !known_prefix, self.now, &mut |e| {
                    clean = false;
                    report(Finding::Problem(e))
                });
            if outside {
                // Outside its validity: verify it in full when next seen.
                checker.forget(entry);
            }
            if !go_on {
                return false;
            }
            if parent.is_some() && !known_prefix {
                let go_on = each_narrowing_violation(container, i, link, &mut |e| {
                    clean = false;
                    report(Finding::Problem(e))
                });
                if !go_on {
                    return false;
                }
            }
            if clean && !known_prefix {
                checker.rules_passed(i, link.bytes);
            }
            parent = Some(link);
        }
        if let Some(device) = self.device {
            let go_on = target_problems(container, device, &mut |e| {
                clean = false;
                report(Finding::Problem(e))
            });
            if !go_on {
                return false;
            }
        }
        clean
    }
}

/// Reports to `report` (false: stop) each way the chain does not license
/// `device`: the leaf must delegate nothing (a delegation bounds a subtree,
/// it licenses no panel), be for the device's group or an ancestor, and a
/// device binding must name the device. Returns false when stopped. In its
/// own frame, like the narrowing checks: the errors it builds are not on
/// the stack while signatures are checked.
#[inline(never)]
fn target_problems<'a>(
    container: &Container<'a>,
    device: &Device<'a>,
    report: &mut dyn FnMut(Error<'a>) -> bool,
) -> bool {
    let Some(leaf) = container.leaf() else {
        return true;
    };
    let leaf_index = container.len().saturating_sub(1);
    let c = &leaf.claims;
    if c.cnf.is_some()
        && !report(Error::DelegationOnly {
            link: leaf_index,
            subject: c.sub,
        })
    {
        return false;
    }
    if !c.sub.contains(&device.group)
        && !report(Error::WrongGroup {
            licensed: c.sub,
            device: device.group,
        })
    {
        return false;
    }
    let unbound = crate::Grants::new(container, container.len())
        .devices()
        .is_some_and(|devices| !device.device_id.is_some_and(|id| devices.contains(id)));
    !unbound || report(Error::DeviceNotBound)
}

/// Runs `walk` and returns the first problem.
#[inline(always)]
pub(crate) fn first_problem<'a>(
    walk: &Walk<'_, '_, 'a>,
    container: &Container<'a>,
    checker: &mut Checker<'_, '_, 'a>,
) -> Result<(), Error<'a>> {
    let mut first = None;
    walk.run(container, checker, &mut |f| match f {
        Finding::Problem(e) => {
            first = Some(e);
            false
        }
        Finding::Signature { .. } => true,
    });
    first.map_or(Ok(()), Err)
}
