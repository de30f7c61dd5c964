//! Issue 18: exports never lose or corrupt the user's data. One test (or
//! more) per defect found by the hostile-user probe, each failing before its
//! fix: the real binary where exit codes and messages matter, the library
//! where checkpoints are tampered with.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use callrecords_cli::checkpoint::Checkpoint;
use callrecords_cli::{export, Category};
use common::{export_args, read_rows};
use msgraph_emulator::{Emulator, EmulatorConfig};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_callrecords");
const DAY: [&str; 4] = ["--from", "2026-11-01", "--to", "2026-11-02"];

fn callrecords(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args);
    for var in [
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_CLIENT_CERTIFICATE_PATH",
        "AZURE_AUTHORITY_HOST",
        "RUST_LOG",
    ] {
        c.env_remove(var);
    }
    c
}

/// Credentials for a token endpoint at `authority`.
fn with_credentials<'a>(c: &'a mut Command, authority: &str) -> &'a mut Command {
    c.env("AZURE_TENANT_ID", "contoso")
        .env("AZURE_CLIENT_ID", "app")
        .env("AZURE_CLIENT_SECRET", "s")
        .env("AZURE_AUTHORITY_HOST", authority)
}

fn run(args: &[&str]) -> Output {
    callrecords(args).output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn start_emulator() -> (tokio::runtime::Runtime, Emulator) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let emu = rt
        .block_on(Emulator::start(EmulatorConfig {
            max_lifetime: Duration::from_secs(60),
            ..EmulatorConfig::default()
        }))
        .expect("emulator");
    (rt, emu)
}

/// A port nothing listens on (free a moment ago).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

// ---- defect 1: a failed run destroys the existing output ----

#[test]
fn a_failed_or_refused_run_leaves_an_existing_output_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("p.ndjson");
    let o_s = out.to_str().expect("utf-8");
    std::fs::write(&out, "old\n").expect("write");
    // No credentials (exit 4 before the fix, with the file emptied).
    let mut args = vec!["export", "pstn", "-o", o_s];
    args.extend_from_slice(&DAY);
    let o = run(&args);
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "old\n");
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert!(
        !dir.path().join("p.ndjson.lock").exists(),
        "a run that ends releases and removes its lock"
    );

    // Even with --force, a failure leaves it as it was.
    args.push("--force");
    let o = run(&args);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "old\n");

    // With a token endpoint that does not answer: the same.
    let authority = format!("http://127.0.0.1:{}", closed_port());
    let mut c = callrecords(&args);
    with_credentials(&mut c, &authority).args(["--retries", "0"]);
    let o = c.output().expect("runs");
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "old\n");
}

#[test]
fn an_existing_output_is_replaced_only_with_force_and_only_when_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("p.ndjson");
    let o_s = out.to_str().expect("utf-8");
    std::fs::write(&out, "old\n").expect("write");
    let mut args = vec!["export", "pstn", "--emulator", "-o", o_s];
    args.extend_from_slice(&DAY);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("already exists") && stderr(&o).contains("hint:"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "old\n");

    // Stopped part-way with --force: the old file is still whole.
    let mut stopped = args.clone();
    stopped.extend_from_slice(&["--force", "--page-size", "500", "--stop-after-pages", "1"]);
    let o = run(&stopped);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "old\n");

    let mut resumed = args.clone();
    resumed.extend_from_slice(&["--page-size", "500", "--resume"]);
    let o = run(&resumed);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(read_rows(&out, "ndjson").len(), 2000);
    for leftover in [
        "p.ndjson.partial",
        "p.ndjson.checkpoint.json",
        "p.ndjson.lock",
    ] {
        assert!(
            !dir.path().join(leftover).exists(),
            "{leftover} left behind"
        );
    }
}

#[test]
fn output_errors_say_what_to_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("missing-dir").join("p.ndjson");
    let mut args = vec![
        "export",
        "pstn",
        "--emulator",
        "-o",
        out.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(&DAY);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("hint:"), "{}", stderr(&o));

    let mut args = vec!["export", "pstn", "--emulator", "--page-size", "0"];
    args.extend_from_slice(&DAY);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("hint:"), "{}", stderr(&o));
}

