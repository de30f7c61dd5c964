//! https-only configuration, and tokens/secrets never in Debug, errors or logs.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use common::{client, fast_policy, serve, TOKEN};
use msgraph_runtime::{
    ApiVersion, ClientSecretCredential, Cloud, Error, GraphClient, RequestOptions,
    StaticTokenCredential,
};
use url::Url;

fn builder() -> msgraph_runtime::GraphClientBuilder {
    GraphClient::builder().credential(StaticTokenCredential::new(TOKEN))
}

#[test]
fn https_only_unless_loopback_is_explicitly_allowed() {
    let http_remote = Url::parse("http://graph.microsoft.com").unwrap();
    let http_loop = Url::parse("http://127.0.0.1:8080").unwrap();
    let e = builder().base_url(http_remote.clone()).build().unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    let e = builder()
        .base_url(http_remote)
        .allow_insecure_loopback(true)
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    let e = builder().base_url(http_loop.clone()).build().unwrap_err();
    assert!(e.to_string().contains("allow_insecure_loopback"), "{e}");
    for ok in [
        "http://127.0.0.1:8080",
        "http://[::1]:9",
        "http://localhost:1",
    ] {
        builder()
            .base_url(Url::parse(ok).unwrap())
            .allow_insecure_loopback(true)
            .build()
            .unwrap();
    }
    let e = builder()
        .base_url(Url::parse("ftp://127.0.0.1").unwrap())
        .allow_insecure_loopback(true)
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config(_)));
    // Custom cloud over loopback http follows the same rule.
    let custom = Cloud::Custom {
        authority: http_loop.clone(),
        graph: http_loop,
    };
    assert!(builder().cloud(custom.clone()).build().is_err());
    assert!(builder()
        .cloud(custom)
        .allow_insecure_loopback(true)
        .build()
        .is_ok());
    // No credential.
    assert!(matches!(
        GraphClient::builder().build(),
        Err(Error::Config(_))
    ));
}

#[test]
fn base_urls_per_cloud_and_version() {
    let c = builder().build().unwrap();
    assert_eq!(c.base_url().as_str(), "https://graph.microsoft.com/v1.0");
    let c = builder()
        .cloud(Cloud::China)
        .api_version(ApiVersion::Beta)
        .build()
        .unwrap();
    assert_eq!(
        c.base_url().as_str(),
        "https://microsoftgraph.chinacloudapi.cn/beta"
    );
    let c = builder()
        .base_url(Url::parse("http://127.0.0.1:3000/").unwrap())
        .allow_insecure_loopback(true)
        .build()
        .unwrap();
    assert_eq!(c.base_url().as_str(), "http://127.0.0.1:3000/v1.0");
    assert_eq!(
        c.url_for("/communications/callRecords?$top=5")
            .unwrap()
            .as_str(),
        "http://127.0.0.1:3000/v1.0/communications/callRecords?$top=5"
    );
}

#[test]
fn with_api_version_switches_only_the_version_segment() {
    let c = builder()
        .base_url(Url::parse("http://127.0.0.1:3000/prefix/").unwrap())
        .allow_insecure_loopback(true)
        .build()
        .unwrap();
    assert_eq!(c.api_version(), ApiVersion::V1);
    let beta = c.with_api_version(ApiVersion::Beta);
    assert_eq!(beta.api_version(), ApiVersion::Beta);
    assert_eq!(
        beta.base_url().as_str(),
        "http://127.0.0.1:3000/prefix/beta"
    );
    let back = beta.with_api_version(ApiVersion::V1);
    assert_eq!(
        back.base_url().as_str(),
        "http://127.0.0.1:3000/prefix/v1.0"
    );
    assert_eq!(c.base_url().as_str(), "http://127.0.0.1:3000/prefix/v1.0");
}

#[test]
fn debug_output_has_no_secrets() {
    let c = builder().build().unwrap();
    assert!(!format!("{c:?}").contains(TOKEN));
    let cred = ClientSecretCredential::new("t", "c", "the-client-secret");
    let c = GraphClient::builder()
        .credential(cred.clone())
        .build()
        .unwrap();
    assert!(!format!("{c:?}").contains("the-client-secret"));
    assert!(!format!("{cred:?}").contains("the-client-secret"));
}

/// A `MakeWriter` that appends everything to a shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn token_never_appears_in_logs_or_errors() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let addr = serve(|_| {
        Router::new()
            .route(
                "/v1.0/throttled",
                get(|| async {
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [("retry-after", "0")],
                        r#"{"error":{"code":"TooManyRequests","message":"Please retry again later."}}"#,
                    )
                }),
            )
            .route("/v1.0/ok", get(|| async { axum::Json(serde_json::json!({"value": []})) }))
    })
    .await;
    let c = client(addr, fast_policy(3));
    let e = c
        .get_json::<serde_json::Value>("/throttled", &RequestOptions::default())
        .await
        .unwrap_err();
    c.get_json::<serde_json::Value>("/ok", &RequestOptions::default())
        .await
        .unwrap();
    assert!(!e.to_string().contains(TOKEN) && !format!("{e:?}").contains(TOKEN));

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("graph_request"),
        "no request spans logged:\n{logs}"
    );
    assert!(logs.contains("attempt=3"), "{logs}");
    assert!(logs.contains("status=429"), "{logs}");
    assert!(logs.contains("retrying"), "{logs}");
    assert!(!logs.contains(TOKEN), "token leaked into logs");
    assert!(!logs.contains("TEST-TOKEN"), "token leaked into logs");
}
