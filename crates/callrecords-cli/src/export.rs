//! The export loop: windows → pages → rows → output, with a checkpoint after
//! every page so `--resume` continues without duplicates or gaps.

use std::path::PathBuf;

use futures::{StreamExt, TryStreamExt};
use msgraph_runtime::{GraphClient, Page, Pager, RequestOptions};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tracing::instrument::WithSubscriber;
use tracing_subscriber::prelude::*;

use crate::args::{checkpoint_path, ExportArgs, Kind};
use crate::checkpoint::{Checkpoint, RangeArgs, VERSION};
use crate::connect::{connect, Connection};
use crate::error::{from_graph, from_sdk, CliError};
use crate::output::RowWriter;
use crate::plan::{Plan, Window};
use crate::progress::{Progress, RetryCounter};
use crate::{requests, rows};
use msgraph_callrecords::v1::{CallRecordExpand, SessionExpand};
use msgraph_callrecords::Client;

/// What an export did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Rows in the output (a resumed run counts the earlier rows too).
    pub rows: u64,
    /// Pages written (likewise).
    pub pages: u64,
    /// Requests the runtime retried (throttling, transient failures) in this run.
    pub retries: u64,
    /// Whether this run continued from a checkpoint.
    pub resumed: bool,
    /// The summary line printed on stderr.
    pub line: String,
}

/// Run one export as `args` says.
pub async fn export(args: &ExportArgs) -> Result<Summary, CliError> {
    let plan = Plan::new(&resume_dates(args))?;
    let counter = RetryCounter::default();
    // The runtime reports retries as tracing events; count them, and show all
    // events on stderr only when RUST_LOG asks for it.
    let fmt = std::env::var_os("RUST_LOG").map(|_| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_filter(tracing_subscriber::EnvFilter::from_default_env())
    });
    let subscriber = tracing_subscriber::registry()
        .with(counter.clone())
        .with(fmt);
    Exporter::run(args, plan, counter)
        .with_subscriber(subscriber)
        .await
}

/// Where an export starts: a fresh output or a checkpoint.
struct Start {
    window: usize,
    link: Option<String>,
    pages: u64,
}

struct Exporter {
    client: GraphClient,
    emulator: bool,
    plan: Plan,
    opts: RequestOptions,
    writer: RowWriter,
    checkpoint: Option<PathBuf>,
    fingerprint: String,
    range: RangeArgs,
    pages: u64,
    progress: Progress,
    stop_after_pages: Option<u64>,
    pages_this_run: u64,
}

impl Exporter {
    async fn run(
        args: &ExportArgs,
        plan: Plan,
        counter: RetryCounter,
    ) -> Result<Summary, CliError> {
        let cp_path = plan
            .output
            .as_deref()
            .map(|p| checkpoint_path(&p.to_string_lossy()));
        let fingerprint = plan.fingerprint();
        let (start, writer) = open_output(args, &plan, cp_path.as_deref(), &fingerprint)?;
        let Connection { client, emulator } = connect(args, plan.beta).await?;
        let label = plan.kind.cli_name().to_string();
        let opts = RequestOptions {
            max_page_size: plan.page_size,
            ..RequestOptions::default()
        };
        let range = RangeArgs {
            from_arg: args.from.text.clone(),
            to_arg: args.to.text.clone(),
            from: plan.from,
            to: plan.to,
        };
        let mut ex = Exporter {
            client,
            emulator: emulator.is_some(),
            plan,
            opts,
            writer,
            checkpoint: cp_path,
            fingerprint,
            range,
            pages: start.pages,
            progress: Progress::new(&label, counter.clone()),
            stop_after_pages: args.stop_after_pages,
            pages_this_run: 0,
        };
        let resumed = args.resume;
        if !resumed {
            // A checkpoint from the start, so even a failure on the first page can be resumed.
            ex.save_checkpoint(0, None)?;
        }
        let result = ex.all_windows(&start).await;
        // Nothing is in flight any more; dropping stops the server at once
        // (a graceful shutdown would wait for the client's idle keep-alive connection).
        drop(emulator);
        if let Err(e) = result {
            ex.progress.abandon();
            return Err(e);
        }
        let rows = ex.writer.rows();
        ex.writer.finish()?;
        if let Some(cp) = &ex.checkpoint {
            Checkpoint::remove(cp)?;
        }
        let destination = ex
            .plan
            .output
            .as_ref()
            .map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
        let line = ex.progress.finish(rows, ex.pages, &destination, resumed);
        Ok(Summary {
            rows,
            pages: ex.pages,
            retries: counter.count(),
            resumed,
            line,
        })
    }

