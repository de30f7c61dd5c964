// `$filter` is documented only on list callRecords; a call-record filter cannot be put on
// list sessions, and there is no raw escape hatch there either.
use msgraph_callrecords::Client;
use msgraph_callrecords::v1::CallRecordFilter;

fn build(client: &Client) {
    let _ = client
        .communications()
        .call_records()
        .by_id("id")
        .sessions()
        .list()
        .filter(CallRecordFilter::participants_v2_id_eq("x"));
}

fn main() {}
