//! Progress on stderr: an indicatif bar (rows, pages, rate, retries, and from
//! the rate governor: requests in flight, request rate, 429s) drawn only when
//! stderr is a terminal, and a one-line summary at the end.
//!
//! The runtime retries throttled and failed requests itself and reports each
//! retry as a `tracing` event ("retrying transient failure"); [`RetryCounter`]
//! is a tracing layer that counts those events so they can be shown.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use msgraph_runtime::{Governor, GovernorStats};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::Layer;

/// The message of the runtime's retry event.
const RETRY_MESSAGE: &str = "retrying transient failure";

/// Counts retries reported by the runtime; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct RetryCounter {
    inner: Arc<RetryInner>,
}

#[derive(Debug, Default)]
struct RetryInner {
    count: AtomicU64,
    last: Mutex<Option<String>>,
}

impl RetryCounter {
    /// Retries seen so far.
    pub fn count(&self) -> u64 {
        self.inner.count.load(Ordering::Relaxed)
    }

    /// The error that caused the last retry (for the progress line).
    pub fn last_reason(&self) -> Option<String> {
        self.inner.last.lock().ok().and_then(|g| g.clone())
    }
}

#[derive(Default)]
struct RetryVisitor {
    message: bool,
    error: Option<String>,
}

impl Visit for RetryVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" => self.message |= value == RETRY_MESSAGE,
            "error" => self.error = Some(value.to_string()),
            _ => {}
        }
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match field.name() {
            "message" => self.message |= format!("{value:?}") == RETRY_MESSAGE,
            "error" => self.error = Some(format!("{value:?}")),
            _ => {}
        }
    }
}

impl<S: Subscriber> Layer<S> for RetryCounter {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if *event.metadata().level() != tracing::Level::WARN {
            return;
        }
        let mut v = RetryVisitor::default();
        event.record(&mut v);
        if v.message {
            self.inner.count.fetch_add(1, Ordering::Relaxed);
            if let (Some(e), Ok(mut last)) = (v.error, self.inner.last.lock()) {
                *last = Some(e);
            }
        }
    }
}

/// The progress display of one export.
pub struct Progress {
    bar: ProgressBar,
    retries: RetryCounter,
    started: Instant,
    label: String,
    governor: Option<Governor>,
}

impl Progress {
    /// A bar on stderr (hidden unless stderr is a terminal).
    pub fn new(label: &str, retries: RetryCounter) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {prefix}: {human_pos} rows  {msg}  {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(label.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress {
            bar,
            retries,
            started: Instant::now(),
            label: label.to_string(),
            governor: None,
        }
    }

    /// Show the requests of `governor` (the client's) too.
    pub fn watch(&mut self, governor: Governor) {
        self.governor = Some(governor);
    }

    /// ", 12 in flight, 40.5 requests/s, 3 throttled (429)" (empty without a governor).
    fn requests(&self, secs: f64) -> String {
        let Some(g) = &self.governor else {
            return String::new();
        };
        requests_text(&g.stats(), secs)
    }

    /// Whether the bar is drawn (stderr is a terminal).
    pub fn is_visible(&self) -> bool {
        !self.bar.is_hidden()
    }

    /// Record a page: `rows_this_run` of the `rows_total` in the output were
    /// written by this run (the rate counts only those); `window` is "3/10".
    pub fn page(&self, rows_this_run: u64, rows_total: u64, pages: u64, window: &str) {
        self.bar.set_position(rows_total);
        let retries = self.retries.count();
        let secs = self.started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 {
            rows_this_run as f64 / secs
        } else {
            0.0
        };
        let mut msg = format!("{rate:.0} rows/s  {pages} pages  window {window}");
        msg.push_str(&self.requests(secs));
        if retries > 0 {
            msg.push_str(&format!("  {retries} retries"));
            if let Some(r) = self.retries.last_reason() {
                msg.push_str(&format!(" (last: {})", reason(&r)));
            }
        }
        self.bar.set_message(msg);
    }

    /// Clear the bar and print the summary line: `rows` in the output, of
    /// which `rows_earlier` came from an interrupted run this one resumed
    /// (the time and rate are this run's alone).
    pub fn finish(&self, rows: u64, rows_earlier: u64, pages: u64, destination: &str) -> String {
        self.bar.finish_and_clear();
        let secs = self.started.elapsed().as_secs_f64();
        let this_run = rows.saturating_sub(rows_earlier);
        let rate = if secs > 0.0 {
            this_run as f64 / secs
        } else {
            0.0
        };
        let line = format!(
            "{}: {rows} rows in {pages} pages to {destination}, {} retries, {secs:.1}s ({rate:.0} rows/s){}{}",
            self.label,
            self.retries.count(),
            self.requests(secs),
            if rows_earlier > 0 {
                format!(
                    "; resumed: {rows_earlier} rows from the earlier run, {this_run} in this one"
                )
            } else {
                String::new()
            }
        );
        eprintln!("{line}");
        line
    }

    /// Clear the bar without a summary (on error).
    pub fn abandon(&self) {
        self.bar.finish_and_clear();
    }
}

/// The governor's figures for the bar and the summary: requests sent (every
/// attempt) and their rate, those in flight now, answers 429.
fn requests_text(s: &GovernorStats, secs: f64) -> String {
    let rate = if secs > 0.0 {
        s.admitted as f64 / secs
    } else {
        0.0
    };
    format!(
        ", {} requests ({rate:.1}/s), {} in flight, {} throttled (429)",
        s.admitted, s.in_flight, s.throttled
    )
}

/// The short form of a retry reason: `429 Too Many Requests from GET …` → `429 Too Many Requests`.
fn reason(s: &str) -> String {
    let head = s.split(" from ").next().unwrap_or(s);
    let head = head.split(" on ").next().unwrap_or(head);
    if head.chars().count() <= 40 {
        head.to_string()
    } else {
        let mut t: String = head.chars().take(40).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::prelude::*;

    #[test]
    fn counts_only_retry_warnings() {
        let counter = RetryCounter::default();
        let subscriber = tracing_subscriber::registry().with(counter.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(
                attempt = 1,
                error = "429 Too Many Requests",
                "retrying transient failure"
            );
            tracing::warn!("something else");
            tracing::info!("retrying transient failure");
            tracing::warn!(error = "503", "retrying transient failure");
        });
        assert_eq!(counter.count(), 2);
        assert_eq!(counter.last_reason().as_deref(), Some("503"));
    }

    #[test]
    fn request_figures_come_from_the_governor() {
        let g = Governor::default();
        assert_eq!(
            requests_text(&g.stats(), 2.0),
            ", 0 requests (0.0/s), 0 in flight, 0 throttled (429)"
        );
        let mut p = Progress::new("pstn", RetryCounter::default());
        assert_eq!(p.requests(1.0), "");
        p.watch(g);
        assert!(p.requests(1.0).contains("0 in flight"));
        p.abandon();
    }

    #[test]
    fn retry_reasons_are_short() {
        assert_eq!(
            reason(
                "429 Too Many Requests from GET /v1.0/communications/callRecords: TooManyRequests"
            ),
            "429 Too Many Requests"
        );
        assert_eq!(
            reason("transport error on GET /v1.0/x: reset"),
            "transport error"
        );
    }

    #[test]
    fn bar_is_hidden_when_stderr_is_not_a_terminal_in_tests() {
        // cargo test captures stderr through a pipe, so the bar must stay quiet.
        let p = Progress::new("pstn", RetryCounter::default());
        if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            assert!(!p.is_visible());
        }
        p.abandon();
    }
}
