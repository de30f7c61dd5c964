//! The CSDL walk and the facts file on small documents: what is generated, the warnings for
//! what the facts lack or the CSDL does not match, and the errors that name what is wrong.

mod common;

use msgraph_codegen::builders::facts::{EndBound, Facts, FACTS_FILE};
use msgraph_codegen::builders::plan::{self, Function, Node, NodeKind, Plan};
use msgraph_codegen::builders::{builder_tokens, unused_facts};
use msgraph_codegen::models::Version;
use msgraph_codegen::Warning;
use msgraph_csdl::Document;

/// The committed operation rules (the fixtures mimic the call-records URL space).
fn facts() -> Facts {
    let path = common::workspace_root().join(FACTS_FILE);
    Facts::load_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn plan(d: &Document, scope: &str) -> Result<Plan, msgraph_codegen::builders::BuilderError> {
    plan::plan(d, scope, &facts())
}

fn ok_plan(d: &Document) -> Plan {
    plan(d, "microsoft.graph.callRecords").unwrap_or_else(|e| panic!("{e}"))
}

fn warnings(p: &Plan) -> Vec<String> {
    p.warnings.iter().map(Warning::to_string).collect()
}

/// Rust source of the builders module for `d`, checked to parse.
fn tokens(d: &Document) -> String {
    let v = Version {
        module: "v1",
        label: "v1.0",
        feature: None,
        document: d,
    };
    let (t, _) = builder_tokens(&v, "microsoft.graph.callRecords", &facts())
        .unwrap_or_else(|e| panic!("{e}"));
    let text = t.to_string();
    syn::parse_str::<syn::File>(&text).unwrap_or_else(|e| panic!("{e}"));
    text
}

fn find<'p>(n: &'p Node, path: &str) -> Option<&'p Node> {
    if n.path == path {
        return Some(n);
    }
    n.children.iter().find_map(|c| find(c, path))
}

fn node<'p>(p: &'p Plan, path: &str) -> &'p Node {
    p.singletons
        .iter()
        .find_map(|s| find(s, path))
        .unwrap_or_else(|| panic!("no node {path}"))
}

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
    let p = ok_plan(&d);
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
    let get = get.as_deref().expect("not recursive");
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

/// The bound function of `p` (exactly one expected).
fn only_function(p: &Plan) -> &Function {
    let f = p.functions();
    assert_eq!(f.len(), 1, "{f:?}");
    f[0]
}

#[test]
fn new_log_function_gets_conservative_rules_and_a_warning() {
    let f = PSTN
        .replace("getPstnCalls", "getFutureLog")
        .replace("pstnCallLogRow", "futureLogRow");
    let record = RECORD.replace("pstnCallLogRow", "futureLogRow");
    let d = doc(&format!("{record}{f}"));
    let p = ok_plan(&d);
    let func = only_function(&p);
    assert_eq!(func.request, "GetFutureLogRequest");
    assert!(
        func.date_range,
        "fromDateTime/toDateTime: range checks apply"
    );
    assert_eq!(func.facts.max_days, None, "no client-side window limit");
    assert_eq!(func.facts.end, EndBound::Inclusive);
    assert_eq!(func.facts.page_size, None);
    let w = warnings(&p);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(
        w[0].starts_with("microsoft.graph.callRecords.getFutureLog: no [[function]] entry"),
        "{w:#?}"
    );
    // Same typed literals and argument checks as the documented functions.
    let text = tokens(&d);
    for needle in [
        "pub fn get_future_log (& self , from_date_time : chrono :: DateTime < chrono :: Utc > , to_date_time : chrono :: DateTime < chrono :: Utc >)",
        "GetFutureLogRequest :: RULES . check (from_date_time , to_date_time)",
        "crate :: support :: encode :: datetime_literal (& from_date_time)",
        "max_days : None",
        "get_future_log_windowed",
    ] {
        assert!(text.contains(needle), "`{needle}` missing");
    }
    assert!(
        !text.contains("PAGE_SIZE : u32 = 1000"),
        "no page size invented"
    );
}

#[test]
fn documented_function_keeps_its_rules() {
    let d = doc(&format!("{RECORD}{PSTN}"));
    let p = ok_plan(&d);
    let func = only_function(&p);
    assert_eq!(func.facts.max_days, Some(90));
    assert_eq!(func.facts.page_size, Some(1000));
    assert!(warnings(&p).is_empty(), "{:#?}", warnings(&p));
}

