//! Benchmarks, printing figures (run with `cargo bench -p callrecords-cli --bench paging`):
//!
//! * paging throughput: N `getPstnCalls` rows, 1000 per page, from the emulator over
//!   loopback, decoded into typed `PstnCallLogRow`s by the runtime's `Pager` on a
//!   current-thread tokio runtime (one core). The emulator runs in a child process
//!   (`callrecords emulate`), so the peak RSS (VmHWM) is the client's alone. Each
//!   scenario runs in a fresh process so VmHWM is per scenario: 50k vs 200k rows
//!   shows whether memory stays flat, and a run with a 429 every 25th request checks
//!   that every row still arrives exactly once.
//! * the whole CLI: `callrecords export pstn --emulator` of 200k rows to NDJSON and
//!   CSV files (emulator in-process here, so its work is included).
//! * codegen: wall time of `cargo xtask codegen --check` on the committed metadata.
//!
//! * checkpoint cost: what making each page durable costs (the output's
//!   fsync, the checkpoint written, fsynced and renamed) against only
//!   flushing it, for 1000-row pages. Mostly the disk's: run it alone with
//!   `cargo bench -p callrecords-cli --bench paging -- --commit-only`.
//!
//! Set `BENCH_SKIP_CODEGEN=1` to skip the codegen timing.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use futures::StreamExt;
use msgraph_callrecords_models::callrecords::PstnCallLogRow;
use msgraph_runtime::{ClientSecretCredential, GraphClient, RequestOptions, RetryPolicy};
use tracing_subscriber::prelude::*;

const ROWS_PER_DAY: u64 = 20_000;

/// The package directory as cargo gives it when running this (not as it was
/// at compile time: a build dir may be shared between checkouts).
fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(pos) = args.iter().position(|a| a == "--child") {
        let rows: u64 = args
            .get(pos + 1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(200_000);
        let throttle: Option<u32> = args
            .get(pos + 2)
            .and_then(|s| s.parse().ok())
            .filter(|n| *n > 0);
        child(rows, throttle);
        return;
    }
    if args.iter().any(|a| a == "--decode-child") {
        decode_child();
        return;
    }
    if let Some(pos) = args.iter().position(|a| a == "--cli-child") {
        let format = args
            .get(pos + 1)
            .cloned()
            .unwrap_or_else(|| "ndjson".into());
        cli_child(&format);
        return;
    }
    if args.iter().any(|a| a == "--commit-only") {
        commit_cost();
        return;
    }
    println!("paging throughput: getPstnCalls, 1000 rows/page, emulator in a child process, client on one core");
    for (rows, throttle) in [(50_000u64, 0u32), (200_000, 0), (200_000, 25)] {
        run_self(&["--child", &rows.to_string(), &throttle.to_string()]);
    }
    run_self(&["--decode-child"]);
    println!("whole CLI: callrecords export pstn --emulator (emulator in-process), 200000 rows");
    for format in ["ndjson", "csv"] {
        run_self(&["--cli-child", format]);
    }
    commit_cost();
    if std::env::var_os("BENCH_SKIP_CODEGEN").is_none() {
        codegen();
    }
}

