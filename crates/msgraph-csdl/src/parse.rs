//! Streaming quick-xml reader: CSDL XML -> [`crate::Document`].
//!
//! The reader is a single loop over quick-xml events (a [`Reader`] over the
//! borrowed bytes) with an explicit stack of frames (one per open element),
//! so deeply nested input cannot overflow the call stack; nesting beyond
//! [`MAX_DEPTH`] is reported as an error. Elements the model does not cover
//! are skipped with their whole subtree (their tags are still checked).
//! Names are stored as written; [`crate::resolve()`] qualifies them.

use quick_xml::errors::IllFormedError;
use quick_xml::events::attributes::{AttrError, Attributes};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use std::collections::HashSet;
use std::hash::BuildHasherDefault;

use crate::error::{Error, ErrorKind};
use crate::model::*;
use crate::resolve::FxHasher;
use crate::tag::{split_attributes, Attr, Key, LitKind, Tag};

/// Deepest element nesting accepted (the real Graph document needs about 12).
pub const MAX_DEPTH: usize = 256;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses a CSDL document without resolving names (they stay as written).
pub fn parse(bytes: &[u8], source: &str) -> Result<Document, Error> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
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
    if u32::try_from(text.len()).is_err() {
        return Err(Error::new(
            source,
            Position::default(),
            ErrorKind::Unsupported,
            format!("document of {} bytes: at most 4 GiB are read", text.len()),
        ));
    }
    Parser::new(source, text).run().map_err(|e| *e)
}

/// A schema's or include's namespace and alias, with the offset of the
/// element declaring them (for messages).
struct Claim {
    namespace: String,
    alias: Option<String>,
    offset: usize,
}

/// Members of an enum or structured type checked for duplicates one by
/// one; from this many on, through a set.
const LINEAR_MEMBERS: usize = 16;

/// The reader's error, boxed: results stay a few words wide on the hot
/// path (every attribute read returns one).
type Fail = Box<Error>;

/// One open element. Declarations are built in place in the document (the
/// frame says which "last" element is open); annotations and their value
/// expressions are built on [`Parser::values`] and attached when they close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Edmx,
    Reference,
    DataServices,
    /// The last schema of the document.
    Schema,
    /// The last entity or complex type of the last schema.
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

/// An annotation or value expression being read (one per open [`Frame::Value`]).
enum Expr {
    Annotation(Annotation),
    Record(Record),
    PropertyValue(PropertyValue),
    Collection(Vec<AnnotationValue>),
    Literal(LitKind, String, Span),
    Null,
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

/// CSDL dynamic expressions (other than paths, records, collections and
/// `Null`, which the model keeps): the reader does not evaluate them.
fn is_dynamic_expression(name: &[u8]) -> bool {
    matches!(
        name,
        b"And"
            | b"Or"
            | b"Not"
            | b"Eq"
            | b"Ne"
            | b"Gt"
            | b"Ge"
            | b"Lt"
            | b"Le"
            | b"Has"
            | b"In"
            | b"Add"
            | b"Sub"
            | b"Neg"
            | b"Mul"
            | b"Div"
            | b"DivBy"
            | b"Mod"
            | b"Apply"
            | b"Cast"
            | b"If"
            | b"IsOf"
            | b"LabeledElement"
            | b"LabeledElementReference"
            | b"UrlRef"
    )
}

/// Whether `name` is an `Edm.` primitive the model knows: the same set as
/// [`Primitive::from_name`], as a `match` (the compiler dispatches on
/// length first) because it runs for every type reference.
pub(crate) fn is_primitive(name: &str) -> bool {
    primitive_name(name).is_some()
}

/// The primitive type `name` as a `'static` string (the model's primitive
/// references use these: later passes then read a few hot strings, not
/// thousands of places in the source).
pub(crate) fn primitive_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "Edm.Binary" => "Edm.Binary",
        "Edm.Boolean" => "Edm.Boolean",
        "Edm.Byte" => "Edm.Byte",
        "Edm.Date" => "Edm.Date",
        "Edm.DateTimeOffset" => "Edm.DateTimeOffset",
        "Edm.Decimal" => "Edm.Decimal",
        "Edm.Double" => "Edm.Double",
        "Edm.Duration" => "Edm.Duration",
        "Edm.Guid" => "Edm.Guid",
        "Edm.Int16" => "Edm.Int16",
        "Edm.Int32" => "Edm.Int32",
        "Edm.Int64" => "Edm.Int64",
        "Edm.SByte" => "Edm.SByte",
        "Edm.Single" => "Edm.Single",
        "Edm.Stream" => "Edm.Stream",
        "Edm.String" => "Edm.String",
        "Edm.TimeOfDay" => "Edm.TimeOfDay",
        "Edm.Geography" => "Edm.Geography",
        "Edm.GeographyPoint" => "Edm.GeographyPoint",
        "Edm.Geometry" => "Edm.Geometry",
        "Edm.GeometryPoint" => "Edm.GeometryPoint",
        "Edm.Untyped" => "Edm.Untyped",
        "Edm.PrimitiveType" => "Edm.PrimitiveType",
        "Edm.ComplexType" => "Edm.ComplexType",
        "Edm.EntityType" => "Edm.EntityType",
        "Edm.AnnotationPath" => "Edm.AnnotationPath",
        "Edm.PropertyPath" => "Edm.PropertyPath",
        "Edm.NavigationPropertyPath" => "Edm.NavigationPropertyPath",
        _ => return None,
    })
}

byte_class! {
    /// Bytes quick-xml lets into an element name (it ends names at
    /// whitespace only) that no XML name may contain: `<a="x"/>` is a
    /// broken tag. The colon is in the class too: it is where a prefix
    /// ends, looked for in the same pass.
    BAD_NAME_BYTES_OR_COLON = |b| matches!(
        b,
        b'=' | b'"' | b'\'' | b'<' | b'>' | b'/' | b'&' | b'!' | b'?' | b';' | b'(' | b')' | b':'
    )
}

byte_class! {
    /// Bytes no type name may contain (it runs for every type reference).
    NOT_IN_TYPE_NAME = |b| matches!(b, b'(' | b')' | b',') || b.is_ascii_whitespace()
}

struct Parser<'a, 'n> {
    /// Name of the source, for errors.
    source: &'n str,
    text: &'a str,
    /// The namespace, alias and offset of every schema and include so far,
    /// to refuse ambiguous aliases where they are written.
    names: Vec<Claim>,
    /// The annotation and value expressions being read, innermost last
    /// (one per [`Frame::Value`] on the stack).
    values: Vec<Expr>,
    /// Member names of the open enum or structured type once it has
    /// [`LINEAR_MEMBERS`] (see [`is_new_member`]: Graph has enums with
    /// hundreds of members and types with hundreds of properties).
    member_names: HashSet<String, BuildHasherDefault<FxHasher>>,
    /// Whether a value of the current start tag may hold an escape (`&`).
    tag_escaped: bool,
}

