//! `Edm.Duration`: an ISO 8601 day-time duration that keeps its written form.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

const NANOS: i128 = 1_000_000_000;

/// Error for text that is not a valid `Edm.Duration`; names the text and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Edm.Duration {text:?}: {reason}")]
pub struct DurationParseError {
    /// The rejected input.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// An `Edm.Duration`: `[-]P[nD][T[nH][nM][n[.f]S]]` (days, hours, minutes, seconds; no
/// years or months).
///
/// The written components are kept, so [`Display`](fmt::Display) and serialization
/// reproduce the input (`PT0.016S`, `P1DT2H`, `PT1H30M`, `-PT5S`, `P0D`, `PT90M`).
/// A leading `+` and leading zeros (`P02D`) are accepted and not written back. Seconds take at most 9 fractional digits.
///
/// Equality, ordering and hashing are by length: `PT90M` equals `PT1H30M`.
#[derive(Clone, Copy)]
pub struct Duration {
    negative: bool,
    days: Option<u64>,
    hours: Option<u64>,
    minutes: Option<u64>,
    seconds: Option<u64>,
    nanos: u32,
    frac_digits: u8,
}

impl Duration {
    /// The zero duration, written `PT0S`.
    pub const ZERO: Self = Self {
        negative: false,
        days: None,
        hours: None,
        minutes: None,
        seconds: Some(0),
        nanos: 0,
        frac_digits: 0,
    };

    /// Builds a duration from a `std::time::Duration`, written the way .NET (Graph's
    /// backend) does: zero components omitted, fewest fractional digits
    /// (`16 ms` → `PT0.016S`, `93_600 s` → `P1DT2H`, zero → `PT0S`).
    pub fn from_std(d: std::time::Duration) -> Self {
        let total = d.as_secs();
        let nonzero = |v: u64| (v != 0).then_some(v);
        let nanos = d.subsec_nanos();
        let mut out = Self {
            negative: false,
            days: nonzero(total / 86_400),
            hours: nonzero(total % 86_400 / 3600),
            minutes: nonzero(total % 3600 / 60),
            seconds: nonzero(total % 60).or((nanos != 0).then_some(0)),
            nanos,
            frac_digits: fewest_digits(nanos),
        };
        if out.days.is_none() && out.hours.is_none() && out.minutes.is_none() {
            out.seconds = out.seconds.or(Some(0));
        }
        out
    }

    /// The same duration with the sign flipped (`PT5S` ↔ `-PT5S`).
    pub fn negated(self) -> Self {
        Self {
            negative: !self.negative,
            ..self
        }
    }

    /// True when written with a leading `-` (even for a zero length).
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// Signed length in nanoseconds (cannot overflow: components are `u64`).
    pub fn total_nanos(&self) -> i128 {
        let secs = i128::from(self.days.unwrap_or(0)) * 86_400
            + i128::from(self.hours.unwrap_or(0)) * 3600
            + i128::from(self.minutes.unwrap_or(0)) * 60
            + i128::from(self.seconds.unwrap_or(0));
        let n = secs * NANOS + i128::from(self.nanos);
        if self.negative {
            -n
        } else {
            n
        }
    }

    /// As a `std::time::Duration`; `None` when negative (non-zero) or longer than
    /// `u64::MAX` seconds.
    pub fn to_std(&self) -> Option<std::time::Duration> {
        let n = self.total_nanos();
        if n < 0 {
            return None;
        }
        let secs = u64::try_from(n / NANOS).ok()?;
        let nanos = u32::try_from(n % NANOS).ok()?;
        Some(std::time::Duration::new(secs, nanos))
    }

    /// Signed length in seconds (`-PT1.5S` → `-1.5`).
    pub fn as_secs_f64(&self) -> f64 {
        self.total_nanos() as f64 / 1e9
    }
}

impl Default for Duration {
    fn default() -> Self {
        Self::ZERO
    }
}

impl From<std::time::Duration> for Duration {
    fn from(d: std::time::Duration) -> Self {
        Self::from_std(d)
    }
}

fn fewest_digits(nanos: u32) -> u8 {
    if nanos == 0 {
        return 0;
    }
    let (mut n, mut digits) = (nanos, 9);
    while n % 10 == 0 {
        n /= 10;
        digits -= 1;
    }
    digits
}

impl FromStr for Duration {
    type Err = DurationParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse(text).map_err(|reason| DurationParseError {
            text: text.to_owned(),
            reason,
        })
    }
}

