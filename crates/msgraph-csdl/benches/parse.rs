//! `cargo bench -p msgraph-csdl --bench parse`: time to `load` (parse +
//! resolve) the real Graph v1.0 document against a bare quick-xml event scan
//! of the same bytes, their ratio, and whether it meets the target
//! (load within [`TARGET`] times the scan). Skips when the document is absent.
//!
//! `load` reads a document this large with two threads when the machine has
//! two cores ([`Threads::Auto`]); the same figures on one thread
//! ([`Threads::One`]) are printed beside them: the scan is one thread's work.
//!
//! The ratio of record is the median over [`PAIRED_ROUNDS`] rounds of
//! load/scan measured back to back: both sides of each ratio see the same
//! machine load, which keeps it steady on a shared machine (where separate
//! medians, and even minimums, drift apart between runs). The ratios of the
//! separate minimums and medians are printed too.
//! `CSDL_BENCH_ONLY=load|load1|parse|parse1|scan` runs one kind of work
//! only, for profilers (`CSDL_BENCH_N` rounds; `1`: on one thread); `CSDL_BENCH_ONLY=dump` writes the
//! loaded document's Debug form to `CSDL_BENCH_DUMP_TO` (to check that a
//! parser change keeps the model).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use msgraph_csdl::Threads;
use quick_xml::events::Event;
use quick_xml::Reader;

const ROUNDS: usize = 41;
/// Rounds of the paired load/scan ratio.
const PAIRED_ROUNDS: usize = 51;
/// The goal: load within this many times the bare scan.
const TARGET: f64 = 3.0;

/// The package directory as cargo gives it when running this (not as it was
/// at compile time: a build dir may be shared between checkouts).
fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string())
}

/// Counts the events of a bare quick-xml scan (the floor any reader pays).
fn bare_scan(text: &str) -> usize {
    let mut reader = Reader::from_str(text);
    let mut events = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(_) => events += 1,
            Err(e) => panic!("scan failed: {e}"),
        }
    }
    events
}

/// Median and minimum of `ROUNDS` runs of `f` (after one warm-up run).
/// Each result is freed after its timer stops, so freeing is not timed.
fn time<T>(mut f: impl FnMut() -> T) -> (Duration, Duration) {
    drop(black_box(f()));
    let mut runs: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            let out = f();
            let d = t.elapsed();
            drop(black_box(out));
            d
        })
        .collect();
    runs.sort();
    (runs[ROUNDS / 2], runs[0])
}

/// The ratios (load time / scan time) of rounds measured back to back, so
/// that both sides of each ratio see the same machine load: their median,
/// and the 10th and 90th percentiles (how much the machine moved them).
struct Paired {
    median: f64,
    p10: f64,
    p90: f64,
}

