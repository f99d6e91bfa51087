//! licet key files.
//!
//! * Secret keys: PKCS#8 PEM (RFC 5958, RFC 8410 for Ed25519), encrypted with
//!   a passphrase by default: PBES2 (RFC 8018) with scrypt (N = 2^14, r = 8,
//!   p = 16: [`SCRYPT_LOG_N`]) and AES-256-CBC, which OpenSSL 3 reads
//!   (`openssl pkey`).
//!   Encrypted keys made by OpenSSL (PBKDF2 or scrypt) are read too; their
//!   KDF parameters are capped before any work ([`MAX_SCRYPT_LOG_N`],
//!   [`MAX_PBKDF2_ITERATIONS`]) so a hostile file cannot make us spin.
//! * Public keys: SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
//! * Files are written whole or not at all: a temporary file in the same
//!   folder, synced, then linked into place (no overwrite unless asked) or
//!   renamed over the old one. Secret key files get mode 0600.
//!
//! Secrets are zeroized: [`ed25519_dalek::SigningKey`] on drop, PEM text and
//! DER buffers through [`zeroize::Zeroizing`].

pub mod fs;

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use pkcs8::der::Decode;
use pkcs8::{EncryptedPrivateKeyInfoRef, LineEnding};
use std::fmt;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

pub use ed25519_dalek;
pub use licet_common::kid::{KID_LEN, kid};

/// Largest scrypt cost accepted in an encrypted key file: N = 2^20.
pub const MAX_SCRYPT_LOG_N: u32 = 20;
/// Largest scrypt block size `r` accepted.
pub const MAX_SCRYPT_R: u16 = 32;
/// Largest scrypt parallelism `p` accepted.
pub const MAX_SCRYPT_P: u16 = 16;
/// Largest scrypt memory (128 · r · N bytes) accepted: 1 GiB.
pub const MAX_SCRYPT_MEMORY: u64 = 1 << 30;
/// Largest PBKDF2 iteration count accepted.
pub const MAX_PBKDF2_ITERATIONS: u32 = 10_000_000;
/// Largest key file read, in bytes.
pub const MAX_KEY_FILE_BYTES: u64 = 16 * 1024;

/// What went wrong with a key or key file. Each message is one line; see
/// [`KeyError::hint`] for what to do.
#[derive(Debug)]
#[non_exhaustive]
pub enum KeyError {
    /// The file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Refused to overwrite an existing file.
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// Not a PEM file, or not the kind of key expected here.
    NotAKey {
        /// The file.
        path: PathBuf,
        /// What was found or expected.
        what: &'static str,
    },
    /// The key is encrypted and no passphrase was available.
    PassphraseRequired {
        /// The file.
        path: PathBuf,
    },
    /// Decryption failed: almost always a wrong passphrase.
    WrongPassphrase {
        /// The file.
        path: PathBuf,
    },
    /// The encryption parameters are unsupported or over the caps.
    UnsupportedEncryption {
        /// The file.
        path: PathBuf,
        /// Details.
        what: String,
    },
    /// The key is not a valid or usable Ed25519 key.
    InvalidKey {
        /// The file.
        path: PathBuf,
    },
    /// The system random generator failed.
    Random,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Self::Exists { path } => write!(f, "{} already exists", path.display()),
            Self::NotAKey { path, what } => write!(f, "{}: {what}", path.display()),
            Self::PassphraseRequired { path } => {
                write!(
                    f,
                    "{} is encrypted and no passphrase was given",
                    path.display()
                )
            }
            Self::WrongPassphrase { path } => {
                write!(
                    f,
                    "{}: wrong passphrase (or a damaged key file)",
                    path.display()
                )
            }
            Self::UnsupportedEncryption { path, what } => {
                write!(f, "{}: unsupported key encryption: {what}", path.display())
            }
            Self::InvalidKey { path } => write!(f, "{}: not a valid Ed25519 key", path.display()),
            Self::Random => f.write_str("the system random number generator failed"),
        }
    }
}

