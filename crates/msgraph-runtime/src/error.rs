//! The one error type of the runtime (and of the SDK built on it) and the Graph (OData)
//! error body model.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Everything that can go wrong talking to Microsoft Graph: the one error type of the
/// runtime and of the request builders built on it.
///
/// `Display` is written for a person: it names the request, the Graph error
/// code and message, the `request-id` to quote to Microsoft support, and how
/// many times the request was retried. Secrets never appear in it.
///
/// Accessors read the common facts without matching: [`Error::status`],
/// [`Error::code`] and [`Error::message`] (of the Graph error body),
/// [`Error::request_id`], [`Error::client_request_id`], [`Error::retry_after`].
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument the API would reject (an empty or reversed date range, a page size
    /// over the documented maximum, an empty id), found before anything was sent.
    #[error(transparent)]
    Argument(#[from] ArgumentError),
    /// Graph answered with a non-success HTTP status.
    #[error("{}", display_http(.status, .method, .url, .graph, .request_id, .retries))]
    Http {
        /// HTTP status code.
        status: StatusCode,
        /// HTTP method of the failed request.
        method: String,
        /// Path and query of the failed request (no host, no secrets).
        url: String,
        /// The decoded Graph error body, when the body was one.
        graph: Option<Box<GraphError>>,
        /// `request-id` response header (or `innerError.request-id`).
        request_id: Option<String>,
        /// `client-request-id` this client sent.
        client_request_id: Option<String>,
        /// Parsed `Retry-After` of the last response, if any.
        retry_after: Option<Duration>,
        /// How many times the request was retried before giving up.
        retries: u32,
    },
    /// The request could not be sent or the response body could not be read
    /// (connect, reset, timeout, truncated body).
    #[error("transport error on {method} {url}: {message} (retried {retries} times)")]
    Transport {
        /// HTTP method of the failed request.
        method: String,
        /// Path and query of the failed request.
        url: String,
        /// What failed, including the underlying causes.
        message: String,
        /// True when the failure was a timeout.
        timeout: bool,
        /// How many times the request was retried before giving up.
        retries: u32,
    },
    /// A response body was larger than the client accepts
    /// ([`crate::GraphClientBuilder::max_response_bytes`]); not retried.
    #[error("response of {method} {url} is larger than the limit of {limit} bytes (GraphClientBuilder::max_response_bytes)")]
    ResponseTooLarge {
        /// HTTP method of the request.
        method: String,
        /// Path and query of the request.
        url: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// A response body did not match the expected type.
    #[error("cannot decode response of {url} at `{path}`: {message}")]
    Decode {
        /// JSON path of the offending value, e.g. `value[3].charge` (`.` for the root).
        path: String,
        /// What serde said.
        message: String,
        /// Path and query of the request whose body failed to decode.
        url: String,
    },
    /// Getting an access token failed (token endpoint error, bad credential material).
    #[error("{}", display_auth(.error, .aadsts, .description, .status))]
    Auth {
        /// OAuth `error` (e.g. `invalid_client`), or a short local category.
        error: String,
        /// The `AADSTS…` code when Entra ID sent one (e.g. `AADSTS7000215`).
        aadsts: Option<String>,
        /// Human-readable description (Entra ID `error_description` or local cause).
        description: String,
        /// HTTP status of the token endpoint response, when there was one.
        status: Option<u16>,
        /// Parsed `Retry-After` of a token endpoint answer (a throttled or
        /// unavailable endpoint may send one; retries then wait that long).
        retry_after: Option<Duration>,
    },
    /// The client or a credential was configured wrongly (bad URL, http without
    /// the loopback override, missing environment variable, ...).
    #[error("configuration error: {0}")]
    Config(String),
    /// A URL (next link, redirect, resume link) points at a host other than
    /// the configured Graph host; nothing was sent to it.
    #[error("refusing to send a request to {url}: not the configured Graph host {expected}")]
    ForeignHost {
        /// The offending URL (scheme, host and path; query dropped).
        url: String,
        /// The configured Graph origin.
        expected: String,
    },
    /// Paging went wrong, e.g. the service returned a next link already visited.
    #[error("paging error: {message} (link {link})")]
    Paging {
        /// What went wrong.
        message: String,
        /// The offending link.
        link: String,
    },
}

impl Error {
    /// True for errors the retry policy retries: 429, 503, 504, transport
    /// errors, and token endpoint outages (429/5xx/unreachable).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Http { status, .. } => is_retryable_status(*status),
            Error::Transport { .. } => true,
            // Token endpoint throttled, down, or unreachable; AADSTS errors are final.
            Error::Auth { status, error, .. } => match status {
                Some(s) => matches!(s, 429 | 500 | 502 | 503 | 504),
                None => error == "token_request_failed",
            },
            _ => false,
        }
    }

    /// HTTP status of a Graph or token-endpoint error response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Http { status, .. } => Some(*status),
            Error::Auth {
                status: Some(s), ..
            } => StatusCode::from_u16(*s).ok(),
            _ => None,
        }
    }

    /// The Graph error body (`error.code`, `error.message`, `innerError`) if there was one.
    pub fn graph_error(&self) -> Option<&GraphError> {
        match self {
            Error::Http { graph, .. } => graph.as_deref(),
            _ => None,
        }
    }

    /// How long the server asked to wait (`Retry-After` of a Graph or token
    /// endpoint answer), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Http { retry_after, .. } | Error::Auth { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The `request-id` Microsoft support asks for, when known.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Http { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The `client-request-id` sent with the failed attempt (or echoed in the Graph error
    /// body), when there was a response.
    pub fn client_request_id(&self) -> Option<&str> {
        match self {
            Error::Http {
                client_request_id,
                graph,
                ..
            } => client_request_id
                .as_deref()
                .or_else(|| graph.as_ref()?.inner.client_request_id.as_deref()),
            _ => None,
        }
    }

    /// The Graph error code (`error.code`, e.g. `TooManyRequests`, `itemNotFound`; branch on
    /// this), or the `AADSTS…` code of a token endpoint error, or the OAuth `error` when
    /// there is no `AADSTS` code.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Http { graph, .. } => graph.as_ref().map(|g| g.code.as_str()),
            Error::Auth { aadsts, error, .. } => Some(aadsts.as_deref().unwrap_or(error)),
            _ => None,
        }
    }

    /// The Graph error message (`error.message`) or the token endpoint's description.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Http { graph, .. } => graph.as_ref().map(|g| g.message.as_str()),
            Error::Auth { description, .. } => Some(description),
            _ => None,
        }
    }
}

