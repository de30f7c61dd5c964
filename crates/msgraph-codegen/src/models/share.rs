//! One Rust type for a CSDL type that is the same in two Graph versions.
//!
//! Graph beta repeats most v1.0 types unchanged. Generating them twice would
//! give two incompatible Rust types for one wire type (a value from a v1.0
//! call could not be passed where beta expects it). Instead, a later
//! version's module re-exports the first version's item when
//!
//! * the items generated for it (the type and its impls) are the same
//!   tokens in both versions, and
//! * every generated type those items name is itself shared (a struct whose
//!   field is a beta-only enum stays a beta type).
//!
//! Comparing the generated tokens rather than the CSDL makes "the same"
//! mean exactly "would compile to the same thing".

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::{format_ident, quote, ToTokens};

use crate::Error;

/// The items of one generated module, grouped by the type they belong to.
pub(crate) struct ModuleItems {
    /// The module's inner attributes (`#![doc]`, `#![allow]`).
    inner: Vec<syn::Attribute>,
    /// Per type, in module order: its items, their tokens as text, and the
    /// identifiers they mention.
    units: Vec<Unit>,
}

struct Unit {
    /// The type's Rust name (the owner of the items).
    name: String,
    items: Vec<syn::Item>,
    text: String,
    mentions: BTreeSet<String>,
}

