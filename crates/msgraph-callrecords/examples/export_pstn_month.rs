//! Exports a month of PSTN calls as NDJSON (one row per line) to a file, in daily windows:
//! every row once, in order, without gaps at the window boundaries (`toDateTime` is
//! inclusive for getPstnCalls, so each window ends 100 ns before the next one starts).
//!
//! `cargo run -p msgraph-callrecords --example export_pstn_month -- [OUT.ndjson]`

#[path = "common/mod.rs"]
mod common;

use std::io::Write;

use futures::TryStreamExt;
use msgraph_callrecords::prelude::*;
use msgraph_emulator::EmulatorConfig;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "pstn-month.ndjson".into());
    let config = EmulatorConfig {
        log_rows_per_day: 500,
        ..EmulatorConfig::default()
    };
    let target = common::connect(config, common::quick_retries()).await?;
    let (from, to) = target.days(30);

    let request = target
        .client
        .communications()
        .call_records()
        .get_pstn_calls_windowed_by(from, to, chrono::Duration::days(1))?;
    let paths = request.url_paths();
    println!("{} windows, first: GET {}", paths.len(), paths[0]);
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out)?);
    let mut rows = request.stream_items();
    let mut n = 0u64;
    while let Some(row) = rows.try_next().await? {
        serde_json::to_writer(&mut file, &row)?;
        file.write_all(b"\n")?;
        n += 1;
    }
    file.flush()?;
    println!("{n} PSTN call rows from {from} to {to} written to {out}");
    target.finish().await;
    Ok(())
}
