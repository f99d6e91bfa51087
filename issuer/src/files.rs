//! Reading and writing license and key files.

use crate::error::{CliError, Result, io_error};
use licet_common::limits::MAX_ARMOR_BYTES;
use licet_verifier::TrustedRoot;
use std::io::Read;
use std::path::Path;
use zeroize::Zeroizing;

/// How a license path is named in messages: `-` is standard input.
pub fn shown_path(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_owned()
    } else {
        crate::output::safe(&path.display().to_string())
    }
}

/// Reads a license file (text armor or binary) and returns the binary bytes;
/// `-` reads standard input. Armor errors are reported here; CBOR errors
/// when decoding.
pub fn read_license(path: &Path) -> Result<Vec<u8>> {
    decode_license_bytes(&read_raw(path)?, &shown_path(path))
}

/// The contents of a license file as they are (at most
/// [`MAX_ARMOR_BYTES`] and one byte); `-` reads standard input.
pub fn read_raw(path: &Path) -> Result<Vec<u8>> {
    let cap = u64::try_from(MAX_ARMOR_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut raw = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(cap)
            .read_to_end(&mut raw)
            .map_err(|e| {
                CliError::usage(
                    format!("cannot read standard input: {e}"),
                    "pipe or paste the license into the command, or pass its file",
                )
            })?;
    } else {
        let file = std::fs::File::open(path).map_err(|e| io_error(path, "read", &e))?;
        file.take(cap)
            .read_to_end(&mut raw)
            .map_err(|e| io_error(path, "read", &e))?;
    }
    Ok(raw)
}

/// Reads the license given to `--parent`: a file that is not a license (a
/// key, a damaged download) is a usage error (exit 2), named for what it
/// is; whether its chain checks is for the caller.
pub fn read_parent(path: &Path) -> Result<Vec<u8>> {
    let shown = crate::output::safe(&path.display().to_string());
    let bytes = read_license(path).map_err(|e| {
        CliError::usage(
            format!("--parent {}", e.message()),
            "--parent takes the license file your issuer minted for you (e.g. dist.lic); your key goes to --key",
        )
    })?;
    licet_common::Container::decode(&bytes).map_err(|e| {
        CliError::usage(
            format!("--parent {shown}: not a valid licet license: {e}"),
            "--parent takes the license file your issuer minted for you (e.g. dist.lic); `licet inspect` shows what is wrong with this one",
        )
    })?;
    Ok(bytes)
}

/// The binary license in the contents of a license file (text armor or
/// binary); `shown` names the file in errors (exit 1).
pub fn decode_license_bytes(raw: &[u8], shown: &str) -> Result<Vec<u8>> {
    licet_report::decode_license_bytes(raw, shown)
        .map_err(|r| CliError::rejected(r.message, r.hint))
}

/// Reads trusted root public keys.
pub fn read_roots(paths: &[std::path::PathBuf]) -> Result<Vec<TrustedRoot>> {
    Ok(read_root_keys(paths)?.1)
}

/// [`read_roots`], with each root's key bytes.
pub fn read_root_keys(paths: &[std::path::PathBuf]) -> Result<(Vec<[u8; 32]>, Vec<TrustedRoot>)> {
    let mut keys = Vec::with_capacity(paths.len());
    let mut roots = Vec::with_capacity(paths.len());
    for p in paths {
        let key = licet_keys::read_public_key(p)?;
        roots.push(TrustedRoot::from_bytes(key.as_bytes()).map_err(|e| {
            CliError::usage(
                format!("{}: {e}", crate::output::safe(&p.display().to_string())),
                "pass the vendor's root public key",
            )
        })?);
        keys.push(key.to_bytes());
    }
    Ok((keys, roots))
}

/// The passphrase for a secret key: --passphrase-file, else LICET_PASSPHRASE,
/// else a prompt without echo when stdin is a terminal.
pub fn passphrase(file: Option<&Path>, prompt: &str) -> Result<Option<Zeroizing<Vec<u8>>>> {
    if let Some(path) = file {
        let text = Zeroizing::new(
            std::fs::read(path).map_err(|e| io_error(path, "read passphrase file", &e))?,
        );
        let line = text.split(|b| *b == b'\n').next().unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return Err(CliError::usage(
                format!(
                    "passphrase file {} is empty",
                    crate::output::safe(&path.display().to_string())
                ),
                "put the passphrase on the file's first line",
            ));
        }
        return Ok(Some(Zeroizing::new(line.to_vec())));
    }
    if let Some(v) = std::env::var_os("LICET_PASSPHRASE") {
        let v = Zeroizing::new(v.into_encoded_bytes());
        if !v.is_empty() {
            return Ok(Some(Zeroizing::new(v.to_vec())));
        }
    }
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password(prompt).map_err(|e| {
            CliError::usage(
                format!("cannot read the passphrase: {e}"),
                "use --passphrase-file FILE or LICET_PASSPHRASE",
            )
        })?;
        return Ok(Some(Zeroizing::new(p.into_bytes())));
    }
    Ok(None)
}

/// The passphrase for a new secret key, from the same sources as
/// [`passphrase`]; on a terminal it is asked twice and must match, and an
/// empty one is refused (`--unencrypted` writes a key without one).
pub fn new_passphrase(file: Option<&Path>) -> Result<Option<Zeroizing<Vec<u8>>>> {
    use std::io::IsTerminal;
    if file.is_some()
        || std::env::var_os("LICET_PASSPHRASE").is_some_and(|v| !v.is_empty())
        || !std::io::stdin().is_terminal()
    {
        return passphrase(file, "");
    }
    let ask = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map(|p| Zeroizing::new(p.into_bytes()))
            .map_err(|e| {
                CliError::usage(
                    format!("cannot read the passphrase: {e}"),
                    "use --passphrase-file FILE or LICET_PASSPHRASE",
                )
            })
    };
    let first = ask("Passphrase for the new key: ")?;
    if first.is_empty() {
        return Err(CliError::usage(
            "an empty passphrase does not protect the key; nothing was written",
            "type a passphrase, or pass --unencrypted to write the key without one",
        ));
    }
    let again = ask("The same passphrase again: ")?;
    if *first != *again {
        return Err(CliError::usage(
            "the two passphrases differ; nothing was written",
            "run the command again and type the same passphrase twice",
        ));
    }
    Ok(Some(first))
}

/// Writes `bytes` to `path` whole or not at all.
pub fn write_output(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    licet_keys::fs::write_atomic(path, bytes, 0o644, force).map_err(|e| match e {
        licet_keys::KeyError::Io { path, source } => io_error(&path, "write", &source),
        other => CliError::from(other),
    })
}
