// `$select` is supported only for callRecord and session: participants have no `select`.
use msgraph_callrecords::models::callrecords::ParticipantProperty;
use msgraph_callrecords::Client;

fn build(client: &Client) {
    let _ = client
        .communications()
        .call_records()
        .by_id("id")
        .participants_v2()
        .list()
        .select([ParticipantProperty::Id]);
}

fn main() {}
