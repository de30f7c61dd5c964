//! Small inline CSDL fixtures covering every construct the reader handles.

use msgraph_csdl::{
    load, parse, AnnotationValue, OperationKind, Position, Primitive, StructuredKind, TypeRef,
};

/// A document exercising every construct, with the `graph.` alias in use.
const FIXTURE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="test.main" Alias="t" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color">
        <Member Name="red" />
        <Member Name="green" />
        <Member Name="blue" />
      </EnumType>
      <EnumType Name="perms" IsFlags="true" UnderlyingType="Edm.Int64">
        <Member Name="none" Value="0" />
        <Member Name="read" Value="1" />
        <Member Name="write" Value="2">
          <Annotation Term="Core.Description" String="May write" />
        </Member>
      </EnumType>
      <TypeDefinition Name="money" UnderlyingType="Edm.Decimal" />
      <EntityType Name="entity" Abstract="true">
        <Key>
          <PropertyRef Name="id" />
        </Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="thing" BaseType="t.entity" OpenType="true" HasStream="true">
        <Property Name="price" Type="Edm.Decimal" Precision="10" Scale="variable" />
        <Property Name="name" Type="Edm.String" MaxLength="64" DefaultValue="x &amp; y">
          <Annotation Term="Org.OData.Core.V1.Description">
            <String>The name &lt;b&gt; &#65;</String>
          </Annotation>
        </Property>
        <Property Name="tags" Type="Collection(Edm.String)" Nullable="false" />
        <Property Name="color" Type="t.color" />
        <Property Name="holder" Type="test.other.holder" />
        <NavigationProperty Name="parts" Type="Collection(t.part)" ContainsTarget="true" />
        <NavigationProperty Name="owner" Type="t.thing" Nullable="false" Partner="owned">
          <ReferentialConstraint Property="x" ReferencedProperty="y" />
          <OnDelete Action="Cascade" />
        </NavigationProperty>
        <FutureElement><Deep><Deeper /></Deep></FutureElement>
      </EntityType>
      <EntityType Name="part" BaseType="t.entity" />
      <ComplexType Name="address">
        <Property Name="city" Type="Edm.String" />
      </ComplexType>
      <ComplexType Name="homeAddress" BaseType="t.address" />
      <Function Name="find" IsBound="true" IsComposable="true" EntitySetPath="bindingParameter/parts">
        <Parameter Name="bindingParameter" Type="Collection(t.thing)" />
        <Parameter Name="q" Type="Edm.String" Nullable="false">
          <Annotation Term="Core.OptionalParameter" />
        </Parameter>
        <ReturnType Type="Collection(t.part)" Nullable="false">
          <Annotation Term="Core.IsDelta" Bool="true" />
        </ReturnType>
      </Function>
      <Action Name="reset">
        <Parameter Name="all" Type="Edm.Boolean" />
      </Action>
      <Term Name="flag" Type="Edm.Boolean" AppliesTo="EntityType" />
      <EntityContainer Name="Service">
        <EntitySet Name="things" EntityType="t.thing">
          <NavigationPropertyBinding Path="test.main.thing/owner" Target="things" />
          <Annotation Term="Core.Description" String="All things" />
        </EntitySet>
        <Singleton Name="me" Type="t.thing">
          <NavigationPropertyBinding Path="owner" Target="things" />
        </Singleton>
        <FunctionImport Name="findAll" Function="t.find" />
        <ActionImport Name="resetAll" Action="t.reset" />
      </EntityContainer>
      <Annotations Target="t.thing/name">
        <Annotation Term="Org.OData.Core.V1.Revisions">
          <Collection>
            <Record Type="Core.RevisionType">
              <PropertyValue Property="Date" Date="2023-11-06" />
              <PropertyValue Property="Description" String="Use label instead." />
              <PropertyValue Property="Kind">
                <EnumMember>Org.OData.Core.V1.RevisionKind/Deprecated</EnumMember>
              </PropertyValue>
              <PropertyValue Property="RemovalDate" Date="2026-11-06" />
              <PropertyValue Property="Version" String="2023-06/x" />
            </Record>
          </Collection>
        </Annotation>
        <Annotation Term="Org.OData.Capabilities.V1.ReadRestrictions" Qualifier="q1">
          <Record>
            <PropertyValue Property="Readable" Bool="false" />
            <PropertyValue Property="Max" Int="-7" />
            <PropertyValue Property="Props">
              <Collection>
                <PropertyPath>name</PropertyPath>
                <Null />
                <Int>3</Int>
                <Bool>true</Bool>
                <Float>1.5</Float>
              </Collection>
            </PropertyValue>
            <PropertyValue Property="Nav" NavigationPropertyPath="parts" />
          </Record>
        </Annotation>
      </Annotations>
      <Annotations Target="t.find(Collection(t.thing), Edm.String)">
        <Annotation Term="Core.Description" String="Finds." />
      </Annotations>
      <Annotations Target="test.main.Service/things">
        <Annotation Term="Org.OData.Core.V1.AutoExpand" Bool="true" />
      </Annotations>
    </Schema>
    <Schema Namespace="test.other" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="holder">
        <Property Name="address" Type="t.address" />
        <Property Name="when" Type="Edm.DateTimeOffset" />
      </ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

