//! The attributes of one start tag: split from the tag's text in one pass,
//! each attribute the reader knows put in its own slot, so an element reads
//! its attributes by [`Key`] instead of comparing names.

/// Attribute names the reader reads (by local name), the most frequent in
/// Graph's documents first. Annotation value kinds (`String`, `Bool`, ...)
/// are keys too: [`Key::literal`] says which.
macro_rules! keys {
    ($($key:ident)*) => {
        /// An attribute name the reader knows (spelled as in XML: `SRID`).
        #[allow(clippy::upper_case_acronyms)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Key {
            $($key,)*
        }

        const KEY_COUNT: usize = [$(Key::$key),*].len();

        impl Key {
            /// The name as written in XML.
            pub(crate) fn name(self) -> &'static str {
                match self {
                    $(Key::$key => stringify!($key),)*
                }
            }

            /// The key of a (local) attribute or element name.
            pub(crate) fn of(name: &[u8]) -> Option<Key> {
                // By length first: one integer compare rules out most keys.
                match name.len() {
                    $(n if n == stringify!($key).len() && name == stringify!($key).as_bytes() => Some(Key::$key),)*
                    _ => None,
                }
            }
        }
    };
}

keys! {
    Name Type Term Value String Target Nullable BaseType Property Bool IsBound
    ContainsTarget Unicode OpenType Abstract IsComposable Date Path EntitySetPath
    EntityType PropertyPath Namespace AppliesTo HasStream Alias UnderlyingType
    Scale Precision MaxLength SRID DefaultValue Partner Qualifier IsFlags Uri
    Version Function Action Int EnumMember NavigationPropertyPath AnnotationPath
    ModelElementPath Float Decimal DateTimeOffset Duration Guid TimeOfDay Binary
}

/// The kinds of annotation values with text (as an attribute or element).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LitKind {
    String,
    Bool,
    Int,
    EnumMember,
    Path(&'static str),
    Other(&'static str),
}

impl Key {
    /// The annotation value kind this name stands for, if any.
    pub(crate) fn literal(self) -> Option<LitKind> {
        Some(match self {
            Key::String => LitKind::String,
            Key::Bool => LitKind::Bool,
            Key::Int => LitKind::Int,
            Key::EnumMember => LitKind::EnumMember,
            Key::Path
            | Key::PropertyPath
            | Key::NavigationPropertyPath
            | Key::AnnotationPath
            | Key::ModelElementPath => LitKind::Path(self.name()),
            Key::Float
            | Key::Decimal
            | Key::Date
            | Key::DateTimeOffset
            | Key::Duration
            | Key::Guid
            | Key::TimeOfDay
            | Key::Binary => LitKind::Other(self.name()),
            _ => return None,
        })
    }
}

/// One attribute: local name, raw (still escaped) value, both slices of
/// the document, and the key when the reader knows the name.
#[derive(Clone, Copy)]
pub(crate) struct Attr<'a> {
    pub key: &'a str,
    pub value: &'a str,
    pub known: Option<Key>,
}

/// The attributes of the current start tag (reused for every tag).
pub(crate) struct Tag<'a> {
    attrs: Vec<Attr<'a>>,
    /// Per key, its attribute's index in `attrs` plus one (0: absent).
    slots: [u32; KEY_COUNT],
}

impl<'a> Tag<'a> {
    pub(crate) fn new() -> Self {
        Tag {
            attrs: Vec::with_capacity(16),
            slots: [0; KEY_COUNT],
        }
    }

    pub(crate) fn clear(&mut self) {
        for a in &self.attrs {
            if let Some(k) = a.known {
                self.slots[k as usize] = 0;
            }
        }
        self.attrs.clear();
    }

    /// Adds an attribute by local name; `false` (and nothing added) when
    /// the tag already has one of that name.
    pub(crate) fn push(&mut self, key: &'a str, value: &'a str) -> bool {
        let known = Key::of(key.as_bytes());
        match known {
            Some(k) if self.slots[k as usize] != 0 => return false,
            Some(k) => self.slots[k as usize] = self.attrs.len() as u32 + 1,
            None if self.find(key).is_some() => return false,
            None => {}
        }
        self.attrs.push(Attr { key, value, known });
        true
    }

