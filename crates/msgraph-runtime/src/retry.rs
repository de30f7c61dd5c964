//! Retry policy: which failures to retry, how long to wait, when to stop.

use std::time::{Duration, SystemTime};

/// How transient failures (429, 503, 504, transport errors) of GET requests
/// are retried. The same policy applies to every page of a [`crate::Pager`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Maximum number of attempts, the first one included (1 = never retry).
    pub max_attempts: u32,
    /// Upper bound for the time spent across all attempts and waits. A
    /// `Retry-After` that would overrun it ends the request with the error.
    pub max_total: Duration,
    /// First backoff step when the service gives no `Retry-After`.
    pub base_delay: Duration,
    /// Cap of one backoff step (does not shorten a server's `Retry-After`).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            max_total: Duration::from_secs(60),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Exponential backoff with full jitter for retry number `retry` (1-based):
    /// a uniform random delay in `[0, min(max_delay, base_delay * 2^(retry-1))]`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        let ceiling = self
            .base_delay
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// Parse a `Retry-After` header value: integer or fractional seconds (`2.128`)
/// or an HTTP-date (relative to `now`; a date in the past means "now").
/// Returns `None` for values that are neither (the caller then backs off).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    if v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let secs: f64 = v.parse().ok()?;
        // Absurd values saturate instead of panicking; the total cap rejects them.
        return Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_and_fractional_seconds() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("10", now), Some(Duration::from_secs(10)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("2.128", now),
            Some(Duration::from_millis(2128))
        );
        assert_eq!(
            parse_retry_after("0.05", now),
            Some(Duration::from_millis(50))
        );
    }

    #[test]
    fn http_date_is_relative_to_now() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:07 GMT", now),
            Some(Duration::from_secs(7))
        );
        // In the past: retry now.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn garbage_is_none_and_huge_saturates() {
        let now = SystemTime::now();
        for bad in ["", "soon", "-1", "1.2.3", "1e3", "Thu, 99 Foo 2015"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
        assert_eq!(
            parse_retry_after("99999999999999999999999999999", now),
            Some(Duration::MAX)
        );
    }

    #[test]
    fn backoff_stays_within_the_cap() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(250),
            ..RetryPolicy::default()
        };
        for retry in 1..40 {
            let d = p.backoff(retry);
            let cap = if retry == 1 {
                100
            } else if retry == 2 {
                200
            } else {
                250
            };
            assert!(d <= Duration::from_millis(cap), "retry {retry}: {d:?}");
        }
    }
}
