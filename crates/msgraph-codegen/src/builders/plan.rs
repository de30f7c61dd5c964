//! Walks the CSDL from the entity container to the call-records operations and records, per
//! node of the URL space, what to generate. No Rust tokens here: [`super::render`] does that.

use std::collections::BTreeMap;

use msgraph_csdl::{Document, OperationKind, Primitive, StructuredType};

use super::facts::{self, FilterForm, FunctionFacts, OpKind, OperationFacts};
use super::BuilderError;
use crate::models::ModelNames;
use crate::naming;

/// Everything generated for one Graph version.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Qualified container name (`microsoft.graph.GraphService`).
    pub container: String,
    /// Singletons whose type leads to the scope namespace, in document order.
    pub singletons: Vec<Node>,
}

/// A named entity type as Rust sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRef {
    /// Qualified CSDL name (`microsoft.graph.callRecords.callRecord`).
    pub qualified: String,
    /// Unqualified CSDL name (`callRecord`).
    pub csdl_name: String,
    /// Models module (`callrecords`).
    pub module: String,
    /// Rust type of the value (`CallRecord`, or `AnyParticipantBase` for polymorphic types).
    pub rust_name: String,
    /// `$select` property enum (`CallRecordProperty`), for entity types.
    pub property_enum: Option<String>,
}

/// One node of the URL space: a singleton, a collection (with its item) or a single-valued
/// navigation property.
#[derive(Debug, Clone)]
pub struct Node {
    /// Wire name of the segment (`communications`, `callRecords`, `organizer_v2`).
    pub wire: String,
    /// Method name on the parent builder (`call_records`, `organizer_v2`).
    pub method: String,
    /// Path template of this node (`/communications/callRecords`).
    pub path: String,
    /// The type of the node (element type for collections).
    pub ty: TypeRef,
    /// What this node is.
    pub kind: NodeKind,
    /// Builder struct for this node (`CallRecordsRequestBuilder`).
    pub builder: String,
    /// Child navigation nodes (of the item for collections).
    pub children: Vec<Node>,
}

/// The kinds of [`Node`].
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// An entity-container singleton; no operation of its own is generated.
    Singleton,
    /// A collection-valued containment navigation property.
    Collection {
        /// `GET` on the collection.
        list: Box<Op>,
        /// Builder of one item (`CallRecordRequestBuilder`).
        item_builder: String,
        /// `GET` on one item.
        get: Box<Op>,
        /// Bound functions on the collection.
        functions: Vec<Function>,
    },
    /// A single-valued containment navigation property.
    Single {
        /// `GET` on it.
        get: Box<Op>,
    },
}

/// One `GET` operation.
#[derive(Debug, Clone)]
pub struct Op {
    /// Request struct (`ListCallRecordsRequest`).
    pub request: String,
    /// Name used in error messages and docs (`list callRecords`).
    pub operation: String,
    /// Path template (`/communications/callRecords/{id}`).
    pub path: String,
    /// List or get.
    pub kind: OpKind,
    /// The element (list) or entity (get) type.
    pub ty: TypeRef,
    /// Documented facts, if any.
    pub facts: Option<&'static OperationFacts>,
    /// `$expand` choices (validated against the CSDL).
    pub expand: Vec<ExpandChoice>,
    /// Name of the expand enum (`CallRecordExpand`), when `expand` is not empty.
    pub expand_enum: Option<String>,
    /// `$filter` forms (validated against the CSDL).
    pub filter: Vec<FilterForm>,
    /// Name of the filter type (`CallRecordFilter`), when `filter` is not empty.
    pub filter_type: Option<String>,
}

/// One `$expand` choice: a navigation property and the navigation properties of its type
/// that can be expanded inside it (`sessions($expand=segments)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandChoice {
    /// Wire name (`sessions`).
    pub wire: String,
    /// Whether it is collection-valued (then it may carry a nested next link).
    pub collection: bool,
    /// Nested navigation properties (`segments`).
    pub nested: Vec<String>,
}

/// A bound function on a collection.
#[derive(Debug, Clone)]
pub struct Function {
    /// Unqualified name (`getPstnCalls`).
    pub name: String,
    /// Namespace-qualified name used in the URL (`microsoft.graph.callRecords.getPstnCalls`).
    pub qualified: String,
    /// Method name (`get_pstn_calls`).
    pub method: String,
    /// Request struct (`GetPstnCallsRequest`).
    pub request: String,
    /// Parameters after the binding parameter.
    pub params: Vec<Param>,
    /// Returned element type, and whether a collection is returned.
    pub returns: TypeRef,
    /// `true` when the function returns a collection.
    pub returns_collection: bool,
    /// Documented rules.
    pub facts: &'static FunctionFacts,
    /// Path template of the call.
    pub path: String,
    /// Whether the function takes exactly `fromDateTime`/`toDateTime` (date-range helpers apply).
    pub date_range: bool,
}