#[test]
fn rules_the_csdl_lacks_are_dropped_with_warnings() {
    // The 2023 v1.0 metadata had no participants_v2: the lambda rule and the $expand rule
    // naming it are dropped, the rest of the operation's rules stay.
    let d = doc(&RECORD.replace("participants_v2", "participants"));
    let p = ok_plan(&d);
    let records = node(&p, "/communications/callRecords");
    let NodeKind::Collection { list, get, .. } = &records.kind else {
        panic!("collection")
    };
    assert_eq!(list.filter.len(), 1, "the startDateTime rule stays");
    let get = get.as_deref().expect("item");
    assert_eq!(
        get.expand
            .iter()
            .map(|e| e.wire.as_str())
            .collect::<Vec<_>>(),
        ["sessions"]
    );
    let w = warnings(&p);
    assert!(
        w.iter().any(|w| w.starts_with("LIST /communications/callRecords: $filter rule `participants_v2/any(p:p/id eq ..)` dropped")),
        "{w:#?}"
    );
    assert!(
        w.iter().any(|w| w.starts_with(
            "GET /communications/callRecords/{id}: $expand rule `participants_v2` dropped"
        )),
        "{w:#?}"
    );
    // The new path has no entry: generated without query options, named in a warning.
    assert!(
        w.iter().any(|w| w.starts_with(
            "LIST /communications/callRecords/{id}/participants: no [[operation]] entry"
        )),
        "{w:#?}"
    );
    // The date-time rule on a renamed property is dropped too.
    let d = doc(&RECORD.replace("startDateTime", "beginDateTime"));
    let w = warnings(&ok_plan(&d));
    assert!(
        w.iter().any(|w| w.contains("$filter rule `startDateTime lt|le|gt|ge ..` dropped: `startDateTime` is not an Edm.DateTimeOffset property")),
        "{w:#?}"
    );
    // The entries for the participants_v2 paths now match nothing: reported by unused_facts.
    let d = doc(&RECORD.replace("participants_v2", "participants"));
    let unused: Vec<String> = unused_facts(&facts(), &[ok_plan(&d)])
        .iter()
        .map(Warning::to_string)
        .collect();
    assert!(
        unused.iter().any(|w| w
            .contains("[[operation]] /communications/callRecords/{id}/participants_v2 List")
            && w.ends_with("matches no operation of the metadata; dropped")),
        "{unused:#?}"
    );
}

#[test]
fn bound_operations_without_a_builder_are_named() {
    let entity_bound = PSTN.replace("getPstnCalls", "getSummary").replace(
        "Type=\"Collection(microsoft.graph.callRecords.callRecord)\"",
        "Type=\"microsoft.graph.callRecords.callRecord\"",
    );
    let action = r#"
      <Action Name="purge" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(microsoft.graph.callRecords.callRecord)" />
      </Action>
"#;
    let d = doc(&format!("{RECORD}{PSTN}{entity_bound}{action}"));
    let p = ok_plan(&d);
    assert_eq!(only_function(&p).name, "getPstnCalls");
    let w = warnings(&p);
    assert_eq!(
        w,
        [
            "microsoft.graph.callRecords.getSummary: bound to `microsoft.graph.callRecords.callRecord`: no builder: only functions bound to a collection the containment walk reaches are generated",
            "microsoft.graph.callRecords.purge: bound to `Collection(microsoft.graph.callRecords.callRecord)`: actions are not generated (the builders only read)",
        ]
    );
}

