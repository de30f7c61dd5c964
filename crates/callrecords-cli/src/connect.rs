//! Building the Graph client: real Graph with credentials from the
//! environment, or the embedded emulator with its own token endpoint.

use std::time::Duration;

use msgraph_emulator::{Emulator, EmulatorConfig, Faults};
use msgraph_runtime::{
    ApiVersion, ClientSecretCredential, Cloud, EnvironmentCredential, Governor, GovernorConfig,
    GraphClient, Limit, RateLimits, RetryPolicy,
};
use url::Url;

use crate::args::{CloudArg, ExportArgs};
use crate::error::{from_graph, Category, CliError};

/// A connected client, and the emulator behind it when there is one (kept
/// alive as long as the connection).
pub struct Connection {
    /// The client.
    pub client: GraphClient,
    /// The embedded emulator, if used.
    pub emulator: Option<Emulator>,
}

/// The runtime's cloud for the `--cloud` argument.
pub fn cloud(arg: CloudArg) -> Cloud {
    match arg {
        CloudArg::Global => Cloud::Global,
        CloudArg::Usgov => Cloud::UsGovL4,
        CloudArg::Dod => Cloud::UsGovL5Dod,
        CloudArg::China => Cloud::China,
    }
}

/// The emulator configuration for an export with `--emulator`.
pub fn emulator_config(args: &ExportArgs) -> EmulatorConfig {
    let mut cfg = EmulatorConfig {
        log_rows_per_day: args.emulator_rows_per_day.max(1),
        // The CLI decides when to stop; keep the server up for long exports.
        max_lifetime: Duration::from_secs(24 * 3600),
        ..EmulatorConfig::default()
    };
    if args.emulator_realistic {
        cfg = cfg.realistic();
    }
    if let Some(n) = args.emulator_call_records {
        cfg.call_records = n;
    }
    cfg.faults = Faults {
        throttle_every: args.emulator_throttle_every,
        retry_after: "0.01".into(),
        delay: args.emulator_delay_ms.map(Duration::from_millis),
        unavailable_every: args.emulator_unavailable_every,
        reset_every: args.emulator_reset_every,
        truncate_every: args.emulator_truncate_every,
        ..Faults::default()
    };
    cfg
}

/// Connect as the arguments say.
pub async fn connect(args: &ExportArgs, beta: bool) -> Result<Connection, CliError> {
    let version = if beta {
        ApiVersion::Beta
    } else {
        ApiVersion::V1
    };
    if args.emulator {
        let emu = Emulator::start(emulator_config(args)).await.map_err(|e| {
            CliError::other(format!(
                "cannot start the embedded emulator on 127.0.0.1: {e}"
            ))
            .hint("loopback networking must be available; check that 127.0.0.1 can be bound")
        })?;
        let base = parse_url(&emu.base_url())?;
        let credential =
            ClientSecretCredential::new("emulator-tenant", "emulator-client", "emulator-secret")
                .authority_host(base.clone());
        let client = GraphClient::builder()
            .credential(credential)
            .base_url(base)
            .allow_insecure_loopback(true)
            .api_version(version)
            .retry_policy(retry_policy(args.retries))
            .max_response_bytes(args.max_response_bytes)
            .governor(governor(args, args.emulator_realistic))
            .build()
            .map_err(|e| from_graph(e, true))?;
        return Ok(Connection {
            client,
            emulator: Some(emu),
        });
    }
    let cloud = cloud(args.cloud);
    if let Some(missing) = missing_credentials(|name| std::env::var_os(name)) {
        return Err(CliError::new(
            Category::Auth,
            format!("no credentials for Microsoft Graph: {missing}"),
        )
        .hint(
            "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH \
             to a PEM with certificate and key); or try the sample data with --emulator",
        ));
    }
    // Everything is set: what fails now is a malformed value (exit 3).
    let credential = EnvironmentCredential::from_env().map_err(|e| from_graph(e, false))?;
    // AZURE_AUTHORITY_HOST wins; otherwise the authority of --cloud.
    let credential = if std::env::var_os("AZURE_AUTHORITY_HOST").is_some() {
        credential
    } else {
        match credential {
            EnvironmentCredential::Secret(c) => {
                EnvironmentCredential::Secret(c.cloud(cloud.clone()))
            }
            EnvironmentCredential::Certificate(c) => {
                EnvironmentCredential::Certificate(c.cloud(cloud.clone()))
            }
        }
    };
    let mut builder = GraphClient::builder()
        .credential(credential)
        .cloud(cloud)
        .api_version(version)
        .retry_policy(retry_policy(args.retries))
        .max_response_bytes(args.max_response_bytes)
        .governor(governor(args, true));
    if let Some(url) = &args.graph_url {
        builder = builder.base_url(url.clone()).allow_insecure_loopback(true);
    }
    let client = builder.build().map_err(|e| from_graph(e, false))?;
    Ok(Connection {
        client,
        emulator: None,
    })
}

