//! Endpoint shapes, filters and paging over loopback.

mod common;

use std::collections::HashSet;

use common::{get, pages, path_of};
use msgraph_emulator::data::{self, ApiVersion, LogKind};
use msgraph_emulator::{default_day0, Emulator, EmulatorConfig};

fn ts(v: &serde_json::Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().expect("timestamp string"))
        .expect("RFC 3339")
        .with_timezone(&chrono::Utc)
}

async fn emu() -> Emulator {
    Emulator::start(EmulatorConfig::default())
        .await
        .expect("start")
}

#[tokio::test]
async fn list_pages_through_all_records_with_skip_links() {
    let e = emu().await;
    let c = e.config().clone();
    let all = pages(e.local_addr(), "/v1.0/communications/callRecords", &[], 10).await;
    assert_eq!(all.len(), 3);
    assert!(all[0]["@odata.nextLink"]
        .as_str()
        .unwrap()
        .ends_with("/v1.0/communications/callRecords?$skip=60"));
    let ids: Vec<String> = all
        .iter()
        .flat_map(|p| p["value"].as_array().unwrap().clone())
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 150);
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(id, &data::record_id(&c, i));
    }
    let first = &all[0]["value"][0];
    assert_eq!(ts(&first["startDateTime"]), default_day0());
    assert!(first["organizer_v2"]["id"].is_string());
    assert!(first.get("sessions").is_none());
    assert!(first["organizer_v2@odata.context"]
        .as_str()
        .unwrap()
        .contains("/organizer_v2/$entity"));
    assert_eq!(
        all[0]["@odata.context"].as_str().unwrap(),
        format!("{}/v1.0/$metadata#communications/callRecords", e.base_url())
    );
}

#[tokio::test]
async fn maxpagesize_and_top_lower_the_page_size() {
    let e = emu().await;
    let all = pages(
        e.local_addr(),
        "/beta/communications/callRecords",
        &[("prefer", "odata.maxpagesize=25")],
        10,
    )
    .await;
    assert_eq!(all.len(), 6);
    assert_eq!(all[0]["value"].as_array().unwrap().len(), 25);
    let r = get(
        e.local_addr(),
        "/v1.0/communications/callRecords?$top=7",
        &[("prefer", "odata.maxpagesize=500")],
    )
    .await;
    let v = r.json();
    assert_eq!(v["value"].as_array().unwrap().len(), 7);
    assert!(v["@odata.nextLink"]
        .as_str()
        .unwrap()
        .ends_with("$top=7&$skip=7"));
    assert_eq!(
        r.header("preference-applied"),
        Some("odata.maxpagesize=500")
    );
    // $top=0: an empty page and no link that would repeat forever.
    for path in [
        "/v1.0/communications/callRecords?$top=0",
        "/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2026-11-01,toDateTime=2026-11-02)?$top=0",
    ] {
        let v = get(e.local_addr(), path, &[]).await.json();
        assert_eq!(v["value"].as_array().unwrap().len(), 0, "{path}");
        assert!(v.get("@odata.nextLink").is_none(), "{path}");
    }
}

