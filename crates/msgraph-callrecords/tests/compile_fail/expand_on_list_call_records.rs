// Graph documents no `$expand` on list callRecords: the setter does not exist.
use msgraph_callrecords::Client;
use msgraph_callrecords::v1::CallRecordExpand;

fn build(client: &Client) {
    let _ = client
        .communications()
        .call_records()
        .list()
        .expand(CallRecordExpand::ParticipantsV2);
}

fn main() {}
