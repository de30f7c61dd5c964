//! OData v4 CSDL (XML) reader: typed model, type resolution and namespace closure.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod closure;
pub mod error;
pub mod model;
pub mod parse;
pub mod resolve;
pub mod subset;
pub mod write;

pub use model::*;