/// A function parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Wire name (`fromDateTime`).
    pub wire: String,
    /// Rust argument name (`from_date_time`).
    pub rust: String,
    /// Its primitive type.
    pub ty: ParamType,
}

/// The primitive parameter types the generator can encode as URL literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// `Edm.DateTimeOffset` -> `chrono::DateTime<Utc>`, unquoted literal with `Z`.
    DateTimeOffset,
    /// `Edm.String` -> `&str`, quoted literal.
    String,
    /// `Edm.Int32` -> `i32`.
    Int32,
    /// `Edm.Int64` -> `i64`.
    Int64,
    /// `Edm.Boolean` -> `bool`.
    Boolean,
}

/// Builds the plan for the operations that reach `scope` (`microsoft.graph.callRecords`).
pub fn plan(doc: &Document, scope: &str) -> Result<Plan, BuilderError> {
    let (container_ns, container) = doc
        .schemas
        .iter()
        .find_map(|s| s.entity_container.as_ref().map(|c| (&s.namespace, c)))
        .ok_or_else(|| BuilderError::Csdl("the document has no EntityContainer".into()))?;
    let models = ModelNames::new(doc).map_err(|e| BuilderError::Csdl(e.to_string()))?;
    let mut ctx = Ctx {
        doc,
        scope,
        models,
        names: BTreeMap::new(),
    };
    let mut singletons = Vec::new();
    for s in &container.singletons {
        let ty = doc.find_structured(&s.ty).ok_or_else(|| {
            BuilderError::Csdl(format!(
                "singleton `{}` has undeclared type `{}`",
                s.name, s.ty
            ))
        })?;
        let path = format!("/{}", s.name);
        let children = ctx.children(&s.ty, ty, &path, 0)?;
        if children.is_empty() {
            continue;
        }
        let builder = format!("{}RequestBuilder", naming::type_name(&s.name));
        ctx.claim(&builder, &path)?;
        singletons.push(Node {
            wire: s.name.to_string(),
            method: naming::field_name(&s.name),
            path,
            ty: ctx.type_ref(&s.ty)?,
            kind: NodeKind::Singleton,
            builder,
            children,
        });
    }
    if singletons.is_empty() {
        return Err(BuilderError::Csdl(format!(
            "no singleton of `{container_ns}.{}` reaches namespace `{scope}` through containment",
            container.name
        )));
    }
    Ok(Plan {
        container: format!("{container_ns}.{}", container.name),
        singletons,
    })
}

/// Deepest containment chain followed (communications/callRecords/sessions/segments is 3).
const MAX_DEPTH: usize = 6;

struct Ctx<'a> {
    doc: &'a Document,
    scope: &'a str,
    /// The models generator's names, so builders name exactly the generated types.
    models: ModelNames<'a>,
    /// Rust item name -> the path that claimed it, to report clashes.
    names: BTreeMap<String, String>,
}

impl<'a> Ctx<'a> {
    fn claim(&mut self, rust: &str, by: &str) -> Result<(), BuilderError> {
        if let Some(first) = self.names.insert(rust.to_string(), by.to_string()) {
            return Err(BuilderError::NameClash {
                rust_name: rust.to_string(),
                first,
                second: by.to_string(),
            });
        }
        Ok(())
    }

    fn in_scope(&self, qualified: &str) -> bool {
        msgraph_csdl::split_qualified(qualified).is_some_and(|(ns, _)| ns == self.scope)
    }

    fn type_ref(&self, qualified: &str) -> Result<TypeRef, BuilderError> {
        let (ns, name) = msgraph_csdl::split_qualified(qualified)
            .ok_or_else(|| BuilderError::Csdl(format!("`{qualified}` is not qualified")))?;
        let missing = || BuilderError::Csdl(format!("type `{qualified}` is not declared"));
        let rust_name = self.models.value_type(qualified).ok_or_else(missing)?;
        let module = self.models.module(ns).ok_or_else(missing)?.to_string();
        Ok(TypeRef {
            qualified: qualified.to_string(),
            csdl_name: name.to_string(),
            module,
            rust_name,
            property_enum: self.models.property_enum(qualified),
        })
    }

