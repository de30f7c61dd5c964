//! Shared by the examples: a client for real Graph when `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`
//! and `AZURE_CLIENT_SECRET` are set, otherwise for an embedded emulator on 127.0.0.1.

#![allow(dead_code)]

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use msgraph_callrecords::runtime::{EnvironmentCredential, RetryPolicy, StaticTokenCredential};
use msgraph_callrecords::{Client, GraphClient};
use msgraph_emulator::{Emulator, EmulatorConfig};

/// Where the example's requests go.
pub struct Target {
    /// The client.
    pub client: Client,
    /// The embedded emulator, when not talking to real Graph.
    pub emulator: Option<Emulator>,
}

impl Target {
    /// The last `days` whole days (UTC midnight to midnight) for real Graph; for the emulator,
    /// the first `days` days of its data (which starts at its `day0`, never at the clock).
    pub fn days(&self, days: i64) -> (DateTime<Utc>, DateTime<Utc>) {
        match &self.emulator {
            Some(e) => {
                let day0 = e.config().day0;
                (day0, day0 + chrono::Duration::days(days))
            }
            None => {
                let today = midnight(Utc::now());
                (today - chrono::Duration::days(days), today)
            }
        }
    }

    /// Stops the emulator, if any.
    pub async fn finish(self) {
        if let Some(e) = self.emulator {
            let s = e.stats();
            eprintln!(
                "emulator: {} Graph requests, {} faults injected",
                s.graph_requests, s.faults_injected
            );
            e.shutdown().await;
        }
    }
}

fn real_graph_configured() -> bool {
    ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]
        .iter()
        .all(|v| std::env::var(v).is_ok_and(|s| !s.is_empty()))
}

/// Real Graph from the environment, or an emulator started with `config`.
pub async fn connect(
    config: EmulatorConfig,
    retry: RetryPolicy,
) -> Result<Target, Box<dyn std::error::Error>> {
    if real_graph_configured() {
        eprintln!("using Microsoft Graph (AZURE_* variables are set)");
        let client = GraphClient::builder()
            .credential(EnvironmentCredential::from_env()?)
            .retry_policy(retry)
            .build()?;
        return Ok(Target {
            client: Client::new(client),
            emulator: None,
        });
    }
    let emulator = Emulator::start(config).await?;
    eprintln!("using the embedded emulator at {}", emulator.base_url());
    let client = GraphClient::builder()
        .credential(StaticTokenCredential::new("emulator-token"))
        .base_url(emulator.base_url().parse()?)
        .allow_insecure_loopback(true)
        .retry_policy(retry)
        .build()?;
    Ok(Target {
        client: Client::new(client),
        emulator: Some(emulator),
    })
}

/// A short retry policy for demos.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 6,
        max_total: Duration::from_secs(60),
        base_delay: Duration::from_millis(200),
        max_delay: Duration::from_secs(5),
    }
}

/// Midnight UTC of `t`'s day.
pub fn midnight(t: DateTime<Utc>) -> DateTime<Utc> {
    Utc.from_utc_datetime(&t.date_naive().and_hms_opt(0, 0, 0).unwrap_or_default())
}
