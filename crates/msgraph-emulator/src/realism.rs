//! Graph-like realism, off by default: per-request latency and the documented
//! throttling limits
//! (<https://learn.microsoft.com/en-us/graph/throttling-limits#call-records-limits>),
//! answered with `429` and a fractional `Retry-After`.
//!
//! Limits are exact sliding windows: a request is admitted when, counting it, no
//! scope it belongs to has seen more than its limit within the window. Every
//! request is counted, throttled ones included ("throttled requests still count
//! against the limit"), so a client that keeps hammering stays throttled.
//!
//! Scopes, by request path under `/{version}/communications/callRecords`:
//!
//! | request | scopes |
//! |---|---|
//! | the collection itself (List callRecords) | list (40 / 20 s), app per tenant (1,500 / 20 s), tenant (10,000 / 20 s) |
//! | `…/{id}[/…]` (record, sessions, participants, organizer) | call record `{id}` (40 / 20 s), app per tenant, tenant |
//! | a log function `…/getPstnCalls(…)` etc. | log app per tenant (200 / 60 s), log tenant (1,000 / 60 s), collection (50 / 60 s) |
//!
//! "Collection" of the PSTN limits is read as one function call: the function
//! segment with its parameters (next links of the same call share it), so
//! different date windows are different collections. The app is told apart by
//! its bearer token; the emulator serves one tenant.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use crate::ids;

/// One limit: at most `requests` within any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Requests allowed per window.
    pub requests: u32,
    /// The sliding window.
    pub window: Duration,
}

impl Limit {
    /// `requests` per `secs` seconds.
    pub const fn per_secs(requests: u32, secs: u64) -> Self {
        Limit {
            requests,
            window: Duration::from_secs(secs),
        }
    }
}

/// The limits the emulator enforces (`None` turns one off). Defaults: the
/// documented numbers (<https://learn.microsoft.com/en-us/graph/throttling-limits#call-records-limits>).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Call records, sessions, participants: per application per tenant (1,500 / 20 s).
    pub records_app_tenant: Option<Limit>,
    /// Call records: per tenant, all applications (10,000 / 20 s).
    pub records_tenant: Option<Limit>,
    /// Per call record (40 / 20 s).
    pub per_call_record: Option<Limit>,
    /// List call records (40 / 20 s).
    pub list_call_records: Option<Limit>,
    /// Log functions: per application per tenant (200 / 60 s).
    pub logs_app_tenant: Option<Limit>,
    /// Log functions: per tenant (1,000 / 60 s).
    pub logs_tenant: Option<Limit>,
    /// Log functions: per collection, i.e. per function call (50 / 60 s).
    pub logs_collection: Option<Limit>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            records_app_tenant: Some(Limit::per_secs(1500, 20)),
            records_tenant: Some(Limit::per_secs(10_000, 20)),
            per_call_record: Some(Limit::per_secs(40, 20)),
            list_call_records: Some(Limit::per_secs(40, 20)),
            logs_app_tenant: Some(Limit::per_secs(200, 60)),
            logs_tenant: Some(Limit::per_secs(1000, 60)),
            logs_collection: Some(Limit::per_secs(50, 60)),
        }
    }
}

impl Limits {
    /// No limit at all.
    pub fn none() -> Self {
        Limits {
            records_app_tenant: None,
            records_tenant: None,
            per_call_record: None,
            list_call_records: None,
            logs_app_tenant: None,
            logs_tenant: None,
            logs_collection: None,
        }
    }
}

/// Per-request latency: log-normal around a median, capped (always bounded).
#[derive(Debug, Clone, PartialEq)]
pub struct Latency {
    /// Median latency of a plain request.
    pub median: Duration,
    /// Spread: standard deviation of the latency's natural logarithm (0: constant).
    /// 0.5 gives p90 ≈ 1.9× and p99 ≈ 3.2× the median: a long tail.
    pub sigma: f64,
    /// Factor on the median for `$expand=sessions($expand=segments)` (heavier queries).
    pub expand_factor: f64,
    /// Factor on the median for a page of a log function (up to 1,000 rows).
    pub log_factor: f64,
    /// Factor on the median for a `429` answer (Graph refuses quickly).
    pub throttled_factor: f64,
    /// No request waits longer than this.
    pub max: Duration,
}

