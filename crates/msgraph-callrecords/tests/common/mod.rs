//! Shared test setup: an emulator and a client pointed at it.

#![allow(dead_code)]

use std::time::Duration;

use msgraph_callrecords::runtime::{ApiVersion, GraphClient, RetryPolicy, StaticTokenCredential};
use msgraph_callrecords::Client;
use msgraph_emulator::{Emulator, EmulatorConfig};

/// A small, fast configuration: few records, hourly log rows.
pub fn config() -> EmulatorConfig {
    EmulatorConfig {
        call_records: 130,
        log_rows_per_day: 24,
        max_lifetime: Duration::from_secs(60),
        faults: msgraph_emulator::Faults {
            retry_after: "0.01".into(),
            ..Default::default()
        },
        ..EmulatorConfig::default()
    }
}

/// A client for `emu`, built for `version`, retrying quickly.
pub fn client(emu: &Emulator, version: ApiVersion) -> Client {
    Client::new(graph_client(emu, version))
}

/// The runtime client of [`client`].
pub fn graph_client(emu: &Emulator, version: ApiVersion) -> GraphClient {
    let base = url::Url::parse(&emu.base_url()).unwrap_or_else(|e| panic!("emulator url: {e}"));
    GraphClient::builder()
        .credential(StaticTokenCredential::new("test-token"))
        .base_url(base)
        .allow_insecure_loopback(true)
        .api_version(version)
        .retry_policy(RetryPolicy {
            max_attempts: 5,
            max_total: Duration::from_secs(20),
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
        })
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"))
}

pub async fn start(config: EmulatorConfig) -> Emulator {
    Emulator::start(config)
        .await
        .unwrap_or_else(|e| panic!("emulator: {e}"))
}
