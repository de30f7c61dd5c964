//! What the generated builders call to send: validate and freeze a request, send it, page
//! a collection (through [`PageStream`]), follow nested next links, chain date windows.

use futures::stream::StreamExt;
use msgraph_runtime::{ArgumentError, Error, GraphClient, Page, RequestOptions};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::paging::{ItemStream, PageStream, ResumeToken};
use super::query::{QueryOptions, ResourcePath};

/// A validated request: operation name, path and query relative to the version root, and
/// the per-request options (headers, `Prefer: odata.maxpagesize`, ...).
#[derive(Debug, Clone)]
pub struct Prepared {
    operation: String,
    path_and_query: String,
    options: RequestOptions,
}

impl Prepared {
    /// Checks the path, the query options and the page size in `options`
    /// (`max_page_size_limit`: the documented maximum page size, `u32::MAX` when none)
    /// and freezes the request.
    ///
    /// # Errors
    /// [`Error::Argument`] naming the operation and the rejected value.
    pub fn new(
        operation: &str,
        path: &ResourcePath,
        query: &QueryOptions,
        options: &RequestOptions,
        max_page_size_limit: u32,
    ) -> Result<Self, Error> {
        path.check()?;
        query.check(operation)?;
        if let Some(n) = options.max_page_size {
            if n == 0 || n > max_page_size_limit {
                return Err(ArgumentError::new(
                    operation,
                    format!("max_page_size {n} is outside 1..={max_page_size_limit}, the documented maximum page size"),
                )
                .into());
            }
        }
        Ok(Self {
            operation: operation.to_owned(),
            path_and_query: format!("{}{}", path.as_str(), query.query_string()),
            options: options.clone(),
        })
    }

    /// The operation name (`getPstnCalls`).
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// Path and query relative to the version root.
    pub fn path_and_query(&self) -> &str {
        &self.path_and_query
    }

    /// The per-request options it is sent with.
    pub fn options(&self) -> &RequestOptions {
        &self.options
    }

    /// The token of its first page: the absolute URL on `client`'s host.
    fn start(&self, client: &GraphClient) -> Result<ResumeToken, Error> {
        Ok(ResumeToken::from_link(
            client.url_for(&self.path_and_query)?,
        ))
    }
}

/// `GET` one entity (or function value).
pub async fn send_entity<T: DeserializeOwned>(
    client: &GraphClient,
    prepared: Prepared,
) -> Result<T, Error> {
    client
        .get_json(&prepared.path_and_query, &prepared.options)
        .await
}

/// `GET` one page of a collection.
pub async fn send_page<T: DeserializeOwned>(
    client: &GraphClient,
    prepared: Prepared,
) -> Result<Page<T>, Error> {
    send_entity(client, prepared).await
}

/// Every page, following `@odata.nextLink`; an argument error is the stream's only item.
pub fn stream_pages<T: DeserializeOwned + Send + 'static>(
    client: GraphClient,
    prepared: Result<Prepared, Error>,
) -> PageStream<T> {
    match prepared.and_then(|p| Ok((p.start(&client)?, p.options))) {
        Ok((start, options)) => PageStream::new(client, options, start),
        Err(e) => PageStream::failed(client, e),
    }
}

/// The pages from `token` on, sent with the options of `prepared` (its path is only
/// validated: the token says where to read).
pub fn stream_pages_from<T: DeserializeOwned + Send + 'static>(
    client: GraphClient,
    prepared: Result<Prepared, Error>,
    token: ResumeToken,
) -> PageStream<T> {
    match prepared {
        Ok(p) => PageStream::new(client, p.options, token),
        Err(e) => PageStream::failed(client, e),
    }
}

/// Every item of every page.
pub fn stream_items<T: DeserializeOwned + Send + 'static>(
    client: GraphClient,
    prepared: Result<Prepared, Error>,
) -> ItemStream<T> {
    stream_pages(client, prepared).items()
}

/// The items from `token` on (see [`stream_pages_from`]).
pub fn stream_items_from<T: DeserializeOwned + Send + 'static>(
    client: GraphClient,
    prepared: Result<Prepared, Error>,
    token: ResumeToken,
) -> ItemStream<T> {
    stream_pages_from(client, prepared, token).items()
}

/// Most nested pages followed per navigation property (60 sessions per page: 60,000 sessions).
const MAX_NESTED_PAGES: usize = 1000;

/// `GET` an entity with expanded collections, then follow each `<nav>@odata.nextLink` (in
/// `navs`) until the collection is complete, and decode the merged entity.
pub async fn send_entity_all<T: DeserializeOwned>(
    client: &GraphClient,
    prepared: Prepared,
    navs: &[&str],
) -> Result<T, Error> {
    let opts = &prepared.options;
    let mut value: Value = client.get_json(&prepared.path_and_query, opts).await?;
    if let Value::Object(obj) = &mut value {
        for nav in navs {
            let Some(Value::String(link)) = obj.remove(&format!("{nav}@odata.nextLink")) else {
                continue;
            };
            let pages = client.pager_from_link::<Value>(&link, opts)?;
            let rest = collect_nested(pages, nav, &link, MAX_NESTED_PAGES).await?;
            match obj.get_mut(*nav) {
                Some(Value::Array(items)) => items.extend(rest),
                _ => {
                    obj.insert((*nav).to_owned(), Value::Array(rest));
                }
            }
        }
    }
    // The merged entity is decoded once more, naming the path of a bad value.
    serde_path_to_error::deserialize(value).map_err(|e| Error::Decode {
        path: e.path().to_string(),
        message: e.inner().to_string(),
        url: format!(
            "{} (merged with the pages of its expanded collections)",
            prepared.path_and_query
        ),
    })
}

