//! `GraphClient`: configuration, one request with retries, JSON decoding.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Method;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::auth::{TokenCache, TokenCredential};
use crate::cloud::default_scope_for;
use crate::error::{chain, parse_graph_error};
use crate::pager::Pager;
use crate::retry::retry_after_header;
use crate::security::{check_scheme, without_query};
use crate::{ApiVersion, Cloud, Error, Governor, RetryPolicy};

/// `User-Agent` (unless overridden) and `SdkVersion` header value.
pub const DEFAULT_USER_AGENT: &str = concat!("graph-callrecords-rs/", env!("CARGO_PKG_VERSION"));

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);

/// Per-request options: extra headers, `Prefer` values, a `client-request-id`, a timeout.
///
/// Build them by chaining (`RequestOptions::new().prefer("omit-values=nulls").timeout(d)`)
/// or set the public fields. The generated request builders of the SDK take them per request.
#[derive(Clone, Debug, Default)]
pub struct RequestOptions {
    /// `Prefer: odata.maxpagesize=N` (preferred page size; the service may send fewer).
    pub max_page_size: Option<u32>,
    /// Further preferences for the `Prefer` header, e.g. `"omit-values=nulls"`
    /// (`include-unknown-enum-members` is sent by default, see
    /// [`GraphClientBuilder::include_unknown_enum_members`]).
    pub prefer: Vec<String>,
    /// Extra request headers (e.g. `ConsistencyLevel: eventual`). `Authorization`,
    /// `Prefer` and `client-request-id` cannot be set here (the request fails with
    /// [`Error::Config`]): use the credential, [`RequestOptions::prefer`] and
    /// [`RequestOptions::client_request_id`].
    pub headers: HeaderMap,
    /// The `client-request-id` of every attempt of this request (by default each attempt
    /// gets a fresh UUID). It must be a valid header value.
    pub client_request_id: Option<String>,
    /// Timeout of each attempt of this request, body included, instead of the client's
    /// ([`GraphClientBuilder::timeout`]).
    pub timeout: Option<Duration>,
}

impl RequestOptions {
    /// No options: the client's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Options with `Prefer: odata.maxpagesize=n`.
    pub fn with_max_page_size(n: u32) -> Self {
        RequestOptions {
            max_page_size: Some(n),
            ..RequestOptions::default()
        }
    }

    /// `Prefer: odata.maxpagesize=n`.
    pub fn max_page_size(mut self, n: u32) -> Self {
        self.max_page_size = Some(n);
        self
    }

    /// One more `Prefer` preference, e.g. `"omit-values=nulls"`.
    pub fn prefer(mut self, preference: impl Into<String>) -> Self {
        self.prefer.push(preference.into());
        self
    }

    /// One more request header (appended; names are case-insensitive).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// `ConsistencyLevel: eventual`, which Graph's advanced directory queries ask for.
    pub fn consistency_level_eventual(self) -> Self {
        self.header(
            HeaderName::from_static("consistencylevel"),
            HeaderValue::from_static("eventual"),
        )
    }

    /// The `client-request-id` to send on every attempt (to correlate with your own logs).
    pub fn client_request_id(mut self, id: impl Into<String>) -> Self {
        self.client_request_id = Some(id.into());
        self
    }

    /// Timeout of each attempt, body included (the retry policy's total budget still applies).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// A Microsoft Graph client: cheap to clone (shares one connection pool,
/// token cache and configuration).
#[derive(Clone)]
pub struct GraphClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Shared by clients derived with [`GraphClient::with_api_version`].
    credential: Arc<TokenCache>,
    scopes: Vec<String>,
    /// Service root with version, e.g. `https://graph.microsoft.com/v1.0`.
    root: Url,
    api_version: ApiVersion,
    retry: RetryPolicy,
    include_unknown_enum_members: bool,
    max_response_bytes: usize,
    /// Rate governor every attempt goes through, if any.
    governor: Option<Governor>,
}

/// Builder of [`GraphClient`]; see [`GraphClient::builder`].
pub struct GraphClientBuilder {
    credential: Option<Arc<dyn TokenCredential>>,
    cloud: Cloud,
    api_version: ApiVersion,
    base_url: Option<Url>,
    allow_insecure_loopback: bool,
    retry: RetryPolicy,
    include_unknown_enum_members: bool,
    user_agent: Option<String>,
    timeout: Duration,
    max_response_bytes: usize,
    scopes: Option<Vec<String>>,
    governor: Option<Governor>,
}

