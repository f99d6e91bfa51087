//! Trust roots as people and bindings hand them over.

use base64ct::{Base64, Encoding};
use ed25519_dalek::VerifyingKey;

/// The DER of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4) before its 32
/// key bytes: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING }. Every
/// Ed25519 `.pub` file is these 12 bytes and the key.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// The key in a `-----BEGIN PUBLIC KEY-----` block (RFC 7468 §13).
fn spki_pem_key(text: &str) -> Option<[u8; 32]> {
    let (_, rest) = text.split_once("-----BEGIN PUBLIC KEY-----")?;
    let (body, _) = rest.split_once("-----END PUBLIC KEY-----")?;
    let body: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut der = [0u8; 44];
    let der = Base64::decode(&body, &mut der).ok()?;
    let key = der.strip_prefix(&SPKI_PREFIX[..])?;
    <[u8; 32]>::try_from(key).ok()
}

/// Why bytes given as a trusted root are not one ([`root_key_bytes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKeyError {
    /// A secret key was given where its public key belongs.
    SecretKey,
    /// Not an Ed25519 public key in any of the accepted forms, or a weak one.
    NotAKey,
    /// A firmware constant whose key-id comment names another key: the
    /// bytes were edited or the comment belongs to another constant.
    KeyIdMismatch,
}

impl RootKeyError {
    /// One line of what is wrong.
    pub fn message(self) -> &'static str {
        match self {
            Self::SecretKey => "this is a secret key, not a root public key",
            Self::NotAKey => {
                "not an Ed25519 public key (SPKI PEM, 64 hex digits, a firmware constant or 32 bytes)"
            }
            Self::KeyIdMismatch => {
                "the constant's bytes are not the key its comment names (key id differs)"
            }
        }
    }

    /// What to do.
    pub fn hint(self) -> &'static str {
        match self {
            Self::SecretKey => {
                "pass the vendor's public key (VENDOR.pub); keep the secret key private"
            }
            Self::NotAKey => "pass the vendor's root public key: the text of VENDOR.pub",
            Self::KeyIdMismatch => {
                "copy the constant again from `licet key export`, or pass the text of VENDOR.pub"
            }
        }
    }
}

impl std::fmt::Display for RootKeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

/// The 32 bytes of a `0x..`-list constant (`licet key export --format rust`
/// or `c`), with the key id its comment names, if any.
fn constant_bytes(text: &str) -> Option<([u8; 32], Option<&str>)> {
    let mut bytes = Vec::with_capacity(32);
    for token in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        if let Some(digits) = token.strip_prefix("0x").or(token.strip_prefix("0X")) {
            if digits.is_empty() || digits.len() > 2 {
                return None;
            }
            bytes.push(u8::from_str_radix(digits, 16).ok()?);
        }
    }
    let bytes = <[u8; 32]>::try_from(bytes.as_slice()).ok()?;
    let named = text.split_once("key id ").and_then(|(_, rest)| {
        let end = rest
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(rest.len());
        rest.get(..end).filter(|id| !id.is_empty())
    });
    Some((bytes, named))
}

