//! Resolves alias-qualified type names and reports unresolved references.
//!
//! After [`resolve`] every type reference in the document (property,
//! navigation, parameter, return, base, term, entity set and singleton types,
//! type casts in binding paths, annotation terms and record types) is written in
//! its namespace-qualified form, e.g. `graph.identity` becomes
//! `microsoft.graph.identity`. Annotation targets are qualified too; a target
//! naming nothing declared is reported as dangling, not as an error.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, ErrorKind};
use crate::model::*;

/// How many unresolved references an error message lists.
const SHOWN: usize = 5;

/// A reference that names nothing declared in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The name after alias qualification (e.g. `microsoft.graph.nope`).
    pub name: String,
    /// Where it is used (e.g. `microsoft.graph.callRecords.callRecord/organizer`).
    pub context: String,
    /// Where the element that holds the reference (or its owner) starts
    /// ([`Document::position`] gives its line and column).
    pub span: Span,
}

/// The result of a resolution pass.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResolveReport {
    /// Number of references checked.
    pub checked: usize,
    /// References that name nothing declared, in document order.
    pub unresolved: Vec<Unresolved>,
    /// Out-of-line `<Annotations>` whose target names nothing declared.
    /// Not an error: they annotate nothing (the real v1.0 document has two,
    /// `microsoft.graph.publishedResource/agentGroups` and `microsoft.graph.directorySetting`).
    pub dangling_targets: Vec<Unresolved>,
}

/// Qualifies every reference and fails when any is unresolved, when a type
/// name is declared twice in a namespace, or when a key names no property. The error names the count and the
/// first few unresolved references with positions.
pub fn resolve(doc: &mut Document) -> Result<ResolveReport, Error> {
    let report = resolve_report(doc)?;
    if let Some(first) = report.unresolved.first() {
        let n = report.unresolved.len();
        let shown: Vec<String> = report
            .unresolved
            .iter()
            .take(SHOWN)
            .map(|u| format!("{} in {} ({})", u.name, u.context, doc.position(u.span)))
            .collect();
        let more = if n > SHOWN {
            format!("; {} more", n - SHOWN)
        } else {
            String::new()
        };
        return Err(Error::new(
            &doc.source,
            doc.position(first.span),
            ErrorKind::Unresolved,
            format!(
                "{n} unresolved type reference{}: {}{more}",
                if n == 1 { "" } else { "s" },
                shown.join(", ")
            ),
        ));
    }
    check_keys(doc)?;
    Ok(report)
}