/// An argument the API would reject, caught before any request is sent
/// ([`Error::Argument`]).
///
/// The message names the operation and the offending values, e.g.
/// `getPstnCalls: fromDateTime 2026-11-02T00:00:00Z is not before toDateTime 2026-11-01T00:00:00Z`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentError {
    operation: String,
    message: String,
}

impl ArgumentError {
    /// An error for `operation` (e.g. `getPstnCalls`) with a message naming the values.
    pub fn new(operation: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            operation: operation.into(),
            message: message.into(),
        }
    }

    /// The operation whose argument was rejected (`getPstnCalls`, `list sessions`).
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// What was wrong, with the values.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ArgumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.message)
    }
}

impl std::error::Error for ArgumentError {}

/// 429, 503 and 504 are transient per the Graph throttling guidance.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 503 | 504)
}

fn display_http(
    status: &StatusCode,
    method: &str,
    url: &str,
    graph: &Option<Box<GraphError>>,
    request_id: &Option<String>,
    retries: &u32,
) -> String {
    let mut s = format!("{status} from {method} {url}");
    if let Some(g) = graph {
        s.push_str(&format!(": {}: {}", g.code, g.message));
    }
    let rid = request_id
        .as_deref()
        .or_else(|| graph.as_ref().and_then(|g| g.inner.request_id.as_deref()));
    match rid {
        Some(rid) => s.push_str(&format!(" (request-id {rid}, retried {retries} times)")),
        None => s.push_str(&format!(" (retried {retries} times)")),
    }
    s
}

fn display_auth(
    error: &str,
    aadsts: &Option<String>,
    description: &str,
    status: &Option<u16>,
) -> String {
    let mut s = String::from("authentication failed");
    if let Some(st) = status {
        s.push_str(&format!(" (HTTP {st})"));
    }
    s.push_str(&format!(": {error}"));
    // Entra descriptions usually start with the AADSTS code; do not repeat it.
    match aadsts {
        Some(code) if !description.starts_with(code.as_str()) => {
            s.push_str(&format!(": {code}: {description}"))
        }
        _ => s.push_str(&format!(": {description}")),
    }
    s
}

/// The `error` member of a Graph (OData v4 JSON) error body.
///
/// Like the generated models, each part of the body keeps the members it
/// does not declare (`additional_data`) and writes them back: serializing a
/// decoded error gives the body Graph sent (with `innerError` spelled that way).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct GraphError {
    /// Error code, e.g. `TooManyRequests`, `itemNotFound`. Branch on this, not on `message`.
    #[serde(default)]
    pub code: String,
    /// Developer-facing message (not localized, may change).
    #[serde(default)]
    pub message: String,
    /// Optional target of the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Optional details.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
    /// Diagnostics; Graph spells it `innerError` or `innererror`.
    #[serde(
        default,
        alias = "innererror",
        rename = "innerError",
        skip_serializing_if = "InnerError::is_empty"
    )]
    pub inner: InnerError,
    /// Members of `error` this type does not declare, as sent.
    #[serde(flatten)]
    pub additional_data: Map<String, Value>,
}

