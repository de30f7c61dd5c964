//! `Any<Base>` dispatch enums for polymorphic types, (de)serialized by hand on `@odata.type`.
//!
//! Reading streams when `@odata.type` is the object's first member (as Graph writes it): the
//! matching struct is read member by member ([`msgraph_odata::object`]) with no buffering.
//! Otherwise the object is buffered into a `serde_json::Map`, `@odata.type` (leading `#`
//! optional) looked up, and the map handed to the matching struct. No `@odata.type`, the base's own name,
//! or a name this crate does not know -> the base struct when the base is concrete and open
//! (undeclared members land in `additional_data`, `odata_type` keeps the name), otherwise
//! `Other(map)` holding the raw object. Writing emits the struct (or the raw map); a derived
//! value built in code without `odata_type` gets its `@odata.type` added, so readers can
//! dispatch it.

use proc_macro2::TokenStream;
use quote::quote;

use super::index::NameSet;
use super::Index;
use crate::emit::doc_attrs;
use crate::naming;
use crate::Error;
use msgraph_csdl::StructuredType;

pub(crate) fn dispatch_tokens(
    index: &Index<'_>,
    qualified: &str,
    base: &StructuredType,
    names: &mut NameSet,
) -> Result<TokenStream, Error> {
    let (ns, _) = msgraph_csdl::split_qualified(qualified).unwrap_or(("", qualified));
    let enum_name = index.dispatch_name(qualified);
    names.claim(&enum_name, &format!("{qualified} (dispatch)"))?;
    let ident = naming::type_ident(&enum_name);
    let mut variant_names = NameSet::new(format!("enum `{enum_name}`"));
    variant_names.claim("Other", "(raw object)")?;

    let base_open = index
        .all_properties(qualified, base)?
        .iter()
        .any(|(_, t)| t.open_type);
    let base_variant =
        (!base.is_abstract).then(|| naming::type_ident(&naming::type_name(&base.name)));
    if let Some(v) = &base_variant {
        variant_names.claim(&v.to_string(), qualified)?;
    }

    // (variant ident, qualified name, struct path)
    let mut derived = Vec::new();
    let all_derived = index.all_derived(qualified);
    for (name, t) in all_derived.iter().filter(|(_, t)| !t.is_abstract) {
        let (dns, _) = msgraph_csdl::split_qualified(name).unwrap_or(("", name));
        let plain = naming::type_name(&t.name);
        // Same short name in two namespaces (`graph::UserIdentity`, `callrecords::UserIdentity`):
        // the one from the other namespace is prefixed with its namespace's last segment.
        let taken = base.name == t.name
            || all_derived
                .iter()
                .any(|(n, o)| n != name && o.name == t.name);
        let variant = if dns != ns && taken {
            let seg = dns.rsplit('.').next().unwrap_or(dns);
            format!("{}{plain}", naming::type_name(seg))
        } else {
            plain.clone()
        };
        variant_names.claim(&variant, name)?;
        let path = index.item_path(dns, &plain, ns);
        derived.push((naming::type_ident(&variant), name.clone(), path));
    }

    let base_path = naming::type_ident(&naming::type_name(&base.name));
    let mut variants = TokenStream::new();
    if let Some(v) = &base_variant {
        let doc = doc_attrs(&format!(
            "`{qualified}` itself{}.",
            if base_open {
                "; also used when `@odata.type` is absent or names a type this crate does not \
                 know (its members are then kept in `additional_data`)"
            } else {
                "; also used when `@odata.type` is absent"
            }
        ));
        variants.extend(quote!(#doc #v(#base_path),));
    }
    for (v, name, path) in &derived {
        let doc = doc_attrs(&format!("`#{name}`."));
        variants.extend(quote!(#doc #v(#path),));
    }
    let other_doc = doc_attrs(&format!(
        "The raw object, kept verbatim, when {}.",
        match (base.is_abstract, base_open) {
            (true, _) => "`@odata.type` is absent or names a type this crate does not know",
            (false, true) =>
                "the base struct cannot hold it (not produced by the reader for this open type; \
                              available for values built in code)",
            (false, false) => "`@odata.type` names a type this crate does not know",
        }
    ));
    variants.extend(quote!(#other_doc Other(serde_json::Map<String, serde_json::Value>),));

    // Reader arms: each picks a non-capturing closure (a `fn` pointer), so the borrow of
    // the map for the name lookup ends before the map is moved into the chosen reader.
    let mut read_arms = Vec::new();
    if let Some(v) = &base_variant {
        read_arms.push(quote!(Some(#qualified) => |m| from_map(m).map(Self::#v)));
    }
    for (v, name, _) in &derived {
        read_arms.push(quote!(Some(#name) => |m| from_map(m).map(Self::#v)));
    }
    // Streaming arms (the first member was `@odata.type` = `tag`).
    let mut stream_arms = Vec::new();
    let start_struct = |v: &proc_macro2::Ident, path: &TokenStream| {
        quote! {
            |tag, map| {
                let start = #path { odata_type: Some(tag), ..Default::default() };
                Ok(Self::#v(msgraph_odata::object::finish(start, map)?))
            }
        }
    };
    if let Some(v) = &base_variant {
        let read = start_struct(v, &quote!(#base_path));
        stream_arms.push(quote!(#qualified => #read));
    }
    for (v, name, path) in &derived {
        let read = start_struct(v, path);
        stream_arms.push(quote!(#name => #read));
    }
    let stream_fallback = match (&base_variant, base_open) {
        (Some(v), true) => {
            let read = start_struct(v, &quote!(#base_path));
            quote!(_ => #read)
        }
        _ => quote!(_ => |tag, map| Ok(Self::Other(msgraph_odata::object::rest_as_map(tag, map)?))),
    };
    let expecting = format!("an object of type {qualified}");

    let fallback = match (&base_variant, base_open) {
        (Some(v), true) => quote!(_ => |m| from_map(m).map(Self::#v)),
        (Some(v), false) => quote! {
            None => |m| from_map(m).map(Self::#v),
            Some(_) => |m| Ok(Self::Other(m))
        },
        (None, _) => quote!(_ => |m| Ok(Self::Other(m))),
    };

    // Writer arms.
    let mut write_arms = Vec::new();
    if let Some(v) = &base_variant {
        write_arms.push(quote!(Self::#v(v) => serde::Serialize::serialize(v, s)));
    }
    for (v, name, _) in &derived {
        let tag = format!("#{name}");
        // A derived struct built in code has no `@odata.type`: write its tag
        // first, then its members (no copy of the struct).
        write_arms.push(quote! {
            Self::#v(v) if v.odata_type.is_none() => {
                msgraph_odata::serialize_with_type(v, #tag, s)
            }
        });
        write_arms.push(quote!(Self::#v(v) => serde::Serialize::serialize(v, s)));
    }

    // Type name accessor arms.
    let mut name_arms = Vec::new();
    if let Some(v) = &base_variant {
        name_arms.push(quote!(Self::#v(_) => Some(#qualified)));
    }
    for (v, name, _) in &derived {
        name_arms.push(quote!(Self::#v(_) => Some(#name)));
    }

    let mut froms = TokenStream::new();
    for (v, path) in base_variant
        .iter()
        .map(|v| (v, quote!(#base_path)))
        .chain(derived.iter().map(|(v, _, p)| (v, p.clone())))
    {
        froms.extend(quote! {
            impl From<#path> for #ident {
                fn from(v: #path) -> Self {
                    Self::#v(v)
                }
            }
        });
    }

    let docs = doc_attrs(&format!(
        "A value declared as `{qualified}`: {}, chosen by `@odata.type` when read and kept \
         when written.",
        if base.is_abstract {
            "one of the derived types of this abstract type"
        } else {
            "the type itself or one of its derived types"
        }
    ));
    Ok(quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #ident {
            #variants
        }

        impl #ident {
            /// The CSDL type of this value (namespace-qualified, without `#`); for
            /// [`Self::Other`] the received `@odata.type`, if any.
            pub fn type_name(&self) -> Option<&str> {
                match self {
                    #(#name_arms,)*
                    Self::Other(map) => msgraph_odata::type_name_of(map),
                }
            }
        }

        impl serde::Serialize for #ident {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#write_arms,)*
                    Self::Other(map) => serde::Serialize::serialize(map, s),
                }
            }
        }

        impl msgraph_odata::object::Polymorphic for #ident {
            const EXPECTING: &'static str = #expecting;

            fn typed<'de, A: serde::de::MapAccess<'de>>(
                tag: String,
                map: &mut A,
            ) -> Result<Self, A::Error> {
                // A `fn` pointer, so the borrow of `tag` for the lookup ends before `tag` moves.
                let read: fn(String, &mut A) -> Result<Self, A::Error> =
                    match tag.strip_prefix('#').unwrap_or(&tag) {
                        #(#stream_arms,)*
                        #stream_fallback
                    };
                read(tag, map)
            }

            fn buffered(map: serde_json::Map<String, serde_json::Value>) -> Result<Self, String> {
                type Map = serde_json::Map<String, serde_json::Value>;
                use msgraph_odata::object::from_map;
                let name = msgraph_odata::type_name_of(&map);
                let read: fn(Map) -> Result<Self, String> = match name {
                    #(#read_arms,)*
                    #fallback
                };
                read(map)
            }
        }

        msgraph_odata::deserialize_members!(polymorphic #ident);

        #froms
    })
}
