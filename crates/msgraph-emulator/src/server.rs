//! The HTTP/1 server: accept loop, per-request fault injection, lifetime and shutdown.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use futures::StreamExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use crate::config::{EmulatorConfig, FaultKind};
use crate::handlers::{handle_graph, GraphRequest};
use crate::ids::{self, tag};
use crate::query::Prefer;
use crate::realism::{self, Limiter};
use crate::reply::{graph_error, Reply, RequestIds};
use crate::stats::{bump, Counters, Stats};
use crate::token::handle_token;

/// Largest request body read (token requests only).
const MAX_BODY: usize = 64 * 1024;
/// How long a graceful shutdown waits for open connections.
const DRAIN: Duration = Duration::from_secs(1);
/// Tag of the latency draws (see [`ids::hash`]).
const LATENCY_TAG: u64 = 0x1A7E;
/// Pause between the half body and the abort, so the half reaches the client.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(20);

struct State {
    config: EmulatorConfig,
    base_url: String,
    counters: Counters,
    limiter: Limiter,
    stop: watch::Sender<bool>,
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    addr: SocketAddr,
    state: Arc<State>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// The error a service returns to make hyper drop the connection without a response.
#[derive(Debug)]
struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for ResetConnection {}

impl Emulator {
    /// Bind `127.0.0.1:{config.port}` and start serving on the current tokio runtime
    /// (must be called from inside one; any flavour works). Fails only if the port
    /// cannot be bound.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let (stop, _) = watch::channel(false);
        let state = Arc::new(State {
            base_url: format!("http://{addr}"),
            config,
            counters: Counters::default(),
            limiter: Limiter::default(),
            stop,
        });
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&state)));
        Ok(Emulator {
            addr,
            state,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT` (Graph paths are under `/v1.0/...` and `/beta/...`).
    pub fn base_url(&self) -> String {
        self.state.base_url.clone()
    }

    /// Graph root for a version, e.g. `http://127.0.0.1:PORT/v1.0`.
    pub fn graph_url(&self, version: crate::ApiVersion) -> String {
        format!("{}/{}", self.state.base_url, version.segment())
    }

    /// The authority host; the token endpoint is `{authority}/{tenant}/oauth2/v2.0/token`.
    pub fn authority_url(&self) -> String {
        self.state.base_url.clone()
    }

    /// The token endpoint for a tenant.
    pub fn token_url(&self, tenant: &str) -> String {
        format!("{}/{tenant}/oauth2/v2.0/token", self.state.base_url)
    }

    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configuration the emulator runs with.
    pub fn config(&self) -> &EmulatorConfig {
        &self.state.config
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.state.counters.snapshot()
    }

    /// Whether the server still accepts connections.
    pub fn is_running(&self) -> bool {
        self.task.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Wait until the server stops by itself (lifetime, `max_requests`) or is stopped.
    pub async fn stopped(&mut self) {
        if let Some(task) = self.task.as_mut() {
            let _ = task.await;
            self.task = None;
        }
    }

    /// Stop accepting, let open requests finish (at most one second), then return.
    pub async fn shutdown(mut self) {
        self.state.stop.send_replace(true);
        self.stopped().await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.state.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    let mut stop = state.stop.subscribe();
    let lifetime = tokio::time::sleep(state.config.max_lifetime);
    tokio::pin!(lifetime);
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop_signal(&mut stop) => break,
            _ = &mut lifetime => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                conns.spawn(serve_connection(stream, Arc::clone(&state)));
            }
        }
    }
    drop(listener);
    state.stop.send_replace(true);
    // Connections got the stop signal; give them a moment, then drop the rest.
    let _ = tokio::time::timeout(DRAIN, async { while conns.join_next().await.is_some() {} }).await;
    conns.abort_all();
}

