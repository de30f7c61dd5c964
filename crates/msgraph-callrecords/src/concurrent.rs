//! Concurrency where the API allows it: many call records by id, list + fetch-each as one
//! stream, and log functions over a long range as concurrent date windows.
//!
//! Everything here only bounds how many requests are *asked for* at once and keeps the
//! output order; the pace is the client's: build it with a
//! [`Governor`](crate::runtime::Governor) ([`GraphClientBuilder::governor`](crate::runtime::GraphClientBuilder::governor))
//! so the requests stay within Graph's documented limits and pause together on
//! `Retry-After`. Every request (nested next links and window pages included) is sent
//! with the client's retry policy.
//!
//! Memory is bounded by the concurrency, never by the number of records or rows:
//! ordered output holds at most `max_pending` finished records; windows hold at most
//! `pages_ahead` pages per running window.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use msgraph_callrecords::concurrent::{self, Concurrency};
//! use msgraph_callrecords::runtime::Governor;
//! use msgraph_callrecords::v1::CallRecordExpand;
//! use msgraph_callrecords::Client;
//!
//! # async fn run(builder: msgraph_callrecords::runtime::GraphClientBuilder) -> Result<(), msgraph_callrecords::Error> {
//! let client = Client::new(builder.governor(Governor::default()).build()?);
//! let list = client.communications().call_records().list();
//! let mut records = concurrent::list_and_fetch(
//!     &client,
//!     list,
//!     Some(CallRecordExpand::Sessions { segments: true }),
//!     Concurrency::default(),
//! );
//! while let Some(record) = records.try_next().await? {
//!     println!("{:?}: {} sessions", record.id, record.sessions.map_or(0, |s| s.len()));
//! }
//! # Ok(()) }
//! ```

use std::collections::VecDeque;

use futures::stream::{self, BoxStream, StreamExt};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::instrument::WithSubscriber;

use crate::models::callrecords::CallRecord;
use crate::support::{self, Prepared, ResumeToken};
use crate::v1::{CallRecordExpand, ListCallRecordsRequest};
use crate::{Client, Error, Page};

/// In which order results come out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// The order of the input (ids, list order): deterministic output.
    #[default]
    Requested,
    /// As they complete: a slow record does not hold back the others.
    Completion,
}

/// How many requests are asked for at once, and the output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concurrency {
    /// Most records started and not yet yielded (at least 1): being fetched, or
    /// fetched and waiting for a slower one before them in requested order. The
    /// governor bounds what is really on the wire; this bounds memory, and must be
    /// well above the governor's `max_in_flight` so one slow answer at the head does
    /// not stall the others.
    pub max_pending: usize,
    /// Output order.
    pub order: Order,
}

impl Default for Concurrency {
    /// 256 pending (with the governor's 64 on the wire, enough to reach 1,500 requests /
    /// 20 s at Graph's latency, long tail included), requested order.
    fn default() -> Self {
        Concurrency {
            max_pending: 256,
            order: Order::Requested,
        }
    }
}

impl Concurrency {
    /// At most `n` pending, requested order.
    pub fn new(n: usize) -> Self {
        Concurrency {
            max_pending: n,
            ..Concurrency::default()
        }
    }

    /// The same with another order.
    pub fn order(mut self, order: Order) -> Self {
        self.order = order;
        self
    }
}

/// `GET /communications/callRecords/{id}` (with `expand`, nested next links followed by
/// `send_all`) for every id, at most `max_pending` at a time. One item per id: the record or the
/// error of that id's request (naming it); an error does not end the stream, so the caller
/// decides whether to stop (nothing is dropped silently).
pub fn fetch_records<I>(
    client: &Client,
    ids: I,
    expand: Option<CallRecordExpand>,
    concurrency: Concurrency,
) -> BoxStream<'static, Result<CallRecord, Error>>
where
    I: IntoIterator,
    I::IntoIter: Send + 'static,
    I::Item: AsRef<str> + Send + 'static,
{
    let client = client.clone();
    let futures = stream::iter(ids).map(move |id| fetch_one(client.clone(), id, expand));
    with_order(futures, concurrency)
}

async fn fetch_one(
    client: Client,
    id: impl AsRef<str>,
    expand: Option<CallRecordExpand>,
) -> Result<CallRecord, Error> {
    let mut get = client.communications().call_records().by_id(id).get();
    if let Some(e) = expand {
        get = get.expand(e);
    }
    get.send_all().await
}

fn with_order<S, F, T>(futures: S, c: Concurrency) -> BoxStream<'static, T>
where
    S: futures::Stream<Item = F> + Send + 'static,
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let n = c.max_pending.max(1);
    match c.order {
        Order::Requested => futures.buffered(n).boxed(),
        Order::Completion => futures.buffer_unordered(n).boxed(),
    }
}

