//! The request builders from the real upstream v1.0 `$metadata` (when it is available) are
//! those of the project's metadata, the facts table matches the metadata, and the docs link
//! the Graph documentation. The generated
//! files themselves are compared with the generator's output by `cargo xtask codegen --check`
//! (and xtask's stale test), so they are not stored a second time as snapshots.

mod common;

use common::workspace_root;
use msgraph_codegen::builders::generate_builders;
use msgraph_codegen::models::Version;
use msgraph_csdl::Document;

fn load(rel: &str) -> Document {
    let path = workspace_root().join(rel);
    msgraph_csdl::load_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn generate(doc: &Document, module: &str, label: &str, feature: Option<&str>) -> String {
    let files = generate_builders(&[Version {
        module,
        label,
        feature,
        document: doc,
    }])
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(files.len(), 1);
    assert_eq!(
        files[0].path,
        format!("crates/msgraph-callrecords/src/generated/{module}.rs")
    );
    files[0].contents.clone()
}

/// Generated docs are read on docs.rs and in editors, where the project's facts sheet is
/// not: the documented rules they state link the Graph documentation page instead.
#[test]
fn generated_docs_link_the_graph_documentation() {
    for (rel, module, label, feature) in [
        ("metadata/graph-v1.0.callRecords.xml", "v1", "v1.0", None),
        (
            "metadata/graph-beta.callRecords.xml",
            "beta",
            "beta",
            Some("beta"),
        ),
    ] {
        let text = generate(&load(rel), module, label, feature);
        assert!(
            !text.contains("facts §"),
            "{rel}: docs cite the facts sheet"
        );
        let rules: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("Rules: ") || l.contains("Query options as documented: "))
            .collect();
        assert!(!rules.is_empty(), "{rel}: no documented rules");
        for line in rules {
            assert!(
                line.contains("](https://learn.microsoft.com/graph/api/"),
                "{rel}: {line}"
            );
        }
    }
}

/// The walk starts at the whole entity container, so the full upstream document (40 entity
/// sets, 30 singletons) must give exactly the builders of the project's subset.
#[test]
fn upstream_v1_gives_the_same_builders() {
    let upstream = workspace_root().join("../shared/upstream-metadata/graph-v1.0-metadata.xml");
    if !upstream.exists() {
        println!("skipped: {} is absent", upstream.display());
        return;
    }
    let full = msgraph_csdl::load_file(&upstream).unwrap_or_else(|e| panic!("{e}"));
    let subset = load("metadata/graph-v1.0.callRecords.xml");
    assert_eq!(
        generate(&full, "v1", "v1.0", None),
        generate(&subset, "v1", "v1.0", None)
    );
}

/// Every entry of the facts table is used by the project's metadata: a renamed path or
/// function would otherwise silently drop its documented query options or range rules.
#[test]
fn every_facts_entry_matches_the_metadata() {
    use msgraph_codegen::builders::facts::{FUNCTIONS, OPERATIONS};
    use msgraph_codegen::builders::plan::{plan, Node, NodeKind, Op};

    fn walk<'a>(n: &'a Node, ops: &mut Vec<&'a Op>, fns: &mut Vec<String>) {
        match &n.kind {
            NodeKind::Collection {
                list,
                get,
                functions,
                ..
            } => {
                ops.push(list);
                ops.push(get);
                fns.extend(functions.iter().map(|f| f.name.clone()));
            }
            NodeKind::Single { get } => ops.push(get),
            NodeKind::Singleton => {}
        }
        for c in &n.children {
            walk(c, ops, fns);
        }
    }

    let mut fns = Vec::new();
    for rel in [
        "metadata/graph-v1.0.callRecords.xml",
        "metadata/graph-beta.callRecords.xml",
    ] {
        let doc = load(rel);
        let p = plan(&doc, "microsoft.graph.callRecords").unwrap_or_else(|e| panic!("{e}"));
        let mut ops = Vec::new();
        for s in &p.singletons {
            walk(s, &mut ops, &mut fns);
        }
        for f in OPERATIONS {
            assert!(
                ops.iter()
                    .any(|o| o.path == f.path && o.kind == f.kind && o.facts.is_some()),
                "{rel}: facts entry {} {:?} matches no operation",
                f.path,
                f.kind
            );
        }
    }
    for f in FUNCTIONS {
        assert!(
            fns.contains(&f.name.to_string()),
            "facts function {} is in no metadata",
            f.name
        );
    }
}
