//! The CSDL walk and the facts table on small documents: what is generated, and the errors
//! that name what is wrong.

use msgraph_codegen::builders::plan::{plan, NodeKind};
use msgraph_codegen::builders::{builder_tokens, BuilderError};
use msgraph_codegen::models::Version;
use msgraph_csdl::Document;

const HEAD: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
      <EntityType Name="cloudCommunications">
        <NavigationProperty Name="calls" Type="Collection(graph.entity)" ContainsTarget="true" />
        <NavigationProperty Name="callRecords" Type="Collection(microsoft.graph.callRecords.callRecord)" ContainsTarget="true" />
      </EntityType>
      <EntityContainer Name="GraphService">
        <Singleton Name="communications" Type="microsoft.graph.cloudCommunications" />
      </EntityContainer>
    </Schema>
    <Schema Namespace="microsoft.graph.callRecords" xmlns="http://docs.oasis-open.org/odata/ns/edm">
"#;
const TAIL: &str = "    </Schema>\n  </edmx:DataServices>\n</edmx:Edmx>\n";

fn doc(call_records_schema: &str) -> Document {
    let text = format!("{HEAD}{call_records_schema}{TAIL}");
    msgraph_csdl::load(text.as_bytes(), "fixture.xml").unwrap_or_else(|e| panic!("{e}"))
}

const RECORD: &str = r#"
      <EntityType Name="callRecord" BaseType="graph.entity">
        <Property Name="startDateTime" Type="Edm.DateTimeOffset" Nullable="false" />
        <NavigationProperty Name="sessions" Type="Collection(microsoft.graph.callRecords.session)" ContainsTarget="true" />
        <NavigationProperty Name="participants_v2" Type="Collection(microsoft.graph.callRecords.participant)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="session" BaseType="graph.entity">
        <NavigationProperty Name="segments" Type="Collection(microsoft.graph.callRecords.segment)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="segment" BaseType="graph.entity" />
      <EntityType Name="participant" BaseType="graph.entity" />
      <ComplexType Name="pstnCallLogRow"><Property Name="id" Type="Edm.String" /></ComplexType>
"#;

const PSTN: &str = r#"
      <Function Name="getPstnCalls" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(microsoft.graph.callRecords.callRecord)" />
        <Parameter Name="fromDateTime" Type="Edm.DateTimeOffset" Nullable="false" />
        <Parameter Name="toDateTime" Type="Edm.DateTimeOffset" Nullable="false" />
        <ReturnType Type="Collection(microsoft.graph.callRecords.pstnCallLogRow)" />
      </Function>
"#;

#[test]
fn walks_containment_from_the_singleton() {
    let d = doc(&format!("{RECORD}{PSTN}"));
    let p = plan(&d, "microsoft.graph.callRecords").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.container, "microsoft.graph.GraphService");
    assert_eq!(p.singletons.len(), 1);
    let comms = &p.singletons[0];
    // `calls` leads out of the namespace: not generated.
    assert_eq!(comms.children.len(), 1);
    let records = &comms.children[0];
    assert_eq!(records.path, "/communications/callRecords");
    assert_eq!(records.method, "call_records");
    let NodeKind::Collection {
        list,
        get,
        functions,
        item_builder,
    } = &records.kind
    else {
        panic!("callRecords is a collection")
    };
    assert_eq!(list.request, "ListCallRecordsRequest");
    assert_eq!(get.path, "/communications/callRecords/{id}");
    assert_eq!(item_builder, "CallRecordRequestBuilder");
    // Facts: filter and select on list, expand on get.
    assert_eq!(list.filter.len(), 2);
    assert_eq!(list.filter_type.as_deref(), Some("CallRecordFilter"));
    assert_eq!(get.expand_enum.as_deref(), Some("CallRecordExpand"));
    assert_eq!(get.expand[0].nested, vec!["segments".to_string()]);
    assert_eq!(functions.len(), 1);
    assert_eq!(
        functions[0].qualified,
        "microsoft.graph.callRecords.getPstnCalls"
    );
    assert!(functions[0].date_range);
    let children: Vec<_> = records.children.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        children,
        [
            "/communications/callRecords/{id}/sessions",
            "/communications/callRecords/{id}/participants_v2"
        ]
    );
    assert_eq!(
        records.children[0].children[0].path,
        "/communications/callRecords/{id}/sessions/{id}/segments"
    );
}

#[test]
fn unknown_function_needs_a_facts_entry() {
    let f = PSTN.replace("getPstnCalls", "getFutureLog");
    let d = doc(&format!("{RECORD}{f}"));
    let e = plan(&d, "microsoft.graph.callRecords").expect_err("no facts");
    assert!(matches!(e, BuilderError::Facts(_)));
    assert!(
        e.to_string()
            .contains("microsoft.graph.callRecords.getFutureLog"),
        "{e}"
    );
}

#[test]
fn facts_must_match_the_csdl() {
    // The documented filter property is missing: the table and the CSDL disagree.
    let d = doc(&RECORD.replace("startDateTime", "beginDateTime"));
    let e = plan(&d, "microsoft.graph.callRecords").expect_err("filter on a missing property");
    assert!(e.to_string().contains("$filter on `startDateTime`"), "{e}");
    // An expandable navigation property is missing.
    let d = doc(&RECORD.replace("participants_v2", "participants_v3"));
    let e = plan(&d, "microsoft.graph.callRecords").expect_err("expand of a missing nav");
    assert!(e.to_string().contains("participants_v2"), "{e}");
}

#[test]
fn unsupported_parameter_type_is_an_error() {
    let f = PSTN.replace(
        r#"Name="toDateTime" Type="Edm.DateTimeOffset""#,
        r#"Name="toDateTime" Type="Edm.Binary""#,
    );
    let d = doc(&format!("{RECORD}{f}"));
    let e = plan(&d, "microsoft.graph.callRecords").expect_err("binary parameter");
    assert!(e.to_string().contains("Edm.Binary"), "{e}");
}

#[test]
fn no_container_or_no_path_is_an_error() {
    let d = doc(&format!("{RECORD}{PSTN}"));
    let e = plan(&d, "microsoft.graph.other").expect_err("nothing reaches the scope");
    assert!(
        e.to_string()
            .contains("reaches namespace `microsoft.graph.other`"),
        "{e}"
    );
}

#[test]
fn output_is_valid_rust_and_deterministic() {
    let d = doc(&format!("{RECORD}{PSTN}"));
    let v = Version {
        module: "v1",
        label: "v1.0",
        feature: None,
        document: &d,
    };
    let a = builder_tokens(&v, "microsoft.graph.callRecords")
        .unwrap_or_else(|e| panic!("{e}"))
        .to_string();
    let b = builder_tokens(&v, "microsoft.graph.callRecords")
        .unwrap_or_else(|e| panic!("{e}"))
        .to_string();
    assert_eq!(a, b);
    syn::parse_str::<syn::File>(&a).unwrap_or_else(|e| panic!("{e}"));
    assert!(a.contains("get_pstn_calls_windowed"));
}
