//! Issue 18's probe, small enough for CI: an export against the emulator
//! with faults (429, 503, connection resets, truncated bodies) is killed
//! with SIGKILL at seeded-random moments, some while a checkpoint is being
//! written, then resumed until it completes; its rows must be exactly those
//! of an uninterrupted export (none lost, none repeated), for NDJSON and CSV.
//!
//! The killed runs send requests concurrently (`--concurrency 8`, several
//! windows or records at once) and are compared with an uninterrupted run
//! that sends one at a time (`--concurrency 1`): a checkpoint covers only
//! the completed in-order prefix, so what was in flight is fetched again.
//!
//! `CALLRECORDS_KILL_SEED=<n>` replays a run (the seed is printed).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::read_rows;

const BIN: &str = env!("CARGO_BIN_EXE_callrecords");

/// Kills per format.
const KILLS: usize = 5;

/// What is exported: its arguments and the rows of the uninterrupted export.
struct Export {
    kind: &'static str,
    args: &'static [&'static str],
    rows: usize,
}

/// PSTN calls over 4 windows of 12 hours, 6 pages of 50 rows each.
const PSTN: Export = Export {
    kind: "pstn",
    args: &[
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-03",
        "--window",
        "12h",
        "--page-size",
        "50",
        "--emulator-rows-per-day",
        "600",
    ],
    rows: 1200,
};

/// The sessions of a day's call records, 5 records per list page (each
/// record's sessions are one more request, fetched concurrently).
const SESSIONS: Export = Export {
    kind: "sessions",
    args: &[
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-02",
        "--page-size",
        "5",
    ],
    rows: 0, // Counted from the uninterrupted export; checked to be non-zero.
};

fn export_args(what: &Export, out: &Path, format: &str, concurrency: &str) -> Vec<String> {
    let mut v: Vec<&str> = vec![
        "export",
        what.kind,
        "--emulator",
        "--format",
        format,
        "-o",
        out.to_str().expect("utf-8 path"),
        "--concurrency",
        concurrency,
    ];
    v.extend_from_slice(what.args);
    v.extend_from_slice(&[
        "--emulator-delay-ms",
        "10",
        "--emulator-throttle-every",
        "7",
        "--emulator-unavailable-every",
        "11",
        "--emulator-reset-every",
        "13",
        "--emulator-truncate-every",
        "17",
    ]);
    v.iter().map(|s| s.to_string()).collect()
}

fn spawn(args: &[String], extra: &[&str]) -> Child {
    let mut c = Command::new(BIN);
    c.args(args).args(extra);
    for var in [
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "RUST_LOG",
    ] {
        c.env_remove(var);
    }
    c.stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn callrecords")
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", out.display()))
}

/// `--resume` when a checkpoint exists (a run killed before writing its
/// first checkpoint is started again).
fn resume_flag(out: &Path) -> &'static [&'static str] {
    if sibling(out, ".checkpoint.json").exists() {
        &["--resume"]
    } else {
        &[]
    }
}

/// How a run is stopped.
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// SIGKILL this long after it started.
    After(Duration),
    /// SIGKILL while it writes a checkpoint (its temporary file exists; the
    /// run pauses there so the moment can be caught).
    InCheckpointWrite,
}

