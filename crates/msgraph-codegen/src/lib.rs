//! Generates Rust models and request builders from resolved `msgraph-csdl` documents.
//!
//! Every generator builds `proc_macro2` tokens with `quote`, and [`emit::emit`] turns them
//! into a file: `syn::parse2::<syn::File>` (so invalid output is caught here) ->
//! `prettyplease::unparse` -> the `@generated` [`emit::HEADER`]. Names come from
//! [`naming`]. Output is deterministic: CSDL document order, no hash maps in iteration.
//!
//! [`generate_all`] is what `cargo xtask codegen` writes and `--check` compares. Nothing
//! here names an API: the namespace, the Graph versions and the output crates come in as
//! data ([`Outputs`], [`models::Version`]) from the project's `codegen.toml`.

pub mod builders;
pub mod emit;
mod error;
pub mod models;
pub mod naming;
mod warning;

pub use emit::GeneratedFile;
pub use error::Error;
pub use warning::Warning;

/// Where the generated code goes and what gets request builders: the output half of the
/// project's configuration (`codegen.toml`, read by `cargo xtask codegen`).
#[derive(Debug, Clone, Copy)]
pub struct Outputs<'a> {
    /// Crate that receives the models (`crates/msgraph-callrecords-models`), relative to the
    /// workspace root; files go to its `src/generated/<version>/<namespace>.rs`.
    pub models_crate: &'a str,
    /// The request builders, if any.
    pub builders: Option<BuilderOutput<'a>>,
}

/// The request-builder half of [`Outputs`].
#[derive(Debug, Clone, Copy)]
pub struct BuilderOutput<'a> {
    /// Crate that receives the builders (`crates/msgraph-callrecords`); files go to its
    /// `src/generated/<version>.rs`.
    pub crate_dir: &'a str,
    /// The namespace whose URL space gets builders (`microsoft.graph.callRecords`); types of
    /// other namespaces (the root type `microsoft.graph.call`) get models only.
    pub namespace: &'a str,
    /// What the CSDL does not say about its operations (query options, date-range rules):
    /// the project's `metadata/*.operations.toml`.
    pub facts: &'a builders::facts::Facts,
}

/// What [`generate_all`] produced.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Every generated file (paths relative to the workspace root, sorted).
    pub files: Vec<GeneratedFile>,
    /// What was generated with defaults or dropped, for the caller to show.
    pub warnings: Vec<Warning>,
}

/// Every generated file of `outputs` for the given Graph versions (paths relative to the
/// workspace root, sorted), and the warnings of the generators.
pub fn generate_all(
    outputs: &Outputs<'_>,
    versions: &[models::Version<'_>],
) -> Result<Generated, Error> {
    let mut files = models::generate_models(outputs.models_crate, versions)?;
    let mut warnings = Vec::new();
    if let Some(b) = outputs.builders {
        let (builders, w) =
            builders::generate_builders(b.crate_dir, b.namespace, versions, b.facts)
                .map_err(|e| Error::Builders(Box::new(e)))?;
        files.extend(builders);
        warnings = w;
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Generated { files, warnings })
}
