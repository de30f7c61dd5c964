//! What changed between two resolved documents, for the people who use the
//! generated SDK: an API change report.
//!
//! [`diff`] compares types, properties, navigation properties, enum
//! members, functions and actions, entity sets and singletons, and
//! `Core.Revisions` deprecations (with their dates), and classifies each
//! change by what it does to the generated Rust API:
//!
//! * [`Impact::Additive`]: existing code keeps compiling. New types, new
//!   properties and navigation properties (generated structs are
//!   `#[non_exhaustive]`), new enum members (generated enums are
//!   `#[non_exhaustive]` with an `Other` catch-all), new operations and
//!   entry points, nullability changes (every generated field is an
//!   `Option`: a property is absent when not selected), enum member value
//!   changes (members travel by name), and deprecations (`#[deprecated]`
//!   warns, it does not break).
//! * [`Impact::Breaking`]: code using the element stops compiling or
//!   changes meaning. Anything removed, a property or parameter retyped, a
//!   type that changes kind or base type, an operation whose parameters or
//!   return type change, a navigation property whose containment changes.
//!
//! Properties and navigation properties are compared with those a type
//! inherits, as the generated structs have them: one that moves to a base
//! type is not reported as removed.
//!
//! [`ApiDiff::report`] prints the changes one a line; [`ApiDiff::changelog`]
//! writes them as a keep-a-changelog section.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use crate::model::*;

use ChangeKind::{Added, Changed, Deprecated, Removed};
use Impact::{Additive, Breaking};

/// What a change does to code written against the generated API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Existing code keeps compiling and meaning the same.
    Additive,
    /// Existing code may stop compiling or change meaning.
    Breaking,
}

/// The keep-a-changelog section a change belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Something new.
    Added,
    /// Something that exists in both documents, changed.
    Changed,
    /// A new (or changed) `Core.Revisions` deprecation.
    Deprecated,
    /// Something gone.
    Removed,
}

/// The kind of element a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Element {
    /// An entity type.
    EntityType,
    /// A complex type.
    ComplexType,
    /// An enum type.
    EnumType,
    /// A type definition.
    TypeDefinition,
    /// A structural property.
    Property,
    /// A navigation property.
    NavigationProperty,
    /// An enum member.
    EnumMember,
    /// A function.
    Function,
    /// An action.
    Action,
    /// An entity set of the entity container.
    EntitySet,
    /// A singleton of the entity container.
    Singleton,
}

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Element::EntityType => "entity type",
            Element::ComplexType => "complex type",
            Element::EnumType => "enum type",
            Element::TypeDefinition => "type definition",
            Element::Property => "property",
            Element::NavigationProperty => "navigation property",
            Element::EnumMember => "enum member",
            Element::Function => "function",
            Element::Action => "action",
            Element::EntitySet => "entity set",
            Element::Singleton => "singleton",
        })
    }
}

/// One change between the old and the new document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Added, changed, deprecated or removed.
    pub kind: ChangeKind,
    /// What it does to the generated API.
    pub impact: Impact,
    /// The kind of element.
    pub element: Element,
    /// The element, namespace-qualified
    /// (`microsoft.graph.callRecords.callRecord/organizer`).
    pub target: String,
    /// What changed, e.g. `Edm.String -> Edm.Int32`; may be empty.
    pub detail: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let impact = match self.impact {
            Additive => "additive",
            Breaking => "BREAKING",
        };
        let kind = match self.kind {
            Added => "added",
            Changed => "changed",
            Deprecated => "deprecated",
            Removed => "removed",
        };
        write!(f, "{impact:<8}  {} {kind}: `{}`", self.element, self.target)?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        Ok(())
    }
}

/// Every change between two documents, in a stable order (by target).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiDiff {
    /// The changes.
    pub changes: Vec<Change>,
}

