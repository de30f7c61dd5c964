//! What the CSDL does not say about the operations, read from data the project reviews:
//! `metadata/callRecords.operations.toml` ([`FACTS_FILE`]).
//!
//! The CSDL gives the URL space (containment navigation, bound functions, parameter and return
//! types). It does not say which query options an operation accepts, the page-size limits, or
//! the date-range rules of the log functions; those come from the API documentation, as
//! collected in `shared/facts/graph-callrecords.md`; each entry's `source` links the Graph
//! documentation page, since generated docs are read where that file is not.
//!
//! The file is data, not code, so a Graph update needs no generator edit:
//! * an operation or bound function without an entry is still generated, with the
//!   conservative defaults ([`Facts::operation`] gives none: no query options beyond what
//!   every request has; [`FunctionFacts::conservative`]: no client-side range limit), and the
//!   planner reports a [`Warning`](crate::Warning) naming it;
//! * a rule naming something the CSDL lacks (a `$filter` property, an `$expand` navigation
//!   property, a path or a function) is dropped with a warning naming it.
//!
//! Only a file that is not valid (TOML syntax, an unknown key, a duplicate entry, a bad
//! value) is an error, naming the file, the entry and, from the TOML parser, line and column.

use std::collections::BTreeSet;

use serde::Deserialize;

/// The operation rules of the call-records builders, relative to the workspace root.
/// `cargo xtask metadata import` never writes it, so re-importing keeps every rule.
pub const FACTS_FILE: &str = "metadata/callRecords.operations.toml";

/// Why a facts file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FactsError {
    /// Not TOML, or not the expected shape (the message has line and column).
    #[error("{source_name}: {message}")]
    Syntax {
        /// The file (or other source) name.
        source_name: String,
        /// The parser's message.
        message: String,
    },
    /// Well-formed, but an entry is wrong.
    #[error("{source_name}: {entry}: {message}")]
    Invalid {
        /// The file (or other source) name.
        source_name: String,
        /// The entry (`[[operation]] /communications/callRecords list`).
        entry: String,
        /// What is wrong.
        message: String,
    },
    /// The file cannot be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The OS message.
        message: String,
    },
}

/// A documented `$filter` form of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "form", rename_all = "kebab-case", deny_unknown_fields)]
pub enum FilterForm {
    /// `<property> lt|le|gt|ge <DateTimeOffset>` on a structural `Edm.DateTimeOffset` property
    /// (`{ form = "date-time-compare", property = "startDateTime" }`).
    DateTimeCompare {
        /// The property (`startDateTime`).
        property: String,
    },
    /// `<collection>/any(p:p/<property> eq '<string>')` over a collection navigation property
    /// (`{ form = "any-eq", collection = "participants_v2", property = "id" }`).
    AnyEq {
        /// The collection navigation property (`participants_v2`).
        collection: String,
        /// The string property of its elements (`id`).
        property: String,
    },
}

impl FilterForm {
    /// The form as OData text, for warnings and docs (`participants_v2/any(p:p/id eq ..)`).
    pub fn describe(&self) -> String {
        match self {
            FilterForm::DateTimeCompare { property } => format!("{property} lt|le|gt|ge .."),
            FilterForm::AnyEq {
                collection,
                property,
            } => format!("{collection}/any(p:p/{property} eq ..)"),
        }
    }
}

/// Whether an operation reads a collection or one entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OpKind {
    /// `GET` on a collection path.
    List,
    /// `GET` on an entity path (an item by key, or a single-valued navigation property).
    Get,
}

/// Documented query options of one operation (an `[[operation]]` entry).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationFacts {
    /// Path template relative to the version root, keys written `{id}`.
    pub path: String,
    /// List or get.
    pub kind: OpKind,
    /// Where the facts come from.
    pub source: String,
    /// `$select` with the entity type's property enum.
    #[serde(default)]
    pub select: bool,
    /// Navigation properties accepted by `$expand` (one at a time).
    #[serde(default)]
    pub expand: Vec<String>,
    /// Documented `$filter` forms; non-empty also enables the raw filter escape hatch.
    #[serde(default)]
    pub filter: Vec<FilterForm>,
    /// `$top`.
    #[serde(default)]
    pub top: bool,
    /// Largest `Prefer: odata.maxpagesize` the operation accepts (its maximum page size).
    pub max_page_size: Option<u32>,
}

