//! Typed model of an OData v4 CSDL document.
//!
//! The model keeps document order everywhere (so a writer can reproduce it)
//! and records the source position of every named element, so that later
//! stages (resolution, closure, code generation) can point at the input.
//!
//! Type names: the parser stores them as written (`graph.identity`);
//! [`crate::resolve()`] rewrites every reference to its namespace-qualified
//! form (`microsoft.graph.identity`), so code after resolution never has to
//! think about aliases.

pub use crate::position::Position;

/// Where an element starts: the byte offset of its `<` in the document
/// text (after a byte-order mark). [`Document::position`] turns it into a
/// line and column; the reader does not count lines for every element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    /// Byte offset in [`Document::text`].
    pub offset: u32,
}

/// A whole `edmx:Edmx` document.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// Name of the source (file path or URL) used in error messages.
    pub source: String,
    /// The text the document was read from (without a byte-order mark),
    /// which [`Span`]s point into; empty for a document built in code.
    pub text: SourceText,
    /// The `Version` attribute of `edmx:Edmx` (`4.0`).
    pub version: String,
    /// `edmx:Reference` elements (vocabulary includes), kept for round-trips.
    pub references: Vec<Reference>,
    /// Every `Schema` of the `edmx:DataServices` element, in document order.
    pub schemas: Vec<Schema>,
}

/// An `edmx:Reference` with its `edmx:Include` children.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reference {
    /// The `Uri` attribute.
    pub uri: String,
    /// `(Namespace, Alias)` pairs of the includes.
    pub includes: Vec<(String, Option<String>)>,
}

/// One `Schema` element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// The `Namespace` attribute, e.g. `microsoft.graph.callRecords`.
    pub namespace: String,
    /// The `Alias` attribute, e.g. `graph`.
    pub alias: Option<String>,
    /// Entity types, in document order.
    pub entity_types: Vec<StructuredType>,
    /// Complex types, in document order.
    pub complex_types: Vec<StructuredType>,
    /// Enum types, in document order.
    pub enum_types: Vec<EnumType>,
    /// Type definitions (aliases of primitive types).
    pub type_definitions: Vec<TypeDefinition>,
    /// Functions (bound and unbound), in document order.
    pub functions: Vec<Operation>,
    /// Actions (bound and unbound), in document order.
    pub actions: Vec<Operation>,
    /// Vocabulary terms declared in this schema.
    pub terms: Vec<Term>,
    /// The entity container, if this schema declares one.
    pub entity_container: Option<EntityContainer>,
    /// Out-of-line `<Annotations Target="...">` groups, in document order.
    pub annotation_groups: Vec<Annotations>,
    /// Position of the `Schema` start tag.
    pub span: Span,
}

/// Whether a structured type is an `EntityType` or a `ComplexType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StructuredKind {
    /// `EntityType`.
    Entity,
    /// `ComplexType`.
    Complex,
}

/// An `EntityType` or `ComplexType`.
#[derive(Debug, Clone, PartialEq)]
pub struct StructuredType {
    /// Entity or complex.
    pub kind: StructuredKind,
    /// Unqualified name, e.g. `callRecord`.
    pub name: String,
    /// `BaseType`, as written before resolution, qualified after it.
    pub base_type: Option<String>,
    /// `Abstract="true"`.
    pub is_abstract: bool,
    /// `OpenType="true"`: undeclared members are allowed.
    pub open_type: bool,
    /// `HasStream="true"` (entity types only).
    pub has_stream: bool,
    /// Names of the `Key/PropertyRef` elements (entity types only).
    pub key: Vec<String>,
    /// Structural properties, in document order.
    pub properties: Vec<Property>,
    /// Navigation properties, in document order.
    pub navigation_properties: Vec<NavigationProperty>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Position of the start tag.
    pub span: Span,
}

/// A reference to a type: `T` or `Collection(T)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeRef {
    /// `true` for `Collection(T)`.
    pub collection: bool,
    /// The element type name: an `Edm.*` primitive or a named type
    /// (as written before resolution, namespace-qualified after it).
    pub name: String,
}

impl TypeRef {
    /// The primitive type, when `name` is an `Edm.*` type.
    pub fn primitive(&self) -> Option<Primitive> {
        Primitive::from_name(&self.name)
    }
}