// ---- defects 2 and 3: a refused next link in the checkpoint ----

/// How the fake Graph pages: two pages, A (`?` none) and B (`$skip=1`).
const FIXED: u8 = 0;
/// B's next link is A's URL again.
const LOOP: u8 = 1;
/// A's next link is on another host.
const FOREIGN: u8 = 2;

fn log_row(id: &str) -> Value {
    json!({
        "id": id,
        "callType": "ucap_in",
        "charge": 0.02,
        "startDateTime": "2026-11-01T00:00:00Z"
    })
}

/// A Graph stand-in on 127.0.0.1 serving two pages of any log function,
/// misbehaving as `mode` says.
fn paging_graph(rt: &tokio::runtime::Runtime, mode: Arc<AtomicU8>) -> String {
    use axum::routing::get;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind 127.0.0.1:0");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let root = base.clone();
    let app = axum::Router::new().route(
        "/v1.0/communications/callRecords/{*rest}",
        get(move |uri: axum::http::Uri| {
            let mode = mode.load(Ordering::SeqCst);
            let here = format!("{root}{}", uri.path());
            let page = if uri.query().is_some_and(|q| q.contains("skip=1")) {
                let mut b = json!({"value": [log_row("b")]});
                if mode == LOOP {
                    b["@odata.nextLink"] = here.into();
                }
                b
            } else {
                let next = if mode == FOREIGN {
                    format!("https://foreign.invalid{}?$skip=1", uri.path())
                } else {
                    format!("{here}?$skip=1")
                };
                json!({"value": [log_row("a")], "@odata.nextLink": next})
            };
            async move { axum::Json(page) }
        }),
    );
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

/// Export from the fake Graph: first misbehaving as `mode` (exit 5 with a
/// hint naming `needle`), then `--resume` once it behaves: each row once.
fn refused_link_then_resume(mode: u8, needle: &str) {
    let (rt, emu) = start_emulator();
    let state = Arc::new(AtomicU8::new(mode));
    let graph = paging_graph(&rt, state.clone());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("p.ndjson");
    let mut args = vec![
        "export",
        "pstn",
        "--graph-url",
        &graph,
        "-o",
        out.to_str().expect("utf-8"),
        "--retries",
        "0",
    ];
    args.extend_from_slice(&DAY);
    let o = with_credentials(&mut callrecords(&args), &emu.base_url())
        .output()
        .expect("runs");
    let refused = stderr(&o);
    assert_eq!(o.status.code(), Some(5), "{refused}");

    state.store(FIXED, Ordering::SeqCst);
    args.push("--resume");
    let o = with_credentials(&mut callrecords(&args), &emu.base_url())
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ids: Vec<Value> = read_rows(&out, "ndjson")
        .into_iter()
        .map(|r| r["id"].clone())
        .collect();
    assert_eq!(ids, vec![json!("a"), json!("b")], "each row exactly once");
    assert!(
        refused.contains(needle) && refused.contains("hint:"),
        "{refused}"
    );
}

#[test]
fn a_paging_loop_is_not_checkpointed_and_resume_repeats_no_page() {
    refused_link_then_resume(LOOP, "paging loop");
}

#[test]
fn a_foreign_next_link_is_refused_before_it_is_checkpointed() {
    refused_link_then_resume(FOREIGN, "another host");
}

// ---- defect 4: checkpoint values are trusted ----

/// An export of 3 windows (400 rows a day, pages of 100) stopped after
/// `pages` pages; returns the directory and the argument list.
async fn stopped_export(format: &str, pages: &str) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join(format!("t.{format}"));
    let args: Vec<String> = [
        "pstn",
        "--emulator",
        "--format",
        format,
        "-o",
        out.to_str().expect("utf-8"),
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-04",
        "--window",
        "1d",
        "--page-size",
        "100",
        "--emulator-rows-per-day",
        "400",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut stop = args.clone();
    stop.extend(["--stop-after-pages".to_string(), pages.to_string()]);
    let refs: Vec<&str> = stop.iter().map(String::as_str).collect();
    export(&export_args(&refs)).await.expect_err("stops early");
    (dir, args)
}

async fn resume(args: &[String]) -> Result<callrecords_cli::Summary, callrecords_cli::CliError> {
    let mut v: Vec<&str> = args.iter().map(String::as_str).collect();
    v.push("--resume");
    export(&export_args(&v)).await
}

/// The checkpoint file as JSON.
fn checkpoint_json(dir: &Path, format: &str) -> (std::path::PathBuf, Value) {
    let p = dir.join(format!("t.{format}.checkpoint.json"));
    let v = serde_json::from_str(&std::fs::read_to_string(&p).expect("checkpoint")).expect("JSON");
    (p, v)
}

/// Each field edited (and the checkpoint written again by the program's own
/// writer, as a buggy or older program would): `--resume` refuses with
/// exit 3 and a hint instead of a silently wrong file.
#[tokio::test]
async fn a_tampered_checkpoint_is_refused_field_by_field() {
    type Edit = fn(&mut Value);
    let cases: [(&str, &str, Edit); 12] = [
        ("window", "ndjson", |v| v["window"] = json!(99)),
        ("bytes: 0", "csv", |v| v["bytes"] = json!(0)),
        ("bytes: mid-row", "ndjson", |v| {
            v["bytes"] = json!(v["bytes"].as_u64().unwrap_or(0) - 5)
        }),
        ("bytes: past the end", "json", |v| {
            v["bytes"] = json!(v["bytes"].as_u64().unwrap_or(0) + 100_000)
        }),
        ("rows", "csv", |v| {
            v["rows"] = json!(v["rows"].as_u64().unwrap_or(0) + 7)
        }),
        ("pages", "ndjson", |v| v["pages"] = json!(0)),
        ("next_link: another function", "ndjson", |v| {
            let l = v["next_link"]
                .as_str()
                .unwrap_or("")
                .replace("getPstnCalls", "getSmsLog");
            v["next_link"] = json!(l)
        }),
        ("next_link: another host", "ndjson", |v| {
            let l = format!(
                "https://foreign.invalid/v1.0{}",
                v["next_link"].as_str().unwrap_or("")
            );
            v["next_link"] = json!(l)
        }),
        ("next_link: another range", "ndjson", |v| {
            let l = v["next_link"]
                .as_str()
                .unwrap_or("")
                .replace("2026-11-02", "2026-10-02");
            v["next_link"] = json!(l)
        }),
        ("fingerprint", "ndjson", |v| {
            v["fingerprint"] = json!("sms|beta=true|ndjson")
        }),
        ("range", "ndjson", |v| {
            v["range"]["from"] = json!("2026-10-01T00:00:00Z")
        }),
        ("version", "ndjson", |v| v["version"] = json!(1)),
    ];
    for (name, format, edit) in cases {
        // 6 pages: in window 2, with a next link.
        let (dir, args) = stopped_export(format, "6").await;
        let (path, mut v) = checkpoint_json(dir.path(), format);
        assert!(v["next_link"].is_string(), "{name}: {v}");
        edit(&mut v);
        let cp: Checkpoint = serde_json::from_value(v).expect("still a checkpoint");
        cp.save(&path).expect("saved");
        let e = resume(&args)
            .await
            .err()
            .unwrap_or_else(|| panic!("{name}: resumed"));
        let needle = match name {
            "window" => "windows",
            "bytes: 0" => "CSV header",
            "bytes: mid-row" => "inside a row",
            "bytes: past the end" => "shorter",
            "rows" => "rows were written",
            "pages" => "pages were written",
            "next_link: another function" => "getSmsLog",
            "next_link: another host" => "another host",
            "next_link: another range" => "another range",
            "version" => "format version",
            _ => "different export",
        };
        assert!(e.to_string().contains(needle), "{name}: {e}");
        assert_eq!(e.category, Category::Validation, "{name}: {e}");
        assert!(e.hint.is_some(), "{name}: {e}");
    }
}

/// An edit no field check can see (`$skip=0` would repeat 100 rows) is
/// caught by the checkpoint's seal.
#[tokio::test]
async fn a_hand_edited_checkpoint_is_refused() {
    let (dir, args) = stopped_export("ndjson", "6").await;
    let (path, v) = checkpoint_json(dir.path(), "ndjson");
    let link = v["next_link"].as_str().expect("a next link").to_string();
    assert!(link.contains("skip=200"), "{link}");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("skip=200", "skip=0")).expect("write");
    let e = resume(&args).await.expect_err("refused");
    assert_eq!(e.category, Category::Validation, "{e}");
    assert!(e.to_string().contains("changed"), "{e}");
    assert!(e.hint.is_some());
}