impl ModuleItems {
    /// Splits a generated module (`path` names it in errors) into per-type units.
    pub(crate) fn parse(path: &str, tokens: TokenStream) -> Result<Self, Error> {
        let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Emit {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        let mut units: Vec<Unit> = Vec::new();
        let mut position: BTreeMap<String, usize> = BTreeMap::new();
        for item in file.items {
            let name = owner(&item).ok_or_else(|| Error::Emit {
                path: path.to_string(),
                message: format!(
                    "cannot tell which type this item belongs to: {}",
                    item.to_token_stream()
                ),
            })?;
            let at = *position.entry(name.clone()).or_insert_with(|| {
                units.push(Unit {
                    name,
                    items: Vec::new(),
                    text: String::new(),
                    mentions: BTreeSet::new(),
                });
                units.len() - 1
            });
            units[at].items.push(item);
        }
        for unit in &mut units {
            let tokens: TokenStream = unit.items.iter().map(ToTokens::to_token_stream).collect();
            unit.text = tokens.to_string();
            idents(tokens, &mut unit.mentions);
            unit.mentions.remove(&unit.name);
        }
        Ok(ModuleItems {
            inner: file.attrs,
            units,
        })
    }

    /// The module as generated, every item its own.
    pub(crate) fn tokens(&self) -> TokenStream {
        let inner = &self.inner;
        let items = self.units.iter().flat_map(|u| &u.items);
        quote!(#(#inner)* #(#items)*)
    }

    /// The names of the types this module defines.
    fn names(&self) -> impl Iterator<Item = &str> {
        self.units.iter().map(|u| u.name.as_str())
    }
}

/// Which types of a later version's modules (`later`, by module name) can be
/// the first version's (`first`): same tokens, and naming only shared types.
/// Returns the shared type names per module.
pub(crate) fn shared_types(
    first: &BTreeMap<String, ModuleItems>,
    later: &BTreeMap<String, ModuleItems>,
) -> BTreeMap<String, BTreeSet<String>> {
    let mut shared: BTreeMap<String, BTreeSet<String>> = later
        .iter()
        .map(|(module, items)| {
            let same: BTreeSet<String> = match first.get(module) {
                Some(base) => {
                    let base_text: BTreeMap<&str, &str> = base
                        .units
                        .iter()
                        .map(|u| (u.name.as_str(), u.text.as_str()))
                        .collect();
                    items
                        .units
                        .iter()
                        .filter(|u| base_text.get(u.name.as_str()) == Some(&u.text.as_str()))
                        .map(|u| u.name.clone())
                        .collect()
                }
                None => BTreeSet::new(),
            };
            (module.clone(), same)
        })
        .collect();
    // A name is "kept local" if some module of the later version defines it
    // and does not share it. Names can repeat across modules
    // (`graph::UserIdentity`, `callrecords::UserIdentity`); a mention of
    // either counts as both, which can only share less, never wrongly.
    loop {
        let local: BTreeSet<&str> = later
            .iter()
            .flat_map(|(module, items)| {
                let shared = &shared[module];
                items.names().filter(move |n| !shared.contains(*n))
            })
            .collect();
        let mut changed = false;
        let mut next = shared.clone();
        for (module, items) in later {
            for unit in &items.units {
                let names_local = unit.mentions.iter().any(|m| local.contains(m.as_str()));
                if names_local && next.get_mut(module).is_some_and(|s| s.remove(&unit.name)) {
                    changed = true;
                }
            }
        }
        shared = next;
        if !changed {
            return shared;
        }
    }
}

impl ModuleItems {
    /// The module with the `shared` types replaced by one re-export of the
    /// first version's (`pub use super::super::<first>::<module>::{...}`),
    /// and a module doc line saying so.
    pub(crate) fn tokens_sharing(
        &self,
        shared: &BTreeSet<String>,
        first_version: &str,
        first_label: &str,
        module: &str,
    ) -> TokenStream {
        if shared.is_empty() {
            return self.tokens();
        }
        let note = format!(
            " The {} types defined the same way in Graph {first_label} are the {first_label} \
             types, re-exported: a value of one version is a value of the other.",
            shared.len()
        );
        let mut inner = self.inner.clone();
        // After the module's doc lines, before its `#![allow]`s.
        let docs = inner
            .iter()
            .take_while(|a| a.path().is_ident("doc"))
            .count();
        inner.insert(docs, syn::parse_quote!(#![doc = #note]));
        inner.insert(docs, syn::parse_quote!(#![doc = ""]));
        let version = format_ident!("{first_version}");
        let module_ident = format_ident!("{module}");
        let names = shared.iter().map(|n| format_ident!("{n}"));
        let items = self
            .units
            .iter()
            .filter(|u| !shared.contains(&u.name))
            .flat_map(|u| &u.items);
        quote! {
            #(#inner)*
            pub use super::super::#version::#module_ident::{#(#names),*};
            #(#items)*
        }
    }
}

/// The type an item belongs to: the struct or enum it defines, the type an
/// `impl` is for, the type a `deserialize_members!(..)` call names (last).
fn owner(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Impl(i) => match &*i.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        syn::Item::Macro(m) => m
            .mac
            .tokens
            .clone()
            .into_iter()
            .filter_map(|t| match t {
                TokenTree::Ident(i) => Some(i.to_string()),
                _ => None,
            })
            .last(),
        _ => None,
    }
}

/// Every identifier in `tokens`, nested groups included.
fn idents(tokens: TokenStream, out: &mut BTreeSet<String>) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(tokens: TokenStream) -> ModuleItems {
        ModuleItems::parse("test.rs", tokens).unwrap_or_else(|e| panic!("{e}"))
    }

    fn modules(graph: TokenStream, calls: TokenStream) -> BTreeMap<String, ModuleItems> {
        BTreeMap::from([
            ("graph".to_string(), module(graph)),
            ("calls".to_string(), module(calls)),
        ])
    }

    #[test]
    fn same_tokens_are_shared_unless_they_name_a_local_type() {
        let first = modules(
            quote! {
                pub struct Same { pub a: Option<String> }
                impl Same { pub fn f(&self) {} }
                pub struct UsesChanged { pub c: Option<Changed> }
                pub struct Changed { pub x: Option<i32> }
                pub struct UsesOther { pub o: Option<super::calls::Row> }
            },
            quote! { pub struct Row { pub id: Option<String> } },
        );
        let later = modules(
            quote! {
                pub struct Same { pub a: Option<String> }
                impl Same { pub fn f(&self) {} }
                pub struct UsesChanged { pub c: Option<Changed> }
                pub struct Changed { pub x: Option<i64> }
                pub struct UsesOther { pub o: Option<super::calls::Row> }
                pub struct New {}
            },
            quote! { pub struct Row { pub id: Option<String>, pub more: Option<String> } },
        );
        let shared = shared_types(&first, &later);
        let graph: Vec<&str> = shared["graph"].iter().map(String::as_str).collect();
        // `UsesChanged` has the same tokens but its field type differs;
        // `UsesOther` names a type of another module that changed.
        assert_eq!(graph, ["Same"]);
        assert!(shared["calls"].is_empty());
    }

    #[test]
    fn shared_types_become_one_re_export() {
        let first = modules(quote! { pub struct A {} pub struct B {} }, quote! {});
        let later = modules(quote! { pub struct A {} pub struct B { x: u8 } }, quote! {});
        let shared = shared_types(&first, &later);
        let text = later["graph"]
            .tokens_sharing(&shared["graph"], "v1", "v1.0", "graph")
            .to_string();
        assert!(
            text.contains("pub use super :: super :: v1 :: graph :: { A }"),
            "{text}"
        );
        assert!(text.contains("pub struct B"), "{text}");
        assert!(!text.contains("pub struct A"), "{text}");
    }

    #[test]
    fn an_item_of_no_type_is_an_error() {
        let err = ModuleItems::parse("x.rs", quote! { fn stray() {} })
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("x.rs") && err.contains("which type"), "{err}");
    }
}