/// Whether a log function's `toDateTime` is inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndBound {
    /// `toDateTime` is included.
    Inclusive,
    /// `toDateTime` is excluded.
    Exclusive,
}

/// Documented rules of one bound function (a `[[function]]` entry).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionFacts {
    /// Namespace-qualified function name (`microsoft.graph.callRecords.getPstnCalls`).
    pub name: String,
    /// Longest accepted `toDateTime - fromDateTime`, in days; `None` when not documented.
    pub max_days: Option<i64>,
    /// `toDateTime` inclusive or exclusive.
    pub end: EndBound,
    /// Window length of the generated `_windowed` variant, in days (the maximum range, or a
    /// conservative 90 days when no maximum is documented).
    pub window_days: i64,
    /// Rows per page the service returns, when documented.
    pub page_size: Option<u32>,
    /// Where the facts come from.
    pub source: String,
}

impl FunctionFacts {
    /// Window of the `_windowed` variant when nothing is documented (the longest documented
    /// range of the call-records log functions).
    pub const DEFAULT_WINDOW_DAYS: i64 = 90;

    /// The rules of a function without an entry: no client-side range limit (the service
    /// decides), `toDateTime` read as inclusive (consecutive windows then never overlap, so
    /// no row is read twice), [`Self::DEFAULT_WINDOW_DAYS`] windows, no documented page size.
    pub fn conservative(qualified: &str) -> Self {
        FunctionFacts {
            name: qualified.to_string(),
            max_days: None,
            end: EndBound::Inclusive,
            window_days: Self::DEFAULT_WINDOW_DAYS,
            page_size: None,
            source: format!(
                "no entry in {FACTS_FILE}: no client-side range limit, end bound read as inclusive"
            ),
        }
    }
}

/// The whole facts file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// `[[operation]]` entries, in file order.
    #[serde(default, rename = "operation")]
    pub operations: Vec<OperationFacts>,
    /// `[[function]]` entries, in file order.
    #[serde(default, rename = "function")]
    pub functions: Vec<FunctionFacts>,
}

