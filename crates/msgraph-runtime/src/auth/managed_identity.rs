//! Managed identity: tokens from the Azure host itself, through the VM's
//! Instance Metadata Service (IMDS) or the App Service / Functions /
//! Container Apps identity endpoint.

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use url::{Host, Url};

use super::environment::Lookup;
use super::token_endpoint::{http_client_builder, send_token_request};
use super::{AccessToken, Secret, TokenCredential};
use crate::security::is_loopback;
use crate::Error;

/// The IMDS token endpoint of every Azure VM (link-local, plain http by design).
pub const IMDS_ENDPOINT: &str = "http://169.254.169.254/metadata/identity/oauth2/token";
/// The token path under an IMDS host (used with `AZURE_POD_IDENTITY_AUTHORITY_HOST`).
const IMDS_PATH: &str = "/metadata/identity/oauth2/token";
const IMDS_API_VERSION: &str = "2018-02-01";
const APP_SERVICE_API_VERSION: &str = "2019-08-01";

/// The error category of a managed identity endpoint that does not answer:
/// not retried, and [`super::DefaultCredential`] moves past it.
pub(crate) const UNAVAILABLE: &str = "managed_identity_unavailable";

/// Both endpoints are on the host: one that takes longer than this to
/// accept a connection is not there (e.g. IMDS off Azure).
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// Which managed identity to ask for.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum ManagedIdentityId {
    /// The identity of the resource itself.
    #[default]
    SystemAssigned,
    /// A user-assigned identity by its client (application) id.
    ClientId(String),
    /// A user-assigned identity by its object (principal) id.
    ObjectId(String),
    /// A user-assigned identity by its Azure resource id
    /// (`/subscriptions/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/…`).
    ResourceId(String),
}

/// The endpoint a [`ManagedIdentityCredential`] asks.
#[derive(Clone)]
enum Source {
    /// `GET {endpoint}?api-version=2018-02-01&resource=…` with `Metadata: true`.
    Imds { endpoint: Url },
    /// `GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=…` with
    /// `X-IDENTITY-HEADER: {IDENTITY_HEADER}`.
    AppService { endpoint: Url, header: Secret },
}

/// App-only credential for code running in Azure with a managed identity:
/// a VM or scale set (IMDS), App Service, Functions or Container Apps (the
/// `IDENTITY_ENDPOINT` / `IDENTITY_HEADER` endpoint). No secret to manage.
///
/// Grant the identity's service principal the Graph application permission
/// (`CallRecords.Read.All`) with PowerShell or the Graph API; the portal has no
/// button for managed identities.
///
/// Exactly one scope per request (these endpoints take a v1 `resource`; the
/// `/.default` suffix is dropped). Endpoint failures are [`Error::Auth`]; an
/// endpoint that cannot be reached has the category
/// `managed_identity_unavailable` and is not retried.
#[derive(Clone)]
pub struct ManagedIdentityCredential {
    source: Source,
    id: ManagedIdentityId,
    http: reqwest::Client,
}

impl ManagedIdentityCredential {
    /// The system-assigned identity through the VM's IMDS endpoint ([`IMDS_ENDPOINT`]).
    pub fn imds() -> Self {
        Self::with_source(Source::Imds {
            endpoint: fixed_url(IMDS_ENDPOINT),
        })
    }

    /// The system-assigned identity through an App Service / Functions /
    /// Container Apps endpoint: the values of `IDENTITY_ENDPOINT` and `IDENTITY_HEADER`.
    pub fn app_service(endpoint: Url, identity_header: impl Into<String>) -> Self {
        Self::with_source(Source::AppService {
            endpoint,
            header: Secret::new(identity_header),
        })
    }