/// List call records (`list`, e.g. with a `startDateTime` filter) and fetch each one with
/// `expand`, as one stream: listing runs ahead while the records are fetched
/// (at most `max_pending` at a time). A failed list page ends the stream after its error; a failed
/// record is its own error item (see [`fetch_records`]).
pub fn list_and_fetch(
    client: &Client,
    list: ListCallRecordsRequest,
    expand: Option<CallRecordExpand>,
    concurrency: Concurrency,
) -> BoxStream<'static, Result<CallRecord, Error>> {
    let client = client.clone();
    let ids = list.stream_items().map(|r| match r {
        Ok(record) => match record.id {
            Some(id) => Ok(id),
            None => Err(Error::Paging {
                message: "a listed call record has no id".into(),
                link: "/communications/callRecords".into(),
            }),
        },
        Err(e) => Err(e),
    });
    let futures = end_after_error(ids).map(move |id| {
        let client = client.clone();
        async move {
            match id {
                Ok(id) => fetch_one(client, id, expand).await,
                Err(e) => Err(e),
            }
        }
    });
    with_order(futures, concurrency)
}

/// Passes items through up to and including the first error, then ends.
fn end_after_error<T: Send + 'static>(
    s: impl futures::Stream<Item = Result<T, Error>> + Send + 'static,
) -> BoxStream<'static, Result<T, Error>> {
    s.scan(false, |failed, item| {
        let out = (!*failed).then(|| {
            *failed = item.is_err();
            item
        });
        futures::future::ready(out)
    })
    .boxed()
}

/// One page of a window, in output order.
#[derive(Debug)]
pub struct WindowPage<T> {
    /// Index of the window in the requests given (0-based).
    pub window: usize,
    /// The page (its `next_link` is the window's resume point).
    pub page: Page<T>,
    /// Whether this is the window's last page.
    pub last: bool,
}

/// Settings of [`windows_pages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowConcurrency {
    /// Windows fetched at once (at least 1): the current one and the next ones.
    pub windows: usize,
    /// Pages a running window may hold ahead of the output (at least 1).
    pub pages_ahead: usize,
}

impl Default for WindowConcurrency {
    /// 4 windows, 8 pages ahead each (at most 32 pages of up to 1,000 rows held).
    ///
    /// Pages of one window come one after the other (each next link is known only
    /// with its page), so the window being output fetches at one page per latency;
    /// the windows after it must be able to run ahead by several pages, or the
    /// export falls back to that pace once their buffers are full.
    fn default() -> Self {
        WindowConcurrency {
            windows: 4,
            pages_ahead: 8,
        }
    }
}

/// The pages of every window (e.g. [`Windowed::requests`](crate::support::Windowed::requests)
/// of a `*_windowed_by` builder, or prepared log-function requests), windows fetched
/// concurrently and yielded **in window order, each page once**: the window being output
/// and the next `windows - 1` run at once, each paging its own next links in order. The
/// first error (of any running window, once it is that window's turn) is the last item.
///
/// Must be polled inside a Tokio runtime (each running window is a task; dropping the
/// stream cancels them).
pub fn windows_pages<T: DeserializeOwned + Send + 'static>(
    client: &Client,
    requests: Vec<Prepared>,
    concurrency: WindowConcurrency,
) -> BoxStream<'static, Result<WindowPage<T>, Error>> {
    windows(client, requests, None, concurrency)
}

/// [`windows_pages`] resumed: the first request continues from `first` (e.g.
/// `ResumeToken::from_link` of the `next_link` of the last page written before an
/// interruption), the others start at their first page. With a checkpoint of (window,
/// `next_link` of the last page written; the next window when that page was `last`), an
/// export resumes without losing or repeating a row.
pub fn windows_pages_from<T: DeserializeOwned + Send + 'static>(
    client: &Client,
    requests: Vec<Prepared>,
    first: ResumeToken,
    concurrency: WindowConcurrency,
) -> BoxStream<'static, Result<WindowPage<T>, Error>> {
    windows(client, requests, Some(first), concurrency)
}

fn windows<T: DeserializeOwned + Send + 'static>(
    client: &Client,
    requests: Vec<Prepared>,
    first: Option<ResumeToken>,
    concurrency: WindowConcurrency,
) -> BoxStream<'static, Result<WindowPage<T>, Error>> {
    let mut first = first;
    let state = Windows {
        client: client.graph_client().clone(),
        pending: requests
            .into_iter()
            .enumerate()
            .map(|(i, p)| (i, p, first.take()))
            .collect(),
        running: VecDeque::new(),
        width: concurrency.windows.max(1),
        ahead: concurrency.pages_ahead.max(1),
        failed: false,
    };
    stream::unfold(state, |mut s| async move {
        let item = s.next().await?;
        Some((item, s))
    })
    .boxed()
}

