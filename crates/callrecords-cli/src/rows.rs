//! The typed row each kind is decoded into: the generated models of
//! `msgraph-callrecords-models` (v1.0, or beta with `--beta`).

use msgraph_callrecords_models::{beta, callrecords};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;

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

/// The `id` of a call record.
pub fn record_id(record: &CallRecordRow) -> Result<String, CliError> {
    record
        .id
        .clone()
        .ok_or_else(|| CliError::other("Graph returned a call record without an id"))
}

/// A row preceded by the id of its call record (`callRecordId`).
pub struct WithRecordId<'a, T> {
    /// The call record's id.
    pub call_record_id: &'a str,
    /// The row.
    pub row: &'a T,
}

impl<T: Serialize> Serialize for WithRecordId<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Serialize the row to a map first so its members follow `callRecordId`.
        // Through text, not `to_value`: f32 members (Edm.Single) keep their
        // short form (0.02, not 0.019999999552965164).
        let text = serde_json::to_vec(self.row).map_err(serde::ser::Error::custom)?;
        let inner: Value = serde_json::from_slice(&text).map_err(serde::ser::Error::custom)?;
        let Value::Object(members) = inner else {
            return Err(serde::ser::Error::custom(
                "a session row must be a JSON object",
            ));
        };
        let mut map = serializer.serialize_map(Some(members.len() + 1))?;
        map.serialize_entry("callRecordId", self.call_record_id)?;
        for (k, v) in &members {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
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
