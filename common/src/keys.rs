//! CBOR labels used by the format, with the specification each comes from.

/// CBOR tag of a COSE_Sign1 message (RFC 9052 §2, §4.2).
pub const TAG_COSE_SIGN1: u64 = 18;
/// COSE header parameter `alg` (RFC 9052 §3.1).
pub const HEADER_ALG: i64 = 1;
/// COSE header parameter `kid` (RFC 9052 §3.1).
pub const HEADER_KID: i64 = 4;
/// COSE algorithm EdDSA (RFC 9053 §2.2).
pub const ALG_EDDSA: i64 = -8;
/// Context string of a COSE_Sign1 Sig_structure (RFC 9052 §4.4).
pub const SIG_CONTEXT_SIGN1: &str = "Signature1";

/// CWT claim `iss`, the issuing group (RFC 8392 §3.1.1).
pub const CLAIM_ISS: i64 = 1;
/// CWT claim `sub`, the licensed group (RFC 8392 §3.1.2).
pub const CLAIM_SUB: i64 = 2;
/// CWT claim `exp` (RFC 8392 §3.1.4); absent means no end date.
pub const CLAIM_EXP: i64 = 4;
/// CWT claim `nbf` (RFC 8392 §3.1.5).
pub const CLAIM_NBF: i64 = 5;
/// CWT claim `iat` (RFC 8392 §3.1.6).
pub const CLAIM_IAT: i64 = 6;
/// CWT claim `cti`, the link's serial (RFC 8392 §3.1.7).
pub const CLAIM_CTI: i64 = 7;
/// CWT claim `cnf`, proof-of-possession key (RFC 8747 §3.1).
pub const CLAIM_CNF: i64 = 8;
/// licet's claims, nested in one map under a private-use claim key
/// (RFC 8392 §9.1: integers below -65536 are private use), so they can never
/// collide with the IANA CWT registry.
pub const CLAIM_LICET: i64 = -65537;

/// `cnf` member `COSE_Key` (RFC 8747 §3.2).
pub const CNF_COSE_KEY: i64 = 1;
/// COSE_Key parameter `kty` (RFC 9052 §7.1).
pub const COSE_KEY_KTY: i64 = 1;
/// COSE_Key type OKP (RFC 9053 §7.2).
pub const KTY_OKP: i64 = 1;
/// OKP parameter `crv` (RFC 9053 §7.2).
pub const OKP_CRV: i64 = -1;
/// Curve Ed25519 (RFC 9053 §7.1).
pub const CRV_ED25519: i64 = 6;
/// OKP parameter `x`, the public key (RFC 9053 §7.2).
pub const OKP_X: i64 = -2;

/// licet claim: serial of the parent link (absent on the root link).
pub const LICET_PARENT: u64 = 1;
/// licet claim: tier (see [`crate::Tier`]).
pub const LICET_TIER: u64 = 2;
/// licet claim: kind, 0 license (default, omitted) or 1 add-on.
pub const LICET_KIND: u64 = 3;
/// licet claim: quotas, a map of name to count or `null` (unlimited).
pub const LICET_QUOTAS: u64 = 4;
/// licet claim: features, a sorted array of names.
pub const LICET_FEATURES: u64 = 5;
/// licet claim: role grants, a map of role name to a sorted array of features.
pub const LICET_ROLES: u64 = 6;
/// licet claim: remaining delegation depth (absent = 0).
pub const LICET_DEPTH: u64 = 7;
/// licet claim: device binding, a sorted array of device ids.
pub const LICET_DEVICES: u64 = 8;
/// licet claim: reminder window in seconds before `exp`.
pub const LICET_REMIND: u64 = 9;

/// Container version this crate reads and writes.
pub const CONTAINER_VERSION: u64 = 1;
