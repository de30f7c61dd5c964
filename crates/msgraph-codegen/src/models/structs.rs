//! One struct per entity or complex type, with inherited properties copied in (no
//! `serde(flatten)` for inheritance: flatten buffers every value and is several times slower).
//!
//! Serialization is derived; deserialization reads member by member
//! ([`msgraph_odata::object`]): each declared member straight into its field,
//! every other member into `additional_data`, so nothing the service sends is
//! dropped, also members added to the API after the metadata was imported.

use proc_macro2::TokenStream;
use quote::quote;

use super::cycles::BoxedFields;
use super::index::NameSet;
use super::{docs, types, Index};
use crate::emit::doc_attrs;
use crate::naming;
use crate::Error;
use msgraph_csdl::{StructuredKind, StructuredType};

/// The struct for `qualified`; the members in `boxed` are `Option<Box<T>>`.
pub(crate) fn struct_tokens(
    index: &Index<'_>,
    qualified: &str,
    ty: &StructuredType,
    boxed: &BoxedFields,
    names: &mut NameSet,
) -> Result<TokenStream, Error> {
    let (ns, _) = msgraph_csdl::split_qualified(qualified).unwrap_or(("", qualified));
    let rust_name = naming::type_name(&ty.name);
    names.claim(&rust_name, qualified)?;
    let ident = naming::type_ident(&rust_name);
    let chain = index.all_properties(qualified, ty)?;
    let open = chain.iter().any(|(_, t)| t.open_type);

    let mut fields = TokenStream::new();
    // `match` arms of `Members::member`: wire name -> field.
    let mut arms = TokenStream::new();
    let mut field_names = NameSet::new(format!("struct `{rust_name}` ({qualified})"));

    field_names.claim("odata_type", "@odata.type")?;
    arms.extend(member_arm("odata_type", "@odata.type", None));
    fields.extend(quote! {
        /// `@odata.type`: the runtime type as received (`#` + qualified name), kept so values
        /// round-trip; absent when the value has its declared type.
        #[serde(rename = "@odata.type", skip_serializing_if = "Option::is_none")]
        pub odata_type: Option<String>,
    });
    if ty.kind == StructuredKind::Entity {
        field_names.claim("odata_context", "@odata.context")?;
        fields.extend(quote! {
            /// `@odata.context`: the metadata URL a single-entity response carries.
            #[serde(rename = "@odata.context", skip_serializing_if = "Option::is_none")]
            pub odata_context: Option<String>,
        });
        arms.extend(member_arm("odata_context", "@odata.context", None));
    }

    for (decl_name, decl) in &chain {
        for p in &decl.properties {
            let target = format!("{decl_name}/{}", p.name);
            let snake = field_names.claim_unique(&naming::field_name(&p.name), &p.name);
            let mut fty = types::field_type(index, &p.ty, ns, &target)?;
            fty.boxed = boxed.contains(qualified, &target);
            let mut doc = docs::description(index, &target, &p.annotations)
                .unwrap_or_else(|| format!("The `{}` property.", p.name));
            // Nullability and the camelCase wire names are said once, in the crate docs.
            doc.push_str(&format!("\n\nCSDL type `{}`", fty.csdl));
            doc.push_str(&irregular_wire_name(&snake, &p.name));
            if decl_name != qualified {
                doc.push_str(&format!(", inherited from `{decl_name}`"));
            }
            doc.push('.');
            let deprecated = docs::deprecation(index, &target, &p.annotations);
            fields.extend(field_tokens(&snake, &p.name, &fty, &doc, deprecated));
            arms.extend(member_arm(&snake, &p.name, fty.with));
        }
    }
    for (decl_name, decl) in &chain {
        for nav in &decl.navigation_properties {
            let target = format!("{decl_name}/{}", nav.name);
            let snake = field_names.claim_unique(&naming::field_name(&nav.name), &nav.name);
            let mut fty = types::field_type(index, &nav.ty, ns, &target)?;
            fty.boxed = boxed.contains(qualified, &target);
            let mut doc = docs::description(index, &target, &nav.annotations)
                .unwrap_or_else(|| format!("The `{}` navigation property.", nav.name));
            doc.push_str(&format!("\n\nCSDL type `{}`", fty.csdl));
            doc.push_str(&irregular_wire_name(&snake, &nav.name));
            doc.push_str("; present only when expanded (or auto-expanded by the service).");
            let deprecated = docs::deprecation(index, &target, &nav.annotations);
            fields.extend(field_tokens(&snake, &nav.name, &fty, &doc, deprecated));
            arms.extend(member_arm(&snake, &nav.name, fty.with));

            let ctx_snake = format!("{snake}_odata_context");
            let ctx_wire = format!("{}@odata.context", nav.name);
            field_names.claim(&ctx_snake, &ctx_wire)?;
            fields.extend(annotation_field(
                &ctx_snake,
                &ctx_wire,
                "the context URL of the expanded navigation property",
            ));
            arms.extend(member_arm(&ctx_snake, &ctx_wire, None));
            if nav.ty.collection {
                let next_snake = format!("{snake}_next_link");
                let next_wire = format!("{}@odata.nextLink", nav.name);
                field_names.claim(&next_snake, &next_wire)?;
                fields.extend(annotation_field(
                    &next_snake,
                    &next_wire,
                    "the URL of the next page of the expanded collection, when the service paged it",
                ));
                arms.extend(member_arm(&next_snake, &next_wire, None));
            }
        }
    }
    // `additional_data` unless a property took the name (Graph's security
    // `alert` declares `additionalData`): then `additional_data2`.
    let extra_name = field_names.claim_unique("additional_data", "(undeclared members)");
    let extra = naming::field_ident(&extra_name);
    let extra_doc = doc_attrs(if open {
        "Undeclared (\"dynamic\") members of this open type, and any other member not \
         modelled above, kept verbatim so nothing is lost on a round-trip."
    } else {
        "Members the service sent that this model does not declare (added to the API \
         after the metadata was imported), kept verbatim so nothing is lost on a round-trip."
    });
    fields.extend(quote! {
        #extra_doc
        #[serde(flatten)]
        pub #extra: serde_json::Map<String, serde_json::Value>,
    });

    let docs = doc_attrs(&type_doc(index, qualified, ty, open, &extra_name));
    let expecting = format!("an object of type {qualified}");
    Ok(quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct #ident {
            #fields
        }

        // Reading a deprecated member is still reading what the service sent.
        #[allow(deprecated)]
        impl msgraph_odata::object::Members for #ident {
            const EXPECTING: &'static str = #expecting;
            fn member<'de, A: serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                match key {
                    #arms
                    _ => return Ok(false),
                }
                Ok(true)
            }
            fn additional_data(&mut self) -> &mut serde_json::Map<String, serde_json::Value> {
                &mut self.#extra
            }
        }

        msgraph_odata::deserialize_members!(#ident);
    })
}

