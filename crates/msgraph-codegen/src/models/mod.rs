//! The models generator: one Rust module per CSDL namespace, per Graph version.
//!
//! Per namespace it emits, in CSDL document order: a struct per entity/complex type
//! (inherited properties copied in), a dispatch enum `Any<Base>` after every type that has
//! derived types, a `<Entity>Property` enum per entity type (for `$select`), and an enum per
//! enum type (flags enums as a member enum `<Name>Flag` plus a set type `<Name>`).

pub mod columns;
mod cycles;
mod dispatch;
mod docs;
mod enums;
mod index;
mod select;
mod share;
mod structs;
mod types;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{emit, inner_doc_attrs, GeneratedFile};
use crate::Error;
use msgraph_csdl::Document;

pub(crate) use index::Index;

/// One Graph version to generate.
#[derive(Debug, Clone, Copy)]
pub struct Version<'a> {
    /// Module name under `src/generated/` (`v1`, `beta`).
    pub module: &'a str,
    /// The Graph version label used in docs (`v1.0`, `beta`).
    pub label: &'a str,
    /// Cargo feature gating the module, if any (`beta`).
    pub feature: Option<&'a str>,
    /// The resolved CSDL document.
    pub document: &'a Document,
}

/// The names the models generator gives to items derived from CSDL types, for other
/// generators (request builders) that refer to them.
pub struct ModelNames<'a> {
    index: Index<'a>,
}

impl<'a> ModelNames<'a> {
    /// Indexes `doc` (a resolved document).
    pub fn new(doc: &'a Document) -> Result<Self, Error> {
        Ok(ModelNames {
            index: Index::new(doc)?,
        })
    }

    /// The `$select` property enum of an entity type (`CallRecordProperty`); `None` for
    /// complex types and entity types without structural properties (no enum is generated).
    pub fn property_enum(&self, qualified: &str) -> Option<String> {
        let ty = self.index.doc.find_structured(qualified)?;
        if ty.kind != msgraph_csdl::StructuredKind::Entity {
            return None;
        }
        let props = self.index.all_properties(qualified, ty).ok()?;
        if props.iter().all(|(_, t)| t.properties.is_empty()) {
            return None;
        }
        Some(self.index.property_enum_name(qualified))
    }

    /// The type used for values declared as `qualified`: the dispatch enum (`AnyIdentity`)
    /// for types with derived types, else the struct or enum name (`CallRecord`).
    pub fn value_type(&self, qualified: &str) -> Option<String> {
        let (_, name) = msgraph_csdl::split_qualified(qualified)?;
        self.index.doc.find_type(qualified)?;
        Some(if self.index.is_polymorphic(qualified) {
            self.index.dispatch_name(qualified)
        } else {
            crate::naming::type_name(name)
        })
    }

    /// The Rust module of a namespace (`callrecords`).
    pub fn module(&self, namespace: &str) -> Option<&str> {
        self.index.module_of(namespace)
    }
}

/// The generated source of one namespace module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceModule {
    /// CSDL namespace (`microsoft.graph.callRecords`).
    pub namespace: String,
    /// Rust module name (`callrecords`).
    pub module: String,
    /// The file (path is `<module>.rs`, relative to the version directory).
    pub file: GeneratedFile,
}

/// Generates one module per namespace of `doc` (paths are just `<module>.rs`).
/// Used by [`generate_models`] and by the snapshot tests on fixtures.
pub fn generate_namespaces(
    doc: &Document,
    version_label: &str,
) -> Result<Vec<NamespaceModule>, Error> {
    let mut out = Vec::new();
    for (namespace, module, tokens) in namespace_modules(doc, version_label)? {
        let path = format!("{module}.rs");
        out.push(NamespaceModule {
            namespace,
            file: emit(&path, tokens)?,
            module,
        });
    }
    Ok(out)
}

/// The tokens of each namespace module of `doc`: (namespace, module, tokens).
fn namespace_modules(
    doc: &Document,
    version_label: &str,
) -> Result<Vec<(String, String, TokenStream)>, Error> {
    let index = Index::new(doc)?;
    let boxed = cycles::boxed_fields(&index)?;
    let mut out = Vec::new();
    for schema in &doc.schemas {
        let Some(module) = index.module_of(&schema.namespace) else {
            continue;
        };
        let tokens = namespace_tokens(&index, &boxed, schema, version_label)?;
        out.push((schema.namespace.to_string(), module.to_string(), tokens));
    }
    Ok(out)
}

