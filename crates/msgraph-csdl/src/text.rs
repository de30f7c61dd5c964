//! [`Str`]: the model's string type, a slice of the source document where
//! possible.
//!
//! Nearly every name and value in a CSDL document is used exactly as
//! written, so the reader keeps a borrowed slice of the document for it;
//! only values with XML escapes (`&amp;`) and names that resolution
//! rewrites (`graph.x` -> `microsoft.graph.x`) own their text. Reading the
//! real Graph v1.0 document this way saves about 90 000 allocations.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// A string of the model: borrowed from the source document or owned.
///
/// Dereferences to `str`, compares with `str`/`String`, and prints (also
/// with `{:?}`) exactly like the text it holds.
#[derive(Clone, Default)]
pub struct Str<'a>(Cow<'a, str>);

impl<'a> Str<'a> {
    /// A string borrowed from `text`.
    pub const fn borrowed(text: &'a str) -> Self {
        Str(Cow::Borrowed(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the text is a slice of the source (no copy was made).
    pub fn is_borrowed(&self) -> bool {
        matches!(self.0, Cow::Borrowed(_))
    }

    /// The same text, owned (copied when borrowed).
    pub fn into_owned(self) -> Str<'static> {
        Str(Cow::Owned(self.0.into_owned()))
    }

    /// The text as a `String` (copied when borrowed).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'a> Str<'a> {
    /// Appends a piece of the source: kept borrowed while it is the only
    /// piece (the usual case for element text), copied otherwise.
    pub(crate) fn append(&mut self, piece: &'a str) {
        if self.0.is_empty() {
            self.0 = Cow::Borrowed(piece);
        } else {
            self.0.to_mut().push_str(piece);
        }
    }

    /// Appends text that is not a slice of the source (a decoded escape).
    pub(crate) fn push_str(&mut self, text: &str) {
        self.0.to_mut().push_str(text);
    }

    /// The bytes `start..end` (char boundaries of the text), borrowed when
    /// the text is.
    pub(crate) fn slice(self, start: usize, end: usize) -> Str<'a> {
        match self.0 {
            Cow::Borrowed(s) => Str(Cow::Borrowed(&s[start..end])),
            Cow::Owned(s) if start == 0 && end == s.len() => Str(Cow::Owned(s)),
            Cow::Owned(s) => Str(Cow::Owned(s[start..end].to_string())),
        }
    }

    /// The text without surrounding whitespace.
    pub(crate) fn trimmed(self) -> Str<'a> {
        let t = self.0.trim();
        let start = t.as_ptr() as usize - self.0.as_ptr() as usize;
        let end = start + t.len();
        self.slice(start, end)
    }
}

impl Deref for Str<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Str<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Str<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl<'a> From<&'a str> for Str<'a> {
    fn from(text: &'a str) -> Self {
        Str(Cow::Borrowed(text))
    }
}

impl From<String> for Str<'_> {
    fn from(text: String) -> Self {
        Str(Cow::Owned(text))
    }
}

impl<'a> From<Cow<'a, str>> for Str<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        Str(text)
    }
}

impl From<Str<'_>> for String {
    fn from(text: Str<'_>) -> Self {
        text.into_string()
    }
}

impl fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Hash for Str<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (*self.0).hash(state);
    }
}

impl Eq for Str<'_> {}

impl<'b> PartialEq<Str<'b>> for Str<'_> {
    fn eq(&self, other: &Str<'b>) -> bool {
        *self.0 == *other.0
    }
}

impl PartialOrd for Str<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (*self.0).cmp(&*other.0)
    }
}

/// `Str == str`, `Str == &str`, `Str == String` and the reverse.
macro_rules! eq_with {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for Str<'_> {
            fn eq(&self, other: &$other) -> bool {
                *self.0 == **other
            }
        }

        impl PartialEq<Str<'_>> for $other {
            fn eq(&self, other: &Str<'_>) -> bool {
                **self == *other.0
            }
        }
    )*};
}

eq_with!(&str, String);

impl PartialEq<str> for Str<'_> {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<Str<'_>> for str {
    fn eq(&self, other: &Str<'_>) -> bool {
        *self == *other.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_the_text_it_holds() {
        let source = String::from("callRecord");
        let b = Str::borrowed(&source);
        let o = Str::from(String::from("callRecord"));
        assert!(b.is_borrowed() && !o.is_borrowed());
        assert_eq!(b, o);
        assert_eq!(b, "callRecord");
        assert_eq!("callRecord", b);
        assert_eq!(b, source);
        assert_eq!(format!("{b} {o:?}"), "callRecord \"callRecord\"");
        assert_eq!(b.len(), 10);
        let owned: Str<'static> = b.clone().into_owned();
        assert!(!owned.is_borrowed());
        assert_eq!(String::from(owned), source);
        let mut set = std::collections::HashSet::new();
        set.insert(b);
        assert!(set.contains("callRecord"));
        let mut sorted = vec![Str::from("b"), Str::from("a")];
        sorted.sort();
        assert_eq!(sorted, ["a", "b"]);
    }
}