/// A run stopped between renaming the complete output into place and
/// removing its checkpoint: `--resume` finds the export complete.
#[tokio::test]
async fn resume_after_the_final_rename_finds_the_export_complete() {
    let (dir, args) = stopped_export("ndjson", "6").await;
    let (path, v) = checkpoint_json(dir.path(), "ndjson");
    let mut cp: Checkpoint = serde_json::from_value(v).expect("a checkpoint");
    cp.window = 3;
    cp.next_link = None;
    cp.pages = 12;
    cp.save(&path).expect("saved");
    let out = dir.path().join("t.ndjson");
    std::fs::rename(dir.path().join("t.ndjson.partial"), &out).expect("rename");
    let before = std::fs::read(&out).expect("read");
    let s = resume(&args).await.expect("complete");
    assert_eq!(s.rows, cp.rows);
    assert!(!path.exists(), "the checkpoint is removed");
    assert_eq!(
        std::fs::read(&out).expect("read"),
        before,
        "the output is left as it is"
    );
}

#[test]
fn a_checkpoint_that_is_not_text_says_delete_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("p.ndjson");
    let o_s = out.to_str().expect("utf-8");
    let cp = dir.path().join("p.ndjson.checkpoint.json");
    std::fs::write(&cp, [0xff, 0xfe, 0x00, 0x7b]).expect("write");
    let mut args = vec!["export", "pstn", "--emulator", "-o", o_s];
    args.extend_from_slice(&DAY);
    for extra in [&["--resume"][..], &[]] {
        let mut a = args.clone();
        a.extend_from_slice(extra);
        let o = run(&a);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{extra:?}: {e}");
        assert!(
            e.contains("damaged") && e.contains("hint: delete"),
            "{extra:?}: {e}"
        );
    }
    // Doing what the hint says works.
    std::fs::remove_file(&cp).expect("remove");
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A second run on the same output while the first is running is refused,
/// and the first is not disturbed.
#[test]
fn a_second_run_on_the_same_output_is_refused_by_the_lock() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("l.ndjson");
    let o_s = out.to_str().expect("utf-8");
    let cp = dir.path().join("l.ndjson.checkpoint.json");
    let mut args = vec![
        "export",
        "pstn",
        "--emulator",
        "-o",
        o_s,
        "--page-size",
        "100",
    ];
    args.extend_from_slice(&DAY);
    let mut slow = args.clone();
    slow.extend_from_slice(&["--emulator-delay-ms", "100"]);
    let mut first = callrecords(&slow)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Checkpoint::load(&cp).map_or(true, |c| c.pages < 1) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    for extra in [&["--resume"][..], &["--force"]] {
        let mut second = args.clone();
        second.extend_from_slice(extra);
        let o = run(&second);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{extra:?}: {e}");
        assert!(
            e.contains("another callrecords export") && e.contains("hint:"),
            "{e}"
        );
    }
    let status = first.wait().expect("first run ends");
    assert!(status.success(), "the first run was not disturbed");
    assert_eq!(read_rows(&out, "ndjson").len(), 2000);
}

