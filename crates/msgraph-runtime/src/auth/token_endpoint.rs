//! The Entra ID v2.0 token endpoint: URL, POST, success and error bodies.

use std::time::{Duration, SystemTime};

use serde::Deserialize;
use url::Url;

use super::AccessToken;
use crate::client::{read_body, Body};
use crate::error::chain;
use crate::retry::retry_after_header;
use crate::security::check_scheme;
use crate::Error;

/// `{authority}/{tenant}/oauth2/v2.0/token`, with the tenant checked so it
/// cannot change the path.
pub(crate) fn token_url(authority: &Url, tenant: &str) -> Result<Url, Error> {
    if tenant.is_empty()
        || tenant.chars().all(|c| c == '.')
        || !tenant
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
    {
        return Err(Error::Config(format!(
            "tenant id {tenant:?} is not a tenant GUID or domain name"
        )));
    }
    // Loopback http is fine here: pointing the authority at it is explicit.
    check_scheme(authority, true, "authority host")?;
    let base = authority.as_str().trim_end_matches('/');
    Url::parse(&format!("{base}/{tenant}/oauth2/v2.0/token"))
        .map_err(|e| Error::Config(format!("bad authority host {authority}: {e}")))
}

/// An HTTP client for token requests: no redirects (a token request must not
/// be replayed elsewhere), bounded time.
pub(crate) fn http_client() -> reqwest::Client {
    http_client_builder()
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// The settings of [`http_client`], for a credential that adds its own.
pub(crate) fn http_client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .user_agent(crate::client::DEFAULT_USER_AGENT)
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
    #[serde(default)]
    expires_on: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct TokenErrorBody {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
    #[serde(default)]
    error_codes: Vec<u64>,
}

/// Longest lifetime believed from `expires_in` (Entra issues 60-90 minutes): a huge value from
/// a broken or hostile endpoint must neither overflow the clock nor pin a token for years.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// Lifetime assumed when an answer gives none (Entra's usual 60 minutes, less a second).
const DEFAULT_TOKEN_LIFETIME_SECS: u64 = 3599;

/// Most of a token endpoint answer that is read: tokens and OAuth errors
/// are a few KiB, so a larger body is a broken or hostile endpoint.
const TOKEN_BODY_LIMIT: usize = 64 * 1024;

/// POST `form` to the token endpoint and turn the answer into a token or an
/// [`Error::Auth`] carrying the AADSTS code.
pub(crate) async fn request_token(
    http: &reqwest::Client,
    url: &Url,
    form: &[(&str, &str)],
) -> Result<AccessToken, Error> {
    let request = http
        .post(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .form(form);
    send_token_request(request, &format!("POST {url}"), "token_request_failed").await
}

/// Send a prepared token request (`what` names it in errors, e.g. `GET
/// http://…`) and read the answer: a token response (`access_token` with
/// `expires_in` and/or `expires_on`) or an OAuth error body. A request that
/// cannot be sent or read fails with the category `unreachable`, so a caller
/// decides whether that is retryable (`token_request_failed`) or means the
/// source is absent (managed identity off Azure).
pub(crate) async fn send_token_request(
    request: reqwest::RequestBuilder,
    what: &str,
    unreachable: &str,
) -> Result<AccessToken, Error> {
    let started = SystemTime::now();
    let resp = request
        .send()
        .await
        .map_err(|e| auth_local(unreachable, format!("{what}: {}", chain(&e))))?;
    let status = resp.status();
    let retry_after = retry_after_header(resp.headers());
    let body = read_body(resp, TOKEN_BODY_LIMIT).await.map_err(|e| {
        auth_local(
            unreachable,
            format!("reading the answer of {what}: {}", chain(&e)),
        )
    })?;
    let body = match body {
        Body::Complete(b) => b,
        // An error body only says what went wrong: its first bytes do (or
        // none, past a declared length over the limit; the status remains).
        Body::Truncated(b) if !status.is_success() => b,
        Body::Truncated(_) => {
            return Err(invalid_response(
                status,
                format!(
                    "{what} answered {status} with more than \
                     {TOKEN_BODY_LIMIT} bytes (a token response is a few KiB)"
                ),
            ))
        }
    };
    if !status.is_success() {
        return Err(token_error(status.as_u16(), &body, retry_after));
    }
    let tr: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
        invalid_response(
            status,
            format!("{what} answered {status} with an unexpected body: {e}"),
        )
    })?;
    let expires_at = expiry(&tr, started);
    Ok(AccessToken::new(tr.access_token, expires_at))
}

