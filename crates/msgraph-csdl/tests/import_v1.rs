//! The committed call-records metadata files: drift against upstream, round trips,
//! inventory and deprecation records.

mod common;

use common::manifest_dir;

use std::path::PathBuf;

use msgraph_csdl::model::*;
use msgraph_csdl::resolve::resolve_report;
use msgraph_csdl::write::write_document;

const NS: &str = "microsoft.graph.callRecords";

fn metadata(name: &str) -> PathBuf {
    PathBuf::from(manifest_dir())
        .join("../../metadata")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(metadata(name)).unwrap_or_else(|e| panic!("metadata/{name}: {e}"))
}

const FILES: [&str; 2] = ["graph-v1.0.callRecords.xml", "graph-beta.callRecords.xml"];

/// The maintainers' drift check: importing the upstream document again, with the
/// committed descriptions merged in, reproduces the committed file byte for byte.
#[test]
fn v1_file_matches_a_fresh_import_of_upstream() {
    let upstream = PathBuf::from(manifest_dir())
        .join("../../../shared/upstream-metadata/graph-v1.0-metadata.xml");
    if !upstream.exists() {
        eprintln!("skipped: {} is absent", upstream.display());
        return;
    }
    let upstream = msgraph_csdl::load_file(&upstream).expect("upstream loads");
    let committed_text = read(FILES[0]);
    let committed =
        msgraph_csdl::load(committed_text.as_bytes(), "committed").expect("committed loads");
    // The import of `cargo xtask metadata import`: the namespace plus the root types of
    // `codegen.toml` (`microsoft.graph.call`), which are the types the file holds outside
    // the namespace's closure.
    let outside = common::types_outside_closure(&committed, NS);
    let roots: Vec<&str> = outside.iter().map(String::as_str).collect();
    let mut closure = msgraph_csdl::closure(&upstream, NS).expect("closure");
    closure
        .add_root_types(&upstream, &roots)
        .expect("root types");
    let mut doc = msgraph_csdl::subset::subset(&upstream, &closure);
    let report = msgraph_csdl::subset::merge_descriptions(&mut doc, &committed);
    assert!(
        report.dropped.is_empty(),
        "descriptions of vanished targets: {:?}",
        report.dropped
    );
    assert!(
        write_document(&doc) == committed_text,
        "metadata/graph-v1.0.callRecords.xml differs from a fresh import; run \
         cargo xtask metadata import --from ../shared/upstream-metadata/graph-v1.0-metadata.xml --version v1.0"
    );
    // Without the committed file, upstream gives no description for the callRecords types.
    let (bare, _) = msgraph_csdl::subset::import(&upstream, NS, None).expect("import");
    assert!(bare.description(&format!("{NS}.callRecord"), &[]).is_none());
    assert!(doc.description(&format!("{NS}.callRecord"), &[]).is_some());
}

#[test]
fn committed_files_round_trip_through_load_and_write() {
    for name in FILES {
        let text = read(name);
        let once = write_document(&msgraph_csdl::load(text.as_bytes(), name).expect("loads"));
        assert!(once == text, "{name} is not in the writer's format");
        let twice = write_document(&msgraph_csdl::load(once.as_bytes(), name).expect("reloads"));
        assert_eq!(once, twice, "{name}: write(load(write(doc))) != write(doc)");
        // Also through the raw (unresolved) parse: the writer keeps alias-qualified names.
        let raw = write_document(&msgraph_csdl::parse(text.as_bytes(), name).expect("parses"));
        assert!(raw == text, "{name}: unresolved round trip differs");
    }
}

#[test]
fn committed_files_resolve_completely() {
    for name in FILES {
        let text_doc = read(name);
        let mut doc = msgraph_csdl::parse(text_doc.as_bytes(), name).expect("parses");
        let report = resolve_report(&mut doc).expect("resolves");
        assert!(
            report.checked > 100,
            "{name}: only {} references checked",
            report.checked
        );
        assert!(
            report.unresolved.is_empty(),
            "{name}: {:?}",
            report.unresolved
        );
        assert!(
            report.dangling_targets.is_empty(),
            "{name}: {:?}",
            report.dangling_targets
        );
    }
}

fn counts(doc: &Document) -> (usize, usize, usize, usize, usize) {
    let s = doc.schema(NS).expect("callRecords schema");
    (
        s.entity_types.len(),
        s.complex_types.len(),
        s.enum_types.len(),
        s.functions.len(),
        s.actions.len(),
    )
}

