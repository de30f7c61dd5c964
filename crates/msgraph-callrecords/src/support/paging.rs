//! Named paging streams with a resume token: what an app checkpoints to continue an export
//! later, on another client or in another process, without losing or repeating a row.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::str::FromStr;
use std::task::{Context, Poll};

use futures::Stream;
use msgraph_runtime::{ArgumentError, Error, GraphClient, Page, Pager, RequestOptions};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Where a paged read stands: the URL of the next page to read, how many items of that page
/// were already yielded, and the first pages of the windows still to read (a windowed log
/// function). Save it (its `Display` text, parsed back with `str::parse`, or serde) and
/// continue with a request's `stream_items_from(token)` / `stream_pages_from(token)`, on
/// any client of the same Graph host.
///
/// A token taken from a [`PageStream`] always points at a page boundary. One taken from an
/// [`ItemStream`] in the middle of a page points at that page and skips the items already
/// yielded, which assumes the service returns the same page for the same link (Graph's
/// `$skiptoken` links do; checkpoint at page boundaries with [`PageStream`] to avoid relying
/// on it). After an error the token points at the page that failed, so resuming retries it.
///
/// The text form is JSON: `{"link":"https://graph.microsoft.com/v1.0/...","skip":3}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeToken {
    link: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    skip: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    then: Vec<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl ResumeToken {
    /// A token that starts at `link` (an absolute URL on the Graph host, e.g. a saved
    /// `@odata.nextLink`).
    pub fn from_link(link: impl Into<String>) -> Self {
        Self {
            link: link.into(),
            skip: 0,
            then: Vec::new(),
        }
    }

    /// The URL of the next page to read (an `@odata.nextLink`, or a request's first page).
    pub fn link(&self) -> &str {
        &self.link
    }

    /// How many items at the start of that page were already yielded.
    pub fn skip(&self) -> usize {
        self.skip
    }

    /// The first pages of the windows read after this one (windowed log functions).
    pub fn then(&self) -> &[String] {
        &self.then
    }

    /// Sets the first pages of the windows to read after this one.
    pub(crate) fn set_then(&mut self, then: Vec<String>) {
        self.then = then;
    }
}

impl fmt::Display for ResumeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Serialising a struct of strings and a number cannot fail.
        let text = serde_json::to_string(self).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

impl FromStr for ResumeToken {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        serde_json::from_str(s).map_err(|e| {
            Error::Argument(ArgumentError::new(
                "resume token",
                format!("not a token written by ResumeToken::to_string: {e}"),
            ))
        })
    }
}

/// Every page of a collection, in order, following `@odata.nextLink` with the client's retry
/// policy on every page (and, for a windowed log function, every window in turn).
///
/// A [`Stream`] of `Result<Page<T>, Error>` that ends after the last page or after the first
/// error. [`PageStream::resume_token`] says where it stands; [`PageStream::items`] turns it
/// into an [`ItemStream`].
#[must_use = "a stream does nothing until polled"]
pub struct PageStream<T> {
    client: GraphClient,
    options: RequestOptions,
    pager: Option<Pager<T>>,
    /// URL of the page to read next, `None` once the current window is done.
    position: Option<String>,
    /// Items to drop from the next page (a resume in the middle of a page).
    skip: usize,
    /// First pages of the windows after the current one.
    then: VecDeque<String>,
    /// URL of the last page yielded and how many of its items were dropped.
    last_page: Option<(String, usize)>,
    /// An error to yield at the next poll (an argument error, a bad start URL).
    pending: Option<Error>,
    /// Whether pages may be asked for ahead ([`PageStream::request_ahead`]).
    ahead: bool,
    done: bool,
}

impl<T: DeserializeOwned + Send + 'static> PageStream<T> {
    /// Pages starting at `token`, sent with `options`.
    pub(crate) fn new(client: GraphClient, options: RequestOptions, token: ResumeToken) -> Self {
        Self {
            client,
            options,
            pager: None,
            position: Some(token.link),
            skip: token.skip,
            then: token.then.into(),
            last_page: None,
            pending: None,
            ahead: true,
            done: false,
        }
    }

    /// A stream whose only item is `error`.
    pub(crate) fn failed(client: GraphClient, error: Error) -> Self {
        Self {
            client,
            options: RequestOptions::default(),
            pager: None,
            position: None,
            skip: 0,
            then: VecDeque::new(),
            last_page: None,
            pending: Some(error),
            ahead: true,
            done: false,
        }
    }

    /// Where the stream stands: `None` once every page was read (or the stream never had a
    /// first page), otherwise the page to read next. Taken between pages, resuming from it
    /// yields exactly the pages this stream has not yielded yet.
    pub fn resume_token(&self) -> Option<ResumeToken> {
        let mut then = self.then.iter().cloned();
        let link = self.position.clone().or_else(|| then.next())?;
        Some(ResumeToken {
            link,
            skip: self.skip,
            then: then.collect(),
        })
    }

    /// The `@odata.nextLink` of the last page yielded: where the current window continues
    /// (`None` before the first page and after its window's last page).
    pub fn next_link(&self) -> Option<&str> {
        self.last_page.as_ref().and(self.position.as_deref())
    }

    /// The items of every page, in order.
    pub fn items(self) -> ItemStream<T> {
        ItemStream {
            pages: self,
            items: Vec::new().into_iter(),
            page: None,
        }
    }

    /// Whether the next page may be requested while this one is decoded (on by default;
    /// see the runtime's [`Pager`]). Off, a request goes out only when its page is asked
    /// for: nothing is sent for a page that will not be read.
    pub fn request_ahead(mut self, on: bool) -> Self {
        self.ahead = on;
        self.pager = self.pager.map(|p| p.request_ahead(on));
        self
    }
}