/// The `Edm` primitive types the reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Primitive {
    Binary,
    Boolean,
    Byte,
    Date,
    DateTimeOffset,
    Decimal,
    Double,
    Duration,
    Guid,
    Int16,
    Int32,
    Int64,
    SByte,
    Single,
    Stream,
    String,
    TimeOfDay,
    Geography,
    GeographyPoint,
    Geometry,
    GeometryPoint,
    Untyped,
    PrimitiveType,
    ComplexType,
    EntityType,
    AnnotationPath,
    PropertyPath,
    NavigationPropertyPath,
}

impl Primitive {
    /// All primitives with their `Edm.` names.
    pub const ALL: &'static [(Primitive, &'static str)] = &[
        (Primitive::Binary, "Edm.Binary"),
        (Primitive::Boolean, "Edm.Boolean"),
        (Primitive::Byte, "Edm.Byte"),
        (Primitive::Date, "Edm.Date"),
        (Primitive::DateTimeOffset, "Edm.DateTimeOffset"),
        (Primitive::Decimal, "Edm.Decimal"),
        (Primitive::Double, "Edm.Double"),
        (Primitive::Duration, "Edm.Duration"),
        (Primitive::Guid, "Edm.Guid"),
        (Primitive::Int16, "Edm.Int16"),
        (Primitive::Int32, "Edm.Int32"),
        (Primitive::Int64, "Edm.Int64"),
        (Primitive::SByte, "Edm.SByte"),
        (Primitive::Single, "Edm.Single"),
        (Primitive::Stream, "Edm.Stream"),
        (Primitive::String, "Edm.String"),
        (Primitive::TimeOfDay, "Edm.TimeOfDay"),
        (Primitive::Geography, "Edm.Geography"),
        (Primitive::GeographyPoint, "Edm.GeographyPoint"),
        (Primitive::Geometry, "Edm.Geometry"),
        (Primitive::GeometryPoint, "Edm.GeometryPoint"),
        (Primitive::Untyped, "Edm.Untyped"),
        (Primitive::PrimitiveType, "Edm.PrimitiveType"),
        (Primitive::ComplexType, "Edm.ComplexType"),
        (Primitive::EntityType, "Edm.EntityType"),
        (Primitive::AnnotationPath, "Edm.AnnotationPath"),
        (Primitive::PropertyPath, "Edm.PropertyPath"),
        (
            Primitive::NavigationPropertyPath,
            "Edm.NavigationPropertyPath",
        ),
    ];

    /// Looks up `Edm.X`; `None` for anything else (including unknown `Edm.` names).
    pub fn from_name(name: &str) -> Option<Primitive> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(p, _)| *p)
    }

    /// The `Edm.` name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(p, _)| *p == self)
            .map(|(_, n)| *n)
            .unwrap_or("Edm.Untyped")
    }
}

/// A structural `Property`.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// Wire name, kept verbatim (`organizer_v2`, `reflexiveIPAddress`).
    pub name: String,
    /// Declared type.
    pub ty: TypeRef,
    /// `Nullable` facet; `true` when absent.
    pub nullable: bool,
    /// `DefaultValue`, if any.
    pub default_value: Option<String>,
    /// `MaxLength`, `Precision`, `Scale`, `SRID`, `Unicode` facets as written.
    pub facets: Vec<(String, String)>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Position of the element.
    pub span: Span,
}

/// A `NavigationProperty`.
#[derive(Debug, Clone, PartialEq)]
pub struct NavigationProperty {
    /// Wire name.
    pub name: String,
    /// Target type.
    pub ty: TypeRef,
    /// `Nullable` facet; `true` when absent.
    pub nullable: bool,
    /// `ContainsTarget="true"`: containment navigation.
    pub contains_target: bool,
    /// `Partner`, if any.
    pub partner: Option<String>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Position of the element.
    pub span: Span,
}

/// An `EnumType`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumType {
    /// Unqualified name.
    pub name: String,
    /// `UnderlyingType`, if given (`Edm.Int32` when absent).
    pub underlying_type: Option<String>,
    /// `IsFlags="true"`.
    pub is_flags: bool,
    /// Members in document order.
    pub members: Vec<EnumMember>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Position of the start tag.
    pub span: Span,
}

/// An enum `Member`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumMember {
    /// Wire name, kept verbatim (`macOS`, `frequency24GHz`).
    pub name: String,
    /// Explicit `Value`, or the implicit 0-based position when absent.
    pub value: i64,
    /// `true` when `Value` was written in the document.
    pub explicit_value: bool,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
}

/// A `TypeDefinition`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDefinition {
    /// Unqualified name.
    pub name: String,
    /// The primitive it stands for.
    pub underlying_type: String,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Position of the element.
    pub span: Span,
}

