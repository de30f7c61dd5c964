//! Helpers shared by the xtask commands.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of `xtask/`).
pub fn project_root() -> PathBuf {
    // `cargo run`/`cargo test` set CARGO_MANIFEST_DIR at run time; prefer it over the
    // compile-time value, which is stale when a target dir is shared between checkouts.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Outcome of [`ensure_file_contents`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// The file already had these contents.
    UpToDate,
    /// The file was (re)written.
    Written,
    /// `check` mode: the file is missing or differs.
    Stale,
}

/// Writes `contents` to `path` unless it is already there; in `check` mode only compares.
/// Like rust-analyzer's `ensure_file_contents`, but reports instead of panicking so a caller
/// can name every stale file at once.
pub fn ensure_file_contents(path: &Path, contents: &str, check: bool) -> anyhow::Result<FileState> {
    if let Ok(old) = std::fs::read_to_string(path) {
        if normalize_newlines(&old) == normalize_newlines(contents) {
            return Ok(FileState::UpToDate);
        }
    }
    if check {
        return Ok(FileState::Stale);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, contents)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(FileState::Written)
}

fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n")
}
