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
//!
//! Strings are [`Str`]s: slices of the source text where possible, so a
//! [`Document<'s>`] borrows the bytes it was read from.

pub use crate::position::Position;
pub use crate::text::Str;

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
pub struct Document<'s> {
    /// Name of the source (file path or URL) used in error messages.
    pub source: String,
    /// The text the document was read from (without a byte-order mark),
    /// which [`Span`]s point into; empty for a document built in code.
    pub text: SourceText<'s>,
    /// The `Version` attribute of `edmx:Edmx` (`4.0`).
    pub version: Str<'s>,
    /// `edmx:Reference` elements (vocabulary includes), kept for round-trips.
    pub references: Vec<Reference<'s>>,
    /// Every `Schema` of the `edmx:DataServices` element, in document order.
    pub schemas: Vec<Schema<'s>>,
}

/// An `edmx:Reference` with its `edmx:Include` children.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reference<'s> {
    /// The `Uri` attribute.
    pub uri: Str<'s>,
    /// `(Namespace, Alias)` pairs of the includes.
    pub includes: Vec<(Str<'s>, Option<Str<'s>>)>,
}

/// One `Schema` element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema<'s> {
    /// The `Namespace` attribute, e.g. `microsoft.graph.callRecords`.
    pub namespace: Str<'s>,
    /// The `Alias` attribute, e.g. `graph`.
    pub alias: Option<Str<'s>>,
    /// Entity types, in document order.
    pub entity_types: Vec<StructuredType<'s>>,
    /// Complex types, in document order.
    pub complex_types: Vec<StructuredType<'s>>,
    /// Enum types, in document order.
    pub enum_types: Vec<EnumType<'s>>,
    /// Type definitions (aliases of primitive types).
    pub type_definitions: Vec<TypeDefinition<'s>>,
    /// Functions (bound and unbound), in document order.
    pub functions: Vec<Operation<'s>>,
    /// Actions (bound and unbound), in document order.
    pub actions: Vec<Operation<'s>>,
    /// Vocabulary terms declared in this schema.
    pub terms: Vec<Term<'s>>,
    /// The entity container, if this schema declares one.
    pub entity_container: Option<EntityContainer<'s>>,
    /// Out-of-line `<Annotations Target="...">` groups, in document order.
    pub annotation_groups: Vec<Annotations<'s>>,
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
pub struct StructuredType<'s> {
    /// Entity or complex.
    pub kind: StructuredKind,
    /// Unqualified name, e.g. `callRecord`.
    pub name: Str<'s>,
    /// `BaseType`, as written before resolution, qualified after it.
    pub base_type: Option<Str<'s>>,
    /// `Abstract="true"`.
    pub is_abstract: bool,
    /// `OpenType="true"`: undeclared members are allowed.
    pub open_type: bool,
    /// `HasStream="true"` (entity types only).
    pub has_stream: bool,
    /// Names of the `Key/PropertyRef` elements (entity types only).
    pub key: Vec<Str<'s>>,
    /// Structural properties, in document order.
    pub properties: Vec<Property<'s>>,
    /// Navigation properties, in document order.
    pub navigation_properties: Vec<NavigationProperty<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the start tag.
    pub span: Span,
}

/// A reference to a type: `T` or `Collection(T)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeRef<'s> {
    /// `true` for `Collection(T)`.
    pub collection: bool,
    /// The element type name: an `Edm.*` primitive or a named type
    /// (as written before resolution, namespace-qualified after it).
    pub name: Str<'s>,
}

impl TypeRef<'_> {
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
pub struct Property<'s> {
    /// Wire name, kept verbatim (`organizer_v2`, `reflexiveIPAddress`).
    pub name: Str<'s>,
    /// Declared type.
    pub ty: TypeRef<'s>,
    /// `Nullable` facet; `true` when absent.
    pub nullable: bool,
    /// `DefaultValue`, if any.
    pub default_value: Option<Str<'s>>,
    /// `MaxLength`, `Precision`, `Scale`, `SRID`, `Unicode` facets as written.
    pub facets: Vec<(Str<'s>, Str<'s>)>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the element.
    pub span: Span,
}

/// A `NavigationProperty`.
#[derive(Debug, Clone, PartialEq)]
pub struct NavigationProperty<'s> {
    /// Wire name.
    pub name: Str<'s>,
    /// Target type.
    pub ty: TypeRef<'s>,
    /// `Nullable` facet; `true` when absent.
    pub nullable: bool,
    /// `ContainsTarget="true"`: containment navigation.
    pub contains_target: bool,
    /// `Partner`, if any.
    pub partner: Option<Str<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the element.
    pub span: Span,
}

