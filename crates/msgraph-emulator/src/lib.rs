//! Loopback emulator of the Microsoft Graph call records endpoints, for tests, examples and benchmarks.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use msgraph_emulator::{Emulator, EmulatorConfig};
//! let emu = Emulator::start(EmulatorConfig::default()).await?;
//! let url = format!(
//!     "{}/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2026-11-01,toDateTime=2026-11-02)",
//!     emu.base_url()
//! );
//! # let _ = url;
//! emu.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The server binds 127.0.0.1 only, serves HTTP/1.1, and stops by itself after
//! `max_lifetime`. All data is derived from the seed and `day0`, never from the clock.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod config;
pub mod data;
mod handlers;
pub mod ids;
pub mod json;
pub mod query;
pub mod reply;
mod server;
mod stats;
pub mod time;
mod token;

pub use config::{default_day0, EmulatorConfig, FaultKind, Faults};
pub use data::{ApiVersion, LogKind};
pub use server::Emulator;
pub use stats::Stats;