impl GraphClient {
    /// Start configuring a client. Defaults: global cloud, v1.0, default
    /// retry policy, `Prefer: include-unknown-enum-members`, 100 s timeout.
    pub fn builder() -> GraphClientBuilder {
        GraphClientBuilder {
            credential: None,
            cloud: Cloud::Global,
            api_version: ApiVersion::V1,
            base_url: None,
            allow_insecure_loopback: false,
            retry: RetryPolicy::default(),
            include_unknown_enum_members: true,
            user_agent: None,
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            scopes: None,
            governor: None,
        }
    }

    /// The versioned service root, e.g. `https://graph.microsoft.com/v1.0`.
    pub fn base_url(&self) -> &Url {
        &self.inner.root
    }

    /// The API version of [`GraphClient::base_url`].
    pub fn api_version(&self) -> ApiVersion {
        self.inner.api_version
    }

    /// The same client (connection pool, token cache, policies) addressing another
    /// API version, e.g. `beta` operations from a `v1.0` client. Cheap: shares everything.
    pub fn with_api_version(&self, version: ApiVersion) -> GraphClient {
        if version == self.inner.api_version {
            return self.clone();
        }
        let mut root = self.inner.root.clone();
        let path = root.path().to_string();
        let service = path
            .strip_suffix(self.inner.api_version.path())
            .unwrap_or(&path)
            .trim_end_matches('/');
        root.set_path(&format!("{service}{}", version.path()));
        GraphClient {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                credential: Arc::clone(&self.inner.credential),
                scopes: self.inner.scopes.clone(),
                root,
                api_version: version,
                retry: self.inner.retry.clone(),
                include_unknown_enum_members: self.inner.include_unknown_enum_members,
                max_response_bytes: self.inner.max_response_bytes,
                governor: self.inner.governor.clone(),
            }),
        }
    }

    /// The rate governor every attempt goes through, if one was configured.
    pub fn governor(&self) -> Option<&Governor> {
        self.inner.governor.as_ref()
    }

    /// The retry policy applied to every GET.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// GET `path_and_query` (relative to the version root, starting with `/`,
    /// e.g. `/communications/callRecords?$top=5`) and decode the JSON body.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path_and_query: &str,
        opts: &RequestOptions,
    ) -> Result<T, Error> {
        let url = self.url_for(path_and_query)?;
        self.get_json_url(&url, opts).await
    }

    /// GET an absolute URL on the configured Graph host (see [`GraphClient::resolve`]) and
    /// decode the JSON body.
    pub async fn get_json_url<T: DeserializeOwned>(
        &self,
        url: &Url,
        opts: &RequestOptions,
    ) -> Result<T, Error> {
        let body = self.execute(Method::GET, url, opts).await?;
        decode(&body, url)
    }

    /// Page through a collection: `path_and_query` as for [`GraphClient::get_json`].
    pub fn pager<T>(&self, path_and_query: &str, opts: &RequestOptions) -> Pager<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        Pager::new(self.clone(), self.url_for(path_and_query), opts.clone())
    }

    /// Page on from a saved `@odata.nextLink` (a checkpoint, or a nested
    /// `sessions@odata.nextLink`). The link must be on the configured Graph host.
    pub fn pager_from_link<T>(
        &self,
        next_link: &str,
        opts: &RequestOptions,
    ) -> Result<Pager<T>, Error>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let url = self.resolve_link(next_link)?;
        Ok(Pager::new(self.clone(), Ok(url), opts.clone()))
    }

    /// Build the absolute URL of a path relative to the version root.
    pub fn url_for(&self, path_and_query: &str) -> Result<Url, Error> {
        if !path_and_query.starts_with('/') || path_and_query.starts_with("//") {
            return Err(Error::Config(format!(
                "request path {path_and_query:?} must start with a single '/' (relative to {})",
                self.inner.root
            )));
        }
        let text = format!("{}{}", self.inner.root.as_str(), path_and_query);
        let url = Url::parse(&text).map_err(|e| {
            Error::Config(format!(
                "request path {path_and_query:?} is not valid in a URL: {e}"
            ))
        })?;
        self.check_origin(&url)?;
        Ok(url)
    }

    /// The absolute URL of a path relative to the version root (starting with `/`, as for
    /// [`GraphClient::get_json`]) or of an absolute link on the configured Graph origin
    /// (a next link, a URL of another API version on the same host).
    ///
    /// # Errors
    /// [`Error::Config`] for text that is neither, [`Error::ForeignHost`] for a URL on another
    /// origin or with user info.
    pub fn resolve(&self, path_or_link: &str) -> Result<Url, Error> {
        if path_or_link.starts_with('/') {
            return self.url_for(path_or_link);
        }
        let url = Url::parse(path_or_link).map_err(|e| {
            Error::Config(format!(
                "{path_or_link:?} is neither a path starting with '/' nor an absolute URL: {e}"
            ))
        })?;
        self.check_origin(&url)?;
        Ok(url)
    }

    /// Parse an absolute link (next link) and check it stays on the Graph host.
    pub(crate) fn resolve_link(&self, link: &str) -> Result<Url, Error> {
        let url = Url::parse(link).map_err(|e| Error::Paging {
            message: format!("next link is not an absolute URL: {e}"),
            link: link.to_string(),
        })?;
        self.check_origin(&url)?;
        Ok(url)
    }

    /// The bearer token goes to the configured origin only (scheme, host, port).
    fn check_origin(&self, url: &Url) -> Result<(), Error> {
        let expected = self.inner.root.origin();
        if url.origin() != expected || !url.username().is_empty() || url.password().is_some() {
            return Err(Error::ForeignHost {
                url: without_query(url),
                expected: expected.ascii_serialization(),
            });
        }
        Ok(())
    }

    /// Send `method url`, retrying transient failures of GETs per the policy.
    pub(crate) async fn execute(
        &self,
        method: Method,
        url: &Url,
        opts: &RequestOptions,
    ) -> Result<Bytes, Error> {
        self.check_origin(url)?;
        let policy = &self.inner.retry;
        let idempotent = method == Method::GET;
        let mut started = Instant::now();
        let mut retries = 0u32;
        let mut token_refreshed = false;
        loop {
            let attempt = retries + 1;
            // A fresh id per attempt, as Graph's guidance asks, unless the caller chose one;
            // logged for support cases.
            let client_request_id = opts
                .client_request_id
                .clone()
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let span = tracing::info_span!(
                "graph_request",
                method = %method,
                path = %url.path(),
                attempt,
                client_request_id = %client_request_id,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            // A governed attempt first waits for its permit; that wait is not
            // part of the time budget (it is pacing, not a failing service).
            let permit = match &self.inner.governor {
                Some(g) => {
                    let asked = Instant::now();
                    let permit = g.acquire(url).await;
                    started += asked.elapsed();
                    Some(permit)
                }
                None => None,
            };
            // Each attempt gets only what is left of the total budget, so the last one
            // cannot overrun `max_total` by a whole per-request timeout.
            let remaining = policy.max_total.saturating_sub(started.elapsed());
            let result = match tokio::time::timeout(
                remaining,
                self.attempt(&method, url, opts, client_request_id)
                    .instrument(span),
            )
            .await
            {
                Ok(answer) => answer,
                Err(_) => Err(Error::Transport {
                    method: method.to_string(),
                    url: path_and_query(url),
                    message: format!(
                        "no answer within the total time budget of {:?} (RetryPolicy::max_total)",
                        policy.max_total
                    ),
                    timeout: true,
                    retries: 0,
                }),
            };
            if let Some(permit) = permit {
                permit.finish(result.as_ref().err());
            }
            let error = match result {
                Ok(body) => return Ok(body),
                Err(e) => e,
            };
            // A 401 may mean the cached token was revoked or the clocks disagree:
            // fetch a fresh token and try once more.
            let rejected_token = error.status() == Some(reqwest::StatusCode::UNAUTHORIZED)
                && matches!(error, Error::Http { .. })
                && !token_refreshed;
            if !idempotent || !(error.is_retryable() || rejected_token) {
                return Err(with_retries(error, retries));
            }
            let retry_after = if rejected_token {
                token_refreshed = true;
                self.inner.credential.invalidate();
                Some(Duration::ZERO)
            } else {
                // The server's `Retry-After` (Graph or the token endpoint).
                error.retry_after()
            };
            let Some(delay) = policy.next_delay(attempt, started.elapsed(), retry_after) else {
                tracing::warn!(
                    path = %url.path(),
                    attempt,
                    "giving up: retry attempts or time budget used up"
                );
                return Err(with_retries(error, retries));
            };
            tracing::warn!(
                path = %url.path(),
                attempt,
                delay_ms = delay.as_millis() as u64,
                error = %error,
                "retrying transient failure"
            );
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            retries += 1;
        }
    }

    /// One attempt; also returns the response's `Retry-After`, if any.
    async fn attempt(
        &self,
        method: &Method,
        url: &Url,
        opts: &RequestOptions,
        client_request_id: String,
    ) -> Result<Bytes, Error> {
        let began = Instant::now();
        let span = tracing::Span::current();
        let target = path_and_query(url);

        let headers = self.headers(opts, &client_request_id).await?;
        let transport = |e: reqwest::Error| Error::Transport {
            method: method.to_string(),
            url: target.clone(),
            message: chain(&e),
            timeout: e.is_timeout(),
            retries: 0,
        };
        let mut request = self
            .inner
            .http
            .request(method.clone(), url.clone())
            .headers(headers);
        if let Some(timeout) = opts.timeout {
            request = request.timeout(timeout);
        }
        let sent = request.send().await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                span.record("duration_ms", began.elapsed().as_millis() as u64);
                tracing::debug!(error = %chain(&e), "request failed");
                return Err(transport(e));
            }
        };
        let status = resp.status();
        span.record("status", status.as_u16());
        let request_id = header_str(resp.headers(), "request-id");
        let retry_after = retry_after_header(resp.headers());
        let limit = if status.is_success() {
            self.inner.max_response_bytes
        } else {
            ERROR_BODY_LIMIT
        };
        let body = read_body(resp, limit).await;
        span.record("duration_ms", began.elapsed().as_millis() as u64);
        if status.is_success() {
            return match body {
                Ok(Body::Complete(b)) => {
                    tracing::debug!(bytes = b.len(), "response");
                    Ok(b)
                }
                Ok(Body::Truncated(_)) => Err(Error::ResponseTooLarge {
                    method: method.to_string(),
                    url: target,
                    limit,
                }),
                Err(e) => {
                    tracing::debug!(error = %chain(&e), "response body read failed");
                    Err(transport(e))
                }
            };
        }
        // An error body only says what went wrong: its first 64 KiB do (none
        // of it when its declared length is already over).
        let body = match body {
            Ok(Body::Complete(b) | Body::Truncated(b)) => b,
            Err(_) => Bytes::new(),
        };
        let graph = parse_graph_error(&body);
        tracing::debug!(
            code = graph.as_ref().map(|g| g.code.as_str()).unwrap_or(""),
            request_id = request_id.as_deref().unwrap_or(""),
            "error response"
        );
        let error = Error::Http {
            status,
            method: method.to_string(),
            url: target,
            request_id: request_id
                .or_else(|| graph.as_ref().and_then(|g| g.inner.request_id.clone())),
            graph: graph.map(Box::new),
            client_request_id: Some(client_request_id),
            retry_after,
            retries: 0,
        };
        Err(error)
    }

    async fn headers(
        &self,
        opts: &RequestOptions,
        client_request_id: &str,
    ) -> Result<HeaderMap, Error> {
        let mut h = HeaderMap::new();
        for (name, value) in &opts.headers {
            if name == reqwest::header::AUTHORIZATION
                || name.as_str() == "prefer"
                || name.as_str() == "client-request-id"
            {
                return Err(Error::Config(format!(
                    "header {name} cannot be set in RequestOptions::headers (use the credential, the prefer field or the client_request_id field)"
                )));
            }
            h.append(name.clone(), value.clone());
        }
        let scopes: Vec<&str> = self.inner.scopes.iter().map(String::as_str).collect();
        let token = self.inner.credential.get_token(&scopes).await?;
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", token.secret.expose()))
            .map_err(|_| {
                crate::auth::auth_local(
                    "invalid_token",
                    "the access token contains characters not allowed in a header".into(),
                )
            })?;
        auth.set_sensitive(true);
        h.insert(reqwest::header::AUTHORIZATION, auth);
        h.insert(
            HeaderName::from_static("client-request-id"),
            HeaderValue::from_str(client_request_id).map_err(|_| {
                Error::Config(format!(
                    "client-request-id {client_request_id:?} is not a valid header value"
                ))
            })?,
        );
        h.insert(
            HeaderName::from_static("sdkversion"),
            HeaderValue::from_static(DEFAULT_USER_AGENT),
        );
        h.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let mut prefer: Vec<String> = Vec::new();
        if self.inner.include_unknown_enum_members {
            prefer.push("include-unknown-enum-members".into());
        }
        if let Some(n) = opts.max_page_size {
            prefer.push(format!("odata.maxpagesize={n}"));
        }
        prefer.extend(opts.prefer.iter().cloned());
        if !prefer.is_empty() {
            let v = HeaderValue::from_str(&prefer.join(", ")).map_err(|_| {
                Error::Config(format!("invalid Prefer value {:?}", prefer.join(", ")))
            })?;
            h.insert(HeaderName::from_static("prefer"), v);
        }
        Ok(h)
    }
}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClient")
            .field("base_url", &self.inner.root.as_str())
            .field("scopes", &self.inner.scopes)
            .field("retry", &self.inner.retry)
            .field(
                "include_unknown_enum_members",
                &self.inner.include_unknown_enum_members,
            )
            .field("credential", &"<redacted>")
            .finish()
    }
}

