//! The CSV columns of the `callrecords` exporter, from the CSDL.
//!
//! An export row type becomes a list of column names (wire names, joined with
//! `.` for nested values), by these rules:
//!
//! * properties in CSDL order, the base type's first, then navigation properties;
//! * a primitive or enum value is one column; so is a collection, a navigation
//!   collection and a structured type without declared properties (written as JSON);
//! * a single structured value is flattened (`organizer.user.id`), over the union of its
//!   type's properties and those of its derived types declared in the exported namespace,
//!   base first: `endpoint` gives `participantEndpoint`'s too, `microsoft.graph.identity`
//!   the `userPrincipalName` of `callRecords.userIdentity` (not those of its dozens of
//!   derived types elsewhere). A polymorphic type of the exported namespace starts with an
//!   `@odata.type` column;
//! * a type already being flattened further up (a cycle) is one column.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Index;
use crate::emit::{emit, inner_doc_attrs, GeneratedFile};
use crate::Error;
use msgraph_csdl::{Document, StructuredType};

/// The namespace whose row types are exported.
const NAMESPACE: &str = "microsoft.graph.callRecords";

/// One exported row type: the constant's name, whether it is the beta type,
/// and the type's name in [`NAMESPACE`].
const ROWS: &[(&str, bool, &str)] = &[
    ("V1_PSTN_CALL_LOG_ROW", false, "pstnCallLogRow"),
    ("V1_DIRECT_ROUTING_LOG_ROW", false, "directRoutingLogRow"),
    ("V1_CALL_RECORD", false, "callRecord"),
    ("V1_SESSION", false, "session"),
    ("BETA_PSTN_CALL_LOG_ROW", true, "pstnCallLogRow"),
    ("BETA_DIRECT_ROUTING_LOG_ROW", true, "directRoutingLogRow"),
    ("BETA_SMS_LOG_ROW", true, "smsLogRow"),
    (
        "BETA_PSTN_BLOCKED_USERS_LOG_ROW",
        true,
        "pstnBlockedUsersLogRow",
    ),
    (
        "BETA_PSTN_ONLINE_MEETING_DIALOUT_REPORT",
        true,
        "pstnOnlineMeetingDialoutReport",
    ),
];

/// The exporter's column file at `path` (relative to the workspace root; `[output].cli_columns`
/// of `codegen.toml`): one `&[&str]` per exported row type.
pub fn generate_cli_columns(
    path: &str,
    v1: &Document,
    beta: &Document,
) -> Result<GeneratedFile, Error> {
    let v1_index = Index::new(v1)?;
    let beta_index = Index::new(beta)?;
    let mut items = TokenStream::new();
    for (name, is_beta, row) in ROWS {
        let (index, label) = if *is_beta {
            (&beta_index, "beta")
        } else {
            (&v1_index, "v1.0")
        };
        let qualified = format!("{NAMESPACE}.{row}");
        let cols = row_columns(index, &qualified)?;
        let doc = format!(" `{qualified}` (Graph {label}): {} columns.", cols.len());
        let ident = format_ident!("{name}");
        items.extend(quote! {
            #[doc = #doc]
            pub const #ident: &[&str] = &[#(#cols),*];
        });
    }
    let module_doc = inner_doc_attrs(
        "The CSV columns of each exported row type, from the CSDL in `metadata/` (rules: \
         `msgraph_codegen::models::columns`).",
    );
    emit(path, quote!(#module_doc #items))
}

/// The columns of row type `qualified`.
fn row_columns(index: &Index<'_>, qualified: &str) -> Result<Vec<String>, Error> {
    let ty = structured(index, qualified)?;
    let mut out = Vec::new();
    flatten(
        index,
        qualified,
        ty,
        "",
        &mut vec![qualified.to_string()],
        &mut out,
    )?;
    Ok(out)
}

fn structured<'a>(index: &Index<'a>, qualified: &str) -> Result<&'a StructuredType, Error> {
    index
        .doc
        .find_structured(qualified)
        .ok_or_else(|| Error::UnresolvedType {
            name: qualified.to_string(),
            referenced_by: "the exporter's row types".to_string(),
        })
}

