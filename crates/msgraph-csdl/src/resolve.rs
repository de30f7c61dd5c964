//! Resolves alias-qualified type names and reports unresolved references.
//!
//! After [`resolve`] every type reference in the document (property,
//! navigation, parameter, return, base, term, entity set and singleton types,
//! type casts in binding paths, annotation terms and record types) is written in
//! its namespace-qualified form, e.g. `graph.identity` becomes
//! `microsoft.graph.identity`. Annotation targets are qualified too; a target
//! naming nothing declared is reported as dangling, not as an error.

use std::hash::Hasher;

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

/// A word-at-a-time multiplicative hash (the rustc "Fx" scheme): much
/// cheaper than SipHash for the short names hashed here. Keys come from the
/// document being read, so hash flooding is not a concern.
#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

/// Declared names keyed by namespace (an index into [`Resolver::namespaces`])
/// and local name, the local names kept in one buffer and found through an
/// open-addressing table of indexes. Keyed this way, `graph.x` and
/// `microsoft.graph.x` are found without building a qualified string, and
/// a lookup hashes and compares only the local name. One allocation for
/// all names instead of one per name.
struct NameTable<V> {
    /// The local names, one after another.
    text: String,
    /// The value of each name, in insertion order (a name's index).
    entries: Vec<V>,
    /// The open-addressing table: each slot repeats its entry's key, so a
    /// lookup reads one slot and the text, not the entry too (resolution
    /// waits on memory more than it computes).
    slots: Vec<Slot>,
}

/// A slot of a [`NameTable`]: `entry` is `0` when empty, else an index
/// into the entries plus one; its key is `namespace` and `text[start..end]`.
#[derive(Clone, Copy, Default)]
struct Slot {
    entry: u32,
    namespace: u32,
    start: u32,
    end: u32,
}

impl<V: Copy> NameTable<V> {
    /// A table for up to `n` names (it grows past that: load factor <= 1/2).
    fn with_capacity(n: usize) -> Self {
        NameTable {
            text: String::with_capacity(n * 16),
            entries: Vec::with_capacity(n),
            slots: vec![Slot::default(); (2 * n).next_power_of_two().max(16)],
        }
    }

    fn hash(namespace: u32, local: &str) -> usize {
        let mut h = FxHasher::default();
        h.write_u32(namespace);
        h.write(local.as_bytes());
        h.finish() as usize
    }

