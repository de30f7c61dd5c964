//! Response size limits: a body over `max_response_bytes` is an error (not a
//! full read, not a retry); error bodies are read only up to 64 KiB.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use common::{fast_policy, serve};
use msgraph_runtime::{Error, GraphClient, RequestOptions};
use serde_json::Value;

/// A page of `rows` rows, as JSON text.
fn page(rows: usize) -> String {
    let value: Vec<Value> = (0..rows)
        .map(|i| serde_json::json!({"id": format!("row-{i:04}")}))
        .collect();
    serde_json::json!({ "value": value }).to_string()
}

/// Serves `/v1.0/fixed` (with Content-Length) and `/v1.0/chunked` (without:
/// the body arrives in 100-byte chunks), counting requests.
async fn pages(body: String, status: StatusCode) -> (std::net::SocketAddr, Arc<AtomicU32>) {
    let hits = Arc::new(AtomicU32::new(0));
    let (h1, h2) = (hits.clone(), hits.clone());
    let (b1, b2) = (body.clone(), body);
    let addr = serve(move |_| {
        Router::new()
            .route(
                "/v1.0/fixed",
                get(move || {
                    h1.fetch_add(1, Ordering::SeqCst);
                    let b = b1.clone();
                    async move { (status, b).into_response() }
                }),
            )
            .route(
                "/v1.0/chunked",
                get(move || {
                    h2.fetch_add(1, Ordering::SeqCst);
                    let chunks: Vec<Result<Bytes, std::io::Error>> = b2
                        .as_bytes()
                        .chunks(100)
                        .map(|c| Ok(Bytes::copy_from_slice(c)))
                        .collect();
                    async move {
                        (status, Body::from_stream(futures::stream::iter(chunks))).into_response()
                    }
                }),
            )
    })
    .await;
    (addr, hits)
}

fn client(addr: std::net::SocketAddr, max_response_bytes: usize) -> GraphClient {
    common::builder(addr, fast_policy(3))
        .max_response_bytes(max_response_bytes)
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn a_body_over_the_limit_is_an_error_and_not_retried() {
    let body = page(50);
    let len = body.len();
    let (addr, hits) = pages(body, StatusCode::OK).await;
    for path in ["/fixed", "/chunked"] {
        hits.store(0, Ordering::SeqCst);
        let e = client(addr, len - 1)
            .get_json::<Value>(path, &RequestOptions::default())
            .await
            .expect_err("over the limit");
        match &e {
            Error::ResponseTooLarge { limit, url, .. } => {
                assert_eq!(*limit, len - 1);
                assert_eq!(url, &format!("/v1.0{path}"));
            }
            other => panic!("{path}: unexpected {other:?}"),
        }
        assert!(!e.is_retryable());
        assert_eq!(hits.load(Ordering::SeqCst), 1, "{path}: not retried");
        assert!(e.to_string().contains("max_response_bytes"), "{e}");

        // Exactly at the limit is fine, and the whole page arrives.
        let v = client(addr, len)
            .get_json::<Value>(path, &RequestOptions::default())
            .await
            .expect("at the limit");
        assert_eq!(v["value"].as_array().map(Vec::len), Some(50), "{path}");
    }
}

#[tokio::test]
async fn a_huge_error_body_is_cut_and_the_status_still_reported() {
    // 1 MiB of a Graph error whose message never ends: read up to 64 KiB.
    let body = format!(
        "{{\"error\":{{\"code\":\"badRequest\",\"message\":\"{}\"}}}}",
        "x".repeat(1 << 20)
    );
    let (addr, hits) = pages(body, StatusCode::BAD_REQUEST).await;
    for path in ["/fixed", "/chunked"] {
        hits.store(0, Ordering::SeqCst);
        let e = client(addr, 1 << 30)
            .get_json::<Value>(path, &RequestOptions::default())
            .await
            .expect_err("400");
        match &e {
            Error::Http { status, graph, .. } => {
                assert_eq!(*status, StatusCode::BAD_REQUEST, "{path}");
                // The cut JSON does not decode: no Graph error, but no failure either.
                assert!(graph.is_none(), "{path}");
            }
            other => panic!("{path}: unexpected {other:?}"),
        }
        assert_eq!(hits.load(Ordering::SeqCst), 1, "{path}");
    }
}