/// One entry of `error.details`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct ErrorDetail {
    /// Detail code.
    #[serde(default)]
    pub code: String,
    /// Detail message.
    #[serde(default)]
    pub message: String,
    /// Detail target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Members of the detail this type does not declare, as sent.
    #[serde(flatten)]
    pub additional_data: Map<String, Value>,
}

/// `error.innerError`: request identifiers and an optional more specific code.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InnerError {
    /// `request-id` of the failed request.
    #[serde(
        default,
        rename = "request-id",
        skip_serializing_if = "Option::is_none"
    )]
    pub request_id: Option<String>,
    /// `client-request-id` echoed back.
    #[serde(
        default,
        rename = "client-request-id",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_request_id: Option<String>,
    /// Server timestamp, kept verbatim (observed without an offset, e.g. `2020-08-18T12:51:51`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// More specific code, when present (e.g. `"429"` on throttling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// More specific message, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Nested inner error (the chain may go deeper).
    #[serde(
        default,
        alias = "innererror",
        rename = "innerError",
        skip_serializing_if = "Option::is_none"
    )]
    pub inner: Option<Box<InnerError>>,
    /// Members this type does not declare (`status`, `@odata.type`, ...), as sent.
    #[serde(flatten)]
    pub additional_data: Map<String, Value>,
}

