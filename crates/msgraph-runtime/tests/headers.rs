//! Request headers: Prefer combinations, extra headers, and what may not be overridden.

mod common;

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::routing::get;
use axum::Router;
use common::{base, fast_policy, serve, TOKEN};
use msgraph_runtime::header::{HeaderName, HeaderValue};
use msgraph_runtime::{Error, GraphClient, RequestOptions, StaticTokenCredential};

/// A server that records the headers of every request.
async fn recorder() -> (std::net::SocketAddr, Arc<Mutex<Vec<axum::http::HeaderMap>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let addr = serve(move |_| {
        Router::new().route(
            "/v1.0/x",
            get(move |req: Request| {
                let s = s.clone();
                async move {
                    s.lock().unwrap().push(req.headers().clone());
                    axum::Json(serde_json::json!({"value": []}))
                }
            }),
        )
    })
    .await;
    (addr, seen)
}

#[tokio::test]
async fn prefer_values_are_combined_and_switchable() {
    let (addr, seen) = recorder().await;
    let on = common::client(addr, fast_policy(1));
    let off = GraphClient::builder()
        .credential(StaticTokenCredential::new(TOKEN))
        .base_url(base(addr))
        .allow_insecure_loopback(true)
        .include_unknown_enum_members(false)
        .user_agent("my-app/1.0")
        .build()
        .unwrap();
    let mut opts = RequestOptions::with_max_page_size(60);
    opts.prefer.push("omit-values=nulls".into());
    opts.headers.insert(
        HeaderName::from_static("consistencylevel"),
        HeaderValue::from_static("eventual"),
    );
    on.get_json::<serde_json::Value>("/x", &opts).await.unwrap();
    off.get_json::<serde_json::Value>("/x", &RequestOptions::default())
        .await
        .unwrap();
    let seen = seen.lock().unwrap();
    let h = |i: usize, k: &str| seen[i].get(k).map(|v| v.to_str().unwrap().to_string());
    assert_eq!(
        h(0, "prefer").as_deref(),
        Some("include-unknown-enum-members, odata.maxpagesize=60, omit-values=nulls")
    );
    assert_eq!(h(0, "consistencylevel").as_deref(), Some("eventual"));
    assert_eq!(h(0, "accept").as_deref(), Some("application/json"));
    assert_eq!(h(1, "prefer"), None);
    assert_eq!(h(1, "user-agent").as_deref(), Some("my-app/1.0"));
    assert!(h(1, "sdkversion")
        .unwrap()
        .starts_with("graph-callrecords-rs/"));
    assert_ne!(h(0, "client-request-id"), h(1, "client-request-id"));
}

#[tokio::test]
async fn authorization_cannot_be_injected_and_userinfo_links_are_foreign() {
    let (addr, seen) = recorder().await;
    let c = common::client(addr, fast_policy(1));
    let mut opts = RequestOptions::default();
    opts.headers.insert(
        HeaderName::from_static("authorization"),
        HeaderValue::from_static("Bearer other"),
    );
    let e = c
        .get_json::<serde_json::Value>("/x", &opts)
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    let e = c
        .pager_from_link::<serde_json::Value>(
            &format!("http://user:pw@{addr}/v1.0/x"),
            &RequestOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(e, Error::ForeignHost { .. }), "{e:?}");
    assert!(!e.to_string().contains("pw@"), "{e}");
    assert!(seen.lock().unwrap().is_empty());
}
