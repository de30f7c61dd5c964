//! Per-request options on the generated builders, the windowed requests and the raw escape
//! hatch reach the wire on every page; the raw escape hatch stays on the Graph host.

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::Json;
use chrono::{DateTime, Duration, TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use msgraph_callrecords::runtime::header::{HeaderName, HeaderValue};
use msgraph_callrecords::runtime::{ApiVersion, StaticTokenCredential};
use msgraph_callrecords::{Client, Error, GraphClient, RequestOptions};
use serde_json::{json, Value};

/// What the server saw: path and query, and the headers of interest.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    target: String,
    prefer: Option<String>,
    consistency: Option<String>,
    client_request_id: Option<String>,
}

#[derive(Clone)]
struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// Every collection has two pages: the first links to `?$skiptoken=2`.
async fn answer(State(s): State<Server>, req: Request) -> Json<Value> {
    let h = |k: &str| {
        req.headers()
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    s.seen.lock().unwrap().push(Seen {
        target: target.clone(),
        prefer: h("prefer"),
        consistency: h("consistencylevel"),
        client_request_id: h("client-request-id"),
    });
    if target.contains("skiptoken=2") {
        Json(json!({"value": [{"id": "second"}]}))
    } else {
        let next = format!("{}{}?$skiptoken=2", s.base, req.uri().path());
        Json(json!({"value": [{"id": "first"}], "@odata.nextLink": next}))
    }
}

async fn serve() -> (Client, Server, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = Server {
        base: base.clone(),
        seen: Arc::default(),
    };
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(server.clone());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let client = Client::new(
        GraphClient::builder()
            .credential(StaticTokenCredential::new("t"))
            .base_url(base.parse().unwrap())
            .allow_insecure_loopback(true)
            .api_version(ApiVersion::V1)
            .build()
            .unwrap(),
    );
    (client, server, task)
}

fn take(server: &Server) -> Vec<Seen> {
    std::mem::take(&mut *server.seen.lock().unwrap())
}

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap()
}

#[tokio::test]
async fn builder_options_are_sent_with_every_page() {
    let (client, server, task) = serve().await;
    let items: Vec<_> = client
        .communications()
        .call_records()
        .list()
        .max_page_size(10)
        .prefer("omit-values=nulls")
        .header(
            HeaderName::from_static("consistencylevel"),
            HeaderValue::from_static("eventual"),
        )
        .client_request_id("export-42")
        .timeout(std::time::Duration::from_secs(30))
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 2);
    let seen = take(&server);
    assert_eq!(seen.len(), 2);
    for s in &seen {
        assert_eq!(
            s.prefer.as_deref(),
            Some("include-unknown-enum-members, odata.maxpagesize=10, omit-values=nulls"),
            "{s:?}"
        );
        assert_eq!(s.consistency.as_deref(), Some("eventual"));
        assert_eq!(s.client_request_id.as_deref(), Some("export-42"));
    }
    assert_eq!(
        seen[1].target,
        "/v1.0/communications/callRecords?$skiptoken=2"
    );

    // `options` replaces what was set before (the page size too); a function takes them.
    client
        .communications()
        .call_records()
        .get_pstn_calls(day(1), day(2))
        .prefer("odata.maxpagesize=5")
        .options(RequestOptions::new().consistency_level_eventual())
        .send()
        .await
        .unwrap();
    let seen = take(&server);
    assert_eq!(
        seen[0].prefer.as_deref(),
        Some("include-unknown-enum-members")
    );
    assert_eq!(seen[0].consistency.as_deref(), Some("eventual"));
    assert!(seen[0].target.contains("getPstnCalls("), "{seen:?}");
    // A fresh client-request-id per request when none is chosen.
    assert!(seen[0].client_request_id.is_some());
    task.abort();
}

#[tokio::test]
async fn windowed_requests_send_their_options_in_every_window() {
    let (client, server, task) = serve().await;
    let rows: Vec<_> = client
        .communications()
        .call_records()
        .get_direct_routing_calls_windowed_by(day(1), day(3), Duration::days(1))
        .options(RequestOptions::new().client_request_id("w"))
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    // Two windows of two pages.
    assert_eq!(rows.len(), 4);
    let seen = take(&server);
    assert_eq!(seen.len(), 4);
    assert!(seen
        .iter()
        .all(|s| s.client_request_id.as_deref() == Some("w")));
    assert!(
        seen[2].target.contains("fromDateTime=2026-11-02T00:00:00Z"),
        "{seen:?}"
    );
    task.abort();
}

#[tokio::test]
async fn options_cannot_slip_past_the_documented_page_size() {
    let (client, server, task) = serve().await;
    let e = client
        .communications()
        .call_records()
        .list()
        .options(RequestOptions::new().max_page_size(61))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Argument(a) if a.message().contains("max_page_size 61")),
        "{e:?}"
    );
    assert!(take(&server).is_empty());
    task.abort();
}

#[tokio::test]
async fn raw_requests_reach_any_path_or_link_on_the_host_only() {
    let (client, server, task) = serve().await;
    #[derive(serde::Deserialize)]
    struct Row {
        id: String,
    }
    let page: msgraph_callrecords::Page<Row> = client
        .get("/communications/somethingNew?$top=1")
        .prefer("omit-values=nulls")
        .send()
        .await
        .unwrap();
    assert_eq!(page.value[0].id, "first");
    let link = page.next_link.clone().expect("a next link");
    let rows: Vec<Row> = client
        .get(&link)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["second"]
    );
    let all: Vec<Value> = client
        .get("/communications/somethingNew")
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let seen = take(&server);
    assert_eq!(seen[0].target, "/v1.0/communications/somethingNew?$top=1");
    assert_eq!(
        seen[0].prefer.as_deref(),
        Some("include-unknown-enum-members, omit-values=nulls")
    );
    assert_eq!(seen.len(), 4);

    // Another host, or text that is no path: an error, nothing sent.
    let foreign = client
        .get("https://graph.example.invalid/v1.0/communications")
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(matches!(foreign, Error::ForeignHost { .. }), "{foreign:?}");
    let relative = client
        .get("communications")
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(matches!(relative, Error::Config(_)), "{relative:?}");
    let streamed: Vec<Result<Value, Error>> =
        client.get("communications").stream_items().collect().await;
    assert!(
        matches!(streamed.as_slice(), [Err(Error::Config(_))]),
        "{streamed:?}"
    );
    assert!(take(&server).is_empty());
    task.abort();
}
