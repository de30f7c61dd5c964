//! The files of an export to a file, and the rules that keep the user's
//! data safe:
//!
//! * rows go to `<output>.partial`; only a complete export renames it to
//!   `<output>`, so a failed or interrupted run never touches an existing
//!   output, and an existing output is replaced only with `--force`;
//! * `<output>.checkpoint.json` says how much of the partial file is
//!   complete and where paging continues; `--resume` checks it against the
//!   command line and the partial file before trusting it;
//! * `<output>.lock` is held while a run writes any of them.

use std::path::{Path, PathBuf};

use crate::args::{checkpoint_path, lock_path, partial_path, ExportArgs};
use crate::checkpoint::Checkpoint;
use crate::error::CliError;
use crate::lock::OutputLock;
use crate::output::RowWriter;
use crate::plan::Plan;

/// What to do with a checkpoint that does not fit this export.
const DELETE_CHECKPOINT: &str =
    "resume with the same command, or delete the checkpoint and <output>.partial and run without --resume";

/// The output, partial, checkpoint and lock paths of an export, with the lock held.
#[derive(Debug)]
pub struct OutputFiles {
    /// Where the complete export ends up.
    pub output: PathBuf,
    /// Where rows are written until then.
    pub partial: PathBuf,
    /// The checkpoint.
    pub checkpoint: PathBuf,
    lock: OutputLock,
}

/// How a run begins.
#[derive(Debug)]
pub enum Begin {
    /// A new export.
    Fresh,
    /// Continue from this (checked) checkpoint.
    Resume(Checkpoint),
    /// The checkpoint says the export was complete and the output is in
    /// place (the run stopped between renaming the output and removing the checkpoint).
    AlreadyComplete(Checkpoint),
}

impl OutputFiles {
    /// Take the lock of `output`: refused while another run writes it.
    pub fn lock(output: &Path) -> Result<Self, CliError> {
        let text = output.to_string_lossy();
        let lock = OutputLock::take(&lock_path(&text), output)?;
        Ok(OutputFiles {
            output: output.to_path_buf(),
            partial: partial_path(&text),
            checkpoint: checkpoint_path(&text),
            lock,
        })
    }

    /// Decide how this run begins, refusing what would overwrite the user's
    /// data or continue a checkpoint that does not fit this export.
    pub fn begin(
        &self,
        args: &ExportArgs,
        plan: &Plan,
        fingerprint: &str,
    ) -> Result<Begin, CliError> {
        if args.resume {
            return self.resume(plan, fingerprint);
        }
        if self.checkpoint.exists() {
            // A checkpoint that records nothing (the run failed before its
            // first page) is not worth refusing over; any other is.
            let cp = Checkpoint::load(&self.checkpoint)?;
            if !cp.is_empty() {
                return Err(CliError::validation(format!(
                    "an interrupted export left the checkpoint {} ({} rows written to {})",
                    self.checkpoint.display(),
                    cp.rows,
                    self.partial.display()
                ))
                .hint("add --resume to continue it, or delete the checkpoint to start over"));
            }
        }
        match std::fs::metadata(&self.output) {
            Ok(m) if !m.is_file() => Err(CliError::validation(format!(
                "--output {} exists and is not a regular file",
                self.output.display()
            ))
            .hint("write to stdout with --output - and redirect it, or give a file name")),
            Ok(_) if !args.force => Err(CliError::validation(format!(
                "the output file {} already exists",
                self.output.display()
            ))
            .hint(
                "choose another --output, or pass --force to replace it once the export completes",
            )),
            _ => Ok(Begin::Fresh),
        }
    }

