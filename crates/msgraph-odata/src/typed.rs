//! Writing a value with an `@odata.type` it does not carry itself.
//!
//! A generated `Any<Type>` enum holding a derived struct built in code
//! (`odata_type: None`) must still write the `@odata.type` that tells Graph
//! which type it is. [`serialize_with_type`] writes that member first and
//! then the struct's own members, without copying the struct.

use serde::ser::{self, Impossible, Serialize, SerializeMap, SerializeStruct, Serializer};

/// Serializes `value` (a struct or map) as a JSON object whose first member
/// is `"@odata.type": odata_type`, followed by the value's own members.
pub fn serialize_with_type<S: Serializer, T: Serialize + ?Sized>(
    value: &T,
    odata_type: &str,
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(None)?;
    map.serialize_entry(crate::ODATA_TYPE, odata_type)?;
    value.serialize(MembersInto(&mut map))?;
    map.end()
}

/// A serializer that accepts only a struct or map and writes its members
/// into an enclosing map.
struct MembersInto<'a, M>(&'a mut M);

fn not_an_object<M: SerializeMap>(what: &str) -> M::Error {
    ser::Error::custom(format!(
        "a value with @odata.type must be a struct or map, not {what}"
    ))
}

/// Shorthand for the scalar methods, which all reject their value.
macro_rules! reject {
    ($($method:ident($($ty:ty)?) => $what:literal;)*) => {
        $(fn $method(self $(, _: $ty)?) -> Result<(), M::Error> {
            Err(not_an_object::<M>($what))
        })*
    };
}

impl<'a, M: SerializeMap> Serializer for MembersInto<'a, M> {
    type Ok = ();
    type Error = M::Error;
    type SerializeSeq = Impossible<(), M::Error>;
    type SerializeTuple = Impossible<(), M::Error>;
    type SerializeTupleStruct = Impossible<(), M::Error>;
    type SerializeTupleVariant = Impossible<(), M::Error>;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), M::Error>;

    reject! {
        serialize_bool(bool) => "a boolean";
        serialize_i8(i8) => "a number";
        serialize_i16(i16) => "a number";
        serialize_i32(i32) => "a number";
        serialize_i64(i64) => "a number";
        serialize_u8(u8) => "a number";
        serialize_u16(u16) => "a number";
        serialize_u32(u32) => "a number";
        serialize_u64(u64) => "a number";
        serialize_f32(f32) => "a number";
        serialize_f64(f64) => "a number";
        serialize_char(char) => "a string";
        serialize_str(&str) => "a string";
        serialize_bytes(&[u8]) => "bytes";
        serialize_none() => "null";
        serialize_unit() => "null";
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), M::Error> {
        value.serialize(self)
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), M::Error> {
        Err(not_an_object::<M>("a unit struct"))
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), M::Error> {
        Err(not_an_object::<M>("an enum variant"))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), M::Error> {
        Err(not_an_object::<M>("an enum variant"))
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, M::Error> {
        Err(not_an_object::<M>("an array"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, M::Error> {
        Err(not_an_object::<M>("an array"))
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, M::Error> {
        Err(not_an_object::<M>("an array"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, M::Error> {
        Err(not_an_object::<M>("an enum variant"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self, M::Error> {
        Ok(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, M::Error> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, M::Error> {
        Err(not_an_object::<M>("an enum variant"))
    }
}

impl<M: SerializeMap> SerializeStruct for MembersInto<'_, M> {
    type Ok = ();
    type Error = M::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.0.serialize_entry(key, value)
    }

    fn end(self) -> Result<(), M::Error> {
        Ok(())
    }
}

impl<M: SerializeMap> SerializeMap for MembersInto<'_, M> {
    type Ok = ();
    type Error = M::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), M::Error> {
        self.0.serialize_key(key)
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), M::Error> {
        self.0.serialize_value(value)
    }

    fn end(self) -> Result<(), M::Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map, Value};

    #[derive(serde::Serialize)]
    struct Plain {
        #[serde(rename = "@odata.type", skip_serializing_if = "Option::is_none")]
        odata_type: Option<String>,
        name: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        absent: Option<u8>,
    }

    #[derive(serde::Serialize)]
    struct Open {
        id: u8,
        #[serde(flatten)]
        additional_data: Map<String, Value>,
    }

    struct Typed<'a, T>(&'a T);
    impl<T: Serialize> Serialize for Typed<'_, T> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize_with_type(self.0, "#t.derived", s)
        }
    }

    fn text<T: Serialize>(v: &T) -> String {
        serde_json::to_string(&Typed(v)).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn the_type_comes_first_then_the_members() {
        let plain = Plain {
            odata_type: None,
            name: "n",
            absent: None,
        };
        assert_eq!(text(&plain), r##"{"@odata.type":"#t.derived","name":"n"}"##);
        // A struct with flattened members serializes as a map: also accepted.
        let mut extra = Map::new();
        extra.insert("x".into(), json!([1]));
        let open = Open {
            id: 3,
            additional_data: extra,
        };
        assert_eq!(
            text(&open),
            r##"{"@odata.type":"#t.derived","id":3,"x":[1]}"##
        );
    }

    #[test]
    fn a_value_that_is_not_an_object_is_an_error() {
        assert!(text(&5).contains("must be a struct or map, not a number"));
        assert!(text(&vec![1]).contains("not an array"));
    }
}
