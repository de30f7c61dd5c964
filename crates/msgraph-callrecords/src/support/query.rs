//! Resource paths and OData system query options, built as pure strings (testable without HTTP).

use super::encode;
use msgraph_runtime::ArgumentError;

/// A path relative to the API version root (`/communications/callRecords/{id}`), with the first
/// argument error met while building it (e.g. an empty key), reported when the request is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourcePath {
    path: String,
    error: Option<ArgumentError>,
}

impl ResourcePath {
    /// The root path `/`.
    pub fn root() -> Self {
        Self {
            path: String::new(),
            error: None,
        }
    }

    /// The path with one more literal segment (a navigation property name, written as is).
    pub fn segment(&self, name: &str) -> Self {
        Self {
            path: format!("{}/{name}", self.path),
            error: self.error.clone(),
        }
    }

    /// The path with one more key segment (`/{id}`), percent-encoded; an empty key, or one
    /// that URL resolution would treat as a dot segment (`.`, `..`, `%2e`, `.%2E`, ...) and so
    /// address another resource, is an error of `operation`, reported at send time.
    pub fn key(&self, operation: &str, id: &str) -> Self {
        let error = self.error.clone().or_else(|| {
            if id.is_empty() {
                Some(ArgumentError::new(operation, "the id must not be empty"))
            } else if is_dot_segment(id) {
                Some(ArgumentError::new(
                    operation,
                    format!("the id {id:?} is a dot segment, which would address another resource"),
                ))
            } else {
                None
            }
        });
        Self {
            path: format!("{}/{}", self.path, encode::path_segment(id)),
            error,
        }
    }

    /// The path with a bound-function call segment (already encoded by [`encode::function_segment`]).
    pub fn function(&self, segment: String) -> Self {
        Self {
            path: format!("{}/{segment}", self.path),
            error: self.error.clone(),
        }
    }

    /// The path text.
    pub fn as_str(&self) -> &str {
        &self.path
    }

    /// The path with `check`'s error deferred to send time (the first error met is kept).
    pub fn checked(mut self, check: Result<(), ArgumentError>) -> Self {
        if self.error.is_none() {
            self.error = check.err();
        }
        self
    }

    /// The deferred argument error, if any.
    pub fn check(&self) -> Result<(), ArgumentError> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }
}

/// Whether `id` reads as `.` or `..` once `%2e`/`%2E` are taken as dots (RFC 3986 §3.3 and
/// the WHATWG URL parser both resolve those forms).
fn is_dot_segment(id: &str) -> bool {
    let lower = id.to_ascii_lowercase();
    matches!(lower.replace("%2e", ".").as_str(), "." | "..")
}

/// The system query options of one request. Only the setters an operation supports are
/// generated, so an unsupported option cannot be set (it does not compile).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryOptions {
    /// `$select` property names.
    pub select: Vec<String>,
    /// `$expand` expression (`sessions($expand=segments)`).
    pub expand: Option<String>,
    /// `$filter` expression.
    pub filter: Option<String>,
    /// `$top`.
    pub top: Option<u32>,
}

impl QueryOptions {
    /// The query string, `?`-prefixed, or empty; options in a fixed order
    /// (`$select`, `$expand`, `$filter`, `$top`) so URLs are stable.
    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        if !self.select.is_empty() {
            parts.push(format!(
                "$select={}",
                encode::query_value(&self.select.join(","))
            ));
        }
        if let Some(e) = &self.expand {
            parts.push(format!("$expand={}", encode::query_value(e)));
        }
        if let Some(f) = &self.filter {
            parts.push(format!("$filter={}", encode::query_value(f)));
        }
        if let Some(t) = self.top {
            parts.push(format!("$top={t}"));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// Checks the options: `top` at least 1, a non-empty filter. (The page size, a header,
    /// is checked by [`Prepared::new`](super::Prepared::new).)
    pub fn check(&self, operation: &str) -> Result<(), ArgumentError> {
        if self.top == Some(0) {
            return Err(ArgumentError::new(operation, "top must be at least 1"));
        }
        if let Some(f) = &self.filter {
            if f.trim().is_empty() {
                return Err(ArgumentError::new(
                    operation,
                    "the filter expression is empty",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_encode_keys_and_defer_errors() {
        let p = ResourcePath::root()
            .segment("communications")
            .segment("callRecords");
        assert_eq!(p.as_str(), "/communications/callRecords");
        let item = p.key("get callRecord", "+1 a/b");
        assert_eq!(item.as_str(), "/communications/callRecords/%2B1%20a%2Fb");
        assert!(item.check().is_ok());
        let bad = p.key("get callRecord", "").segment("sessions");
        let err = bad.check().expect_err("empty id");
        assert_eq!(err.to_string(), "get callRecord: the id must not be empty");
        // Dot segments would resolve to another resource (`/communications/sessions`).
        for dot in [".", "..", "%2e", "%2E%2e", ".%2E", "%2e."] {
            let err = p
                .key("get callRecord", dot)
                .segment("sessions")
                .check()
                .expect_err(dot);
            assert!(err.to_string().contains("dot segment"), "{dot}: {err}");
        }
        for ok in ["...", ".a", "a.", "%2e%2e%2e"] {
            assert!(p.key("get callRecord", ok).check().is_ok(), "{ok}");
        }
    }

    #[test]
    fn query_string_order_and_encoding() {
        let q = QueryOptions {
            select: vec!["id".into(), "startDateTime".into()],
            expand: Some("sessions($expand=segments)".into()),
            filter: Some("startDateTime ge 2026-11-01T00:00:00Z".into()),
            top: Some(5),
        };
        assert_eq!(
            q.query_string(),
            "?$select=id,startDateTime&$expand=sessions($expand%3Dsegments)&$filter=startDateTime%20ge%202026-11-01T00:00:00Z&$top=5"
        );
        assert_eq!(QueryOptions::default().query_string(), "");
    }

    #[test]
    fn limits() {
        assert!(QueryOptions {
            top: Some(0),
            ..Default::default()
        }
        .check("x")
        .is_err());
        assert!(QueryOptions {
            filter: Some(" ".into()),
            ..Default::default()
        }
        .check("x")
        .is_err());
        assert!(QueryOptions {
            top: Some(1),
            ..Default::default()
        }
        .check("x")
        .is_ok());
    }
}
