//! Responses as plain data (status, headers, bytes) and Graph-shaped error bodies.

use chrono::Utc;

use crate::json::{Obj, Opts};
use crate::time;

/// Graph's JSON content type.
pub const GRAPH_JSON: &str =
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// A finished response before it is put on the wire.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// Extra headers (request-id and client-request-id are added by the server).
    pub headers: Vec<(&'static str, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Log rows in the body (for statistics).
    pub rows: u64,
}

impl Reply {
    /// A `200` JSON reply.
    pub fn json(body: Vec<u8>) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type", GRAPH_JSON.to_string())],
            body,
            rows: 0,
        }
    }

    /// Add a header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// Ids echoed in error bodies.
#[derive(Debug, Clone, Default)]
pub struct RequestIds {
    /// The server-generated `request-id`.
    pub request_id: String,
    /// The caller's `client-request-id` (or the request id when absent).
    pub client_request_id: String,
}

/// A Graph error: `{"error":{"code","message","innerError":{date,request-id,client-request-id}}}`.
pub fn graph_error(status: u16, code: &str, message: &str, ids: &RequestIds) -> Reply {
    let mut body = Vec::with_capacity(256);
    Obj::write(&mut body, Opts::default(), |o| {
        o.obj("error", |o| {
            o.str("code", code);
            o.str("message", message);
            o.obj("innerError", |o| {
                if status == 429 {
                    o.str("code", "429");
                    o.str("message", "Please retry after");
                    o.str("status", "429");
                }
                o.str("date", &time::error_date(Utc::now()));
                o.str("request-id", &ids.request_id);
                o.str("client-request-id", &ids.client_request_id);
            });
        });
    });
    Reply {
        status,
        headers: vec![("content-type", GRAPH_JSON.to_string())],
        body,
        rows: 0,
    }
}

/// `400 BadRequest`.
pub fn bad_request(message: &str, ids: &RequestIds) -> Reply {
    graph_error(400, "BadRequest", message, ids)
}

/// `400 BadRequest` for a path segment Graph does not know.
pub fn segment_not_found(segment: &str, ids: &RequestIds) -> Reply {
    bad_request(
        &format!("Resource not found for the segment '{segment}'."),
        ids,
    )
}