impl Default for Latency {
    fn default() -> Self {
        Latency {
            median: Duration::from_millis(250),
            sigma: 0.5,
            expand_factor: 1.6,
            log_factor: 1.5,
            throttled_factor: 0.2,
            max: Duration::from_secs(3),
        }
    }
}

impl Latency {
    /// No latency.
    pub fn none() -> Self {
        Latency {
            median: Duration::ZERO,
            sigma: 0.0,
            ..Latency::default()
        }
    }

    /// The latency of a request of `class` whose random draw is `h` (two uniforms
    /// from its bits, Box-Muller to a normal, then `median · factor · e^(σ·z)`).
    pub fn sample(&self, class: RequestClass, throttled: bool, h: u64) -> Duration {
        let factor = if throttled {
            self.throttled_factor
        } else {
            match class {
                RequestClass::RecordExpanded => self.expand_factor,
                RequestClass::Log => self.log_factor,
                _ => 1.0,
            }
        };
        let u1 = ((h >> 32) as f64 + 1.0) / (u32::MAX as f64 + 2.0);
        let u2 = (h & 0xffff_ffff) as f64 / (u32::MAX as f64 + 1.0);
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        let secs = self.median.as_secs_f64() * factor.max(0.0) * (self.sigma * z).exp();
        Duration::try_from_secs_f64(secs)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

/// Realism settings: [`crate::EmulatorConfig::realism`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Realism {
    /// Latency of each Graph request.
    pub latency: Latency,
    /// Throttling limits.
    pub limits: Limits,
}

/// What a Graph request is, for latency and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestClass {
    /// `GET /communications/callRecords` (List callRecords).
    List,
    /// A call record or its sessions / participants / organizer, no heavy expansion.
    Record,
    /// A call record (or its sessions) with `segments` expanded.
    RecordExpanded,
    /// A log function page.
    Log,
    /// Anything else (bad paths): no limit applies.
    Other,
}

/// A classified request: its class and the key of its per-record / per-collection scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// The class.
    pub class: RequestClass,
    /// Call record id or function segment (the per-record / per-collection key).
    pub key: Option<String>,
}

/// Classify a raw request path and query.
pub fn classify(path: &str, query: Option<&str>) -> Classified {
    let mut segs = path.trim_start_matches('/').split('/');
    let (_version, comms, records) = (segs.next(), segs.next(), segs.next());
    if comms != Some("communications") || records != Some("callRecords") {
        return Classified {
            class: RequestClass::Other,
            key: None,
        };
    }
    let rest: Vec<&str> = segs.filter(|s| !s.is_empty()).collect();
    let Some(first) = rest.first() else {
        return Classified {
            class: RequestClass::List,
            key: None,
        };
    };
    if first.contains('(') {
        return Classified {
            class: RequestClass::Log,
            key: Some((*first).to_string()),
        };
    }
    let q = query.unwrap_or("");
    let expanded = q.contains("segments");
    Classified {
        class: if expanded {
            RequestClass::RecordExpanded
        } else {
            RequestClass::Record
        },
        key: Some((*first).to_string()),
    }
}

/// A sliding window: the arrival times within the last `window`.
#[derive(Debug, Default)]
struct Window {
    arrivals: VecDeque<Instant>,
}

impl Window {
    /// Count an arrival at `now`; `Some(retry_after)` when the limit is now exceeded.
    fn arrive(&mut self, now: Instant, limit: Limit) -> Option<Duration> {
        while let Some(&front) = self.arrivals.front() {
            if now.duration_since(front) >= limit.window {
                self.arrivals.pop_front();
            } else {
                break;
            }
        }
        self.arrivals.push_back(now);
        let count = self.arrivals.len();
        let allowed = limit.requests as usize;
        if count <= allowed {
            return None;
        }
        // A request would be admitted once `count - allowed` of the arrivals have
        // left the window (the new one included: throttled requests count too).
        let leaving = self.arrivals[count - allowed];
        let at = leaving + limit.window;
        Some(
            at.saturating_duration_since(now)
                .max(Duration::from_millis(1)),
        )
    }

