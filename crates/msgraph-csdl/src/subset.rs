//! Extracts a standalone document holding a closure (used by `metadata import`).
//!
//! [`subset`] keeps, from a resolved document:
//!
//! - the closure's own namespace (`microsoft.graph.callRecords`) complete:
//!   every type, operation and term;
//! - from the other namespaces only the closure's types (with their schema
//!   `Alias`, so the writer produces `graph.identity` like upstream); the
//!   types on the container path (`cloudCommunications`) keep only the
//!   navigation properties of that path;
//! - the entity container with only the path's first segment (the
//!   `communications` singleton), and only bindings whose target is kept;
//! - every out-of-line annotation whose target is still in the result
//!   (`Core.Revisions` deprecations, `Core.AutoExpand`, descriptions, ...),
//!   moved to the schema that declares the target (upstream keeps some of
//!   them in unrelated schemas); annotations on removed elements are dropped.
//!
//! # Descriptions
//!
//! The project keeps its own `Core.Description`s in the committed files as
//! **out-of-line** `<Annotations Target="...">` groups, the way upstream
//! stores its descriptions: the type declarations stay byte-for-byte what
//! the importer derives from upstream, and all descriptions sit together at
//! the end of each schema where they are easy to review and edit.
//! [`merge_descriptions`] implements the re-import policy: a description in
//! the committed file wins for every target that still exists; upstream
//! descriptions are used only where the committed file has none; committed
//! descriptions of targets that no longer exist are dropped and reported.
//! To take over a changed upstream text, delete the committed one and
//! re-import. Only unqualified out-of-line descriptions are read from the
//! committed file (inline ones are left as they are).

use std::collections::{BTreeMap, BTreeSet};

use crate::closure::Closure;
use crate::model::{
    Annotation, AnnotationValue, Annotations, Document, EntityContainer, Schema, Span,
    StructuredType, TypeDef, CORE_DESCRIPTION,
};

/// What [`subset_with`] keeps; [`subset`] builds it from a [`Closure`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubsetPlan {
    /// The namespace kept complete (`microsoft.graph.callRecords`).
    pub namespace: String,
    /// Namespace-qualified names of the types kept from other namespaces.
    pub types: BTreeSet<String>,
    /// Types that are kept only for the container path: qualified type name ->
    /// the navigation properties to keep on it (all its other navigation
    /// properties are dropped).
    pub path_navigations: BTreeMap<String, BTreeSet<String>>,
    /// Names of the entity sets / singletons kept in the container (`communications`).
    pub container_children: BTreeSet<String>,
}

/// The standalone subset of `doc` for `closure` (see the module docs).
pub fn subset(doc: &Document, closure: &Closure) -> Document {
    subset_with(doc, &plan_from_closure(closure))
}

