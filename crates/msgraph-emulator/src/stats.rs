//! Request counters, shared by all connections.

use std::sync::atomic::{AtomicU64, Ordering};

/// A snapshot of the emulator's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Every HTTP request received (token requests included).
    pub requests: u64,
    /// Requests to the token endpoint.
    pub token_requests: u64,
    /// Requests under `/v1.0` or `/beta` (and any other non-token path).
    pub graph_requests: u64,
    /// Injected faults of every kind.
    pub faults_injected: u64,
    /// `429` answers (injected faults and limits).
    pub throttled: u64,
    /// `429` answers because a [`crate::Limits`] scope was over its limit.
    pub limited: u64,
    /// `503` answers.
    pub unavailable: u64,
    /// `504` answers.
    pub gateway_timeouts: u64,
    /// Truncated bodies.
    pub truncated: u64,
    /// Connections closed without a response.
    pub resets: u64,
    /// Delayed responses.
    pub delayed: u64,
    /// `401` answers for a missing or wrong bearer token.
    pub unauthorized: u64,
    /// Non-fault `4xx` answers (validation errors, unknown ids).
    pub client_errors: u64,
    /// Log rows served in `200` responses.
    pub rows_served: u64,
}

/// The live counters behind [`Stats`].
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub requests: AtomicU64,
    pub token_requests: AtomicU64,
    pub graph_requests: AtomicU64,
    pub fault_sequence: AtomicU64,
    pub faults_injected: AtomicU64,
    pub throttled: AtomicU64,
    pub limited: AtomicU64,
    pub unavailable: AtomicU64,
    pub gateway_timeouts: AtomicU64,
    pub truncated: AtomicU64,
    pub resets: AtomicU64,
    pub delayed: AtomicU64,
    pub unauthorized: AtomicU64,
    pub client_errors: AtomicU64,
    pub rows_served: AtomicU64,
}

/// Increment and return the new value.
pub(crate) fn bump(c: &AtomicU64) -> u64 {
    c.fetch_add(1, Ordering::Relaxed) + 1
}

impl Counters {
    pub fn snapshot(&self) -> Stats {
        let g = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            requests: g(&self.requests),
            token_requests: g(&self.token_requests),
            graph_requests: g(&self.graph_requests),
            faults_injected: g(&self.faults_injected),
            throttled: g(&self.throttled),
            limited: g(&self.limited),
            unavailable: g(&self.unavailable),
            gateway_timeouts: g(&self.gateway_timeouts),
            truncated: g(&self.truncated),
            resets: g(&self.resets),
            delayed: g(&self.delayed),
            unauthorized: g(&self.unauthorized),
            client_errors: g(&self.client_errors),
            rows_served: g(&self.rows_served),
        }
    }
}
