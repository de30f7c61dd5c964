//! The checkpoint of an export to a file: where to continue, and how much of
//! the output file is complete. Written atomically after every page.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    /// Digest of every other field as this program wrote them: a checkpoint
    /// edited by hand (a `$skip` changed, a window moved) is refused rather
    /// than trusted. Not a security measure, a check against silent wrong results.
    #[serde(default)]
    pub seal: String,
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
/// 3: rows go to `<output>.partial` until the export completes, and the
/// checkpoint is sealed.
pub const VERSION: u32 = 3;

/// What to do with a checkpoint that cannot be used.
const DELETE_IT: &str =
    "delete it (and <output>.partial) and run the export again without --resume";

impl Checkpoint {
    /// Load a checkpoint written by [`Checkpoint::save`], refusing one that
    /// is damaged, of another format version, or edited since it was written.
    pub fn load(path: &Path) -> Result<Self, CliError> {
        let bytes = fs::read(path).map_err(|e| {
            let e2 = CliError::validation(format!(
                "cannot read the checkpoint {}: {e}",
                path.display()
            ));
            if e.kind() == std::io::ErrorKind::NotFound {
                e2.hint("there is nothing to resume: run the export without --resume")
            } else {
                e2.hint("check the file's permissions, or delete it and run the export again without --resume")
            }
        })?;
        let damaged = |why: String| {
            CliError::validation(format!(
                "the checkpoint {} is damaged: {why}",
                path.display()
            ))
            .hint(DELETE_IT)
        };
        let text =
            std::str::from_utf8(&bytes).map_err(|e| damaged(format!("not UTF-8 text ({e})")))?;
        let cp: Checkpoint = serde_json::from_str(text).map_err(|e| damaged(e.to_string()))?;
        if cp.version != VERSION {
            return Err(CliError::validation(format!(
                "the checkpoint {} has format version {}, this program writes {VERSION}",
                path.display(),
                cp.version
            ))
            .hint(DELETE_IT));
        }
        if cp.seal != cp.digest() {
            return Err(CliError::validation(format!(
                "the checkpoint {} was changed after the export wrote it (its seal does not match its contents)",
                path.display()
            ))
            .hint(format!("an edited checkpoint can lose or repeat rows: {DELETE_IT}")));
        }
        Ok(cp)
    }

    /// The seal of the other fields.
    fn digest(&self) -> String {
        use sha1::{Digest, Sha1};
        let unsealed = Checkpoint {
            seal: String::new(),
            ..self.clone()
        };
        // Serializing this struct cannot fail (strings, numbers, instants).
        let text = serde_json::to_vec(&unsealed).unwrap_or_default();
        Sha1::digest(&text)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Write durably and atomically: seal, write a temporary file next to
    /// `path`, fsync it, rename it into place, fsync the directory.
    pub fn save(&self, path: &Path) -> Result<(), CliError> {
        self.save_pausing(path, None)
    }

    /// [`Checkpoint::save`], waiting `pause` between writing the temporary
    /// file and renaming it (a testing aid: a test can kill the process then).
    pub fn save_pausing(&self, path: &Path, pause: Option<Duration>) -> Result<(), CliError> {
        let tmp = tmp_path(path);
        let sealed = Checkpoint {
            seal: self.digest(),
            ..self.clone()
        };
        let text = serde_json::to_vec_pretty(&sealed)
            .map_err(|e| CliError::other(format!("cannot encode the checkpoint: {e}")))?;
        let cannot = |e: std::io::Error| {
            CliError::other(format!(
                "cannot write the checkpoint {}: {e}",
                path.display()
            ))
            .hint("check the free space and permissions of the output's directory, then run the same command with --resume")
        };
        let mut file = fs::File::create(&tmp).map_err(cannot)?;
        file.write_all(&text).map_err(cannot)?;
        crate::durable::sync(&file, "checkpoint")?;
        drop(file);
        if let Some(pause) = pause {
            std::thread::sleep(pause);
        }
        crate::durable::rename(&tmp, path, "checkpoint renamed").map_err(cannot)
    }

    /// Remove the checkpoint (after a complete export).
    pub fn remove(path: &Path) -> Result<(), CliError> {
        match fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(CliError::other(format!(
                "cannot remove the checkpoint {}: {e}",
                path.display()
            ))
            .hint("the export is complete: delete the checkpoint by hand")),
        }
    }

    /// Whether this checkpoint records no progress at all (nothing but the
    /// output's preamble written): starting over loses nothing.
    pub fn is_empty(&self) -> bool {
        self.window == 0 && self.next_link.is_none() && self.rows == 0 && self.pages == 0
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
            seal: String::new(),
        };
        cp.save(&p).unwrap();
        let loaded = Checkpoint::load(&p).unwrap();
        assert_eq!(
            Checkpoint {
                seal: String::new(),
                ..loaded
            },
            cp
        );
        // Any edit breaks the seal.
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, text.replace("skip=1000", "skip=0")).unwrap();
        let e = Checkpoint::load(&p).unwrap_err();
        assert!(e.to_string().contains("changed after"), "{e}");
        assert!(e.hint.is_some());
        std::fs::write(&p, "{not json").unwrap();
        let e = Checkpoint::load(&p).unwrap_err();
        assert!(e.to_string().contains("damaged"), "{e}");
        Checkpoint::remove(&p).unwrap();
        Checkpoint::remove(&p).unwrap();
        let e = cp.save(&dir.path().join("no-such-dir/x.json")).unwrap_err();
        assert!(e.to_string().contains("hint:"), "{e}");
        assert!(Checkpoint::load(&p).is_err());
    }
}