/// An `EnumType`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumType<'s> {
    /// Unqualified name.
    pub name: Str<'s>,
    /// `UnderlyingType`, if given (`Edm.Int32` when absent).
    pub underlying_type: Option<Str<'s>>,
    /// `IsFlags="true"`.
    pub is_flags: bool,
    /// Members in document order.
    pub members: Vec<EnumMember<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the start tag.
    pub span: Span,
}

/// An enum `Member`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumMember<'s> {
    /// Wire name, kept verbatim (`macOS`, `frequency24GHz`).
    pub name: Str<'s>,
    /// Explicit `Value`, or the implicit 0-based position when absent.
    pub value: i64,
    /// `true` when `Value` was written in the document.
    pub explicit_value: bool,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
}

/// A `TypeDefinition`.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDefinition<'s> {
    /// Unqualified name.
    pub name: Str<'s>,
    /// The primitive it stands for.
    pub underlying_type: Str<'s>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the element.
    pub span: Span,
}

/// A vocabulary `Term`.
#[derive(Debug, Clone, PartialEq)]
pub struct Term<'s> {
    /// Unqualified name.
    pub name: Str<'s>,
    /// Declared type.
    pub ty: TypeRef<'s>,
    /// `AppliesTo`, if given.
    pub applies_to: Option<Str<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
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
pub struct Operation<'s> {
    /// Function or action.
    pub kind: OperationKind,
    /// Unqualified name.
    pub name: Str<'s>,
    /// `IsBound="true"`: the first parameter is the binding parameter.
    pub is_bound: bool,
    /// `IsComposable="true"`.
    pub is_composable: bool,
    /// `EntitySetPath`, if given.
    pub entity_set_path: Option<Str<'s>>,
    /// Parameters in order (the binding parameter first when bound).
    pub parameters: Vec<Parameter<'s>>,
    /// `ReturnType`, if any.
    pub return_type: Option<ReturnType<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the start tag.
    pub span: Span,
}

/// An operation `Parameter`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter<'s> {
    /// Name (`bindingParameter`, `fromDateTime`).
    pub name: Str<'s>,
    /// Declared type.
    pub ty: TypeRef<'s>,
    /// `Nullable` facet; `true` when absent.
    pub nullable: bool,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the start tag.
    pub span: Span,
}

/// An operation `ReturnType`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnType<'s> {
    /// Declared type.
    pub ty: TypeRef<'s>,
    /// `Nullable` facet; `true` when absent.
    pub nullable: bool,
    /// Inline annotations (e.g. `Core.IsDelta`).
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the start tag.
    pub span: Span,
}

/// The `EntityContainer`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntityContainer<'s> {
    /// Unqualified name (`GraphService`).
    pub name: Str<'s>,
    /// Entity sets in document order.
    pub entity_sets: Vec<EntitySet<'s>>,
    /// Singletons in document order.
    pub singletons: Vec<Singleton<'s>>,
    /// `FunctionImport`/`ActionImport` elements: `(name, operation)`.
    pub operation_imports: Vec<(Str<'s>, Str<'s>)>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the start tag.
    pub span: Span,
}

/// An `EntitySet`.
#[derive(Debug, Clone, PartialEq)]
pub struct EntitySet<'s> {
    /// Name (URL segment).
    pub name: Str<'s>,
    /// The `EntityType` attribute.
    pub entity_type: Str<'s>,
    /// `NavigationPropertyBinding` children.
    pub bindings: Vec<NavigationPropertyBinding<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the start tag.
    pub span: Span,
}

/// A `Singleton`.
#[derive(Debug, Clone, PartialEq)]
pub struct Singleton<'s> {
    /// Name (URL segment), e.g. `communications`.
    pub name: Str<'s>,
    /// The `Type` attribute.
    pub ty: Str<'s>,
    /// `NavigationPropertyBinding` children.
    pub bindings: Vec<NavigationPropertyBinding<'s>>,
    /// Inline annotations.
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the start tag.
    pub span: Span,
}

/// A `NavigationPropertyBinding`.
#[derive(Debug, Clone, PartialEq)]
pub struct NavigationPropertyBinding<'s> {
    /// `Path` attribute.
    pub path: Str<'s>,
    /// `Target` attribute.
    pub target: Str<'s>,
}

/// An out-of-line `<Annotations Target="...">` group.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotations<'s> {
    /// `Target`, e.g. `microsoft.graph.callRecords.callRecord/organizer`
    /// (qualified after resolution).
    pub target: Str<'s>,
    /// `Qualifier`, if any.
    pub qualifier: Option<Str<'s>>,
    /// The annotations of the group.
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the start tag.
    pub span: Span,
}