/// Milliseconds per page of writing 1000 rows and making them durable with
/// a checkpoint, against writing and flushing them only.
fn commit_cost() {
    use callrecords_cli::checkpoint::{Checkpoint, VERSION};
    use callrecords_cli::output::RowWriter;
    const PAGES: u64 = 40;
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            println!("  no temp dir: {e}");
            return;
        }
    };
    // A row the size of an emulator getPstnCalls row (~400 bytes).
    let row = serde_json::json!({
        "id": "9e2ba0a7-0000-0000-0000-000000000001", "callId": "1b1c3cf0-0000-0000-0000-000000000000",
        "userId": "5d0d0f1e-0000-0000-0000-000000000000", "userPrincipalName": "user1@contoso.example",
        "userDisplayName": "User One", "startDateTime": "2026-11-01T00:00:00Z",
        "endDateTime": "2026-11-01T00:03:21Z", "duration": 201, "charge": 0.02, "callType": "ucap_in",
        "currency": "USD", "calleeNumber": "+1425555xxxx", "callerNumber": "+1206555xxxx",
        "usageCountryCode": "US", "tenantCountryCode": "US", "connectionCharge": 0.0
    });
    println!(
        "checkpoint cost: {PAGES} pages of 1000 rows (~0.4 MB each) to a file in {}",
        dir.path().display()
    );
    for durable in [false, true] {
        let out = dir.path().join(format!("c{durable}.ndjson.partial"));
        let cp = dir
            .path()
            .join(format!("c{durable}.ndjson.checkpoint.json"));
        let mut w = match RowWriter::create(Some(&out), callrecords_cli::Format::Ndjson, &[]) {
            Ok(w) => w,
            Err(e) => {
                println!("  {e}");
                return;
            }
        };
        let started = Instant::now();
        for page in 1..=PAGES {
            for _ in 0..1000 {
                if let Err(e) = w.write(&row) {
                    println!("  {e}");
                    return;
                }
            }
            let saved = if durable {
                w.sync().and_then(|bytes| {
                    Checkpoint {
                        version: VERSION,
                        fingerprint: "bench".into(),
                        window: 0,
                        next_link: Some(format!("/x?$skip={}", page * 1000)),
                        rows: w.rows(),
                        pages: page,
                        bytes,
                        range: None,
                        seal: String::new(),
                    }
                    .save(&cp)
                })
            } else {
                w.flush().map(|_| ())
            };
            if let Err(e) = saved {
                println!("  {e}");
                return;
            }
        }
        let ms = started.elapsed().as_secs_f64() * 1000.0 / PAGES as f64;
        let what = if durable {
            "write + fsync + checkpoint (fsync, rename)"
        } else {
            "write + flush only"
        };
        println!("  {what:>42}: {ms:.1} ms/page");
    }
}

fn run_self(args: &[&str]) {
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            println!("  cannot find the bench executable: {e}");
            return;
        }
    };
    match Command::new(exe)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
    {
        Ok(out) => print!("{}", String::from_utf8_lossy(&out.stdout)),
        Err(e) => println!("  scenario {args:?} failed to start: {e}"),
    }
}

/// Peak resident set size of this process in KiB (`VmHWM`).
fn vm_hwm_kib() -> u64 {
    proc_status_field("VmHWM:")
}

fn proc_status_field(name: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// User + system CPU seconds of this process.
fn cpu_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may contain spaces).
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

struct EmulatorProcess {
    child: std::process::Child,
    base: String,
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_emulator(throttle: Option<u32>) -> Option<EmulatorProcess> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_callrecords"));
    cmd.args([
        "emulate",
        "--rows-per-day",
        &ROWS_PER_DAY.to_string(),
        "--lifetime-secs",
        "300",
    ]);
    if let Some(n) = throttle {
        cmd.args(["--throttle-every", &n.to_string()]);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .ok()?;
    let stdout = child.stdout.take()?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).ok()?;
    let base = line.trim().to_string();
    if !base.starts_with("http://127.0.0.1:") {
        let _ = child.kill();
        return None;
    }
    Some(EmulatorProcess { child, base })
}

