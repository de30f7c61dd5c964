//! Concurrent fetches and windows against the emulator: every record and row exactly once,
//! in the requested order, also when the service throttles and answers out of order.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use msgraph_callrecords::concurrent::{self, Concurrency, Order, WindowConcurrency, WindowPage};
use msgraph_callrecords::models::callrecords::PstnCallLogRow;
use msgraph_callrecords::runtime::governor::{Aimd, GovernorConfig};
use msgraph_callrecords::runtime::{
    ApiVersion, Governor, Limit, RateLimits, RetryPolicy, StaticTokenCredential,
};
use msgraph_callrecords::v1::CallRecordExpand;
use msgraph_callrecords::{Client, GraphClient};
use msgraph_emulator::{data, EmulatorConfig, Latency, Limits, Realism};

/// Latency of at most 4 ms with a wide spread, so answers come back out of order.
fn jitter() -> Latency {
    Latency {
        median: Duration::from_millis(1),
        sigma: 1.2,
        max: Duration::from_millis(4),
        ..Latency::default()
    }
}

fn jittery(mut config: EmulatorConfig, limits: Limits) -> EmulatorConfig {
    config.realism = Some(Realism {
        latency: jitter(),
        limits,
    });
    config
}

fn governed(emu: &msgraph_emulator::Emulator, governor: Governor) -> Client {
    Client::new(
        GraphClient::builder()
            .credential(StaticTokenCredential::new("test-token"))
            .base_url(url::Url::parse(&emu.base_url()).expect("url"))
            .allow_insecure_loopback(true)
            .api_version(ApiVersion::V1)
            .retry_policy(RetryPolicy {
                max_attempts: 30,
                max_total: Duration::from_secs(30),
                base_delay: Duration::from_millis(2),
                max_delay: Duration::from_millis(20),
            })
            .governor(governor)
            .build()
            .expect("client"),
    )
}

#[tokio::test]
async fn fetch_returns_each_record_once_in_the_requested_order() {
    let config = jittery(common::config(), Limits::none());
    let emu = common::start(config.clone()).await;
    let client = common::client(&emu, ApiVersion::V1);
    // A scrambled order: every 7th index modulo the count (7 and 130 are coprime).
    let ids: Vec<String> = (0..130)
        .map(|k| data::record_id(&config, (k * 7) % 130))
        .collect();
    let got: Vec<_> = concurrent::fetch_records(
        &client,
        ids.clone(),
        Some(CallRecordExpand::Sessions { segments: true }),
        Concurrency::new(16),
    )
    .try_collect()
    .await
    .expect("all records");
    let got_ids: Vec<String> = got.iter().map(|r| r.id.clone().expect("id")).collect();
    assert_eq!(got_ids, ids);
    // Nested next links were followed: large records have all their sessions.
    for r in &got {
        let i = data::record_index(&config, r.id.as_deref().unwrap()).unwrap();
        assert_eq!(
            r.sessions.as_ref().map_or(0, Vec::len),
            data::session_count(&config, i)
        );
    }
}

#[tokio::test]
async fn completion_order_still_returns_each_record_exactly_once() {
    let config = jittery(common::config(), Limits::none());
    let emu = common::start(config.clone()).await;
    let client = common::client(&emu, ApiVersion::V1);
    let ids: Vec<String> = (0..130).map(|i| data::record_id(&config, i)).collect();
    let got: Vec<String> = concurrent::fetch_records(
        &client,
        ids.clone(),
        None,
        Concurrency::new(16).order(Order::Completion),
    )
    .map(|r| r.expect("record").id.expect("id"))
    .collect()
    .await;
    assert_eq!(got.len(), ids.len());
    let unique: HashSet<&String> = got.iter().collect();
    assert_eq!(unique, ids.iter().collect::<HashSet<_>>());
}

