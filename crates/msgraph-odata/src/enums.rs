//! Case-insensitive, evolvable OData enums that never lose data.
//!
//! Generated code declares enums with [`odata_enum!`](crate::odata_enum), which emits the
//! enum, a catch-all variant, the [`ODataEnum`] impl and serde/`Display`/`FromStr` impls.

use std::fmt;

use serde::{de, Deserializer, Serializer};

/// An OData enum type with a catch-all variant for members this code does not know.
///
/// Implemented by [`odata_enum!`](crate::odata_enum); hand-written impls are possible too.
pub trait ODataEnum: Sized + Clone + 'static {
    /// Every known member as (wire name, value), in CSDL order.
    const MEMBERS: &'static [(&'static str, Self)];

    /// Wraps a member name not in [`Self::MEMBERS`]; it must be written back unchanged
    /// by [`Self::as_str`].
    fn unknown(raw: String) -> Self;

    /// The wire name (for a catch-all value, the exact text received).
    fn as_str(&self) -> &str;
}

/// Maps a wire name to a member: exact match first, then ASCII case-insensitive
/// (Graph sends e.g. `Blocked` for member `blocked`), else [`ODataEnum::unknown`]
/// keeping the exact text.
pub fn parse_enum<E: ODataEnum>(raw: &str) -> E {
    E::MEMBERS
        .iter()
        .find(|(name, _)| *name == raw)
        .or_else(|| {
            E::MEMBERS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(raw))
        })
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| E::unknown(raw.to_owned()))
}

/// Serde `deserialize` for an [`ODataEnum`]: accepts a JSON string (see [`parse_enum`]).
pub fn deserialize_enum<'de, D: Deserializer<'de>, E: ODataEnum>(d: D) -> Result<E, D::Error> {
    struct V<E>(std::marker::PhantomData<E>);
    impl<E: ODataEnum> de::Visitor<'_> for V<E> {
        type Value = E;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an enum member name as a string")
        }
        fn visit_str<Er: de::Error>(self, v: &str) -> Result<E, Er> {
            Ok(parse_enum(v))
        }
    }
    d.deserialize_str(V(std::marker::PhantomData))
}

/// Serde `serialize` for an [`ODataEnum`]: writes [`ODataEnum::as_str`] as a string.
pub fn serialize_enum<S: Serializer, E: ODataEnum>(v: &E, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.as_str())
}

/// Declares an OData enum: the listed members plus a catch-all `$other(String)` variant,
/// with `Debug, Clone, PartialEq, Eq, Hash`, [`ODataEnum`], `Serialize`, `Deserialize`,
/// `Display` (the wire name) and infallible `FromStr`.
///
/// ```
/// msgraph_odata::odata_enum! {
///     /// Type of call.
///     pub enum CallType {
///         /// Unknown.
///         Unknown = "unknown",
///         /// A group call.
///         GroupCall = "groupCall",
///         /// A peer-to-peer call.
///         PeerToPeer = "peerToPeer",
///         /// Evolvable enumeration sentinel value.
///         UnknownFutureValue = "unknownFutureValue",
///     }
///     other = Unrecognized;
/// }
///
/// let t: CallType = serde_json::from_str("\"PeerToPeer\"").unwrap();
/// assert_eq!(t, CallType::PeerToPeer);
/// let t: CallType = serde_json::from_str("\"holoCall\"").unwrap();
/// assert_eq!(t, CallType::Unrecognized("holoCall".into()));
/// assert_eq!(serde_json::to_string(&t).unwrap(), "\"holoCall\"");
/// ```
///
/// The catch-all name is chosen by the caller because many Graph enums have a member
/// `unknown` (variant `Unknown`). Attributes (docs, `#[deprecated]`, `#[non_exhaustive]`)
/// pass through to the enum and its variants.
#[macro_export]
macro_rules! odata_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),* $(,)?
        }
        other = $other:ident;
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A member this version does not know; holds the exact text received,
            /// which is written back unchanged.
            $other(::std::string::String),
        }

        #[allow(deprecated)]
        impl $crate::ODataEnum for $name {
            const MEMBERS: &'static [(&'static str, Self)] = &[ $( ($wire, Self::$variant) ),* ];
            fn unknown(raw: ::std::string::String) -> Self {
                Self::$other(raw)
            }
            fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::$other(raw) => raw,
                }
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                $crate::serialize_enum(self, s)
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::deserialize_enum(d)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::ODataEnum::as_str(self))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok($crate::parse_enum(s))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::ODataEnum;

    crate::odata_enum! {
        /// Test enum with a member named like Graph's `blocked`.
        pub enum Action {
            /// Unknown.
            Unknown = "unknown",
            /// Blocked.
            Blocked = "blocked",
            /// Both spellings exist: exact match must win.
            MacOs = "macOS",
            /// Differs only in case from `MacOs`.
            #[deprecated(note = "test")]
            Macos = "MacOS",
            /// Sentinel.
            UnknownFutureValue = "unknownFutureValue",
        }
        other = Other;
    }

    fn de(s: &str) -> Action {
        serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn case_insensitive_match() {
        assert_eq!(de("\"Blocked\""), Action::Blocked);
        assert_eq!(de("\"BLOCKED\""), Action::Blocked);
        assert_eq!(de("\"blocked\""), Action::Blocked);
        assert_eq!(de("\"unknownfuturevalue\""), Action::UnknownFutureValue);
        // Serializes with the CSDL spelling, not the received one.
        assert_eq!(
            serde_json::to_string(&de("\"Blocked\"")).unwrap_or_default(),
            "\"blocked\""
        );
    }

    #[test]
    #[allow(deprecated)]
    fn exact_match_wins() {
        assert_eq!(de("\"macOS\""), Action::MacOs);
        assert_eq!(de("\"MacOS\""), Action::Macos);
        assert_eq!(de("\"MACOS\""), Action::MacOs);
    }

    #[test]
    fn unknown_round_trips_unchanged() {
        let v = de("\"someNewMember\"");
        assert_eq!(v, Action::Other("someNewMember".into()));
        assert_eq!(
            serde_json::to_string(&v).unwrap_or_default(),
            "\"someNewMember\""
        );
        assert_eq!(v.to_string(), "someNewMember");
        assert_eq!(de("\"unknown\""), Action::Unknown);
        assert_eq!(de("\"\""), Action::Other(String::new()));
    }

    #[test]
    fn collections_and_flatten_buffering() {
        let v: Vec<Action> = serde_json::from_str(r#"["blocked","x"]"#).unwrap_or_default();
        assert_eq!(v, vec![Action::Blocked, Action::Other("x".into())]);
        // Buffered deserialization (untagged/flatten) goes through serde's Content.
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum U {
            A { a: Action },
        }
        let U::A { a } =
            serde_json::from_str(r#"{"a":"Blocked"}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a, Action::Blocked);
    }

    #[test]
    fn non_string_is_an_error() {
        assert!(serde_json::from_str::<Action>("3").is_err());
        assert!(serde_json::from_str::<Action>("null").is_err());
    }

    #[test]
    fn from_str_and_members() {
        assert_eq!("BLOCKED".parse::<Action>(), Ok(Action::Blocked));
        assert_eq!(Action::MEMBERS.len(), 5);
        assert_eq!(Action::MEMBERS[1].0, "blocked");
    }
}