/// One `Annotation` element.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation<'s> {
    /// The term, e.g. `Org.OData.Core.V1.Description`.
    pub term: Str<'s>,
    /// `Qualifier`, if any.
    pub qualifier: Option<Str<'s>>,
    /// The value, from an attribute (`String="..."`) or child elements.
    pub value: AnnotationValue<'s>,
    /// Annotations of this annotation (`Annotation` children).
    pub annotations: Vec<Annotation<'s>>,
    /// Position of the element.
    pub span: Span,
}

/// The value of an annotation or of a record property.
#[derive(Debug, Clone, PartialEq)]
pub enum AnnotationValue<'s> {
    /// No value given (a tag-only annotation means `true` for Boolean terms).
    Empty,
    /// `String`.
    String(Str<'s>),
    /// `Bool`.
    Bool(bool),
    /// `Int`.
    Int(i64),
    /// `Float`, `Decimal`, `Date`, `DateTimeOffset`, `Duration`, `Guid`,
    /// `TimeOfDay` and other literal forms, kept as `(kind, text)`.
    Literal(Str<'s>, Str<'s>),
    /// `EnumMember`, e.g. `Org.OData.Core.V1.RevisionKind/Deprecated`.
    EnumMember(Str<'s>),
    /// `Path`, `PropertyPath`, `NavigationPropertyPath`, `AnnotationPath`: `(kind, path)`.
    Path(Str<'s>, Str<'s>),
    /// `Record`.
    Record(Record<'s>),
    /// `Collection`.
    Collection(Vec<AnnotationValue<'s>>),
    /// `Null`.
    Null,
}

/// A `Record` annotation value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record<'s> {
    /// `Type` attribute, if any.
    pub ty: Option<Str<'s>>,
    /// `PropertyValue` children, in document order.
    pub properties: Vec<PropertyValue<'s>>,
    /// Annotations of the record (`Annotation` children).
    pub annotations: Vec<Annotation<'s>>,
}

impl<'s> Record<'s> {
    /// The value of the named property.
    pub fn get(&self, name: &str) -> Option<&AnnotationValue<'s>> {
        self.properties
            .iter()
            .find(|p| p.property == name)
            .map(|p| &p.value)
    }
}

/// One `PropertyValue` of a [`Record`].
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyValue<'s> {
    /// `Property`: the name of the record's property.
    pub property: Str<'s>,
    /// The value, from an attribute or child elements.
    pub value: AnnotationValue<'s>,
    /// Annotations of the property value (`Annotation` children).
    pub annotations: Vec<Annotation<'s>>,
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

impl Annotation<'_> {
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

fn literal_text(v: Option<&AnnotationValue<'_>>) -> Option<String> {
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
    Structured(&'a StructuredType<'a>),
    /// An enum type.
    Enum(&'a EnumType<'a>),
    /// A type definition.
    Definition(&'a TypeDefinition<'a>),
}

/// The text a [`Document`] was read from. Prints as its length only (a
/// document's `Debug` form would otherwise repeat the whole source).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SourceText<'s>(pub Str<'s>);

impl std::fmt::Debug for SourceText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SourceText({} bytes)", self.0.len())
    }
}

impl IntoOwned for SourceText<'_> {
    type Owned = SourceText<'static>;
    fn into_owned(self) -> SourceText<'static> {
        SourceText(self.0.into_owned())
    }
}

impl<'s> Document<'s> {
    /// The line and column of a span of this document (counted on demand:
    /// a pass over the text before it).
    pub fn position(&self, span: Span) -> Position {
        // A document built in code has no text: no position (`0:0`).
        if self.text.0.is_empty() {
            return Position::default();
        }
        Position::of(&self.text.0, span.offset as usize)
    }

    /// The document with all its text owned, independent of the bytes it
    /// was read from (copies every borrowed string).
    pub fn into_owned(self) -> Document<'static> {
        IntoOwned::into_owned(self)
    }

    /// The schema with this namespace.
    pub fn schema(&self, namespace: &str) -> Option<&Schema<'_>> {
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
    pub fn find_structured(&self, qualified: &str) -> Option<&StructuredType<'_>> {
        match self.find_type(qualified)? {
            TypeDef::Structured(t) => Some(t),
            _ => None,
        }
    }

    /// Finds an enum type by qualified name.
    pub fn find_enum(&self, qualified: &str) -> Option<&EnumType<'_>> {
        match self.find_type(qualified)? {
            TypeDef::Enum(t) => Some(t),
            _ => None,
        }
    }

    /// Every structured type with its qualified name, in document order.
    pub fn structured_types(&self) -> impl Iterator<Item = (String, &StructuredType<'_>)> {
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

    /// Qualified names of all types derived from `qualified`, transitively, depth first.
    pub fn all_derived_types(&self, qualified: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![qualified.to_string()];
        while let Some(base) = stack.pop() {
            for d in self.direct_derived_types(&base) {
                if !out.contains(&d) {
                    out.push(d.clone());
                    stack.push(d);
                }
            }
        }
        out
    }

    /// The chain of base types of `qualified`, nearest first (not including itself).
    pub fn base_chain(&self, qualified: &str) -> Vec<&StructuredType<'_>> {
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
    ) -> impl Iterator<Item = &'a Annotation<'a>> + 'a {
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

