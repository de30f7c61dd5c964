//! Emulator configuration: data volume, page sizes, faults and limits.

use std::ops::RangeInclusive;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};

use crate::realism::Realism;

/// Everything that shapes the emulator's data and behaviour.
///
/// All data is a pure function of this configuration (never of the wall clock),
/// so two emulators with the same configuration serve the same bytes.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// TCP port on 127.0.0.1; `0` picks a free port.
    pub port: u16,
    /// Seed for every generated id, name and number.
    pub seed: u64,
    /// Time anchor: call record 0 and log row 0 start here.
    pub day0: DateTime<Utc>,
    /// Number of call records (record `i` starts at `day0 + i * record_spacing`).
    pub call_records: usize,
    /// Distance between the start times of consecutive call records.
    pub record_spacing: Duration,
    /// Sessions per ordinary record (chosen per record from the seed).
    pub sessions_per_record: RangeInclusive<usize>,
    /// Participants per ordinary record (chosen per record from the seed; at least 1).
    pub participants_per_record: RangeInclusive<usize>,
    /// Every record whose index `i` satisfies `i % n == n - 1` is "large"
    /// (`None`: no large records). Large records exercise nested next links.
    pub large_record_every: Option<usize>,
    /// Sessions of a large record (should exceed 60).
    pub large_record_sessions: usize,
    /// Participants of a large record (should exceed 130).
    pub large_record_participants: usize,
    /// Rows per day for every log function; row `i` starts at
    /// `day0 + i * (86_400_000 / log_rows_per_day)` milliseconds.
    pub log_rows_per_day: u32,
    /// Maximum (and default) page size of `GET /communications/callRecords`.
    pub page_size_records: usize,
    /// Maximum (and default) page size of expanded/listed sessions.
    pub page_size_sessions: usize,
    /// Maximum (and default) page size of expanded/listed participants.
    pub page_size_participants: usize,
    /// Maximum (and default) page size of the log functions.
    pub log_page_size: usize,
    /// Injected failures.
    pub faults: Faults,
    /// The server stops by itself after this long.
    pub max_lifetime: Duration,
    /// The server stops after answering this many requests (token requests included);
    /// later requests see their connection closed.
    pub max_requests: Option<u64>,
    /// If set, Graph requests without `Authorization: Bearer <this>` get `401`,
    /// and the token endpoint issues exactly this token.
    pub expected_token: Option<String>,
    /// If set, the token endpoint rejects any other client secret (AADSTS7000215).
    /// If `None`, any non-empty secret or client assertion is accepted.
    pub client_secret: Option<String>,
    /// Graph-like latency and throttling limits ([`Realism`]); `None` (the
    /// default) answers at once and never throttles, so tests stay fast.
    pub realism: Option<Realism>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            port: 0,
            seed: 42,
            day0: default_day0(),
            call_records: 150,
            record_spacing: Duration::from_secs(600),
            sessions_per_record: 1..=4,
            participants_per_record: 2..=8,
            large_record_every: Some(50),
            large_record_sessions: 150,
            large_record_participants: 300,
            log_rows_per_day: 2000,
            page_size_records: 60,
            page_size_sessions: 60,
            page_size_participants: 130,
            log_page_size: 1000,
            faults: Faults::default(),
            max_lifetime: Duration::from_secs(600),
            max_requests: None,
            expected_token: None,
            client_secret: None,
            realism: None,
        }
    }
}

impl EmulatorConfig {
    /// The Graph-like configuration: [`Realism::default`] (documented limits,
    /// latency of a few hundred ms with a long tail) on top of this one.
    pub fn realistic(mut self) -> Self {
        self.realism = Some(Realism::default());
        self
    }

    /// Scale the call records to `per_day` records a day for `days` days
    /// (`call_records = per_day * days`, evenly spaced), keeping the session,
    /// segment and participant counts per record (mostly 1-4 sessions of 1-2
    /// segments, a large meeting every `large_record_every` records).
    pub fn records_per_day(mut self, per_day: usize, days: usize) -> Self {
        let per_day = per_day.max(1);
        self.call_records = per_day.saturating_mul(days);
        self.record_spacing = Duration::from_nanos(86_400_000_000_000 / per_day as u64);
        self
    }
}

/// The default time anchor, 2026-11-01T00:00:00Z.
pub fn default_day0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

/// Deterministic fault injection.
///
/// Faulted requests are counted over Graph requests only (1-based), unless
/// `count_token_requests` is set; request number `n` gets a fault of kind `k`
/// when `n % k_every == 0`. When several kinds match, the first in this order
/// wins: reset, throttle, unavailable, gateway timeout, truncate.
#[derive(Debug, Clone)]
pub struct Faults {
    /// Every n-th request answers `429 TooManyRequests` with `Retry-After`.
    pub throttle_every: Option<u32>,
    /// Value of the `Retry-After` header on 429 and 503 (seconds, fractional
    /// seconds or an HTTP-date); default `"0"`; empty string: no header.
    pub retry_after: String,
    /// Every n-th request answers `503 ServiceUnavailable` (with `Retry-After`).
    pub unavailable_every: Option<u32>,
    /// Every n-th request answers `504 GatewayTimeout`.
    pub gateway_timeout_every: Option<u32>,
    /// Sleep this long before answering (every request, or every `delay_every`-th).
    pub delay: Option<Duration>,
    /// Apply `delay` only to every n-th request.
    pub delay_every: Option<u32>,
    /// Every n-th request gets a `200` whose body stops halfway, short of its `Content-Length`.
    pub truncate_every: Option<u32>,
    /// Every n-th request sees its connection closed without any response.
    pub reset_every: Option<u32>,
    /// Count token requests too when deciding which request is faulted.
    pub count_token_requests: bool,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            throttle_every: None,
            retry_after: "0".to_string(),
            unavailable_every: None,
            gateway_timeout_every: None,
            delay: None,
            delay_every: None,
            truncate_every: None,
            reset_every: None,
            count_token_requests: false,
        }
    }
}

impl Faults {
    /// The fault (if any) for the 1-based request number `n`.
    pub fn fault_for(&self, n: u64) -> Option<FaultKind> {
        let hit = |every: Option<u32>| matches!(every, Some(k) if k > 0 && n % u64::from(k) == 0);
        if hit(self.reset_every) {
            Some(FaultKind::Reset)
        } else if hit(self.throttle_every) {
            Some(FaultKind::Throttle)
        } else if hit(self.unavailable_every) {
            Some(FaultKind::Unavailable)
        } else if hit(self.gateway_timeout_every) {
            Some(FaultKind::GatewayTimeout)
        } else if hit(self.truncate_every) {
            Some(FaultKind::Truncate)
        } else {
            None
        }
    }

    /// Whether request number `n` is delayed.
    pub fn delay_for(&self, n: u64) -> Option<Duration> {
        let delay = self.delay?;
        match self.delay_every {
            Some(k) if k > 0 => (n % u64::from(k) == 0).then_some(delay),
            _ => Some(delay),
        }
    }
}

/// A kind of injected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Connection closed without a response.
    Reset,
    /// `429` with `Retry-After`.
    Throttle,
    /// `503` with `Retry-After`.
    Unavailable,
    /// `504`.
    GatewayTimeout,
    /// Body cut short of its `Content-Length`.
    Truncate,
}