#[test]
fn inventory_matches_the_facts_sheet() {
    let text_v1 = read(FILES[0]);
    let v1 = msgraph_csdl::load(text_v1.as_bytes(), "v1").unwrap();
    let text_beta = read(FILES[1]);
    let beta = msgraph_csdl::load(text_beta.as_bytes(), "beta").unwrap();
    assert_eq!(counts(&v1), (6, 18, 15, 2, 0));
    assert_eq!(counts(&beta), (6, 22, 16, 5, 0));
    for doc in [&v1, &beta] {
        let names: Vec<&str> = doc.schemas.iter().map(|s| s.namespace.as_str()).collect();
        assert_eq!(names, ["microsoft.graph", NS]);
        let graph = doc.schema("microsoft.graph").unwrap();
        assert_eq!(graph.alias.as_deref(), Some("graph"));
        // 36 closure types + cloudCommunications (path only) + the 42 types of the `call`
        // root type's closure (codegen.toml `[api].types`).
        let n = graph.entity_types.len() + graph.complex_types.len() + graph.enum_types.len();
        assert_eq!(n, 37 + 42);
        assert!(doc.find_structured("microsoft.graph.call").is_some());
        let cc = doc
            .find_structured("microsoft.graph.cloudCommunications")
            .unwrap();
        let navs: Vec<&str> = cc
            .navigation_properties
            .iter()
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(navs, ["callRecords"]);
        let container = graph.entity_container.as_ref().unwrap();
        assert_eq!(container.name, "GraphService");
        assert!(container.entity_sets.is_empty());
        let singletons: Vec<&str> = container
            .singletons
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(singletons, ["communications"]);
        for t in [
            "microsoft.graph.userIdentity",
            "microsoft.graph.sharePointIdentitySet",
            "microsoft.graph.detailsInfo",
        ] {
            assert!(doc.find_type(t).is_some(), "{t}");
        }
    }
    let beta_only = [
        "callLogRow",
        "pstnBlockedUsersLogRow",
        "smsLogRow",
        "pstnOnlineMeetingDialoutReport",
        "pstnUserBlockMode",
    ];
    for t in beta_only {
        assert!(v1.find_type(&format!("{NS}.{t}")).is_none(), "{t} in v1.0");
        assert!(
            beta.find_type(&format!("{NS}.{t}")).is_some(),
            "{t} not in beta"
        );
    }
    let functions: Vec<&str> = beta
        .schema(NS)
        .unwrap()
        .functions
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(
        functions,
        [
            "getDirectRoutingCalls",
            "getPstnBlockedUsersLog",
            "getPstnCalls",
            "getPstnOnlineMeetingDialoutReport",
            "getSmsLog"
        ]
    );
}

#[test]
fn every_call_records_element_has_a_description() {
    for name in FILES {
        let text_doc = read(name);
        let doc = msgraph_csdl::load(text_doc.as_bytes(), name).unwrap();
        let s = doc.schema(NS).unwrap();
        let mut missing = Vec::new();
        let mut check = |target: String| {
            if doc
                .description(&target, &[])
                .is_none_or(|d| d.trim().is_empty())
            {
                missing.push(target);
            }
        };
        for t in s.entity_types.iter().chain(&s.complex_types) {
            let q = format!("{NS}.{}", t.name);
            for p in &t.properties {
                check(format!("{q}/{}", p.name));
            }
            for n in &t.navigation_properties {
                check(format!("{q}/{}", n.name));
            }
            check(q);
        }
        for e in &s.enum_types {
            check(format!("{NS}.{}", e.name));
        }
        for f in &s.functions {
            check(format!("{NS}.{}", f.name));
            for p in f.parameters.iter().skip(1) {
                check(format!("{NS}.{}/{}", f.name, p.name));
            }
        }
        for t in [
            "entity",
            "identity",
            "identitySet",
            "communicationsIdentitySet",
            "endpointType",
            "cloudCommunications",
        ] {
            check(format!("microsoft.graph.{t}"));
        }
        assert!(missing.is_empty(), "{name}: no description for {missing:?}");
    }
}

#[test]
fn deprecations_and_auto_expand_survive() {
    for name in FILES {
        let text_doc = read(name);
        let doc = msgraph_csdl::load(text_doc.as_bytes(), name).unwrap();
        for (target, version, replacement) in [
            (
                "callRecord/organizer",
                "2023-06/New_Properties_Added",
                "organizer_v2",
            ),
            (
                "callRecord/participants",
                "2023-06/New_Properties_Added",
                "participants_v2",
            ),
            (
                "participantEndpoint/identity",
                "2023-11/New_Properties_Added",
                "associatedIdentity",
            ),
        ] {
            let revisions = doc.revisions(&format!("{NS}.{target}"), &[]);
            assert_eq!(revisions.len(), 1, "{name} {target}");
            let r = &revisions[0];
            assert_eq!(r.kind, "Deprecated");
            assert_eq!(r.date.as_deref(), Some("2023-11-06"));
            assert_eq!(r.removal_date.as_deref(), Some("2026-11-06"));
            assert_eq!(r.version.as_deref(), Some(version));
            let description = r.description.as_deref().unwrap_or_default();
            assert!(
                description.contains(&format!("Use {replacement} instead")),
                "{description}"
            );
        }
        let auto: Vec<_> = doc
            .external_annotations("microsoft.graph.callRecords.callRecord/organizer_v2")
            .filter(|a| a.term == "Org.OData.Core.V1.AutoExpand")
            .collect();
        assert_eq!(auto.len(), 1, "{name}");
        assert_eq!(auto[0].value, AnnotationValue::Bool(true));
    }
}

/// The writer on the whole upstream document (every construct Graph uses: actions,
/// terms, entity sets with bindings, inline annotations, ...): one write is a fixed point.
#[test]
fn writer_round_trips_the_whole_upstream_document() {
    let upstream = PathBuf::from(manifest_dir())
        .join("../../../shared/upstream-metadata/graph-v1.0-metadata.xml");
    if !upstream.exists() {
        eprintln!("skipped: {} is absent", upstream.display());
        return;
    }
    let doc = msgraph_csdl::load_file(&upstream).expect("upstream loads");
    let once = write_document(&doc);
    let reloaded = msgraph_csdl::load(once.as_bytes(), "written").expect("written document loads");
    assert_eq!(reloaded.schemas.len(), doc.schemas.len());
    let count = |d: &Document| -> usize {
        d.schemas
            .iter()
            .map(|s| {
                s.entity_types.len()
                    + s.complex_types.len()
                    + s.enum_types.len()
                    + s.functions.len()
                    + s.actions.len()
                    + s.terms.len()
                    + s.annotation_groups.len()
            })
            .sum()
    };
    assert_eq!(count(&reloaded), count(&doc));
    let twice = write_document(&reloaded);
    assert!(
        once == twice,
        "write(load(write(doc))) differs from write(doc)"
    );
}
