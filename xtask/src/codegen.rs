//! `cargo xtask codegen [--check]`: regenerates every generated file from `metadata/`.
//!
//! What is generated, from which files, into which crates, is `codegen.toml`
//! ([`crate::config`]); the list of outputs comes from [`msgraph_codegen::generate_all`]. Besides
//! writing/comparing each output, it reports generated files (those starting with the
//! `@generated` header) under an output directory that the generator no longer produces.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::config::Config;
use crate::flags::CodegenArgs;
use crate::util::{ensure_file_contents, project_root, FileState};

/// Regenerates the generated crates, or checks them with `--check`.
pub fn run(args: &CodegenArgs) -> anyhow::Result<()> {
    let root = project_root();
    let report = sync(&root, args.check)?;
    // Defaults used and rules dropped: the maintainer reviews them, they never stop codegen.
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    for p in &report.written {
        eprintln!("codegen: wrote {p}");
    }
    for p in &report.removed {
        eprintln!("codegen: removed orphan {p}");
    }
    if args.check {
        if !report.stale.is_empty() {
            anyhow::bail!(
                "generated code is out of date with metadata/ (run `cargo xtask codegen`):\n  {}",
                report.stale.join("\n  ")
            );
        }
        eprintln!("codegen: {} files up to date", report.total);
    } else if report.written.is_empty() && report.removed.is_empty() {
        eprintln!("codegen: {} files already up to date", report.total);
    }
    Ok(())
}

/// What [`sync`] did or, in check mode, found.
#[derive(Debug, Default)]
pub struct SyncReport {
    /// Number of generated files.
    pub total: usize,
    /// Files (re)written.
    pub written: Vec<String>,
    /// Orphaned generated files deleted.
    pub removed: Vec<String>,
    /// Check mode: files missing, different, or orphaned.
    pub stale: Vec<String>,
    /// What the generator did with defaults or dropped (see [`msgraph_codegen::Warning`]).
    pub warnings: Vec<msgraph_codegen::Warning>,
}

/// Generates everything `<root>/codegen.toml` asks for in memory, then writes (or, with
/// `check`, compares) below `root`.
pub fn sync(root: &Path, check: bool) -> anyhow::Result<SyncReport> {
    let config = Config::load(root)?;
    let msgraph_codegen::Generated { files, warnings } = generate(root, &config)?;
    let mut report = SyncReport {
        total: files.len(),
        warnings,
        ..SyncReport::default()
    };
    for f in &files {
        match ensure_file_contents(&root.join(&f.path), &f.contents, check)? {
            FileState::UpToDate => {}
            FileState::Written => report.written.push(f.path.clone()),
            FileState::Stale => report.stale.push(f.path.clone()),
        }
    }
    let produced: Vec<PathBuf> = files.iter().map(|f| root.join(&f.path)).collect();
    for orphan in orphans(root, &files, &produced)? {
        let rel = orphan
            .strip_prefix(root)
            .unwrap_or(&orphan)
            .display()
            .to_string();
        if check {
            report.stale.push(format!("{rel} (no longer generated)"));
        } else {
            std::fs::remove_file(&orphan)
                .with_context(|| format!("cannot remove {}", orphan.display()))?;
            report.removed.push(rel);
        }
    }
    Ok(report)
}

/// Every file `config` describes, generated from the metadata files below `root`.
pub fn generate(root: &Path, config: &Config) -> anyhow::Result<msgraph_codegen::Generated> {
    let documents = config
        .versions
        .iter()
        .map(|v| load(&root.join(&v.metadata)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let versions: Vec<msgraph_codegen::models::Version> = config
        .versions
        .iter()
        .zip(&documents)
        .map(|(v, document)| msgraph_codegen::models::Version {
            module: &v.module,
            label: &v.graph,
            feature: v.feature.as_deref(),
            document,
        })
        .collect();
    // Without an operations file every operation gets the conservative defaults (warned).
    let facts = match &config.output.operations {
        Some(path) => msgraph_codegen::builders::facts::Facts::load_file(&root.join(path))?,
        None => msgraph_codegen::builders::facts::Facts::default(),
    };
    let outputs = msgraph_codegen::Outputs {
        models_crate: &config.output.models,
        builders: config.output.builders.as_deref().map(|crate_dir| {
            msgraph_codegen::BuilderOutput {
                crate_dir,
                namespace: &config.api.namespace,
                facts: &facts,
            }
        }),
    };
    let mut generated =
        msgraph_codegen::generate_all(&outputs, &versions).context("code generation failed")?;
    let files = &mut generated.files;
    if let Some(path) = &config.output.cli_columns {
        let document = |label: &str| {
            config
                .versions
                .iter()
                .position(|v| v.graph == label)
                .map(|i| &documents[i])
                .with_context(|| {
                    format!("[output].cli_columns needs a [[version]] with graph = \"{label}\"")
                })
        };
        files.push(
            msgraph_codegen::models::columns::generate_cli_columns(
                path,
                document("v1.0")?,
                document("beta")?,
            )
            .context("code generation of the exporter's CSV columns failed")?,
        );
    }
    for fixture in &config.fixtures {
        let doc = load(&root.join(&fixture.metadata))?;
        files.extend(
            msgraph_codegen::models::generate_fixture_models(&fixture.models, &doc)
                .with_context(|| format!("code generation for {} failed", fixture.metadata))?,
        );
    }
    Ok(generated)
}

fn load(path: &Path) -> anyhow::Result<msgraph_csdl::Document> {
    msgraph_csdl::load_file(path).with_context(|| format!("cannot load {}", path.display()))
}

/// Files with the `@generated` header inside a directory that holds generated output
/// (any directory named `generated` on an output path) but not produced any more.
fn orphans(
    root: &Path,
    files: &[msgraph_codegen::GeneratedFile],
    produced: &[PathBuf],
) -> anyhow::Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| {
            let idx = f.path.find("/generated/")?;
            Some(root.join(&f.path[..idx + "/generated".len()]))
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    let mut out = Vec::new();
    for dir in dirs {
        walk(&dir, &mut |p| {
            if !produced.iter().any(|q| q == p) && is_generated(p) {
                out.push(p.to_path_buf());
            }
        })?;
    }
    out.sort();
    Ok(out)
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) -> anyhow::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, f)?;
        } else {
            f(&path);
        }
    }
    Ok(())
}

fn is_generated(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .map(|s| s.starts_with(msgraph_codegen::emit::HEADER))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    /// `cargo test` fails when committed generated code and `metadata/` disagree.
    #[test]
    fn generated_code_is_up_to_date() {
        let root = crate::util::project_root();
        let report = super::sync(&root, true).unwrap_or_else(|e| panic!("{e:#}"));
        assert!(report.total > 0, "nothing was generated");
        assert!(
            report.stale.is_empty(),
            "generated code is out of date with metadata/; run `cargo xtask codegen`:\n  {}",
            report.stale.join("\n  ")
        );
    }
}
