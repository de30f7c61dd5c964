//! Parsing of `--from` / `--to` instants and `--window` spans, with messages
//! that show the accepted forms.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

const FORMS: &str = "use 2026-11-01, 2026-11-01T08:00, 2026-11-01T08:00:00Z, \
                     2026-11-01T08:00:00+01:00, now, today, now-7d or now-12h";

/// Parse an instant: RFC 3339, a date (midnight UTC), a date and time without
/// offset (UTC), `now`, `today` (midnight UTC) or `now-<span>`.
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    parse_instant_at(text, Utc::now())
}

/// A `--from` / `--to` argument: the text as typed and the instant it means now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstantArg {
    /// The resolved instant.
    pub at: DateTime<Utc>,
    /// The argument as typed (trimmed), e.g. `now-7d`.
    pub text: String,
}

/// [`parse_instant`], keeping the text (so `--resume` can recognise `now-7d`).
pub fn parse_instant_arg(text: &str) -> Result<InstantArg, String> {
    Ok(InstantArg {
        at: parse_instant(text)?,
        text: text.trim().to_string(),
    })
}

/// [`parse_instant`] with an explicit "now" (for tests).
///
/// The result is truncated to Graph's 100 ns resolution: a literal with more
/// than 7 fraction digits is rejected by the service (400).
pub fn parse_instant_at(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    parse_exact(text, now).map(to_tick)
}

/// Truncate to the 100 ns grid of Graph timestamps.
fn to_tick(t: DateTime<Utc>) -> DateTime<Utc> {
    let extra = i64::from(t.timestamp_subsec_nanos() % 100);
    t - Duration::nanoseconds(extra)
}

fn parse_exact(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(format!("empty date/time: {FORMS}"));
    }
    let lower = t.to_ascii_lowercase();
    if lower == "now" {
        return Ok(now);
    }
    if lower == "today" {
        return Ok(midnight(now.date_naive()));
    }
    if let Some(span) = lower.strip_prefix("now-") {
        let d = parse_span(span)?;
        return now
            .checked_sub_signed(d)
            .ok_or_else(|| format!("{t:?} is out of range"));
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(t, fmt) {
            return Ok(n.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(midnight(d));
    }
    Err(format!("{t:?} is not a date/time: {FORMS}"))
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// Parse a span: a positive whole number followed by `d`, `h`, `m` (minutes) or `s`.
pub fn parse_span(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let bad = || format!("{t:?} is not a duration: use e.g. 90d, 12h, 30m or 45s");
    let unit = t.chars().last().ok_or_else(bad)?;
    let number: i64 = t[..t.len() - unit.len_utf8()].parse().map_err(|_| bad())?;
    if number <= 0 {
        return Err(format!("{t:?}: the duration must be positive"));
    }
    let secs_per = match unit.to_ascii_lowercase() {
        'd' => 86_400,
        'h' => 3_600,
        'm' => 60,
        's' => 1,
        _ => return Err(bad()),
    };
    number
        .checked_mul(secs_per)
        .filter(|s| *s <= 36_500 * 86_400)
        .map(Duration::seconds)
        .ok_or_else(|| format!("{t:?} is too long"))
}

/// Render a span for messages (`90d`, `12h`, `1d 6h`).
pub fn show_span(d: Duration) -> String {
    let secs = d.num_seconds();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    match (days, rest) {
        (0, r) if r % 3600 == 0 => format!("{}h", r / 3600),
        (0, r) => format!("{r}s"),
        (d, 0) => format!("{d}d"),
        (d, r) if r % 3600 == 0 => format!("{d}d {}h", r / 3600),
        (d, r) => format!("{d}d {r}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn accepted_forms() {
        let now = at(2026, 11, 24, 11, 30, 0);
        let p = |s| parse_instant_at(s, now).unwrap();
        assert_eq!(p("2026-11-01"), at(2026, 11, 1, 0, 0, 0));
        assert_eq!(p("2026-11-01T08:00"), at(2026, 11, 1, 8, 0, 0));
        assert_eq!(p("2026-11-01T08:00:05"), at(2026, 11, 1, 8, 0, 5));
        assert_eq!(p("2026-11-01T08:00:00Z"), at(2026, 11, 1, 8, 0, 0));
        assert_eq!(p("2026-11-01T08:00:00+01:00"), at(2026, 11, 1, 7, 0, 0));
        assert_eq!(p("now"), now);
        assert_eq!(p("TODAY"), at(2026, 11, 24, 0, 0, 0));
        assert_eq!(p("now-7d"), at(2026, 11, 17, 11, 30, 0));
        assert_eq!(p("now-12h"), at(2026, 11, 23, 23, 30, 0));
    }

    #[test]
    fn instants_are_truncated_to_100_ns() {
        let now = at(2026, 11, 24, 11, 30, 0) + Duration::nanoseconds(123_456_789);
        for text in ["now", "now-7d", "now-12h"] {
            let t = parse_instant_at(text, now).unwrap();
            assert_eq!(t.timestamp_subsec_nanos(), 123_456_700, "{text}");
        }
        let p = |s| parse_instant_at(s, now).unwrap();
        assert_eq!(
            p("2026-11-01T08:00:00.123456789Z").timestamp_subsec_nanos(),
            123_456_700
        );
        assert_eq!(
            p("2026-11-01T08:00:00.123456789").timestamp_subsec_nanos(),
            123_456_700
        );
        assert_eq!(crate::plan::lit(p("now")), "2026-11-24T11:30:00.1234567Z");
    }

    #[test]
    fn rejected_forms_name_the_value_and_the_forms() {
        let now = at(2026, 11, 24, 0, 0, 0);
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-02-30",
            "01/11/2026",
            "now-",
            "now-3x",
        ] {
            let e = parse_instant_at(bad, now).expect_err(bad);
            assert!(
                e.contains("2026-11-01") || e.contains("duration"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn spans() {
        assert_eq!(parse_span("90d").unwrap(), Duration::days(90));
        assert_eq!(parse_span("12h").unwrap(), Duration::hours(12));
        assert_eq!(parse_span("30m").unwrap(), Duration::minutes(30));
        assert!(parse_span("0d").is_err());
        assert!(parse_span("-1d").is_err());
        assert!(parse_span("d").is_err());
        assert!(parse_span("").is_err());
        assert!(parse_span("99999999999d").is_err());
        assert_eq!(show_span(Duration::days(90)), "90d");
        assert_eq!(show_span(Duration::hours(30)), "1d 6h");
        assert_eq!(show_span(Duration::hours(5)), "5h");
    }
}