/// Appends the columns of a value of type `qualified` under `prefix`
/// (`""` or ending with `.`); `stack` holds the types being flattened.
fn flatten(
    index: &Index<'_>,
    qualified: &str,
    ty: &StructuredType,
    prefix: &str,
    stack: &mut Vec<String>,
    out: &mut Vec<String>,
) -> Result<(), Error> {
    let exported =
        |name: &str| msgraph_csdl::split_qualified(name).map(|(ns, _)| ns) == Some(NAMESPACE);
    let mut types = vec![(qualified.to_string(), ty)];
    if !prefix.is_empty() {
        let derived: Vec<_> = index
            .all_derived(qualified)
            .into_iter()
            .filter(|(name, _)| exported(name))
            .collect();
        if exported(qualified) && !derived.is_empty() {
            push(out, format!("{prefix}@odata.type"));
        }
        types.extend(derived);
    }
    for (name, t) in types {
        for (_, decl) in index.all_properties(&name, t)? {
            for p in &decl.properties {
                member(index, &p.name, &p.ty, prefix, stack, out)?;
            }
        }
    }
    for (_, decl) in index.all_properties(qualified, ty)? {
        for n in &decl.navigation_properties {
            member(index, &n.name, &n.ty, prefix, stack, out)?;
        }
    }
    Ok(())
}

/// Appends the column(s) of one member.
fn member(
    index: &Index<'_>,
    name: &str,
    ty: &msgraph_csdl::TypeRef,
    prefix: &str,
    stack: &mut Vec<String>,
    out: &mut Vec<String>,
) -> Result<(), Error> {
    let column = format!("{prefix}{name}");
    let nested = match index.doc.find_structured(&ty.name) {
        Some(t) if !ty.collection && !stack.contains(&ty.name) => Some(t),
        _ => None,
    };
    match nested {
        Some(t) if has_members(index, &ty.name, t)? => {
            stack.push(ty.name.clone());
            flatten(index, &ty.name, t, &format!("{column}."), stack, out)?;
            stack.pop();
        }
        _ => push(out, column),
    }
    Ok(())
}

/// Whether a structured type (or a base) declares any property.
fn has_members(index: &Index<'_>, qualified: &str, ty: &StructuredType) -> Result<bool, Error> {
    Ok(index
        .all_properties(qualified, ty)?
        .iter()
        .any(|(_, t)| !t.properties.is_empty() || !t.navigation_properties.is_empty()))
}

/// Appends a column once (a derived type may redeclare a base's property).
fn push(out: &mut Vec<String>, column: String) {
    if !out.contains(&column) {
        out.push(column);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="microsoft.graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <ComplexType Name="identity" OpenType="true"><Property Name="displayName" Type="Edm.String"/><Property Name="id" Type="Edm.String"/></ComplexType>
  <ComplexType Name="guestIdentity" BaseType="microsoft.graph.identity"><Property Name="email" Type="Edm.String"/></ComplexType>
  <ComplexType Name="tokens" OpenType="true"/>
</Schema>
<Schema Namespace="microsoft.graph.callRecords" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <ComplexType Name="agent" Abstract="true"><Property Name="header" Type="Edm.String"/></ComplexType>
  <ComplexType Name="clientAgent" BaseType="microsoft.graph.callRecords.agent"><Property Name="platform" Type="Edm.String"/></ComplexType>
  <ComplexType Name="userIdentity" BaseType="microsoft.graph.identity"><Property Name="userPrincipalName" Type="Edm.String"/></ComplexType>
  <ComplexType Name="node"><Property Name="next" Type="microsoft.graph.callRecords.node"/></ComplexType>
  <EntityType Name="row">
    <Key><PropertyRef Name="id"/></Key>
    <Property Name="id" Type="Edm.String" Nullable="false"/>
    <Property Name="who" Type="microsoft.graph.identity"/>
    <Property Name="agent" Type="microsoft.graph.callRecords.agent"/>
    <Property Name="all" Type="Collection(microsoft.graph.identity)"/>
    <Property Name="tokens" Type="microsoft.graph.tokens"/>
    <Property Name="node" Type="microsoft.graph.callRecords.node"/>
    <NavigationProperty Name="children" Type="Collection(microsoft.graph.callRecords.row)"/>
  </EntityType>
</Schema></edmx:DataServices></edmx:Edmx>"#;

    #[test]
    fn the_rules_of_the_module_docs() {
        let doc = msgraph_csdl::load(DOC.as_bytes(), "inline").unwrap_or_else(|e| panic!("{e}"));
        let index = Index::new(&doc).unwrap_or_else(|e| panic!("{e}"));
        let cols = row_columns(&index, "microsoft.graph.callRecords.row")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            cols,
            [
                "id",
                // Another namespace's polymorphic type: its properties and those of
                // its derived types in the exported namespace only.
                "who.displayName",
                "who.id",
                "who.userPrincipalName",
                // The exported namespace's: @odata.type and the union.
                "agent.@odata.type",
                "agent.header",
                "agent.platform",
                // A collection, a type without properties, a cycle: one column.
                "all",
                "tokens",
                "node.next",
                "children",
            ]
        );
    }
}
