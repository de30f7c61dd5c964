//! The typed row each kind is decoded into: the generated models of
//! `msgraph-callrecords-models` (v1.0, or beta with `--beta`).

use crate::output::Row;
use msgraph_callrecords_models::{beta, callrecords};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::CliError;

/// `getPstnCalls` row, v1.0.
pub type PstnV1 = callrecords::PstnCallLogRow;
/// `getPstnCalls` row, beta.
pub type PstnBeta = beta::callrecords::PstnCallLogRow;
/// `getDirectRoutingCalls` row, v1.0.
pub type DirectRoutingV1 = callrecords::DirectRoutingLogRow;
/// `getDirectRoutingCalls` row, beta.
pub type DirectRoutingBeta = beta::callrecords::DirectRoutingLogRow;
/// `getPstnBlockedUsersLog` row (beta).
pub type BlockedUsers = beta::callrecords::PstnBlockedUsersLogRow;
/// `getPstnOnlineMeetingDialoutReport` row (beta).
pub type DialoutReport = beta::callrecords::PstnOnlineMeetingDialoutReport;
/// `getSmsLog` row (beta).
pub type Sms = beta::callrecords::SmsLogRow;
/// A call record (same shape in v1.0 and beta).
pub type CallRecordRow = callrecords::CallRecord;
/// A session with its segments.
pub type SessionRow = callrecords::Session;
/// A participant of a call record.
pub type ParticipantRow = callrecords::Participant;

/// Checks that a row Graph sent decodes into its generated model `T` (the
/// row itself is written as sent); `index` is its place in the page.
pub fn check<T: DeserializeOwned>(row: Row<'_>, index: usize) -> Result<(), CliError> {
    let Row::Text(text) = row;
    if serde_json::from_str::<T>(text).is_ok() {
        return Ok(());
    }
    // Only a row that fails is read again, to say where.
    let de = &mut serde_json::Deserializer::from_str(text);
    let failed = serde_path_to_error::deserialize::<_, T>(de).err();
    match failed {
        None => Ok(()),
        Some(e) => Err(CliError::other(format!(
            "Graph returned a row that does not match the API's schema at value[{index}].{}: {}",
            e.path(),
            e.inner()
        ))
        .hint(
            "this version cannot read that row: report it with the message above; the rows before it \
             are checkpointed, so a fixed version can continue with --resume",
        )),
    }
}

/// The `id` of a call record.
pub fn record_id(record: &CallRecordRow) -> Result<String, CliError> {
    record.id.clone().ok_or_else(|| {
        CliError::other("Graph returned a call record without an id")
            .hint("report it; the rows before it are checkpointed (continue with --resume)")
    })
}

/// A row preceded by the id of its call record (`callRecordId`).
///
/// Serialized in one streaming pass: `flatten` writes the row's members after
/// `callRecordId` without buffering them into a `serde_json::Value` (which would
/// also widen f32 members: 0.02 -> 0.019999999552965164).
#[derive(Serialize)]
pub struct WithRecordId<'a, T> {
    /// The call record's id.
    #[serde(rename = "callRecordId")]
    pub call_record_id: &'a str,
    /// The row.
    #[serde(flatten)]
    pub row: &'a T,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Single {
        loss: f32,
    }

    #[test]
    fn single_precision_members_keep_their_short_form() {
        let row = Single { loss: 0.02 };
        let text = serde_json::to_string(&WithRecordId {
            call_record_id: "r1",
            row: &row,
        })
        .unwrap();
        assert_eq!(text, r#"{"callRecordId":"r1","loss":0.02}"#);
    }
}
