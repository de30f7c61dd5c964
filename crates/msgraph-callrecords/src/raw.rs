//! [`RawRequest`]: a `GET` of any Graph path or link, the escape hatch for what the generated
//! builders do not cover.

use std::time::Duration;

use msgraph_runtime::header::{HeaderName, HeaderValue};
use msgraph_runtime::{Error, GraphClient, RequestOptions};
use serde::de::DeserializeOwned;

use crate::support::{ItemStream, PageStream, ResumeToken};

/// A `GET` of a path under the client's version root or of a link on its Graph host, made
/// by [`Client::get`](crate::Client::get). Nothing is checked until it is sent: a path that
/// does not start with `/`, or a link to another host, is the error of `send` (or the only
/// item of a stream).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct RawRequest {
    client: GraphClient,
    target: String,
    options: RequestOptions,
}

impl RawRequest {
    pub(crate) fn new(client: GraphClient, target: String) -> Self {
        Self {
            client,
            target,
            options: RequestOptions::default(),
        }
    }

    /// The path or link as given.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Per-request options (replace every option set before).
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// One more request header (see [`RequestOptions::header`]).
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.options = self.options.header(name, value);
        self
    }

    /// One more `Prefer` preference.
    pub fn prefer(mut self, preference: impl Into<String>) -> Self {
        self.options = self.options.prefer(preference);
        self
    }

    /// `Prefer: odata.maxpagesize=n` (not checked: no documented limit is known here).
    pub fn max_page_size(mut self, n: u32) -> Self {
        self.options = self.options.max_page_size(n);
        self
    }

    /// The `client-request-id` of every attempt.
    pub fn client_request_id(mut self, id: impl Into<String>) -> Self {
        self.options = self.options.client_request_id(id);
        self
    }

    /// Timeout of each attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options = self.options.timeout(timeout);
        self
    }

    /// Sends the request and decodes the body into `T` (a `Page<_>` for one page of a
    /// collection, `serde_json::Value` for anything).
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        let url = self.client.resolve(&self.target)?;
        self.client.get_json_url(&url, &self.options).await
    }

    /// Every page of the collection at the target, following `@odata.nextLink`.
    pub fn stream_pages<T: DeserializeOwned + Send + 'static>(self) -> PageStream<T> {
        match self.client.resolve(&self.target) {
            Ok(url) => PageStream::new(self.client, self.options, ResumeToken::from_link(url)),
            Err(e) => PageStream::failed(self.client, e),
        }
    }

    /// Every item of every page.
    pub fn stream_items<T: DeserializeOwned + Send + 'static>(self) -> ItemStream<T> {
        self.stream_pages().items()
    }

    /// The pages from `token` on, with this request's options (the target is not used).
    pub fn stream_pages_from<T: DeserializeOwned + Send + 'static>(
        self,
        token: ResumeToken,
    ) -> PageStream<T> {
        PageStream::new(self.client, self.options, token)
    }

    /// The items from `token` on, with this request's options (the target is not used).
    pub fn stream_items_from<T: DeserializeOwned + Send + 'static>(
        self,
        token: ResumeToken,
    ) -> ItemStream<T> {
        self.stream_pages_from(token).items()
    }
}
