//! Throughput against the realistic emulator (Graph-like latency, documented limits):
//! a bench binary that prints figures (`cargo bench -p msgraph-callrecords --bench throughput`).
//!
//! 1. One day of call records with sessions and segments: governed concurrent
//!    `list_and_fetch` over the whole day vs sequential list + get on a sample, scaled.
//! 2. 30 days of getPstnCalls at 20,000 rows/day: governed concurrent day windows vs
//!    sequential windows on a one-day sample, scaled.
//!
//! For each: wall time, requests the service saw and their rate against the documented
//! limit (overall and per complete limit window), share answered 429, rows lost and
//! duplicated, and resident memory along the way. `BENCH_QUICK=1` runs a small version.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use msgraph_callrecords::concurrent::{self, Concurrency, WindowConcurrency};
use msgraph_callrecords::models::callrecords::PstnCallLogRow;
use msgraph_callrecords::runtime::{Governor, StaticTokenCredential};
use msgraph_callrecords::v1::CallRecordExpand;
use msgraph_callrecords::{Client, GraphClient};
use msgraph_emulator::{data, Emulator, EmulatorConfig};

const RECORDS_APP_LIMIT: f64 = 1500.0;
const RECORDS_WINDOW: f64 = 20.0;
const LOGS_APP_LIMIT: f64 = 200.0;
const LOGS_WINDOW: f64 = 60.0;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

struct Scale {
    records: usize,
    record_sample: usize,
    days: i64,
    rows_per_day: u32,
}

async fn run() {
    let quick = std::env::var_os("BENCH_QUICK").is_some();
    let scale = if quick {
        Scale {
            records: 600,
            record_sample: 20,
            days: 3,
            rows_per_day: 2000,
        }
    } else {
        Scale {
            records: 5000,
            record_sample: 60,
            days: 30,
            rows_per_day: 20_000,
        }
    };
    let config = EmulatorConfig {
        log_rows_per_day: scale.rows_per_day,
        max_lifetime: Duration::from_secs(1800),
        ..EmulatorConfig::default()
    }
    .records_per_day(scale.records, 1)
    .realistic();
    let emu = Emulator::start(config.clone()).await.expect("emulator");
    println!(
        "realistic emulator: latency median {:?} (x{} for segments, x{} for log pages), sigma {}, cap {:?}; documented limits",
        config.realism.as_ref().unwrap().latency.median,
        config.realism.as_ref().unwrap().latency.expand_factor,
        config.realism.as_ref().unwrap().latency.log_factor,
        config.realism.as_ref().unwrap().latency.sigma,
        config.realism.as_ref().unwrap().latency.max,
    );
    call_records_day(&emu, &config, &scale).await;
    pstn_month(&emu, &config, &scale).await;
    println!(
        "peak RSS of the process (bench + emulator): {} MiB",
        vm("VmHWM") / 1024
    );
}

/// A client for the emulator; `app` is its bearer token (the emulator's app scope).
fn client(emu: &Emulator, app: &str, governor: Option<Governor>) -> Client {
    let mut b = GraphClient::builder()
        .credential(StaticTokenCredential::new(app))
        .base_url(url::Url::parse(&emu.base_url()).expect("url"))
        .allow_insecure_loopback(true);
    if let Some(g) = governor {
        b = b.governor(g);
    }
    Client::new(b.build().expect("client"))
}

