//! Hand-written Microsoft Graph client runtime: auth, retry, paging, errors, clouds.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
