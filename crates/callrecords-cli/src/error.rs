//! Errors of the CLI, their exit codes, and how runtime errors map to them.

use std::fmt;
use std::process::ExitCode;

use msgraph_runtime::Error as GraphError;

/// What kind of failure, which decides the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Anything else (I/O on the output file, internal errors): exit 1.
    Other,
    /// Bad command-line syntax (clap reports these itself): exit 2.
    Usage,
    /// Arguments that parse but make no sense together (range, resume state): exit 3.
    Validation,
    /// No or wrong credentials, missing permission: exit 4.
    Auth,
    /// Network failure or an HTTP error from Graph: exit 5.
    Network,
    /// Stopped by Ctrl-C (SIGINT): exit 130, as shells report it.
    Interrupted,
}

impl Category {
    /// The process exit code of this category.
    pub fn code(self) -> u8 {
        match self {
            Category::Other => 1,
            Category::Usage => 2,
            Category::Validation => 3,
            Category::Auth => 4,
            Category::Network => 5,
            Category::Interrupted => 130,
        }
    }
}

/// An error for a person: what went wrong and, when known, what to do.
#[derive(Debug)]
pub struct CliError {
    /// Exit-code category.
    pub category: Category,
    /// What went wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The reader of stdout went away (`| head`): stop quietly, like other Unix tools.
    pub broken_pipe: bool,
}

impl CliError {
    /// An error of `category` with a message.
    pub fn new(category: Category, message: impl Into<String>) -> Self {
        CliError {
            category,
            message: message.into(),
            hint: None,
            broken_pipe: false,
        }
    }

    /// A validation (exit 3) error.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(Category::Validation, message)
    }

    /// An "other" (exit 1) error.
    pub fn other(message: impl Into<String>) -> Self {
        Self::new(Category::Other, message)
    }

    /// Add a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The exit code.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.category.code())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CliError {}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        let hint = match e.kind() {
            std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => {
                "the disk is full: free some space (or write elsewhere), then run the same command with --resume"
            }
            _ => "check the output file and its directory (permissions, space), then run the same command with --resume",
        };
        let mut err = CliError::other(format!("cannot write the output: {e}")).hint(hint);
        err.broken_pipe = e.kind() == std::io::ErrorKind::BrokenPipe;
        err
    }
}

/// Map a runtime error to a category and an actionable hint.
pub fn from_graph(e: GraphError, emulator: bool) -> CliError {
    let message = e.to_string();
    match &e {
        // The token endpoint could not be reached or kept failing (no
        // answer, 429, 5xx): the network or the service, not the credentials.
        GraphError::Auth { .. } if e.is_retryable() => CliError::new(Category::Network, message).hint(
            "the sign-in service (token endpoint) could not be reached or is failing: check the network, \
             proxy and AZURE_AUTHORITY_HOST, then run again (with --resume if an output file was begun)",
        ),
        GraphError::Auth { .. } => CliError::new(Category::Auth, message).hint(
            "check AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or \
             AZURE_CLIENT_CERTIFICATE_PATH) and that the app is registered in the cloud given by --cloud",
        ),
        GraphError::Http { status, .. } if status.as_u16() == 401 => {
            CliError::new(Category::Auth, message)
                .hint("the token was rejected: check the tenant and that --cloud matches it")
        }
        GraphError::Http { status, .. } if status.as_u16() == 403 => {
            CliError::new(Category::Auth, message).hint(
                "grant the application permission CallRecords.Read.All (admin consent) to the app",
            )
        }
        GraphError::Http { status, .. } if status.as_u16() == 429 => {
            CliError::new(Category::Network, message).hint(
                "Graph kept throttling after the retries; run again later with --resume to continue",
            )
        }
        GraphError::Http { status, .. } if status.as_u16() == 400 => {
            CliError::new(Category::Network, message)
                .hint("Graph rejected the request; check --from/--to, --window and --beta")
        }
        GraphError::Http { .. } => CliError::new(Category::Network, message)
            .hint("run again with --resume to continue where the export stopped"),
        GraphError::Transport { .. } => {
            let hint = if emulator {
                "the embedded emulator stopped answering; run again with --resume"
            } else {
                "check the network connection (and proxy settings), then run again with --resume"
            };
            CliError::new(Category::Network, message).hint(hint)
        }
        GraphError::Config(_) => CliError::validation(message).hint(
            "fix the setting named above: AZURE_TENANT_ID (a tenant GUID or domain), AZURE_AUTHORITY_HOST, \
             AZURE_CLIENT_CERTIFICATE_PATH, or --graph-url (https; http only for 127.0.0.1/localhost)",
        ),
        GraphError::Decode { .. } => CliError::other(message)
            .hint("Graph sent data this version cannot read; please report it with the message above"),
        GraphError::ForeignHost { .. } => CliError::new(Category::Network, message).hint(
            "Graph (or a proxy) sent a link to another host; nothing was sent there. The checkpoint \
             still points at the last page written: run again with --resume later, and report it if it persists",
        ),
        GraphError::Paging { .. } => CliError::new(Category::Network, message).hint(
            "the service sent a next link it had already sent (a paging loop); the checkpoint points at the \
             last page written: run again with --resume later, and report it if it persists",
        ),
        GraphError::ResponseTooLarge { limit, .. } => {
            let limit = *limit;
            CliError::new(Category::Network, message).hint(format!(
                "a page was larger than --max-response-bytes {limit}: pass a smaller --page-size or a larger \
                 --max-response-bytes, then run again with --resume"
            ))
        }
        _ => CliError::new(Category::Network, message)
            .hint("run again with --resume to continue where the export stopped"),
    }
}

