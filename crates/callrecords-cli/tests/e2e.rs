//! End to end, in-process: the export library against the embedded emulator,
//! for every kind and format, windows, includes, throttling and resume.

mod common;

use std::collections::HashSet;

use callrecords_cli::columns::columns;
use callrecords_cli::output::OTHER_MEMBERS;
use callrecords_cli::{export, Category, Kind};
use common::{export_args, first_line, read_rows};
use serde_json::Value;

const DAY: [&str; 4] = ["--from", "2026-11-01", "--to", "2026-11-02"];
const MORNING: [&str; 4] = ["--from", "2026-11-01T00:00", "--to", "2026-11-01T06:00"];

/// Golden row counts of the default emulator data (seed 42, 2000 log rows per day,
/// one call record every 10 minutes).
const GOLDEN: [(&str, Kind, &[&str], usize); 7] = [
    ("pstn", Kind::Pstn, &DAY, 2000),
    ("direct-routing", Kind::DirectRouting, &DAY, 2000),
    ("blocked-users", Kind::BlockedUsers, &DAY, 2000),
    ("dialout-report", Kind::DialoutReport, &DAY, 2000),
    ("sms", Kind::Sms, &DAY, 2000),
    ("call-records", Kind::CallRecords, &MORNING, 36),
    ("sessions", Kind::Sessions, &MORNING, 83),
];

#[tokio::test]
async fn every_kind_and_format_has_the_golden_rows_and_header() {
    let dir = tempfile::tempdir().unwrap();
    for (name, kind, range, rows) in GOLDEN {
        for format in ["ndjson", "csv", "json"] {
            let out = dir.path().join(format!("{name}.{format}"));
            let out_s = out.to_str().unwrap();
            let mut list = vec![name, "--emulator", "--format", format, "--output", out_s];
            list.extend_from_slice(range);
            let summary = export(&export_args(&list))
                .await
                .unwrap_or_else(|e| panic!("{name} {format}: {e}"));
            assert_eq!(summary.rows, rows as u64, "{name} {format}");
            let got = read_rows(&out, format);
            assert_eq!(got.len(), rows, "{name} {format} rows in the file");
            assert!(
                !dir.path()
                    .join(format!("{name}.{format}.checkpoint.json"))
                    .exists(),
                "a finished export removes its checkpoint"
            );
            if format == "csv" {
                let beta =
                    kind == Kind::BlockedUsers || kind == Kind::DialoutReport || kind == Kind::Sms;
                assert_eq!(
                    first_line(&out),
                    format!("{},{OTHER_MEMBERS}", columns(kind, beta).join(",")),
                    "{name} header"
                );
            } else {
                assert!(
                    got.iter().all(Value::is_object),
                    "{name} {format}: one object per row"
                );
            }
        }
    }
}

#[tokio::test]
async fn pstn_csv_header_is_the_csdl_property_list() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.csv");
    let mut list = vec![
        "pstn",
        "--emulator",
        "--format",
        "csv",
        "-o",
        out.to_str().unwrap(),
    ];
    list.extend_from_slice(&["--from", "2026-11-01", "--to", "2026-11-01T01:00"]);
    export(&export_args(&list)).await.unwrap();
    assert_eq!(
        first_line(&out),
        "callDurationSource,calleeNumber,callerNumber,callId,callType,charge,conferenceId,\
         connectionCharge,currency,destinationContext,destinationName,duration,endDateTime,id,\
         inventoryType,licenseCapability,operator,startDateTime,tenantCountryCode,usageCountryCode,\
         userDisplayName,userId,userPrincipalName,otherMembers"
    );
    let rows = read_rows(&out, "csv");
    // 2000 rows a day: one every 43.2 s, so 84 rows start in [00:00, 01:00).
    assert_eq!(rows.len(), 84);
    assert_eq!(rows[0]["startDateTime"], "2026-11-01T00:00:00Z");
    assert!(rows
        .iter()
        .all(|r| !r["id"].as_str().unwrap_or("").is_empty()));
}

#[tokio::test]
async fn beta_pstn_has_the_beta_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.csv");
    let mut list = vec![
        "pstn",
        "--beta",
        "--emulator",
        "--format",
        "csv",
        "-o",
        out.to_str().unwrap(),
    ];
    list.extend_from_slice(&DAY);
    export(&export_args(&list)).await.unwrap();
    let header = first_line(&out);
    assert!(
        header.starts_with("administrativeUnitInfos,id,otherPartyCountryCode,"),
        "{header}"
    );
    let rows = read_rows(&out, "csv");
    assert_eq!(rows.len(), 2000);
    assert!(rows.iter().any(|r| !r["clientPublicIpV4Address"]
        .as_str()
        .unwrap_or("")
        .is_empty()));
}

