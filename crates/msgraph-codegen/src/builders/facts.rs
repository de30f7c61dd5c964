//! What the CSDL does not say about the call-records operations, in one reviewed table.
//!
//! The CSDL gives the URL space (containment navigation, bound functions, parameter and return
//! types). It does not say which query options an operation accepts, the page-size limits, or
//! the date-range rules of the log functions; those come from the API documentation, as
//! collected in `shared/facts/graph-callrecords.md`; each entry's `source` links the Graph
//! documentation page, since generated docs are read where that file is not.
//!
//! Operations absent from this table are still generated (they exist in the URL space) but
//! get no query options beyond what every collection has; a bound function absent from
//! [`FUNCTIONS`] is a generator error, because its date-range rules must be reviewed first.

/// A documented `$filter` form of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterForm {
    /// `<property> lt|le|gt|ge <DateTimeOffset>` on a structural `Edm.DateTimeOffset` property.
    DateTimeCompare(&'static str),
    /// `<collection>/any(p:p/<property> eq '<string>')` over a collection navigation property.
    AnyEq {
        /// The collection navigation property (`participants_v2`).
        collection: &'static str,
        /// The string property of its elements (`id`).
        property: &'static str,
    },
}

/// Whether an operation reads a collection or one entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// `GET` on a collection path.
    List,
    /// `GET` on an entity path (an item by key, or a single-valued navigation property).
    Get,
}

/// Documented query options of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationFacts {
    /// Path template relative to the version root, keys written `{id}`.
    pub path: &'static str,
    /// List or get.
    pub kind: OpKind,
    /// Where the facts come from.
    pub source: &'static str,
    /// `$select` with the entity type's property enum.
    pub select: bool,
    /// Navigation properties accepted by `$expand` (one at a time).
    pub expand: &'static [&'static str],
    /// Documented `$filter` forms; non-empty also enables the raw filter escape hatch.
    pub filter: &'static [FilterForm],
    /// `$top`.
    pub top: bool,
    /// Largest `Prefer: odata.maxpagesize` the operation accepts (its maximum page size).
    pub max_page_size: Option<u32>,
}

/// The operations with documented query options (facts §2.2–§2.5).
pub const OPERATIONS: &[OperationFacts] = &[
    OperationFacts {
        path: "/communications/callRecords",
        kind: OpKind::List,
        // $select and the two $filter forms are documented; $expand is not (listed records
        // carry no sessions/participants_v2). `$top` is not on the page, but Graph's OData layer
        // accepts it on every collection as a per-page cap (the SDK issue asks for it), so the
        // three list operations offer it.
        source: "[List callRecords](https://learn.microsoft.com/graph/api/callrecords-cloudcommunications-list-callrecords?view=graph-rest-1.0) (default page size 60)",
        select: true,
        expand: &[],
        filter: &[
            FilterForm::DateTimeCompare("startDateTime"),
            FilterForm::AnyEq {
                collection: "participants_v2",
                property: "id",
            },
        ],
        top: true,
        max_page_size: Some(60),
    },
    OperationFacts {
        path: "/communications/callRecords/{id}",
        kind: OpKind::Get,
        // A single relationship: sessions (with nested segments) or participants_v2; expanded
        // collections page inline at 60 sessions / 130 participants (nested next links).
        source: "[Get callRecord](https://learn.microsoft.com/graph/api/callrecords-callrecord-get?view=graph-rest-1.0)",
        select: true,
        expand: &["sessions", "participants_v2"],
        filter: &[],
        top: false,
        max_page_size: Some(130),
    },
    OperationFacts {
        path: "/communications/callRecords/{id}/sessions",
        kind: OpKind::List,
        source: "[List sessions](https://learn.microsoft.com/graph/api/callrecords-callrecord-list-sessions?view=graph-rest-1.0) (maximum page size 60)",
        select: true,
        expand: &["segments"],
        filter: &[],
        top: true,
        max_page_size: Some(60),
    },
    OperationFacts {
        path: "/communications/callRecords/{id}/participants_v2",
        kind: OpKind::List,
        // Only $select is documented, but "$select is only supported for callRecord and
        // session" (facts §2.3), so participants get no select.
        source: "[List participants_v2](https://learn.microsoft.com/graph/api/callrecords-callrecord-list-participants_v2?view=graph-rest-1.0) (maximum page size 130)",
        select: false,
        expand: &[],
        filter: &[],
        top: true,
        max_page_size: Some(130),
    },
];