    async fn all_windows(&mut self, start: &Start) -> Result<(), CliError> {
        let windows = self.plan.windows.clone();
        for (i, w) in windows.iter().enumerate().skip(start.window) {
            let link = if i == start.window {
                start.link.clone()
            } else {
                None
            };
            self.one_window(i, *w, link).await?;
        }
        Ok(())
    }

    async fn one_window(
        &mut self,
        index: usize,
        w: Window,
        link: Option<String>,
    ) -> Result<(), CliError> {
        let beta = self.plan.beta;
        match (self.plan.kind, beta) {
            (Kind::Pstn, false) => self.log_window::<rows::PstnV1>(index, w, link).await,
            (Kind::Pstn, true) => self.log_window::<rows::PstnBeta>(index, w, link).await,
            (Kind::DirectRouting, false) => {
                self.log_window::<rows::DirectRoutingV1>(index, w, link)
                    .await
            }
            (Kind::DirectRouting, true) => {
                self.log_window::<rows::DirectRoutingBeta>(index, w, link)
                    .await
            }
            (Kind::BlockedUsers, _) => self.log_window::<rows::BlockedUsers>(index, w, link).await,
            (Kind::DialoutReport, _) => {
                self.log_window::<rows::DialoutReport>(index, w, link).await
            }
            (Kind::Sms, _) => self.log_window::<rows::Sms>(index, w, link).await,
            (Kind::CallRecords, _) | (Kind::Sessions, _) => {
                self.record_window(index, w, link).await
            }
        }
    }

    /// The pager of a window: from its start, or from a saved next link.
    fn pager<T>(&self, path: &str, link: Option<String>) -> Result<Pager<T>, CliError>
    where
        T: DeserializeOwned + Send + 'static,
    {
        match link {
            None => Ok(self.client.pager::<T>(path, &self.opts)),
            Some(rel) => {
                let absolute = rebase(&self.client, &rel);
                self.client
                    .pager_from_link::<T>(&absolute, &self.opts)
                    .map_err(|e| from_graph(e, self.emulator))
            }
        }
    }

    /// Log rows are written as Graph sent them (every member, also one added
    /// to the API after the last metadata import), after checking that each
    /// decodes into its generated model `T`.
    async fn log_window<T>(
        &mut self,
        index: usize,
        w: Window,
        link: Option<String>,
    ) -> Result<(), CliError>
    where
        T: DeserializeOwned,
    {
        let path = requests::log_path(&self.client, self.plan.kind, self.plan.beta, w)?;
        let pager = self.pager::<Box<RawValue>>(&path, link)?;
        let mut pages = read_ahead(pager);
        while let Some(item) = pages.recv().await? {
            let (page, next): (Page<Box<RawValue>>, Option<String>) =
                item.map_err(|e| from_graph(e, self.emulator))?;
            for (i, row) in page.value.iter().enumerate() {
                self.writer.write_raw(row, |r| rows::check::<T>(r, i))?;
            }
            self.page_done(index, next)?;
        }
        Ok(())
    }

    async fn record_window(
        &mut self,
        index: usize,
        w: Window,
        link: Option<String>,
    ) -> Result<(), CliError> {
        let path = requests::records_path(&self.client, w, self.plan.page_size)?;
        let mut pager = self.pager::<rows::CallRecordRow>(&path, link)?;
        while let Some(page) = pager.next().await {
            let page = page.map_err(|e| from_graph(e, self.emulator))?;
            for record in &page.value {
                match self.plan.kind {
                    Kind::Sessions => self.sessions_of(record).await?,
                    _ => self.record_with_includes(record).await?,
                }
            }
            let next = pager.next_link().map(str::to_string);
            self.page_done(index, next)?;
        }
        Ok(())
    }