/// [`windows_pages`] flattened to rows, in order, each once.
pub fn windows_items<T: DeserializeOwned + Send + 'static>(
    client: &Client,
    requests: Vec<Prepared>,
    concurrency: WindowConcurrency,
) -> BoxStream<'static, Result<T, Error>> {
    windows_pages::<T>(client, requests, concurrency)
        .flat_map(|r| match r {
            Ok(wp) => stream::iter(wp.page.value.into_iter().map(Ok).collect::<Vec<_>>()),
            Err(e) => stream::iter(vec![Err(e)]),
        })
        .boxed()
}

struct Windows<T> {
    client: crate::GraphClient,
    /// Windows not started yet (the first may resume from a token).
    pending: VecDeque<(usize, Prepared, Option<ResumeToken>)>,
    running: VecDeque<Running<T>>,
    width: usize,
    ahead: usize,
    failed: bool,
}

/// A window being fetched by its task; pages arrive on `rx`.
struct Running<T> {
    index: usize,
    /// The window's request, for an error about it.
    path: String,
    /// Whether its last page (no next link) came out: a window whose task ended
    /// before that (a panic) is an error, never a window that simply had no more rows.
    finished: bool,
    rx: mpsc::Receiver<Result<Page<T>, Error>>,
    /// Dropped (and so aborted) with the window.
    _task: AbortOnDrop,
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T: DeserializeOwned + Send + 'static> Windows<T> {
    fn start_more(&mut self) {
        while self.running.len() < self.width {
            let Some((index, prepared, resume)) = self.pending.pop_front() else {
                break;
            };
            let (tx, rx) = mpsc::channel(self.ahead);
            let path = prepared.path_and_query().to_owned();
            let client = self.client.clone();
            let pages = match resume {
                Some(token) => support::stream_pages_from::<T>(client, Ok(prepared), token),
                None => support::stream_pages::<T>(client, Ok(prepared)),
            };
            let fetch = async move {
                let mut pages = pages;
                while let Some(page) = pages.next().await {
                    let stop = page.is_err();
                    // The receiver is gone: the output was dropped, stop fetching.
                    if tx.send(page).await.is_err() || stop {
                        break;
                    }
                }
            };
            // The runtime reports retries and throttling as tracing events: the task
            // reports them to the caller's subscriber, not the global one.
            let task = tokio::spawn(fetch.with_current_subscriber());
            self.running.push_back(Running {
                index,
                path,
                finished: false,
                rx,
                _task: AbortOnDrop(task),
            });
        }
    }

    async fn next(&mut self) -> Option<Result<WindowPage<T>, Error>> {
        if self.failed {
            return None;
        }
        loop {
            self.start_more();
            let current = self.running.front_mut()?;
            match current.rx.recv().await {
                Some(Ok(page)) => {
                    current.finished = page.next_link.is_none();
                    return Some(Ok(WindowPage {
                        window: current.index,
                        last: page.next_link.is_none(),
                        page,
                    }));
                }
                Some(Err(e)) => {
                    self.failed = true;
                    self.running.clear();
                    return Some(Err(e));
                }
                // The window's pages are all out: on to the next window.
                None if current.finished => {
                    self.running.pop_front();
                }
                None => {
                    let link = current.path.clone();
                    self.failed = true;
                    self.running.clear();
                    return Some(Err(Error::Paging {
                        message: "the task reading this window ended before its last page".into(),
                        link,
                    }));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A window whose task ends early (it panicked) is an error, not a window
    /// without more rows: a caller checkpointing past it would lose rows.
    #[tokio::test]
    async fn a_window_ended_before_its_last_page_is_an_error() {
        let client = crate::GraphClient::builder()
            .credential(crate::runtime::StaticTokenCredential::new("t"))
            .build()
            .unwrap();
        let (tx, rx) = mpsc::channel::<Result<Page<u32>, Error>>(1);
        let task = tokio::spawn(async move {
            let _tx = tx;
            panic!("reader broke");
        });
        let mut w = Windows {
            client,
            pending: VecDeque::new(),
            running: VecDeque::from([Running {
                index: 0,
                path: "/w0".into(),
                finished: false,
                rx,
                _task: AbortOnDrop(task),
            }]),
            width: 1,
            ahead: 1,
            failed: false,
        };
        match w.next().await {
            Some(Err(Error::Paging { link, .. })) => assert_eq!(link, "/w0"),
            other => panic!("not a paging error: {other:?}"),
        }
        assert!(w.next().await.is_none());
    }

    #[tokio::test]
    async fn end_after_error_keeps_the_error_and_stops() {
        let items = vec![Ok(1), Err(Error::Config("boom".into())), Ok(2)];
        let out: Vec<_> = end_after_error(stream::iter(items)).collect().await;
        assert_eq!(out.len(), 2);
        assert!(out[1].is_err());
    }
}