/// A vocabulary `Term`.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Unqualified name.
    pub name: String,
    /// Declared type.
    pub ty: TypeRef,
    /// `AppliesTo`, if given.
    pub applies_to: Option<String>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Position of the element.
    pub span: Span,
}

/// Whether an [`Operation`] is a `Function` or an `Action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationKind {
    /// `Function` (no side effects, invoked with GET).
    Function,
    /// `Action` (invoked with POST).
    Action,
}

/// A `Function` or `Action`.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Function or action.
    pub kind: OperationKind,
    /// Unqualified name.
    pub name: String,
    /// `IsBound="true"`: the first parameter is the binding parameter.
    pub is_bound: bool,
    /// `IsComposable="true"`.
    pub is_composable: bool,
    /// `EntitySetPath`, if given.
    pub entity_set_path: Option<String>,
    /// Parameters in order (the binding parameter first when bound).
    pub parameters: Vec<Parameter>,
    /// `ReturnType`, if any.
    pub return_type: Option<ReturnType>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Position of the start tag.
    pub span: Span,
}

/// An operation `Parameter`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Name (`bindingParameter`, `fromDateTime`).
    pub name: String,
    /// Declared type.
    pub ty: TypeRef,
    /// `Nullable` facet; `true` when absent.
    pub nullable: bool,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Position of the start tag.
    pub span: Span,
}

/// An operation `ReturnType`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnType {
    /// Declared type.
    pub ty: TypeRef,
    /// `Nullable` facet; `true` when absent.
    pub nullable: bool,
    /// Inline annotations (e.g. `Core.IsDelta`).
    pub annotations: Vec<Annotation>,
    /// Position of the start tag.
    pub span: Span,
}

/// The `EntityContainer`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntityContainer {
    /// Unqualified name (`GraphService`).
    pub name: String,
    /// Entity sets in document order.
    pub entity_sets: Vec<EntitySet>,
    /// Singletons in document order.
    pub singletons: Vec<Singleton>,
    /// `FunctionImport`/`ActionImport` elements: `(name, operation)`.
    pub operation_imports: Vec<(String, String)>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Position of the start tag.
    pub span: Span,
}

/// An `EntitySet`.
#[derive(Debug, Clone, PartialEq)]
pub struct EntitySet {
    /// Name (URL segment).
    pub name: String,
    /// The `EntityType` attribute.
    pub entity_type: String,
    /// `NavigationPropertyBinding` children.
    pub bindings: Vec<NavigationPropertyBinding>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Position of the start tag.
    pub span: Span,
}

/// A `Singleton`.
#[derive(Debug, Clone, PartialEq)]
pub struct Singleton {
    /// Name (URL segment), e.g. `communications`.
    pub name: String,
    /// The `Type` attribute.
    pub ty: String,
    /// `NavigationPropertyBinding` children.
    pub bindings: Vec<NavigationPropertyBinding>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Position of the start tag.
    pub span: Span,
}

/// A `NavigationPropertyBinding`.
#[derive(Debug, Clone, PartialEq)]
pub struct NavigationPropertyBinding {
    /// `Path` attribute.
    pub path: String,
    /// `Target` attribute.
    pub target: String,
}

/// An out-of-line `<Annotations Target="...">` group.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotations {
    /// `Target`, e.g. `microsoft.graph.callRecords.callRecord/organizer`
    /// (qualified after resolution).
    pub target: String,
    /// `Qualifier`, if any.
    pub qualifier: Option<String>,
    /// The annotations of the group.
    pub annotations: Vec<Annotation>,
    /// Position of the start tag.
    pub span: Span,
}

/// One `Annotation` element.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    /// The term, e.g. `Org.OData.Core.V1.Description`.
    pub term: String,
    /// `Qualifier`, if any.
    pub qualifier: Option<String>,
    /// The value, from an attribute (`String="..."`) or child elements.
    pub value: AnnotationValue,
    /// Annotations of this annotation (`Annotation` children).
    pub annotations: Vec<Annotation>,
    /// Position of the element.
    pub span: Span,
}

