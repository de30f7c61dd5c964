//! The real binary: exit codes, messages, stdout output, and resuming an
//! export whose process was killed.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::read_rows;
use msgraph_emulator::{Emulator, EmulatorConfig};

const BIN: &str = env!("CARGO_BIN_EXE_callrecords");

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

fn run(args: &[&str]) -> Output {
    callrecords(args).output().expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn bad_arguments_exit_2_and_name_the_argument() {
    let o = run(&[
        "export",
        "pstn",
        "--emulator",
        "--from",
        "01/11/2026",
        "--to",
        "2026-11-02",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("--from") && e.contains("2026-11-01T08:00"),
        "{e}"
    );

    let o = run(&[
        "export",
        "voicemail",
        "--emulator",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-02",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("pstn"),
        "lists the kinds: {}",
        stderr(&o)
    );

    let o = run(&["export", "pstn", "--emulator", "--from", "2026-11-01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--to"));
}

#[test]
fn range_errors_exit_3() {
    let o = run(&[
        "export",
        "pstn",
        "--emulator",
        "--from",
        "2026-11-02",
        "--to",
        "2026-11-01",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not before --to"));

    let o = run(&[
        "export",
        "pstn",
        "--emulator",
        "--no-split",
        "--from",
        "2026-07-01",
        "--to",
        "2026-11-01",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let e = stderr(&o);
    assert!(e.contains("90d") && e.contains("drop --no-split"), "{e}");
}

#[test]
fn missing_credentials_exit_4_and_point_to_the_emulator() {
    let o = run(&[
        "export",
        "pstn",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-02",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("AZURE_TENANT_ID") && e.contains("--emulator"),
        "{e}"
    );
}

fn start_emulator(config: EmulatorConfig) -> (tokio::runtime::Runtime, Emulator) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let emu = rt.block_on(Emulator::start(config)).expect("emulator");
    (rt, emu)
}

#[test]
fn a_wrong_secret_exits_4_with_the_aadsts_code() {
    let (_rt, emu) = start_emulator(EmulatorConfig {
        client_secret: Some("right".into()),
        max_lifetime: Duration::from_secs(60),
        ..EmulatorConfig::default()
    });
    let base = emu.base_url();
    let o = callrecords(&[
        "export",
        "pstn",
        "--graph-url",
        &base,
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-02",
    ])
    .env("AZURE_TENANT_ID", "contoso")
    .env("AZURE_CLIENT_ID", "app")
    .env("AZURE_CLIENT_SECRET", "wrong")
    .env("AZURE_AUTHORITY_HOST", &base)
    .output()
    .expect("runs");
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    assert!(stderr(&o).contains("AADSTS7000215"), "{}", stderr(&o));

    // With the right secret the same command works against real-Graph code paths.
    let o = callrecords(&[
        "export",
        "pstn",
        "--graph-url",
        &base,
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-01T01:00",
    ])
    .env("AZURE_TENANT_ID", "contoso")
    .env("AZURE_CLIENT_ID", "app")
    .env("AZURE_CLIENT_SECRET", "right")
    .env("AZURE_AUTHORITY_HOST", &base)
    .output()
    .expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 84);
}

#[test]
fn an_unreachable_graph_exits_5() {
    let (_rt, emu) = start_emulator(EmulatorConfig {
        max_lifetime: Duration::from_secs(60),
        ..EmulatorConfig::default()
    });
    // A port that was free a moment ago: nothing listens there.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let graph = format!("http://127.0.0.1:{port}");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("n.ndjson");
    let out_s = out.to_str().expect("utf-8");
    let with_env = |c: &mut Command| {
        c.env("AZURE_TENANT_ID", "contoso")
            .env("AZURE_CLIENT_ID", "app")
            .env("AZURE_CLIENT_SECRET", "s")
            .env("AZURE_AUTHORITY_HOST", emu.base_url());
    };
    let mut c = callrecords(&[
        "export",
        "pstn",
        "--graph-url",
        &graph,
        "--retries",
        "0",
        "-o",
        out_s,
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-02",
    ]);
    with_env(&mut c);
    let o = c.output().expect("runs");
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("transport error") && e.contains("--resume"),
        "{e}"
    );

    // Even a failure on the first page leaves a checkpoint: once Graph answers, --resume works.
    let base = emu.base_url();
    let mut c = callrecords(&[
        "export",
        "pstn",
        "--graph-url",
        &base,
        "--resume",
        "-o",
        out_s,
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-02",
    ]);
    with_env(&mut c);
    let o = c.output().expect("runs");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(read_rows(&out, "ndjson").len(), 2000);
}

#[test]
fn stdout_gets_rows_and_stderr_a_summary_without_a_progress_bar() {
    let o = run(&[
        "export",
        "sms",
        "--emulator",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-02",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), 2000);
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "only the summary line: {e:?}");
    assert!(
        e.starts_with("sms: 2000 rows in 2 pages to stdout, 0 retries"),
        "{e}"
    );
    assert!(
        !e.contains('\u{1b}'),
        "no terminal escapes when stderr is a pipe"
    );
}

fn checkpoint_pages(path: &Path) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["pages"].as_u64())
        .unwrap_or(0)
}

#[test]
fn an_export_killed_mid_way_resumes_without_duplicates_or_gaps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let once = dir.path().join("once.csv");
    let killed = dir.path().join("killed.csv");
    let cp = dir.path().join("killed.csv.checkpoint.json");
    let common = [
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-02",
        "--format",
        "csv",
        "--page-size",
        "100",
    ];

    let mut args = vec![
        "export",
        "pstn",
        "--emulator",
        "-o",
        once.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(&common);
    assert_eq!(run(&args).status.code(), Some(0));

    // Slow pages (150 ms each, 20 pages), killed once a few pages are checkpointed.
    let mut args = vec![
        "export",
        "pstn",
        "--emulator",
        "--emulator-delay-ms",
        "150",
        "-o",
        killed.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(&common);
    let mut child = callrecords(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(30);
    while checkpoint_pages(&cp) < 4 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill");
    child.wait().expect("reaped");
    let at_kill = checkpoint_pages(&cp);
    assert!(
        (4..20).contains(&at_kill),
        "killed mid-way, after {at_kill} pages"
    );

    // The emulator of the resumed run listens on another port: the checkpoint's link is relative.
    let mut args = vec![
        "export",
        "pstn",
        "--emulator",
        "--resume",
        "-o",
        killed.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(&common);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("resumed"), "{}", stderr(&o));
    assert!(!cp.exists());
    let a = std::fs::read(&once).expect("once");
    let b = std::fs::read(&killed).expect("killed");
    assert!(a == b, "resumed file differs from a one-shot export");
    assert_eq!(read_rows(&killed, "csv").len(), 2000);
}

#[test]
fn ctrl_c_exits_130_and_the_export_resumes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("i.ndjson");
    let cp = dir.path().join("i.ndjson.checkpoint.json");
    let common = [
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-02",
        "--page-size",
        "100",
    ];
    let mut args = vec![
        "export",
        "pstn",
        "--emulator",
        "--emulator-delay-ms",
        "150",
        "-o",
        out.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(&common);
    let mut child = callrecords(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(30);
    while checkpoint_pages(&cp) < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-INT", &pid]).status();
    if !matches!(killed, Ok(s) if s.success()) {
        let _ = child.kill();
    }
    let o = child.wait_with_output().expect("waits");
    if !matches!(killed, Ok(s) if s.success()) {
        println!("skipped: cannot send SIGINT with kill(1)");
        return;
    }
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    let mut args = vec![
        "export",
        "pstn",
        "--emulator",
        "--resume",
        "-o",
        out.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(&common);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = read_rows(&out, "ndjson");
    assert_eq!(rows.len(), 2000);
    let ids: std::collections::HashSet<&str> =
        rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids.len(), 2000);
}

/// A Graph stand-in on 127.0.0.1 answering every call-records request with
/// `page` (tokens come from the emulator).
fn fake_graph(rt: &tokio::runtime::Runtime, page: serde_json::Value) -> String {
    use axum::routing::get;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("addr");
    let app = axum::Router::new().route(
        "/v1.0/communications/callRecords/{*rest}",
        get(move || {
            let page = page.clone();
            async move { axum::Json(page) }
        }),
    );
    rt.spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

/// Log rows are written as Graph sent them: a member added to the API after
/// the last metadata import reaches NDJSON as is and CSV's `otherMembers`.
/// A row that does not match the schema fails with its JSON path.
#[test]
fn log_rows_keep_members_newer_than_the_metadata() {
    let (rt, emu) = start_emulator(EmulatorConfig {
        max_lifetime: Duration::from_secs(60),
        ..EmulatorConfig::default()
    });
    let row = serde_json::json!({
        "id": "9e2ba0a7-0000-0000-0000-000000000001",
        "callType": "ucap_in",
        "charge": 0.02,
        "startDateTime": "2026-11-01T00:00:00Z",
        "futureMember": {"kind": "new", "level": 3}
    });
    let graph = fake_graph(&rt, serde_json::json!({"value": [row]}));
    let dir = tempfile::tempdir().expect("tempdir");
    let export = |format: &str, graph: &str| {
        let out = dir.path().join(format!("p.{format}"));
        let o = callrecords(&[
            "export",
            "pstn",
            "--graph-url",
            graph,
            "--format",
            format,
            "--force",
            "-o",
            out.to_str().expect("utf-8"),
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-02",
        ])
        .env("AZURE_TENANT_ID", "contoso")
        .env("AZURE_CLIENT_ID", "app")
        .env("AZURE_CLIENT_SECRET", "s")
        .env("AZURE_AUTHORITY_HOST", emu.base_url())
        .output()
        .expect("runs");
        (o, out)
    };
    let (o, out) = export("ndjson", &graph);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(read_rows(&out, "ndjson"), std::slice::from_ref(&row));

    let (o, out) = export("csv", &graph);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = read_rows(&out, "csv");
    assert_eq!(rows[0]["charge"], "0.02");
    let other: serde_json::Value =
        serde_json::from_str(rows[0]["otherMembers"].as_str().expect("text")).expect("JSON");
    assert_eq!(
        other,
        serde_json::json!({"futureMember": {"kind": "new", "level": 3}})
    );

    let mut bad = row;
    bad["charge"] = "a lot".into();
    let graph = fake_graph(&rt, serde_json::json!({"value": [bad]}));
    for format in ["ndjson", "csv"] {
        let (o, _) = export(format, &graph);
        assert_ne!(o.status.code(), Some(0), "{format}");
        let e = stderr(&o);
        assert!(e.contains("value[0].charge"), "{format}: {e}");
        assert!(e.contains("hint:"), "{format}: {e}");
    }
}
