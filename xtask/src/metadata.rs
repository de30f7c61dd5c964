//! `cargo xtask metadata import`: owned by the metadata work (issue 3).

use crate::flags::ImportArgs;

/// Imports the call-records subset of a `$metadata` document into `metadata/`.
pub fn import(args: &ImportArgs) -> anyhow::Result<()> {
    anyhow::bail!(
        "metadata import is not available yet (requested from {})",
        args.from
    )
}