/// The value of an annotation or of a record property.
#[derive(Debug, Clone, PartialEq)]
pub enum AnnotationValue {
    /// No value given (a tag-only annotation means `true` for Boolean terms).
    Empty,
    /// `String`.
    String(String),
    /// `Bool`.
    Bool(bool),
    /// `Int`.
    Int(i64),
    /// `Float`, `Decimal`, `Date`, `DateTimeOffset`, `Duration`, `Guid`,
    /// `TimeOfDay` and other literal forms, kept as `(kind, text)`.
    Literal(String, String),
    /// `EnumMember`, e.g. `Org.OData.Core.V1.RevisionKind/Deprecated`.
    EnumMember(String),
    /// `Path`, `PropertyPath`, `NavigationPropertyPath`, `AnnotationPath`: `(kind, path)`.
    Path(String, String),
    /// `Record`.
    Record(Record),
    /// `Collection`.
    Collection(Vec<AnnotationValue>),
    /// `Null`.
    Null,
}

/// A `Record` annotation value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    /// `Type` attribute, if any.
    pub ty: Option<String>,
    /// `PropertyValue` children, in document order.
    pub properties: Vec<PropertyValue>,
    /// Annotations of the record (`Annotation` children).
    pub annotations: Vec<Annotation>,
}

impl Record {
    /// The value of the named property.
    pub fn get(&self, name: &str) -> Option<&AnnotationValue> {
        self.properties
            .iter()
            .find(|p| p.property == name)
            .map(|p| &p.value)
    }
}

/// One `PropertyValue` of a [`Record`].
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyValue {
    /// `Property`: the name of the record's property.
    pub property: String,
    /// The value, from an attribute or child elements.
    pub value: AnnotationValue,
    /// Annotations of the property value (`Annotation` children).
    pub annotations: Vec<Annotation>,
}

/// The `Core.Description` term.
pub const CORE_DESCRIPTION: &str = "Org.OData.Core.V1.Description";
/// The `Core.LongDescription` term.
pub const CORE_LONG_DESCRIPTION: &str = "Org.OData.Core.V1.LongDescription";
/// The `Core.Revisions` term.
pub const CORE_REVISIONS: &str = "Org.OData.Core.V1.Revisions";

/// One `Core.Revisions` record (a deprecation notice, typically).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Revision {
    /// `Kind`: `Added`, `Modified` or `Deprecated` (the enum member name).
    pub kind: String,
    /// `Date` (`2023-11-06`).
    pub date: Option<String>,
    /// `RemovalDate` (`2026-11-06`).
    pub removal_date: Option<String>,
    /// `Description` (`The organizer property is deprecated ...`).
    pub description: Option<String>,
    /// `Version` (`2023-06/New_Properties_Added`).
    pub version: Option<String>,
}

impl Annotation {
    /// The string of a `Core.Description`/`Core.LongDescription` or any string-valued annotation.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            AnnotationValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The records of a `Core.Revisions` annotation (empty for any other term).
    pub fn revisions(&self) -> Vec<Revision> {
        if self.term != CORE_REVISIONS {
            return Vec::new();
        }
        let items: &[AnnotationValue] = match &self.value {
            AnnotationValue::Collection(items) => items,
            AnnotationValue::Record(_) => std::slice::from_ref(&self.value),
            _ => &[],
        };
        items
            .iter()
            .filter_map(|item| match item {
                AnnotationValue::Record(r) => Some(Revision {
                    kind: match r.get("Kind") {
                        Some(AnnotationValue::EnumMember(m)) => {
                            m.rsplit('/').next().unwrap_or(m).to_string()
                        }
                        _ => String::new(),
                    },
                    date: literal_text(r.get("Date")),
                    removal_date: literal_text(r.get("RemovalDate")),
                    description: literal_text(r.get("Description")),
                    version: literal_text(r.get("Version")),
                }),
                _ => None,
            })
            .collect()
    }
}

fn literal_text(v: Option<&AnnotationValue>) -> Option<String> {
    match v? {
        AnnotationValue::String(s) => Some(s.to_string()),
        AnnotationValue::Literal(_, s) => Some(s.to_string()),
        _ => None,
    }
}

/// A named type found by [`Document::find_type`].
#[derive(Debug, Clone, Copy)]
pub enum TypeDef<'a> {
    /// An entity or complex type.
    Structured(&'a StructuredType),
    /// An enum type.
    Enum(&'a EnumType),
    /// A type definition.
    Definition(&'a TypeDefinition),
}

/// The text a [`Document`] was read from. Prints as its length only (a
/// document's `Debug` form would otherwise repeat the whole source).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SourceText(pub String);

impl std::fmt::Debug for SourceText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SourceText({} bytes)", self.0.len())
    }
}

