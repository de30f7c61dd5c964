//! Timestamps as integer nanoseconds since the Unix epoch, and their OData literals.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// Nanoseconds since the Unix epoch (i128 so that year 1 and year 9999 fit).
pub type Nanos = i128;

/// Nanoseconds per millisecond.
pub const MS: Nanos = 1_000_000;
/// Nanoseconds per second.
pub const SEC: Nanos = 1_000_000_000;
/// Nanoseconds per day.
pub const DAY: Nanos = 86_400 * SEC;

/// Convert a chrono timestamp to nanoseconds.
pub fn to_nanos(t: DateTime<Utc>) -> Nanos {
    Nanos::from(t.timestamp()) * SEC + Nanos::from(t.timestamp_subsec_nanos())
}

/// Convert nanoseconds to a chrono timestamp (clamped to chrono's range).
pub fn from_nanos(n: Nanos) -> DateTime<Utc> {
    let secs = n.div_euclid(SEC);
    let sub = n.rem_euclid(SEC) as u32;
    i64::try_from(secs)
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, sub))
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

/// RFC 3339 with `Z` and exactly `digits` fractional digits (0, 3, 6 or 7).
pub fn format(n: Nanos, digits: u32) -> String {
    let t = from_nanos(n);
    let base = t.to_rfc3339_opts(SecondsFormat::Secs, true);
    if digits == 0 {
        return base;
    }
    let frac = n.rem_euclid(SEC) as u64; // 9 digits
    let mut s = String::with_capacity(base.len() + 8);
    s.push_str(&base[..base.len() - 1]);
    let f = format!("{frac:09}");
    s.push('.');
    s.push_str(&f[..digits.min(9) as usize]);
    s.push('Z');
    s
}

/// Parse an OData `Edm.DateTimeOffset` (or date-only) URL literal, already percent-decoded.
///
/// Accepts `2026-11-01`, `2026-11-01T00:00:00Z`, fractional seconds up to 7 digits
/// and explicit offsets (`+01:00`). Rejects quotes, missing offsets and anything else.
pub fn parse_literal(s: &str) -> Result<Nanos, String> {
    if s.is_empty() {
        return Err("The value is empty.".into());
    }
    if s.contains('\'') || s.contains('"') {
        return Err(format!(
            "The literal '{s}' is quoted; Edm.DateTimeOffset literals are unquoted."
        ));
    }
    if s.len() == 10 {
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| format!("The literal '{s}' is not a valid Edm.Date."))?;
        let t = d
            .and_hms_opt(0, 0, 0)
            .map(|n| n.and_utc())
            .ok_or_else(|| format!("The literal '{s}' is not a valid Edm.Date."))?;
        return Ok(to_nanos(t));
    }
    if let Some(frac) = s.split_once('.').map(|(_, f)| f) {
        let digits = frac.chars().take_while(char::is_ascii_digit).count();
        if digits > 7 {
            return Err(format!(
                "The literal '{s}' has more than 7 fractional digits."
            ));
        }
    }
    DateTime::parse_from_rfc3339(s)
        .map(|t| to_nanos(t.with_timezone(&Utc)))
        .map_err(|_| format!("The literal '{s}' is not a valid Edm.DateTimeOffset."))
}

/// The `innerError.date` format Graph uses: no fraction, no offset.
pub fn error_date(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        let d = parse_literal("2026-11-01").unwrap();
        assert_eq!(format(d, 0), "2026-11-01T00:00:00Z");
        assert_eq!(parse_literal("2026-11-01T00:00:00Z").unwrap(), d);
        assert_eq!(parse_literal("2026-11-01T01:00:00+01:00").unwrap(), d);
        assert_eq!(
            parse_literal("2026-11-01T00:00:00.1234567Z").unwrap(),
            d + 123_456_700
        );
        assert!(parse_literal("2026-11-01T00:00:00").is_err());
        assert!(parse_literal("'2026-11-01'").is_err());
        assert!(parse_literal("2026-13-01").is_err());
        assert!(parse_literal("2026-11-01 00:00:00 00:00").is_err());
        assert!(parse_literal("2026-11-01T00:00:00.12345678Z").is_err());
    }

    #[test]
    fn formats() {
        let d = parse_literal("2026-11-01T00:00:25.1052345Z").unwrap();
        assert_eq!(format(d, 3), "2026-11-01T00:00:25.105Z");
        assert_eq!(format(d, 7), "2026-11-01T00:00:25.1052345Z");
        assert_eq!(format(-62135596800 * SEC, 0), "0001-01-01T00:00:00Z");
    }
}
