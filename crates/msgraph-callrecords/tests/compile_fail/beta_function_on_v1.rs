// getSmsLog exists only in beta: the v1.0 builders do not have it.
use chrono::{TimeZone, Utc};
use msgraph_callrecords::Client;

fn build(client: &Client) {
    let from = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap();
    let _ = client.communications().call_records().get_sms_log(from, to);
}

fn main() {}