fn child(rows: u64, throttle: Option<u32>) {
    let Some(emu) = start_emulator(throttle) else {
        println!("  cannot start `callrecords emulate`");
        return;
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            println!("  cannot build a runtime: {e}");
            return;
        }
    };
    let counter = callrecords_cli::progress::RetryCounter::default();
    let subscriber = tracing_subscriber::registry().with(counter.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let result = rt.block_on(page_through(&emu.base, rows));
    drop(emu);
    match result {
        Ok((got, pages, secs, cpu)) => {
            let ok = if got.ok {
                "all rows once, in order"
            } else {
                "ROWS MISSING OR DUPLICATED"
            };
            println!(
                "  {rows:>7} rows{}: {got_rows} rows, {pages} pages, {secs:.3}s wall, {rate:.0} rows/s, \
                 {cpu:.3}s CPU ({cpu_rate:.0} rows/CPU-s), peak RSS {rss:.1} MiB, {retries} retries; {ok}",
                throttle.map(|n| format!(" (429 every {n}th request)")).unwrap_or_default(),
                got_rows = got.rows,
                rate = got.rows as f64 / secs,
                cpu_rate = got.rows as f64 / cpu.max(1e-9),
                rss = vm_hwm_kib() as f64 / 1024.0,
                retries = counter.count(),
            );
        }
        Err(e) => println!("  {rows} rows: failed: {e}"),
    }
}

struct Got {
    rows: u64,
    ok: bool,
}

async fn page_through(base: &str, rows: u64) -> Result<(Got, u64, f64, f64), String> {
    let url = url::Url::parse(base).map_err(|e| e.to_string())?;
    let cred = ClientSecretCredential::new("bench-tenant", "bench-client", "bench-secret")
        .authority_host(url.clone());
    let client = GraphClient::builder()
        .credential(cred)
        .base_url(url)
        .allow_insecure_loopback(true)
        .retry_policy(RetryPolicy {
            max_attempts: 8,
            ..RetryPolicy::default()
        })
        .build()
        .map_err(|e| e.to_string())?;
    let day0 = Utc
        .with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .ok_or("day0")?;
    // getPstnCalls' toDateTime is inclusive: stop one 100 ns tick before row `rows`.
    let interval_ns = 86_400_000_000_000 / ROWS_PER_DAY as i64;
    let end = day0 + chrono::Duration::nanoseconds(rows as i64 * interval_ns)
        - chrono::Duration::nanoseconds(100);
    let path = format!(
        "/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime={},toDateTime={})",
        callrecords_cli::plan::lit(day0),
        callrecords_cli::plan::lit(end)
    );
    let opts = RequestOptions::with_max_page_size(1000);
    let started = Instant::now();
    let cpu0 = cpu_secs();
    let mut pager = client.pager::<PstnCallLogRow>(&path, &opts);
    let (mut n, mut pages, mut ok) = (0u64, 0u64, true);
    let mut last: Option<msgraph_odata::DateTimeOffset> = None;
    while let Some(page) = pager.next().await {
        let page = page.map_err(|e| e.to_string())?;
        pages += 1;
        for row in &page.value {
            n += 1;
            // Rows come in start order, one per interval: a repeat or a skip breaks this.
            let start = row.start_date_time;
            if let (Some(prev), Some(cur)) = (last, start) {
                let step = (cur.to_utc() - prev.to_utc())
                    .num_nanoseconds()
                    .unwrap_or(0);
                ok &= step == interval_ns;
            }
            last = start;
        }
    }
    ok &= n == rows;
    let secs = started.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu0;
    Ok((Got { rows: n, ok }, pages, secs, cpu))
}

