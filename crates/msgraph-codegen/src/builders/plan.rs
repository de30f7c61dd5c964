//! Walks the CSDL from the entity container to the call-records operations and records, per
//! node of the URL space, what to generate. No Rust tokens here: [`super::render`] does that.
//!
//! * Query options and range rules come from the [`Facts`] file; what it lacks gets
//!   conservative defaults and what the CSDL lacks is dropped, each with a [`Warning`].
//! * Names are unique by construction ([`naming::UniqueNames`]): each item prefers a short
//!   name (`SessionsRequestBuilder`, `GetSessionRequest`) and, where two items would share
//!   one, both take a name derived from more of their path (`SearchesQueriesRequestBuilder`).
//! * Recursive containment (an entity reached again below itself, directly or through other
//!   types) reuses the builder generated for the first occurrence, so the infinite URL
//!   space is generated once.

use std::collections::BTreeMap;

use msgraph_csdl::{Document, OperationKind, Primitive, StructuredType};

use super::facts::{Facts, FilterForm, FunctionFacts, OpKind, OperationFacts, FACTS_FILE};
use super::BuilderError;
use crate::models::ModelNames;
use crate::naming::{self, UniqueNames};
use crate::Warning;

/// Everything generated for one Graph version.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Qualified container name (`microsoft.graph.GraphService`).
    pub container: String,
    /// Singletons whose type leads to the scope namespace, in document order.
    pub singletons: Vec<Node>,
    /// Defaults used and rules dropped, in walk order.
    pub warnings: Vec<Warning>,
}

impl Plan {
    /// Every `GET` operation, in walk order.
    pub fn operations(&self) -> Vec<&Op> {
        fn walk<'p>(n: &'p Node, out: &mut Vec<&'p Op>) {
            match &n.kind {
                NodeKind::Collection { list, get, .. } => {
                    out.push(list);
                    out.extend(get.as_deref());
                }
                NodeKind::Single { get } => out.push(get),
                NodeKind::Singleton | NodeKind::Reused => {}
            }
            n.children.iter().for_each(|c| walk(c, out));
        }
        let mut out = Vec::new();
        self.singletons.iter().for_each(|s| walk(s, &mut out));
        out
    }

    /// Every bound function call, in walk order.
    pub fn functions(&self) -> Vec<&Function> {
        fn walk<'p>(n: &'p Node, out: &mut Vec<&'p Function>) {
            if let NodeKind::Collection { functions, .. } = &n.kind {
                out.extend(functions);
            }
            n.children.iter().for_each(|c| walk(c, out));
        }
        let mut out = Vec::new();
        self.singletons.iter().for_each(|s| walk(s, &mut out));
        out
    }
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
        /// `GET` on one item; `None` when the item builder is an ancestor's, reused because
        /// the containment is recursive (then it is generated with that ancestor).
        get: Option<Box<Op>>,
        /// Bound functions on the collection.
        functions: Vec<Function>,
    },
    /// A single-valued containment navigation property.
    Single {
        /// `GET` on it.
        get: Box<Op>,
    },
    /// A single-valued containment navigation property to an ancestor's type (recursive
    /// containment): its builder is that ancestor's ([`Node::builder`]), generated there.
    Reused,
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
    /// Documented facts, if any, without the rules the CSDL does not match.
    pub facts: Option<OperationFacts>,
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
    /// Documented rules (or [`FunctionFacts::conservative`] ones).
    pub facts: FunctionFacts,
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

