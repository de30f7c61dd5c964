//! The `msgraph-emulator` binary prints its base URL, serves, and stops after its lifetime.

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test]
async fn binary_serves_then_stops_by_itself() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_msgraph-emulator"))
        .args(["--seed", "7", "--lifetime-secs", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    let base = line.trim().to_string();
    let addr: SocketAddr = base
        .strip_prefix("http://")
        .expect("http base URL")
        .parse()
        .expect("addr");
    assert!(addr.ip().is_loopback());
    let r = common::get(addr, "/v1.0/communications/callRecords?$top=1", &[]).await;
    assert_eq!(r.status, 200);
    assert!(r.json()["@odata.nextLink"]
        .as_str()
        .unwrap()
        .starts_with(&base));

    // Bounded wait for the lifetime to end; kill as a last resort so nothing leaks.
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        status.is_some_and(|s| s.success()),
        "binary did not stop by itself"
    );
}
