//! The exact path and query of every operation, built without HTTP (`url_path()`), and the
//! argument errors raised before sending.

use chrono::{DateTime, Duration, TimeZone, Utc};
use msgraph_callrecords::models::callrecords::{CallRecordProperty, SessionProperty};
use msgraph_callrecords::runtime::StaticTokenCredential;
use msgraph_callrecords::v1::{CallRecordExpand, CallRecordFilter, SessionExpand};
use msgraph_callrecords::{Client, GraphClient};

fn client() -> Client {
    Client::new(
        GraphClient::builder()
            .credential(StaticTokenCredential::new("test-token"))
            .build()
            .unwrap_or_else(|e| panic!("client: {e}")),
    )
}

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap()
}

const RECORDS: &str = "/communications/callRecords";

#[test]
fn list_call_records() {
    let c = client();
    let records = c.communications().call_records();
    assert_eq!(records.list().url_path(), RECORDS);
    let f = CallRecordFilter::start_date_time().ge(day(1)).and(
        CallRecordFilter::start_date_time().lt(Utc.with_ymd_and_hms(2026, 11, 1, 0, 5, 0).unwrap()),
    );
    let req = records
        .list()
        .select([CallRecordProperty::Id, CallRecordProperty::StartDateTime])
        .filter(f)
        .max_page_size(30);
    assert_eq!(
        req.url_path(),
        "/communications/callRecords?$select=id,startDateTime&$filter=startDateTime%20ge%202026-11-01T00:00:00Z%20and%20startDateTime%20lt%202026-11-01T00:05:00Z"
    );
    let p = records
        .list()
        .filter(CallRecordFilter::participants_v2_id_eq(
            "821809f5-0000-0000-0000-3b5136c0e777",
        ));
    assert_eq!(
        p.url_path(),
        "/communications/callRecords?$filter=participants_v2/any(p:p/id%20eq%20'821809f5-0000-0000-0000-3b5136c0e777')"
    );
    let raw = records
        .list()
        .filter_raw("startDateTime gt 2026-11-01T00:00:00+01:00");
    assert_eq!(
        raw.url_path(),
        "/communications/callRecords?$filter=startDateTime%20gt%202026-11-01T00:00:00%2B01:00"
    );
}

#[test]
fn top_on_the_list_operations() {
    let c = client();
    let records = c.communications().call_records();
    assert_eq!(
        records.list().top(25).url_path(),
        "/communications/callRecords?$top=25"
    );
    let rec = records.by_id("r1");
    assert_eq!(
        rec.sessions()
            .list()
            .expand(SessionExpand::Segments)
            .top(10)
            .url_path(),
        "/communications/callRecords/r1/sessions?$expand=segments&$top=10"
    );
    assert_eq!(
        rec.participants_v2().list().top(130).url_path(),
        "/communications/callRecords/r1/participants_v2?$top=130"
    );
}

#[test]
fn get_call_record_with_expand_and_select() {
    let c = client();
    let rec = c
        .communications()
        .call_records()
        .by_id("e523d2ed-2966-4b6b-925b-754a88034cc5");
    assert_eq!(
        rec.get().url_path(),
        format!("{RECORDS}/e523d2ed-2966-4b6b-925b-754a88034cc5")
    );
    assert_eq!(
        rec.get()
            .expand(CallRecordExpand::Sessions { segments: true })
            .url_path(),
        format!(
            "{RECORDS}/e523d2ed-2966-4b6b-925b-754a88034cc5?$expand=sessions($expand%3Dsegments)"
        )
    );
    assert_eq!(
        rec.get()
            .expand(CallRecordExpand::Sessions { segments: false })
            .url_path(),
        format!("{RECORDS}/e523d2ed-2966-4b6b-925b-754a88034cc5?$expand=sessions")
    );
    assert_eq!(
        rec.get()
            .select([CallRecordProperty::Id, CallRecordProperty::Version])
            .expand(CallRecordExpand::ParticipantsV2)
            .url_path(),
        format!("{RECORDS}/e523d2ed-2966-4b6b-925b-754a88034cc5?$select=id,version&$expand=participants_v2")
    );
}

