//! Deterministic CSDL XML writer (the format of `metadata/*.xml`).
//!
//! [`write_document`] turns a [`Document`] into readable CSDL that looks like
//! the upstream Graph `$metadata`, so a reviewer can diff the two:
//!
//! - an XML declaration, then `edmx:Edmx Version="4.0"` with the standard
//!   `edmx` namespace, `edmx:Reference`s (if any) and `edmx:DataServices`;
//! - two-space indentation, one element per line, self-closing tags written
//!   `<Tag ... />` like upstream;
//! - schemas sorted by namespace; inside a schema the element groups come in a
//!   fixed order (`EnumType`, `TypeDefinition`, `ComplexType`, `EntityType`,
//!   `Function`, `Action`, `Term`, `EntityContainer`, `Annotations`), each
//!   group sorted by name (case-insensitively, ties kept in input order so
//!   operation overloads keep their order); properties, members and
//!   parameters stay in document order because that order is meaningful;
//! - attributes in a fixed order per element, defaults omitted
//!   (`Nullable="true"`, `IsBound="false"`, ...);
//! - type references inside schemas use the alias of the target namespace
//!   when it has one (`graph.identity`, as upstream does), otherwise the full
//!   namespace (`microsoft.graph.callRecords.callRecord`); container
//!   elements and annotation targets stay namespace-qualified, as upstream.
//!
//! The writer is a pure function of the model, and parsing its output gives
//! the same model again (up to source positions), so
//! `write(load(write(doc))) == write(doc)`.

use std::collections::HashMap;

use crate::model::{
    Annotation, AnnotationValue, Annotations, Document, EntityContainer, EnumType, Operation,
    OperationKind, Property, Record, Schema, StructuredKind, StructuredType, Term, TypeDefinition,
    TypeRef,
};

const EDMX_NS: &str = "http://docs.oasis-open.org/odata/ns/edmx";
const EDM_NS: &str = "http://docs.oasis-open.org/odata/ns/edm";

/// Facets written after `Nullable`/`DefaultValue`, in this order; unknown facets follow sorted.
const FACET_ORDER: &[&str] = &["MaxLength", "Precision", "Scale", "SRID", "Unicode"];

/// Writes `doc` as deterministic CSDL XML (see the module docs for the format).
pub fn write_document(doc: &Document) -> String {
    let mut w = Writer {
        out: String::with_capacity(64 * 1024),
        depth: 0,
        aliases: doc
            .schemas
            .iter()
            .filter_map(|s| Some((s.namespace.as_str(), s.alias.as_deref()?)))
            .collect(),
        doc,
    };
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let version = if doc.version.is_empty() {
        "4.0"
    } else {
        doc.version.as_str()
    };
    w.open(
        "edmx:Edmx",
        &[("Version", version), ("xmlns:edmx", EDMX_NS)],
    );
    for reference in &doc.references {
        w.open("edmx:Reference", &[("Uri", &reference.uri)]);
        for (namespace, alias) in &reference.includes {
            let mut attrs = vec![("Namespace", namespace.as_str())];
            if let Some(alias) = alias {
                attrs.push(("Alias", alias));
            }
            w.empty("edmx:Include", &attrs);
        }
        w.close("edmx:Reference");
    }
    w.open("edmx:DataServices", &[]);
    let mut schemas: Vec<&Schema> = doc.schemas.iter().collect();
    schemas.sort_by(|a, b| a.namespace.cmp(&b.namespace));
    for schema in schemas {
        w.schema(schema);
    }
    w.close("edmx:DataServices");
    w.close("edmx:Edmx");
    w.out
}

/// Sorts by name, case-insensitively first, keeping input order for equal names.
fn sorted_by_name<T>(items: &[T], name: impl Fn(&T) -> &str) -> Vec<&T> {
    let mut v: Vec<&T> = items.iter().collect();
    v.sort_by(|a, b| {
        let (a, b) = (name(a), name(b));
        a.to_lowercase()
            .cmp(&b.to_lowercase())
            .then_with(|| a.cmp(b))
    });
    v
}

struct Writer<'a> {
    out: String,
    depth: usize,
    /// Namespace -> alias, for writing type references the upstream way.
    aliases: HashMap<&'a str, &'a str>,
    doc: &'a Document,
}

