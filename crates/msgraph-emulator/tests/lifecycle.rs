//! Faults, authentication, lifetime and shutdown over loopback.

mod common;

use std::time::Duration;

use common::{get, send, Outcome};
use msgraph_emulator::{Emulator, EmulatorConfig, Faults};

const LIST: &str = "/v1.0/communications/callRecords?$top=2";

async fn with_faults(faults: Faults) -> Emulator {
    Emulator::start(EmulatorConfig {
        faults,
        ..EmulatorConfig::default()
    })
    .await
    .expect("start")
}

#[tokio::test]
async fn throttle_every_third_request_with_retry_after() {
    let e = with_faults(Faults {
        throttle_every: Some(3),
        retry_after: "0.05".into(),
        ..Faults::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = get(e.local_addr(), LIST, &[]).await;
        if r.status == 429 {
            assert_eq!(r.header("retry-after"), Some("0.05"));
            let v = r.json();
            assert_eq!(v["error"]["code"], "TooManyRequests");
            assert_eq!(v["error"]["innerError"]["status"], "429");
        }
        statuses.push(r.status);
    }
    assert_eq!(statuses, [200, 200, 429, 200, 200, 429]);
    let s = e.stats();
    assert_eq!(
        (s.throttled, s.faults_injected, s.graph_requests),
        (2, 2, 6)
    );
}

#[tokio::test]
async fn unavailable_and_gateway_timeout() {
    let e = with_faults(Faults {
        unavailable_every: Some(2),
        gateway_timeout_every: Some(3),
        retry_after: "Wed, 25 Nov 2026 10:00:00 GMT".into(),
        ..Faults::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r = get(e.local_addr(), LIST, &[]).await;
        if r.status == 503 {
            assert_eq!(
                r.header("retry-after"),
                Some("Wed, 25 Nov 2026 10:00:00 GMT")
            );
            assert_eq!(r.json()["error"]["code"], "ServiceUnavailable");
        }
        if r.status == 504 {
            assert_eq!(r.json()["error"]["code"], "GatewayTimeout");
        }
        statuses.push(r.status);
    }
    assert_eq!(statuses, [200, 503, 504, 503, 200, 503]);

    // Default: "Retry-After: 0"; an empty value sends no header.
    for (value, want) in [(None, Some("0")), (Some(""), None)] {
        let mut faults = Faults {
            throttle_every: Some(1),
            ..Faults::default()
        };
        if let Some(v) = value {
            faults.retry_after = v.to_string();
        }
        let e = with_faults(faults).await;
        let r = get(e.local_addr(), LIST, &[]).await;
        assert_eq!(r.status, 429);
        assert_eq!(r.header("retry-after"), want);
    }
}

#[tokio::test]
async fn truncated_body_is_shorter_than_content_length() {
    let e = with_faults(Faults {
        truncate_every: Some(2),
        ..Faults::default()
    })
    .await;
    let ok = get(e.local_addr(), LIST, &[]).await;
    assert!(ok.complete());
    let cut = get(e.local_addr(), LIST, &[]).await;
    assert_eq!(cut.status, 200);
    let declared = cut.content_length.expect("content-length");
    assert!(cut.body.len() < declared, "{} < {declared}", cut.body.len());
    assert!(serde_json::from_slice::<serde_json::Value>(&cut.body).is_err());
    assert_eq!(e.stats().truncated, 1);
}

#[tokio::test]
async fn reset_closes_without_response() {
    let e = with_faults(Faults {
        reset_every: Some(2),
        ..Faults::default()
    })
    .await;
    assert!(matches!(
        send(e.local_addr(), "GET", LIST, &[], b"").await,
        Outcome::Response(_)
    ));
    assert!(matches!(
        send(e.local_addr(), "GET", LIST, &[], b"").await,
        Outcome::Closed
    ));
    assert!(matches!(
        send(e.local_addr(), "GET", LIST, &[], b"").await,
        Outcome::Response(_)
    ));
    assert_eq!(e.stats().resets, 1);
}

#[tokio::test]
async fn delay_is_counted_and_token_requests_do_not_shift_faults() {
    let e = with_faults(Faults {
        delay: Some(Duration::from_millis(5)),
        delay_every: Some(2),
        throttle_every: Some(2),
        retry_after: "0".into(),
        ..Faults::default()
    })
    .await;
    let form = b"grant_type=client_credentials&client_id=app&client_secret=s&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default";
    let tok = send(
        e.local_addr(),
        "POST",
        "/contoso/oauth2/v2.0/token",
        &[("content-type", "application/x-www-form-urlencoded")],
        form,
    )
    .await;
    assert!(matches!(tok, Outcome::Response(ref r) if r.status == 200));
    assert_eq!(get(e.local_addr(), LIST, &[]).await.status, 200);
    assert_eq!(get(e.local_addr(), LIST, &[]).await.status, 429);
    let s = e.stats();
    assert_eq!((s.delayed, s.token_requests, s.requests), (1, 1, 3));
}

#[tokio::test]
async fn token_endpoint_and_bearer_check() {
    let e = Emulator::start(EmulatorConfig {
        expected_token: Some("tok-123".into()),
        client_secret: Some("right".into()),
        ..EmulatorConfig::default()
    })
    .await
    .expect("start");
    let addr = e.local_addr();
    assert_eq!(
        e.token_url("t1"),
        format!("{}/t1/oauth2/v2.0/token", e.authority_url())
    );
    let post = |body: &'static [u8]| {
        send(
            addr,
            "POST",
            "/t1/oauth2/v2.0/token",
            &[("content-type", "application/x-www-form-urlencoded")],
            body,
        )
    };
    let Outcome::Response(r) =
        post(b"grant_type=client_credentials&client_id=a&client_secret=right&scope=x").await
    else {
        panic!("closed")
    };
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(
        (
            v["token_type"].as_str(),
            v["expires_in"].as_u64(),
            v["access_token"].as_str()
        ),
        (Some("Bearer"), Some(3599), Some("tok-123"))
    );
    let Outcome::Response(r) =
        post(b"grant_type=client_credentials&client_id=a&client_secret=wrong&scope=x").await
    else {
        panic!("closed")
    };
    assert_eq!(r.status, 401);
    let v = r.json();
    assert_eq!(v["error"], "invalid_client");
    assert!(v["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS7000215"));
    assert_eq!(v["error_codes"][0], 7000215);
    let Outcome::Response(r) = post(b"client_id=a&client_secret=right&scope=x").await else {
        panic!("closed")
    };
    assert_eq!(r.status, 400);

    assert_eq!(get(addr, LIST, &[]).await.status, 401);
    let r = get(addr, LIST, &[("authorization", "Bearer nope")]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"]["code"], "InvalidAuthenticationToken");
    assert_eq!(
        get(addr, LIST, &[("authorization", "Bearer tok-123")])
            .await
            .status,
        200
    );
    assert_eq!(e.stats().unauthorized, 3);
}

/// Connecting fails once the listener is gone; polls briefly because task abort is asynchronous.
async fn refuses(addr: std::net::SocketAddr) -> bool {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[tokio::test]
async fn lifetime_stops_the_server() {
    let mut e = Emulator::start(EmulatorConfig {
        max_lifetime: Duration::from_millis(100),
        ..EmulatorConfig::default()
    })
    .await
    .expect("start");
    tokio::time::timeout(Duration::from_secs(10), e.stopped())
        .await
        .expect("stopped by itself");
    assert!(!e.is_running());
    assert!(refuses(e.local_addr()).await);
}

#[tokio::test]
async fn drop_and_shutdown_close_the_listener() {
    let e = Emulator::start(EmulatorConfig::default())
        .await
        .expect("start");
    let addr = e.local_addr();
    assert_eq!(get(addr, LIST, &[]).await.status, 200);
    drop(e);
    assert!(refuses(addr).await);

    let e = Emulator::start(EmulatorConfig::default())
        .await
        .expect("start");
    let addr = e.local_addr();
    tokio::time::timeout(Duration::from_secs(10), e.shutdown())
        .await
        .expect("shutdown");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn max_requests_stops_the_server() {
    let mut e = Emulator::start(EmulatorConfig {
        max_requests: Some(2),
        ..EmulatorConfig::default()
    })
    .await
    .expect("start");
    assert_eq!(get(e.local_addr(), LIST, &[]).await.status, 200);
    assert_eq!(get(e.local_addr(), LIST, &[]).await.status, 200);
    tokio::time::timeout(Duration::from_secs(10), e.stopped())
        .await
        .expect("stopped");
    assert!(refuses(e.local_addr()).await);
}

#[tokio::test]
async fn same_seed_same_bytes() {
    let a = Emulator::start(EmulatorConfig::default())
        .await
        .expect("start");
    let b = Emulator::start(EmulatorConfig::default())
        .await
        .expect("start");
    let c = Emulator::start(EmulatorConfig {
        seed: 7,
        ..EmulatorConfig::default()
    })
    .await
    .expect("start");
    let norm = |e: &Emulator, body: Vec<u8>| {
        String::from_utf8(body)
            .unwrap()
            .replace(&e.base_url(), "BASE")
    };
    for path in [
        "/v1.0/communications/callRecords",
        "/beta/communications/callRecords/getDirectRoutingCalls(fromDateTime=2026-11-03,toDateTime=2026-11-04)",
    ] {
        let x = norm(&a, get(a.local_addr(), path, &[]).await.body);
        let y = norm(&b, get(b.local_addr(), path, &[]).await.body);
        let z = norm(&c, get(c.local_addr(), path, &[]).await.body);
        assert_eq!(x, y);
        assert_ne!(x, z);
    }
}
