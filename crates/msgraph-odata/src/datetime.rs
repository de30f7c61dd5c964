//! `Edm.DateTimeOffset` that remembers how it was written.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Timelike, Utc};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

const NANOS_PER_SEC: u32 = 1_000_000_000;

/// Error for text that is not a valid `Edm.DateTimeOffset`; names the text and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Edm.DateTimeOffset {text:?}: {reason}")]
pub struct DateTimeParseError {
    /// The rejected input.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// How the offset was written, so [`Display`](fmt::Display) can reproduce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OffsetStyle {
    /// `Z`
    Zulu,
    /// `+hh:mm` / `-hh:mm`
    Numeric,
    /// No offset at all (only from [`DateTimeOffset::parse_lenient`]); means UTC.
    Absent,
}

/// An `Edm.DateTimeOffset` (RFC 3339 / OData `dateTimeOffsetValue`).
///
/// Keeps the number of fractional-second digits, whether seconds were written and how
/// the offset was written, so that serialization reproduces Graph's text exactly:
/// `2023-09-25T10:36:40Z`, `2019-11-01T00:00:25.105Z`, `2020-02-25T19:00:24.582757Z`,
/// `2020-02-25T18:52:21.2169889Z`, `2021-03-01T08:00:00+02:00`.
/// Exceptions: lowercase `t`/`z` are written back uppercase and `-00:00` as `+00:00`.
///
/// Equality, ordering and hashing are by instant: `…T10:00:00Z` equals `…T12:00:00+02:00`.
/// At most 9 fractional digits are accepted (chrono's nanosecond resolution).
#[derive(Clone, Copy)]
pub struct DateTimeOffset {
    dt: DateTime<FixedOffset>,
    /// Fractional-second digits written (0–9).
    frac_digits: u8,
    /// `false` for the OData short form `hh:mm` without seconds.
    seconds: bool,
    style: OffsetStyle,
}

impl DateTimeOffset {
    /// Parses like [`FromStr`] but also accepts a missing offset, read as UTC
    /// (Graph's `innerError.date` is sent as `2020-08-18T12:51:51`).
    /// Such a value is written back without an offset.
    pub fn parse_lenient(text: &str) -> Result<Self, DateTimeParseError> {
        parse(text, true)
    }

    /// The value with its offset.
    pub fn as_datetime(&self) -> DateTime<FixedOffset> {
        self.dt
    }

    /// The instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.dt.with_timezone(&Utc)
    }

    /// Number of fractional-second digits this value is written with (0–9).
    pub fn fraction_digits(&self) -> u8 {
        self.frac_digits
    }

    /// Returns this value written with `digits` fractional digits (clamped to 9), truncating
    /// the instant to that precision so that what is written is what compares.
    pub fn with_fraction_digits(self, digits: u8) -> Self {
        let digits = digits.min(9);
        let unit = 10u32.pow(9 - u32::from(digits));
        let nanos = self.dt.nanosecond();
        let kept = nanos - (nanos % NANOS_PER_SEC) % unit;
        let dt = self.dt.with_nanosecond(kept).unwrap_or(self.dt);
        Self {
            dt,
            frac_digits: digits,
            seconds: true,
            ..self
        }
    }

    /// `0001-01-01T00:00:00Z`, which Graph sends for "no value" (e.g. direct-routing
    /// `failureDateTime` of successful calls).
    pub fn min_sentinel() -> Self {
        // 0001-01-01 is always a valid date; the fallback is never taken.
        let dt = NaiveDate::from_ymd_opt(1, 1, 1)
            .unwrap_or(NaiveDate::MIN)
            .and_time(NaiveTime::MIN)
            .and_utc();
        Self::from(dt)
    }

    /// True when this is the instant `0001-01-01T00:00:00Z` (see [`Self::min_sentinel`]).
    pub fn is_min_sentinel(&self) -> bool {
        let u = self.to_utc();
        u.year() == 1 && u.ordinal() == 1 && u.time() == NaiveTime::MIN
    }
}

