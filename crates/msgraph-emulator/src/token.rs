//! The Entra ID (Azure AD) v2.0 token endpoint, client-credentials flow only.

use chrono::Utc;

use crate::config::EmulatorConfig;
use crate::json::{Obj, Opts};
use crate::reply::Reply;

/// Handle `POST /{tenant}/oauth2/v2.0/token` with a form body.
pub fn handle_token(config: &EmulatorConfig, body: &[u8], request_id: &str, issued: u64) -> Reply {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let missing = |p: &str| {
        aad_error(
            400,
            "invalid_request",
            900144,
            &format!("The request body must contain the following parameter: '{p}'."),
            request_id,
        )
    };
    let Some(grant) = get("grant_type") else {
        return missing("grant_type");
    };
    if grant != "client_credentials" {
        return aad_error(
            400,
            "unsupported_grant_type",
            70003,
            &format!("The app requested an unsupported grant type '{grant}'."),
            request_id,
        );
    }
    let Some(client_id) = get("client_id").filter(|c| !c.is_empty()) else {
        return missing("client_id");
    };
    if get("scope").is_none_or(str::is_empty) {
        return missing("scope");
    }
    let secret = get("client_secret");
    let assertion = get("client_assertion");
    match (secret, assertion) {
        (None, None) => {
            return aad_error(
                401,
                "invalid_client",
                7000216,
                "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
                request_id,
            )
        }
        (Some(s), _) if s.is_empty() || config.client_secret.as_deref().is_some_and(|want| want != s) => {
            return aad_error(
                401,
                "invalid_client",
                7000215,
                &format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."),
                request_id,
            )
        }
        (None, Some(a)) if a.split('.').count() != 3 => {
            return aad_error(
                401,
                "invalid_client",
                700027,
                "Client assertion failed signature validation: the assertion is not a JWT.",
                request_id,
            )
        }
        _ => {}
    }
    let token = config
        .expected_token
        .clone()
        .unwrap_or_else(|| format!("emulator-access-token-{issued}"));
    let mut out = Vec::with_capacity(256);
    Obj::write(&mut out, Opts::default(), |o| {
        o.str("token_type", "Bearer");
        o.raw("expires_in", 3599);
        o.raw("ext_expires_in", 3599);
        o.str("access_token", &token);
    });
    Reply {
        status: 200,
        headers: vec![
            (
                "content-type",
                "application/json; charset=utf-8".to_string(),
            ),
            ("cache-control", "no-store, no-cache".to_string()),
        ],
        body: out,
        rows: 0,
    }
}

/// An AADSTS-shaped error body.
fn aad_error(status: u16, error: &str, code: u32, text: &str, request_id: &str) -> Reply {
    let now = Utc::now();
    let mut out = Vec::with_capacity(512);
    Obj::write(&mut out, Opts::default(), |o| {
        o.str("error", error);
        o.str(
            "error_description",
            &format!(
                "AADSTS{code}: {text} Trace ID: {request_id} Correlation ID: {request_id} Timestamp: {}",
                now.format("%Y-%m-%d %H:%M:%SZ")
            ),
        );
        o.arr("error_codes", |a| a.raw(code));
        o.str("timestamp", &now.format("%Y-%m-%d %H:%M:%SZ").to_string());
        o.str("trace_id", request_id);
        o.str("correlation_id", request_id);
        o.str(
            "error_uri",
            &format!("https://login.microsoftonline.com/error?code={code}"),
        );
    });
    Reply {
        status,
        headers: vec![(
            "content-type",
            "application/json; charset=utf-8".to_string(),
        )],
        body: out,
        rows: 0,
    }
}