impl ApiDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many changes are breaking.
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.impact == Breaking).count()
    }

    /// The report for a terminal: a summary line, then one line a change.
    pub fn report(&self) -> String {
        if self.is_empty() {
            return "API changes: none\n".to_string();
        }
        let breaking = self.breaking();
        let mut out = format!(
            "API changes: {} ({breaking} breaking, {} additive)\n",
            self.changes.len(),
            self.changes.len() - breaking
        );
        for c in &self.changes {
            out.push_str(&format!("  {c}\n"));
        }
        out
    }

    /// The changes as keep-a-changelog entries: `(subsection, lines)` for
    /// `Added`, `Changed`, `Deprecated` and `Removed`, in that order, empty
    /// subsections left out; breaking entries are marked **Breaking**.
    pub fn changelog_entries(&self) -> Vec<(&'static str, Vec<String>)> {
        [
            (Added, "Added"),
            (Changed, "Changed"),
            (Deprecated, "Deprecated"),
            (Removed, "Removed"),
        ]
        .into_iter()
        .map(|(kind, title)| {
            let lines = self.changes.iter().filter(|c| c.kind == kind).map(|c| {
                let breaking = if c.impact == Breaking {
                    "**Breaking:** "
                } else {
                    ""
                };
                let detail = if c.detail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", c.detail)
                };
                format!("- {breaking}{} `{}`{detail}", c.element, c.target)
            });
            (title, lines.collect::<Vec<_>>())
        })
        .filter(|(_, lines)| !lines.is_empty())
        .collect()
    }

    /// A keep-a-changelog section headed `## {heading}` with the
    /// [`ApiDiff::changelog_entries`]; `None` when nothing changed.
    pub fn changelog(&self, heading: &str) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let mut out = format!("## {heading}\n");
        for (title, lines) in self.changelog_entries() {
            out.push_str(&format!("\n### {title}\n\n{}\n", lines.join("\n")));
        }
        Some(out)
    }
}

/// The changes from `old` to `new`, both resolved (names namespace-qualified).
pub fn diff(old: &Document, new: &Document) -> ApiDiff {
    let mut d = Differ {
        old,
        new,
        old_notes: notes(old),
        new_notes: notes(new),
        changes: Vec::new(),
    };
    d.types();
    d.operations();
    d.container();
    d.changes
        .sort_by(|a, b| (&a.target, a.kind, a.element).cmp(&(&b.target, b.kind, b.element)));
    ApiDiff { changes: d.changes }
}

/// A named type of one document, as the diff sees it.
enum Named<'d> {
    Structured(&'d StructuredType),
    Enum(&'d EnumType),
    Definition(&'d TypeDefinition),
}

impl Named<'_> {
    fn element(&self) -> Element {
        match self {
            Named::Structured(t) if t.kind == StructuredKind::Entity => Element::EntityType,
            Named::Structured(_) => Element::ComplexType,
            Named::Enum(_) => Element::EnumType,
            Named::Definition(_) => Element::TypeDefinition,
        }
    }

    fn annotations(&self) -> &[Annotation] {
        match self {
            Named::Structured(t) => &t.annotations,
            Named::Enum(t) => &t.annotations,
            Named::Definition(t) => &t.annotations,
        }
    }
}

/// Every named type of `doc` by qualified name.
fn named_types(doc: &Document) -> BTreeMap<String, Named<'_>> {
    let mut out = BTreeMap::new();
    for s in &doc.schemas {
        let q = |name: &str| format!("{}.{name}", s.namespace);
        for t in s.entity_types.iter().chain(&s.complex_types) {
            out.insert(q(&t.name), Named::Structured(t));
        }
        for t in &s.enum_types {
            out.insert(q(&t.name), Named::Enum(t));
        }
        for t in &s.type_definitions {
            out.insert(q(&t.name), Named::Definition(t));
        }
    }
    out
}

/// `T` or `Collection(T)`.
fn type_text(ty: &TypeRef) -> String {
    if ty.collection {
        format!("Collection({})", ty.name)
    } else {
        ty.name.clone()
    }
}

/// Out-of-line annotations by target.
type Notes<'d> = HashMap<&'d str, Vec<&'d Annotation>>;

fn notes(doc: &Document) -> Notes<'_> {
    let mut out = Notes::new();
    for g in doc.schemas.iter().flat_map(|s| &s.annotation_groups) {
        out.entry(g.target.as_str())
            .or_default()
            .extend(&g.annotations);
    }
    out
}

struct Differ<'d> {
    old: &'d Document,
    new: &'d Document,
    old_notes: Notes<'d>,
    new_notes: Notes<'d>,
    changes: Vec<Change>,
}