async fn serve_connection(stream: tokio::net::TcpStream, state: Arc<State>) {
    let mut stop = state.stop.subscribe();
    let svc_state = Arc::clone(&state);
    let service = service_fn(move |req| {
        let state = Arc::clone(&svc_state);
        async move { handle(state, req).await }
    });
    let conn = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stop_signal(&mut stop) => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// Resolves once the stop flag is set (the watch guard is not held across awaits).
async fn stop_signal(rx: &mut watch::Receiver<bool>) {
    // An error means the sender is gone (emulator dropped): stop as well.
    let _ = rx.wait_for(|s| *s).await;
}

fn is_token_path(path: &str) -> bool {
    path.ends_with("/oauth2/v2.0/token")
}

async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Body>, ResetConnection> {
    let c = &state.counters;
    let config = &state.config;
    let n_all = bump(&c.requests);
    if let Some(max) = config.max_requests {
        if n_all >= max {
            state.stop.send_replace(true);
        }
        if n_all > max {
            return Err(ResetConnection);
        }
    }
    let path = req.uri().path().to_string();
    let token = is_token_path(&path);
    if token {
        bump(&c.token_requests);
    } else {
        bump(&c.graph_requests);
    }
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let request_id = ids::uuid(config.seed, tag::REQUEST, n_all, 0);
    let ids = RequestIds {
        client_request_id: header("client-request-id").unwrap_or_else(|| request_id.clone()),
        request_id,
    };

    let (fault, delay) = if !token || config.faults.count_token_requests {
        let n = bump(&c.fault_sequence);
        (config.faults.fault_for(n), config.faults.delay_for(n))
    } else {
        (None, None)
    };
    if let Some(d) = delay {
        bump(&c.delayed);
        tokio::time::sleep(d).await;
    }
    if fault.is_some() {
        bump(&c.faults_injected);
    }
    let retry_after = &config.faults.retry_after;
    let fault_reply = match fault {
        Some(FaultKind::Reset) => {
            bump(&c.resets);
            return Err(ResetConnection);
        }
        Some(FaultKind::Throttle) => {
            bump(&c.throttled);
            let r = graph_error(429, "TooManyRequests", "Please retry again later.", &ids);
            Some(with_retry_after(r, retry_after))
        }
        Some(FaultKind::Unavailable) => {
            bump(&c.unavailable);
            let r = graph_error(
                503,
                "ServiceUnavailable",
                "The service is temporarily unavailable. Please retry later.",
                &ids,
            );
            Some(with_retry_after(r, retry_after))
        }
        Some(FaultKind::GatewayTimeout) => {
            bump(&c.gateway_timeouts);
            Some(graph_error(
                504,
                "GatewayTimeout",
                "The upstream service did not respond in time.",
                &ids,
            ))
        }
        Some(FaultKind::Truncate) | None => None,
    };

    // Realism: count the request against its scopes, then wait its latency.
    let (limited, latency) = match (&config.realism, token, &fault_reply) {
        (Some(r), false, None) => {
            let class = realism::classify(&path, req.uri().query());
            let app = header("authorization").unwrap_or_default();
            let wait = state
                .limiter
                .admit(&r.limits, &class, &app, tokio::time::Instant::now());
            let h = ids::hash(config.seed, LATENCY_TAG, n_all, 0);
            (wait, Some(r.latency.sample(class.class, wait.is_some(), h)))
        }
        _ => (None, None),
    };
    if let Some(d) = latency.filter(|d| !d.is_zero()) {
        tokio::time::sleep(d).await;
    }
    let fault_reply = match limited {
        Some(wait) => {
            bump(&c.throttled);
            bump(&c.limited);
            let r = graph_error(429, "TooManyRequests", "Please retry again later.", &ids);
            Some(r.header("retry-after", realism::retry_after_value(wait)))
        }
        None => fault_reply,
    };
    let reply = match fault_reply {
        Some(r) => r,
        None if token => {
            if req.method() != Method::POST {
                graph_error(
                    405,
                    "MethodNotAllowed",
                    "The token endpoint accepts POST only.",
                    &ids,
                )
            } else {
                let issued = c.token_requests.load(Ordering::Relaxed);
                match axum::body::to_bytes(Body::new(req.into_body()), MAX_BODY).await {
                    Ok(body) => handle_token(config, &body, &ids.request_id, issued),
                    Err(_) => graph_error(
                        413,
                        "RequestTooLarge",
                        "The request body is too large.",
                        &ids,
                    ),
                }
            }
        }
        None => graph_reply(&state, &req, &ids),
    };
    if reply.status == 401 {
        bump(&c.unauthorized);
    } else if (400..500).contains(&reply.status) && fault.is_none() && limited.is_none() {
        bump(&c.client_errors);
    }
    if reply.status == 200 {
        c.rows_served.fetch_add(reply.rows, Ordering::Relaxed);
    }
    let truncate = fault == Some(FaultKind::Truncate);
    if truncate {
        bump(&c.truncated);
    }
    Ok(to_response(reply, &ids, truncate))
}

fn with_retry_after(r: Reply, retry_after: &str) -> Reply {
    if retry_after.is_empty() {
        r
    } else {
        r.header("retry-after", retry_after)
    }
}

fn graph_reply(state: &State, req: &Request<Incoming>, ids: &RequestIds) -> Reply {
    if req.method() != Method::GET {
        return graph_error(
            405,
            "MethodNotAllowed",
            &format!(
                "The HTTP method '{}' is not allowed on this resource; call records are read-only.",
                req.method()
            ),
            ids,
        );
    }
    if let Some(want) = &state.config.expected_token {
        let auth = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        let message = match auth {
            None => Some("Access token is empty."),
            Some(a) => match a.split_once(' ') {
                Some((scheme, tok)) if scheme.eq_ignore_ascii_case("bearer") && tok == want => None,
                _ => Some("Access token validation failure. Invalid audience."),
            },
        };
        if let Some(m) = message {
            return graph_error(401, "InvalidAuthenticationToken", m, ids)
                .header("www-authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\"");
        }
    }
    let prefer = Prefer::parse(
        req.headers()
            .get_all("prefer")
            .iter()
            .filter_map(|v| v.to_str().ok()),
    );
    handle_graph(&GraphRequest {
        config: &state.config,
        base_url: &state.base_url,
        path: req.uri().path(),
        query: req.uri().query(),
        prefer,
        ids,
    })
}

fn to_response(reply: Reply, ids: &RequestIds, truncate: bool) -> Response<Body> {
    let len = reply.body.len();
    let body = if truncate {
        // Announce the full length, send half, pause so hyper flushes it, then fail
        // the body: hyper aborts the connection and the client sees a short read.
        let half = Bytes::from(reply.body).slice(..len / 2);
        let first = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(half) });
        let fail = futures::stream::once(async {
            tokio::time::sleep(TRUNCATE_PAUSE).await;
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "truncated by fault injection",
            ))
        });
        Body::from_stream(first.chain(fail))
    } else {
        Body::from(reply.body)
    };
    let mut builder = Response::builder()
        .status(reply.status)
        .header("request-id", &ids.request_id)
        .header("client-request-id", &ids.client_request_id)
        .header("content-length", len);
    for (k, v) in &reply.headers {
        builder = builder.header(*k, v.as_str());
    }
    builder.body(body).unwrap_or_else(|_| {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}