    /// The slot holding the name, or the empty slot where it would go.
    fn slot(&self, namespace: u32, local: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = Self::hash(namespace, local) & mask;
        loop {
            let s = self.slots[i];
            if s.entry == 0
                || (s.namespace == namespace
                    && &self.text[s.start as usize..s.end as usize] == local)
            {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a name; the value already there if it was present.
    fn insert(&mut self, namespace: u32, local: &str, value: V) -> Option<V> {
        let mut i = self.slot(namespace, local);
        if let Some(e) = self.slots[i].entry.checked_sub(1) {
            return Some(self.entries[e as usize]);
        }
        if 2 * (self.entries.len() + 1) > self.slots.len() {
            // More names than announced: twice the slots, the same entries.
            let twice = vec![Slot::default(); 2 * self.slots.len()];
            let old = std::mem::replace(&mut self.slots, twice);
            for s in old.into_iter().filter(|s| s.entry != 0) {
                let at = self.slot(s.namespace, &self.text[s.start as usize..s.end as usize]);
                self.slots[at] = s;
            }
            i = self.slot(namespace, local);
        }
        let start = self.text.len() as u32;
        self.text.push_str(local);
        self.entries.push(value);
        self.slots[i] = Slot {
            entry: self.entries.len() as u32,
            namespace,
            start,
            end: self.text.len() as u32,
        };
        None
    }

    /// The index of the name among the names in insertion order.
    fn find(&self, namespace: u32, local: &str) -> Option<usize> {
        (self.slots[self.slot(namespace, local)].entry as usize).checked_sub(1)
    }

    fn contains(&self, namespace: u32, local: &str) -> bool {
        self.find(namespace, local).is_some()
    }
}

/// What resolution looks names up in: built once from the declarations,
/// then only read.
struct Names {
    /// Alias -> its namespace's index in `namespaces` (schemas and
    /// `edmx:Include`s); a handful, so a list.
    aliases: Vec<(String, u32)>,
    /// The namespaces of schemas and includes; tables key names by index here.
    namespaces: Vec<String>,
    /// Declared types (with their positions).
    types: NameTable<Span>,
    /// Other annotatable named things: operations, containers, terms.
    others: NameTable<()>,
    /// The first bytes of the aliases (a quick test before comparing them).
    alias_starts: [bool; 256],
}

/// A pass over the schemas: rewrites their references and
/// notes what it checked and missed.
struct Resolver<'n> {
    names: &'n Names,
    /// Per declared type (by index in `types`), its qualified name as a
    /// shared string, made when an alias-qualified reference first needs
    /// it: the hundreds of `graph.identitySet` references then share one.
    shared_names: Vec<Option<std::sync::Arc<str>>>,
    /// Buffer for building qualified names.
    scratch: String,
    checked: usize,
    unresolved: Vec<Unresolved>,
    dangling: Vec<Unresolved>,
}

impl Names {
    fn new<'d>(doc: &'d Document) -> Result<Self, Error> {
        let mut aliases: Vec<(String, u32)> = Vec::new();
        let includes = doc.references.iter().flat_map(|r| &r.includes);
        let pairs = doc
            .schemas
            .iter()
            .map(|s| (&s.namespace, &s.alias))
            .chain(includes.map(|(ns, alias)| (ns, alias)));
        let mut namespaces: Vec<String> = Vec::new();
        for (ns, alias) in pairs {
            let id = namespace_id(&mut namespaces, ns);
            if let Some(a) = alias {
                // The parser refuses colliding aliases where they are
                // written; a hand-built document keeps the first one.
                if !aliases.iter().any(|(x, _)| x == a) {
                    aliases.push((a.to_string(), id));
                }
            }
        }
        let mut alias_starts = [false; 256];
        for (a, _) in &aliases {
            // An empty alias stands before the dot of `.Name`.
            let first = a.as_bytes().first().copied().unwrap_or(b'.');
            alias_starts[usize::from(first)] = true;
        }
        let count = |f: fn(&Schema) -> usize| doc.schemas.iter().map(f).sum::<usize>();
        let n_types = count(|s| {
            s.entity_types.len()
                + s.complex_types.len()
                + s.enum_types.len()
                + s.type_definitions.len()
        });
        let n_others = count(|s| s.functions.len() + s.actions.len() + s.terms.len() + 1);
        let mut declared: NameTable<Span> = NameTable::with_capacity(n_types);
        let mut others: NameTable<()> = NameTable::with_capacity(n_others);
        for s in &doc.schemas {
            let ns = namespace_id(&mut namespaces, &s.namespace);
            // The key of a declared name, as a reference to it is looked up.
            let mut key = |name: &'d str| keyed(&mut namespaces, &s.namespace, ns, name);
            let named = s
                .entity_types
                .iter()
                .chain(&s.complex_types)
                .map(|t| (&t.name, t.span))
                .chain(s.enum_types.iter().map(|t| (&t.name, t.span)))
                .chain(s.type_definitions.iter().map(|t| (&t.name, t.span)));
            for (name, span) in named {
                let (ns, local) = key(name);
                if let Some(first) = declared.insert(ns, local, span) {
                    return Err(Error::new(
                        &doc.source,
                        doc.position(span),
                        ErrorKind::Duplicate,
                        format!(
                            "duplicate type name {name} in namespace {} (first declared at {})",
                            s.namespace,
                            doc.position(first)
                        ),
                    ));
                }
            }
            let ops = s.functions.iter().chain(&s.actions).map(|op| &op.name);
            let terms = s.terms.iter().map(|t| &t.name);
            let container = s.entity_container.iter().map(|c| &c.name);
            for name in ops.chain(terms).chain(container) {
                let (ns, local) = key(name);
                others.insert(ns, local, ());
            }
        }
        Ok(Names {
            aliases,
            namespaces,
            types: declared,
            others,
            alias_starts,
        })
    }

    /// The index in `namespaces` of the namespace an alias stands for.
    fn alias_id(&self, prefix: &str) -> Option<u32> {
        self.aliases
            .iter()
            .find(|(a, _)| a == prefix)
            .map(|&(_, ns)| ns)
    }

    /// The namespace an alias stands for.
    fn alias(&self, prefix: &str) -> Option<&str> {
        self.alias_id(prefix)
            .map(|ns| self.namespaces[ns as usize].as_str())
    }

    /// For `alias.Name`, writes `namespace.Name` into `out` (cleared
    /// first) and says `true`; anything else: `false`, `out` untouched.
    fn qualified_into(&self, name: &str, out: &mut String) -> bool {
        let Some((namespace, local)) = self.aliased(name) else {
            return false;
        };
        out.clear();
        out.push_str(namespace);
        out.push('.');
        out.push_str(local);
        true
    }

    /// Qualifies every dotted token of a path or target expression
    /// (`graph.x/y`, `graph.op(graph.t, Collection(graph.u))`).
    fn qualify_tokens(&self, text: &mut String) {
        if !self.may_have_aliased_token(text) {
            return;
        }
        let mut out = String::with_capacity(text.len() + 16);
        let mut changed = false;
        for (tok, piece) in tokens(text) {
            match self.aliased(piece).filter(|_| tok) {
                Some((real, local)) => {
                    changed = true;
                    out.push_str(real);
                    out.push('.');
                    out.push_str(local);
                }
                None => out.push_str(piece),
            }
        }
        // The quick test can pass where no token is `alias.Name` (`x.y.z`).
        if changed {
            *text = out;
        }
    }

    /// Whether some name token of `text` starts with `alias.`: true for
    /// every token `alias.Name`, so `false` rules them out. The cheap test
    /// that runs for every annotation target (almost all need no change):
    /// one table lookup per byte to find where tokens start, and the
    /// aliases compared only where a token starts like one.
    fn may_have_aliased_token(&self, text: &str) -> bool {
        let b = text.as_bytes();
        let mut start = 0;
        loop {
            let rest = &b[start..];
            let aliased = rest
                .first()
                .is_some_and(|&c| self.alias_starts[usize::from(c)])
                && self.aliases.iter().any(|(a, _)| {
                    rest.len() > a.len() && rest[a.len()] == b'.' && rest.starts_with(a.as_bytes())
                });
            if aliased {
                return true;
            }
            match rest.iter().position(|&c| !is_token_byte(c)) {
                Some(n) => start += n + 1,
                None => return false,
            }
        }
    }

    /// For `alias.Name`: the namespace and `Name`.
    fn aliased<'t>(&self, token: &'t str) -> Option<(&str, &'t str)> {
        let dot = memchr::memrchr(b'.', token.as_bytes())?;
        Some((self.alias(&token[..dot])?, &token[dot + 1..]))
    }

