//! Errors of this crate: arguments rejected before sending, or a runtime error.

use std::fmt;

/// An argument the API would reject, caught before any request is sent.
///
/// The message names the operation and the offending values, e.g.
/// `getPstnCalls: fromDateTime 2026-11-02T00:00:00Z is not before toDateTime 2026-11-01T00:00:00Z`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgumentError {
    operation: String,
    message: String,
}

impl ArgumentError {
    /// An error for `operation` (e.g. `getPstnCalls`) with a message naming the values.
    pub fn new(operation: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            operation: operation.into(),
            message: message.into(),
        }
    }

    /// The operation whose argument was rejected (`getPstnCalls`, `list sessions`).
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// What was wrong, with the values.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ArgumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.message)
    }
}

impl std::error::Error for ArgumentError {}

/// Every error a request of this crate can end with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument was rejected before sending.
    #[error(transparent)]
    Argument(#[from] ArgumentError),
    /// The runtime failed: HTTP status with the Graph error, transport, decode, auth, config.
    #[error(transparent)]
    Runtime(#[from] msgraph_runtime::Error),
    /// A response merged from nested pages (see `send_all`) did not decode into the model.
    #[error("{operation}: cannot decode the merged response: {source}")]
    Decode {
        /// The operation.
        operation: String,
        /// The serde error, with line/column of the merged JSON.
        source: serde_json::Error,
    },
    /// A nested collection (see `send_all`) still had a next link after the most pages this
    /// crate follows; returning what was read would silently drop the rest.
    #[error("{operation}: {navigation} has more than {pages} pages (the most followed); the collection would be incomplete, page it separately")]
    TooManyNestedPages {
        /// The operation.
        operation: String,
        /// The navigation property whose pages were followed (`sessions`).
        navigation: String,
        /// The number of pages read before giving up.
        pages: usize,
    },
}