impl std::error::Error for KeyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl KeyError {
    /// One line saying what to do about the error.
    pub fn hint(&self) -> &'static str {
        match self {
            Self::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                "check the path; `licet key generate --out STEM` creates STEM.key and STEM.pub"
            }
            Self::Io { source, .. } if source.kind() == std::io::ErrorKind::PermissionDenied => {
                "check the file's permissions and the folder's"
            }
            Self::Io { .. } => "check the disk (free space, permissions) and try again",
            Self::Exists { .. } => {
                "choose another --out, or pass --force to replace the key (the old key is lost)"
            }
            Self::NotAKey { .. } => {
                "pass a PKCS#8 PEM secret key (STEM.key) or an SPKI PEM public key (STEM.pub) made by `licet key generate` or `openssl genpkey -algorithm ed25519`"
            }
            Self::PassphraseRequired { .. } => {
                "give the passphrase with --passphrase-file FILE or the LICET_PASSPHRASE variable, or run in a terminal to be asked"
            }
            Self::WrongPassphrase { .. } => {
                "check the passphrase (--passphrase-file or LICET_PASSPHRASE) and try again"
            }
            Self::UnsupportedEncryption { .. } => {
                "re-encrypt the key with `openssl pkcs8 -topk8 -v2 aes-256-cbc -scrypt -in OLD -out NEW`"
            }
            Self::InvalidKey { .. } => "generate a new key with `licet key generate`",
            Self::Random => "check that the system's entropy source works (getrandom)",
        }
    }
}

/// Generates a new Ed25519 signing key from the system's random generator.
pub fn generate() -> Result<SigningKey, KeyError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut_slice()).map_err(|_| KeyError::Random)?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The PEM text of a secret key, encrypted when `passphrase` is given.
///
/// Written as PKCS#8 version 1 (RFC 5208: the secret key alone, no embedded
/// public key): OpenSSL 3.0 refuses Ed25519 keys in the version 2 form
/// (RFC 5958 OneAsymmetricKey with the public key), which is what
/// `SigningKey`'s own encoder writes.
pub fn secret_key_pem(
    key: &SigningKey,
    passphrase: Option<&[u8]>,
) -> Result<Zeroizing<String>, KeyError> {
    let pair = ed25519::pkcs8::KeypairBytes {
        secret_key: key.to_bytes(),
        public_key: None,
    };
    match passphrase {
        Some(p) => encrypted_pem(&pair, p),
        None => pair
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|_| KeyError::Random),
    }
}

/// The scrypt cost of a new encrypted key: N = 2^14 and r = 8 (16 MiB, which
/// OpenSSL 3 accepts: it refuses more than 32 MiB by default), p = 16, so a
/// guess costs about as much as rage's (around half a second on a laptop)
/// while `openssl pkey` still reads the file.
pub const SCRYPT_LOG_N: u8 = 14;
/// See [`SCRYPT_LOG_N`].
pub const SCRYPT_R: u32 = 8;
/// See [`SCRYPT_LOG_N`].
pub const SCRYPT_P: u32 = 16;

/// `pair` as encrypted PKCS#8 PEM (PBES2: scrypt at [`SCRYPT_LOG_N`],
/// AES-256-CBC, random salt and IV).
fn encrypted_pem(
    pair: &ed25519::pkcs8::KeypairBytes,
    passphrase: &[u8],
) -> Result<Zeroizing<String>, KeyError> {
    use pkcs8::EncodePrivateKey;
    use pkcs8::pkcs5::pbes2;
    let der = pair.to_pkcs8_der().map_err(|_| KeyError::Random)?;
    let info = pkcs8::PrivateKeyInfoRef::try_from(der.as_bytes()).map_err(|_| KeyError::Random)?;
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|_| KeyError::Random)?;
    getrandom::fill(&mut iv).map_err(|_| KeyError::Random)?;
    let cost = pkcs8::pkcs5::scrypt::Params::new(SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P)
        .map_err(|_| KeyError::Random)?;
    let params = pbes2::Parameters::generate_scrypt_aes256cbc(cost, &salt, iv)
        .map_err(|_| KeyError::Random)?;
    info.encrypt_with_params(params, passphrase)
        .map_err(|_| KeyError::Random)?
        .to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF)
        .map_err(|_| KeyError::Random)
}

