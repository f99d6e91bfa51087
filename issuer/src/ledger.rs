//! The issuer's ledger: every license minted or imported, in SQLite.
//!
//! A panel sees one chain, never its siblings, so "a dealer cannot hand out
//! more than it was given" is kept here: for each parent license and quota,
//! the children that hold it at any one time never add up to more than the
//! parent's quota.
//!
//! The file is an SQLite database marked with `application_id` 0x6c696365
//! ("lice") and versioned with `user_version`; older versions are migrated
//! forward, newer ones are refused. Writers take the write lock up front
//! (`BEGIN IMMEDIATE`), so two processes minting under one parent are
//! serialized and the second sees the first's children.

use crate::error::{CliError, Result};
use licet_common::{Quota, QuotaName};
use licet_verifier::Grants;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use std::path::{Path, PathBuf};

/// `PRAGMA application_id` of a licet ledger: "lice".
pub const APPLICATION_ID: i32 = 0x6c69_6365;
/// Current schema version. 2: a delegating license's quotas are what its
/// subtree may take ([`held_quotas`]), not what it contributes on a panel;
/// the trusted root keys parent chains are checked against.
pub const SCHEMA_VERSION: i32 = 2;

/// What schema 2 adds.
const SCHEMA_V2: &str = "
CREATE TABLE IF NOT EXISTS roots (
    public_key BLOB PRIMARY KEY,
    origin     TEXT NOT NULL,
    added_at   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS revocations (
    serial BLOB NOT NULL REFERENCES licenses(serial),
    at     INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('revoke', 'undo')),
    reason TEXT NOT NULL
) STRICT;
";

/// An unrevoked license under another: its serial, subject and end.
#[derive(Debug)]
pub struct Descendant {
    pub serial: Vec<u8>,
    pub subject: String,
    pub exp: Option<u64>,
    /// Links below the license asked about (1: a child).
    pub depth: usize,
}

/// Every unrevoked license under `serial`, children first.
pub fn descendants(tx: Store<'_>, serial: &[u8]) -> rusqlite::Result<Vec<Descendant>> {
    let mut stmt = tx.0.prepare_cached(
        "WITH RECURSIVE under(serial, subject, exp, depth) AS (
             SELECT serial, subject, exp, 1 FROM licenses WHERE parent = ?1 AND revoked_at IS NULL
             UNION ALL
             SELECT l.serial, l.subject, l.exp, u.depth + 1 FROM licenses l JOIN under u ON l.parent = u.serial
             WHERE l.revoked_at IS NULL AND u.depth < 16)
         SELECT serial, subject, exp, depth FROM under ORDER BY depth, subject, serial",
    )?;
    let rows = stmt.query_map([serial], |r| {
        Ok(Descendant {
            serial: r.get(0)?,
            subject: r.get(1)?,
            exp: r
                .get::<_, Option<i64>>(2)?
                .map(|e| u64::try_from(e).unwrap_or(0)),
            depth: usize::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
        })
    })?;
    rows.collect()
}

/// A license a group holds, as `licet usage` lists it.
#[derive(Debug)]
pub struct HeldLicense {
    pub serial: Vec<u8>,
    pub tier: String,
    pub kind: String,
    pub nbf: u64,
    pub exp: Option<u64>,
    pub contact: Option<String>,
}

/// The unrevoked licenses of `subject` that have not ended at `now`.
pub fn held_by(conn: Store<'_>, subject: &str, now: u64) -> rusqlite::Result<Vec<HeldLicense>> {
    conn.0.prepare_cached(
        "SELECT serial, tier, kind, nbf, exp, contact FROM licenses WHERE subject = ?1 AND revoked_at IS NULL AND (exp IS NULL OR exp > ?2) ORDER BY nbf, serial",
    )?
    .query_map(params![subject, i64_of(now)], |r| {
        Ok(HeldLicense {
            serial: r.get(0)?,
            tier: r.get(1)?,
            kind: r.get(2)?,
            nbf: u64_of(r.get(3)?),
            exp: r.get::<_, Option<i64>>(4)?.map(u64_of),
            contact: r.get(5)?,
        })
    })?
    .collect()
}

/// The quotas a license holds (its record), by name; `None`: unlimited.
pub fn quotas_of(conn: Store<'_>, serial: &[u8]) -> rusqlite::Result<Vec<(String, Option<u32>)>> {
    conn.0
        .prepare_cached("SELECT name, value FROM quotas WHERE serial = ?1 ORDER BY name")?
        .query_map([serial], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?
                    .map(|v| u32::try_from(v).unwrap_or(u32::MAX)),
            ))
        })?
        .collect()
}

/// A license due for a reminder.
#[derive(Debug)]
pub struct Due {
    pub serial: Vec<u8>,
    pub group: String,
    pub contact: Option<String>,
    pub tier: String,
    pub kind: String,
    pub exp: u64,
}

/// The unrevoked licenses ending in `(now, now + within]` not reminded
/// within the last `every` seconds (`None`: ever). An add-on without a
/// contact reaches whoever holds a base license of its group, else its
/// parent's contact.
pub fn due_reminders(
    conn: Store<'_>,
    now: u64,
    within: u64,
    every: Option<u64>,
) -> rusqlite::Result<Vec<Due>> {
    conn.0.prepare_cached(
        "SELECT l.serial, l.subject,
                COALESCE(l.contact,
                         (SELECT b.contact FROM licenses b WHERE l.kind = 'add-on' AND b.subject = l.subject
                            AND b.kind = 'license' AND b.contact IS NOT NULL AND b.revoked_at IS NULL
                          ORDER BY b.minted_at DESC LIMIT 1),
                         (SELECT p.contact FROM licenses p WHERE l.kind = 'add-on' AND p.serial = l.parent)),
                l.tier, l.kind, l.exp FROM licenses l
         WHERE l.exp IS NOT NULL AND l.revoked_at IS NULL AND l.exp > ?1 AND l.exp <= ?2
           AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.serial = l.serial AND (?3 IS NULL OR r.sent_at > ?1 - ?3))
         ORDER BY l.exp, l.subject",
    )?
    .query_map(
        params![i64_of(now), i64_of(now.saturating_add(within)), every.map(i64_of)],
        |r| {
            Ok(Due {
                serial: r.get(0)?,
                group: r.get(1)?,
                contact: r.get(2)?,
                tier: r.get(3)?,
                kind: r.get(4)?,
                exp: u64_of(r.get(5)?),
            })
        },
    )?
    .collect()
}

