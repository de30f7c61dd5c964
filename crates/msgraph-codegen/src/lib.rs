//! Generates Rust models (and, later, request builders) from a resolved `msgraph-csdl`
//! document.
//!
//! Every generator builds `proc_macro2` tokens with `quote`, and [`emit::emit`] turns them
//! into a file: `syn::parse2::<syn::File>` (so invalid output is caught here) ->
//! `prettyplease::unparse` -> the `@generated` [`emit::HEADER`]. Names come from
//! [`naming`]. Output is deterministic: CSDL document order, no hash maps in iteration.
//!
//! [`generate_all`] is what `cargo xtask codegen` writes and `--check` compares.

pub mod builders;
pub mod emit;
mod error;
pub mod models;
pub mod naming;

pub use emit::GeneratedFile;
pub use error::Error;

use msgraph_csdl::Document;

/// Every generated file of the workspace, from the v1.0 and beta call-records documents
/// (paths relative to the workspace root, sorted).
pub fn generate_all(v1: &Document, beta: &Document) -> Result<Vec<GeneratedFile>, Error> {
    let versions = [
        models::Version {
            module: "v1",
            label: "v1.0",
            feature: None,
            document: v1,
        },
        models::Version {
            module: "beta",
            label: "beta",
            feature: Some("beta"),
            document: beta,
        },
    ];
    let mut files = models::generate_models(&versions)?;
    files.extend(builders::generate_builders(&versions).map_err(|e| Error::Builders(Box::new(e)))?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
