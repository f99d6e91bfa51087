//! Every `--json` document licet prints, as typed structs (docs/CLI.md,
//! `"version": 2`). The commands fill these and serialize them; the tests
//! deserialize what the binary printed back into the same types, which deny
//! unknown fields, so a document and its type cannot drift apart.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// The JSON output format version.
pub const VERSION: u64 = 2;

/// A quota value: a count or `"unlimited"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaValue {
    Count(u64),
    Unlimited,
}

impl From<licet_common::Quota> for QuotaValue {
    fn from(q: licet_common::Quota) -> Self {
        match q {
            licet_common::Quota::Count(n) => Self::Count(u64::from(n)),
            licet_common::Quota::Unlimited => Self::Unlimited,
        }
    }
}

impl From<Option<u32>> for QuotaValue {
    /// A recorded value: `None` is unlimited.
    fn from(v: Option<u32>) -> Self {
        v.map_or(Self::Unlimited, |n| Self::Count(u64::from(n)))
    }
}

impl std::fmt::Display for QuotaValue {
    /// A count, or `unlimited` (as in CSV cells and text).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Count(n) => write!(f, "{n}"),
            Self::Unlimited => f.write_str("unlimited"),
        }
    }
}

impl Serialize for QuotaValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Count(n) => s.serialize_u64(*n),
            Self::Unlimited => s.serialize_str("unlimited"),
        }
    }
}

impl<'de> Deserialize<'de> for QuotaValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n
                .as_u64()
                .map(Self::Count)
                .ok_or_else(|| D::Error::custom("a quota count is a whole number")),
            serde_json::Value::String(s) if s == "unlimited" => Ok(Self::Unlimited),
            other => Err(D::Error::custom(format!(
                "a quota is a count or \"unlimited\", not {other}"
            ))),
        }
    }
}

/// What supplies an effective value: a file's index, or `"builtin"` (the
/// panel's built-in Basic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceRef {
    File(usize),
    Builtin,
}

impl Serialize for SourceRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::File(i) => s.serialize_u64(u64::try_from(*i).unwrap_or(u64::MAX)),
            Self::Builtin => s.serialize_str("builtin"),
        }
    }
}

impl<'de> Deserialize<'de> for SourceRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .map(Self::File)
                .ok_or_else(|| D::Error::custom("a file index is a whole number")),
            serde_json::Value::String(s) if s == "builtin" => Ok(Self::Builtin),
            other => Err(D::Error::custom(format!(
                "a source is a file index or \"builtin\", not {other}"
            ))),
        }
    }
}

/// Every error, in every document: a verifier code (`expired`, `decode`,
/// …) or a CLI class (`usage`, `io`, `rejected`), what happened, what to
/// do, and the link and byte offset when it is about one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorObject {
    pub code: String,
    pub message: String,
    pub hint: String,
    pub link: Option<usize>,
    pub offset: Option<usize>,
}

/// What a command that stopped prints with `--json` (exit 1 or 2).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDoc {
    pub version: u64,
    pub error: ErrorObject,
}

/// `licet verify --json`, and `inspect --json`'s `evaluation`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyDoc {
    pub version: u64,
    pub valid: bool,
    pub at: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_rollback: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<u64>,
    pub licenses: Vec<VerifyLicense>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Effective>,
    /// Only when the set could not be evaluated at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
}

impl VerifyDoc {
    /// The document of a set that could not be evaluated at all.
    pub fn unevaluated(at: u64, error: ErrorObject) -> Self {
        Self {
            version: VERSION,
            valid: false,
            at,
            requested_at: None,
            clock_rollback: None,
            group: None,
            floor: None,
            licenses: Vec::new(),
            effective: None,
            error: Some(error),
        }
    }
}

/// One file of the set, and what it is on its own.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyLicense {
    pub index: usize,
    pub file: String,
    pub valid: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<Entitlements>,
}

/// A valid license on its own: its effective values along its chain.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entitlements {
    pub serial: String,
    pub group: String,
    pub tier: String,
    pub kind: String,
    pub nbf: u64,
    pub exp: Option<u64>,
    pub remind: u64,
    pub expiry_warning: bool,
    pub quotas: BTreeMap<String, QuotaValue>,
    pub features: Vec<String>,
    pub roles: BTreeMap<String, Vec<String>>,
    pub devices: Option<Vec<String>>,
    pub chain: Vec<ChainLink>,
}

/// A link of a license's chain, root first.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainLink {
    pub serial: String,
    pub sub: String,
}

/// What the device may do with all its licenses.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effective {
    pub base: SourceRef,
    pub addons: Vec<usize>,
    pub tier: Option<String>,
    pub quotas: BTreeMap<String, EffectiveQuota>,
    pub features: BTreeMap<String, SourceRef>,
    pub roles: BTreeMap<String, BTreeMap<String, SourceRef>>,
    pub next_change: Option<NextChange>,
    pub warning: bool,
}

/// A quota in effect and what each license adds to it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EffectiveQuota {
    pub value: QuotaValue,
    pub sources: Vec<QuotaSource>,
}