/// When a token from a response received at `started` expires: `expires_in`
/// (seconds; Entra, IMDS), else `expires_on` (Unix seconds; the App Service
/// endpoint sends only this), else about an hour. Never later than
/// [`MAX_TOKEN_LIFETIME`] after `started`.
fn expiry(tr: &TokenResponse, started: SystemTime) -> SystemTime {
    let max = started.checked_add(MAX_TOKEN_LIFETIME).unwrap_or(started);
    if let Some(secs) = seconds(tr.expires_in.as_ref()) {
        // Capped, so this cannot overflow on any real clock; fall back to
        // `started` (refresh on next use) rather than panic if it somehow does.
        return started
            .checked_add(Duration::from_secs(secs.min(MAX_TOKEN_LIFETIME.as_secs())))
            .unwrap_or(started);
    }
    if let Some(epoch) = seconds(tr.expires_on.as_ref()) {
        return SystemTime::UNIX_EPOCH
            .checked_add(Duration::from_secs(epoch))
            .map_or(started, |t| t.min(max));
    }
    started
        .checked_add(Duration::from_secs(DEFAULT_TOKEN_LIFETIME_SECS))
        .unwrap_or(started)
}

/// A count of seconds sent as a JSON number or (v1 endpoint, IMDS, App
/// Service) as a string.
fn seconds(value: Option<&serde_json::Value>) -> Option<u64> {
    match value? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Build [`Error::Auth`] from a token endpoint error body (and the
/// answer's `Retry-After`, if any).
pub(crate) fn token_error(status: u16, body: &[u8], retry_after: Option<Duration>) -> Error {
    match serde_json::from_slice::<TokenErrorBody>(body) {
        Ok(b) if !b.error.is_empty() => {
            let aadsts = aadsts_code(&b.error_description)
                .or_else(|| b.error_codes.first().map(|c| format!("AADSTS{c}")));
            // Entra appends "Trace ID: … Correlation ID: … Timestamp: …" lines; keep the first.
            let description = b
                .error_description
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            Error::Auth {
                error: b.error,
                aadsts,
                description,
                status: Some(status),
                retry_after,
            }
        }
        _ => Error::Auth {
            error: "token_request_failed".into(),
            aadsts: None,
            description: format!(
                "token endpoint answered HTTP {status} with a body that is not an OAuth error"
            ),
            status: Some(status),
            retry_after,
        },
    }
}

fn aadsts_code(description: &str) -> Option<String> {
    let start = description.find("AADSTS")?;
    let digits: String = description[start + 6..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    (!digits.is_empty()).then(|| format!("AADSTS{digits}"))
}

/// A successful answer that is no token response.
fn invalid_response(status: reqwest::StatusCode, description: String) -> Error {
    Error::Auth {
        error: "invalid_token_response".into(),
        aadsts: None,
        description,
        status: Some(status.as_u16()),
        retry_after: None,
    }
}

pub(crate) fn auth_local(error: &str, description: String) -> Error {
    Error::Auth {
        error: error.into(),
        aadsts: None,
        description,
        status: None,
        retry_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: serde_json::Value) -> TokenResponse {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn expiry_from_expires_in_then_expires_on_then_default() {
        let started = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let secs = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
        let r = response(
            serde_json::json!({"access_token": "t", "expires_in": "600", "expires_on": "1"}),
        );
        assert_eq!(secs(expiry(&r, started)), 1_700_000_600);
        let r = response(serde_json::json!({"access_token": "t", "expires_on": "1700001000"}));
        assert_eq!(secs(expiry(&r, started)), 1_700_001_000);
        let r = response(serde_json::json!({"access_token": "t", "expires_on": 1_700_000_100u64}));
        assert_eq!(secs(expiry(&r, started)), 1_700_000_100);
        // A far-future expires_on is capped like expires_in.
        let r = response(serde_json::json!({"access_token": "t", "expires_on": "99999999999"}));
        assert_eq!(secs(expiry(&r, started)), 1_700_000_000 + 24 * 3600);
        let r = response(serde_json::json!({"access_token": "t", "expires_on": "tomorrow"}));
        assert_eq!(secs(expiry(&r, started)), 1_700_003_599);
    }

    #[test]
    fn invalid_client_error_keeps_aadsts() {
        let body = br#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.\r\nTrace ID: 1\r\nCorrelation ID: 2","error_codes":[7000215]}"#;
        match token_error(401, body, None) {
            Error::Auth {
                error,
                aadsts,
                description,
                status,
                ..
            } => {
                assert_eq!(error, "invalid_client");
                assert_eq!(aadsts.as_deref(), Some("AADSTS7000215"));
                assert!(description.starts_with("AADSTS7000215: Invalid client secret"));
                assert!(!description.contains("Trace ID"));
                assert_eq!(status, Some(401));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn code_from_error_codes_and_garbage_body() {
        let e = token_error(
            400,
            br#"{"error":"invalid_request","error_description":"x","error_codes":[900144]}"#,
            None,
        );
        assert!(matches!(e, Error::Auth { aadsts: Some(ref c), .. } if c == "AADSTS900144"));
        let e = token_error(502, b"<html>", None);
        assert!(matches!(
            e,
            Error::Auth {
                status: Some(502),
                ..
            }
        ));
    }

    #[test]
    fn tenant_cannot_change_the_path() {
        let a = Url::parse("https://login.microsoftonline.com").unwrap();
        assert_eq!(
            token_url(&a, "contoso.onmicrosoft.com").unwrap().as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        for bad in ["", "a/b", "x?y", "../evil", "..", "a b"] {
            assert!(token_url(&a, bad).is_err(), "{bad:?}");
        }
    }
}
