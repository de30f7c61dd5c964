//! [`Client`]: the one entry point of the SDK.

use msgraph_runtime::GraphClient;

use crate::raw::RawRequest;

/// A Microsoft Graph call records client: the entry point of every request, with no trait to
/// import. Cheap to clone (one connection pool and token cache, shared).
///
/// It wraps the runtime's [`GraphClient`] (auth, retry, paging), which is still there for
/// what this crate does not cover ([`Client::graph_client`]).
///
/// ```no_run
/// # fn f() -> Result<(), msgraph_callrecords::Error> {
/// use msgraph_callrecords::{Client, GraphClient};
/// use msgraph_callrecords::runtime::EnvironmentCredential;
///
/// let client = Client::new(
///     GraphClient::builder()
///         .credential(EnvironmentCredential::from_env()?)
///         .build()?,
/// );
/// let records = client.communications().call_records();
/// # let _ = records; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    graph: GraphClient,
}

impl Client {
    /// A client sending its requests with `graph` (its credential, cloud, retry policy).
    pub fn new(graph: GraphClient) -> Self {
        Self { graph }
    }

    /// The runtime client underneath.
    pub fn graph_client(&self) -> &GraphClient {
        &self.graph
    }

    /// `/communications` in v1.0 (shorthand for `client.v1().communications()`).
    pub fn communications(&self) -> crate::v1::CommunicationsRequestBuilder {
        self.v1().communications()
    }

    /// The v1.0 URL space (sent to `/v1.0` whatever version the runtime client was built for).
    pub fn v1(&self) -> crate::v1::GraphServiceRequestBuilder {
        crate::v1::GraphServiceRequestBuilder::new(&self.graph)
    }

    /// The beta URL space (sent to `/beta` whatever version the runtime client was built
    /// for): `client.beta().communications()`.
    #[cfg(feature = "beta")]
    #[cfg_attr(docsrs, doc(cfg(feature = "beta")))]
    pub fn beta(&self) -> crate::beta::GraphServiceRequestBuilder {
        crate::beta::GraphServiceRequestBuilder::new(&self.graph)
    }

    /// A `GET` of anything the generated builders do not cover: a path relative to the
    /// runtime client's version root (`/communications/callRecords?$top=1`), or an absolute
    /// link on its Graph host (a saved `@odata.nextLink`, a `beta` URL). Sent with the same
    /// auth, retry policy and error handling; decoded into any `DeserializeOwned` type.
    ///
    /// ```no_run
    /// # async fn f(client: msgraph_callrecords::Client) -> Result<(), msgraph_callrecords::Error> {
    /// let me: serde_json::Value = client.get("/communications/callRecords?$top=1").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn get(&self, path_or_link: impl Into<String>) -> RawRequest {
        RawRequest::new(self.graph.clone(), path_or_link.into())
    }
}

impl From<GraphClient> for Client {
    fn from(graph: GraphClient) -> Self {
        Self::new(graph)
    }
}
