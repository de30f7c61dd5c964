//! Concurrency does not change the output: an export sending many requests
//! at once writes the same bytes as one sending one request at a time, for
//! the log windows, call records with their includes, and sessions. The
//! emulator's faults (429, 503) make some requests finish out of order.

mod common;

use callrecords_cli::export;
use common::export_args;

/// Export `kind` with `--concurrency n`; the output bytes and the row count.
async fn bytes_with(kind: &str, extra: &[&str], n: &str, dir: &std::path::Path) -> (Vec<u8>, u64) {
    let out = dir.join(format!("{kind}-{n}.ndjson"));
    let mut list = vec![
        kind,
        "--emulator",
        "-o",
        out.to_str().unwrap(),
        "--concurrency",
        n,
        "--emulator-throttle-every",
        "5",
        "--emulator-unavailable-every",
        "7",
    ];
    list.extend_from_slice(extra);
    let s = export(&export_args(&list)).await.unwrap();
    assert!(
        s.line.contains(" requests (") && s.line.contains("throttled (429)"),
        "the summary shows the requests: {}",
        s.line
    );
    (without_port(&std::fs::read(&out).unwrap()), s.rows)
}

/// The output with the emulator's port left out: each run has its own
/// emulator, and expanded records carry `@odata.context` URLs naming it.
fn without_port(bytes: &[u8]) -> Vec<u8> {
    const HOST: &[u8] = b"127.0.0.1:";
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(HOST) {
            out.extend_from_slice(HOST);
            i += HOST.len();
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

async fn same_bytes(kind: &str, extra: &[&str], rows: u64) {
    let dir = tempfile::tempdir().unwrap();
    let (one, n1) = bytes_with(kind, extra, "1", dir.path()).await;
    let (many, n16) = bytes_with(kind, extra, "16", dir.path()).await;
    assert_eq!((n1, n16), (rows, rows), "{kind}: rows");
    assert!(
        one == many,
        "{kind}: the concurrent export differs from the sequential one"
    );
}

#[tokio::test]
async fn concurrent_log_windows_write_the_bytes_of_a_sequential_export() {
    let extra = [
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-04",
        "--window",
        "6h",
        "--page-size",
        "40",
        "--emulator-rows-per-day",
        "400",
    ];
    same_bytes("pstn", &extra, 1200).await;
}

#[tokio::test]
async fn concurrent_call_records_with_includes_write_the_bytes_of_a_sequential_export() {
    let extra = [
        "--include",
        "sessions,participants",
        "--from",
        "2026-11-01T06:00",
        "--to",
        "2026-11-01T12:00",
        "--page-size",
        "7",
    ];
    same_bytes("call-records", &extra, 36).await;
}

#[tokio::test]
async fn concurrent_sessions_write_the_bytes_of_a_sequential_export() {
    let extra = [
        "--from",
        "2026-11-01T00:00",
        "--to",
        "2026-11-01T06:00",
        "--page-size",
        "7",
    ];
    same_bytes("sessions", &extra, 83).await;
}