/// Run once and kill as `kill` says; `true` if it was killed before it completed.
fn run_and_kill(args: &[String], out: &Path, kill: Kill) -> bool {
    let tmp = sibling(out, ".checkpoint.json.tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut extra: Vec<&str> = resume_flag(out).to_vec();
    if let Kill::InCheckpointWrite = kill {
        extra.extend_from_slice(&["--checkpoint-pause-ms", "30"]);
    }
    let mut child = spawn(args, &extra);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            let stderr = child
                .stderr
                .take()
                .map(|mut e| {
                    let mut s = String::new();
                    let _ = std::io::Read::read_to_string(&mut e, &mut s);
                    s
                })
                .unwrap_or_default();
            assert!(status.success(), "a run failed on its own: {stderr}");
            return false;
        }
        let now = match kill {
            Kill::After(d) => started.elapsed() >= d,
            // Not the first checkpoint: some rows must be at stake.
            Kill::InCheckpointWrite => {
                tmp.exists() && started.elapsed() > Duration::from_millis(150)
            }
        };
        if now || Instant::now() > deadline {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
            // The kill may land after the run completed (its output renamed
            // into place and its checkpoint removed): then it is done.
            let complete = out.exists() && !sibling(out, ".checkpoint.json").exists();
            return !complete;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Run to completion (resuming), a few tries at most.
fn finish(args: &[String], out: &Path) {
    for _ in 0..3 {
        let o = spawn(args, resume_flag(out))
            .wait_with_output()
            .expect("runs");
        if o.status.success() {
            return;
        }
        eprintln!(
            "a resumed run failed, again: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    panic!("the export did not complete in 3 resumed runs");
}

fn killed_and_resumed_equals_uninterrupted(what: &Export, format: &str, rng: &mut fastrand::Rng) {
    let dir = tempfile::tempdir().expect("tempdir");
    let once = dir.path().join(format!("once.{format}"));
    let killed = dir.path().join(format!("killed.{format}"));
    let o = spawn(&export_args(what, &once, format, "1"), &[])
        .wait_with_output()
        .expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let args = export_args(what, &killed, format, "8");
    let mut kills = Vec::new();
    let mut done = false;
    for _ in 0..KILLS {
        let kill = if rng.bool() {
            Kill::InCheckpointWrite
        } else {
            Kill::After(Duration::from_millis(rng.u64(30..500)))
        };
        if !run_and_kill(&args, &killed, kill) {
            done = true; // Complete before the kill came.
            break;
        }
        kills.push(kill);
    }
    println!("{format}: killed {kills:?}");
    assert!(!kills.is_empty(), "{format}: no run was killed");
    if !done {
        finish(&args, &killed);
    }

    let want = read_rows(&once, format);
    let got = read_rows(&killed, format);
    if what.rows > 0 {
        assert_eq!(want.len(), what.rows, "{format}: the uninterrupted export");
    } else {
        assert!(
            !want.is_empty(),
            "{format}: the uninterrupted export is empty"
        );
    }
    // Session ids are unique within their call record only.
    let ids = |rows: &[serde_json::Value]| -> Vec<String> {
        rows.iter()
            .map(|r| format!("{}/{}", r["callRecordId"], r["id"]))
            .collect()
    };
    let (want_ids, got_ids) = (ids(&want), ids(&got));
    let lost = want_ids.iter().filter(|i| !got_ids.contains(i)).count();
    let mut seen = std::collections::HashSet::new();
    let repeated = got_ids.iter().filter(|i| !seen.insert(*i)).count();
    assert_eq!((lost, repeated), (0, 0), "{format}: rows lost, repeated");
    assert!(
        got == want,
        "{format}: the rows differ from an uninterrupted export"
    );
    assert!(
        std::fs::read(&once).expect("once") == std::fs::read(&killed).expect("killed"),
        "{format}: the files differ"
    );
    for leftover in [".partial", ".checkpoint.json", ".lock"] {
        assert!(
            !sibling(&killed, leftover).exists(),
            "{leftover} left behind"
        );
    }
}

#[test]
fn an_export_killed_at_random_moments_resumes_to_the_uninterrupted_rows() {
    let seed = std::env::var("CALLRECORDS_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(18);
    println!("CALLRECORDS_KILL_SEED={seed}");
    let mut rng = fastrand::Rng::with_seed(seed);
    for format in ["ndjson", "csv"] {
        killed_and_resumed_equals_uninterrupted(&PSTN, format, &mut rng);
    }
}

#[test]
fn a_concurrent_sessions_export_killed_at_random_moments_resumes_exactly() {
    let seed = std::env::var("CALLRECORDS_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(17);
    println!("CALLRECORDS_KILL_SEED={seed}");
    let mut rng = fastrand::Rng::with_seed(seed);
    killed_and_resumed_equals_uninterrupted(&SESSIONS, "ndjson", &mut rng);
}
