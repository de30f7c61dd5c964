//! Tests of the models generator, and snapshots of the API surface (items, fields with wire
//! names and types, variants) of the project's v1.0 and beta metadata: the summaries make API
//! changes reviewable at a glance. The generated files themselves, the edge-case fixture's
//! included (compiled and exercised in the models crate's `tests/edge_cases`), are compared
//! with the generator's output by `cargo xtask codegen --check`, not stored again here.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::{manifest_dir, snapshot_settings, workspace_root};

use msgraph_codegen::models::{generate_models_at, generate_namespaces, Version};
use quote::ToTokens;

fn load(path: &Path) -> msgraph_csdl::Document {
    msgraph_csdl::load_file(path).unwrap_or_else(|e| panic!("{e}"))
}

fn load_str(xml: &str) -> msgraph_csdl::Document {
    msgraph_csdl::load(xml.as_bytes(), "inline").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn edge_case_fixture_gives_one_module_per_namespace() {
    let doc = load(&Path::new(&manifest_dir()).join("tests/fixtures/edge_cases.xml"));
    let modules = generate_namespaces(&doc, "test").unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<_> = modules.iter().map(|m| m.module.as_str()).collect();
    assert_eq!(names, ["graph", "calls"]);
}

/// The public surface of the committed models, per version and namespace. A beta type the
/// generator shares with v1.0 is one `use` line in the beta listing, not a second listing.
#[test]
fn api_surface() {
    let v1 = load(&workspace_root().join("metadata/graph-v1.0.callRecords.xml"));
    let beta = load(&workspace_root().join("metadata/graph-beta.callRecords.xml"));
    let versions = [
        Version {
            module: "v1",
            label: "v1.0",
            feature: None,
            document: &v1,
        },
        Version {
            module: "beta",
            label: "beta",
            feature: Some("beta"),
            document: &beta,
        },
    ];
    let files = generate_models_at("out", &versions).unwrap_or_else(|e| panic!("{e}"));
    let _snapshots = snapshot_settings().bind_to_scope();
    let mut listed = 0;
    for f in &files {
        let Some(rest) = f.path.strip_prefix("out/") else {
            continue;
        };
        let Some((version, module)) = rest.strip_suffix(".rs").and_then(|r| r.split_once('/'))
        else {
            continue;
        };
        if module == "mod" {
            continue;
        }
        listed += 1;
        insta::assert_snapshot!(
            format!("{version}_surface__{module}"),
            summarize(&f.contents)
        );
    }
    assert_eq!(listed, 4, "v1 and beta, graph and callrecords");
}

/// One line per public item, indented lines for fields/variants:
/// `field_name: Type "wireName" [deprecated]`.
fn summarize(source: &str) -> String {
    let file: syn::File = syn::parse_str(source).unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    for item in &file.items {
        match item {
            syn::Item::Struct(s) => {
                let _ = writeln!(out, "struct {}", s.ident);
                for f in &s.fields {
                    let name = f
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    let ty = f.ty.to_token_stream().to_string().replace(' ', "");
                    let _ = writeln!(out, "    {name}: {ty}{}", attrs_note(&f.attrs));
                }
            }
            syn::Item::Use(u) => {
                // One re-exported name a line, so a change is a one-line diff.
                let path = u.tree.to_token_stream().to_string().replace(' ', "");
                let (prefix, names) = path.split_once('{').unwrap_or((&path, ""));
                let _ = writeln!(out, "use {prefix}");
                for name in names
                    .trim_end_matches('}')
                    .split(',')
                    .filter(|n| !n.is_empty())
                {
                    let _ = writeln!(out, "    {name}");
                }
            }
            syn::Item::Enum(e) => {
                let _ = writeln!(out, "enum {}", e.ident);
                for v in &e.variants {
                    let fields = v.fields.to_token_stream().to_string().replace(' ', "");
                    let _ = writeln!(out, "    {}{fields}{}", v.ident, attrs_note(&v.attrs));
                }
            }
            _ => {}
        }
    }
    out
}

fn attrs_note(attrs: &[syn::Attribute]) -> String {
    let mut note = String::new();
    for a in attrs {
        if a.path().is_ident("serde") {
            let _ = a.parse_nested_meta(|m| {
                if m.path.is_ident("rename") {
                    let lit: syn::LitStr = m.value()?.parse()?;
                    let _ = write!(note, " \"{}\"", lit.value());
                } else if m.path.is_ident("with") {
                    let lit: syn::LitStr = m.value()?.parse()?;
                    let short = lit
                        .value()
                        .rsplit("::")
                        .next()
                        .unwrap_or_default()
                        .to_string();
                    let _ = write!(note, " with={short}");
                } else if m.path.is_ident("flatten") {
                    note.push_str(" flatten");
                } else if m.input.peek(syn::Token![=]) {
                    let _: syn::Expr = m.value()?.parse()?;
                }
                Ok(())
            });
        } else if a.path().is_ident("deprecated") {
            note.push_str(" [deprecated]");
        }
    }
    note
}

const CLASH: &str = r#"<?xml version="1.0"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="t" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EnumType Name="os"><Member Name="macOS"/><Member Name="MacOS"/></EnumType>
</Schema></edmx:DataServices></edmx:Edmx>"#;

#[test]
fn clashing_member_names_get_a_numbered_variant_and_keep_the_wire_name() {
    let modules = generate_namespaces(&load_str(CLASH), "test").unwrap_or_else(|e| panic!("{e}"));
    let text = &modules[0].file.contents;
    assert!(text.contains("    MacOs,\n"), "{text}");
    assert!(text.contains("    MacOs2,\n"), "{text}");
    assert!(text.contains("(\"MacOS\", Self::MacOs2)"), "{text}");
}

const TYPE_CLASH: &str = r#"<?xml version="1.0"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="t" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <ComplexType Name="fooBar"/><ComplexType Name="FooBar"/>
</Schema></edmx:DataServices></edmx:Edmx>"#;

#[test]
fn clashing_type_names_are_an_error_naming_both() {
    let err = generate_namespaces(&load_str(TYPE_CLASH), "test").expect_err("must clash");
    let msg = err.to_string();
    assert!(
        msg.contains("FooBar") && msg.contains("t.fooBar") && msg.contains("t.FooBar"),
        "{msg}"
    );
}

const KEYWORD_TYPES: &str = r#"<?xml version="1.0"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="t.self" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <ComplexType Name="Self"><Property Name="async" Type="Edm.String"/><Property Name="super" Type="Edm.Int32"/></ComplexType>
</Schema></edmx:DataServices></edmx:Edmx>"#;

#[test]
fn keyword_names_become_valid_identifiers() {
    let modules =
        generate_namespaces(&load_str(KEYWORD_TYPES), "test").unwrap_or_else(|e| panic!("{e}"));
    let text = &modules[0].file.contents;
    assert_eq!(modules[0].module, "self_");
    assert!(text.contains("pub struct Self_ {"), "{text}");
    assert!(text.contains("pub r#async: Option<String>,"), "{text}");
    assert!(text.contains("pub super_: Option<i32>,"), "{text}");
    assert!(text.contains("rename = \"super\""), "{text}");
}

#[test]
fn output_is_deterministic() {
    let doc = load(&workspace_root().join("metadata/graph-beta.callRecords.xml"));
    let a = generate_namespaces(&doc, "beta").unwrap_or_else(|e| panic!("{e}"));
    let b = generate_namespaces(&doc, "beta").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a, b);
    for m in &a {
        assert!(m.file.contents.starts_with(msgraph_codegen::emit::HEADER));
    }
}

