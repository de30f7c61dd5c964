//! [`Str`]: the model's string type, a slice of the source document where
//! possible.
//!
//! Nearly every name and value in a CSDL document is used exactly as
//! written, so the reader keeps a borrowed slice of the document for it;
//! only values with XML escapes (`&amp;`) and names that resolution
//! rewrites (`graph.x` -> `microsoft.graph.x`) own their text, in a shared
//! (`Arc`) string: the hundreds of references to one rewritten name share one
//! string, and cloning an owned `Str` copies nothing. Reading the real
//! Graph v1.0 document this way saves about 90 000 allocations.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// A string of the model: borrowed from the source document or owned
/// (shared, so clones are cheap).
///
/// Dereferences to `str`, compares with `str`/`String`, and prints (also
/// with `{:?}`) exactly like the text it holds.
#[derive(Clone)]
pub struct Str<'a>(Repr<'a>);

#[derive(Clone)]
enum Repr<'a> {
    Borrowed(&'a str),
    Shared(Arc<str>),
}

impl<'a> Str<'a> {
    /// A string borrowed from `text`.
    pub const fn borrowed(text: &'a str) -> Self {
        Str(Repr::Borrowed(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Borrowed(s) => s,
            Repr::Shared(s) => s,
        }
    }

    /// Whether the text is borrowed (a slice of the source, or a `'static`
    /// name such as a primitive type): no copy was made.
    pub fn is_borrowed(&self) -> bool {
        matches!(self.0, Repr::Borrowed(_))
    }

    /// The same text, owned (copied when borrowed; an owned `Str` is
    /// returned as it is).
    pub fn into_owned(self) -> Str<'static> {
        match self.0 {
            Repr::Borrowed(s) => Str(Repr::Shared(Arc::from(s))),
            Repr::Shared(s) => Str(Repr::Shared(s)),
        }
    }

    /// The text as a `String` (a copy).
    pub fn into_string(self) -> String {
        self.as_str().to_string()
    }

    /// The bytes `start..end` (char boundaries of the text), borrowed when
    /// the text is.
    pub(crate) fn slice(self, start: usize, end: usize) -> Str<'a> {
        match self.0 {
            Repr::Borrowed(s) => Str(Repr::Borrowed(&s[start..end])),
            Repr::Shared(s) if start == 0 && end == s.len() => Str(Repr::Shared(s)),
            Repr::Shared(s) => Str::from(&s[start..end]).into_owned(),
        }
    }

    /// The text without surrounding whitespace.
    pub(crate) fn trimmed(self) -> Str<'a> {
        let text = self.as_str();
        let t = text.trim();
        let start = t.as_ptr() as usize - text.as_ptr() as usize;
        let end = start + t.len();
        self.slice(start, end)
    }
}

impl Default for Str<'_> {
    fn default() -> Self {
        Str::borrowed("")
    }
}

impl Deref for Str<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str<'_> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Str<'_> {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl<'a> From<&'a str> for Str<'a> {
    fn from(text: &'a str) -> Self {
        Str::borrowed(text)
    }
}

impl From<String> for Str<'_> {
    fn from(text: String) -> Self {
        Str(Repr::Shared(Arc::from(text)))
    }
}

impl From<Arc<str>> for Str<'_> {
    fn from(text: Arc<str>) -> Self {
        Str(Repr::Shared(text))
    }
}

impl<'a> From<Cow<'a, str>> for Str<'a> {
    fn from(text: Cow<'a, str>) -> Self {
        match text {
            Cow::Borrowed(s) => Str::borrowed(s),
            Cow::Owned(s) => Str::from(s),
        }
    }
}

impl From<Str<'_>> for String {
    fn from(text: Str<'_>) -> Self {
        text.into_string()
    }
}

impl fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Hash for Str<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Eq for Str<'_> {}

impl<'b> PartialEq<Str<'b>> for Str<'_> {
    fn eq(&self, other: &Str<'b>) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialOrd for Str<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// `Str == str`, `Str == &str`, `Str == String` and the reverse.
macro_rules! eq_with {
    ($($other:ty),*) => {$(
        impl PartialEq<$other> for Str<'_> {
            fn eq(&self, other: &$other) -> bool {
                self.as_str() == &**other
            }
        }

        impl PartialEq<Str<'_>> for $other {
            fn eq(&self, other: &Str<'_>) -> bool {
                &**self == other.as_str()
            }
        }
    )*};
}

eq_with!(&str, String);

impl PartialEq<str> for Str<'_> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Str<'_>> for str {
    fn eq(&self, other: &Str<'_>) -> bool {
        self == other.as_str()
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
        // An owned Str is shared, not copied, by clone and into_owned.
        let o2 = o.clone().into_owned();
        assert!(std::ptr::eq(o.as_ptr(), o2.as_ptr()));
        assert_eq!(b.clone().slice(2, 6), "llRe");
        assert!(b.clone().slice(2, 6).is_borrowed());
        assert_eq!(Str::from(String::from(" x ")).trimmed(), "x");
        assert_eq!(Str::from(" x ").trimmed(), "x");
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
