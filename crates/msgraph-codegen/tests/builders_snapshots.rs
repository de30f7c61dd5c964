//! The request builders from the real upstream v1.0 `$metadata` (when it is available) are
//! those of the project's metadata, the operation rules (`metadata/callRecords.operations.toml`)
//! match the metadata, and the docs link the Graph documentation. The generated
//! files themselves are compared with the generator's output by `cargo xtask codegen --check`
//! (and xtask's stale test), so they are not stored a second time as snapshots.

mod common;

use common::workspace_root;
use msgraph_codegen::builders::facts::{Facts, FACTS_FILE};
use msgraph_codegen::builders::generate_builders;
use msgraph_codegen::models::Version;
use msgraph_codegen::Warning;
use msgraph_csdl::Document;

fn load(rel: &str) -> Document {
    let path = workspace_root().join(rel);
    msgraph_csdl::load_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn facts() -> Facts {
    Facts::load_file(&workspace_root().join(FACTS_FILE)).unwrap_or_else(|e| panic!("{e}"))
}

fn generate(doc: &Document, module: &str, label: &str, feature: Option<&str>) -> String {
    let (files, _) = generate_builders(
        "crates/msgraph-callrecords",
        "microsoft.graph.callRecords",
        &[Version {
            module,
            label,
            feature,
            document: doc,
        }],
        &facts(),
    )
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

/// The committed rules and metadata agree exactly: every facts entry is used by v1.0 or beta,
/// every operation and function has an entry, and no rule is dropped. A renamed path or
/// function would otherwise silently lose its documented query options or range rules.
#[test]
fn committed_facts_and_metadata_give_no_warnings() {
    let v1 = load("metadata/graph-v1.0.callRecords.xml");
    let beta = load("metadata/graph-beta.callRecords.xml");
    let version = |module, label, feature, document| Version {
        module,
        label,
        feature,
        document,
    };
    let (_, warnings) = generate_builders(
        "crates/msgraph-callrecords",
        "microsoft.graph.callRecords",
        &[
            version("v1", "v1.0", None, &v1),
            version("beta", "beta", Some("beta"), &beta),
        ],
        &facts(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let shown: Vec<String> = warnings.iter().map(Warning::to_string).collect();
    assert!(shown.is_empty(), "{shown:#?}");
    // v1.0 alone leaves the three beta-only functions unused: reported, not an error.
    let (_, warnings) = generate_builders(
        "crates/msgraph-callrecords",
        "microsoft.graph.callRecords",
        &[version("v1", "v1.0", None, &v1)],
        &facts(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let shown: Vec<String> = warnings.iter().map(Warning::to_string).collect();
    assert_eq!(shown.len(), 3, "{shown:#?}");
    assert!(
        shown[0].contains("[[function]] microsoft.graph.callRecords.getPstnBlockedUsersLog")
            && shown[0].contains("matches no bound function"),
        "{shown:#?}"
    );
}
