//! Timestamps as integer nanoseconds since the Unix epoch, and their OData literals.

use chrono::{DateTime, NaiveDate, Utc};

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
    Ts(n, digits).to_string()
}

/// A timestamp that formats itself as RFC 3339 with `Z` and `.1` digits of fraction,
/// without allocating (years 0001..=9999; others are clamped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ts(pub Nanos, pub u32);

impl Ts {
    /// Append the same text as `Display` (no formatting machinery).
    pub fn write_to(&self, out: &mut Vec<u8>) {
        let mut buf = [0u8; 30];
        let len = self.render(&mut buf);
        out.extend_from_slice(&buf[..len]);
    }

    /// Render into `buf`, returning the length (at most 30 bytes).
    fn render(&self, buf: &mut [u8; 30]) -> usize {
        const MIN: Nanos = -62_135_596_800 * SEC; // 0001-01-01
        const MAX: Nanos = 253_402_300_799 * SEC; // 9999-12-31T23:59:59
        let (secs, frac) = split(self.0.clamp(MIN, MAX));
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let put = |buf: &mut [u8; 30], at: usize, v: u32, width: usize| {
            let mut v = v;
            for i in (0..width).rev() {
                buf[at + i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(buf, 0, y as u32, 4);
        buf[4] = b'-';
        put(buf, 5, m, 2);
        buf[7] = b'-';
        put(buf, 8, d, 2);
        buf[10] = b'T';
        put(buf, 11, (sod / 3600) as u32, 2);
        buf[13] = b':';
        put(buf, 14, (sod / 60 % 60) as u32, 2);
        buf[16] = b':';
        put(buf, 17, (sod % 60) as u32, 2);
        let mut len = 19;
        let digits = self.1.min(9) as usize;
        if digits > 0 {
            buf[19] = b'.';
            put(buf, 20, frac / 10u32.pow(9 - digits as u32), digits);
            len = 20 + digits;
        }
        buf[len] = b'Z';
        len + 1
    }
}

/// Whole seconds (floored) and the nanoseconds past them. Uses 64-bit division
/// when the value fits (years 1678..2262): 128-bit division is several times slower.
pub fn split(n: Nanos) -> (i64, u32) {
    const SEC64: i64 = SEC as i64;
    match i64::try_from(n) {
        Ok(n) => (n.div_euclid(SEC64), n.rem_euclid(SEC64) as u32),
        Err(_) => (n.div_euclid(SEC) as i64, n.rem_euclid(SEC) as u32),
    }
}

impl std::fmt::Display for Ts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut buf = [0u8; 30];
        let len = self.render(&mut buf);
        // Only ASCII digits and punctuation were written.
        f.write_str(std::str::from_utf8(&buf[..len]).map_err(|_| std::fmt::Error)?)
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
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
        // Cross-check the hand-written calendar against chrono over a wide span.
        for k in (-800_000i64..800_000).step_by(37) {
            let n = Nanos::from(k) * 3_600 * SEC * 7 + Nanos::from(k.rem_euclid(1000)) * MS;
            let want = from_nanos(n).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            assert_eq!(format(n, 3), want);
            let mut out = Vec::new();
            Ts(n, 7).write_to(&mut out);
            assert_eq!(out, format(n, 7).into_bytes());
        }
        let far = Nanos::from(i64::MAX) * 4;
        assert_eq!(
            split(far),
            (far.div_euclid(SEC) as i64, far.rem_euclid(SEC) as u32)
        );
        assert_eq!(split(-1), (-1, 999_999_999));
    }
}
