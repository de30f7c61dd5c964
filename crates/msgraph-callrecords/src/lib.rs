//! Request builders for the Microsoft Graph call records API (v1.0, and beta with the `beta`
//! feature), generated from Graph's CSDL; re-exports the models ([`models`]) and the runtime
//! ([`runtime`]).
//!
//! # Quick start
//!
//! With `futures` and `tokio` (features `macros`, `rt-multi-thread`) next to this crate, and
//! the `AZURE_*` variables of an app registration with `CallRecords.Read.All` set (see the
//! [`runtime`] docs for the credentials):
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use msgraph_callrecords::runtime::EnvironmentCredential;
//! use msgraph_callrecords::{Client, GraphClient};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = Client::new(
//!         GraphClient::builder()
//!             .credential(EnvironmentCredential::from_env()?)
//!             .build()?,
//!     );
//!     let from = "2026-11-01T00:00:00Z".parse()?;
//!     let to = "2026-11-02T00:00:00Z".parse()?;
//!     let mut rows = client
//!         .communications()
//!         .call_records()
//!         .get_pstn_calls(from, to)
//!         .stream_items();
//!     while let Some(row) = rows.try_next().await? {
//!         println!("{:?} {:?} {:?}", row.start_date_time, row.callee_number, row.charge);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! # Operations
//!
//! Start from a [`Client`] (no trait to import): `client.communications()` (v1.0) or
//! `client.beta().communications()` (beta), then one method per containment navigation
//! property; a collection has `list()` and `by_id(id)`, an entity `get()`, and the log
//! functions are methods of `call_records()`. Only `GET` exists (the API is read-only).
//!
//! | operation | builder chain | query options |
//! |---|---|---|
//! | List callRecords | `call_records().list()` | `select`, `filter` (typed) / `filter_raw`, `top`, `max_page_size` (≤ 60) |
//! | Get callRecord | `call_records().by_id(id).get()` | `select`, `expand` (sessions ± segments, or participants_v2), `max_page_size`; `send_all()` follows nested next links |
//! | List sessions | `by_id(id).sessions().list()` | `select`, `expand(SessionExpand::Segments)`, `top`, `max_page_size` (≤ 60) |
//! | List participants_v2 | `by_id(id).participants_v2().list()` | `top`, `max_page_size` (≤ 130) |
//! | organizer_v2 | `by_id(id).organizer_v2().get()` | — |
//! | session, segments, participant by id | `sessions().by_id(s).get()`, `.segments().list()`, `.segments().by_id(g).get()`, `participants_v2().by_id(p).get()` | — (not documented) |
//! | getPstnCalls, getDirectRoutingCalls | `call_records().get_pstn_calls(from, to)` | — ; `_windowed(from, to)` / `_windowed_by(.., window)` for long ranges |
//! | getSmsLog, getPstnBlockedUsersLog, getPstnOnlineMeetingDialoutReport (beta) | `client.beta().communications().call_records().get_sms_log(from, to)` | same |
//!
//! Every request has `url_path()` (the exact path and query, relative to the version root),
//! `prepare()` (validation only), per-request options (`options(RequestOptions)`, `header`,
//! `prefer`, `client_request_id`, `timeout`) and `send()`: the entity, or one
//! [`Page`] for collections. Collections also have `stream_pages()` and
//! `stream_items()`, a [`PageStream`] / [`ItemStream`] over every page (following
//! `@odata.nextLink`, with the client's retry policy on every page) whose
//! `resume_token()` is a [`ResumeToken`] to continue from later with
//! `stream_pages_from(token)` / `stream_items_from(token)`. [`Client::get`] sends a `GET` of
//! any other path or link ([`RawRequest`]).
//!
//! # Errors
//!
//! Every fallible call returns the one [`Error`] (the runtime's): [`Error::Argument`],
//! [`Error::Auth`], [`Error::Http`] with the Graph error ([`Error::code`],
//! [`Error::message`], [`Error::request_id`], [`Error::client_request_id`],
//! [`Error::status`]), [`Error::Decode`] (with the JSON path), [`Error::Paging`], transport
//! and configuration errors.
//!
//! Arguments are checked **when the request is sent**, never while it is built, so every
//! builder is an infallible chain and there is one `?`, after `send()` (or on the stream's
//! items): an empty or reversed date range, a range over the documented 90 days, a page size
//! over the documented maximum, an empty id are an [`Error::Argument`] before anything goes
//! out (`prepare()` runs the same checks without sending). A query option Graph does not
//! document for an operation has no setter, so it does not compile; `select` takes the
//! property enum of the operation's type.
//!
//! [`concurrent`] runs many requests at once where the API allows it (records by id, list +
//! fetch-each, log functions as concurrent date windows), in a deterministic order; pair it
//! with a [`runtime::Governor`] to stay within Graph's throttling limits.
//!
//! Each module pins its Graph version (`v1::API_VERSION`, `beta::API_VERSION`) through
//! [`GraphClient::with_api_version`], so one client serves both.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use msgraph_callrecords::models::callrecords::{CallRecordProperty, PstnCallLogRow};
//! use msgraph_callrecords::v1::{CallRecordExpand, CallRecordFilter};
//! use msgraph_callrecords::{Client, Error, RequestOptions};
//!
//! # async fn run(client: Client) -> Result<(), Error> {
//! let from = "2026-11-01T00:00:00Z".parse().expect("a date");
//! let to = "2026-11-02T00:00:00Z".parse().expect("a date");
//! // One typed request per operation; arguments Graph would reject fail before sending.
//! let mut rows = client
//!     .communications()
//!     .call_records()
//!     .get_pstn_calls(from, to)
//!     .client_request_id("nightly-export-2026-11-01")
//!     .stream_items();
//! while let Some(row) = rows.try_next().await? {
//!     let row: PstnCallLogRow = row;
//!     println!("{:?}", row.callee_number);
//!     // Where to continue after a crash: save it, resume with `stream_items_from(token)`.
//!     let _checkpoint = rows.resume_token().map(|t| t.to_string());
//! }
//! let page = client
//!     .communications()
//!     .call_records()
//!     .list()
//!     .filter(CallRecordFilter::start_date_time().ge(from))
//!     .select([CallRecordProperty::Id, CallRecordProperty::StartDateTime])
//!     .max_page_size(30)
//!     .options(RequestOptions::new().prefer("omit-values=nulls").max_page_size(30))
//!     .send()
//!     .await?;
//! if let Some(id) = page.value.first().and_then(|r| r.id.clone()) {
//!     let full = client
//!         .communications()
//!         .call_records()
//!         .by_id(id)
//!         .get()
//!         .expand(CallRecordExpand::Sessions { segments: true })
//!         .send_all() // follows sessions@odata.nextLink
//!         .await;
//!     match full {
//!         Ok(record) => println!("{} sessions", record.sessions.map_or(0, |s| s.len())),
//!         Err(e) if e.code() == Some("NotFound") => println!("gone"),
//!         Err(e) => return Err(e),
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # Checkpoint and resume
//!
//! A stream's `resume_token()` says where it stands, down to the item (see
//! [`ResumeToken`]); store its text with the export's output, and after a crash or a
//! deploy start the same request from it: exactly the items not yet read follow, on a new
//! client or in a new process. After an error the token points at the page that failed.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use msgraph_callrecords::{Client, Error, ResumeToken};
//!
//! async fn export(client: &Client, saved: Option<&str>) -> Result<(), Error> {
//!     let from = "2026-11-01T00:00:00Z".parse().expect("a date");
//!     let to = "2026-11-04T00:00:00Z".parse().expect("a date");
//!     // Daily windows; the token also holds the windows still to read.
//!     let request = client
//!         .communications()
//!         .call_records()
//!         .get_pstn_calls_windowed_by(from, to, chrono::Duration::days(1));
//!     let mut rows = match saved {
//!         Some(text) => request.stream_items_from(text.parse::<ResumeToken>()?),
//!         None => request.stream_items(),
//!     };
//!     while let Some(row) = rows.try_next().await? {
//!         println!("{:?}", row.id);
//!         let _checkpoint: Option<String> = rows.resume_token().map(|t| t.to_string());
//!     }
//!     Ok(())
//! }
//! ```
//!
//! # Anything else
//!
//! [`Client::get`] sends a `GET` of any path under the client's version root, or of a link on
//! its host (a saved `@odata.nextLink`, a `/beta` URL), with the same auth, retries, options
//! and errors, decoded into any `DeserializeOwned` type, one page or paged:
//!
//! ```no_run
//! # async fn f(client: msgraph_callrecords::Client) -> Result<(), msgraph_callrecords::Error> {
//! use futures::TryStreamExt;
//! let one: serde_json::Value = client.get("/communications/callRecords?$top=1").send().await?;
//! let all: Vec<serde_json::Value> = client
//!     .get("/communications/callRecords")
//!     .prefer("omit-values=nulls")
//!     .stream_items()
//!     .try_collect()
//!     .await?;
//! # let _ = (one, all); Ok(()) }
//! ```
// The one `Error` is the runtime's (128 bytes: an HTTP error carries the request and Graph
// ids inline). Returning it by value costs a copy only on the error path, next to a network
// round trip; boxing would cost every user a second type to name.
#![allow(clippy::result_large_err)]
// docs.rs builds with `--cfg docsrs` (Cargo.toml) and marks feature-gated items.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use msgraph_callrecords_models as models;
pub use msgraph_runtime as runtime;
pub use msgraph_runtime::{ArgumentError, Error, GraphClient, Page, RequestOptions};

mod client;
pub mod concurrent;
mod raw;
pub mod support;

pub use client::Client;
pub use raw::RawRequest;
pub use support::{ItemStream, PageStream, ResumeToken};

// Generated code is formatted by prettyplease at generation time; rustfmt would reflow it
// and make `cargo xtask codegen --check` fail.
#[rustfmt::skip]
#[path = "generated/v1.rs"]
pub mod v1;

#[cfg(feature = "beta")]
#[cfg_attr(docsrs, doc(cfg(feature = "beta")))]
#[rustfmt::skip]
#[path = "generated/beta.rs"]
pub mod beta;

/// The code blocks of the workspace README, compiled as doctests so the quick start there
/// builds as written.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
