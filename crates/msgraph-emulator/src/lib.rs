//! Loopback emulator of the Microsoft Graph call records endpoints, for tests, examples and benchmarks.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