/// The rate governor every request goes through: at most `--concurrency` in
/// flight, within the documented limits scaled by `--rate` (`limited`), or
/// no rate limit at all for the plain embedded emulator, which enforces
/// none. A 429 pauses its scope either way.
pub fn governor(args: &ExportArgs, limited: bool) -> Governor {
    let limits = if limited {
        scaled(RateLimits::default(), args.rate)
    } else {
        RateLimits::none()
    };
    Governor::new(GovernorConfig {
        max_in_flight: args.concurrency.max(1) as usize,
        limits,
        ..GovernorConfig::default()
    })
}

/// `limits` with every request count scaled by `factor` (at least 1 request per window).
fn scaled(limits: RateLimits, factor: f64) -> RateLimits {
    let scale = |l: Option<Limit>| {
        l.map(|l| Limit {
            requests: ((f64::from(l.requests) * factor).round() as u32).max(1),
            window: l.window,
        })
    };
    RateLimits {
        records_app_tenant: scale(limits.records_app_tenant),
        records_tenant: scale(limits.records_tenant),
        per_call_record: scale(limits.per_call_record),
        list_call_records: scale(limits.list_call_records),
        logs_app_tenant: scale(limits.logs_app_tenant),
        logs_tenant: scale(limits.logs_tenant),
        logs_collection: scale(limits.logs_collection),
    }
}

/// What is missing for credentials from the environment, if anything
/// (absent is exit 4, "no credentials"; present but malformed is exit 3).
fn missing_credentials(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<String> {
    let set = |name: &str| var(name).is_some_and(|v| !v.to_string_lossy().trim().is_empty());
    for name in ["AZURE_TENANT_ID", "AZURE_CLIENT_ID"] {
        if !set(name) {
            return Some(format!("environment variable {name} is not set"));
        }
    }
    if !set("AZURE_CLIENT_SECRET") && !set("AZURE_CLIENT_CERTIFICATE_PATH") {
        return Some("neither AZURE_CLIENT_SECRET nor AZURE_CLIENT_CERTIFICATE_PATH is set".into());
    }
    None
}

/// The runtime's default policy, with a larger time budget: an export is a
/// batch job and Graph's PSTN limits (50 requests / 60 s per collection) can
/// ask for long waits.
fn retry_policy(retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: retries.saturating_add(1),
        max_total: Duration::from_secs(300),
        ..RetryPolicy::default()
    }
}

fn parse_url(s: &str) -> Result<Url, CliError> {
    Url::parse(s).map_err(|e| CliError::other(format!("emulator URL {s:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// `callrecords export pstn` over the last day, plus `extra`.
    fn argv<'a>(extra: &[&'a str]) -> Vec<&'a str> {
        let mut argv = vec![
            "callrecords",
            "export",
            "pstn",
            "--from",
            "now-1d",
            "--to",
            "now",
        ];
        argv.extend_from_slice(extra);
        argv
    }

    fn args(extra: &[&str]) -> ExportArgs {
        match crate::Cli::try_parse_from(argv(extra))
            .expect("parses")
            .command
        {
            crate::Command::Export(a) => *a,
            other => panic!("not an export: {other:?}"),
        }
    }

    #[test]
    fn the_governor_keeps_to_the_documented_limits_scaled_by_rate() {
        let g = governor(&args(&[]), true);
        assert_eq!(g.config().max_in_flight, 64);
        assert_eq!(g.config().limits, RateLimits::default());
        let g = governor(&args(&["--rate", "0.5", "--concurrency", "3"]), true);
        assert_eq!(g.config().max_in_flight, 3);
        let l = g.config().limits.clone();
        assert_eq!(l.records_app_tenant, Some(Limit::per_secs(750, 20)));
        assert_eq!(l.logs_app_tenant, Some(Limit::per_secs(100, 60)));
        assert_eq!(l.logs_collection, Some(Limit::per_secs(25, 60)));
        // The plain emulator enforces no limits: only the concurrency bound.
        let g = governor(&args(&["--rate", "0.5"]), false);
        assert_eq!(g.config().limits, RateLimits::none());
    }

    #[test]
    fn bad_rates_and_concurrency_are_refused() {
        for bad in [
            &["--rate", "0"][..],
            &["--rate", "-1"],
            &["--rate", "abc"],
            &["--rate", "NaN"],
            &["--concurrency", "0"],
        ] {
            assert!(
                crate::Cli::try_parse_from(argv(bad)).is_err(),
                "{bad:?} accepted"
            );
        }
    }
}
