//! OData v4 CSDL (XML) reader: typed model, type resolution and namespace closure.
//!
//! * [`parse()`] reads a document keeping names as written;
//! * [`load`] / [`load_file`] also resolve every type reference to its
//!   namespace-qualified form and fail on unresolved ones;
//! * a document of [`parse::SPLIT_MIN`] bytes or more is read (and
//!   resolved) by two threads on a machine with two cores, with the result
//!   (or error) one thread gives; [`parse_with`] / [`load_with`] with
//!   [`Threads::One`] keep to one;
//! * [`closure::closure`] computes what a namespace needs and how the
//!   entity container reaches it.

/// A `static [bool; 256]` lookup table of the bytes `b` for which `$test`
/// holds (for byte classes tested on every byte of a name).
macro_rules! byte_class {
    ($(#[$doc:meta])* $name:ident = |$b:ident| $test:expr) => {
        $(#[$doc])*
        static $name: [bool; 256] = {
            let mut t = [false; 256];
            let mut i = 0;
            while i < 256 {
                let $b = i as u8;
                t[i] = $test;
                i += 1;
            }
            t
        };
    };
}

pub mod closure;
pub mod error;
pub mod model;
pub mod parse;
pub mod position;
pub mod resolve;
pub mod subset;
mod tag;
pub mod text;
pub mod write;

use std::path::Path;

pub use closure::{closure, BoundOperation, Closure, Entry, EntryKind, PathStep};
pub use error::{Error, ErrorKind};
pub use model::*;
pub use parse::{parse, parse_with, Threads};
pub use resolve::{resolve, resolve_on, resolve_report, ResolveReport, Unresolved};
pub use text::Str;

/// Parses and resolves a CSDL document; fails when any type reference is unresolved.
pub fn load<'a>(bytes: &'a [u8], source: &str) -> Result<Document<'a>, Error> {
    load_with(bytes, source, Threads::Auto)
}

/// [`load`] on the `threads` given (see [`parse_with`]).
pub fn load_with<'a>(
    bytes: &'a [u8],
    source: &str,
    threads: Threads,
) -> Result<Document<'a>, Error> {
    let mut doc = parse_with(bytes, source, threads)?;
    resolve_on(&mut doc, threads)?;
    Ok(doc)
}

/// Reads, parses and resolves a CSDL file (the path is the source name in
/// errors). The document owns its text (see [`Document::into_owned`]).
pub fn load_file(path: &Path) -> Result<Document<'static>, Error> {
    let source = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Error::new(
            &source,
            Position::default(),
            ErrorKind::Io,
            format!("cannot read file: {e}"),
        )
    })?;
    load(&bytes, &source).map(Document::into_owned)
}