// ---- defect 5: error categories ----

#[test]
fn an_unreachable_token_endpoint_is_a_network_failure() {
    let (_rt, emu) = start_emulator();
    let authority = format!("http://127.0.0.1:{}", closed_port());
    let graph = emu.base_url();
    let mut args = vec!["export", "pstn", "--graph-url", &graph, "--retries", "0"];
    args.extend_from_slice(&DAY);
    let o = with_credentials(&mut callrecords(&args), &authority)
        .output()
        .expect("runs");
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(5), "{e}");
    assert!(e.contains("hint:") && e.contains("network"), "{e}");
}

#[test]
fn malformed_settings_exit_3() {
    let (_rt, emu) = start_emulator();
    let base = emu.base_url();
    // http to a host that is not loopback.
    let mut args = vec![
        "export",
        "pstn",
        "--graph-url",
        "http://graph.example.invalid",
    ];
    args.extend_from_slice(&DAY);
    let o = with_credentials(&mut callrecords(&args), &base)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("hint:"), "{}", stderr(&o));
    // A tenant id that is no tenant.
    let mut args = vec!["export", "pstn", "--graph-url", &base, "--retries", "0"];
    args.extend_from_slice(&DAY);
    let o = with_credentials(&mut callrecords(&args), &base)
        .env("AZURE_TENANT_ID", "not/a tenant")
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("AZURE_TENANT_ID"), "{}", stderr(&o));
}