impl Writer<'_> {
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }

    fn start_tag(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            escape_attr(&mut self.out, value);
            self.out.push('"');
        }
    }

    fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start_tag(tag, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    fn empty(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start_tag(tag, attrs);
        self.out.push_str(" />\n");
    }

    /// `<tag attrs>` + children written by `body` + `</tag>`, or `<tag attrs />` when
    /// there are no children.
    fn element(
        &mut self,
        tag: &str,
        attrs: &[(&str, &str)],
        has_children: bool,
        body: impl FnOnce(&mut Self),
    ) {
        if has_children {
            self.open(tag, attrs);
            body(self);
            self.close(tag);
        } else {
            self.empty(tag, attrs);
        }
    }

    fn text_element(&mut self, tag: &str, text: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
        escape_text(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }

    fn close(&mut self, tag: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }

    /// A type name as written inside a schema: alias-qualified when the namespace has an alias.
    fn type_name(&self, name: &str) -> String {
        if let Some((ns, local)) = name.rsplit_once('.') {
            if let Some(alias) = self.aliases.get(ns) {
                return format!("{alias}.{local}");
            }
        }
        name.to_string()
    }

    fn type_ref(&self, ty: &TypeRef) -> String {
        let name = self.type_name(&ty.name);
        if ty.collection {
            format!("Collection({name})")
        } else {
            name
        }
    }

    fn schema(&mut self, schema: &Schema) {
        let mut attrs = vec![("Namespace", schema.namespace.as_str())];
        if let Some(alias) = &schema.alias {
            attrs.push(("Alias", alias));
        }
        attrs.push(("xmlns", EDM_NS));
        let empty = schema.entity_types.is_empty()
            && schema.complex_types.is_empty()
            && schema.enum_types.is_empty()
            && schema.type_definitions.is_empty()
            && schema.functions.is_empty()
            && schema.actions.is_empty()
            && schema.terms.is_empty()
            && schema.entity_container.is_none()
            && schema.annotation_groups.is_empty();
        self.element("Schema", &attrs, !empty, |w| {
            for e in sorted_by_name(&schema.enum_types, |t| &t.name) {
                w.enum_type(e);
            }
            for t in sorted_by_name(&schema.type_definitions, |t| &t.name) {
                w.type_definition(t);
            }
            for t in sorted_by_name(&schema.complex_types, |t| &t.name) {
                w.structured(t);
            }
            for t in sorted_by_name(&schema.entity_types, |t| &t.name) {
                w.structured(t);
            }
            for f in sorted_by_name(&schema.functions, |o| &o.name) {
                w.operation(f);
            }
            for a in sorted_by_name(&schema.actions, |o| &o.name) {
                w.operation(a);
            }
            for t in sorted_by_name(&schema.terms, |t| &t.name) {
                w.term(t);
            }
            if let Some(c) = &schema.entity_container {
                w.container(c);
            }
            let mut groups: Vec<&Annotations> = schema.annotation_groups.iter().collect();
            groups.sort_by(|a, b| {
                (a.target.as_str(), a.qualifier.as_deref())
                    .cmp(&(b.target.as_str(), b.qualifier.as_deref()))
            });
            for g in groups {
                w.annotation_group(g);
            }
        });
    }

    fn enum_type(&mut self, e: &EnumType) {
        let mut attrs = vec![("Name", e.name.as_str())];
        if let Some(u) = &e.underlying_type {
            attrs.push(("UnderlyingType", u));
        }
        if e.is_flags {
            attrs.push(("IsFlags", "true"));
        }
        let has_children = !e.members.is_empty() || !e.annotations.is_empty();
        self.element("EnumType", &attrs, has_children, |w| {
            for m in &e.members {
                let value = m.value.to_string();
                let mut attrs = vec![("Name", m.name.as_str())];
                if m.explicit_value {
                    attrs.push(("Value", &value));
                }
                w.element("Member", &attrs, !m.annotations.is_empty(), |w| {
                    w.annotations(&m.annotations)
                });
            }
            w.annotations(&e.annotations);
        });
    }

    fn type_definition(&mut self, t: &TypeDefinition) {
        let underlying = self.type_name(&t.underlying_type);
        let attrs = [("Name", t.name.as_str()), ("UnderlyingType", &underlying)];
        self.element("TypeDefinition", &attrs, !t.annotations.is_empty(), |w| {
            w.annotations(&t.annotations)
        });
    }

    fn structured(&mut self, t: &StructuredType) {
        let tag = match t.kind {
            StructuredKind::Entity => "EntityType",
            StructuredKind::Complex => "ComplexType",
        };
        let base = t.base_type.as_deref().map(|b| self.type_name(b));
        let mut attrs = vec![("Name", t.name.as_str())];
        if let Some(base) = &base {
            attrs.push(("BaseType", base));
        }
        if t.is_abstract {
            attrs.push(("Abstract", "true"));
        }
        if t.open_type {
            attrs.push(("OpenType", "true"));
        }
        if t.has_stream {
            attrs.push(("HasStream", "true"));
        }
        let has_children = !t.key.is_empty()
            || !t.properties.is_empty()
            || !t.navigation_properties.is_empty()
            || !t.annotations.is_empty();
        self.element(tag, &attrs, has_children, |w| {
            if !t.key.is_empty() {
                w.open("Key", &[]);
                for k in &t.key {
                    w.empty("PropertyRef", &[("Name", k)]);
                }
                w.close("Key");
            }
            for p in &t.properties {
                w.property(p);
            }
            for n in &t.navigation_properties {
                let ty = w.type_ref(&n.ty);
                let mut attrs = vec![("Name", n.name.as_str()), ("Type", &ty)];
                if let Some(partner) = &n.partner {
                    attrs.push(("Partner", partner));
                }
                if n.contains_target {
                    attrs.push(("ContainsTarget", "true"));
                }
                if !n.nullable {
                    attrs.push(("Nullable", "false"));
                }
                w.element(
                    "NavigationProperty",
                    &attrs,
                    !n.annotations.is_empty(),
                    |w| w.annotations(&n.annotations),
                );
            }
            w.annotations(&t.annotations);
        });
    }

    fn property(&mut self, p: &Property) {
        let ty = self.type_ref(&p.ty);
        let mut attrs = vec![("Name", p.name.as_str()), ("Type", &ty)];
        if !p.nullable {
            attrs.push(("Nullable", "false"));
        }
        if let Some(d) = &p.default_value {
            attrs.push(("DefaultValue", d));
        }
        let mut facets: Vec<&(String, String)> = p.facets.iter().collect();
        let rank = |n: &str| {
            FACET_ORDER
                .iter()
                .position(|f| *f == n)
                .unwrap_or(FACET_ORDER.len())
        };
        facets.sort_by(|a, b| (rank(&a.0), &a.0).cmp(&(rank(&b.0), &b.0)));
        for (name, value) in facets {
            attrs.push((name, value));
        }
        self.element("Property", &attrs, !p.annotations.is_empty(), |w| {
            w.annotations(&p.annotations)
        });
    }

    fn operation(&mut self, o: &Operation) {
        let tag = match o.kind {
            OperationKind::Function => "Function",
            OperationKind::Action => "Action",
        };
        let mut attrs = vec![("Name", o.name.as_str())];
        if let Some(path) = &o.entity_set_path {
            attrs.push(("EntitySetPath", path));
        }
        if o.is_bound {
            attrs.push(("IsBound", "true"));
        }
        if o.is_composable {
            attrs.push(("IsComposable", "true"));
        }
        let has_children =
            !o.parameters.is_empty() || o.return_type.is_some() || !o.annotations.is_empty();
        self.element(tag, &attrs, has_children, |w| {
            for p in &o.parameters {
                let ty = w.type_ref(&p.ty);
                let mut attrs = vec![("Name", p.name.as_str()), ("Type", &ty)];
                if !p.nullable {
                    attrs.push(("Nullable", "false"));
                }
                w.element("Parameter", &attrs, !p.annotations.is_empty(), |w| {
                    w.annotations(&p.annotations)
                });
            }
            if let Some(r) = &o.return_type {
                let ty = w.type_ref(&r.ty);
                let mut attrs = vec![("Type", ty.as_str())];
                if !r.nullable {
                    attrs.push(("Nullable", "false"));
                }
                w.element("ReturnType", &attrs, !r.annotations.is_empty(), |w| {
                    w.annotations(&r.annotations)
                });
            }
            w.annotations(&o.annotations);
        });
    }

    fn term(&mut self, t: &Term) {
        let ty = self.type_ref(&t.ty);
        let mut attrs = vec![("Name", t.name.as_str()), ("Type", &ty)];
        if let Some(a) = &t.applies_to {
            attrs.push(("AppliesTo", a));
        }
        self.element("Term", &attrs, !t.annotations.is_empty(), |w| {
            w.annotations(&t.annotations)
        });
    }

    fn container(&mut self, c: &EntityContainer) {
        let has_children = !c.entity_sets.is_empty()
            || !c.singletons.is_empty()
            || !c.operation_imports.is_empty()
            || !c.annotations.is_empty();
        self.element("EntityContainer", &[("Name", &c.name)], has_children, |w| {
            for s in sorted_by_name(&c.entity_sets, |s| &s.name) {
                let attrs = [("Name", s.name.as_str()), ("EntityType", &s.entity_type)];
                let has = !s.bindings.is_empty() || !s.annotations.is_empty();
                w.element("EntitySet", &attrs, has, |w| {
                    for b in &s.bindings {
                        w.empty(
                            "NavigationPropertyBinding",
                            &[("Path", &b.path), ("Target", &b.target)],
                        );
                    }
                    w.annotations(&s.annotations);
                });
            }
            for s in sorted_by_name(&c.singletons, |s| &s.name) {
                let attrs = [("Name", s.name.as_str()), ("Type", &s.ty)];
                let has = !s.bindings.is_empty() || !s.annotations.is_empty();
                w.element("Singleton", &attrs, has, |w| {
                    for b in &s.bindings {
                        w.empty(
                            "NavigationPropertyBinding",
                            &[("Path", &b.path), ("Target", &b.target)],
                        );
                    }
                    w.annotations(&s.annotations);
                });
            }
            for (name, operation) in &c.operation_imports {
                // The model keeps only (name, operation); an import of a known action is an
                // ActionImport, anything else a FunctionImport.
                if w.is_action(operation) {
                    w.empty("ActionImport", &[("Name", name), ("Action", operation)]);
                } else {
                    w.empty("FunctionImport", &[("Name", name), ("Function", operation)]);
                }
            }
            w.annotations(&c.annotations);
        });
    }

    fn is_action(&self, qualified: &str) -> bool {
        let Some((ns, name)) = qualified.rsplit_once('.') else {
            return false;
        };
        self.doc.schemas.iter().any(|s| {
            (s.namespace == ns || s.alias.as_deref() == Some(ns))
                && s.actions.iter().any(|a| a.name == name)
                && !s.functions.iter().any(|f| f.name == name)
        })
    }

    fn annotation_group(&mut self, g: &Annotations) {
        let mut attrs = vec![("Target", g.target.as_str())];
        if let Some(q) = &g.qualifier {
            attrs.push(("Qualifier", q));
        }
        self.element("Annotations", &attrs, !g.annotations.is_empty(), |w| {
            w.annotations(&g.annotations)
        });
    }

    fn annotations(&mut self, annotations: &[Annotation]) {
        for a in annotations {
            let mut attrs = vec![("Term", a.term.as_str())];
            if let Some(q) = &a.qualifier {
                attrs.push(("Qualifier", q));
            }
            self.valued("Annotation", attrs, &a.value, &a.annotations);
        }
    }

    /// An `Annotation` or `PropertyValue`: scalar values as attributes (like upstream),
    /// except `EnumMember`, records, collections and null, which are child elements;
    /// its own annotations follow the value.
    fn valued(
        &mut self,
        tag: &str,
        attrs: Vec<(&str, &str)>,
        value: &AnnotationValue,
        annotations: &[Annotation],
    ) {
        let scalar: Option<(&str, String)> = match value {
            AnnotationValue::Empty => {
                return self.element(tag, &attrs, !annotations.is_empty(), |w| {
                    w.annotations(annotations)
                })
            }
            AnnotationValue::String(s) => Some(("String", s.to_string())),
            AnnotationValue::Bool(b) => Some(("Bool", b.to_string())),
            AnnotationValue::Int(i) => Some(("Int", i.to_string())),
            AnnotationValue::Literal(kind, text) => Some((kind.as_str(), text.to_string())),
            AnnotationValue::Path(kind, path) => Some((kind.as_str(), path.to_string())),
            AnnotationValue::EnumMember(_)
            | AnnotationValue::Record(_)
            | AnnotationValue::Collection(_)
            | AnnotationValue::Null => None,
        };
        match scalar {
            Some((name, text)) => {
                let mut attrs = attrs;
                attrs.push((name, &text));
                self.element(tag, &attrs, !annotations.is_empty(), |w| {
                    w.annotations(annotations)
                });
            }
            None => {
                self.open(tag, &attrs);
                self.value_element(value);
                self.annotations(annotations);
                self.close(tag);
            }
        }
    }

    /// A value in element form (inside a `Collection`, or a complex annotation value).
    fn value_element(&mut self, value: &AnnotationValue) {
        match value {
            AnnotationValue::Empty => {}
            AnnotationValue::String(s) => self.text_element("String", s),
            AnnotationValue::Bool(b) => {
                self.text_element("Bool", if *b { "true" } else { "false" })
            }
            AnnotationValue::Int(i) => self.text_element("Int", &i.to_string()),
            AnnotationValue::Literal(kind, text) => self.text_element(kind, text),
            AnnotationValue::Path(kind, path) => self.text_element(kind, path),
            AnnotationValue::EnumMember(m) => self.text_element("EnumMember", m),
            AnnotationValue::Null => self.empty("Null", &[]),
            AnnotationValue::Record(r) => self.record(r),
            AnnotationValue::Collection(items) => {
                self.element("Collection", &[], !items.is_empty(), |w| {
                    for item in items {
                        w.value_element(item);
                    }
                });
            }
        }
    }

    fn record(&mut self, r: &Record) {
        let mut attrs = Vec::new();
        if let Some(ty) = &r.ty {
            attrs.push(("Type", ty.as_str()));
        }
        let children = !r.properties.is_empty() || !r.annotations.is_empty();
        self.element("Record", &attrs, children, |w| {
            for p in &r.properties {
                let attrs = vec![("Property", p.property.as_str())];
                w.valued("PropertyValue", attrs, &p.value, &p.annotations);
            }
            w.annotations(&r.annotations);
        });
    }
}

/// Escapes an attribute value; whitespace other than a space is written as a character
/// reference so attribute-value normalisation does not change it on re-reading.
fn escape_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}

