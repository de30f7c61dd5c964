//! Requests built with the generated SDK (`msgraph-callrecords`): it owns the
//! URL shapes, parameter encoding and documented limits. The export never
//! builds a URL itself: it reads the [`Prepared`] requests made here through
//! the SDK's resumable page streams and concurrency helpers.

use msgraph_callrecords::support::Prepared;
use msgraph_callrecords::v1::CallRecordFilter;
use msgraph_callrecords::{Client, RequestOptions};

use crate::args::Kind;
use crate::error::{from_sdk, CliError};
use crate::plan::Window;

/// The request of one window of a log function, sent with `page_size` as
/// `Prefer: odata.maxpagesize` when given.
pub fn log_request(
    client: &Client,
    kind: Kind,
    beta: bool,
    w: Window,
    page_size: Option<u32>,
) -> Result<Prepared, CliError> {
    let v1 = client.communications().call_records();
    let b = client.beta().communications().call_records();
    let opts = RequestOptions {
        max_page_size: page_size,
        ..RequestOptions::default()
    };
    let sdk = |e| from_sdk(e, false);
    match (kind, beta) {
        (Kind::Pstn, false) => v1.get_pstn_calls(w.from, w.to).options(opts).prepare(),
        (Kind::Pstn, true) => b.get_pstn_calls(w.from, w.to).options(opts).prepare(),
        (Kind::DirectRouting, false) => v1
            .get_direct_routing_calls(w.from, w.to)
            .options(opts)
            .prepare(),
        (Kind::DirectRouting, true) => b
            .get_direct_routing_calls(w.from, w.to)
            .options(opts)
            .prepare(),
        (Kind::BlockedUsers, _) => b
            .get_pstn_blocked_users_log(w.from, w.to)
            .options(opts)
            .prepare(),
        (Kind::DialoutReport, _) => b
            .get_pstn_online_meeting_dialout_report(w.from, w.to)
            .options(opts)
            .prepare(),
        (Kind::Sms, _) => b.get_sms_log(w.from, w.to).options(opts).prepare(),
        (Kind::CallRecords | Kind::Sessions, _) => return records_request(client, w, page_size),
    }
    .map_err(sdk)
}

/// `GET /communications/callRecords?$filter=startDateTime ge {from} and startDateTime lt {to}`.
pub fn records_request(
    client: &Client,
    w: Window,
    page_size: Option<u32>,
) -> Result<Prepared, CliError> {
    let filter = CallRecordFilter::start_date_time()
        .ge(w.from)
        .and(CallRecordFilter::start_date_time().lt(w.to));
    let mut list = client.communications().call_records().list().filter(filter);
    if let Some(n) = page_size {
        // Checked by the SDK against the documented maximum (60).
        list = list.max_page_size(n);
    }
    list.prepare().map_err(|e| from_sdk(e, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use msgraph_runtime::StaticTokenCredential;

    fn client() -> Client {
        Client::new(
            msgraph_callrecords::GraphClient::builder()
                .credential(StaticTokenCredential::new("t"))
                .build()
                .expect("client"),
        )
    }

    fn path(p: Result<Prepared, CliError>) -> String {
        p.unwrap().path_and_query().to_string()
    }

    #[test]
    fn log_paths_come_from_the_sdk_with_the_namespace_prefix() {
        let w = Window {
            from: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap(),
        };
        let p = path(log_request(&client(), Kind::Pstn, false, w, None));
        assert_eq!(
            p,
            "/communications/callRecords/microsoft.graph.callRecords.getPstnCalls(fromDateTime=2026-11-01T00:00:00Z,toDateTime=2026-11-02T00:00:00Z)"
        );
        let p = path(log_request(&client(), Kind::Sms, true, w, None));
        assert!(p.contains("microsoft.graph.callRecords.getSmsLog("), "{p}");
        let p = path(records_request(&client(), w, Some(60)));
        assert!(
            p.starts_with(
                "/communications/callRecords?$filter=startDateTime%20ge%202026-11-01T00:00:00Z"
            ),
            "{p}"
        );
        let e = records_request(&client(), w, Some(61)).unwrap_err();
        assert_eq!(e.category, crate::Category::Validation);
    }

    #[test]
    fn ranges_over_the_documented_limit_are_refused_before_sending() {
        let w = Window {
            from: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
        };
        let e = log_request(&client(), Kind::Pstn, false, w, None).unwrap_err();
        assert_eq!(e.category, crate::Category::Validation);
        assert!(e.to_string().contains("90 days"), "{e}");
    }
}