impl Document {
    /// The line and column of a span of this document (counted on demand:
    /// a pass over the text before it).
    pub fn position(&self, span: Span) -> Position {
        // A document built in code has no text: no position (`0:0`).
        if self.text.0.is_empty() {
            return Position::default();
        }
        Position::of(&self.text.0, span.offset as usize)
    }

    /// The schema with this namespace.
    pub fn schema(&self, namespace: &str) -> Option<&Schema> {
        self.schemas.iter().find(|s| s.namespace == namespace)
    }

    /// Finds a type by its namespace-qualified name (`microsoft.graph.identity`).
    /// Works on a resolved document; alias-qualified names are not looked up.
    pub fn find_type(&self, qualified: &str) -> Option<TypeDef<'_>> {
        let (ns, name) = split_qualified(qualified)?;
        let schema = self.schema(ns)?;
        schema
            .entity_types
            .iter()
            .chain(&schema.complex_types)
            .find(|t| t.name == name)
            .map(TypeDef::Structured)
            .or_else(|| {
                schema
                    .enum_types
                    .iter()
                    .find(|t| t.name == name)
                    .map(TypeDef::Enum)
            })
            .or_else(|| {
                schema
                    .type_definitions
                    .iter()
                    .find(|t| t.name == name)
                    .map(TypeDef::Definition)
            })
    }

    /// Finds an entity or complex type by qualified name.
    pub fn find_structured(&self, qualified: &str) -> Option<&StructuredType> {
        match self.find_type(qualified)? {
            TypeDef::Structured(t) => Some(t),
            _ => None,
        }
    }

    /// Finds an enum type by qualified name.
    pub fn find_enum(&self, qualified: &str) -> Option<&EnumType> {
        match self.find_type(qualified)? {
            TypeDef::Enum(t) => Some(t),
            _ => None,
        }
    }

    /// Every structured type with its qualified name, in document order.
    pub fn structured_types(&self) -> impl Iterator<Item = (String, &StructuredType)> {
        self.schemas.iter().flat_map(|s| {
            s.entity_types
                .iter()
                .chain(&s.complex_types)
                .map(move |t| (format!("{}.{}", s.namespace, t.name), t))
        })
    }

    /// Qualified names of the types whose `BaseType` is `qualified` (direct children only),
    /// in document order. Works on a resolved document.
    pub fn direct_derived_types(&self, qualified: &str) -> Vec<String> {
        self.structured_types()
            .filter(|(_, t)| t.base_type.as_deref() == Some(qualified))
            .map(|(n, _)| n)
            .collect()
    }

    /// The chain of base types of `qualified`, nearest first (not including itself).
    pub fn base_chain(&self, qualified: &str) -> Vec<&StructuredType> {
        let mut out = Vec::new();
        let mut cur = self
            .find_structured(qualified)
            .and_then(|t| t.base_type.clone());
        while let Some(name) = cur {
            match self.find_structured(&name) {
                Some(t) if !out.iter().any(|o: &&StructuredType| std::ptr::eq(*o, t)) => {
                    cur = t.base_type.clone();
                    out.push(t);
                }
                _ => break,
            }
        }
        out
    }

    /// Out-of-line annotations whose `Target` equals `target`
    /// (`microsoft.graph.callRecords.callRecord/organizer`), across all schemas.
    pub fn external_annotations<'a>(
        &'a self,
        target: &'a str,
    ) -> impl Iterator<Item = &'a Annotation> + 'a {
        self.schemas
            .iter()
            .flat_map(|s| &s.annotation_groups)
            .filter(move |g| g.target == target)
            .flat_map(|g| &g.annotations)
    }

    /// The description of a target: an inline `Core.Description` first, then an out-of-line one.
    pub fn description<'a>(&'a self, target: &'a str, inline: &'a [Annotation]) -> Option<&'a str> {
        inline
            .iter()
            .chain(self.external_annotations(target))
            .find(|a| a.term == CORE_DESCRIPTION)
            .and_then(Annotation::as_str)
    }

    /// All `Core.Revisions` records of a target, inline and out-of-line.
    pub fn revisions(&self, target: &str, inline: &[Annotation]) -> Vec<Revision> {
        inline
            .iter()
            .chain(self.external_annotations(target))
            .flat_map(Annotation::revisions)
            .collect()
    }
}

/// Splits `a.b.c.name` into (`a.b.c`, `name`).
pub fn split_qualified(qualified: &str) -> Option<(&str, &str)> {
    qualified.rsplit_once('.')
}