    /// Write a call record, expanded with sessions / participants if asked.
    async fn record_with_includes(&mut self, record: &rows::CallRecordRow) -> Result<(), CliError> {
        if !self.plan.include_sessions && !self.plan.include_participants {
            return self.writer.write(record);
        }
        let id = rows::record_id(record)?;
        let records = Client::new(self.client.clone())
            .communications()
            .call_records();
        let mut full = if self.plan.include_sessions {
            // send_all follows sessions@odata.nextLink until every session is there.
            records
                .by_id(&id)
                .get()
                .expand(CallRecordExpand::Sessions { segments: true })
                .send_all()
                .await
                .map_err(|e| from_sdk(e, self.emulator))?
        } else {
            record.clone()
        };
        if self.plan.include_participants {
            let items = records.by_id(&id).participants_v2().list().stream_items();
            let participants: Vec<rows::ParticipantRow> = items
                .try_collect()
                .await
                .map_err(|e| from_sdk(e, self.emulator))?;
            full.participants_v2 = Some(participants);
            full.participants_v2_next_link = None;
        }
        self.writer.write(&full)
    }

    /// Write one row per session (with segments) of a call record.
    async fn sessions_of(&mut self, record: &rows::CallRecordRow) -> Result<(), CliError> {
        let id = rows::record_id(record)?;
        let mut items = Client::new(self.client.clone())
            .communications()
            .call_records()
            .by_id(&id)
            .sessions()
            .list()
            .expand(SessionExpand::Segments)
            .stream_items();
        while let Some(session) = items.next().await {
            let session: rows::SessionRow = session.map_err(|e| from_sdk(e, self.emulator))?;
            self.writer.write(&rows::WithRecordId {
                call_record_id: &id,
                row: &session,
            })?;
        }
        Ok(())
    }

    /// Flush the output and record where to continue: window `window`, from
    /// `next_link` (relative) or from the window's start.
    fn save_checkpoint(
        &mut self,
        window: usize,
        next_link: Option<String>,
    ) -> Result<(), CliError> {
        let bytes = self.writer.flush()?;
        let Some(path) = &self.checkpoint else {
            return Ok(());
        };
        Checkpoint {
            version: VERSION,
            fingerprint: self.fingerprint.clone(),
            window,
            next_link,
            rows: self.writer.rows(),
            pages: self.pages,
            bytes,
            range: Some(self.range.clone()),
        }
        .save(path)
    }

    /// After a page: flush, checkpoint, show progress, maybe stop (testing aid).
    fn page_done(&mut self, window: usize, next_link: Option<String>) -> Result<(), CliError> {
        self.pages += 1;
        self.pages_this_run += 1;
        match next_link {
            Some(l) => self.save_checkpoint(window, Some(relative(&self.client, &l)))?,
            None => self.save_checkpoint(window + 1, None)?,
        }
        let total = self.plan.windows.len();
        self.progress.page(
            self.writer.rows(),
            self.pages,
            &format!("{}/{}", (window + 1).min(total), total),
        );
        if self
            .stop_after_pages
            .is_some_and(|n| self.pages_this_run >= n)
        {
            return Err(CliError::other(format!(
                "stopped after {} pages as asked by --stop-after-pages",
                self.pages_this_run
            ))
            .hint("continue with the same command and --resume"));
        }
        Ok(())
    }
}

/// A page and the next link to resume after it.
type PageItem<T> = Result<(Page<T>, Option<String>), msgraph_runtime::Error>;

/// Pages fetched (and decoded) by a background task while the previous page
/// is written: at most two pages wait, so memory stays flat.
struct ReadAhead<T> {
    rx: tokio::sync::mpsc::Receiver<PageItem<T>>,
    task: tokio::task::JoinHandle<()>,
}

impl<T> ReadAhead<T> {
    /// The next page; `None` only once the reader has ended normally. A
    /// panicked reader is an error, not the end of the window: otherwise the
    /// checkpoint would move past rows that were never written.
    async fn recv(&mut self) -> Result<Option<PageItem<T>>, CliError> {
        if let Some(item) = self.rx.recv().await {
            return Ok(Some(item));
        }
        (&mut self.task).await.map_err(|e| {
            CliError::other(format!("reading pages failed: {e}"))
                .hint("continue with the same command and --resume")
        })?;
        Ok(None)
    }
}