/// Records that `due` were reminded at `now`.
pub fn record_reminders(tx: Store<'_>, due: &[Due], now: u64) -> rusqlite::Result<()> {
    let mut ins =
        tx.0.prepare_cached("INSERT OR IGNORE INTO reminders (serial, sent_at) VALUES (?1, ?2)")?;
    for d in due {
        ins.execute(params![d.serial, i64_of(now)])?;
    }
    Ok(())
}

/// Whether the ledger records `serial`, and when it was revoked if it was.
pub fn revoked_at(conn: Store<'_>, serial: &[u8]) -> rusqlite::Result<Option<Option<u64>>> {
    conn.0
        .query_row(
            "SELECT revoked_at FROM licenses WHERE serial = ?1",
            [serial],
            |r| Ok(r.get::<_, Option<i64>>(0)?.map(u64_of)),
        )
        .optional()
}

/// Revokes `serial` (when it is not revoked yet), recording why.
pub fn revoke(tx: Store<'_>, serial: &[u8], reason: &str, now: u64) -> rusqlite::Result<()> {
    tx.0.execute(
        "UPDATE licenses SET revoked_at = ?2, revoke_reason = ?3 WHERE serial = ?1 AND revoked_at IS NULL",
        params![serial, i64_of(now), reason],
    )?;
    record_revocation(tx, serial, "revoke", reason, now)
}

/// Takes back the revocation of `serial`, recording why.
pub fn unrevoke(tx: Store<'_>, serial: &[u8], reason: &str, now: u64) -> rusqlite::Result<()> {
    tx.0.execute(
        "UPDATE licenses SET revoked_at = NULL, revoke_reason = NULL WHERE serial = ?1",
        [serial],
    )?;
    record_revocation(tx, serial, "undo", reason, now)
}

/// A recorded license as the allocation check counts it: its stored chain
/// and its hold.
pub fn recorded_hold(conn: Store<'_>, serial: &[u8]) -> rusqlite::Result<(Vec<u8>, NewHold)> {
    let (chain, subject, kind, nbf, exp, delegates): (Vec<u8>, String, String, i64, Option<i64>, bool) =
        conn.0.query_row(
            "SELECT chain, subject, kind, nbf, exp, delegate_kid IS NOT NULL FROM licenses WHERE serial = ?1",
            [serial],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )?;
    Ok((
        chain,
        NewHold {
            nbf: u64_of(nbf),
            exp: exp.map(u64_of),
            quotas: quotas_of(conn, serial)?,
            subject,
            addon: kind == "add-on",
            delegates,
        },
    ))
}

/// The end of a recorded license.
pub fn exp_of(conn: Store<'_>, serial: &[u8]) -> rusqlite::Result<Option<u64>> {
    conn.0.query_row(
        "SELECT exp FROM licenses WHERE serial = ?1",
        [serial],
        |r| Ok(r.get::<_, Option<i64>>(0)?.map(u64_of)),
    )
}

/// Takes back the record of a license that was not delivered.
pub fn delete_record(tx: Store<'_>, serial: &[u8]) -> rusqlite::Result<()> {
    tx.0.execute("DELETE FROM quotas WHERE serial = ?1", [serial])?;
    tx.0.execute("DELETE FROM licenses WHERE serial = ?1", [serial])?;
    Ok(())
}

/// A license an earlier batch minted: its stored chain, file format and
/// contact.
#[derive(Debug)]
pub struct Issued {
    pub chain: Vec<u8>,
    pub file_format: String,
    pub contact: Option<String>,
}

/// What an earlier batch minted for `subject` under `parent` with `plan`.
pub fn issued_for(
    conn: Store<'_>,
    parent: &[u8],
    subject: &str,
    plan: &str,
) -> rusqlite::Result<Option<Issued>> {
    conn.0.prepare_cached(
        "SELECT chain, file_format, contact FROM licenses WHERE parent = ?1 AND subject = ?2 AND plan = ?3 AND origin = 'issued' AND revoked_at IS NULL",
    )?
    .query_row(params![parent, subject, plan], |r| {
        Ok(Issued {
            chain: r.get(0)?,
            file_format: r.get(1)?,
            contact: r.get(2)?,
        })
    })
    .optional()
}

/// One recorded license as `ledger list`, `usage` and `inspect` show it:
/// the JSON type itself, filled from the row (its `status` at the time the
/// listing is made).
pub use crate::json::Listed;

/// `active`, `expired`, `not yet valid` or `revoked`, at `now`.
fn status(revoked_at: Option<u64>, nbf: u64, exp: Option<u64>, now: u64) -> &'static str {
    if revoked_at.is_some() {
        "revoked"
    } else if exp.is_some_and(|e| e <= now) {
        "expired"
    } else if nbf > now {
        "not yet valid"
    } else {
        "active"
    }
}

/// Which recorded licenses `ledger list` shows.
#[derive(Debug, Default)]
pub struct ListFilter<'f> {
    /// Only this group and the groups under it.
    pub under: Option<&'f str>,
    /// Only the licenses recorded directly under this serial.
    pub parent: Option<&'f [u8]>,
    pub tier: Option<&'f str>,
    pub kind: Option<&'f str>,
    /// Only licenses that delegate (`Some(true)`) or only those that license panels.
    pub delegates: Option<bool>,
    /// Only licenses that end after `now` and no later than this.
    pub expiring_by: Option<u64>,
    /// Only licenses in this status (`Listed::status`) at `now`.
    pub status: Option<&'f str>,
}

