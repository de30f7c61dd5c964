//! The request-builder generator: CSDL -> typed builders for every call-records operation.
//!
//! Three steps, one module each:
//! * [`plan`] walks the entity container's singletons through containment navigation
//!   properties into the scope namespace (the configured one, `microsoft.graph.callRecords`
//!   for this project) and collects the
//!   operations: `list`/`by_id` for collections, `get` for entities, bound functions;
//! * [`facts`] is the reviewed table of what the CSDL does not carry (documented query
//!   options, page-size limits, date-range rules of the log functions), checked against the
//!   CSDL while planning;
//! * [`render`] turns the plan into tokens that call the hand-written `support` module of the
//!   builders crate.
//!
//! Output: `<builders crate>/src/generated/<version module>.rs`
//! (`crates/msgraph-callrecords/src/generated/{v1,beta}.rs` here).

pub mod facts;
pub mod plan;
pub mod render;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::emit::{emit, GeneratedFile};
use crate::models::Version;

/// Why builders could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum BuilderError {
    /// The CSDL lacks something the walk needs.
    #[error("request builders: {0}")]
    Csdl(String),
    /// The facts table disagrees with the CSDL, or lacks an entry.
    #[error("request builders: facts table: {0}")]
    Facts(String),
    /// Two URL-space nodes map to one Rust name.
    #[error(
        "request builders: `{rust_name}` would be generated for both `{first}` and `{second}`"
    )]
    NameClash {
        /// The Rust name.
        rust_name: String,
        /// First path.
        first: String,
        /// Second path.
        second: String,
    },
    /// The Graph version label has no `ApiVersion` of the runtime.
    #[error(
        "request builders: Graph version `{0}` is not one the runtime can address (v1.0, beta)"
    )]
    Version(String),
    /// Formatting failed (a generator bug).
    #[error("request builders: {0}")]
    Emit(String),
}

/// The generated module of one version as tokens (before formatting): builders for the URL
/// space of namespace `scope` (`microsoft.graph.callRecords`).
pub fn builder_tokens(version: &Version<'_>, scope: &str) -> Result<TokenStream, BuilderError> {
    let api_variant = match version.label {
        "v1.0" => "V1",
        "beta" => "Beta",
        other => return Err(BuilderError::Version(other.to_string())),
    };
    let plan = plan::plan(version.document, scope)?;
    let models = match version.feature {
        // Feature-gated versions live in a submodule of the models crate root.
        Some(_) => {
            let m = crate::naming::field_ident(version.module);
            quote!(crate::models::#m)
        }
        None => quote!(crate::models),
    };
    let api_variant = Ident::new(api_variant, Span::call_site());
    let ctx = render::Ctx {
        models,
        api_variant,
        label: version.label.to_string(),
    };
    Ok(render::module(&plan, &ctx))
}

/// Generates `src/generated/<module>.rs` of the builders crate `crate_dir` for each version:
/// builders for the URL space of namespace `scope` (paths relative to the workspace root).
pub fn generate_builders(
    crate_dir: &str,
    scope: &str,
    versions: &[Version<'_>],
) -> Result<Vec<GeneratedFile>, BuilderError> {
    let mut files = Vec::new();
    for v in versions {
        let path = format!("{crate_dir}/src/generated/{}.rs", v.module);
        let file = emit(&path, builder_tokens(v, scope)?)
            .map_err(|e| BuilderError::Emit(e.to_string()))?;
        files.push(file);
    }
    Ok(files)
}