/// Reads leading ASCII digits as a `u64`; returns the value and the digit count.
fn number(s: &[u8]) -> Result<(u64, usize), &'static str> {
    let len = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let mut v: u64 = 0;
    for d in &s[..len] {
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or("component too large")?;
    }
    Ok((v, len))
}

fn parse(text: &str) -> Result<Duration, &'static str> {
    let mut s = text.as_bytes();
    let mut d = Duration {
        seconds: None,
        ..Duration::ZERO
    };
    match s.first() {
        Some(b'-') => {
            d.negative = true;
            s = &s[1..];
        }
        Some(b'+') => s = &s[1..],
        _ => {}
    }
    s = s
        .strip_prefix(b"P")
        .ok_or("must start with 'P' (after an optional sign)")?;
    let (date, time) = match s.iter().position(|&b| b == b'T') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    if !date.is_empty() {
        let (v, len) = number(date)?;
        match date.get(len) {
            _ if len == 0 => return Err("expected a number of days"),
            Some(b'D') if len + 1 == date.len() => d.days = Some(v),
            Some(b'Y' | b'M' | b'W') => {
                return Err("years, months and weeks are not allowed (Edm.Duration is day-time)")
            }
            Some(b'.') => return Err("only seconds may have a fraction"),
            _ => return Err("expected 'D' after the days, then 'T' and time components"),
        }
    }
    if let Some(mut t) = time {
        if t.is_empty() {
            return Err("'T' must be followed by hours, minutes or seconds");
        }
        // Index into H, M, S: components must come in this order, each at most once.
        let mut next = 0;
        while !t.is_empty() {
            let (v, len) = number(t)?;
            if len == 0 {
                return Err("expected a number in the time part");
            }
            t = &t[len..];
            let mut frac = None;
            if let Some(rest) = t.strip_prefix(b".") {
                let (f, flen) = number(rest).map_err(|_| "too many fractional digits")?;
                if flen == 0 {
                    return Err("expected digits after '.'");
                }
                if flen > 9 {
                    return Err("more than 9 fractional-second digits");
                }
                frac = Some((f, flen));
                t = &rest[flen..];
            }
            let slot = match t.first() {
                Some(b'H') => 0,
                Some(b'M') => 1,
                Some(b'S') => 2,
                Some(b'D') => return Err("days must come before 'T'"),
                Some(b'Y' | b'W') => {
                    return Err(
                        "years, months and weeks are not allowed (Edm.Duration is day-time)",
                    )
                }
                _ => return Err("expected 'H', 'M' or 'S' after a number"),
            };
            if slot < next {
                return Err("time components out of order or repeated (expected H, M, S)");
            }
            if frac.is_some() && slot != 2 {
                return Err("only seconds may have a fraction");
            }
            next = slot + 1;
            t = &t[1..];
            match slot {
                0 => d.hours = Some(v),
                1 => d.minutes = Some(v),
                _ => {
                    d.seconds = Some(v);
                    if let Some((f, flen)) = frac {
                        // f < 10^flen <= 10^9, so it fits in u32.
                        let f = u32::try_from(f).map_err(|_| "fraction too long")?;
                        d.nanos = f * 10u32.pow(9 - flen as u32);
                        d.frac_digits = flen as u8;
                    }
                }
            }
        }
    } else if date.is_empty() {
        return Err("no components after 'P'");
    }
    Ok(d)
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.negative {
            f.write_str("-")?;
        }
        f.write_str("P")?;
        if let Some(days) = self.days {
            write!(f, "{days}D")?;
        }
        if self.hours.is_some() || self.minutes.is_some() || self.seconds.is_some() {
            f.write_str("T")?;
            if let Some(h) = self.hours {
                write!(f, "{h}H")?;
            }
            if let Some(m) = self.minutes {
                write!(f, "{m}M")?;
            }
            if let Some(s) = self.seconds {
                write!(f, "{s}")?;
                if self.frac_digits > 0 {
                    let all = format!("{:09}", self.nanos);
                    write!(f, ".{}", &all[..usize::from(self.frac_digits)])?;
                }
                f.write_str("S")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Duration({self})")
    }
}

impl PartialEq for Duration {
    fn eq(&self, other: &Self) -> bool {
        self.total_nanos() == other.total_nanos()
    }
}

impl Eq for Duration {}

impl PartialOrd for Duration {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Duration {
    fn cmp(&self, other: &Self) -> Ordering {
        self.total_nanos().cmp(&other.total_nanos())
    }
}

impl Hash for Duration {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.total_nanos().hash(state);
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an Edm.Duration string such as \"PT0.016S\"")
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
    use std::time::Duration as Std;