/// The rows of a one-shot export and of a windowed one are the same, in the same order.
async fn rows_of(kind: &str, extra: &[&str], dir: &std::path::Path, tag: &str) -> Vec<Value> {
    let out = dir.join(format!("{kind}-{tag}.ndjson"));
    let mut list = vec![kind, "--emulator", "-o", out.to_str().unwrap()];
    list.extend_from_slice(extra);
    export(&export_args(&list)).await.unwrap();
    read_rows(&out, "ndjson")
}

#[tokio::test]
async fn windows_cover_the_range_once_for_inclusive_and_exclusive_operations() {
    let dir = tempfile::tempdir().unwrap();
    let range = [
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-04",
        "--emulator-rows-per-day",
        "400",
    ];
    for kind in ["pstn", "direct-routing", "sms"] {
        let whole = rows_of(
            kind,
            &[&range[..], &["--no-split"]].concat(),
            dir.path(),
            "whole",
        )
        .await;
        let split = rows_of(
            kind,
            &[&range[..], &["--window", "7h"]].concat(),
            dir.path(),
            "split",
        )
        .await;
        assert_eq!(whole.len(), 1200, "{kind}");
        assert_eq!(
            whole, split,
            "{kind}: windowed export differs from the one-shot export"
        );
        let ids: HashSet<&str> = split.iter().filter_map(|r| r["id"].as_str()).collect();
        assert_eq!(ids.len(), split.len(), "{kind}: no duplicates");
    }
}

#[tokio::test]
async fn a_range_longer_than_90_days_is_split_into_accepted_windows() {
    let dir = tempfile::tempdir().unwrap();
    // 2026-07-01 .. 2026-11-03 is 125 days; the emulator has rows from 2026-11-01 on and
    // rejects requests over 90 days, so this only works when the range is split.
    let rows = rows_of(
        "pstn",
        &["--from", "2026-07-01", "--to", "2026-11-03"],
        dir.path(),
        "long",
    )
    .await;
    assert_eq!(rows.len(), 4000);
}