#[tokio::test]
async fn start_time_and_participant_filters() {
    let e = emu().await;
    let c = e.config().clone();
    let q = "/v1.0/communications/callRecords?$filter=startDateTime%20ge%202026-11-01T01:00:00Z%20and%20startDateTime%20lt%202026-11-01T02:00:00Z";
    let v = get(e.local_addr(), q, &[]).await.json();
    let got: Vec<&str> = v["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let want: Vec<String> = (6..12).map(|i| data::record_id(&c, i)).collect();
    assert_eq!(got, want);

    let pid = data::record_participant_id(&c, 49, 250);
    let q = format!(
        "/v1.0/communications/callRecords?$filter=participants_v2/any(p:p/id%20eq%20'{pid}')"
    );
    let all = pages(e.local_addr(), &q, &[], 10).await;
    let got: HashSet<String> = all
        .iter()
        .flat_map(|p| p["value"].as_array().unwrap().clone())
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let want: HashSet<String> = (0..150)
        .filter(|&i| data::record_has_participant(&c, i, &pid))
        .map(|i| data::record_id(&c, i))
        .collect();
    assert!(got.contains(&data::record_id(&c, 49)));
    assert_eq!(got, want);

    let r = get(
        e.local_addr(),
        "/v1.0/communications/callRecords?$filter=endDateTime%20ge%202026-11-01",
        &[],
    )
    .await;
    assert_eq!(r.status, 400);
    let v = r.json();
    assert_eq!(v["error"]["code"], "BadRequest");
    assert!(v["error"]["innerError"]["request-id"].is_string());
}

#[tokio::test]
async fn get_record_with_nested_session_and_participant_links() {
    let e = emu().await;
    let c = e.config().clone();
    let id = data::record_id(&c, 49);
    let addr = e.local_addr();
    let v = get(
        addr,
        &format!("/v1.0/communications/callRecords/{id}?$expand=sessions($expand=segments)"),
        &[],
    )
    .await
    .json();
    assert!(v["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("callRecords(sessions(segments()))/$entity"));
    let sessions = v["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 60);
    let s0 = &sessions[0];
    assert_eq!(
        s0["caller"]["@odata.type"],
        "#microsoft.graph.callRecords.participantEndpoint"
    );
    assert_eq!(
        s0["caller"]["userAgent"]["@odata.type"],
        "#microsoft.graph.callRecords.clientUserAgent"
    );
    let stream = &s0["segments"][0]["media"][0]["streams"][0];
    assert!(stream["averageJitter"].as_str().unwrap().starts_with("PT"));
    let next = v["sessions@odata.nextLink"].as_str().unwrap();
    assert!(next.ends_with(&format!(
        "/v1.0/communications/callRecords/{id}/sessions?$expand=segments&$skip=60"
    )));
    let rest = pages(addr, &path_of(next), &[], 10).await;
    let n: usize = rest
        .iter()
        .map(|p| p["value"].as_array().unwrap().len())
        .sum();
    assert_eq!(60 + n, data::session_count(&c, 49));
    assert!(rest[0]["value"][0]["segments"].is_array());

    let v = get(
        addr,
        &format!("/beta/communications/callRecords/{id}?$expand=participants_v2"),
        &[],
    )
    .await
    .json();
    assert_eq!(v["participants_v2"].as_array().unwrap().len(), 130);
    assert_eq!(
        v["participants_v2"][0]["id"],
        data::record_participant_id(&c, 49, 0)
    );
    let next = v["participants_v2@odata.nextLink"].as_str().unwrap();
    let rest = pages(addr, &path_of(next), &[], 10).await;
    let n: usize = rest
        .iter()
        .map(|p| p["value"].as_array().unwrap().len())
        .sum();
    assert_eq!(130 + n, 300);

    let v = get(
        addr,
        &format!("/v1.0/communications/callRecords/{id}/organizer_v2"),
        &[],
    )
    .await
    .json();
    assert_eq!(v["id"], data::record_participant_id(&c, 49, 0));

    let v = get(
        addr,
        &format!("/v1.0/communications/callRecords/{id}?$select=id,startDateTime"),
        &[],
    )
    .await
    .json();
    assert!(v.get("endDateTime").is_none());
    assert_eq!(ts(&v["startDateTime"]), data::record_start(&c, 49));

    let v = get(
        addr,
        &format!("/v1.0/communications/callRecords/{id}?$select=id&$expand=participants_v2"),
        &[],
    )
    .await
    .json();
    assert!(v.get("startDateTime").is_none());
    assert_eq!(v["participants_v2"].as_array().unwrap().len(), 130);

    let r = get(
        addr,
        "/v1.0/communications/callRecords/00000000-0000-4000-8000-000000000000",
        &[("client-request-id", "abc")],
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.header("client-request-id"), Some("abc"));
    assert_eq!(r.json()["error"]["innerError"]["client-request-id"], "abc");
}

#[tokio::test]
async fn pstn_calls_page_by_skip_and_match_the_generator() {
    let e = emu().await;
    let c = e.config().clone();
    let addr = e.local_addr();
    for path in [
        "/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2026-11-01,toDateTime=2026-11-02)",
        "/v1.0/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime=2026-11-01T00%3A00%3A00Z,toDateTime=2026-11-02T00:00:00Z)",
    ] {
        let all = pages(addr, path, &[], 10).await;
        assert_eq!(all.len(), 3);
        assert_eq!(all[0]["@odata.count"], 1000);
        assert_eq!(all[2]["@odata.count"], 1);
        assert_eq!(all[0]["@odata.nextLink"].as_str().unwrap(), format!("{}{path}?$skip=1000", e.base_url()));
        assert!(all[0]["@odata.context"].as_str().unwrap().ends_with("$metadata#Collection(microsoft.graph.callRecords.pstnCallLogRow)"));
        let rows: Vec<serde_json::Value> = all.iter().flat_map(|p| p["value"].as_array().unwrap().clone()).collect();
        let from = default_day0();
        let to = from + chrono::Duration::days(1);
        assert_eq!(rows.len() as u64, data::count_log_rows(&c, LogKind::PstnCalls, from, to));
        let want: Vec<serde_json::Value> = data::log_rows(&c, LogKind::PstnCalls, ApiVersion::V1, from, to)
            .map(|s| serde_json::from_str(&s).unwrap())
            .collect();
        assert_eq!(rows, want);
        assert!(rows[0].get("clientPublicIpV4Address").is_none());
    }
    let v = get(addr, "/v1.0/communications/callRecords/getDirectRoutingCalls(fromDateTime=2026-11-01,toDateTime=2026-11-02)?$skip=1000", &[]).await.json();
    assert_eq!(v["@odata.count"], 1000);
    assert!(v.get("@odata.nextLink").is_none());
    let v = get(addr, "/beta/communications/callRecords/getPstnCalls(fromDateTime=2026-11-01,toDateTime=2026-11-01T00:10:00Z)", &[]).await.json();
    assert!(v["value"][0].get("clientPublicIpV4Address").is_some());
}

#[tokio::test]
async fn validation_errors_are_graph_shaped() {
    let e = emu().await;
    let addr = e.local_addr();
    let base = "/v1.0/communications/callRecords";
    for (path, needle) in [
        (
            format!("{base}/getPstnCalls(fromDateTime=2026-11-02,toDateTime=2026-11-01)"),
            "must not be later",
        ),
        (
            format!("{base}/getPstnCalls(fromDateTime=2026-01-01,toDateTime=2026-11-01)"),
            "90 days",
        ),
        (
            format!("{base}/getPstnCalls(fromDateTime=2026-11-01,toDateTime=yesterday)"),
            "toDateTime",
        ),
        (
            format!("{base}/getPstnCalls(fromDateTime=2026-11-01)"),
            "'toDateTime'",
        ),
        (
            format!(
                "{base}/getPstnCalls(fromDateTime=2026-11-01T00:00:00+01:00,toDateTime=2026-11-02)"
            ),
            "fromDateTime",
        ),
        (
            format!("{base}/getSmsLog(fromDateTime=2026-11-01,toDateTime=2026-11-02)"),
            "Resource not found for the segment 'getSmsLog'",
        ),
        (
            format!("{base}/getNothing(fromDateTime=2026-11-01,toDateTime=2026-11-02)"),
            "segment 'getNothing'",
        ),
    ] {
        let r = get(addr, &path, &[("client-request-id", "cr-1")]).await;
        assert_eq!(r.status, 400, "{path}");
        let v = r.json();
        assert_eq!(v["error"]["code"], "BadRequest", "{path}");
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains(needle), "{path}: {msg}");
        assert_eq!(v["error"]["innerError"]["client-request-id"], "cr-1");
        assert!(r.header("request-id").is_some());
    }
    // Direct routing has no 90-day cap; an explicit %2B offset is fine.
    let r = get(addr, &format!("{base}/getDirectRoutingCalls(fromDateTime=2026-01-01T00:00:00%2B01:00,toDateTime=2026-11-01)"), &[]).await;
    assert_eq!(r.status, 200);
    for kind in [
        "getSmsLog",
        "getPstnBlockedUsersLog",
        "getPstnOnlineMeetingDialoutReport",
    ] {
        let r = get(addr, &format!("/beta/communications/callRecords/{kind}(fromDateTime=2026-11-01,toDateTime=2026-11-02)"), &[]).await;
        assert_eq!(r.status, 200, "{kind}");
    }
}

#[tokio::test]
async fn prefer_headers_shape_enums_and_nulls() {
    let e = emu().await;
    let c = e.config().clone();
    let id = data::record_id(&c, 49);
    let path = format!("/v1.0/communications/callRecords/{id}?$expand=sessions($expand=segments)");
    let plain = String::from_utf8(get(e.local_addr(), &path, &[]).await.body).unwrap();
    let opted = String::from_utf8(
        get(
            e.local_addr(),
            &path,
            &[("prefer", "include-unknown-enum-members")],
        )
        .await
        .body,
    )
    .unwrap();
    assert!(!plain.contains("azureCommunicationServices"));
    assert!(plain.contains("\"productFamily\":\"unknownFutureValue\""));
    assert!(opted.contains("\"productFamily\":\"azureCommunicationServices\""));
    assert!(plain.contains("null"));
    let r = get(e.local_addr(), &path, &[("prefer", "omit-values=nulls")]).await;
    assert_eq!(r.header("preference-applied"), Some("omit-values=nulls"));
    assert!(!String::from_utf8(r.body).unwrap().contains("null"));
}

#[tokio::test]
async fn beta_rows_and_misc_errors() {
    let e = emu().await;
    let addr = e.local_addr();
    let v = get(addr, "/beta/communications/callRecords/microsoft.graph.callRecords.getPstnBlockedUsersLog(fromDateTime=2026-11-01,toDateTime=2026-11-01T01:00:00Z)", &[]).await.json();
    let modes: HashSet<&str> = v["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["userBlockMode"].as_str().unwrap())
        .collect();
    assert!(modes.contains("Blocked"));
    assert!(v["value"][0].get("id").is_none());
    let v = get(
        addr,
        "/beta/communications/callRecords/getSmsLog(fromDateTime=2026-11-01,toDateTime=2026-11-01)",
        &[],
    )
    .await
    .json();
    assert_eq!(v["@odata.count"], 1, "getSmsLog includes toDateTime");

    let r = common::send(addr, "POST", "/v1.0/communications/callRecords", &[], b"{}").await;
    assert!(matches!(r, common::Outcome::Response(ref r) if r.status == 405));
    let r = get(addr, "/v2.0/communications/callRecords", &[]).await;
    assert_eq!(r.status, 400);
    let id = data::record_id(e.config(), 0);
    let r = get(
        addr,
        &format!("/v1.0/communications/callRecords/{id}/segments"),
        &[],
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("segments"));
    let r = get(addr, "/v1.0/communications/callRecords?$skip=abc", &[]).await;
    assert_eq!(r.status, 400);
    let r = get(
        addr,
        &format!("/v1.0/communications/callRecords/{id}?$expand=organizer"),
        &[],
    )
    .await;
    assert_eq!(r.status, 400);
    let s = e.stats();
    assert_eq!(s.client_errors, 5);
    let day0 = default_day0();
    let blocked = data::count_log_rows(
        e.config(),
        LogKind::PstnBlockedUsersLog,
        day0,
        day0 + chrono::Duration::hours(1),
    );
    assert_eq!(blocked, 84);
    assert_eq!(s.rows_served, blocked + 1);
}