/// Every `Key/PropertyRef` names a structural property of its entity type or
/// of one of its base types (for a path `a/b`, the first segment). Runs after
/// resolution, so base types are qualified. The error sits at the type.
fn check_keys(doc: &Document) -> Result<(), Error> {
    // Built only when a key is not declared by its own type (rare).
    let mut by_name: Option<std::collections::HashMap<String, &StructuredType>> = None;
    for s in &doc.schemas {
        for t in s.entity_types.iter().chain(&s.complex_types) {
            for key in &t.key {
                let first = key.split('/').next().unwrap_or(key);
                if t.properties.iter().any(|p| p.name == first) {
                    continue;
                }
                let map = by_name.get_or_insert_with(|| {
                    doc.schemas
                        .iter()
                        .flat_map(|s| {
                            s.entity_types
                                .iter()
                                .chain(&s.complex_types)
                                .map(move |t| (format!("{}.{}", s.namespace, t.name), t))
                        })
                        .collect()
                });
                // Bounded walk: a base-type cycle cannot loop forever.
                let mut base = t.base_type.as_deref();
                let mut found = false;
                for _ in 0..map.len() {
                    let Some(b) = base.and_then(|b| map.get(b)) else {
                        break;
                    };
                    if b.properties.iter().any(|p| p.name == first) {
                        found = true;
                        break;
                    }
                    base = b.base_type.as_deref();
                }
                if !found {
                    return Err(Error::new(
                        &doc.source,
                        doc.position(t.span),
                        ErrorKind::Unresolved,
                        format!(
                            "key property {key} of {}.{} is not a property of the type or its base types",
                            s.namespace, t.name
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Like [`resolve`] but returns unresolved references in the report instead
/// of failing (duplicate type names are still an error).
pub fn resolve_report(doc: &mut Document) -> Result<ResolveReport, Error> {
    let names = Names::new(doc)?;
    let mut resolver = Resolver::new(&names);
    resolver.schemas(&mut doc.schemas);
    Ok(resolver.report())
}

/// What resolution looks names up in, built once from the declarations.
struct Names {
    /// Alias -> namespace (schemas and `edmx:Include`s).
    aliases: HashMap<String, String>,
    /// Qualified names of the declared types, with their positions.
    types: HashMap<String, Span>,
    /// Qualified names of the other annotatable named elements:
    /// operations, containers, terms.
    others: HashSet<String>,
}

impl Names {
    fn new(doc: &Document) -> Result<Self, Error> {
        let mut aliases = HashMap::new();
        let includes = doc.references.iter().flat_map(|r| &r.includes);
        let pairs = doc
            .schemas
            .iter()
            .map(|s| (&s.namespace, &s.alias))
            .chain(includes.map(|(ns, alias)| (ns, alias)));
        for (ns, alias) in pairs {
            if let Some(a) = alias {
                // The parser refuses colliding aliases where they are
                // written; a hand-built document keeps the first one.
                aliases.entry(a.clone()).or_insert_with(|| ns.clone());
            }
        }
        let mut types: HashMap<String, Span> = HashMap::new();
        let mut others = HashSet::new();
        for s in &doc.schemas {
            let named = s
                .entity_types
                .iter()
                .chain(&s.complex_types)
                .map(|t| (&t.name, t.span))
                .chain(s.enum_types.iter().map(|t| (&t.name, t.span)))
                .chain(s.type_definitions.iter().map(|t| (&t.name, t.span)));
            for (name, span) in named {
                let qualified = format!("{}.{name}", s.namespace);
                if let Some(first) = types.insert(qualified.clone(), span) {
                    // Named by its last segment in the namespace before it:
                    // `b.c` in `a` and `c` in `a.b` are one qualified name.
                    let (ns, local) = qualified.rsplit_once('.').unwrap_or_default();
                    return Err(Error::new(
                        &doc.source,
                        doc.position(span),
                        ErrorKind::Duplicate,
                        format!(
                            "duplicate type name {local} in namespace {ns} (first declared at {})",
                            doc.position(first)
                        ),
                    ));
                }
            }
            let ops = s.functions.iter().chain(&s.actions).map(|op| &op.name);
            let terms = s.terms.iter().map(|t| &t.name);
            let container = s.entity_container.iter().map(|c| &c.name);
            for name in ops.chain(terms).chain(container) {
                others.insert(format!("{}.{name}", s.namespace));
            }
        }
        Ok(Names {
            aliases,
            types,
            others,
        })
    }

    /// `alias.Name` -> `namespace.Name`; `None` for anything else.
    fn qualified(&self, name: &str) -> Option<String> {
        let (prefix, local) = name.rsplit_once('.')?;
        let namespace = self.aliases.get(prefix)?;
        Some(format!("{namespace}.{local}"))
    }

    /// Qualifies every name token of a path or target expression
    /// (`graph.x/y`, `graph.op(graph.t, Collection(graph.u))`).
    fn qualify_tokens(&self, text: &mut String) {
        let mut out = String::with_capacity(text.len());
        let mut token = String::new();
        for c in text.chars().chain(std::iter::once('\0')) {
            if c != '\0' && (c.is_ascii_alphanumeric() || c == '_' || c == '.' || !c.is_ascii()) {
                token.push(c);
                continue;
            }
            match self.qualified(&token) {
                Some(q) => out.push_str(&q),
                None => out.push_str(&token),
            }
            token.clear();
            if c != '\0' {
                out.push(c);
            }
        }
        *text = out;
    }
}

/// A pass over the schemas: rewrites their references and notes what it
/// checked and missed.
struct Resolver<'n> {
    names: &'n Names,
    checked: usize,
    unresolved: Vec<Unresolved>,
    dangling: Vec<Unresolved>,
}

impl<'n> Resolver<'n> {
    fn new(names: &'n Names) -> Self {
        Resolver {
            names,
            checked: 0,
            unresolved: Vec::new(),
            dangling: Vec::new(),
        }
    }

    /// `alias.Name` -> `namespace.Name`; anything else unchanged.
    fn qualify(&self, name: &mut String) {
        if let Some(q) = self.names.qualified(name) {
            *name = q;
        }
    }

    /// Qualifies and checks a named type (not `Collection(...)`).
    fn named_type(&mut self, name: &mut String, span: Span, context: impl FnOnce() -> String) {
        self.checked += 1;
        let found = if name.starts_with("Edm.") {
            Primitive::from_name(name).is_some()
        } else {
            self.qualify(name);
            self.names.types.contains_key(name.as_str())
        };
        if !found {
            self.unresolved.push(Unresolved {
                name: name.clone(),
                context: context(),
                span,
            });
        }
    }

    fn type_ref(&mut self, ty: &mut TypeRef, span: Span, context: impl FnOnce() -> String) {
        self.named_type(&mut ty.name, span, context);
    }

    fn schemas(&mut self, schemas: &mut [Schema]) {
        for s in schemas {
            self.schema(s);
        }
    }

    fn schema(&mut self, s: &mut Schema) {
        let ns = s.namespace.clone();
        for t in s.entity_types.iter_mut().chain(s.complex_types.iter_mut()) {
            let owner = &t.name;
            if let Some(base) = &mut t.base_type {
                self.named_type(base, t.span, || format!("{ns}.{owner} (BaseType)"));
            }
            for p in &mut t.properties {
                let pname = &p.name;
                self.type_ref(&mut p.ty, p.span, || format!("{ns}.{owner}/{pname}"));
                self.annotations(&mut p.annotations);
            }
            for n in &mut t.navigation_properties {
                let nname = &n.name;
                self.type_ref(&mut n.ty, n.span, || format!("{ns}.{owner}/{nname}"));
                self.annotations(&mut n.annotations);
            }
            self.annotations(&mut t.annotations);
        }
        for e in &mut s.enum_types {
            if let Some(u) = &mut e.underlying_type {
                let owner = &e.name;
                self.named_type(u, e.span, || format!("{ns}.{owner} (UnderlyingType)"));
            }
            self.annotations(&mut e.annotations);
            for m in &mut e.members {
                self.annotations(&mut m.annotations);
            }
        }
        for d in &mut s.type_definitions {
            let owner = &d.name;
            self.named_type(&mut d.underlying_type, d.span, || {
                format!("{ns}.{owner} (UnderlyingType)")
            });
            self.annotations(&mut d.annotations);
        }
        for t in &mut s.terms {
            let owner = &t.name;
            self.type_ref(&mut t.ty, t.span, || format!("term {ns}.{owner}"));
            self.annotations(&mut t.annotations);
        }
        for op in s.functions.iter_mut().chain(s.actions.iter_mut()) {
            let owner = &op.name;
            for p in &mut op.parameters {
                let pname = &p.name;
                self.type_ref(&mut p.ty, p.span, || format!("{ns}.{owner}({pname})"));
                self.annotations(&mut p.annotations);
            }
            if let Some(r) = &mut op.return_type {
                self.type_ref(&mut r.ty, r.span, || format!("{ns}.{owner} (ReturnType)"));
                self.annotations(&mut r.annotations);
            }
            self.annotations(&mut op.annotations);
        }
        if let Some(c) = &mut s.entity_container {
            let cname = &c.name;
            for set in &mut c.entity_sets {
                let sname = &set.name;
                let span = set.span;
                self.named_type(&mut set.entity_type, span, || {
                    format!("{ns}.{cname}/{sname}")
                });
                for b in &mut set.bindings {
                    self.binding(b, span, || format!("{ns}.{cname}/{sname}"));
                }
                self.annotations(&mut set.annotations);
            }
            for single in &mut c.singletons {
                let sname = &single.name;
                let span = single.span;
                self.named_type(&mut single.ty, span, || format!("{ns}.{cname}/{sname}"));
                for b in &mut single.bindings {
                    self.binding(b, span, || format!("{ns}.{cname}/{sname}"));
                }
                self.annotations(&mut single.annotations);
            }
            for (_, op) in &mut c.operation_imports {
                self.qualify(op);
            }
            self.annotations(&mut c.annotations);
        }
        self.groups(&mut s.annotation_groups);
    }

    /// Out-of-line annotation groups: targets and annotations.
    fn groups(&mut self, groups: &mut [Annotations]) {
        for g in groups {
            self.target(&mut g.target, g.span);
            self.annotations(&mut g.annotations);
        }
    }

    /// What this pass checked and missed.
    fn report(self) -> ResolveReport {
        ResolveReport {
            checked: self.checked,
            unresolved: self.unresolved,
            dangling_targets: self.dangling,
        }
    }

    /// Type casts inside a binding path must name declared types.
    fn binding(
        &mut self,
        b: &mut NavigationPropertyBinding,
        span: Span,
        context: impl Fn() -> String,
    ) {
        self.names.qualify_tokens(&mut b.path);
        self.names.qualify_tokens(&mut b.target);
        for cast in b.path.split('/').filter(|seg| seg.contains('.')) {
            self.checked += 1;
            if !self.names.types.contains_key(cast) {
                self.unresolved.push(Unresolved {
                    name: cast.to_string(),
                    context: context(),
                    span,
                });
            }
        }
    }

    /// Qualifies a target; one whose head (`ns.Type`, `ns.op(...)`,
    /// `ns.Container`) names nothing declared is recorded as dangling.
    fn target(&mut self, target: &mut String, span: Span) {
        self.names.qualify_tokens(target);
        let head = target.split(['/', '(']).next().unwrap_or_default();
        if !self.names.types.contains_key(head) && !self.names.others.contains(head) {
            self.dangling.push(Unresolved {
                name: head.to_string(),
                context: format!("annotation target {target}"),
                span,
            });
        }
    }

    fn annotations(&mut self, list: &mut [Annotation]) {
        for a in list {
            self.qualify(&mut a.term);
            self.value(&mut a.value);
            self.annotations(&mut a.annotations);
        }
    }

    fn value(&mut self, v: &mut AnnotationValue) {
        match v {
            AnnotationValue::Record(r) => {
                if let Some(ty) = &mut r.ty {
                    self.qualify(ty);
                }
                for pv in &mut r.properties {
                    self.value(&mut pv.value);
                    self.annotations(&mut pv.annotations);
                }
                self.annotations(&mut r.annotations);
            }
            AnnotationValue::Collection(items) => {
                for item in items {
                    self.value(item);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three schemas, each referring to the next through its alias: every
    /// reference is qualified, misses come schema by schema in resolution
    /// order (entity types first), and each schema's unknown target dangles.
    #[test]
    fn resolves_across_schemas_and_reports_misses_in_order() {
        let schema = |ns: &str, alias: &str, other: &str| {
            format!(
                r#"<Schema Namespace="{ns}" Alias="{alias}">
                  <ComplexType Name="t"><Property Name="a" Type="{alias}.t"/><Property Name="b" Type="{other}.t"/><Property Name="c" Type="{alias}.missing"/></ComplexType>
                  <EntityType Name="e" BaseType="{alias}.nope"><Key><PropertyRef Name="k"/></Key><Property Name="k" Type="Edm.String" Nullable="false"/></EntityType>
                  <Annotations Target="{alias}.t/a"><Annotation Term="Org.OData.Core.V1.Description" String="x"/></Annotations>
                  <Annotations Target="{alias}.gone"/>
                </Schema>"#
            )
        };
        let text = format!(
            r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>{}{}{}</edmx:DataServices></edmx:Edmx>"#,
            schema("n.one", "one", "two"),
            schema("n.two", "two", "three"),
            schema("n.three", "three", "one"),
        );
        let mut doc = crate::parse(text.as_bytes(), "t.xml").expect("parses");
        let report = resolve_report(&mut doc).expect("resolves");
        let missed: Vec<&str> = report.unresolved.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(
            missed,
            [
                "n.one.nope",
                "n.one.missing",
                "n.two.nope",
                "n.two.missing",
                "n.three.nope",
                "n.three.missing"
            ]
        );
        let dangling: Vec<&str> = report
            .dangling_targets
            .iter()
            .map(|u| u.name.as_str())
            .collect();
        assert_eq!(dangling, ["n.one.gone", "n.two.gone", "n.three.gone"]);
        let t = &doc.schemas[2].complex_types[0];
        assert_eq!(t.properties[1].ty.name, "n.one.t");
        assert_eq!(doc.schemas[0].annotation_groups[0].target, "n.one.t/a");
    }
}
