//! Credentials against a loopback token endpoint: secret, certificate, caching, errors.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Request};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use common::{base, fast_policy, manifest_dir, serve};
use msgraph_runtime::{
    ClientCertificateCredential, ClientSecretCredential, Cloud, EnvironmentCredential, Error,
    GraphClient, RequestOptions, TokenCredential,
};
use serde_json::json;

const SECRET: &str = "s3cr3t~VALUE-that-must-not-leak";
/// The test fixtures directory.
fn fixtures() -> String {
    format!("{}/tests/fixtures", manifest_dir())
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/{name}", fixtures())).expect("fixture readable")
}

/// What the token endpoint saw.
#[derive(Default)]
struct Seen {
    forms: Vec<(String, HashMap<String, String>)>,
}

/// A token endpoint: validates the form with `check` and answers with
/// `tok-N` (N = request number) or with the error `check` returns.
async fn token_server(
    check: impl Fn(&str, &HashMap<String, String>) -> Result<(), (StatusCode, String)>
        + Send
        + Sync
        + 'static,
) -> (SocketAddr, Arc<AtomicU32>, Arc<Mutex<Seen>>) {
    let count = Arc::new(AtomicU32::new(0));
    let seen = Arc::new(Mutex::new(Seen::default()));
    let check = Arc::new(check);
    let (c, s) = (count.clone(), seen.clone());
    let addr = serve(move |_| {
        Router::new().route(
            "/{tenant}/oauth2/v2.0/token",
            post(move |Path(tenant): Path<String>, body: String| {
                let (c, s, check) = (c.clone(), s.clone(), check.clone());
                async move {
                    let n = c.fetch_add(1, Ordering::SeqCst) + 1;
                    let form: HashMap<String, String> =
                        url::form_urlencoded::parse(body.as_bytes())
                            .into_owned()
                            .collect();
                    s.lock().unwrap().forms.push((tenant.clone(), form.clone()));
                    // Slow enough that concurrent callers pile up behind the refresh.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    match check(&tenant, &form) {
                        Ok(()) => axum::Json(json!({
                            "token_type": "Bearer",
                            "expires_in": 3599,
                            "access_token": format!("tok-{n}"),
                        }))
                        .into_response(),
                        Err((status, body)) => (status, body).into_response(),
                    }
                }
            }),
        )
    })
    .await;
    (addr, count, seen)
}

/// A Graph server that returns the bearer token it received.
async fn echo_graph() -> (SocketAddr, Arc<AtomicU32>) {
    let hits = Arc::new(AtomicU32::new(0));
    let h = hits.clone();
    let addr = serve(move |_| {
        Router::new().route(
            "/v1.0/me",
            get(move |req: Request| {
                let h = h.clone();
                async move {
                    h.fetch_add(1, Ordering::SeqCst);
                    let auth = req
                        .headers()
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    axum::Json(json!({ "auth": auth }))
                }
            }),
        )
    })
    .await;
    (addr, hits)
}

fn graph_client(graph: SocketAddr, cred: impl TokenCredential + 'static) -> GraphClient {
    GraphClient::builder()
        .credential(cred)
        .base_url(base(graph))
        .allow_insecure_loopback(true)
        .retry_policy(fast_policy(2))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn secret_credential_one_token_for_100_concurrent_requests() {
    let (auth, token_requests, seen) = token_server(|_, form| {
        if form.get("client_secret").map(String::as_str) == Some(SECRET) {
            Ok(())
        } else {
            Err((StatusCode::UNAUTHORIZED, "{}".into()))
        }
    })
    .await;
    let (graph, hits) = echo_graph().await;
    let cred = ClientSecretCredential::new("contoso.onmicrosoft.com", "app-id", SECRET)
        .authority_host(base(auth));
    let client = graph_client(graph, cred);
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move {
                c.get_json::<serde_json::Value>("/me", &RequestOptions::default())
                    .await
            })
        })
        .collect();
    for t in tasks {
        let v = t.await.unwrap().unwrap();
        assert_eq!(v["auth"], "Bearer tok-1");
    }
    assert_eq!(token_requests.load(Ordering::SeqCst), 1);
    assert_eq!(hits.load(Ordering::SeqCst), 100);
    let seen = seen.lock().unwrap();
    let (tenant, form) = &seen.forms[0];
    assert_eq!(tenant, "contoso.onmicrosoft.com");
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_id"], "app-id");
    assert_eq!(form["scope"], format!("http://{graph}/.default"));
}

