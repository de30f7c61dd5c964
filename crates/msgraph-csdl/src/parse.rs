//! Streaming quick-xml reader: CSDL XML -> [`crate::Document`].
//!
//! One loop over quick-xml events with an explicit stack of open elements,
//! so deeply nested input cannot overflow the call stack; nesting beyond
//! [`MAX_DEPTH`] is an error. Declarations are built in place in the
//! document as their start tags are read (the stack says which one is
//! open); annotations and their value expressions wait on a stack of their
//! own until they close. Elements the model does not cover are skipped with
//! their subtree (their tags are still checked). Names are stored as
//! written; [`crate::resolve()`] qualifies them.

use std::borrow::Cow;

use quick_xml::errors::IllFormedError;
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::{Error, ErrorKind};
use crate::model::*;

/// Deepest element nesting accepted (the real Graph document needs about 12).
pub const MAX_DEPTH: usize = 256;

/// Parses a CSDL document without resolving names (they stay as written).
pub fn parse(bytes: &[u8], source: &str) -> Result<Document, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            return Err(Error::new(
                source,
                Position::of(valid, valid.len()),
                ErrorKind::Encoding,
                format!("invalid UTF-8 at byte {}", e.valid_up_to()),
            ));
        }
    };
    // Spans are u32 offsets.
    if u32::try_from(text.len()).is_err() {
        return Err(Error::new(
            source,
            Position::default(),
            ErrorKind::Unsupported,
            format!("document of {} bytes: at most 4 GiB are read", text.len()),
        ));
    }
    Parser {
        source,
        text,
        doc: Document {
            source: source.to_string(),
            text: SourceText(text.to_string()),
            ..Document::default()
        },
        stack: Vec::new(),
        values: Vec::new(),
        claims: Vec::new(),
    }
    .run()
}

/// The whitespace of XML (what quick-xml trims).
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// One open element (declarations are the last of their kind in the last
/// schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Edmx,
    Reference,
    DataServices,
    Schema,
    Structured(StructuredKind),
    Key(StructuredKind),
    Property(StructuredKind),
    Nav(StructuredKind),
    Enum,
    Member,
    TypeDef,
    Term,
    Operation(OperationKind),
    Parameter(OperationKind),
    ReturnType(OperationKind),
    Container,
    EntitySet,
    Singleton,
    Annotations,
    /// An annotation or value expression: the top of [`Parser::values`].
    Value,
    /// A known element whose children carry nothing the model keeps.
    Leaf,
    /// An element the model does not cover; its subtree is ignored.
    Skip,
}

/// An annotation or value expression being read.
enum Expr {
    Annotation(Annotation),
    Record(Record),
    PropertyValue(PropertyValue),
    Collection(Vec<AnnotationValue>),
    /// A literal element (`<String>`): its kind, text so far and position.
    Literal(&'static str, String, Span),
    Null,
}

/// A schema's or include's namespace and alias, and where it was declared.
struct Claim {
    namespace: String,
    alias: Option<String>,
    offset: usize,
}

/// The attributes of a start tag: local names with decoded values, in
/// document order.
struct Attrs<'t>(Vec<(&'t str, Cow<'t, str>)>);

impl Attrs<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_ref())
    }
}

/// Annotation value kinds written as an attribute (`String="x"`) or as an
/// element with text (`<String>x</String>`).
const LITERAL_KINDS: [&str; 17] = [
    "String",
    "Bool",
    "Int",
    "EnumMember",
    "Path",
    "PropertyPath",
    "NavigationPropertyPath",
    "AnnotationPath",
    "ModelElementPath",
    "Float",
    "Decimal",
    "Date",
    "DateTimeOffset",
    "Duration",
    "Guid",
    "TimeOfDay",
    "Binary",
];

/// The literal kind named `name`, if it is one.
fn literal_kind(name: &str) -> Option<&'static str> {
    LITERAL_KINDS.iter().copied().find(|k| *k == name)
}

/// The value of a literal of `kind` written as `text`, or what is wrong with it.
fn literal_value(kind: &str, text: &str) -> Result<AnnotationValue, String> {
    let trimmed = text.trim();
    Ok(match kind {
        "String" => AnnotationValue::String(text.to_string()),
        "Bool" => match trimmed {
            "true" => AnnotationValue::Bool(true),
            "false" => AnnotationValue::Bool(false),
            other => {
                return Err(format!(
                    "Bool value \"{other}\" is not a boolean (expected true or false)"
                ))
            }
        },
        "Int" => match trimmed.parse::<i64>() {
            Ok(i) => AnnotationValue::Int(i),
            Err(_) => return Err(format!("Int value \"{trimmed}\" is not an integer")),
        },
        "EnumMember" => AnnotationValue::EnumMember(trimmed.to_string()),
        k if k.ends_with("Path") => AnnotationValue::Path(k.to_string(), trimmed.to_string()),
        k => AnnotationValue::Literal(k.to_string(), trimmed.to_string()),
    })
}

/// CSDL dynamic expressions (other than paths, records, collections and
/// `Null`, which the model keeps): the reader does not evaluate them.
fn is_dynamic_expression(name: &str) -> bool {
    matches!(
        name,
        "And"
            | "Or"
            | "Not"
            | "Eq"
            | "Ne"
            | "Gt"
            | "Ge"
            | "Lt"
            | "Le"
            | "Has"
            | "In"
            | "Add"
            | "Sub"
            | "Neg"
            | "Mul"
            | "Div"
            | "DivBy"
            | "Mod"
            | "Apply"
            | "Cast"
            | "If"
            | "IsOf"
            | "LabeledElement"
            | "LabeledElementReference"
            | "UrlRef"
    )
}

