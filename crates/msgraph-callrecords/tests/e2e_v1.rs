//! Every v1.0 operation against the emulator: paths, query options, paging, nested next
//! links, windowing and injected faults.

mod common;

use std::collections::HashSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use futures::TryStreamExt;
use msgraph_callrecords::models::callrecords::{CallRecordProperty, SessionProperty};

use msgraph_callrecords::runtime::ApiVersion;
use msgraph_callrecords::v1::{CallRecordExpand, CallRecordFilter, SessionExpand};
use msgraph_emulator::data::{count_log_rows, records, LogKind};
use msgraph_emulator::EmulatorConfig;

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap()
}

#[tokio::test]
async fn list_call_records_pages_filters_and_selects() {
    let cfg = common::config();
    let emu = common::start(cfg.clone()).await;
    let client = common::client(&emu, ApiVersion::V1);
    let records = client.communications().call_records();

    let all: Vec<_> = records.list().stream_items().try_collect().await.unwrap();
    assert_eq!(all.len(), cfg.call_records);
    let ids: HashSet<_> = all.iter().filter_map(|r| r.id.clone()).collect();
    assert_eq!(ids.len(), cfg.call_records);

    let first = records.list().max_page_size(25).send().await.unwrap();
    assert_eq!(first.value.len(), 25);
    assert!(first.next_link.is_some());
    let pages: Vec<_> = records
        .list()
        .max_page_size(25)
        .stream_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), cfg.call_records.div_ceil(25));

    // `$top` caps each page; following the next links still yields every record once.
    let topped = records.list().top(40).send().await.unwrap();
    assert_eq!(topped.value.len(), 40);
    let topped_all: Vec<_> = records
        .list()
        .top(40)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(topped_all.len(), cfg.call_records);

    // Records start every 10 minutes from day0: [00:00, 01:00) holds 6.
    let window = CallRecordFilter::start_date_time()
        .ge(day(1))
        .and(CallRecordFilter::start_date_time().lt(day(1) + Duration::hours(1)));
    let in_hour: Vec<_> = records
        .list()
        .filter(window)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(in_hour.len(), 6);

    let pid = records::record_participant_id(&cfg, 3, 0);
    let with_participant: Vec<_> = records
        .list()
        .filter(CallRecordFilter::participants_v2_id_eq(&pid))
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert!(with_participant
        .iter()
        .any(|r| r.id.as_deref() == Some(records::record_id(&cfg, 3).as_str())));

    let raw: Vec<_> = records
        .list()
        .filter_raw("startDateTime lt 2026-11-01T00:30:00Z")
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(raw.len(), 3);

    let selected = records
        .list()
        .select([CallRecordProperty::Id, CallRecordProperty::StartDateTime])
        .send()
        .await
        .unwrap();
    let r = &selected.value[0];
    assert!(r.id.is_some() && r.start_date_time.is_some());
    assert!(r.end_date_time.is_none() && r.modalities.is_none());
    emu.shutdown().await;
}

