//! The maintainer's flow after a Graph update, with no generator edit: regenerate the SDK from
//! a v1.0 document that gained a log function (getPstnCalls' shape, a new row type), a
//! self-referencing complex type, a contained navigation to a new entity type, an enum member
//! after `unknownFutureValue` and a `Core.Revisions` deprecation; the generated crates must
//! compile and expose each.
//!
//! The generated models and builders crates are copied into a scratch workspace (with a
//! small crate that uses every new item) and `cargo check`ed there with the workspace's
//! target directory, so dependencies are not built again: a few seconds once the workspace
//! has been checked (CI runs clippy first).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use msgraph_codegen::builders::facts::{Facts, FACTS_FILE};
use msgraph_codegen::GeneratedFile;

/// Inserts `insert` after the one occurrence of `anchor`.
fn insert_after(text: &mut String, anchor: &str, insert: &str) {
    assert_eq!(text.matches(anchor).count(), 1, "anchor `{anchor}`");
    let at = text
        .find(anchor)
        .map(|i| i + anchor.len())
        .unwrap_or_default();
    text.insert_str(at, insert);
}

/// The committed v1.0 metadata with the five changes of a routine Graph update.
fn updated_v1() -> String {
    let path = common::workspace_root().join("metadata/graph-v1.0.callRecords.xml");
    let mut xml =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // New types: a log row, a complex type that contains itself, an entity type.
    insert_after(
        &mut xml,
        r#"<Schema Namespace="microsoft.graph.callRecords" xmlns="http://docs.oasis-open.org/odata/ns/edm">"#,
        r#"
      <ComplexType Name="futureCallLogRow">
        <Property Name="id" Type="Edm.String" />
        <Property Name="startDateTime" Type="Edm.DateTimeOffset" />
        <Property Name="charge" Type="Edm.Decimal" />
      </ComplexType>
      <ComplexType Name="failureChain">
        <Property Name="reason" Type="Edm.String" />
        <Property Name="innerFailure" Type="microsoft.graph.callRecords.failureChain" />
      </ComplexType>
      <EntityType Name="recording" BaseType="graph.entity">
        <Property Name="contentUrl" Type="Edm.String" />
        <Property Name="failure" Type="microsoft.graph.callRecords.failureChain" />
      </EntityType>"#,
    );
    // A contained navigation property to the new entity type.
    insert_after(
        &mut xml,
        r#"<NavigationProperty Name="sessions" Type="Collection(microsoft.graph.callRecords.session)" ContainsTarget="true" />"#,
        r#"
        <NavigationProperty Name="recordings" Type="Collection(microsoft.graph.callRecords.recording)" ContainsTarget="true" />"#,
    );
    // A log function with getPstnCalls' shape.
    insert_after(
        &mut xml,
        r#"<ReturnType Type="Collection(microsoft.graph.callRecords.pstnCallLogRow)" />
      </Function>"#,
        r#"
      <Function Name="getFutureCalls" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(microsoft.graph.callRecords.callRecord)" />
        <Parameter Name="fromDateTime" Type="Edm.DateTimeOffset" />
        <Parameter Name="toDateTime" Type="Edm.DateTimeOffset" />
        <ReturnType Type="Collection(microsoft.graph.callRecords.futureCallLogRow)" />
      </Function>"#,
    );
    // An enum member after unknownFutureValue.
    insert_after(
        &mut xml,
        r#"<Member Name="screenSharing" Value="4" />
        <Member Name="unknownFutureValue" Value="5" />"#,
        r#"
        <Member Name="holographic" Value="6" />"#,
    );
    // A deprecation.
    insert_after(
        &mut xml,
        r#"<Annotations Target="microsoft.graph.callRecords.callRecord/modalities">"#,
        r#"
      </Annotations>
      <Annotations Target="microsoft.graph.callRecords.callRecord/joinWebUrl">
        <Annotation Term="Org.OData.Core.V1.Revisions">
          <Collection>
            <Record>
              <PropertyValue Property="Date" Date="2026-01-15" />
              <PropertyValue Property="Description" String="joinWebUrl is deprecated. Use joinInfo instead." />
              <PropertyValue Property="Kind">
                <EnumMember>Org.OData.Core.V1.RevisionKind/Deprecated</EnumMember>
              </PropertyValue>
              <PropertyValue Property="RemovalDate" Date="2027-01-15" />
              <PropertyValue Property="Version" String="2026-01/joinInfo" />
            </Record>
          </Collection>
        </Annotation>"#,
    );
    xml
}

fn generated<'f>(files: &'f [GeneratedFile], path: &str) -> &'f str {
    files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| panic!("{path} not generated"))
}

