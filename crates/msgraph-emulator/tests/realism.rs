//! Realism over loopback: the documented limit scopes answered with 429 + Retry-After.

mod common;

use std::time::Duration;

use common::get;
use msgraph_emulator::{Emulator, EmulatorConfig, Latency, Limit, Limits, Realism};

/// Limits with a long window (nothing leaves it during the test) and no latency.
async fn limited(limits: Limits) -> Emulator {
    Emulator::start(EmulatorConfig {
        realism: Some(Realism {
            latency: Latency::none(),
            limits,
        }),
        ..EmulatorConfig::default()
    })
    .await
    .expect("start")
}

const MINUTE: Duration = Duration::from_secs(60);

#[tokio::test]
async fn list_limit_answers_429_with_fractional_retry_after_and_counts_it() {
    let e = limited(Limits {
        list_call_records: Some(Limit {
            requests: 2,
            window: MINUTE,
        }),
        ..Limits::none()
    })
    .await;
    let list = "/v1.0/communications/callRecords?$top=1";
    assert_eq!(get(e.local_addr(), list, &[]).await.status, 200);
    assert_eq!(get(e.local_addr(), list, &[]).await.status, 200);
    let r = get(e.local_addr(), list, &[]).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["error"]["code"], "TooManyRequests");
    let ra: f64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!(ra > 0.0 && ra <= 60.0, "{ra}");
    // Other scopes are not limited: a record is still served.
    let id = msgraph_emulator::data::record_id(e.config(), 0);
    let rec = format!("/v1.0/communications/callRecords/{id}");
    assert_eq!(get(e.local_addr(), &rec, &[]).await.status, 200);
    let s = e.stats();
    assert_eq!((s.throttled, s.limited, s.client_errors), (1, 1, 0));
}

#[tokio::test]
async fn app_scope_is_per_token_and_tenant_scope_is_shared() {
    let e = limited(Limits {
        records_app_tenant: Some(Limit {
            requests: 2,
            window: MINUTE,
        }),
        records_tenant: Some(Limit {
            requests: 3,
            window: MINUTE,
        }),
        ..Limits::none()
    })
    .await;
    let rec = |i| {
        format!(
            "/v1.0/communications/callRecords/{}",
            msgraph_emulator::data::record_id(e.config(), i)
        )
    };
    let a = [("authorization", "Bearer app-a")];
    let b = [("authorization", "Bearer app-b")];
    assert_eq!(get(e.local_addr(), &rec(0), &a).await.status, 200);
    assert_eq!(get(e.local_addr(), &rec(1), &a).await.status, 200);
    assert_eq!(get(e.local_addr(), &rec(2), &a).await.status, 429, "app a");
    // App b has its own app scope, but the tenant (3) is full: a's throttled
    // request counted too.
    assert_eq!(get(e.local_addr(), &rec(3), &b).await.status, 429, "tenant");
    assert_eq!(e.stats().limited, 2);
}

#[tokio::test]
async fn log_collections_are_per_function_call() {
    let e = limited(Limits {
        logs_collection: Some(Limit {
            requests: 1,
            window: MINUTE,
        }),
        ..Limits::none()
    })
    .await;
    let call = |d: u32| {
        format!("/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2026-11-0{d},toDateTime=2026-11-0{})", d + 1)
    };
    assert_eq!(get(e.local_addr(), &call(1), &[]).await.status, 200);
    let again = format!("{}?$skip=1000", call(1));
    assert_eq!(get(e.local_addr(), &again, &[]).await.status, 429);
    assert_eq!(get(e.local_addr(), &call(2), &[]).await.status, 200);
}

#[tokio::test]
async fn realism_is_off_by_default() {
    let e = Emulator::start(EmulatorConfig::default())
        .await
        .expect("start");
    for _ in 0..50 {
        let r = get(
            e.local_addr(),
            "/v1.0/communications/callRecords?$top=1",
            &[],
        )
        .await;
        assert_eq!(r.status, 200);
    }
    assert_eq!(e.stats().limited, 0);
    let c = EmulatorConfig::default()
        .realistic()
        .records_per_day(5000, 2);
    assert_eq!(c.call_records, 10_000);
    assert_eq!(c.record_spacing, Duration::from_nanos(17_280_000_000));
    assert_eq!(c.realism.expect("on").limits, Limits::default());
}
