//! Rustdoc text from CSDL annotations (`Core.Description`, `Core.Revisions`), with generated
//! fallbacks so every public item is documented.

use proc_macro2::TokenStream;
use quote::quote;

use super::Index;
use crate::emit::escape_doc;
use msgraph_csdl::Annotation;

/// The escaped `Core.Description` of `target`, if any.
pub(crate) fn description(
    index: &Index<'_>,
    target: &str,
    inline: &[Annotation],
) -> Option<String> {
    index
        .description(target, inline)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let mut d = escape_doc(&d.replace(['\r', '\n'], " "));
            if !d.ends_with(['.', '!', '?', ')']) {
                d.push('.');
            }
            d
        })
}

/// `#[deprecated(note = ...)]` when `target` has a `Core.Revisions` record of kind `Deprecated`.
pub(crate) fn deprecation(
    index: &Index<'_>,
    target: &str,
    inline: &[Annotation],
) -> Option<TokenStream> {
    let rev = index
        .revisions(target, inline)
        .into_iter()
        .find(|r| r.kind == "Deprecated")?;
    let mut note = rev
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or("Deprecated by the service")
        .trim_end_matches('.')
        .to_string();
    let mut when = Vec::new();
    if let Some(d) = &rev.date {
        when.push(format!("deprecated {d}"));
    }
    if let Some(d) = &rev.removal_date {
        when.push(format!("removal {d}"));
    }
    if !when.is_empty() {
        note.push_str(&format!(" ({})", when.join(", ")));
    }
    Some(quote!(#[deprecated(note = #note)]))
}