/// A trusted root key's 32 bytes from what a binding, a tool or a person
/// is given: the text of a `.pub` file (SPKI PEM), 64 hex digits, the
/// firmware constant `licet key export` prints (Rust or C, with its key-id
/// comment checked against the bytes) or the raw 32 bytes. Weak keys are
/// refused.
pub fn root_key_bytes(data: &[u8]) -> Result<[u8; 32], RootKeyError> {
    let text = String::from_utf8_lossy(data);
    let t = text.trim();
    let key = if let Ok(raw) = <[u8; 32]>::try_from(data) {
        VerifyingKey::from_bytes(&raw).ok()
    } else if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        let bytes: Vec<u8> = (0..32)
            .filter_map(|i| u8::from_str_radix(t.get(2 * i..2 * i + 2)?, 16).ok())
            .collect();
        <[u8; 32]>::try_from(bytes.as_slice())
            .ok()
            .and_then(|b| VerifyingKey::from_bytes(&b).ok())
    } else if t.contains("PRIVATE KEY-----") {
        return Err(RootKeyError::SecretKey);
    } else if t.contains("-----BEGIN") {
        spki_pem_key(t).and_then(|k| VerifyingKey::from_bytes(&k).ok())
    } else if let Some((bytes, named)) = constant_bytes(t) {
        if let Some(id) = named {
            let kid = crate::text::hex(&licet_common::kid::kid(&bytes));
            if !id.eq_ignore_ascii_case(&kid) {
                return Err(RootKeyError::KeyIdMismatch);
            }
        }
        VerifyingKey::from_bytes(&bytes).ok()
    } else {
        None
    };
    key.filter(|k| !k.is_weak())
        .map(|k| k.to_bytes())
        .ok_or(RootKeyError::NotAKey)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn key() -> VerifyingKey {
        SigningKey::from_bytes(&[7u8; 32]).verifying_key()
    }

    #[test]
    fn every_form_of_a_root_key_reads_to_the_same_bytes() {
        let k = key();
        let want = k.to_bytes();
        let pem = licet_keys::public_key_pem(&k);
        let hex = licet_keys::export(&k, licet_keys::ExportFormat::Hex);
        let rust = licet_keys::export(&k, licet_keys::ExportFormat::Rust);
        let c = licet_keys::export(&k, licet_keys::ExportFormat::C);
        for form in [
            pem.as_bytes(),
            hex.as_bytes(),
            rust.as_bytes(),
            c.as_bytes(),
            &want[..],
        ] {
            assert_eq!(
                root_key_bytes(form),
                Ok(want),
                "{}",
                String::from_utf8_lossy(form)
            );
        }
        // As pasted: indented, CRLF, only the array's body.
        let body: String = rust
            .lines()
            .filter(|l| l.contains("0x"))
            .map(|l| format!("  {l}\r\n"))
            .collect();
        assert_eq!(root_key_bytes(body.as_bytes()), Ok(want));
        // The .pub file as mailed: CRLF, text around it.
        let mailed = format!(
            "The vendor's key:\r\n{}\r\nThanks",
            pem.replace('\n', "\r\n")
        );
        assert_eq!(root_key_bytes(mailed.as_bytes()), Ok(want));
    }

    #[test]
    fn a_public_key_of_another_algorithm_is_not_a_root() {
        use base64ct::{Base64, Encoding};
        // The same 32 bytes under X25519's OID (1.3.101.110), not Ed25519's.
        let mut der = vec![
            0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00,
        ];
        der.extend_from_slice(&key().to_bytes());
        let pem = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            Base64::encode_string(&der)
        );
        assert_eq!(root_key_bytes(pem.as_bytes()), Err(RootKeyError::NotAKey));
    }

    #[test]
    fn a_constant_whose_comment_names_another_key_is_refused() {
        let rust = licet_keys::export(&key(), licet_keys::ExportFormat::Rust);
        // One hex digit of the first byte changed, the comment kept.
        let first = rust.find("0x").unwrap();
        let mut edited_bytes = rust.clone().into_bytes();
        edited_bytes[first + 2] = if edited_bytes[first + 2] == b'0' {
            b'1'
        } else {
            b'0'
        };
        assert_eq!(
            root_key_bytes(&edited_bytes),
            Err(RootKeyError::KeyIdMismatch)
        );
    }

    #[test]
    fn what_is_not_a_root_key_says_what_it_is() {
        assert_eq!(
            root_key_bytes(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
            Err(RootKeyError::SecretKey)
        );
        for bad in [&b""[..], b"hello", b"0x01, 0x02", &[0u8; 31][..]] {
            assert_eq!(root_key_bytes(bad), Err(RootKeyError::NotAKey));
        }
        // The identity point is a weak key, in every form.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(root_key_bytes(&identity), Err(RootKeyError::NotAKey));
        let list: Vec<String> = identity.iter().map(|b| format!("0x{b:02x}")).collect();
        assert_eq!(
            root_key_bytes(list.join(", ").as_bytes()),
            Err(RootKeyError::NotAKey)
        );
    }
}