const LISTED_COLUMNS: &str = "serial, parent, issuer, subject, tier, kind, delegate_kid IS NOT NULL, nbf, exp, kid, contact, plan, origin, minted_at, file, revoked_at, revoke_reason, (SELECT COUNT(*) FROM licenses c WHERE c.parent = l.serial)";

fn listed_row(r: &rusqlite::Row<'_>, now: u64) -> rusqlite::Result<(Vec<u8>, Listed)> {
    let serial: Vec<u8> = r.get(0)?;
    let (nbf, exp, revoked_at) = (
        u64_of(r.get(7)?),
        r.get::<_, Option<i64>>(8)?.map(u64_of),
        r.get::<_, Option<i64>>(15)?.map(u64_of),
    );
    let listed = Listed {
        quotas: Default::default(),
        status: status(revoked_at, nbf, exp, now).to_owned(),
        serial: crate::output::hex(&serial),
        parent: r
            .get::<_, Option<Vec<u8>>>(1)?
            .map(|p| crate::output::hex(&p)),
        issuer: r.get(2)?,
        subject: r.get(3)?,
        tier: r.get(4)?,
        kind: r.get(5)?,
        delegates: r.get(6)?,
        nbf,
        exp,
        kid: crate::output::hex(&r.get::<_, Vec<u8>>(9)?),
        contact: r.get(10)?,
        plan: r.get(11)?,
        origin: r.get(12)?,
        minted_at: u64_of(r.get(13)?),
        file: r.get(14)?,
        revoked_at,
        revoke_reason: r.get(16)?,
        children: u64_of(r.get(17)?),
    };
    Ok((serial, listed))
}

/// The recorded licenses that pass `filter` at `now`, by subject, then start.
pub fn list(conn: Store<'_>, filter: &ListFilter<'_>, now: u64) -> rusqlite::Result<Vec<Listed>> {
    let mut stmt = conn.0.prepare_cached(&format!(
        "SELECT {LISTED_COLUMNS} FROM licenses l
         WHERE (?1 IS NULL OR subject = ?1 OR substr(subject, 1, length(?1) + 1) = ?1 || '/')
           AND (?2 IS NULL OR parent = ?2)
         ORDER BY subject, nbf, serial"
    ))?;
    let rows = stmt.query_map(params![filter.under, filter.parent], |r| listed_row(r, now))?;
    let mut out = Vec::new();
    for row in rows {
        let (serial, mut l) = row?;
        let keep = filter.tier.is_none_or(|t| l.tier == t)
            && filter.kind.is_none_or(|k| l.kind == k)
            && filter.delegates.is_none_or(|d| l.delegates == d)
            && filter.status.is_none_or(|s| l.status == s)
            && filter
                .expiring_by
                .is_none_or(|by| l.exp.is_some_and(|e| e > now && e <= by));
        if keep {
            l.quotas = listed_quotas(conn, &serial)?;
            out.push(l);
        }
    }
    Ok(out)
}

/// A recorded license's quotas, for its listing.
fn listed_quotas(
    conn: Store<'_>,
    serial: &[u8],
) -> rusqlite::Result<std::collections::BTreeMap<String, crate::json::QuotaValue>> {
    Ok(quotas_of(conn, serial)?
        .into_iter()
        .map(|(n, v)| (n, v.into()))
        .collect())
}

/// What the ledger knows about one serial, if it records it (its status
/// at `now`).
pub fn listed(conn: Store<'_>, serial: &[u8], now: u64) -> rusqlite::Result<Option<Listed>> {
    let found = conn
        .0
        .query_row(
            &format!("SELECT {LISTED_COLUMNS} FROM licenses l WHERE serial = ?1"),
            [serial],
            |r| listed_row(r, now),
        )
        .optional()?;
    found
        .map(|(serial, mut l)| {
            l.quotas = listed_quotas(conn, &serial)?;
            Ok(l)
        })
        .transpose()
}

fn u64_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Records a revocation or its undo in the license's history.
pub fn record_revocation(
    tx: Store<'_>,
    serial: &[u8],
    action: &str,
    reason: &str,
    now: u64,
) -> rusqlite::Result<()> {
    tx.0.execute(
        "INSERT INTO revocations (serial, at, action, reason) VALUES (?1, ?2, ?3, ?4)",
        params![serial, i64_of(now), action, reason],
    )?;
    Ok(())
}

const SCHEMA_V1: &str = "
CREATE TABLE licenses (
    serial        BLOB PRIMARY KEY,
    parent        BLOB,
    issuer        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    tier          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    nbf           INTEGER NOT NULL,
    exp           INTEGER,
    iat           INTEGER NOT NULL,
    kid           BLOB NOT NULL,
    delegate_kid  BLOB,
    features      TEXT,
    roles         TEXT,
    devices       TEXT,
    sha256        BLOB NOT NULL,
    contact       TEXT,
    plan          TEXT,
    origin        TEXT NOT NULL,
    minted_at     INTEGER NOT NULL,
    file          TEXT,
    file_format   TEXT NOT NULL,
    chain         BLOB NOT NULL,
    revoked_at    INTEGER,
    revoke_reason TEXT
) STRICT;
CREATE INDEX licenses_parent ON licenses(parent, subject);
CREATE INDEX licenses_subject ON licenses(subject);
CREATE INDEX licenses_exp ON licenses(exp) WHERE exp IS NOT NULL AND revoked_at IS NULL;
CREATE TABLE quotas (
    serial BLOB NOT NULL REFERENCES licenses(serial),
    name   TEXT NOT NULL,
    value  INTEGER,
    PRIMARY KEY (serial, name)
) STRICT, WITHOUT ROWID;
CREATE TABLE reminders (
    serial  BLOB NOT NULL REFERENCES licenses(serial),
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (serial, sent_at)
) STRICT, WITHOUT ROWID;
";

