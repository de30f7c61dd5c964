//! `Pager`: a collection as a `Stream` of pages, following `@odata.nextLink`.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use reqwest::Method;
use serde::de::DeserializeOwned;
use tokio::task::JoinHandle;
use tracing::instrument::WithSubscriber;
use tracing::Instrument;
use url::Url;

use crate::client::decode;
use crate::{Error, GraphClient, Page, RequestOptions};

/// Pages of a Graph collection as a [`Stream`].
///
/// Every page is fetched with the client's retry policy and the same
/// [`RequestOptions`] (Prefer headers are re-sent: Graph does not carry them
/// over). `@odata.nextLink` is followed verbatim. The stream ends after the
/// page without a next link, or with one error: a failed page, a next link
/// already visited (a server loop), or a next link to another host (the
/// page that carried it is still yielded; nothing is sent to that host).
///
/// When a page ends with its `@odata.nextLink` (as Graph writes it) and the
/// pager runs on a Tokio runtime, the next page is requested before this
/// one is decoded, so the service prepares it meanwhile: there is still at
/// most one request outstanding, and at most one more page body held. A
/// link found that way is checked like any other (host, loops) before it is
/// sent. So that request may go out even if this page then fails to decode
/// or the pager is dropped after it (its answer is then dropped unread);
/// [`Pager::request_ahead`]`(false)` turns this off.
#[must_use = "a Pager does nothing until polled"]
pub struct Pager<T> {
    client: GraphClient,
    opts: RequestOptions,
    /// URL of the next request.
    next: Option<Url>,
    /// Error to yield on the next poll (bad start path, bad next link).
    pending_error: Option<Error>,
    /// `@odata.nextLink` of the last page yielded.
    last_next_link: Option<String>,
    /// Fingerprints (64-bit keyed hashes) of the URLs fetched: 8 bytes a
    /// page however long the links, so a long export stays small in
    /// memory (a false "loop" would need a 64-bit collision).
    visited: HashSet<u64>,
    keys: RandomState,
    /// The request for the page being fetched, and its URL.
    in_flight: Option<(Url, BoxFuture<'static, Result<Bytes, Error>>)>,
    /// A page received and not decoded yet: decoded on the next poll, once
    /// the runtime has had a turn to send the request for the page after it.
    received: Option<(Url, Bytes)>,
    /// That request: the page after the one being decoded.
    prefetch: Option<Prefetch>,
    /// Whether pages may be asked for ahead ([`Pager::request_ahead`]).
    ahead: bool,
    done: bool,
    rows: PhantomData<fn() -> T>,
}

/// A page requested ahead: its URL and the task fetching it (cancelled
/// when dropped).
struct Prefetch {
    url: Url,
    task: AbortOnDrop,
}

/// A spawned fetch, aborted when dropped.
struct AbortOnDrop(JoinHandle<Result<Bytes, Error>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Future for AbortOnDrop {
    type Output = Result<Result<Bytes, Error>, tokio::task::JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Pager<T>
where
    T: DeserializeOwned + Send + 'static,
{
    /// A pager from `start`; when that is an error (a start path that is
    /// no URL), the pager yields it and ends.
    pub(crate) fn new(
        client: GraphClient,
        start: Result<Url, Error>,
        opts: RequestOptions,
    ) -> Self {
        let (next, pending_error) = match start {
            Ok(url) => (Some(url), None),
            Err(e) => (None, Some(e)),
        };
        Pager {
            client,
            opts,
            next,
            pending_error,
            last_next_link: None,
            visited: HashSet::new(),
            keys: RandomState::new(),
            in_flight: None,
            received: None,
            prefetch: None,
            ahead: true,
            done: false,
            rows: PhantomData,
        }
    }

    /// Whether the next page may be requested while this one is decoded
    /// (on by default; see [`Pager`]). Off, a request goes out only when the
    /// consumer asks for its page: nothing is sent for a page that will not
    /// be read (after a page that fails to decode, or when the consumer
    /// stops), at the cost of waiting for each page in turn.
    pub fn request_ahead(mut self, on: bool) -> Self {
        self.ahead = on;
        self
    }

    /// The `@odata.nextLink` of the last page yielded: where to resume with
    /// [`GraphClient::pager_from_link`] (save it as a checkpoint after each
    /// page). `None` before the first page and after the last one.
    pub fn next_link(&self) -> Option<&str> {
        self.last_next_link.as_deref()
    }

    /// The items of all pages, in order, as one stream.
    pub fn items(self) -> impl Stream<Item = Result<T, Error>> + Send + Unpin + 'static {
        self.map_ok(|page| stream::iter(page.value.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// A GET of `url` with the pager's options, independent of the pager.
    fn get(&self, url: Url) -> impl Future<Output = Result<Bytes, Error>> + Send + 'static {
        let client = self.client.clone();
        let opts = self.opts.clone();
        async move { client.execute(Method::GET, &url, &opts).await }
    }

    /// A fetch of `url`: the request already made for it, if any.
    fn fetch(&mut self, url: Url) -> BoxFuture<'static, Result<Bytes, Error>> {
        let ahead = self.prefetch.take().filter(|p| p.url == url);
        let get = self.get(url);
        Box::pin(async move {
            if let Some(ahead) = ahead {
                match ahead.task.await {
                    Ok(answer) => return answer,
                    // As if the fetch had run here: its panic is the caller's.
                    Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                    // Cancelled with the runtime it ran on (the pager moved to
                    // another one): fetched again here.
                    Err(_) => {}
                }
            }
            get.await
        })
    }

    /// Asks for the page after one just received, when its body ends with
    /// the next link and the link passes the checks [`Pager::queue_next`]
    /// makes; `true` when a request was started.
    fn ask_ahead(&mut self, body: &[u8]) -> bool {
        if !self.ahead {
            return false;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return false;
        };
        let Some(link) = trailing_next_link(body) else {
            return false;
        };
        let Ok(url) = self.client.resolve_link(&link) else {
            return false;
        };
        if self.visited.contains(&self.keys.hash_one(url.as_str())) {
            return false;
        }
        // The task reports (retries, spans) where the caller's code does.
        let fetch = self
            .get(url.clone())
            .in_current_span()
            .with_current_subscriber();
        let task = runtime.spawn(fetch);
        self.prefetch = Some(Prefetch {
            url,
            task: AbortOnDrop(task),
        });
        true
    }

    /// Queue the next link of a page just received, checking host and loops.
    fn queue_next(&mut self, link: Option<&str>) {
        let Some(link) = link else {
            self.next = None;
            return;
        };
        match self.client.resolve_link(link) {
            Ok(url) if self.visited.contains(&self.keys.hash_one(url.as_str())) => {
                self.pending_error = Some(Error::Paging {
                    message: "the service returned a next link that was already visited; stopping to avoid a loop"
                        .into(),
                    link: link.to_string(),
                });
            }
            Ok(url) => self.next = Some(url),
            Err(e) => self.pending_error = Some(e),
        }
    }
}

impl<T> Stream for Pager<T>
where
    T: DeserializeOwned + Send + 'static,
{
    type Item = Result<Page<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            if let Some((url, body)) = this.received.take() {
                let page = decode::<Page<T>>(&body, &url);
                drop(body);
                return Poll::Ready(Some(match page {
                    Ok(page) => {
                        this.last_next_link = page.next_link.clone();
                        // A page asked for ahead is that link's (a page that
                        // decodes has one); `fetch` uses it only for that URL.
                        this.queue_next(page.next_link.as_deref());
                        Ok(page)
                    }
                    Err(e) => {
                        this.done = true;
                        this.prefetch = None;
                        Err(e)
                    }
                }));
            }
            let (url, mut fetch) = match this.in_flight.take() {
                Some(in_flight) => in_flight,
                None => {
                    if let Some(e) = this.pending_error.take() {
                        this.done = true;
                        return Poll::Ready(Some(Err(e)));
                    }
                    let Some(url) = this.next.take() else {
                        this.done = true;
                        return Poll::Ready(None);
                    };
                    this.visited.insert(this.keys.hash_one(url.as_str()));
                    let fetch = this.fetch(url.clone());
                    (url, fetch)
                }
            };
            let result = match fetch.as_mut().poll(cx) {
                Poll::Pending => {
                    this.in_flight = Some((url, fetch));
                    return Poll::Pending;
                }
                Poll::Ready(r) => r,
            };
            match result {
                Ok(body) => {
                    let ahead = this.ask_ahead(&body);
                    this.received = Some((url, body));
                    if ahead {
                        // Let the runtime send that request before decoding.
                        cx.waker().wake_by_ref();
                        return Poll::Pending;
                    }
                }
                Err(e) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
            }
        }
    }
}

/// The `@odata.nextLink` of a page body when it is the last member of the
/// body's object, as Graph writes it: read from the end, without the rows,
/// so the next page can be asked for before this one is decoded. `None`
/// when the body does not end that way.
fn trailing_next_link(body: &[u8]) -> Option<String> {
    let body = body.trim_ascii_end().strip_suffix(b"}")?.trim_ascii_end();
    let close = body.len().checked_sub(1)?;
    if body[close] != b'"' {
        return None;
    }
    // The opening quote: the nearest one before that is not escaped.
    let mut open = close;
    loop {
        open = body[..open].iter().rposition(|&b| b == b'"')?;
        let backslashes = body[..open]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 0 {
            break;
        }
    }
    let before = body[..open].trim_ascii_end().strip_suffix(b":")?;
    let before = before
        .trim_ascii_end()
        .strip_suffix(b"\"@odata.nextLink\"")?
        .trim_ascii_end();
    if !matches!(before.last(), Some(b',' | b'{')) {
        return None;
    }
    serde_json::from_slice(&body[open..=close]).ok()
}

impl<T> fmt::Debug for Pager<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("next", &self.next.as_ref().map(Url::as_str))
            .field("pages_visited", &self.visited.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::trailing_next_link;

    #[test]
    fn the_next_link_is_read_from_the_end_only_when_it_is_the_last_member() {
        let graph = br#"{"@odata.context":"c","value":[{"a":"}"}],"@odata.nextLink":"https://h/v1.0/x?$skip=5"}"#;
        assert_eq!(
            trailing_next_link(graph).as_deref(),
            Some("https://h/v1.0/x?$skip=5")
        );
        // Whitespace anywhere between the tokens, escapes in the link.
        let spaced =
            b"{ \"value\" : [] ,\n  \"@odata.nextLink\" :\t\"https:\\/\\/h\\/a?b=\\\"c\\\\\" \n}\n";
        assert_eq!(
            trailing_next_link(spaced).as_deref(),
            Some("https://h/a?b=\"c\\")
        );
        assert_eq!(
            trailing_next_link(br#"{"@odata.nextLink":"l"}"#).as_deref(),
            Some("l")
        );
        for other in [
            // Written first, or not at all: read after decoding instead.
            &br#"{"@odata.nextLink":"l","value":[]}"#[..],
            br#"{"value":[]}"#,
            // The last member of an inner object is not the page's.
            br#"{"value":[],"x":{"@odata.nextLink":"l"}}"#,
            br#"{"value":[{"@odata.nextLink":"l"}]}"#,
            // Another key, or a key ending the same way.
            br#"{"value":[],"@odata.deltaLink":"l"}"#,
            br#"{"value":[],"x@odata.nextLink":"l"}"#,
            // Not a string.
            br#"{"value":[],"@odata.nextLink":null}"#,
            // The text of a string value, not a member.
            br#"{"value":["\",\"@odata.nextLink\":\"l"]}"#,
            // Broken or truncated bodies.
            br#"{"value":[],"@odata.nextLink":"l"#,
            br#""l"}"#,
            b"",
            b"}",
            b"\"}",
        ] {
            assert_eq!(
                trailing_next_link(other),
                None,
                "{}",
                String::from_utf8_lossy(other)
            );
        }
    }
}