/// Decode cost alone: one 1000-row page body decoded `reps` times, with plain
/// serde_json and with serde_path_to_error (what the runtime uses, for error paths).
async fn decode_only(base: &str) -> Result<(f64, f64), String> {
    let url = url::Url::parse(base).map_err(|e| e.to_string())?;
    let cred = ClientSecretCredential::new("bench-tenant", "bench-client", "bench-secret")
        .authority_host(url.clone());
    let client = GraphClient::builder()
        .credential(cred)
        .base_url(url)
        .allow_insecure_loopback(true)
        .build()
        .map_err(|e| e.to_string())?;
    let path = "/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2026-11-02T00:00:00Z)";
    let page: serde_json::Value = client
        .get_json(path, &RequestOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    let body = serde_json::to_vec(&page).map_err(|e| e.to_string())?;
    let reps = 100;
    let rows = |p: &msgraph_runtime::Page<PstnCallLogRow>| p.value.len() as f64;
    let started = Instant::now();
    let mut n = 0.0;
    for _ in 0..reps {
        let p: msgraph_runtime::Page<PstnCallLogRow> =
            serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        n += rows(&p);
    }
    let plain = n / started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut n = 0.0;
    for _ in 0..reps {
        let de = &mut serde_json::Deserializer::from_slice(&body);
        let p: msgraph_runtime::Page<PstnCallLogRow> =
            serde_path_to_error::deserialize(de).map_err(|e| e.to_string())?;
        n += rows(&p);
    }
    let tracked = n / started.elapsed().as_secs_f64();
    Ok((plain, tracked))
}

fn decode_child() {
    let Some(emu) = start_emulator(None) else {
        println!("  cannot start `callrecords emulate`");
        return;
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            println!("  cannot build a runtime: {e}");
            return;
        }
    };
    match rt.block_on(decode_only(&emu.base)) {
        Ok((plain, tracked)) => println!(
            "  decode only (1000-row page x100, one core): serde_json (runtime; paths only \
             on failure) {plain:.0} rows/s, with serde_path_to_error {tracked:.0} rows/s"
        ),
        Err(e) => println!("  decode only: failed: {e}"),
    }
}

fn cli_child(format: &str) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            println!("  no temp dir: {e}");
            return;
        }
    };
    let out = dir.path().join(format!("pstn.{format}"));
    let argv = [
        "callrecords",
        "export",
        "pstn",
        "--emulator",
        "--emulator-rows-per-day",
        "20000",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-11",
        "--format",
        format,
        "--output",
        out.to_str().unwrap_or("pstn.out"),
    ];
    let cli = match <callrecords_cli::Cli as clap::Parser>::try_parse_from(argv) {
        Ok(c) => c,
        Err(e) => {
            println!("  bad arguments: {e}");
            return;
        }
    };
    let callrecords_cli::Command::Export(args) = cli.command else {
        return;
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            println!("  cannot build a runtime: {e}");
            return;
        }
    };
    let started = Instant::now();
    let result = rt.block_on(callrecords_cli::export(&args));
    let secs = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    match result {
        Ok(s) => println!(
            "  {format:>6}: {} rows, {:.1} MiB file, {secs:.2}s, {:.0} rows/s, peak RSS {:.1} MiB (client + emulator)",
            s.rows,
            size as f64 / 1048576.0,
            s.rows as f64 / secs,
            vm_hwm_kib() as f64 / 1024.0
        ),
        Err(e) => println!("  {format}: failed: {e}"),
    }
}

fn codegen() {
    let root = std::path::Path::new(&manifest_dir()).join("../..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Build xtask first so the timing is codegen, not compilation.
    let build = Command::new(&cargo)
        .args(["build", "--quiet", "-p", "xtask"])
        .current_dir(&root)
        .status();
    if !matches!(build, Ok(s) if s.success()) {
        println!("codegen: cannot build xtask; skipped");
        return;
    }
    let mut times = Vec::new();
    let mut status = String::new();
    for _ in 0..3 {
        let started = Instant::now();
        let out = Command::new(&cargo)
            .args(["xtask", "codegen", "--check"])
            .current_dir(&root)
            .output();
        times.push(started.elapsed());
        status = match out {
            Ok(o) if o.status.success() => "up to date".into(),
            Ok(o) => format!(
                "exit {:?}: {}",
                o.status.code(),
                String::from_utf8_lossy(&o.stderr).trim()
            ),
            Err(e) => format!("failed: {e}"),
        };
    }
    times.sort();
    let best = times.first().copied().unwrap_or(Duration::ZERO);
    let median = times
        .get(times.len() / 2)
        .copied()
        .unwrap_or(Duration::ZERO);
    println!(
        "codegen: `cargo xtask codegen --check` (the alias: debug xtask, cargo overhead included): best {:.3}s, median {:.3}s of {}; {status}",
        best.as_secs_f64(),
        median.as_secs_f64(),
        times.len()
    );
}
