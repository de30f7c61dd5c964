//! Placeholder; replaced by the paging benchmark.
fn main() {}