/// The PEM text of a public key.
pub fn public_key_pem(key: &VerifyingKey) -> String {
    // Encoding a valid 32-byte key as SPKI cannot fail.
    key.to_public_key_pem(LineEnding::LF).unwrap_or_default()
}

/// The paths `STEM.key` and `STEM.pub`.
pub fn key_paths(stem: &Path) -> (PathBuf, PathBuf) {
    let mut secret = stem.as_os_str().to_owned();
    secret.push(".key");
    let mut public = stem.as_os_str().to_owned();
    public.push(".pub");
    (PathBuf::from(secret), PathBuf::from(public))
}

/// Writes a key pair to `STEM.key` (mode 0600) and `STEM.pub` (mode 0644).
/// Refuses to overwrite either unless `force`; on error, neither file is
/// left half-written, and a new secret key is never left without its public key.
pub fn write_key_pair(
    stem: &Path,
    key: &SigningKey,
    passphrase: Option<&[u8]>,
    force: bool,
) -> Result<(PathBuf, PathBuf), KeyError> {
    let (secret_path, public_path) = key_paths(stem);
    if !force {
        for p in [&secret_path, &public_path] {
            if p.exists() {
                return Err(KeyError::Exists { path: p.clone() });
            }
        }
    }
    let secret = secret_key_pem(key, passphrase)?;
    let public = public_key_pem(&key.verifying_key());
    fs::write_atomic(&public_path, public.as_bytes(), 0o644, force)?;
    if let Err(e) = fs::write_atomic(&secret_path, secret.as_bytes(), 0o600, force) {
        if !force {
            let _ = std::fs::remove_file(&public_path);
        }
        return Err(e);
    }
    Ok((secret_path, public_path))
}

fn read_limited(path: &Path) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    use std::io::Read;
    let io = |source| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut buf = Zeroizing::new(Vec::new());
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(io)?;
    if u64::try_from(buf.len()).unwrap_or(u64::MAX) > MAX_KEY_FILE_BYTES {
        return Err(KeyError::NotAKey {
            path: path.to_owned(),
            what: "file too large for a key",
        });
    }
    Ok(buf)
}

/// True when the secret key file at `path` is encrypted.
pub fn is_encrypted(path: &Path) -> Result<bool, KeyError> {
    let text = read_limited(path)?;
    Ok(pem_label(&text) == Some("ENCRYPTED PRIVATE KEY"))
}

fn pem_label(text: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(text).ok()?;
    let rest = text.trim_start().strip_prefix("-----BEGIN ")?;
    rest.split_once("-----").map(|(label, _)| label)
}

/// Reads a secret key. `passphrase` is asked for only when the file is
/// encrypted; it returns `None` when no passphrase can be had.
pub fn read_secret_key(
    path: &Path,
    passphrase: impl FnOnce() -> Option<Zeroizing<Vec<u8>>>,
) -> Result<SigningKey, KeyError> {
    let text = read_limited(path)?;
    let not_key = |what| KeyError::NotAKey {
        path: path.to_owned(),
        what,
    };
    let label = pem_label(&text).ok_or(not_key("not a PEM file"))?;
    let (_, der) =
        pkcs8::der::pem::decode_vec(&text).map_err(|_| not_key("damaged PEM encoding"))?;
    let der = Zeroizing::new(der);
    match label {
        "PRIVATE KEY" => SigningKey::from_pkcs8_der(&der).map_err(|_| KeyError::InvalidKey {
            path: path.to_owned(),
        }),
        "ENCRYPTED PRIVATE KEY" => {
            let info = EncryptedPrivateKeyInfoRef::from_der(&der)
                .map_err(|_| not_key("damaged encrypted key"))?;
            check_kdf(path, &info)?;
            let pass = passphrase().ok_or_else(|| KeyError::PassphraseRequired {
                path: path.to_owned(),
            })?;
            let plain = info
                .decrypt(pass.as_slice())
                .map_err(|_| KeyError::WrongPassphrase {
                    path: path.to_owned(),
                })?;
            SigningKey::from_pkcs8_der(plain.as_bytes()).map_err(|_| KeyError::WrongPassphrase {
                path: path.to_owned(),
            })
        }
        "PUBLIC KEY" => Err(not_key(
            "this is a public key; a secret key (STEM.key) is needed here",
        )),
        _ => Err(not_key("not a PKCS#8 private key")),
    }
}