    /// Navigation properties of a type including inherited ones, base first.
    fn navigations(
        &self,
        qualified: &str,
        ty: &'a StructuredType,
    ) -> Vec<&'a msgraph_csdl::NavigationProperty> {
        let mut chain: Vec<&StructuredType> = self.doc.base_chain(qualified);
        chain.reverse();
        chain.push(ty);
        chain
            .iter()
            .flat_map(|t| &t.navigation_properties)
            .collect()
    }

    fn children(
        &mut self,
        qualified: &str,
        ty: &'a StructuredType,
        path: &str,
        depth: usize,
    ) -> Result<Vec<Node>, BuilderError> {
        if depth > MAX_DEPTH {
            return Err(BuilderError::Csdl(format!(
                "containment deeper than {MAX_DEPTH} levels at `{path}` (cycle?)"
            )));
        }
        let mut out = Vec::new();
        for nav in self.navigations(qualified, ty) {
            // Only containment leads to new URL space; bindings to entity sets are other APIs.
            if !nav.contains_target || !self.in_scope(&nav.ty.name) {
                continue;
            }
            out.push(self.nav_node(nav, path, depth)?);
        }
        Ok(out)
    }

    fn nav_node(
        &mut self,
        nav: &msgraph_csdl::NavigationProperty,
        parent_path: &str,
        depth: usize,
    ) -> Result<Node, BuilderError> {
        let target = &nav.ty.name;
        let target_ty = self.doc.find_structured(target).ok_or_else(|| {
            BuilderError::Csdl(format!(
                "navigation property `{}` has undeclared type `{target}`",
                nav.name
            ))
        })?;
        let ty = self.type_ref(target)?;
        let path = format!("{parent_path}/{}", nav.name);
        let nav_type = naming::type_name(&nav.name);
        if nav.ty.collection {
            let item_path = format!("{path}/{{id}}");
            let children = self.children(target, target_ty, &item_path, depth + 1)?;
            let builder = format!("{nav_type}RequestBuilder");
            let item_builder = format!("{}RequestBuilder", ty.rust_name);
            self.claim(&builder, &path)?;
            self.claim(&item_builder, &item_path)?;
            let list = self.op(
                format!("List{nav_type}Request"),
                format!("list {}", nav.name),
                &path,
                OpKind::List,
                &ty,
                target_ty,
            )?;
            let get = self.op(
                format!("Get{}Request", ty.rust_name),
                format!("get {}", ty.csdl_name),
                &item_path,
                OpKind::Get,
                &ty,
                target_ty,
            )?;
            let functions = self.functions(target, &path)?;
            Ok(Node {
                wire: nav.name.to_string(),
                method: naming::field_name(&nav.name),
                path,
                ty,
                kind: NodeKind::Collection {
                    list: Box::new(list),
                    item_builder,
                    get: Box::new(get),
                    functions,
                },
                builder,
                children,
            })
        } else {
            let children = self.children(target, target_ty, &path, depth + 1)?;
            let builder = format!("{nav_type}RequestBuilder");
            self.claim(&builder, &path)?;
            let get = self.op(
                format!("Get{nav_type}Request"),
                format!("get {}", nav.name),
                &path,
                OpKind::Get,
                &ty,
                target_ty,
            )?;
            Ok(Node {
                wire: nav.name.to_string(),
                method: naming::field_name(&nav.name),
                path,
                ty,
                kind: NodeKind::Single { get: Box::new(get) },
                builder,
                children,
            })
        }
    }

    fn op(
        &mut self,
        request: String,
        operation: String,
        path: &str,
        kind: OpKind,
        ty: &TypeRef,
        st: &'a StructuredType,
    ) -> Result<Op, BuilderError> {
        self.claim(&request, path)?;
        let facts = facts::operation(path, kind);
        let mut expand = Vec::new();
        let mut filter = Vec::new();
        if let Some(f) = facts {
            let navs = self.navigations(&ty.qualified, st);
            for name in f.expand {
                let nav = navs.iter().find(|n| n.name == *name).ok_or_else(|| {
                    BuilderError::Facts(format!(
                        "{path}: $expand names `{name}`, which `{}` does not have",
                        ty.qualified
                    ))
                })?;
                let nested = match self.doc.find_structured(&nav.ty.name) {
                    Some(t) => self
                        .navigations(&nav.ty.name, t)
                        .iter()
                        .filter(|n| n.contains_target)
                        .map(|n| n.name.to_string())
                        .collect(),
                    None => Vec::new(),
                };
                expand.push(ExpandChoice {
                    wire: nav.name.to_string(),
                    collection: nav.ty.collection,
                    nested,
                });
            }
            for form in f.filter {
                self.check_filter(path, ty, st, form)?;
                filter.push(*form);
            }
            if f.select && ty.property_enum.is_none() {
                return Err(BuilderError::Facts(format!(
                    "{path}: $select on `{}`, which is not an entity type",
                    ty.qualified
                )));
            }
        }
        let expand_enum = if expand.is_empty() {
            None
        } else {
            let name = format!("{}Expand", ty.rust_name);
            self.claim(&name, path)?;
            Some(name)
        };
        let filter_type = if filter.is_empty() {
            None
        } else {
            let name = format!("{}Filter", ty.rust_name);
            self.claim(&name, path)?;
            Some(name)
        };
        Ok(Op {
            request,
            operation,
            path: path.to_string(),
            kind,
            ty: ty.clone(),
            facts,
            expand,
            expand_enum,
            filter,
            filter_type,
        })
    }

    fn check_filter(
        &self,
        path: &str,
        ty: &TypeRef,
        st: &'a StructuredType,
        form: &FilterForm,
    ) -> Result<(), BuilderError> {
        let mut chain: Vec<&StructuredType> = self.doc.base_chain(&ty.qualified);
        chain.push(st);
        match form {
            FilterForm::DateTimeCompare(prop) => {
                let p = chain
                    .iter()
                    .flat_map(|t| &t.properties)
                    .find(|p| p.name == *prop);
                match p {
                    Some(p) if !p.ty.collection && p.ty.primitive() == Some(Primitive::DateTimeOffset) => Ok(()),
                    _ => Err(BuilderError::Facts(format!(
                        "{path}: $filter on `{prop}`, which is not an Edm.DateTimeOffset property of `{}`",
                        ty.qualified
                    ))),
                }
            }
            FilterForm::AnyEq {
                collection,
                property,
            } => {
                let nav = self
                    .navigations(&ty.qualified, st)
                    .into_iter()
                    .find(|n| n.name == *collection && n.ty.collection);
                let ok = nav
                    .and_then(|n| self.doc.find_structured(&n.ty.name).map(|t| (n, t)))
                    .is_some_and(|(n, t)| {
                        let mut c: Vec<&StructuredType> = self.doc.base_chain(&n.ty.name);
                        c.push(t);
                        c.iter().flat_map(|t| &t.properties).any(|p| {
                            p.name == *property && p.ty.primitive() == Some(Primitive::String)
                        })
                    });
                if ok {
                    Ok(())
                } else {
                    Err(BuilderError::Facts(format!(
                        "{path}: $filter lambda `{collection}/any(p:p/{property} eq ..)` does not match the CSDL of `{}`",
                        ty.qualified
                    )))
                }
            }
        }
    }

    /// Bound functions whose binding parameter is `Collection(element)`.
    fn functions(&mut self, element: &str, path: &str) -> Result<Vec<Function>, BuilderError> {
        let mut out = Vec::new();
        for schema in &self.doc.schemas {
            for f in &schema.functions {
                let Some(binding) = f.parameters.first() else {
                    continue;
                };
                if !f.is_bound || !binding.ty.collection || binding.ty.name != element {
                    continue;
                }
                debug_assert_eq!(f.kind, OperationKind::Function);
                let qualified = format!("{}.{}", schema.namespace, f.name);
                let facts = facts::function(&f.name).ok_or_else(|| {
                    BuilderError::Facts(format!(
                        "bound function `{qualified}` has no entry in builders/facts.rs FUNCTIONS; add its documented date-range rules"
                    ))
                })?;
                let ret = f.return_type.as_ref().ok_or_else(|| {
                    BuilderError::Csdl(format!("function `{qualified}` has no ReturnType"))
                })?;
                let mut params = Vec::new();
                for p in &f.parameters[1..] {
                    let ty = match (p.ty.collection, p.ty.primitive()) {
                        (false, Some(Primitive::DateTimeOffset)) => ParamType::DateTimeOffset,
                        (false, Some(Primitive::String)) => ParamType::String,
                        (false, Some(Primitive::Int32)) => ParamType::Int32,
                        (false, Some(Primitive::Int64)) => ParamType::Int64,
                        (false, Some(Primitive::Boolean)) => ParamType::Boolean,
                        _ => {
                            return Err(BuilderError::Csdl(format!(
                                "function `{qualified}` parameter `{}` has type `{}`, which has no URL literal encoding here",
                                p.name, p.ty.name
                            )))
                        }
                    };
                    params.push(Param {
                        wire: p.name.to_string(),
                        rust: naming::field_name(&p.name),
                        ty,
                    });
                }
                let date_range = params.len() == 2
                    && params[0].wire == "fromDateTime"
                    && params[1].wire == "toDateTime"
                    && params.iter().all(|p| p.ty == ParamType::DateTimeOffset);
                let request = format!("{}Request", naming::type_name(&f.name));
                let fpath = format!("{path}/{qualified}(..)");
                self.claim(&request, &fpath)?;
                out.push(Function {
                    name: f.name.to_string(),
                    qualified,
                    method: naming::field_name(&f.name),
                    request,
                    params,
                    returns: self.type_ref(&ret.ty.name)?,
                    returns_collection: ret.ty.collection,
                    facts,
                    path: fpath,
                    date_range,
                });
            }
        }
        Ok(out)
    }
}
