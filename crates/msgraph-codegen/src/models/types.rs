//! CSDL type references -> Rust field types (and the serde helper a field needs).

use proc_macro2::TokenStream;
use quote::quote;

use super::Index;
use crate::Error;
use msgraph_csdl::{Primitive, TypeDef, TypeRef};

/// The Rust shape of one property.
pub(crate) struct FieldType {
    /// The element type (`String`, `super::graph::AnyIdentity`).
    pub elem: TokenStream,
    /// `Collection(T)`.
    pub collection: bool,
    /// `Option<Box<T>>`: the member closes a cycle of single values (see `cycles`).
    pub boxed: bool,
    /// `#[serde(with = ...)]` module for a single (non-collection) value wrapped in `Option`.
    pub with: Option<&'static str>,
    /// The CSDL type name as written in docs (`Edm.Int64`, `Collection(...)`).
    pub csdl: String,
}

impl FieldType {
    /// The full field type: `Option<T>`, `Option<Box<T>>` or `Option<Vec<T>>`.
    pub fn tokens(&self) -> TokenStream {
        let elem = &self.elem;
        if self.collection {
            quote!(Option<Vec<#elem>>)
        } else if self.boxed {
            quote!(Option<Box<#elem>>)
        } else {
            quote!(Option<#elem>)
        }
    }
}

/// Maps a declared type, seen from namespace `from_ns`; `referenced_by` names the property
/// for error messages.
pub(crate) fn field_type(
    index: &Index<'_>,
    ty: &TypeRef,
    from_ns: &str,
    referenced_by: &str,
) -> Result<FieldType, Error> {
    let csdl = if ty.collection {
        format!("Collection({})", ty.name)
    } else {
        ty.name.to_string()
    };
    let (elem, with) = match ty.primitive() {
        Some(p) => primitive(p),
        None => match index.named_type_path(&ty.name, from_ns) {
            Some(path) => (path, None),
            None => match index.doc.find_type(&ty.name) {
                Some(TypeDef::Definition(def)) => {
                    let p = Primitive::from_name(&def.underlying_type).ok_or_else(|| {
                        Error::UnresolvedType {
                            name: def.underlying_type.to_string(),
                            referenced_by: referenced_by.to_string(),
                        }
                    })?;
                    primitive(p)
                }
                _ => {
                    return Err(Error::UnresolvedType {
                        name: ty.name.to_string(),
                        referenced_by: referenced_by.to_string(),
                    })
                }
            },
        },
    };
    Ok(FieldType {
        elem,
        // Helpers are written for `Option<T>`; collections of these primitives use the
        // plain serde impls (numbers only), which no type in the call-records closure needs.
        with: if ty.collection { None } else { with },
        collection: ty.collection,
        boxed: false,
        csdl,
    })
}

fn primitive(p: Primitive) -> (TokenStream, Option<&'static str>) {
    match p {
        Primitive::String
        | Primitive::Guid
        | Primitive::Date
        | Primitive::TimeOfDay
        | Primitive::Binary => (quote!(String), None),
        Primitive::Boolean => (quote!(bool), None),
        Primitive::Byte => (quote!(u8), None),
        Primitive::SByte => (quote!(i8), None),
        Primitive::Int16 => (quote!(i16), None),
        Primitive::Int32 => (quote!(i32), None),
        Primitive::Int64 => (quote!(i64), Some(const_str::INT64)),
        Primitive::Single => (quote!(f32), Some(const_str::SINGLE)),
        Primitive::Double => (quote!(f64), Some(const_str::DOUBLE)),
        Primitive::Decimal => (quote!(rust_decimal::Decimal), Some(const_str::DECIMAL)),
        Primitive::Duration => (quote!(msgraph_odata::Duration), None),
        Primitive::DateTimeOffset => (quote!(msgraph_odata::DateTimeOffset), None),
        _ => (quote!(serde_json::Value), None),
    }
}

/// The `with` module paths (kept as full strings: serde needs a string literal).
mod const_str {
    pub const INT64: &str = "msgraph_odata::serde_helpers::int64_opt";
    pub const SINGLE: &str = "msgraph_odata::serde_helpers::single_opt";
    pub const DOUBLE: &str = "msgraph_odata::serde_helpers::double_opt";
    pub const DECIMAL: &str = "msgraph_odata::serde_helpers::decimal_opt";
}
