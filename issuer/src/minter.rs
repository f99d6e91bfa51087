//! The signer of a mint: its key, read from its file, and its parent chain,
//! checked against the trusted roots and the ledger (revoked, expired).
//! Used by `licet issue` and by batches.

use crate::cli::IssueArgs;
use crate::error::{CliError, Result};
use crate::files::passphrase;
use crate::output::{hex, safe};
use licet_common::limits::MAX_LINKS;
use licet_common::{Container, Quota};
use licet_verifier::{check_candidate, check_untimed};
use std::collections::BTreeMap;

fn usage(msg: impl Into<String>, hint: &str) -> CliError {
    CliError::usage(msg, hint)
}

/// Everything a mint needs besides the request: the key, the parent, now.
pub(crate) struct Minter<'p> {
    pub key: ed25519_dalek::SigningKey,
    pub parent: Option<Container<'p>>,
    /// Root keys given to `--trust` (recorded once the license is).
    pub trusted: Vec<[u8; 32]>,
}

impl<'p> Minter<'p> {
    /// Reads the key and checks the parent chain: every signature, the root
    /// link's against `--trust` or the roots the ledger records; not revoked
    /// in the ledger, not expired at `now`.
    pub(crate) fn new(
        args: &IssueArgs,
        parent_bytes: Option<&'p [u8]>,
        ledger: &crate::ledger::Ledger,
        now: u64,
    ) -> Result<Self> {
        let parent = match parent_bytes {
            Some(b) => Some(Container::decode(b).map_err(|e| {
                CliError::rejected(
                    format!("--parent: not a valid licet license: {e}"),
                    "run `licet inspect` on it to see what is wrong",
                )
            })?),
            None => None,
        };
        let (trusted, _) = crate::files::read_root_keys(&args.trust)?;
        if let Some(p) = &parent {
            let recorded = crate::ledger::roots(ledger.store())
                .map_err(ledger_err(ledger, "read the trusted roots"))?;
            let roots = trusted
                .iter()
                .chain(&recorded)
                .map(|k| licet_verifier::TrustedRoot::from_bytes(k))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| {
                    usage(
                        format!("a trusted root: {e}"),
                        "pass the vendor's root public key",
                    )
                })?;
            check_parent_chain(p, &roots, ledger, now)?;
        }
        let key_path = &args.key;
        let key = licet_keys::read_secret_key(key_path, || {
            passphrase(
                args.passphrase.passphrase_file.as_deref(),
                "Passphrase for the signing key: ",
            )
            .ok()
            .flatten()
        })?;
        let signer_public = key.verifying_key().to_bytes();
        if let Some(leaf) = parent.as_ref().and_then(|p| p.leaf()) {
            match leaf.claims.cnf {
                None => {
                    return Err(CliError::rejected(
                        format!(
                            "the parent license ({}) does not delegate: its holder may not mint",
                            leaf.claims.sub
                        ),
                        "ask your issuer for a license minted with --delegate YOUR.pub",
                    ));
                }
                Some(cnf) if cnf != &signer_public => {
                    return Err(usage(
                        format!(
                            "{} (key id {}) is not the key the parent license delegates to (key id {})",
                            safe(&key_path.display().to_string()),
                            hex(&licet_keys::kid(&signer_public)),
                            hex(&licet_keys::kid(cnf))
                        ),
                        "sign with the secret key whose public key was given to --delegate when the parent was minted",
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(Self {
            key,
            parent,
            trusted,
        })
    }

    /// Records in the ledger the root given to `--trust` that signed the
    /// parent chain (a key that checked nothing is not recorded: a mistaken
    /// `--trust` must not become a root for later runs), and for a root
    /// license the root key it was signed with.
    pub(crate) fn record_roots(
        &self,
        tx: crate::ledger::Store<'_>,
        now: u64,
    ) -> rusqlite::Result<()> {
        let root_kid = self.parent.as_ref().and_then(|p| p.link(0)).map(|l| l.kid);
        let signed: Vec<[u8; 32]> = self
            .trusted
            .iter()
            .filter(|k| root_kid == Some(&licet_keys::kid(k)))
            .copied()
            .collect();
        crate::ledger::add_roots(tx, &signed, "--trust", now)?;
        if self.parent.is_none() {
            let own = self.key.verifying_key().to_bytes();
            crate::ledger::add_roots(tx, &[own], "root license", now)?;
        }
        Ok(())
    }

    /// What the parent chain grants. Its signatures were checked when the
    /// minter was made ([`check_parent_chain`]); this runs the rules only.
    pub(crate) fn parent_grants(&self) -> Result<Option<licet_verifier::Grants<'_, 'p>>> {
        self.parent
            .as_ref()
            .map(|p| check_candidate(p).map_err(|e| not_a_chain(&e)))
            .transpose()
    }

    pub(crate) fn parent_leaf(&self) -> Option<licet_common::Claims<'p>> {
        self.parent
            .as_ref()
            .and_then(|p| p.leaf())
            .map(|l| l.claims)
    }
}

pub(crate) fn ledger_err(
    l: &crate::ledger::Ledger,
    action: &str,
) -> impl Fn(rusqlite::Error) -> CliError + use<> {
    let path = l.path.clone();
    let action = action.to_owned();
    move |e| crate::ledger::db_error(&path, &action, &e)
}

/// The refusal of an over-allocation; `context` says what was refused
/// (`refused` for one license, the batch and how far it got for a batch).
pub(crate) fn over_allocation(
    context: &str,
    o: &crate::ledger::OverAllocation,
    stated: &BTreeMap<String, Quota>,
) -> CliError {
    let inherited = if stated.contains_key(&o.quota) {
        String::new()
    } else {
        format!(
            " (the new license does not state {0}, so it would hold the parent's whole {1}: give --quota {0}=N to share it)",
            o.quota, o.limit
        )
    };
    CliError::rejected(
        format!("{context}: over-allocation: {}{inherited}", o.message()),
        "the parent's children may not hold more than the parent at any time: lower the value, revoke unused licenses (`licet revoke`), or ask your issuer for more",
    )
}

/// Checks the parent chain: every link signed (the root link by one of
/// `roots`), chained and narrowing; its license not revoked in the ledger
/// and not expired at `now`.
fn check_parent_chain(
    p: &Container<'_>,
    roots: &[licet_verifier::TrustedRoot],
    ledger: &crate::ledger::Ledger,
    now: u64,
) -> Result<()> {
    if roots.is_empty() {
        return Err(usage(
            "cannot check who signed the root of --parent: no trusted root",
            "pass the vendor's root public key once with --trust ROOT.pub (the ledger records it for later runs)",
        ));
    }
    check_untimed(p, Some(roots)).map_err(|e| not_a_chain(&e))?;
    let leaf = p.last();
    if let Some((at, reason)) = crate::ledger::revocation(ledger.store(), leaf.claims.serial)
        .map_err(ledger_err(ledger, "look up the parent"))?
    {
        return Err(CliError::rejected(
            format!(
                "the parent license {} ({}) was revoked in this ledger at {}: {}",
                hex(leaf.claims.serial),
                leaf.claims.sub,
                crate::time::format_time(at),
                safe(&reason)
            ),
            "nothing may be minted under a revoked license: mint under its replacement",
        ));
    }
    if let Some(exp) = p.links().filter_map(|l| l.claims.exp).min()
        && exp <= now
    {
        return Err(CliError::rejected(
            format!(
                "the parent chain expired at {}",
                crate::time::format_time(exp)
            ),
            "ask your issuer for a renewed license to mint under",
        ));
    }
    if p.len() >= MAX_LINKS {
        return Err(CliError::rejected(
            format!("the parent chain already has {MAX_LINKS} links, the most a chain may have"),
            "mint from a license higher up the chain",
        ));
    }
    Ok(())
}

/// The refusal of a parent chain that does not check.
fn not_a_chain(e: &licet_verifier::Error<'_>) -> CliError {
    CliError::rejected(
        format!("--parent is not a valid chain: {e}"),
        "run `licet inspect` on it; ask its issuer for a fresh copy",
    )
}