impl GraphClientBuilder {
    /// The credential that supplies bearer tokens (required).
    pub fn credential(self, credential: impl TokenCredential + 'static) -> Self {
        self.credential_arc(Arc::new(credential))
    }

    /// A shared credential (required unless [`GraphClientBuilder::credential`] is used).
    pub fn credential_arc(mut self, credential: Arc<dyn TokenCredential>) -> Self {
        self.credential = Some(credential);
        self
    }

    /// National cloud (Graph host and default scope). Default: [`Cloud::Global`].
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// `v1.0` (default) or `beta`.
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = version;
        self
    }

    /// A custom service root instead of the cloud's Graph host (e.g. an emulator
    /// at `http://127.0.0.1:PORT`); the version segment is appended.
    pub fn base_url(mut self, url: Url) -> Self {
        self.base_url = Some(url);
        self
    }

    /// Allow `http` for loopback hosts (127.0.0.0/8, ::1, localhost). Off by default.
    pub fn allow_insecure_loopback(mut self, allow: bool) -> Self {
        self.allow_insecure_loopback = allow;
        self
    }

    /// Retry policy for every GET (and every page).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Send `Prefer: include-unknown-enum-members` (default true).
    pub fn include_unknown_enum_members(mut self, include: bool) -> Self {
        self.include_unknown_enum_members = include;
        self
    }

    /// Override the `User-Agent` header (default `graph-callrecords-rs/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Timeout of one attempt, body included (default 100 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Largest response body accepted, in bytes (default 256 MiB; a page of
    /// 1000 call records with expanded sessions is a few MiB). A larger
    /// body fails with [`Error::ResponseTooLarge`] instead of filling memory.
    /// Error bodies are read up to 64 KiB whatever this says.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Send every attempt (retries included) through a rate [`Governor`]:
    /// bounded concurrency and the documented limits per scope. Clone one
    /// governor into several clients to share its budgets. Default: none.
    pub fn governor(mut self, governor: Governor) -> Self {
        self.governor = Some(governor);
        self
    }

    /// Override the token scopes (default `{graph host}/.default`).
    pub fn scopes(mut self, scopes: Vec<String>) -> Self {
        self.scopes = Some(scopes);
        self
    }

    /// Check the configuration and build the client.
    pub fn build(self) -> Result<GraphClient, Error> {
        let credential = self.credential.ok_or_else(|| {
            Error::Config("no credential: call GraphClientBuilder::credential(...)".into())
        })?;
        let service = self.base_url.unwrap_or_else(|| self.cloud.graph_host());
        check_scheme(&service, self.allow_insecure_loopback, "Graph base URL")?;
        if service.query().is_some()
            || service.fragment().is_some()
            || !service.username().is_empty()
            || service.password().is_some()
        {
            return Err(Error::Config(format!(
                "Graph base URL {} must not carry credentials, a query or a fragment",
                without_query(&service)
            )));
        }
        let root_text = format!(
            "{}{}",
            service.as_str().trim_end_matches('/'),
            self.api_version.path()
        );
        let root = Url::parse(&root_text)
            .map_err(|e| Error::Config(format!("bad Graph base URL {root_text}: {e}")))?;
        let scopes = self
            .scopes
            .unwrap_or_else(|| vec![default_scope_for(&service)]);
        if self.retry.max_attempts == 0 {
            return Err(Error::Config(
                "retry policy max_attempts must be at least 1".into(),
            ));
        }
        let ua = self
            .user_agent
            .unwrap_or_else(|| DEFAULT_USER_AGENT.to_string());
        let ua = HeaderValue::from_str(&ua)
            .map_err(|_| Error::Config(format!("invalid User-Agent {ua:?}")))?;
        let http = reqwest::Client::builder()
            // Redirects could carry the request (and our headers) elsewhere: never follow.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .connect_timeout(self.timeout.min(Duration::from_secs(30)))
            .user_agent(ua)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {}", chain(&e))))?;
        Ok(GraphClient {
            inner: Arc::new(Inner {
                http,
                credential: Arc::new(TokenCache::from_arc(credential)),
                scopes,
                root,
                api_version: self.api_version,
                retry: self.retry,
                include_unknown_enum_members: self.include_unknown_enum_members,
                max_response_bytes: self.max_response_bytes,
                governor: self.governor,
            }),
        })
    }
}

