//! Workload identity federation: a token file from the platform (AKS, GitHub
//! Actions, any OIDC issuer the app trusts) is the client assertion.

use std::fmt;
use std::path::{Path, PathBuf};

use futures::future::BoxFuture;
use url::Url;

use super::environment::Lookup;
use super::token_endpoint::{auth_local, http_client, request_token, token_url};
use super::{AccessToken, TokenCredential};
use crate::{Cloud, Error};

/// The grant's `client_assertion_type`: the assertion is a JWT.
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// App-only credential for workload identity federation: the client
/// credentials flow with the contents of a token file as the client
/// assertion (the JWT an OIDC issuer trusted by the app registration
/// wrote there, e.g. the AKS service account token).
///
/// The file is read again for every token request, because the platform
/// rotates it (AKS: about hourly) and a cached assertion expires.
#[derive(Clone)]
pub struct WorkloadIdentityCredential {
    tenant: String,
    client_id: String,
    token_file: PathBuf,
    authority: Url,
    http: reqwest::Client,
}

impl WorkloadIdentityCredential {
    /// A credential for the global cloud reading its assertion from `token_file`.
    pub fn new(
        tenant: impl Into<String>,
        client_id: impl Into<String>,
        token_file: impl Into<PathBuf>,
    ) -> Self {
        WorkloadIdentityCredential {
            tenant: tenant.into(),
            client_id: client_id.into(),
            token_file: token_file.into(),
            authority: Cloud::Global.authority_host(),
            http: http_client(),
        }
    }

    /// Build from the variables the AKS workload identity webhook sets:
    /// `AZURE_FEDERATED_TOKEN_FILE`, `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`
    /// and optional `AZURE_AUTHORITY_HOST`.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Build from any variable source (the names of [`Self::from_env`]).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let vars = Lookup(&lookup);
        let file = vars.need("AZURE_FEDERATED_TOKEN_FILE")?;
        let tenant = vars.need("AZURE_TENANT_ID")?;
        let client_id = vars.need("AZURE_CLIENT_ID")?;
        let mut credential = Self::new(tenant, client_id, file);
        if let Some(authority) = vars.authority_host()? {
            credential = credential.authority_host(authority);
        }
        Ok(credential)
    }

    /// Use the authority host of `cloud`.
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.authority = cloud.authority_host();
        self
    }

    /// Use a custom authority host (http only for loopback hosts).
    pub fn authority_host(mut self, authority: Url) -> Self {
        self.authority = authority;
        self
    }

    /// The file the client assertion is read from.
    pub fn token_file(&self) -> &Path {
        &self.token_file
    }

    async fn assertion(&self) -> Result<String, Error> {
        let text = tokio::fs::read_to_string(&self.token_file)
            .await
            .map_err(|e| {
                auth_local(
                    "federated_token_unreadable",
                    format!(
                        "cannot read the federated token file {} (AZURE_FEDERATED_TOKEN_FILE): {e}",
                        self.token_file.display()
                    ),
                )
            })?;
        let assertion = text.trim();
        if assertion.is_empty() {
            return Err(auth_local(
                "federated_token_unreadable",
                format!(
                    "the federated token file {} is empty",
                    self.token_file.display()
                ),
            ));
        }
        Ok(assertion.to_string())
    }

    async fn fetch(&self, scopes: &[&str]) -> Result<AccessToken, Error> {
        let url = token_url(&self.authority, &self.tenant)?;
        let assertion = self.assertion().await?;
        let scope = scopes.join(" ");
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion.as_str()),
            ("scope", scope.as_str()),
        ];
        request_token(&self.http, &url, &form).await
    }
}

impl fmt::Debug for WorkloadIdentityCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkloadIdentityCredential")
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("token_file", &self.token_file)
            .field("authority", &self.authority.as_str())
            .finish()
    }
}

impl TokenCredential for WorkloadIdentityCredential {
    fn get_token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(self.fetch(scopes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<WorkloadIdentityCredential, Error> {
        let m: HashMap<&str, &str> = vars.iter().copied().collect();
        WorkloadIdentityCredential::from_lookup(|k| m.get(k).map(|v| v.to_string()))
    }

    #[test]
    fn needs_file_tenant_and_client() {
        let e = from(&[("AZURE_TENANT_ID", "t"), ("AZURE_CLIENT_ID", "c")]).unwrap_err();
        assert!(e.to_string().contains("AZURE_FEDERATED_TOKEN_FILE"), "{e}");
        let e = from(&[
            ("AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"),
            ("AZURE_CLIENT_ID", "c"),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("AZURE_TENANT_ID"), "{e}");
        let e = from(&[
            ("AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"),
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
            ("AZURE_AUTHORITY_HOST", "not a url"),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("AZURE_AUTHORITY_HOST"), "{e}");
        let c = from(&[
            ("AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"),
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
        ])
        .unwrap();
        assert_eq!(c.token_file(), Path::new("/var/run/token"));
    }
}
