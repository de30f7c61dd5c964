//! The export loop: windows → pages → rows → output, with a checkpoint after
//! every page so `--resume` continues without duplicates or gaps.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use msgraph_runtime::{GraphClient, Page, Pager, RequestOptions};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tracing::instrument::WithSubscriber;
use tracing_subscriber::prelude::*;

use crate::args::{checkpoint_path, ExportArgs, Kind};
use crate::checkpoint::{Checkpoint, RangeArgs, VERSION};
use crate::connect::{connect, Connection};
use crate::error::{from_graph, from_sdk, Category, CliError};
use crate::files::{Begin, OutputFiles};
use crate::links::{Refusal, WindowLinks};
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
    /// Rows of those written by an earlier, interrupted run.
    pub rows_earlier: u64,
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
    files: Option<OutputFiles>,
    fingerprint: String,
    range: RangeArgs,
    pages: u64,
    progress: Progress,
    stop_after_pages: Option<u64>,
    checkpoint_pause: Option<Duration>,
    pages_this_run: u64,
    rows_earlier: u64,
}

impl Exporter {
    async fn run(
        args: &ExportArgs,
        plan: Plan,
        counter: RetryCounter,
    ) -> Result<Summary, CliError> {
        let fingerprint = plan.fingerprint();
        // Everything that can refuse without the network, before it.
        let files = plan.output.as_deref().map(OutputFiles::lock).transpose()?;
        let begin = match &files {
            Some(f) => f.begin(args, &plan, &fingerprint)?,
            None => Begin::Fresh,
        };
        let label = plan.kind.cli_name().to_string();
        let progress = Progress::new(&label, counter.clone());
        let files = match (files, &begin) {
            (Some(f), Begin::AlreadyComplete(cp)) => {
                // Stopped after the output was in place: only the checkpoint is left to remove.
                let destination = f.output.display().to_string();
                f.finish_stale()?;
                let line = progress.finish(cp.rows, cp.rows, cp.pages, &destination);
                return Ok(Summary {
                    rows: cp.rows,
                    rows_earlier: cp.rows,
                    pages: cp.pages,
                    retries: 0,
                    resumed: true,
                    line,
                });
            }
            (files, _) => files,
        };
        let Connection { client, emulator } = connect(args, plan.beta).await?;
        let (start, rows_earlier) = match &begin {
            Begin::Resume(cp) => {
                if let Some(link) = &cp.next_link {
                    check_saved_link(&client, &plan, cp.window, link)?;
                }
                let start = Start {
                    window: cp.window,
                    link: cp.next_link.clone(),
                    pages: cp.pages,
                };
                (start, cp.rows)
            }
            _ => {
                let start = Start {
                    window: 0,
                    link: None,
                    pages: 0,
                };
                (start, 0)
            }
        };
        let writer = match (&files, &begin) {
            (Some(f), Begin::Resume(cp)) => f.resume_writer(&plan, cp)?,
            (Some(f), _) => f.create_writer(&plan)?,
            (None, _) => RowWriter::create(None, plan.format, &plan.columns)?,
        };
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
            files,
            fingerprint,
            range,
            pages: start.pages,
            progress,
            stop_after_pages: args.stop_after_pages,
            checkpoint_pause: args.checkpoint_pause_ms.map(Duration::from_millis),
            pages_this_run: 0,
            rows_earlier,
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
        let Exporter {
            writer,
            files,
            pages,
            progress,
            rows_earlier,
            ..
        } = ex;
        let rows = writer.rows();
        let destination = match files {
            Some(f) => {
                let destination = f.output.display().to_string();
                f.complete(writer)?;
                destination
            }
            None => {
                writer.finish()?;
                "stdout".to_string()
            }
        };
        let line = progress.finish(rows, rows_earlier, pages, &destination);
        Ok(Summary {
            rows,
            rows_earlier,
            pages,
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
        let mut links = self.window_links(&path, link.as_deref())?;
        let pager = self.pager::<Box<RawValue>>(&path, link)?;
        let mut pages = read_ahead(pager);
        while let Some(item) = pages.recv().await? {
            let (page, next): (Page<Box<RawValue>>, Option<String>) =
                item.map_err(|e| from_graph(e, self.emulator))?;
            follow(&mut links, next.as_deref())?;
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
        let mut links = self.window_links(&path, link.as_deref())?;
        let mut pager = self.pager::<rows::CallRecordRow>(&path, link)?;
        while let Some(page) = pager.next().await {
            let page = page.map_err(|e| from_graph(e, self.emulator))?;
            let next = pager.next_link().map(str::to_string);
            follow(&mut links, next.as_deref())?;
            for record in &page.value {
                match self.plan.kind {
                    Kind::Sessions => self.sessions_of(record).await?,
                    _ => self.record_with_includes(record).await?,
                }
            }
            self.page_done(index, next)?;
        }
        Ok(())
    }

    /// The link checks of a window starting at `path` or at a saved `link`.
    fn window_links(&self, path: &str, link: Option<&str>) -> Result<WindowLinks, CliError> {
        let root = self.client.base_url();
        let mut links = WindowLinks::new(root, path).map_err(|r| {
            CliError::other(format!(
                "cannot check the links of {path}: {}",
                r.describe()
            ))
            .hint("please report it with the message above")
        })?;
        links
            .requested(link.unwrap_or(path))
            .map_err(|r| refused(link.unwrap_or(path), &r))?;
        Ok(links)
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

    /// Make the output durable and record where to continue: window
    /// `window`, from `next_link` (relative) or from the window's start.
    fn save_checkpoint(
        &mut self,
        window: usize,
        next_link: Option<String>,
    ) -> Result<(), CliError> {
        let Some(files) = &self.files else {
            self.writer.flush()?;
            return Ok(());
        };
        let (fingerprint, range, pages) = (&self.fingerprint, &self.range, self.pages);
        commit(
            &mut self.writer,
            &files.checkpoint,
            self.checkpoint_pause,
            |bytes, rows| Checkpoint {
                version: VERSION,
                fingerprint: fingerprint.clone(),
                window,
                next_link,
                rows,
                pages,
                bytes,
                range: Some(range.clone()),
                seal: String::new(),
            },
        )
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
            self.writer.rows() - self.rows_earlier,
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

/// Make the rows written so far durable, then save the checkpoint that
/// `checkpoint(bytes, rows)` makes of them. The output first: a checkpoint
/// must never point past data that a power loss could take back.
fn commit(
    writer: &mut RowWriter,
    path: &std::path::Path,
    pause: Option<Duration>,
    checkpoint: impl FnOnce(u64, u64) -> Checkpoint,
) -> Result<(), CliError> {
    let bytes = writer.sync()?;
    checkpoint(bytes, writer.rows()).save_pausing(path, pause)
}

/// Check a checkpoint's next link before `--resume` follows it: on the
/// Graph host, for the resource and range of its window.
fn check_saved_link(
    client: &GraphClient,
    plan: &Plan,
    window: usize,
    link: &str,
) -> Result<(), CliError> {
    let Some(w) = plan.windows.get(window) else {
        return Ok(()); // A link past the last window was refused with the checkpoint.
    };
    let path = match plan.kind {
        Kind::CallRecords | Kind::Sessions => requests::records_path(client, *w, plan.page_size)?,
        kind => requests::log_path(client, kind, plan.beta, *w)?,
    };
    let links = WindowLinks::new(client.base_url(), &path).map_err(|r| {
        CliError::other(format!(
            "cannot check the links of {path}: {}",
            r.describe()
        ))
        .hint("please report it with the message above")
    })?;
    links.check(link).map(|_| ()).map_err(|r| {
        CliError::validation(format!(
            "the checkpoint's next link cannot be followed: {} ({})",
            r.describe(),
            shorten(link)
        ))
        .hint("the checkpoint was changed or belongs elsewhere: delete it and <output>.partial and run without --resume")
    })
}

/// Accept a page's next link before the page is written (so the checkpoint
/// after it only ever holds a link that will be followed).
fn follow(links: &mut WindowLinks, next: Option<&str>) -> Result<(), CliError> {
    match next {
        Some(link) => links.follow(link).map_err(|r| refused(link, &r)),
        None => Ok(()),
    }
}

/// The error for a next link Graph sent that the export will not follow.
fn refused(link: &str, why: &Refusal) -> CliError {
    let what = match why {
        Refusal::Loop => "a paging loop",
        Refusal::ForeignHost(_) => "a link to another host",
        _ => "a link the export cannot follow",
    };
    CliError::new(
        Category::Network,
        format!(
            "Graph sent {what}: the next link {} is refused because {}",
            shorten(link),
            why.describe()
        ),
    )
    .hint(
        "nothing was sent to it, and the page that carried it was not written: the checkpoint points at \
         the last page written. Run the same command with --resume later; if it happens again, report it \
         (RUST_LOG=msgraph_runtime=debug shows the requests)",
    )
}

/// A link for a message: without its query (which may be long), at most 200 characters.
fn shorten(link: &str) -> String {
    let head = link.split('?').next().unwrap_or(link);
    if head.chars().count() <= 200 {
        head.to_string()
    } else {
        let mut t: String = head.chars().take(200).collect();
        t.push('…');
        t
    }
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

    /// Defect 8 of issue 18: the output is fsynced before the checkpoint
    /// that points past it is written, and the checkpoint's temporary file
    /// before it is renamed into place.
    #[test]
    fn the_output_is_durable_before_the_checkpoint_that_points_past_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o.ndjson.partial");
        let cp = dir.path().join("o.ndjson.checkpoint.json");
        let mut w = RowWriter::create(Some(&out), crate::Format::Ndjson, &[]).unwrap();
        w.write(&serde_json::json!({"a": 1})).unwrap();
        crate::durable::take_journal();
        commit(&mut w, &cp, None, |bytes, rows| Checkpoint {
            version: VERSION,
            fingerprint: "f".into(),
            window: 0,
            next_link: None,
            rows,
            pages: 1,
            bytes,
            range: None,
            seal: String::new(),
        })
        .unwrap();
        let steps = crate::durable::take_journal();
        let at = |what: &str| steps.iter().position(|s| *s == what);
        let (output, checkpoint, renamed) = (
            at("output").expect("the output is synced"),
            at("checkpoint").expect("the checkpoint file is synced"),
            at("checkpoint renamed").expect("the checkpoint is renamed"),
        );
        assert!(output < checkpoint && checkpoint < renamed, "{steps:?}");
        let saved = Checkpoint::load(&cp).unwrap();
        assert_eq!((saved.bytes, saved.rows), (8, 1));
    }

    #[tokio::test]
    async fn a_finished_reader_ends_the_window() {
        let (tx, rx) = tokio::sync::mpsc::channel::<PageItem<u32>>(2);
        let task = tokio::spawn(async move { drop(tx) });
        let mut pages = ReadAhead { rx, task };
        assert!(pages.recv().await.unwrap().is_none());
    }
}