struct Parser<'a> {
    /// Name of the source, for errors.
    source: &'a str,
    text: &'a str,
    doc: Document,
    /// Open elements with the offset of their start tag.
    stack: Vec<(Frame, usize)>,
    /// Annotations and value expressions being read, innermost last (one
    /// per [`Frame::Value`] on the stack).
    values: Vec<Expr>,
    /// Every schema's and include's namespace and alias so far.
    claims: Vec<Claim>,
}

impl<'a> Parser<'a> {
    fn err(&self, offset: usize, kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::new(self.source, Position::of(self.text, offset), kind, message)
    }

    /// The element name written at `offset` (which points at `<`), for messages.
    fn name_at(&self, offset: usize) -> &str {
        let rest = self.text.get(offset + 1..).unwrap_or("");
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        &rest[..end]
    }

    fn run(mut self) -> Result<Document, Error> {
        // quick-xml drops byte order marks at its start without counting
        // them (here a second one, after the one `parse` strips): start past
        // them, so that its positions stay offsets in `text`.
        let text = self.text;
        let base = text.len() - text.trim_start_matches('\u{feff}').len();
        let mut reader = Reader::from_str(&text[base..]);
        let config = reader.config_mut();
        // Whitespace between tags makes no events; turned off inside
        // literal elements, whose text is kept as written.
        config.trim_text_start = true;
        config.trim_text_end = false;
        config.check_end_names = true;
        let mut root_done = false;
        // Depth of the unknown subtree being skipped (0: not skipping).
        let mut skip_depth = 0usize;
        loop {
            let at = base + reader.buffer_position() as usize;
            let event = reader
                .read_event()
                .map_err(|e| self.xml_error(e, base + reader.error_position() as usize))?;
            let end = base + reader.buffer_position() as usize;
            let (e, empty) = match event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => {
                    if skip_depth > 0 {
                        skip_depth -= 1;
                    } else if let Some((Frame::Value, _)) = self.stack.pop() {
                        if matches!(self.values.last(), Some(Expr::Literal(..))) {
                            reader.config_mut().trim_text_start = true;
                        }
                        self.close_value()?;
                    }
                    continue;
                }
                Event::Text(t) if skip_depth == 0 => {
                    let piece = String::from_utf8_lossy(&t);
                    if self.stack.is_empty() {
                        if !piece.trim().is_empty() {
                            let what = if root_done {
                                "text after the root element"
                            } else {
                                "text outside the root element (not an XML document?)"
                            };
                            let rest = &text[at..];
                            let start =
                                at + rest.len() - rest.trim_start_matches(is_xml_space).len();
                            return Err(self.err(start, ErrorKind::Xml, what));
                        }
                    } else if let Some(buf) = self.literal_text() {
                        buf.push_str(&piece);
                    }
                    continue;
                }
                Event::CData(t) if skip_depth == 0 => {
                    if let Some(buf) = self.literal_text() {
                        buf.push_str(&String::from_utf8_lossy(&t));
                    }
                    continue;
                }
                Event::GeneralRef(r) if skip_depth == 0 && self.literal_text().is_some() => {
                    let ch = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        Ok(None) => match r.as_ref() {
                            b"amp" => Some('&'),
                            b"lt" => Some('<'),
                            b"gt" => Some('>'),
                            b"quot" => Some('"'),
                            b"apos" => Some('\''),
                            _ => None,
                        },
                        Err(_) => None,
                    };
                    match (ch, self.literal_text()) {
                        (Some(c), Some(buf)) => buf.push(c),
                        _ => {
                            let name = String::from_utf8_lossy(&r).into_owned();
                            return Err(self.err(
                                at,
                                ErrorKind::Xml,
                                format!("unknown entity reference &{name};"),
                            ));
                        }
                    }
                    continue;
                }
                Event::Eof => break,
                // Declarations, comments, processing instructions, DOCTYPE,
                // and text inside skipped elements.
                _ => continue,
            };
            // The tag is `<` + content + `>` (or `/>`), ending at `end`.
            let start = end - e.len() - if empty { 3 } else { 2 };
            let (name, attrs) = self.tag(&e, start)?;
            if skip_depth > 0 {
                if !empty {
                    skip_depth += 1;
                    if self.stack.len() + skip_depth > MAX_DEPTH {
                        return Err(self.too_deep(start));
                    }
                }
                continue;
            }
            if !empty && self.stack.len() >= MAX_DEPTH {
                return Err(self.too_deep(start));
            }
            let frame = match self.stack.last() {
                None => self.open_root(name, &attrs, start, &mut root_done)?,
                Some(&(parent, _)) => self.open(parent, name, &attrs, start, empty)?,
            };
            if empty {
                if frame == Frame::Value {
                    self.close_value()?;
                }
            } else if frame == Frame::Skip {
                skip_depth = 1;
            } else {
                if frame == Frame::Value && matches!(self.values.last(), Some(Expr::Literal(..))) {
                    reader.config_mut().trim_text_start = false;
                }
                self.stack.push((frame, start));
            }
        }
        if let Some(&(_, offset)) = self.stack.last() {
            let name = self.name_at(offset);
            let opened = Position::of(text, offset);
            return Err(self.err(
                text.len(),
                ErrorKind::Xml,
                format!(
                    "unexpected end of document: <{name}> opened at {opened} is not closed (truncated file?)"
                ),
            ));
        }
        if !root_done {
            return Err(self.err(
                0,
                ErrorKind::Xml,
                "empty document: no root element (expected edmx:Edmx)",
            ));
        }
        Ok(self.doc)
    }

    /// Checks a start tag (at `start`) and returns its local name and
    /// attributes. Attributes are read by local name, so two with the same
    /// local name (`Name`, `m:Name`) are refused like exact duplicates:
    /// the second would otherwise silently win.
    fn tag(&self, e: &BytesStart, start: usize) -> Result<(&'a str, Attrs<'a>), Error> {
        let content_at = start + 1;
        // The tag without `<` and `>`, as text (no second UTF-8 check).
        let content = &self.text[content_at..content_at + e.len()];
        // A slice quick-xml handed out of the tag, as the same text.
        let part = |b: &[u8]| {
            let at = b.as_ptr() as usize - e.as_ptr() as usize;
            &content[at..at + b.len()]
        };
        // quick-xml ends a name at whitespace only: `<a="x"/>` is a broken tag.
        let qname = part(e.name().into_inner());
        let bad = |c| {
            matches!(
                c,
                '=' | '"' | '\'' | '<' | '>' | '/' | '&' | '!' | '?' | ';' | '(' | ')'
            )
        };
        if let Some(i) = qname.find(bad) {
            let shown = &qname[..i];
            return Err(self.err(
                content_at + i,
                ErrorKind::Xml,
                format!("malformed XML: unexpected character in <{shown}>"),
            ));
        }
        let local = |name: &'a str| name.rsplit_once(':').map_or(name, |(_, l)| l);
        let mut attrs = Attrs(Vec::new());
        // The offset of each attribute's whole key in `content`, for duplicates.
        let mut key_offsets: Vec<usize> = Vec::new();
        let mut iter = e.attributes();
        iter.with_checks(false);
        for a in iter {
            let a = a.map_err(|err| self.attr_error(err, content, content_at))?;
            let key = a.key.into_inner();
            let key_at = key.as_ptr() as usize - e.as_ptr() as usize;
            let key = local(part(key));
            if let Some(i) = attrs.0.iter().position(|(k, _)| *k == key) {
                let err = AttrError::Duplicated(key_at, key_offsets[i]);
                return Err(self.attr_error(err, content, content_at));
            }
            // Borrowed from the document unless it has an escape.
            let value = match a.value {
                Cow::Borrowed(v) => quick_xml::escape::unescape(part(v)),
                Cow::Owned(v) => quick_xml::escape::unescape(&String::from_utf8_lossy(&v))
                    .map(|u| Cow::Owned(u.into_owned())),
            }
            .map_err(|err| {
                self.err(
                    start,
                    ErrorKind::InvalidValue,
                    format!("bad escape in attribute value: {err}"),
                )
            })?;
            key_offsets.push(key_at);
            attrs.0.push((key, value));
        }
        Ok((local(qname), attrs))
    }

    /// A clear message for a broken attribute; `content` is the tag without
    /// its `<`, found at `content_at`.
    fn attr_error(&self, e: AttrError, content: &str, content_at: usize) -> Error {
        let el = content
            .split(|c: char| c.is_ascii_whitespace())
            .next()
            .unwrap_or("");
        let (pos, message) = match e {
            AttrError::ExpectedEq(pos) => {
                // The key is the last word before `pos`.
                let before = content.get(..pos).unwrap_or("").trim_end();
                let key = before
                    .rsplit(|c: char| c.is_ascii_whitespace())
                    .next()
                    .unwrap_or("");
                let at_slash = content.as_bytes().get(pos) == Some(&b'/');
                if key.starts_with('/') || (at_slash && key.is_empty()) {
                    let slash = content_at + pos.saturating_sub(key.len());
                    return self.err(
                        slash,
                        ErrorKind::Xml,
                        format!("malformed XML: \"/\" not followed by \">\" in <{el}>"),
                    );
                }
                if key.contains('/') || key.contains('<') {
                    (pos, format!("unexpected character in <{el}>"))
                } else {
                    (pos, format!("attribute {key} of <{el}> has no value"))
                }
            }
            AttrError::ExpectedValue(pos) => (pos, format!("\"=\" without a value in <{el}>")),
            AttrError::UnquotedValue(pos) => {
                (pos, format!("attribute value in <{el}> is not quoted"))
            }
            AttrError::ExpectedQuote(pos, _) => {
                (pos, format!("attribute value in <{el}> is not closed"))
            }
            AttrError::Duplicated(pos, first) => {
                let key = content
                    .get(pos..)
                    .unwrap_or("")
                    .split(|c: char| c == '=' || c.is_ascii_whitespace())
                    .next()
                    .unwrap_or("");
                let first = Position::of(self.text, content_at + first);
                (
                    pos,
                    format!("duplicate attribute {key} in <{el}> (first at {first})"),
                )
            }
        };
        self.err(
            content_at + pos,
            ErrorKind::Xml,
            format!("malformed XML: {message}"),
        )
    }

    /// quick-xml's error, located at the markup it points at.
    fn xml_error(&self, e: quick_xml::Error, offset: usize) -> Error {
        let message = match e {
            quick_xml::Error::IllFormed(IllFormedError::UnclosedReference) => {
                "malformed XML: \"&\" without a closing \";\"".to_string()
            }
            quick_xml::Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
                format!("malformed XML: expected </{expected}>, found </{found}>")
            }
            quick_xml::Error::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
                format!("malformed XML: end tag </{name}> without a start tag")
            }
            other => format!("malformed XML: {other}"),
        };
        self.err(offset, ErrorKind::Xml, message)
    }

    fn too_deep(&self, offset: usize) -> Error {
        self.err(
            offset,
            ErrorKind::TooDeep,
            format!("elements nested deeper than {MAX_DEPTH} levels"),
        )
    }

    /// The text buffer of the literal element, when it is the innermost
    /// open element.
    fn literal_text(&mut self) -> Option<&mut String> {
        match (self.stack.last(), self.values.last_mut()) {
            (Some((Frame::Value, _)), Some(Expr::Literal(_, buf, _))) => Some(buf),
            _ => None,
        }
    }

    fn required(
        &self,
        attrs: &Attrs,
        attr: &str,
        element: &str,
        at: usize,
    ) -> Result<String, Error> {
        attrs.get(attr).map(str::to_string).ok_or_else(|| {
            self.err(
                at,
                ErrorKind::MissingAttribute,
                format!("<{element}> is missing the required attribute {attr}"),
            )
        })
    }

    fn boolean(&self, attrs: &Attrs, attr: &str, default: bool, at: usize) -> Result<bool, Error> {
        match attrs.get(attr) {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(self.err(
                at,
                ErrorKind::InvalidValue,
                format!("{attr}=\"{other}\" is not a boolean (expected true or false)"),
            )),
        }
    }

    /// The `Type` attribute: `T` or `Collection(T)`.
    fn type_ref(&self, attrs: &Attrs, element: &str, at: usize) -> Result<TypeRef, Error> {
        let s = self.required(attrs, "Type", element, at)?;
        let (collection, name) = match s.strip_prefix("Collection(") {
            Some(rest) => match rest.strip_suffix(')') {
                Some(inner) => (true, inner),
                None => {
                    return Err(self.err(
                        at,
                        ErrorKind::InvalidValue,
                        format!("type \"{s}\": Collection( without closing parenthesis"),
                    ))
                }
            },
            None => (false, s.as_str()),
        };
        if name.is_empty()
            || name.contains(|c: char| matches!(c, '(' | ')' | ',') || c.is_whitespace())
        {
            return Err(self.err(
                at,
                ErrorKind::InvalidValue,
                format!("malformed type name \"{name}\""),
            ));
        }
        self.check_primitive(name, at)?;
        Ok(TypeRef {
            collection,
            name: name.to_string(),
        })
    }

    fn check_primitive(&self, name: &str, at: usize) -> Result<(), Error> {
        if name.starts_with("Edm.") && Primitive::from_name(name).is_none() {
            return Err(self.err(
                at,
                ErrorKind::UnknownPrimitive,
                format!("unknown primitive type {name}"),
            ));
        }
        Ok(())
    }

    /// The last schema: the one every open declaration belongs to.
    fn schema(&mut self) -> &mut Schema {
        // A declaration frame is open only inside a schema, so this never adds one.
        if self.doc.schemas.is_empty() {
            self.doc.schemas.push(Schema::default());
        }
        let last = self.doc.schemas.len() - 1;
        &mut self.doc.schemas[last]
    }

    /// The root element: `<edmx:Edmx>`, once.
    fn open_root(
        &mut self,
        name: &str,
        attrs: &Attrs,
        at: usize,
        root_done: &mut bool,
    ) -> Result<Frame, Error> {
        if *root_done {
            return Err(self.err(at, ErrorKind::Xml, "a second root element"));
        }
        if name != "Edmx" {
            let shown = self.name_at(at);
            return Err(self.err(
                at,
                ErrorKind::Structure,
                format!("root element is <{shown}>, expected <edmx:Edmx> (not a CSDL document)"),
            ));
        }
        *root_done = true;
        self.doc.version = attrs.get("Version").unwrap_or_default().to_string();
        Ok(Frame::Edmx)
    }

    /// Reads a start tag inside `parent`: a declaration goes straight into
    /// the document, an annotation or value expression onto
    /// [`Parser::values`] (or, when `empty`, to its owner).
    fn open(
        &mut self,
        parent: Frame,
        name: &str,
        attrs: &Attrs,
        at: usize,
        empty: bool,
    ) -> Result<Frame, Error> {
        let span = Span { offset: at as u32 };
        Ok(match (parent, name) {
            (Frame::Edmx, "DataServices") => Frame::DataServices,
            (Frame::Edmx, "Reference") => {
                self.doc.references.push(Reference {
                    uri: attrs.get("Uri").unwrap_or_default().to_string(),
                    includes: Vec::new(),
                });
                Frame::Reference
            }
            (Frame::Reference, "Include") => {
                let ns = self.required(attrs, "Namespace", "edmx:Include", at)?;
                let alias = attrs.get("Alias").map(str::to_string);
                self.claim(&ns, alias.as_deref(), at)?;
                if let Some(r) = self.doc.references.last_mut() {
                    r.includes.push((ns, alias));
                }
                Frame::Leaf
            }
            (Frame::DataServices, "Schema") => {
                let namespace = self.required(attrs, "Namespace", "Schema", at)?;
                let alias = attrs.get("Alias").map(str::to_string);
                self.claim(&namespace, alias.as_deref(), at)?;
                self.doc.schemas.push(Schema {
                    namespace,
                    alias,
                    span,
                    ..Schema::default()
                });
                Frame::Schema
            }
            (Frame::Schema, "EntityType" | "ComplexType") => {
                let kind = if name == "EntityType" {
                    StructuredKind::Entity
                } else {
                    StructuredKind::Complex
                };
                let t = StructuredType {
                    kind,
                    name: self.required(attrs, "Name", name, at)?,
                    base_type: attrs.get("BaseType").map(str::to_string),
                    is_abstract: self.boolean(attrs, "Abstract", false, at)?,
                    open_type: self.boolean(attrs, "OpenType", false, at)?,
                    has_stream: self.boolean(attrs, "HasStream", false, at)?,
                    key: Vec::new(),
                    properties: Vec::new(),
                    navigation_properties: Vec::new(),
                    annotations: Vec::new(),
                    span,
                };
                types_of(self.schema(), kind).push(t);
                Frame::Structured(kind)
            }
            (Frame::Structured(kind), "Key") => Frame::Key(kind),
            (Frame::Key(kind), "PropertyRef") => {
                let key = self.required(attrs, "Name", "PropertyRef", at)?;
                if let Some(t) = types_of(self.schema(), kind).last_mut() {
                    t.key.push(key);
                }
                Frame::Leaf
            }
            (Frame::Structured(kind), "Property") => {
                let name = self.required(attrs, "Name", "Property", at)?;
                self.check_member_name(kind, &name, at)?;
                let facets = ["MaxLength", "Precision", "Scale", "SRID", "Unicode"]
                    .into_iter()
                    .filter_map(|f| Some((f.to_string(), attrs.get(f)?.to_string())))
                    .collect();
                let p = Property {
                    name,
                    ty: self.type_ref(attrs, "Property", at)?,
                    nullable: self.boolean(attrs, "Nullable", true, at)?,
                    default_value: attrs.get("DefaultValue").map(str::to_string),
                    facets,
                    annotations: Vec::new(),
                    span,
                };
                if let Some(t) = types_of(self.schema(), kind).last_mut() {
                    t.properties.push(p);
                }
                Frame::Property(kind)
            }
            (Frame::Structured(kind), "NavigationProperty") => {
                let name = self.required(attrs, "Name", "NavigationProperty", at)?;
                self.check_member_name(kind, &name, at)?;
                let nav = NavigationProperty {
                    name,
                    ty: self.type_ref(attrs, "NavigationProperty", at)?,
                    nullable: self.boolean(attrs, "Nullable", true, at)?,
                    contains_target: self.boolean(attrs, "ContainsTarget", false, at)?,
                    partner: attrs.get("Partner").map(str::to_string),
                    annotations: Vec::new(),
                    span,
                };
                if let Some(t) = types_of(self.schema(), kind).last_mut() {
                    t.navigation_properties.push(nav);
                }
                Frame::Nav(kind)
            }
            (Frame::Schema, "EnumType") => {
                let underlying_type = attrs.get("UnderlyingType").map(str::to_string);
                if let Some(u) = &underlying_type {
                    self.check_primitive(u, at)?;
                }
                let e = EnumType {
                    name: self.required(attrs, "Name", "EnumType", at)?,
                    underlying_type,
                    is_flags: self.boolean(attrs, "IsFlags", false, at)?,
                    members: Vec::new(),
                    annotations: Vec::new(),
                    span,
                };
                self.schema().enum_types.push(e);
                Frame::Enum
            }
            (Frame::Enum, "Member") => self.open_member(attrs, at)?,
            (Frame::Schema, "TypeDefinition") => {
                let underlying_type =
                    self.required(attrs, "UnderlyingType", "TypeDefinition", at)?;
                self.check_primitive(&underlying_type, at)?;
                let d = TypeDefinition {
                    name: self.required(attrs, "Name", "TypeDefinition", at)?,
                    underlying_type,
                    annotations: Vec::new(),
                    span,
                };
                self.schema().type_definitions.push(d);
                Frame::TypeDef
            }
            (Frame::Schema, "Term") => {
                let t = Term {
                    name: self.required(attrs, "Name", "Term", at)?,
                    ty: self.type_ref(attrs, "Term", at)?,
                    applies_to: attrs.get("AppliesTo").map(str::to_string),
                    annotations: Vec::new(),
                    span,
                };
                self.schema().terms.push(t);
                Frame::Term
            }
            (Frame::Schema, "Function" | "Action") => {
                let kind = if name == "Function" {
                    OperationKind::Function
                } else {
                    OperationKind::Action
                };
                let op = Operation {
                    kind,
                    name: self.required(attrs, "Name", name, at)?,
                    is_bound: self.boolean(attrs, "IsBound", false, at)?,
                    is_composable: self.boolean(attrs, "IsComposable", false, at)?,
                    entity_set_path: attrs.get("EntitySetPath").map(str::to_string),
                    parameters: Vec::new(),
                    return_type: None,
                    annotations: Vec::new(),
                    span,
                };
                operations_of(self.schema(), kind).push(op);
                Frame::Operation(kind)
            }
            (Frame::Operation(kind), "Parameter") => {
                let p = Parameter {
                    name: self.required(attrs, "Name", "Parameter", at)?,
                    ty: self.type_ref(attrs, "Parameter", at)?,
                    nullable: self.boolean(attrs, "Nullable", true, at)?,
                    annotations: Vec::new(),
                    span,
                };
                if let Some(op) = operations_of(self.schema(), kind).last_mut() {
                    op.parameters.push(p);
                }
                Frame::Parameter(kind)
            }
            (Frame::Operation(kind), "ReturnType") => {
                let r = ReturnType {
                    ty: self.type_ref(attrs, "ReturnType", at)?,
                    nullable: self.boolean(attrs, "Nullable", true, at)?,
                    annotations: Vec::new(),
                    span,
                };
                if let Some(op) = operations_of(self.schema(), kind).last_mut() {
                    op.return_type = Some(r);
                }
                Frame::ReturnType(kind)
            }
            (Frame::Schema, "EntityContainer") => {
                let name = self.required(attrs, "Name", "EntityContainer", at)?;
                if let Some(namespace) = self
                    .doc
                    .schemas
                    .last()
                    .filter(|s| s.entity_container.is_some())
                    .map(|s| s.namespace.clone())
                {
                    return Err(self.err(
                        at,
                        ErrorKind::Structure,
                        format!("schema {namespace} declares a second EntityContainer"),
                    ));
                }
                self.schema().entity_container = Some(EntityContainer {
                    name,
                    span,
                    ..EntityContainer::default()
                });
                Frame::Container
            }
            (Frame::Container, "EntitySet") => {
                let set = EntitySet {
                    name: self.required(attrs, "Name", "EntitySet", at)?,
                    entity_type: self.required(attrs, "EntityType", "EntitySet", at)?,
                    bindings: Vec::new(),
                    annotations: Vec::new(),
                    span,
                };
                if let Some(c) = &mut self.schema().entity_container {
                    c.entity_sets.push(set);
                }
                Frame::EntitySet
            }
            (Frame::Container, "Singleton") => {
                let single = Singleton {
                    name: self.required(attrs, "Name", "Singleton", at)?,
                    ty: self.required(attrs, "Type", "Singleton", at)?,
                    bindings: Vec::new(),
                    annotations: Vec::new(),
                    span,
                };
                if let Some(c) = &mut self.schema().entity_container {
                    c.singletons.push(single);
                }
                Frame::Singleton
            }
            (Frame::Container, "FunctionImport" | "ActionImport") => {
                let attr = name.trim_end_matches("Import");
                let import = (
                    self.required(attrs, "Name", name, at)?,
                    self.required(attrs, attr, name, at)?,
                );
                if let Some(c) = &mut self.schema().entity_container {
                    c.operation_imports.push(import);
                }
                Frame::Leaf
            }
            (Frame::EntitySet | Frame::Singleton, "NavigationPropertyBinding") => {
                let el = "NavigationPropertyBinding";
                let binding = NavigationPropertyBinding {
                    path: self.required(attrs, "Path", el, at)?,
                    target: self.required(attrs, "Target", el, at)?,
                };
                if let Some(c) = &mut self.schema().entity_container {
                    let bindings = if parent == Frame::EntitySet {
                        c.entity_sets.last_mut().map(|s| &mut s.bindings)
                    } else {
                        c.singletons.last_mut().map(|s| &mut s.bindings)
                    };
                    if let Some(bindings) = bindings {
                        bindings.push(binding);
                    }
                }
                Frame::Leaf
            }
            (Frame::Schema, "Annotations") => {
                let g = Annotations {
                    target: self.required(attrs, "Target", "Annotations", at)?,
                    qualifier: attrs.get("Qualifier").map(str::to_string),
                    annotations: Vec::new(),
                    span,
                };
                self.schema().annotation_groups.push(g);
                Frame::Annotations
            }
            (
                Frame::Structured(_)
                | Frame::Property(_)
                | Frame::Nav(_)
                | Frame::Enum
                | Frame::Member
                | Frame::TypeDef
                | Frame::Term
                | Frame::Operation(_)
                | Frame::Parameter(_)
                | Frame::ReturnType(_)
                | Frame::Container
                | Frame::EntitySet
                | Frame::Singleton
                | Frame::Annotations,
                "Annotation",
            ) => self.open_annotation(attrs, at, empty.then_some(parent))?,
            // An annotation of an annotation, record or property value.
            (Frame::Value, "Annotation")
                if matches!(
                    self.values.last(),
                    Some(Expr::Annotation(_) | Expr::Record(_) | Expr::PropertyValue(_))
                ) =>
            {
                self.open_annotation(attrs, at, None)?
            }
            (Frame::Value, _) => self.open_value(attrs, name, at)?,
            _ => Frame::Skip,
        })
    }

    /// A `<Member>` of the open enum type.
    fn open_member(&mut self, attrs: &Attrs, at: usize) -> Result<Frame, Error> {
        let name = self.required(attrs, "Name", "Member", at)?;
        let value = match attrs.get("Value") {
            Some(v) => Some(v.trim().parse::<i64>().map_err(|_| {
                self.err(
                    at,
                    ErrorKind::InvalidValue,
                    format!("Value=\"{v}\" is not an integer"),
                )
            })?),
            None => None,
        };
        let Some(en) = self.schema().enum_types.last_mut() else {
            return Ok(Frame::Skip);
        };
        if en.members.iter().any(|m| m.name == name) {
            let message = format!("duplicate member {name} in enum type {}", en.name);
            return Err(self.err(at, ErrorKind::Duplicate, message));
        }
        en.members.push(EnumMember {
            name,
            value: value.unwrap_or(en.members.len() as i64),
            explicit_value: value.is_some(),
            annotations: Vec::new(),
        });
        Ok(Frame::Member)
    }

    /// Refuses a property or navigation property named like one already
    /// declared in the open structured type.
    fn check_member_name(&self, kind: StructuredKind, name: &str, at: usize) -> Result<(), Error> {
        let t = self.doc.schemas.last().and_then(|s| match kind {
            StructuredKind::Entity => s.entity_types.last(),
            StructuredKind::Complex => s.complex_types.last(),
        });
        let Some(t) = t else {
            return Ok(());
        };
        let first = t
            .properties
            .iter()
            .map(|p| (&p.name, p.span))
            .chain(t.navigation_properties.iter().map(|p| (&p.name, p.span)))
            .find(|(n, _)| *n == name);
        let Some((_, first)) = first else {
            return Ok(());
        };
        let message = format!(
            "duplicate property {name} in type {} (first declared at {})",
            t.name,
            Position::of(self.text, first.offset as usize)
        );
        Err(self.err(at, ErrorKind::Duplicate, message))
    }

    /// Records a schema's or include's namespace and alias, refusing an
    /// alias used for another namespace and an alias that is (or a
    /// namespace that is already) another namespace's alias or name: either
    /// would make qualified names ambiguous. A repeated identical pair (the
    /// same vocabulary included twice) is harmless and allowed.
    fn claim(&mut self, ns: &str, alias: Option<&str>, at: usize) -> Result<(), Error> {
        for earlier in &self.claims {
            let pns = &earlier.namespace;
            if pns == ns {
                continue;
            }
            // Counted only for a message (it is a pass over the text).
            let first = || Position::of(self.text, earlier.offset);
            let pa = earlier.alias.as_deref();
            let message = match alias {
                Some(a) if Some(a) == pa => format!(
                    "duplicate alias {a} for namespace {ns} (already the alias of {pns} at {})",
                    first()
                ),
                Some(a) if a == pns => format!(
                    "alias {pns} of namespace {ns} is the name of another namespace (declared at {})",
                    first()
                ),
                _ if pa == Some(ns) => format!(
                    "namespace {ns} is already the alias of namespace {pns} (at {})",
                    first()
                ),
                _ => continue,
            };
            return Err(self.err(at, ErrorKind::Duplicate, message));
        }
        self.claims.push(Claim {
            namespace: ns.to_string(),
            alias: alias.map(str::to_string),
            offset: at,
        });
        Ok(())
    }

    /// An `<Annotation>`. An empty tag (`<Annotation Term=".." String=".."/>`,
    /// most of them) goes straight to its `owner`; otherwise it waits on
    /// [`Parser::values`] for its value elements.
    fn open_annotation(
        &mut self,
        attrs: &Attrs,
        at: usize,
        owner: Option<Frame>,
    ) -> Result<Frame, Error> {
        let annotation = Annotation {
            term: self.required(attrs, "Term", "Annotation", at)?,
            qualifier: attrs.get("Qualifier").map(str::to_string),
            value: self.attribute_value(attrs, at)?,
            annotations: Vec::new(),
            span: Span { offset: at as u32 },
        };
        if let Some(owner) = owner {
            if let Some(list) = annotations_of(&mut self.doc, owner) {
                list.push(annotation);
            }
            return Ok(Frame::Leaf);
        }
        self.values.push(Expr::Annotation(annotation));
        Ok(Frame::Value)
    }

    /// The value written as an attribute (`String="x"`), or `Empty`.
    fn attribute_value(&self, attrs: &Attrs, at: usize) -> Result<AnnotationValue, Error> {
        let mut value = AnnotationValue::Empty;
        for (key, text) in &attrs.0 {
            if let Some(kind) = literal_kind(key) {
                value = literal_value(kind, text)
                    .map_err(|m| self.err(at, ErrorKind::InvalidValue, m))?;
            }
        }
        Ok(value)
    }

    /// A child of an annotation or value expression (the top of `values`).
    fn open_value(&mut self, attrs: &Attrs, name: &str, at: usize) -> Result<Frame, Error> {
        let value = match self.values.last() {
            Some(Expr::Record(_)) if name == "PropertyValue" => {
                Expr::PropertyValue(PropertyValue {
                    property: self.required(attrs, "Property", "PropertyValue", at)?,
                    value: self.attribute_value(attrs, at)?,
                    annotations: Vec::new(),
                })
            }
            Some(Expr::Annotation(_) | Expr::PropertyValue(_) | Expr::Collection(_)) => {
                if is_dynamic_expression(name) {
                    // Skipping it would leave the annotation `Empty` (`true`
                    // for a Bool term): a silent change of meaning. The real
                    // Graph documents use none, so refuse rather than guess.
                    let term = self
                        .values
                        .iter()
                        .rev()
                        .find_map(|v| match v {
                            Expr::Annotation(a) => Some(a.term.as_str()),
                            _ => None,
                        })
                        .unwrap_or_default();
                    return Err(self.err(
                        at,
                        ErrorKind::Unsupported,
                        format!("unsupported annotation expression <{name}> in term {term}"),
                    ));
                }
                match name {
                    "Record" => Expr::Record(Record {
                        ty: attrs.get("Type").map(str::to_string),
                        properties: Vec::new(),
                        annotations: Vec::new(),
                    }),
                    "Collection" => Expr::Collection(Vec::new()),
                    "Null" => Expr::Null,
                    other => match literal_kind(other) {
                        Some(kind) => {
                            Expr::Literal(kind, String::new(), Span { offset: at as u32 })
                        }
                        None => return Ok(Frame::Skip),
                    },
                }
            }
            _ => return Ok(Frame::Skip),
        };
        self.values.push(value);
        Ok(Frame::Value)
    }

    /// Ends an annotation or value element: a finished annotation goes to
    /// its owner (the annotation, record or property value it is in, else
    /// the open declaration), a finished value into the value below it.
    fn close_value(&mut self) -> Result<(), Error> {
        let value = match self.values.pop() {
            Some(Expr::Annotation(a)) => {
                let list = match self.values.last_mut() {
                    Some(Expr::Annotation(outer)) => Some(&mut outer.annotations),
                    Some(Expr::Record(r)) => Some(&mut r.annotations),
                    Some(Expr::PropertyValue(pv)) => Some(&mut pv.annotations),
                    Some(_) => None,
                    None => match self.stack.last() {
                        Some(&(owner, _)) => annotations_of(&mut self.doc, owner),
                        None => None,
                    },
                };
                if let Some(list) = list {
                    list.push(a);
                }
                return Ok(());
            }
            Some(Expr::PropertyValue(pv)) => {
                if let Some(Expr::Record(r)) = self.values.last_mut() {
                    r.properties.push(pv);
                }
                return Ok(());
            }
            Some(Expr::Record(r)) => AnnotationValue::Record(r),
            Some(Expr::Collection(items)) => AnnotationValue::Collection(items),
            Some(Expr::Null) => AnnotationValue::Null,
            Some(Expr::Literal(kind, text, span)) => literal_value(kind, &text)
                .map_err(|m| self.err(span.offset as usize, ErrorKind::InvalidValue, m))?,
            None => return Ok(()),
        };
        match self.values.last_mut() {
            Some(Expr::Annotation(a)) => a.value = value,
            Some(Expr::PropertyValue(pv)) => pv.value = value,
            Some(Expr::Collection(items)) => items.push(value),
            _ => {}
        }
        Ok(())
    }
}