impl<T> Drop for ReadAhead<T> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn read_ahead<T>(mut pager: Pager<T>) -> ReadAhead<T>
where
    T: DeserializeOwned + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    let fetch = async move {
        while let Some(page) = pager.next().await {
            let item = page.map(|p| (p, pager.next_link().map(str::to_string)));
            let failed = item.is_err();
            if tx.send(item).await.is_err() || failed {
                break;
            }
        }
    };
    // The retry counter is a tracing layer: the task must report to the same subscriber.
    let task = tokio::spawn(fetch.with_current_subscriber());
    ReadAhead { rx, task }
}

/// The arguments to plan with: on `--resume`, when `--from` and `--to` are
/// the same text as in the checkpoint, the instants saved there (so `now-7d`
/// means what it meant when the export began). Anything else is left to the
/// fingerprint check of [`open_output`], which also covers the other options.
fn resume_dates(args: &ExportArgs) -> ExportArgs {
    let mut args = args.clone();
    if !args.resume || args.output == "-" || args.output.is_empty() {
        return args;
    }
    let Ok(cp) = Checkpoint::load(&checkpoint_path(&args.output)) else {
        return args;
    };
    if let Some(r) = cp.range {
        if r.from_arg == args.from.text && r.to_arg == args.to.text {
            args.from.at = r.from;
            args.to.at = r.to;
        }
    }
    args
}

/// Open (or reopen) the output and work out where to start.
fn open_output(
    args: &ExportArgs,
    plan: &Plan,
    cp_path: Option<&std::path::Path>,
    fingerprint: &str,
) -> Result<(Start, RowWriter), CliError> {
    let fresh = Start {
        window: 0,
        link: None,
        pages: 0,
    };
    let (Some(out), Some(cp_path)) = (plan.output.as_deref(), cp_path) else {
        return Ok((fresh, RowWriter::create(None, plan.format, &plan.columns)?));
    };
    if !args.resume {
        if cp_path.exists() {
            return Err(CliError::validation(format!(
                "an interrupted export left the checkpoint {}",
                cp_path.display()
            ))
            .hint("add --resume to continue it, or delete the checkpoint to start over"));
        }
        return Ok((
            fresh,
            RowWriter::create(Some(out), plan.format, &plan.columns)?,
        ));
    }
    let cp = Checkpoint::load(cp_path)?;
    if cp.fingerprint != fingerprint {
        return Err(CliError::validation(format!(
            "the checkpoint {} is for a different export ({}) than this one ({fingerprint})",
            cp_path.display(),
            cp.fingerprint
        ))
        .hint("resume with the same kind, range, format and options, or delete the checkpoint"));
    }
    let writer = RowWriter::resume(out, plan.format, &plan.columns, cp.bytes, cp.rows)?;
    Ok((
        Start {
            window: cp.window,
            link: cp.next_link,
            pages: cp.pages,
        },
        writer,
    ))
}

/// A next link relative to the client's service root when it is under it
/// (so a checkpoint survives an emulator restarting on another port).
fn relative(client: &GraphClient, link: &str) -> String {
    let root = client.base_url().as_str().trim_end_matches('/');
    match link.strip_prefix(root) {
        Some(rest) if rest.starts_with('/') => rest.to_string(),
        _ => link.to_string(),
    }
}

/// Inverse of [`relative`].
fn rebase(client: &GraphClient, link: &str) -> String {
    if link.starts_with('/') {
        format!("{}{link}", client.base_url().as_str().trim_end_matches('/'))
    } else {
        link.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicked_reader_is_an_error_not_the_end() {
        let (tx, rx) = tokio::sync::mpsc::channel::<PageItem<u32>>(2);
        let task = tokio::spawn(async move {
            let _tx = tx;
            panic!("reader broke");
        });
        let mut pages = ReadAhead { rx, task };
        let e = pages
            .recv()
            .await
            .expect_err("a panic must not end the window");
        assert!(e.message.contains("reading pages failed"), "{}", e.message);
    }

    #[tokio::test]
    async fn a_finished_reader_ends_the_window() {
        let (tx, rx) = tokio::sync::mpsc::channel::<PageItem<u32>>(2);
        let task = tokio::spawn(async move { drop(tx) });
        let mut pages = ReadAhead { rx, task };
        assert!(pages.recv().await.unwrap().is_none());
    }
}
