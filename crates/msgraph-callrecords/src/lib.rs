//! Request builders for the Microsoft Graph call records API (v1.0, and beta with the `beta`
//! feature), generated from Graph's CSDL; re-exports the models ([`models`]) and the runtime
//! ([`runtime`]).
//!
//! The builders mirror the URL space: `client.communications()` (v1.0) or
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
//! | getPstnCalls, getDirectRoutingCalls | `call_records().get_pstn_calls(from, to)?` | — ; `_windowed(from, to)` / `_windowed_by(.., window)` for long ranges |
//! | getSmsLog, getPstnBlockedUsersLog, getPstnOnlineMeetingDialoutReport (beta) | `client.beta().communications().call_records().get_sms_log(from, to)?` | same |
//!
//! Every request has `url_path()` (the exact path and query, relative to the version root),
//! `prepare()` (validation only), and `send()`: the entity, or one [`Page`](support::Page)
//! for collections; collections also have `stream_pages()` and `stream_items()` (every page,
//! following `@odata.nextLink`, with the client's retry policy on every page).
//!
//! Arguments Graph would reject are an [`ArgumentError`] before anything is sent: an empty or
//! reversed date range, a range over the documented 90 days, a page size over the documented
//! maximum, an empty id. A query option Graph does not document for an operation has no
//! setter, so it does not compile; `select` takes the property enum of the operation's type.
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
//! use msgraph_callrecords::prelude::*;
//! use msgraph_callrecords::models::callrecords::{CallRecordProperty, PstnCallLogRow};
//! use msgraph_callrecords::v1::{CallRecordExpand, CallRecordFilter};
//!
//! # async fn run(client: GraphClient) -> Result<(), Box<dyn std::error::Error>> {
//! let from = "2026-11-01T00:00:00Z".parse()?;
//! let to = "2026-11-02T00:00:00Z".parse()?;
//! // One typed request per operation; arguments Graph would reject fail before sending.
//! let mut rows = client.communications().call_records().get_pstn_calls(from, to)?.stream_items();
//! while let Some(row) = rows.try_next().await? {
//!     let row: PstnCallLogRow = row;
//!     println!("{:?}", row.callee_number);
//! }
//! let page = client
//!     .communications()
//!     .call_records()
//!     .list()
//!     .filter(CallRecordFilter::start_date_time().ge(from))
//!     .select([CallRecordProperty::Id, CallRecordProperty::StartDateTime])
//!     .max_page_size(30)
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
//!         .await?;
//!     println!("{} sessions", full.sessions.map_or(0, |s| s.len()));
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use msgraph_callrecords_models as models;
pub use msgraph_runtime as runtime;
pub use msgraph_runtime::GraphClient;

pub mod concurrent;
pub mod support;

// Generated code is formatted by prettyplease at generation time; rustfmt would reflow it
// and make `cargo xtask codegen --check` fail.
#[rustfmt::skip]
#[path = "generated/v1.rs"]
pub mod v1;

#[cfg(feature = "beta")]
#[rustfmt::skip]
#[path = "generated/beta.rs"]
pub mod beta;

pub use support::{ArgumentError, Error};

/// Entry points on [`GraphClient`]: `client.communications()` (v1.0), `client.v1()`,
/// `client.beta()` (feature `beta`).
pub trait GraphClientExt {
    /// The v1.0 URL space.
    fn v1(&self) -> v1::GraphServiceRequestBuilder;

    /// The beta URL space (sent to `/beta` whatever version the client was built for).
    #[cfg(feature = "beta")]
    fn beta(&self) -> beta::GraphServiceRequestBuilder;

    /// `/communications` in v1.0 (shorthand for `client.v1().communications()`).
    fn communications(&self) -> v1::CommunicationsRequestBuilder {
        self.v1().communications()
    }
}

impl GraphClientExt for GraphClient {
    fn v1(&self) -> v1::GraphServiceRequestBuilder {
        v1::GraphServiceRequestBuilder::new(self)
    }

    #[cfg(feature = "beta")]
    fn beta(&self) -> beta::GraphServiceRequestBuilder {
        beta::GraphServiceRequestBuilder::new(self)
    }
}

/// `use msgraph_callrecords::prelude::*;` brings the client, its extension trait and the
/// error types into scope.
pub mod prelude {
    pub use crate::support::{ArgumentError, Error};
    pub use crate::GraphClientExt;
    pub use msgraph_runtime::GraphClient;
}
