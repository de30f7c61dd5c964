//! National clouds (Graph and Entra ID hosts) and API versions.

use url::Url;

/// A Microsoft Graph deployment: where tokens come from and where Graph lives.
///
/// Tokens from one cloud are not valid in another; the app must be registered
/// in that cloud's portal.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Cloud {
    /// Worldwide Graph (also Microsoft 365 GCC tenants).
    #[default]
    Global,
    /// US Government L4 (GCC High).
    UsGovL4,
    /// US Government L5 (DoD).
    UsGovL5Dod,
    /// China, operated by 21Vianet (call records are not available there).
    China,
    /// Any other deployment, e.g. a local emulator.
    Custom {
        /// Entra ID authority host, e.g. `https://login.example`.
        authority: Url,
        /// Graph service root without version, e.g. `https://graph.example`.
        graph: Url,
    },
}

impl Cloud {
    /// The Entra ID authority host (token endpoint is `{authority}/{tenant}/oauth2/v2.0/token`).
    pub fn authority_host(&self) -> Url {
        match self {
            Cloud::Global => fixed("https://login.microsoftonline.com"),
            Cloud::UsGovL4 | Cloud::UsGovL5Dod => fixed("https://login.microsoftonline.us"),
            Cloud::China => fixed("https://login.chinacloudapi.cn"),
            Cloud::Custom { authority, .. } => authority.clone(),
        }
    }

    /// The Graph service root, without the version segment.
    pub fn graph_host(&self) -> Url {
        match self {
            Cloud::Global => fixed("https://graph.microsoft.com"),
            Cloud::UsGovL4 => fixed("https://graph.microsoft.us"),
            Cloud::UsGovL5Dod => fixed("https://dod-graph.microsoft.us"),
            Cloud::China => fixed("https://microsoftgraph.chinacloudapi.cn"),
            Cloud::Custom { graph, .. } => graph.clone(),
        }
    }

    /// The app-only scope for this cloud's Graph: `{graph host}/.default`.
    pub fn default_scope(&self) -> String {
        default_scope_for(&self.graph_host())
    }
}

/// `{origin}/.default` for a Graph root URL.
pub(crate) fn default_scope_for(graph_root: &Url) -> String {
    format!("{}/.default", graph_root.origin().ascii_serialization())
}

fn fixed(s: &str) -> Url {
    // The literals above are valid URLs; parsing them cannot fail.
    Url::parse(s).unwrap_or_else(|_| unreachable!("fixed cloud URL {s} is valid"))
}

/// Graph API version: the path segment appended to the service root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ApiVersion {
    /// `/v1.0` (stable).
    #[default]
    V1,
    /// `/beta` (may change without notice).
    Beta,
}

impl ApiVersion {
    /// The path segment, `/v1.0` or `/beta`.
    pub fn path(self) -> &'static str {
        match self {
            ApiVersion::V1 => "/v1.0",
            ApiVersion::Beta => "/beta",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_the_facts_sheet() {
        let rows = [
            (
                Cloud::Global,
                "https://login.microsoftonline.com/",
                "https://graph.microsoft.com/.default",
            ),
            (
                Cloud::UsGovL4,
                "https://login.microsoftonline.us/",
                "https://graph.microsoft.us/.default",
            ),
            (
                Cloud::UsGovL5Dod,
                "https://login.microsoftonline.us/",
                "https://dod-graph.microsoft.us/.default",
            ),
            (
                Cloud::China,
                "https://login.chinacloudapi.cn/",
                "https://microsoftgraph.chinacloudapi.cn/.default",
            ),
        ];
        for (cloud, authority, scope) in rows {
            assert_eq!(cloud.authority_host().as_str(), authority);
            assert_eq!(cloud.default_scope(), scope);
        }
        assert_eq!(ApiVersion::V1.path(), "/v1.0");
        assert_eq!(ApiVersion::Beta.path(), "/beta");
    }

    #[test]
    fn custom_scope_keeps_the_port() {
        let c = Cloud::Custom {
            authority: Url::parse("http://127.0.0.1:9000").unwrap(),
            graph: Url::parse("http://127.0.0.1:9001/").unwrap(),
        };
        assert_eq!(c.default_scope(), "http://127.0.0.1:9001/.default");
    }
}