impl Differ<'_> {
    fn push(
        &mut self,
        kind: ChangeKind,
        impact: Impact,
        element: Element,
        target: &str,
        detail: String,
    ) {
        self.changes.push(Change {
            kind,
            impact,
            element,
            target: target.to_string(),
            detail,
        });
    }

    /// Additions (additive) and removals (breaking) between two keyed sets;
    /// returns the keys in both.
    fn added_removed<'k, T, U>(
        &mut self,
        element: Element,
        old: &'k BTreeMap<String, T>,
        new: &'k BTreeMap<String, U>,
        detail_new: impl Fn(&U) -> String,
        detail_old: impl Fn(&T) -> String,
    ) -> Vec<&'k String> {
        for (k, v) in new {
            if !old.contains_key(k) {
                self.push(Added, Additive, element, k, detail_new(v));
            }
        }
        let mut both = Vec::new();
        for (k, v) in old {
            if new.contains_key(k) {
                both.push(k);
            } else {
                self.push(Removed, Breaking, element, k, detail_old(v));
            }
        }
        both
    }

    /// Deprecations of the elements only `new` has (`annotations` of each).
    fn new_deprecations<T>(
        &mut self,
        element: Element,
        old: &BTreeMap<String, impl Sized>,
        new: &BTreeMap<String, T>,
        annotations: impl Fn(&T) -> &[Annotation],
    ) {
        for (target, v) in new {
            if !old.contains_key(target) {
                let target = target.split('(').next().unwrap_or(target);
                self.deprecations(element, target, &[], annotations(v));
            }
        }
    }

    /// A deprecation that is new, or whose dates changed, on `target`.
    fn deprecations(
        &mut self,
        element: Element,
        target: &str,
        old: &[Annotation],
        new: &[Annotation],
    ) {
        let deprecated = |notes: &Notes, inline: &[Annotation]| {
            let outside = notes.get(target).into_iter().flatten().copied();
            inline
                .iter()
                .chain(outside)
                .flat_map(Annotation::revisions)
                .find(|r| r.kind == "Deprecated")
        };
        let before = deprecated(&self.old_notes, old);
        let after = deprecated(&self.new_notes, new);
        match (before, after) {
            (before, Some(r)) if before.as_ref() != Some(&r) => {
                let mut detail = Vec::new();
                if let Some(d) = &r.date {
                    detail.push(format!("since {d}"));
                }
                if let Some(d) = &r.removal_date {
                    detail.push(format!("removal on {d}"));
                }
                if let Some(d) = &r.description {
                    detail.push(d.clone());
                }
                if let Some(b) = before {
                    if b.removal_date != r.removal_date {
                        let was = b.removal_date.as_deref().unwrap_or("none");
                        detail.push(format!("removal date was {was}"));
                    }
                }
                self.push(Deprecated, Additive, element, target, detail.join("; "));
            }
            (Some(_), None) => self.push(
                Changed,
                Additive,
                element,
                target,
                "no longer deprecated".to_string(),
            ),
            _ => {}
        }
    }

    fn types(&mut self) {
        let (old, new) = (named_types(self.old), named_types(self.new));
        let start = self.changes.len();
        let both = self.added_removed(
            Element::ComplexType,
            &old,
            &new,
            |_| String::new(),
            |_| String::new(),
        );
        // The element of an added or removed type is its own kind.
        for c in &mut self.changes[start..] {
            if let Some(t) = new.get(&c.target).or_else(|| old.get(&c.target)) {
                c.element = t.element();
            }
        }
        for (name, t) in &new {
            if !old.contains_key(name) {
                self.deprecations(t.element(), name, &[], t.annotations());
            }
        }
        for name in both {
            let (o, n) = (&old[name], &new[name]);
            self.deprecations(n.element(), name, o.annotations(), n.annotations());
            match (o, n) {
                (Named::Structured(o), Named::Structured(n)) if o.kind == n.kind => {
                    self.structured(name, o, n)
                }
                (Named::Enum(o), Named::Enum(n)) => self.enum_type(name, o, n),
                (Named::Definition(o), Named::Definition(n)) => {
                    if o.underlying_type != n.underlying_type {
                        let detail = format!("{} -> {}", o.underlying_type, n.underlying_type);
                        self.push(Changed, Breaking, Element::TypeDefinition, name, detail);
                    }
                }
                _ => {
                    let detail = format!("{} -> {}", o.element(), n.element());
                    self.push(Changed, Breaking, n.element(), name, detail);
                }
            }
        }
    }

    fn structured(&mut self, name: &str, o: &StructuredType, n: &StructuredType) {
        let element = if n.kind == StructuredKind::Entity {
            Element::EntityType
        } else {
            Element::ComplexType
        };
        if o.base_type != n.base_type {
            let show = |b: &Option<String>| b.clone().unwrap_or_else(|| "none".to_string());
            let detail = format!("base type {} -> {}", show(&o.base_type), show(&n.base_type));
            self.push(Changed, Breaking, element, name, detail);
        }
        let props: fn(&StructuredType) -> &Vec<Property> = |t| &t.properties;
        let prop_name = |p: &Property| p.name.clone();
        let keep = declared(o, n, props, prop_name);
        let op = members(self.old, name, o, &keep, props, prop_name);
        let np = members(self.new, name, n, &keep, props, prop_name);
        let type_of = |p: &Property| type_text(&p.ty);
        self.new_deprecations(Element::Property, &op, &np, |p| &p.annotations);
        for target in self.added_removed(Element::Property, &op, &np, type_of, type_of) {
            let (a, b) = (&op[target], &np[target]);
            if a.ty != b.ty {
                let detail = format!("{} -> {}", type_text(&a.ty), type_text(&b.ty));
                self.push(Changed, Breaking, Element::Property, target, detail);
            }
            if a.nullable != b.nullable {
                let detail = format!("Nullable {} -> {}", a.nullable, b.nullable);
                self.push(Changed, Additive, Element::Property, target, detail);
            }
            self.deprecations(Element::Property, target, &a.annotations, &b.annotations);
        }
        let navs: fn(&StructuredType) -> &Vec<NavigationProperty> = |t| &t.navigation_properties;
        let nav_name = |p: &NavigationProperty| p.name.clone();
        let keep = declared(o, n, navs, nav_name);
        let on = members(self.old, name, o, &keep, navs, nav_name);
        let nn = members(self.new, name, n, &keep, navs, nav_name);
        let nav_type = |p: &NavigationProperty| type_text(&p.ty);
        let element = Element::NavigationProperty;
        self.new_deprecations(element, &on, &nn, |p| &p.annotations);
        for target in self.added_removed(element, &on, &nn, nav_type, nav_type) {
            let (a, b) = (&on[target], &nn[target]);
            if a.ty != b.ty {
                let detail = format!("{} -> {}", type_text(&a.ty), type_text(&b.ty));
                self.push(Changed, Breaking, element, target, detail);
            }
            if a.contains_target != b.contains_target {
                let detail = format!(
                    "ContainsTarget {} -> {}",
                    a.contains_target, b.contains_target
                );
                self.push(Changed, Breaking, element, target, detail);
            }
            self.deprecations(element, target, &a.annotations, &b.annotations);
        }
    }

    fn enum_type(&mut self, name: &str, o: &EnumType, n: &EnumType) {
        let members = |e: &EnumType| -> BTreeMap<String, EnumMember> {
            e.members
                .iter()
                .map(|m| (format!("{name}/{}", m.name), m.clone()))
                .collect()
        };
        let (om, nm) = (members(o), members(n));
        let value = |m: &EnumMember| format!("value {}", m.value);
        self.new_deprecations(Element::EnumMember, &om, &nm, |m| &m.annotations);
        for target in self.added_removed(Element::EnumMember, &om, &nm, value, value) {
            let (a, b) = (&om[target], &nm[target]);
            if a.value != b.value {
                let detail = format!("value {} -> {}", a.value, b.value);
                self.push(Changed, Additive, Element::EnumMember, target, detail);
            }
            self.deprecations(Element::EnumMember, target, &a.annotations, &b.annotations);
        }
    }

    fn operations(&mut self) {
        // Overloads are told apart by their binding parameter's type.
        let ops = |doc: &'_ Document| -> BTreeMap<String, Operation> {
            let mut out = BTreeMap::new();
            for s in &doc.schemas {
                for op in s.functions.iter().chain(&s.actions) {
                    let mut key = format!("{}.{}", s.namespace, op.name);
                    if let Some(binding) = op.parameters.first().filter(|_| op.is_bound) {
                        key.push_str(&format!("({})", type_text(&binding.ty)));
                    }
                    out.insert(key, op.clone());
                }
            }
            out
        };
        let (old, new) = (ops(self.old), ops(self.new));
        let element = |op: &Operation| match op.kind {
            OperationKind::Function => Element::Function,
            OperationKind::Action => Element::Action,
        };
        let start = self.changes.len();
        let both = self.added_removed(Element::Function, &old, &new, signature, signature);
        for c in &mut self.changes[start..] {
            if let Some(op) = new.get(&c.target).or_else(|| old.get(&c.target)) {
                c.element = element(op);
            }
        }
        for (key, op) in &new {
            if !old.contains_key(key) {
                let target = key.split('(').next().unwrap_or(key);
                self.deprecations(element(op), target, &[], &op.annotations);
            }
        }
        for key in both {
            let (a, b) = (&old[key], &new[key]);
            if signature(a) != signature(b) || a.kind != b.kind {
                let detail = format!("{} -> {}", signature(a), signature(b));
                self.push(Changed, Breaking, element(b), key, detail);
            }
            // Annotation targets name an operation without its binding.
            let target = key.split('(').next().unwrap_or(key);
            self.deprecations(element(b), target, &a.annotations, &b.annotations);
        }
    }

    fn container(&mut self) {
        type Children = BTreeMap<String, String>;
        let children = |doc: &Document| -> (Children, Children) {
            let (mut sets, mut singletons) = (Children::new(), Children::new());
            for s in &doc.schemas {
                if let Some(c) = &s.entity_container {
                    let q = |name: &str| format!("{}.{}/{name}", s.namespace, c.name);
                    for set in &c.entity_sets {
                        sets.insert(q(&set.name), set.entity_type.clone());
                    }
                    for single in &c.singletons {
                        singletons.insert(q(&single.name), single.ty.clone());
                    }
                }
            }
            (sets, singletons)
        };
        let ((os, osi), (ns, nsi)) = (children(self.old), children(self.new));
        for (element, old, new) in [(Element::EntitySet, os, ns), (Element::Singleton, osi, nsi)] {
            for target in self.added_removed(element, &old, &new, String::clone, String::clone) {
                if old[target] != new[target] {
                    let detail = format!("{} -> {}", old[target], new[target]);
                    self.push(Changed, Breaking, element, target, detail);
                }
            }
        }
    }
}

