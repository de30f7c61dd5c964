//! Deserializing a structured value (entity or complex type) member by member,
//! keeping every member the model does not declare.
//!
//! The generated models implement [`Members`] (a `match` on the wire names)
//! and call [`deserialize_object`]; undeclared members go to the model's
//! `additional_data` instead of being dropped. `#[serde(flatten)]` would do
//! the same but buffers every member first, which makes decoding several
//! times slower; this reads each value once, straight into its field.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

/// A structured type read member by member (implemented by generated code).
pub trait Members: Default {
    /// What the value is, for "invalid type" errors (e.g. `"an object of type
    /// microsoft.graph.callRecords.pstnCallLogRow"`).
    const EXPECTING: &'static str;

    /// Reads the value of the declared member `key` from `map` into `self`;
    /// `Ok(false)` when `key` is not a declared member (its value not read).
    fn member<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;

    /// Where undeclared members go.
    fn additional_data(&mut self) -> &mut Map<String, Value>;
}

/// Deserializes a JSON object into `T`: declared members into their fields,
/// the others into `additional_data`. A repeated member keeps its last value.
pub fn deserialize_object<'de, D: Deserializer<'de>, T: Members>(d: D) -> Result<T, D::Error> {
    d.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Members> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        finish(T::default(), &mut map)
    }
}

/// How a polymorphic value starts: with its `@odata.type` (Graph writes it
/// first), or not, in which case every member has been read into a map.
enum Start {
    /// The first member was `@odata.type` with this text (`#` included);
    /// the other members are still to be read ([`finish`], [`rest_as_map`]).
    Typed(String),
    /// The whole object, buffered (no leading `@odata.type`).
    Buffered(Map<String, Value>),
}

/// Reads the first member of a polymorphic value (see [`Start`]).
fn start<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Start, A::Error> {
    let mut buffered = Map::new();
    match map.next_key()? {
        None => return Ok(Start::Buffered(buffered)),
        Some(Key(key)) => {
            let value: Value = map.next_value()?;
            match value {
                Value::String(tag) if key == crate::ODATA_TYPE => return Ok(Start::Typed(tag)),
                value => {
                    buffered.insert(key.into_owned(), value);
                }
            }
        }
    }
    drain_into(map, &mut buffered)?;
    Ok(Start::Buffered(buffered))
}

/// Reads the remaining members of a value into `out` (after a leading
/// `@odata.type`, see [`Polymorphic::typed`]).
pub fn finish<'de, A: MapAccess<'de>, T: Members>(mut out: T, map: &mut A) -> Result<T, A::Error> {
    while let Some(Key(key)) = map.next_key()? {
        if !out.member(&key, map)? {
            let value: Value = map.next_value()?;
            out.additional_data().insert(key.into_owned(), value);
        }
    }
    Ok(out)
}

/// The remaining members as a raw object, `@odata.type` first (after a
/// leading `@odata.type` naming a type no model knows).
pub fn rest_as_map<'de, A: MapAccess<'de>>(
    tag: String,
    map: &mut A,
) -> Result<Map<String, Value>, A::Error> {
    let mut out = Map::new();
    out.insert(crate::ODATA_TYPE.to_string(), Value::String(tag));
    drain_into(map, &mut out)?;
    Ok(out)
}

/// Reads the remaining members of `map`, as they are, into `out`.
fn drain_into<'de, A: MapAccess<'de>>(
    map: &mut A,
    out: &mut Map<String, Value>,
) -> Result<(), A::Error> {
    while let Some(Key(key)) = map.next_key()? {
        let value: Value = map.next_value()?;
        out.insert(key.into_owned(), value);
    }
    Ok(())
}

/// A polymorphic value (a generated `Any<Type>` enum) chosen by `@odata.type`.
pub trait Polymorphic: Sized {
    /// What the value is, for "invalid type" errors.
    const EXPECTING: &'static str;