/// Escapes element text.
fn escape_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn prop(name: &'static str, ty: &'static str, collection: bool) -> Property {
        Property {
            name: name.into(),
            ty: TypeRef {
                collection,
                name: ty.into(),
            },
            nullable: true,
            default_value: None,
            facets: Vec::new(),
            annotations: Vec::new(),
            span: Span::default(),
        }
    }

    fn doc() -> Document {
        let graph = Schema {
            namespace: "microsoft.graph".into(),
            alias: Some("graph".into()),
            complex_types: vec![StructuredType {
                kind: StructuredKind::Complex,
                name: "identity".into(),
                base_type: None,
                is_abstract: false,
                open_type: true,
                has_stream: false,
                key: Vec::new(),
                properties: vec![prop("displayName", "Edm.String", false)],
                navigation_properties: Vec::new(),
                annotations: Vec::new(),
                span: Span::default(),
            }],
            ..Schema::default()
        };
        let mut charge = prop("charge", "Edm.Decimal", false);
        charge.facets.push(("Scale".into(), "variable".into()));
        let records = Schema {
            namespace: "microsoft.graph.callRecords".into(),
            complex_types: vec![
                StructuredType {
                    kind: StructuredKind::Complex,
                    name: "row".into(),
                    base_type: None,
                    is_abstract: false,
                    open_type: false,
                    has_stream: false,
                    key: Vec::new(),
                    properties: vec![charge, prop("who", "microsoft.graph.identity", true)],
                    navigation_properties: Vec::new(),
                    annotations: Vec::new(),
                    span: Span::default(),
                },
                StructuredType {
                    kind: StructuredKind::Complex,
                    name: "Alpha".into(),
                    base_type: Some("microsoft.graph.identity".into()),
                    is_abstract: true,
                    open_type: false,
                    has_stream: false,
                    key: Vec::new(),
                    properties: Vec::new(),
                    navigation_properties: Vec::new(),
                    annotations: Vec::new(),
                    span: Span::default(),
                },
            ],
            annotation_groups: vec![Annotations {
                target: "microsoft.graph.callRecords.row/charge".into(),
                qualifier: None,
                annotations: vec![
                    Annotation {
                        term: CORE_DESCRIPTION.into(),
                        qualifier: None,
                        value: AnnotationValue::String("Cost \"incl.\" <fees> & tax\nline".into()),
                        // An annotation of the annotation.
                        annotations: vec![tag_annotation("Org.OData.Core.V1.IsLanguageDependent")],
                        span: Span::default(),
                    },
                    Annotation {
                        term: CORE_REVISIONS.into(),
                        qualifier: None,
                        value: AnnotationValue::Collection(vec![AnnotationValue::Record(Record {
                            ty: None,
                            properties: vec![
                                PropertyValue {
                                    property: "Date".into(),
                                    value: AnnotationValue::Literal(
                                        "Date".into(),
                                        "2023-11-06".into(),
                                    ),
                                    annotations: vec![tag_annotation("x.onDate")],
                                },
                                PropertyValue {
                                    property: "Kind".into(),
                                    value: AnnotationValue::EnumMember(
                                        "Org.OData.Core.V1.RevisionKind/Deprecated".into(),
                                    ),
                                    annotations: vec![tag_annotation("x.onKind")],
                                },
                            ],
                            annotations: vec![tag_annotation("x.onRecord")],
                        })]),
                        annotations: Vec::new(),
                        span: Span::default(),
                    },
                ],
                span: Span::default(),
            }],
            ..Schema::default()
        };
        Document {
            source: "test".into(),
            version: "4.0".into(),
            references: Vec::new(),
            text: SourceText::default(),
            // Deliberately out of order: the writer sorts schemas.
            schemas: vec![records, graph],
        }
    }

    /// An annotation with no value.
    fn tag_annotation(term: &'static str) -> Annotation {
        Annotation {
            term: term.into(),
            qualifier: None,
            value: AnnotationValue::Empty,
            annotations: Vec::new(),
            span: Span::default(),
        }
    }

    #[test]
    fn writes_upstream_like_xml() {
        let xml = write_document(&doc());
        let expected = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="identity" OpenType="true">
        <Property Name="displayName" Type="Edm.String" />
      </ComplexType>
    </Schema>
    <Schema Namespace="microsoft.graph.callRecords" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="Alpha" BaseType="graph.identity" Abstract="true" />
      <ComplexType Name="row">
        <Property Name="charge" Type="Edm.Decimal" Scale="variable" />
        <Property Name="who" Type="Collection(graph.identity)" />
      </ComplexType>
      <Annotations Target="microsoft.graph.callRecords.row/charge">
        <Annotation Term="Org.OData.Core.V1.Description" String="Cost &quot;incl.&quot; &lt;fees&gt; &amp; tax&#10;line">
          <Annotation Term="Org.OData.Core.V1.IsLanguageDependent" />
        </Annotation>
        <Annotation Term="Org.OData.Core.V1.Revisions">
          <Collection>
            <Record>
              <PropertyValue Property="Date" Date="2023-11-06">
                <Annotation Term="x.onDate" />
              </PropertyValue>
              <PropertyValue Property="Kind">
                <EnumMember>Org.OData.Core.V1.RevisionKind/Deprecated</EnumMember>
                <Annotation Term="x.onKind" />
              </PropertyValue>
              <Annotation Term="x.onRecord" />
            </Record>
          </Collection>
        </Annotation>
      </Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
        assert_eq!(xml, expected);
    }

    /// What the writer writes, the reader reads back: nested annotations
    /// included.
    #[test]
    fn written_documents_read_back_the_same() {
        let xml = write_document(&doc());
        let read = crate::parse(xml.as_bytes(), "written").expect("reads back");
        assert_eq!(write_document(&read), xml);
        let group = &read.schemas[1].annotation_groups[0];
        assert_eq!(
            group.annotations[0].annotations[0].term,
            "Org.OData.Core.V1.IsLanguageDependent"
        );
        let AnnotationValue::Collection(items) = &group.annotations[1].value else {
            panic!("revisions are a collection");
        };
        let AnnotationValue::Record(r) = &items[0] else {
            panic!("a revision is a record");
        };
        assert_eq!(r.annotations[0].term, "x.onRecord");
        assert_eq!(r.properties[0].annotations[0].term, "x.onDate");
        assert_eq!(r.properties[1].annotations[0].term, "x.onKind");
        assert_eq!(
            r.get("Kind"),
            Some(&AnnotationValue::EnumMember(
                "Org.OData.Core.V1.RevisionKind/Deprecated".into()
            ))
        );
    }

    #[test]
    fn input_order_of_types_does_not_matter() {
        let a = doc();
        let mut b = doc();
        b.schemas.reverse();
        b.schemas[1].complex_types.reverse();
        assert_eq!(write_document(&a), write_document(&b));
    }

    #[test]
    fn unknown_namespaces_stay_as_written() {
        let mut d = doc();
        d.schemas[0].complex_types[0].properties[1].ty.name = "graph.identity".into();
        let xml = write_document(&d);
        assert!(xml.contains(r#"<Property Name="who" Type="Collection(graph.identity)" />"#));
    }
}
