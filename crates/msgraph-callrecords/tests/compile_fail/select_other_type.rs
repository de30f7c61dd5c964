// `$select` on a call record takes `CallRecordProperty`, not a session property.
use msgraph_callrecords::models::callrecords::SessionProperty;
use msgraph_callrecords::Client;

fn build(client: &Client) {
    let _ = client
        .communications()
        .call_records()
        .by_id("id")
        .get()
        .select([SessionProperty::IsTest]);
}

fn main() {}