/// The default ledger path: `$LICET_LEDGER`, else
/// `$XDG_DATA_HOME/licet/ledger.sqlite`, else `~/.local/share/licet/ledger.sqlite`.
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LICET_LEDGER").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("licet").join("ledger.sqlite"))
}

/// Resolves `--ledger`, else the default.
pub fn resolve(path: Option<&Path>) -> Result<PathBuf> {
    path.map(Path::to_path_buf)
        .or_else(default_path)
        .ok_or_else(|| {
            CliError::usage(
                "no ledger location: HOME is not set",
                "pass --ledger PATH or set LICET_LEDGER",
            )
        })
}

/// An open ledger. Its connection is private: commands read and write it
/// only through this module's typed functions, which take a [`Store`].
#[derive(Debug)]
pub struct Ledger {
    conn: Connection,
    pub path: PathBuf,
}

/// What the typed functions read from and write to: the ledger, or a write
/// transaction on it. Only this module reaches the connection inside.
#[derive(Debug, Clone, Copy)]
pub struct Store<'c>(&'c Connection);

/// A write transaction holding the ledger's write lock ([`Ledger::write`]);
/// nothing it wrote is kept unless it is committed.
#[derive(Debug)]
pub struct Tx<'l>(rusqlite::Transaction<'l>);

impl Tx<'_> {
    /// Reads and writes inside the transaction.
    pub fn store(&self) -> Store<'_> {
        Store(&self.0)
    }

    /// Makes everything written in the transaction durable.
    pub fn commit(self) -> rusqlite::Result<()> {
        self.0.commit()
    }
}

fn shown(path: &Path) -> String {
    crate::output::safe(&path.display().to_string())
}

/// Maps an SQLite error to a one-line message and a hint.
pub fn db_error(path: &Path, action: &str, e: &rusqlite::Error) -> CliError {
    use rusqlite::ErrorCode::*;
    let (what, hint) = match e.sqlite_error_code() {
        Some(NotADatabase) => (
            "is not a licet ledger (not an SQLite database, or damaged)",
            "check --ledger; restore the ledger from a backup if it was damaged",
        ),
        Some(DatabaseCorrupt) => (
            "is damaged",
            "restore the ledger from a backup; `sqlite3 FILE .recover` may save its contents",
        ),
        Some(ReadOnly) => (
            "is read-only",
            "check the file's and the folder's permissions, or use another --ledger",
        ),
        Some(CannotOpen) => (
            "cannot be opened",
            "check the path and the folder's permissions",
        ),
        Some(DiskFull) => (
            "cannot grow: the disk is full",
            "free some disk space and run the command again; nothing was recorded",
        ),
        Some(DatabaseBusy | DatabaseLocked) => (
            "is busy (another licet holds it too long)",
            "run the command again when the other one has finished",
        ),
        Some(PermissionDenied) => ("cannot be accessed", "check the file's permissions"),
        _ => (
            "failed",
            "check the ledger file and the disk; run the command again",
        ),
    };
    CliError::usage(
        format!("ledger {} {what}: {action}: {e}", shown(path)),
        hint,
    )
}

impl Ledger {
    /// Creates a new ledger at `path` (`licet ledger init`), readable by its
    /// owner only: it holds every contact and allocation. An existing file
    /// is refused.
    pub fn create(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| crate::error::io_error(dir, "create the ledger folder", &e))?;
        }
        let mut file = std::fs::OpenOptions::new();
        file.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            file.mode(0o600);
        }
        file.open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                crate::error::Problem::LedgerExists { path: shown(path) }.into()
            } else {
                crate::error::io_error(path, "create the ledger", &e)
            }
        })?;
        // Nothing half-made is left behind (a full disk, say).
        Self::open_file(path).inspect_err(|_| {
            let _ = std::fs::remove_file(path);
        })
    }

    /// Opens the existing ledger at `path` for reading and writing. A
    /// missing file is an error: a ledger is only ever made by
    /// [`Self::create`], so a mistyped path cannot start an empty one.
    pub fn open(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Err(crate::error::Problem::NoLedger { path: shown(path) }.into());
        }
        Self::open_file(path)
    }

    fn open_file(path: &Path) -> Result<Self> {
        // Ledgers made before `ledger init` were readable by every local
        // user: owner-only from the first open on (best effort: a ledger
        // someone else owns keeps its mode).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if let Ok(m) = std::fs::metadata(path)
                && m.permissions().mode() & 0o077 != 0
            {
                let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
            }
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(|e| db_error(path, "open", &e))?;
        let mut l = Self {
            conn,
            path: path.to_owned(),
        };
        l.setup()?;
        Ok(l)
    }

    fn setup(&mut self) -> Result<()> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| db_error(&path, "read its header", &e);
        self.conn
            .busy_timeout(std::time::Duration::from_secs(30))
            .map_err(err)?;
        let app: i32 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(err)?;
        let version: i32 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(err)?;
        if app != APPLICATION_ID && (app != 0 || tables != 0) {
            return Err(CliError::usage(
                format!(
                    "{} is an SQLite database of another program, not a licet ledger",
                    shown(&self.path)
                ),
                "check --ledger (or LICET_LEDGER): it must name a licet ledger or a new file",
            ));
        }
        if version > SCHEMA_VERSION {
            return Err(CliError::usage(
                format!(
                    "ledger {} has schema version {version}, newer than this licet understands ({SCHEMA_VERSION})",
                    shown(&self.path)
                ),
                "upgrade licet; do not write to this ledger with an older version",
            ));
        }
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| db_error(&path, "set WAL mode", &e))?;
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| db_error(&path, "set sync mode", &e))?;
        self.conn
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| db_error(&path, "enable foreign keys", &e))?;
        if version < SCHEMA_VERSION {
            self.migrate(version)?;
        }
        Ok(())
    }

    /// Migrates from `from` to [`SCHEMA_VERSION`], one version a transaction.
    fn migrate(&mut self, from: i32) -> Result<()> {
        let path = self.path.clone();
        let err = |e: rusqlite::Error| db_error(&path, "migrate", &e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        // Another process may have migrated while we waited for the lock.
        let now: i32 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        if now >= SCHEMA_VERSION {
            return Ok(());
        }
        if from < 1 {
            tx.execute_batch(SCHEMA_V1).map_err(err)?;
        } else if from < 2 {
            requote_delegations(&tx, &path)?;
        }
        if from < 2 {
            tx.execute_batch(SCHEMA_V2).map_err(err)?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(err)?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(err)?;
        tx.commit().map_err(err)
    }

    /// Starts a write transaction holding the write lock from the start.
    pub fn write(&mut self) -> Result<Tx<'_>> {
        let path = self.path.clone();
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map(Tx)
            .map_err(|e| db_error(&path, "start a write", &e))
    }

    /// Reads the ledger outside a transaction.
    pub fn store(&self) -> Store<'_> {
        Store(&self.conn)
    }
}

