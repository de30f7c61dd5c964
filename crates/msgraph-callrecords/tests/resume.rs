//! Checkpoint and resume: a stream stopped part-way gives a resume token; a stream started
//! from it on a new client yields exactly the rest (no row lost, none repeated).

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use futures::{StreamExt, TryStreamExt};
use msgraph_callrecords::runtime::{ApiVersion, RetryPolicy, StaticTokenCredential};
use msgraph_callrecords::{Client, Error, GraphClient, ResumeToken};
use msgraph_emulator::{EmulatorConfig, Faults};

fn day(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap()
}

/// Through the token's text form, as an app would store it.
/// A client whose first failure is final, so a throttled page ends the stream.
fn client_without_retries(emu: &msgraph_emulator::Emulator) -> Client {
    Client::new(
        GraphClient::builder()
            .credential(StaticTokenCredential::new("t"))
            .base_url(emu.base_url().parse().unwrap())
            .allow_insecure_loopback(true)
            .retry_policy(RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            })
            .build()
            .unwrap(),
    )
}

fn saved(token: Option<ResumeToken>) -> ResumeToken {
    let text = token.expect("a token mid-way").to_string();
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn ids<T>(rows: &[T], id: impl Fn(&T) -> Option<String>) -> Vec<String> {
    rows.iter()
        .map(|r| id(r).expect("every row has an id"))
        .collect()
}

#[tokio::test]
async fn items_resume_mid_page_on_a_new_client() {
    let cfg = common::config();
    let emu = common::start(cfg.clone()).await;
    let records = common::client(&emu, ApiVersion::V1)
        .communications()
        .call_records();
    let all: Vec<_> = records
        .list()
        .max_page_size(25)
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), cfg.call_records);

    // Stop inside the second page (25 per page), at every kind of position: before the first
    // item, mid-page, at a page boundary.
    for stop in [0usize, 37, 50, cfg.call_records - 1] {
        let mut stream = records.list().max_page_size(25).stream_items();
        let mut head = Vec::new();
        for _ in 0..stop {
            head.push(stream.try_next().await.unwrap().expect("a row"));
        }
        let token = saved(stream.resume_token());
        drop(stream);
        // A new client (own connection pool and token cache) on the same Graph host.
        let fresh = common::client(&emu, ApiVersion::V1);
        let rest: Vec<_> = fresh
            .communications()
            .call_records()
            .list()
            .max_page_size(25)
            .stream_items_from(token)
            .try_collect()
            .await
            .unwrap();
        head.extend(rest);
        assert_eq!(
            ids(&head, |r| r.id.clone()),
            ids(&all, |r| r.id.clone()),
            "stopped after {stop}"
        );
    }

    // Read to the end: nothing left to resume.
    let mut stream = records.list().max_page_size(25).stream_items();
    while stream.try_next().await.unwrap().is_some() {}
    assert_eq!(stream.resume_token(), None);
    emu.shutdown().await;
}

#[tokio::test]
async fn pages_resume_at_the_next_link() {
    let cfg = common::config();
    let emu = common::start(cfg.clone()).await;
    let client = common::client(&emu, ApiVersion::V1);
    let mut pages = client
        .communications()
        .call_records()
        .list()
        .max_page_size(40)
        .stream_pages();
    let start = pages.resume_token().expect("a start token");
    assert!(
        start.link().ends_with("/v1.0/communications/callRecords"),
        "{start:?}"
    );
    let first = pages.try_next().await.unwrap().expect("page 1");
    assert_eq!(first.value.len(), 40);
    let token = pages.resume_token().expect("more pages");
    assert_eq!(Some(token.link()), first.next_link.as_deref());
    assert_eq!(pages.next_link(), first.next_link.as_deref());
    assert_eq!(token.skip(), 0);
    let rest: Vec<_> = common::client(&emu, ApiVersion::V1)
        .communications()
        .call_records()
        .list()
        .max_page_size(40)
        .stream_pages_from(saved(Some(token)))
        .try_collect()
        .await
        .unwrap();
    let rest_rows: usize = rest.iter().map(|p| p.value.len()).sum();
    assert_eq!(rest_rows + 40, cfg.call_records);
    // The options (page size) come from the request the token is resumed with.
    assert!(rest[..rest.len() - 1].iter().all(|p| p.value.len() == 40));
    emu.shutdown().await;
}

