//! Client-side rate governor: keep under Graph's throttling limits instead of
//! running into them.
//!
//! Every attempt (retries included) of a client built with
//! [`crate::GraphClientBuilder::governor`] first takes a permit:
//!
//! * **bounded concurrency**: at most [`GovernorConfig::max_in_flight`] requests
//!   are in flight;
//! * **limits per scope**: the request is classified into its scopes (below) and
//!   waits until each scope has room in its sliding window (an exact log of the
//!   last admissions, so no window ever holds more than the limit);
//! * **shared pause**: a `429` with `Retry-After` pauses every scope of that
//!   request for that long, so the other requests of the scope wait instead of
//!   each hitting the wall (and being counted against the limit: Graph counts
//!   throttled requests too);
//! * **AIMD**: a `429` also lowers the scope's allowed rate multiplicatively
//!   (once per throttling episode); every admitted request raises it additively
//!   back towards the configured limit. This is how the governor backs off when
//!   the service throttles earlier than documented, e.g. because other apps of
//!   the tenant use the tenant-wide budget.
//!
//! Scopes follow the documented call-records limits
//! (<https://learn.microsoft.com/en-us/graph/throttling-limits#call-records-limits>), by path
//! under `/communications/callRecords`:
//!
//! | request | scopes (default limits) |
//! |---|---|
//! | List callRecords (the collection) | list 40 / 20 s; app per tenant 1,500 / 20 s; tenant 10,000 / 20 s |
//! | `{id}` and below | call record `{id}` 40 / 20 s; app per tenant; tenant |
//! | a log function (`getPstnCalls(…)` …) | collection (the function call with its parameters) 50 / 60 s; logs app per tenant 200 / 60 s; logs tenant 1,000 / 60 s |
//! | anything else | concurrency only |
//!
//! The tenant scopes count this governor's own requests; share one governor
//! (it is a cheap clone) between the clients of a process so they share the
//! budgets. Every wait is a tokio sleep: nothing blocks a thread.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

use crate::Error;

/// At most `requests` within any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Requests allowed per window.
    pub requests: u32,
    /// Length of the sliding window.
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

    /// The sustained rate in requests per second.
    pub fn rate(&self) -> f64 {
        f64::from(self.requests) / self.window.as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

/// The limit of each scope (`None`: not limited). Defaults: the documented
/// numbers (<https://learn.microsoft.com/en-us/graph/throttling-limits#call-records-limits>).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// Call records, sessions, participants: per application per tenant.
    pub records_app_tenant: Option<Limit>,
    /// Call records: per tenant, all applications.
    pub records_tenant: Option<Limit>,
    /// Per call record.
    pub per_call_record: Option<Limit>,
    /// List callRecords.
    pub list_call_records: Option<Limit>,
    /// Log functions: per application per tenant.
    pub logs_app_tenant: Option<Limit>,
    /// Log functions: per tenant.
    pub logs_tenant: Option<Limit>,
    /// Log functions: per collection (one function call and its pages).
    pub logs_collection: Option<Limit>,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
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

impl RateLimits {
    /// No limit at all (the governor then only bounds concurrency and pauses on `Retry-After`).
    pub fn none() -> Self {
        RateLimits {
            records_app_tenant: None,
            records_tenant: None,
            per_call_record: None,
            list_call_records: None,
            logs_app_tenant: None,
            logs_tenant: None,
            logs_collection: None,
        }
    }

    fn limit(&self, kind: ScopeKind) -> Option<Limit> {
        match kind {
            ScopeKind::RecordsAppTenant => self.records_app_tenant,
            ScopeKind::RecordsTenant => self.records_tenant,
            ScopeKind::CallRecord => self.per_call_record,
            ScopeKind::ListCallRecords => self.list_call_records,
            ScopeKind::LogsAppTenant => self.logs_app_tenant,
            ScopeKind::LogsTenant => self.logs_tenant,
            ScopeKind::LogsCollection => self.logs_collection,
        }
    }
}

/// How the governor adapts when the service throttles (additive increase,
/// multiplicative decrease of each scope's allowed share of its limit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Aimd {
    /// Factor applied to the allowed share on a `429` (once per episode), e.g. 0.8.
    pub decrease: f64,
    /// Share of the limit regained per window of time, e.g. 0.2.
    pub increase: f64,
    /// The allowed share never drops below this (e.g. 0.05 of the limit).
    pub floor: f64,
}

