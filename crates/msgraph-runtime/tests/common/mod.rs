//! Shared helpers for the integration tests: loopback servers and clients.
#![allow(dead_code)] // each test binary uses a different subset

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use msgraph_runtime::{GraphClient, GraphClientBuilder, RetryPolicy, StaticTokenCredential};
use url::Url;

/// The bearer token the static credential hands out; must never be logged.
pub const TOKEN: &str = "eyJ0eXAi.TEST-TOKEN-must-never-leak.sig";

/// Serve `make(addr)` on 127.0.0.1 with an ephemeral port. The server task
/// ends with the test's runtime.
pub async fn serve(make: impl FnOnce(SocketAddr) -> Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    let router = make(addr);
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// A retry policy with millisecond backoff so tests stay fast.
pub fn fast_policy(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        max_total: Duration::from_secs(20),
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    }
}

pub fn base(addr: SocketAddr) -> Url {
    Url::parse(&format!("http://{addr}")).expect("loopback url")
}

/// A client builder for `addr` with a static token and the given policy.
pub fn builder(addr: SocketAddr, policy: RetryPolicy) -> GraphClientBuilder {
    GraphClient::builder()
        .credential(StaticTokenCredential::new(TOKEN))
        .base_url(base(addr))
        .allow_insecure_loopback(true)
        .retry_policy(policy)
        .timeout(Duration::from_secs(10))
}

/// A client for `addr` with a static token and the given policy.
pub fn client(addr: SocketAddr, policy: RetryPolicy) -> GraphClient {
    builder(addr, policy).build().expect("client builds")
}

/// The package directory as cargo gives it when running this (not as it was
/// at compile time: a build dir may be shared between checkouts).
pub fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string())
}