    /// Whether `table` holds `name`, qualified by its namespace (not an alias).
    fn declared<V: Copy>(&self, table: &NameTable<V>, name: &str) -> bool {
        let Some(dot) = memchr::memrchr(b'.', name.as_bytes()) else {
            return false;
        };
        let prefix = &name[..dot];
        let Some(ns) = self.namespaces.iter().position(|n| n == prefix) else {
            return false;
        };
        table.contains(ns as u32, &name[dot + 1..])
    }
}

impl<'n> Resolver<'n> {
    fn new(names: &'n Names) -> Self {
        Resolver {
            names,
            shared_names: vec![None; names.types.entries.len()],
            scratch: String::new(),
            checked: 0,
            unresolved: Vec::new(),
            dangling: Vec::new(),
        }
    }

    /// `alias.Name` -> `namespace.Name`; anything else unchanged.
    fn qualify(&mut self, name: &mut String) {
        // Built in a reused buffer: the new string is then the only allocation.
        let mut q = std::mem::take(&mut self.scratch);
        if self.names.qualified_into(name, &mut q) {
            *name = q.clone();
        }
        self.scratch = q;
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
            if !crate::parse::is_primitive(name) {
                self.miss(name, span, context);
            }
            return;
        }
        let Some(dot) = memchr::memrchr(b'.', name.as_bytes()) else {
            self.miss(name, span, context);
            return;
        };
        let (prefix, local) = (&name[..dot], &name[dot + 1..]);
        let Some(ns) = self.names.alias_id(prefix) else {
            if !self.names.declared(&self.names.types, name) {
                self.miss(name, span, context);
            }
            return;
        };
        // `alias.Name`: rewritten to the declared type's shared qualified
        // string (hundreds of `graph.identitySet` references share one).
        let found = self.names.types.find(ns, local);
        let namespace = &self.names.namespaces[ns as usize];
        let qualified = match found {
            Some(i) => self.shared_names[i]
                .get_or_insert_with(|| qualified(namespace, local))
                .clone(),
            None => qualified(namespace, local),
        };
        *name = qualified.to_string();
        if found.is_none() {
            self.miss(name, span, context);
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
        let casts: Vec<String> = b
            .path
            .split('/')
            .filter(|seg| seg.contains('.'))
            .map(str::to_string)
            .collect();
        for cast in casts {
            self.checked += 1;
            if !self.names.declared(&self.names.types, &cast) {
                self.miss(&cast, span, &context);
            }
        }
    }