/// `kB` value of a line of /proc/self/status (0 where there is none).
fn vm(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// The emulator's Graph request count over time, sampled by the consumer loop (which
/// wakes at least every 100 ms).
struct Sampler {
    t0: Instant,
    base: u64,
    samples: Vec<(f64, u64)>,
}

impl Sampler {
    fn start(emu: &Emulator) -> Sampler {
        Sampler {
            t0: Instant::now(),
            base: emu.stats().graph_requests,
            samples: Vec::new(),
        }
    }

    fn tick(&mut self, emu: &Emulator) {
        let n = emu.stats().graph_requests - self.base;
        self.samples.push((self.t0.elapsed().as_secs_f64(), n));
    }

    /// Requests in each complete `window` from the start.
    fn windows(&self, window: f64) -> Vec<u64> {
        let at = |t: f64| {
            self.samples
                .iter()
                .take_while(|(ts, _)| *ts <= t)
                .last()
                .map_or(0, |(_, n)| *n)
        };
        let end = self.samples.last().map_or(0.0, |(t, _)| *t);
        let mut out = Vec::new();
        let mut k = 0.0;
        while (k + 1.0) * window <= end {
            out.push(at((k + 1.0) * window) - at(k * window));
            k += 1.0;
        }
        out
    }
}

fn report(
    name: &str,
    wall: Duration,
    requests: u64,
    throttled: u64,
    limit: f64,
    window: f64,
    windows: &[u64],
) {
    let rate = requests as f64 / wall.as_secs_f64();
    let documented = limit / window;
    println!(
        "  {name}: {:.1} s, {requests} requests, {:.1} req/s = {:.0}% of the documented {limit}/{window} s; 429: {throttled} ({:.2}%)",
        wall.as_secs_f64(),
        rate,
        100.0 * rate / documented,
        100.0 * throttled as f64 / requests.max(1) as f64
    );
    if !windows.is_empty() {
        let shares: Vec<String> = windows
            .iter()
            .map(|n| format!("{n} ({:.0}%)", 100.0 * *n as f64 / limit))
            .collect();
        println!(
            "  requests per complete {window} s window: {}",
            shares.join(", ")
        );
    }
}

async fn call_records_day(emu: &Emulator, config: &EmulatorConfig, scale: &Scale) {
    println!(
        "\n## one day of call records: {} records, $expand=sessions($expand=segments)",
        scale.records
    );
    let expand = Some(CallRecordExpand::Sessions { segments: true });
    let expected_sessions: usize = (0..config.call_records)
        .map(|i| data::session_count(config, i))
        .sum();

    // Governed concurrent: list + fetch each, one stream, requested (list) order.
    let governor = Governor::default();
    let c = client(emu, "app-governed", Some(governor.clone()));
    let before = emu.stats();
    let mut sampler = Sampler::start(emu);
    let t0 = Instant::now();
    let list = c.communications().call_records().list();
    let mut stream = concurrent::list_and_fetch(&c, list, expand, Concurrency::default());
    let mut seen = vec![false; config.call_records];
    let (mut got, mut dup, mut sessions, mut segments, mut out_of_order) = (0usize, 0, 0, 0, 0);
    let mut last_index: Option<usize> = None;
    let mut rss = Vec::new();
    loop {
        sampler.tick(emu);
        let next = tokio::time::timeout(Duration::from_millis(100), stream.next()).await;
        let Ok(next) = next else { continue };
        let Some(r) = next else { break };
        let r = r.expect("record");
        let i = data::record_index(config, r.id.as_deref().unwrap_or("")).expect("known id");
        if seen[i] {
            dup += 1;
        }
        seen[i] = true;
        if last_index.is_some_and(|l| i <= l) {
            out_of_order += 1;
        }
        last_index = Some(i);
        got += 1;
        for s in r.sessions.unwrap_or_default() {
            sessions += 1;
            segments += s.segments.map_or(0, |g| g.len());
        }
        if got % (scale.records / 5).max(1) == 0 {
            rss.push(format!("{got}: {} MiB", vm("VmRSS") / 1024));
        }
    }
    let wall = t0.elapsed();
    sampler.tick(emu);
    let windows = sampler.windows(RECORDS_WINDOW);
    let after = emu.stats();
    let lost = seen.iter().filter(|s| !**s).count();
    report(
        "governed concurrent",
        wall,
        after.graph_requests - before.graph_requests,
        after.throttled - before.throttled,
        RECORDS_APP_LIMIT,
        RECORDS_WINDOW,
        &windows,
    );
    println!(
        "  records {got}/{}, lost {lost}, duplicated {dup}, out of list order {out_of_order}; sessions {sessions}/{expected_sessions}, segments {segments}",
        config.call_records
    );
    println!("  RSS after N records: {}", rss.join(", "));
    let g = governor.stats();
    println!(
        "  governor: admitted {}, 429 seen {}, pauses {}, lowest share {:.2}",
        g.admitted, g.throttled, g.pauses, g.min_share
    );

    // Sequential: what the SDK did before, on a sample, scaled to the day.
    let seq = client(emu, "app-sequential", None);
    let before = emu.stats();
    let t0 = Instant::now();
    let ids: Vec<String> = seq
        .communications()
        .call_records()
        .list()
        .stream_items()
        .take(scale.record_sample)
        .map(|r| r.expect("listed").id.expect("id"))
        .collect()
        .await;
    for id in &ids {
        let mut get = seq.communications().call_records().by_id(id).get();
        if let Some(e) = expand {
            get = get.expand(e);
        }
        get.send_all().await.expect("record");
    }
    let sample = t0.elapsed();
    let after = emu.stats();
    let per_record = sample.as_secs_f64() / ids.len() as f64;
    let day = per_record * config.call_records as f64;
    println!(
        "  sequential sample: {} records in {:.1} s ({} requests, {:.0} ms per record) -> day ~ {:.0} s ({:.1} h)",
        ids.len(),
        sample.as_secs_f64(),
        after.graph_requests - before.graph_requests,
        per_record * 1000.0,
        day,
        day / 3600.0
    );
    println!(
        "  speed-up governed vs sequential: {:.1}x",
        day / wall.as_secs_f64()
    );
}

async fn pstn_month(emu: &Emulator, config: &EmulatorConfig, scale: &Scale) {
    println!(
        "\n## getPstnCalls: {} days at {} rows/day, one window per day",
        scale.days, scale.rows_per_day
    );
    let from: DateTime<Utc> = config.day0;
    let to = from + chrono::Duration::days(scale.days);
    // `toDateTime` is inclusive: stop 100 ns before the next day, as the windows do.
    let last = to - chrono::Duration::nanoseconds(100);
    let expected = data::count_log_rows(config, msgraph_emulator::LogKind::PstnCalls, from, last);
    let interval_ms = 86_400_000 / i64::from(config.log_rows_per_day);
    let index_of = |row: &PstnCallLogRow| -> Option<usize> {
        let start = row.start_date_time.as_ref()?.to_utc();
        let ms = (start - config.day0).num_milliseconds();
        (ms % interval_ms == 0).then(|| (ms / interval_ms) as usize)
    };

    let governor = Governor::default();
    let c = client(emu, "app-governed", Some(governor.clone()));
    let requests = c
        .communications()
        .call_records()
        .get_pstn_calls_windowed_by(from, last, chrono::Duration::days(1))
        .requests()
        .expect("windows")
        .to_vec();
    let before = emu.stats();
    let mut sampler = Sampler::start(emu);
    let t0 = Instant::now();
    let mut rows =
        concurrent::windows_items::<PstnCallLogRow>(&c, requests, WindowConcurrency::default());
    let mut seen = vec![false; expected as usize + 1];
    let (mut got, mut dup, mut strays, mut out_of_order) = (0u64, 0u64, 0u64, 0u64);
    let mut last_index: Option<usize> = None;
    let mut rss = Vec::new();
    loop {
        sampler.tick(emu);
        let next = tokio::time::timeout(Duration::from_millis(100), rows.next()).await;
        let Ok(next) = next else { continue };
        let Some(row) = next else { break };
        let row = row.expect("row");
        got += 1;
        match index_of(&row).filter(|&i| i < seen.len()) {
            Some(i) => {
                if seen[i] {
                    dup += 1;
                }
                seen[i] = true;
                if last_index.is_some_and(|l| i <= l) {
                    out_of_order += 1;
                }
                last_index = Some(i);
            }
            None => strays += 1,
        }
        if got % (expected / 5).max(1) == 0 {
            rss.push(format!("{got}: {} MiB", vm("VmRSS") / 1024));
        }
    }
    let wall = t0.elapsed();
    sampler.tick(emu);
    let windows = sampler.windows(LOGS_WINDOW);
    let after = emu.stats();
    let lost = seen.iter().take(expected as usize).filter(|s| !**s).count();
    report(
        "governed concurrent windows",
        wall,
        after.graph_requests - before.graph_requests,
        after.throttled - before.throttled,
        LOGS_APP_LIMIT,
        LOGS_WINDOW,
        &windows,
    );
    println!(
        "  rows {got}/{expected}, lost {lost}, duplicated {dup}, unexpected {strays}, out of order {out_of_order}"
    );
    println!("  RSS after N rows: {}", rss.join(", "));
    let g = governor.stats();
    println!(
        "  governor: admitted {}, 429 seen {}, pauses {}, lowest share {:.2}",
        g.admitted, g.throttled, g.pauses, g.min_share
    );

    // Sequential: one day with the SDK's sequential windows, scaled to the range.
    let seq = client(emu, "app-sequential", None);
    let day_end = from + chrono::Duration::days(1) - chrono::Duration::nanoseconds(100);
    let before = emu.stats();
    let t0 = Instant::now();
    let n = seq
        .communications()
        .call_records()
        .get_pstn_calls_windowed_by(from, day_end, chrono::Duration::days(1))
        .stream_items()
        .try_fold(0u64, |n, _| async move { Ok(n + 1) })
        .await
        .expect("sequential day");
    let sample = t0.elapsed();
    let after = emu.stats();
    let month = sample.as_secs_f64() * scale.days as f64;
    println!(
        "  sequential sample: 1 day, {n} rows, {} requests in {:.1} s -> {} days ~ {:.0} s",
        after.graph_requests - before.graph_requests,
        sample.as_secs_f64(),
        scale.days,
        month
    );
    println!(
        "  speed-up governed vs sequential: {:.1}x (the documented 200 / 60 s caps it: sequential already runs near it)",
        month / wall.as_secs_f64()
    );
}
