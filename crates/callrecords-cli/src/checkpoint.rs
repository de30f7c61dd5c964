//! The checkpoint of an export to a file: where to continue, and how much of
//! the output file is complete. Written atomically after every page.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::CliError;

/// Saved progress of one export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Format version of this file.
    pub version: u32,
    /// What the export was (kind, range, format, API version, window, includes):
    /// a resumed run must ask for the same thing.
    pub fingerprint: String,
    /// Index of the window in progress.
    pub window: usize,
    /// Where to continue inside that window: the `@odata.nextLink` of the last
    /// page written, relative to the service root (so a restarted emulator on
    /// another port still matches); `None` = start the window from the beginning.
    pub next_link: Option<String>,
    /// Rows written to the output so far.
    pub rows: u64,
    /// Pages written so far.
    pub pages: u64,
    /// Output length in bytes after the last page written.
    pub bytes: u64,
    /// `--from` / `--to` as typed and as resolved (absent in older checkpoints).
    #[serde(default)]
    pub range: Option<RangeArgs>,
}

/// The range arguments of an export: a resumed run whose `--from` / `--to`
/// are the same text (e.g. `now-7d` / `now`) continues the saved instants,
/// not what the text means at the time of resuming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeArgs {
    /// `--from` as typed.
    pub from_arg: String,
    /// `--to` as typed.
    pub to_arg: String,
    /// What `--from` resolved to.
    pub from: DateTime<Utc>,
    /// What `--to` resolved to.
    pub to: DateTime<Utc>,
}

/// Current checkpoint format. 2: CSV output gained the `otherMembers`
/// column, so a CSV file begun by a version-1 program cannot be continued.
pub const VERSION: u32 = 2;

impl Checkpoint {
    /// Load a checkpoint written by [`Checkpoint::save`].
    pub fn load(path: &Path) -> Result<Self, CliError> {
        let text = fs::read_to_string(path).map_err(|e| {
            CliError::validation(format!(
                "cannot read the checkpoint {}: {e}",
                path.display()
            ))
            .hint("there is nothing to resume: run the export without --resume")
        })?;
        let cp: Checkpoint = serde_json::from_str(&text).map_err(|e| {
            CliError::validation(format!("the checkpoint {} is damaged: {e}", path.display()))
                .hint("delete it and run the export again without --resume")
        })?;
        if cp.version != VERSION {
            return Err(CliError::validation(format!(
                "the checkpoint {} has format version {}, this program writes {VERSION}",
                path.display(),
                cp.version
            ))
            .hint("delete it and run the export again without --resume"));
        }
        Ok(cp)
    }

    /// Write atomically: to a temporary file next to `path`, then rename.
    pub fn save(&self, path: &Path) -> Result<(), CliError> {
        let tmp = tmp_path(path);
        let text = serde_json::to_vec_pretty(self)
            .map_err(|e| CliError::other(format!("cannot encode the checkpoint: {e}")))?;
        fs::write(&tmp, text)
            .and_then(|()| fs::rename(&tmp, path))
            .map_err(|e| {
                CliError::other(format!(
                    "cannot write the checkpoint {}: {e}",
                    path.display()
                ))
            })
    }

    /// Remove the checkpoint (after a complete export).
    pub fn remove(path: &Path) -> Result<(), CliError> {
        match fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(CliError::other(format!(
                "cannot remove the checkpoint {}: {e}",
                path.display()
            ))),
        }
    }
}

fn tmp_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".tmp");
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.checkpoint.json");
        let cp = Checkpoint {
            version: VERSION,
            fingerprint: "pstn|...".into(),
            window: 2,
            next_link: Some("/communications/callRecords/x?$skip=1000".into()),
            rows: 1000,
            pages: 3,
            bytes: 12345,
            range: Some(RangeArgs {
                from_arg: "now-7d".into(),
                to_arg: "now".into(),
                from: DateTime::from_timestamp(1_700_000_000, 100).unwrap(),
                to: DateTime::from_timestamp(1_700_600_000, 100).unwrap(),
            }),
        };
        cp.save(&p).unwrap();
        assert_eq!(Checkpoint::load(&p).unwrap(), cp);
        std::fs::write(&p, "{not json").unwrap();
        let e = Checkpoint::load(&p).unwrap_err();
        assert!(e.to_string().contains("damaged"), "{e}");
        Checkpoint::remove(&p).unwrap();
        Checkpoint::remove(&p).unwrap();
        assert!(Checkpoint::load(&p).is_err());
    }
}
