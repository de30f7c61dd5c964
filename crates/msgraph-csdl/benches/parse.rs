//! `cargo bench -p msgraph-csdl --bench parse`: time to import (`load`:
//! parse and resolve) the real Graph v1.0 document on one thread, as the
//! median of [`ROUNDS`] runs. Skips, with a message, when the document
//! (`../shared/upstream-metadata/graph-v1.0-metadata.xml`) is absent.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

const ROUNDS: usize = 21;

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
    let path = PathBuf::from(dir).join("../../../shared/upstream-metadata/graph-v1.0-metadata.xml");
    let Ok(bytes) = std::fs::read(&path) else {
        println!("skipping: {} not found", path.display());
        return;
    };
    let source = path.display().to_string();
    // One warm-up run; each result is dropped after its timer stops.
    drop(black_box(
        msgraph_csdl::load(&bytes, &source).expect("loads"),
    ));
    let mut runs: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let start = Instant::now();
            let doc = black_box(msgraph_csdl::load(&bytes, &source).expect("loads"));
            let elapsed = start.elapsed().as_secs_f64() * 1e3;
            drop(doc);
            elapsed
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    println!(
        "load graph-v1.0-metadata.xml ({:.1} MB), one thread: median {:.1} ms over {ROUNDS} runs (min {:.1} ms)",
        bytes.len() as f64 / 1e6,
        runs[ROUNDS / 2],
        runs[0]
    );
}
