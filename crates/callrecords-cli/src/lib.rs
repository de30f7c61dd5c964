//! `callrecords`: export Microsoft Graph call records and the PSTN / Direct
//! Routing / SMS logs to NDJSON, CSV or JSON, from Graph or from the embedded
//! emulator.
//!
//! The binary is a thin wrapper over [`run`]; tests call [`run`] or
//! [`export::export`] in-process:
//!
//! ```
//! use std::process::ExitCode;
//! use callrecords_cli::{run, Cli};
//! use clap::Parser;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! // One day of PSTN calls from the embedded emulator (127.0.0.1), as CSV on stdout.
//! let cli = Cli::parse_from([
//!     "callrecords", "export", "pstn", "--emulator",
//!     "--from", "2026-11-01", "--to", "2026-11-02", "--format", "csv",
//! ]);
//! assert_eq!(run(cli).await, ExitCode::SUCCESS);
//! # }
//! ```

pub mod args;
pub mod checkpoint;
pub mod columns;
pub mod connect;
pub mod dates;
pub mod durable;
pub mod error;
pub mod export;
pub mod files;
pub mod links;
pub mod lock;
pub mod output;
pub mod plan;
pub mod progress;
pub mod requests;
pub mod rows;

use std::process::ExitCode;
use std::time::Duration;

pub use args::{Cli, Command, ExportArgs, Format, Kind};
pub use error::{Category, CliError};
pub use export::{export, Summary};

/// Run a parsed command line; errors are printed to stderr and turned into
/// the documented exit codes (1 other, 2 usage, 3 validation, 4 auth, 5 network, 130 interrupted).
pub async fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Export(args) => {
            tokio::select! {
                r = export(&args) => r.map(|_| ()),
                _ = tokio::signal::ctrl_c() => Err(CliError::new(Category::Interrupted, "interrupted")
                    .hint("the checkpoint holds every complete page: run the same command with --resume to continue")),
            }
        }
        Command::Emulate(args) => emulate(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.broken_pipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            e.exit_code()
        }
    }
}

/// `callrecords emulate`: serve the embedded emulator until its lifetime ends.
async fn emulate(args: args::EmulateArgs) -> Result<(), CliError> {
    let cfg = msgraph_emulator::EmulatorConfig {
        port: args.port,
        log_rows_per_day: args.rows_per_day.max(1),
        max_lifetime: Duration::from_secs(args.lifetime_secs),
        faults: msgraph_emulator::Faults {
            throttle_every: args.throttle_every,
            retry_after: "0.01".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let mut emu = msgraph_emulator::Emulator::start(cfg)
        .await
        .map_err(|e| CliError::other(format!("cannot start the emulator: {e}")))?;
    println!("{}", emu.base_url());
    emu.stopped().await;
    Ok(())
}
