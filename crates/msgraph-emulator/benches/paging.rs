//! Rows per second through a keep-alive HTTP/1.1 client that decodes every page into the
//! generated models: the emulator must not be the bottleneck of paging benchmarks.
// criterion_group! defines a `pub fn` that cannot carry a doc comment.
#![allow(missing_docs)]

use std::net::SocketAddr;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use msgraph_callrecords_models::callrecords::DirectRoutingLogRow;
use msgraph_emulator::{Emulator, EmulatorConfig};
use msgraph_odata::Page;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const PAGES: usize = 20;

/// GET `target` on an open keep-alive connection; returns the body.
async fn get(conn: &mut BufReader<TcpStream>, addr: SocketAddr, target: &str) -> Vec<u8> {
    let req = format!("GET {target} HTTP/1.1\r\nhost: {addr}\r\n\r\n");
    conn.get_mut()
        .write_all(req.as_bytes())
        .await
        .expect("write");
    let mut len = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        conn.read_line(&mut line).await.expect("read header");
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().expect("length");
            }
        }
    }
    let mut body = vec![0u8; len];
    conn.read_exact(&mut body).await.expect("body");
    body
}

fn paging(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let config = EmulatorConfig {
        log_rows_per_day: 200_000,
        ..EmulatorConfig::default()
    };
    let emu = rt.block_on(Emulator::start(config)).expect("start");
    let addr = emu.local_addr();
    let base = emu.base_url();
    let first = "/v1.0/communications/callRecords/getDirectRoutingCalls(fromDateTime=2026-11-01,toDateTime=2026-11-02)";
    let mut g = c.benchmark_group("paging");
    g.throughput(Throughput::Elements((PAGES * 1000) as u64));
    g.sample_size(10);
    g.bench_function("direct_routing_20_pages_typed", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut conn = BufReader::new(TcpStream::connect(addr).await.expect("connect"));
                let mut target = first.to_string();
                let mut rows = 0;
                for _ in 0..PAGES {
                    let body = get(&mut conn, addr, &target).await;
                    let page: Page<DirectRoutingLogRow> =
                        serde_json::from_slice(&body).expect("decode");
                    rows += page.value.len();
                    let next = page.next_link.expect("next link");
                    target = next.strip_prefix(&base).expect("same host").to_string();
                }
                rows
            })
        })
    });
    g.finish();
    drop(emu);
}

criterion_group!(benches, paging);
criterion_main!(benches);
