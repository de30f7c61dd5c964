//! Paging: next links, injected throttling, loops, foreign hosts, decode paths, headers.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Query, Request};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use common::{client, fast_policy, serve, TOKEN};
use futures::{StreamExt, TryStreamExt};
use msgraph_runtime::{Error, RequestOptions};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
struct Row {
    id: u32,
}

/// Rows 0..10_000 in pages of 100 via `$skip` next links; every 7th request
/// is answered with 429 (Retry-After: 0) or 503 (no Retry-After) instead.
/// Also checks the headers of every request and counts violations.
#[tokio::test]
async fn ten_thousand_rows_with_injected_throttling_arrive_exactly_once() {
    const TOTAL: u32 = 10_000;
    let requests = Arc::new(AtomicU32::new(0));
    let bad_headers = Arc::new(Mutex::new(Vec::<String>::new()));
    let request_ids = Arc::new(Mutex::new(std::collections::HashSet::<String>::new()));
    let (r, b, ids) = (requests.clone(), bad_headers.clone(), request_ids.clone());
    let addr = serve(move |addr: SocketAddr| {
        Router::new().route(
            "/v1.0/rows",
            get(
                move |Query(q): Query<HashMap<String, String>>, req: Request| {
                    let (r, b, ids) = (r.clone(), b.clone(), ids.clone());
                    async move {
                        let n = r.fetch_add(1, Ordering::SeqCst) + 1;
                        let h = req.headers();
                        let get = |k: &str| {
                            h.get(k)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("")
                                .to_string()
                        };
                        if get("authorization") != format!("Bearer {TOKEN}") {
                            b.lock()
                                .unwrap()
                                .push(format!("authorization on request {n}"));
                        }
                        let prefer = get("prefer");
                        if prefer != "include-unknown-enum-members, odata.maxpagesize=100" {
                            b.lock().unwrap().push(format!("prefer {prefer:?}"));
                        }
                        if !get("sdkversion").starts_with("graph-callrecords-rs/") {
                            b.lock().unwrap().push("sdkversion".into());
                        }
                        if !get("user-agent").starts_with("graph-callrecords-rs/") {
                            b.lock().unwrap().push("user-agent".into());
                        }
                        let crid = get("client-request-id");
                        if uuid::Uuid::parse_str(&crid).map(|u| u.get_version_num()) != Ok(4)
                            || !ids.lock().unwrap().insert(crid.clone())
                        {
                            b.lock()
                                .unwrap()
                                .push(format!("client-request-id {crid:?}"));
                        }
                        if n % 7 == 0 {
                            return if n % 14 == 0 {
                                (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response()
                            } else {
                                (
                                    StatusCode::TOO_MANY_REQUESTS,
                                    [("retry-after", "0")],
                                    "slow down",
                                )
                                    .into_response()
                            };
                        }
                        let skip: u32 = q.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
                        let end = (skip + 100).min(TOTAL);
                        let value: Vec<_> = (skip..end).map(|id| json!({"id": id})).collect();
                        let mut page = json!({
                            "@odata.context": format!("http://{addr}/v1.0/$metadata#rows"),
                            "value": value,
                        });
                        if end < TOTAL {
                            page["@odata.nextLink"] =
                                json!(format!("http://{addr}/v1.0/rows?$top=100&$skip={end}"));
                        }
                        axum::Json(page).into_response()
                    }
                },
            ),
        )
    })
    .await;
    let c = client(addr, fast_policy(4));
    let opts = RequestOptions::with_max_page_size(100);
    let rows: Vec<Row> = c
        .pager::<Row>("/rows?$top=100", &opts)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), TOTAL as usize);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.id as usize, i);
    }
    let n = requests.load(Ordering::SeqCst);
    // 100 good pages; every 7th request failed and was repeated.
    assert_eq!(n, 116, "requests");
    assert!(
        bad_headers.lock().unwrap().is_empty(),
        "{:?}",
        bad_headers.lock().unwrap()
    );
}