impl Default for Aimd {
    fn default() -> Self {
        Aimd {
            decrease: 0.8,
            increase: 0.2,
            floor: 0.05,
        }
    }
}

/// Configuration of a [`Governor`].
#[derive(Debug, Clone, PartialEq)]
pub struct GovernorConfig {
    /// Most requests in flight at once (default 64).
    pub max_in_flight: usize,
    /// Limits per scope (default: the documented ones).
    pub limits: RateLimits,
    /// Added to every window on the client side (default 250 ms), so a request
    /// admitted as a window slides does not reach the service a moment before
    /// its own clock slides it (the two clocks count arrival, not departure).
    pub window_margin: Duration,
    /// Adaptation to throttling.
    pub aimd: Aimd,
    /// Pause when a `429` comes without `Retry-After` (default 1 s).
    pub default_pause: Duration,
}

impl Default for GovernorConfig {
    fn default() -> Self {
        GovernorConfig {
            max_in_flight: 64,
            limits: RateLimits::default(),
            window_margin: Duration::from_millis(250),
            aimd: Aimd::default(),
            default_pause: Duration::from_secs(1),
        }
    }
}

/// Which documented limit a scope stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeKind {
    /// Call records per application per tenant.
    RecordsAppTenant,
    /// Call records per tenant.
    RecordsTenant,
    /// One call record (keyed by id).
    CallRecord,
    /// List callRecords.
    ListCallRecords,
    /// Log functions per application per tenant.
    LogsAppTenant,
    /// Log functions per tenant.
    LogsTenant,
    /// One log function call (keyed by the function segment).
    LogsCollection,
}

/// A scope: its kind and, for per-record / per-collection scopes, the key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Scope {
    /// The kind of limit.
    pub kind: ScopeKind,
    /// Call record id or function segment; empty for app and tenant scopes.
    pub key: String,
}

impl Scope {
    fn of(kind: ScopeKind) -> Self {
        Scope {
            kind,
            key: String::new(),
        }
    }
}

/// The scopes a request to `url` counts against (empty outside `/communications/callRecords`).
pub fn scopes_for(url: &Url) -> Vec<Scope> {
    let path = url.path();
    const ROOT: &str = "/communications/callRecords";
    let Some(at) = path.find(ROOT) else {
        return Vec::new();
    };
    let rest = &path[at + ROOT.len()..];
    if !(rest.is_empty() || rest.starts_with('/')) {
        return Vec::new();
    }
    let first = rest.split('/').find(|s| !s.is_empty());
    match first {
        None => vec![
            Scope::of(ScopeKind::ListCallRecords),
            Scope::of(ScopeKind::RecordsAppTenant),
            Scope::of(ScopeKind::RecordsTenant),
        ],
        Some(seg) if seg.contains('(') => vec![
            Scope {
                kind: ScopeKind::LogsCollection,
                key: seg.to_string(),
            },
            Scope::of(ScopeKind::LogsAppTenant),
            Scope::of(ScopeKind::LogsTenant),
        ],
        Some(id) => vec![
            Scope {
                kind: ScopeKind::CallRecord,
                key: id.to_string(),
            },
            Scope::of(ScopeKind::RecordsAppTenant),
            Scope::of(ScopeKind::RecordsTenant),
        ],
    }
}

/// Counters of a [`Governor`] (for progress bars and summaries).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[non_exhaustive]
pub struct GovernorStats {
    /// Requests holding a permit now.
    pub in_flight: u64,
    /// Permits granted (attempts sent), retries included.
    pub admitted: u64,
    /// Answers `429` seen.
    pub throttled: u64,
    /// Times a scope was paused by a `Retry-After`.
    pub pauses: u64,
    /// Lowest allowed share of a limit among the app and tenant scopes (1.0: full limit).
    pub min_share: f64,
}

/// The rate governor: cheap to clone (clones share all state).
#[derive(Clone, Debug)]
pub struct Governor {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    config: GovernorConfig,
    slots: Arc<Semaphore>,
    state: Mutex<State>,
    admitted: AtomicU64,
    throttled: AtomicU64,
    pauses: AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    scopes: HashMap<Scope, ScopeState>,
    /// Admissions since idle keyed scopes were last swept.
    since_sweep: u64,
}