#[tokio::test]
async fn windowed_log_rows_resume_across_windows() {
    let cfg = EmulatorConfig {
        log_page_size: 10,
        ..common::config()
    };
    let emu = common::start(cfg.clone()).await;
    let client = common::client(&emu, ApiVersion::V1);
    let request = || {
        client
            .communications()
            .call_records()
            .get_pstn_calls_windowed_by(day(1), day(4), Duration::days(1))
    };
    let all: Vec<_> = request().stream_items().try_collect().await.unwrap();
    assert!(all.len() > 40, "{}", all.len());
    // 24 rows a day in pages of 10: stop in the first window, on a page boundary of the
    // second, and inside the last.
    for stop in [5usize, 34, all.len() - 3] {
        let mut stream = request().stream_items();
        let mut head = Vec::new();
        for _ in 0..stop {
            head.push(stream.try_next().await.unwrap().expect("a row"));
        }
        let token = saved(stream.resume_token());
        let rest: Vec<_> = common::client(&emu, ApiVersion::V1)
            .communications()
            .call_records()
            .get_pstn_calls_windowed_by(day(1), day(4), Duration::days(1))
            .stream_items_from(token)
            .try_collect()
            .await
            .unwrap();
        head.extend(rest);
        assert_eq!(
            ids(&head, |r| r.id.clone()),
            ids(&all, |r| r.id.clone()),
            "stopped after {stop}"
        );
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn after_a_failed_page_the_token_retries_it() {
    // Every 3rd request is throttled; a client that does not retry fails on it.
    let cfg = EmulatorConfig {
        faults: Faults {
            throttle_every: Some(3),
            retry_after: "0".into(),
            ..Faults::default()
        },
        ..common::config()
    };
    let emu = common::start(cfg.clone()).await;
    let no_retries = client_without_retries(&emu);
    let mut stream = no_retries
        .communications()
        .call_records()
        .list()
        .max_page_size(20)
        .stream_items();
    let mut head = Vec::new();
    let error = loop {
        match stream
            .next()
            .await
            .expect("the stream fails before its end")
        {
            Ok(row) => head.push(row),
            Err(e) => break e,
        }
    };
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429), "{error}");
    assert_eq!(head.len() % 20, 0, "pages are whole before the failed one");
    assert!(
        stream.next().await.is_none(),
        "the stream ends after an error"
    );
    let token = saved(stream.resume_token());
    // A client that retries reads the failed page and the rest.
    let rest: Vec<_> = common::client(&emu, ApiVersion::V1)
        .communications()
        .call_records()
        .list()
        .max_page_size(20)
        .stream_items_from(token)
        .try_collect()
        .await
        .unwrap();
    head.extend(rest);
    let mut got = ids(&head, |r| r.id.clone());
    assert_eq!(got.len(), cfg.call_records);
    got.sort();
    got.dedup();
    assert_eq!(got.len(), cfg.call_records);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_token_for_another_host_or_garbage_is_an_error() {
    let emu = common::start(common::config()).await;
    let client = common::client(&emu, ApiVersion::V1);
    let foreign =
        ResumeToken::from_link("https://graph.example.invalid/v1.0/communications/callRecords");
    let out: Vec<_> = client
        .communications()
        .call_records()
        .list()
        .stream_items_from(foreign)
        .collect()
        .await;
    assert_eq!(out.len(), 1);
    assert!(matches!(out[0], Err(Error::ForeignHost { .. })), "{out:?}");
    assert!(matches!(
        "not a token".parse::<ResumeToken>(),
        Err(Error::Argument(_))
    ));
    assert_eq!(emu.stats().graph_requests, 0);
    emu.shutdown().await;
}

#[tokio::test]
async fn a_failed_window_ends_the_stream_and_the_token_holds_the_windows_left() {
    // One page per window; the 2nd request is throttled and not retried.
    let cfg = EmulatorConfig {
        faults: Faults {
            throttle_every: Some(2),
            retry_after: "0".into(),
            ..Faults::default()
        },
        ..common::config()
    };
    let emu = common::start(cfg.clone()).await;
    let no_retries = client_without_retries(&emu);
    let mut stream = no_retries
        .communications()
        .call_records()
        .get_direct_routing_calls_windowed_by(day(1), day(4), Duration::days(1))
        .stream_items();
    let mut head = Vec::new();
    let error = loop {
        match stream.next().await.expect("fails before the end") {
            Ok(row) => head.push(row),
            Err(e) => break e,
        }
    };
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429), "{error}");
    // Going on with the third window would leave a silent gap.
    assert!(stream.next().await.is_none());
    let token = saved(stream.resume_token());
    assert!(
        token.link().contains("fromDateTime=2026-11-02T00:00:00Z"),
        "{token:?}"
    );
    assert_eq!(token.then().len(), 1);
    let rest: Vec<_> = common::client(&emu, ApiVersion::V1)
        .communications()
        .call_records()
        .get_direct_routing_calls_windowed_by(day(1), day(4), Duration::days(1))
        .stream_items_from(token)
        .try_collect()
        .await
        .unwrap();
    head.extend(rest);
    let all: Vec<_> = common::client(&emu, ApiVersion::V1)
        .communications()
        .call_records()
        .get_direct_routing_calls_windowed_by(day(1), day(4), Duration::days(1))
        .stream_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&head, |r| r.id.clone()), ids(&all, |r| r.id.clone()));
    emu.shutdown().await;
}
