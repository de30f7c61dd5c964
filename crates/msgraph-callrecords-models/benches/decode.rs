//! Decoding a 1000-row `getPstnCalls` page: typed (`Page<PstnCallLogRow>`) vs
//! `serde_json::Value`; and a callRecord with 60 expanded sessions (the `@odata.type`
//! dispatch path), typed vs `Value`. Run with `cargo bench -p msgraph-callrecords-models`; criterion prints
//! the throughput in rows/s (`elem/s`). Target: typed at least as fast as `Value`.
// criterion_group! defines a `pub fn` that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use msgraph_callrecords_models::callrecords::{CallRecord, PstnCallLogRow};
use msgraph_odata::Page;

const ROWS: usize = 1000;

/// A page shaped like the documented getPstnCalls response, with varied values.
fn page_json() -> String {
    let mut rows = Vec::with_capacity(ROWS);
    for i in 0..ROWS {
        let charge = format!("{}.{:02}", i % 7, i % 100);
        rows.push(format!(
            r#"{{"id":"9c4984c7-6c3c-427d-a30c-{i:012}","callId":"1835317186_{i}@61.221.3.176","userId":"db03c14b-06eb-4189-939b-7cbf3a20ba27","userPrincipalName":"user{i}@contoso.com","userDisplayName":"User {i}","startDateTime":"2019-11-01T00:{m:02}:{s:02}.2589935Z","endDateTime":"2019-11-01T01:{m:02}:{s:02}.2589935Z","duration":{i},"charge":{charge},"callType":"user_in","currency":"USD","calleeNumber":"+1234567890","usageCountryCode":"US","tenantCountryCode":"US","connectionCharge":0.00,"callerNumber":"+1234567{i:03}","destinationContext":null,"destinationName":"United States","conferenceId":null,"licenseCapability":"MCOPSTNU","inventoryType":"Subscriber","operator":"Microsoft","callDurationSource":"microsoft"}}"#,
            m = i % 60,
            s = (i * 7) % 60,
        ));
    }
    format!(
        r#"{{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.callRecords.pstnCallLogRow)","@odata.count":{ROWS},"value":[{}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2019-11-01,toDateTime=2019-12-01)?$skip=1000"}}"#,
        rows.join(",")
    )
}

fn decode(c: &mut Criterion) {
    let json = page_json();
    // Fail loudly (not silently measure an error path) if the payload does not decode.
    let check: Page<PstnCallLogRow> = match serde_json::from_str(&json) {
        Ok(p) => p,
        Err(e) => panic!("benchmark payload does not decode: {e}"),
    };
    assert_eq!(check.value.len(), ROWS);

    let mut group = c.benchmark_group("getPstnCalls page (1000 rows)");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("typed Page<PstnCallLogRow>", |b| {
        b.iter(|| {
            let page: Page<PstnCallLogRow> =
                serde_json::from_str(black_box(&json)).unwrap_or_default();
            page
        })
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_str(black_box(&json)).unwrap_or_default();
            v
        })
    });
    group.finish();
}

/// A callRecord with 60 sessions (one segment each), every endpoint and user agent behind
/// `@odata.type`: the dispatch-enum path (`AnyEndpoint`, `AnyUserAgent`, `AnyIdentity`).
fn call_record_json() -> String {
    let endpoint = r##"{"@odata.type":"#microsoft.graph.callRecords.participantEndpoint","name":"m","cpuCoresCount":8,
        "userAgent":{"@odata.type":"#microsoft.graph.callRecords.clientUserAgent","headerValue":"RTCC/7.0.0.0","platform":"windows","productFamily":"teams"},
        "associatedIdentity":{"id":"821809f5-0000-0000-0000-3b5136c0e777","displayName":"Abbie Wilkins","tenantId":"dc368399"},
        "feedback":{"rating":"good","tokens":{"NoSound":false,"Echo":false}}}"##;
    let stream = r#"{"streamId":"1504545584","streamDirection":"callerToCallee","audioCodec":"satin","averageJitter":"PT0.016S","maxJitter":"PT0.021S","averagePacketLossRate":0,"averageRoundTripTime":"PT0.061S","averageBandwidthEstimate":15644878,"packetUtilization":709,"wasMediaBypassed":false,"startDateTime":"2020-02-25T18:52:21.2169889Z","endDateTime":"2020-02-25T18:52:46.7640013Z"}"#;
    let network = r#"{"ipAddress":"10.139.0.12","linkSpeed":4294967295,"connectionType":"wifi","port":50011,"reflexiveIPAddress":"127.0.0.2","receivedQualityEventRatio":0.27,"networkTransportProtocol":"udp","wifiBand":"frequency50GHz","wifiRadioType":"wifi80211ac","traceRouteHops":[{"hopCount":1,"ipAddress":"10.139.80.1","roundTripTime":"PT0.002S"}]}"#;
    let sessions: Vec<String> = (0..SESSIONS)
        .map(|i| {
            format!(
                r#"{{"id":"s{i}","modalities":["audio"],"startDateTime":"2020-02-25T18:52:21.2169889Z","endDateTime":"2020-02-25T18:52:46.7640013Z","caller":{endpoint},"callee":{endpoint},"segments":[{{"id":"g{i}","startDateTime":"2020-02-25T18:52:21.2169889Z","endDateTime":"2020-02-25T18:52:46.7640013Z","caller":{endpoint},"callee":{endpoint},"media":[{{"label":"main-audio","callerNetwork":{network},"calleeNetwork":{network},"streams":[{stream},{stream}]}}]}}]}}"#
            )
        })
        .collect();
    format!(
        r#"{{"id":"e523d2ed","version":1,"type":"groupCall","modalities":["audio"],"startDateTime":"2020-02-25T18:52:21.2169889Z","endDateTime":"2020-02-25T18:52:46.7640013Z","sessions":[{}]}}"#,
        sessions.join(",")
    )
}

const SESSIONS: usize = 60;

fn decode_call_record(c: &mut Criterion) {
    let json = call_record_json();
    let check: CallRecord = match serde_json::from_str(&json) {
        Ok(r) => r,
        Err(e) => panic!("benchmark payload does not decode: {e}"),
    };
    assert_eq!(check.sessions.map(|s| s.len()), Some(SESSIONS));

    let mut group = c.benchmark_group("callRecord with 60 expanded sessions");
    group.throughput(Throughput::Elements(SESSIONS as u64));
    group.bench_function("typed CallRecord", |b| {
        b.iter(|| {
            let r: CallRecord = serde_json::from_str(black_box(&json)).unwrap_or_default();
            r
        })
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_str(black_box(&json)).unwrap_or_default();
            v
        })
    });
    group.finish();
}

criterion_group!(benches, decode, decode_call_record);
criterion_main!(benches);
