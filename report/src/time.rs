//! Times as licet reads and shows them. A TIME is read as RFC 3339,
//! YYYY-MM-DD (midnight UTC), `now`, `@N` (UNIX seconds), or `+N` with a
//! unit (s, m, h, d, w, y = 365 d) relative to now; times are shown in
//! RFC 3339 UTC, as dates to read aloud, and relative to now.

use crate::Refused;
use chrono::{DateTime, NaiveDate, Utc};

/// Parses a duration such as `30d`, `12h`, `90m`, `2w`, `1y`.
pub fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim();
    let (num, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = num.parse().ok()?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        "y" => 365 * 86_400,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// Parses a TIME argument relative to `now`; `flag` names where it was
/// given (`--at`).
pub fn parse_time(text: &str, now: u64, flag: &str) -> Result<u64, Refused> {
    let bad = || {
        Refused::new(
            format!(
                "{flag}: cannot read {:?} as a time",
                crate::text::safe(text)
            ),
            "use RFC 3339 (2027-01-31T12:00:00Z), a date (2027-01-31), now, @UNIX-SECONDS, or +N with a unit s, m, h, d, w, y (+30d)",
        )
    };
    let t = text.trim();
    if t == "now" {
        return Ok(now);
    }
    if let Some(secs) = t.strip_prefix('@') {
        return secs
            .parse::<u64>()
            .ok()
            .filter(|s| *s <= licet_common::limits::MAX_TIME)
            .ok_or_else(bad);
    }
    if let Some(rel) = t.strip_prefix('+') {
        return parse_duration(rel)
            .and_then(|d| now.checked_add(d))
            .ok_or_else(bad);
    }
    let secs = if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        dt.timestamp()
    } else if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        d.and_hms_opt(0, 0, 0)
            .ok_or_else(bad)?
            .and_utc()
            .timestamp()
    } else {
        return Err(bad());
    };
    let secs = u64::try_from(secs).map_err(|_| bad())?;
    if secs > licet_common::limits::MAX_TIME {
        return Err(bad());
    }
    Ok(secs)
}

/// RFC 3339 in UTC, seconds precision.
pub fn format_time(secs: u64) -> String {
    i64::try_from(secs)
        .ok()
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .map_or_else(
            || format!("{secs} (UNIX seconds)"),
            |d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        )
}

/// A date for reading aloud: `2027-12-01`, with the time of day when it is
/// not midnight UTC (`2027-12-01 13:45 UTC`).
pub fn aloud_time(secs: u64) -> String {
    use chrono::Timelike;
    i64::try_from(secs)
        .ok()
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
        .map_or_else(
            || format!("{secs} (UNIX seconds)"),
            |d| {
                if d.num_seconds_from_midnight() == 0 {
                    d.format("%Y-%m-%d").to_string()
                } else {
                    d.format("%Y-%m-%d %H:%M UTC").to_string()
                }
            },
        )
}

/// "in 3 days", "2 hours ago", "now".
pub fn relative(secs: u64, now: u64) -> String {
    let (delta, future) = if secs >= now {
        (secs - now, true)
    } else {
        (now - secs, false)
    };
    let (n, unit) = match delta {
        0 => return "now".into(),
        d if d < 120 => (d, "second"),
        d if d < 7200 => (d / 60, "minute"),
        d if d < 2 * 86_400 => (d / 3600, "hour"),
        d if d < 2 * 365 * 86_400 => (d / 86_400, "day"),
        d => (d / (365 * 86_400), "year"),
    };
    let plural = if n == 1 { "" } else { "s" };
    if future {
        format!("in {n} {unit}{plural}")
    } else {
        format!("{n} {unit}{plural} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_times() {
        assert_eq!(parse_time("1970-01-02", 0, "--at").unwrap(), 86_400);
        assert_eq!(parse_time("1970-01-01T00:01:00Z", 0, "--at").unwrap(), 60);
        assert_eq!(
            parse_time("1970-01-01T01:00:00+01:00", 0, "--at").unwrap(),
            0
        );
        assert_eq!(parse_time("+2d", 100, "--at").unwrap(), 100 + 172_800);
        assert_eq!(parse_time("now", 5, "--at").unwrap(), 5);
        assert_eq!(parse_time("@1234", 5, "--at").unwrap(), 1234);
        assert!(parse_time("@-1", 5, "--at").is_err());
        assert!(parse_time("yesterday", 0, "--at").is_err());
        assert!(parse_time("1969-12-31", 0, "--at").is_err());
        assert!(parse_time("+5x", 0, "--at").is_err());
    }

    #[test]
    fn relative_times() {
        assert_eq!(relative(100, 100), "now");
        assert_eq!(relative(100 + 3 * 86_400, 100), "in 3 days");
        assert_eq!(relative(100, 100 + 3600 * 5), "5 hours ago");
    }
}
