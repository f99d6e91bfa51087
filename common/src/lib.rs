//! The licet license format, version 1.
//!
//! A licet license is a chain of COSE_Sign1 links (RFC 9052 §4.2, EdDSA over
//! Ed25519) whose payloads are CWT claims sets (RFC 8392), root-most link
//! first, packed in a small versioned CBOR container. `docs/FORMAT.md` in the
//! repository specifies every byte; this crate is that specification in code:
//!
//! * [`limits`] and [`keys`]: every cap and every CBOR label the format uses;
//! * [`cbor::Cursor`]: the one reader every decode goes through. It rejects
//!   non-canonical encodings (RFC 8949 §4.2.1), indefinite lengths, unsorted or
//!   duplicate map keys, and reads past the end, without an allocator;
//! * [`link`] and [`container`]: zero-copy views of a link, its claims and the
//!   whole file;
//! * [`armor`]: the `-----BEGIN LICET LICENSE-----` text form;
//! * [`group`]: hierarchical group ids (`acme/dist-7/dealer-3`);
//! * [`kid`]: the key id derivation (RFC 9679 thumbprint, truncated).
//!
//! Decoding here checks *form* only. Signatures, the chain and every rule are
//! checked by `licet-verifier`, which is the only crate that can say a license
//! is valid.
//!
//! | feature | what it adds |
//! |---|---|
//! | `alloc` | [`encode`]: building claims, links and containers (issuer side) |
//!
//! ```
//! use licet_common::group::Group;
//! let building = Group::parse("acme/dist-7/dealer-3/complex-12/bldg-2").unwrap();
//! let complex = Group::parse("acme/dist-7/dealer-3/complex-12").unwrap();
//! assert!(complex.contains(&building));
//! assert!(!Group::parse("acme/dist-7/dealer-3/complex-1").unwrap().contains(&building));
//! ```
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
        clippy::panic,
        clippy::as_conversions
    )
)]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod armor;
pub mod cbor;
pub mod claims;
pub mod container;
pub mod error;
pub mod group;
pub mod keys;
pub mod kid;
pub mod limits;
pub mod link;

#[cfg(feature = "alloc")]
pub mod encode;

pub use claims::{Claims, Kind, Quota, QuotaName, Tier};
pub use container::Container;
pub use error::{DecodeError, DecodeErrorKind};
pub use group::Group;
pub use link::Link;
