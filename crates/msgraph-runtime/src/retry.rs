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

impl RetryPolicy {
    /// Decide what to do after failed attempt number `attempt` (1-based) of a
    /// retryable failure: `Some(delay)` to wait and retry, `None` to give up.
    ///
    /// The server's `Retry-After` wins over backoff (0 means retry at once);
    /// the request gives up when attempts are used up or when waiting would
    /// overrun `max_total` (counting the `elapsed` time so far).
    pub fn next_delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let delay = retry_after.unwrap_or_else(|| self.backoff(attempt));
        (elapsed.saturating_add(delay) <= self.max_total).then_some(delay)
    }
}

/// The parsed `Retry-After` header of a response, if it has a valid one.
pub(crate) fn retry_after_header(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()))
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
    fn next_delay_rules() {
        let p = RetryPolicy {
            max_attempts: 3,
            max_total: Duration::from_secs(10),
            // Huge backoff: any retry without Retry-After would blow the budget.
            base_delay: Duration::from_secs(3600),
            max_delay: Duration::from_secs(3600),
        };
        let zero = Duration::ZERO;
        // Retry-After: 0 means now, not backoff.
        assert_eq!(p.next_delay(1, zero, Some(zero)), Some(zero));
        assert_eq!(
            p.next_delay(2, Duration::from_secs(1), Some(Duration::from_millis(2128))),
            Some(Duration::from_millis(2128))
        );
        // Attempt cap.
        assert_eq!(p.next_delay(3, zero, Some(zero)), None);
        // Total cap: Retry-After beyond the remaining budget gives up.
        assert_eq!(
            p.next_delay(1, Duration::from_secs(9), Some(Duration::from_secs(2))),
            None
        );
        assert_eq!(p.next_delay(1, zero, Some(Duration::MAX)), None);
        // Exactly at the budget is still allowed.
        assert_eq!(
            p.next_delay(1, Duration::from_secs(8), Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        let small = RetryPolicy {
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(10),
            ..p
        };
        let d = small.next_delay(1, zero, None).expect("backoff retry");
        assert!(d <= Duration::from_millis(10));
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
