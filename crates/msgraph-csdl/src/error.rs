//! Errors with file, line and column.

use crate::Position;

/// What went wrong, for callers that want to branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The file could not be read.
    Io,
    /// The input is not valid UTF-8.
    Encoding,
    /// The input is not well-formed XML (includes empty and truncated input).
    Xml,
    /// Well-formed XML that is not a CSDL document (wrong root, misplaced element).
    Structure,
    /// A required attribute is missing.
    MissingAttribute,
    /// An attribute or text value is malformed (`Nullable="yes"`, `Value="x"`).
    InvalidValue,
    /// An `Edm.X` name that is not an OData primitive type.
    UnknownPrimitive,
    /// A name is declared twice where it must be unique (types in a namespace,
    /// properties of a type, enum members, schema aliases and namespaces).
    Duplicate,
    /// Type references that name no declared type.
    Unresolved,
    /// Elements nested deeper than the reader accepts.
    TooDeep,
    /// A namespace asked for does not exist in the document.
    UnknownNamespace,
    /// Input the reader does not support: dynamic annotation expressions,
    /// documents over 4 GiB.
    Unsupported,
}

/// A CSDL reading error: what, in which source, at which line and column.
///
/// Displays as `source:line:column: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct Error {
    /// The source name given to the reader (usually the file path).
    pub file: String,
    /// 1-based line (0 when the error has no position, e.g. I/O).
    pub line: u32,
    /// 1-based column in characters (0 when the error has no position).
    pub column: u32,
    /// The category.
    pub kind: ErrorKind,
    /// Human-readable description.
    pub message: String,
}

impl Error {
    /// Builds an error at a position.
    pub fn new(file: &str, at: Position, kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            file: file.to_string(),
            line: at.line,
            column: at.column,
            kind,
            message: message.into(),
        }
    }

    /// The line and column.
    pub fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }
}
