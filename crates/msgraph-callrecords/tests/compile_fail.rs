//! Query options an operation does not support, or of another type, do not compile.
//!
//! rustc names types by their shortest unambiguous path, which depends on whether the beta
//! module (with its own `CallRecordsRequestBuilder`, ...) is compiled; the `.stderr` files are
//! recorded with all features, as CI runs (`cargo test --workspace --all-features`).

#[cfg(feature = "beta")]
#[test]
fn unsupported_query_options_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}
