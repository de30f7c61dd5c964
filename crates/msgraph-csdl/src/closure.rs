//! The closure of a namespace: every type it needs and how it is reached.
//!
//! Rules (facts sheet §1.3/§1.4):
//! * every type of the namespace, and every type referenced by their base
//!   types, properties, navigation properties and by the namespace's
//!   operations (parameters and return types), transitively;
//! * plus every type derived from a referenced **complex** type (payloads may
//!   carry any subtype with an `@odata.type` discriminator), with its own
//!   dependencies; entity-type derivation is not followed (`entity` has
//!   hundreds of subtypes that cannot appear in these payloads);
//! * plus how the entity container reaches the namespace: each singleton or
//!   entity set from which a chain of containment navigation properties
//!   leads to a namespace type (`communications` -> `callRecords`).
//!
//! Works on a resolved document ([`crate::load`]).

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use crate::error::{Error, ErrorKind};
use crate::model::*;

/// What a namespace needs and how it is reached from the entity container.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Closure {
    /// The namespace the closure was computed for (`microsoft.graph.callRecords`).
    pub namespace: String,
    /// Qualified names of every type the namespace needs (its own included).
    /// Types that only own a navigation property on a container path
    /// (`microsoft.graph.cloudCommunications`) are not in here; see
    /// [`Closure::path_only_types`].
    pub types: BTreeSet<String>,
    /// How the container reaches the namespace, one entry per container child
    /// and namespace type reached.
    pub paths: Vec<Entry>,
    /// The bound operations declared in the namespace, in document order.
    pub operations: Vec<BoundOperation>,
}

/// Whether an [`Entry`] starts at a singleton or at an entity set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A `Singleton` (`communications`).
    Singleton,
    /// An `EntitySet`.
    EntitySet,
}

/// One way in from the entity container, e.g. `communications` -> `callRecords`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Singleton or entity set.
    pub kind: EntryKind,
    /// Name of the singleton / entity set (`communications`).
    pub container_child: String,
    /// Container-qualified name (`microsoft.graph.GraphService/communications`).
    pub qualified: String,
    /// The type of the container child (`microsoft.graph.cloudCommunications`).
    pub root_type: String,
    /// The containment navigation properties followed, in order (never empty).
    pub navigations: Vec<PathStep>,
}

impl Entry {
    /// The URL path of the collection or single entity reached
    /// (`/communications/callRecords`).
    pub fn url_path(&self) -> String {
        let mut p = format!("/{}", self.container_child);
        for step in &self.navigations {
            p.push('/');
            p.push_str(&step.name);
        }
        p
    }

    /// The namespace type the entry reaches (the last step's target).
    pub fn target_type(&self) -> &str {
        self.navigations
            .last()
            .map(|s| s.target.name.as_str())
            .unwrap_or(&self.root_type)
    }
}

/// One containment navigation property on a container path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathStep {
    /// Qualified name of the type that declares the navigation property
    /// (`microsoft.graph.cloudCommunications`).
    pub declaring_type: String,
    /// The navigation property (`callRecords`).
    pub name: String,
    /// Its type (`Collection(microsoft.graph.callRecords.callRecord)`).
    pub target: TypeRef,
}

/// A bound operation of the namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundOperation {
    /// Qualified name (`microsoft.graph.callRecords.getPstnCalls`).
    pub name: String,
    /// Function or action.
    pub kind: OperationKind,
    /// The binding parameter's type (`Collection(microsoft.graph.callRecords.callRecord)`).
    pub binding: TypeRef,
}

impl Closure {
    /// Types that appear on a container path only as owners of a path
    /// navigation property (`microsoft.graph.cloudCommunications`); a subset
    /// keeps them with only the navigation properties named in [`Closure::path_navigations`].
    pub fn path_only_types(&self) -> impl Iterator<Item = &String> + '_ {
        let mut seen = BTreeSet::new();
        self.paths
            .iter()
            .flat_map(|p| &p.navigations)
            .map(|s| &s.declaring_type)
            .filter(move |t| !self.types.contains(*t) && seen.insert(*t))
    }

    /// For each path-only type, the navigation properties on a path (the ones to keep).
    pub fn path_navigations(&self) -> std::collections::BTreeMap<String, BTreeSet<String>> {
        let only: BTreeSet<&String> = self.path_only_types().collect();
        let mut out = std::collections::BTreeMap::<String, BTreeSet<String>>::new();
        for step in self.paths.iter().flat_map(|p| &p.navigations) {
            if only.contains(&step.declaring_type) {
                out.entry(step.declaring_type.clone())
                    .or_default()
                    .insert(step.name.clone());
            }
        }
        out
    }

    /// Closure types inside `namespace` (its own types).
    pub fn types_in<'a>(&'a self, namespace: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        self.types
            .iter()
            .filter(move |t| split_qualified(t).map(|(ns, _)| ns) == Some(namespace))
    }
}