/// The standalone subset of a resolved `doc` described by `plan`.
pub fn subset_with(doc: &Document, plan: &SubsetPlan) -> Document {
    let keep_type = |qualified: &str| {
        qualified.rsplit_once('.').map(|(ns, _)| ns) == Some(plan.namespace.as_str())
            || plan.types.contains(qualified)
            || plan.path_navigations.contains_key(qualified)
    };
    let mut schemas = Vec::new();
    for schema in &doc.schemas {
        let ns = schema.namespace.as_str();
        if ns == plan.namespace {
            schemas.push(Schema {
                entity_container: None,
                annotation_groups: Vec::new(),
                ..schema.clone()
            });
            continue;
        }
        let structured = |types: &[StructuredType]| -> Vec<StructuredType> {
            types
                .iter()
                .filter(|t| keep_type(&format!("{ns}.{}", t.name)))
                .map(|t| {
                    let mut t = t.clone();
                    if let Some(navs) = plan.path_navigations.get(&format!("{ns}.{}", t.name)) {
                        t.navigation_properties
                            .retain(|n| navs.contains(n.name.as_str()));
                    }
                    t
                })
                .collect()
        };
        let out = Schema {
            namespace: schema.namespace.clone(),
            alias: schema.alias.clone(),
            entity_types: structured(&schema.entity_types),
            complex_types: structured(&schema.complex_types),
            enum_types: schema
                .enum_types
                .iter()
                .filter(|t| keep_type(&format!("{ns}.{}", t.name)))
                .cloned()
                .collect(),
            type_definitions: schema
                .type_definitions
                .iter()
                .filter(|t| keep_type(&format!("{ns}.{}", t.name)))
                .cloned()
                .collect(),
            functions: Vec::new(),
            actions: Vec::new(),
            terms: Vec::new(),
            entity_container: schema
                .entity_container
                .as_ref()
                .map(|c| container_subset(c, plan))
                .filter(|c| !c.entity_sets.is_empty() || !c.singletons.is_empty()),
            annotation_groups: Vec::new(),
            span: schema.span,
        };
        let empty = out.entity_types.is_empty()
            && out.complex_types.is_empty()
            && out.enum_types.is_empty()
            && out.type_definitions.is_empty()
            && out.entity_container.is_none();
        if !empty {
            schemas.push(out);
        }
    }
    // The kept elements keep their spans, so the text they point into too.
    let mut out = Document {
        source: doc.source.clone(),
        text: doc.text.clone(),
        version: doc.version.clone(),
        references: doc.references.clone(),
        schemas,
    };
    // Out-of-line annotations: keep those whose target survived, in the target's schema.
    let groups: Vec<Annotations> = doc
        .schemas
        .iter()
        .flat_map(|s| s.annotation_groups.iter())
        .filter(|g| target_exists(&out, &g.target))
        .cloned()
        .collect();
    for g in groups {
        add_group(&mut out, g);
    }
    normalize_annotations(&mut out);
    out
}

fn container_subset(c: &EntityContainer, plan: &SubsetPlan) -> EntityContainer {
    let kept = |name: &str| plan.container_children.contains(name);
    let target_kept = |target: &str| kept(target.split('/').next().unwrap_or(target));
    let mut out = EntityContainer {
        name: c.name.clone(),
        entity_sets: c
            .entity_sets
            .iter()
            .filter(|s| kept(&s.name))
            .cloned()
            .collect(),
        singletons: c
            .singletons
            .iter()
            .filter(|s| kept(&s.name))
            .cloned()
            .collect(),
        operation_imports: Vec::new(),
        annotations: c.annotations.clone(),
        span: c.span,
    };
    for s in &mut out.entity_sets {
        s.bindings.retain(|b| target_kept(&b.target));
    }
    for s in &mut out.singletons {
        s.bindings.retain(|b| target_kept(&b.target));
    }
    out
}

/// Builds the plan from a closure: every closure type outside the namespace, the
/// path-only types with only their path navigations, and the paths' container children.
fn plan_from_closure(closure: &Closure) -> SubsetPlan {
    let own = |t: &String| t.rsplit_once('.').map(|(ns, _)| ns) == Some(closure.namespace.as_str());
    SubsetPlan {
        namespace: closure.namespace.clone(),
        types: closure.types.iter().filter(|t| !own(t)).cloned().collect(),
        path_navigations: closure.path_navigations(),
        container_children: closure
            .paths
            .iter()
            .map(|p| p.container_child.clone())
            .collect(),
    }
}

/// Adds a group to the schema that declares its target, merging with an existing group
/// for the same target and qualifier.
fn add_group(doc: &mut Document, group: Annotations) {
    let Some(index) = owner_schema(doc, &group.target) else {
        return;
    };
    let schema = &mut doc.schemas[index];
    match schema
        .annotation_groups
        .iter_mut()
        .find(|g| g.target == group.target && g.qualifier == group.qualifier)
    {
        Some(existing) => existing.annotations.extend(group.annotations),
        None => schema.annotation_groups.push(group),
    }
}

/// Index of the schema whose namespace is the longest prefix of the target's element name.
fn owner_schema(doc: &Document, target: &str) -> Option<usize> {
    let element = element_name(target);
    doc.schemas
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            element
                .strip_prefix(s.namespace.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
        })
        .max_by_key(|(_, s)| s.namespace.len())
        .map(|(i, _)| i)
}

