//! The request-builder generator: CSDL -> typed builders for every call-records operation.
//!
//! Three steps, one module each:
//! * [`plan`] walks the entity container's singletons through containment navigation
//!   properties into the scope namespace (the configured one, `microsoft.graph.callRecords`
//!   for this project) and collects the
//!   operations: `list`/`by_id` for collections, `get` for entities, bound functions;
//! * [`facts`] reads the reviewed data file of what the CSDL does not carry (documented query
//!   options, page-size limits, date-range rules of the log functions,
//!   `metadata/callRecords.operations.toml`), checked against the CSDL while planning: what
//!   it lacks gets conservative defaults and what the CSDL lacks is dropped, with warnings;
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
use crate::Warning;

/// Why builders could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum BuilderError {
    /// The CSDL lacks something the walk needs.
    #[error("request builders: {0}")]
    Csdl(String),
    /// The facts file is not valid.
    #[error("request builders: {0}")]
    Facts(#[from] facts::FactsError),
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
/// space of namespace `scope` (`microsoft.graph.callRecords`), with the plan it was rendered
/// from (whose [`plan::Plan::warnings`] say what got defaults or was dropped).
pub fn builder_tokens(
    version: &Version<'_>,
    scope: &str,
    facts: &facts::Facts,
) -> Result<(TokenStream, plan::Plan), BuilderError> {
    let api_variant = match version.label {
        "v1.0" => "V1",
        "beta" => "Beta",
        other => return Err(BuilderError::Version(other.to_string())),
    };
    let plan = plan::plan(version.document, scope, facts)?;
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
    Ok((render::module(&plan, &ctx), plan))
}

/// Generates `src/generated/<module>.rs` of the builders crate `crate_dir` for each version:
/// builders for the URL space of namespace `scope` (paths relative to the workspace root),
/// with the operation rules `facts`. Also returns the warnings of every version (each
/// prefixed with its label) followed by the facts entries no version used.
pub fn generate_builders(
    crate_dir: &str,
    scope: &str,
    versions: &[Version<'_>],
    facts: &facts::Facts,
) -> Result<(Vec<GeneratedFile>, Vec<Warning>), BuilderError> {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let mut plans = Vec::new();
    for v in versions {
        let path = format!("{crate_dir}/src/generated/{}.rs", v.module);
        let (tokens, plan) = builder_tokens(v, scope, facts)?;
        files.push(emit(&path, tokens).map_err(|e| BuilderError::Emit(e.to_string()))?);
        warnings.extend(plan.warnings.iter().map(|w| Warning {
            subject: format!("{} {}", v.label, w.subject),
            message: w.message.clone(),
        }));
        plans.push(plan);
    }
    warnings.extend(unused_facts(facts, &plans));
    Ok((files, warnings))
}

/// Facts entries that match no operation or function of any plan: rules for something the
/// metadata lacks, dropped.
pub fn unused_facts(facts: &facts::Facts, plans: &[plan::Plan]) -> Vec<Warning> {
    let mut out = Vec::new();
    for o in &facts.operations {
        let used = plans.iter().any(|p| {
            p.operations()
                .iter()
                .any(|op| op.path == o.path && op.kind == o.kind)
        });
        if !used {
            out.push(Warning::new(
                format!(
                    "{} [[operation]] {} {:?}",
                    facts::FACTS_FILE,
                    o.path,
                    o.kind
                ),
                "matches no operation of the metadata; dropped",
            ));
        }
    }
    for f in &facts.functions {
        let used = plans
            .iter()
            .any(|p| p.functions().iter().any(|g| g.qualified == f.name));
        if !used {
            out.push(Warning::new(
                format!("{} [[function]] {}", facts::FACTS_FILE, f.name),
                "matches no bound function of the metadata; dropped",
            ));
        }
    }
    out
}
