//! OData primitives for Microsoft Graph: Duration, exact Decimal/Int64, DateTimeOffset, pages. No I/O.
//!
//! These are the small hand-written building blocks the generated models crate and the
//! runtime share:
//!
//! * [`DateTimeOffset`] — `Edm.DateTimeOffset` that re-serializes exactly as received
//!   (0–9 fractional digits, `Z` or numeric offset).
//! * [`Duration`] — `Edm.Duration` (ISO 8601 day-time duration) that keeps its written form.
//! * [`serde_helpers`] — `#[serde(with = "...")]` modules for `Edm.Decimal`, `Edm.Int64`,
//!   `Edm.Single` and `Edm.Double` (numbers or strings, `NaN`/`INF`), each with `_opt`
//!   (`Option<T>`) and `_vec` (`Vec<T>`) variants.
//! * [`object`] — member-by-member decoding that keeps undeclared members
//!   (used by the generated models instead of `#[serde(flatten)]`).
//! * [`serialize_with_type`] — writes a struct with an `@odata.type` it does not carry.
//! * [`Page`] — one page of a collection response (`value` + `@odata.*` control information).
//! * [`ODataEnum`] / [`odata_enum!`] — case-insensitive, evolvable enums that never lose data.
//!
//! ```
//! use msgraph_odata::{DateTimeOffset, Duration, Page};
//!
//! // Values are written back exactly as Graph sent them.
//! let at: DateTimeOffset = "2026-11-01T08:00:00.1234567Z".parse()?;
//! assert_eq!(at.to_string(), "2026-11-01T08:00:00.1234567Z");
//! let length: Duration = "PT1M30S".parse()?;
//! assert_eq!(length.to_std(), Some(std::time::Duration::from_secs(90)));
//!
//! let page: Page<serde_json::Value> = serde_json::from_str(
//!     r#"{"@odata.count":"2","value":[{"id":"a"},{"id":"b"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/x?$skip=2"}"#,
//! )?;
//! assert_eq!((page.value.len(), page.count), (2, Some(2)));
//! assert!(page.next_link.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod datetime;
mod duration;
mod enums;
pub mod object;
mod page;
pub mod serde_helpers;
mod typed;

pub use datetime::{DateTimeOffset, DateTimeParseError};
pub use duration::{Duration, DurationParseError};
pub use enums::{deserialize_enum, parse_enum, serialize_enum, ODataEnum};
pub use page::Page;
pub use typed::serialize_with_type;

/// Re-export for the [`odata_enum!`] macro so generated code needs no extra imports.
#[doc(hidden)]
pub use serde as __serde;

/// Name of the control-information member carrying a value's runtime type
/// (value: `#` + namespace-qualified type name, e.g. `#microsoft.graph.identitySet`).
pub const ODATA_TYPE: &str = "@odata.type";

/// Returns the type name from an object's `@odata.type` member, without the leading `#`.
///
/// `None` when the member is absent or not a string. A value without `#` is returned as is.
pub fn type_name_of(map: &serde_json::Map<String, serde_json::Value>) -> Option<&str> {
    let raw = map.get(ODATA_TYPE)?.as_str()?;
    Some(raw.strip_prefix('#').unwrap_or(raw))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
        match v {
            serde_json::Value::Object(m) => m,
            other => panic!("test fixture is not an object: {other}"),
        }
    }

    #[test]
    fn type_name_strips_hash() {
        let m = obj(json!({"@odata.type": "#microsoft.graph.callRecords.participantEndpoint"}));
        assert_eq!(
            type_name_of(&m),
            Some("microsoft.graph.callRecords.participantEndpoint")
        );
        let m = obj(json!({"@odata.type": "microsoft.graph.identitySet"}));
        assert_eq!(type_name_of(&m), Some("microsoft.graph.identitySet"));
    }

    #[test]
    fn type_name_absent_or_not_string() {
        assert_eq!(type_name_of(&obj(json!({"id": "x"}))), None);
        assert_eq!(type_name_of(&obj(json!({"@odata.type": 3}))), None);
    }
}
