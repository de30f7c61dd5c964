//! Malformed input: every case is an error naming what and where, never a panic.

mod common;

use common::manifest_dir;

use msgraph_csdl::{load, load_file, parse, Error, ErrorKind};

const HEAD: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="a" xmlns="http://docs.oasis-open.org/odata/ns/edm">
"#;
const TAIL: &str = "</Schema></edmx:DataServices></edmx:Edmx>\n";

/// A document whose schema body (starting on line 3) is `body`.
fn doc(body: &str) -> String {
    format!("{HEAD}{body}\n{TAIL}")
}

fn load_err(xml: &[u8]) -> Error {
    load(xml, "bad.xml").expect_err("must fail")
}

fn at(e: &Error) -> (u32, u32) {
    (e.line, e.column)
}

#[test]
fn empty_file() {
    let e = load_err(b"");
    assert_eq!(e.kind, ErrorKind::Xml);
    assert!(e.message.contains("empty document"), "{e}");
    assert_eq!(at(&e), (1, 1));
    assert_eq!(e.file, "bad.xml");
    assert!(
        e.to_string().starts_with("bad.xml:1:1: empty document"),
        "{e}"
    );
    // Whitespace only is empty too.
    assert!(load_err(b"  \n\n ").message.contains("empty document"));
}

#[test]
fn not_xml() {
    let e = load_err(b"hello, world\n");
    assert_eq!(e.kind, ErrorKind::Xml);
    assert!(e.message.contains("not an XML document"), "{e}");
    assert_eq!(at(&e), (1, 1));

    let e = load_err(b"{\"json\": true}");
    assert_eq!(e.kind, ErrorKind::Xml);
}