    /// Qualifies a target; one whose head (`ns.Type`, `ns.op(...)`,
    /// `ns.Container`) names nothing declared is recorded as dangling.
    fn target(&mut self, target: &mut String, span: Span) {
        self.names.qualify_tokens(target);
        let end = target
            .bytes()
            .position(|b| b == b'/' || b == b'(')
            .unwrap_or(target.len());
        let head = &target[..end];
        if !self.names.declared(&self.names.types, head)
            && !self.names.declared(&self.names.others, head)
        {
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

/// The table key of `name` declared in namespace `ns` (id `id`): a name
/// with dots (not a CSDL simple identifier, but kept as written) is split
/// at its last dot, as a reference `ns.x.y` to it is, its prefix `ns.x`
/// becoming a namespace of its own.
fn keyed<'n>(namespaces: &mut Vec<String>, ns: &str, id: u32, name: &'n str) -> (u32, &'n str) {
    let Some(dot) = memchr::memrchr(b'.', name.as_bytes()) else {
        return (id, name);
    };
    let prefix = format!("{ns}.{}", &name[..dot]);
    (namespace_id(namespaces, &prefix), &name[dot + 1..])
}

/// The index of `ns` in `namespaces`, added if absent.
fn namespace_id(namespaces: &mut Vec<String>, ns: &str) -> u32 {
    let i = match namespaces.iter().position(|n| n == ns) {
        Some(i) => i,
        None => {
            namespaces.push(ns.to_string());
            namespaces.len() - 1
        }
    };
    i as u32
}

/// `namespace.local` as a shared string.
fn qualified(namespace: &str, local: &str) -> std::sync::Arc<str> {
    let mut q = String::with_capacity(namespace.len() + 1 + local.len());
    q.push_str(namespace);
    q.push('.');
    q.push_str(local);
    q.into()
}

/// Splits text into `(is_name_token, piece)`; name tokens are runs of
/// ASCII letters, digits, `_`, `.` and any non-ASCII character.
fn tokens(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let is_tok = is_token_byte;
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = *rest.as_bytes().first()?;
        let tok = is_tok(first);
        let end = rest
            .bytes()
            .position(|b| is_tok(b) != tok)
            .unwrap_or(rest.len());
        // Token classes change only at ASCII bytes, so `end` is a char boundary.
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some((tok, piece))
    })
}

fn is_token_byte(b: u8) -> bool {
    TOKEN_BYTES[usize::from(b)]
}

byte_class! {
    /// Lookup table for [`is_token_byte`]: ASCII letters, digits, `_`, `.` and non-ASCII.
    TOKEN_BYTES = |b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_table_finds_inserts_reports_duplicates_and_grows() {
        let mut t: NameTable<u32> = NameTable::with_capacity(2);
        for i in 0..100u32 {
            assert_eq!(t.insert(0, &format!("n{i}"), i), None);
        }
        assert_eq!(t.insert(0, "n7", 1000), Some(7));
        // The same local name in another namespace is another name.
        assert_eq!(t.insert(1, "n7", 1000), None);
        for i in 0..100u32 {
            assert!(t.contains(0, &format!("n{i}")));
            assert_eq!(t.find(0, &format!("n{i}")), Some(i as usize));
        }
        assert_eq!(t.find(1, "n7"), Some(100));
        assert!(!t.contains(1, "n8"));
        assert!(!t.contains(0, "n100"));
        assert!(!t.contains(0, ""));
        assert_eq!(t.entries.len(), 101);
    }
}