#[tokio::test]
async fn a_failed_record_is_its_own_error_item() {
    let config = common::config();
    let emu = common::start(config.clone()).await;
    let client = common::client(&emu, ApiVersion::V1);
    let ids = vec![
        data::record_id(&config, 0),
        "00000000-0000-4000-8000-000000000000".to_string(),
        data::record_id(&config, 1),
    ];
    let got: Vec<_> = concurrent::fetch_records(&client, ids, None, Concurrency::new(3))
        .collect()
        .await;
    assert_eq!(got.len(), 3);
    assert!(got[0].is_ok() && got[2].is_ok());
    let e = got[1].as_ref().expect_err("unknown id");
    assert!(e.to_string().contains("404"), "{e}");
}

#[tokio::test]
async fn list_and_fetch_is_complete_and_in_list_order_under_throttling() {
    // The service allows 5 record requests per 50 ms; the governor is told 1,000:
    // it pauses on the 429s and every record still arrives once, in list order.
    let config = jittery(
        common::config(),
        Limits {
            records_app_tenant: Some(msgraph_emulator::Limit {
                requests: 5,
                window: Duration::from_millis(50),
            }),
            ..Limits::none()
        },
    );
    let emu = common::start(config.clone()).await;
    let governor = Governor::new(GovernorConfig {
        max_in_flight: 16,
        limits: RateLimits {
            records_app_tenant: Some(Limit {
                requests: 1000,
                window: Duration::from_millis(50),
            }),
            ..RateLimits::none()
        },
        window_margin: Duration::ZERO,
        default_pause: Duration::from_millis(5),
        aimd: Aimd::default(),
    });
    let client = governed(&emu, governor.clone());
    let list = client.communications().call_records().list();
    let got: Vec<String> = concurrent::list_and_fetch(
        &client,
        list,
        Some(CallRecordExpand::ParticipantsV2),
        Concurrency::new(16),
    )
    .map(|r| r.expect("record").id.expect("id"))
    .collect()
    .await;
    let expected: Vec<String> = (0..config.call_records)
        .map(|i| data::record_id(&config, i))
        .collect();
    assert_eq!(got, expected);
    let stats = emu.stats();
    assert!(stats.limited > 0, "the service throttled: {stats:?}");
    let g = governor.stats();
    assert_eq!(g.throttled, stats.limited, "every 429 reached the governor");
}

#[tokio::test]
async fn concurrent_windows_write_every_row_exactly_once_in_order() {
    let mut config = jittery(common::config(), Limits::none());
    config.log_rows_per_day = 24;
    config.log_page_size = 5; // 5 pages a day
    config.faults.throttle_every = Some(7); // retried through the governor
    let emu = common::start(config.clone()).await;
    // Injected 429s come whatever the rate: pause on them, but do not lower the
    // rate (AIMD has its own tests), or the documented limits would stall the test.
    let governor = Governor::new(GovernorConfig {
        aimd: Aimd {
            decrease: 1.0,
            ..Aimd::default()
        },
        ..GovernorConfig::default()
    });
    let client = governed(&emu, governor);
    let from = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 11, 11, 0, 0, 0).unwrap();
    let windowed = client
        .communications()
        .call_records()
        .get_pstn_calls_windowed_by(from, to, chrono::Duration::days(1));
    let requests = windowed.requests().expect("windows").to_vec();
    assert_eq!(requests.len(), 10);
    let pages: Vec<WindowPage<PstnCallLogRow>> = concurrent::windows_pages(
        &client,
        requests.clone(),
        WindowConcurrency {
            windows: 4,
            pages_ahead: 1,
        },
    )
    .try_collect()
    .await
    .expect("every window");
    // Windows in order, each ending with exactly one last page.
    let order: Vec<usize> = pages.iter().map(|p| p.window).collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    assert_eq!(pages.iter().filter(|p| p.last).count(), 10);
    let ids: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.page.value)
        .map(|r| r.id.expect("row id"))
        .collect();
    let expected: Vec<String> = data::pstn_rows(&config, from, to)
        .map(|json| {
            let v: serde_json::Value = serde_json::from_str(&json).expect("row json");
            v["id"].as_str().expect("id").to_string()
        })
        .collect();
    assert!(ids.len() >= 240, "{}", ids.len());
    assert_eq!(ids, expected);
    assert!(
        emu.stats().throttled > 0,
        "faults were injected and retried"
    );

    // The flattened rows are the same.
    let rows: Vec<PstnCallLogRow> =
        concurrent::windows_items(&client, requests, WindowConcurrency::default())
            .try_collect()
            .await
            .expect("rows");
    assert_eq!(
        rows.into_iter().map(|r| r.id.unwrap()).collect::<Vec<_>>(),
        ids
    );
}