#[test]
fn function_with_an_unencodable_parameter_is_skipped_with_a_warning() {
    let f = PSTN.replace(
        r#"Name="toDateTime" Type="Edm.DateTimeOffset""#,
        r#"Name="toDateTime" Type="Edm.Binary""#,
    );
    let d = doc(&format!("{RECORD}{f}"));
    let p = ok_plan(&d);
    assert!(p.functions().is_empty());
    let w = warnings(&p);
    assert_eq!(w.len(), 1, "{w:#?}");
    assert!(
        w.iter().any(|w| w.contains(
            "getPstnCalls(..): function skipped: parameter `toDateTime` has type `Edm.Binary`"
        )),
        "{w:#?}"
    );
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
fn names_that_would_collide_derive_from_the_path() {
    // Two collections named `queries` (with one element type) and two `segments`
    // collections of different types under different parents.
    let d = doc(&format!(
        "{}{}",
        RECORD
            .replace(
                r#"<EntityType Name="segment" BaseType="graph.entity" />"#,
                r#"<EntityType Name="segment" BaseType="graph.entity">
        <NavigationProperty Name="queries" Type="Collection(microsoft.graph.callRecords.query)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="query" BaseType="graph.entity" />
      <EntityType Name="step" BaseType="graph.entity" />"#,
            )
            .replace(
                r#"<EntityType Name="participant" BaseType="graph.entity" />"#,
                r#"<EntityType Name="participant" BaseType="graph.entity">
        <NavigationProperty Name="queries" Type="Collection(microsoft.graph.callRecords.query)" ContainsTarget="true" />
        <NavigationProperty Name="segments" Type="Collection(microsoft.graph.callRecords.step)" ContainsTarget="true" />
      </EntityType>"#,
            ),
        PSTN
    ));
    let p = ok_plan(&d);
    let names = |path: &str| {
        let n = node(&p, path);
        let NodeKind::Collection {
            list,
            item_builder,
            get,
            ..
        } = &n.kind
        else {
            panic!("{path} is a collection")
        };
        let get = get.as_deref().expect("item");
        [
            n.builder.clone(),
            list.request.clone(),
            item_builder.clone(),
            get.request.clone(),
        ]
    };
    let seg_q = "/communications/callRecords/{id}/sessions/{id}/segments/{id}/queries";
    let part_q = "/communications/callRecords/{id}/participants_v2/{id}/queries";
    assert_eq!(
        names(seg_q),
        [
            "SegmentsQueriesRequestBuilder",
            "ListSegmentsQueriesRequest",
            "SegmentsQueriesItemRequestBuilder",
            "GetSegmentsQueriesItemRequest"
        ]
    );
    assert_eq!(
        names(part_q),
        [
            "ParticipantsV2QueriesRequestBuilder",
            "ListParticipantsV2QueriesRequest",
            "ParticipantsV2QueriesItemRequestBuilder",
            "GetParticipantsV2QueriesItemRequest"
        ]
    );
    // `segments` twice: path-derived, while the unique names stay short.
    assert_eq!(
        names("/communications/callRecords/{id}/sessions/{id}/segments")[0],
        "SessionsSegmentsRequestBuilder"
    );
    assert_eq!(
        names("/communications/callRecords/{id}/participants_v2/{id}/segments"),
        [
            "ParticipantsV2SegmentsRequestBuilder",
            "ListParticipantsV2SegmentsRequest",
            "StepRequestBuilder",
            "GetStepRequest"
        ]
    );
    assert_eq!(
        names("/communications/callRecords")[0],
        "CallRecordsRequestBuilder"
    );
    // And the module compiles as one set of items: no name defined twice.
    let file = syn::parse_str::<syn::File>(&tokens(&d)).unwrap_or_else(|e| panic!("{e}"));
    let mut defined: Vec<String> = file
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            syn::Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    let all = defined.len();
    defined.sort();
    defined.dedup();
    assert_eq!(defined.len(), all, "a name is defined twice");
}

/// Types of item-builder structs defined in a module's source.
fn struct_names(text: &str) -> Vec<String> {
    let file = syn::parse_str::<syn::File>(text).unwrap_or_else(|e| panic!("{e}"));
    file.items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Struct(s) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn recursive_containment_is_generated_once_and_reused() {
    // session contains sessions (directly), and segment contains a session (via segment).
    let d = doc(&format!(
        "{}{}",
        RECORD
            .replace(
                r#"<NavigationProperty Name="segments" Type="Collection(microsoft.graph.callRecords.segment)" ContainsTarget="true" />"#,
                r#"<NavigationProperty Name="segments" Type="Collection(microsoft.graph.callRecords.segment)" ContainsTarget="true" />
        <NavigationProperty Name="childSessions" Type="Collection(microsoft.graph.callRecords.session)" ContainsTarget="true" />"#,
            )
            .replace(
                r#"<EntityType Name="segment" BaseType="graph.entity" />"#,
                r#"<EntityType Name="segment" BaseType="graph.entity">
        <NavigationProperty Name="parentSession" Type="microsoft.graph.callRecords.session" ContainsTarget="true" />
      </EntityType>"#,
            ),
        PSTN
    ));
    let p = ok_plan(&d);
    let sessions = "/communications/callRecords/{id}/sessions";
    let child = node(&p, &format!("{sessions}/{{id}}/childSessions"));
    let NodeKind::Collection {
        item_builder, get, ..
    } = &child.kind
    else {
        panic!("collection")
    };
    assert!(
        get.is_none(),
        "the item builder is reused, not generated again"
    );
    assert_eq!(item_builder, "SessionRequestBuilder");
    assert!(child.children.is_empty());
    assert_eq!(child.builder, "ChildSessionsRequestBuilder");
    let back = node(
        &p,
        &format!("{sessions}/{{id}}/segments/{{id}}/parentSession"),
    );
    assert!(matches!(back.kind, NodeKind::Reused));
    assert_eq!(back.builder, "SessionRequestBuilder");
    let text = tokens(&d);
    let structs = struct_names(&text);
    let count = |n: &str| structs.iter().filter(|s| *s == n).count();
    assert_eq!(count("SessionRequestBuilder"), 1);
    assert_eq!(count("GetSessionRequest"), 1);
    assert_eq!(count("ChildSessionsRequestBuilder"), 1);
    // The back edges lead to the one builder.
    assert!(
        text.contains("pub fn by_id (& self , id : impl AsRef < str >) -> SessionRequestBuilder")
    );
    assert!(text.contains("pub fn parent_session (& self) -> SessionRequestBuilder"));
}

#[test]
fn output_is_valid_rust_and_deterministic() {
    let d = doc(&format!("{RECORD}{PSTN}"));
    let a = tokens(&d);
    let b = tokens(&d);
    assert_eq!(a, b);
    assert!(a.contains("get_pstn_calls_windowed"));
}
