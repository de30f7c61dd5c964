//! Generates Rust models and request builders from a msgraph-csdl model.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