impl Closure {
    /// Adds root types from outside the namespace (`microsoft.graph.call`) and everything
    /// they need, by the same rules as the namespace's own types; a [`crate::subset`] then
    /// keeps them like the namespace's other dependencies. Fails naming a root that is not
    /// declared.
    pub fn add_root_types(&mut self, doc: &Document, roots: &[&str]) -> Result<(), Error> {
        let index = Index::new(doc);
        let mut walk = Walk {
            index: &index,
            doc,
            types: std::mem::take(&mut self.types),
            work: Vec::new(),
        };
        let mut result = Ok(());
        for root in roots {
            if !index.structured.contains_key(*root) && !index.leaves.contains(*root) {
                result = Err(Error::new(
                    &doc.source,
                    Position::default(),
                    ErrorKind::Unresolved,
                    format!("root type {root} is not declared in the document"),
                ));
                break;
            }
            walk.add(root, Span::default())?;
        }
        let run = walk.run();
        self.types = walk.types;
        result.and(run)
    }

    /// Keeps only the container paths named in `wanted` (`communications/callRecords`, the URL
    /// path without its leading `/`); an empty `wanted` keeps every path found. Fails naming
    /// a wanted path that does not reach the namespace, with the paths that do.
    pub fn keep_paths(&mut self, wanted: &[&str]) -> Result<(), String> {
        if wanted.is_empty() {
            return Ok(());
        }
        let found: Vec<String> = self.paths.iter().map(Entry::url_path).collect();
        for w in wanted {
            if !found.iter().any(|f| f.trim_start_matches('/') == *w) {
                return Err(format!(
                    "container path `{w}` does not reach namespace {} by containment (paths found: {})",
                    self.namespace,
                    if found.is_empty() {
                        "none".to_string()
                    } else {
                        found.join(", ")
                    }
                ));
            }
        }
        self.paths
            .retain(|p| wanted.contains(&p.url_path().trim_start_matches('/')));
        Ok(())
    }
}

/// Computes the closure of `namespace` in a resolved document.
///
/// Fails when the namespace does not exist or a referenced type is not
/// declared (an unresolved document).
pub fn closure(doc: &Document, namespace: &str) -> Result<Closure, Error> {
    let Some(schema) = doc.schema(namespace) else {
        return Err(Error::new(
            &doc.source,
            Position::default(),
            ErrorKind::UnknownNamespace,
            format!("namespace {namespace} is not declared in the document"),
        ));
    };
    let index = Index::new(doc);
    let mut walk = Walk {
        index: &index,
        doc,
        types: BTreeSet::new(),
        work: Vec::new(),
    };
    for t in schema.entity_types.iter().chain(&schema.complex_types) {
        walk.add(&format!("{namespace}.{}", t.name), t.span)?;
    }
    for t in &schema.enum_types {
        walk.add(&format!("{namespace}.{}", t.name), t.span)?;
    }
    for t in &schema.type_definitions {
        walk.add(&format!("{namespace}.{}", t.name), t.span)?;
    }
    let mut operations = Vec::new();
    for op in schema.functions.iter().chain(&schema.actions) {
        for p in &op.parameters {
            walk.add(&p.ty.name, p.span)?;
        }
        if let Some(r) = &op.return_type {
            walk.add(&r.ty.name, r.span)?;
        }
        if op.is_bound {
            if let Some(binding) = op.parameters.first() {
                operations.push(BoundOperation {
                    name: format!("{namespace}.{}", op.name),
                    kind: op.kind,
                    binding: binding.ty.clone(),
                });
            }
        }
    }
    walk.run()?;

    let paths = container_paths(doc, &index, namespace);
    // Owners on a path keep their base chain, so a subset stays self-contained.
    for step in paths.iter().flat_map(|p| &p.navigations) {
        if let Some(t) = index.structured.get(step.declaring_type.as_str()) {
            if let Some(base) = &t.base_type {
                walk.add(base, t.span)?;
            }
        }
    }
    walk.run()?;

    Ok(Closure {
        namespace: namespace.to_string(),
        types: walk.types,
        paths,
        operations,
    })
}

/// Name lookups over a resolved document.
struct Index<'d> {
    structured: HashMap<String, &'d StructuredType>,
    /// Enum types and type definitions (leaves of the walk).
    leaves: HashSet<String>,
    /// Base type -> directly derived structured types.
    derived: HashMap<&'d str, Vec<String>>,
}