/// The qualified element a target names: the part before the first `/`, without an
/// operation signature (`ns.f(ns.T)/p` -> `ns.f`).
fn element_name(target: &str) -> &str {
    let head = head_and_rest(target).0;
    head.split('(').next().unwrap_or(head)
}

/// Splits a target into its element (with signature) and the path segments after it.
fn head_and_rest(target: &str) -> (&str, Vec<&str>) {
    let mut depth = 0usize;
    for (i, c) in target.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '/' if depth == 0 => {
                let rest = target[i + 1..].split('/').collect();
                return (&target[..i], rest);
            }
            _ => {}
        }
    }
    (target, Vec::new())
}

/// Whether an annotation target names an element of a resolved `doc`: a type, one of its
/// (inherited) properties or members followed through their types, an operation or one
/// of its parameters, the container or one of its children followed through navigation.
pub fn target_exists(doc: &Document, target: &str) -> bool {
    let (head, rest) = head_and_rest(target);
    let name = element_name(target);
    if let Some(def) = doc.find_type(name) {
        return match def {
            TypeDef::Structured(_) => walk(doc, name, &rest, true),
            TypeDef::Enum(e) => match rest.as_slice() {
                [] => true,
                [member] => e.members.iter().any(|m| m.name == *member),
                _ => false,
            },
            TypeDef::Definition(_) => rest.is_empty(),
        };
    }
    let Some((ns, local)) = name.rsplit_once('.') else {
        return false;
    };
    let Some(schema) = doc.schema(ns) else {
        return false;
    };
    let has_signature = head.contains('(');
    let operations: Vec<_> = schema
        .functions
        .iter()
        .chain(&schema.actions)
        .filter(|o| o.name == local)
        .collect();
    if !operations.is_empty() {
        return match rest.as_slice() {
            [] => true,
            [param] => {
                *param == "$ReturnType"
                    || operations
                        .iter()
                        .any(|o| o.parameters.iter().any(|p| p.name == *param))
            }
            _ => false,
        };
    }
    if has_signature {
        return false;
    }
    let Some(container) = schema.entity_container.as_ref().filter(|c| c.name == local) else {
        return false;
    };
    let Some((first, deeper)) = rest.split_first() else {
        return true;
    };
    let ty = container
        .entity_sets
        .iter()
        .find(|s| s.name == *first)
        .map(|s| s.entity_type.as_str())
        .or_else(|| {
            container
                .singletons
                .iter()
                .find(|s| s.name == *first)
                .map(|s| s.ty.as_str())
        });
    match ty {
        None => false,
        Some(_) if deeper.is_empty() => true,
        Some(ty) => walk(doc, ty, deeper, false),
    }
}

/// Follows property / navigation / type-cast segments from the structured type `start`.
/// With `declared_first`, the first segment must be declared on `start` itself: an
/// annotation on `T/p` names the property `p` of `T`, not one inherited from a base type.
fn walk(doc: &Document, start: &str, segments: &[&str], declared_first: bool) -> bool {
    let mut current = start.to_string();
    for (i, seg) in segments.iter().enumerate() {
        if seg.contains('.') {
            // A type cast: the next segments apply to the derived type.
            if doc.find_structured(seg).is_none() {
                return false;
            }
            current = seg.to_string();
            continue;
        }
        let Some(here) = doc.find_structured(&current) else {
            return false;
        };
        let inherited = if i == 0 && declared_first {
            Vec::new()
        } else {
            doc.base_chain(&current)
        };
        let next_type = std::iter::once(here).chain(inherited).find_map(|t| {
            t.properties
                .iter()
                .find(|p| p.name == *seg)
                .map(|p| p.ty.name.clone())
                .or_else(|| {
                    t.navigation_properties
                        .iter()
                        .find(|n| n.name == *seg)
                        .map(|n| n.ty.name.clone())
                })
        });
        let Some(next_type) = next_type else {
            return false;
        };
        if i + 1 < segments.len() && doc.find_structured(&next_type).is_none() {
            return false;
        }
        current = next_type.to_string();
    }
    true
}

