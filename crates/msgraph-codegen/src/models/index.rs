//! What the generator needs to know about the whole document: which namespaces become which
//! modules, which types are polymorphic, and how to name a type from another module.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::naming;
use crate::Error;
use msgraph_csdl::{Document, StructuredType, TypeDef};

/// Document-wide facts, computed once.
pub(crate) struct Index<'a> {
    pub doc: &'a Document,
    /// Namespace -> module name, for every schema that declares a type.
    modules: BTreeMap<String, String>,
    /// Qualified names of structured types that have at least one derived type.
    polymorphic: BTreeSet<String>,
}

impl<'a> Index<'a> {
    pub fn new(doc: &'a Document) -> Result<Self, Error> {
        let mut modules = BTreeMap::new();
        let mut by_module: BTreeMap<String, String> = BTreeMap::new();
        for s in &doc.schemas {
            let has_types = !(s.entity_types.is_empty()
                && s.complex_types.is_empty()
                && s.enum_types.is_empty());
            if !has_types {
                continue;
            }
            let module = naming::module_name(&s.namespace);
            if let Some(first) = by_module.insert(module.clone(), s.namespace.clone()) {
                return Err(Error::NameClash {
                    scope: "the generated modules".into(),
                    rust_name: module,
                    first,
                    second: s.namespace.clone(),
                });
            }
            modules.insert(s.namespace.clone(), module);
        }
        let mut polymorphic = BTreeSet::new();
        for (name, ty) in doc.structured_types() {
            if let Some(base) = &ty.base_type {
                if doc.find_structured(base).is_none() {
                    return Err(Error::BaseType {
                        type_name: name,
                        message: format!("base type `{base}` is not declared"),
                    });
                }
                polymorphic.insert(base.clone());
            }
        }
        Ok(Index {
            doc,
            modules,
            polymorphic,
        })
    }

    /// The module generated for a namespace, if it declares types.
    pub fn module_of(&self, namespace: &str) -> Option<&str> {
        self.modules.get(namespace).map(String::as_str)
    }

    /// Whether the type has derived types (and so gets an `Any<Name>` dispatch enum).
    pub fn is_polymorphic(&self, qualified: &str) -> bool {
        self.polymorphic.contains(qualified)
    }

    /// Properties of a type including inherited ones, root base first, each with the
    /// qualified name of the type that declares it.
    pub fn all_properties(
        &self,
        qualified: &str,
        ty: &'a StructuredType,
    ) -> Result<Vec<(String, &'a StructuredType)>, Error> {
        let mut chain = vec![(qualified.to_string(), ty)];
        let mut cur = ty.base_type.clone();
        while let Some(base) = cur {
            if chain.iter().any(|(n, _)| *n == base) {
                return Err(Error::BaseType {
                    type_name: qualified.to_string(),
                    message: format!("`{base}` is its own base"),
                });
            }
            let t = self
                .doc
                .find_structured(&base)
                .ok_or_else(|| Error::BaseType {
                    type_name: qualified.to_string(),
                    message: format!("base type `{base}` is not declared"),
                })?;
            cur = t.base_type.clone();
            chain.push((base, t));
        }
        chain.reverse();
        Ok(chain)
    }

    /// Derived types of `qualified` (transitively), in document order, excluding abstract ones.
    pub fn concrete_derived(&self, qualified: &str) -> Vec<(String, &'a StructuredType)> {
        let derived: BTreeSet<String> = self.doc.all_derived_types(qualified).into_iter().collect();
        self.doc
            .structured_types()
            .filter(|(n, t)| derived.contains(n) && !t.is_abstract)
            .collect()
    }

    /// Path to the Rust item `rust_name` of namespace `target_ns`, as seen from `from_ns`.
    pub fn item_path(&self, target_ns: &str, rust_name: &str, from_ns: &str) -> TokenStream {
        let ident = naming::type_ident(rust_name);
        if target_ns == from_ns {
            return quote!(#ident);
        }
        let module = naming::field_ident(self.module_of(target_ns).unwrap_or(target_ns));
        quote!(super::#module::#ident)
    }

    /// The Rust path for the *value* type of a named CSDL type, as seen from `from_ns`:
    /// the dispatch enum for polymorphic structured types, the struct otherwise, the enum
    /// (or flags set) for enum types. `None` for type definitions and unknown names.
    pub fn named_type_path(&self, qualified: &str, from_ns: &str) -> Option<TokenStream> {
        let (ns, name) = msgraph_csdl::split_qualified(qualified)?;
        match self.doc.find_type(qualified)? {
            TypeDef::Structured(_) if self.is_polymorphic(qualified) => {
                Some(self.item_path(ns, &dispatch_name(name), from_ns))
            }
            TypeDef::Structured(_) | TypeDef::Enum(_) => {
                Some(self.item_path(ns, &naming::type_name(name), from_ns))
            }
            TypeDef::Definition(_) => None,
        }
    }
}

/// Name of the dispatch enum of a polymorphic type: `Any` + type name (`AnyIdentity`).
pub(crate) fn dispatch_name(csdl_name: &str) -> String {
    format!("Any{}", naming::type_name(csdl_name))
}

/// Name of the `$select` property enum of an entity type (`CallRecordProperty`).
pub(crate) fn property_enum_name(csdl_name: &str) -> String {
    format!("{}Property", naming::type_name(csdl_name))
}

/// Name of the member enum of a flags enum type (`PermissionsFlag`).
pub(crate) fn flag_enum_name(csdl_name: &str) -> String {
    format!("{}Flag", naming::type_name(csdl_name))
}

/// Detects two CSDL names mapping to one Rust name within a scope.
pub(crate) struct NameSet {
    scope: String,
    seen: BTreeMap<String, String>,
}

impl NameSet {
    pub fn new(scope: String) -> Self {
        NameSet {
            scope,
            seen: BTreeMap::new(),
        }
    }

    /// Records that `rust_name` is generated for `csdl_name`; an error if it is already taken.
    pub fn claim(&mut self, rust_name: &str, csdl_name: &str) -> Result<(), Error> {
        if let Some(first) = self
            .seen
            .insert(rust_name.to_string(), csdl_name.to_string())
        {
            return Err(Error::NameClash {
                scope: self.scope.clone(),
                rust_name: rust_name.to_string(),
                first,
                second: csdl_name.to_string(),
            });
        }
        Ok(())
    }
}
