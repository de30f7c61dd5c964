//! Retry rules against loopback servers: statuses, Retry-After forms, caps, transport failures.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use common::{client, fast_policy, serve};
use msgraph_runtime::{Error, RequestOptions, RetryPolicy};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const THROTTLE_BODY: &str = r#"{"error":{"code":"TooManyRequests","innerError":{"code":"429","date":"2020-08-18T12:51:51","message":"Please retry after","request-id":"94fb3b52-452a-4535-a601-69e0a90e3aa2","status":"429"},"message":"Please retry again later."}}"#;

/// A server whose route `/v1.0/thing` fails the first `failures` requests with
/// `status` (+ optional Retry-After from `retry_after(n)`), then answers 200.
/// Returns the address, the request counter and the arrival instants.
async fn flaky(
    failures: u32,
    status: StatusCode,
    retry_after: fn(u32) -> Option<String>,
) -> (
    std::net::SocketAddr,
    Arc<AtomicU32>,
    Arc<Mutex<Vec<Instant>>>,
) {
    let count = Arc::new(AtomicU32::new(0));
    let times = Arc::new(Mutex::new(Vec::new()));
    let (c, t) = (count.clone(), times.clone());
    let addr = serve(move |_| {
        Router::new().route(
            "/v1.0/thing",
            get(move || {
                let (c, t) = (c.clone(), t.clone());
                async move {
                    let n = c.fetch_add(1, Ordering::SeqCst) + 1;
                    t.lock().unwrap().push(Instant::now());
                    if n <= failures {
                        let mut h = HeaderMap::new();
                        h.insert("request-id", "rid-from-header".parse().unwrap());
                        if let Some(v) = retry_after(n) {
                            h.insert("retry-after", v.parse().unwrap());
                        }
                        (status, h, THROTTLE_BODY).into_response()
                    } else {
                        axum::Json(json!({"ok": n})).into_response()
                    }
                }
            }),
        )
    })
    .await;
    (addr, count, times)
}

async fn get_thing(c: &msgraph_runtime::GraphClient) -> Result<Value, Error> {
    c.get_json::<Value>("/thing", &RequestOptions::default())
        .await
}

#[tokio::test]
async fn retries_429_503_504_then_succeeds() {
    for status in [
        StatusCode::TOO_MANY_REQUESTS,
        StatusCode::SERVICE_UNAVAILABLE,
        StatusCode::GATEWAY_TIMEOUT,
    ] {
        let (addr, count, _) = flaky(2, status, |_| None).await;
        let v = get_thing(&client(addr, fast_policy(5))).await.unwrap();
        assert_eq!(v["ok"], 3, "{status}");
        assert_eq!(count.load(Ordering::SeqCst), 3, "{status}");
    }
}

#[tokio::test]
async fn other_statuses_are_not_retried() {
    // (401 gets one retry with a fresh token: see tests/auth.rs.)
    for status in [
        StatusCode::BAD_REQUEST,
        StatusCode::FORBIDDEN,
        StatusCode::NOT_FOUND,
        StatusCode::INTERNAL_SERVER_ERROR,
    ] {
        let (addr, count, _) = flaky(1, status, |_| Some("0".into())).await;
        let e = get_thing(&client(addr, fast_policy(5))).await.unwrap_err();
        assert_eq!(e.status(), Some(status));
        assert!(!e.is_retryable());
        assert_eq!(count.load(Ordering::SeqCst), 1, "{status}");
    }
}

#[tokio::test]
async fn fractional_retry_after_is_honoured() {
    let (addr, count, times) =
        flaky(2, StatusCode::TOO_MANY_REQUESTS, |_| Some("0.06".into())).await;
    // Backoff alone (<= 5 ms) could not produce the gaps asserted below.
    get_thing(&client(addr, fast_policy(5))).await.unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 3);
    let t = times.lock().unwrap();
    for w in t.windows(2) {
        assert!(
            w[1] - w[0] >= Duration::from_millis(60),
            "gap {:?}",
            w[1] - w[0]
        );
    }
}