fn doc() -> msgraph_csdl::Document {
    load(FIXTURE.as_bytes(), "fixture.xml").expect("fixture loads")
}

#[test]
fn parse_keeps_names_as_written() {
    let d = parse(FIXTURE.as_bytes(), "fixture.xml").expect("parses");
    let thing = &d.schemas[0].entity_types[1];
    assert_eq!(thing.base_type.as_deref(), Some("t.entity"));
    assert_eq!(
        thing.navigation_properties[0].ty,
        TypeRef {
            collection: true,
            name: "t.part".into()
        }
    );
    assert_eq!(d.schemas[0].annotation_groups[0].target, "t.thing/name");
}

#[test]
fn document_header_references_and_schemas() {
    let d = doc();
    assert_eq!(d.source, "fixture.xml");
    assert_eq!(d.version, "4.0");
    assert_eq!(d.references.len(), 1);
    assert_eq!(
        d.references[0].includes,
        vec![("Org.OData.Core.V1".into(), Some("Core".into()))]
    );
    assert_eq!(d.schemas.len(), 2);
    assert_eq!(d.schemas[0].namespace, "test.main");
    assert_eq!(d.schemas[0].alias.as_deref(), Some("t"));
    assert_eq!(
        d.position(d.schemas[0].span),
        Position { line: 7, column: 5 }
    );
    // A document keeps its text, so its spans still give positions after
    // the bytes it was read from are gone.
    let bytes = FIXTURE.as_bytes().to_vec();
    let owned = load(&bytes, "fixture.xml").expect("loads");
    drop(bytes);
    let span = d.schemas[0].span;
    assert_eq!(owned.position(span), Position { line: 7, column: 5 });
}

#[test]
fn enums_with_implicit_and_explicit_values_and_flags() {
    let d = doc();
    let color = d.find_enum("test.main.color").expect("color");
    let values: Vec<(&str, i64, bool)> = color
        .members
        .iter()
        .map(|m| (m.name.as_str(), m.value, m.explicit_value))
        .collect();
    assert_eq!(
        values,
        [("red", 0, false), ("green", 1, false), ("blue", 2, false)]
    );
    assert!(!color.is_flags);
    let perms = d.find_enum("test.main.perms").expect("perms");
    assert!(perms.is_flags);
    assert_eq!(perms.underlying_type.as_deref(), Some("Edm.Int64"));
    assert_eq!(perms.members[2].value, 2);
    assert!(perms.members[2].explicit_value);
    assert_eq!(
        perms.members[2].annotations[0].term,
        "Org.OData.Core.V1.Description"
    );
    assert_eq!(perms.members[2].annotations[0].as_str(), Some("May write"));
}