    fn p(s: &str) -> Duration {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn graph_forms_round_trip_exactly() {
        for text in [
            "PT0.016S",
            "PT0.061S",
            "PT0.474S",
            "P1DT2H",
            "PT1H30M",
            "-PT5S",
            "P0D",
            "PT0S",
            "PT90M",
            "P2DT0H0M0.5S",
            "PT1.000S",
            "PT0.0000001S",
            "P1D",
        ] {
            let d = p(text);
            assert_eq!(d.to_string(), text);
            let json = serde_json::to_string(&d).unwrap_or_default();
            assert_eq!(json, format!("\"{text}\""));
            let back: Duration = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back.to_string(), text);
        }
    }

    #[test]
    fn values() {
        assert_eq!(p("PT0.016S").to_std(), Some(Std::from_millis(16)));
        assert_eq!(p("P1DT2H").to_std(), Some(Std::from_secs(93_600)));
        assert_eq!(p("PT1H30M").as_secs_f64(), 5400.0);
        assert_eq!(p("-PT5S").as_secs_f64(), -5.0);
        assert_eq!(p("-PT5S").to_std(), None);
        assert_eq!(p("-PT0S").to_std(), Some(Std::ZERO));
        assert_eq!(p("P0D").to_std(), Some(Std::ZERO));
        assert_eq!(p("PT0.0000001S").total_nanos(), 100);
        assert_eq!(p("+PT1S").to_string(), "PT1S");
    }

    #[test]
    fn equality_by_length() {
        assert_eq!(p("PT90M"), p("PT1H30M"));
        assert_eq!(p("P0D"), Duration::ZERO);
        assert!(p("-PT5S") < p("PT0S"));
        assert!(p("PT0.016S") < p("PT0.061S"));
    }

    #[test]
    fn from_std_uses_dotnet_form() {
        assert_eq!(
            Duration::from_std(Std::from_millis(16)).to_string(),
            "PT0.016S"
        );
        assert_eq!(
            Duration::from_std(Std::from_secs(93_600)).to_string(),
            "P1DT2H"
        );
        assert_eq!(
            Duration::from_std(Std::from_secs(5400)).to_string(),
            "PT1H30M"
        );
        assert_eq!(Duration::from_std(Std::ZERO).to_string(), "PT0S");
        assert_eq!(
            Duration::from_std(Std::new(60, 5)).to_string(),
            "PT1M0.000000005S"
        );
        assert_eq!(
            Duration::from_std(Std::from_secs(5)).negated().to_string(),
            "-PT5S"
        );
        let big = Std::new(u64::MAX, 999_999_999);
        assert_eq!(Duration::from_std(big).to_std(), Some(big));
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        for (text, reason) in [
            ("", "must start with 'P' (after an optional sign)"),
            ("1S", "must start with 'P' (after an optional sign)"),
            ("P", "no components after 'P'"),
            ("PT", "'T' must be followed by hours, minutes or seconds"),
            (
                "P1Y",
                "years, months and weeks are not allowed (Edm.Duration is day-time)",
            ),
            (
                "P1M",
                "years, months and weeks are not allowed (Edm.Duration is day-time)",
            ),
            (
                "P1W",
                "years, months and weeks are not allowed (Edm.Duration is day-time)",
            ),
            (
                "PT1M2H",
                "time components out of order or repeated (expected H, M, S)",
            ),
            (
                "PT1S1S",
                "time components out of order or repeated (expected H, M, S)",
            ),
            ("PT1.5M", "only seconds may have a fraction"),
            ("P1.5D", "only seconds may have a fraction"),
            ("PT1.S", "expected digits after '.'"),
            ("PT0.1234567891S", "more than 9 fractional-second digits"),
            ("PT5", "expected 'H', 'M' or 'S' after a number"),
            ("PTS", "expected a number in the time part"),
            ("PT1D", "days must come before 'T'"),
            ("PT99999999999999999999S", "component too large"),
            (
                "P1DX",
                "expected 'D' after the days, then 'T' and time components",
            ),
            ("PD", "expected a number of days"),
            (
                "duration'PT1S'",
                "must start with 'P' (after an optional sign)",
            ),
        ] {
            assert_eq!(
                text.parse::<Duration>().err(),
                Some(DurationParseError {
                    text: text.to_owned(),
                    reason
                }),
                "{text}"
            );
        }
    }

    #[test]
    fn serde_error_names_the_text() {
        let err = serde_json::from_str::<Duration>("\"P1Y\"")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("\"P1Y\"") && err.contains("years"), "{err}");
    }
}