/// Pages link p=1 -> p=2 -> p=1: a loop the pager must break.
#[tokio::test]
async fn repeated_next_link_is_an_error() {
    let requests = Arc::new(AtomicU32::new(0));
    let r = requests.clone();
    let addr = serve(move |addr| {
        Router::new().route(
            "/v1.0/loop",
            get(move |Query(q): Query<HashMap<String, String>>| {
                let r = r.clone();
                async move {
                    r.fetch_add(1, Ordering::SeqCst);
                    let p = q.get("p").cloned().unwrap_or_default();
                    let next = if p == "1" { "2" } else { "1" };
                    axum::Json(json!({
                        "value": [{"id": 1}],
                        "@odata.nextLink": format!("http://{addr}/v1.0/loop?p={next}"),
                    }))
                }
            }),
        )
    })
    .await;
    let c = client(addr, fast_policy(2));
    let mut pager = c.pager::<Row>("/loop?p=1", &RequestOptions::default());
    assert!(pager.next().await.unwrap().is_ok());
    assert!(pager.next().await.unwrap().is_ok());
    let e = pager.next().await.unwrap().unwrap_err();
    assert!(
        matches!(&e, Error::Paging { link, .. } if link.ends_with("p=1")),
        "{e:?}"
    );
    assert!(pager.next().await.is_none());
    assert_eq!(requests.load(Ordering::SeqCst), 2);
}

/// A foreign server that counts what reaches it.
async fn foreign() -> (SocketAddr, Arc<AtomicU32>) {
    let hits = Arc::new(AtomicU32::new(0));
    let h = hits.clone();
    let addr = serve(move |_| {
        Router::new().fallback(move || {
            let h = h.clone();
            async move {
                h.fetch_add(1, Ordering::SeqCst);
                axum::Json(json!({"value": []}))
            }
        })
    })
    .await;
    (addr, hits)
}