    /// The attribute named `key`.
    pub(crate) fn find(&self, key: &str) -> Option<&Attr<'a>> {
        self.attrs.iter().find(|a| a.key == key)
    }

    /// The raw value of the attribute `key`.
    pub(crate) fn get(&self, key: Key) -> Option<&'a str> {
        let i = self.slots[key as usize].checked_sub(1)?;
        Some(self.attrs[i as usize].value)
    }

    /// The raw values of the attributes `keys`.
    pub(crate) fn pick<const N: usize>(&self, keys: [Key; N]) -> [Option<&'a str>; N] {
        keys.map(|k| self.get(k))
    }

    /// The attributes in document order.
    pub(crate) fn attrs(&self) -> &[Attr<'a>] {
        &self.attrs
    }
}

/// The fast path for the attributes of a start tag (`content` is the tag
/// without `<`, its name `content[..from]`): only plain `name="value"` /
/// `name='value'` pairs separated by whitespace, which is every tag of a
/// real CSDL document. Collects them (local names, raw values) into `tag`
/// and returns `true`; returns `false` at anything else (spaces around `=`,
/// a missing quote, odd bytes in a name, a repeated name), leaving the tag
/// to quick-xml's attribute iterator.
///
/// `escaped` is set when a value holds an `&` (an escape to decode).
pub(crate) fn split_attributes<'a>(
    content: &'a str,
    from: usize,
    tag: &mut Tag<'a>,
    escaped: &mut bool,
) -> bool {
    let b = content.as_bytes();
    let mut i = from;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == b.len() {
            return true;
        }
        let mut key_start = i;
        while i < b.len() && is_plain_name_byte(b[i]) {
            // A prefix ends at its colon: the key is the local name.
            if b[i] == b':' {
                key_start = i + 1;
            }
            i += 1;
        }
        if i == key_start || i + 1 >= b.len() || b[i] != b'=' {
            return false;
        }
        let key_end = i;
        let quote = b[i + 1];
        if quote != b'"' && quote != b'\'' {
            return false;
        }
        let value_start = i + 2;
        let mut len = 0;
        loop {
            match memchr::memchr2(quote, b'&', &b[value_start + len..]) {
                Some(n) if b[value_start + len + n] == b'&' => {
                    *escaped = true;
                    len += n + 1;
                }
                Some(n) => {
                    len += n;
                    break;
                }
                None => return false,
            }
        }
        i = value_start + len + 1;
        if i < b.len() && !b[i].is_ascii_whitespace() {
            return false;
        }
        // Names and quotes are ASCII, so these are char boundaries.
        let key = &content[key_start..key_end];
        if !tag.push(key, &content[value_start..value_start + len]) {
            return false;
        }
    }
}

/// Bytes of an attribute name the fast path accepts: ASCII letters, digits,
/// `_ - . :` and any non-ASCII byte.
fn is_plain_name_byte(b: u8) -> bool {
    PLAIN_NAME_BYTES[usize::from(b)]
}

byte_class! {
    /// Lookup table for [`is_plain_name_byte`] (it runs for every name byte).
    PLAIN_NAME_BYTES = |b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':') || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_by_name_and_only_by_name() {
        assert_eq!(Key::of(b"Name"), Some(Key::Name));
        assert_eq!(
            Key::of(b"NavigationPropertyPath"),
            Some(Key::NavigationPropertyPath)
        );
        assert_eq!(Key::of(b"Binary"), Some(Key::Binary));
        for other in [&b"name"[..], b"Nam", b"Names", b"", b"Edm.String", b"xmlns"] {
            assert_eq!(Key::of(other), None);
        }
        assert_eq!(Key::String.literal(), Some(LitKind::String));
        assert_eq!(Key::Name.literal(), None);
        assert_eq!(Key::Guid.literal(), Some(LitKind::Other("Guid")));
        assert_eq!(Key::SRID.name(), "SRID");
    }

    #[test]
    fn a_tag_refuses_a_repeated_name_and_forgets_on_clear() {
        let mut tag = Tag::new();
        assert!(tag.push("Name", "a"));
        assert!(tag.push("xmlns", "u"));
        assert!(!tag.push("Name", "b"));
        assert!(!tag.push("xmlns", "v"));
        assert_eq!(tag.pick([Key::Name, Key::Type]), [Some("a"), None]);
        assert_eq!(tag.find("xmlns").map(|a| a.value), Some("u"));
        tag.clear();
        assert!(tag.attrs().is_empty());
        assert_eq!(tag.get(Key::Name), None);
        assert!(tag.push("Name", "c"));
        assert_eq!(tag.get(Key::Name), Some("c"));
    }
}