#[tokio::test]
async fn invalid_secret_is_an_auth_error_with_aadsts_and_graph_is_never_called() {
    let (auth, _, _) = token_server(|_, _| {
        Err((
            StatusCode::UNAUTHORIZED,
            r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.\r\nTrace ID: 0000\r\nCorrelation ID: 1111\r\nTimestamp: 2024-01-01 00:00:00Z","error_codes":[7000215],"trace_id":"0000","correlation_id":"1111"}"#.into(),
        ))
    })
    .await;
    let (graph, hits) = echo_graph().await;
    let cred = ClientSecretCredential::new("t", "app-id", SECRET).authority_host(base(auth));
    let client = graph_client(graph, cred);
    let e = client
        .get_json::<serde_json::Value>("/me", &RequestOptions::default())
        .await
        .unwrap_err();
    match &e {
        Error::Auth {
            error,
            aadsts,
            status,
            ..
        } => {
            assert_eq!(error, "invalid_client");
            assert_eq!(aadsts.as_deref(), Some("AADSTS7000215"));
            assert_eq!(*status, Some(401));
        }
        other => panic!("unexpected {other:?}"),
    }
    let text = e.to_string();
    assert!(
        text.contains("AADSTS7000215: Invalid client secret provided"),
        "{text}"
    );
    assert!(!text.contains(SECRET) && !format!("{e:?}").contains(SECRET));
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn certificate_credential_sends_a_verifiable_assertion() {
    let public = fixture("public.pem");
    let x5t = fixture("x5t.txt").trim().to_string();
    let auth_addr: Arc<Mutex<Option<SocketAddr>>> = Arc::default();
    let a = auth_addr.clone();
    let expected_x5t = x5t.clone();
    let (auth, count, _) = token_server(move |tenant, form| {
        let fail = |m: String| Err((StatusCode::BAD_REQUEST, m));
        if form.get("client_assertion_type").map(String::as_str)
            != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        {
            return fail("assertion type".into());
        }
        if form.contains_key("client_secret") {
            return fail("secret sent".into());
        }
        let jwt = form.get("client_assertion").cloned().unwrap_or_default();
        let header = match jsonwebtoken::decode_header(&jwt) {
            Ok(h) => h,
            Err(e) => return fail(format!("header: {e}")),
        };
        if header.alg != jsonwebtoken::Algorithm::RS256
            || header.x5t.as_deref() != Some(expected_x5t.as_str())
        {
            return fail(format!("header {header:?}"));
        }
        let addr = a.lock().unwrap().expect("addr set");
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        v.set_audience(&[format!("http://{addr}/{tenant}/oauth2/v2.0/token")]);
        v.set_issuer(&["app-id"]);
        v.set_required_spec_claims(&["exp", "aud", "iss", "sub", "nbf"]);
        let key = jsonwebtoken::DecodingKey::from_rsa_pem(public.as_bytes()).expect("public key");
        match jsonwebtoken::decode::<serde_json::Value>(&jwt, &key, &v) {
            Ok(data) if data.claims["sub"] == "app-id" && data.claims["jti"].is_string() => Ok(()),
            Ok(data) => fail(format!("claims {:?}", data.claims)),
            Err(e) => fail(format!("verify: {e}")),
        }
    })
    .await;
    *auth_addr.lock().unwrap() = Some(auth);

    let cred = ClientCertificateCredential::from_pem(
        "tenant-1",
        "app-id",
        &fixture("cert.pem"),
        &fixture("key.pem"),
    )
    .unwrap()
    .authority_host(base(auth));
    assert_eq!(cred.thumbprint(), x5t);
    let dbg = format!("{cred:?}");
    assert!(
        !dbg.contains("PRIVATE") && !dbg.contains(&fixture("key.pem")[40..80]),
        "{dbg}"
    );
    let token = cred
        .get_token(&["https://graph.microsoft.com/.default"])
        .await
        .unwrap();
    assert_eq!(token.secret.expose(), "tok-1");
    assert_eq!(count.load(Ordering::SeqCst), 1);

    // The combined PEM file (cert + key) through the environment credential.
    let combined = format!("{}/combined.pem", fixtures());
    let auth_host = base(auth).to_string();
    let env = EnvironmentCredential::from_lookup(|k| match k {
        "AZURE_TENANT_ID" => Some("tenant-1".into()),
        "AZURE_CLIENT_ID" => Some("app-id".into()),
        "AZURE_CLIENT_CERTIFICATE_PATH" => Some(combined.clone()),
        "AZURE_AUTHORITY_HOST" => Some(auth_host.clone()),
        _ => None,
    })
    .unwrap();
    let token = env
        .get_token(&["https://graph.microsoft.com/.default"])
        .await
        .unwrap();
    assert_eq!(token.secret.expose(), "tok-2");
}

#[test]
fn bad_certificate_material_is_a_config_error() {
    let cert = fixture("cert.pem");
    let key = fixture("key.pem");
    for (c, k, needle) in [
        ("", key.as_str(), "CERTIFICATE"),
        (cert.as_str(), "", "PRIVATE KEY"),
        (
            cert.as_str(),
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            "encrypted",
        ),
        (
            cert.as_str(),
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "RSA",
        ),
    ] {
        let e = ClientCertificateCredential::from_pem("t", "c", c, k).unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{e:?}");
        assert!(e.to_string().contains(needle), "{e}");
    }
}

#[tokio::test]
async fn authority_must_be_https_unless_loopback() {
    let cred = ClientSecretCredential::new("t", "c", SECRET)
        .authority_host(url::Url::parse("http://login.example.com").unwrap());
    let e = cred.get_token(&["x/.default"]).await.unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    assert!(!e.to_string().contains(SECRET));
}

#[test]
fn credentials_pick_up_the_cloud() {
    let c = ClientSecretCredential::new("t", "c", SECRET).cloud(Cloud::UsGovL5Dod);
    let dbg = format!("{c:?}");
    assert!(dbg.contains("login.microsoftonline.us"), "{dbg}");
    assert!(!dbg.contains(SECRET), "{dbg}");
}

#[tokio::test]
async fn rejected_token_is_refreshed_once() {
    let (auth, token_requests, _) = token_server(|_, _| Ok(())).await;
    let hits = Arc::new(AtomicU32::new(0));
    let h = hits.clone();
    let graph = serve(move |_| {
        Router::new().route(
            "/v1.0/me",
            get(move |req: Request| {
                let h = h.clone();
                async move {
                    h.fetch_add(1, Ordering::SeqCst);
                    let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
                    if auth == "Bearer tok-1" {
                        (
                            StatusCode::UNAUTHORIZED,
                            r#"{"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired."}}"#,
                        )
                            .into_response()
                    } else {
                        axum::Json(json!({ "auth": auth })).into_response()
                    }
                }
            }),
        )
    })
    .await;
    let cred = ClientSecretCredential::new("t", "app-id", SECRET).authority_host(base(auth));
    let client = graph_client(graph, cred);
    let v: serde_json::Value = client
        .get_json("/me", &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(v["auth"], "Bearer tok-2");
    assert_eq!(token_requests.load(Ordering::SeqCst), 2);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_401_that_persists_is_returned_after_one_refresh() {
    let (auth, token_requests, _) = token_server(|_, _| Ok(())).await;
    let hits = Arc::new(AtomicU32::new(0));
    let h = hits.clone();
    let graph = serve(move |_| {
        Router::new().route(
            "/v1.0/me",
            get(move || {
                let h = h.clone();
                async move {
                    h.fetch_add(1, Ordering::SeqCst);
                    (StatusCode::UNAUTHORIZED, r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure."}}"#)
                }
            }),
        )
    })
    .await;
    let cred = ClientSecretCredential::new("t", "app-id", SECRET).authority_host(base(auth));
    let e = graph_client(graph, cred)
        .get_json::<serde_json::Value>("/me", &RequestOptions::default())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(e.graph_error().unwrap().code, "InvalidAuthenticationToken");
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    assert_eq!(token_requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn token_endpoint_outage_is_retried() {
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let (auth, token_requests, _) = token_server(move |_, _| {
        if c.fetch_add(1, Ordering::SeqCst) == 0 {
            Err((StatusCode::SERVICE_UNAVAILABLE, "<html>down</html>".into()))
        } else {
            Ok(())
        }
    })
    .await;
    let (graph, hits) = echo_graph().await;
    let cred = ClientSecretCredential::new("t", "app-id", SECRET).authority_host(base(auth));
    let v: serde_json::Value = graph_client(graph, cred)
        .get_json("/me", &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(v["auth"], "Bearer tok-2");
    assert_eq!(token_requests.load(Ordering::SeqCst), 2);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn huge_expires_in_is_capped_not_a_panic() {
    for expires_in in [
        json!(18446744073709551615u64),
        json!("18446744073709551615"),
    ] {
        let body = json!({
            "token_type": "Bearer",
            "expires_in": expires_in,
            "access_token": "tok-huge",
        });
        let auth = serve(move |_| {
            let body = body.clone();
            Router::new().route(
                "/{tenant}/oauth2/v2.0/token",
                post(move || {
                    let body = body.clone();
                    async move { axum::Json(body) }
                }),
            )
        })
        .await;
        let cred = ClientSecretCredential::new("t", "app-id", SECRET).authority_host(base(auth));
        let token = cred
            .get_token(&["https://graph.microsoft.com/.default"])
            .await
            .expect("a token despite the absurd lifetime");
        assert_eq!(token.secret.expose(), "tok-huge");
        let lifetime = token
            .expires_at
            .duration_since(std::time::SystemTime::now())
            .expect("expires in the future");
        assert!(
            lifetime <= Duration::from_secs(24 * 60 * 60),
            "{lifetime:?}"
        );
        assert!(lifetime > Duration::from_secs(23 * 60 * 60), "{lifetime:?}");
    }
}

/// A token endpoint that answers with megabytes is cut off: a success body
/// that large is an error (no token is made of it), an error body is read
/// up to the limit and the error still carries its status.
#[tokio::test]
async fn an_oversized_token_answer_is_refused_not_read() {
    let huge_token = "x".repeat(4 << 20);
    let auth = serve(move |_| {
        Router::new().route(
            "/{tenant}/oauth2/v2.0/token",
            post(move |Path(tenant): Path<String>| {
                let huge_token = huge_token.clone();
                async move {
                    if tenant == "ok" {
                        axum::Json(json!({
                            "token_type": "Bearer",
                            "expires_in": 3599,
                            "access_token": huge_token,
                        }))
                        .into_response()
                    } else {
                        let description =
                            format!("AADSTS7000215: Invalid client secret. {huge_token}");
                        (
                            StatusCode::UNAUTHORIZED,
                            axum::Json(json!({
                                "error": "invalid_client",
                                "error_description": description,
                            })),
                        )
                            .into_response()
                    }
                }
            }),
        )
    })
    .await;
    let scopes = ["https://graph.microsoft.com/.default"];
    let cred = ClientSecretCredential::new("ok", "app-id", SECRET).authority_host(base(auth));
    match cred.get_token(&scopes).await {
        Err(Error::Auth {
            error,
            description,
            status,
            ..
        }) => {
            assert_eq!(error, "invalid_token_response");
            assert_eq!(status, Some(200));
            assert!(
                description.contains("more than 65536 bytes"),
                "{description}"
            );
        }
        other => panic!("expected a refused answer, got {other:?}"),
    }
    let cred = ClientSecretCredential::new("bad", "app-id", SECRET).authority_host(base(auth));
    match cred.get_token(&scopes).await {
        Err(Error::Auth { status, .. }) => assert_eq!(status, Some(401)),
        other => panic!("expected an auth error, got {other:?}"),
    }
}

/// A throttled token endpoint's `Retry-After` is kept on the error and the
/// retry waits that long instead of backing off: with an hour of backoff and
/// a 20 s budget, only `Retry-After: 0` lets the request go through.
#[tokio::test]
async fn a_throttled_token_endpoint_is_retried_after_its_retry_after() {
    let calls = Arc::new(AtomicU32::new(0));
    let c = calls.clone();
    let auth = serve(move |_| {
        Router::new().route(
            "/{tenant}/oauth2/v2.0/token",
            post(move |Path(tenant): Path<String>| {
                let c = c.clone();
                async move {
                    let n = c.fetch_add(1, Ordering::SeqCst);
                    if tenant == "always" || n == 0 {
                        let wait = if tenant == "always" { "7" } else { "0" };
                        return (
                            StatusCode::TOO_MANY_REQUESTS,
                            [("retry-after", wait)],
                            axum::Json(json!({
                                "error": "temporarily_unavailable",
                                "error_description": "AADSTS50196: The server terminated an operation because it encountered a client request loop.",
                            })),
                        )
                            .into_response();
                    }
                    axum::Json(json!({
                        "token_type": "Bearer",
                        "expires_in": 3599,
                        "access_token": "tok-after-wait",
                    }))
                    .into_response()
                }
            }),
        )
    })
    .await;
    // The credential alone: the error says how long to wait.
    let cred = ClientSecretCredential::new("always", "app-id", SECRET).authority_host(base(auth));
    let e = cred
        .get_token(&["https://graph.microsoft.com/.default"])
        .await
        .expect_err("throttled");
    assert_eq!(e.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    assert!(e.is_retryable());

    calls.store(0, Ordering::SeqCst);
    let (graph, hits) = echo_graph().await;
    let cred = ClientSecretCredential::new("t", "app-id", SECRET).authority_host(base(auth));
    let client = GraphClient::builder()
        .credential(cred)
        .base_url(base(graph))
        .allow_insecure_loopback(true)
        .retry_policy(msgraph_runtime::RetryPolicy {
            max_attempts: 3,
            max_total: Duration::from_secs(20),
            base_delay: Duration::from_secs(3600),
            max_delay: Duration::from_secs(3600),
        })
        .build()
        .unwrap();
    let v: serde_json::Value = client
        .get_json("/me", &RequestOptions::default())
        .await
        .expect("retried right away, as Retry-After: 0 asked");
    assert_eq!(v["auth"], "Bearer tok-after-wait");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}
