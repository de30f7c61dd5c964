//! Requests built with the generated SDK (`msgraph-callrecords`): it owns the
//! URL shapes, parameter encoding and documented limits; the export loop pages
//! the prepared paths itself so it can checkpoint and resume next links.

use msgraph_callrecords::v1::CallRecordFilter;
use msgraph_callrecords::{Client, GraphClient};

use crate::args::Kind;
use crate::error::{from_sdk, CliError};
use crate::plan::Window;

/// Path and query (relative to the version root) of one window of a log function.
pub fn log_path(
    client: &GraphClient,
    kind: Kind,
    beta: bool,
    w: Window,
) -> Result<String, CliError> {
    let sdk_client = Client::new(client.clone());
    let v1 = sdk_client.communications().call_records();
    let b = sdk_client.beta().communications().call_records();
    let sdk = |e| from_sdk(e, false);
    let prepared = match (kind, beta) {
        (Kind::Pstn, false) => v1.get_pstn_calls(w.from, w.to).prepare(),
        (Kind::Pstn, true) => b.get_pstn_calls(w.from, w.to).prepare(),
        (Kind::DirectRouting, false) => v1.get_direct_routing_calls(w.from, w.to).prepare(),
        (Kind::DirectRouting, true) => b.get_direct_routing_calls(w.from, w.to).prepare(),
        (Kind::BlockedUsers, _) => b.get_pstn_blocked_users_log(w.from, w.to).prepare(),
        (Kind::DialoutReport, _) => b
            .get_pstn_online_meeting_dialout_report(w.from, w.to)
            .prepare(),
        (Kind::Sms, _) => b.get_sms_log(w.from, w.to).prepare(),
        (Kind::CallRecords | Kind::Sessions, _) => return records_path(client, w, None),
    }
    .map_err(sdk)?;
    Ok(prepared.path_and_query().to_string())
}

/// `GET /communications/callRecords?$filter=startDateTime ge {from} and startDateTime lt {to}`.
pub fn records_path(
    client: &GraphClient,
    w: Window,
    page_size: Option<u32>,
) -> Result<String, CliError> {
    let filter = CallRecordFilter::start_date_time()
        .ge(w.from)
        .and(CallRecordFilter::start_date_time().lt(w.to));
    let mut list = Client::new(client.clone())
        .communications()
        .call_records()
        .list()
        .filter(filter);
    if let Some(n) = page_size {
        // Only for the SDK's check against the documented maximum (60).
        list = list.max_page_size(n);
    }
    let prepared = list.prepare().map_err(|e| from_sdk(e, false))?;
    Ok(prepared.path_and_query().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use msgraph_runtime::StaticTokenCredential;

    fn client() -> GraphClient {
        GraphClient::builder()
            .credential(StaticTokenCredential::new("t"))
            .build()
            .expect("client")
    }

    #[test]
    fn log_paths_come_from_the_sdk_with_the_namespace_prefix() {
        let w = Window {
            from: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap(),
        };
        let p = log_path(&client(), Kind::Pstn, false, w).unwrap();
        assert_eq!(
            p,
            "/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2026-11-02T00:00:00Z)"
        );
        let p = log_path(&client(), Kind::Sms, true, w).unwrap();
        assert!(p.contains("microsoft.graph.callRecords.getSmsLog("), "{p}");
        let p = records_path(&client(), w, Some(60)).unwrap();
        assert!(
            p.starts_with(
                "/communications/callRecords?$filter=startDateTime%20ge%202026-11-01T00:00:00Z"
            ),
            "{p}"
        );
        let e = records_path(&client(), w, Some(61)).unwrap_err();
        assert_eq!(e.category, crate::Category::Validation);
    }

    #[test]
    fn ranges_over_the_documented_limit_are_refused_before_sending() {
        let w = Window {
            from: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
        };
        let e = log_path(&client(), Kind::Pstn, false, w).unwrap_err();
        assert_eq!(e.category, crate::Category::Validation);
        assert!(e.to_string().contains("90 days"), "{e}");
    }
}
