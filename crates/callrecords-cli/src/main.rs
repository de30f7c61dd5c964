//! The `callrecords` command-line exporter.
#![forbid(unsafe_code)]

fn main() {}
