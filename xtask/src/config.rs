//! `codegen.toml`: what `cargo xtask metadata import` keeps from Graph's `$metadata` and
//! what `cargo xtask codegen` generates from it. Generating another namespace, another root
//! type or into other crates is an edit of this file, not of the generator.
//!
//! ```toml
//! [api]
//! namespace = "microsoft.graph.callRecords"   # kept complete; request builders for its URL space
//! paths = ["communications/callRecords"]      # containment paths to it (empty: all found)
//! types = ["microsoft.graph.call"]            # more roots: models and their closure only
//!
//! [[version]]                                 # one per Graph version, in module order
//! graph = "v1.0"                              # "v1.0" or "beta" (the URL segment)
//! module = "v1"                               # module under src/generated/
//! feature = "beta"                            # optional cargo feature gating the module
//! metadata = "metadata/graph-v1.0.callRecords.xml"
//!
//! [output]
//! models = "crates/msgraph-callrecords-models"
//! builders = "crates/msgraph-callrecords"     # optional: no builders without it
//! operations = "metadata/callRecords.operations.toml"  # optional: the builders' query
//!                                             # options and date-range rules (defaults without)
//! cli_columns = "crates/callrecords-cli/src/columns/generated.rs"  # optional
//!
//! [[fixture]]                                 # optional: generator test fixtures, models only
//! metadata = "crates/msgraph-codegen/tests/fixtures/edge_cases.xml"
//! models = "crates/msgraph-callrecords-models/tests/edge_cases/generated"
//! ```
//!
//! Paths are relative to the directory of the configuration file (the workspace root).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{bail, Context};
use serde::Deserialize;

/// The configuration file's name at the workspace root.
pub const FILE_NAME: &str = "codegen.toml";

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// What to keep and generate.
    pub api: Api,
    /// The Graph versions, each with its committed metadata file.
    #[serde(rename = "version")]
    pub versions: Vec<Version>,
    /// Where the generated crates are.
    pub output: Output,
    /// Generator test fixtures whose models are generated too.
    #[serde(default, rename = "fixture")]
    pub fixtures: Vec<Fixture>,
}

/// `[api]`: the roots of the generated API.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Api {
    /// The namespace kept complete, whose URL space gets request builders.
    pub namespace: String,
    /// Containment paths from the entity container to the namespace
    /// (`communications/callRecords`); empty keeps every path the importer finds.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Qualified types outside the namespace generated as models with their closure, without
    /// request builders (`microsoft.graph.call`).
    #[serde(default)]
    pub types: Vec<String>,
}

/// `[[version]]`: one Graph version.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    /// `v1.0` or `beta`.
    pub graph: String,
    /// The Rust module of the version (`v1`).
    pub module: String,
    /// Cargo feature gating the version's modules, if any.
    #[serde(default)]
    pub feature: Option<String>,
    /// The committed CSDL file the importer writes and the generator reads.
    pub metadata: String,
}

/// `[output]`: the generated crates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// Crate directory of the models.
    pub models: String,
    /// Crate directory of the request builders; none are generated without it.
    #[serde(default)]
    pub builders: Option<String>,
    /// The builders' operation rules (query options, date-range rules): a file the importer
    /// never writes. Without it every operation gets conservative defaults, with warnings.
    #[serde(default)]
    pub operations: Option<String>,
    /// The `callrecords` exporter's CSV column file, from the v1.0 and beta documents
    /// (`msgraph_codegen::models::columns`); not generated without it.
    #[serde(default)]
    pub cli_columns: Option<String>,
}

/// `[[fixture]]`: a test fixture of the generator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// The fixture's CSDL file.
    pub metadata: String,
    /// The directory its models are generated into.
    pub models: String,
}

impl Config {
    /// Reads and checks `<root>/codegen.toml`.
    pub fn load(root: &Path) -> anyhow::Result<Config> {
        let path = root.join(FILE_NAME);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        Config::parse(&text).with_context(|| format!("invalid {}", path.display()))
    }

    /// Parses and checks the text of a configuration file.
    pub fn parse(text: &str) -> anyhow::Result<Config> {
        let config: Config = toml::from_str(text)?;
        config.check()?;
        Ok(config)
    }

    /// The `[[version]]` whose `graph` is `label`.
    pub fn version(&self, label: &str) -> anyhow::Result<&Version> {
        self.versions
            .iter()
            .find(|v| v.graph == label)
            .with_context(|| format!("{FILE_NAME} has no [[version]] with graph = \"{label}\""))
    }