#[tokio::test]
async fn next_link_to_another_host_is_refused() {
    let (evil, hits) = foreign().await;
    let addr = serve(move |_| {
        Router::new().route(
            "/v1.0/rows",
            get(move || async move {
                axum::Json(json!({
                    "value": [{"id": 7}],
                    "@odata.nextLink": format!("http://{evil}/v1.0/rows?$skiptoken=x"),
                }))
            }),
        )
    })
    .await;
    let c = client(addr, fast_policy(2));
    let mut pager = c.pager::<Row>("/rows", &RequestOptions::default());
    let page = pager.next().await.unwrap().unwrap();
    assert_eq!(page.value[0].id, 7);
    assert_eq!(
        pager.next_link(),
        Some(format!("http://{evil}/v1.0/rows?$skiptoken=x").as_str())
    );
    let e = pager.next().await.unwrap().unwrap_err();
    assert!(matches!(e, Error::ForeignHost { .. }), "{e:?}");
    assert!(pager.next().await.is_none());

    // Resuming from such a link is refused up front.
    let e = c
        .pager_from_link::<Row>(
            &format!("http://{evil}/v1.0/rows"),
            &RequestOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(e, Error::ForeignHost { .. }));
    // Same for an https link to the right host name but another scheme.
    let e = c
        .pager_from_link::<Row>(
            &format!("https://{addr}/v1.0/rows"),
            &RequestOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(e, Error::ForeignHost { .. }));
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let (evil, hits) = foreign().await;
    let addr = serve(move |_| {
        Router::new().route(
            "/v1.0/rows",
            get(move || async move {
                (
                    StatusCode::FOUND,
                    [("location", format!("http://{evil}/v1.0/rows"))],
                    "",
                )
            }),
        )
    })
    .await;
    let c = client(addr, fast_policy(2));
    let e = c
        .get_json::<serde_json::Value>("/rows", &RequestOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(StatusCode::FOUND));
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn resume_from_saved_next_link() {
    let addr = serve(move |addr| {
        Router::new().route(
            "/v1.0/rows",
            get(move |Query(q): Query<HashMap<String, String>>| async move {
                let skip: u32 = q.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
                let mut page = json!({"value": [{"id": skip}, {"id": skip + 1}]});
                if skip < 4 {
                    page["@odata.nextLink"] =
                        json!(format!("http://{addr}/v1.0/rows?$skip={}", skip + 2));
                }
                axum::Json(page)
            }),
        )
    })
    .await;
    let c = client(addr, fast_policy(2));
    let mut pager = c.pager::<Row>("/rows", &RequestOptions::default());
    pager.next().await.unwrap().unwrap();
    let checkpoint = pager.next_link().unwrap().to_string();
    drop(pager);
    let pager = c
        .pager_from_link::<Row>(&checkpoint, &RequestOptions::default())
        .unwrap();
    let ids: Vec<u32> = pager.items().map_ok(|r| r.id).try_collect().await.unwrap();
    assert_eq!(ids, vec![2, 3, 4, 5]);
}

#[tokio::test]
async fn decode_error_names_the_json_path() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Charged {
        id: String,
        charge: f64,
    }
    let addr = serve(|_| {
        Router::new().route(
            "/v1.0/logs",
            get(|| async {
                axum::Json(json!({"value": [
                    {"id": "a", "charge": 0.0},
                    {"id": "b", "charge": 1.5},
                    {"id": "c", "charge": 12.83},
                    {"id": "d", "charge": "oops"},
                ]}))
            }),
        )
    })
    .await;
    let c = client(addr, fast_policy(2));
    let e = c
        .pager::<Charged>("/logs?$top=4", &RequestOptions::default())
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    match &e {
        Error::Decode { path, url, .. } => {
            assert_eq!(path, "value[3].charge");
            assert_eq!(url, "/v1.0/logs?$top=4");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(e.to_string().contains("value[3].charge"), "{e}");
}

#[tokio::test]
async fn graph_error_with_lowercase_innererror_over_http() {
    let addr = serve(|_| {
        Router::new().route(
            "/v1.0/communications/callRecords/old",
            get(|| async {
                (
                    StatusCode::NOT_FOUND,
                    r#"{"error":{"code":"itemNotFound","message":"Call record older than 30 days","innererror":{"request-id":"rid-1","client-request-id":"crid-1","date":"2021-07-02T01:40:19"}}}"#,
                )
            }),
        )
    })
    .await;
    let c = client(addr, fast_policy(3));
    let e = c
        .get_json::<serde_json::Value>(
            "/communications/callRecords/old",
            &RequestOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.request_id(), Some("rid-1"));
    let g = e.graph_error().unwrap();
    assert_eq!(g.code, "itemNotFound");
    assert_eq!(g.inner.client_request_id.as_deref(), Some("crid-1"));
    assert_eq!(
        e.to_string(),
        "404 Not Found from GET /v1.0/communications/callRecords/old: itemNotFound: Call record older than 30 days (request-id rid-1, retried 0 times)"
    );
}

#[tokio::test]
async fn bad_start_path_is_an_error_not_a_panic() {
    let (evil, hits) = foreign().await;
    let c = client(evil, fast_policy(1));
    for bad in ["rows", "//evil.example/rows", ""] {
        let mut p = c.pager::<Row>(bad, &RequestOptions::default());
        assert!(
            matches!(p.next().await, Some(Err(Error::Config(_)))),
            "{bad:?}"
        );
        assert!(p.next().await.is_none());
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

/// Serves pages `p=0..pages` of one row each, each ending with its next
/// link (as Graph writes them); counts the requests.
async fn linked_pages(pages: u32) -> (SocketAddr, Arc<AtomicU32>) {
    let requests = Arc::new(AtomicU32::new(0));
    let r = requests.clone();
    let addr = serve(move |addr| {
        Router::new().route(
            "/v1.0/ahead",
            get(move |Query(q): Query<HashMap<String, String>>| {
                let r = r.clone();
                async move {
                    r.fetch_add(1, Ordering::SeqCst);
                    let p: u32 = q.get("p").and_then(|p| p.parse().ok()).unwrap_or(0);
                    let next = if p + 1 < pages {
                        format!(
                            r#","@odata.nextLink":"http://{addr}/v1.0/ahead?p={}""#,
                            p + 1
                        )
                    } else {
                        String::new()
                    };
                    // Page 3 holds a row that does not decode.
                    let id = if p == 3 {
                        r#""x""#.to_string()
                    } else {
                        p.to_string()
                    };
                    let body = format!(r#"{{"value":[{{"id":{id}}}]{next}}}"#);
                    ([("content-type", "application/json")], body)
                }
            }),
        )
    })
    .await;
    (addr, requests)
}

/// Waits (bounded) until the server has seen `n` requests.
async fn requests_reach(requests: &AtomicU32, n: u32) -> u32 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while requests.load(Ordering::SeqCst) < n && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    requests.load(Ordering::SeqCst)
}

/// Pages that end with their next link: the next page is asked for before
/// the consumer asks for it, while this one is decoded; every row still
/// arrives once, in order, on either kind of runtime.
async fn pages_are_requested_ahead_in_order() {
    let (addr, requests) = linked_pages(3).await;
    let c = client(addr, fast_policy(2));
    let mut pager = c.pager::<Row>("/ahead?p=0", &RequestOptions::default());
    let first = pager.next().await.unwrap().unwrap();
    assert_eq!(first.value[0].id, 0);
    // Without being polled again, the pager has asked for page 1.
    assert_eq!(requests_reach(&requests, 2).await, 2);
    let mut ids = vec![first.value[0].id];
    while let Some(page) = pager.next().await {
        ids.extend(page.unwrap().value.iter().map(|r| r.id));
    }
    assert_eq!(ids, [0, 1, 2]);
    // One request per page: the page asked for ahead was used, not fetched again.
    assert_eq!(requests.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn the_next_page_is_requested_ahead_when_the_link_ends_the_page() {
    pages_are_requested_ahead_in_order().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_next_page_is_requested_ahead_on_a_multi_thread_runtime() {
    pages_are_requested_ahead_in_order().await;
}

/// A page that fails to decode ends the stream with its error after the
/// pages before it; the page after it may have been asked for already (one
/// request at most), and nothing more is.
#[tokio::test]
async fn a_page_that_fails_to_decode_ends_the_stream_after_a_request_ahead() {
    let (addr, requests) = linked_pages(10).await;
    let c = client(addr, fast_policy(2));
    let mut pager = c.pager::<Row>("/ahead?p=0", &RequestOptions::default());
    for p in 0..3 {
        assert_eq!(pager.next().await.unwrap().unwrap().value[0].id, p);
    }
    let e = pager.next().await.unwrap().unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    assert!(pager.next().await.is_none());
    drop(pager);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    // Pages 0-3, and page 4 if its request went out before it was dropped.
    let sent = requests.load(Ordering::SeqCst);
    assert!((4..=5).contains(&sent), "{sent} requests");
}

/// Turned off, a page is asked for only when the consumer asks for it:
/// nothing goes out while a page is read, nor after one fails to decode.
#[tokio::test]
async fn with_request_ahead_off_pages_are_requested_when_asked_for() {
    let (addr, requests) = linked_pages(10).await;
    let c = client(addr, fast_policy(2));
    let mut pager = c
        .pager::<Row>("/ahead?p=0", &RequestOptions::default())
        .request_ahead(false);
    for p in 0..3 {
        assert_eq!(pager.next().await.unwrap().unwrap().value[0].id, p);
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        assert_eq!(requests.load(Ordering::SeqCst), p + 1);
    }
    let e = pager.next().await.unwrap().unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e:?}");
    assert!(pager.next().await.is_none());
    drop(pager);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(requests.load(Ordering::SeqCst), 4);
}

/// A credential that hands out an expired token once, then panics.
struct PanicsOnSecondCall(AtomicU32);

impl msgraph_runtime::TokenCredential for PanicsOnSecondCall {
    fn get_token<'a>(
        &'a self,
        _scopes: &'a [&'a str],
    ) -> futures::future::BoxFuture<'a, Result<msgraph_runtime::AccessToken, Error>> {
        Box::pin(async move {
            if self.0.fetch_add(1, Ordering::SeqCst) > 0 {
                panic!("credential failed on purpose");
            }
            Ok(msgraph_runtime::AccessToken::new(
                TOKEN,
                std::time::SystemTime::UNIX_EPOCH,
            ))
        })
    }
}

/// A panic while the next page is fetched ahead reaches the consumer, as
/// it would if that page were fetched when asked for.
#[tokio::test]
async fn a_panic_while_fetching_ahead_reaches_the_consumer() {
    use futures::FutureExt;
    let (addr, _) = linked_pages(3).await;
    let c = common::builder(addr, fast_policy(2))
        .credential(PanicsOnSecondCall(AtomicU32::new(0)))
        .build()
        .unwrap();
    let mut pager = c.pager::<Row>("/ahead?p=0", &RequestOptions::default());
    assert_eq!(pager.next().await.unwrap().unwrap().value[0].id, 0);
    let caught = std::panic::AssertUnwindSafe(pager.next())
        .catch_unwind()
        .await;
    let payload = caught.expect_err("the panic reaches the consumer");
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"credential failed on purpose")
    );
}

/// A pager polled on one runtime and then on another (the first one shut
/// down, with the fetch it had started ahead): the page is fetched again.
#[test]
fn a_page_asked_for_on_a_runtime_since_shut_down_is_fetched_again() {
    let server = tokio::runtime::Runtime::new().unwrap();
    let (addr, requests) = server.block_on(linked_pages(3));
    let c = client(addr, fast_policy(2));
    let mut pager = c.pager::<Row>("/ahead?p=0", &RequestOptions::default());
    let first = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert_eq!(
        first.block_on(pager.next()).unwrap().unwrap().value[0].id,
        0
    );
    drop(first);
    let second = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let ids: Vec<u32> = second.block_on(async {
        let mut ids = Vec::new();
        while let Some(page) = pager.next().await {
            ids.extend(page.unwrap().value.iter().map(|r| r.id));
        }
        ids
    });
    assert_eq!(ids, [1, 2]);
    assert!(requests.load(Ordering::SeqCst) >= 3);
}

/// A link read ahead is checked before anything is sent: one to another
/// host is never requested, and the page is still yielded before the error.
#[tokio::test]
async fn a_foreign_link_ending_the_page_is_not_requested_ahead() {
    let (evil, hits) = foreign().await;
    let addr = serve(move |_| {
        Router::new().route(
            "/v1.0/rows",
            get(move || async move {
                let body = format!(
                    r#"{{"value":[{{"id":7}}],"@odata.nextLink":"http://{evil}/v1.0/rows?x=1"}}"#
                );
                ([("content-type", "application/json")], body)
            }),
        )
    })
    .await;
    let c = client(addr, fast_policy(2));
    let mut pager = c.pager::<Row>("/rows", &RequestOptions::default());
    assert_eq!(pager.next().await.unwrap().unwrap().value[0].id, 7);
    let e = pager.next().await.unwrap().unwrap_err();
    assert!(matches!(e, Error::ForeignHost { .. }), "{e:?}");
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

/// A loop found ahead is not requested again: the error comes after the
/// page, as when the link is read from the decoded page.
#[tokio::test]
async fn a_repeated_link_ending_the_page_is_not_requested_ahead() {
    let requests = Arc::new(AtomicU32::new(0));
    let r = requests.clone();
    let addr = serve(move |addr| {
        Router::new().route(
            "/v1.0/loop",
            get(move || {
                let r = r.clone();
                async move {
                    r.fetch_add(1, Ordering::SeqCst);
                    let body = format!(
                        r#"{{"value":[{{"id":1}}],"@odata.nextLink":"http://{addr}/v1.0/loop"}}"#
                    );
                    ([("content-type", "application/json")], body)
                }
            }),
        )
    })
    .await;
    let c = client(addr, fast_policy(2));
    let mut pager = c.pager::<Row>("/loop", &RequestOptions::default());
    assert!(pager.next().await.unwrap().is_ok());
    let e = pager.next().await.unwrap().unwrap_err();
    assert!(matches!(e, Error::Paging { .. }), "{e:?}");
    assert!(pager.next().await.is_none());
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}
