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
    /// Position of the element that holds the reference (or of its owner).
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

/// Qualifies every reference and fails when any is unresolved or when a type
/// name is declared twice in a namespace. The error names the count and the
/// first few unresolved references with positions.
pub fn resolve(doc: &mut Document) -> Result<ResolveReport, Error> {
    let report = resolve_report(doc)?;
    if let Some(first) = report.unresolved.first() {
        let n = report.unresolved.len();
        let shown: Vec<String> = report
            .unresolved
            .iter()
            .take(SHOWN)
            .map(|u| {
                format!(
                    "{} in {} ({}:{})",
                    u.name, u.context, u.span.line, u.span.column
                )
            })
            .collect();
        let more = if n > SHOWN {
            format!("; {} more", n - SHOWN)
        } else {
            String::new()
        };
        return Err(Error::new(
            &doc.source,
            first.span,
            ErrorKind::Unresolved,
            format!(
                "{n} unresolved type reference{}: {}{more}",
                if n == 1 { "" } else { "s" },
                shown.join(", ")
            ),
        ));
    }
    Ok(report)
}

/// Like [`resolve`] but returns unresolved references in the report instead
/// of failing (duplicate type names are still an error).
pub fn resolve_report(doc: &mut Document) -> Result<ResolveReport, Error> {
    let mut r = Resolver::new(doc)?;
    for schema in &mut doc.schemas {
        r.schema(schema);
    }
    Ok(ResolveReport {
        checked: r.checked,
        unresolved: r.unresolved,
        dangling_targets: r.dangling,
    })
}

struct Resolver {
    /// Alias -> namespace (schemas and `edmx:Include`s).
    aliases: HashMap<String, String>,
    /// Qualified names of declared types.
    types: HashSet<String>,
    /// Qualified names of other annotatable named things: operations, containers, terms.
    others: HashSet<String>,
    checked: usize,
    unresolved: Vec<Unresolved>,
    dangling: Vec<Unresolved>,
}

impl Resolver {
    fn new(doc: &Document) -> Result<Self, Error> {
        let mut aliases = HashMap::new();
        for s in &doc.schemas {
            if let Some(a) = &s.alias {
                aliases.insert(a.clone(), s.namespace.clone());
            }
        }
        for r in &doc.references {
            for (ns, alias) in &r.includes {
                if let Some(a) = alias {
                    aliases.entry(a.clone()).or_insert_with(|| ns.clone());
                }
            }
        }
        let mut declared: HashMap<String, Span> = HashMap::new();
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
                let q = format!("{}.{}", s.namespace, name);
                if let Some(first) = declared.get(&q) {
                    return Err(Error::new(
                        &doc.source,
                        span,
                        ErrorKind::Duplicate,
                        format!(
                            "duplicate type name {name} in namespace {} (first declared at {}:{})",
                            s.namespace, first.line, first.column
                        ),
                    ));
                }
                declared.insert(q, span);
            }
            for op in s.functions.iter().chain(&s.actions) {
                others.insert(format!("{}.{}", s.namespace, op.name));
            }
            for t in &s.terms {
                others.insert(format!("{}.{}", s.namespace, t.name));
            }
            if let Some(c) = &s.entity_container {
                others.insert(format!("{}.{}", s.namespace, c.name));
            }
        }
        Ok(Resolver {
            aliases,
            types: declared.into_keys().collect(),
            others,
            checked: 0,
            unresolved: Vec::new(),
            dangling: Vec::new(),
        })
    }

    /// `alias.Name` -> `namespace.Name`; anything else unchanged.
    fn qualify(&self, name: &mut String) {
        if let Some((ns, local)) = name.rsplit_once('.') {
            if let Some(real) = self.aliases.get(ns) {
                *name = format!("{real}.{local}");
            }
        }
    }

    /// Qualifies every dotted token of a path or target expression
    /// (`graph.x/y`, `graph.op(graph.t, Collection(graph.u))`).
    fn qualify_tokens(&self, text: &mut String) {
        if !text.contains('.') {
            return;
        }
        let mut out = String::with_capacity(text.len() + 16);
        let mut changed = false;
        for (is_token, piece) in tokens(text) {
            if is_token {
                if let Some((ns, local)) = piece.rsplit_once('.') {
                    if let Some(real) = self.aliases.get(ns) {
                        out.push_str(real);
                        out.push('.');
                        out.push_str(local);
                        changed = true;
                        continue;
                    }
                }
            }
            out.push_str(piece);
        }
        if changed {
            *text = out;
        }
    }

    fn miss(&mut self, name: &str, span: Span, context: impl FnOnce() -> String) {
        self.unresolved.push(Unresolved {
            name: name.to_string(),
            context: context(),
            span,
        });
    }

    /// Qualifies and checks a named type (not `Collection(...)`).
    fn named_type(&mut self, name: &mut String, span: Span, context: impl FnOnce() -> String) {
        self.checked += 1;
        if name.starts_with("Edm.") {
            if Primitive::from_name(name).is_none() {
                self.miss(name, span, context);
            }
            return;
        }
        self.qualify(name);
        if !self.types.contains(name.as_str()) {
            self.miss(name, span, context);
        }
    }

    fn type_ref(&mut self, ty: &mut TypeRef, span: Span, context: impl FnOnce() -> String) {
        self.named_type(&mut ty.name, span, context);
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
                self.type_ref(&mut p.ty, op.span, || format!("{ns}.{owner}({pname})"));
                self.annotations(&mut p.annotations);
            }
            if let Some(r) = &mut op.return_type {
                self.type_ref(&mut r.ty, op.span, || format!("{ns}.{owner} (ReturnType)"));
            }
            self.annotations(&mut op.annotations);
        }
        if let Some(c) = &mut s.entity_container {
            let cname = &c.name;
            let span = c.span;
            for set in &mut c.entity_sets {
                let sname = &set.name;
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
        for g in &mut s.annotation_groups {
            self.target(&mut g.target, g.span);
            self.annotations(&mut g.annotations);
        }
    }

    /// Type casts inside a binding path must name declared types.
    fn binding(
        &mut self,
        b: &mut NavigationPropertyBinding,
        span: Span,
        context: impl Fn() -> String,
    ) {
        self.qualify_tokens(&mut b.path);
        self.qualify_tokens(&mut b.target);
        let casts: Vec<String> = b
            .path
            .split('/')
            .filter(|seg| seg.contains('.'))
            .map(str::to_string)
            .collect();
        for cast in casts {
            self.checked += 1;
            if !self.types.contains(&cast) {
                self.miss(&cast, span, &context);
            }
        }
    }

    /// Qualifies a target; one whose head (`ns.Type`, `ns.op(...)`,
    /// `ns.Container`) names nothing declared is recorded as dangling.
    fn target(&mut self, target: &mut String, span: Span) {
        self.qualify_tokens(target);
        let end = target.find(['/', '(']).unwrap_or(target.len());
        let head = &target[..end];
        if !self.types.contains(head) && !self.others.contains(head) {
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
        }
    }

    fn value(&mut self, v: &mut AnnotationValue) {
        match v {
            AnnotationValue::Record(r) => {
                if let Some(ty) = &mut r.ty {
                    self.qualify(ty);
                }
                for (_, pv) in &mut r.properties {
                    self.value(pv);
                }
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

/// Splits text into `(is_name_token, piece)`; name tokens are runs of
/// letters, digits, `_` and `.`.
fn tokens(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let is_tok = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let tok = is_tok(first);
        let end = rest
            .char_indices()
            .find(|(_, c)| is_tok(*c) != tok)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some((tok, piece))
    })
}