/// The entity or complex types of a schema.
fn types_of(schema: &mut Schema, kind: StructuredKind) -> &mut Vec<StructuredType> {
    match kind {
        StructuredKind::Entity => &mut schema.entity_types,
        StructuredKind::Complex => &mut schema.complex_types,
    }
}

/// The functions or actions of a schema.
fn operations_of(schema: &mut Schema, kind: OperationKind) -> &mut Vec<Operation> {
    match kind {
        OperationKind::Function => &mut schema.functions,
        OperationKind::Action => &mut schema.actions,
    }
}

/// Where the open declaration `owner` keeps its inline annotations.
fn annotations_of(doc: &mut Document, owner: Frame) -> Option<&mut Vec<Annotation>> {
    let schema = doc.schemas.last_mut()?;
    Some(match owner {
        Frame::Structured(k) => &mut types_of(schema, k).last_mut()?.annotations,
        Frame::Property(k) => {
            let t = types_of(schema, k).last_mut()?;
            &mut t.properties.last_mut()?.annotations
        }
        Frame::Nav(k) => {
            let t = types_of(schema, k).last_mut()?;
            &mut t.navigation_properties.last_mut()?.annotations
        }
        Frame::Enum => &mut schema.enum_types.last_mut()?.annotations,
        Frame::Member => {
            let e = schema.enum_types.last_mut()?;
            &mut e.members.last_mut()?.annotations
        }
        Frame::TypeDef => &mut schema.type_definitions.last_mut()?.annotations,
        Frame::Term => &mut schema.terms.last_mut()?.annotations,
        Frame::Operation(k) => &mut operations_of(schema, k).last_mut()?.annotations,
        Frame::Parameter(k) => {
            let op = operations_of(schema, k).last_mut()?;
            &mut op.parameters.last_mut()?.annotations
        }
        Frame::ReturnType(k) => {
            let op = operations_of(schema, k).last_mut()?;
            &mut op.return_type.as_mut()?.annotations
        }
        Frame::Container => &mut schema.entity_container.as_mut()?.annotations,
        Frame::EntitySet => {
            let c = schema.entity_container.as_mut()?;
            &mut c.entity_sets.last_mut()?.annotations
        }
        Frame::Singleton => {
            let c = schema.entity_container.as_mut()?;
            &mut c.singletons.last_mut()?.annotations
        }
        Frame::Annotations => &mut schema.annotation_groups.last_mut()?.annotations,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `Edm.` names the reader accepts are exactly the model's primitives.
    #[test]
    fn primitive_names_are_the_model_list() {
        for (p, name) in Primitive::ALL {
            assert_eq!(Primitive::from_name(name), Some(*p));
            assert_eq!(p.name(), *name);
        }
        for name in ["Edm.Strin", "Edm.", "Edm.Int8", "edm.String", "String", ""] {
            assert_eq!(Primitive::from_name(name), None, "{name}");
        }
    }

    /// Positions on one long line (a minified document).
    #[test]
    fn positions_on_a_single_line_document() {
        let props: String = (0..2000)
            .map(|i| format!("<Property Name=\"p{i}\" Type=\"Edm.String\"/>"))
            .collect();
        let text = format!(
            "<edmx:Edmx Version=\"4.0\"><edmx:DataServices><Schema Namespace=\"a\"><ComplexType Name=\"t\">{props}<Property Name=\"bad\" Type=\"Edm.String\" Nullable=\"maybe\"/></ComplexType></Schema></edmx:DataServices></edmx:Edmx>"
        );
        let good = text.replace("Nullable=\"maybe\"", "");
        let doc = parse(good.as_bytes(), "one-line.xml").expect("parses");
        let t = &doc.schemas[0].complex_types[0];
        for (i, p) in t.properties.iter().enumerate().step_by(499) {
            let at = text
                .find(&format!("<Property Name=\"{}\"", p.name))
                .unwrap();
            let pos = doc.position(p.span);
            assert_eq!((pos.line, pos.column), (1, at as u32 + 1), "{i}");
        }
        let e = parse(text.as_bytes(), "one-line.xml").expect_err("bad boolean");
        let at = text.find("<Property Name=\"bad\"").unwrap();
        assert_eq!((e.line, e.column), (1, at as u32 + 1));
        assert!(e.message.contains("Nullable=\"maybe\""), "{}", e.message);
    }

    #[test]
    fn malformed_tags_in_skipped_or_leaf_elements_are_errors() {
        let doc = |body: &str| {
            format!(
                "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"e\"><edmx:DataServices>\n<Schema Namespace=\"a\">\n{body}\n</Schema></edmx:DataServices></edmx:Edmx>"
            )
        };
        assert!(parse(
            doc("<EnumType Name=\"e\"><Member Name=\"x\"/></EnumType>").as_bytes(),
            "f"
        )
        .is_ok());
        for (body, message, column) in [
            (
                "<EnumType Name=\"e\"><MemberName=\"x\"/></EnumType>",
                "unexpected character in <MemberName>",
                31,
            ),
            (
                "<Unknown a b=\"1\"/>",
                "attribute a of <Unknown> has no value",
                12,
            ),
            (
                "<EnumType Name=\"e\"><Member Name=\"x\" /</EnumType>",
                "\"/\" not followed by \">\" in <Member>",
                37,
            ),
            (
                "<Unknown>a & b</Unknown>",
                "\"&\" without a closing \";\"",
                12,
            ),
        ] {
            let e = parse(doc(body).as_bytes(), "f").expect_err(body);
            assert_eq!(e.kind, ErrorKind::Xml, "{body}");
            assert_eq!(e.message, format!("malformed XML: {message}"), "{body}");
            assert_eq!((e.line, e.column), (3, column), "{body}");
        }
    }
}
