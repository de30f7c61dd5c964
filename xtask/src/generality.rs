//! The generality proof: another namespace of the real Graph v1.0 document
//! (`microsoft.graph.externalConnectors`) is imported, generated (models and request
//! builders) and `cargo check`ed from a configuration file alone, with the same code
//! `cargo xtask metadata import` and `cargo xtask codegen` run for call records.
//!
//! Everything goes to a temporary directory: its `codegen.toml`, the imported metadata
//! file, the generated `src/generated/**` of two crates, and their small hand-written
//! `Cargo.toml` / `lib.rs` (the builders crate re-exports the runtime and the `support`
//! module of `msgraph-callrecords`, which the generated builders call). The check shares
//! the workspace's `target/` directory and lock file, so dependencies already built by
//! the workspace are reused. Skipped, with a message, when the upstream document is absent.

#![cfg(test)]

use std::path::Path;
use std::process::Command;

use crate::config::Config;
use crate::util::project_root;

/// The whole input: what an engineer writes to generate another API.
const CONFIG: &str = r#"
[api]
namespace = "microsoft.graph.externalConnectors"
paths = ["external"]

[[version]]
graph = "v1.0"
module = "v1"
metadata = "metadata/graph-v1.0.externalConnectors.xml"

[output]
models = "models"
builders = "builders"
"#;

#[test]
fn another_namespace_generates_and_compiles_from_configuration_alone() {
    let root = project_root();
    let upstream = root.join("../shared/upstream-metadata/graph-v1.0-metadata.xml");
    let Ok(bytes) = std::fs::read(&upstream) else {
        eprintln!("skipped: {} is absent", upstream.display());
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let tmp = dir.path();
    write(tmp, "codegen.toml", CONFIG);
    let config = Config::load(tmp).unwrap_or_else(|e| panic!("{e:#}"));

    // `cargo xtask metadata import --from <upstream> --version v1.0`, into `tmp`.
    let (xml, _) = crate::metadata::import_document(&config.api, &bytes, "upstream v1.0", None)
        .unwrap_or_else(|e| panic!("{e:#}"));
    write(tmp, &config.version("v1.0").unwrap().metadata, &xml);
    assert!(
        xml.contains(r#"<Singleton Name="external""#),
        "container path not kept"
    );

    // `cargo xtask codegen`, into `tmp`.
    let report = crate::codegen::sync(tmp, false).unwrap_or_else(|e| panic!("{e:#}"));
    assert!(report.stale.is_empty() && report.removed.is_empty());
    let builders = std::fs::read_to_string(tmp.join("builders/src/generated/v1.rs"))
        .expect("builders generated");
    for item in ["pub fn external(", "pub fn connections(", "pub fn by_id("] {
        assert!(builders.contains(item), "builders lack `{item}`");
    }
    let models = std::fs::read_to_string(tmp.join("models/src/generated/v1/externalconnectors.rs"))
        .expect("models generated");
    assert!(models.contains("pub struct ExternalConnection {"));

    scaffold(tmp, &root);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let started = std::time::Instant::now();
    let out = Command::new(cargo)
        .args([
            "check",
            "--offline",
            "--workspace",
            "--quiet",
            "--manifest-path",
        ])
        .arg(tmp.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("cargo runs");
    eprintln!(
        "generality: cargo check of the generated externalConnectors crates took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        out.status.success(),
        "the generated externalConnectors crates do not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(root: &Path, rel: &str, contents: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a file path")).expect("create directory");
    std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// The hand-written parts of the two crates, and a workspace around them using the
/// project's lock file (same dependency versions, no registry access).
fn scaffold(tmp: &Path, root: &Path) {
    let crates = root.join("crates");
    let krate = |name: &str| crates.join(name).display().to_string().replace('\\', "/");
    write(
        tmp,
        "Cargo.toml",
        "[workspace]\nresolver = \"2\"\nmembers = [\"models\", \"builders\"]\n\n\
         [profile.dev.package.\"*\"]\ndebug = false\n",
    );
    std::fs::copy(root.join("Cargo.lock"), tmp.join("Cargo.lock")).expect("copy Cargo.lock");
    write(
        tmp,
        "models/Cargo.toml",
        &format!(
            "[package]\nname = \"generality-models\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nmsgraph-odata = {{ path = \"{}\" }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
             serde_json = \"1\"\nrust_decimal = {{ version = \"1\", default-features = false, features = [\"std\", \"serde\"] }}\n",
            krate("msgraph-odata")
        ),
    );
    write(
        tmp,
        "models/src/lib.rs",
        "//! Models generated from configuration alone.\n\
         #[rustfmt::skip]\nmod generated;\npub use generated::v1::*;\n",
    );
    write(
        tmp,
        "builders/Cargo.toml",
        &format!(
            "[package]\nname = \"generality-builders\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\ngenerality-models = {{ path = \"../models\" }}\n\
             msgraph-callrecords = {{ path = \"{}\" }}\n\
             chrono = {{ version = \"0.4\", default-features = false, features = [\"std\", \"clock\", \"serde\"] }}\n",
            krate("msgraph-callrecords")
        ),
    );
    write(
        tmp,
        "builders/src/lib.rs",
        "//! Request builders generated from configuration alone.\n\
         pub use generality_models as models;\n\
         pub use msgraph_callrecords::{runtime, support};\n\
         #[rustfmt::skip]\n#[path = \"generated/v1.rs\"]\npub mod v1;\n",
    );
}