/// The names of the members (`list` of a type) declared by `old` or `new`.
fn declared<T>(
    old: &StructuredType,
    new: &StructuredType,
    list: impl Fn(&StructuredType) -> &Vec<T>,
    name: impl Fn(&T) -> String,
) -> BTreeSet<String> {
    list(old).iter().chain(list(new)).map(name).collect()
}

/// The members (`list`) of type `qualified` (`t`) named in `keep`, its own
/// or inherited, keyed `qualified/member`. A generated struct has the
/// fields of its base types too, so a property that moves to a base type
/// is neither removed nor added.
fn members<T: Clone>(
    doc: &Document,
    qualified: &str,
    t: &StructuredType,
    keep: &BTreeSet<String>,
    list: impl Fn(&StructuredType) -> &Vec<T>,
    name: impl Fn(&T) -> String,
) -> BTreeMap<String, T> {
    let mut out = BTreeMap::new();
    for ty in std::iter::once(t).chain(doc.base_chain(qualified)) {
        for m in list(ty) {
            let n = name(m);
            if keep.contains(&n) {
                out.entry(format!("{qualified}/{n}"))
                    .or_insert_with(|| m.clone());
            }
        }
    }
    out
}

/// `(name: Type, ...) -> Return` of an operation (binding parameter included).
fn signature(op: &Operation) -> String {
    let params: Vec<String> = op
        .parameters
        .iter()
        .map(|p| {
            let null = if p.nullable { "" } else { " not null" };
            format!("{}: {}{null}", p.name, type_text(&p.ty))
        })
        .collect();
    let ret = op
        .return_type
        .as_ref()
        .map(|r| format!(" -> {}", type_text(&r.ty)))
        .unwrap_or_default();
    format!("({}){ret}", params.join(", "))
}
