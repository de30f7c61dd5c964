//! Reads the real Graph v1.0 `$metadata` (skipped when `../shared` is absent).

mod common;

use common::manifest_dir;

use std::path::PathBuf;
use std::sync::OnceLock;

use msgraph_csdl::{AnnotationValue, Document, StructuredKind};

fn real_path() -> PathBuf {
    PathBuf::from(manifest_dir()).join("../../../shared/upstream-metadata/graph-v1.0-metadata.xml")
}

/// The document, loaded once for all tests of this file.
fn real_doc() -> Option<Document> {
    static DOC: OnceLock<Option<Document>> = OnceLock::new();
    let doc = DOC.get_or_init(|| {
        let path = real_path();
        if !path.exists() {
            eprintln!("skipping: {} not found", path.display());
            return None;
        }
        Some(msgraph_csdl::load_file(&path).expect("the real v1.0 document loads"))
    });
    doc.clone()
}

#[test]
fn loads_the_whole_v1_document_with_every_reference_resolved() {
    let Some(mut doc) = real_doc() else { return };
    assert_eq!(doc.version, "4.0");
    assert_eq!(doc.schemas.len(), 11);
    let graph = doc
        .schema("microsoft.graph")
        .expect("microsoft.graph schema");
    assert_eq!(graph.alias.as_deref(), Some("graph"));
    let container = graph.entity_container.as_ref().expect("container");
    assert_eq!(container.name, "GraphService");
    assert_eq!(container.entity_sets.len(), 40);
    assert_eq!(container.singletons.len(), 30);
    let bindings: usize = container
        .entity_sets
        .iter()
        .map(|s| s.bindings.len())
        .chain(container.singletons.iter().map(|s| s.bindings.len()))
        .sum();
    assert_eq!(bindings, 101);
    // A second resolution pass is a no-op with nothing unresolved.
    let report = msgraph_csdl::resolve(&mut doc).expect("resolves again");
    // Properties + navigations + parameters + return types + base types + ...
    assert!(report.checked > 17_000, "checked {}", report.checked);
    assert!(report.unresolved.is_empty());
    // Two upstream annotation groups target types that do not exist.
    let dangling: Vec<&str> = report
        .dangling_targets
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(
        dangling,
        [
            "microsoft.graph.publishedResource",
            "microsoft.graph.directorySetting"
        ]
    );
}

#[test]
fn call_records_schema_matches_the_facts_sheet() {
    let Some(doc) = real_doc() else { return };
    let cr = doc
        .schema("microsoft.graph.callRecords")
        .expect("callRecords schema");
    assert_eq!(cr.alias, None);
    assert_eq!(cr.entity_types.len(), 6);
    assert_eq!(cr.complex_types.len(), 18);
    assert_eq!(cr.enum_types.len(), 15);
    assert_eq!(cr.functions.len(), 2);
    assert_eq!(cr.actions.len(), 0);

    let record = doc
        .find_structured("microsoft.graph.callRecords.callRecord")
        .expect("callRecord");
    assert_eq!(record.kind, StructuredKind::Entity);
    assert_eq!(record.base_type.as_deref(), Some("microsoft.graph.entity"));
    let participants = record
        .properties
        .iter()
        .find(|p| p.name == "participants")
        .expect("participants");
    assert!(participants.ty.collection);
    assert_eq!(participants.ty.name, "microsoft.graph.identitySet");
    let sessions = record
        .navigation_properties
        .iter()
        .find(|n| n.name == "sessions")
        .expect("sessions");
    assert!(sessions.contains_target);
    assert_eq!(sessions.ty.name, "microsoft.graph.callRecords.session");

    let charge = doc
        .find_structured("microsoft.graph.callRecords.pstnCallLogRow")
        .and_then(|t| t.properties.iter().find(|p| p.name == "charge"))
        .expect("charge");
    assert_eq!(charge.ty.name, "Edm.Decimal");
    assert_eq!(charge.facets, vec![("Scale".into(), "variable".into())]);

    let modality = doc
        .find_enum("microsoft.graph.callRecords.modality")
        .expect("modality");
    assert_eq!(modality.members[0].name, "audio");
    assert_eq!(modality.members[0].value, 0);

    let entity = doc
        .find_structured("microsoft.graph.entity")
        .expect("entity");
    assert!(entity.is_abstract);
    assert_eq!(entity.key, vec!["id".to_string()]);

    let get_pstn = cr
        .functions
        .iter()
        .find(|f| f.name == "getPstnCalls")
        .expect("fn");
    assert!(get_pstn.is_bound);
    assert_eq!(get_pstn.parameters.len(), 3);
    assert_eq!(
        get_pstn.return_type.as_ref().map(|r| r.ty.name.as_str()),
        Some("microsoft.graph.callRecords.pstnCallLogRow")
    );

    let revisions = doc.revisions("microsoft.graph.callRecords.callRecord/organizer", &[]);
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].kind, "Deprecated");
    assert_eq!(revisions[0].date.as_deref(), Some("2023-11-06"));
    assert_eq!(revisions[0].removal_date.as_deref(), Some("2026-11-06"));
    assert_eq!(
        revisions[0].version.as_deref(),
        Some("2023-06/New_Properties_Added")
    );
    let auto_expand: Vec<_> = doc
        .external_annotations("microsoft.graph.callRecords.callRecord/organizer_v2")
        .collect();
    assert_eq!(auto_expand.len(), 1);
    assert_eq!(auto_expand[0].term, "Org.OData.Core.V1.AutoExpand");
    assert_eq!(auto_expand[0].value, AnnotationValue::Bool(true));
}