#[test]
fn truncated_between_elements() {
    let full = doc(r#"<ComplexType Name="t"><Property Name="p" Type="Edm.String"/></ComplexType>"#);
    let cut = &full[..full.find("</Schema>").expect("tail")];
    let e = load_err(cut.as_bytes());
    assert_eq!(e.kind, ErrorKind::Xml);
    assert!(
        e.message
            .contains("unexpected end of document: <Schema> opened at 2:1 is not closed"),
        "{e}"
    );
    assert_eq!(at(&e), (4, 1));
}

#[test]
fn truncated_inside_a_tag() {
    let full = doc(r#"<ComplexType Name="t"><Property Name="p" Type="Edm.String"/></ComplexType>"#);
    let cut = &full[..full.find("Type=\"Edm").expect("attr")];
    let e = load_err(cut.as_bytes());
    assert_eq!(e.kind, ErrorKind::Xml);
    assert!(e.message.starts_with("malformed XML"), "{e}");
    assert_eq!(e.line, 3);
}

#[test]
fn mismatched_end_tag() {
    let e = load_err(doc(r#"<ComplexType Name="t"></EntityType>"#).as_bytes());
    assert_eq!(e.kind, ErrorKind::Xml);
    assert!(e.message.contains("EntityType"), "{e}");
    assert_eq!(e.line, 3);
}

#[test]
fn wrong_root_element() {
    let e = load_err(b"<?xml version=\"1.0\"?>\n<html><body/></html>");
    assert_eq!(e.kind, ErrorKind::Structure);
    assert_eq!(
        e.message,
        "root element is <html>, expected <edmx:Edmx> (not a CSDL document)"
    );
    assert_eq!(at(&e), (2, 1));
}

#[test]
fn second_root_element() {
    let mut xml = doc("");
    xml.push_str("<edmx:Edmx/>");
    let e = load_err(xml.as_bytes());
    assert!(e.message.contains("second root"), "{e}");
    assert_eq!(at(&e), (5, 1));
}

#[test]
fn unknown_edm_type() {
    let e = load_err(
        doc(r#"<ComplexType Name="t">
  <Property Name="p" Type="Collection(Edm.Strin)"/>
</ComplexType>"#)
        .as_bytes(),
    );
    assert_eq!(e.kind, ErrorKind::UnknownPrimitive);
    assert_eq!(e.message, "unknown primitive type Edm.Strin");
    assert_eq!(at(&e), (4, 3));
}

#[test]
fn unresolved_type_reference() {
    let xml = doc(r#"<ComplexType Name="t">
  <Property Name="p" Type="a.nope"/>
  <Property Name="q" Type="Collection(zz.gone)"/>
</ComplexType>"#);
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Unresolved);
    assert_eq!(
        e.message,
        "2 unresolved type references: a.nope in a.t/p (4:3), zz.gone in a.t/q (5:3)"
    );
    assert_eq!(at(&e), (4, 3));
    // parse alone does not resolve; the report lists them without failing.
    let mut d = parse(xml.as_bytes(), "bad.xml").expect("parses");
    let report = msgraph_csdl::resolve::resolve_report(&mut d).expect("report");
    assert_eq!(report.unresolved.len(), 2);
    assert_eq!(report.unresolved[0].name, "a.nope");
    assert_eq!(report.checked, 2);
}

#[test]
fn many_unresolved_references_are_summarised() {
    let props: String = (0..8)
        .map(|i| format!(r#"<Property Name="p{i}" Type="a.missing{i}"/>"#))
        .collect();
    let e = load_err(doc(&format!(r#"<ComplexType Name="t">{props}</ComplexType>"#)).as_bytes());
    assert!(
        e.message
            .starts_with("8 unresolved type references: a.missing0 in a.t/p0"),
        "{e}"
    );
    assert!(e.message.ends_with("; 3 more"), "{e}");
}

#[test]
fn unresolved_base_and_entity_set_types() {
    let e = load_err(
        doc(r#"<EntityType Name="t" BaseType="a.base"/>
<EntityContainer Name="C"><Singleton Name="s" Type="a.t"/><EntitySet Name="x" EntityType="b.y"/></EntityContainer>"#)
        .as_bytes(),
    );
    assert_eq!(
        e.message,
        "2 unresolved type references: a.base in a.t (BaseType) (3:1), b.y in a.C/x (4:59)"
    );
}

/// Parameters, return types, entity sets and singletons have positions of
/// their own: an unresolved type there points at its element, not at the
/// enclosing function or container.
#[test]
fn unresolved_parameter_and_return_types_point_at_their_element() {
    let e = load_err(
        doc(r#"<Function Name="f">
  <Parameter Name="a" Type="Edm.String"/>
  <Parameter Name="b" Type="a.nope"/>
  <ReturnType Type="Collection(a.gone)"/>
</Function>"#)
        .as_bytes(),
    );
    assert_eq!(
        e.message,
        "2 unresolved type references: a.nope in a.f(b) (5:3), a.gone in a.f (ReturnType) (6:3)"
    );
    assert_eq!(at(&e), (5, 3));
}

#[test]
fn duplicate_type_name_in_a_namespace() {
    let e = load_err(
        doc(r#"<ComplexType Name="t"/>
<EnumType Name="t"><Member Name="x"/></EnumType>"#)
        .as_bytes(),
    );
    assert_eq!(e.kind, ErrorKind::Duplicate);
    assert_eq!(
        e.message,
        "duplicate type name t in namespace a (first declared at 3:1)"
    );
    assert_eq!(at(&e), (4, 1));
}

#[test]
fn bad_boolean() {
    let e = load_err(
        doc(r#"<ComplexType Name="t">
  <Property Name="p" Type="Edm.String" Nullable="yes"/>
</ComplexType>"#)
        .as_bytes(),
    );
    assert_eq!(e.kind, ErrorKind::InvalidValue);
    assert_eq!(
        e.message,
        "Nullable=\"yes\" is not a boolean (expected true or false)"
    );
    assert_eq!(at(&e), (4, 3));

    let e = load_err(doc(r#"<EntityType Name="t" Abstract="1"/>"#).as_bytes());
    assert!(e.message.starts_with("Abstract=\"1\""), "{e}");
}

#[test]
fn bad_annotation_values() {
    let e = load_err(
        doc(r#"<ComplexType Name="t"><Annotation Term="x.y" Bool="maybe"/></ComplexType>"#)
            .as_bytes(),
    );
    assert_eq!(e.kind, ErrorKind::InvalidValue);
    assert!(e.message.contains("\"maybe\" is not a boolean"), "{e}");
    assert_eq!(at(&e), (3, 23));

    let e = load_err(
        doc("<ComplexType Name=\"t\"><Annotation Term=\"x.y\">\n  <Int>12x</Int></Annotation></ComplexType>")
            .as_bytes(),
    );
    assert_eq!(e.message, "Int value \"12x\" is not an integer");
    assert_eq!(at(&e), (4, 3));
}

#[test]
fn bad_enum_value() {
    let e =
        load_err(doc(r#"<EnumType Name="e"><Member Name="x" Value="one"/></EnumType>"#).as_bytes());
    assert_eq!(e.kind, ErrorKind::InvalidValue);
    assert_eq!(e.message, "Value=\"one\" is not an integer");
    assert_eq!(at(&e), (3, 20));
}

#[test]
fn invalid_utf8() {
    let mut xml = doc(r#"<ComplexType Name="t"/>"#).into_bytes();
    // Replace the type name's `t` (line 3, column 20) with a lone continuation byte.
    let name_at = String::from_utf8_lossy(&xml)
        .find("Name=\"t\"")
        .expect("name")
        + 6;
    xml[name_at] = 0x80;
    let e = load_err(&xml);
    assert_eq!(e.kind, ErrorKind::Encoding);
    assert_eq!(e.message, format!("invalid UTF-8 at byte {name_at}"));
    assert_eq!(at(&e), (3, 20));
}

#[test]
fn deeply_nested_garbage_does_not_overflow() {
    let n = 100_000;
    // Unknown elements under the root.
    let mut xml = String::from(r#"<edmx:Edmx Version="4.0" xmlns:edmx="x">"#);
    xml.push('\n');
    xml.push_str(&"<x>".repeat(n));
    xml.push_str(&"</x>".repeat(n));
    xml.push_str("</edmx:Edmx>");
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::TooDeep);
    assert_eq!(e.message, "elements nested deeper than 256 levels");
    // The root is depth 1, so the 256th <x> is the first one too deep.
    assert_eq!(at(&e), (2, 1 + 3 * 255));

    // Nested annotation collections (values the model keeps).
    let body = format!(
        r#"<ComplexType Name="t"><Annotation Term="x.y">{}{}</Annotation></ComplexType>"#,
        "<Collection>".repeat(n),
        "</Collection>".repeat(n)
    );
    let e = load_err(doc(&body).as_bytes());
    assert_eq!(e.kind, ErrorKind::TooDeep);
    assert_eq!(e.line, 3);

    // Unclosed garbage nesting as the whole file.
    let e = load_err("<a>".repeat(n).as_bytes());
    assert_eq!(e.kind, ErrorKind::Structure);
}

#[test]
fn missing_required_attribute() {
    let e = load_err(
        doc(r#"<ComplexType Name="t"/>
<EntityType BaseType="a.t"/>"#)
        .as_bytes(),
    );
    assert_eq!(e.kind, ErrorKind::MissingAttribute);
    assert_eq!(
        e.message,
        "<EntityType> is missing the required attribute Name"
    );
    assert_eq!(at(&e), (4, 1));

    let e = load_err(doc(r#"<ComplexType Name="t"><Property Name="p"/></ComplexType>"#).as_bytes());
    assert_eq!(
        e.message,
        "<Property> is missing the required attribute Type"
    );
    assert_eq!(at(&e), (3, 23));

    let e = load_err(
        "<edmx:Edmx xmlns:edmx=\"x\"><edmx:DataServices><Schema/></edmx:DataServices></edmx:Edmx>"
            .as_bytes(),
    );
    assert_eq!(
        e.message,
        "<Schema> is missing the required attribute Namespace"
    );
}

#[test]
fn malformed_type_names() {
    let e = load_err(
        doc(r#"<ComplexType Name="t"><Property Name="p" Type="Collection(a.t"/></ComplexType>"#)
            .as_bytes(),
    );
    assert_eq!(e.kind, ErrorKind::InvalidValue);
    assert!(e.message.contains("without closing parenthesis"), "{e}");
    let e = load_err(
        doc(r#"<ComplexType Name="t"><Property Name="p" Type=""/></ComplexType>"#).as_bytes(),
    );
    assert_eq!(e.message, "malformed type name \"\"");
}

#[test]
fn unknown_entity_reference() {
    let e = load_err(
        doc(r#"<ComplexType Name="t"><Annotation Term="x.y"><String>a &nbsp; b</String></Annotation></ComplexType>"#)
            .as_bytes(),
    );
    assert_eq!(e.kind, ErrorKind::Xml);
    assert_eq!(e.message, "unknown entity reference &nbsp;");
    assert_eq!(at(&e), (3, 56));
}

#[test]
fn missing_file() {
    let path = std::path::Path::new(&manifest_dir()).join("does-not-exist.xml");
    let e = load_file(&path).expect_err("missing");
    assert_eq!(e.kind, ErrorKind::Io);
    assert!(e.message.starts_with("cannot read file"), "{e}");
    assert!(e.file.ends_with("does-not-exist.xml"));
}

#[test]
fn truncated_real_prefixes_never_panic() {
    // Every prefix of a small valid document is either valid or a clean error.
    let full = doc(
        r#"<EnumType Name="e"><Member Name="x" Value="1"/></EnumType>
<ComplexType Name="t"><Property Name="p" Type="a.e"/><Annotation Term="x.y"><Record><PropertyValue Property="k" String="v"/></Record></Annotation></ComplexType>"#,
    );
    // The shortest complete prefix ends with `</edmx:Edmx>` (the final newline is optional).
    for cut in 0..full.trim_end().len() {
        if let Err(e) = load(&full.as_bytes()[..cut], "cut.xml") {
            assert!(e.line >= 1, "cut {cut}: {e}");
        } else {
            panic!("prefix of length {cut} parsed as complete");
        }
    }
    assert!(load(full.as_bytes(), "full.xml").is_ok());
}

#[test]
fn columns_count_characters_not_bytes() {
    // `é` and `→` are multi-byte in UTF-8; the column counts characters.
    let e = load_err(
        doc(r#"<ComplexType Name="é→t"><Property Name="p" Type="Edm.Nope"/></ComplexType>"#)
            .as_bytes(),
    );
    assert_eq!(e.kind, ErrorKind::UnknownPrimitive);
    assert_eq!(at(&e), (3, 25));
}

#[test]
fn duplicate_attribute() {
    let xml = doc(
        r#"<ComplexType Name="t"><Property Name="x" Type="Edm.String" Name="y"/></ComplexType>"#,
    );
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Xml);
    assert!(
        e.message
            .contains("duplicate attribute Name in <Property> (first at 3:33)"),
        "{e}"
    );
    assert_eq!(at(&e), (3, 60));
}

#[test]
fn dynamic_annotation_expressions_are_refused() {
    // Skipped, `<If>` would leave a Bool term reading as `true`.
    let xml = doc(concat!(
        r#"<ComplexType Name="t"><Annotation Term="Core.Computed">"#,
        r#"<If><Bool>false</Bool><Bool>true</Bool><Bool>false</Bool></If>"#,
        r#"</Annotation></ComplexType>"#
    ));
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert_eq!(
        e.message,
        "unsupported annotation expression <If> in term Core.Computed"
    );
    assert_eq!(at(&e), (3, 56));

    // Deeper inside a record, the enclosing term is named.
    let xml = doc(concat!(
        r#"<ComplexType Name="t">"#,
        "\n",
        r#"<Annotation Term="Org.Links"><Record><PropertyValue Property="href">"#,
        r#"<UrlRef><String>http://x</String></UrlRef>"#,
        r#"</PropertyValue></Record></Annotation></ComplexType>"#
    ));
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert_eq!(
        e.message,
        "unsupported annotation expression <UrlRef> in term Org.Links"
    );
    assert_eq!(at(&e), (4, 69));
}

/// A document with two schemas `first` and `second` (lines 2 and 4).
fn two_schemas(first: &str, second: &str) -> String {
    format!(
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices>\n\
         <Schema {first} xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n\
         </Schema>\n\
         <Schema {second} xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n\
         </Schema></edmx:DataServices></edmx:Edmx>\n"
    )
}

#[test]
fn alias_collisions() {
    let xml = two_schemas(r#"Namespace="a" Alias="x""#, r#"Namespace="b" Alias="x""#);
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Duplicate);
    assert_eq!(
        e.message,
        "duplicate alias x for namespace b (already the alias of a at 2:1)"
    );
    assert_eq!(at(&e), (4, 1));

    // An alias that names another schema's namespace would shadow it.
    let xml = two_schemas(r#"Namespace="a""#, r#"Namespace="b" Alias="a""#);
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Duplicate);
    assert_eq!(
        e.message,
        "alias a of namespace b is the name of another namespace (declared at 2:1)"
    );
    assert_eq!(at(&e), (4, 1));

    // The same, declared the other way round.
    let xml = two_schemas(r#"Namespace="b" Alias="a""#, r#"Namespace="a""#);
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Duplicate);
    assert_eq!(
        e.message,
        "namespace a is already the alias of namespace b (at 2:1)"
    );
    assert_eq!(at(&e), (4, 1));

    // An include's alias collides with a schema's too.
    let xml = concat!(
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">"#,
        "\n",
        r#"<edmx:Reference Uri="u"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core"/></edmx:Reference>"#,
        "\n<edmx:DataServices>\n",
        r#"<Schema Namespace="a" Alias="Core" xmlns="http://docs.oasis-open.org/odata/ns/edm"/>"#,
        "\n</edmx:DataServices></edmx:Edmx>\n"
    );
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Duplicate);
    assert_eq!(
        e.message,
        "duplicate alias Core for namespace a (already the alias of Org.OData.Core.V1 at 2:25)"
    );
    assert_eq!(at(&e), (4, 1));
}

#[test]
fn duplicate_property_and_member_names() {
    let xml = doc(concat!(
        r#"<ComplexType Name="t"><Property Name="p" Type="Edm.String"/>"#,
        "\n",
        r#"<Property Name="p" Type="Edm.Int32"/></ComplexType>"#
    ));
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Duplicate);
    assert_eq!(
        e.message,
        "duplicate property p in type t (first declared at 3:23)"
    );
    assert_eq!(at(&e), (4, 1));

    // A navigation property may not reuse a structural property's name, even
    // after an annotated (non-empty) property.
    let xml = doc(concat!(
        r#"<EntityType Name="e"><Property Name="p" Type="Edm.String">"#,
        r#"<Annotation Term="Core.Description" String="d"/></Property>"#,
        "\n",
        r#"<NavigationProperty Name="p" Type="a.e"/></EntityType>"#
    ));
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Duplicate);
    assert_eq!(
        e.message,
        "duplicate property p in type e (first declared at 3:22)"
    );
    assert_eq!(at(&e), (4, 1));

    let xml = doc(concat!(
        r#"<EnumType Name="color"><Member Name="red"><Annotation Term="Core.Description" String="r"/></Member>"#,
        "\n",
        r#"<Member Name="blue"/><Member Name="red"/></EnumType>"#
    ));
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Duplicate);
    assert_eq!(e.message, "duplicate member red in enum type color");
    assert_eq!(at(&e), (4, 22));
}

/// Large types are checked through a set past the first members: every
/// duplicate is still found, whichever member it repeats and wherever it
/// comes, and the message still names the first declaration.
#[test]
fn duplicate_names_in_large_types() {
    // One member per line (line 3 + i), the type's lines around them.
    let member = |i: usize, name: &str| {
        if i % 5 == 4 {
            format!(r#"<NavigationProperty Name="{name}" Type="a.t"/>"#)
        } else {
            format!(r#"<Property Name="{name}" Type="Edm.String"/>"#)
        }
    };
    let large = |names: &[String]| {
        let members: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| member(i, n))
            .collect();
        doc(&format!(
            "<EntityType Name=\"t\">\n{}\n</EntityType>",
            members.join("\n")
        ))
    };
    let names: Vec<String> = (0..200).map(|i| format!("m{i}")).collect();
    // 200 distinct names load.
    load(large(&names).as_bytes(), "ok.xml").expect("distinct names load");
    let cases = [(0, 15), (3, 16), (15, 17), (16, 40), (9, 199), (120, 150)];
    assert_each_duplicate_found(&names, &cases, large, |repeat| {
        format!(
            "duplicate property m{repeat} in type t (first declared at {}:1)",
            4 + repeat
        )
    });
}

/// Loads `make(names)` with the name at `at` replaced by the one at
/// `repeat`, for each case: a duplicate error at that member, whose line is
/// `4 + at` (one member per line), worded by `message(repeat)`.
fn assert_each_duplicate_found(
    names: &[String],
    cases: &[(usize, usize)],
    make: impl Fn(&[String]) -> String,
    message: impl Fn(usize) -> String,
) {
    for &(repeat, at_index) in cases {
        let mut with_dup = names.to_vec();
        with_dup[at_index] = names[repeat].clone();
        let e = load_err(make(&with_dup).as_bytes());
        let what = format!("{} again at {at_index}", names[repeat]);
        assert_eq!(e.kind, ErrorKind::Duplicate, "{what}");
        assert_eq!(e.message, message(repeat), "{what}");
        assert_eq!(at(&e), (4 + at_index as u32, 1), "{what}");
    }
}

/// Large enums are checked through a set past the first members too.
#[test]
fn duplicate_members_in_large_enums() {
    let names: Vec<String> = (0..100).map(|i| format!("v{i}")).collect();
    let enum_doc = |names: &[String]| {
        let members: Vec<String> = names
            .iter()
            .map(|n| format!(r#"<Member Name="{n}"/>"#))
            .collect();
        doc(&format!(
            "<EnumType Name=\"e\">\n{}\n</EnumType>",
            members.join("\n")
        ))
    };
    let text = enum_doc(&names);
    let ok = load(text.as_bytes(), "ok.xml").expect("distinct members load");
    let e = &ok.schemas[0].enum_types[0];
    assert_eq!(e.members.len(), 100);
    assert_eq!(e.members[99].value, 99);
    let cases = [(0, 15), (2, 16), (15, 17), (16, 60), (99 - 1, 99)];
    assert_each_duplicate_found(&names, &cases, enum_doc, |repeat| {
        format!("duplicate member v{repeat} in enum type e")
    });
}

/// The member-name set is refilled for each large type: two large types
/// (and a large enum) with the same member names load.
#[test]
fn large_types_may_share_member_names() {
    let members: Vec<String> = (0..40)
        .map(|i| format!(r#"<Property Name="m{i}" Type="Edm.String"/>"#))
        .collect();
    let enum_members: Vec<String> = (0..40)
        .map(|i| format!(r#"<Member Name="m{i}"/>"#))
        .collect();
    let body = format!(
        "<EnumType Name=\"e\">{}</EnumType>\n<ComplexType Name=\"t1\">{}</ComplexType>\n<ComplexType Name=\"t2\">{}</ComplexType>",
        enum_members.join(""),
        members.join(""),
        members.join("")
    );
    let text = doc(&body);
    let loaded = load(text.as_bytes(), "ok.xml").expect("loads");
    let s = &loaded.schemas[0];
    assert_eq!(s.complex_types[1].properties.len(), 40);
    assert_eq!(s.enum_types[0].members.len(), 40);
}

/// Each annotation term is decoded (or refused) on its own text, also
/// next to an equal-looking one.
#[test]
fn repeated_annotation_terms_are_decoded_as_written() {
    let annotated = |terms: &[&str]| {
        let annotations: Vec<String> = terms
            .iter()
            .map(|t| format!(r#"<Annotation Term="{t}" Bool="true"/>"#))
            .collect();
        doc(&format!(
            "<ComplexType Name=\"t\">{}</ComplexType>",
            annotations.join("\n")
        ))
    };
    let text = annotated(&["x.a&amp;lt;b", "x.a&lt;b", "x.a&lt;b", "x.a&amp;lt;b"]);
    let d = load(text.as_bytes(), "ok.xml").expect("loads");
    let terms: Vec<&str> = d.schemas[0].complex_types[0]
        .annotations
        .iter()
        .map(|a| a.term.as_str())
        .collect();
    assert_eq!(terms, ["x.a&lt;b", "x.a<b", "x.a<b", "x.a&lt;b"]);
    // A broken escape after a good one with the same decoded text.
    let e = load_err(annotated(&["x.a&amp;b", "x.a&b"]).as_bytes());
    assert_eq!(e.kind, ErrorKind::InvalidValue);
    assert!(e.message.starts_with("bad escape"), "{}", e.message);
    assert_eq!(at(&e), (4, 1));
}

/// Parses and resolves `xml`: every reference resolves, no annotation
/// target dangles.
fn resolves_cleanly(xml: &str) -> msgraph_csdl::Document {
    let mut d = parse(xml.as_bytes(), "ok.xml").expect("parses");
    let report = msgraph_csdl::resolve_report(&mut d).expect("resolves");
    assert!(report.unresolved.is_empty(), "{:?}", report.unresolved);
    assert!(
        report.dangling_targets.is_empty(),
        "{:?}",
        report.dangling_targets
    );
    d
}

/// Names are not checked to be simple identifiers: one with dots is found
/// by its whole qualified name, as before names were keyed by namespace.
#[test]
fn dotted_type_names_resolve_by_their_qualified_name() {
    let body = concat!(
        r#"<ComplexType Name="x.y"/>"#,
        "\n",
        r#"<ComplexType Name="t"><Property Name="p" Type="a.x.y"/></ComplexType>"#,
        "\n",
        r#"<Annotations Target="a.x.y"><Annotation Term="Core.Description" String="d"/></Annotations>"#
    );
    resolves_cleanly(&doc(body));
    // `b.c` in `a` and `c` in `a.b` are the same qualified name.
    let xml = concat!(
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>"#,
        "\n",
        r#"<Schema Namespace="a" xmlns="http://docs.oasis-open.org/odata/ns/edm"><ComplexType Name="b.c"/></Schema>"#,
        "\n",
        r#"<Schema Namespace="a.b" xmlns="http://docs.oasis-open.org/odata/ns/edm"><ComplexType Name="c"/></Schema>"#,
        "\n</edmx:DataServices></edmx:Edmx>\n"
    );
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Duplicate);
    assert_eq!(
        e.message,
        "duplicate type name c in namespace a.b (first declared at 2:71)"
    );
}

/// An empty alias qualifies `.Name` in targets and paths like any alias.
#[test]
fn an_empty_alias_qualifies_targets() {
    let xml = concat!(
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>"#,
        "\n",
        r#"<Schema Namespace="a" Alias="" xmlns="http://docs.oasis-open.org/odata/ns/edm">"#,
        r#"<ComplexType Name="t"><Property Name="p" Type=".t"/></ComplexType>"#,
        r#"<Annotations Target=".t/p"><Annotation Term="Core.Description" String="d"/></Annotations>"#,
        "</Schema>\n</edmx:DataServices></edmx:Edmx>\n"
    );
    let d = resolves_cleanly(xml);
    let s = &d.schemas[0];
    assert_eq!(s.annotation_groups[0].target, "a.t/p");
    assert_eq!(s.complex_types[0].properties[0].ty.name, "a.t");
}

#[test]
fn key_naming_no_property() {
    let xml = doc(concat!(
        r#"<EntityType Name="base"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String"/></EntityType>"#,
        "\n",
        r#"<EntityType Name="e" BaseType="a.base"><Key><PropertyRef Name="code"/></Key><Property Name="name" Type="Edm.String"/></EntityType>"#
    ));
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Unresolved);
    assert_eq!(
        e.message,
        "key property code of a.e is not a property of the type or its base types"
    );
    assert_eq!(at(&e), (4, 1));

    // A key declared by a base type's property is fine.
    let ok = doc(concat!(
        r#"<EntityType Name="base"><Property Name="id" Type="Edm.String"/></EntityType>"#,
        "\n",
        r#"<EntityType Name="e" BaseType="a.base"><Key><PropertyRef Name="id"/></Key></EntityType>"#
    ));
    let d = load(ok.as_bytes(), "ok.xml").expect("inherited key property");
    assert_eq!(d.schemas[0].entity_types[1].key, vec!["id".to_string()]);
}

#[test]
fn duplicate_attribute_after_many() {
    // Past the first 16 attributes the check still holds.
    let many: String = (0..20).map(|i| format!(r#" x{i}="v""#)).collect();
    let xml = doc(&format!(
        r#"<ComplexType Name="t"{many} x18="w"></ComplexType>"#
    ));
    let e = load_err(xml.as_bytes());
    assert_eq!(e.kind, ErrorKind::Xml);
    assert!(
        e.message
            .contains("duplicate attribute x18 in <ComplexType> (first at 3:"),
        "{e}"
    );
    let col = xml
        .lines()
        .nth(2)
        .and_then(|l| l.rfind("x18"))
        .expect("x18") as u32
        + 1;
    assert_eq!(at(&e), (3, col));
}

#[test]
fn same_local_name_with_another_prefix_is_a_duplicate() {
    // Attributes are read by local name: `m:Name` would silently replace `Name`.
    let e = load_err(
        doc(r#"<ComplexType Name="t" m:Name="z" xmlns:m="urn:m"></ComplexType>"#).as_bytes(),
    );
    assert_eq!(e.kind, ErrorKind::Xml);
    assert!(
        e.message
            .contains("duplicate attribute m:Name in <ComplexType> (first at 3:14)"),
        "{e}"
    );
    assert_eq!(at(&e), (3, 23));
}
