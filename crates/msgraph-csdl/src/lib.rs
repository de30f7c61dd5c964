//! OData v4 CSDL (XML) reader: typed model, type resolution and namespace closure.
//!
//! * [`parse()`] reads a document keeping names as written;
//! * [`load`] / [`load_file`] also resolve every type reference to its
//!   namespace-qualified form and fail on unresolved ones;
//! * [`closure::closure`] computes what a namespace needs and how the
//!   entity container reaches it;
//! * [`diff()`] reports what changed between two documents and whether
//!   each change breaks the generated API.

pub mod closure;
pub mod diff;
pub mod error;
pub mod model;
pub mod parse;
pub mod position;
pub mod resolve;
pub mod subset;
pub mod write;

use std::path::Path;

pub use closure::{closure, BoundOperation, Closure, Entry, EntryKind, PathStep};
pub use diff::{diff, ApiDiff, Change, ChangeKind, Element, Impact};
pub use error::{Error, ErrorKind};
pub use model::*;
pub use parse::parse;
pub use resolve::{resolve, resolve_report, ResolveReport, Unresolved};

/// Parses and resolves a CSDL document; fails when any type reference is unresolved.
pub fn load(bytes: &[u8], source: &str) -> Result<Document, Error> {
    let mut doc = parse(bytes, source)?;
    resolve(&mut doc)?;
    Ok(doc)
}

/// Reads, parses and resolves a CSDL file (the path is the source name in
/// errors).
pub fn load_file(path: &Path) -> Result<Document, Error> {
    let source = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Error::new(
            &source,
            Position::default(),
            ErrorKind::Io,
            format!("cannot read file: {e}"),
        )
    })?;
    load(&bytes, &source)
}