/// Canonical form of out-of-line annotations: one group per (target, qualifier), and
/// inside a group the annotations sorted by term and qualifier (stable).
pub fn normalize_annotations(doc: &mut Document) {
    for schema in &mut doc.schemas {
        let mut merged: Vec<Annotations> = Vec::new();
        for g in schema.annotation_groups.drain(..) {
            match merged
                .iter_mut()
                .find(|m| m.target == g.target && m.qualifier == g.qualifier)
            {
                Some(m) => m.annotations.extend(g.annotations),
                None => merged.push(g),
            }
        }
        for g in &mut merged {
            g.annotations.sort_by(|a, b| {
                (a.term.as_str(), a.qualifier.as_deref())
                    .cmp(&(b.term.as_str(), b.qualifier.as_deref()))
            });
        }
        merged.retain(|g| !g.annotations.is_empty());
        schema.annotation_groups = merged;
    }
}

/// Unqualified out-of-line `Core.Description`s of a document: target -> text.
pub fn descriptions(doc: &Document) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for g in doc
        .schemas
        .iter()
        .flat_map(|s| &s.annotation_groups)
        .filter(|g| g.qualifier.is_none())
    {
        for a in &g.annotations {
            if a.term == CORE_DESCRIPTION && a.qualifier.is_none() {
                if let AnnotationValue::String(s) = &a.value {
                    out.entry(g.target.to_string())
                        .or_insert_with(|| s.to_string());
                }
            }
        }
    }
    out
}

/// Sets (replaces or adds) the unqualified out-of-line `Core.Description` of `target`.
/// Returns `false` (and changes nothing) when the target does not exist in `doc`.
pub fn set_description(doc: &mut Document, target: &str, text: &str) -> bool {
    if !target_exists(doc, target) {
        return false;
    }
    let annotation = Annotation {
        term: CORE_DESCRIPTION.to_string(),
        qualifier: None,
        value: AnnotationValue::String(text.to_string()),
        annotations: Vec::new(),
        span: Span::default(),
    };
    let Some(index) = owner_schema(doc, target) else {
        return false;
    };
    let schema = &mut doc.schemas[index];
    match schema
        .annotation_groups
        .iter_mut()
        .find(|g| g.target == target && g.qualifier.is_none())
    {
        Some(g) => {
            g.annotations
                .retain(|a| !(a.term == CORE_DESCRIPTION && a.qualifier.is_none()));
            g.annotations.push(annotation);
        }
        None => schema.annotation_groups.push(Annotations {
            target: target.to_string(),
            qualifier: None,
            annotations: vec![annotation],
            span: Span::default(),
        }),
    }
    normalize_annotations(doc);
    true
}

/// What [`merge_descriptions`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Targets whose committed description was kept.
    pub kept: Vec<String>,
    /// Targets of committed descriptions that no longer exist (their text is dropped).
    pub dropped: Vec<String>,
}

/// Merges the project's committed descriptions (`existing`) into a fresh import (`new`):
/// committed descriptions win for every target that still exists, upstream ones fill the
/// rest, descriptions of vanished targets are dropped and reported.
pub fn merge_descriptions(new: &mut Document, existing: &Document) -> MergeReport {
    let mut report = MergeReport::default();
    for (target, text) in descriptions(existing) {
        if set_description(new, &target, &text) {
            report.kept.push(target);
        } else {
            report.dropped.push(target);
        }
    }
    report
}