#[tokio::test]
async fn call_records_include_all_sessions_and_participants_across_nested_pages() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cr.ndjson");
    let list = [
        "call-records",
        "--emulator",
        "--include",
        "sessions,participants",
        "--from",
        "2026-11-01T08:00",
        "--to",
        "2026-11-01T09:00",
        "-o",
        out.to_str().unwrap(),
    ];
    let s = export(&export_args(&list)).await.unwrap();
    assert_eq!(s.rows, 6);
    let rows = read_rows(&out, "ndjson");
    // Record 49 (08:10) is a large one: 150 sessions (> 60 per page) and 300 participants (> 130).
    let large = &rows[1];
    assert_eq!(large["sessions"].as_array().map(Vec::len), Some(150));
    assert_eq!(large["participants_v2"].as_array().map(Vec::len), Some(300));
    assert!(large.get("sessions@odata.nextLink").is_none());
    let session_ids: HashSet<&str> = large["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(session_ids.len(), 150, "no duplicate sessions");
    for r in &rows {
        assert!(!r["sessions"].as_array().unwrap().is_empty());
        assert!(
            r["sessions"][0]["segments"].is_array(),
            "segments are expanded"
        );
        assert!(!r["participants_v2"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn sessions_rows_carry_their_call_record_id() {
    let dir = tempfile::tempdir().unwrap();
    let rows = rows_of("sessions", &MORNING, dir.path(), "s").await;
    assert_eq!(rows.len(), 83);
    let records: HashSet<&str> = rows
        .iter()
        .filter_map(|r| r["callRecordId"].as_str())
        .collect();
    assert_eq!(records.len(), 36);
    assert!(rows.iter().all(|r| r["segments"].is_array()));
}

#[tokio::test]
async fn throttling_is_retried_and_reported_and_rows_arrive_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.ndjson");
    let mut list = vec![
        "pstn",
        "--emulator",
        "--emulator-throttle-every",
        "3",
        "--page-size",
        "200",
        "-o",
        out.to_str().unwrap(),
    ];
    list.extend_from_slice(&DAY);
    let s = export(&export_args(&list)).await.unwrap();
    assert_eq!(s.rows, 2000);
    assert!(s.retries >= 3, "retries reported: {}", s.retries);
    assert!(
        s.line.contains(&format!("{} retries", s.retries)),
        "{}",
        s.line
    );
    let rows = read_rows(&out, "ndjson");
    let ids: HashSet<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids.len(), 2000);
}

/// Stop after `stop` pages, resume, and compare byte for byte with a one-shot export.
async fn stop_and_resume(kind: &str, format: &str, extra: &[&str], stop: &str) {
    let dir = tempfile::tempdir().unwrap();
    let once = dir.path().join(format!("once.{format}"));
    let twice = dir.path().join(format!("twice.{format}"));
    let base = |out: &std::path::Path| {
        let mut v: Vec<String> = [
            kind,
            "--emulator",
            "--format",
            format,
            "-o",
            out.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let run = |v: Vec<String>| async move {
        let refs: Vec<&str> = v.iter().map(String::as_str).collect();
        export(&export_args(&refs)).await
    };
    run(base(&once)).await.unwrap();

    let mut stopped = base(&twice);
    stopped.extend(["--stop-after-pages".to_string(), stop.to_string()]);
    let e = run(stopped).await.expect_err("stops early");
    assert_eq!(e.category, Category::Other);
    let cp = dir.path().join(format!("twice.{format}.checkpoint.json"));
    assert!(cp.exists(), "checkpoint written");

    // Without --resume an existing checkpoint is refused, not overwritten.
    let e = run(base(&twice)).await.expect_err("refuses to start over");
    assert_eq!(e.category, Category::Validation);

    let mut resumed = base(&twice);
    resumed.push("--resume".into());
    let s = run(resumed).await.unwrap();
    assert!(s.resumed);
    assert!(!cp.exists(), "checkpoint removed at the end");
    let a = std::fs::read(&once).unwrap();
    let b = std::fs::read(&twice).unwrap();
    assert!(
        a == b,
        "{kind} {format}: resumed output differs from a one-shot export"
    );
}

#[tokio::test]
async fn resume_continues_without_duplicates_or_gaps_in_every_format() {
    let extra = [
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-04",
        "--window",
        "1d",
        "--page-size",
        "50",
        "--emulator-rows-per-day",
        "400",
    ];
    for format in ["ndjson", "csv", "json"] {
        // 8 pages per window: stop in the middle of window 2, and at a window boundary.
        stop_and_resume("pstn", format, &extra, "12").await;
        stop_and_resume("pstn", format, &extra, "8").await;
    }
}

#[tokio::test]
async fn resume_works_for_call_records_and_sessions() {
    let extra = [
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-01T12:00",
        "--page-size",
        "20",
    ];
    stop_and_resume("call-records", "csv", &extra, "2").await;
    stop_and_resume("sessions", "ndjson", &extra, "3").await;
}

#[tokio::test]
async fn resume_refuses_a_different_export() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.ndjson");
    let o = out.to_str().unwrap();
    let list = [
        "pstn",
        "--emulator",
        "-o",
        o,
        "--page-size",
        "500",
        "--stop-after-pages",
        "1",
    ];
    let mut first = list.to_vec();
    first.extend_from_slice(&DAY);
    export(&export_args(&first)).await.expect_err("stopped");
    let other = [
        "sms",
        "--emulator",
        "-o",
        o,
        "--page-size",
        "500",
        "--resume",
    ];
    let mut second = other.to_vec();
    second.extend_from_slice(&DAY);
    let e = export(&export_args(&second))
        .await
        .expect_err("different export");
    assert_eq!(e.category, Category::Validation);
    assert!(e.to_string().contains("different export"), "{e}");
}

#[tokio::test]
async fn resume_continues_an_export_with_relative_dates() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.ndjson");
    let o = out.to_str().unwrap();
    let list = [
        "pstn",
        "--emulator",
        "-o",
        o,
        "--from",
        "now-3d",
        "--to",
        "now",
        "--window",
        "1d",
    ];
    let mut first = list.to_vec();
    first.extend_from_slice(&["--stop-after-pages", "1"]);
    export(&export_args(&first)).await.expect_err("stopped");
    let cp_path = dir.path().join("x.ndjson.checkpoint.json");
    let cp = callrecords_cli::checkpoint::Checkpoint::load(&cp_path).unwrap();
    let range = cp.range.expect("the checkpoint keeps the range arguments");
    assert_eq!(
        (range.from_arg.as_str(), range.to_arg.as_str()),
        ("now-3d", "now")
    );

    // `now` has moved on since: the saved instants are used, not new ones.
    let mut second = list.to_vec();
    second.push("--resume");
    let s = export(&export_args(&second))
        .await
        .expect("the same relative dates resume");
    assert!(s.resumed);
    assert!(
        !cp_path.exists(),
        "a complete export removes its checkpoint"
    );

    // Other text for the range is a different export (the complete output
    // of the first export is replaced only with --force).
    let mut again = first.clone();
    again.push("--force");
    let e = export(&export_args(&again)).await.expect_err("stopped");
    assert!(e.to_string().contains("--stop-after-pages"), "{e}");
    let mut other = list.to_vec();
    other[5] = "now-2d";
    other.push("--resume");
    let e = export(&export_args(&other))
        .await
        .expect_err("different range text");
    assert!(e.to_string().contains("different export"), "{e}");
}

#[tokio::test]
async fn validation_errors_name_the_problem_and_the_fix() {
    let cases: [(&[&str], &str); 8] = [
        (
            &[
                "pstn",
                "--emulator",
                "--from",
                "2026-11-02",
                "--to",
                "2026-11-01",
            ],
            "is not before --to",
        ),
        (
            &[
                "pstn",
                "--emulator",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-01",
            ],
            "is not before --to",
        ),
        (
            &[
                "pstn",
                "--emulator",
                "--no-split",
                "--from",
                "2026-01-01",
                "--to",
                "2026-11-01",
            ],
            "getPstnCalls accepts at most 90d per request",
        ),
        (
            &[
                "sms",
                "--emulator",
                "--window",
                "120d",
                "--from",
                "2026-01-01",
                "--to",
                "2026-11-01",
            ],
            "longer than getSmsLog accepts",
        ),
        (
            &[
                "call-records",
                "--emulator",
                "--from",
                "2026-09-01",
                "--to",
                "2026-11-01",
            ],
            "kept for 30d only",
        ),
        (
            &[
                "pstn",
                "--emulator",
                "--include",
                "sessions",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-02",
            ],
            "--include only applies to call-records",
        ),
        (
            &[
                "pstn",
                "--emulator",
                "--resume",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-02",
            ],
            "--resume needs an output file",
        ),
        (
            &[
                "pstn",
                "--cloud",
                "china",
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-02",
            ],
            "China",
        ),
    ];
    for (list, needle) in cases {
        let e = export(&export_args(list)).await.expect_err(needle);
        assert_eq!(e.category, Category::Validation, "{list:?}");
        let text = e.to_string();
        assert!(text.contains(needle), "{list:?}: {text}");
        assert!(text.contains("hint:"), "{list:?}: {text}");
    }
}

/// Every non-null member of every NDJSON row (OData annotations aside) is in
/// the CSV of the same export: in a column (it or an enclosing object) or in
/// `otherMembers`. Call records and sessions carry open identity types whose
/// undeclared members (`user.tenantId`, `phone`) have no column.
#[tokio::test]
async fn csv_loses_no_member_of_the_ndjson_rows() {
    fn leaves(v: &Value, prefix: &str, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if k.contains('@') && k != "@odata.type" {
                        continue;
                    }
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    leaves(v, &p, out);
                }
            }
            Value::Null => {}
            _ => out.push(prefix.to_string()),
        }
    }
    let covers = |outer: &str, path: &str| path == outer || path.starts_with(&format!("{outer}."));
    let dir = tempfile::tempdir().unwrap();
    for (name, range) in [
        ("call-records", MORNING),
        ("sessions", MORNING),
        ("pstn", DAY),
    ] {
        let mut files = Vec::new();
        for format in ["ndjson", "csv"] {
            let out = dir.path().join(format!("{name}.{format}"));
            let mut list = vec![
                name,
                "--emulator",
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
            ];
            list.extend_from_slice(&range);
            export(&export_args(&list)).await.unwrap();
            files.push(read_rows(&out, format));
        }
        let (json_rows, csv_rows) = (&files[0], &files[1]);
        assert_eq!(json_rows.len(), csv_rows.len(), "{name}");
        let mut others = 0;
        for (j, c) in json_rows.iter().zip(csv_rows) {
            let c = c.as_object().unwrap();
            let other: serde_json::Map<String, Value> = match c[OTHER_MEMBERS].as_str() {
                Some("") | None => Default::default(),
                Some(text) => serde_json::from_str(text).expect("otherMembers is a JSON object"),
            };
            others += other.len();
            let mut paths = Vec::new();
            leaves(j, "", &mut paths);
            for path in paths {
                let in_column = c
                    .iter()
                    .any(|(col, cell)| cell != "" && col != OTHER_MEMBERS && covers(col, &path));
                let in_other = other.keys().any(|k| covers(k, &path));
                assert!(
                    in_column || in_other,
                    "{name}: {path} of {j} is not in the CSV row"
                );
            }
        }
        if name != "pstn" {
            assert!(
                others > 0,
                "{name}: the open identity members land in otherMembers"
            );
        }
    }
}
