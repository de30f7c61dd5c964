//! Hand-written support for the generated builders: wire encodings, typed filters, date
//! windows, validation and the calls into the runtime. Generic: nothing here names a
//! call-records type; the generated modules supply those.

pub mod encode;
mod error;
mod filter;
mod query;
mod range;
mod transport;

pub use error::{ArgumentError, Error};
pub use filter::{any_eq, DateTimeField, FilterExpression};
pub use msgraph_runtime::{ApiVersion, Page};
pub use query::{QueryOptions, ResourcePath};
pub use range::{DateRange, EndBound, RangeRules, TICK};
pub use transport::{
    send_entity, send_entity_all, send_page, stream_items, stream_pages, ItemStream, PageStream,
    Prepared, Windowed,
};
