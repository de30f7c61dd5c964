//! Command-line flags of `cargo xtask`.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Project automation for graph-callrecords-rs.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", version, about)]
pub struct Xtask {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The `cargo xtask` subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with the project's CSDL files in `metadata/`.
    #[command(subcommand)]
    Metadata(Metadata),
    /// Regenerate the generated crates from `metadata/` (or check they are up to date).
    Codegen(CodegenArgs),
}

/// `cargo xtask metadata ...`
#[derive(Debug, Subcommand)]
pub enum Metadata {
    /// Import the call-records subset of a Graph `$metadata` document into `metadata/`.
    Import(ImportArgs),
    /// Print the API changes from one CSDL document to another (additive or breaking).
    Diff(DiffArgs),
}

/// Arguments of `cargo xtask metadata diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old document: a file path or an `https://` URL.
    pub old: String,
    /// The new document: a file path or an `https://` URL.
    pub new: String,
    #[command(flatten)]
    pub changelog: ChangelogArgs,
}

/// Where to record an API change report as a CHANGELOG entry.
#[derive(Debug, Args)]
pub struct ChangelogArgs {
    /// Record the changes in this keep-a-changelog file (created if missing).
    #[arg(long, value_name = "FILE")]
    pub changelog: Option<std::path::PathBuf>,
    /// The CHANGELOG section to record them under (joined if it exists, else added on top).
    #[arg(long, default_value = "[Unreleased]")]
    pub heading: String,
}

/// Arguments of `cargo xtask metadata import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A `$metadata` file path or an `https://` URL.
    #[arg(long)]
    pub from: String,
    /// Which Graph version the document describes.
    #[arg(long, value_enum)]
    pub version: GraphVersion,
    /// Do not write; fail if the committed file differs from what the import would write.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub changelog: ChangelogArgs,
}

/// A Microsoft Graph API version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphVersion {
    /// `v1.0`
    #[value(name = "v1.0")]
    V1,
    /// `beta`
    #[value(name = "beta")]
    Beta,
}

/// Arguments of `cargo xtask codegen`.
#[derive(Debug, Args)]
pub struct CodegenArgs {
    /// Regenerate in memory and fail, naming every stale file, instead of writing.
    #[arg(long)]
    pub check: bool,
}