#[tokio::test]
async fn get_call_record_with_nested_next_links() {
    let cfg = common::config();
    let emu = common::start(cfg.clone()).await;
    let client = common::client(&emu, ApiVersion::V1);
    let records = client.communications().call_records();
    // Record 49 is "large": 150 sessions, 300 participants (pages of 60 and 130).
    let big = records::record_id(&cfg, 49);

    let one_page = records
        .by_id(&big)
        .get()
        .expand(CallRecordExpand::Sessions { segments: true })
        .send()
        .await
        .unwrap();
    assert_eq!(
        one_page.sessions.as_ref().map(Vec::len),
        Some(cfg.page_size_sessions)
    );
    let link = one_page
        .sessions_next_link
        .clone()
        .expect("nested next link");

    // The rest through the raw escape hatch, as a user would resume from the link.
    let rest: Vec<msgraph_callrecords::models::callrecords::Session> = client
        .get(&link)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        rest.len() + cfg.page_size_sessions,
        cfg.large_record_sessions
    );

    let all = records
        .by_id(&big)
        .get()
        .expand(CallRecordExpand::Sessions { segments: true })
        .send_all()
        .await
        .unwrap();
    let sessions = all.sessions.expect("sessions");
    assert_eq!(sessions.len(), cfg.large_record_sessions);
    let ids: HashSet<_> = sessions.iter().filter_map(|s| s.id.clone()).collect();
    assert_eq!(ids.len(), cfg.large_record_sessions);
    assert!(sessions
        .iter()
        .all(|s| s.segments.as_ref().is_some_and(|g| !g.is_empty())));
    assert!(all.sessions_next_link.is_none());

    let parts = records
        .by_id(&big)
        .get()
        .expand(CallRecordExpand::ParticipantsV2)
        .send_all()
        .await
        .unwrap();
    assert_eq!(
        parts.participants_v2.map(|p| p.len()),
        Some(cfg.large_record_participants)
    );

    let selected = records
        .by_id(records::record_id(&cfg, 0))
        .get()
        .select([CallRecordProperty::Id, CallRecordProperty::Version])
        .send()
        .await
        .unwrap();
    assert!(selected.version.is_some() && selected.start_date_time.is_none());

    // One error type, with the Graph facts on it; the chosen client-request-id is sent.
    let missing = records
        .by_id("00000000-0000-0000-0000-000000000000")
        .get()
        .client_request_id("test-missing-record")
        .send()
        .await
        .expect_err("no such record");
    assert!(missing.to_string().contains("404"), "{missing}");
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(missing.code(), Some("NotFound"));
    assert!(
        missing.message().is_some_and(|m| m.contains("not found")),
        "{missing:?}"
    );
    assert_eq!(missing.client_request_id(), Some("test-missing-record"));
    assert!(missing.request_id().is_some(), "{missing:?}");
    emu.shutdown().await;
}

#[tokio::test]
async fn sessions_participants_and_organizer() {
    let cfg = common::config();
    let emu = common::start(cfg.clone()).await;
    let client = common::client(&emu, ApiVersion::V1);
    let rec = client
        .communications()
        .call_records()
        .by_id(records::record_id(&cfg, 49));

    let sessions: Vec<_> = rec
        .sessions()
        .list()
        .expand(SessionExpand::Segments)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sessions.len(), cfg.large_record_sessions);
    assert!(sessions.iter().all(|s| s.segments.is_some()));
    let page = rec
        .sessions()
        .list()
        .select([SessionProperty::Id, SessionProperty::StartDateTime])
        .max_page_size(20)
        .send()
        .await
        .unwrap();
    assert_eq!(page.value.len(), 20);
    assert!(page.value[0].end_date_time.is_none());

    let participants: Vec<_> = rec
        .participants_v2()
        .list()
        .max_page_size(100)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(participants.len(), cfg.large_record_participants);

    let organizer = rec.organizer_v2().get().send().await.unwrap();
    assert!(organizer.id.is_some());
    emu.shutdown().await;
}

