//! Making writes durable (fsync) in the order a crash needs: the output
//! before the checkpoint that points past it, a checkpoint's temporary file
//! before it is renamed into place, the directory after the final rename.
//!
//! The directory is not synced after a checkpoint's rename: if a power loss
//! takes that rename back, the previous checkpoint is in place, and it
//! points at data already synced (the export then repeats a page's work,
//! not its rows). That saves one of three syncs per page.
//!
//! Tests see the order: each step is recorded in a per-thread journal.

use std::fs::File;
use std::io;
use std::path::Path;

use crate::error::CliError;

/// fsync `file`'s data (and the length it needs); `what` names it in
/// errors and the test journal.
pub fn sync(file: &File, what: &'static str) -> Result<(), CliError> {
    file.sync_data().map_err(|e| {
        CliError::other(format!("cannot make the {what} durable (fsync): {e}")).hint(
            "the disk failed to store the data: check it and its free space, then run the same command with --resume",
        )
    })?;
    record(what);
    Ok(())
}

/// Rename `from` to `to` (atomic; not yet durable, see the module docs).
pub fn rename(from: &Path, to: &Path, what: &'static str) -> io::Result<()> {
    std::fs::rename(from, to)?;
    record(what);
    Ok(())
}

/// [`rename`], then fsync the directory so the rename itself survives a
/// power loss (best effort: some file systems refuse to sync a directory).
pub fn rename_durably(from: &Path, to: &Path, what: &'static str) -> io::Result<()> {
    rename(from, to, what)?;
    sync_dir(to);
    Ok(())
}

/// fsync the directory holding `path`, so a file just created there is
/// found after a power loss (best effort, as for [`rename_durably`]).
pub fn sync_dir(path: &Path) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Ok(d) = File::open(dir) {
        if d.sync_all().is_ok() {
            record("directory");
        }
    }
}

#[cfg(test)]
thread_local! {
    static JOURNAL: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

#[cfg(test)]
fn record(what: &'static str) {
    JOURNAL.with(|j| j.borrow_mut().push(what));
}

#[cfg(not(test))]
fn record(_what: &'static str) {}

/// The durable steps this thread took since the last call (tests only).
#[cfg(test)]
pub fn take_journal() -> Vec<&'static str> {
    JOURNAL.with(|j| std::mem::take(&mut *j.borrow_mut()))
}