/// Caps the key-derivation parameters of an encrypted key before use.
fn check_kdf(path: &Path, info: &EncryptedPrivateKeyInfoRef<'_>) -> Result<(), KeyError> {
    let unsupported = |what: String| KeyError::UnsupportedEncryption {
        path: path.to_owned(),
        what,
    };
    let params = info
        .encryption_algorithm
        .pbes2()
        .ok_or_else(|| unsupported("only PBES2 is supported".into()))?;
    if let Some(s) = params.kdf.scrypt() {
        let n = s.cost_parameter;
        if n < 2 || !n.is_power_of_two() || n.trailing_zeros() > MAX_SCRYPT_LOG_N {
            return Err(unsupported(format!(
                "scrypt N = {n} (must be a power of two up to 2^{MAX_SCRYPT_LOG_N})"
            )));
        }
        if s.block_size == 0
            || s.block_size > MAX_SCRYPT_R
            || s.parallelization == 0
            || s.parallelization > MAX_SCRYPT_P
        {
            return Err(unsupported(format!(
                "scrypt r = {}, p = {}",
                s.block_size, s.parallelization
            )));
        }
        let memory = 128u64
            .saturating_mul(u64::from(s.block_size))
            .saturating_mul(n);
        if memory > MAX_SCRYPT_MEMORY {
            return Err(unsupported(format!(
                "scrypt needs {} MiB (at most 1024)",
                memory >> 20
            )));
        }
    } else if let Some(p) = params.kdf.pbkdf2() {
        if p.iteration_count == 0 || p.iteration_count > MAX_PBKDF2_ITERATIONS {
            return Err(unsupported(format!(
                "PBKDF2 with {} iterations",
                p.iteration_count
            )));
        }
    } else {
        return Err(unsupported("unknown key-derivation function".into()));
    }
    Ok(())
}

/// Reads a public key (SPKI PEM), rejecting invalid and weak keys.
pub fn read_public_key(path: &Path) -> Result<VerifyingKey, KeyError> {
    let text = read_limited(path)?;
    let not_key = |what| KeyError::NotAKey {
        path: path.to_owned(),
        what,
    };
    let text = std::str::from_utf8(&text).map_err(|_| not_key("not a PEM file"))?;
    match pem_label(text.as_bytes()) {
        Some("PUBLIC KEY") => {}
        Some("PRIVATE KEY" | "ENCRYPTED PRIVATE KEY") => {
            return Err(not_key(
                "this is a secret key; pass the public key (STEM.pub)",
            ));
        }
        _ => return Err(not_key("not an SPKI PEM public key")),
    }
    let key = VerifyingKey::from_public_key_pem(text).map_err(|_| KeyError::InvalidKey {
        path: path.to_owned(),
    })?;
    if key.is_weak() {
        return Err(KeyError::InvalidKey {
            path: path.to_owned(),
        });
    }
    Ok(key)
}

/// The text formats of [`export`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// 64 lowercase hex digits.
    Hex,
    /// A Rust constant.
    Rust,
    /// A C array.
    C,
}

