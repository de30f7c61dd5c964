//! Managed identity, workload identity federation and the DefaultCredential
//! chain against loopback fakes of IMDS, the App Service identity endpoint
//! and the Entra token endpoint. No test ever addresses the real IMDS: the
//! chain is always built from a fixed variable map whose
//! `AZURE_POD_IDENTITY_AUTHORITY_HOST` points at 127.0.0.1.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use common::{base, fast_policy, serve};
use msgraph_runtime::{
    Cloud, DefaultCredential, Error, GraphClient, ManagedIdentityCredential, ManagedIdentityId,
    RequestOptions, TokenCredential, WorkloadIdentityCredential,
};
use serde_json::json;
use url::Url;

const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";
const IMDS_PATH: &str = "/metadata/identity/oauth2/token";
const IDENTITY_HEADER: &str = "identity-header-SECRET-value";

/// One request a fake endpoint received: path, query or form, headers.
#[derive(Clone, Debug)]
struct Seen {
    path: String,
    params: HashMap<String, String>,
    headers: HeaderMap,
}

type Log = Arc<Mutex<Vec<Seen>>>;
type Answer = Arc<dyn Fn(&Seen) -> Response + Send + Sync>;

fn log_of(log: &Log) -> Vec<Seen> {
    log.lock().unwrap().clone()
}

/// A managed identity endpoint (IMDS or App Service shape; both are GET
/// with a query) at `path`, answering with `answer`.
async fn identity_endpoint(
    path: &'static str,
    answer: impl Fn(&Seen) -> Response + Send + Sync + 'static,
) -> (SocketAddr, Log) {
    let log: Log = Arc::default();
    let answer: Answer = Arc::new(answer);
    let l = log.clone();
    let addr = serve(move |_| {
        Router::new().route(
            path,
            get(
                move |Query(params): Query<HashMap<String, String>>, headers: HeaderMap| {
                    let (l, answer) = (l.clone(), answer.clone());
                    async move {
                        let seen = Seen {
                            path: path.to_string(),
                            params,
                            headers,
                        };
                        l.lock().unwrap().push(seen.clone());
                        answer(&seen)
                    }
                },
            ),
        )
    })
    .await;
    (addr, log)
}

/// An Entra token endpoint (`POST /{tenant}/oauth2/v2.0/token`).
async fn token_endpoint(
    answer: impl Fn(&Seen) -> Response + Send + Sync + 'static,
) -> (SocketAddr, Log) {
    let log: Log = Arc::default();
    let answer: Answer = Arc::new(answer);
    let l = log.clone();
    let addr = serve(move |_| {
        Router::new().route(
            "/{tenant}/oauth2/v2.0/token",
            post(
                move |Path(tenant): Path<String>, headers: HeaderMap, body: String| {
                    let (l, answer) = (l.clone(), answer.clone());
                    async move {
                        let seen = Seen {
                            path: tenant,
                            params: url::form_urlencoded::parse(body.as_bytes())
                                .into_owned()
                                .collect(),
                            headers,
                        };
                        l.lock().unwrap().push(seen.clone());
                        answer(&seen)
                    }
                },
            ),
        )
    })
    .await;
    (addr, log)
}

/// What IMDS answers: every number as a string.
fn imds_token(token: &str) -> Response {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    axum::Json(json!({
        "access_token": token,
        "client_id": "00000000-0000-0000-0000-000000000001",
        "expires_in": "3599",
        "expires_on": (now + 3599).to_string(),
        "ext_expires_in": "3599",
        "not_before": now.to_string(),
        "resource": "https://graph.microsoft.com",
        "token_type": "Bearer"
    }))
    .into_response()
}

fn entra_token(token: &str) -> Response {
    axum::Json(json!({"token_type": "Bearer", "expires_in": 3599, "access_token": token}))
        .into_response()
}

/// IMDS's answer for an identity the VM does not have.
fn identity_not_found() -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": "invalid_request", "error_description": "Identity not found"})),
    )
        .into_response()
}

/// A loopback address where nothing listens (bound, then released).
async fn closed_port() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

fn url(addr: SocketAddr, path: &str) -> Url {
    Url::parse(&format!("http://{addr}{path}")).unwrap()
}