    fn check(&self) -> anyhow::Result<()> {
        if !is_qualified(&self.api.namespace) {
            bail!(
                "[api].namespace `{}` is not a dotted namespace name",
                self.api.namespace
            );
        }
        for t in &self.api.types {
            if !is_qualified(t) {
                bail!("[api].types: `{t}` is not a namespace-qualified type name");
            }
        }
        for p in &self.api.paths {
            if p.is_empty() || p.starts_with('/') || p.split('/').any(str::is_empty) {
                bail!("[api].paths: `{p}` is not a path like `communications/callRecords`");
            }
        }
        if self.versions.is_empty() {
            bail!("no [[version]]: nothing to import or generate");
        }
        let mut modules = BTreeSet::new();
        let mut labels = BTreeSet::new();
        for v in &self.versions {
            if !is_module_name(&v.module) {
                bail!(
                    "[[version]] graph = \"{}\": module `{}` is not a lower-case Rust identifier",
                    v.graph,
                    v.module
                );
            }
            if !modules.insert(&v.module) {
                bail!("[[version]]: module `{}` is used twice", v.module);
            }
            if !labels.insert(&v.graph) {
                bail!("[[version]]: graph = \"{}\" is listed twice", v.graph);
            }
        }
        Ok(())
    }
}

fn is_qualified(name: &str) -> bool {
    name.contains('.')
        && name
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_'))
}

fn is_module_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[api]
namespace = "microsoft.graph.externalConnectors"

[[version]]
graph = "v1.0"
module = "v1"
metadata = "metadata/graph-v1.0.externalConnectors.xml"

[output]
models = "gen/models"
"#;

    #[test]
    fn the_project_configuration_is_call_records() {
        let config = Config::load(&crate::util::project_root()).unwrap_or_else(|e| panic!("{e:#}"));
        assert_eq!(config.api.namespace, "microsoft.graph.callRecords");
        assert_eq!(config.api.paths, ["communications/callRecords"]);
        assert_eq!(config.api.types, ["microsoft.graph.call"]);
        let labels: Vec<_> = config.versions.iter().map(|v| v.graph.as_str()).collect();
        assert_eq!(labels, ["v1.0", "beta"]);
        assert_eq!(
            config.version("beta").unwrap().feature.as_deref(),
            Some("beta")
        );
        assert_eq!(
            config.output.builders.as_deref(),
            Some("crates/msgraph-callrecords")
        );
    }

    #[test]
    fn optional_parts_have_defaults() {
        let config = Config::parse(MINIMAL).unwrap_or_else(|e| panic!("{e:#}"));
        assert!(config.api.paths.is_empty() && config.api.types.is_empty());
        assert!(config.output.builders.is_none() && config.fixtures.is_empty());
        assert!(config.output.cli_columns.is_none());
        let err = config.version("beta").unwrap_err().to_string();
        assert!(err.contains("graph = \"beta\""), "{err}");
    }

    #[test]
    fn bad_configurations_are_named() {
        let cases = [
            (
                MINIMAL.replace("namespace =", "namespaces ="),
                "unknown field `namespaces`",
            ),
            (
                MINIMAL.replace("\"microsoft.graph.externalConnectors\"", "\"graph\""),
                "not a dotted namespace",
            ),
            (
                MINIMAL.replace("module = \"v1\"", "module = \"V1\""),
                "not a lower-case Rust identifier",
            ),
            (
                format!(
                    "{MINIMAL}\n[[version]]\ngraph = \"beta\"\nmodule = \"v1\"\nmetadata = \"x\"\n"
                ),
                "module `v1` is used twice",
            ),
            (
                MINIMAL.replace(
                    "namespace = \"microsoft.graph.externalConnectors\"",
                    "namespace = \"a.b\"\npaths = [\"/external\"]",
                ),
                "[api].paths",
            ),
            (
                MINIMAL.replace(
                    "namespace = \"microsoft.graph.externalConnectors\"",
                    "namespace = \"a.b\"\ntypes = [\"call\"]",
                ),
                "[api].types: `call`",
            ),
            (
                "version = []\n[api]\nnamespace = \"a.b\"\n[output]\nmodels = \"m\"\n".to_string(),
                "no [[version]]",
            ),
        ];
        for (text, expected) in cases {
            let err = format!("{:#}", Config::parse(&text).unwrap_err());
            assert!(err.contains(expected), "expected `{expected}` in: {err}");
        }
        let err = format!("{:#}", Config::load(Path::new("no/such/dir")).unwrap_err());
        assert!(
            err.contains("cannot read no/such/dir/codegen.toml"),
            "{err}"
        );
    }
}
