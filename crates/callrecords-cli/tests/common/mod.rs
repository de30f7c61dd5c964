//! Helpers shared by the end-to-end tests.
#![allow(dead_code)]

use std::path::Path;

/// The package directory as cargo gives it when running this (not as it was
/// at compile time: a build dir may be shared between checkouts).
pub fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string())
}

use callrecords_cli::{Cli, Command, ExportArgs};
use clap::Parser;
use serde_json::Value;

/// Parse `callrecords export <list...>` into arguments.
pub fn export_args(list: &[&str]) -> ExportArgs {
    let mut argv = vec!["callrecords", "export"];
    argv.extend_from_slice(list);
    match Cli::try_parse_from(argv) {
        Ok(Cli {
            command: Command::Export(a),
        }) => *a,
        Ok(other) => panic!("not an export: {other:?}"),
        Err(e) => panic!("arguments {list:?} do not parse: {e}"),
    }
}

/// The rows of an output file, as JSON values, whatever the format.
pub fn read_rows(path: &Path, format: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("output file");
    match format {
        "ndjson" => text
            .lines()
            .map(|l| serde_json::from_str(l).expect("each NDJSON line is a JSON object"))
            .collect(),
        "json" => match serde_json::from_str(&text).expect("a JSON document") {
            Value::Array(a) => a,
            other => panic!("not an array: {other}"),
        },
        "csv" => {
            let mut r = csv::Reader::from_reader(text.as_bytes());
            let header: Vec<String> = r
                .headers()
                .expect("header")
                .iter()
                .map(str::to_string)
                .collect();
            r.records()
                .map(|rec| {
                    let rec = rec.expect("a CSV record");
                    assert_eq!(rec.len(), header.len(), "every record has every column");
                    Value::Object(
                        header
                            .iter()
                            .zip(rec.iter())
                            .map(|(h, v)| (h.clone(), Value::String(v.to_string())))
                            .collect(),
                    )
                })
                .collect()
        }
        other => panic!("unknown format {other}"),
    }
}

/// First line of a file.
pub fn first_line(path: &Path) -> String {
    std::fs::read_to_string(path)
        .expect("output file")
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}
