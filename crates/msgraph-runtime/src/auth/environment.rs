//! Credential configured from `AZURE_*` environment variables.

use futures::future::BoxFuture;
use url::Url;

use super::{AccessToken, ClientCertificateCredential, ClientSecretCredential, TokenCredential};
use crate::{Cloud, Error};

/// Reads `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and either `AZURE_CLIENT_SECRET`
/// or `AZURE_CLIENT_CERTIFICATE_PATH` (a PEM file with certificate and
/// unencrypted key); optional `AZURE_AUTHORITY_HOST` (e.g.
/// `https://login.microsoftonline.us`). A secret wins over a certificate.
#[derive(Clone, Debug)]
pub enum EnvironmentCredential {
    /// Configured with `AZURE_CLIENT_SECRET`.
    Secret(ClientSecretCredential),
    /// Configured with `AZURE_CLIENT_CERTIFICATE_PATH`.
    Certificate(ClientCertificateCredential),
}

impl EnvironmentCredential {
    /// Build from the process environment.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Build from any variable source (handy for tests and config files).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let vars = Lookup(&lookup);
        let get = |name: &str| vars.get(name);
        let tenant = vars.need("AZURE_TENANT_ID")?;
        let client_id = vars.need("AZURE_CLIENT_ID")?;
        let authority = vars.authority_host()?;
        if let Some(secret) = get("AZURE_CLIENT_SECRET") {
            let mut c = ClientSecretCredential::new(tenant, client_id, secret);
            if let Some(a) = authority {
                c = c.authority_host(a);
            }
            return Ok(EnvironmentCredential::Secret(c));
        }
        if let Some(path) = get("AZURE_CLIENT_CERTIFICATE_PATH") {
            if get("AZURE_CLIENT_CERTIFICATE_PASSWORD").is_some() {
                return Err(Error::Config(
                    "AZURE_CLIENT_CERTIFICATE_PASSWORD is set, but only unencrypted PEM files are supported; \
                     convert with `openssl pkcs12 -in app.pfx -out app.pem -nodes` and unset the password"
                        .into(),
                ));
            }
            let mut c = ClientCertificateCredential::from_pem_file(tenant, client_id, path)?;
            if let Some(a) = authority {
                c = c.authority_host(a);
            }
            return Ok(EnvironmentCredential::Certificate(c));
        }
        Err(Error::Config(
            "set AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH (with AZURE_TENANT_ID and AZURE_CLIENT_ID)"
                .into(),
        ))
    }

    /// Use the authority host of `cloud` (replaces `AZURE_AUTHORITY_HOST`).
    pub fn cloud(self, cloud: Cloud) -> Self {
        match self {
            EnvironmentCredential::Secret(c) => EnvironmentCredential::Secret(c.cloud(cloud)),
            EnvironmentCredential::Certificate(c) => {
                EnvironmentCredential::Certificate(c.cloud(cloud))
            }
        }
    }
}

/// A source of `AZURE_*` variables; blank values count as unset.
pub(crate) struct Lookup<'a>(pub(crate) &'a dyn Fn(&str) -> Option<String>);

impl Lookup<'_> {
    /// The trimmed value of `name`, if set and not blank.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// The value of `name`, or an error naming the missing variable.
    pub(crate) fn need(&self, name: &str) -> Result<String, Error> {
        self.get(name)
            .ok_or_else(|| Error::Config(format!("environment variable {name} is not set")))
    }

    /// `AZURE_AUTHORITY_HOST` as a URL, if set.
    pub(crate) fn authority_host(&self) -> Result<Option<Url>, Error> {
        match self.get("AZURE_AUTHORITY_HOST") {
            Some(a) => Url::parse(&a).map(Some).map_err(|e| {
                Error::Config(format!("AZURE_AUTHORITY_HOST {a:?} is not a URL: {e}"))
            }),
            None => Ok(None),
        }
    }
}

impl TokenCredential for EnvironmentCredential {
    fn get_token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        match self {
            EnvironmentCredential::Secret(c) => c.get_token(scopes),
            EnvironmentCredential::Certificate(c) => c.get_token(scopes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(vars: &[(&str, &str)]) -> Result<EnvironmentCredential, Error> {
        let m: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        EnvironmentCredential::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn secret_variant_and_missing_variables() {
        let c = from(&[
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
            ("AZURE_CLIENT_SECRET", "hunter2-secret"),
        ])
        .unwrap();
        assert!(matches!(c, EnvironmentCredential::Secret(_)));
        assert!(!format!("{c:?}").contains("hunter2"));

        let e = from(&[("AZURE_CLIENT_ID", "c")]).unwrap_err();
        assert!(e.to_string().contains("AZURE_TENANT_ID"), "{e}");
        let e = from(&[("AZURE_TENANT_ID", "t"), ("AZURE_CLIENT_ID", "c")]).unwrap_err();
        assert!(e.to_string().contains("AZURE_CLIENT_SECRET"), "{e}");
        let e = from(&[
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
            ("AZURE_CLIENT_CERTIFICATE_PATH", "/nonexistent/cert.pem"),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("/nonexistent/cert.pem"), "{e}");
    }

    #[test]
    fn certificate_variant_from_fixture() {
        // The package directory at run time (a build dir may be shared
        // between checkouts, so not the compile-time one).
        let dir = std::env::var("CARGO_MANIFEST_DIR")
            .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
        let path = &format!("{dir}/tests/fixtures/combined.pem");
        let c = from(&[
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
            ("AZURE_CLIENT_CERTIFICATE_PATH", path),
            ("AZURE_AUTHORITY_HOST", "http://127.0.0.1:1"),
        ])
        .unwrap();
        assert!(matches!(c, EnvironmentCredential::Certificate(_)));
        let e = from(&[
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
            ("AZURE_CLIENT_CERTIFICATE_PATH", path),
            ("AZURE_CLIENT_CERTIFICATE_PASSWORD", "pw"),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("unencrypted PEM"), "{e}");
    }
}
