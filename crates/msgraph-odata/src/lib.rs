//! OData primitives for Microsoft Graph: Duration, exact Decimal/Int64, DateTimeOffset, pages. No I/O.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