impl InnerError {
    /// True when no member is set (the body had no `innerError`).
    pub fn is_empty(&self) -> bool {
        *self == InnerError::default()
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: GraphError,
}

/// Decode a Graph error body; `None` when the body is not one (HTML from a
/// proxy, empty body, ...). Lenient about field types it does not need.
pub fn parse_graph_error(body: &[u8]) -> Option<GraphError> {
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|b| b.error)
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// An error and its sources, joined, so "error sending request" shows why.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_body_from_the_docs_decodes() {
        let body = br#"{"error":{"code":"TooManyRequests","innerError":{"code":"429","date":"2020-08-18T12:51:51","message":"Please retry after","request-id":"94fb3b52-452a-4535-a601-69e0a90e3aa2","status":"429"},"message":"Please retry again later."}}"#;
        let g = parse_graph_error(body).expect("graph error");
        assert_eq!(g.code, "TooManyRequests");
        assert_eq!(g.message, "Please retry again later.");
        assert_eq!(
            g.inner.request_id.as_deref(),
            Some("94fb3b52-452a-4535-a601-69e0a90e3aa2")
        );
        assert_eq!(g.inner.date.as_deref(), Some("2020-08-18T12:51:51"));
        assert_eq!(g.inner.code.as_deref(), Some("429"));
    }

    /// Round trip of a body: decoded, written back, compared as JSON.
    fn written_back(body: &str) -> (GraphError, serde_json::Value) {
        let g = parse_graph_error(body.as_bytes()).expect("graph error");
        let back = serde_json::to_value(serde_json::json!({ "error": &g })).expect("serializes");
        (g, back)
    }

    #[test]
    fn undeclared_inner_error_members_are_kept_and_written_back() {
        // The throttling example of the Graph docs, plus `@odata.type` as the SDKs model it.
        let body = r##"{"error":{"code":"TooManyRequests","innerError":{"code":"429","date":"2020-08-18T12:51:51","message":"Please retry after","request-id":"94fb3b52-452a-4535-a601-69e0a90e3aa2","status":"429","@odata.type":"#microsoft.graph.innerError"},"message":"Please retry again later."}}"##;
        let (g, back) = written_back(body);
        assert_eq!(g.inner.additional_data["status"], "429");
        assert_eq!(
            g.inner.additional_data["@odata.type"],
            "#microsoft.graph.innerError"
        );
        assert_eq!(
            g.inner.additional_data.len(),
            2,
            "declared members are fields"
        );
        let sent: serde_json::Value = serde_json::from_str(body).expect("json");
        assert_eq!(back, sent);
    }

    #[test]
    fn every_part_of_an_error_body_round_trips() {
        // Undeclared members at each level: `error`, a detail, a nested innerError.
        let body = r#"{"error":{"code":"BadRequest","message":"Invalid filter clause","target":"$filter","details":[{"code":"syntax","message":"bad token","target":"startDateTime","position":17}],"innerError":{"request-id":"r1","client-request-id":"c1","date":"2021-07-02T01:40:19","innerError":{"code":"deeper","retryable":false}},"traceId":"t-1"}}"#;
        let (g, back) = written_back(body);
        assert_eq!(g.additional_data["traceId"], "t-1");
        assert_eq!(g.details[0].additional_data["position"], 17);
        let nested = g.inner.inner.as_deref().expect("nested innerError");
        assert_eq!(nested.additional_data["retryable"], false);
        let sent: serde_json::Value = serde_json::from_str(body).expect("json");
        assert_eq!(back, sent);
        // A minimal body writes back without invented members.
        let (_, back) = written_back(r#"{"error":{"code":"itemNotFound","message":"Not found"}}"#);
        assert_eq!(
            back,
            serde_json::json!({"error": {"code": "itemNotFound", "message": "Not found"}})
        );
    }

    #[test]
    fn lowercase_innererror_spelling_decodes() {
        let body = br#"{"error":{"code":"itemNotFound","message":"Not found","innererror":{"request-id":"r1","client-request-id":"c1","date":"2021-07-02T01:40:19","innererror":{"code":"deeper"}}}}"#;
        let g = parse_graph_error(body).expect("graph error");
        assert_eq!(g.inner.request_id.as_deref(), Some("r1"));
        assert_eq!(g.inner.client_request_id.as_deref(), Some("c1"));
        assert_eq!(
            g.inner.inner.as_ref().and_then(|i| i.code.as_deref()),
            Some("deeper")
        );
    }

    #[test]
    fn non_graph_bodies_are_none() {
        assert!(parse_graph_error(b"<html>bad gateway</html>").is_none());
        assert!(parse_graph_error(b"").is_none());
        assert!(parse_graph_error(br#"{"value":[]}"#).is_none());
    }

    #[test]
    fn http_error_display_is_actionable() {
        let e = Error::Http {
            status: StatusCode::TOO_MANY_REQUESTS,
            method: "GET".into(),
            url: "/v1.0/communications/callRecords".into(),
            graph: parse_graph_error(
                br#"{"error":{"code":"TooManyRequests","message":"Please retry again later.","innerError":{"request-id":"abc"}}}"#,
            )
            .map(Box::new),
            request_id: None,
            client_request_id: None,
            retry_after: None,
            retries: 5,
        };
        assert_eq!(
            e.to_string(),
            "429 Too Many Requests from GET /v1.0/communications/callRecords: TooManyRequests: Please retry again later. (request-id abc, retried 5 times)"
        );
        assert!(e.is_retryable());
        assert_eq!(e.status(), Some(StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(e.code(), Some("TooManyRequests"));
        assert_eq!(e.message(), Some("Please retry again later."));
        // No client-request-id sent, none echoed.
        assert_eq!(e.client_request_id(), None);
    }

    #[test]
    fn client_request_id_falls_back_to_the_echoed_one() {
        let with_sent = |sent: Option<&str>| {
            Error::Http {
            status: StatusCode::NOT_FOUND,
            method: "GET".into(),
            url: "/v1.0/x".into(),
            graph: parse_graph_error(
                br#"{"error":{"code":"itemNotFound","message":"m","innerError":{"client-request-id":"c9"}}}"#,
            )
            .map(Box::new),
            request_id: None,
            client_request_id: sent.map(str::to_owned),
            retry_after: None,
            retries: 0,
        }
        };
        assert_eq!(with_sent(None).client_request_id(), Some("c9"));
        assert_eq!(with_sent(Some("c1")).client_request_id(), Some("c1"));
    }

    #[test]
    fn argument_errors_name_the_operation_and_have_no_http_facts() {
        let e = Error::from(ArgumentError::new("getPstnCalls", "the range is reversed"));
        assert_eq!(e.to_string(), "getPstnCalls: the range is reversed");
        assert!(!e.is_retryable());
        assert_eq!((e.status(), e.code(), e.request_id()), (None, None, None));
    }

    #[test]
    fn auth_error_display_does_not_repeat_the_code() {
        let e = Error::Auth {
            error: "invalid_client".into(),
            aadsts: Some("AADSTS7000215".into()),
            description: "AADSTS7000215: Invalid client secret provided.".into(),
            status: Some(401),
            retry_after: None,
        };
        assert_eq!(
            e.to_string(),
            "authentication failed (HTTP 401): invalid_client: AADSTS7000215: Invalid client secret provided."
        );
        assert!(!e.is_retryable());
        assert_eq!(e.code(), Some("AADSTS7000215"));
    }
}
