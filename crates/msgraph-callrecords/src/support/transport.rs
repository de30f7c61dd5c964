//! The only place that talks to the runtime: send one request, page a collection, follow
//! nested next links, chain date windows. Generated builders call these functions.

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use msgraph_runtime::{GraphClient, Page, RequestOptions};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{ArgumentError, Error};
use super::query::{QueryOptions, ResourcePath};

/// Every page of a collection, in order.
pub type PageStream<T> = BoxStream<'static, Result<Page<T>, Error>>;

/// Every item of every page of a collection, in order.
pub type ItemStream<T> = BoxStream<'static, Result<T, Error>>;

/// A validated request: operation name, path and query relative to the version root, and
/// the `Prefer: odata.maxpagesize` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    operation: String,
    path_and_query: String,
    max_page_size: Option<u32>,
}

impl Prepared {
    /// Checks the path and options (`max_page_size_limit`: the documented maximum page size,
    /// `u32::MAX` when none) and freezes the request.
    pub fn new(
        operation: &str,
        path: &ResourcePath,
        query: &QueryOptions,
        max_page_size_limit: u32,
    ) -> Result<Self, ArgumentError> {
        path.check()?;
        query.check(operation, max_page_size_limit)?;
        Ok(Self {
            operation: operation.to_owned(),
            path_and_query: format!("{}{}", path.as_str(), query.query_string()),
            max_page_size: query.max_page_size,
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

    fn options(&self) -> RequestOptions {
        RequestOptions {
            max_page_size: self.max_page_size,
            ..RequestOptions::default()
        }
    }
}

/// `GET` one entity (or function value).
pub async fn send_entity<T: DeserializeOwned>(
    client: &GraphClient,
    prepared: Prepared,
) -> Result<T, Error> {
    Ok(client
        .get_json(&prepared.path_and_query, &prepared.options())
        .await?)
}

/// `GET` one page of a collection.
pub async fn send_page<T: DeserializeOwned>(
    client: &GraphClient,
    prepared: Prepared,
) -> Result<Page<T>, Error> {
    Ok(client
        .get_json(&prepared.path_and_query, &prepared.options())
        .await?)
}

/// Every page, following `@odata.nextLink`; an argument error is the stream's only item.
pub fn stream_pages<T: DeserializeOwned + Send + 'static>(
    client: GraphClient,
    prepared: Result<Prepared, ArgumentError>,
) -> PageStream<T> {
    match prepared {
        Ok(p) => client
            .pager::<T>(&p.path_and_query, &p.options())
            .map_err(Error::from)
            .boxed(),
        Err(e) => stream::once(async move { Err(Error::Argument(e)) }).boxed(),
    }
}

/// Every item of every page.
pub fn stream_items<T: DeserializeOwned + Send + 'static>(
    client: GraphClient,
    prepared: Result<Prepared, ArgumentError>,
) -> ItemStream<T> {
    stream_pages::<T>(client, prepared)
        .map_ok(|page| stream::iter(page.value.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
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
    let opts = prepared.options();
    let mut value: Value = client.get_json(&prepared.path_and_query, &opts).await?;
    if let Value::Object(obj) = &mut value {
        for nav in navs {
            let Some(Value::String(link)) = obj.remove(&format!("{nav}@odata.nextLink")) else {
                continue;
            };
            let pages = client
                .pager_from_link::<Value>(&link, &opts)?
                .map_err(Error::from);
            let rest = collect_nested(pages, &prepared.operation, nav, MAX_NESTED_PAGES).await?;
            match obj.get_mut(*nav) {
                Some(Value::Array(items)) => items.extend(rest),
                _ => {
                    obj.insert((*nav).to_owned(), Value::Array(rest));
                }
            }
        }
    }
    serde_json::from_value(value).map_err(|source| Error::Decode {
        operation: prepared.operation.clone(),
        source,
    })
}

/// The items of at most `limit` pages of the nested collection `nav`; an error if the
/// `limit`-th page still has a next link (the collection would be silently truncated).
async fn collect_nested<S>(
    mut pages: S,
    operation: &str,
    nav: &str,
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
            return Err(Error::TooManyNestedPages {
                operation: operation.to_owned(),
                navigation: nav.to_owned(),
                pages: read,
            });
        }
    }
    Ok(items)
}

/// Passes items through up to and including the first error, then ends.
fn end_after_first_error<T, S>(s: S) -> impl futures::Stream<Item = Result<T, Error>>
where
    S: futures::Stream<Item = Result<T, Error>>,
{
    s.scan(false, |failed, item| {
        let out = if *failed {
            None
        } else {
            *failed = item.is_err();
            Some(item)
        };
        futures::future::ready(out)
    })
}

/// A log function over a long range: one request per date window, paged in order.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is streamed"]
pub struct Windowed<T> {
    client: GraphClient,
    requests: Vec<Prepared>,
    _rows: std::marker::PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned + Send + 'static> Windowed<T> {
    /// The windows' requests, in order.
    pub fn new(client: GraphClient, requests: Vec<Prepared>) -> Self {
        Self {
            client,
            requests,
            _rows: std::marker::PhantomData,
        }
    }

    /// The request of each window, in order (e.g. to log or checkpoint them).
    pub fn requests(&self) -> &[Prepared] {
        &self.requests
    }

    /// Paths of each window's first request, relative to the version root.
    pub fn url_paths(&self) -> Vec<String> {
        self.requests
            .iter()
            .map(|r| r.path_and_query.clone())
            .collect()
    }

    /// Every page of every window, windows in order.
    pub fn stream_pages(self) -> PageStream<T> {
        let Windowed {
            client, requests, ..
        } = self;
        let pages =
            stream::iter(requests).flat_map(move |p| stream_pages::<T>(client.clone(), Ok(p)));
        // A failed window must end the whole stream: going on with the next window would
        // leave a silent gap for a consumer that skips errors.
        end_after_first_error(pages).boxed()
    }

    /// Every row of every window, in order, each once.
    pub fn stream_items(self) -> ItemStream<T> {
        self.stream_pages()
            .map_ok(|page| stream::iter(page.value.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let items = collect_nested(pages, "get callRecord", "sessions", 2)
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
        let err = collect_nested(pages, "get callRecord", "sessions", 2)
            .await
            .expect_err("a next link remains after the limit");
        assert!(matches!(
            &err,
            Error::TooManyNestedPages { navigation, pages: 2, .. } if navigation == "sessions"
        ));
        assert!(
            err.to_string().contains("sessions has more than 2 pages"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_failed_window_ends_the_stream() {
        let items = vec![
            Ok(1),
            Err(Error::Argument(ArgumentError::new("w", "boom"))),
            Ok(2),
        ];
        let out: Vec<_> = end_after_first_error(stream::iter(items)).collect().await;
        assert_eq!(out.len(), 2);
        assert!(matches!(out[0], Ok(1)));
        assert!(out[1].is_err());
    }
}