/// Map an SDK error: argument errors are the caller's (exit 3), the rest as [`from_graph`].
pub fn from_sdk(e: msgraph_callrecords::Error, emulator: bool) -> CliError {
    match e {
        msgraph_callrecords::Error::Argument(a) => CliError::validation(a.to_string())
            .hint("check --from/--to, --window and --page-size against the limits in `callrecords export --help`"),
        other => from_graph(other, emulator),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_distinct_and_documented() {
        let codes: Vec<u8> = [
            Category::Other,
            Category::Usage,
            Category::Validation,
            Category::Auth,
            Category::Network,
        ]
        .iter()
        .map(|c| c.code())
        .collect();
        assert_eq!(codes, vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn auth_errors_map_to_4_with_a_hint() {
        let e = from_graph(
            GraphError::Auth {
                error: "invalid_client".into(),
                aadsts: Some("AADSTS7000215".into()),
                description: "Invalid client secret provided.".into(),
                status: Some(401),
                retry_after: None,
            },
            false,
        );
        assert_eq!(e.category, Category::Auth);
        let text = e.to_string();
        assert!(text.contains("AADSTS7000215"), "{text}");
        assert!(text.contains("hint: check AZURE_TENANT_ID"), "{text}");
    }

    /// Issue 18, defect 5: a token endpoint that cannot be reached is the
    /// network (5), a malformed setting is configuration (3), and output
    /// errors (disk full) come with a hint.
    #[test]
    fn token_outages_are_network_and_bad_settings_are_validation() {
        let e = from_graph(
            GraphError::Auth {
                error: "token_request_failed".into(),
                aadsts: None,
                description: "connection refused".into(),
                status: None,
                retry_after: None,
            },
            false,
        );
        assert_eq!(e.category, Category::Network, "{e}");
        assert!(e.to_string().contains("hint: the sign-in service"), "{e}");
        let e = from_graph(
            GraphError::Config("tenant id \"a/b\" is not a tenant GUID or domain name".into()),
            false,
        );
        assert_eq!(e.category, Category::Validation, "{e}");
        assert!(e.hint.is_some());
        let full = CliError::from(std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(full.category, Category::Other);
        assert!(
            full.to_string().contains("hint: the disk is full"),
            "{full}"
        );
    }

    #[test]
    fn transport_errors_map_to_5() {
        let e = from_graph(
            GraphError::Transport {
                method: "GET".into(),
                url: "/v1.0/x".into(),
                message: "connection refused".into(),
                timeout: false,
                retries: 5,
            },
            false,
        );
        assert_eq!(e.category, Category::Network);
        assert!(e.to_string().contains("--resume"));
    }
}
