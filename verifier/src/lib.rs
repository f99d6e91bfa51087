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
//! window, minting time, delegation depth, tier, kind, quotas, features, role
//! grants and device binding. Then the leaf must delegate nothing (a link
//! that gives its holder a key bounds a subtree; it never licenses a panel:
//! [`Error::DelegationOnly`]), it must serve the device's group (its own or
//! an ancestor: licenses cannot move sideways) and, when bound, its id.
//!
//! # Where things live
//!
//! | file | what |
//! |---|---|
//! | `walk.rs` | the one walk over a chain, with its options (panel, explain, untimed, candidate) |
//! | `rules.rs` | the rules of one link: chaining, minting time, validity, narrowing |
//! | `grants.rs` | what a checked chain grants ([`Grants`]) and what a license contributes |
//! | `signature.rs` | who signs a link; the one Ed25519 check |
//! | `verified.rs` | one license: [`UnverifiedLicense`], [`VerifiedLicense`], [`verify`] |
//! | `checks.rs` | the walk for tools: [`check_untimed`], [`check_candidate`], [`explain`] |
//! | `evaluate.rs` | several licenses on a panel: [`evaluate`], [`Evaluation`], [`Builtin`] |
//! | `cache.rs` | the verify-once cache |
//! | `error.rs` | every rejection, and the one list of their codes and numbers |
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
mod checks;
mod device;
mod error;
mod evaluate;
mod grants;
mod rules;
mod signature;
mod slots;
mod verified;
mod walk;

pub use cache::{CACHE_ENTRY_BYTES, VerifyCache};
pub use checks::{check_candidate, check_untimed, explain};
pub use device::{Device, TrustedRoot};
pub use error::Error;
pub use evaluate::{
    Builtin, CLOCK_TOLERANCE, Evaluation, LicenseStatus, MAX_EFFECTIVE_FEATURES,
    MAX_EFFECTIVE_GRANTS, MAX_EFFECTIVE_QUOTAS, MAX_LICENSES, NAME_BYTES, Options, Source,
    add_quota, evaluate, evaluate_with,
};
pub use grants::{ContributedQuotas, ContributedRoles, Contribution, Delegation, Grants};
pub use licet_common::{self as format, DecodeError, Group, Kind, Quota, QuotaName, Tier};
pub use signature::verify_signature;
pub use verified::{
    DEFAULT_REMIND_SECONDS, UnverifiedLicense, VerifiedLicense, dearmor, verify, verify_cached,
};
pub use walk::{Finding, SignatureCheck};
