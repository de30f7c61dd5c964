//! `Pager`: a collection as a `Stream` of pages, following `@odata.nextLink`.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use url::Url;

use crate::{Error, GraphClient, Page, RequestOptions};

/// Pages of a Graph collection as a [`Stream`].
///
/// Every page is fetched with the client's retry policy and the same
/// [`RequestOptions`] (Prefer headers are re-sent: Graph does not carry them
/// over). `@odata.nextLink` is followed verbatim. The stream ends after the
/// page without a next link, or with one error: a failed page, a next link
/// already visited (a server loop), or a next link to another host (the
/// page that carried it is still yielded; nothing is sent to that host).
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
    in_flight: Option<BoxFuture<'static, Result<Page<T>, Error>>>,
    done: bool,
}

impl<T> Pager<T>
where
    T: DeserializeOwned + Send + 'static,
{
    pub(crate) fn new(client: GraphClient, start: Url, opts: RequestOptions) -> Self {
        Pager {
            client,
            opts,
            next: Some(start),
            pending_error: None,
            last_next_link: None,
            visited: HashSet::new(),
            keys: RandomState::new(),
            in_flight: None,
            done: false,
        }
    }

    pub(crate) fn failed(client: GraphClient, error: Error, opts: RequestOptions) -> Self {
        Pager {
            client,
            opts,
            next: None,
            pending_error: Some(error),
            last_next_link: None,
            visited: HashSet::new(),
            keys: RandomState::new(),
            in_flight: None,
            done: false,
        }
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
        if this.done {
            return Poll::Ready(None);
        }
        if this.in_flight.is_none() {
            if let Some(e) = this.pending_error.take() {
                this.done = true;
                return Poll::Ready(Some(Err(e)));
            }
            let Some(url) = this.next.take() else {
                this.done = true;
                return Poll::Ready(None);
            };
            this.visited.insert(this.keys.hash_one(url.as_str()));
            let client = this.client.clone();
            let opts = this.opts.clone();
            this.in_flight = Some(Box::pin(async move {
                client.get_json_url::<Page<T>>(&url, &opts).await
            }));
        }
        let Some(fut) = this.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        let result = match Pin::new(fut).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        this.in_flight = None;
        match result {
            Ok(page) => {
                this.last_next_link = page.next_link.clone();
                this.queue_next(page.next_link.as_deref());
                Poll::Ready(Some(Ok(page)))
            }
            Err(e) => {
                this.done = true;
                Poll::Ready(Some(Err(e)))
            }
        }
    }
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