/// Generates `src/generated/**` of the models crate `crate_dir` for the given versions
/// (paths relative to the workspace root).
pub fn generate_models(
    crate_dir: &str,
    versions: &[Version<'_>],
) -> Result<Vec<GeneratedFile>, Error> {
    generate_models_at(&format!("{crate_dir}/src/generated"), versions)
}

/// Models for a test fixture (a CSDL file of the generator's tests), written below `dir`
/// (`tests/edge_cases/generated/` of the models crate) so its cases are compiled and
/// exercised, not only snapshotted; one version module, `fixture`.
pub fn generate_fixture_models(dir: &str, fixture: &Document) -> Result<Vec<GeneratedFile>, Error> {
    generate_models_at(
        dir,
        &[Version {
            module: "fixture",
            label: "test fixture",
            feature: None,
            document: fixture,
        }],
    )
}

/// Like [`generate_models`], below an arbitrary directory (relative to the workspace root).
///
/// The first version is the base: a type of a later version generated exactly
/// as the base generates it is the base's type, re-exported (see `share`).
pub fn generate_models_at(
    root: &str,
    versions: &[Version<'_>],
) -> Result<Vec<GeneratedFile>, Error> {
    let mut files = Vec::new();
    let mut version_items = TokenStream::new();
    let mut base: Option<(&Version<'_>, BTreeMap<String, share::ModuleItems>)> = None;
    for v in versions {
        let mut order = Vec::new();
        let mut modules = BTreeMap::new();
        for (namespace, module, tokens) in namespace_modules(v.document, v.label)? {
            let path = format!("{root}/{}/{module}.rs", v.module);
            modules.insert(module.clone(), share::ModuleItems::parse(&path, tokens)?);
            order.push((namespace, module, path));
        }
        // Only an ungated base can be re-exported from (a later version
        // must compile whenever it does).
        let shared = match &base {
            Some((first, first_modules)) if first.feature.is_none() => {
                Some((first, share::shared_types(first_modules, &modules)))
            }
            _ => None,
        };
        let ident = crate::naming::field_ident(v.module);
        let doc = format!(" Graph {} models.", v.label);
        let cfg = v.feature.map(|f| quote!(#[cfg(feature = #f)]));
        version_items.extend(quote!(#[doc = #doc] #cfg pub mod #ident;));

        let mut mod_items = TokenStream::new();
        let mut listing = String::new();
        for (namespace, module, path) in &order {
            let ident = crate::naming::field_ident(module);
            let doc = format!(" Types of the `{namespace}` namespace.");
            mod_items.extend(quote!(#[doc = #doc] pub mod #ident;));
            listing.push_str(&format!("\n* `{module}`: `{namespace}`"));
            let items = &modules[module];
            let tokens = match &shared {
                Some((first, shared)) => {
                    items.tokens_sharing(&shared[module], first.module, first.label, module)
                }
                None => items.tokens(),
            };
            files.push(emit(path, tokens)?);
        }
        let module_doc = inner_doc_attrs(&format!(
            "Models generated from the Graph {} CSDL in `metadata/`, one module per namespace:\n{listing}",
            v.label
        ));
        files.push(emit(
            &format!("{root}/{}/mod.rs", v.module),
            quote!(#module_doc #mod_items),
        )?);
        if base.is_none() {
            base = Some((v, modules));
        }
    }
    let top_doc = inner_doc_attrs(
        "Generated code: one module per Graph version, one file per CSDL namespace.",
    );
    files.push(emit(
        &format!("{root}/mod.rs"),
        quote!(#top_doc #version_items),
    )?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn namespace_tokens(
    index: &Index<'_>,
    boxed: &cycles::BoxedFields,
    schema: &msgraph_csdl::Schema,
    version_label: &str,
) -> Result<TokenStream, Error> {
    let ns = &schema.namespace;
    let module_doc = inner_doc_attrs(&format!(
        "Types of the `{ns}` namespace (Graph {version_label}).\n\n\
         Generated by `cargo xtask codegen`; see the crate documentation for the conventions."
    ));
    let mut items = TokenStream::new();
    let mut names = index::NameSet::new(format!("module `{ns}`"));
    for ty in schema.entity_types.iter().chain(&schema.complex_types) {
        let qualified = format!("{ns}.{}", ty.name);
        items.extend(structs::struct_tokens(
            index, &qualified, ty, boxed, &mut names,
        )?);
        if index.is_polymorphic(&qualified) {
            items.extend(dispatch::dispatch_tokens(
                index, &qualified, ty, &mut names,
            )?);
        }
        if ty.kind == msgraph_csdl::StructuredKind::Entity {
            items.extend(select::property_enum_tokens(
                index, &qualified, ty, &mut names,
            )?);
        }
    }
    for e in &schema.enum_types {
        let qualified = format!("{ns}.{}", e.name);
        items.extend(enums::enum_tokens(index, &qualified, e, &mut names)?);
    }
    // Dispatch enums hold the derived structs inline so they can be matched directly;
    // boxing every variant would make pattern matching on wire data clumsy.
    Ok(quote! {
        #module_doc
        #![allow(clippy::large_enum_variant)]
        #items
    })
}