impl<'a, 'n> Parser<'a, 'n> {
    fn new(source: &'n str, text: &'a str) -> Self {
        Parser {
            source,
            text,
            names: Vec::new(),
            values: Vec::new(),
            member_names: HashSet::default(),
            tag_escaped: true,
        }
    }

    /// The span of an element starting at `offset` (the document is at
    /// most 4 GiB, checked before reading).
    fn span_at(&self, offset: usize) -> Span {
        Span {
            offset: offset as u32,
        }
    }

    /// The line and column of `offset` (counted: for messages only).
    fn position(&self, offset: usize) -> Position {
        Position::of(self.text, offset)
    }

    fn err(&self, offset: usize, kind: ErrorKind, message: impl Into<String>) -> Fail {
        Box::new(Error::new(
            self.source,
            self.position(offset),
            kind,
            message,
        ))
    }

    fn err_at(&self, span: Span, kind: ErrorKind, message: impl Into<String>) -> Fail {
        self.err(span.offset as usize, kind, message)
    }

    /// The element name written at `offset` (which points at `<`), for messages.
    fn name_at(&self, offset: usize) -> &str {
        let rest = self.text.get(offset + 1..).unwrap_or("");
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        &rest[..end]
    }

    /// Where `part` (a slice quick-xml handed out of the borrowed document)
    /// starts in the document, and the same bytes as a `&'a str`.
    fn locate(&self, part: &[u8]) -> Option<(usize, &'a str)> {
        let text = self.text;
        let at = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
        Some((at, text.get(at..at.checked_add(part.len())?)?))
    }

    /// Checks a start tag's name and splits its attributes into `attrs`
    /// ([`split_attributes`]; quick-xml's attribute iterator for anything
    /// unusual). Returns the offset of the `<` and the element's local name.
    fn tag(&mut self, e: &BytesStart<'a>, attrs: &mut Tag<'a>) -> Result<(usize, &'a [u8]), Fail> {
        let Some((content_at, content)) = self.locate(e) else {
            return Err(self.err(0, ErrorKind::Xml, "malformed XML: tag outside the document"));
        };
        let start = content_at.saturating_sub(1);
        let name_len = e.name().as_ref().len();
        let name = &content.as_bytes()[..name_len];
        // One pass: a byte no name may hold is an error, a colon ends the prefix.
        let mut local_start = 0;
        for (i, &b) in name.iter().enumerate() {
            if BAD_NAME_BYTES_OR_COLON[usize::from(b)] {
                if b != b':' {
                    let shown = &content[..i];
                    return Err(self.err(
                        content_at + i,
                        ErrorKind::Xml,
                        format!("malformed XML: unexpected character in <{shown}>"),
                    ));
                }
                local_start = i + 1;
            }
        }
        let local = &name[local_start..];
        attrs.clear();
        if name_len == content.len() {
            return Ok((start, local));
        }
        self.tag_escaped = false;
        if split_attributes(content, name_len, attrs, &mut self.tag_escaped) {
            return Ok((start, local));
        }
        // The slow path does not note escapes: values are checked one by one.
        self.tag_escaped = true;
        // Anything unusual: quick-xml's iterator reads the tag again and
        // says what is wrong (or accepts what the fast path does not know).
        attrs.clear();
        let mut iter = Attributes::new(content, name_len);
        // quick-xml's duplicate check allocates per tag; the one below looks
        // through the attributes already collected instead.
        iter.with_checks(false);
        for a in iter {
            let a = match a {
                Ok(a) => a,
                Err(e) => return Err(self.attr_error(e, content, content_at)),
            };
            let raw: &[u8] = a.key.into_inner();
            let key = self.locate(a.key.local_name().into_inner());
            let value = match &a.value {
                std::borrow::Cow::Borrowed(v) => self.locate(v),
                std::borrow::Cow::Owned(_) => None,
            };
            let (Some((_, key)), Some((_, value))) = (key, value) else {
                return Err(self.err(start, ErrorKind::Xml, "malformed XML: bad attribute"));
            };
            // `Name="x" Name="y"` must not load as `y`. Attributes are read
            // by local name, so `m:Name` next to `Name` would override it
            // just the same: equal local names are refused.
            if !attrs.push(key, value) {
                let first = attrs.find(key).map_or(0, |f| self.full_key_start(f.key));
                let at = |s: &str| (s.as_ptr() as usize).saturating_sub(content.as_ptr() as usize);
                let raw = std::str::from_utf8(raw).unwrap_or(key);
                let e = AttrError::Duplicated(at(raw), first.saturating_sub(content_at));
                return Err(self.attr_error(e, content, content_at));
            }
        }
        Ok((start, local))
    }