impl<T: DeserializeOwned + Send + 'static> Stream for PageStream<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Every field is `Unpin` (the runtime's `Pager` is).
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            if let Some(e) = this.pending.take() {
                this.done = true;
                return Poll::Ready(Some(Err(e)));
            }
            let pager = match &mut this.pager {
                Some(p) => p,
                None => {
                    let Some(link) = this.position.clone().or_else(|| this.then.pop_front()) else {
                        this.done = true;
                        return Poll::Ready(None);
                    };
                    this.position = Some(link.clone());
                    match this.client.pager_from_link::<T>(&link, &this.options) {
                        Ok(p) => this.pager.insert(p.request_ahead(this.ahead)),
                        Err(e) => {
                            this.done = true;
                            return Poll::Ready(Some(Err(e)));
                        }
                    }
                }
            };
            match Pin::new(pager).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(mut page))) => {
                    let url = this.position.take().unwrap_or_default();
                    let skip = std::mem::take(&mut this.skip).min(page.value.len());
                    page.value.drain(..skip);
                    this.last_page = Some((url, skip));
                    // The pager follows exactly this link (or ends with an error about it).
                    this.position = page.next_link.clone();
                    return Poll::Ready(Some(Ok(page)));
                }
                // The page at `position` failed: the token still points at it.
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                // This window is done; the next one, if any, starts at the next poll.
                Poll::Ready(None) => {
                    this.pager = None;
                    this.position = None;
                }
            }
        }
    }
}

impl<T> fmt::Debug for PageStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream")
            .field("position", &self.position)
            .field("skip", &self.skip)
            .field("windows_after", &self.then.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// Every item of every page of a collection, in order: a [`Stream`] of `Result<T, Error>`
/// that ends after the last item or after the first error.
///
/// [`ItemStream::resume_token`] says where it stands, down to the item: resuming from it
/// yields exactly the items this stream has not yielded yet (see [`ResumeToken`]).
#[must_use = "a stream does nothing until polled"]
pub struct ItemStream<T> {
    pages: PageStream<T>,
    /// The rest of the current page.
    items: std::vec::IntoIter<T>,
    /// URL of the current page and the index in it of the next item of `items`.
    page: Option<(String, usize)>,
}

impl<T: DeserializeOwned + Send + 'static> ItemStream<T> {
    /// Where the stream stands: `None` once every item was read, otherwise the page and the
    /// number of its items already yielded.
    pub fn resume_token(&self) -> Option<ResumeToken> {
        match &self.page {
            Some((link, next)) if self.items.len() > 0 => Some(ResumeToken {
                link: link.clone(),
                skip: *next,
                then: self.pages.then.iter().cloned().collect(),
            }),
            _ => self.pages.resume_token(),
        }
    }

    /// The pages underneath (their `next_link`, `request_ahead`).
    pub fn pages(&self) -> &PageStream<T> {
        &self.pages
    }
}

// No field is ever pinned in place (the stream moves items out by value), so the stream
// need not be pinned whatever `T` is.
impl<T> Unpin for ItemStream<T> {}

impl<T: DeserializeOwned + Send + 'static> Stream for ItemStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.items.next() {
                if let Some((_, next)) = &mut this.page {
                    *next += 1;
                }
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(page))) => {
                    this.page = this.pages.last_page.clone();
                    this.items = page.value.into_iter();
                }
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => return Poll::Ready(None),
            }
        }
    }
}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("pages", &self.pages)
            .field("page", &self.page)
            .field("items_left_in_page", &self.items.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Streams are moved into spawned tasks; tokens and clients are shared.
    #[test]
    fn streams_are_send_and_clients_shareable() {
        fn send<T: Send + 'static>() {}
        fn send_sync<T: Send + Sync + 'static>() {}
        send::<PageStream<serde_json::Value>>();
        send::<ItemStream<serde_json::Value>>();
        send_sync::<ResumeToken>();
        send_sync::<crate::Client>();
        send_sync::<crate::RawRequest>();
    }

    #[test]
    fn tokens_round_trip_through_text() {
        let t = ResumeToken {
            link: "https://graph.microsoft.com/v1.0/x?$skiptoken=a\"b".into(),
            skip: 3,
            then: vec!["https://graph.microsoft.com/v1.0/y".into()],
        };
        let text = t.to_string();
        assert_eq!(text.parse::<ResumeToken>().unwrap(), t);
        let plain = ResumeToken::from_link("https://h/v1.0/x");
        assert_eq!(plain.to_string(), r#"{"link":"https://h/v1.0/x"}"#);
        let e = "https://h/v1.0/x".parse::<ResumeToken>().unwrap_err();
        assert!(matches!(e, Error::Argument(_)), "{e:?}");
        assert!(e.to_string().starts_with("resume token: "), "{e}");
    }
}
