//! One page of an OData collection response.

use serde::{Deserialize, Serialize};

/// A collection response page: `value` plus `@odata.*` control information.
///
/// `@odata.nextLink` must be followed verbatim; the last page has none. A page may hold
/// zero items. `@odata.count` accepts a number or a numeric string (IEEE754Compatible).
/// Absent members are omitted on serialization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// `@odata.context`: the context URL (`…/$metadata#…`).
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<String>,
    /// `@odata.count`: item count, when requested or sent by the service.
    #[serde(
        rename = "@odata.count",
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_helpers::int64_opt"
    )]
    pub count: Option<i64>,
    /// `@odata.nextLink`: absolute URL of the next page, to be used unchanged.
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    /// `@odata.deltaLink`: URL for later change tracking (delta queries).
    #[serde(
        rename = "@odata.deltaLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delta_link: Option<String>,
    /// The items of this page.
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            context: None,
            count: None,
            next_link: None,
            delta_link: None,
            value: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_graph_page() {
        let text = r#"{
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.callRecords.pstnCallLogRow)",
            "@odata.count": 1000,
            "value": [1, 2],
            "@odata.nextLink": "https://graph.microsoft.com/v1.0/x?$skip=1000"
        }"#;
        let p: Page<u8> = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.count, Some(1000));
        assert_eq!(p.value, vec![1, 2]);
        assert_eq!(
            p.next_link.as_deref(),
            Some("https://graph.microsoft.com/v1.0/x?$skip=1000")
        );
        assert_eq!(p.delta_link, None);
    }

    #[test]
    fn empty_and_string_count() {
        let p: Page<u8> =
            serde_json::from_str(r#"{"@odata.count":"7"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.count, Some(7));
        assert!(p.value.is_empty());
        let p: Page<u8> = serde_json::from_str(r#"{"@odata.count":null,"value":[]}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.count, None);
    }

    #[test]
    fn serializes_without_absent_members() {
        let p = Page {
            next_link: Some("n".into()),
            value: vec!["a"],
            ..Page::default()
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap_or_default(),
            json!({"@odata.nextLink": "n", "value": ["a"]})
        );
    }
}
