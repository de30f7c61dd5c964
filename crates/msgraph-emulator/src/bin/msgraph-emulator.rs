//! Run the call-records emulator on loopback until its lifetime ends or Ctrl-C.

use std::time::Duration;

use clap::Parser;
use msgraph_emulator::{Emulator, EmulatorConfig};

/// Loopback emulator of the Microsoft Graph call records endpoints.
#[derive(Debug, Parser)]
#[command(name = "msgraph-emulator", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed for the generated data.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Stop after this many seconds.
    #[arg(long, default_value_t = 600)]
    lifetime_secs: u64,
    /// Number of call records.
    #[arg(long, default_value_t = 150)]
    records: usize,
    /// Log rows per day for every log function.
    #[arg(long, default_value_t = 2000)]
    rows_per_day: u32,
    /// Answer every n-th Graph request with 429.
    #[arg(long)]
    throttle_every: Option<u32>,
    /// Retry-After value sent with 429/503.
    #[arg(long, default_value = "1")]
    retry_after: String,
    /// Graph-like realism: latency of a few hundred ms with a long tail, and the
    /// documented throttling limits answered with 429 and Retry-After.
    #[arg(long)]
    realistic: bool,
    /// Call records per day (with --days; overrides --records).
    #[arg(long)]
    records_per_day: Option<usize>,
    /// Days of call records for --records-per-day.
    #[arg(long, default_value_t = 1)]
    days: usize,
    /// Require this bearer token on Graph requests (and issue it from the token endpoint).
    #[arg(long)]
    token: Option<String>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let mut config = EmulatorConfig {
        port: args.port,
        seed: args.seed,
        max_lifetime: Duration::from_secs(args.lifetime_secs),
        call_records: args.records,
        log_rows_per_day: args.rows_per_day,
        expected_token: args.token,
        ..EmulatorConfig::default()
    };
    if let Some(per_day) = args.records_per_day {
        config = config.records_per_day(per_day, args.days);
    }
    if args.realistic {
        config = config.realistic();
    }
    config.faults.throttle_every = args.throttle_every;
    config.faults.retry_after = args.retry_after;
    let mut emu = Emulator::start(config).await?;
    println!("{}", emu.base_url());
    eprintln!(
        "graph: {0}/v1.0 and {0}/beta; token endpoint: {0}/{{tenant}}/oauth2/v2.0/token; stops in {1} s or on Ctrl-C",
        emu.base_url(),
        args.lifetime_secs
    );
    tokio::select! {
        _ = emu.stopped() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    let stats = emu.stats();
    emu.shutdown().await;
    eprintln!(
        "served {} requests ({} rows, {} throttled)",
        stats.requests, stats.rows_served, stats.throttled
    );
    Ok(())
}
