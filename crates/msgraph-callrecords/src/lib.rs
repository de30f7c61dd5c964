//! Generated request builders for the Microsoft Graph call records API; re-exports the models and runtime.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
