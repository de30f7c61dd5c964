//! Throttling: the emulator answers every 4th request with `429` + `Retry-After` and every 7th
//! with `503`; the runtime retries each (logged as "retrying transient failure") and the
//! paging still yields every row exactly once.
//!
//! `cargo run -p msgraph-callrecords --example throttling`

#[path = "common/mod.rs"]
mod common;

use std::collections::HashSet;

use futures::TryStreamExt;

use msgraph_emulator::{EmulatorConfig, Faults};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "msgraph_runtime=warn".into()),
        )
        .with_target(false)
        .init();
    let config = EmulatorConfig {
        log_page_size: 200,
        faults: Faults {
            throttle_every: Some(4),
            unavailable_every: Some(7),
            retry_after: "0.2".into(),
            ..Faults::default()
        },
        ..EmulatorConfig::default()
    };
    let target = common::connect(config, common::quick_retries()).await?;
    let (from, to) = target.days(1);
    let rows: Vec<_> = target
        .client
        .communications()
        .call_records()
        .get_pstn_calls(from, to)
        .stream_items()
        .try_collect()
        .await?;
    let ids: HashSet<_> = rows.iter().filter_map(|r| r.id.as_deref()).collect();
    println!(
        "{} rows, {} distinct ids, despite the throttling",
        rows.len(),
        ids.len()
    );
    target.finish().await;
    Ok(())
}
