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
mod warning;

pub use emit::GeneratedFile;
pub use error::Error;
pub use warning::Warning;

use msgraph_csdl::Document;

/// What [`generate_all`] produced.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every generated file (paths relative to the workspace root, sorted).
    pub files: Vec<GeneratedFile>,
    /// What was generated with defaults or dropped, for the caller to show.
    pub warnings: Vec<Warning>,
}

/// Every generated file of the workspace, from the v1.0 and beta call-records documents and
/// the builders' operation rules ([`builders::facts::FACTS_FILE`]).
pub fn generate_all(
    v1: &Document,
    beta: &Document,
    facts: &builders::facts::Facts,
) -> Result<Generated, Error> {
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
    let (builders, warnings) =
        builders::generate_builders(&versions, facts).map_err(|e| Error::Builders(Box::new(e)))?;
    files.extend(builders);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Generated { files, warnings })
}