impl From<DateTime<Utc>> for DateTimeOffset {
    /// Written with `Z` and the fewest fractional digits that keep the instant exact.
    fn from(dt: DateTime<Utc>) -> Self {
        Self {
            dt: dt.fixed_offset(),
            frac_digits: min_digits(dt.nanosecond()),
            seconds: true,
            style: OffsetStyle::Zulu,
        }
    }
}

impl From<DateTime<FixedOffset>> for DateTimeOffset {
    /// Written with `Z` for a zero offset, `±hh:mm` otherwise, and the fewest exact digits.
    fn from(dt: DateTime<FixedOffset>) -> Self {
        let style = if dt.offset().local_minus_utc() == 0 {
            OffsetStyle::Zulu
        } else {
            OffsetStyle::Numeric
        };
        Self {
            dt,
            frac_digits: min_digits(dt.nanosecond()),
            seconds: true,
            style,
        }
    }
}

impl From<DateTimeOffset> for DateTime<FixedOffset> {
    fn from(v: DateTimeOffset) -> Self {
        v.dt
    }
}

impl From<DateTimeOffset> for DateTime<Utc> {
    fn from(v: DateTimeOffset) -> Self {
        v.to_utc()
    }
}

/// Fewest fractional digits that represent `nanos` exactly.
fn min_digits(nanos: u32) -> u8 {
    let mut n = nanos % NANOS_PER_SEC;
    if n == 0 {
        return 0;
    }
    let mut digits = 9;
    while n % 10 == 0 {
        n /= 10;
        digits -= 1;
    }
    digits
}

impl FromStr for DateTimeOffset {
    type Err = DateTimeParseError;

    /// Strict OData form: `YYYY-MM-DDThh:mm[:ss[.f{1,9}]]` followed by `Z` or `±hh:mm`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(text, false)
    }
}

/// Cursor over the ASCII input; every failure carries a reason for [`DateTimeParseError`].
struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize, what: &'static str) -> Result<u32, &'static str> {
        let slice = self.b.get(self.pos..self.pos + n).ok_or(what)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return Err(what);
        }
        self.pos += n;
        Ok(slice
            .iter()
            .fold(0, |acc, d| acc * 10 + u32::from(d - b'0')))
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8, what: &'static str) -> Result<(), &'static str> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(what)
        }
    }
}

fn parse(text: &str, lenient: bool) -> Result<DateTimeOffset, DateTimeParseError> {
    parse_inner(text, lenient).map_err(|reason| DateTimeParseError {
        text: text.to_owned(),
        reason,
    })
}