/// Whether a log function's `toDateTime` is inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndBound {
    /// `toDateTime` is included.
    Inclusive,
    /// `toDateTime` is excluded.
    Exclusive,
}

/// Documented rules of one bound log function (facts §2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionFacts {
    /// Unqualified function name.
    pub name: &'static str,
    /// Longest accepted `toDateTime - fromDateTime`, in days; `None` when not documented.
    pub max_days: Option<i64>,
    /// `toDateTime` inclusive or exclusive.
    pub end: EndBound,
    /// Window length of the generated `_windowed` variant, in days (the maximum range, or a
    /// conservative 90 days when no maximum is documented).
    pub window_days: i64,
    /// Rows per page the service returns.
    pub page_size: u32,
    /// Where the facts come from.
    pub source: &'static str,
}

/// Every bound function of the call-records namespace, v1.0 and beta.
pub const FUNCTIONS: &[FunctionFacts] = &[
    FunctionFacts {
        name: "getDirectRoutingCalls",
        max_days: None,
        end: EndBound::Exclusive,
        window_days: 90,
        page_size: 1000,
        source: "[getDirectRoutingCalls](https://learn.microsoft.com/graph/api/callrecords-callrecord-getdirectroutingcalls?view=graph-rest-1.0): from inclusive, to exclusive; maximum range not documented",
    },
    FunctionFacts {
        name: "getPstnCalls",
        max_days: Some(90),
        end: EndBound::Inclusive,
        window_days: 90,
        page_size: 1000,
        source: "[getPstnCalls](https://learn.microsoft.com/graph/api/callrecords-callrecord-getpstncalls?view=graph-rest-1.0): from and to inclusive; at most 90 days",
    },
    FunctionFacts {
        name: "getPstnBlockedUsersLog",
        max_days: Some(90),
        // Only "both required; ISO 8601 UTC" is documented; inclusive is the safe reading for
        // windowing (a window ends 100 ns before the next one starts, so nothing is read twice).
        end: EndBound::Inclusive,
        window_days: 90,
        page_size: 1000,
        source:
            "[getPstnBlockedUsersLog](https://learn.microsoft.com/graph/api/callrecords-callrecord-getpstnblockeduserslog?view=graph-rest-beta): at most 90 days; end bound not documented, treated as inclusive",
    },
    FunctionFacts {
        name: "getPstnOnlineMeetingDialoutReport",
        max_days: Some(90),
        end: EndBound::Inclusive,
        window_days: 90,
        page_size: 1000,
        source:
            "[getPstnOnlineMeetingDialoutReport](https://learn.microsoft.com/graph/api/callrecords-callrecord-getpstnonlinemeetingdialoutreport?view=graph-rest-beta): at most 90 days; end bound not documented, treated as inclusive",
    },
    FunctionFacts {
        name: "getSmsLog",
        max_days: Some(90),
        end: EndBound::Inclusive,
        window_days: 90,
        page_size: 1000,
        source: "[getSmsLog](https://learn.microsoft.com/graph/api/callrecords-callrecord-getsmslog?view=graph-rest-beta): from and to inclusive; at most 90 days",
    },
];

/// The facts of an operation by path template and kind.
pub fn operation(path: &str, kind: OpKind) -> Option<&'static OperationFacts> {
    OPERATIONS.iter().find(|o| o.path == path && o.kind == kind)
}

/// The facts of a bound function by unqualified name.
pub fn function(name: &str) -> Option<&'static FunctionFacts> {
    FUNCTIONS.iter().find(|f| f.name == name)
}
