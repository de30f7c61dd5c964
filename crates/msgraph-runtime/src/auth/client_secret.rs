//! Client credentials flow with a client secret.

use std::fmt;

use futures::future::BoxFuture;
use url::Url;

use super::token_endpoint::{http_client, request_token, token_url};
use super::{AccessToken, Secret, TokenCredential};
use crate::{Cloud, Error};

/// App-only credential: tenant, application (client) id and client secret.
///
/// Tokens are not cached here; [`crate::GraphClient`] wraps every credential
/// in a [`super::TokenCache`].
#[derive(Clone)]
pub struct ClientSecretCredential {
    tenant: String,
    client_id: String,
    secret: Secret,
    authority: Url,
    http: reqwest::Client,
}

impl ClientSecretCredential {
    /// A credential for the global cloud.
    pub fn new(
        tenant: impl Into<String>,
        client_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        ClientSecretCredential {
            tenant: tenant.into(),
            client_id: client_id.into(),
            secret: Secret::new(secret),
            authority: Cloud::Global.authority_host(),
            http: http_client(),
        }
    }

    /// Use the authority host of `cloud`.
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.authority = cloud.authority_host();
        self
    }

    /// Use a custom authority host (e.g. an emulator at `http://127.0.0.1:PORT`;
    /// http is accepted for loopback hosts only).
    pub fn authority_host(mut self, authority: Url) -> Self {
        self.authority = authority;
        self
    }

    async fn fetch(&self, scopes: &[&str]) -> Result<AccessToken, Error> {
        let url = token_url(&self.authority, &self.tenant)?;
        let scope = scopes.join(" ");
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.secret.expose()),
            ("scope", scope.as_str()),
        ];
        request_token(&self.http, &url, &form).await
    }
}

impl fmt::Debug for ClientSecretCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSecretCredential")
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("secret", &self.secret)
            .field("authority", &self.authority.as_str())
            .finish()
    }
}

impl TokenCredential for ClientSecretCredential {
    fn get_token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(self.fetch(scopes))
    }
}