    /// From the environment: the App Service endpoint when `IDENTITY_ENDPOINT`
    /// and `IDENTITY_HEADER` are set, else IMDS (at
    /// `AZURE_POD_IDENTITY_AUTHORITY_HOST` when that is set). System-assigned;
    /// see [`Self::user_assigned`].
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Self::from_env`] with any variable source.
    ///
    /// Azure Arc and Service Fabric also set `IDENTITY_ENDPOINT` but speak other
    /// protocols; they are refused with an error that says so.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let vars = Lookup(&lookup);
        if let Some(endpoint) = vars.get("IDENTITY_ENDPOINT") {
            if vars.get("IDENTITY_SERVER_THUMBPRINT").is_some() {
                return Err(Error::Config(
                    "IDENTITY_SERVER_THUMBPRINT is set: Service Fabric managed identity is not supported"
                        .into(),
                ));
            }
            let Some(header) = vars.get("IDENTITY_HEADER") else {
                return Err(Error::Config(format!(
                    "IDENTITY_ENDPOINT is set but IDENTITY_HEADER is not{}; only the App Service \
                     (IDENTITY_ENDPOINT + IDENTITY_HEADER) and IMDS endpoints are supported",
                    if vars.get("IMDS_ENDPOINT").is_some() {
                        " (IMDS_ENDPOINT suggests Azure Arc, which is not supported)"
                    } else {
                        ""
                    }
                )));
            };
            let endpoint = Url::parse(&endpoint).map_err(|e| {
                Error::Config(format!("IDENTITY_ENDPOINT {endpoint:?} is not a URL: {e}"))
            })?;
            return Ok(Self::app_service(endpoint, header));
        }
        let mut credential = Self::imds();
        if let Some(host) = vars.get("AZURE_POD_IDENTITY_AUTHORITY_HOST") {
            let endpoint = Url::parse(&format!("{}{IMDS_PATH}", host.trim_end_matches('/')))
                .map_err(|e| {
                    Error::Config(format!(
                        "AZURE_POD_IDENTITY_AUTHORITY_HOST {host:?} is not a URL: {e}"
                    ))
                })?;
            credential = credential.endpoint(endpoint);
        }
        Ok(credential)
    }

    fn with_source(source: Source) -> Self {
        ManagedIdentityCredential {
            source,
            id: ManagedIdentityId::SystemAssigned,
            http: http(DEFAULT_CONNECT_TIMEOUT),
        }
    }

    /// Ask for a user-assigned identity instead of the system-assigned one.
    pub fn user_assigned(mut self, id: ManagedIdentityId) -> Self {
        self.id = id;
        self
    }

    /// Send token requests to `endpoint` instead (e.g. a test fake on
    /// 127.0.0.1). It must be https, or http to a loopback or link-local host.
    pub fn endpoint(mut self, endpoint: Url) -> Self {
        match &mut self.source {
            Source::Imds { endpoint: e } | Source::AppService { endpoint: e, .. } => *e = endpoint,
        }
        self
    }

    /// How long to wait for the endpoint to accept a connection (default 2 s)
    /// before calling it unavailable.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.http = http(timeout);
        self
    }

    /// The token endpoint this credential asks.
    pub fn endpoint_url(&self) -> &Url {
        match &self.source {
            Source::Imds { endpoint } | Source::AppService { endpoint, .. } => endpoint,
        }
    }

    /// `IMDS` or `App Service`, for messages.
    fn kind(&self) -> &'static str {
        match self.source {
            Source::Imds { .. } => "IMDS",
            Source::AppService { .. } => "App Service",
        }
    }

    async fn fetch(&self, scopes: &[&str]) -> Result<AccessToken, Error> {
        let resource = scope_to_resource(scopes)?;
        let endpoint = self.endpoint_url();
        check_endpoint(endpoint)?;
        let (api_version, object_id_param, resource_id_param) = match self.source {
            Source::Imds { .. } => (IMDS_API_VERSION, "object_id", "msi_res_id"),
            Source::AppService { .. } => (APP_SERVICE_API_VERSION, "principal_id", "mi_res_id"),
        };
        let mut url = endpoint.clone();
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("api-version", api_version);
            query.append_pair("resource", resource);
            match &self.id {
                ManagedIdentityId::SystemAssigned => {}
                ManagedIdentityId::ClientId(v) => {
                    query.append_pair("client_id", v);
                }
                ManagedIdentityId::ObjectId(v) => {
                    query.append_pair(object_id_param, v);
                }
                ManagedIdentityId::ResourceId(v) => {
                    query.append_pair(resource_id_param, v);
                }
            }
        }
        let request = self
            .http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json");
        let request = match &self.source {
            Source::Imds { .. } => request.header("Metadata", "true"),
            Source::AppService { header, .. } => {
                request.header("X-IDENTITY-HEADER", header.expose())
            }
        };
        // The query names the identity, never a secret; keep it out anyway.
        let what = format!("{} managed identity endpoint GET {endpoint}", self.kind());
        send_token_request(request, &what, UNAVAILABLE).await
    }
}

/// A client for on-host endpoints: never through a proxy (the address is
/// the host's own), bounded connect time.
fn http(connect_timeout: Duration) -> reqwest::Client {
    http_client_builder()
        .no_proxy()
        .connect_timeout(connect_timeout)
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

fn fixed_url(s: &str) -> Url {
    Url::parse(s).unwrap_or_else(|e| unreachable!("constant URL {s}: {e}"))
}

/// The v1 `resource` of a single v2 scope: `https://graph.microsoft.com/.default`
/// → `https://graph.microsoft.com`.
fn scope_to_resource<'a>(scopes: &[&'a str]) -> Result<&'a str, Error> {
    match scopes {
        [scope] => Ok(scope.strip_suffix("/.default").unwrap_or(scope)),
        _ => Err(Error::Config(format!(
            "a managed identity token is for exactly one resource, got {} scopes {scopes:?}",
            scopes.len()
        ))),
    }
}

