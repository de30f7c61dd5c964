//! The lock of an output file: one run at a time writes an output, its
//! `.partial` file and its checkpoint.
//!
//! An advisory lock (`flock`) on `<output>.lock`, held for the whole run:
//! the operating system releases it when the process ends, however it ends
//! (a run killed with SIGKILL leaves the file, not the lock).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// A held lock; released, and its file removed, when dropped (a killed
/// process leaves the file, whose lock the system has released).
#[derive(Debug)]
pub struct OutputLock {
    /// Never read: the lock lives as long as this handle is open.
    _file: File,
    path: PathBuf,
}

impl OutputLock {
    /// Take the lock of `output` at `path`, or say who holds it.
    pub fn take(path: &Path, output: &Path) -> Result<Self, CliError> {
        // A run that releases the lock removes the file; one that opened the
        // old file just before may then lock a file no longer at `path`.
        // Checking that the locked file is still the one at `path` closes that gap.
        for _ in 0..8 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(|e| {
                    CliError::other(format!(
                        "cannot create the lock file {}: {e}",
                        path.display()
                    ))
                    .hint("check that the output's directory exists and is writable")
                })?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    return Err(CliError::validation(format!(
                        "another callrecords export is writing {} (it holds {})",
                        output.display(),
                        path.display()
                    ))
                    .hint("wait for it to finish or stop it; two exports must not write one output file"));
                }
                Err(TryLockError::Error(e)) => {
                    return Err(CliError::other(format!(
                        "cannot lock {}: {e}",
                        path.display()
                    ))
                    .hint("the output's file system must support file locks; write to a local disk"));
                }
            }
            if same_file(&file, path) {
                // Who holds it, for a person looking at the file; not read back.
                let _ = file.set_len(0);
                let _ = writeln!(file, "{}", std::process::id());
                return Ok(OutputLock {
                    _file: file,
                    path: path.to_path_buf(),
                });
            }
        }
        Err(CliError::other(format!(
            "cannot lock {}: it keeps being replaced",
            path.display()
        ))
        .hint("another program is creating and removing it; stop it and try again"))
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still held, so no other run can have locked it;
        // the file handle (and with it the lock) goes right after.
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_released() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.ndjson");
        let path = dir.path().join("o.ndjson.lock");
        let first = OutputLock::take(&path, &out).unwrap();
        let e = OutputLock::take(&path, &out).unwrap_err();
        assert_eq!(e.category, crate::Category::Validation);
        assert!(e.to_string().contains("another callrecords export"), "{e}");
        assert!(e.hint.is_some());
        drop(first);
        assert!(!path.exists());
        // A file left by a killed run holds no lock.
        std::fs::write(&path, "12345\n").unwrap();
        let again = OutputLock::take(&path, &out).unwrap();
        drop(again);
        assert!(!path.exists());
    }
}
