//! Project automation, in the style of rust-analyzer's `xtask`:
//! `cargo xtask metadata import ...` and `cargo xtask codegen [--check]`.

mod codegen;
mod config;
mod flags;
mod generality;
mod metadata;
mod util;

use clap::Parser;

fn main() -> anyhow::Result<()> {
    match flags::Xtask::parse().command {
        flags::Command::Metadata(flags::Metadata::Import(args)) => metadata::import(&args),
        flags::Command::Metadata(flags::Metadata::Diff(args)) => metadata::diff(&args),
        flags::Command::Codegen(args) => codegen::run(&args),
    }
}