#[test]
fn navigation_paths() {
    let c = client();
    let rec = c.communications().call_records().by_id("r1");
    assert_eq!(
        rec.sessions().list().url_path(),
        format!("{RECORDS}/r1/sessions")
    );
    assert_eq!(
        rec.sessions()
            .list()
            .expand(SessionExpand::Segments)
            .select([SessionProperty::Id, SessionProperty::IsTest])
            .max_page_size(60)
            .url_path(),
        format!("{RECORDS}/r1/sessions?$select=id,isTest&$expand=segments")
    );
    assert_eq!(
        rec.sessions().by_id("s1").get().url_path(),
        format!("{RECORDS}/r1/sessions/s1")
    );
    assert_eq!(
        rec.sessions().by_id("s1").segments().list().url_path(),
        format!("{RECORDS}/r1/sessions/s1/segments")
    );
    assert_eq!(
        rec.sessions()
            .by_id("s1")
            .segments()
            .by_id("g1")
            .get()
            .url_path(),
        format!("{RECORDS}/r1/sessions/s1/segments/g1")
    );
    assert_eq!(
        rec.participants_v2().list().url_path(),
        format!("{RECORDS}/r1/participants_v2")
    );
    // Participant ids can be phone numbers: `+` is percent-encoded.
    assert_eq!(
        rec.participants_v2()
            .by_id("+5564981205182")
            .get()
            .url_path(),
        format!("{RECORDS}/r1/participants_v2/%2B5564981205182")
    );
    assert_eq!(
        rec.organizer_v2().get().url_path(),
        format!("{RECORDS}/r1/organizer_v2")
    );
}

#[test]
fn log_functions_v1() {
    let c = client();
    let records = c.communications().call_records();
    assert_eq!(
        records.get_pstn_calls(day(1), day(2)).url_path(),
        "/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2026-11-02T00:00:00Z)"
    );
    assert_eq!(
        records.get_direct_routing_calls(day(1), day(2)).url_path(),
        "/communications/callRecords/microsoft.graph.callRecords.getDirectRoutingCalls(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2026-11-02T00:00:00Z)"
    );
}

#[test]
fn argument_errors_before_sending() {
    let c = client();
    let records = c.communications().call_records();
    let e = records
        .get_pstn_calls(day(2), day(1))
        .prepare()
        .expect_err("reversed");
    assert!(
        matches!(&e, msgraph_callrecords::Error::Argument(a) if a.operation() == "getPstnCalls"),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "getPstnCalls: fromDateTime 2026-11-02T00:00:00Z is not before toDateTime 2026-11-01T00:00:00Z (the range is empty or reversed)"
    );
    assert!(records.get_pstn_calls(day(1), day(1)).prepare().is_err());
    let long = records
        .get_pstn_calls(day(1), day(1) + Duration::days(91))
        .prepare()
        .expect_err("over 90 days");
    assert!(long.to_string().contains("maximum of 90 days"), "{long}");
    assert!(records
        .get_pstn_calls(day(1), day(1) + Duration::days(90))
        .prepare()
        .is_ok());
    // getDirectRoutingCalls documents no maximum range.
    assert!(records
        .get_direct_routing_calls(day(1), day(1) + Duration::days(120))
        .prepare()
        .is_ok());
    let e = records
        .list()
        .max_page_size(61)
        .prepare()
        .expect_err("over 60");
    assert!(
        e.to_string()
            .starts_with("list callRecords: max_page_size 61"),
        "{e}"
    );
    assert!(records
        .by_id("r")
        .sessions()
        .list()
        .max_page_size(0)
        .prepare()
        .is_err());
    assert!(records
        .by_id("r")
        .participants_v2()
        .list()
        .max_page_size(130)
        .prepare()
        .is_ok());
    let e = records.by_id("").get().prepare().expect_err("empty id");
    assert_eq!(e.to_string(), "callRecords by_id: the id must not be empty");
    // `..` would resolve `/callRecords/../sessions` to `/communications/sessions`.
    for dot in ["..", ".", "%2E%2e"] {
        let e = records
            .by_id(dot)
            .sessions()
            .list()
            .prepare()
            .expect_err(dot);
        assert!(e.to_string().contains("dot segment"), "{dot}: {e}");
    }
    assert!(records.list().filter_raw("  ").prepare().is_err());
}