    /// Reads the rest of a value whose first member was `@odata.type` = `tag`
    /// (`#` included), into the struct `tag` names ([`finish`], [`rest_as_map`]).
    fn typed<'de, A: MapAccess<'de>>(tag: String, map: &mut A) -> Result<Self, A::Error>;

    /// Reads a whole buffered value (its `@odata.type`, if any, came later).
    fn buffered(map: Map<String, Value>) -> Result<Self, String>;
}

/// Deserializes a [`Polymorphic`] value: streamed when `@odata.type` is the
/// first member, buffered otherwise.
pub fn deserialize_polymorphic<'de, D: Deserializer<'de>, T: Polymorphic>(
    d: D,
) -> Result<T, D::Error> {
    d.deserialize_map(PolymorphicVisitor(PhantomData))
}

struct PolymorphicVisitor<T>(PhantomData<T>);

impl<'de, T: Polymorphic> Visitor<'de> for PolymorphicVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        match start(&mut map)? {
            Start::Typed(tag) => T::typed(tag, &mut map),
            Start::Buffered(m) => T::buffered(m).map_err(de::Error::custom),
        }
    }
}

/// Reads a buffered object as `T` (for [`Polymorphic::buffered`]). The error
/// keeps the path inside the value (`userAgent.platform: ...`), which the
/// outer deserializer cannot see through the buffer.
pub fn from_map<T: serde::de::DeserializeOwned>(map: Map<String, Value>) -> Result<T, String> {
    serde_path_to_error::deserialize(Value::Object(map)).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.inner().to_string()
        } else {
            format!("{path}: {}", e.inner())
        }
    })
}

/// `impl Deserialize` for a generated type through [`Members`]
/// (`deserialize_members!(Type)`) or [`Polymorphic`]
/// (`deserialize_members!(polymorphic Type)`).
#[macro_export]
macro_rules! deserialize_members {
    (polymorphic $ty:ty) => {
        impl<'de> $crate::__serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::object::deserialize_polymorphic(d)
            }
        }
    };
    ($ty:ty) => {
        impl<'de> $crate::__serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::object::deserialize_object(d)
            }
        }
    };
}

/// A member name, borrowed from the input when it has no escapes (serde's
/// own `Cow<str>` always copies).
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Debug, PartialEq)]
    struct Row {
        id: Option<String>,
        n: Option<i64>,
        extra: Map<String, Value>,
    }

    impl Members for Row {
        const EXPECTING: &'static str = "a row object";
        fn member<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<bool, A::Error> {
            match key {
                "id" => self.id = map.next_value()?,
                "n" => self.n = map.next_value()?,
                _ => return Ok(false),
            }
            Ok(true)
        }
        fn additional_data(&mut self) -> &mut Map<String, Value> {
            &mut self.extra
        }
    }

    crate::deserialize_members!(Row);

    #[test]
    fn declared_members_to_fields_the_rest_kept() {
        let text = r#"{"id":"a","new":{"x":[1,2]},"n":null,"esc\u0061ped":true,"n":7}"#;
        let row: Row = serde_json::from_str(text).unwrap();
        assert_eq!(row.id.as_deref(), Some("a"));
        assert_eq!(row.n, Some(7), "the last of a repeated member");
        assert_eq!(
            Value::Object(row.extra),
            serde_json::json!({"new": {"x": [1, 2]}, "escaped": true})
        );
        // From a Value too (owned keys), and a wrong shape is a clear error.
        let row: Row = serde_json::from_value(serde_json::json!({"id": "b", "z": 1})).unwrap();
        assert_eq!(row.extra["z"], 1);
        let e = serde_json::from_str::<Row>("[1]").unwrap_err();
        assert!(e.to_string().contains("a row object"), "{e}");
        let e = serde_json::from_str::<Row>(r#"{"n":"x"}"#).unwrap_err();
        assert!(e.to_string().contains("invalid type"), "{e}");
    }
}
