//! Generated serde models for the Microsoft Graph call records API (microsoft.graph.callRecords).
#![forbid(unsafe_code)]
#![warn(missing_docs)]