#[test]
fn entity_types_keys_flags_properties_and_facets() {
    let d = doc();
    let entity = d.find_structured("test.main.entity").expect("entity");
    assert_eq!(entity.kind, StructuredKind::Entity);
    assert!(entity.is_abstract);
    assert_eq!(entity.key, vec!["id"]);
    assert!(!entity.properties[0].nullable);

    let thing = d.find_structured("test.main.thing").expect("thing");
    assert_eq!(thing.base_type.as_deref(), Some("test.main.entity"));
    assert!(thing.open_type && thing.has_stream && !thing.is_abstract);
    let price = &thing.properties[0];
    assert_eq!(price.ty.primitive(), Some(Primitive::Decimal));
    assert_eq!(
        price.facets,
        vec![
            ("Precision".into(), "10".into()),
            ("Scale".into(), "variable".into())
        ]
    );
    let name = &thing.properties[1];
    assert_eq!(name.default_value.as_deref(), Some("x & y"));
    assert_eq!(name.facets, vec![("MaxLength".into(), "64".into())]);
    assert_eq!(name.annotations[0].as_str(), Some("The name <b> A"));
    assert_eq!(
        d.position(name.span),
        Position {
            line: 29,
            column: 9
        }
    );
    let tags = &thing.properties[2];
    assert!(tags.ty.collection && !tags.nullable);
    assert_eq!(tags.ty.name, "Edm.String");
    assert_eq!(thing.properties[3].ty.name, "test.main.color");
    assert_eq!(thing.properties[4].ty.name, "test.other.holder");
    // The unknown <FutureElement> subtree is skipped.
    assert_eq!(thing.properties.len(), 5);
}

#[test]
fn navigation_properties() {
    let d = doc();
    let thing = d.find_structured("test.main.thing").expect("thing");
    let parts = &thing.navigation_properties[0];
    assert!(parts.contains_target && parts.nullable && parts.ty.collection);
    assert_eq!(parts.ty.name, "test.main.part");
    let owner = &thing.navigation_properties[1];
    assert!(!owner.contains_target && !owner.nullable);
    assert_eq!(owner.partner.as_deref(), Some("owned"));
    assert_eq!(thing.navigation_properties.len(), 2);
}

#[test]
fn complex_types_type_definitions_and_cross_schema_alias() {
    let d = doc();
    let home = d.find_structured("test.main.homeAddress").expect("home");
    assert_eq!(home.kind, StructuredKind::Complex);
    assert_eq!(home.base_type.as_deref(), Some("test.main.address"));
    assert_eq!(
        d.direct_derived_types("test.main.address"),
        ["test.main.homeAddress"]
    );
    let holder = d.find_structured("test.other.holder").expect("holder");
    // The other schema refers to the first through its alias.
    assert_eq!(holder.properties[0].ty.name, "test.main.address");
    let money = &d.schemas[0].type_definitions[0];
    assert_eq!(
        (money.name.as_str(), money.underlying_type.as_str()),
        ("money", "Edm.Decimal")
    );
}

#[test]
fn functions_actions_parameters_and_return_types() {
    let d = doc();
    let s = &d.schemas[0];
    let find = &s.functions[0];
    assert_eq!(find.kind, OperationKind::Function);
    assert!(find.is_bound && find.is_composable);
    assert_eq!(
        find.entity_set_path.as_deref(),
        Some("bindingParameter/parts")
    );
    assert_eq!(find.parameters.len(), 2);
    assert_eq!(find.parameters[0].ty.name, "test.main.thing");
    assert!(find.parameters[0].ty.collection && find.parameters[0].nullable);
    assert!(!find.parameters[1].nullable);
    assert_eq!(
        find.parameters[1].annotations[0].term,
        "Org.OData.Core.V1.OptionalParameter"
    );
    assert_eq!(
        find.parameters[1].annotations[0].value,
        AnnotationValue::Empty
    );
    let ret = find.return_type.as_ref().expect("return type");
    assert_eq!(ret.ty.name, "test.main.part");
    assert!(ret.ty.collection && !ret.nullable);
    let reset = &s.actions[0];
    assert_eq!(reset.kind, OperationKind::Action);
    assert!(!reset.is_bound && reset.return_type.is_none());
}

