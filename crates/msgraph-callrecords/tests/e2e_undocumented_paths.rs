//! The containment paths the emulator does not serve (Graph documents no operation page for
//! them, but they are in the CSDL URL space): get session, list/get segments, get participant.
//! A tiny loopback server records the request line and answers a Graph-shaped body, so the
//! test checks the wire path and that the response decodes into the generated types.

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::Json;
use futures::TryStreamExt;
use msgraph_callrecords::runtime::{ApiVersion, StaticTokenCredential};
use msgraph_callrecords::{Client, GraphClient};
use serde_json::{json, Value};

type Seen = Arc<Mutex<Vec<String>>>;

async fn answer(State(seen): State<Seen>, req: Request) -> Json<Value> {
    let uri = req.uri().to_string();
    if let Ok(mut s) = seen.lock() {
        s.push(uri.clone());
    }
    let entity = json!({"id": "x1", "startDateTime": "2026-11-01T00:00:00Z", "endDateTime": "2026-11-01T00:01:00Z"});
    if uri.ends_with("/segments") {
        Json(json!({"@odata.context": "ctx", "value": [entity, {"id": "x2"}]}))
    } else {
        Json(entity)
    }
}

async fn serve() -> (String, Seen, tokio::task::JoinHandle<()>) {
    let seen: Seen = Arc::default();
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("addr: {e}"));
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), seen, task)
}

#[tokio::test]
async fn sessions_segments_and_participants_by_id() {
    let (base, seen, task) = serve().await;
    let client = Client::new(
        GraphClient::builder()
            .credential(StaticTokenCredential::new("t"))
            .base_url(base.parse().unwrap_or_else(|e| panic!("{e}")))
            .allow_insecure_loopback(true)
            .api_version(ApiVersion::V1)
            .build()
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let rec = client.communications().call_records().by_id("r 1");
    let session = rec.sessions().by_id("s1").get().send().await.unwrap();
    assert_eq!(session.id.as_deref(), Some("x1"));
    let segments: Vec<_> = rec
        .sessions()
        .by_id("s1")
        .segments()
        .list()
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(segments.len(), 2);
    let segment = rec
        .sessions()
        .by_id("s1")
        .segments()
        .by_id("g1")
        .get()
        .send()
        .await
        .unwrap();
    assert!(segment.start_date_time.is_some());
    let participant = rec
        .participants_v2()
        .by_id("+4930123")
        .get()
        .send()
        .await
        .unwrap();
    assert_eq!(participant.id.as_deref(), Some("x1"));
    #[cfg(feature = "beta")]
    {
        let beta = client.beta().communications().call_records().by_id("r 1");
        beta.sessions().by_id("s1").get().send().await.unwrap();
    }
    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let mut expected = vec![
        "/v1.0/communications/callRecords/r%201/sessions/s1",
        "/v1.0/communications/callRecords/r%201/sessions/s1/segments",
        "/v1.0/communications/callRecords/r%201/sessions/s1/segments/g1",
        "/v1.0/communications/callRecords/r%201/participants_v2/%2B4930123",
    ];
    if cfg!(feature = "beta") {
        expected.push("/beta/communications/callRecords/r%201/sessions/s1");
    }
    assert_eq!(seen, expected);
    task.abort();
}
