//! Every beta operation against the emulator, from a client built for v1.0 (the beta
//! builders address `/beta` themselves).
#![cfg(feature = "beta")]

mod common;

use std::collections::HashSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use msgraph_callrecords::beta::{CallRecordExpand, CallRecordFilter, SessionExpand};
use msgraph_callrecords::models::beta::callrecords::{CallRecordProperty, SessionProperty};

use msgraph_callrecords::runtime::ApiVersion;
use msgraph_emulator::data::{count_log_rows, records, LogKind};

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap()
}

#[tokio::test]
async fn beta_log_functions_every_row_once() {
    let cfg = common::config();
    let emu = common::start(cfg.clone()).await;
    // Built for v1.0 on purpose: beta-only functions would be 400 there.
    let client = common::client(&emu, ApiVersion::V1);
    let records = client.beta().communications().call_records();
    let to = day(4);

    let sms: Vec<_> = records
        .get_sms_log(day(1), to)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        sms.len() as u64,
        count_log_rows(&cfg, LogKind::SmsLog, day(1), to)
    );
    let blocked: Vec<_> = records
        .get_pstn_blocked_users_log(day(1), to)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        blocked.len() as u64,
        count_log_rows(&cfg, LogKind::PstnBlockedUsersLog, day(1), to)
    );
    assert!(blocked.iter().all(|r| r.user_block_mode.is_some()));
    let dialout: Vec<_> = records
        .get_pstn_online_meeting_dialout_report(day(1), to)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        dialout.len() as u64,
        count_log_rows(&cfg, LogKind::PstnOnlineMeetingDialoutReport, day(1), to)
    );
    let pstn: Vec<_> = records
        .get_pstn_calls(day(1), to)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pstn.len() as u64,
        count_log_rows(&cfg, LogKind::PstnCalls, day(1), to)
    );
    let dr: Vec<_> = records
        .get_direct_routing_calls(day(1), to)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        dr.len() as u64,
        count_log_rows(&cfg, LogKind::DirectRoutingCalls, day(1), to)
    );

    // Windowed, daily windows: same rows, each once.
    let windowed: Vec<_> = records
        .get_sms_log_windowed_by(day(1), to, Duration::days(1))
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(windowed.len(), sms.len());
    let ids: HashSet<_> = windowed.iter().filter_map(|r| r.id.clone()).collect();
    assert_eq!(ids.len(), sms.len());
    let blocked_w: Vec<_> = records
        .get_pstn_blocked_users_log_windowed_by(day(1), to, Duration::hours(12))
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(blocked_w.len(), blocked.len());
    let dialout_w: Vec<_> = records
        .get_pstn_online_meeting_dialout_report_windowed(day(1), to)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(dialout_w.len(), dialout.len());

    // Over 90 days: rejected before sending.
    assert!(records
        .get_sms_log(day(1), day(1) + Duration::days(91))
        .prepare()
        .is_err());
    let before = emu.stats().graph_requests;
    // Checked when sent: an argument error, and nothing reaches the service.
    let e = records
        .get_pstn_blocked_users_log(day(2), day(1))
        .send()
        .await
        .expect_err("reversed range");
    assert!(
        matches!(e, msgraph_callrecords::Error::Argument(_)),
        "{e:?}"
    );
    let streamed: Vec<_> = records
        .get_sms_log_windowed(day(2), day(1))
        .stream_items()
        .collect()
        .await;
    assert_eq!(streamed.len(), 1);
    assert!(
        matches!(&streamed[0], Err(msgraph_callrecords::Error::Argument(_))),
        "{streamed:?}"
    );
    assert_eq!(emu.stats().graph_requests, before);
    emu.shutdown().await;
}

#[tokio::test]
async fn beta_records_sessions_participants_organizer() {
    let cfg = common::config();
    let emu = common::start(cfg.clone()).await;
    let client = common::client(&emu, ApiVersion::Beta);
    let records = client.beta().communications().call_records();

    let all: Vec<_> = records
        .list()
        .max_page_size(40)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), cfg.call_records);
    let filtered: Vec<_> = records
        .list()
        .filter(CallRecordFilter::start_date_time().lt(day(1) + Duration::minutes(30)))
        .select([CallRecordProperty::Id])
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(filtered.len(), 3);

    let big = records::record_id(&cfg, 99);
    let rec = records
        .by_id(&big)
        .get()
        .expand(CallRecordExpand::Sessions { segments: true })
        .send_all()
        .await
        .unwrap();
    assert_eq!(
        rec.sessions.map(|s| s.len()),
        Some(cfg.large_record_sessions)
    );
    let rec = records
        .by_id(&big)
        .get()
        .expand(CallRecordExpand::ParticipantsV2)
        .send_all()
        .await
        .unwrap();
    assert_eq!(
        rec.participants_v2.map(|p| p.len()),
        Some(cfg.large_record_participants)
    );

    let sessions: Vec<_> = records
        .by_id(&big)
        .sessions()
        .list()
        .expand(SessionExpand::Segments)
        .select([SessionProperty::Id])
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sessions.len(), cfg.large_record_sessions);
    let participants: Vec<_> = records
        .by_id(&big)
        .participants_v2()
        .list()
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(participants.len(), cfg.large_record_participants);
    let organizer = records
        .by_id(&big)
        .organizer_v2()
        .get()
        .send()
        .await
        .unwrap();
    assert!(organizer.id.is_some());
    emu.shutdown().await;
}

#[tokio::test]
async fn v1_and_beta_from_one_client_hit_their_own_roots() {
    let cfg = common::config();
    let emu = common::start(cfg).await;
    let client = common::client(&emu, ApiVersion::Beta);
    // A beta-built client still sends v1.0 builders to /v1.0: getPstnCalls rows differ by
    // version (beta rows carry otherPartyCountryCode), which shows where they came from.
    let v1_row = client
        .communications()
        .call_records()
        .get_pstn_calls(day(1), day(2))
        .send()
        .await
        .unwrap();
    let beta_row = client
        .beta()
        .communications()
        .call_records()
        .get_pstn_calls(day(1), day(2))
        .send()
        .await
        .unwrap();
    assert!(
        v1_row
            .context
            .as_deref()
            .is_some_and(|c| c.contains("/v1.0/")),
        "{:?}",
        v1_row.context
    );
    assert!(
        beta_row
            .context
            .as_deref()
            .is_some_and(|c| c.contains("/beta/")),
        "{:?}",
        beta_row.context
    );
    emu.shutdown().await;
}
