//! What the generator needs to know about the whole document: which namespaces become which
//! modules, which types are polymorphic, and how to name a type from another module.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::naming;
use crate::Error;
use msgraph_csdl::{Annotation, Document, StructuredType, TypeDef};

/// Document-wide facts, computed once (lookups stay cheap on the full 3.5 MB Graph CSDL).
pub(crate) struct Index<'a> {
    pub doc: &'a Document,
    /// Namespace -> module name, for every schema that declares a type.
    modules: BTreeMap<String, String>,
    /// Base type -> direct derived types (qualified), in document order.
    children: BTreeMap<String, Vec<(String, &'a StructuredType)>>,
    /// Rust names of the CSDL types of each namespace (derived item names avoid them).
    type_names: BTreeMap<String, BTreeSet<String>>,
    /// Out-of-line annotations by target, in document order.
    external: BTreeMap<&'a str, Vec<&'a Annotation>>,
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
            if let Some(first) = by_module.insert(module.clone(), s.namespace.to_string()) {
                return Err(Error::NameClash {
                    scope: "the generated modules".into(),
                    rust_name: module,
                    first,
                    second: s.namespace.to_string(),
                });
            }
            modules.insert(s.namespace.to_string(), module);
        }
        let mut children: BTreeMap<String, Vec<(String, &StructuredType)>> = BTreeMap::new();
        for (name, ty) in doc.structured_types() {
            if let Some(base) = &ty.base_type {
                if doc.find_structured(base).is_none() {
                    return Err(Error::BaseType {
                        type_name: name,
                        message: format!("base type `{base}` is not declared"),
                    });
                }
                children
                    .entry(base.to_string())
                    .or_default()
                    .push((name, ty));
            }
        }
        let mut type_names = BTreeMap::new();
        for s in &doc.schemas {
            let names: &mut BTreeSet<String> =
                type_names.entry(s.namespace.to_string()).or_default();
            for n in s
                .entity_types
                .iter()
                .chain(&s.complex_types)
                .map(|t| &t.name)
                .chain(s.enum_types.iter().map(|e| &e.name))
            {
                names.insert(naming::type_name(n));
            }
        }
        let mut external: BTreeMap<&str, Vec<&Annotation>> = BTreeMap::new();
        for g in doc.schemas.iter().flat_map(|s| &s.annotation_groups) {
            external
                .entry(g.target.as_str())
                .or_default()
                .extend(&g.annotations);
        }
        Ok(Index {
            doc,
            modules,
            children,
            type_names,
            external,
        })
    }

    /// Inline annotations first, then out-of-line ones targeting `target`.
    fn annotations<'b>(
        &'b self,
        target: &str,
        inline: &'b [Annotation],
    ) -> impl Iterator<Item = &'b Annotation> {
        inline
            .iter()
            .chain(self.external.get(target).into_iter().flatten().copied())
    }

    /// The `Core.Description` of a target (inline first), like `Document::description`.
    pub fn description<'b>(&'b self, target: &str, inline: &'b [Annotation]) -> Option<&'b str> {
        self.annotations(target, inline)
            .find(|a| a.term == msgraph_csdl::CORE_DESCRIPTION)
            .and_then(Annotation::as_str)
    }

    /// All `Core.Revisions` records of a target, like `Document::revisions`.
    pub fn revisions(&self, target: &str, inline: &[Annotation]) -> Vec<msgraph_csdl::Revision> {
        self.annotations(target, inline)
            .flat_map(Annotation::revisions)
            .collect()
    }

    /// `preferred`, or `fallback` when a CSDL type of `namespace` already has the name
    /// `preferred` (e.g. entity `extension` + complex type `extensionProperty`).
    fn derived_item_name(&self, namespace: &str, preferred: String, fallback: String) -> String {
        let taken = self
            .type_names
            .get(namespace)
            .is_some_and(|names| names.contains(&preferred));
        if taken {
            fallback
        } else {
            preferred
        }
    }

    /// Name of the dispatch enum of a polymorphic type: `Any` + type name (`AnyIdentity`),
    /// `Any<Type>Value` if a CSDL type already has that name.
    pub fn dispatch_name(&self, qualified: &str) -> String {
        let (ns, name) = msgraph_csdl::split_qualified(qualified).unwrap_or(("", qualified));
        let t = naming::type_name(name);
        self.derived_item_name(ns, format!("Any{t}"), format!("Any{t}Value"))
    }

    /// Name of the `$select` property enum of an entity type (`CallRecordProperty`),
    /// `<Type>PropertyName` if a CSDL type already has that name.
    pub fn property_enum_name(&self, qualified: &str) -> String {
        let (ns, name) = msgraph_csdl::split_qualified(qualified).unwrap_or(("", qualified));
        let t = naming::type_name(name);
        self.derived_item_name(ns, format!("{t}Property"), format!("{t}PropertyName"))
    }

    /// Name of the member enum of a flags enum type (`PermissionFlag`),
    /// `<Type>FlagMember` if a CSDL type already has that name.
    pub fn flag_enum_name(&self, qualified: &str) -> String {
        let (ns, name) = msgraph_csdl::split_qualified(qualified).unwrap_or(("", qualified));
        let t = naming::type_name(name);
        self.derived_item_name(ns, format!("{t}Flag"), format!("{t}FlagMember"))
    }

    /// The module generated for a namespace, if it declares types.
    pub fn module_of(&self, namespace: &str) -> Option<&str> {
        self.modules.get(namespace).map(String::as_str)
    }

    /// Whether the type has derived types (and so gets an `Any<Name>` dispatch enum).
    pub fn is_polymorphic(&self, qualified: &str) -> bool {
        self.children.contains_key(qualified)
    }

    /// All types derived from `qualified`, transitively, in document order.
    pub fn all_derived(&self, qualified: &str) -> Vec<(String, &'a StructuredType)> {
        let mut found: BTreeSet<String> = BTreeSet::new();
        let mut stack = vec![qualified.to_string()];
        while let Some(base) = stack.pop() {
            for (name, _) in self.children.get(&base).into_iter().flatten() {
                if found.insert(name.clone()) {
                    stack.push(name.clone());
                }
            }
        }
        self.doc
            .structured_types()
            .filter(|(n, _)| found.contains(n))
            .collect()
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
            chain.push((base.to_string(), t));
        }
        chain.reverse();
        Ok(chain)
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
                Some(self.item_path(ns, &self.dispatch_name(qualified), from_ns))
            }
            TypeDef::Structured(_) | TypeDef::Enum(_) => {
                Some(self.item_path(ns, &naming::type_name(name), from_ns))
            }
            TypeDef::Definition(_) => None,
        }
    }
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

    /// Claims `preferred`, or when taken the first free `preferred2`, `preferred3`, ...
    /// Used inside one type (fields, variants), where the full Graph CSDL has real clashes
    /// (`remoteControlSoftware` vs `remote_Control_Software`); the wire name stays exact.
    pub fn claim_unique(&mut self, preferred: &str, csdl_name: &str) -> String {
        let mut name = preferred.to_string();
        let mut n = 2;
        while self.seen.contains_key(&name) {
            name = format!("{preferred}{n}");
            n += 1;
        }
        self.seen.insert(name.clone(), csdl_name.to_string());
        name
    }
}