    /// The checks of `--resume` that need no connection: the checkpoint is
    /// intact and sealed, for this export, and its window and page count
    /// are possible. (Its next link is checked against the service root by
    /// the export, its byte and row counts against the partial file by
    /// [`OutputFiles::resume_writer`].)
    fn resume(&self, plan: &Plan, fingerprint: &str) -> Result<Begin, CliError> {
        let cp = Checkpoint::load(&self.checkpoint)?;
        let bad = |what: String| {
            CliError::validation(format!(
                "the checkpoint {} {what}",
                self.checkpoint.display()
            ))
            .hint(DELETE_CHECKPOINT)
        };
        if cp.fingerprint != fingerprint {
            return Err(CliError::validation(format!(
                "the checkpoint {} is for a different export ({}) than this one ({fingerprint})",
                self.checkpoint.display(),
                cp.fingerprint
            ))
            .hint(
                "resume with the same kind, range, format and options, or delete the checkpoint",
            ));
        }
        let windows = plan.windows.len();
        if cp.window > windows || (cp.window == windows && cp.next_link.is_some()) {
            return Err(bad(format!(
                "continues in window {} but this export has {windows} windows",
                cp.window + 1
            )));
        }
        // Every window before the current one took at least one page, and
        // the current one too when it has a next link.
        let least = cp.window as u64 + u64::from(cp.next_link.is_some());
        if cp.pages < least {
            return Err(bad(format!(
                "says {} pages were written, but reaching window {} takes at least {least}",
                cp.pages,
                cp.window + 1
            )));
        }
        if cp.window == windows && !self.partial.exists() && self.output.is_file() {
            return Ok(Begin::AlreadyComplete(cp));
        }
        if !self.partial.is_file() {
            return Err(bad(format!(
                "belongs to rows in {}, which is missing",
                self.partial.display()
            )));
        }
        Ok(Begin::Resume(cp))
    }

    /// A new partial file with the preamble (CSV header, JSON `[`).
    pub fn create_writer(&self, plan: &Plan) -> Result<RowWriter, CliError> {
        let writer = RowWriter::create(Some(&self.partial), plan.format, &plan.columns)?;
        // Once a run: the checkpoints to come point into this file.
        crate::durable::sync_dir(&self.partial);
        Ok(writer)
    }

    /// The partial file of `cp`, checked (its first `cp.bytes` bytes are
    /// exactly `cp.rows` complete rows) and cut back to that length.
    pub fn resume_writer(&self, plan: &Plan, cp: &Checkpoint) -> Result<RowWriter, CliError> {
        RowWriter::resume(&self.partial, plan.format, &plan.columns, cp.bytes, cp.rows)
    }

    /// After the last page: finish and sync the partial file, rename it to
    /// the output, remove the checkpoint, release the lock.
    pub fn complete(self, writer: RowWriter) -> Result<(), CliError> {
        writer.finish()?;
        crate::durable::rename_durably(&self.partial, &self.output, "output renamed").map_err(|e| {
            CliError::other(format!(
                "cannot rename {} to {}: {e}",
                self.partial.display(),
                self.output.display()
            ))
            .hint("the rows are complete in the .partial file: rename it by hand, then delete the checkpoint")
        })?;
        self.finish_stale()
    }

    /// Remove the checkpoint of a complete export and release the lock.
    pub fn finish_stale(self) -> Result<(), CliError> {
        Checkpoint::remove(&self.checkpoint)?;
        drop(self.lock);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The complete output is on disk before it takes the output's name,
    /// and the lock and checkpoint go afterwards.
    #[test]
    fn completion_syncs_then_renames_then_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.ndjson");
        let files = OutputFiles::lock(&out).unwrap();
        let mut w = RowWriter::create(Some(&files.partial), crate::Format::Ndjson, &[]).unwrap();
        w.write(&serde_json::json!({"a": 1})).unwrap();
        std::fs::write(&files.checkpoint, "{}").unwrap();
        crate::durable::take_journal();
        files.complete(w).unwrap();
        let steps = crate::durable::take_journal();
        let at = |what: &str| steps.iter().position(|s| *s == what);
        assert!(
            at("output") < at("output renamed") && at("output").is_some(),
            "{steps:?}"
        );
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "{\"a\":1}\n");
        for gone in [
            "o.ndjson.partial",
            "o.ndjson.checkpoint.json",
            "o.ndjson.lock",
        ] {
            assert!(!dir.path().join(gone).exists(), "{gone}");
        }
    }
}