/// The `match` arm reading member `wire` into field `snake` (through the
/// `with` module's `De` type for the numbers Graph may send as strings).
fn member_arm(snake: &str, wire: &str, with: Option<&str>) -> TokenStream {
    let ident = naming::field_ident(snake);
    match with {
        Some(module) => {
            let module: syn::Path = syn::parse_str(module).expect("helper module paths are valid");
            quote!(#wire => self.#ident = map.next_value::<#module::De>()?.0,)
        }
        None => quote!(#wire => self.#ident = map.next_value()?,),
    }
}

/// `, wire name `x`` when the field's wire name is not the camelCase of its
/// Rust name (the field has an explicit serde `rename`), else nothing.
fn irregular_wire_name(snake: &str, wire: &str) -> String {
    if needs_explicit_rename(snake, wire) {
        format!(", wire name `{wire}`")
    } else {
        String::new()
    }
}

/// True when `rename_all = "camelCase"` does not give `wire` for field `snake`.
fn needs_explicit_rename(snake: &str, wire: &str) -> bool {
    // serde derives the name from the identifier as written (`self_`, `type` for `r#type`).
    let ident_name = naming::field_ident(snake).to_string();
    // Explicit for `self_`-style names too, although serde would drop the trailing `_`.
    naming::needs_rename(ident_name.trim_start_matches("r#"), wire) || ident_name.ends_with('_')
}

fn field_tokens(
    snake: &str,
    wire: &str,
    fty: &types::FieldType,
    doc: &str,
    deprecated: Option<TokenStream>,
) -> TokenStream {
    let ident = naming::field_ident(snake);
    let ty = fty.tokens();
    let docs = doc_attrs(doc);
    let mut args = Vec::new();
    if needs_explicit_rename(snake, wire) {
        args.push(quote!(rename = #wire));
    }
    args.push(quote!(skip_serializing_if = "Option::is_none"));
    if let Some(w) = fty.with {
        args.push(quote!(with = #w));
    }
    quote! {
        #docs
        #deprecated
        #[serde(#(#args),*)]
        pub #ident: #ty,
    }
}

fn annotation_field(snake: &str, wire: &str, what: &str) -> TokenStream {
    let ident = naming::field_ident(snake);
    let docs = doc_attrs(&format!("`{wire}`: {what}."));
    quote! {
        #docs
        #[serde(rename = #wire, skip_serializing_if = "Option::is_none")]
        pub #ident: Option<String>,
    }
}

/// The struct's rustdoc; `extra` names the field for undeclared members.
fn type_doc(
    index: &Index<'_>,
    qualified: &str,
    ty: &StructuredType,
    open: bool,
    extra: &str,
) -> String {
    let kind = match ty.kind {
        StructuredKind::Entity => "entity",
        StructuredKind::Complex => "complex",
    };
    let mut doc = super::docs::description(index, qualified, &ty.annotations)
        .unwrap_or_else(|| format!("The `{}` {kind} type.", ty.name));
    doc.push_str(&format!("\n\nCSDL: {kind} type `{qualified}`"));
    if let Some(base) = &ty.base_type {
        doc.push_str(&format!(
            ", derived from `{base}` (its properties are included)"
        ));
    }
    doc.push('.');
    if ty.is_abstract {
        doc.push_str(" Abstract: values on the wire are always one of its derived types.");
    }
    let kept = if open {
        "Open type: undeclared members are"
    } else {
        "Members it does not declare are"
    };
    doc.push_str(&format!(" {kept} kept in `{extra}`."));
    if index.is_polymorphic(qualified) {
        doc.push_str(&format!(
            "\n\nProperties declared with this type use [`{}`], which dispatches on `@odata.type` \
             to this struct or a derived one.",
            index.dispatch_name(qualified)
        ));
    }
    doc
}