/// One license's part of a quota in effect.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaSource {
    pub license: SourceRef,
    pub value: QuotaValue,
}

/// When the evaluation changes next, and which file causes it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextChange {
    pub at: u64,
    pub license: usize,
}

/// `licet inspect --json`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectDoc {
    pub version: u64,
    pub at: u64,
    pub valid: bool,
    pub files: Vec<InspectFile>,
    pub evaluation: Option<VerifyDoc>,
}

/// One inspected file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectFile {
    pub file: String,
    /// The first line of the text report, to read to a customer.
    pub verdict: String,
    pub decoded: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_checked: Option<bool>,
    pub valid: bool,
    /// Why the file could not be decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorObject>,
    pub links: Vec<InspectLink>,
    /// Problems about the license as a whole (its group, its device, a
    /// delegating leaf).
    pub problems: Vec<ErrorObject>,
}

/// One link as it states itself, with what inspect found.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectLink {
    pub index: usize,
    pub offset: usize,
    pub kid: String,
    pub serial: String,
    pub parent: Option<String>,
    pub iss: String,
    pub sub: String,
    pub tier: String,
    pub kind: String,
    pub nbf: u64,
    pub exp: Option<u64>,
    pub iat: u64,
    pub quotas: BTreeMap<String, QuotaValue>,
    pub features: Option<Vec<String>>,
    pub roles: BTreeMap<String, Vec<String>>,
    pub devices: Option<Vec<String>>,
    pub delegate_kid: Option<String>,
    pub depth: u64,
    pub remind: Option<u64>,
    pub signature: String,
    pub problems: Vec<ErrorObject>,
    /// What the ledger records about the link, when a ledger is open and
    /// records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger: Option<Listed>,
}

/// A recorded license (`ledger list`, `usage`'s `under`, inspect's `ledger`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listed {
    pub serial: String,
    pub parent: Option<String>,
    pub issuer: String,
    pub subject: String,
    pub tier: String,
    pub kind: String,
    pub delegates: bool,
    pub nbf: u64,
    pub exp: Option<u64>,
    /// `active`, `expired`, `not yet valid` or `revoked`.
    pub status: String,
    pub kid: String,
    pub quotas: BTreeMap<String, QuotaValue>,
    pub contact: Option<String>,
    pub plan: Option<String>,
    /// `issued` or `imported`.
    pub origin: String,
    pub minted_at: u64,
    pub file: Option<String>,
    pub revoked_at: Option<u64>,
    pub revoke_reason: Option<String>,
    pub children: u64,
}

/// `licet ledger list --json`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListDoc {
    pub version: u64,
    pub at: u64,
    pub licenses: Vec<Listed>,
}

/// `licet usage --json`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageDoc {
    pub version: u64,
    pub group: String,
    pub at: u64,
    pub licenses: Vec<UsageLicense>,
}

/// One license the group holds, what its children take, and who they are.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageLicense {
    pub serial: String,
    pub tier: String,
    pub kind: String,
    pub nbf: u64,
    pub exp: Option<u64>,
    pub contact: Option<String>,
    pub children: u64,
    pub quotas: Vec<UsageQuota>,
    pub under: Vec<Listed>,
}

/// One quota of a held license: limit, peak allocation, what remains
/// (`None`: unlimited).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageQuota {
    pub name: String,
    pub limit: Option<u64>,
    pub allocated: Option<u64>,
    pub remaining: Option<u64>,
    pub over_allocated: bool,
    /// Who holds it, when it is over-allocated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holders: Option<Vec<Holder>>,
}

/// A license holding part of an over-allocated quota.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holder {
    pub serial: String,
    pub subject: String,
    /// `None`: unlimited.
    pub value: Option<u32>,
    pub kind: String,
    pub delegates: bool,
}

/// `licet remind --json`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemindDoc {
    pub version: u64,
    pub at: u64,
    /// Whether the reminders were recorded (not with `--dry-run` or `--at`).
    pub recorded: bool,
    pub reminders: Vec<Reminder>,
}

/// One reminder due.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reminder {
    pub serial: String,
    pub group: String,
    pub contact: Option<String>,
    pub tier: String,
    pub kind: String,
    pub exp: u64,
    pub days_left: u64,
}

/// `licet issue --json`: what was minted and written.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueDoc {
    pub version: u64,
    pub serial: String,
    pub parent: Option<String>,
    pub issuer: String,
    pub subject: String,
    pub tier: String,
    pub kind: String,
    pub delegates: bool,
    pub nbf: u64,
    pub exp: Option<u64>,
    pub links: usize,
    pub file: String,
    /// `text` or `binary`.
    pub format: String,
    pub bytes: usize,
    /// SHA-256 of the file as written, in hex.
    pub sha256: String,
}

/// A document as its one line of JSON (for tests and fuzzing).
pub fn to_string<T: Serialize>(doc: &T) -> String {
    serde_json::to_string(doc).unwrap_or_default()
}

/// Reads a document back, refusing any field its type does not know.
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    serde_json::from_str(text)
}