#[tokio::test]
async fn log_functions_every_row_once() {
    let cfg = common::config();
    let emu = common::start(cfg.clone()).await;
    let client = common::client(&emu, ApiVersion::V1);
    let records = client.communications().call_records();

    // Inclusive end: the row at exactly 2026-11-02T00:00:00Z is returned.
    let pstn: Vec<_> = records
        .get_pstn_calls(day(1), day(2))
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pstn.len() as u64,
        count_log_rows(&cfg, LogKind::PstnCalls, day(1), day(2))
    );
    assert_eq!(pstn.len(), 25);

    // Exclusive end.
    let dr: Vec<_> = records
        .get_direct_routing_calls(day(1), day(2))
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(dr.len(), 24);

    // Windowed in daily windows over 10 days: boundaries fall exactly on rows.
    let to = day(11);
    let rows: Vec<_> = records
        .get_pstn_calls_windowed_by(day(1), to, Duration::days(1))
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    let expected = count_log_rows(&cfg, LogKind::PstnCalls, day(1), to);
    assert_eq!(rows.len() as u64, expected);
    let ids: HashSet<_> = rows.iter().filter_map(|r| r.id.clone()).collect();
    assert_eq!(ids.len() as u64, expected, "no duplicates");
    let starts: Vec<chrono::DateTime<chrono::FixedOffset>> = rows
        .iter()
        .filter_map(|r| r.start_date_time)
        .map(Into::into)
        .collect();
    assert_eq!(starts.len(), rows.len());
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "in order");

    let dr_rows: Vec<_> = records
        .get_direct_routing_calls_windowed_by(day(1), to, Duration::days(1))
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        dr_rows.len() as u64,
        count_log_rows(&cfg, LogKind::DirectRoutingCalls, day(1), to)
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn faults_are_retried_and_every_row_arrives_once() {
    let mut cfg = EmulatorConfig {
        log_rows_per_day: 2000,
        log_page_size: 100,
        ..common::config()
    };
    cfg.faults.throttle_every = Some(3);
    cfg.faults.unavailable_every = Some(5);
    let emu = common::start(cfg.clone()).await;
    let client = common::client(&emu, ApiVersion::V1);
    let rows: Vec<_> = client
        .communications()
        .call_records()
        .get_pstn_calls(day(1), day(2))
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    let expected = count_log_rows(&cfg, LogKind::PstnCalls, day(1), day(2));
    assert_eq!(rows.len() as u64, expected);
    let ids: HashSet<_> = rows.iter().filter_map(|r| r.id.clone()).collect();
    assert_eq!(ids.len() as u64, expected);
    let stats = emu.stats();
    assert!(stats.faults_injected > 0, "{stats:?}");

    let sessions = client
        .communications()
        .call_records()
        .by_id(records::record_id(&cfg, 49))
        .get()
        .expand(CallRecordExpand::Sessions { segments: false })
        .send_all()
        .await
        .unwrap();
    assert_eq!(
        sessions.sessions.map(|s| s.len()),
        Some(cfg.large_record_sessions)
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn argument_errors_send_nothing() {
    let cfg = common::config();
    let emu = common::start(cfg).await;
    let client = common::client(&emu, ApiVersion::V1);
    let records = client.communications().call_records();
    let err = records
        .list()
        .max_page_size(500)
        .send()
        .await
        .expect_err("too large");
    assert!(
        matches!(err, msgraph_callrecords::Error::Argument(_)),
        "{err:?}"
    );
    let items: Vec<_> = records
        .by_id("")
        .sessions()
        .list()
        .stream_items()
        .collect_all()
        .await;
    assert_eq!(items.len(), 1);
    let reversed = records
        .get_pstn_calls(day(2), day(1))
        .send()
        .await
        .expect_err("reversed range");
    assert!(
        matches!(&reversed, msgraph_callrecords::Error::Argument(a) if a.operation() == "getPstnCalls"),
        "{reversed:?}"
    );
    let streamed = records
        .get_pstn_calls(day(1), day(1) + Duration::days(91))
        .stream_items()
        .collect_all()
        .await;
    assert!(
        matches!(
            streamed.as_slice(),
            [Err(msgraph_callrecords::Error::Argument(_))]
        ),
        "{streamed:?}"
    );
    assert_eq!(emu.stats().graph_requests, 0);
    emu.shutdown().await;
}

/// `collect` without short-circuiting, to count the error items of a stream.
trait CollectAll: futures::Stream + Sized {
    async fn collect_all(self) -> Vec<Self::Item> {
        futures::StreamExt::collect(self).await
    }
}
impl<S: futures::Stream> CollectAll for S {}
