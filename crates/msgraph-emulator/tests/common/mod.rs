//! A tiny raw HTTP/1.1 client for the emulator tests: it shows truncation and
//! resets exactly as they happen on the wire.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Upper bound for any single exchange in tests.
pub const IO_LIMIT: Duration = Duration::from_secs(10);

/// A response as read from the socket.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Declared Content-Length, if any.
    pub content_length: Option<usize>,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn complete(&self) -> bool {
        self.content_length == Some(self.body.len())
    }
}

/// What came back: a response, or the connection closed before any byte.
#[derive(Debug)]
pub enum Outcome {
    Response(Raw),
    Closed,
}

/// Send one request on a fresh connection and read until the server closes it.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Outcome {
    tokio::time::timeout(IO_LIMIT, send_inner(addr, method, target, headers, body))
        .await
        .expect("request timed out")
}

async fn send_inner(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Outcome {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let mut req = format!("{method} {target} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() {
        req.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).await.expect("write");
    s.write_all(body).await.expect("write body");
    let mut buf = Vec::new();
    // A reset may surface as an error; keep what was read.
    let mut chunk = [0u8; 65536];
    loop {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    if buf.is_empty() {
        return Outcome::Closed;
    }
    let text_end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&buf[..text_end]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let content_length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok());
    Outcome::Response(Raw {
        status,
        headers,
        body: buf[text_end + 4..].to_vec(),
        content_length,
    })
}

/// GET that must produce a response.
pub async fn get(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> Raw {
    match send(addr, "GET", target, headers, b"").await {
        Outcome::Response(r) => r,
        Outcome::Closed => panic!("connection closed without a response for {target}"),
    }
}

/// Strip scheme and authority from an absolute next link.
pub fn path_of(link: &str) -> String {
    let rest = link.strip_prefix("http://").expect("http link");
    rest[rest.find('/').expect("path")..].to_string()
}

/// Follow `@odata.nextLink` from `first`, at most `max_pages` pages; returns the pages' JSON.
pub async fn pages(
    addr: SocketAddr,
    first: &str,
    headers: &[(&str, &str)],
    max_pages: usize,
) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut target = Some(first.to_string());
    while let Some(t) = target.take() {
        assert!(out.len() < max_pages, "more than {max_pages} pages");
        let r = get(addr, &t, headers).await;
        assert_eq!(r.status, 200, "{t}: {}", String::from_utf8_lossy(&r.body));
        let v = r.json();
        target = v["@odata.nextLink"].as_str().map(path_of);
        out.push(v);
    }
    out
}
