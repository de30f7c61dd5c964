//! Hand-written Microsoft Graph client runtime: auth, retry, paging, errors, clouds.
//!
//! It knows nothing of any particular Graph namespace; generated request
//! builders call [`GraphClient::get_json`] and [`GraphClient::pager_from_link`],
//! with per-request [`RequestOptions`], and report the one [`Error`] (which
//! also carries their argument errors, [`Error::Argument`]).
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use msgraph_runtime::{ClientSecretCredential, GraphClient, RequestOptions};
//!
//! # async fn run() -> Result<(), msgraph_runtime::Error> {
//! let credential = ClientSecretCredential::new("contoso.onmicrosoft.com", "app-id", "secret");
//! let client = GraphClient::builder().credential(credential).build()?;
//! let opts = RequestOptions::with_max_page_size(60);
//! let mut records = client
//!     .pager::<serde_json::Value>("/communications/callRecords", &opts)
//!     .items();
//! while let Some(record) = records.try_next().await? {
//!     println!("{}", record["id"]);
//! }
//! # Ok(()) }
//! ```
//!
//! # Auth setup
//!
//! Call records are read with **application** permissions
//! (`CallRecords.Read.All`; the PSTN and Direct Routing logs also use it), so
//! the client uses the OAuth 2.0 client-credentials flow with the scope
//! `{graph host}/.default`:
//!
//! 1. Register an application in Microsoft Entra ID (in the portal of your
//!    cloud, see *Clouds*), note the tenant id and the application (client) id.
//! 2. Add the Microsoft Graph application permission `CallRecords.Read.All`
//!    and grant admin consent.
//! 3. Add a client secret *or* upload a certificate (preferred in production).
//!
//! With a client secret:
//!
//! ```no_run
//! # fn f() -> Result<(), msgraph_runtime::Error> {
//! use msgraph_runtime::{ClientSecretCredential, GraphClient};
//! let cred = ClientSecretCredential::new("TENANT-ID", "CLIENT-ID", std::env::var("SECRET").unwrap_or_default());
//! let client = GraphClient::builder().credential(cred).build()?;
//! # Ok(()) }
//! ```
//!
//! With a certificate (PEM: certificate and unencrypted RSA key; the client
//! signs an RS256 JWT assertion whose `x5t` is the certificate's SHA-1
//! thumbprint):
//!
//! ```no_run
//! # fn f() -> Result<(), msgraph_runtime::Error> {
//! use msgraph_runtime::{ClientCertificateCredential, GraphClient};
//! let cred = ClientCertificateCredential::from_pem_file("TENANT-ID", "CLIENT-ID", "app.pem")?;
//! // or ClientCertificateCredential::from_pem(tenant, client_id, &cert_pem, &key_pem)?
//! let client = GraphClient::builder().credential(cred).build()?;
//! # Ok(()) }
//! ```
//!
//! From the environment (`AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, and
//! `AZURE_CLIENT_SECRET` or `AZURE_CLIENT_CERTIFICATE_PATH`; optional
//! `AZURE_AUTHORITY_HOST`):
//!
//! ```no_run
//! # fn f() -> Result<(), msgraph_runtime::Error> {
//! use msgraph_runtime::{EnvironmentCredential, GraphClient};
//! let client = GraphClient::builder().credential(EnvironmentCredential::from_env()?).build()?;
//! # Ok(()) }
//! ```
//!
//! In Azure, without a secret: [`ManagedIdentityCredential`] (VMs through
//! IMDS; App Service, Functions and Container Apps through
//! `IDENTITY_ENDPOINT`/`IDENTITY_HEADER`; system- or user-assigned) and
//! [`WorkloadIdentityCredential`] (AKS or CI with
//! `AZURE_FEDERATED_TOKEN_FILE`; the file is re-read for every token).
//! [`DefaultCredential`] tries environment → workload identity → managed
//! identity and, when none works, says what each step tried:
//!
//! ```no_run
//! # fn f() -> Result<(), msgraph_runtime::Error> {
//! use msgraph_runtime::{DefaultCredential, GraphClient, ManagedIdentityCredential, ManagedIdentityId};
//! let client = GraphClient::builder().credential(DefaultCredential::from_env()).build()?;
//! // or one source explicitly, e.g. a user-assigned identity:
//! let mi = ManagedIdentityCredential::from_env()?
//!     .user_assigned(ManagedIdentityId::ClientId("CLIENT-ID".into()));
//! let client = GraphClient::builder().credential(mi).build()?;
//! # Ok(()) }
//! ```
//!
//! Tokens are cached by the client and refreshed about 5 minutes before they
//! expire; concurrent requests share one refresh. Token endpoint failures
//! surface as [`Error::Auth`] with the `AADSTS…` code (e.g. `AADSTS7000215`
//! = wrong client secret). Secrets and tokens are redacted in `Debug`,
//! never part of error messages and never logged.
//!
//! # Clouds
//!
//! | [`Cloud`] | Graph host | token authority |
//! |---|---|---|
//! | `Global` (also M365 GCC) | `https://graph.microsoft.com` | `https://login.microsoftonline.com` |
//! | `UsGovL4` (GCC High) | `https://graph.microsoft.us` | `https://login.microsoftonline.us` |
//! | `UsGovL5Dod` (DoD) | `https://dod-graph.microsoft.us` | `https://login.microsoftonline.us` |
//! | `China` (21Vianet; no call records there) | `https://microsoftgraph.chinacloudapi.cn` | `https://login.chinacloudapi.cn` |
//!
//! Set the same cloud on the credential and on the client; tokens of one
//! cloud are not valid in another:
//!
//! ```no_run
//! # fn f() -> Result<(), msgraph_runtime::Error> {
//! use msgraph_runtime::{ClientSecretCredential, Cloud, GraphClient};
//! let cred = ClientSecretCredential::new("TENANT-ID", "CLIENT-ID", "secret").cloud(Cloud::UsGovL4);
//! let client = GraphClient::builder().cloud(Cloud::UsGovL4).credential(cred).build()?;
//! assert_eq!(client.base_url().as_str(), "https://graph.microsoft.us/v1.0");
//! # Ok(()) }
//! ```
//!
//! For a local emulator use `Cloud::Custom`, or `.base_url(url)` plus
//! `.allow_insecure_loopback(true)`; `http` is accepted only for 127.0.0.0/8,
//! `::1` and `localhost`, and only with that switch.
//!
//! # Behaviour
//!
//! * Retries ([`RetryPolicy`]): 429, 503, 504 and transport errors (connect,
//!   reset, timeout, truncated body) of GET requests; `Retry-After` in
//!   seconds (also fractional) or as an HTTP-date, else exponential backoff
//!   with full jitter; bounded by attempts and by total time. Token endpoint
//!   outages (429/5xx/unreachable) are retried the same way; a 401 from Graph
//!   drops the cached token and retries once with a fresh one.
//! * The bearer token is only sent to the configured Graph origin; next links
//!   to other hosts and redirects are errors, never followed.
//! * With a [`Governor`] ([`GraphClientBuilder::governor`]) every attempt,
//!   retries included, waits for a permit: bounded concurrency, the documented
//!   call-records limits per scope, a shared pause on `Retry-After`, AIMD.
//! * Every request carries a fresh `client-request-id` (or the one set in
//!   [`RequestOptions::client_request_id`]), `SdkVersion` and
//!   `Prefer: include-unknown-enum-members` (switchable), and runs in a
//!   `graph_request` tracing span (method, path, attempt, status, duration).
//!   [`RequestOptions`] add headers, `Prefer` values and a per-attempt timeout.