#[derive(Debug)]
struct ScopeState {
    /// Admission times within the window, oldest first (at most `limit` kept).
    admitted: VecDeque<Instant>,
    /// No admission before this instant (a `Retry-After`).
    paused_until: Option<Instant>,
    /// Allowed share of the limit (AIMD), in `[floor, 1]`.
    share: f64,
    /// Last multiplicative decrease: 429s of requests admitted before it are
    /// part of the same episode and do not decrease again.
    last_decrease: Option<Instant>,
    /// When `share` was last raised (it grows with time, not with traffic, so a
    /// scope throttled down to a trickle still recovers).
    last_raise: Option<Instant>,
}

impl Default for ScopeState {
    fn default() -> Self {
        ScopeState {
            admitted: VecDeque::new(),
            paused_until: None,
            share: 1.0,
            last_decrease: None,
            last_raise: None,
        }
    }
}

/// Sweep idle keyed scopes (per record / per collection) every this many admissions.
const SWEEP_EVERY: u64 = 2048;

impl ScopeState {
    /// How long until one more admission fits, or `None` if it fits now.
    fn wait(
        &mut self,
        now: Instant,
        limit: Option<Limit>,
        margin: Duration,
        aimd: &Aimd,
    ) -> Option<Duration> {
        if let Some(until) = self.paused_until {
            if until > now {
                return Some(until - now);
            }
            self.paused_until = None;
        }
        let limit = limit?;
        if self.share < 1.0 {
            let since = self.last_raise.map_or(Duration::ZERO, |t| now - t);
            let windows = since.as_secs_f64() / limit.window.as_secs_f64().max(1e-9);
            self.share = (self.share + aimd.increase * windows).min(1.0);
        }
        self.last_raise = Some(now);
        let window = limit.window + margin;
        while let Some(&front) = self.admitted.front() {
            if now.duration_since(front) >= window {
                self.admitted.pop_front();
            } else {
                break;
            }
        }
        let allowed = allowed(limit, self.share);
        if self.admitted.len() < allowed {
            return None;
        }
        // The oldest admissions must leave the window until one slot is free.
        let leaving = self.admitted[self.admitted.len() - allowed];
        Some((leaving + window).saturating_duration_since(now))
    }

    fn admit(&mut self, now: Instant, limit: Option<Limit>) {
        let Some(limit) = limit else { return };
        self.admitted.push_back(now);
        while self.admitted.len() > limit.requests as usize {
            self.admitted.pop_front();
        }
    }

    fn is_idle(&self, now: Instant, window: Duration) -> bool {
        self.paused_until.is_none_or(|u| u <= now)
            && self
                .admitted
                .back()
                .is_none_or(|&t| now.duration_since(t) >= window)
    }
}

fn allowed(limit: Limit, share: f64) -> usize {
    ((f64::from(limit.requests) * share).floor() as usize).max(1)
}

impl Default for Governor {
    fn default() -> Self {
        Governor::new(GovernorConfig::default())
    }
}