impl<'d> Index<'d> {
    fn new(doc: &'d Document) -> Self {
        let mut structured = HashMap::new();
        let mut leaves = HashSet::new();
        let mut derived: HashMap<&str, Vec<String>> = HashMap::new();
        for s in &doc.schemas {
            for t in s.entity_types.iter().chain(&s.complex_types) {
                let q = format!("{}.{}", s.namespace, t.name);
                if let Some(base) = &t.base_type {
                    derived.entry(base.as_str()).or_default().push(q.clone());
                }
                structured.insert(q, t);
            }
            for t in &s.enum_types {
                leaves.insert(format!("{}.{}", s.namespace, t.name));
            }
            for t in &s.type_definitions {
                leaves.insert(format!("{}.{}", s.namespace, t.name));
            }
        }
        Index {
            structured,
            leaves,
            derived,
        }
    }
}

struct Walk<'a, 'd> {
    index: &'a Index<'d>,
    doc: &'d Document,
    types: BTreeSet<String>,
    work: Vec<String>,
}

impl Walk<'_, '_> {
    fn add(&mut self, name: &str, span: Span) -> Result<(), Error> {
        if name.starts_with("Edm.") || self.types.contains(name) {
            return Ok(());
        }
        if !self.index.structured.contains_key(name) && !self.index.leaves.contains(name) {
            return Err(Error::new(
                &self.doc.source,
                self.doc.position(span),
                ErrorKind::Unresolved,
                format!("type {name} is not declared (was the document resolved?)"),
            ));
        }
        self.types.insert(name.to_string());
        self.work.push(name.to_string());
        Ok(())
    }

    fn run(&mut self) -> Result<(), Error> {
        while let Some(name) = self.work.pop() {
            let Some(t) = self.index.structured.get(name.as_str()).copied() else {
                continue;
            };
            if let Some(base) = &t.base_type {
                self.add(base, t.span)?;
            }
            for p in &t.properties {
                self.add(&p.ty.name, p.span)?;
            }
            for n in &t.navigation_properties {
                self.add(&n.ty.name, n.span)?;
            }
            if t.kind == StructuredKind::Complex {
                if let Some(children) = self.index.derived.get(name.as_str()) {
                    for d in children {
                        self.add(d, t.span)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Breadth-first search from every container child over containment
/// navigation properties (declared or inherited) until a namespace type is
/// reached; one entry per (child, namespace type), shortest path.
fn container_paths(doc: &Document, index: &Index<'_>, namespace: &str) -> Vec<Entry> {
    let in_ns = |t: &str| split_qualified(t).map(|(ns, _)| ns) == Some(namespace);
    let mut out = Vec::new();
    for s in &doc.schemas {
        let Some(c) = &s.entity_container else {
            continue;
        };
        let roots = c
            .singletons
            .iter()
            .map(|x| (EntryKind::Singleton, &x.name, &x.ty))
            .chain(
                c.entity_sets
                    .iter()
                    .map(|x| (EntryKind::EntitySet, &x.name, &x.entity_type)),
            );
        for (kind, child, root_type) in roots {
            if in_ns(root_type) {
                // The container exposes a namespace type directly.
                out.push(Entry {
                    kind,
                    container_child: child.to_string(),
                    qualified: format!("{}.{}/{child}", s.namespace, c.name),
                    root_type: root_type.to_string(),
                    navigations: Vec::new(),
                });
                continue;
            }
            let mut seen: HashSet<&str> = HashSet::new();
            seen.insert(root_type);
            let mut queue: VecDeque<(&str, Vec<PathStep>)> = VecDeque::new();
            queue.push_back((root_type, Vec::new()));
            while let Some((ty, path)) = queue.pop_front() {
                for (declaring, nav) in navigations_with_inherited(index, ty) {
                    if !nav.contains_target {
                        continue;
                    }
                    let mut next = path.clone();
                    next.push(PathStep {
                        declaring_type: declaring.clone(),
                        name: nav.name.to_string(),
                        target: nav.ty.clone(),
                    });
                    let target = nav.ty.name.as_str();
                    if in_ns(target) {
                        out.push(Entry {
                            kind,
                            container_child: child.to_string(),
                            qualified: format!("{}.{}/{child}", s.namespace, c.name),
                            root_type: root_type.to_string(),
                            navigations: next,
                        });
                    } else if seen.insert(target) {
                        queue.push_back((target, next));
                    }
                }
            }
        }
    }
    out
}

/// The navigation properties of a type and its base types, with the declaring type.
fn navigations_with_inherited<'d>(
    index: &Index<'d>,
    ty: &str,
) -> Vec<(String, &'d NavigationProperty)> {
    let mut out = Vec::new();
    let mut cur = Some(ty.to_string());
    let mut guard = 0;
    while let Some(name) = cur {
        guard += 1;
        let Some(t) = index.structured.get(name.as_str()).copied() else {
            break;
        };
        for n in &t.navigation_properties {
            out.push((name.clone(), n));
        }
        cur = t.base_type.as_deref().map(str::to_string);
        if guard > 64 {
            break;
        }
    }
    out
}