    fn is_idle(&self, now: Instant, window: Duration) -> bool {
        self.arrivals
            .back()
            .is_none_or(|&last| now.duration_since(last) >= window)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ScopeKey {
    RecordsApp(u64),
    RecordsTenant,
    CallRecord(String),
    List,
    LogsApp(u64),
    LogsTenant,
    Collection(String),
}

/// The emulator's limit state: one window per scope key.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    windows: Mutex<LimiterState>,
}

#[derive(Debug, Default)]
struct LimiterState {
    windows: HashMap<ScopeKey, Window>,
    /// Arrivals since the last sweep of idle per-record windows.
    since_sweep: u64,
}

/// Sweep idle windows every this many requests, so per-record keys do not pile up.
const SWEEP_EVERY: u64 = 4096;

impl Limiter {
    /// Count the request in every scope it belongs to; `Some(retry_after)` (the
    /// longest of the exceeded scopes) when it must be answered with `429`.
    pub fn admit(
        &self,
        limits: &Limits,
        request: &Classified,
        app: &str,
        now: Instant,
    ) -> Option<Duration> {
        let app = ids::hash(0, 0xA99, fnv(app), 0);
        let key = || request.key.clone().unwrap_or_default();
        let scopes: Vec<(ScopeKey, Option<Limit>)> = match request.class {
            RequestClass::Other => return None,
            RequestClass::List => vec![
                (ScopeKey::List, limits.list_call_records),
                (ScopeKey::RecordsApp(app), limits.records_app_tenant),
                (ScopeKey::RecordsTenant, limits.records_tenant),
            ],
            RequestClass::Record | RequestClass::RecordExpanded => vec![
                (ScopeKey::CallRecord(key()), limits.per_call_record),
                (ScopeKey::RecordsApp(app), limits.records_app_tenant),
                (ScopeKey::RecordsTenant, limits.records_tenant),
            ],
            RequestClass::Log => vec![
                (ScopeKey::Collection(key()), limits.logs_collection),
                (ScopeKey::LogsApp(app), limits.logs_app_tenant),
                (ScopeKey::LogsTenant, limits.logs_tenant),
            ],
        };
        let mut state = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        state.since_sweep += 1;
        if state.since_sweep >= SWEEP_EVERY {
            state.since_sweep = 0;
            let longest = longest_window(limits);
            state.windows.retain(|_, w| !w.is_idle(now, longest));
        }
        let mut wait: Option<Duration> = None;
        for (scope, limit) in scopes {
            let Some(limit) = limit else { continue };
            if let Some(d) = state.windows.entry(scope).or_default().arrive(now, limit) {
                wait = Some(wait.map_or(d, |w| w.max(d)));
            }
        }
        wait
    }
}

fn longest_window(limits: &Limits) -> Duration {
    [
        limits.records_app_tenant,
        limits.records_tenant,
        limits.per_call_record,
        limits.list_call_records,
        limits.logs_app_tenant,
        limits.logs_tenant,
        limits.logs_collection,
    ]
    .iter()
    .flatten()
    .map(|l| l.window)
    .max()
    .unwrap_or_default()
}

/// FNV-1a of a string (the app key: a bearer token is not kept in memory as is).
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `Retry-After` as Graph writes it: seconds with up to three decimals (`2.128`),
/// rounded up so a client waiting exactly that long is admitted.
pub fn retry_after_value(d: Duration) -> String {
    let millis = d.as_nanos().div_ceil(1_000_000);
    if millis % 1000 == 0 {
        format!("{}", millis / 1000)
    } else {
        let s = format!("{}.{:03}", millis / 1000, millis % 1000);
        s.trim_end_matches('0').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_paths() {
        let c = classify("/v1.0/communications/callRecords", Some("$top=5"));
        assert_eq!(c.class, RequestClass::List);
        let c = classify(
            "/v1.0/communications/callRecords/abc",
            Some("$expand=sessions($expand=segments)"),
        );
        assert_eq!(
            (c.class, c.key.as_deref()),
            (RequestClass::RecordExpanded, Some("abc"))
        );
        let c = classify("/beta/communications/callRecords/abc/sessions", None);
        assert_eq!(
            (c.class, c.key.as_deref()),
            (RequestClass::Record, Some("abc"))
        );
        let c = classify(
            "/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2026-11-01,toDateTime=2026-11-02)",
            Some("$skip=1000"),
        );
        assert_eq!(c.class, RequestClass::Log);
        assert!(c.key.unwrap().starts_with("getPstnCalls("));
        assert_eq!(classify("/v1.0/me", None).class, RequestClass::Other);
    }

    #[test]
    fn window_admits_up_to_the_limit_and_counts_throttled_requests() {
        let limit = Limit {
            requests: 3,
            window: Duration::from_secs(10),
        };
        let t0 = Instant::now();
        let mut w = Window::default();
        for i in 0..3 {
            assert_eq!(w.arrive(t0 + Duration::from_secs(i), limit), None);
        }
        // Fourth at t=3: over. It counts too, so the window must lose two
        // arrivals (t=0 at t=10, t=1 at t=11) before the next is admitted.
        assert_eq!(
            w.arrive(t0 + Duration::from_secs(3), limit),
            Some(Duration::from_secs(8))
        );
        assert_eq!(w.arrive(t0 + Duration::from_secs(11), limit), None);
        assert!(w.arrive(t0 + Duration::from_secs(11), limit).is_some());
        // At t=20 everything has left.
        assert_eq!(w.arrive(t0 + Duration::from_secs(20), limit), None);
    }

    #[test]
    fn limiter_scopes_are_separate_per_record_and_shared_per_app() {
        let limits = Limits {
            per_call_record: Some(Limit::per_secs(1, 20)),
            records_app_tenant: Some(Limit::per_secs(3, 20)),
            ..Limits::none()
        };
        let l = Limiter::default();
        let now = Instant::now();
        let rec = |id: &str| classify(&format!("/v1.0/communications/callRecords/{id}"), None);
        assert_eq!(l.admit(&limits, &rec("a"), "t1", now), None);
        assert!(
            l.admit(&limits, &rec("a"), "t1", now).is_some(),
            "per record"
        );
        assert_eq!(l.admit(&limits, &rec("b"), "t1", now), None);
        // The app scope (3) is now full: a, a (throttled, still counted), b.
        assert!(l.admit(&limits, &rec("c"), "t1", now).is_some(), "per app");
        // Another app (token) has its own app scope.
        assert_eq!(l.admit(&limits, &rec("d"), "t2", now), None);
    }

    #[test]
    fn latency_is_bounded_and_heavier_for_expansions() {
        let lat = Latency::default();
        let mut plain = Vec::new();
        let mut heavy = Vec::new();
        for i in 0..2000u64 {
            let h = ids::mix(i);
            let p = lat.sample(RequestClass::Record, false, h);
            let e = lat.sample(RequestClass::RecordExpanded, false, h);
            assert!(p <= lat.max && e <= lat.max);
            plain.push(p);
            heavy.push(e);
        }
        plain.sort();
        heavy.sort();
        let median = plain[1000].as_secs_f64();
        assert!((0.2..0.3).contains(&median), "median {median}");
        assert!(heavy[1000] > plain[1000]);
        // Long tail: p99 well above the median.
        assert!(plain[1980].as_secs_f64() > 2.0 * median);
        assert_eq!(
            Latency::none().sample(RequestClass::Log, false, 7),
            Duration::ZERO
        );
    }

    #[test]
    fn retry_after_is_fractional_seconds_rounded_up() {
        assert_eq!(retry_after_value(Duration::from_millis(2128)), "2.128");
        assert_eq!(retry_after_value(Duration::from_micros(2_127_001)), "2.128");
        assert_eq!(retry_after_value(Duration::from_secs(7)), "7");
        assert_eq!(retry_after_value(Duration::from_millis(500)), "0.5");
    }
}