#[test]
fn windowed_requests_cover_the_range_once() {
    let c = client();
    let records = c.communications().call_records();
    let w = records.get_pstn_calls_windowed(day(1), day(1) + Duration::days(200));
    assert_eq!(
        w.url_paths().unwrap(),
        vec![
            "/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2027-01-29T23:59:59.9999999Z)",
            "/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime=2027-01-30T00:00:00Z,toDateTime=2027-04-29T23:59:59.9999999Z)",
            "/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime=2027-04-30T00:00:00Z,toDateTime=2027-05-20T00:00:00Z)",
        ]
    );
    let d = records.get_direct_routing_calls_windowed(day(1), day(1) + Duration::days(100));
    assert_eq!(
        d.url_paths().unwrap(),
        vec![
            "/communications/callRecords/microsoft.graph.callRecords.getDirectRoutingCalls(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2027-01-30T00:00:00Z)",
            "/communications/callRecords/microsoft.graph.callRecords.getDirectRoutingCalls(fromDateTime=2027-01-30T00:00:00Z,toDateTime=2027-02-09T00:00:00Z)",
        ]
    );
    assert!(records
        .get_pstn_calls_windowed(day(2), day(1))
        .url_paths()
        .is_err());
}

#[cfg(feature = "beta")]
#[test]
fn beta_paths_and_functions() {
    let c = client();
    let records = c.beta().communications().call_records();
    assert_eq!(records.list().url_path(), RECORDS);
    for (path, name) in [
        (
            records.get_pstn_calls(day(1), day(2)).url_path(),
            "getPstnCalls",
        ),
        (
            records.get_direct_routing_calls(day(1), day(2)).url_path(),
            "getDirectRoutingCalls",
        ),
        (records.get_sms_log(day(1), day(2)).url_path(), "getSmsLog"),
        (
            records
                .get_pstn_blocked_users_log(day(1), day(2))
                .url_path(),
            "getPstnBlockedUsersLog",
        ),
        (
            records
                .get_pstn_online_meeting_dialout_report(day(1), day(2))
                .url_path(),
            "getPstnOnlineMeetingDialoutReport",
        ),
    ] {
        assert_eq!(
            path,
            format!("/communications/callRecords/microsoft.graph.callRecords.{name}(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2026-11-02T00:00:00Z)")
        );
    }
    for e in [
        records
            .get_sms_log(day(1), day(1) + Duration::days(91))
            .prepare()
            .map(|_| ()),
        records
            .get_pstn_blocked_users_log(day(1), day(1) + Duration::days(91))
            .prepare()
            .map(|_| ()),
        records
            .get_pstn_online_meeting_dialout_report(day(1), day(1) + Duration::days(91))
            .prepare()
            .map(|_| ()),
    ] {
        assert!(e.expect_err("over 90 days").to_string().contains("90 days"));
    }
    assert_eq!(
        records.by_id("r1").organizer_v2().get().url_path(),
        format!("{RECORDS}/r1/organizer_v2")
    );
    use msgraph_callrecords::beta::{
        CallRecordExpand as BetaExpand, SessionExpand as BetaSessionExpand,
    };
    use msgraph_callrecords::models::beta::callrecords::{
        CallRecordProperty as BetaRecordProperty, SessionProperty as BetaSessionProperty,
    };
    let rec = records.by_id("r1");
    assert_eq!(
        rec.get()
            .select([BetaRecordProperty::Id])
            .expand(BetaExpand::Sessions { segments: true })
            .url_path(),
        format!("{RECORDS}/r1?$select=id&$expand=sessions($expand%3Dsegments)")
    );
    assert_eq!(
        rec.sessions()
            .list()
            .select([BetaSessionProperty::Id])
            .expand(BetaSessionExpand::Segments)
            .url_path(),
        format!("{RECORDS}/r1/sessions?$select=id&$expand=segments")
    );
    assert_eq!(
        rec.sessions()
            .by_id("s1")
            .segments()
            .by_id("g1")
            .get()
            .url_path(),
        format!("{RECORDS}/r1/sessions/s1/segments/g1")
    );
    assert_eq!(
        rec.participants_v2().by_id("p1").get().url_path(),
        format!("{RECORDS}/r1/participants_v2/p1")
    );
}

#[cfg(feature = "beta")]
#[test]
fn each_module_addresses_its_own_version() {
    use msgraph_callrecords::runtime::ApiVersion;
    let v1_client = client();
    let beta_client = msgraph_callrecords::Client::new(
        v1_client.graph_client().with_api_version(ApiVersion::Beta),
    );
    let path = "/communications/callRecords";
    // The builders pin their version, so one client serves both modules.
    for c in [&v1_client, &beta_client] {
        let v1_root = c.v1().communications().call_records().list().url_path();
        let beta_root = c.beta().communications().call_records().list().url_path();
        assert_eq!(v1_root, path);
        assert_eq!(beta_root, path);
    }
    assert_eq!(msgraph_callrecords::v1::API_VERSION, ApiVersion::V1);
    assert_eq!(msgraph_callrecords::beta::API_VERSION, ApiVersion::Beta);
}
