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
//! The server binds 127.0.0.1 only, serves HTTP/1.1 (keep-alive), and stops by itself
//! after [`EmulatorConfig::max_lifetime`] (or `max_requests`); dropping the [`Emulator`]
//! stops it too. All data is derived from the seed and `day0` (default
//! 2026-11-01T00:00:00Z), never from the clock; [`data`] exposes the generator so tests
//! can compute expected rows, counts and ids.
//!
//! # Endpoints (under `/v1.0` and `/beta`)
//!
//! | path | notes |
//! |---|---|
//! | `POST /{tenant}/oauth2/v2.0/token` (no version prefix) | client credentials (secret or JWT assertion); AADSTS errors |
//! | `GET /communications/callRecords` | `$filter` on `startDateTime` (`lt le gt ge`, `and`) and `participants_v2/any(p:p/id eq '…')`; `$select`; pages of 60 |
//! | `GET /communications/callRecords/{id}` | `$expand=sessions($expand=segments)` (60 inline + `sessions@odata.nextLink`), `$expand=participants_v2` (130 + `participants_v2@odata.nextLink`), `$select`; organizer_v2 always expanded; 404 for unknown ids |
//! | `GET …/{id}/sessions`, `…/{id}/participants_v2`, `…/{id}/organizer_v2` | `$expand=segments` on sessions; pages of 60 / 130 |
//! | `GET …/getPstnCalls(…)`, `…/getDirectRoutingCalls(…)` | v1.0 and beta; also `microsoft.graph.callRecords.`-qualified |
//! | `GET …/getPstnBlockedUsersLog(…)`, `…/getPstnOnlineMeetingDialoutReport(…)`, `…/getSmsLog(…)` | beta only (v1.0: 400 "Resource not found for the segment") |
//!
//! Paging: `@odata.nextLink` repeats the request path and options with `$skip=N`
//! (`$skiptoken=N` is read the same way). The page size is the endpoint maximum, lowered
//! by `Prefer: odata.maxpagesize` and by `$top` (which acts as a page size, as in Graph,
//! and is carried into next links). Log pages hold `"@odata.count"` = rows in that page.
//!
//! Log function windows: row `i` starts at `day0 + i * (86400 s / log_rows_per_day)`;
//! `getPstnCalls` and `getSmsLog` include `toDateTime`, the others exclude it. Parameters
//! accept date-only and date-time literals with `Z` or an offset (`+` must be `%2B`; a raw
//! `+` reads as a space, as in Graph). Errors (400): missing/duplicate/unknown parameter,
//! bad literal, `from > to`, more than 90 days (all but `getDirectRoutingCalls`).
//!
//! `Prefer: include-unknown-enum-members` turns some `productFamily` values from
//! `unknownFutureValue` into `azureCommunicationServices`; `Prefer: omit-values=nulls`
//! drops null members. Responses carry `request-id`, the echoed `client-request-id`, and
//! Graph error bodies (`error.code`, `message`, `innerError.{date,request-id,client-request-id}`).
//!
//! Realism ([`EmulatorConfig::realism`], off by default; [`EmulatorConfig::realistic`]):
//! every Graph request waits a latency drawn from a long-tailed distribution (tokio
//! sleeps, capped), and the documented limits are enforced per scope with sliding
//! windows, answering `429 TooManyRequests` with a fractional `Retry-After`; see [`realism`].
//!
//! Faults ([`Faults`]) are deterministic: request `n` (Graph requests only, unless
//! `count_token_requests`) gets a fault when `n` is a multiple of the configured period.

pub mod config;
pub mod data;
mod handlers;
pub mod ids;
pub mod json;
pub mod query;
pub mod realism;
pub mod reply;
mod server;
mod stats;
pub mod time;
mod token;

pub use config::{default_day0, EmulatorConfig, FaultKind, Faults};
pub use data::{ApiVersion, LogKind};
pub use realism::{Latency, Limit, Limits, Realism};
pub use server::Emulator;
pub use stats::Stats;
