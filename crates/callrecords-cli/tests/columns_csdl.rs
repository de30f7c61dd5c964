//! The generated CSV column lists agree with an independent reading of the committed CSDL:
//! every property of the row type, base type first, in CSDL order.

mod common;

use common::manifest_dir;

use std::path::{Path, PathBuf};

use callrecords_cli::columns::columns;
use callrecords_cli::Kind;
use msgraph_csdl::{Document, StructuredType};

fn metadata(file: &str) -> PathBuf {
    Path::new(&manifest_dir()).join("../../metadata").join(file)
}

fn find<'a>(doc: &'a Document, qualified: &str) -> &'a StructuredType {
    let (ns, name) = qualified.rsplit_once('.').expect("qualified name");
    doc.schemas
        .iter()
        .filter(|s| s.namespace == ns)
        .flat_map(|s| s.complex_types.iter().chain(s.entity_types.iter()))
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("{qualified} not in {}", doc.source))
}

/// Property names of a type, its base types' first.
fn properties(doc: &Document, qualified: &str) -> Vec<String> {
    let t = find(doc, qualified);
    let mut out = match &t.base_type {
        Some(base) => properties(doc, base),
        None => Vec::new(),
    };
    out.extend(t.properties.iter().map(|p| p.name.to_string()));
    out
}

#[test]
fn log_row_columns_match_the_csdl() {
    let cases = [
        (
            "graph-v1.0.callRecords.xml",
            Kind::Pstn,
            false,
            "pstnCallLogRow",
        ),
        (
            "graph-v1.0.callRecords.xml",
            Kind::DirectRouting,
            false,
            "directRoutingLogRow",
        ),
        (
            "graph-beta.callRecords.xml",
            Kind::Pstn,
            true,
            "pstnCallLogRow",
        ),
        (
            "graph-beta.callRecords.xml",
            Kind::DirectRouting,
            true,
            "directRoutingLogRow",
        ),
        ("graph-beta.callRecords.xml", Kind::Sms, true, "smsLogRow"),
        (
            "graph-beta.callRecords.xml",
            Kind::BlockedUsers,
            true,
            "pstnBlockedUsersLogRow",
        ),
        (
            "graph-beta.callRecords.xml",
            Kind::DialoutReport,
            true,
            "pstnOnlineMeetingDialoutReport",
        ),
    ];
    for (file, kind, beta, row) in cases {
        let path = metadata(file);
        if !path.exists() {
            println!("skipped {kind:?}: {} not found", path.display());
            continue;
        }
        let doc = msgraph_csdl::load_file(&path).expect("metadata parses");
        let want = properties(&doc, &format!("microsoft.graph.callRecords.{row}"));
        assert_eq!(columns(kind, beta), want, "{file} {row}");
    }
}

#[test]
fn record_and_session_columns_name_real_properties() {
    let path = metadata("graph-v1.0.callRecords.xml");
    if !path.exists() {
        println!("skipped: {} not found", path.display());
        return;
    }
    let doc = msgraph_csdl::load_file(&path).expect("metadata parses");
    for (kind, ty) in [
        (Kind::CallRecords, "callRecord"),
        (Kind::Sessions, "session"),
    ] {
        let t = find(&doc, &format!("microsoft.graph.callRecords.{ty}"));
        let mut names = properties(&doc, &format!("microsoft.graph.callRecords.{ty}"));
        names.extend(t.navigation_properties.iter().map(|n| n.name.to_string()));
        names.push("callRecordId".into());
        for col in columns(kind, false) {
            let top = col.split('.').next().unwrap_or_default().to_string();
            assert!(
                names.contains(&top),
                "{kind:?}: column {col} is not a property of {ty}"
            );
        }
    }
}
