//! A credential chain in the spirit of azure_identity's `DefaultAzureCredential`.

use std::fmt;
use std::sync::OnceLock;

use futures::future::BoxFuture;

use super::environment::Lookup;
use super::managed_identity::{ManagedIdentityId, UNAVAILABLE};
use super::{
    AccessToken, EnvironmentCredential, ManagedIdentityCredential, TokenCredential,
    WorkloadIdentityCredential,
};
use crate::{Cloud, Error};

/// Tries, in order, the credentials an app finds configured where it runs:
///
/// 1. **environment**: [`EnvironmentCredential`], when `AZURE_CLIENT_SECRET`
///    or `AZURE_CLIENT_CERTIFICATE_PATH` is set;
/// 2. **workload identity**: [`WorkloadIdentityCredential`], when
///    `AZURE_FEDERATED_TOKEN_FILE` is set (AKS, federated CI);
/// 3. **managed identity**: [`ManagedIdentityCredential`] (the App Service
///    endpoint when `IDENTITY_ENDPOINT` is set, else IMDS); user-assigned
///    when `AZURE_CLIENT_ID` is set, as in azure_identity.
///
/// The variables are read once, when the chain is built. A step that is not
/// configured is skipped; a managed identity endpoint that does not answer is
/// unavailable and skipped. A step that is configured but fails (a wrong
/// secret, an unreadable token file, a token endpoint error) ends the chain
/// with its error, so a broken configuration is reported instead of being
/// hidden behind the next step. The first step that returns a token is used
/// from then on.
///
/// Every failure is an [`Error::Auth`] whose description lists what each step
/// tried and why it was skipped or failed; when a step failed, the error keeps
/// that step's category, HTTP status and `AADSTS` code (so
/// [`Error::is_retryable`] still tells a throttled endpoint from a wrong secret).
///
/// ```no_run
/// # fn f() -> Result<(), msgraph_runtime::Error> {
/// use msgraph_runtime::{DefaultCredential, GraphClient};
/// let client = GraphClient::builder().credential(DefaultCredential::from_env()).build()?;
/// # Ok(()) }
/// ```
pub struct DefaultCredential {
    steps: Vec<Step>,
    /// Index of the step that returned the first token.
    chosen: OnceLock<usize>,
    /// `AZURE_AUTHORITY_HOST` was set: it wins over [`Self::cloud`].
    authority_from_env: bool,
}

/// One link of the chain as configured.
enum Step {
    Ready(Source),
    /// Not configured here: why.
    Skipped {
        name: &'static str,
        reason: String,
    },
    /// Configured, but the configuration is unusable (e.g. a missing tenant).
    Misconfigured {
        name: &'static str,
        error: Error,
    },
}

enum Source {
    Environment(EnvironmentCredential),
    Workload(WorkloadIdentityCredential),
    Managed(ManagedIdentityCredential),
}

const ENVIRONMENT: &str = "environment";
const WORKLOAD: &str = "workload identity";
const MANAGED: &str = "managed identity";

impl Source {
    fn name(&self) -> &'static str {
        match self {
            Source::Environment(_) => ENVIRONMENT,
            Source::Workload(_) => WORKLOAD,
            Source::Managed(_) => MANAGED,
        }
    }

    fn credential(&self) -> &dyn TokenCredential {
        match self {
            Source::Environment(c) => c,
            Source::Workload(c) => c,
            Source::Managed(c) => c,
        }
    }

    /// True when `error` means "not here" rather than "configured but broken".
    fn unavailable(&self, error: &Error) -> bool {
        matches!(
            (self, error),
            (Source::Managed(_), Error::Auth { error, .. }) if error == UNAVAILABLE
        )
    }
}

