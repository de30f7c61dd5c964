//! Exports a month of PSTN calls as NDJSON (one row per line) to a file, in daily windows:
//! every row once, in order, without gaps at the window boundaries (`toDateTime` is
//! inclusive for getPstnCalls, so each window ends 100 ns before the next one starts).
//!
//! Every 500 rows it saves a checkpoint (`OUT.checkpoint`: the file length and the stream's
//! resume token); run it again after an interruption and it continues from there, neither
//! losing nor repeating a row.
//!
//! `cargo run -p msgraph-callrecords --example export_pstn_month -- [OUT.ndjson]`

#[path = "common/mod.rs"]
mod common;

use std::io::Write;

use futures::TryStreamExt;

use msgraph_callrecords::ResumeToken;
use msgraph_emulator::EmulatorConfig;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "pstn-month.ndjson".into());
    let checkpoint = format!("{out}.checkpoint");
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
        .get_pstn_calls_windowed_by(from, to, chrono::Duration::days(1));
    let paths = request.url_paths()?;
    println!("{} windows, first: GET {}", paths.len(), paths[0]);

    // A checkpoint is "<bytes of the file written> <resume token>".
    let saved = std::fs::read_to_string(&checkpoint).ok();
    let (mut rows, written) = match saved.as_deref().and_then(|s| s.split_once(' ')) {
        Some((len, token)) => {
            let token: ResumeToken = token.parse()?;
            println!("resuming at {}", token.link());
            (request.stream_items_from(token), len.parse::<u64>()?)
        }
        None => (request.stream_items(), 0),
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(written == 0)
        .open(&out)?;
    // Rows written after the last checkpoint are written again from it.
    file.set_len(written)?;
    let mut file = std::io::BufWriter::new(file);
    std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0))?;
    let mut n = 0u64;
    while let Some(row) = rows.try_next().await? {
        serde_json::to_writer(&mut file, &row)?;
        file.write_all(b"\n")?;
        n += 1;
        if n % 500 == 0 {
            if let Some(token) = rows.resume_token() {
                file.flush()?;
                let len = file.get_ref().metadata()?.len();
                std::fs::write(&checkpoint, format!("{len} {token}"))?;
            }
        }
    }
    file.flush()?;
    let _ = std::fs::remove_file(&checkpoint);
    println!("{n} PSTN call rows from {from} to {to} written to {out}");
    target.finish().await;
    Ok(())
}
