//! Hand-written support for the generated builders: wire encodings, typed filters, date
//! windows, validation, paging streams and the calls into the runtime. Generic: nothing here
//! names a call-records type; the generated modules supply those.

pub mod encode;
mod filter;
mod paging;
mod query;
mod range;
mod transport;

pub use filter::{any_eq, DateTimeField, FilterExpression};
pub use msgraph_runtime::{ApiVersion, ArgumentError, Error, Page, RequestOptions};
pub use paging::{ItemStream, PageStream, ResumeToken};
pub use query::{QueryOptions, ResourcePath};
pub use range::{DateRange, EndBound, RangeRules, TICK};
pub use transport::{
    send_entity, send_entity_all, send_page, stream_items, stream_items_from, stream_pages,
    stream_pages_from, Prepared, Windowed,
};
