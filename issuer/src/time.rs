//! Time on the command line: the clock, and TIME arguments read and shown
//! as [`licet_report::time`] does.

use crate::error::{CliError, Result};
pub use licet_report::time::{aloud_time, format_time, parse_duration, relative};

/// The current time in UNIX seconds.
pub fn now() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0)
}

/// Parses a TIME argument relative to `now`; a bad one is a usage error.
pub fn parse_time(text: &str, now: u64, flag: &str) -> Result<u64> {
    licet_report::time::parse_time(text, now, flag).map_err(|r| CliError::usage(r.message, r.hint))
}
