//! OData v4 CSDL (XML) reader: typed model, type resolution and namespace closure.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod model;

pub use model::*;
