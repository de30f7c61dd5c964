//! The `callrecords` command-line exporter.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = callrecords_cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(callrecords_cli::run(cli))
}
