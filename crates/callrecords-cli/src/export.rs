//! The export loop: windows → pages → rows → output, with a checkpoint after
//! every page so `--resume` continues without duplicates or gaps.
//!
//! Requests run concurrently (log windows through the SDK's
//! `concurrent::windows_pages`, the records of a listing through a bounded
//! in-order buffer), all paced by the client's rate governor. Whatever runs
//! at once, rows are written in request order and a checkpoint is saved only
//! after a page and everything before it is written: after a kill, `--resume`
//! re-fetches what was in flight and writes each row exactly once.

use std::time::Duration;

use futures::stream::{self, StreamExt, TryStreamExt};
use msgraph_runtime::{GraphClient, Page};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tracing::instrument::WithSubscriber;
use tracing_subscriber::prelude::*;

use crate::args::{checkpoint_path, ExportArgs, Kind};
use crate::checkpoint::{Checkpoint, RangeArgs, VERSION};
use crate::connect::{connect, Connection};
use crate::error::{from_sdk, Category, CliError};
use crate::files::{Begin, OutputFiles};
use crate::links::{Refusal, WindowLinks};
use crate::output::RowWriter;
use crate::plan::{Plan, Window};
use crate::progress::{Progress, RetryCounter};
use crate::{requests, rows};
use msgraph_callrecords::concurrent::{self, WindowConcurrency};
use msgraph_callrecords::support::{self, Prepared};
use msgraph_callrecords::v1::{CallRecordExpand, SessionExpand};
use msgraph_callrecords::{Client, PageStream, ResumeToken};

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
    sdk: Client,
    emulator: bool,
    /// Most requests in flight (`--concurrency`).
    concurrency: usize,
    plan: Plan,
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
        let mut progress = Progress::new(&label, counter.clone());
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
        let range = RangeArgs {
            from_arg: args.from.text.clone(),
            to_arg: args.to.text.clone(),
            from: plan.from,
            to: plan.to,
        };
        if let Some(g) = client.governor() {
            progress.watch(g.clone());
        }
        let mut ex = Exporter {
            sdk: Client::new(client.clone()),
            client,
            emulator: emulator.is_some(),
            concurrency: args.concurrency.max(1) as usize,
            plan,
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
        let beta = self.plan.beta;
        match (self.plan.kind, beta) {
            (Kind::Pstn, false) => return self.log_windows::<rows::PstnV1>(start).await,
            (Kind::Pstn, true) => return self.log_windows::<rows::PstnBeta>(start).await,
            (Kind::DirectRouting, false) => {
                return self.log_windows::<rows::DirectRoutingV1>(start).await
            }
            (Kind::DirectRouting, true) => {
                return self.log_windows::<rows::DirectRoutingBeta>(start).await
            }
            (Kind::BlockedUsers, _) => return self.log_windows::<rows::BlockedUsers>(start).await,
            (Kind::DialoutReport, _) => {
                return self.log_windows::<rows::DialoutReport>(start).await
            }
            (Kind::Sms, _) => return self.log_windows::<rows::Sms>(start).await,
            (Kind::CallRecords | Kind::Sessions, _) => {}
        }
        let windows = self.plan.windows.clone();
        for (i, w) in windows.iter().enumerate().skip(start.window) {
            let link = if i == start.window {
                start.link.clone()
            } else {
                None
            };
            self.record_window(i, *w, link).await?;
        }
        Ok(())
    }

    /// The request of window `w`, built by the SDK.
    fn request(&self, w: Window) -> Result<Prepared, CliError> {
        requests::log_request(
            &self.sdk,
            self.plan.kind,
            self.plan.beta,
            w,
            self.plan.page_size,
        )
    }

    /// The pages of a window: from its start, or from a saved next link.
    fn pages<T>(&self, prepared: Prepared, link: Option<&str>) -> PageStream<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let client = self.client.clone();
        match link {
            None => support::stream_pages(client, Ok(prepared)),
            Some(rel) => {
                let token = ResumeToken::from_link(rebase(&self.client, rel));
                support::stream_pages_from(client, Ok(prepared), token)
            }
        }
    }

    /// Log windows run concurrently (a window interrupted mid-way continues
    /// from its saved next link); pages come back in window order, each
    /// once. Log rows are written as Graph sent them (every member, also one
    /// added to the API after the last metadata import), after checking that
    /// each decodes into its generated model `T`.
    async fn log_windows<T>(&mut self, start: &Start) -> Result<(), CliError>
    where
        T: DeserializeOwned,
    {
        let first = start.window;
        let windows = self.plan.windows.clone();
        let Some(rest) = windows.get(first..).filter(|r| !r.is_empty()) else {
            return Ok(());
        };
        let requests = rest
            .iter()
            .map(|w| self.request(*w))
            .collect::<Result<Vec<_>, _>>()?;
        let paths: Vec<String> = requests
            .iter()
            .map(|p| p.path_and_query().to_string())
            .collect();
        let width = WindowConcurrency {
            windows: self.concurrency.min(WindowConcurrency::default().windows),
            ..WindowConcurrency::default()
        };
        // The links of the window being written; the first one's starts at the saved link.
        let mut current = (0, self.window_links(&paths[0], start.link.as_deref())?);
        let mut pages = match &start.link {
            Some(link) => {
                let token = ResumeToken::from_link(rebase(&self.client, link));
                concurrent::windows_pages_from::<Box<RawValue>>(&self.sdk, requests, token, width)
            }
            None => concurrent::windows_pages::<Box<RawValue>>(&self.sdk, requests, width),
        };
        while let Some(wp) = pages.next().await {
            let wp = wp.map_err(|e| from_sdk(e, self.emulator))?;
            if current.0 != wp.window {
                current = (wp.window, self.window_links(&paths[wp.window], None)?);
            }
            self.log_page::<T>(first + wp.window, &mut current.1, wp.page)?;
        }
        Ok(())
    }

    /// Check a log page's next link, write its rows, checkpoint.
    fn log_page<T>(
        &mut self,
        index: usize,
        links: &mut WindowLinks,
        page: Page<Box<RawValue>>,
    ) -> Result<(), CliError>
    where
        T: DeserializeOwned,
    {
        follow(links, page.next_link.as_deref())?;
        for (i, row) in page.value.iter().enumerate() {
            self.writer.write_raw(row, |r| rows::check::<T>(r, i))?;
        }
        self.page_done(index, page.next_link)
    }

    /// The call records of a window, each fetched with its includes (or its
    /// sessions) while the next ones are: at most `--concurrency` requests in
    /// flight, rows written in list order, a checkpoint after each page.
    async fn record_window(
        &mut self,
        index: usize,
        w: Window,
        link: Option<String>,
    ) -> Result<(), CliError> {
        let prepared = requests::records_request(&self.sdk, w, self.plan.page_size)?;
        let mut links = self.window_links(prepared.path_and_query(), link.as_deref())?;
        let pages = self.pages::<rows::CallRecordRow>(prepared, link.as_deref());
        let fetcher = Fetcher {
            sdk: self.sdk.clone(),
            sessions: self.plan.kind == Kind::Sessions,
            include_sessions: self.plan.include_sessions,
            include_participants: self.plan.include_participants,
            emulator: self.emulator,
        };
        // Each page becomes: its start (check the next link before any row is
        // written), one item per record, its end (checkpoint).
        let work = pages.flat_map(|page| {
            let items: Vec<Result<Work, msgraph_callrecords::Error>> = match page {
                Ok(p) => {
                    let next = p.next_link;
                    std::iter::once(Work::PageStart(next.clone()))
                        .chain(p.value.into_iter().map(|r| Work::Record(Box::new(r))))
                        .chain(std::iter::once(Work::PageEnd(next)))
                        .map(Ok)
                        .collect()
                }
                Err(e) => vec![Err(e)],
            };
            stream::iter(items)
        });
        // Pending well above what is on the wire, so one slow record at the
        // head does not stall the others (the governor bounds the wire).
        let pending = if self.concurrency == 1 {
            1
        } else {
            self.concurrency * 4
        };
        let mut done = work
            .map(move |item| {
                let fetcher = fetcher.clone();
                async move { fetcher.run(item).await }
            })
            .buffered(pending);
        while let Some(item) = done.next().await {
            match item? {
                Done::PageStart(next) => follow(&mut links, next.as_deref())?,
                Done::Record(record) => self.writer.write(&*record)?,
                Done::Sessions(id, sessions) => {
                    for session in &sessions {
                        self.writer.write(&rows::WithRecordId {
                            call_record_id: &id,
                            row: session,
                        })?;
                    }
                }
                Done::PageEnd(next) => self.page_done(index, next)?,
            }
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

/// One step of a call-records window, in list order.
enum Work {
    /// A page begins; its next link.
    PageStart(Option<String>),
    /// A listed call record (boxed: a record is large beside a link).
    Record(Box<rows::CallRecordRow>),
    /// A page ends; its next link.
    PageEnd(Option<String>),
}

/// A step done: what to write.
enum Done {
    PageStart(Option<String>),
    /// A call record with what `--include` asked for.
    Record(Box<rows::CallRecordRow>),
    /// The sessions (with segments) of the call record with that id.
    Sessions(String, Vec<rows::SessionRow>),
    PageEnd(Option<String>),
}

/// Fetches what a listed call record needs (runs concurrently: owns its client).
#[derive(Clone)]
struct Fetcher {
    sdk: Client,
    sessions: bool,
    include_sessions: bool,
    include_participants: bool,
    emulator: bool,
}

impl Fetcher {
    async fn run(&self, item: Result<Work, msgraph_callrecords::Error>) -> Result<Done, CliError> {
        match item.map_err(|e| from_sdk(e, self.emulator))? {
            Work::PageStart(next) => Ok(Done::PageStart(next)),
            Work::PageEnd(next) => Ok(Done::PageEnd(next)),
            Work::Record(record) if self.sessions => self.sessions_of(&record).await,
            Work::Record(record) => self
                .with_includes(*record)
                .await
                .map(|r| Done::Record(Box::new(r))),
        }
    }

    /// A call record, expanded with sessions / participants if asked.
    async fn with_includes(
        &self,
        record: rows::CallRecordRow,
    ) -> Result<rows::CallRecordRow, CliError> {
        if !self.include_sessions && !self.include_participants {
            return Ok(record);
        }
        let id = rows::record_id(&record)?;
        let records = self.sdk.communications().call_records();
        let mut full = if self.include_sessions {
            // send_all follows sessions@odata.nextLink until every session is there.
            records
                .by_id(&id)
                .get()
                .expand(CallRecordExpand::Sessions { segments: true })
                .send_all()
                .await
                .map_err(|e| from_sdk(e, self.emulator))?
        } else {
            record
        };
        if self.include_participants {
            let items = records.by_id(&id).participants_v2().list().stream_items();
            let participants: Vec<rows::ParticipantRow> = items
                .try_collect()
                .await
                .map_err(|e| from_sdk(e, self.emulator))?;
            full.participants_v2 = Some(participants);
            full.participants_v2_next_link = None;
        }
        Ok(full)
    }

    /// Every session (with segments) of a call record.
    async fn sessions_of(&self, record: &rows::CallRecordRow) -> Result<Done, CliError> {
        let id = rows::record_id(record)?;
        let sessions: Vec<rows::SessionRow> = self
            .sdk
            .communications()
            .call_records()
            .by_id(&id)
            .sessions()
            .list()
            .expand(SessionExpand::Segments)
            .stream_items()
            .try_collect()
            .await
            .map_err(|e| from_sdk(e, self.emulator))?;
        Ok(Done::Sessions(id, sessions))
    }
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
    let sdk = Client::new(client.clone());
    let prepared = requests::log_request(&sdk, plan.kind, plan.beta, *w, plan.page_size)?;
    let path = prepared.path_and_query();
    let links = WindowLinks::new(client.base_url(), path).map_err(|r| {
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
}