#[test]
fn terms_and_entity_container() {
    let d = doc();
    let s = &d.schemas[0];
    assert_eq!(s.terms[0].name, "flag");
    assert_eq!(s.terms[0].ty.primitive(), Some(Primitive::Boolean));
    assert_eq!(s.terms[0].applies_to.as_deref(), Some("EntityType"));
    let c = s.entity_container.as_ref().expect("container");
    assert_eq!(c.name, "Service");
    assert_eq!(c.entity_sets[0].name, "things");
    assert_eq!(c.entity_sets[0].entity_type, "test.main.thing");
    assert_eq!(c.entity_sets[0].bindings[0].path, "test.main.thing/owner");
    assert_eq!(c.entity_sets[0].bindings[0].target, "things");
    assert_eq!(c.entity_sets[0].annotations[0].as_str(), Some("All things"));
    assert_eq!(c.singletons[0].name, "me");
    assert_eq!(c.singletons[0].ty, "test.main.thing");
    assert_eq!(c.singletons[0].bindings.len(), 1);
    assert_eq!(
        c.operation_imports,
        vec![
            ("findAll".into(), "test.main.find".into()),
            ("resetAll".into(), "test.main.reset".into())
        ]
    );
}

#[test]
fn out_of_line_annotations_revisions_and_values() {
    let d = doc();
    let groups = &d.schemas[0].annotation_groups;
    assert_eq!(groups[0].target, "test.main.thing/name");
    assert_eq!(
        groups[1].target,
        "test.main.find(Collection(test.main.thing), Edm.String)"
    );
    assert_eq!(groups[2].target, "test.main.Service/things");

    let revs = d.revisions("test.main.thing/name", &[]);
    assert_eq!(revs.len(), 1);
    assert_eq!(revs[0].kind, "Deprecated");
    assert_eq!(revs[0].date.as_deref(), Some("2023-11-06"));
    assert_eq!(revs[0].removal_date.as_deref(), Some("2026-11-06"));
    assert_eq!(revs[0].description.as_deref(), Some("Use label instead."));
    assert_eq!(revs[0].version.as_deref(), Some("2023-06/x"));
    // The record type's alias is qualified through the edmx:Include.
    let AnnotationValue::Collection(items) = &groups[0].annotations[0].value else {
        panic!("expected a collection");
    };
    let AnnotationValue::Record(rev) = &items[0] else {
        panic!("expected a record");
    };
    assert_eq!(rev.ty.as_deref(), Some("Org.OData.Core.V1.RevisionType"));

    let read = &groups[0].annotations[1];
    assert_eq!(read.qualifier.as_deref(), Some("q1"));
    let AnnotationValue::Record(r) = &read.value else {
        panic!("expected a record");
    };
    assert_eq!(r.get("Readable"), Some(&AnnotationValue::Bool(false)));
    assert_eq!(r.get("Max"), Some(&AnnotationValue::Int(-7)));
    assert_eq!(
        r.get("Nav"),
        Some(&AnnotationValue::Path(
            "NavigationPropertyPath".into(),
            "parts".into()
        ))
    );
    assert_eq!(
        r.get("Props"),
        Some(&AnnotationValue::Collection(vec![
            AnnotationValue::Path("PropertyPath".into(), "name".into()),
            AnnotationValue::Null,
            AnnotationValue::Int(3),
            AnnotationValue::Bool(true),
            AnnotationValue::Literal("Float".into(), "1.5".into()),
        ]))
    );
    let desc: Vec<_> = d
        .external_annotations("test.main.find(Collection(test.main.thing), Edm.String)")
        .collect();
    assert_eq!(desc[0].as_str(), Some("Finds."));
}

#[test]
fn resolve_report_counts_references() {
    let mut d = parse(FIXTURE.as_bytes(), "fixture.xml").expect("parses");
    let report = msgraph_csdl::resolve(&mut d).expect("resolves");
    // 9 properties + 2 navigations + 3 parameters + 1 return type + 3 base types
    // + 1 term + 2 container children + 1 binding cast + 1 enum + 1 typedef underlying.
    assert_eq!(report.checked, 24);
    assert!(report.unresolved.is_empty());
    assert!(report.dangling_targets.is_empty());
}

#[test]
fn bom_is_accepted() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(FIXTURE.as_bytes());
    let d = load(&bytes, "bom.xml").expect("loads with BOM");
    assert_eq!(d.schemas.len(), 2);
}