/// Robustness: the whole upstream v1.0 `$metadata` (thousands of types, name clashes such as
/// entity `extension` vs complex type `extensionProperty`) goes through the generator and
/// every module parses as Rust. Skipped when the file is absent.
#[test]
fn whole_upstream_v1_metadata_generates() {
    let path = workspace_root().join("../shared/upstream-metadata/graph-v1.0-metadata.xml");
    if !path.exists() {
        eprintln!("skipped: {} not found", path.display());
        return;
    }
    let doc = load(&path);
    let modules = generate_namespaces(&doc, "v1.0").unwrap_or_else(|e| panic!("{e}"));
    let graph = modules
        .iter()
        .find(|m| m.module == "graph")
        .unwrap_or_else(|| panic!("no graph module"));
    assert!(graph
        .file
        .contents
        .contains("pub struct ExtensionProperty {"));
    assert!(graph
        .file
        .contents
        .contains("pub enum ExtensionPropertyName {"));
    assert!(modules.iter().any(|m| m.module == "callrecords"));
    // Graph's security `alert` declares `additionalData`: the field for
    // undeclared members moves to `additional_data2`, and the docs say so.
    let security = modules
        .iter()
        .find(|m| m.module == "security")
        .unwrap_or_else(|| panic!("no security module"));
    let alert = &security.file.contents[security
        .file
        .contents
        .find("pub struct Alert {")
        .unwrap_or_else(|| panic!("no Alert"))
        .saturating_sub(3000)..];
    let alert = &alert[..alert.find("\n}\n").unwrap_or(alert.len())];
    assert!(alert.contains("pub additional_data2:"), "{alert}");
    assert!(
        alert.contains("kept in `additional_data2`"),
        "the type doc names the field: {alert}"
    );
}

#[test]
fn model_names_for_other_generators() {
    let doc = load(&workspace_root().join("metadata/graph-v1.0.callRecords.xml"));
    let names = msgraph_codegen::models::ModelNames::new(&doc).unwrap_or_else(|e| panic!("{e}"));
    let cr = "microsoft.graph.callRecords";
    assert_eq!(
        names.property_enum(&format!("{cr}.callRecord")).as_deref(),
        Some("CallRecordProperty")
    );
    assert_eq!(names.property_enum(&format!("{cr}.media")), None);
    assert_eq!(
        names.property_enum("microsoft.graph.cloudCommunications"),
        None
    );
    assert_eq!(
        names.value_type(&format!("{cr}.endpoint")).as_deref(),
        Some("AnyEndpoint")
    );
    assert_eq!(
        names.value_type(&format!("{cr}.session")).as_deref(),
        Some("Session")
    );
    assert_eq!(names.module(cr), Some("callrecords"));
}
