//! Times as licet reads and shows them. A TIME is read as RFC 3339,
//! YYYY-MM-DD (midnight UTC), `now`, `@N` (UNIX seconds), or `+N` with a
//! unit (s, m, h, d, w, y = 365 d) relative to now; times are shown in
//! RFC 3339 UTC, as dates to read aloud, and relative to now.

use crate::Refused;
use licet_common::limits::MAX_TIME;

/// Days from 1970-01-01 to the civil date (y, m, d), proleptic Gregorian
/// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (y, m, d) of a day counted from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The UTC fields of `secs` when it is a time licet handles (up to
/// 9999-12-31T23:59:59Z): (year, month, day, hour, minute, second).
fn fields(secs: u64) -> Option<(i64, u32, u32, u64, u64, u64)> {
    if secs > MAX_TIME {
        return None;
    }
    let days = i64::try_from(secs / 86_400).ok()?;
    let (y, m, d) = civil_from_days(days);
    let rem = secs % 86_400;
    Some((y, m, d, rem / 3600, rem / 60 % 60, rem % 60))
}

/// A fixed number of ASCII digits.
fn digits(text: &str, n: usize) -> Option<u32> {
    (text.len() == n && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD` as days from 1970-01-01.
fn parse_date(t: &str) -> Option<i64> {
    let (y, rest) = t.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    let (y, m, d) = (i64::from(digits(y, 4)?), digits(m, 2)?, digits(d, 2)?);
    ((1..=12).contains(&m) && (1..=days_in_month(y, m)).contains(&d))
        .then(|| days_from_civil(y, m, d))
}

/// RFC 3339 §5.6 `date-time` as UNIX seconds (a leap second `:60` counts
/// as `:59`; fractions are dropped).
fn parse_rfc3339(t: &str) -> Option<i64> {
    let date = parse_date(t.get(..10)?)?;
    let rest = t.get(10..)?;
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (hms, rest) = (rest.get(..8)?, rest.get(8..)?);
    let b = hms.as_bytes();
    if b.get(2) != Some(&b':') || b.get(5) != Some(&b':') {
        return None;
    }
    let (h, mi, s) = (
        digits(hms.get(..2)?, 2)?,
        digits(hms.get(3..5)?, 2)?,
        digits(hms.get(6..)?, 2)?,
    );
    if h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let rest = match rest.strip_prefix('.') {
        Some(f) => {
            let end = f.find(|c: char| !c.is_ascii_digit()).unwrap_or(f.len());
            if end == 0 {
                return None;
            }
            f.get(end..)?
        }
        None => rest,
    };
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (oh, om) = rest.get(1..)?.split_once(':')?;
            let (oh, om) = (digits(oh, 2)?, digits(om, 2)?);
            if oh > 23 || om > 59 {
                return None;
            }
            sign * i64::from(oh * 3600 + om * 60)
        }
    };
    let secs = i64::from(h * 3600 + mi * 60 + s.min(59));
    Some(date * 86_400 + secs - offset)
}

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
                "{flag}: cannot read \"{}\" as a time",
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
            .filter(|s| *s <= MAX_TIME)
            .ok_or_else(bad);
    }
    if let Some(rel) = t.strip_prefix('+') {
        return parse_duration(rel)
            .and_then(|d| now.checked_add(d))
            .ok_or_else(bad);
    }
    let secs = parse_rfc3339(t)
        .or_else(|| parse_date(t).map(|d| d * 86_400))
        .ok_or_else(bad)?;
    u64::try_from(secs)
        .ok()
        .filter(|s| *s <= MAX_TIME)
        .ok_or_else(bad)
}

/// RFC 3339 in UTC, seconds precision; a time past the year 9999 (which
/// no license holds) as its UNIX seconds.
pub fn format_time(secs: u64) -> String {
    fields(secs).map_or_else(
        || format!("{secs} (UNIX seconds)"),
        |(y, m, d, h, mi, s)| format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
    )
}

/// A date for reading aloud: `2027-12-01`, with the time of day when it is
/// not midnight UTC (`2027-12-01 13:45 UTC`).
pub fn aloud_time(secs: u64) -> String {
    match fields(secs) {
        None => format!("{secs} (UNIX seconds)"),
        Some((y, m, d, 0, 0, 0)) => format!("{y:04}-{m:02}-{d:02}"),
        Some((y, m, d, h, mi, _)) => format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02} UTC"),
    }
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

    /// The hand-written calendar against chrono (a reviewed implementation
    /// of the same proleptic Gregorian calendar and RFC 3339 grammar).
    mod against_chrono {
        use super::*;
        use chrono::{DateTime, Utc};
        use proptest::prelude::*;

        fn chrono_format(secs: u64, fmt: &str) -> String {
            DateTime::<Utc>::from_timestamp(i64::try_from(secs).unwrap(), 0)
                .unwrap()
                .format(fmt)
                .to_string()
        }

        proptest! {
            #[test]
            fn format_time_is_chronos(secs in 0..=MAX_TIME) {
                prop_assert_eq!(format_time(secs), chrono_format(secs, "%Y-%m-%dT%H:%M:%SZ"));
                let aloud = if secs % 86_400 == 0 {
                    chrono_format(secs, "%Y-%m-%d")
                } else {
                    chrono_format(secs, "%Y-%m-%d %H:%M UTC")
                };
                prop_assert_eq!(aloud_time(secs), aloud);
                prop_assert_eq!(parse_time(&format_time(secs), 0, "--at"), Ok(secs));
            }

            #[test]
            fn rfc3339_reads_as_chrono_reads_it(
                y in 1960u32..=10_000, m in 0u32..=13, d in 0u32..=32,
                h in 0u32..=24, mi in 0u32..=60, s in 0u32..=60,
                frac in proptest::option::of("[0-9]{1,9}"),
                sep in prop::sample::select(vec!["T", "t", " ", "_"]),
                zone in prop::sample::select(vec!["Z", "z", "+00:00", "-00:00", "+05:30", "-11:59", "+23:59", "+24:00", "+1:00", ""]),
            ) {
                let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
                let text = format!("{y:04}-{m:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{frac}{zone}");
                let chrono = DateTime::parse_from_rfc3339(&text)
                    .ok()
                    .and_then(|t| u64::try_from(t.timestamp()).ok())
                    .filter(|t| *t <= MAX_TIME);
                prop_assert_eq!(parse_time(&text, 0, "--at").ok(), chrono, "{}", text);
            }

            #[test]
            fn dates_read_as_chrono_reads_them(y in 1960u32..=10_000, m in 0u32..=13, d in 0u32..=32) {
                let text = format!("{y:04}-{m:02}-{d:02}");
                let chrono = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| u64::try_from(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp()).ok())
                    .filter(|t| *t <= MAX_TIME);
                prop_assert_eq!(parse_time(&text, 0, "--at").ok(), chrono, "{}", text);
            }
        }
    }
}