/// Builds the plan for the operations that reach `scope` (`microsoft.graph.callRecords`),
/// with the query options and range rules of `facts`.
///
/// # Errors
/// Only for a document the walk cannot follow (no container, undeclared types); what the
/// facts lack or the CSDL does not match becomes a [`Plan::warnings`] entry.
pub fn plan(doc: &Document, scope: &str, facts: &Facts) -> Result<Plan, BuilderError> {
    let (container_ns, container) = doc
        .schemas
        .iter()
        .find_map(|s| s.entity_container.as_ref().map(|c| (&s.namespace, c)))
        .ok_or_else(|| BuilderError::Csdl("the document has no EntityContainer".into()))?;
    let models = ModelNames::new(doc).map_err(|e| BuilderError::Csdl(e.to_string()))?;
    let mut ctx = Ctx {
        doc,
        scope,
        facts,
        models,
        names: UniqueNames::new(),
        warnings: Vec::new(),
        ancestors: Vec::new(),
    };
    ctx.names.reserve(ROOT_BUILDER);
    let mut singletons = Vec::new();
    for s in &container.singletons {
        let ty = doc.find_structured(&s.ty).ok_or_else(|| {
            BuilderError::Csdl(format!(
                "singleton `{}` has undeclared type `{}`",
                s.name, s.ty
            ))
        })?;
        let path = format!("/{}", s.name);
        let segments = vec![s.name.to_string()];
        let children = ctx.children(&s.ty, ty, &path, &segments)?;
        if children.is_empty() {
            continue;
        }
        let builder = format!("singleton {path}");
        ctx.names
            .claim(&builder, stems(&segments, "", "RequestBuilder"));
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
    let names = ctx.names.resolve();
    for s in &mut singletons {
        apply_names(s, &names)?;
    }
    let mut plan = Plan {
        container: format!("{container_ns}.{}", container.name),
        singletons,
        warnings: ctx.warnings,
    };
    plan.warnings
        .extend(operations_not_reached(doc, scope, &plan));
    Ok(plan)
}

/// Bound operations of the scope namespace that get no builder method: actions (the builders
/// only read), and functions not bound to a collection the walk reached.
fn operations_not_reached(doc: &Document, scope: &str, plan: &Plan) -> Vec<Warning> {
    let reached: Vec<&str> = plan
        .functions()
        .iter()
        .map(|f| f.qualified.as_str())
        .collect();
    let mut out = Vec::new();
    for schema in doc.schemas.iter().filter(|s| s.namespace == scope) {
        for op in schema.functions.iter().chain(&schema.actions) {
            let qualified = format!("{}.{}", schema.namespace, op.name);
            if !op.is_bound || reached.contains(&qualified.as_str()) {
                continue;
            }
            let binding = op
                .parameters
                .first()
                .map(|p| {
                    if p.ty.collection {
                        format!("Collection({})", p.ty.name)
                    } else {
                        p.ty.name.to_string()
                    }
                })
                .unwrap_or_default();
            let why = match op.kind {
                OperationKind::Action => "actions are not generated (the builders only read)",
                OperationKind::Function => {
                    "no builder: only functions bound to a collection the containment walk reaches are generated"
                }
            };
            // A function skipped for its parameters already has its own warning.
            if op.kind == OperationKind::Function
                && plan.warnings.iter().any(|w| w.subject.contains(&qualified))
            {
                continue;
            }
            out.push(Warning::new(
                qualified,
                format!("bound to `{binding}`: {why}"),
            ));
        }
    }
    out
}

/// The builder [`super::render`] writes for the container itself.
pub const ROOT_BUILDER: &str = "GraphServiceRequestBuilder";

/// Name candidates from a path, shortest first: `prefix` + the last 1, 2, ... segments in
/// `UpperCamelCase` + `suffix` (`["communications", "callRecords"]` -> `CallRecords..`,
/// `CommunicationsCallRecords..`).
fn stems(segments: &[String], prefix: &str, suffix: &str) -> Vec<String> {
    (1..=segments.len())
        .map(|k| {
            let mut s = prefix.to_string();
            for seg in &segments[segments.len() - k..] {
                s.push_str(&naming::type_name(seg));
            }
            s.push_str(suffix);
            s
        })
        .collect()
}

/// Replaces the name keys of the walk by the resolved names.
fn apply_names(n: &mut Node, names: &BTreeMap<String, String>) -> Result<(), BuilderError> {
    let rename = |s: &mut String| -> Result<(), BuilderError> {
        let name = names
            .get(s.as_str())
            .ok_or_else(|| BuilderError::Emit(format!("internal: `{s}` was never named")))?;
        *s = name.clone();
        Ok(())
    };
    let rename_op = |op: &mut Op| -> Result<(), BuilderError> {
        rename(&mut op.request)?;
        for n in [&mut op.expand_enum, &mut op.filter_type]
            .into_iter()
            .flatten()
        {
            rename(n)?;
        }
        Ok(())
    };
    rename(&mut n.builder)?;
    match &mut n.kind {
        NodeKind::Collection {
            list,
            item_builder,
            get,
            functions,
        } => {
            rename_op(list)?;
            rename(item_builder)?;
            if let Some(get) = get {
                rename_op(get)?;
            }
            for f in functions {
                rename(&mut f.request)?;
            }
        }
        NodeKind::Single { get } => rename_op(get)?,
        NodeKind::Singleton | NodeKind::Reused => {}
    }
    for c in &mut n.children {
        apply_names(c, names)?;
    }
    Ok(())
}

/// How one operation's items are named: the preferred request name (if it is not the first
/// stem's), and the stems its request, expand and filter names are derived from.
struct OpNaming {
    preferred_request: Option<String>,
    stems: Vec<String>,
}

struct Ctx<'a> {
    doc: &'a Document,
    scope: &'a str,
    facts: &'a Facts,
    /// The models generator's names, so builders name exactly the generated types.
    models: ModelNames<'a>,
    /// Rust item names, claimed under keys during the walk and resolved at its end.
    names: UniqueNames,
    warnings: Vec<Warning>,
    /// Entity nodes above the current one: qualified type and builder key.
    ancestors: Vec<(String, String)>,
}