/// The items of at most `limit` pages of the nested collection `nav` (first next link
/// `link`); a paging error if the `limit`-th page still has a next link (the collection
/// would be silently truncated).
async fn collect_nested<S>(
    mut pages: S,
    nav: &str,
    link: &str,
    limit: usize,
) -> Result<Vec<Value>, Error>
where
    S: futures::Stream<Item = Result<Page<Value>, Error>> + Unpin,
{
    let mut items = Vec::new();
    let mut read = 0;
    while let Some(page) = pages.next().await {
        let page = page?;
        read += 1;
        let more = page.next_link.is_some();
        items.extend(page.value);
        if !more {
            break;
        }
        if read >= limit {
            return Err(Error::Paging {
                message: format!("{nav} has more than {read} pages (the most followed); the collection would be incomplete, page it separately"),
                link: link.to_owned(),
            });
        }
    }
    Ok(items)
}

/// A log function over a long range: one request per date window, paged in order.
///
/// Built infallibly; an argument error (a reversed range, a bad window) is the only item of
/// its streams, as for every request.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is streamed"]
pub struct Windowed<T> {
    client: GraphClient,
    requests: Result<Vec<Prepared>, Error>,
    options: RequestOptions,
    _rows: std::marker::PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send + 'static> Windowed<T> {
    /// The windows' requests, in order, or the argument error that prevents them.
    pub fn new(client: GraphClient, requests: Result<Vec<Prepared>, Error>) -> Self {
        Self {
            client,
            requests,
            options: RequestOptions::default(),
            _rows: std::marker::PhantomData,
        }
    }

    /// Per-request options sent with every request of every window (replace earlier ones).
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// The request of each window, in order (e.g. to log them).
    ///
    /// # Errors
    /// The argument error found while splitting the range.
    pub fn requests(&self) -> Result<&[Prepared], Error> {
        self.requests.as_deref().map_err(Clone::clone)
    }

    /// Paths of each window's first request, relative to the version root.
    ///
    /// # Errors
    /// The argument error found while splitting the range.
    pub fn url_paths(&self) -> Result<Vec<String>, Error> {
        Ok(self
            .requests()?
            .iter()
            .map(|r| r.path_and_query.clone())
            .collect())
    }

    /// The token of the first page of the first window.
    fn start(&self) -> Result<ResumeToken, Error> {
        let mut links = Vec::new();
        for r in self.requests()? {
            links.push(self.client.url_for(&r.path_and_query)?.to_string());
        }
        let mut links = links.into_iter();
        let first = links.next().ok_or_else(|| {
            Error::from(ArgumentError::new("windowed request", "no windows to read"))
        })?;
        let mut token = ResumeToken::from_link(first);
        token.set_then(links.collect());
        Ok(token)
    }

    /// Every page of every window, windows in order; the first error ends the stream (going
    /// on with the next window would leave a silent gap).
    pub fn stream_pages(self) -> PageStream<T> {
        match self.start() {
            Ok(token) => PageStream::new(self.client, self.options, token),
            Err(e) => PageStream::failed(self.client, e),
        }
    }

    /// Every row of every window, in order, each once.
    pub fn stream_items(self) -> ItemStream<T> {
        self.stream_pages().items()
    }

    /// The pages from `token` on (a token of this windowed request's stream), with this
    /// request's options.
    pub fn stream_pages_from(self, token: ResumeToken) -> PageStream<T> {
        match self.requests {
            Ok(_) => PageStream::new(self.client, self.options, token),
            Err(e) => PageStream::failed(self.client, e),
        }
    }

    /// The rows from `token` on (see [`Windowed::stream_pages_from`]).
    pub fn stream_items_from(self, token: ResumeToken) -> ItemStream<T> {
        self.stream_pages_from(token).items()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::stream;

    fn page_of(items: &[i64], next: bool) -> Page<Value> {
        Page {
            next_link: next.then(|| "https://graph.microsoft.com/v1.0/next".to_owned()),
            value: items.iter().map(|i| Value::from(*i)).collect(),
            ..Page::default()
        }
    }

    #[tokio::test]
    async fn nested_pages_up_to_the_limit_are_collected() {
        let pages = stream::iter(vec![Ok(page_of(&[1], true)), Ok(page_of(&[2, 3], false))]);
        let items = collect_nested(
            pages,
            "sessions",
            "https://graph.microsoft.com/v1.0/first",
            2,
        )
        .await
        .expect("complete within the limit");
        assert_eq!(items, vec![Value::from(1), Value::from(2), Value::from(3)]);
    }

    #[tokio::test]
    async fn nested_pages_beyond_the_limit_are_an_error_not_a_truncation() {
        let pages = stream::iter(vec![
            Ok(page_of(&[1], true)),
            Ok(page_of(&[2], true)),
            Ok(page_of(&[3], false)),
        ]);
        let err = collect_nested(
            pages,
            "sessions",
            "https://graph.microsoft.com/v1.0/first",
            2,
        )
        .await
        .expect_err("a next link remains after the limit");
        assert!(matches!(
            &err,
            Error::Paging { link, .. } if link == "https://graph.microsoft.com/v1.0/first"
        ));
        assert!(
            err.to_string().contains("sessions has more than 2 pages"),
            "{err}"
        );
    }
}