/// Conversion of a model value that borrows its source into one that owns
/// all its text (see [`Document::into_owned`]).
pub trait IntoOwned {
    /// The same value with every [`Str`] owned.
    type Owned;
    /// Copies every borrowed string.
    fn into_owned(self) -> Self::Owned;
}

impl IntoOwned for Str<'_> {
    type Owned = Str<'static>;
    fn into_owned(self) -> Str<'static> {
        Str::into_owned(self)
    }
}

impl<T: IntoOwned> IntoOwned for Option<T> {
    type Owned = Option<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        self.map(T::into_owned)
    }
}

impl<T: IntoOwned> IntoOwned for Vec<T> {
    type Owned = Vec<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        self.into_iter().map(T::into_owned).collect()
    }
}

impl<A: IntoOwned, B: IntoOwned> IntoOwned for (A, B) {
    type Owned = (A::Owned, B::Owned);
    fn into_owned(self) -> Self::Owned {
        (self.0.into_owned(), self.1.into_owned())
    }
}

/// `IntoOwned` for a model struct: `text` fields hold strings (converted),
/// `plain` fields are copied as they are.
macro_rules! into_owned {
    ($($ty:ident { text: [$($t:ident),*], plain: [$($p:ident),*] })*) => {$(
        impl IntoOwned for $ty<'_> {
            type Owned = $ty<'static>;
            fn into_owned(self) -> $ty<'static> {
                $ty {
                    $($t: IntoOwned::into_owned(self.$t),)*
                    $($p: self.$p,)*
                }
            }
        }
    )*};
}

into_owned! {
    Document { text: [text, version, references, schemas], plain: [source] }
    Reference { text: [uri, includes], plain: [] }
    Schema {
        text: [namespace, alias, entity_types, complex_types, enum_types, type_definitions,
            functions, actions, terms, entity_container, annotation_groups],
        plain: [span]
    }
    StructuredType {
        text: [name, base_type, key, properties, navigation_properties, annotations],
        plain: [kind, is_abstract, open_type, has_stream, span]
    }
    TypeRef { text: [name], plain: [collection] }
    Property {
        text: [name, ty, default_value, facets, annotations],
        plain: [nullable, span]
    }
    NavigationProperty {
        text: [name, ty, partner, annotations],
        plain: [nullable, contains_target, span]
    }
    EnumType { text: [name, underlying_type, members, annotations], plain: [is_flags, span] }
    EnumMember { text: [name, annotations], plain: [value, explicit_value] }
    TypeDefinition { text: [name, underlying_type, annotations], plain: [span] }
    Term { text: [name, ty, applies_to, annotations], plain: [span] }
    Operation {
        text: [name, entity_set_path, parameters, return_type, annotations],
        plain: [kind, is_bound, is_composable, span]
    }
    Parameter { text: [name, ty, annotations], plain: [nullable, span] }
    ReturnType { text: [ty, annotations], plain: [nullable, span] }
    EntityContainer {
        text: [name, entity_sets, singletons, operation_imports, annotations],
        plain: [span]
    }
    EntitySet { text: [name, entity_type, bindings, annotations], plain: [span] }
    Singleton { text: [name, ty, bindings, annotations], plain: [span] }
    NavigationPropertyBinding { text: [path, target], plain: [] }
    Annotations { text: [target, qualifier, annotations], plain: [span] }
    Annotation { text: [term, qualifier, value, annotations], plain: [span] }
    Record { text: [ty, properties, annotations], plain: [] }
    PropertyValue { text: [property, value, annotations], plain: [] }
}

impl IntoOwned for AnnotationValue<'_> {
    type Owned = AnnotationValue<'static>;
    fn into_owned(self) -> AnnotationValue<'static> {
        use AnnotationValue as V;
        match self {
            V::Empty => V::Empty,
            V::String(s) => V::String(s.into_owned()),
            V::Bool(b) => V::Bool(b),
            V::Int(i) => V::Int(i),
            V::Literal(k, s) => V::Literal(k.into_owned(), s.into_owned()),
            V::EnumMember(s) => V::EnumMember(s.into_owned()),
            V::Path(k, s) => V::Path(k.into_owned(), s.into_owned()),
            V::Record(r) => V::Record(r.into_owned()),
            V::Collection(items) => V::Collection(items.into_owned()),
            V::Null => V::Null,
        }
    }
}