/// The 36 `microsoft.graph` types of facts sheet §1.3 + §1.4.
const GRAPH_CLOSURE: &[&str] = &[
    "microsoft.graph.aiInteractionMentionedIdentitySet",
    "microsoft.graph.azureCommunicationServicesUserIdentity",
    "microsoft.graph.chatMessageFromIdentitySet",
    "microsoft.graph.chatMessageMentionedIdentitySet",
    "microsoft.graph.chatMessageReactionIdentitySet",
    "microsoft.graph.communicationsApplicationIdentity",
    "microsoft.graph.communicationsApplicationInstanceIdentity",
    "microsoft.graph.communicationsEncryptedIdentity",
    "microsoft.graph.communicationsGuestIdentity",
    "microsoft.graph.communicationsIdentitySet",
    "microsoft.graph.communicationsPhoneIdentity",
    "microsoft.graph.communicationsUserIdentity",
    "microsoft.graph.detailsInfo",
    "microsoft.graph.emailIdentity",
    "microsoft.graph.endpointType",
    "microsoft.graph.engagementIdentitySet",
    "microsoft.graph.entity",
    "microsoft.graph.identity",
    "microsoft.graph.identitySet",
    "microsoft.graph.initiator",
    "microsoft.graph.initiatorType",
    "microsoft.graph.provisionedIdentity",
    "microsoft.graph.provisioningServicePrincipal",
    "microsoft.graph.provisioningSystem",
    "microsoft.graph.servicePrincipalIdentity",
    "microsoft.graph.sharePointGroupIdentity",
    "microsoft.graph.sharePointIdentity",
    "microsoft.graph.sharePointIdentitySet",
    "microsoft.graph.teamworkApplicationIdentity",
    "microsoft.graph.teamworkApplicationIdentityType",
    "microsoft.graph.teamworkConversationIdentity",
    "microsoft.graph.teamworkConversationIdentityType",
    "microsoft.graph.teamworkTagIdentity",
    "microsoft.graph.teamworkUserIdentity",
    "microsoft.graph.teamworkUserIdentityType",
    "microsoft.graph.userIdentity",
];

#[test]
fn call_records_closure_matches_the_facts_sheet() {
    let Some(doc) = real_doc() else { return };
    let ns = "microsoft.graph.callRecords";
    let c = msgraph_csdl::closure(&doc, ns).expect("closure");
    assert_eq!(c.namespace, ns);

    let graph: Vec<&str> = c.types_in("microsoft.graph").map(String::as_str).collect();
    assert_eq!(graph, GRAPH_CLOSURE);

    let own: Vec<&String> = c.types_in(ns).collect();
    let schema = doc.schema(ns).expect("schema");
    assert_eq!(own.len(), 6 + 18 + 15);
    for t in schema.entity_types.iter().chain(&schema.complex_types) {
        assert!(c.types.contains(&format!("{ns}.{}", t.name)), "{}", t.name);
    }
    for t in &schema.enum_types {
        assert!(c.types.contains(&format!("{ns}.{}", t.name)), "{}", t.name);
    }
    // Nothing from any other namespace.
    assert_eq!(c.types.len(), 36 + 39);

    // Reached through communications -> callRecords only.
    assert_eq!(c.paths.len(), 1, "{:#?}", c.paths);
    let entry = &c.paths[0];
    assert_eq!(entry.kind, msgraph_csdl::EntryKind::Singleton);
    assert_eq!(entry.container_child, "communications");
    assert_eq!(
        entry.qualified,
        "microsoft.graph.GraphService/communications"
    );
    assert_eq!(entry.root_type, "microsoft.graph.cloudCommunications");
    assert_eq!(entry.url_path(), "/communications/callRecords");
    assert_eq!(
        entry.target_type(),
        "microsoft.graph.callRecords.callRecord"
    );
    assert_eq!(entry.navigations.len(), 1);
    assert!(entry.navigations[0].target.collection);

    // cloudCommunications is reported as a path owner, not a closure type.
    let owners: Vec<&String> = c.path_only_types().collect();
    assert_eq!(owners, ["microsoft.graph.cloudCommunications"]);
    assert!(!c.types.contains("microsoft.graph.cloudCommunications"));
    let navs = c.path_navigations();
    let kept: Vec<&String> = navs["microsoft.graph.cloudCommunications"].iter().collect();
    assert_eq!(kept, ["callRecords"]);

    let ops: Vec<(&str, &str, bool)> = c
        .operations
        .iter()
        .map(|o| {
            (
                o.name.as_str(),
                o.binding.name.as_str(),
                o.binding.collection,
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            (
                "microsoft.graph.callRecords.getDirectRoutingCalls",
                "microsoft.graph.callRecords.callRecord",
                true
            ),
            (
                "microsoft.graph.callRecords.getPstnCalls",
                "microsoft.graph.callRecords.callRecord",
                true
            ),
        ]
    );
    assert!(c
        .operations
        .iter()
        .all(|o| o.kind == msgraph_csdl::OperationKind::Function));
}

/// The two delta functions of `microsoft.graph.entraRecoveryServices` carry
/// `Core.IsDelta` on their return type: kept, not skipped.
#[test]
fn return_type_annotations_of_the_real_document() {
    let Some(doc) = real_doc() else { return };
    let terms: Vec<String> = doc
        .schemas
        .iter()
        .flat_map(|s| s.functions.iter().chain(&s.actions))
        .filter_map(|op| op.return_type.as_ref())
        .flat_map(|r| &r.annotations)
        .map(|a| format!("{}={:?}", a.term, a.value))
        .collect();
    assert_eq!(terms, ["Org.OData.Core.V1.IsDelta=Bool(true)"; 2]);
}