/// One link to record.
#[derive(Debug)]
pub struct Record<'r> {
    pub serial: &'r [u8],
    pub parent: Option<&'r [u8]>,
    pub issuer: &'r str,
    pub subject: &'r str,
    pub tier: &'r str,
    pub kind: &'r str,
    pub nbf: u64,
    pub exp: Option<u64>,
    pub iat: u64,
    pub kid: &'r [u8],
    pub delegate_kid: Option<Vec<u8>>,
    pub features: Option<String>,
    pub roles: Option<String>,
    pub devices: Option<String>,
    /// Effective quotas: name → count, `None` = unlimited.
    pub quotas: Vec<(String, Option<u32>)>,
    pub sha256: [u8; 32],
    pub contact: Option<&'r str>,
    pub plan: Option<&'r str>,
    pub origin: &'r str,
    pub minted_at: u64,
    pub file: Option<String>,
    pub file_format: &'r str,
    pub chain: &'r [u8],
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// True when `serial` is recorded.
pub fn exists(tx: Store<'_>, serial: &[u8]) -> rusqlite::Result<bool> {
    tx.0.query_row("SELECT 1 FROM licenses WHERE serial = ?1", [serial], |_| {
        Ok(())
    })
    .optional()
    .map(|o| o.is_some())
}

/// Records a link (which must not be recorded yet).
pub fn insert(tx: Store<'_>, r: &Record<'_>) -> rusqlite::Result<()> {
    let mut stmt = tx.0.prepare_cached(
        "INSERT INTO licenses (serial, parent, issuer, subject, tier, kind, nbf, exp, iat, kid, delegate_kid, features, roles, devices,
                               sha256, contact, plan, origin, minted_at, file, file_format, chain)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
    )?;
    stmt.execute(params![
        r.serial,
        r.parent,
        r.issuer,
        r.subject,
        r.tier,
        r.kind,
        i64_of(r.nbf),
        r.exp.map(i64_of),
        i64_of(r.iat),
        r.kid,
        r.delegate_kid,
        r.features,
        r.roles,
        r.devices,
        &r.sha256[..],
        r.contact,
        r.plan,
        r.origin,
        i64_of(r.minted_at),
        r.file,
        r.file_format,
        r.chain,
    ])?;
    let mut q =
        tx.0.prepare_cached("INSERT INTO quotas (serial, name, value) VALUES (?1, ?2, ?3)")?;
    for (name, value) in &r.quotas {
        q.execute(params![r.serial, name, value.map(i64::from)])?;
    }
    Ok(())
}

/// A child's hold on a quota during its validity.
///
/// Base licenses for panels of the same subject group are alternatives on
/// its devices (a device uses one base license at a time, plus every
/// add-on), so at any moment a subject consumes the largest of its
/// non-delegating base holds, plus the sum of its add-on holds, plus the
/// sum of its delegating holds (a delegation lets its holder mint up to what
/// it holds, whatever else the subject holds: two delegations are two
/// budgets, never alternatives); different subjects add up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hold {
    pub nbf: u64,
    pub exp: Option<u64>,
    /// `None`: unlimited.
    pub value: Option<u32>,
    pub subject: String,
    pub addon: bool,
    /// The license delegates (carries a key to mint children with).
    pub delegates: bool,
    /// Its serial (empty for a license not yet recorded).
    pub serial: Vec<u8>,
}

