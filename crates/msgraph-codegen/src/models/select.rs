//! `<Entity>Property` enums: the structural properties of an entity type (inherited ones
//! included) as `$select` values, with `as_str()` giving the wire name. The request-builder
//! generator uses them for typed `select(...)`.

use proc_macro2::TokenStream;
use quote::quote;

use super::index::NameSet;
use super::Index;
use crate::emit::doc_attrs;
use crate::naming;
use crate::Error;
use msgraph_csdl::StructuredType;

pub(crate) fn property_enum_tokens(
    index: &Index<'_>,
    qualified: &str,
    ty: &StructuredType,
    names: &mut NameSet,
) -> Result<TokenStream, Error> {
    let props = index.all_properties(qualified, ty)?;
    if props.iter().all(|(_, t)| t.properties.is_empty()) {
        return Ok(TokenStream::new());
    }
    let enum_name = index.property_enum_name(qualified);
    names.claim(&enum_name, &format!("{qualified} (properties)"))?;
    let ident = naming::type_ident(&enum_name);
    let struct_name = naming::type_name(&ty.name);
    let mut variant_names = NameSet::new(format!("enum `{enum_name}`"));
    let mut variants = TokenStream::new();
    let mut all = Vec::new();
    let mut arms = Vec::new();
    for (decl_name, decl) in props {
        for p in &decl.properties {
            let v = variant_names.claim_unique(&naming::type_name(&p.name), &p.name);
            let vi = naming::type_ident(&v);
            let deprecated = !index
                .revisions(&format!("{decl_name}/{}", p.name), &p.annotations)
                .iter()
                .all(|r| r.kind != "Deprecated");
            let doc = doc_attrs(&format!(
                "`{}`{}",
                p.name,
                if deprecated {
                    " (deprecated property)."
                } else {
                    "."
                }
            ));
            variants.extend(quote!(#doc #vi,));
            all.push(quote!(Self::#vi));
            let wire = p.name.as_str();
            arms.push(quote!(Self::#vi => #wire));
        }
    }
    let doc = doc_attrs(&format!(
        "Structural properties of [`{struct_name}`] (`{qualified}`), for `$select`."
    ));
    Ok(quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #ident {
            #variants
        }

        impl #ident {
            /// Every property, in CSDL order (inherited ones first).
            pub const ALL: &'static [Self] = &[#(#all),*];

            /// The wire name, as used in `$select`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #(#arms,)*
                }
            }
        }

        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    })
}