/// https, or http to the host itself (loopback) or IMDS's link-local address:
/// the identity header must not cross a network in clear text.
fn check_endpoint(url: &Url) -> Result<(), Error> {
    let local =
        is_loopback(url) || matches!(url.host(), Some(Host::Ipv4(ip)) if ip.is_link_local());
    match url.scheme() {
        "https" => Ok(()),
        "http" if local => Ok(()),
        _ => Err(Error::Config(format!(
            "managed identity endpoint {url} must be https, or http to a loopback or link-local address"
        ))),
    }
}

impl fmt::Debug for ManagedIdentityCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ManagedIdentityCredential");
        d.field("kind", &self.kind())
            .field("endpoint", &self.endpoint_url().as_str())
            .field("id", &self.id);
        if let Source::AppService { header, .. } = &self.source {
            d.field("identity_header", header);
        }
        d.finish()
    }
}

impl TokenCredential for ManagedIdentityCredential {
    fn get_token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(self.fetch(scopes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<ManagedIdentityCredential, Error> {
        let m: HashMap<&str, &str> = vars.iter().copied().collect();
        ManagedIdentityCredential::from_lookup(|k| m.get(k).map(|v| v.to_string()))
    }

    #[test]
    fn picks_the_endpoint_from_the_environment() {
        let c = from(&[]).unwrap();
        assert_eq!(c.kind(), "IMDS");
        assert_eq!(c.endpoint_url().as_str(), IMDS_ENDPOINT);
        let c = from(&[("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:9/")]).unwrap();
        assert_eq!(
            c.endpoint_url().as_str(),
            "http://127.0.0.1:9/metadata/identity/oauth2/token"
        );
        let c = from(&[
            ("IDENTITY_ENDPOINT", "http://127.0.0.1:41741/MSI/token/"),
            ("IDENTITY_HEADER", "header-secret-value"),
        ])
        .unwrap();
        assert_eq!(c.kind(), "App Service");
        assert!(!format!("{c:?}").contains("header-secret-value"));

        let e = from(&[
            (
                "IDENTITY_ENDPOINT",
                "http://127.0.0.1:40342/metadata/identity/oauth2/token",
            ),
            ("IMDS_ENDPOINT", "http://127.0.0.1:40342"),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("Azure Arc"), "{e}");
        let e = from(&[
            (
                "IDENTITY_ENDPOINT",
                "https://127.0.0.1:2377/metadata/identity/oauth2/token",
            ),
            ("IDENTITY_HEADER", "h"),
            ("IDENTITY_SERVER_THUMBPRINT", "ab"),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("Service Fabric"), "{e}");
        let e = from(&[("IDENTITY_ENDPOINT", "::"), ("IDENTITY_HEADER", "h")]).unwrap_err();
        assert!(e.to_string().contains("IDENTITY_ENDPOINT"), "{e}");
    }

    #[test]
    fn one_scope_becomes_the_resource() {
        assert_eq!(
            scope_to_resource(&["https://graph.microsoft.com/.default"]).unwrap(),
            "https://graph.microsoft.com"
        );
        assert_eq!(scope_to_resource(&["api://x"]).unwrap(), "api://x");
        assert!(scope_to_resource(&[]).is_err());
        assert!(scope_to_resource(&["a/.default", "b/.default"]).is_err());
    }

    #[test]
    fn endpoint_must_be_local_or_https() {
        for ok in [
            IMDS_ENDPOINT,
            "http://127.0.0.1:41741/MSI/token/",
            "http://localhost:42356/msi/token",
            "https://identity.example/token",
        ] {
            assert!(check_endpoint(&Url::parse(ok).unwrap()).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.4/token",
            "http://identity.example/token",
            "ftp://127.0.0.1/",
        ] {
            assert!(check_endpoint(&Url::parse(bad).unwrap()).is_err(), "{bad}");
        }
    }
}