/// A public key as a constant to paste into firmware as a trust root.
pub fn export(key: &VerifyingKey, format: ExportFormat) -> String {
    let bytes = key.to_bytes();
    let id = kid(&bytes);
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let list = |b: &[u8], per: usize, indent: &str| {
        b.chunks(per)
            .map(|c| {
                format!(
                    "{indent}{}",
                    c.iter()
                        .map(|x| format!("0x{x:02x},"))
                        .collect::<Vec<_>>()
                        .join(" ")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    match format {
        ExportFormat::Hex => format!("{}\n", hex(&bytes)),
        ExportFormat::Rust => format!(
            "/// licet trust root, key id {}.\npub const LICET_ROOT_KEY: [u8; 32] = [\n{}\n];\n",
            hex(&id),
            list(&bytes, 8, "    ")
        ),
        ExportFormat::C => format!(
            "/* licet trust root, key id {} */\nstatic const unsigned char LICET_ROOT_KEY[32] = {{\n{}\n}};\n",
            hex(&id),
            list(&bytes, 8, "    ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_write_read_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let stem = dir.path().join("root");
        let key = generate().unwrap();
        let (sk, pk) = write_key_pair(&stem, &key, Some(b"pw"), false).unwrap();
        let back = read_secret_key(&sk, || Some(Zeroizing::new(b"pw".to_vec()))).unwrap();
        assert_eq!(back.to_bytes(), key.to_bytes());
        assert_eq!(read_public_key(&pk).unwrap(), key.verifying_key());
        assert!(matches!(
            read_secret_key(&sk, || Some(Zeroizing::new(b"nope".to_vec()))),
            Err(KeyError::WrongPassphrase { .. })
        ));
        assert!(matches!(
            read_secret_key(&sk, || None),
            Err(KeyError::PassphraseRequired { .. })
        ));
        assert!(matches!(
            write_key_pair(&stem, &key, None, false),
            Err(KeyError::Exists { .. })
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&sk).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert_eq!(
                std::fs::metadata(&pk).unwrap().permissions().mode() & 0o777,
                0o644
            );
        }
    }

    #[test]
    fn unencrypted_and_force() {
        let dir = tempfile::tempdir().unwrap();
        let stem = dir.path().join("k");
        let a = generate().unwrap();
        let (sk, _) = write_key_pair(&stem, &a, None, false).unwrap();
        assert_eq!(
            read_secret_key(&sk, || None).unwrap().to_bytes(),
            a.to_bytes()
        );
        let b = generate().unwrap();
        write_key_pair(&stem, &b, None, true).unwrap();
        assert_eq!(
            read_secret_key(&sk, || None).unwrap().to_bytes(),
            b.to_bytes()
        );
    }

    #[test]
    fn fail_wrong_kind_of_file() {
        let dir = tempfile::tempdir().unwrap();
        let stem = dir.path().join("k");
        let (sk, pk) = write_key_pair(&stem, &generate().unwrap(), None, false).unwrap();
        assert!(matches!(
            read_public_key(&sk),
            Err(KeyError::NotAKey { .. })
        ));
        assert!(matches!(
            read_secret_key(&pk, || None),
            Err(KeyError::NotAKey { .. })
        ));
        let junk = dir.path().join("junk");
        std::fs::write(&junk, b"hello").unwrap();
        assert!(matches!(
            read_secret_key(&junk, || None),
            Err(KeyError::NotAKey { .. })
        ));
        let missing = dir.path().join("missing.key");
        assert!(matches!(
            read_secret_key(&missing, || None),
            Err(KeyError::Io { .. })
        ));
    }

    #[test]
    fn export_formats() {
        let key = SigningKey::from_bytes(&[1u8; 32]).verifying_key();
        let hex = export(&key, ExportFormat::Hex);
        assert_eq!(hex.trim().len(), 64);
        assert!(export(&key, ExportFormat::Rust).contains("pub const LICET_ROOT_KEY: [u8; 32]"));
        assert!(
            export(&key, ExportFormat::C).contains("static const unsigned char LICET_ROOT_KEY[32]")
        );
    }
}
