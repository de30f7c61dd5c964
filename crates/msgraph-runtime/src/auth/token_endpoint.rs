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
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .user_agent(crate::client::DEFAULT_USER_AGENT)
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
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
    let started = SystemTime::now();
    let resp = http
        .post(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .form(form)
        .send()
        .await
        .map_err(|e| auth_local("token_request_failed", format!("POST {url}: {}", chain(&e))))?;
    let status = resp.status();
    let retry_after = retry_after_header(resp.headers());
    let body = read_body(resp, TOKEN_BODY_LIMIT).await.map_err(|e| {
        auth_local(
            "token_request_failed",
            format!("reading the answer of POST {url}: {}", chain(&e)),
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
                    "token endpoint {url} answered {status} with more than \
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
            format!("token endpoint {url} answered {status} with an unexpected body: {e}"),
        )
    })?;
    let secs = match &tr.expires_in {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        // The v1 endpoint sends it as a string.
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .unwrap_or(3599)
    .min(MAX_TOKEN_LIFETIME.as_secs());
    // Capped above, so this cannot overflow on any real clock; fall back to `started` (the
    // token is then refreshed on next use) rather than panic if it somehow does.
    let expires_at = started
        .checked_add(Duration::from_secs(secs))
        .unwrap_or(started);
    Ok(AccessToken::new(tr.access_token, expires_at))
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