impl fmt::Debug for GraphClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClientBuilder")
            .field("cloud", &self.cloud)
            .field("api_version", &self.api_version)
            .field("base_url", &self.base_url.as_ref().map(Url::as_str))
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

fn with_retries(mut error: Error, n: u32) -> Error {
    match &mut error {
        Error::Http { retries, .. } | Error::Transport { retries, .. } => *retries = n,
        _ => {}
    }
    error
}

fn header_str(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// `/v1.0/...?query` of a URL: what errors and logs show.
pub(crate) fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// Error bodies are read up to this many bytes (a Graph error is well under 1 KiB).
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Default of [`GraphClientBuilder::max_response_bytes`].
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

/// A response body read up to a limit.
pub(crate) enum Body {
    /// The whole body.
    Complete(Bytes),
    /// The first `limit` bytes of a longer body (the rest was not read);
    /// empty when the declared `Content-Length` was already over the limit.
    Truncated(Bytes),
}

/// Reads at most `limit` bytes of a body. A declared `Content-Length` over
/// the limit is refused before reading anything.
pub(crate) async fn read_body(
    mut resp: reqwest::Response,
    limit: usize,
) -> Result<Body, reqwest::Error> {
    let declared = resp.content_length().unwrap_or(0);
    if declared > limit as u64 {
        return Ok(Body::Truncated(Bytes::new()));
    }
    let mut buf = Vec::with_capacity(declared as usize);
    while let Some(chunk) = resp.chunk().await? {
        let room = limit - buf.len();
        if chunk.len() > room {
            buf.extend_from_slice(&chunk[..room]);
            return Ok(Body::Truncated(Bytes::from(buf)));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Body::Complete(Bytes::from(buf)))
}

/// Decode JSON, naming the path of the offending value on failure.
///
/// The fast path is plain `serde_json` (path tracking costs about a third of the
/// decode time on large pages); only a body that fails is decoded again with
/// `serde_path_to_error` to find the path, which yields the same error.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8], url: &Url) -> Result<T, Error> {
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    decode_with_path(body, url)
}

/// The slow path of [`decode`]: track the path of the value being decoded.
fn decode_with_path<T: DeserializeOwned>(body: &[u8], url: &Url) -> Result<T, Error> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut *de).map_err(|e| Error::Decode {
        path: e.path().to_string(),
        message: e.inner().to_string(),
        url: path_and_query(url),
    })?;
    de.end().map_err(|e| Error::Decode {
        path: ".".into(),
        message: e.to_string(),
        url: path_and_query(url),
    })?;
    Ok(value)
}