/// `holds`, named for a person: each holder's serial, subject and value.
pub fn holders_text(holds: &[Hold]) -> String {
    holds
        .iter()
        .map(|h| {
            format!(
                "{} {} {}{}",
                crate::output::hex(&h.serial),
                h.subject,
                h.value.map_or("unlimited".to_owned(), |v| v.to_string()),
                if h.delegates { " (delegation)" } else { "" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The holds of the (unrevoked) children of `parent` on quota `name` that
/// overlap `[from, until)`.
pub fn holds(
    tx: Store<'_>,
    parent: &[u8],
    name: &str,
    from: u64,
    until: Option<u64>,
) -> rusqlite::Result<Vec<Hold>> {
    let mut stmt = tx.0.prepare_cached(
        "SELECT l.nbf, l.exp, q.value, l.subject, l.kind, l.delegate_kid IS NOT NULL, l.serial FROM licenses l JOIN quotas q ON q.serial = l.serial AND q.name = ?2
         WHERE l.parent = ?1 AND l.revoked_at IS NULL
           AND (?4 IS NULL OR l.nbf < ?4) AND (l.exp IS NULL OR l.exp > ?3)",
    )?;
    let rows = stmt.query_map(
        params![parent, name, i64_of(from), until.map(i64_of)],
        |r| {
            let nbf: i64 = r.get(0)?;
            let exp: Option<i64> = r.get(1)?;
            let value: Option<i64> = r.get(2)?;
            let kind: String = r.get(4)?;
            Ok(Hold {
                nbf: u64::try_from(nbf).unwrap_or(0),
                exp: exp.map(|e| u64::try_from(e).unwrap_or(0)),
                value: value.map(|v| u32::try_from(v).unwrap_or(u32::MAX)),
                subject: r.get(3)?,
                addon: kind == "add-on",
                delegates: r.get(5)?,
                serial: r.get(6)?,
            })
        },
    )?;
    rows.collect()
}

/// The most the holds consume at any one time inside `[from, until)`
/// (per subject: the largest base hold plus its add-ons; summed over
/// subjects); `None` when an unlimited hold is active there.
pub fn peak(holds: &[Hold], from: u64, until: Option<u64>) -> Option<u64> {
    use std::collections::HashMap;
    // Events: a hold starts at max(nbf, from) and ends at exp. Ends sort
    // before starts at the same time: validity is [nbf, exp).
    let mut events: Vec<(u64, bool, usize)> = Vec::with_capacity(holds.len() * 2);
    for (i, h) in holds.iter().enumerate() {
        let start = h.nbf.max(from);
        if until.is_some_and(|u| start >= u) || h.exp.is_some_and(|e| e <= start) {
            continue;
        }
        h.value?;
        events.push((start, true, i));
        if let Some(e) = h.exp {
            events.push((e, false, i));
        }
    }
    events.sort_unstable();
    #[derive(Default)]
    struct Subject {
        bases: Vec<u64>,
        addons: u64,
    }
    impl Subject {
        fn consumption(&self) -> u64 {
            self.bases
                .iter()
                .copied()
                .max()
                .unwrap_or(0)
                .saturating_add(self.addons)
        }
    }
    let mut subjects: HashMap<&str, Subject> = HashMap::new();
    let (mut total, mut max) = (0u64, 0u64);
    for (_, start, i) in events {
        let h = &holds[i];
        let v = u64::from(h.value.unwrap_or(0));
        let s = subjects.entry(h.subject.as_str()).or_default();
        total = total.saturating_sub(s.consumption());
        // Only non-delegating base licenses are alternatives.
        match (start, h.addon || h.delegates) {
            (true, true) => s.addons = s.addons.saturating_add(v),
            (true, false) => s.bases.push(v),
            (false, true) => s.addons = s.addons.saturating_sub(v),
            (false, false) => {
                if let Some(pos) = s.bases.iter().position(|b| *b == v) {
                    s.bases.swap_remove(pos);
                }
            }
        }
        total = total.saturating_add(s.consumption());
        max = max.max(total);
    }
    Some(max)
}

fn quota_value(q: Quota) -> Option<u32> {
    match q {
        Quota::Count(v) => Some(v),
        Quota::Unlimited => None,
    }
}

/// The quotas a chain grants (the verifier's [`Grants`]), sorted by name.
pub fn effective_quotas(g: &Grants<'_, '_>) -> Vec<(String, Option<u32>)> {
    let mut out: Vec<(String, Option<u32>)> = g
        .quotas()
        .map(|(n, q)| (n.as_str().to_owned(), quota_value(q)))
        .collect();
    out.sort();
    out
}

/// The quotas a license holds of its parent's, sorted by name: the one
/// definition the ledger records and the allocation check adds up.
///
/// * A license that delegates holds what its subtree may take: everything
///   its chain grants (its children narrow what is in effect at it, for an
///   add-on too, which states only what it changes).
/// * A license for panels holds what it contributes on a panel (the
///   verifier's [`Grants::contribution`]: all it grants for a base license,
///   what it states for an add-on).
pub fn held_quotas(g: &Grants<'_, '_>) -> Vec<(String, Option<u32>)> {
    if g.delegation().is_some() {
        return effective_quotas(g);
    }
    let mut out: Vec<(String, Option<u32>)> = g
        .contribution()
        .quotas()
        .map(|(n, q)| (n.as_str().to_owned(), quota_value(q)))
        .collect();
    out.sort();
    out
}

/// Builds the record of the leaf of `g`. `chain` is its license file,
/// `file_bytes` what was written to disk (for its hash). Features, roles and
/// quotas are what the license contributes on a panel (the verifier's
/// [`Grants::contribution`]).
#[allow(clippy::too_many_arguments)]
pub fn record_of<'r>(
    g: &Grants<'_, 'r>,
    chain: &'r [u8],
    file_bytes: &[u8],
    origin: &'r str,
    contact: Option<&'r str>,
    plan: Option<&'r str>,
    file: Option<String>,
    file_format: &'r str,
    minted_at: u64,
) -> Option<Record<'r>> {
    use sha2::Digest;
    let l = g.leaf()?;
    let cl = &l.claims;
    let contribution = g.contribution();
    let features = contribution.features();
    let roles: serde_json::Map<String, serde_json::Value> = contribution
        .roles()
        .map(|(r, g)| {
            (
                r.to_owned(),
                serde_json::Value::from(g.iter().collect::<Vec<_>>()),
            )
        })
        .collect();
    let features = (cl.kind == licet_common::Kind::License || !features.is_empty())
        .then(|| serde_json::Value::from(features.iter().collect::<Vec<_>>()).to_string());
    let devices = g
        .devices()
        .map(|n| serde_json::Value::from(n.iter().collect::<Vec<_>>()).to_string());
    let quotas = held_quotas(g);
    Some(Record {
        serial: cl.serial,
        parent: cl.parent,
        issuer: cl.iss.as_str(),
        subject: cl.sub.as_str(),
        tier: cl.tier.name(),
        kind: cl.kind.name(),
        nbf: cl.nbf,
        exp: cl.exp,
        iat: cl.iat,
        kid: l.kid,
        delegate_kid: cl.cnf.map(|k| licet_common::kid::kid(k).to_vec()),
        features,
        roles: (!roles.is_empty()).then(|| serde_json::Value::Object(roles).to_string()),
        devices,
        quotas,
        sha256: sha2::Sha256::digest(file_bytes).into(),
        contact,
        plan,
        origin,
        minted_at,
        file,
        file_format,
        chain,
    })
}

/// Records links `0..upto` of the chain `g` grants from that are not
/// recorded yet, as imported.
pub fn record_ancestors(
    tx: Store<'_>,
    g: &Grants<'_, '_>,
    upto: usize,
    now: u64,
) -> rusqlite::Result<usize> {
    let mut n = 0;
    for i in 0..upto {
        let prefix = g.prefix(i + 1);
        let Some(l) = prefix.leaf() else { break };
        if exists(tx, l.claims.serial)? {
            continue;
        }
        let links: Vec<&[u8]> = prefix.links().map(|l| l.bytes).collect();
        let chain = licet_common::encode::container(links.into_iter());
        if let Some(r) = record_of(
            &prefix, &chain, &chain, "imported", None, None, None, "binary", now,
        ) {
            insert(tx, &r)?;
            n += 1;
        }
    }
    Ok(n)
}

/// The trusted root keys recorded in the ledger (given to `--trust`, or the
/// keys of root licenses minted with it).
pub fn roots(conn: Store<'_>) -> rusqlite::Result<Vec<[u8; 32]>> {
    conn.0
        .prepare_cached("SELECT public_key FROM roots ORDER BY added_at, public_key")?
        .query_map([], |r| r.get::<_, Vec<u8>>(0))?
        .filter_map(|k| k.map(|k| <[u8; 32]>::try_from(k).ok()).transpose())
        .collect()
}

/// Records trusted root keys (those already recorded are kept as they are).
pub fn add_roots(tx: Store<'_>, keys: &[[u8; 32]], origin: &str, now: u64) -> rusqlite::Result<()> {
    for k in keys {
        tx.0.execute(
            "INSERT OR IGNORE INTO roots (public_key, origin, added_at) VALUES (?1, ?2, ?3)",
            params![k.as_slice(), origin, i64_of(now)],
        )?;
    }
    Ok(())
}

/// When and why `serial` was revoked, if it was.
pub fn revocation(conn: Store<'_>, serial: &[u8]) -> rusqlite::Result<Option<(u64, String)>> {
    conn.0.query_row(
        "SELECT revoked_at, revoke_reason FROM licenses WHERE serial = ?1 AND revoked_at IS NOT NULL",
        [serial],
        |r| {
            Ok((
                u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            ))
        },
    )
    .optional()
}

/// A link whose serial the ledger already records with other bytes: a
/// forged or re-minted link reusing a serial (serials are unique).
#[derive(Debug)]
pub struct SerialConflict {
    pub serial: Vec<u8>,
    /// Its index in the chain being recorded.
    pub link: usize,
    pub recorded_subject: String,
    pub subject: String,
}

impl SerialConflict {
    pub fn error(&self, what: &str) -> CliError {
        let same = self.recorded_subject == self.subject;
        CliError::rejected(
            format!(
                "link {} (serial {}, for {}) differs from the license the ledger records under that serial ({}{})",
                self.link,
                crate::output::hex(&self.serial),
                self.subject,
                self.recorded_subject,
                if same { ", other content" } else { "" }
            ),
            format!(
                "{what}: a serial names one license; find out which file is genuine (`licet inspect` both) before recording anything"
            ),
        )
    }
}

/// The first link of `g`'s first `upto` whose serial is recorded with other
/// bytes, if any.
pub fn first_conflict(
    tx: Store<'_>,
    g: &Grants<'_, '_>,
    upto: usize,
) -> rusqlite::Result<Option<SerialConflict>> {
    for (i, l) in g.links().take(upto).enumerate() {
        let recorded: Option<(Vec<u8>, String)> =
            tx.0.query_row(
                "SELECT chain, subject FROM licenses WHERE serial = ?1",
                [l.claims.serial],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((chain, recorded_subject)) = recorded else {
            continue;
        };
        let same = licet_common::Container::decode(&chain)
            .ok()
            .is_some_and(|c| c.last().bytes == l.bytes);
        if !same {
            return Ok(Some(SerialConflict {
                serial: l.claims.serial.to_vec(),
                link: i,
                recorded_subject,
                subject: l.claims.sub.as_str().to_owned(),
            }));
        }
    }
    Ok(None)
}

/// An over-allocation: what the children of a parent would hold at peak.
#[derive(Debug)]
pub struct OverAllocation {
    pub quota: String,
    pub limit: u32,
    pub allocated: u64,
    pub requested: Option<u64>,
}

impl OverAllocation {
    pub fn message(&self) -> String {
        let remaining = u64::from(self.limit).saturating_sub(self.allocated);
        match self.requested {
            Some(r) => format!(
                "quota {}: limit {}, allocated {}, remaining {remaining}, requested {r}",
                self.quota, self.limit, self.allocated
            ),
            None if self.allocated == u64::MAX => format!(
                "quota {}: limit {}, a child holds it unlimited",
                self.quota, self.limit
            ),
            None => format!(
                "quota {}: limit {}, children hold {} at peak, {} over",
                self.quota,
                self.limit,
                self.allocated,
                self.allocated.saturating_sub(u64::from(self.limit))
            ),
        }
    }
}

/// A license about to be minted, as the ledger counts it.
#[derive(Debug)]
pub struct NewHold {
    pub nbf: u64,
    pub exp: Option<u64>,
    /// What it holds ([`held_quotas`]).
    pub quotas: Vec<(String, Option<u32>)>,
    pub subject: String,
    pub addon: bool,
    pub delegates: bool,
}

/// Schema 1 → 2: records again, from each stored chain, what every
/// delegating license holds ([`held_quotas`]): version 1 recorded what it
/// contributes on a panel, which for an add-on that states no quota was
/// nothing, while its children could take the whole inherited quota.
fn requote_delegations(tx: &Connection, path: &Path) -> Result<()> {
    let err = |e: rusqlite::Error| db_error(path, "migrate", &e);
    let rows: Vec<(Vec<u8>, Vec<u8>)> = tx
        .prepare("SELECT serial, chain FROM licenses WHERE delegate_kid IS NOT NULL")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()
        })
        .map_err(err)?;
    for (serial, chain) in rows {
        let damaged = || {
            CliError::usage(
                format!(
                    "ledger {}: the stored chain of {} does not check",
                    shown(path),
                    crate::output::hex(&serial)
                ),
                "the ledger is damaged: restore it from a backup, or import the license files again into a new ledger",
            )
        };
        let container = licet_common::Container::decode(&chain).map_err(|_| damaged())?;
        let grants = licet_verifier::check_untimed(&container, None).map_err(|_| damaged())?;
        let at = container
            .links()
            .position(|l| l.claims.serial == serial.as_slice())
            .ok_or_else(damaged)?;
        tx.execute("DELETE FROM quotas WHERE serial = ?1", [&serial])
            .map_err(err)?;
        for (name, value) in held_quotas(&grants.prefix(at + 1)) {
            tx.execute(
                "INSERT INTO quotas (serial, name, value) VALUES (?1, ?2, ?3)",
                params![serial, name, value.map(i64::from)],
            )
            .map_err(err)?;
        }
    }
    Ok(())
}

/// Checks that adding `new` (all children of the leaf of `parent_chain`)
/// keeps every quota of the parent within its limit at every moment.
pub fn check_allocation(
    tx: Store<'_>,
    parent_chain: &Grants<'_, '_>,
    new: &[NewHold],
) -> rusqlite::Result<Option<OverAllocation>> {
    let Some(parent) = parent_chain.leaf() else {
        return Ok(None);
    };
    let mut names: Vec<&str> = new
        .iter()
        .flat_map(|n| n.quotas.iter().map(|(q, _)| q.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let from = new.iter().map(|n| n.nbf).min().unwrap_or(0);
    let until = if new.iter().any(|n| n.exp.is_none()) {
        None
    } else {
        new.iter().filter_map(|n| n.exp).max()
    };
    for name in names {
        let Some(Quota::Count(limit)) = parent_chain.quota(QuotaName::from_name(name)) else {
            continue; // unlimited (or not granted: the rule checks refuse that)
        };
        let mut hs = holds(tx, parent.claims.serial, name, from, until)?;
        let existing = peak(&hs, from, until);
        let mut requested = 0u64;
        for n in new {
            if let Some((_, value)) = n.quotas.iter().find(|(q, _)| q == name) {
                requested = requested.saturating_add(value.map_or(u64::MAX, u64::from));
                hs.push(Hold {
                    nbf: n.nbf,
                    exp: n.exp,
                    value: *value,
                    subject: n.subject.clone(),
                    addon: n.addon,
                    delegates: n.delegates,
                    serial: Vec::new(),
                });
            }
        }
        match peak(&hs, from, until) {
            Some(p) if p <= u64::from(limit) => {}
            _ => {
                return Ok(Some(OverAllocation {
                    quota: name.to_owned(),
                    limit,
                    allocated: existing.unwrap_or(u64::MAX),
                    requested: Some(requested),
                }));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hold on a subject of its own: such holds add up.
    fn h(nbf: u64, exp: Option<u64>, v: u32) -> Hold {
        Hold {
            nbf,
            exp,
            value: Some(v),
            subject: format!("g/{nbf}-{v}"),
            addon: false,
            delegates: false,
            serial: Vec::new(),
        }
    }

    fn on(subject: &str, addon: bool, nbf: u64, exp: Option<u64>, v: u32) -> Hold {
        Hold {
            nbf,
            exp,
            value: Some(v),
            subject: subject.into(),
            addon,
            delegates: false,
            serial: Vec::new(),
        }
    }

    #[test]
    fn peak_counts_only_overlapping_holds() {
        // [0,10) 5, [10,20) 7, [5,15) 1: peak 8 at 10 (5 ended), 6 before.
        let hs = [h(0, Some(10), 5), h(10, Some(20), 7), h(5, Some(15), 1)];
        assert_eq!(peak(&hs, 0, None), Some(8));
        assert_eq!(peak(&hs, 0, Some(10)), Some(6));
        assert_eq!(peak(&hs, 15, None), Some(7));
        assert_eq!(peak(&hs, 20, None), Some(0));
        assert_eq!(
            peak(&[h(0, None, 3), h(100, None, 4)], 0, Some(100)),
            Some(3)
        );
        let unlimited = Hold {
            nbf: 0,
            exp: None,
            value: None,
            subject: "x".into(),
            addon: false,
            delegates: false,
            serial: Vec::new(),
        };
        assert_eq!(peak(&[unlimited], 0, None), None);
    }

    #[test]
    fn delegations_for_one_subject_add_up() {
        // Two delegations of 10 and a license for panels of 4, one subject:
        // each delegation is a budget of its own; the panel license is the
        // only alternative (there is no other base for panels).
        let delegation = |v| Hold {
            delegates: true,
            ..on("d", false, 0, None, v)
        };
        let hs = [delegation(10), delegation(10), on("d", false, 0, None, 4)];
        assert_eq!(peak(&hs, 0, None), Some(24));
        // A delegating add-on adds its whole hold too.
        let addon = Hold {
            delegates: true,
            ..on("d", true, 0, None, 7)
        };
        assert_eq!(peak(&[delegation(10), addon], 0, None), Some(17));
    }

    #[test]
    fn peak_per_subject_takes_the_largest_base_plus_add_ons() {
        // One building: Plus 10 until 50, Basic 2 forever, add-on 5 until 20; another building 3.
        let hs = [
            on("b", false, 0, Some(50), 10),
            on("b", false, 0, None, 2),
            on("b", true, 0, Some(20), 5),
            on("c", false, 0, None, 3),
        ];
        assert_eq!(peak(&hs, 0, None), Some(10 + 5 + 3));
        assert_eq!(peak(&hs, 20, None), Some(10 + 3));
        assert_eq!(peak(&hs, 50, None), Some(2 + 3));
    }
}