fn paired_ratio(text: &str, bytes: &[u8], threads: Threads) -> Paired {
    let mut ratios: Vec<f64> = (0..PAIRED_ROUNDS)
        .map(|_| {
            let t = Instant::now();
            black_box(bare_scan(black_box(text)));
            let scan = t.elapsed();
            let t = Instant::now();
            let doc = msgraph_csdl::load_with(black_box(bytes), "v1.0", threads).expect("loads");
            let load = t.elapsed();
            drop(black_box(doc));
            load.as_secs_f64() / scan.as_secs_f64()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    Paired {
        median: ratios[PAIRED_ROUNDS / 2],
        p10: ratios[PAIRED_ROUNDS / 10],
        p90: ratios[PAIRED_ROUNDS * 9 / 10],
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let path = PathBuf::from(manifest_dir())
        .join("../../../shared/upstream-metadata/graph-v1.0-metadata.xml");
    let Ok(bytes) = std::fs::read(&path) else {
        println!("skipping: {} not found", path.display());
        return;
    };
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes))
        .expect("the document is UTF-8");
    let events = bare_scan(text);

    let only = std::env::var("CSDL_BENCH_ONLY").unwrap_or_default();
    // For profilers: nothing but one kind of work.
    if only == "dump" {
        let doc = msgraph_csdl::load(&bytes, "v1.0").expect("loads");
        let to = std::env::var("CSDL_BENCH_DUMP_TO").expect("CSDL_BENCH_DUMP_TO is set");
        std::fs::write(to, format!("{doc:#?}")).expect("dump written");
        return;
    }
    match only.as_str() {
        "load" | "load1" | "parse" | "parse1" | "scan" => {
            let n: usize = std::env::var("CSDL_BENCH_N")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(ROUNDS * 4);
            for _ in 0..n {
                let one = Threads::One;
                match only.as_str() {
                    "load" => drop(black_box(msgraph_csdl::load(&bytes, "v1.0"))),
                    "load1" => drop(black_box(msgraph_csdl::load_with(&bytes, "v1.0", one))),
                    "parse" => drop(black_box(msgraph_csdl::parse(&bytes, "v1.0"))),
                    "parse1" => drop(black_box(msgraph_csdl::parse_with(&bytes, "v1.0", one))),
                    _ => drop(black_box(bare_scan(text))),
                }
            }
            return;
        }
        _ => {}
    }
    let (scan_med, scan_min) = time(|| bare_scan(black_box(text)));
    let parse_on = |threads| {
        time(|| msgraph_csdl::parse_with(black_box(&bytes), "v1.0", threads).expect("parses"))
    };
    let load_on = |threads| {
        time(|| msgraph_csdl::load_with(black_box(&bytes), "v1.0", threads).expect("loads"))
    };
    let (parse_med, parse_min) = parse_on(Threads::Auto);
    let (parse1_med, parse1_min) = parse_on(Threads::One);
    let (load_med, load_min) = load_on(Threads::Auto);
    let (load1_med, load1_min) = load_on(Threads::One);
    let doc = msgraph_csdl::load(&bytes, "v1.0").expect("loads");
    // Resolution alone (on fresh parses; parse and free untimed).
    let mut resolve_runs: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let mut d = msgraph_csdl::parse(&bytes, "v1.0").expect("parses");
            let t = Instant::now();
            black_box(msgraph_csdl::resolve(&mut d).expect("resolves"));
            let e = t.elapsed();
            drop(black_box(d));
            e
        })
        .collect();
    resolve_runs.sort();
    let (resolve_med, resolve_min) = (resolve_runs[ROUNDS / 2], resolve_runs[0]);
    let (closure_med, _) =
        time(|| msgraph_csdl::closure(&doc, "microsoft.graph.callRecords").expect("closure"));
    let paired = paired_ratio(text, &bytes, Threads::Auto);
    let paired1 = paired_ratio(text, &bytes, Threads::One);

    println!(
        "graph v1.0 metadata: {:.1} MiB, {events} events, {ROUNDS} rounds (median / min)",
        bytes.len() as f64 / (1024.0 * 1024.0)
    );
    let row = |what: &str, (med, min): (Duration, Duration)| {
        println!("{what:<28}: {:8.2} ms / {:8.2} ms", ms(med), ms(min));
    };
    row("bare quick-xml scan", (scan_med, scan_min));
    row("parse", (parse_med, parse_min));
    row("parse, one thread", (parse1_med, parse1_min));
    row("load (parse+resolve)", (load_med, load_min));
    row("load, one thread", (load1_med, load1_min));
    row("resolve alone", (resolve_med, resolve_min));
    println!("{:<28}: {:8.2} ms", "closure(callRecords)", ms(closure_med));
    let ratios = |what: &str, paired: &Paired, min: Duration, med: Duration| {
        println!(
            "{what:<28}: {:8.2}x (median of {PAIRED_ROUNDS} paired rounds, p10-p90 {:.2}x-{:.2}x); {:.2}x (mins), {:.2}x (medians)",
            paired.median,
            paired.p10,
            paired.p90,
            min.as_secs_f64() / scan_min.as_secs_f64(),
            med.as_secs_f64() / scan_med.as_secs_f64(),
        );
    };
    ratios("load / bare scan", &paired, load_min, load_med);
    ratios("load, one thread / scan", &paired1, load1_min, load1_med);
    let verdict = if paired.median <= TARGET {
        "met (yes)"
    } else {
        "NOT met (no)"
    };
    println!("target load <= {TARGET}x scan: {verdict}");
}
