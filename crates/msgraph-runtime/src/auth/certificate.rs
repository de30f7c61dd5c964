//! Client credentials flow with a certificate (signed JWT client assertion).

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use futures::future::BoxFuture;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use sha1::{Digest, Sha1};
use url::Url;

use super::pem::parse_blocks;
use super::token_endpoint::{auth_local, http_client, request_token, token_url};
use super::{AccessToken, TokenCredential};
use crate::{Cloud, Error};

/// How long a client assertion is valid; Entra accepts up to 10 minutes.
const ASSERTION_LIFETIME_SECS: u64 = 600;

/// App-only credential with a certificate: the client proves itself with an
/// RS256 JWT whose header carries `x5t` = base64url(SHA-1 of the cert DER).
#[derive(Clone)]
pub struct ClientCertificateCredential {
    tenant: String,
    client_id: String,
    key: Arc<EncodingKey>,
    x5t: String,
    authority: Url,
    http: reqwest::Client,
}

#[derive(Serialize)]
struct Claims<'a> {
    aud: &'a str,
    iss: &'a str,
    sub: &'a str,
    jti: String,
    nbf: u64,
    iat: u64,
    exp: u64,
}

impl ClientCertificateCredential {
    /// Build from PEM text: `cert_pem` holds the certificate (the first
    /// `CERTIFICATE` block is used), `key_pem` an unencrypted RSA key
    /// (`PRIVATE KEY` or `RSA PRIVATE KEY`). The same combined PEM file may be
    /// passed as both.
    pub fn from_pem(
        tenant: impl Into<String>,
        client_id: impl Into<String>,
        cert_pem: &str,
        key_pem: &str,
    ) -> Result<Self, Error> {
        let bad = |m: String| Error::Config(format!("client certificate: {m}"));
        let cert = parse_blocks(cert_pem)
            .map_err(bad)?
            .into_iter()
            .find(|b| b.label == "CERTIFICATE")
            .ok_or_else(|| {
                bad(
                    "no CERTIFICATE block in the certificate PEM (PKCS#12/.pfx files are not \
                     supported: convert with `openssl pkcs12 -in app.pfx -out app.pem -nodes`)"
                        .into(),
                )
            })?;
        let blocks = parse_blocks(key_pem).map_err(bad)?;
        if blocks.iter().any(|b| b.label == "ENCRYPTED PRIVATE KEY") {
            return Err(bad(
                "the private key is encrypted; decrypt it first (openssl pkey -in key.pem -out plain.pem)".into(),
            ));
        }
        let key_block = blocks
            .into_iter()
            .find(|b| b.label == "PRIVATE KEY" || b.label == "RSA PRIVATE KEY")
            .ok_or_else(|| bad("no PRIVATE KEY or RSA PRIVATE KEY block in the key PEM".into()))?;
        let key = EncodingKey::from_rsa_pem(key_block.text.as_bytes())
            .map_err(|e| bad(format!("the private key is not a usable RSA key: {e}")))?;
        let x5t = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha1::digest(&cert.der));
        Ok(ClientCertificateCredential {
            tenant: tenant.into(),
            client_id: client_id.into(),
            key: Arc::new(key),
            x5t,
            authority: Cloud::Global.authority_host(),
            http: http_client(),
        })
    }

    /// Read a PEM file holding both the certificate and the key.
    pub fn from_pem_file(
        tenant: impl Into<String>,
        client_id: impl Into<String>,
        path: impl AsRef<std::path::Path>,
    ) -> Result<Self, Error> {
        let path = path.as_ref();
        let pem = std::fs::read_to_string(path).map_err(|e| {
            Error::Config(format!(
                "cannot read certificate file {}: {e}",
                path.display()
            ))
        })?;
        Self::from_pem(tenant, client_id, &pem, &pem)
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

    /// The certificate thumbprint as sent in the JWT header (`x5t`).
    pub fn thumbprint(&self) -> &str {
        &self.x5t
    }

    fn assertion(&self, audience: &str) -> Result<String, Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let mut header = Header::new(Algorithm::RS256);
        header.x5t = Some(self.x5t.clone());
        let claims = Claims {
            aud: audience,
            iss: &self.client_id,
            sub: &self.client_id,
            jti: uuid::Uuid::new_v4().to_string(),
            nbf: now,
            iat: now,
            exp: now + ASSERTION_LIFETIME_SECS,
        };
        jsonwebtoken::encode(&header, &claims, &self.key).map_err(|e| {
            auth_local(
                "client_assertion_failed",
                format!("signing the client assertion: {e}"),
            )
        })
    }

    async fn fetch(&self, scopes: &[&str]) -> Result<AccessToken, Error> {
        let url = token_url(&self.authority, &self.tenant)?;
        let assertion = self.assertion(url.as_str())?;
        let scope = scopes.join(" ");
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion.as_str()),
            ("scope", scope.as_str()),
        ];
        request_token(&self.http, &url, &form).await
    }
}

impl fmt::Debug for ClientCertificateCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCertificateCredential")
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("x5t", &self.x5t)
            .field("key", &"<redacted>")
            .field("authority", &self.authority.as_str())
            .finish()
    }
}

impl TokenCredential for ClientCertificateCredential {
    fn get_token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        Box::pin(self.fetch(scopes))
    }
}