impl Governor {
    /// A governor with this configuration (`max_in_flight` of 0 is taken as 1).
    pub fn new(config: GovernorConfig) -> Self {
        let slots = Arc::new(Semaphore::new(config.max_in_flight.max(1)));
        Governor {
            shared: Arc::new(Shared {
                config,
                slots,
                state: Mutex::new(State::default()),
                admitted: AtomicU64::new(0),
                throttled: AtomicU64::new(0),
                pauses: AtomicU64::new(0),
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &GovernorConfig {
        &self.shared.config
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> GovernorStats {
        let max = self.shared.config.max_in_flight.max(1) as u64;
        let free = self.shared.slots.available_permits() as u64;
        let min_share = self
            .lock()
            .scopes
            .iter()
            .filter(|(k, _)| k.key.is_empty())
            .map(|(_, s)| s.share)
            .fold(1.0, f64::min);
        GovernorStats {
            in_flight: max.saturating_sub(free),
            admitted: self.shared.admitted.load(Ordering::Relaxed),
            throttled: self.shared.throttled.load(Ordering::Relaxed),
            pauses: self.shared.pauses.load(Ordering::Relaxed),
            min_share,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent across a panic (plain counters and queues).
        self.shared.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait for a permit to send one request to `url`: a concurrency slot and room
    /// in every scope of the request. Report its outcome with [`Permit::finish`]
    /// (dropping the permit unreported counts as a success).
    pub async fn acquire(&self, url: &Url) -> Permit {
        self.acquire_scopes(scopes_for(url)).await
    }

    /// [`Governor::acquire`] for explicit scopes.
    pub async fn acquire_scopes(&self, scopes: Vec<Scope>) -> Permit {
        let slot = Arc::clone(&self.shared.slots)
            .acquire_owned()
            .await
            .expect("the governor's semaphore is never closed");
        let cfg = &self.shared.config;
        loop {
            let now = Instant::now();
            let wait = {
                let mut state = self.lock();
                let mut wait: Option<Duration> = None;
                for scope in &scopes {
                    let limit = cfg.limits.limit(scope.kind);
                    let s = state.scopes.entry(scope.clone()).or_default();
                    if let Some(d) = s.wait(now, limit, cfg.window_margin, &cfg.aimd) {
                        wait = Some(wait.map_or(d, |w| w.max(d)));
                    }
                }
                if wait.is_none() {
                    for scope in &scopes {
                        let limit = cfg.limits.limit(scope.kind);
                        if let Some(s) = state.scopes.get_mut(scope) {
                            s.admit(now, limit);
                        }
                    }
                    state.since_sweep += 1;
                    if state.since_sweep >= SWEEP_EVERY {
                        state.since_sweep = 0;
                        let longest = self.longest_window();
                        state
                            .scopes
                            .retain(|k, s| k.key.is_empty() || !s.is_idle(now, longest));
                    }
                }
                wait
            };
            match wait {
                None => break,
                // At least a millisecond: a zero wait would spin.
                Some(d) => tokio::time::sleep(d.max(Duration::from_millis(1))).await,
            }
        }
        self.shared.admitted.fetch_add(1, Ordering::Relaxed);
        Permit {
            governor: self.clone(),
            scopes,
            admitted_at: Instant::now(),
            _slot: slot,
        }
    }

    fn longest_window(&self) -> Duration {
        let l = &self.shared.config.limits;
        [
            l.records_app_tenant,
            l.records_tenant,
            l.per_call_record,
            l.list_call_records,
            l.logs_app_tenant,
            l.logs_tenant,
            l.logs_collection,
        ]
        .iter()
        .flatten()
        .map(|l| l.window)
        .max()
        .unwrap_or_default()
            + self.shared.config.window_margin
    }

    /// A `429` for a request of `scopes` admitted at `admitted_at`: pause the
    /// scopes and (once per episode) lower their allowed share.
    fn throttled(&self, scopes: &[Scope], admitted_at: Instant, retry_after: Option<Duration>) {
        self.shared.throttled.fetch_add(1, Ordering::Relaxed);
        let cfg = &self.shared.config;
        let now = Instant::now();
        let until = now + retry_after.unwrap_or(cfg.default_pause);
        let mut state = self.lock();
        let mut paused = false;
        for scope in scopes {
            let s = state.scopes.entry(scope.clone()).or_default();
            if s.paused_until.is_none_or(|u| u < until) {
                s.paused_until = Some(until);
                paused = true;
            }
            // Only a limited scope has a rate to lower.
            let limited = cfg.limits.limit(scope.kind).is_some();
            if limited && s.last_decrease.is_none_or(|d| admitted_at > d) {
                s.share = (s.share * cfg.aimd.decrease).max(cfg.aimd.floor);
                s.last_decrease = Some(now);
                s.last_raise = Some(now);
            }
        }
        if paused {
            self.shared.pauses.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Leave to send one request; see [`Governor::acquire`].
#[derive(Debug)]
#[must_use = "a permit holds a concurrency slot until dropped"]
pub struct Permit {
    governor: Governor,
    scopes: Vec<Scope>,
    admitted_at: Instant,
    _slot: OwnedSemaphorePermit,
}

impl Permit {
    /// The scopes the request counts against.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// Report the outcome of the attempt and free the slot: a `429` pauses the
    /// request's scopes for its `Retry-After` and lowers their allowed rate.
    pub fn finish(self, error: Option<&Error>) {
        if let Some(e) = error {
            if e.status() == Some(StatusCode::TOO_MANY_REQUESTS) && matches!(e, Error::Http { .. })
            {
                self.governor
                    .throttled(&self.scopes, self.admitted_at, e.retry_after());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(path: &str) -> Url {
        Url::parse(&format!("https://graph.microsoft.com/v1.0{path}")).unwrap()
    }

    #[test]
    fn scopes_follow_the_documented_limits() {
        let kinds = |p: &str| -> Vec<ScopeKind> {
            scopes_for(&url(p)).into_iter().map(|s| s.kind).collect()
        };
        assert_eq!(
            kinds("/communications/callRecords"),
            [
                ScopeKind::ListCallRecords,
                ScopeKind::RecordsAppTenant,
                ScopeKind::RecordsTenant
            ]
        );
        let s = scopes_for(&url("/communications/callRecords/abc/sessions"));
        assert_eq!(s[0].kind, ScopeKind::CallRecord);
        assert_eq!(s[0].key, "abc");
        let s = scopes_for(&url(
            "/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2026-11-02T00:00:00Z)",
        ));
        assert_eq!(s[0].kind, ScopeKind::LogsCollection);
        assert!(s[0].key.contains("getPstnCalls("));
        assert_eq!(s[1].kind, ScopeKind::LogsAppTenant);
        assert!(kinds("/communications/callRecordsX").is_empty());
        assert!(kinds("/me").is_empty());
    }

    #[test]
    fn allowed_share_never_reaches_zero() {
        let l = Limit::per_secs(40, 20);
        assert_eq!(allowed(l, 1.0), 40);
        assert_eq!(allowed(l, 0.5), 20);
        assert_eq!(allowed(l, 0.0001), 1);
        assert!((Limit::per_secs(1500, 20).rate() - 75.0).abs() < 1e-9);
    }

    fn throttled(after: Option<Duration>) -> Error {
        Error::Http {
            status: StatusCode::TOO_MANY_REQUESTS,
            method: "GET".into(),
            url: "/x".into(),
            graph: None,
            request_id: None,
            client_request_id: None,
            retry_after: after,
            retries: 0,
        }
    }

    fn record(i: usize) -> Url {
        url(&format!("/communications/callRecords/r{i}"))
    }

    /// Admission times of `n` concurrent requests, each holding its slot `hold`.
    async fn admissions(g: &Governor, n: usize, hold: Duration) -> Vec<Instant> {
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..n {
            let g = g.clone();
            tasks.spawn(async move {
                let p = g.acquire(&record(i)).await;
                let at = Instant::now();
                tokio::time::sleep(hold).await;
                p.finish(None);
                at
            });
        }
        let mut times = Vec::new();
        while let Some(t) = tasks.join_next().await {
            times.push(t.expect("task"));
        }
        times.sort();
        times
    }

    /// Most admissions within any `window` (a window starting at each admission).
    fn busiest(times: &[Instant], window: Duration) -> usize {
        times
            .iter()
            .map(|&t| times.iter().filter(|&&u| u >= t && u < t + window).count())
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(start_paused = true)]
    async fn never_more_than_the_limit_in_any_window() {
        let limit = Limit::per_secs(10, 1);
        let g = Governor::new(GovernorConfig {
            max_in_flight: 8,
            limits: RateLimits {
                records_app_tenant: Some(limit),
                ..RateLimits::none()
            },
            window_margin: Duration::ZERO,
            ..GovernorConfig::default()
        });
        let times = admissions(&g, 95, Duration::from_millis(30)).await;
        assert_eq!(times.len(), 95);
        assert_eq!(busiest(&times, limit.window), 10);
        // And the limit is used, not just respected: 95 requests need 9 more windows.
        let span = *times.last().unwrap() - times[0];
        assert!(
            span >= Duration::from_secs(9) && span < Duration::from_secs(10),
            "{span:?}"
        );
        assert_eq!(g.stats().admitted, 95);
        assert_eq!(g.stats().in_flight, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrency_is_bounded() {
        let g = Governor::new(GovernorConfig {
            max_in_flight: 3,
            limits: RateLimits::none(),
            ..GovernorConfig::default()
        });
        let peak = Arc::new(AtomicU64::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..20 {
            let (g, peak) = (g.clone(), Arc::clone(&peak));
            tasks.spawn(async move {
                let p = g.acquire(&record(i)).await;
                peak.fetch_max(g.stats().in_flight, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
                drop(p);
            });
        }
        while tasks.join_next().await.is_some() {}
        assert_eq!(peak.load(Ordering::Relaxed), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_pauses_the_whole_scope_and_only_it() {
        let g = Governor::new(GovernorConfig {
            limits: RateLimits::none(),
            ..GovernorConfig::default()
        });
        let first = g.acquire(&record(1)).await;
        let t0 = Instant::now();
        first.finish(Some(&throttled(Some(Duration::from_millis(2500)))));
        // Another record of the same app scope waits out the pause...
        let p = g.acquire(&record(2)).await;
        assert_eq!(Instant::now() - t0, Duration::from_millis(2500));
        drop(p);
        // ...and a log function (other scopes) did not have to.
        let t1 = Instant::now();
        let g2 = g.clone();
        g2.acquire(&url("/communications/callRecords/getPstnCalls(fromDateTime=2026-11-01,toDateTime=2026-11-02)"))
            .await
            .finish(None);
        assert_eq!(Instant::now(), t1);
        let s = g.stats();
        assert_eq!((s.throttled, s.pauses), (1, 1));
    }

    #[tokio::test(start_paused = true)]
    async fn in_flight_requests_throttled_together_pause_once_and_decrease_once() {
        let g = Governor::new(GovernorConfig {
            limits: RateLimits {
                records_app_tenant: Some(Limit::per_secs(100, 1)),
                ..RateLimits::none()
            },
            ..GovernorConfig::default()
        });
        let urls: Vec<Url> = (0..5).map(record).collect();
        let permits: Vec<Permit> =
            futures::future::join_all(urls.iter().map(|u| g.acquire(u))).await;
        for p in permits {
            p.finish(Some(&throttled(Some(Duration::from_secs(1)))));
        }
        let share = g.stats().min_share;
        assert!(
            (share - 0.8).abs() < 1e-9,
            "one decrease per episode: {share}"
        );
        assert_eq!(g.stats().throttled, 5);
        // A later request of the next episode lowers it again.
        let p = g.acquire(&record(9)).await;
        p.finish(Some(&throttled(None)));
        // 1 s (one window) later the share has regained 0.2: (0.8 + 0.2) * 0.8.
        let share = g.stats().min_share;
        assert!((share - 0.8).abs() < 1e-9, "{share}");
    }

    #[tokio::test(start_paused = true)]
    async fn aimd_lowers_the_rate_after_throttling_and_recovers() {
        let limit = Limit::per_secs(20, 1);
        let g = Governor::new(GovernorConfig {
            limits: RateLimits {
                records_app_tenant: Some(limit),
                ..RateLimits::none()
            },
            window_margin: Duration::ZERO,
            aimd: Aimd {
                decrease: 0.5,
                increase: 0.1,
                floor: 0.05,
            },
            ..GovernorConfig::default()
        });
        g.acquire(&record(0))
            .await
            .finish(Some(&throttled(Some(Duration::from_millis(10)))));
        // About half the limit in the next window (the share creeps up by 0.1
        // of the limit per window of time: 10 -> 12 within the window).
        let times = admissions(&g, 150, Duration::from_millis(1)).await;
        let t = times[0];
        let first_window = times.iter().filter(|&&u| u < t + limit.window).count();
        assert!((10..=12).contains(&first_window), "{first_window}");
        // Five windows later the whole limit is back (and never more).
        assert_eq!(busiest(&times, limit.window), 20);
        let _ = g.acquire(&record(0)).await;
        assert!(g.stats().min_share > 0.99, "{}", g.stats().min_share);
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttle_without_retry_after_pauses_for_the_default() {
        let g = Governor::new(GovernorConfig {
            limits: RateLimits::none(),
            default_pause: Duration::from_millis(700),
            ..GovernorConfig::default()
        });
        g.acquire(&record(0)).await.finish(Some(&throttled(None)));
        let t0 = Instant::now();
        drop(g.acquire(&record(1)).await);
        assert_eq!(Instant::now() - t0, Duration::from_millis(700));
    }
}