fn parse_inner(text: &str, lenient: bool) -> Result<DateTimeOffset, &'static str> {
    let mut c = Cursor {
        b: text.as_bytes(),
        pos: 0,
    };
    let year = c.digits(4, "expected a 4-digit year")?;
    c.expect(b'-', "expected '-' after the year")?;
    let month = c.digits(2, "expected a 2-digit month")?;
    c.expect(b'-', "expected '-' after the month")?;
    let day = c.digits(2, "expected a 2-digit day")?;
    if !(c.eat(b'T') || c.eat(b't')) {
        return Err("expected 'T' between date and time");
    }
    let hour = c.digits(2, "expected a 2-digit hour")?;
    c.expect(b':', "expected ':' after the hour")?;
    let minute = c.digits(2, "expected 2-digit minutes")?;
    let (mut second, mut nanos, mut frac_digits, seconds) = (0, 0, 0u8, c.eat(b':'));
    if seconds {
        second = c.digits(2, "expected 2-digit seconds")?;
        if c.eat(b'.') {
            let start = c.pos;
            while c.b.get(c.pos).is_some_and(u8::is_ascii_digit) {
                c.pos += 1;
            }
            let n = c.pos - start;
            if n == 0 {
                return Err("expected digits after '.'");
            }
            if n > 9 {
                return Err("more than 9 fractional-second digits");
            }
            c.pos = start;
            let value = c.digits(n, "expected fractional digits")?;
            nanos = value * 10u32.pow(9 - n as u32);
            frac_digits = n as u8;
        }
    }
    let style;
    let mut offset_secs = 0i32;
    if c.eat(b'Z') || c.eat(b'z') {
        style = OffsetStyle::Zulu;
    } else if let Some(&sign @ (b'+' | b'-')) = c.b.get(c.pos) {
        c.pos += 1;
        let oh = c.digits(2, "expected a 2-digit offset hour")?;
        c.expect(b':', "expected ':' in the offset")?;
        let om = c.digits(2, "expected 2-digit offset minutes")?;
        if oh > 23 || om > 59 {
            return Err("offset out of range");
        }
        let secs = (oh * 3600 + om * 60) as i32;
        offset_secs = if sign == b'-' { -secs } else { secs };
        style = OffsetStyle::Numeric;
    } else if lenient && c.pos == c.b.len() {
        style = OffsetStyle::Absent;
    } else {
        return Err("expected 'Z' or a '+hh:mm'/'-hh:mm' offset");
    }
    if c.pos != c.b.len() {
        return Err("unexpected text after the offset");
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day).ok_or("no such date")?;
    // A leap second `:60` is kept the chrono way: second 59 plus one extra second of nanos.
    if second == 60 {
        second = 59;
        nanos += NANOS_PER_SEC;
    }
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).ok_or("no such time")?;
    let offset = FixedOffset::east_opt(offset_secs).ok_or("offset out of range")?;
    let dt = date
        .and_time(time)
        .and_local_timezone(offset)
        .single()
        .ok_or("time not representable")?;
    Ok(DateTimeOffset {
        dt,
        frac_digits,
        seconds,
        style,
    })
}

impl fmt::Display for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let local = self.dt.naive_local();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            local.year(),
            local.month(),
            local.day(),
            local.hour(),
            local.minute()
        )?;
        if self.seconds {
            let raw = local.nanosecond();
            let (second, nanos) = if raw >= NANOS_PER_SEC {
                (60, raw - NANOS_PER_SEC)
            } else {
                (local.second(), raw)
            };
            write!(f, ":{second:02}")?;
            if self.frac_digits > 0 {
                let all = format!("{nanos:09}");
                write!(f, ".{}", &all[..usize::from(self.frac_digits)])?;
            }
        }
        match self.style {
            OffsetStyle::Zulu => f.write_str("Z"),
            OffsetStyle::Absent => Ok(()),
            OffsetStyle::Numeric => {
                let secs = self.dt.offset().local_minus_utc();
                let sign = if secs < 0 { '-' } else { '+' };
                let secs = secs.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
            }
        }
    }
}

impl fmt::Debug for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DateTimeOffset({self})")
    }
}

impl PartialEq for DateTimeOffset {
    fn eq(&self, other: &Self) -> bool {
        self.dt == other.dt
    }
}

impl Eq for DateTimeOffset {}

impl PartialOrd for DateTimeOffset {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTimeOffset {
    fn cmp(&self, other: &Self) -> Ordering {
        self.dt.cmp(&other.dt)
    }
}

impl Hash for DateTimeOffset {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.to_utc().hash(state);
    }
}

impl Serialize for DateTimeOffset {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateTimeOffset {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = DateTimeOffset;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an Edm.DateTimeOffset string such as \"2023-09-25T10:36:40Z\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRAPH_FORMS: &[&str] = &[
        "2023-09-25T10:36:40Z",
        "2019-11-01T00:00:25.105Z",
        "2020-02-25T19:00:24.582757Z",
        "2020-02-25T18:52:21.2169889Z",
        "2021-03-01T08:00:00+02:00",
        "2021-03-01T08:00:00.5-05:30",
        "0001-01-01T00:00:00Z",
        "2021-03-01T08:00Z",
        "2016-12-31T23:59:60Z",
    ];

