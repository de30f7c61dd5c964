//! The row types each kind is decoded into.
//!
//! Until the generated models are wired in, rows are decoded as JSON values.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::Value;

use crate::error::CliError;

/// `getPstnCalls` row, v1.0.
pub type PstnV1 = Value;
/// `getPstnCalls` row, beta.
pub type PstnBeta = Value;
/// `getDirectRoutingCalls` row, v1.0.
pub type DirectRoutingV1 = Value;
/// `getDirectRoutingCalls` row, beta.
pub type DirectRoutingBeta = Value;
/// `getPstnBlockedUsersLog` row (beta).
pub type BlockedUsers = Value;
/// `getPstnOnlineMeetingDialoutReport` row (beta).
pub type DialoutReport = Value;
/// `getSmsLog` row (beta).
pub type Sms = Value;
/// A listed call record.
pub type CallRecordRow = Value;
/// A session with its segments.
pub type SessionRow = Value;

/// The `id` of a call record.
pub fn record_id(record: &CallRecordRow) -> Result<String, CliError> {
    record
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
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
        let inner = serde_json::to_value(self.row).map_err(serde::ser::Error::custom)?;
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
