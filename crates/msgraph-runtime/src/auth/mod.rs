//! Credentials: the [`TokenCredential`] trait, app-only credentials and the token cache.

mod cache;
mod certificate;
mod client_secret;
mod default;
mod environment;
mod managed_identity;
mod pem;
mod token_endpoint;
mod workload_identity;

use std::fmt;
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;

use crate::Error;

pub use cache::TokenCache;
pub use certificate::ClientCertificateCredential;
pub use client_secret::ClientSecretCredential;
pub use default::DefaultCredential;
pub use environment::EnvironmentCredential;
pub use managed_identity::{ManagedIdentityCredential, ManagedIdentityId, IMDS_ENDPOINT};
pub(crate) use token_endpoint::auth_local;
pub use workload_identity::WorkloadIdentityCredential;

/// A string that must never be printed: `Debug` and `Display` show `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; only for putting it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A bearer token and the moment it stops being valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessToken {
    /// The token (redacted in `Debug`).
    pub secret: Secret,
    /// Expiry instant as reported by the token endpoint.
    pub expires_at: SystemTime,
}

impl AccessToken {
    /// A token valid until `expires_at`.
    pub fn new(secret: impl Into<String>, expires_at: SystemTime) -> Self {
        AccessToken {
            secret: Secret::new(secret),
            expires_at,
        }
    }

    /// True when the token expires within `margin` from now (or already has).
    pub fn expires_within(&self, margin: Duration) -> bool {
        match self.expires_at.duration_since(SystemTime::now()) {
            Ok(left) => left <= margin,
            Err(_) => true,
        }
    }
}

/// Something that can produce bearer tokens for a set of scopes.
///
/// Implement it for custom token sources; the built-in ones are
/// [`StaticTokenCredential`], [`ClientSecretCredential`],
/// [`ClientCertificateCredential`], [`EnvironmentCredential`],
/// [`WorkloadIdentityCredential`], [`ManagedIdentityCredential`] and the
/// chain [`DefaultCredential`]. The
/// [`crate::GraphClient`] wraps every credential in a [`TokenCache`].
pub trait TokenCredential: Send + Sync {
    /// Get a token for `scopes` (for app-only Graph: `["https://graph.microsoft.com/.default"]`).
    fn get_token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>>;
}

impl<C: TokenCredential + ?Sized> TokenCredential for std::sync::Arc<C> {
    fn get_token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        (**self).get_token(scopes)
    }
}

/// A fixed token, e.g. one obtained elsewhere or a test token. It is returned
/// for any scope, with an expiry far in the future unless one is given.
#[derive(Clone, Debug)]
pub struct StaticTokenCredential {
    token: AccessToken,
}

impl StaticTokenCredential {
    /// A token that never expires as far as the cache is concerned.
    pub fn new(token: impl Into<String>) -> Self {
        let far = SystemTime::now() + Duration::from_secs(100 * 365 * 24 * 3600);
        StaticTokenCredential {
            token: AccessToken::new(token, far),
        }
    }

    /// A token with a known expiry.
    pub fn with_expiry(token: impl Into<String>, expires_at: SystemTime) -> Self {
        StaticTokenCredential {
            token: AccessToken::new(token, expires_at),
        }
    }
}

impl TokenCredential for StaticTokenCredential {
    fn get_token<'a>(
        &'a self,
        _scopes: &'a [&'a str],
    ) -> BoxFuture<'a, Result<AccessToken, Error>> {
        let token = self.token.clone();
        Box::pin(async move { Ok(token) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let t = AccessToken::new("eyJ-super-secret", SystemTime::now());
        assert!(!format!("{t:?}").contains("super-secret"));
        let c = StaticTokenCredential::new("eyJ-super-secret");
        assert!(!format!("{c:?}").contains("super-secret"));
        assert_eq!(format!("{}", Secret::new("x")), "<redacted>");
    }

    #[test]
    fn expiry_margin() {
        let t = AccessToken::new("t", SystemTime::now() + Duration::from_secs(60));
        assert!(t.expires_within(Duration::from_secs(300)));
        assert!(!t.expires_within(Duration::from_secs(1)));
        let old = AccessToken::new("t", SystemTime::UNIX_EPOCH);
        assert!(old.expires_within(Duration::ZERO));
    }
}