fn vars(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    move |name| map.get(name).cloned()
}

fn auth_parts(e: &Error) -> (&str, Option<u16>, &str) {
    match e {
        Error::Auth {
            error,
            status,
            description,
            ..
        } => (error, *status, description),
        other => panic!("expected Error::Auth, got {other:?}"),
    }
}

/// A Graph fake that returns the bearer token it received.
async fn echo_graph() -> SocketAddr {
    serve(|_| {
        Router::new().route(
            "/v1.0/me",
            get(|headers: HeaderMap| async move {
                let auth = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                axum::Json(json!({ "auth": auth }))
            }),
        )
    })
    .await
}

#[tokio::test]
async fn imds_system_assigned_sends_metadata_header_and_v1_resource() {
    let (imds, log) = identity_endpoint(IMDS_PATH, |seen| {
        // Real IMDS refuses requests without the header (SSRF protection).
        if seen.headers.get("metadata").and_then(|v| v.to_str().ok()) != Some("true") {
            return identity_not_found();
        }
        imds_token("imds-token")
    })
    .await;
    let credential = ManagedIdentityCredential::imds().endpoint(url(imds, IMDS_PATH));
    let before = SystemTime::now();
    let token = credential.get_token(&[GRAPH_SCOPE]).await.unwrap();
    assert_eq!(token.secret.expose(), "imds-token");
    let lifetime = token.expires_at.duration_since(before).unwrap();
    assert!(
        lifetime > Duration::from_secs(3500) && lifetime <= Duration::from_secs(3600),
        "{lifetime:?}"
    );
    let seen = log_of(&log);
    assert_eq!(seen.len(), 1);
    let p = &seen[0].params;
    assert_eq!(p["api-version"], "2018-02-01");
    assert_eq!(p["resource"], "https://graph.microsoft.com");
    assert!(!p.contains_key("client_id") && !p.contains_key("object_id"));
}

#[tokio::test]
async fn imds_user_assigned_ids_use_the_imds_parameter_names() {
    let (imds, log) = identity_endpoint(IMDS_PATH, |_| imds_token("t")).await;
    let endpoint = url(imds, IMDS_PATH);
    for id in [
        ManagedIdentityId::ClientId("cid".into()),
        ManagedIdentityId::ObjectId("oid".into()),
        ManagedIdentityId::ResourceId("/subscriptions/s/rg/x".into()),
    ] {
        ManagedIdentityCredential::imds()
            .endpoint(endpoint.clone())
            .user_assigned(id)
            .get_token(&[GRAPH_SCOPE])
            .await
            .unwrap();
    }
    let seen = log_of(&log);
    assert_eq!(seen[0].params["client_id"], "cid");
    assert_eq!(seen[1].params["object_id"], "oid");
    assert_eq!(seen[2].params["msi_res_id"], "/subscriptions/s/rg/x");
}

