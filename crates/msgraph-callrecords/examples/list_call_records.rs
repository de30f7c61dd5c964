//! Lists the call records of the last day, each with all its sessions.
//!
//! `cargo run -p msgraph-callrecords --example list_call_records`
//! (embedded emulator; set AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET for real Graph).

#[path = "common/mod.rs"]
mod common;

use futures::TryStreamExt;

use msgraph_callrecords::v1::{CallRecordExpand, CallRecordFilter};
use msgraph_emulator::EmulatorConfig;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = common::connect(EmulatorConfig::default(), common::quick_retries()).await?;
    let (from, to) = target.days(1);
    let records = target.client.communications().call_records();

    // The list carries no sessions (Graph documents no $expand there): page the ids, then get
    // each record with its sessions; `send_all` follows `sessions@odata.nextLink`.
    let list = records.list().filter(
        CallRecordFilter::start_date_time()
            .ge(from)
            .and(CallRecordFilter::start_date_time().lt(to)),
    );
    println!("GET {}", list.url_path());
    let mut items = list.stream_items();
    let (mut n, mut sessions) = (0usize, 0usize);
    while let Some(record) = items.try_next().await? {
        let Some(id) = record.id else { continue };
        let full = records
            .by_id(&id)
            .get()
            .expand(CallRecordExpand::Sessions { segments: false })
            .send_all()
            .await?;
        let count = full.sessions.as_ref().map_or(0, Vec::len);
        sessions += count;
        n += 1;
        if n <= 5 || count > 60 {
            println!(
                "{id}  start {}  type {:?}  {count} sessions",
                full.start_date_time
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                full.r#type,
            );
        }
    }
    println!("{n} call records between {from} and {to}, {sessions} sessions in total");
    target.finish().await;
    Ok(())
}
