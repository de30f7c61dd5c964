//! Helpers shared by the codegen test binaries.
#![allow(dead_code)] // each test binary uses a different subset

use std::path::{Path, PathBuf};

/// The package directory as cargo gives it when running this (not as it was
/// at compile time: a build dir may be shared between checkouts).
pub fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string())
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(&manifest_dir()).join("../..")
}

/// insta looks for snapshots under the package dir it was compiled in;
/// this points it at the run-time one. Bind it for the test's scope.
pub fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(&manifest_dir()).join("tests/snapshots"));
    settings
}