#[tokio::test]
async fn imds_identity_not_found_is_an_auth_error_with_the_status() {
    let (imds, _) = identity_endpoint(IMDS_PATH, |_| identity_not_found()).await;
    let e = ManagedIdentityCredential::imds()
        .endpoint(url(imds, IMDS_PATH))
        .user_assigned(ManagedIdentityId::ClientId("missing".into()))
        .get_token(&[GRAPH_SCOPE])
        .await
        .unwrap_err();
    let (error, status, description) = auth_parts(&e);
    assert_eq!((error, status), ("invalid_request", Some(400)));
    assert!(description.contains("Identity not found"), "{e}");
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn unreachable_endpoint_is_unavailable_and_not_retried() {
    let nothing = closed_port().await;
    let e = ManagedIdentityCredential::imds()
        .endpoint(url(nothing, IMDS_PATH))
        .connect_timeout(Duration::from_secs(1))
        .get_token(&[GRAPH_SCOPE])
        .await
        .unwrap_err();
    let (error, status, description) = auth_parts(&e);
    assert_eq!((error, status), ("managed_identity_unavailable", None));
    assert!(description.contains(&nothing.to_string()), "{e}");
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn app_service_sends_the_identity_header_and_reads_expires_on() {
    let path = "/msi/token";
    let (endpoint, log) = identity_endpoint(path, |seen| {
        if seen
            .headers
            .get("x-identity-header")
            .and_then(|v| v.to_str().ok())
            != Some(IDENTITY_HEADER)
        {
            return (StatusCode::UNAUTHORIZED, "{}").into_response();
        }
        // App Service (2019-08-01) sends only expires_on, as a string.
        axum::Json(json!({
            "access_token": "app-service-token",
            "expires_on": "4102444800",
            "resource": "https://graph.microsoft.com",
            "token_type": "Bearer",
            "client_id": "cid"
        }))
        .into_response()
    })
    .await;
    let lookup = vars(&[
        ("IDENTITY_ENDPOINT", url(endpoint, path).to_string()),
        ("IDENTITY_HEADER", IDENTITY_HEADER.to_string()),
    ]);
    let credential = ManagedIdentityCredential::from_lookup(lookup)
        .unwrap()
        .user_assigned(ManagedIdentityId::ObjectId("oid".into()));
    assert!(!format!("{credential:?}").contains(IDENTITY_HEADER));
    let started = SystemTime::now();
    let token = credential.get_token(&[GRAPH_SCOPE]).await.unwrap();
    assert_eq!(token.secret.expose(), "app-service-token");
    // 2100-01-01 is further than a token may live: capped at a day.
    let lifetime = token.expires_at.duration_since(started).unwrap();
    assert!(
        lifetime <= Duration::from_secs(24 * 3600 + 5),
        "{lifetime:?}"
    );
    assert!(lifetime > Duration::from_secs(23 * 3600), "{lifetime:?}");
    let seen = log_of(&log);
    assert_eq!(seen[0].params["api-version"], "2019-08-01");
    assert_eq!(seen[0].params["resource"], "https://graph.microsoft.com");
    assert_eq!(seen[0].params["principal_id"], "oid");

    let wrong = ManagedIdentityCredential::app_service(url(endpoint, path), "wrong");
    let e = wrong.get_token(&[GRAPH_SCOPE]).await.unwrap_err();
    assert_eq!(auth_parts(&e).1, Some(401));
    assert!(!e.to_string().contains(IDENTITY_HEADER));
}

#[tokio::test]
async fn workload_identity_reads_the_token_file_on_every_request() {
    let (auth, log) =
        token_endpoint(|seen| entra_token(&format!("wi-{}", seen.params["client_assertion"])))
            .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("azure-identity-token");
    std::fs::write(&file, "assertion-one\n").unwrap();
    let credential = WorkloadIdentityCredential::from_lookup(vars(&[
        ("AZURE_FEDERATED_TOKEN_FILE", file.display().to_string()),
        ("AZURE_TENANT_ID", "contoso.onmicrosoft.com".into()),
        ("AZURE_CLIENT_ID", "app-id".into()),
        ("AZURE_AUTHORITY_HOST", base(auth).to_string()),
    ]))
    .unwrap();
    let first = credential.get_token(&[GRAPH_SCOPE]).await.unwrap();
    assert_eq!(first.secret.expose(), "wi-assertion-one");
    // The platform rotates the file; the next request sends the new contents.
    std::fs::write(&file, "assertion-two").unwrap();
    let second = credential.get_token(&[GRAPH_SCOPE]).await.unwrap();
    assert_eq!(second.secret.expose(), "wi-assertion-two");

    let seen = log_of(&log);
    assert_eq!(seen[0].path, "contoso.onmicrosoft.com");
    let form = &seen[0].params;
    assert_eq!(form["grant_type"], "client_credentials");
    assert_eq!(form["client_id"], "app-id");
    assert_eq!(
        form["client_assertion_type"],
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    );
    assert_eq!(form["scope"], GRAPH_SCOPE);
    assert!(!form.contains_key("client_secret"));

    std::fs::remove_file(&file).unwrap();
    let e = credential.get_token(&[GRAPH_SCOPE]).await.unwrap_err();
    let (error, status, description) = auth_parts(&e);
    assert_eq!((error, status), ("federated_token_unreadable", None));
    assert!(description.contains("azure-identity-token"), "{e}");
    assert_eq!(log_of(&log).len(), 2, "no request without an assertion");
}

/// Variables that keep the chain's managed identity step on a loopback fake.
fn imds_at(addr: SocketAddr) -> (&'static str, String) {
    (
        "AZURE_POD_IDENTITY_AUTHORITY_HOST",
        format!("http://{addr}"),
    )
}

#[tokio::test]
async fn chain_with_nothing_configured_lists_every_step() {
    let nothing = closed_port().await;
    let chain = DefaultCredential::from_lookup(vars(&[imds_at(nothing)]));
    let e = chain.get_token(&[GRAPH_SCOPE]).await.unwrap_err();
    let (error, status, description) = auth_parts(&e);
    assert_eq!((error, status), ("credential_unavailable", None));
    for part in [
        "environment: skipped (neither AZURE_CLIENT_SECRET nor AZURE_CLIENT_CERTIFICATE_PATH is set)",
        "workload identity: skipped (AZURE_FEDERATED_TOKEN_FILE is not set)",
        "managed identity: unavailable (",
        &nothing.to_string(),
    ] {
        assert!(description.contains(part), "missing {part:?} in {e}");
    }
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn chain_prefers_environment_then_workload_and_never_asks_imds() {
    let (imds, imds_log) = identity_endpoint(IMDS_PATH, |_| imds_token("imds")).await;
    let (auth, _) = token_endpoint(|seen| {
        if seen.params.contains_key("client_secret") {
            entra_token("from-secret")
        } else {
            entra_token("from-assertion")
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "jwt").unwrap();
    let common = [
        ("AZURE_TENANT_ID", "t".to_string()),
        ("AZURE_CLIENT_ID", "c".to_string()),
        ("AZURE_AUTHORITY_HOST", base(auth).to_string()),
        ("AZURE_FEDERATED_TOKEN_FILE", file.display().to_string()),
        imds_at(imds),
    ];
    let mut with_secret = common.to_vec();
    with_secret.push(("AZURE_CLIENT_SECRET", "s".into()));
    let chain = DefaultCredential::from_lookup(vars(&with_secret));
    let token = chain.get_token(&[GRAPH_SCOPE]).await.unwrap();
    assert_eq!(token.secret.expose(), "from-secret");

    let chain = DefaultCredential::from_lookup(vars(&common));
    let token = chain.get_token(&[GRAPH_SCOPE]).await.unwrap();
    assert_eq!(token.secret.expose(), "from-assertion");
    assert!(log_of(&imds_log).is_empty());
}

#[tokio::test]
async fn chain_falls_through_to_user_assigned_managed_identity_through_graph_client() {
    let (imds, imds_log) = identity_endpoint(IMDS_PATH, |seen| {
        imds_token(&format!("mi-{}", seen.params["client_id"]))
    })
    .await;
    let chain =
        DefaultCredential::from_lookup(vars(&[("AZURE_CLIENT_ID", "uami".into()), imds_at(imds)]));
    let graph = echo_graph().await;
    let client = GraphClient::builder()
        .credential(chain)
        .base_url(base(graph))
        .allow_insecure_loopback(true)
        .retry_policy(fast_policy(2))
        .build()
        .unwrap();
    let v: serde_json::Value = client
        .get_json("/me", &RequestOptions::default())
        .await
        .unwrap();
    assert_eq!(v["auth"], "Bearer mi-uami");
    let seen = log_of(&imds_log);
    assert_eq!(seen.len(), 1);
    // The client asks for the scope of its Graph host.
    assert_eq!(seen[0].params["resource"], format!("http://{graph}"));
}

#[tokio::test]
async fn chain_uses_the_app_service_endpoint_when_identity_endpoint_is_set() {
    let (endpoint, log) = identity_endpoint("/msi/token", |_| {
        axum::Json(json!({"access_token": "as", "expires_on": "4102444800"})).into_response()
    })
    .await;
    let nothing = closed_port().await;
    let chain = DefaultCredential::from_lookup(vars(&[
        ("IDENTITY_ENDPOINT", url(endpoint, "/msi/token").to_string()),
        ("IDENTITY_HEADER", IDENTITY_HEADER.into()),
        imds_at(nothing),
    ]));
    let token = chain.get_token(&[GRAPH_SCOPE]).await.unwrap();
    assert_eq!(token.secret.expose(), "as");
    assert_eq!(
        log_of(&log)[0].headers["x-identity-header"],
        IDENTITY_HEADER
    );
}

#[tokio::test]
async fn chain_stops_at_a_configured_step_that_fails_and_keeps_its_code() {
    let (imds, imds_log) = identity_endpoint(IMDS_PATH, |_| imds_token("imds")).await;
    let (auth, _) = token_endpoint(|_| {
        (
            StatusCode::UNAUTHORIZED,
            r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}"#,
        )
            .into_response()
    })
    .await;
    let chain = DefaultCredential::from_lookup(vars(&[
        ("AZURE_TENANT_ID", "t".into()),
        ("AZURE_CLIENT_ID", "c".into()),
        ("AZURE_CLIENT_SECRET", "wrong-secret-value".into()),
        ("AZURE_AUTHORITY_HOST", base(auth).to_string()),
        imds_at(imds),
    ]));
    let e = chain.get_token(&[GRAPH_SCOPE]).await.unwrap_err();
    match &e {
        Error::Auth {
            error,
            aadsts,
            status,
            description,
            ..
        } => {
            assert_eq!(error, "invalid_client");
            assert_eq!(aadsts.as_deref(), Some("AADSTS7000215"));
            assert_eq!(*status, Some(401));
            assert!(description.starts_with("AADSTS7000215"), "{e}");
            assert!(
                description.contains("DefaultCredential tried environment: failed"),
                "{e}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(!e.to_string().contains("wrong-secret-value"));
    assert!(
        log_of(&imds_log).is_empty(),
        "a broken configuration is not hidden"
    );
}

#[tokio::test]
async fn chain_reports_a_misconfigured_step() {
    let (imds, imds_log) = identity_endpoint(IMDS_PATH, |_| imds_token("imds")).await;
    let chain = DefaultCredential::from_lookup(vars(&[
        (
            "AZURE_FEDERATED_TOKEN_FILE",
            "/var/run/secrets/azure/tokens/azure-identity-token".into(),
        ),
        ("AZURE_CLIENT_ID", "c".into()),
        imds_at(imds),
    ]));
    assert!(format!("{chain:?}").contains("misconfigured"));
    let e = chain.get_token(&[GRAPH_SCOPE]).await.unwrap_err();
    let (error, _, description) = auth_parts(&e);
    assert_eq!(error, "credential_chain_failed");
    assert!(description.contains("environment: skipped"), "{e}");
    assert!(
        description.contains("workload identity: misconfigured")
            && description.contains("AZURE_TENANT_ID"),
        "{e}"
    );
    assert!(log_of(&imds_log).is_empty());
}

#[tokio::test]
async fn chain_cloud_sets_the_authority_unless_azure_authority_host_does() {
    let (cloud_auth, cloud_log) = token_endpoint(|_| entra_token("from-cloud")).await;
    let (env_auth, env_log) = token_endpoint(|_| entra_token("from-env-host")).await;
    let nothing = closed_port().await;
    let cloud = Cloud::Custom {
        authority: base(cloud_auth),
        graph: Url::parse("https://graph.example").unwrap(),
    };
    let secret = [
        ("AZURE_TENANT_ID", "t".to_string()),
        ("AZURE_CLIENT_ID", "c".to_string()),
        ("AZURE_CLIENT_SECRET", "s".to_string()),
        imds_at(nothing),
    ];
    let chain = DefaultCredential::from_lookup(vars(&secret)).cloud(cloud.clone());
    let token = chain.get_token(&[GRAPH_SCOPE]).await.unwrap();
    assert_eq!(token.secret.expose(), "from-cloud");

    let mut with_host = secret.to_vec();
    with_host.push(("AZURE_AUTHORITY_HOST", base(env_auth).to_string()));
    let chain = DefaultCredential::from_lookup(vars(&with_host)).cloud(cloud);
    let token = chain.get_token(&[GRAPH_SCOPE]).await.unwrap();
    assert_eq!(token.secret.expose(), "from-env-host");
    assert_eq!((log_of(&cloud_log).len(), log_of(&env_log).len()), (1, 1));
}
