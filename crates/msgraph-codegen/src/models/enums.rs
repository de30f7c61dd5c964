//! Enum types. Every CSDL member becomes a unit variant (also those after
//! `unknownFutureValue`), plus a catch-all `Other(String)` that keeps any other text and
//! writes it back unchanged. Matching is exact first, then ASCII case-insensitive
//! (`msgraph_odata::parse_enum`). `Other` rather than `Unknown`: eleven call-records enums
//! already have a member `unknown`.
//!
//! Flags enums (`IsFlags="true"`, wire form `"a,b"`) become a member enum `<Name>Flag` as
//! above plus a set type `<Name>(Vec<<Name>Flag>)` that (de)serializes the comma list.

use proc_macro2::TokenStream;
use quote::quote;

use super::index::NameSet;
use super::{docs, Index};
use crate::emit::doc_attrs;
use crate::naming;
use crate::Error;
use msgraph_csdl::EnumType;

const SENTINEL: &str = "unknownFutureValue";

/// The enum (and, for flags, the set type) for `qualified`.
pub(crate) fn enum_tokens(
    index: &Index<'_>,
    qualified: &str,
    e: &EnumType,
    names: &mut NameSet,
) -> Result<TokenStream, Error> {
    let base_doc = docs::description(index, qualified, &e.annotations)
        .unwrap_or_else(|| format!("The `{}` enum type.", e.name));
    if !e.is_flags {
        let name = naming::type_name(&e.name);
        names.claim(&name, qualified)?;
        let doc = format!(
            "{base_doc}\n\nCSDL: enum type `{qualified}`. {}",
            MATCHING_DOC
        );
        return member_enum(index, qualified, e, &name, &doc);
    }
    let set_name = naming::type_name(&e.name);
    let flag_name = index.flag_enum_name(qualified);
    names.claim(&set_name, qualified)?;
    names.claim(&flag_name, &format!("{qualified} (members)"))?;
    let flag_doc =
        format!("One member of the flags enum [`{set_name}`] (`{qualified}`). {MATCHING_DOC}");
    let mut out = member_enum(index, qualified, e, &flag_name, &flag_doc)?;
    let set_doc = doc_attrs(&format!(
        "{base_doc}\n\nCSDL: flags enum type `{qualified}`: a set of [`{flag_name}`] members, \
         written on the wire as a comma-separated string (`\"a,b\"`)."
    ));
    let set = naming::type_ident(&set_name);
    let flag = naming::type_ident(&flag_name);
    out.extend(quote! {
        #set_doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        pub struct #set(pub Vec<#flag>);

        impl #set {
            /// Whether the set contains `member`.
            pub fn contains(&self, member: &#flag) -> bool {
                self.0.contains(member)
            }
        }

        impl std::fmt::Display for #set {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                for (i, m) in self.0.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    f.write_str(msgraph_odata::ODataEnum::as_str(m))?;
                }
                Ok(())
            }
        }

        impl std::str::FromStr for #set {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self(
                    s.split(',')
                        .map(str::trim)
                        .filter(|m| !m.is_empty())
                        .map(msgraph_odata::parse_enum)
                        .collect(),
                ))
            }
        }

        impl serde::Serialize for #set {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for #set {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                let Ok(set) = raw.parse();
                Ok(set)
            }
        }
    });
    Ok(out)
}

const MATCHING_DOC: &str = "Names match exactly, then ASCII case-insensitively; any other \
text is kept in the catch-all variant and written back unchanged.";

fn member_enum(
    index: &Index<'_>,
    qualified: &str,
    e: &EnumType,
    rust_name: &str,
    doc: &str,
) -> Result<TokenStream, Error> {
    let ident = naming::type_ident(rust_name);
    let mut variants_names = NameSet::new(format!("enum `{rust_name}` ({qualified})"));
    let sentinel_pos = e.members.iter().position(|m| m.name == SENTINEL);
    let mut variants = TokenStream::new();
    let mut members = Vec::new();
    let mut arms = Vec::new();
    for (i, m) in e.members.iter().enumerate() {
        let v = variants_names.claim_unique(&naming::type_name(&m.name), &m.name);
        let vi = naming::type_ident(&v);
        let target = format!("{qualified}/{}", m.name);
        let mut vdoc = docs::description(index, &target, &m.annotations)
            .unwrap_or_else(|| format!("`{}`", m.name));
        if vdoc != format!("`{}`", m.name) {
            vdoc.push_str(&format!("\n\nWire name `{}`.", m.name));
        }
        if m.name == SENTINEL {
            vdoc.push_str(
                "\n\nEvolvable-enum sentinel: the service sends it for members added after \
                 this client's CSDL unless `Prefer: include-unknown-enum-members` is set.",
            );
        } else if sentinel_pos.is_some_and(|p| i > p) {
            vdoc.push_str(
                "\n\nDeclared after `unknownFutureValue`: sent only with \
                 `Prefer: include-unknown-enum-members`.",
            );
        }
        let vdoc = doc_attrs(&vdoc);
        let deprecated = docs::deprecation(index, &target, &m.annotations);
        variants.extend(quote!(#vdoc #deprecated #vi,));
        let wire = m.name.as_str();
        members.push(quote!((#wire, Self::#vi)));
        arms.push(quote!(Self::#vi => #wire));
    }
    let other = if variants_names.claim("Other", "(catch-all)").is_ok() {
        "Other"
    } else {
        variants_names.claim("Unrecognized", "(catch-all)")?;
        "Unrecognized"
    };
    let other = naming::type_ident(other);
    let docs = doc_attrs(doc);
    // Deprecated members are still matched by the trait impl; that use is not a warning.
    let allow_deprecated = e
        .members
        .iter()
        .any(|m| {
            docs::deprecation(index, &format!("{qualified}/{}", m.name), &m.annotations).is_some()
        })
        .then(|| quote!(#[allow(deprecated)]));
    Ok(quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #variants
            /// A member not declared in the CSDL this crate was generated from, holding the
            /// exact text received; it is written back unchanged.
            #other(String),
        }

        #allow_deprecated
        impl msgraph_odata::ODataEnum for #ident {
            const MEMBERS: &'static [(&'static str, Self)] = &[#(#members),*];

            fn unknown(raw: String) -> Self {
                Self::#other(raw)
            }

            fn as_str(&self) -> &str {
                match self {
                    #(#arms,)*
                    Self::#other(raw) => raw,
                }
            }
        }

        impl #ident {
            /// The wire name (for the catch-all variant, the exact text received).
            pub fn as_str(&self) -> &str {
                msgraph_odata::ODataEnum::as_str(self)
            }
        }

        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for #ident {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(msgraph_odata::parse_enum(s))
            }
        }

        impl serde::Serialize for #ident {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                msgraph_odata::serialize_enum(self, s)
            }
        }

        impl<'de> serde::Deserialize<'de> for #ident {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                msgraph_odata::deserialize_enum(d)
            }
        }
    })
}