#[tokio::test]
async fn resume_after_interruption_loses_and_repeats_nothing() {
    let mut config = jittery(common::config(), Limits::none());
    config.log_rows_per_day = 24;
    config.log_page_size = 5;
    let emu = common::start(config.clone()).await;
    let client = common::client(&emu, ApiVersion::V1);
    let from = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 11, 6, 0, 0, 0).unwrap();
    let requests = client
        .communications()
        .call_records()
        .get_pstn_calls_windowed_by(from, to, chrono::Duration::days(1))
        .requests()
        .expect("windows")
        .to_vec();
    let id = |r: PstnCallLogRow| r.id.expect("row id");
    let all: Vec<String> =
        concurrent::windows_items(&client, requests.clone(), WindowConcurrency::default())
            .map_ok(id)
            .try_collect()
            .await
            .expect("uninterrupted");
    // Interrupt after every page in turn: write rows up to there, checkpoint (window,
    // next link), drop the stream, resume from the checkpoint.
    let pages_total = 5 * 5;
    for stop_after in (1..pages_total).step_by(2) {
        let mut written = Vec::new();
        let mut checkpoint = None;
        {
            let mut pages = concurrent::windows_pages::<PstnCallLogRow>(
                &client,
                requests.clone(),
                WindowConcurrency {
                    windows: 3,
                    pages_ahead: 2,
                },
            );
            for _ in 0..stop_after {
                let p = pages.try_next().await.expect("page").expect("more pages");
                written.extend(p.page.value.into_iter().map(id));
                checkpoint = Some(match (p.last, p.page.next_link) {
                    (true, _) => (p.window + 1, None),
                    (false, link) => (p.window, link),
                });
            }
        } // dropped: the running windows are cancelled
        let (window, link) = checkpoint.expect("a checkpoint");
        let rest = requests[window..].to_vec();
        let resumed = match link {
            Some(link) => concurrent::windows_pages_from::<PstnCallLogRow>(
                &client,
                rest,
                msgraph_callrecords::ResumeToken::from_link(link),
                WindowConcurrency::default(),
            ),
            None => concurrent::windows_pages(&client, rest, WindowConcurrency::default()),
        };
        let more: Vec<WindowPage<PstnCallLogRow>> = resumed.try_collect().await.expect("resumed");
        written.extend(more.into_iter().flat_map(|p| p.page.value).map(id));
        assert_eq!(written, all, "interrupted after page {stop_after}");
    }
}

#[tokio::test]
async fn a_failed_window_ends_the_stream_after_its_error() {
    let mut config = common::config();
    config.faults.unavailable_every = Some(1); // every request fails
    config.faults.retry_after = String::new();
    let emu = common::start(config).await;
    let client = Client::new(
        GraphClient::builder()
            .credential(StaticTokenCredential::new("t"))
            .base_url(url::Url::parse(&emu.base_url()).expect("url"))
            .allow_insecure_loopback(true)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client"),
    );
    let from = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 11, 4, 0, 0, 0).unwrap();
    let requests = client
        .communications()
        .call_records()
        .get_pstn_calls_windowed_by(from, to, chrono::Duration::days(1))
        .requests()
        .expect("windows")
        .to_vec();
    let items: Vec<_> = concurrent::windows_pages::<PstnCallLogRow>(
        &client,
        requests,
        WindowConcurrency::default(),
    )
    .collect()
    .await;
    assert_eq!(items.len(), 1);
    assert!(items[0]
        .as_ref()
        .is_err_and(|e| e.to_string().contains("503")));
}