mod auth;
mod client;
mod cloud;
mod error;
pub mod governor;
mod pager;
mod retry;
mod security;

pub use auth::{
    AccessToken, ClientCertificateCredential, ClientSecretCredential, DefaultCredential,
    EnvironmentCredential, ManagedIdentityCredential, ManagedIdentityId, Secret,
    StaticTokenCredential, TokenCache, TokenCredential, WorkloadIdentityCredential, IMDS_ENDPOINT,
};
pub use client::{
    GraphClient, GraphClientBuilder, RequestOptions, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_USER_AGENT,
};
pub use cloud::{ApiVersion, Cloud};
pub use error::{parse_graph_error, ArgumentError, Error, ErrorDetail, GraphError, InnerError};
pub use governor::{Governor, GovernorConfig, GovernorStats, Limit, RateLimits};
pub use msgraph_odata::Page;
pub use pager::Pager;
pub use retry::{parse_retry_after, RetryPolicy};

/// Re-exported so callers can name header types in [`RequestOptions::headers`]
/// and status codes without depending on reqwest directly.
pub use reqwest::{header, StatusCode};

#[cfg(test)]
mod send_sync {
    use super::*;

    fn send_sync<T: Send + Sync + 'static>() {}
    fn send<T: Send + 'static>() {}

    /// Clients are shared across tasks; pagers and errors cross task boundaries.
    #[test]
    fn public_types_are_thread_safe() {
        send_sync::<GraphClient>();
        send_sync::<Error>();
        send_sync::<TokenCache>();
        send_sync::<ClientSecretCredential>();
        send_sync::<ClientCertificateCredential>();
        send_sync::<EnvironmentCredential>();
        send_sync::<WorkloadIdentityCredential>();
        send_sync::<ManagedIdentityCredential>();
        send_sync::<DefaultCredential>();
        send::<Pager<serde_json::Value>>();
    }
}
