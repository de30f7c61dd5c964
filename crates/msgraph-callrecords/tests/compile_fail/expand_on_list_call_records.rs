// Graph documents no `$expand` on list callRecords: the setter does not exist.
use msgraph_callrecords::prelude::*;
use msgraph_callrecords::v1::CallRecordExpand;

fn build(client: &GraphClient) {
    let _ = client
        .communications()
        .call_records()
        .list()
        .expand(CallRecordExpand::ParticipantsV2);
}

fn main() {}
