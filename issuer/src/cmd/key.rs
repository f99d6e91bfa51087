//! `licet key generate` and `licet key export`.

use crate::cli::{ExportFormatArg, KeyExportArgs, KeyGenerateArgs};
use crate::error::{CliError, Result};
use crate::files::new_passphrase;
use crate::output::{hex, safe};
use std::io::Write;

pub fn generate(args: &KeyGenerateArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let (secret_path, public_path) = licet_keys::key_paths(&args.out);
    if !args.force {
        for p in [&secret_path, &public_path] {
            if p.exists() {
                return Err(licet_keys::KeyError::Exists { path: p.clone() }.into());
            }
        }
    }
    let pass = if args.unencrypted {
        None
    } else {
        let p = new_passphrase(args.passphrase.passphrase_file.as_deref())?;
        let Some(p) = p else {
            return Err(CliError::usage(
                "no passphrase for the new key",
                "give one with --passphrase-file FILE or LICET_PASSPHRASE, run in a terminal to be asked, or pass --unencrypted",
            ));
        };
        Some(p)
    };
    let key = licet_keys::generate()?;
    let (secret_path, public_path) = licet_keys::write_key_pair(
        &args.out,
        &key,
        pass.as_ref().map(|p| p.as_slice()),
        args.force,
    )?;
    let kid = hex(&licet_keys::kid(key.verifying_key().as_bytes()));
    writeln!(out, "key id {kid}")?;
    writeln!(
        out,
        "secret key  {}{}",
        safe(&secret_path.display().to_string()),
        if pass.is_some() {
            " (encrypted)"
        } else {
            " (NOT encrypted)"
        }
    )?;
    writeln!(
        out,
        "public key  {}",
        safe(&public_path.display().to_string())
    )?;
    let secret = safe(&secret_path.display().to_string());
    let public = safe(&public_path.display().to_string());
    writeln!(
        err,
        "next: a vendor mints a root license with\n  licet issue --key {secret} --subject VENDOR/GROUP --delegate CHILD.pub --out GROUP.lic\n\
         and exports its trust root for firmware with\n  licet key export {public} --format c\n\
         a distributor or dealer sends {public} to its issuer, who mints with --delegate {public}"
    )?;
    Ok(())
}

pub fn export(args: &KeyExportArgs, out: &mut dyn Write) -> Result<()> {
    let key = licet_keys::read_public_key(&args.public_key)?;
    let format = match args.format {
        ExportFormatArg::Hex => licet_keys::ExportFormat::Hex,
        ExportFormatArg::Rust => licet_keys::ExportFormat::Rust,
        ExportFormatArg::C => licet_keys::ExportFormat::C,
    };
    write!(out, "{}", licet_keys::export(&key, format))?;
    Ok(())
}