impl Facts {
    /// Parses and checks a facts file; `source_name` names it in errors.
    pub fn from_toml(text: &str, source_name: &str) -> Result<Self, FactsError> {
        let facts: Facts = toml::from_str(text).map_err(|e| FactsError::Syntax {
            source_name: source_name.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        facts.validate(source_name)?;
        Ok(facts)
    }

    /// Reads [`Self::from_toml`] from a file.
    pub fn load_file(path: &std::path::Path) -> Result<Self, FactsError> {
        let text = std::fs::read_to_string(path).map_err(|e| FactsError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    fn validate(&self, source_name: &str) -> Result<(), FactsError> {
        let invalid = |entry: String, message: String| FactsError::Invalid {
            source_name: source_name.to_string(),
            entry,
            message,
        };
        let mut seen = BTreeSet::new();
        for o in &self.operations {
            let entry = format!("[[operation]] {} {:?}", o.path, o.kind);
            if !seen.insert((o.path.as_str(), o.kind)) {
                return Err(invalid(entry, "appears twice".into()));
            }
            if !o.path.starts_with('/') {
                return Err(invalid(entry, "`path` must start with `/`".into()));
            }
            if o.max_page_size == Some(0) {
                return Err(invalid(entry, "`max_page_size` must be at least 1".into()));
            }
        }
        let mut seen = BTreeSet::new();
        for f in &self.functions {
            let entry = format!("[[function]] {}", f.name);
            if !seen.insert(f.name.as_str()) {
                return Err(invalid(entry, "appears twice".into()));
            }
            if msgraph_csdl::split_qualified(&f.name).is_none() {
                return Err(invalid(
                    entry,
                    "`name` must be namespace-qualified (`microsoft.graph.callRecords.getPstnCalls`)"
                        .into(),
                ));
            }
            if f.window_days < 1 || f.max_days.is_some_and(|m| m < 1) {
                return Err(invalid(
                    entry,
                    "`window_days` and `max_days` must be at least 1".into(),
                ));
            }
            if f.max_days.is_some_and(|m| f.window_days > m) {
                return Err(invalid(
                    entry,
                    "`window_days` exceeds `max_days` (every window would be rejected)".into(),
                ));
            }
            if f.page_size == Some(0) {
                return Err(invalid(entry, "`page_size` must be at least 1".into()));
            }
        }
        Ok(())
    }

    /// The facts of an operation by path template and kind; `None` means the conservative
    /// default: no query options beyond what every request has, no page-size limit.
    pub fn operation(&self, path: &str, kind: OpKind) -> Option<&OperationFacts> {
        self.operations
            .iter()
            .find(|o| o.path == path && o.kind == kind)
    }

    /// The facts of a bound function by qualified name.
    pub fn function(&self, qualified: &str) -> Option<&FunctionFacts> {
        self.functions.iter().find(|f| f.name == qualified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE_OF_EACH: &str = r#"
[[operation]]
path = "/a/b"
kind = "list"
source = "doc §1"
select = true
filter = [
  { form = "date-time-compare", property = "start" },
  { form = "any-eq", collection = "people", property = "id" },
]
max_page_size = 60

[[function]]
name = "ns.getLog"
max_days = 90
end = "exclusive"
window_days = 30
page_size = 1000
source = "doc §2"
"#;

    #[test]
    fn reads_entries_with_defaults_for_absent_keys() {
        let f = Facts::from_toml(ONE_OF_EACH, "x.toml").unwrap_or_else(|e| panic!("{e}"));
        let op = f.operation("/a/b", OpKind::List).expect("entry");
        assert!(op.select && !op.top && op.expand.is_empty());
        assert_eq!(op.max_page_size, Some(60));
        assert_eq!(
            op.filter[1],
            FilterForm::AnyEq {
                collection: "people".into(),
                property: "id".into()
            }
        );
        assert_eq!(op.filter[1].describe(), "people/any(p:p/id eq ..)");
        assert!(f.operation("/a/b", OpKind::Get).is_none());
        let func = f.function("ns.getLog").expect("entry");
        assert_eq!(
            (func.max_days, func.end, func.window_days, func.page_size),
            (Some(90), EndBound::Exclusive, 30, Some(1000))
        );
        assert!(f.function("getLog").is_none(), "names are qualified");
    }

    #[test]
    fn bad_files_are_errors_naming_file_entry_and_place() {
        let cases: &[(&str, &[&str])] = &[
            // Unknown key: a typo must not silently drop a rule.
            (
                "[[operation]]\npath = \"/a\"\nkind = \"list\"\nsource = \"s\"\nselcet = true\n",
                &["x.toml", "selcet", "line 5"],
            ),
            (
                "[[operation]]\npath = \"/a\"\nkind = \"lst\"\nsource = \"s\"\n",
                &["x.toml", "lst"],
            ),
            (
                "[[operation]]\npath = \"/a\"\nkind = \"list\"\nsource = \"s\"\n\
                 [[operation]]\npath = \"/a\"\nkind = \"list\"\nsource = \"t\"\n",
                &["x.toml", "/a List", "twice"],
            ),
            (
                "[[function]]\nname = \"getLog\"\nend = \"inclusive\"\nwindow_days = 1\nsource = \"s\"\n",
                &["[[function]] getLog", "qualified"],
            ),
            (
                "[[function]]\nname = \"n.f\"\nmax_days = 30\nend = \"inclusive\"\nwindow_days = 90\nsource = \"s\"\n",
                &["n.f", "exceeds `max_days`"],
            ),
            ("[[operation]\n", &["x.toml", "line 1"]),
        ];
        for (text, needles) in cases {
            let e = Facts::from_toml(text, "x.toml").expect_err(text);
            let msg = e.to_string();
            for n in *needles {
                assert!(msg.contains(n), "`{n}` not in: {msg}");
            }
        }
    }

    #[test]
    fn conservative_function_rules_have_no_limit() {
        let f = FunctionFacts::conservative("ns.getNewLog");
        assert_eq!(f.max_days, None);
        assert_eq!(f.page_size, None);
        assert_eq!(f.end, EndBound::Inclusive);
        assert!(f.source.contains(FACTS_FILE));
    }
}