impl DefaultCredential {
    /// The chain configured from the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The chain configured from any variable source (the names of
    /// [`Self::from_env`], plus `AZURE_POD_IDENTITY_AUTHORITY_HOST` to move
    /// IMDS, e.g. to a test fake).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let vars = Lookup(&lookup);
        let environment = if vars.get("AZURE_CLIENT_SECRET").is_none()
            && vars.get("AZURE_CLIENT_CERTIFICATE_PATH").is_none()
        {
            Step::Skipped {
                name: ENVIRONMENT,
                reason: "neither AZURE_CLIENT_SECRET nor AZURE_CLIENT_CERTIFICATE_PATH is set"
                    .into(),
            }
        } else {
            configured(
                ENVIRONMENT,
                EnvironmentCredential::from_lookup(&lookup).map(Source::Environment),
            )
        };
        let workload = if vars.get("AZURE_FEDERATED_TOKEN_FILE").is_none() {
            Step::Skipped {
                name: WORKLOAD,
                reason: "AZURE_FEDERATED_TOKEN_FILE is not set".into(),
            }
        } else {
            configured(
                WORKLOAD,
                WorkloadIdentityCredential::from_lookup(&lookup).map(Source::Workload),
            )
        };
        let managed = ManagedIdentityCredential::from_lookup(&lookup).map(|c| {
            let c = match vars.get("AZURE_CLIENT_ID") {
                Some(id) => c.user_assigned(ManagedIdentityId::ClientId(id)),
                None => c,
            };
            Source::Managed(c)
        });
        DefaultCredential {
            steps: vec![environment, workload, configured(MANAGED, managed)],
            chosen: OnceLock::new(),
            authority_from_env: vars.get("AZURE_AUTHORITY_HOST").is_some(),
        }
    }

    /// Use the authority host of `cloud` for the environment and workload
    /// identity steps, unless `AZURE_AUTHORITY_HOST` set one. (Managed
    /// identity tokens come from the host, for the cloud it is in.)
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        if self.authority_from_env {
            return self;
        }
        self.steps = self
            .steps
            .into_iter()
            .map(|step| match step {
                Step::Ready(Source::Environment(c)) => {
                    Step::Ready(Source::Environment(c.cloud(cloud.clone())))
                }
                Step::Ready(Source::Workload(c)) => {
                    Step::Ready(Source::Workload(c.cloud(cloud.clone())))
                }
                other => other,
            })
            .collect();
        self
    }

    /// Run the chain from its first step; see the type's documentation.
    async fn first_token(&self, scopes: &[&str]) -> Result<AccessToken, Error> {
        let mut tried = Vec::with_capacity(self.steps.len());
        for (index, step) in self.steps.iter().enumerate() {
            match step {
                Step::Skipped { name, reason } => tried.push(format!("{name}: skipped ({reason})")),
                Step::Misconfigured { name, error } => {
                    tried.push(format!("{name}: misconfigured ({error})"));
                    return Err(chain_error(&tried, Some(error)));
                }
                Step::Ready(source) => match source.credential().get_token(scopes).await {
                    Ok(token) => {
                        let _ = self.chosen.set(index);
                        return Ok(token);
                    }
                    Err(e) if source.unavailable(&e) => {
                        tried.push(format!("{}: unavailable ({e})", source.name()))
                    }
                    Err(e) => {
                        // An auth error's own text leads the chain's error; others go here.
                        tried.push(match e {
                            Error::Auth { .. } => format!("{}: failed", source.name()),
                            _ => format!("{}: failed ({e})", source.name()),
                        });
                        return Err(chain_error(&tried, Some(&e)));
                    }
                },
            }
        }
        Err(chain_error(&tried, None))
    }
}

/// A step that is configured: ready, or what is wrong with its configuration.
fn configured(name: &'static str, built: Result<Source, Error>) -> Step {
    match built {
        Ok(source) => Step::Ready(source),
        Err(error) => Step::Misconfigured { name, error },
    }
}

/// The chain's error: the history, and the category, status and code of the
/// step that failed (if one did rather than all being skipped).
fn chain_error(tried: &[String], failed: Option<&Error>) -> Error {
    let history = format!("DefaultCredential tried {}", tried.join("; "));
    match failed {
        Some(Error::Auth {
            error,
            aadsts,
            description,
            status,
            retry_after,
        }) => Error::Auth {
            error: error.clone(),
            aadsts: aadsts.clone(),
            // The step's own description first: it starts with the AADSTS code.
            description: format!("{description} ({history})"),
            status: *status,
            retry_after: *retry_after,
        },
        // Its text is in the history already.
        Some(_) => Error::Auth {
            error: "credential_chain_failed".into(),
            aadsts: None,
            description: history,
            status: None,
            retry_after: None,
        },
        None => Error::Auth {
            error: "credential_unavailable".into(),
            aadsts: None,
            description: format!(
                "{history}; configure one of them (see the msgraph-runtime docs, section Auth setup)"
            ),
            status: None,
            retry_after: None,
        },
    }
}

impl fmt::Debug for DefaultCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for step in &self.steps {
            match step {
                Step::Ready(Source::Environment(c)) => list.entry(c),
                Step::Ready(Source::Workload(c)) => list.entry(c),
                Step::Ready(Source::Managed(c)) => list.entry(c),
                Step::Skipped { name, reason } => {
                    list.entry(&format_args!("{name}: skipped ({reason})"))
                }
                Step::Misconfigured { name, error } => {
                    list.entry(&format_args!("{name}: misconfigured ({error})"))
                }
            };
        }
        list.finish()
    }
}

impl TokenCredential for DefaultCredential {
    fn get_token<'a>(&'a self, scopes: &'a [&'a str]) -> BoxFuture<'a, Result<AccessToken, Error>> {
        match self.chosen.get().and_then(|&i| self.steps.get(i)) {
            Some(Step::Ready(source)) => source.credential().get_token(scopes),
            _ => Box::pin(self.first_token(scopes)),
        }
    }
}