    /// The offset of a collected attribute's whole (possibly prefixed) key,
    /// from its local part: keys follow whitespace.
    fn full_key_start(&self, key: &str) -> usize {
        let mut start = (key.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        let bytes = self.text.as_bytes();
        while start > 0 && !bytes[start - 1].is_ascii_whitespace() {
            start -= 1;
        }
        start
    }

    /// A clear message for a broken attribute; `content` is the tag without
    /// its `<`, found at `content_at`.
    fn attr_error(&self, e: AttrError, content: &str, content_at: usize) -> Fail {
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
                    let slash = content_at + content.get(..pos).map_or(0, |b| b.len() - key.len());
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
                let first = self.position(content_at + first);
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
    fn xml_error(&self, e: quick_xml::Error, offset: usize) -> Fail {
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

    /// Reads the document.
    fn run(mut self) -> Result<Document, Fail> {
        let mut doc = Document {
            source: self.source.to_string(),
            text: SourceText(self.text.to_string()),
            ..Document::default()
        };
        // Frames of open elements with the byte offset of their start tag.
        let mut stack: Vec<(Frame, usize)> = Vec::with_capacity(32);
        let mut root_done = false;
        self.read(&mut doc, &mut stack, &mut root_done)?;
        if !root_done {
            return Err(self.err(
                0,
                ErrorKind::Xml,
                "empty document: no root element (expected edmx:Edmx)",
            ));
        }
        Ok(doc)
    }

    /// The reading loop, until the end of the document.
    fn read(
        &mut self,
        doc: &mut Document,
        stack: &mut Vec<(Frame, usize)>,
        root_done: &mut bool,
    ) -> Result<(), Fail> {
        // quick-xml drops a byte order mark at its start without counting
        // it (here a second one, after the one `parse` strips): start past
        // every such mark, so that positions stay offsets in `text`.
        let mut base = 0;
        while self.text[base..].starts_with('\u{feff}') {
            base += '\u{feff}'.len_utf8();
        }
        let mut reader = Reader::from_str(&self.text[base..]);
        {
            let config = reader.config_mut();
            // Whitespace between tags makes no events; turned off inside
            // literal elements, whose text is kept as written.
            config.trim_text_start = true;
            config.trim_text_end = false;
            // Mismatched end tags are malformed XML, not a silent close.
            config.check_end_names = true;
        }
        // Attributes of the current start tag, reused for every tag.
        let mut attrs = Tag::new();
        // Depth of the current unknown subtree (0 when not skipping).
        let mut skip_depth: usize = 0;
        loop {
            let at = base + reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    let pos = base + reader.error_position() as usize;
                    return Err(self.xml_error(e, pos));
                }
            };
            let (e, empty) = match event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => {
                    if skip_depth > 0 {
                        skip_depth -= 1;
                    } else if let Some((frame, _)) = stack.pop() {
                        if frame == Frame::Value && self.in_literal() {
                            reader.config_mut().trim_text_start = true;
                        }
                        if frame == Frame::Value {
                            self.close_value(stack, doc)?;
                        }
                    }
                    continue;
                }
                Event::Text(t) => {
                    if skip_depth > 0 {
                        continue;
                    }
                    if stack.is_empty() {
                        if !t.iter().all(u8::is_ascii_whitespace) {
                            let what = if *root_done {
                                "text after the root element"
                            } else {
                                "text outside the root element (not an XML document?)"
                            };
                            let at = self.locate(&t).map_or(at, |(o, _)| o);
                            return Err(self.err(at, ErrorKind::Xml, what));
                        }
                    } else {
                        let piece = self.locate(&t).map(|(_, s)| s);
                        if let Some(buf) = self.literal_text(stack) {
                            match piece {
                                Some(s) => buf.push_str(s),
                                None => buf.push_str(&String::from_utf8_lossy(&t)),
                            }
                        }
                    }
                    continue;
                }
                Event::CData(t) => {
                    if skip_depth == 0 {
                        if let Some(buf) = self.literal_text(stack) {
                            buf.push_str(&String::from_utf8_lossy(&t));
                        }
                    }
                    continue;
                }
                Event::GeneralRef(r) => {
                    if skip_depth > 0 || self.literal_text(stack).is_none() {
                        continue;
                    }
                    let ch: Option<char> = match r.resolve_char_ref() {
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
                    match (ch, self.literal_text(stack)) {
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
                // Declarations, comments, processing instructions, DOCTYPE.
                _ => continue,
            };
            let (start, local) = self.tag(&e, &mut attrs)?;
            if skip_depth > 0 {
                if !empty {
                    skip_depth += 1;
                    if stack.len() + skip_depth > MAX_DEPTH {
                        return Err(self.too_deep(start));
                    }
                }
                continue;
            }
            if !empty && stack.len() >= MAX_DEPTH {
                return Err(self.too_deep(start));
            }
            let frame = match stack.last() {
                None => self.open_root(local, &attrs, start, doc, root_done)?,
                Some(&(parent, _)) => self.open(parent, local, &attrs, start, empty, doc)?,
            };
            if empty {
                if frame == Frame::Value {
                    self.close_value(stack, doc)?;
                }
            } else if frame == Frame::Skip {
                skip_depth = 1;
            } else {
                if frame == Frame::Value && self.in_literal() {
                    reader.config_mut().trim_text_start = false;
                }
                stack.push((frame, start));
            }
        }
        if let Some((_, offset)) = stack.last() {
            let offset = *offset;
            let name = self.name_at(offset);
            let opened = self.position(offset);
            let end = self.text.len();
            return Err(self.err(
                end,
                ErrorKind::Xml,
                format!(
                    "unexpected end of document: <{name}> opened at {opened} is not closed (truncated file?)"
                ),
            ));
        }
        Ok(())
    }

    /// Whether the innermost value being read is a literal element (`<String>`).
    fn in_literal(&self) -> bool {
        matches!(self.values.last(), Some(Expr::Literal(..)))
    }

    /// The text buffer of the open literal element, when the innermost open
    /// element is one.
    fn literal_text(&mut self, stack: &[(Frame, usize)]) -> Option<&mut String> {
        match (stack.last(), self.values.last_mut()) {
            (Some((Frame::Value, _)), Some(Expr::Literal(_, buf, _))) => Some(buf),
            _ => None,
        }
    }

    fn too_deep(&self, offset: usize) -> Fail {
        self.err(
            offset,
            ErrorKind::TooDeep,
            format!("elements nested deeper than {MAX_DEPTH} levels"),
        )
    }

    /// Decodes an attribute value (XML escapes): borrowed from the source
    /// unless it has an escape.
    fn value(&self, s: &'a str, offset: usize) -> Result<String, Fail> {
        let plain = if !self.tag_escaped {
            true
        } else if s.len() <= 32 {
            !s.bytes().any(|b| b == b'&')
        } else {
            memchr::memchr(b'&', s.as_bytes()).is_none()
        };
        if plain {
            return Ok(s.to_string());
        }
        match quick_xml::escape::unescape(s) {
            Ok(v) => Ok(v.into_owned()),
            Err(e) => Err(self.err(
                offset,
                ErrorKind::InvalidValue,
                format!("bad escape in attribute value: {e}"),
            )),
        }
    }

    fn opt_string(&self, v: &Option<&'a str>, offset: usize) -> Result<Option<String>, Fail> {
        match v {
            Some(raw) => Ok(Some(self.value(raw, offset)?)),
            None => Ok(None),
        }
    }

    fn required(
        &self,
        v: &Option<&'a str>,
        attr: &str,
        element: &str,
        offset: usize,
    ) -> Result<String, Fail> {
        match v {
            Some(raw) => self.value(raw, offset),
            None => Err(self.err(
                offset,
                ErrorKind::MissingAttribute,
                format!("<{element}> is missing the required attribute {attr}"),
            )),
        }
    }

    fn boolean(
        &self,
        v: &Option<&str>,
        attr: &str,
        default: bool,
        offset: usize,
    ) -> Result<bool, Fail> {
        match v.as_deref() {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(self.err(
                offset,
                ErrorKind::InvalidValue,
                format!("{attr}=\"{other}\" is not a boolean (expected true or false)"),
            )),
        }
    }

    fn type_ref(&self, v: &Option<&'a str>, element: &str, offset: usize) -> Result<TypeRef, Fail> {
        let Some(raw) = v else {
            return Err(self.err(
                offset,
                ErrorKind::MissingAttribute,
                format!("<{element}> is missing the required attribute Type"),
            ));
        };
        let s = self.value(raw, offset)?;
        self.parse_type_ref(s, offset)
    }

    fn parse_type_ref(&self, text: String, offset: usize) -> Result<TypeRef, Fail> {
        let s = text.as_str();
        let (collection, name) = match s.strip_prefix("Collection(") {
            Some(rest) => match rest.strip_suffix(')') {
                Some(inner) => (true, inner),
                None => {
                    return Err(self.err(
                        offset,
                        ErrorKind::InvalidValue,
                        format!("type \"{s}\": Collection( without closing parenthesis"),
                    ))
                }
            },
            None => (false, s),
        };
        if name.is_empty() || name.bytes().any(|b| NOT_IN_TYPE_NAME[usize::from(b)]) {
            return Err(self.err(
                offset,
                ErrorKind::InvalidValue,
                format!("malformed type name \"{name}\""),
            ));
        }
        if name.starts_with("Edm.") {
            let Some(primitive) = primitive_name(name) else {
                return Err(self.unknown_primitive(name, offset));
            };
            return Ok(TypeRef {
                collection,
                name: primitive.to_string(),
            });
        }
        Ok(TypeRef {
            collection,
            name: name.to_string(),
        })
    }

    fn check_primitive(&self, name: &str, offset: usize) -> Result<(), Fail> {
        if name.starts_with("Edm.") && !is_primitive(name) {
            return Err(self.unknown_primitive(name, offset));
        }
        Ok(())
    }

    fn unknown_primitive(&self, name: &str, offset: usize) -> Fail {
        self.err(
            offset,
            ErrorKind::UnknownPrimitive,
            format!("unknown primitive type {name}"),
        )
    }

    fn int(&self, v: &str, what: &str, offset: usize) -> Result<i64, Fail> {
        v.trim().parse::<i64>().map_err(|_| {
            self.err(
                offset,
                ErrorKind::InvalidValue,
                format!("{what}=\"{v}\" is not an integer"),
            )
        })
    }
    /// The root element: `<edmx:Edmx>`, once.
    fn open_root(
        &mut self,
        name: &[u8],
        tag: &Tag<'a>,
        offset: usize,
        doc: &mut Document,
        root_done: &mut bool,
    ) -> Result<Frame, Fail> {
        if *root_done {
            return Err(self.err(offset, ErrorKind::Xml, "a second root element"));
        }
        if name != b"Edmx" {
            let shown = self.name_at(offset);
            return Err(self.err(
                offset,
                ErrorKind::Structure,
                format!("root element is <{shown}>, expected <edmx:Edmx> (not a CSDL document)"),
            ));
        }
        *root_done = true;
        let [version] = tag.pick([Key::Version]);
        doc.version = self.opt_string(&version, offset)?.unwrap_or_default();
        Ok(Frame::Edmx)
    }

    /// Reads a start tag inside the element `parent`: a declaration goes
    /// straight into the document, an annotation or value expression onto
    /// [`Parser::values`] (or, when `empty`, to its owner). Returns the
    /// element's frame.
    fn open(
        &mut self,
        parent: Frame,
        name: &[u8],
        tag: &Tag<'a>,
        offset: usize,
        empty: bool,
        doc: &mut Document,
    ) -> Result<Frame, Fail> {
        // The open declarations: the last schema (and the last of its
        // lists); the frames on the stack say which one is open.
        let frame = match (parent, name) {
            (Frame::Edmx, b"DataServices") => Frame::DataServices,
            (Frame::Edmx, b"Reference") => {
                let [uri] = tag.pick([Key::Uri]);
                doc.references.push(Reference {
                    uri: self.opt_string(&uri, offset)?.unwrap_or_default(),
                    includes: Vec::new(),
                });
                Frame::Reference
            }
            (Frame::Reference, b"Include") => {
                let [ns, alias] = tag.pick([Key::Namespace, Key::Alias]);
                let ns = self.required(&ns, "Namespace", "edmx:Include", offset)?;
                let alias = self.opt_string(&alias, offset)?;
                self.claim_names(&ns, alias.as_deref(), offset)?;
                if let Some(r) = doc.references.last_mut() {
                    r.includes.push((ns, alias));
                }
                Frame::Leaf
            }
            (Frame::DataServices, b"Schema") => {
                let [ns, alias] = tag.pick([Key::Namespace, Key::Alias]);
                let namespace = self.required(&ns, "Namespace", "Schema", offset)?;
                let alias = self.opt_string(&alias, offset)?;
                self.claim_names(&namespace, alias.as_deref(), offset)?;
                doc.schemas.push(Schema {
                    namespace,
                    alias,
                    span: self.span_at(offset),
                    ..Schema::default()
                });
                Frame::Schema
            }
            (Frame::Schema, b"EntityType" | b"ComplexType") => {
                self.open_structured(name, tag, offset, doc)?
            }
            (Frame::Structured(kind), b"Key") => Frame::Key(kind),
            (Frame::Key(kind), b"PropertyRef") => {
                let [n] = tag.pick([Key::Name]);
                let key = self.required(&n, "Name", "PropertyRef", offset)?;
                if let Some(t) = types_of(last_schema(doc), kind).last_mut() {
                    t.key.push(key);
                }
                Frame::Leaf
            }
            (Frame::Structured(kind), b"Property") => self.open_property(kind, tag, offset, doc)?,
            (Frame::Structured(kind), b"NavigationProperty") => {
                self.open_navigation(kind, tag, offset, doc)?
            }
            (Frame::Schema, b"EnumType") => self.open_enum(tag, offset, doc)?,
            (Frame::Enum, b"Member") => self.open_member(tag, offset, doc)?,
            (Frame::Schema, b"TypeDefinition") => {
                let [n, underlying] = tag.pick([Key::Name, Key::UnderlyingType]);
                let underlying_type =
                    self.required(&underlying, "UnderlyingType", "TypeDefinition", offset)?;
                self.check_primitive(&underlying_type, offset)?;
                let d = TypeDefinition {
                    name: self.required(&n, "Name", "TypeDefinition", offset)?,
                    underlying_type,
                    annotations: Vec::new(),
                    span: self.span_at(offset),
                };
                last_schema(doc).type_definitions.push(d);
                Frame::TypeDef
            }
            (Frame::Schema, b"Term") => {
                let [n, ty, applies] = tag.pick([Key::Name, Key::Type, Key::AppliesTo]);
                let t = Term {
                    name: self.required(&n, "Name", "Term", offset)?,
                    ty: self.type_ref(&ty, "Term", offset)?,
                    applies_to: self.opt_string(&applies, offset)?,
                    annotations: Vec::new(),
                    span: self.span_at(offset),
                };
                last_schema(doc).terms.push(t);
                Frame::Term
            }
            (Frame::Schema, b"Function" | b"Action") => {
                self.open_operation(name, tag, offset, doc)?
            }
            (Frame::Operation(kind), b"Parameter") => {
                self.open_parameter(kind, tag, offset, doc)?
            }
            (Frame::Operation(kind), b"ReturnType") => {
                self.open_return_type(kind, tag, offset, doc)?
            }
            (Frame::Schema, b"EntityContainer") => {
                let [n] = tag.pick([Key::Name]);
                let name = self.required(&n, "Name", "EntityContainer", offset)?;
                let span = self.span_at(offset);
                let schema = last_schema(doc);
                if schema.entity_container.is_some() {
                    return Err(self.err_at(
                        span,
                        ErrorKind::Structure,
                        format!(
                            "schema {} declares a second EntityContainer",
                            schema.namespace
                        ),
                    ));
                }
                schema.entity_container = Some(EntityContainer {
                    name,
                    span,
                    ..EntityContainer::default()
                });
                Frame::Container
            }
            (Frame::Container, b"EntitySet") => {
                let [n, ty] = tag.pick([Key::Name, Key::EntityType]);
                let set = EntitySet {
                    name: self.required(&n, "Name", "EntitySet", offset)?,
                    entity_type: self.required(&ty, "EntityType", "EntitySet", offset)?,
                    bindings: Vec::new(),
                    annotations: Vec::new(),
                    span: self.span_at(offset),
                };
                if let Some(c) = &mut last_schema(doc).entity_container {
                    c.entity_sets.push(set);
                }
                Frame::EntitySet
            }
            (Frame::Container, b"Singleton") => {
                let [n, ty] = tag.pick([Key::Name, Key::Type]);
                let single = Singleton {
                    name: self.required(&n, "Name", "Singleton", offset)?,
                    ty: self.required(&ty, "Type", "Singleton", offset)?,
                    bindings: Vec::new(),
                    annotations: Vec::new(),
                    span: self.span_at(offset),
                };
                if let Some(c) = &mut last_schema(doc).entity_container {
                    c.singletons.push(single);
                }
                Frame::Singleton
            }
            (Frame::Container, b"FunctionImport" | b"ActionImport") => {
                let (key, attr, el) = if name == b"FunctionImport" {
                    (Key::Function, "Function", "FunctionImport")
                } else {
                    (Key::Action, "Action", "ActionImport")
                };
                let [n, op] = tag.pick([Key::Name, key]);
                let n = self.required(&n, "Name", el, offset)?;
                let op = self.required(&op, attr, el, offset)?;
                if let Some(c) = &mut last_schema(doc).entity_container {
                    c.operation_imports.push((n, op));
                }
                Frame::Leaf
            }
            (Frame::EntitySet | Frame::Singleton, b"NavigationPropertyBinding") => {
                let [path, target] = tag.pick([Key::Path, Key::Target]);
                let binding = NavigationPropertyBinding {
                    path: self.required(&path, "Path", "NavigationPropertyBinding", offset)?,
                    target: self.required(
                        &target,
                        "Target",
                        "NavigationPropertyBinding",
                        offset,
                    )?,
                };
                if let Some(c) = &mut last_schema(doc).entity_container {
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
            (Frame::Schema, b"Annotations") => self.open_annotation_group(tag, offset, doc)?,
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
                b"Annotation",
            ) => self.open_annotation(tag, offset, empty.then_some(parent), doc)?,
            // An annotation of an annotation, record or property value.
            (Frame::Value, b"Annotation")
                if matches!(
                    self.values.last(),
                    Some(Expr::Annotation(_) | Expr::Record(_) | Expr::PropertyValue(_))
                ) =>
            {
                self.open_annotation(tag, offset, None, doc)?
            }
            (Frame::Value, _) => self.open_value(tag, name, offset)?,
            _ => Frame::Skip,
        };
        Ok(frame)
    }

    /// An `<EntityType>` or `<ComplexType>` of the last schema.
    fn open_structured(
        &mut self,
        name: &[u8],
        tag: &Tag<'a>,
        offset: usize,
        doc: &mut Document,
    ) -> Result<Frame, Fail> {
        let (kind, el) = if name == b"EntityType" {
            (StructuredKind::Entity, "EntityType")
        } else {
            (StructuredKind::Complex, "ComplexType")
        };
        let [n, base, abs, open, stream] = tag.pick([
            Key::Name,
            Key::BaseType,
            Key::Abstract,
            Key::OpenType,
            Key::HasStream,
        ]);
        let t = StructuredType {
            kind,
            name: self.required(&n, "Name", el, offset)?,
            base_type: self.opt_string(&base, offset)?,
            is_abstract: self.boolean(&abs, "Abstract", false, offset)?,
            open_type: self.boolean(&open, "OpenType", false, offset)?,
            has_stream: self.boolean(&stream, "HasStream", false, offset)?,
            key: Vec::new(),
            properties: Vec::new(),
            navigation_properties: Vec::new(),
            annotations: Vec::new(),
            span: self.span_at(offset),
        };
        types_of(last_schema(doc), kind).push(t);
        Ok(Frame::Structured(kind))
    }

    /// A `<NavigationProperty>` of the open structured type.
    fn open_navigation(
        &mut self,
        kind: StructuredKind,
        tag: &Tag<'a>,
        offset: usize,
        doc: &mut Document,
    ) -> Result<Frame, Fail> {
        let [n, ty, nullable, contains, partner] = tag.pick([
            Key::Name,
            Key::Type,
            Key::Nullable,
            Key::ContainsTarget,
            Key::Partner,
        ]);
        let name = self.required(&n, "Name", "NavigationProperty", offset)?;
        let Some(t) = types_of(last_schema(doc), kind).last_mut() else {
            return Ok(Frame::Skip);
        };
        self.check_member_name(t, &name, offset)?;
        let nav = NavigationProperty {
            name,
            ty: self.type_ref(&ty, "NavigationProperty", offset)?,
            nullable: self.boolean(&nullable, "Nullable", true, offset)?,
            contains_target: self.boolean(&contains, "ContainsTarget", false, offset)?,
            partner: self.opt_string(&partner, offset)?,
            annotations: Vec::new(),
            span: self.span_at(offset),
        };
        t.navigation_properties.push(nav);
        Ok(Frame::Nav(kind))
    }

    /// An `<EnumType>` of the last schema.
    fn open_enum(
        &mut self,
        tag: &Tag<'a>,
        offset: usize,
        doc: &mut Document,
    ) -> Result<Frame, Fail> {
        let [n, underlying, flags] = tag.pick([Key::Name, Key::UnderlyingType, Key::IsFlags]);
        let underlying_type = self.opt_string(&underlying, offset)?;
        if let Some(u) = &underlying_type {
            self.check_primitive(u, offset)?;
        }
        let e = EnumType {
            name: self.required(&n, "Name", "EnumType", offset)?,
            underlying_type,
            is_flags: self.boolean(&flags, "IsFlags", false, offset)?,
            members: Vec::new(),
            annotations: Vec::new(),
            span: self.span_at(offset),
        };
        last_schema(doc).enum_types.push(e);
        Ok(Frame::Enum)
    }

    /// A `<Member>` of the open enum type.
    fn open_member(
        &mut self,
        tag: &Tag<'a>,
        offset: usize,
        doc: &mut Document,
    ) -> Result<Frame, Fail> {
        let [n, v] = tag.pick([Key::Name, Key::Value]);
        let name = self.required(&n, "Name", "Member", offset)?;
        let Some(en) = last_schema(doc).enum_types.last_mut() else {
            return Ok(Frame::Skip);
        };
        let earlier = en.members.iter().map(|m| &m.name);
        let count = en.members.len();
        if !is_new_member(&mut self.member_names, earlier, count, &name) {
            return Err(self.err(
                offset,
                ErrorKind::Duplicate,
                format!("duplicate member {name} in enum type {}", en.name),
            ));
        }
        let (value, explicit_value) = match v {
            Some(v) => (self.int(&self.value(v, offset)?, "Value", offset)?, true),
            None => (en.members.len() as i64, false),
        };
        en.members.push(EnumMember {
            name,
            value,
            explicit_value,
            annotations: Vec::new(),
        });
        Ok(Frame::Member)
    }

    /// A `<Parameter>` of the open function or action.
    fn open_parameter(
        &mut self,
        kind: OperationKind,
        tag: &Tag<'a>,
        offset: usize,
        doc: &mut Document,
    ) -> Result<Frame, Fail> {
        let [n, ty, nullable] = tag.pick([Key::Name, Key::Type, Key::Nullable]);
        let p = Parameter {
            name: self.required(&n, "Name", "Parameter", offset)?,
            ty: self.type_ref(&ty, "Parameter", offset)?,
            nullable: self.boolean(&nullable, "Nullable", true, offset)?,
            annotations: Vec::new(),
            span: self.span_at(offset),
        };
        if let Some(op) = operations_of(last_schema(doc), kind).last_mut() {
            op.parameters.push(p);
        }
        Ok(Frame::Parameter(kind))
    }

    /// An out-of-line `<Annotations>` group of the last schema.
    fn open_annotation_group(
        &mut self,
        tag: &Tag<'a>,
        offset: usize,
        doc: &mut Document,
    ) -> Result<Frame, Fail> {
        let [target, qualifier] = tag.pick([Key::Target, Key::Qualifier]);
        let g = Annotations {
            target: self.required(&target, "Target", "Annotations", offset)?,
            qualifier: self.opt_string(&qualifier, offset)?,
            annotations: Vec::new(),
            span: self.span_at(offset),
        };
        last_schema(doc).annotation_groups.push(g);
        Ok(Frame::Annotations)
    }

    /// A `<Function>` or `<Action>` of the last schema.
    fn open_operation(
        &mut self,
        name: &[u8],
        tag: &Tag<'a>,
        offset: usize,
        doc: &mut Document,
    ) -> Result<Frame, Fail> {
        let (kind, el) = if name == b"Function" {
            (OperationKind::Function, "Function")
        } else {
            (OperationKind::Action, "Action")
        };
        let [n, bound, composable, esp] = tag.pick([
            Key::Name,
            Key::IsBound,
            Key::IsComposable,
            Key::EntitySetPath,
        ]);
        let op = Operation {
            kind,
            name: self.required(&n, "Name", el, offset)?,
            is_bound: self.boolean(&bound, "IsBound", false, offset)?,
            is_composable: self.boolean(&composable, "IsComposable", false, offset)?,
            entity_set_path: self.opt_string(&esp, offset)?,
            parameters: Vec::new(),
            return_type: None,
            annotations: Vec::new(),
            span: self.span_at(offset),
        };
        operations_of(last_schema(doc), kind).push(op);
        Ok(Frame::Operation(kind))
    }

    /// The `<ReturnType>` of the open function or action.
    fn open_return_type(
        &mut self,
        kind: OperationKind,
        tag: &Tag<'a>,
        offset: usize,
        doc: &mut Document,
    ) -> Result<Frame, Fail> {
        let [ty, nullable] = tag.pick([Key::Type, Key::Nullable]);
        let r = ReturnType {
            ty: self.type_ref(&ty, "ReturnType", offset)?,
            nullable: self.boolean(&nullable, "Nullable", true, offset)?,
            annotations: Vec::new(),
            span: self.span_at(offset),
        };
        if let Some(op) = operations_of(last_schema(doc), kind).last_mut() {
            op.return_type = Some(r);
        }
        Ok(Frame::ReturnType(kind))
    }

    /// A `<Property>` of the open structured type.
    #[inline(never)]
    fn open_property(
        &mut self,
        kind: StructuredKind,
        tag: &Tag<'a>,
        offset: usize,
        doc: &mut Document,
    ) -> Result<Frame, Fail> {
        let [n, ty, nullable, default, max_len, precision, scale, srid, unicode] = tag.pick([
            Key::Name,
            Key::Type,
            Key::Nullable,
            Key::DefaultValue,
            Key::MaxLength,
            Key::Precision,
            Key::Scale,
            Key::SRID,
            Key::Unicode,
        ]);
        let mut facets = Vec::new();
        // Most properties have no facet: looked for only when the tag has
        // attributes besides these.
        let common = [n, ty, nullable, default].iter().flatten().count();
        if tag.attrs().len() > common {
            for (facet, v) in [
                ("MaxLength", max_len),
                ("Precision", precision),
                ("Scale", scale),
                ("SRID", srid),
                ("Unicode", unicode),
            ] {
                if let Some(v) = self.opt_string(&v, offset)? {
                    push_small(&mut facets, (facet.to_string(), v));
                }
            }
        }
        let name = self.required(&n, "Name", "Property", offset)?;
        let Some(t) = types_of(last_schema(doc), kind).last_mut() else {
            return Ok(Frame::Skip);
        };
        self.check_member_name(t, &name, offset)?;
        let p = Property {
            name,
            ty: self.type_ref(&ty, "Property", offset)?,
            nullable: self.boolean(&nullable, "Nullable", true, offset)?,
            default_value: self.opt_string(&default, offset)?,
            facets,
            annotations: Vec::new(),
            span: self.span_at(offset),
        };
        t.properties.push(p);
        Ok(Frame::Property(kind))
    }

    /// Refuses a property or navigation property named like one already
    /// declared in the same type (siblings are attached before the next
    /// opens; [`is_new_member`]: comparing each new name with all before it
    /// would be quadratic, ~230 000 comparisons for Graph v1.0).
    fn check_member_name(
        &mut self,
        t: &StructuredType,
        name: &String,
        offset: usize,
    ) -> Result<(), Fail> {
        let names = || {
            t.properties
                .iter()
                .map(|p| (&p.name, p.span))
                .chain(t.navigation_properties.iter().map(|p| (&p.name, p.span)))
        };
        let count = t.properties.len() + t.navigation_properties.len();
        let earlier = names().map(|(n, _)| n);
        if is_new_member(&mut self.member_names, earlier, count, name) {
            return Ok(());
        }
        let first = names()
            .find(|(n, _)| *n == name)
            .map_or(0, |(_, at)| at.offset);
        Err(self.err(
            offset,
            ErrorKind::Duplicate,
            format!(
                "duplicate property {name} in type {} (first declared at {})",
                t.name,
                self.position(first as usize)
            ),
        ))
    }

    /// Records a schema's or include's namespace and alias, refusing an
    /// alias used for another namespace and an alias that is (or a
    /// namespace that is already) another namespace's alias or name: either
    /// would make qualified names ambiguous. A repeated identical pair (the
    /// same vocabulary included twice) is harmless and allowed.
    fn claim_names(&mut self, ns: &str, alias: Option<&str>, offset: usize) -> Result<(), Fail> {
        let claim = Claim {
            namespace: ns.to_string(),
            alias: alias.map(str::to_string),
            offset,
        };
        let clash = self.names.iter().find_map(|earlier| {
            let pns = &earlier.namespace;
            // Counted only for a message (it is a pass over the text).
            let at = || self.position(earlier.offset);
            if pns == ns {
                return None;
            }
            let (a, pa) = (alias, earlier.alias.as_deref());
            if a.is_some() && a == pa {
                Some(format!(
                    "duplicate alias {} for namespace {ns} (already the alias of {pns} at {})",
                    a.unwrap_or_default(),
                    at()
                ))
            } else if a == Some(pns.as_str()) {
                Some(format!(
                    "alias {pns} of namespace {ns} is the name of another namespace (declared at {})",
                    at()
                ))
            } else if pa == Some(ns) {
                Some(format!(
                    "namespace {ns} is already the alias of namespace {pns} (at {})",
                    at()
                ))
            } else {
                None
            }
        });
        if let Some(message) = clash {
            return Err(self.err(offset, ErrorKind::Duplicate, message));
        }
        self.names.push(claim);
        Ok(())
    }

    /// An `<Annotation>`. An empty tag (`<Annotation Term=".." String=".."/>`,
    /// most of them) goes straight to its `owner`; otherwise it waits on
    /// [`Parser::values`] for its value elements.
    fn open_annotation(
        &mut self,
        tag: &Tag<'a>,
        offset: usize,
        owner: Option<Frame>,
        doc: &mut Document,
    ) -> Result<Frame, Fail> {
        let mut term = None;
        let mut qualifier = None;
        let mut value = AnnotationValue::Empty;
        for &Attr {
            value: raw, known, ..
        } in tag.attrs()
        {
            match known {
                Some(Key::Term) => term = Some(self.value(raw, offset)?),
                Some(Key::Qualifier) => qualifier = Some(self.value(raw, offset)?),
                Some(k) => {
                    if let Some(kind) = k.literal() {
                        let text = self.value(raw, offset)?;
                        value = self.literal(kind, text, offset)?;
                    }
                }
                None => {}
            }
        }
        let Some(term) = term else {
            return Err(self.err(
                offset,
                ErrorKind::MissingAttribute,
                "<Annotation> is missing the required attribute Term",
            ));
        };
        let annotation = Annotation {
            term,
            qualifier,
            value,
            annotations: Vec::new(),
            span: self.span_at(offset),
        };
        if let Some(owner) = owner {
            if let Some(list) = annotations_of(doc, owner) {
                push_small(list, annotation);
            }
            return Ok(Frame::Leaf);
        }
        self.values.push(Expr::Annotation(annotation));
        Ok(Frame::Value)
    }

    /// A child of an annotation or value expression (the top of `values`).
    fn open_value(&mut self, tag: &Tag<'a>, name: &[u8], offset: usize) -> Result<Frame, Fail> {
        let value = match self.values.last() {
            Some(Expr::Record(_)) if name == b"PropertyValue" => {
                let mut prop = None;
                let mut value = AnnotationValue::Empty;
                for &Attr {
                    value: raw, known, ..
                } in tag.attrs()
                {
                    if known == Some(Key::Property) {
                        prop = Some(raw);
                    } else if let Some(kind) = known.and_then(Key::literal) {
                        let text = self.value(raw, offset)?;
                        value = self.literal(kind, text, offset)?;
                    }
                }
                Expr::PropertyValue(PropertyValue {
                    property: self.required(&prop, "Property", "PropertyValue", offset)?,
                    value,
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
                            Expr::Annotation(a) => Some(a.term.to_string()),
                            _ => None,
                        })
                        .unwrap_or_default();
                    let shown = String::from_utf8_lossy(name).into_owned();
                    return Err(self.err(
                        offset,
                        ErrorKind::Unsupported,
                        format!("unsupported annotation expression <{shown}> in term {term}"),
                    ));
                }
                match name {
                    b"Record" => {
                        let [ty] = tag.pick([Key::Type]);
                        Expr::Record(Record {
                            ty: self.opt_string(&ty, offset)?,
                            properties: Vec::new(),
                            annotations: Vec::new(),
                        })
                    }
                    b"Collection" => Expr::Collection(Vec::new()),
                    b"Null" => Expr::Null,
                    other => match Key::of(other).and_then(Key::literal) {
                        Some(kind) => Expr::Literal(kind, String::new(), self.span_at(offset)),
                        None => return Ok(Frame::Skip),
                    },
                }
            }
            _ => return Ok(Frame::Skip),
        };
        self.values.push(value);
        Ok(Frame::Value)
    }

    /// An attribute-form value; the position is only worked out for an error.
    fn literal(&self, kind: LitKind, text: String, offset: usize) -> Result<AnnotationValue, Fail> {
        match literal_value(kind, text) {
            Ok(v) => Ok(v),
            Err(m) => Err(self.err(offset, ErrorKind::InvalidValue, m)),
        }
    }

    /// Ends an annotation or value element (declarations were put in place
    /// when they opened, so nothing else needs ending): a finished
    /// annotation goes to its owner (the open declaration below it), a
    /// finished value into the value below it.
    fn close_value(&mut self, stack: &[(Frame, usize)], doc: &mut Document) -> Result<(), Fail> {
        let value = match self.values.pop() {
            Some(Expr::Annotation(a)) => {
                // Of the annotation, record or property value it is in, or
                // else of the declaration it is in.
                let list = match self.values.last_mut() {
                    Some(Expr::Annotation(outer)) => Some(&mut outer.annotations),
                    Some(Expr::Record(r)) => Some(&mut r.annotations),
                    Some(Expr::PropertyValue(pv)) => Some(&mut pv.annotations),
                    Some(_) => None,
                    None => stack
                        .last()
                        .and_then(|&(owner, _)| annotations_of(doc, owner)),
                };
                if let Some(list) = list {
                    push_small(list, a);
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
            Some(Expr::Literal(kind, text, span)) => literal_value(kind, text)
                .map_err(|m| self.err_at(span, ErrorKind::InvalidValue, m))?,
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

/// Whether `name` differs from the `count` member names declared before it
/// in the open type (`earlier`). Compared one by one below
/// [`LINEAR_MEMBERS`], through `set` from then on: the set takes the
/// earlier names at the switch and every later name as it is checked.
fn is_new_member<'a: 'e, 'e>(
    set: &mut HashSet<String, BuildHasherDefault<FxHasher>>,
    mut earlier: impl Iterator<Item = &'e String>,
    count: usize,
    name: &String,
) -> bool {
    if count < LINEAR_MEMBERS {
        return !earlier.any(|n| n == name);
    }
    if count == LINEAR_MEMBERS {
        set.clear();
        set.extend(earlier.cloned());
    }
    set.insert(name.clone())
}

/// Pushes onto a list that is usually short: the first element gets an
/// allocation of its own size (a `Vec` starts at 4), which matters for the
/// thousands of one-annotation lists of a real document.
fn push_small<T>(list: &mut Vec<T>, item: T) {
    if list.capacity() == 0 {
        list.reserve_exact(1);
    }
    list.push(item);
}

/// The last schema: the one every open declaration belongs to.
fn last_schema(doc: &mut Document) -> &mut Schema {
    // A declaration frame is open only inside a schema, so this never adds one.
    if doc.schemas.is_empty() {
        doc.schemas.push(Schema::default());
    }
    let last = doc.schemas.len() - 1;
    &mut doc.schemas[last]
}

/// The value of a literal of `kind` written as `text`, or what is wrong with it.
fn literal_value(kind: LitKind, text: String) -> Result<AnnotationValue, String> {
    Ok(match kind {
        LitKind::String => AnnotationValue::String(text),
        LitKind::Bool => match text.trim() {
            "true" => AnnotationValue::Bool(true),
            "false" => AnnotationValue::Bool(false),
            other => {
                return Err(format!(
                    "Bool value \"{other}\" is not a boolean (expected true or false)"
                ))
            }
        },
        LitKind::Int => match text.trim().parse::<i64>() {
            Ok(i) => AnnotationValue::Int(i),
            Err(_) => return Err(format!("Int value \"{}\" is not an integer", text.trim())),
        },
        LitKind::EnumMember => AnnotationValue::EnumMember(text.trim().to_string()),
        LitKind::Path(k) => AnnotationValue::Path(k.to_string(), text.trim().to_string()),
        LitKind::Other(k) => AnnotationValue::Literal(k.to_string(), text.trim().to_string()),
    })
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

    #[test]
    fn is_primitive_matches_the_model_list() {
        for (p, name) in Primitive::ALL {
            assert!(is_primitive(name), "{name}");
            assert_eq!(Primitive::from_name(name), Some(*p));
        }
        for name in ["Edm.Strin", "Edm.", "Edm.Int8", "edm.String", "String", ""] {
            assert!(!is_primitive(name), "{name}");
            assert_eq!(Primitive::from_name(name), None);
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

    /// The fast path reads exactly what quick-xml's iterator reads, or
    /// declines the tag.
    #[test]
    fn attribute_fast_path_agrees_with_quick_xml() {
        let quick = |content: &str, from: usize| -> Option<Vec<(String, String)>> {
            let mut iter = Attributes::new(content, from);
            iter.with_checks(false);
            iter.map(|a| {
                let a = a.ok()?;
                let key = std::str::from_utf8(a.key.local_name().into_inner()).ok()?;
                Some((
                    key.to_string(),
                    std::str::from_utf8(&a.value).ok()?.to_string(),
                ))
            })
            .collect()
        };
        let accepted = [
            r#"Property Name="id" Type="Edm.String" Nullable="false""#,
            "Annotation Term='Core.Description' String='It&apos;s \"x\"'",
            "Member Name=\"a\"\n\t Value=\"1\"  ",
            r#"edmx:Include Namespace="Org.OData.Core.V1" m:Alias="Core""#,
            r#"Annotation String="a &amp; b &lt; c" Term="T""#,
            r#"Empty"#,
            r#"Record Type="Org.OData.Capabilities.V1.ScopeType" é="ü""#,
        ];
        for content in accepted {
            let from = content.find(char::is_whitespace).unwrap_or(content.len());
            let mut out = Tag::new();
            let mut escaped = false;
            assert!(
                split_attributes(content, from, &mut out, &mut escaped),
                "{content}"
            );
            assert_eq!(escaped, content.contains('&'), "{content}");
            let fast: Vec<(String, String)> = out
                .attrs()
                .iter()
                .map(|a| (a.key.to_string(), a.value.to_string()))
                .collect();
            assert_eq!(Some(fast), quick(content, from), "{content}");
        }
        for declined in [
            r#"P Name = "x""#,
            r#"P Name="x"Type="y""#,
            r#"P Name="x"#,
            r#"P Name=x"#,
            r#"P Name"#,
            r#"P Name="x" Name="y""#,
            r#"P m:Name="x" Name="y""#,
            r#"P /Name="x""#,
            r#"P ="x""#,
            r#"P a:="x""#,
        ] {
            let mut out = Tag::new();
            assert!(
                !split_attributes(declined, 1, &mut out, &mut false),
                "{declined}"
            );
        }
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