    #[test]
    fn graph_forms_round_trip_exactly() {
        for text in GRAPH_FORMS {
            let v: DateTimeOffset = text.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(v.to_string(), *text);
            let json = serde_json::to_string(&v).unwrap_or_default();
            assert_eq!(json, format!("\"{text}\""));
            let back: DateTimeOffset =
                serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back.to_string(), *text);
        }
    }

    #[test]
    fn seven_digits_keep_100ns() {
        let v: DateTimeOffset = "2020-02-25T18:52:21.2169889Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.to_utc().nanosecond(), 216_988_900);
        assert_eq!(v.fraction_digits(), 7);
    }

    #[test]
    fn offsets_compare_by_instant() {
        let a: DateTimeOffset = "2021-03-01T06:00:00Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let b: DateTimeOffset = "2021-03-01T08:00:00.000+02:00"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let c: DateTimeOffset = "2021-03-01T06:00:00.001Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a, b);
        assert!(a < c && b < c);
        assert_eq!(b.to_utc(), a.to_utc());
    }

    #[test]
    fn min_sentinel() {
        let v: DateTimeOffset = "0001-01-01T00:00:00Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(v.is_min_sentinel());
        assert_eq!(DateTimeOffset::min_sentinel(), v);
        assert_eq!(
            DateTimeOffset::min_sentinel().to_string(),
            "0001-01-01T00:00:00Z"
        );
        let w: DateTimeOffset = "0001-01-01T00:00:01Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!w.is_min_sentinel());
    }

    #[test]
    fn from_utc_uses_z_and_fewest_digits() {
        let utc = DateTime::parse_from_rfc3339("2019-11-01T00:00:25.105000Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            DateTimeOffset::from(utc).to_string(),
            "2019-11-01T00:00:25.105Z"
        );
        let whole = utc.with_nanosecond(0).unwrap_or(utc);
        assert_eq!(
            DateTimeOffset::from(whole).to_string(),
            "2019-11-01T00:00:25Z"
        );
    }

    #[test]
    fn with_fraction_digits_truncates() {
        let v: DateTimeOffset = "2020-02-25T18:52:21.2169889Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let w = v.with_fraction_digits(3);
        assert_eq!(w.to_string(), "2020-02-25T18:52:21.216Z");
        assert_eq!(w.to_utc().nanosecond(), 216_000_000);
    }

    #[test]
    fn lenient_accepts_missing_offset() {
        let v =
            DateTimeOffset::parse_lenient("2020-08-18T12:51:51").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v.to_string(), "2020-08-18T12:51:51");
        let z: DateTimeOffset = "2020-08-18T12:51:51Z"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v, z);
        assert!("2020-08-18T12:51:51".parse::<DateTimeOffset>().is_err());
        assert!(DateTimeOffset::parse_lenient("2020-08-18T12:51:51Zx").is_err());
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        for (text, reason) in [
            ("", "expected a 4-digit year"),
            ("2020-13-01T00:00:00Z", "no such date"),
            ("2020-02-30T00:00:00Z", "no such date"),
            ("2020-02-01 00:00:00Z", "expected 'T' between date and time"),
            ("2020-02-01T25:00:00Z", "no such time"),
            ("2020-02-01T00:00:00.Z", "expected digits after '.'"),
            (
                "2020-02-01T00:00:00.1234567890Z",
                "more than 9 fractional-second digits",
            ),
            ("2020-02-01T00:00:00+2:00", "expected a 2-digit offset hour"),
            ("2020-02-01T00:00:00+24:00", "offset out of range"),
            ("2020-02-01T00:00:00Z ", "unexpected text after the offset"),
            (
                "2020-02-01T00:00:00",
                "expected 'Z' or a '+hh:mm'/'-hh:mm' offset",
            ),
            (
                "2020-02-01T00:00:00é",
                "expected 'Z' or a '+hh:mm'/'-hh:mm' offset",
            ),
        ] {
            let err = text.parse::<DateTimeOffset>().err();
            assert_eq!(
                err,
                Some(DateTimeParseError {
                    text: text.to_owned(),
                    reason
                }),
                "{text}"
            );
        }
    }

    #[test]
    fn serde_error_names_the_text() {
        let err = serde_json::from_str::<DateTimeOffset>("\"yesterday\"")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("\"yesterday\""), "{err}");
        assert!(serde_json::from_str::<DateTimeOffset>("12").is_err());
    }
}