impl<'a> Ctx<'a> {
    fn warn(&mut self, subject: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Warning::new(subject, message));
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
        segments: &[String],
    ) -> Result<Vec<Node>, BuilderError> {
        let mut out = Vec::new();
        for nav in self.navigations(qualified, ty) {
            // Only containment leads to new URL space; bindings to entity sets are other APIs.
            if !nav.contains_target || !self.in_scope(&nav.ty.name) {
                continue;
            }
            out.push(self.nav_node(nav, path, segments)?);
        }
        Ok(out)
    }

    /// The children of an entity node of type `target`, with it on the ancestor stack.
    fn entity_children(
        &mut self,
        target: &str,
        target_ty: &'a StructuredType,
        builder_key: &str,
        path: &str,
        segments: &[String],
    ) -> Result<Vec<Node>, BuilderError> {
        self.ancestors
            .push((target.to_string(), builder_key.to_string()));
        let children = self.children(target, target_ty, path, segments);
        self.ancestors.pop();
        children
    }

    fn nav_node(
        &mut self,
        nav: &msgraph_csdl::NavigationProperty,
        parent_path: &str,
        parent_segments: &[String],
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
        let mut segments = parent_segments.to_vec();
        segments.push(nav.name.to_string());
        // Recursive containment: the entity's builder already exists above this node.
        let reused = self
            .ancestors
            .iter()
            .find(|(t, _)| t == target)
            .map(|(_, key)| key.clone());
        let node = |kind, builder, children| Node {
            wire: nav.name.to_string(),
            method: naming::field_name(&nav.name),
            path: path.clone(),
            ty: ty.clone(),
            kind,
            builder,
            children,
        };
        if nav.ty.collection {
            let builder = format!("builder {path}");
            self.names
                .claim(&builder, stems(&segments, "", "RequestBuilder"));
            let list = self.op(
                OpNaming {
                    preferred_request: None,
                    stems: stems(&segments, "List", ""),
                },
                format!("list {}", nav.name),
                &path,
                OpKind::List,
                &ty,
                target_ty,
            )?;
            let functions = self.functions(target, &path, &segments)?;
            let (item_builder, get, children) = match reused {
                Some(key) => (key, None, Vec::new()),
                None => {
                    let item_path = format!("{path}/{{id}}");
                    let item_key = format!("item {item_path}");
                    let mut candidates = vec![format!("{}RequestBuilder", ty.rust_name)];
                    candidates.extend(stems(&segments, "", "ItemRequestBuilder"));
                    self.names.claim(&item_key, candidates);
                    let get = self.op(
                        OpNaming {
                            preferred_request: Some(format!("Get{}Request", ty.rust_name)),
                            stems: stems(&segments, "Get", "Item"),
                        },
                        format!("get {}", ty.csdl_name),
                        &item_path,
                        OpKind::Get,
                        &ty,
                        target_ty,
                    )?;
                    let children =
                        self.entity_children(target, target_ty, &item_key, &item_path, &segments)?;
                    (item_key, Some(Box::new(get)), children)
                }
            };
            Ok(node(
                NodeKind::Collection {
                    list: Box::new(list),
                    item_builder,
                    get,
                    functions,
                },
                builder,
                children,
            ))
        } else if let Some(key) = reused {
            Ok(node(NodeKind::Reused, key, Vec::new()))
        } else {
            let builder = format!("builder {path}");
            self.names
                .claim(&builder, stems(&segments, "", "RequestBuilder"));
            let get = self.op(
                OpNaming {
                    preferred_request: None,
                    stems: stems(&segments, "Get", ""),
                },
                format!("get {}", nav.name),
                &path,
                OpKind::Get,
                &ty,
                target_ty,
            )?;
            let children = self.entity_children(target, target_ty, &builder, &path, &segments)?;
            Ok(node(
                NodeKind::Single { get: Box::new(get) },
                builder,
                children,
            ))
        }
    }

    fn op(
        &mut self,
        naming: OpNaming,
        operation: String,
        path: &str,
        kind: OpKind,
        ty: &TypeRef,
        st: &'a StructuredType,
    ) -> Result<Op, BuilderError> {
        let kind_name = match kind {
            OpKind::List => "list",
            OpKind::Get => "get",
        };
        let request = format!("request {kind_name} {path}");
        let mut candidates: Vec<String> = naming.preferred_request.into_iter().collect();
        candidates.extend(naming.stems.iter().map(|s| format!("{s}Request")));
        self.names.claim(&request, candidates);
        let subject = format!("{} {path}", kind_name.to_uppercase());
        let mut expand = Vec::new();
        let mut filter = Vec::new();
        let facts = match self.facts.operation(path, kind) {
            Some(f) => Some(self.checked_facts(f, &subject, ty, st, &mut expand, &mut filter)),
            None => {
                self.warn(
                    subject,
                    format!(
                        "no [[operation]] entry in {FACTS_FILE}; generated without query options"
                    ),
                );
                None
            }
        };
        let mut derived = |what: &str| {
            let key = format!("{} {kind_name} {path}", what.to_lowercase());
            let mut candidates = vec![format!("{}{what}", ty.rust_name)];
            candidates.extend(naming.stems.iter().map(|s| format!("{s}{what}")));
            self.names.claim(&key, candidates);
            key
        };
        let expand_enum = (!expand.is_empty()).then(|| derived("Expand"));
        let filter_type = (!filter.is_empty()).then(|| derived("Filter"));
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

    /// The facts of an operation without the rules that do not match the CSDL (each
    /// dropped with a warning); the kept `$expand` and `$filter` rules go to `expand`/`filter`.
    fn checked_facts(
        &mut self,
        f: &OperationFacts,
        subject: &str,
        ty: &TypeRef,
        st: &'a StructuredType,
        expand: &mut Vec<ExpandChoice>,
        filter: &mut Vec<FilterForm>,
    ) -> OperationFacts {
        let navs = self.navigations(&ty.qualified, st);
        for name in &f.expand {
            let Some(nav) = navs.iter().find(|n| n.name == *name) else {
                self.warn(
                    subject,
                    format!(
                        "$expand rule `{name}` dropped: `{}` has no such navigation property",
                        ty.qualified
                    ),
                );
                continue;
            };
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
        for form in &f.filter {
            match self.check_filter(ty, st, form) {
                Ok(()) => filter.push(form.clone()),
                Err(why) => self.warn(
                    subject,
                    format!("$filter rule `{}` dropped: {why}", form.describe()),
                ),
            }
        }
        let select = f.select && ty.property_enum.is_some();
        if f.select && !select {
            self.warn(
                subject,
                format!(
                    "$select rule dropped: `{}` has no structural properties to select",
                    ty.qualified
                ),
            );
        }
        OperationFacts {
            select,
            expand: expand.iter().map(|e| e.wire.clone()).collect(),
            filter: filter.clone(),
            ..f.clone()
        }
    }

    /// Whether a `$filter` form fits the CSDL of `ty`; the error says why not.
    fn check_filter(
        &self,
        ty: &TypeRef,
        st: &'a StructuredType,
        form: &FilterForm,
    ) -> Result<(), String> {
        let mut chain: Vec<&StructuredType> = self.doc.base_chain(&ty.qualified);
        chain.push(st);
        match form {
            FilterForm::DateTimeCompare { property } => {
                let p = chain
                    .iter()
                    .flat_map(|t| &t.properties)
                    .find(|p| p.name == *property);
                match p {
                    Some(p)
                        if !p.ty.collection
                            && p.ty.primitive() == Some(Primitive::DateTimeOffset) =>
                    {
                        Ok(())
                    }
                    _ => Err(format!(
                        "`{property}` is not an Edm.DateTimeOffset property of `{}`",
                        ty.qualified
                    )),
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
                    Err(format!(
                        "`{}` has no collection navigation property `{collection}` whose \
                         elements have an Edm.String property `{property}`",
                        ty.qualified
                    ))
                }
            }
        }
    }

    /// Bound functions whose binding parameter is `Collection(element)`.
    fn functions(
        &mut self,
        element: &str,
        path: &str,
        segments: &[String],
    ) -> Result<Vec<Function>, BuilderError> {
        let mut out = Vec::new();
        let doc = self.doc;
        for schema in &doc.schemas {
            for f in &schema.functions {
                let Some(binding) = f.parameters.first() else {
                    continue;
                };
                if !f.is_bound || !binding.ty.collection || binding.ty.name != element {
                    continue;
                }
                debug_assert_eq!(f.kind, OperationKind::Function);
                let qualified = format!("{}.{}", schema.namespace, f.name);
                if let Some(function) = self.function(f, &qualified, path, segments)? {
                    out.push(function);
                }
            }
        }
        Ok(out)
    }

    /// One bound function call; `None` (with a warning) when it cannot be called from Rust.
    fn function(
        &mut self,
        f: &msgraph_csdl::Operation,
        qualified: &str,
        path: &str,
        segments: &[String],
    ) -> Result<Option<Function>, BuilderError> {
        let fpath = format!("{path}/{qualified}(..)");
        let Some(ret) = f.return_type.as_ref() else {
            self.warn(fpath, "function skipped: it has no ReturnType");
            return Ok(None);
        };
        let mut params = Vec::new();
        for p in &f.parameters[1..] {
            let ty = match (p.ty.collection, p.ty.primitive()) {
                (false, Some(Primitive::DateTimeOffset)) => ParamType::DateTimeOffset,
                (false, Some(Primitive::String)) => ParamType::String,
                (false, Some(Primitive::Int32)) => ParamType::Int32,
                (false, Some(Primitive::Int64)) => ParamType::Int64,
                (false, Some(Primitive::Boolean)) => ParamType::Boolean,
                _ => {
                    let shown = if p.ty.collection {
                        format!("Collection({})", p.ty.name)
                    } else {
                        p.ty.name.to_string()
                    };
                    self.warn(
                        fpath,
                        format!(
                            "function skipped: parameter `{}` has type `{shown}`, which has no \
                             URL literal encoding here",
                            p.name
                        ),
                    );
                    return Ok(None);
                }
            };
            params.push(Param {
                wire: p.name.to_string(),
                rust: naming::field_name(&p.name),
                ty,
            });
        }
        let facts = match self.facts.function(qualified) {
            Some(facts) => facts.clone(),
            None => {
                self.warn(
                    qualified,
                    format!(
                        "no [[function]] entry in {FACTS_FILE}; generated with no client-side \
                         range limit and `toDateTime` read as inclusive"
                    ),
                );
                FunctionFacts::conservative(qualified)
            }
        };
        let date_range = params.len() == 2
            && params[0].wire == "fromDateTime"
            && params[1].wire == "toDateTime"
            && params.iter().all(|p| p.ty == ParamType::DateTimeOffset);
        let request = format!("function {fpath}");
        let mut candidates = vec![format!("{}Request", naming::type_name(&f.name))];
        candidates.extend(stems(
            segments,
            "",
            &format!("{}Request", naming::type_name(&f.name)),
        ));
        self.names.claim(&request, candidates);
        Ok(Some(Function {
            name: f.name.to_string(),
            qualified: qualified.to_string(),
            method: naming::field_name(&f.name),
            request,
            params,
            returns: self.type_ref(&ret.ty.name)?,
            returns_collection: ret.ty.collection,
            facts,
            path: fpath,
            date_range,
        }))
    }
}