#[test]
fn closure_follows_complex_derivation_and_container_paths() {
    let d = doc();
    let c = msgraph_csdl::closure(&d, "test.other").expect("closure");
    let types: Vec<&str> = c.types.iter().map(String::as_str).collect();
    // holder -> address -> (derived) homeAddress.
    assert_eq!(
        types,
        [
            "test.main.address",
            "test.main.homeAddress",
            "test.other.holder"
        ]
    );
    assert!(c.paths.is_empty());

    let c = msgraph_csdl::closure(&d, "test.main").expect("closure");
    assert!(c.types.contains("test.other.holder"));
    // things and me expose a namespace type directly: no navigation step.
    assert_eq!(c.paths.len(), 2);
    assert!(c.paths.iter().all(|p| p.navigations.is_empty()));
    assert_eq!(c.operations.len(), 1);
    assert_eq!(c.operations[0].name, "test.main.find");

    let err = msgraph_csdl::closure(&d, "nope").expect_err("unknown namespace");
    assert_eq!(err.kind, msgraph_csdl::ErrorKind::UnknownNamespace);
    assert!(err.message.contains("nope"), "{}", err.message);
}

#[test]
fn closure_reaches_a_namespace_through_containment() {
    let xml = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="a" Alias="g" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="entity"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
  <EntityType Name="hub">
    <NavigationProperty Name="recs" Type="Collection(a.b.rec)" ContainsTarget="true"/>
    <NavigationProperty Name="others" Type="Collection(g.other)" ContainsTarget="true"/>
    <NavigationProperty Name="link" Type="a.b.rec"/>
  </EntityType>
  <EntityType Name="other" BaseType="g.entity"/>
  <EntityType Name="top"><NavigationProperty Name="hub" Type="g.hub" ContainsTarget="true"/></EntityType>
  <EntityContainer Name="C"><Singleton Name="root" Type="g.top"/><EntitySet Name="others" EntityType="g.other"/></EntityContainer>
</Schema>
<Schema Namespace="a.b" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="rec" BaseType="g.entity"/>
</Schema></edmx:DataServices></edmx:Edmx>"#;
    let d = load(xml.as_bytes(), "paths.xml").expect("loads");
    let c = msgraph_csdl::closure(&d, "a.b").expect("closure");
    assert_eq!(c.types.iter().collect::<Vec<_>>(), ["a.b.rec", "a.entity"]);
    assert_eq!(c.paths.len(), 1);
    assert_eq!(c.paths[0].url_path(), "/root/hub/recs");
    assert_eq!(c.paths[0].qualified, "a.C/root");
    let owners: Vec<&String> = c.path_only_types().collect();
    assert_eq!(owners, ["a.top", "a.hub"]);
    let navs = c.path_navigations();
    assert_eq!(navs["a.hub"].iter().collect::<Vec<_>>(), ["recs"]);
    assert_eq!(navs["a.top"].iter().collect::<Vec<_>>(), ["hub"]);
}

/// Values with XML escapes are decoded (attribute values and element
/// text); alias-qualified names are rewritten to their namespace.
#[test]
fn escapes_are_decoded_and_aliased_names_qualified() {
    let d = doc();
    let thing = &d.schemas[0].entity_types[1];
    assert_eq!(thing.name, "thing");
    let name = thing.properties.iter().find(|p| p.name == "name").unwrap();
    assert_eq!(name.ty.name, "Edm.String");
    assert_eq!(name.default_value.as_deref(), Some("x & y"));
    match &name.annotations[0].value {
        AnnotationValue::String(s) => assert_eq!(s, "The name <b> A"),
        other => panic!("{other:?}"),
    }
    // `t.entity` became `test.main.entity`.
    assert_eq!(thing.base_type.as_deref(), Some("test.main.entity"));
}

