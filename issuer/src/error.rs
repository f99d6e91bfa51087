//! CLI errors as a type: a [`Problem`] says what went wrong with the values
//! involved; what it means for people (one line of what happened, one line
//! of what to do) and the exit code (1 rejected, 2 usage or I/O) are
//! rendered from it at the edge (`lib.rs` prints `error:` / `hint:`, and the
//! JSON error document with `--json`). The recurring problems have their own
//! variants, written once here; one-off ones carry their text.

use std::fmt;

/// Exit code: the license was rejected.
pub const EXIT_REJECTED: u8 = 1;
/// Exit code: usage error, unreadable input, I/O failure.
pub const EXIT_USAGE: u8 = 2;

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum Problem {
    /// A wrong argument or input, said where it was found.
    Usage { message: String, hint: String },
    /// A refusal: a license rejected, a limit that would be exceeded.
    Rejected { message: String, hint: String },
    /// A file or folder that cannot be read or written.
    Io {
        path: String,
        action: String,
        error: std::io::Error,
    },
    /// Standard output went away or cannot be written.
    Output(std::io::Error),
    /// No ledger at the path a command was given.
    NoLedger { path: String },
    /// `ledger init` on a path that holds a file already.
    LedgerExists { path: String },
}

/// An error the CLI reports and exits on.
#[derive(Debug)]
pub struct CliError {
    pub problem: Problem,
}

impl CliError {
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem::Usage {
            message: message.into(),
            hint: hint.into(),
        }
        .into()
    }

    pub fn rejected(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem::Rejected {
            message: message.into(),
            hint: hint.into(),
        }
        .into()
    }

    /// One line of what happened.
    pub fn message(&self) -> String {
        match &self.problem {
            Problem::Usage { message, .. } | Problem::Rejected { message, .. } => message.clone(),
            Problem::Io {
                path,
                action,
                error,
            } => format!("cannot {action} {path}: {error}"),
            Problem::Output(e) => format!("cannot write output: {e}"),
            Problem::NoLedger { path } => format!("no ledger at {path}"),
            Problem::LedgerExists { path } => format!("{path} exists already"),
        }
    }

    /// One line of what to do.
    pub fn hint(&self) -> String {
        use std::io::ErrorKind::*;
        match &self.problem {
            Problem::Usage { hint, .. } | Problem::Rejected { hint, .. } => hint.clone(),
            Problem::Io { error, .. } => match error.kind() {
                NotFound => "check the path",
                PermissionDenied => "check the file's permissions and the folder's",
                StorageFull | QuotaExceeded => {
                    "free some disk space and run the command again; nothing was written"
                }
                AlreadyExists => "choose another path, or pass --force to replace it",
                _ => "check the disk and the path, then run the command again",
            }
            .to_owned(),
            Problem::Output(_) => "check where the output goes".to_owned(),
            Problem::NoLedger { .. } => "create it once with `licet ledger init` (check --ledger or LICET_LEDGER for a typo first)".to_owned(),
            Problem::LedgerExists { .. } => {
                "a ledger is created once; use it as it is, or pick another path".to_owned()
            }
        }
    }

    /// The exit code.
    pub fn code(&self) -> u8 {
        match self.problem {
            Problem::Rejected { .. } => EXIT_REJECTED,
            _ => EXIT_USAGE,
        }
    }

    /// The error's class in JSON output: `usage`, `io` or `rejected`.
    pub fn class(&self) -> &'static str {
        match self.problem {
            Problem::Rejected { .. } => "rejected",
            Problem::Io { .. } | Problem::Output(_) => "io",
            _ => "usage",
        }
    }

    /// Writing to stdout failed because the reader went away: exit quietly.
    pub fn broken_pipe(&self) -> bool {
        matches!(&self.problem, Problem::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl From<Problem> for CliError {
    fn from(problem: Problem) -> Self {
        Self { problem }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        Problem::Output(e).into()
    }
}

impl From<licet_keys::KeyError> for CliError {
    fn from(e: licet_keys::KeyError) -> Self {
        Self::usage(e.to_string(), e.hint())
    }
}

/// A file-level I/O error with the path and a hint fitting the cause.
pub fn io_error(path: &std::path::Path, action: &str, e: &std::io::Error) -> CliError {
    Problem::Io {
        path: crate::output::safe(&path.display().to_string()),
        action: action.to_owned(),
        error: std::io::Error::new(e.kind(), e.to_string()),
    }
    .into()
}

pub type Result<T> = std::result::Result<T, CliError>;