/// The README's exit-code table lists exactly the codes the CLI uses.
#[test]
fn the_readme_exit_codes_are_the_cli_s() {
    let readme = std::fs::read_to_string(Path::new(&common::manifest_dir()).join("README.md"))
        .expect("README.md");
    let table = readme
        .split("## Exit codes")
        .nth(1)
        .expect("an exit-code section");
    let mut codes: Vec<u8> = table
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(' ').next()?.parse().ok())
        .collect();
    codes.sort_unstable();
    let mut cli: Vec<u8> = [
        Category::Other,
        Category::Usage,
        Category::Validation,
        Category::Auth,
        Category::Network,
        Category::Interrupted,
    ]
    .iter()
    .map(|c| c.code())
    .collect();
    cli.push(0);
    cli.sort_unstable();
    assert_eq!(codes, cli);
}

// ---- defect 6: unbounded ranges ----

#[test]
fn ranges_no_data_can_be_in_are_refused() {
    for (from, to, needle) in [
        ("0001-01-01", "9999-12-31", "before any call data"),
        ("2026-11-01", "9999-12-31", "in the future"),
    ] {
        let o = run(&["export", "pstn", "--from", from, "--to", to]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{from}..{to}: {e}");
        assert!(e.contains(needle) && e.contains("hint:"), "{e}");
    }
}

#[test]
fn hundreds_of_windows_need_max_windows() {
    let range = [
        "--from",
        "2018-01-01",
        "--to",
        "2026-11-02",
        "--window",
        "1d",
    ];
    let mut args = vec!["export", "direct-routing"];
    args.extend_from_slice(&range);
    let o = run(&args);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{e}");
    assert!(
        e.contains("--max-windows 3227") && e.contains("hint:"),
        "{e}"
    );
    // With the override the plan is accepted (and then credentials are missing: 4).
    args.extend_from_slice(&["--max-windows", "4000"]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

// ---- defect 7: the summary of a resumed run ----

#[tokio::test]
async fn a_resumed_run_reports_its_own_rows_and_the_earlier_ones() {
    let (_dir, args) = stopped_export("ndjson", "6").await;
    let s = resume(&args).await.expect("resumes");
    assert_eq!(s.rows, 1200);
    assert!(
        s.line
            .contains("resumed: 600 rows from the earlier run, 600 in this one"),
        "{}",
        s.line
    );
}

// ---- defect 9: the response-size cap ----

#[test]
fn the_response_size_cap_is_configurable() {
    let mut args = vec![
        "export",
        "pstn",
        "--emulator",
        "--max-response-bytes",
        "2000",
    ];
    args.extend_from_slice(&DAY);
    let o = run(&args);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(5), "{e}");
    assert!(e.contains("larger than the limit of 2000 bytes"), "{e}");
    assert!(e.contains("hint:") && e.contains("--page-size"), "{e}");
}