/// Annotations on a `ReturnType` (Graph marks delta functions with
/// `Core.IsDelta` there) are read, qualified, and written back.
#[test]
fn return_type_annotations_are_kept() {
    let xml = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="test.main" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="change"><Property Name="id" Type="Edm.String" /></ComplexType>
      <Function Name="delta" IsComposable="true">
        <ReturnType Type="Collection(test.main.change)">
          <Annotation Term="Core.IsDelta" Bool="true" />
        </ReturnType>
      </Function>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let d = load(xml.as_bytes(), "delta.xml").expect("loads");
    let r = d.schemas[0].functions[0].return_type.as_ref().unwrap();
    assert_eq!(r.annotations.len(), 1);
    assert_eq!(r.annotations[0].term, "Org.OData.Core.V1.IsDelta");
    assert_eq!(r.annotations[0].value, AnnotationValue::Bool(true));
    let written = msgraph_csdl::write::write_document(&d);
    let again = load(written.as_bytes(), "written.xml").expect("reloads");
    let kept = &again.schemas[0].functions[0]
        .return_type
        .as_ref()
        .unwrap()
        .annotations;
    assert_eq!(kept.len(), 1, "{written}");
    assert_eq!(
        (&kept[0].term, &kept[0].value),
        (&r.annotations[0].term, &r.annotations[0].value)
    );
}

/// An unresolved parameter type is reported at the parameter, not at its
/// function; a document built in code has no positions (`0:0`).
#[test]
fn closure_errors_point_at_the_parameter_and_built_documents_have_no_positions() {
    let text = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="a.b" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <Function Name="f">
        <Parameter Name="p" Type="a.b.missing" />
        <ReturnType Type="Edm.String" />
      </Function>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;
    // Parsed, not resolved: the closure finds the reference undeclared.
    let d = parse(text.as_bytes(), "p.xml").expect("parses");
    let e = msgraph_csdl::closure(&d, "a.b").expect_err("undeclared parameter type");
    assert_eq!((e.line, e.column), (5, 9), "{e}");

    let built = msgraph_csdl::Document::default();
    assert_eq!(
        built.position(msgraph_csdl::Span { offset: 7 }),
        Position::default()
    );
}

/// Annotations of annotations, records and property values are kept (in
/// document order, whichever side of the value they are written on), their
/// terms qualified like any other, and kept by an owned document.
#[test]
fn nested_annotations_are_kept_and_qualified() {
    let xml = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="core.xml"><edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" /></edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="n" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="t">
        <Annotation Term="Core.Description" String="d">
          <Annotation Term="Core.IsLanguageDependent" />
        </Annotation>
        <Annotation Term="Core.LongDescription">
          <Annotation Term="Core.IsLanguageDependent" Bool="false" />
          <String>long</String>
        </Annotation>
        <Annotation Term="Core.Revisions">
          <Collection>
            <Record Type="Core.RevisionType">
              <Annotation Term="Core.Description" String="on the record" />
              <PropertyValue Property="Kind">
                <EnumMember>Core.RevisionKind/Deprecated</EnumMember>
                <Annotation Term="Core.Description" String="on the property value" />
              </PropertyValue>
            </Record>
          </Collection>
        </Annotation>
      </ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let doc = load(xml.as_bytes(), "nested.xml").expect("loads");
    let t = &doc.schemas[0].complex_types[0];
    let [description, long, revisions] = &t.annotations[..] else {
        panic!("three annotations: {:?}", t.annotations);
    };
    assert_eq!(description.value, AnnotationValue::String("d".into()));
    assert_eq!(description.annotations.len(), 1);
    assert_eq!(
        description.annotations[0].term,
        "Org.OData.Core.V1.IsLanguageDependent"
    );
    assert_eq!(long.value, AnnotationValue::String("long".into()));
    assert_eq!(long.annotations[0].value, AnnotationValue::Bool(false));
    let AnnotationValue::Collection(items) = &revisions.value else {
        panic!("a collection: {:?}", revisions.value);
    };
    let AnnotationValue::Record(r) = &items[0] else {
        panic!("a record: {:?}", items[0]);
    };
    assert_eq!(r.ty.as_deref(), Some("Org.OData.Core.V1.RevisionType"));
    assert_eq!(r.annotations.len(), 1);
    assert_eq!(r.annotations[0].term, "Org.OData.Core.V1.Description");
    assert_eq!(
        r.annotations[0].value,
        AnnotationValue::String("on the record".into())
    );
    assert_eq!(r.properties.len(), 1);
    assert_eq!(r.properties[0].property, "Kind");
    assert_eq!(
        r.properties[0].annotations[0].value,
        AnnotationValue::String("on the property value".into())
    );
    // None of them landed on the type itself.
    assert_eq!(t.annotations.len(), 3);
}
