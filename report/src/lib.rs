//! What licet shows of licenses, for people and for tools: `licet inspect`'s
//! report (the verdict line, each link, every problem, the evaluation of
//! several files), the errors with what to do, and every `--json` document
//! as a typed struct.
//!
//! It reads no file, no clock and no ledger: the caller passes in the
//! files' contents, the trust roots, the group, the time and, when it has
//! one, what its ledger records of a serial. So the `licet` CLI, the Python
//! binding and the web inspector (compiled to WebAssembly) print the same
//! report from the same code, and all of it comes from the verifier's one
//! chain walk and evaluation.

pub mod args;
pub mod describe;
pub mod input;
pub mod inspect;
pub mod json;
pub mod roots;
pub mod text;
pub mod time;

pub use input::{Input, Refused, decode_license_bytes};
pub use inspect::{Report, inspect};
pub use roots::{RootKeyError, root_key_bytes};