#[tokio::test]
async fn retry_after_zero_retries_at_once() {
    // Backoff of an hour: if Retry-After: 0 were ignored, the 20 s budget would
    // make the client give up instead of retrying.
    let policy = RetryPolicy {
        max_attempts: 5,
        max_total: Duration::from_secs(20),
        base_delay: Duration::from_secs(3600),
        max_delay: Duration::from_secs(3600),
    };
    let (addr, count, _) = flaky(3, StatusCode::TOO_MANY_REQUESTS, |_| Some("0".into())).await;
    get_thing(&client(addr, policy)).await.unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn http_date_retry_after() {
    // A date in the past means "now" (the hour-long backoff is never used).
    let policy = RetryPolicy {
        max_attempts: 5,
        max_total: Duration::from_secs(20),
        base_delay: Duration::from_secs(3600),
        max_delay: Duration::from_secs(3600),
    };
    let (addr, count, _) = flaky(1, StatusCode::SERVICE_UNAVAILABLE, |_| {
        Some(httpdate::fmt_http_date(
            SystemTime::now() - Duration::from_secs(30),
        ))
    })
    .await;
    get_thing(&client(addr, policy)).await.unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 2);

    // A date an hour ahead exceeds the budget: fail with the 429 right away.
    let (addr, count, _) = flaky(9, StatusCode::TOO_MANY_REQUESTS, |_| {
        Some(httpdate::fmt_http_date(
            SystemTime::now() + Duration::from_secs(3600),
        ))
    })
    .await;
    let e = get_thing(&client(addr, fast_policy(5))).await.unwrap_err();
    assert_eq!(count.load(Ordering::SeqCst), 1);
    match &e {
        Error::Http {
            retry_after,
            retries,
            ..
        } => {
            assert!(retry_after.unwrap() > Duration::from_secs(3000));
            assert_eq!(*retries, 0);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn attempt_cap_gives_the_last_error_with_details() {
    let (addr, count, _) = flaky(100, StatusCode::TOO_MANY_REQUESTS, |_| Some("0".into())).await;
    let e = get_thing(&client(addr, fast_policy(4))).await.unwrap_err();
    assert_eq!(count.load(Ordering::SeqCst), 4);
    let text = e.to_string();
    assert_eq!(
        text,
        "429 Too Many Requests from GET /v1.0/thing: TooManyRequests: Please retry again later. (request-id rid-from-header, retried 3 times)"
    );
    let g = e.graph_error().expect("graph body decoded");
    assert_eq!(g.inner.date.as_deref(), Some("2020-08-18T12:51:51"));
    assert_eq!(
        g.inner.request_id.as_deref(),
        Some("94fb3b52-452a-4535-a601-69e0a90e3aa2")
    );
    assert!(e.is_retryable());
}

#[tokio::test]
async fn total_time_cap_stops_retrying() {
    let policy = RetryPolicy {
        max_attempts: 1000,
        max_total: Duration::from_millis(500),
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(1),
    };
    let (addr, count, _) = flaky(10_000, StatusCode::TOO_MANY_REQUESTS, |_| {
        Some("0.2".into())
    })
    .await;
    let started = Instant::now();
    let e = get_thing(&client(addr, policy)).await.unwrap_err();
    let n = count.load(Ordering::SeqCst);
    // 0.2 s apart within 0.5 s: at most 3 attempts (0, 0.2, 0.4), at least 2.
    assert!((2..=3).contains(&n), "attempts {n}");
    assert_eq!(e.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert!(matches!(e, Error::Http { retries, .. } if retries == n - 1));
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[tokio::test]
async fn connection_refused_is_a_retried_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let e = get_thing(&client(addr, fast_policy(3))).await.unwrap_err();
    match &e {
        Error::Transport { retries, .. } => assert_eq!(*retries, 2),
        other => panic!("unexpected {other:?}"),
    }
    assert!(e.is_retryable());
    assert!(e.to_string().contains("GET /v1.0/thing"), "{e}");
}

/// Raw TCP server: connection 1 is dropped without an answer, connection 2
/// gets a truncated body (Content-Length larger than what is sent), the rest
/// get a proper answer.
#[tokio::test]
async fn reset_and_truncated_body_are_retried() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicU32::new(0));
    let c = count.clone();
    tokio::spawn(async move {
        for _ in 0..10 {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let n = c.fetch_add(1, Ordering::SeqCst) + 1;
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            match n {
                1 => drop(sock),
                2 => {
                    let _ = sock
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"ok\":")
                        .await;
                    drop(sock);
                }
                _ => {
                    let body = b"{\"ok\":3}";
                    let head = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = sock.write_all(head.as_bytes()).await;
                    let _ = sock.write_all(body).await;
                }
            }
        }
    });
    let v = get_thing(&client(addr, fast_policy(5))).await.unwrap();
    assert_eq!(v["ok"], 3);
    assert_eq!(count.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn timeout_is_retried() {
    let count = Arc::new(AtomicU32::new(0));
    let c = count.clone();
    let addr = serve(move |_| {
        Router::new().route(
            "/v1.0/thing",
            get(move || {
                let c = c.clone();
                async move {
                    let n = c.fetch_add(1, Ordering::SeqCst) + 1;
                    if n == 1 {
                        tokio::time::sleep(Duration::from_secs(5)).await;
                    }
                    axum::Json(json!({"ok": n}))
                }
            }),
        )
    })
    .await;
    let c = msgraph_runtime::GraphClient::builder()
        .credential(msgraph_runtime::StaticTokenCredential::new(common::TOKEN))
        .base_url(common::base(addr))
        .allow_insecure_loopback(true)
        .retry_policy(fast_policy(3))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let v = get_thing(&c).await.unwrap();
    assert_eq!(v["ok"], 2);
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn timeout_error_says_so() {
    let addr = serve(|_| {
        Router::new().route(
            "/v1.0/thing",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Response::new(axum::body::Body::empty())
            }),
        )
    })
    .await;
    let c = msgraph_runtime::GraphClient::builder()
        .credential(msgraph_runtime::StaticTokenCredential::new(common::TOKEN))
        .base_url(common::base(addr))
        .allow_insecure_loopback(true)
        .retry_policy(fast_policy(2))
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let e = get_thing(&c).await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                timeout: true,
                retries: 1,
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn total_time_cap_bounds_a_slow_attempt() {
    // The server answers only after 5 s; the per-request timeout (10 s) would wait for it,
    // the total budget (300 ms) must not.
    let addr = serve(|_| {
        Router::new().route(
            "/v1.0/thing",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                axum::Json(json!({"ok": 1}))
            }),
        )
    })
    .await;
    let policy = RetryPolicy {
        max_total: Duration::from_millis(300),
        ..fast_policy(3)
    };
    let e = get_thing(&client(addr, policy)).await.unwrap_err();
    assert!(
        matches!(&e, Error::Transport { timeout: true, message, .. } if message.contains("max_total")),
        "{e:?}"
    );
}
