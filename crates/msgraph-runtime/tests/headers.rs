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

#[tokio::test]
async fn chained_options_set_headers_and_a_fixed_client_request_id() {
    let (addr, seen) = recorder().await;
    let c = common::client(addr, fast_policy(1));
    let opts = RequestOptions::new()
        .max_page_size(10)
        .prefer("omit-values=nulls")
        .consistency_level_eventual()
        .client_request_id("my-correlation-id");
    c.get_json::<serde_json::Value>("/x", &opts).await.unwrap();
    c.get_json::<serde_json::Value>("/x", &opts).await.unwrap();
    let seen = seen.lock().unwrap();
    for h in seen.iter() {
        let v = |k: &str| h.get(k).map(|v| v.to_str().unwrap().to_string());
        assert_eq!(
            v("prefer").as_deref(),
            Some("include-unknown-enum-members, odata.maxpagesize=10, omit-values=nulls")
        );
        assert_eq!(v("consistencylevel").as_deref(), Some("eventual"));
        assert_eq!(v("client-request-id").as_deref(), Some("my-correlation-id"));
    }
    assert_eq!(seen.len(), 2);
}

#[tokio::test]
async fn client_request_id_goes_through_its_own_option_only() {
    let (addr, seen) = recorder().await;
    let c = common::client(addr, fast_policy(1));
    let as_header = RequestOptions::new().header(
        HeaderName::from_static("client-request-id"),
        HeaderValue::from_static("x"),
    );
    let e = c
        .get_json::<serde_json::Value>("/x", &as_header)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Config(m) if m.contains("client-request-id")),
        "{e:?}"
    );
    let bad = RequestOptions::new().client_request_id("line\nbreak");
    let e = c
        .get_json::<serde_json::Value>("/x", &bad)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Config(m) if m.contains("client-request-id")),
        "{e:?}"
    );
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_per_request_timeout_overrides_the_clients() {
    let addr = serve(|_| {
        Router::new().route(
            "/v1.0/slow",
            get(|| async {
                tokio::time::sleep(std::time::Duration::from_secs(120)).await;
                axum::Json(serde_json::json!({}))
            }),
        )
    })
    .await;
    // The client's own timeout (60 s) would not end the attempt: the retry policy's total
    // budget (20 s) would, with another message.
    let c = common::builder(addr, fast_policy(1))
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    let opts = RequestOptions::new().timeout(std::time::Duration::from_millis(200));
    let e = c
        .get_json::<serde_json::Value>("/slow", &opts)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Transport { timeout: true, message, .. } if !message.contains("total time budget")),
        "{e:?}"
    );
}
