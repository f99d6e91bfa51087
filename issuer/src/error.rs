//! CLI errors: one line of what happened, one line of what to do, and the
//! exit code (1 rejected, 2 usage or I/O).

use std::fmt;

/// Exit code: the license was rejected.
pub const EXIT_REJECTED: u8 = 1;
/// Exit code: usage error, unreadable input, I/O failure.
pub const EXIT_USAGE: u8 = 2;

/// An error the CLI reports and exits on.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub hint: String,
    pub code: u8,
    /// The error's class in JSON output: `usage`, `io` or `rejected`.
    pub class: &'static str,
    /// Writing to stdout failed because the reader went away: exit quietly.
    pub broken_pipe: bool,
}

impl CliError {
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
            code: EXIT_USAGE,
            class: "usage",
            broken_pipe: false,
        }
    }

    pub fn rejected(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
            code: EXIT_REJECTED,
            class: "rejected",
            broken_pipe: false,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        let broken_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        Self {
            message: format!("cannot write output: {e}"),
            hint: "check where the output goes".into(),
            code: EXIT_USAGE,
            class: "io",
            broken_pipe,
        }
    }
}

impl From<licet_keys::KeyError> for CliError {
    fn from(e: licet_keys::KeyError) -> Self {
        Self::usage(e.to_string(), e.hint())
    }
}

/// A file-level I/O error with the path and a hint fitting the cause.
pub fn io_error(path: &std::path::Path, action: &str, e: &std::io::Error) -> CliError {
    use std::io::ErrorKind::*;
    let hint = match e.kind() {
        NotFound => "check the path",
        PermissionDenied => "check the file's permissions and the folder's",
        StorageFull | QuotaExceeded => {
            "free some disk space and run the command again; nothing was written"
        }
        AlreadyExists => "choose another path, or pass --force to replace it",
        _ => "check the disk and the path, then run the command again",
    };
    CliError {
        class: "io",
        ..CliError::usage(
            format!(
                "cannot {action} {}: {e}",
                crate::output::safe(&path.display().to_string())
            ),
            hint,
        )
    }
}

pub type Result<T> = std::result::Result<T, CliError>;
