//! License files as a report takes them: a name and the contents, text
//! armor or binary.

use licet_common::limits::MAX_LICENSE_BYTES;
use licet_verifier::dearmor;

/// Why an input was refused, for people: one line of what is wrong, one of
/// what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub message: String,
    pub hint: String,
}

impl Refused {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// One line of what is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// One line of what to do.
    pub fn hint(&self) -> &str {
        &self.hint
    }
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One license file as given: how it is named in the report, and its binary
/// license, or why its contents are not one (a damaged paste, a key, text
/// without a license).
#[derive(Debug)]
pub struct Input {
    pub name: String,
    pub bytes: Result<Vec<u8>, Refused>,
}

impl Input {
    /// The input named `name` (shown through [`crate::text::safe`]) with
    /// the contents `raw` of its file.
    pub fn new(name: &str, raw: &[u8]) -> Self {
        let name = crate::text::safe(name);
        let bytes = decode_license_bytes(raw, &name);
        Self { name, bytes }
    }
}

/// The binary license in the contents of a license file (text armor or
/// binary); `shown` names the file in the message. The armor's problems
/// (a cut paste, a key, two licenses) come with what to do; whether the
/// bytes decode as a license is for the caller's decoding.
pub fn decode_license_bytes(raw: &[u8], shown: &str) -> Result<Vec<u8>, Refused> {
    use licet_common::DecodeErrorKind;
    let mut buf = [0u8; MAX_LICENSE_BYTES];
    let bytes = dearmor(raw, &mut buf).map_err(|e| match e {
        licet_verifier::Error::Decode(d) => match d.kind {
            DecodeErrorKind::Armor { problem } => {
                Refused::new(format!("{shown}: {d}"), problem.hint())
            }
            _ => Refused::new(
                format!("{shown}: {}", d.kind),
                "this is not a licet license, or it is damaged; ask its issuer for a fresh copy",
            ),
        },
        other => Refused::new(
            format!("{shown}: {other}"),
            "the file is damaged or not a licet license; ask its issuer for a fresh copy",
        ),
    })?;
    Ok(bytes.to_vec())
}