fn assert_contains(text: &str, what: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "{what} lacks `{n}`");
    }
}

/// What the scratch crate does with each new item: compiled, so the SDK exposes them.
const EXPOSES: &str = r#"//! Uses every item a routine Graph update added.
#![allow(dead_code, deprecated)]

use chrono::{DateTime, Utc};
use msgraph_callrecords::models::callrecords::{FailureChain, FutureCallLogRow, Modality, Recording};
use msgraph_callrecords::v1;

/// The new log function: typed date-time arguments, checked, and its windowed variant.
pub fn log_function(records: &v1::CallRecordsRequestBuilder, from: DateTime<Utc>, to: DateTime<Utc>) {
    let one: v1::GetFutureCallsRequest = records.get_future_calls(from, to);
    let _ = (one.url_path(), one.prepare().is_ok());
    let _ = records.get_future_calls_windowed(from, to);
    let _ = v1::GetFutureCallsRequest::RULES.check(from, to).is_ok();
}

/// The new row type.
pub fn row(r: &FutureCallLogRow) -> (Option<&String>, Option<&rust_decimal::Decimal>) {
    (r.id.as_ref(), r.charge.as_ref())
}

/// The new contained navigation and its entity type.
pub fn navigation(record: &v1::CallRecordRequestBuilder) -> (v1::ListRecordingsRequest, v1::GetRecordingRequest) {
    (record.recordings().list(), record.recordings().by_id("r1").get())
}

/// The self-referencing complex type, boxed on its back edge.
pub fn depth(mut f: &FailureChain) -> usize {
    let mut n = 1;
    while let Some(inner) = f.inner_failure.as_deref() {
        n += 1;
        f = inner;
    }
    n
}

/// The new entity's fields, one of them the self-referencing type.
pub fn recording(r: &Recording) -> (Option<&String>, Option<usize>) {
    (r.content_url.as_ref(), r.failure.as_ref().map(depth))
}

/// The enum member after unknownFutureValue.
pub fn member() -> Modality {
    Modality::Holographic
}

/// The deprecated property is still there (used here with `deprecated` allowed).
pub fn deprecated(r: &msgraph_callrecords::models::callrecords::CallRecord) -> Option<&String> {
    r.join_web_url.as_ref()
}
"#;

/// `cargo` as the test was started with.
fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

/// The target directory this test was built in, so the check reuses its dependencies.
fn target_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map(Path::to_path_buf).unwrap_or(tmp)
}

/// The scratch workspace: outside the target directory (cargo does not look for changed
/// sources of path packages inside it), one per checkout, reused so only what changed is
/// checked again.
fn scratch_dir(root: &Path) -> PathBuf {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // FNV-1a of the checkout's path: checkouts on one machine do not share a scratch.
    let hash = root
        .to_string_lossy()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    std::env::temp_dir().join(format!("msgraph-regenerate-sdk-{hash:016x}"))
}

/// A cargo manifest without what only the real workspace has (dev-dependencies, benches,
/// tests and examples not copied).
fn package_manifest(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut value: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    for key in ["dev-dependencies", "bench", "test", "example"] {
        value.remove(key);
    }
    toml::to_string(&value).unwrap_or_else(|e| panic!("{e}"))
}