/// The whole import step on a resolved upstream document: the closure of `namespace`,
/// its [`subset`], then the committed file's descriptions merged in
/// ([`merge_descriptions`]) when there is one.
pub fn import(
    upstream: &Document,
    namespace: &str,
    committed: Option<&Document>,
) -> Result<(Document, MergeReport), crate::Error> {
    let closure = crate::closure(upstream, namespace)?;
    let mut out = subset(upstream, &closure);
    let report = match committed {
        Some(existing) => merge_descriptions(&mut out, existing),
        None => MergeReport::default(),
    };
    Ok((out, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="n" Alias="a" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color"><Member Name="red" Value="0" /></EnumType>
      <EntityType Name="base" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="root" BaseType="a.base">
        <NavigationProperty Name="items" Type="Collection(a.item)" ContainsTarget="true" />
        <NavigationProperty Name="other" Type="Collection(a.item)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="item" BaseType="a.base">
        <Property Name="color" Type="a.color" />
      </EntityType>
      <Function Name="f" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(a.item)" />
        <Parameter Name="from" Type="Edm.DateTimeOffset" />
        <ReturnType Type="Collection(a.item)" />
      </Function>
      <EntityContainer Name="Svc">
        <Singleton Name="top" Type="n.root" />
        <EntitySet Name="bases" EntityType="n.base" />
      </EntityContainer>
      <Annotations Target="n.item/color">
        <Annotation Term="Org.OData.Core.V1.Description" String="Upstream text." />
      </Annotations>
      <Annotations Target="n.root/other">
        <Annotation Term="Org.OData.Core.V1.Description" String="Off the path." />
      </Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

    fn doc() -> Document {
        crate::load(DOC.as_bytes(), "test").expect("test document loads")
    }

    #[test]
    fn targets_name_declared_elements_only() {
        let d = doc();
        for target in [
            "n.item",
            "n.item/color",
            "n.base/id",
            "n.color/red",
            "n.f",
            "n.f/from",
            "n.f(Collection(n.item), Edm.DateTimeOffset)/from",
            "n.Svc",
            "n.Svc/top",
            "n.Svc/top/items",
            "n.Svc/top/items/color",
            "n.Svc/bases/n.item/color",
        ] {
            assert!(target_exists(&d, target), "{target} should exist");
        }
        for target in [
            "n.missing",
            "n.item/nope",
            // `id` is inherited: an annotation on `item/id` would not annotate `base/id`.
            "n.item/id",
            "n.color/blue",
            "n.f/to",
            "n.g(n.item)",
            "n.Svc/nothing",
            "n.Svc/top/items/nope",
            "n.item/color/deeper",
        ] {
            assert!(!target_exists(&d, target), "{target} should not exist");
        }
    }

    #[test]
    fn subset_keeps_the_path_and_annotations_on_kept_elements() {
        let d = doc();
        let plan = SubsetPlan {
            namespace: "other".into(),
            types: ["n.item", "n.base", "n.color"].map(String::from).into(),
            path_navigations: [("n.root".to_string(), ["items".to_string()].into())].into(),
            container_children: ["top".to_string()].into(),
        };
        let out = subset_with(&d, &plan);
        let root = out.find_structured("n.root").expect("path type kept");
        assert_eq!(root.navigation_properties.len(), 1);
        let c = out.schema("n").unwrap().entity_container.as_ref().unwrap();
        assert_eq!(c.singletons.len(), 1);
        assert!(c.entity_sets.is_empty());
        assert!(out.schema("n").unwrap().functions.is_empty());
        assert_eq!(out.description("n.item/color", &[]), Some("Upstream text."));
        assert_eq!(out.description("n.root/other", &[]), None);
    }

    #[test]
    fn committed_descriptions_win_and_vanished_ones_are_reported() {
        let mut new = doc();
        let mut committed = doc();
        assert!(set_description(
            &mut committed,
            "n.item/color",
            "Project text."
        ));
        assert!(set_description(&mut committed, "n.item", "An item."));
        committed.schemas[0].annotation_groups.push(Annotations {
            target: "n.item/gone".into(),
            qualifier: None,
            annotations: vec![Annotation {
                term: CORE_DESCRIPTION.into(),
                qualifier: None,
                value: AnnotationValue::String("Old.".into()),
                annotations: Vec::new(),
                span: Span::default(),
            }],
            span: Span::default(),
        });
        let report = merge_descriptions(&mut new, &committed);
        assert_eq!(new.description("n.item/color", &[]), Some("Project text."));
        assert_eq!(new.description("n.item", &[]), Some("An item."));
        assert_eq!(report.dropped, ["n.item/gone"]);
        assert_eq!(report.kept.len(), 3);
        // Merging again changes nothing.
        let before = crate::write::write_document(&new);
        merge_descriptions(&mut new, &committed);
        assert_eq!(crate::write::write_document(&new), before);
    }
}