/// The workspace manifest for the scratch workspace: the real one, with its project crates
/// pointing at the real crates except the two generated ones, which point at the copies.
fn workspace_manifest(root: &Path, scratch: &Path) -> String {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).unwrap_or_else(|e| panic!("{e}"));
    let mut value: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    let ws = value
        .get_mut("workspace")
        .and_then(|w| w.as_table_mut())
        .expect("[workspace]");
    ws.remove("default-members");
    ws.insert(
        "members".into(),
        toml::Value::Array(
            [
                "msgraph-callrecords-models",
                "msgraph-callrecords",
                "exposes",
            ]
            .iter()
            .map(|m| toml::Value::String(m.to_string()))
            .collect(),
        ),
    );
    let deps = ws
        .get_mut("dependencies")
        .and_then(|d| d.as_table_mut())
        .expect("[workspace.dependencies]");
    for (name, dep) in deps.iter_mut() {
        let Some(path) = dep.get("path").and_then(|p| p.as_str()).map(str::to_string) else {
            continue;
        };
        let new = if name == "msgraph-callrecords-models" || name == "msgraph-callrecords" {
            scratch.join(name)
        } else {
            root.join(path)
        };
        let table = dep.as_table_mut().expect("path dependency is a table");
        table.insert(
            "path".into(),
            toml::Value::String(new.display().to_string()),
        );
    }
    toml::to_string(&value).unwrap_or_else(|e| panic!("{e}"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("{e}"));
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

fn write(path: &Path, contents: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    std::fs::write(path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[test]
fn routine_update_regenerates_a_compiling_sdk_that_exposes_each_change() {
    let root = common::workspace_root();
    let v1_text = updated_v1();
    let v1 = msgraph_csdl::load(v1_text.as_bytes(), "updated v1.0 metadata")
        .unwrap_or_else(|e| panic!("{e}"));
    let beta = msgraph_csdl::load_file(&root.join("metadata/graph-beta.callRecords.xml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let facts = Facts::load_file(&root.join(FACTS_FILE)).unwrap_or_else(|e| panic!("{e}"));
    let version = |module, label, feature, document| msgraph_codegen::models::Version {
        module,
        label,
        feature,
        document,
    };
    let outputs = msgraph_codegen::Outputs {
        models_crate: "crates/msgraph-callrecords-models",
        builders: Some(msgraph_codegen::BuilderOutput {
            crate_dir: "crates/msgraph-callrecords",
            namespace: "microsoft.graph.callRecords",
            facts: &facts,
        }),
    };
    let out = msgraph_codegen::generate_all(
        &outputs,
        &[
            version("v1", "v1.0", None, &v1),
            version("beta", "beta", Some("beta"), &beta),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));

    // What had no rules is named in warnings, and nothing else is.
    let mut warnings: Vec<String> = out.warnings.iter().map(ToString::to_string).collect();
    warnings.sort();
    assert_eq!(
        warnings,
        [
            "v1.0 GET /communications/callRecords/{id}/recordings/{id}: no [[operation]] entry in metadata/callRecords.operations.toml; generated without query options",
            "v1.0 LIST /communications/callRecords/{id}/recordings: no [[operation]] entry in metadata/callRecords.operations.toml; generated without query options",
            "v1.0 microsoft.graph.callRecords.getFutureCalls: no [[function]] entry in metadata/callRecords.operations.toml; generated with no client-side range limit and `toDateTime` read as inclusive",
        ]
    );

    // Each change, in the generated text.
    let models = generated(
        &out.files,
        "crates/msgraph-callrecords-models/src/generated/v1/callrecords.rs",
    );
    assert_contains(
        models,
        "models",
        &[
            "pub struct FutureCallLogRow",
            "pub struct Recording",
            "pub struct FailureChain",
            "pub inner_failure: Option<Box<FailureChain>>",
            "Holographic,",
            "note = \"joinWebUrl is deprecated. Use joinInfo instead (deprecated 2026-01-15, removal 2027-01-15)\"",
        ],
    );
    let builders = generated(&out.files, "crates/msgraph-callrecords/src/generated/v1.rs");
    assert_contains(
        builders,
        "builders",
        &[
            "pub fn get_future_calls(",
            "GetFutureCallsRequest::RULES.check(from_date_time, to_date_time)",
            "max_days: None,",
            "pub fn get_future_calls_windowed(",
            "pub fn recordings(&self) -> RecordingsRequestBuilder",
        ],
    );

    // The SDK compiles with them, and a crate using each one compiles against it.
    let target = target_dir();
    let scratch = scratch_dir(&root);
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch).unwrap_or_else(|e| panic!("{e}"));
    }
    for name in ["msgraph-callrecords-models", "msgraph-callrecords"] {
        let crate_dir = root.join("crates").join(name);
        copy_dir(&crate_dir.join("src"), &scratch.join(name).join("src"));
        write(
            &scratch.join(name).join("Cargo.toml"),
            &package_manifest(&crate_dir.join("Cargo.toml")),
        );
    }
    for f in &out.files {
        let rel = f
            .path
            .strip_prefix("crates/")
            .expect("generated under crates/");
        write(&scratch.join(rel), &f.contents);
    }
    write(
        &scratch.join("exposes/Cargo.toml"),
        "[package]\nname = \"exposes\"\nversion = \"0.0.0\"\nedition.workspace = true\npublish = false\n\n\
         [dependencies]\nmsgraph-callrecords.workspace = true\nchrono.workspace = true\n\
         rust_decimal.workspace = true\n",
    );
    write(&scratch.join("exposes/src/lib.rs"), EXPOSES);
    write(
        &scratch.join("Cargo.toml"),
        &workspace_manifest(&root, &scratch),
    );
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock"))
        .unwrap_or_else(|e| panic!("{e}"));

    let output = Command::new(cargo())
        .current_dir(&scratch)
        .args(["check", "--offline", "--quiet", "-p", "exposes"])
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert!(
        output.status.success(),
        "the regenerated SDK does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::remove_dir_all(&scratch).unwrap_or_else(|e| panic!("{e}"));
}
