//! Every kind of emulator response decodes into the generated models (v1.0 and beta) and
//! round-trips without losing a member: keeps the emulator honest to the real schema.

mod common;

use common::get;
use msgraph_callrecords_models as m;
use msgraph_emulator::data;
use msgraph_emulator::{Emulator, EmulatorConfig};
use msgraph_odata::Page;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Drop `null` members: the models skip `None` on output.
fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Compare what was sent with what the models write back.
fn same(want: &Value, got: &Value, path: &str) -> Result<(), String> {
    match (want, got) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let p = format!("{path}/{k}");
                let Some(w) = b.get(k) else {
                    return Err(format!("{p}: dropped by the models (not in the schema?)"));
                };
                same(v, w, &p)?;
            }
            match b.keys().find(|k| !a.contains_key(*k)) {
                Some(extra) => Err(format!("{path}/{extra}: added by the models")),
                None => Ok(()),
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .try_for_each(|(i, (x, y))| same(x, y, &format!("{path}/{i}"))),
        // Enum members are normalised to the CSDL spelling ("Blocked" -> "blocked").
        (Value::String(a), Value::String(b)) if a.eq_ignore_ascii_case(b) => Ok(()),
        (Value::Number(_), _) => match (as_f64(want), as_f64(got)) {
            (Some(x), Some(y)) if (x - y).abs() <= 1e-6 * x.abs().max(1.0) => Ok(()),
            _ => Err(format!("{path}: {want} != {got}")),
        },
        _ if want == got => Ok(()),
        _ => Err(format!("{path}: {want} != {got}")),
    }
}

fn check<T: DeserializeOwned + Serialize>(label: &str, body: &Value) {
    let typed: T = serde_path_to_error::deserialize(body.clone())
        .unwrap_or_else(|e| panic!("{label}: does not decode at {}: {}", e.path(), e.inner()));
    let back = serde_json::to_value(&typed).unwrap_or_else(|e| panic!("{label}: {e}"));
    // Open types keep undeclared members, nulls included; compare without nulls.
    if let Err(e) = same(&strip_nulls(body.clone()), &strip_nulls(back), "") {
        panic!("{label}: {e}");
    }
}

#[tokio::test]
async fn v1_responses_decode_into_v1_models() {
    use m::callrecords as cr;
    let e = Emulator::start(EmulatorConfig::default())
        .await
        .expect("start");
    let c = e.config().clone();
    let addr = e.local_addr();
    let big = data::record_id(&c, 49);
    let small = data::record_id(&c, 3);
    for prefer in ["", "include-unknown-enum-members"] {
        let h = [("prefer", prefer)];
        let fetch = |p: String| async move { get(addr, &p, &h).await.json() };
        let base = "/v1.0/communications/callRecords";
        check::<Page<cr::CallRecord>>("list", &fetch(base.to_string()).await);
        for id in [&big, &small] {
            check::<cr::CallRecord>("get", &fetch(format!("{base}/{id}")).await);
            check::<cr::CallRecord>(
                "sessions",
                &fetch(format!("{base}/{id}?$expand=sessions($expand=segments)")).await,
            );
            check::<cr::CallRecord>(
                "participants",
                &fetch(format!("{base}/{id}?$expand=participants_v2")).await,
            );
            check::<Page<cr::Session>>(
                "list sessions",
                &fetch(format!("{base}/{id}/sessions?$expand=segments&$skip=60")).await,
            );
            check::<Page<cr::Participant>>(
                "list participants",
                &fetch(format!("{base}/{id}/participants_v2")).await,
            );
            check::<cr::Organizer>(
                "organizer",
                &fetch(format!("{base}/{id}/organizer_v2")).await,
            );
        }
        let args = "(fromDateTime=2026-11-01,toDateTime=2026-11-01T12:00:00Z)";
        check::<Page<cr::PstnCallLogRow>>(
            "pstn",
            &fetch(format!("{base}/getPstnCalls{args}")).await,
        );
        check::<Page<cr::DirectRoutingLogRow>>(
            "direct routing",
            &fetch(format!("{base}/getDirectRoutingCalls{args}")).await,
        );
    }
}

#[cfg(test)]
#[tokio::test]
async fn beta_responses_decode_into_beta_models() {
    use m::beta::callrecords as cr;
    let e = Emulator::start(EmulatorConfig::default())
        .await
        .expect("start");
    let c = e.config().clone();
    let addr = e.local_addr();
    let big = data::record_id(&c, 49);
    let h = [("prefer", "include-unknown-enum-members")];
    let fetch = |p: String| async move { get(addr, &p, &h).await.json() };
    let base = "/beta/communications/callRecords";
    check::<Page<cr::CallRecord>>("list", &fetch(base.to_string()).await);
    check::<cr::CallRecord>(
        "sessions",
        &fetch(format!("{base}/{big}?$expand=sessions($expand=segments)")).await,
    );
    check::<cr::CallRecord>(
        "participants",
        &fetch(format!("{base}/{big}?$expand=participants_v2")).await,
    );
    let args = "(fromDateTime=2026-11-01,toDateTime=2026-11-01T12:00:00Z)";
    check::<Page<cr::PstnCallLogRow>>("pstn", &fetch(format!("{base}/getPstnCalls{args}")).await);
    check::<Page<cr::DirectRoutingLogRow>>(
        "direct routing",
        &fetch(format!("{base}/getDirectRoutingCalls{args}")).await,
    );
    check::<Page<cr::PstnBlockedUsersLogRow>>(
        "blocked",
        &fetch(format!("{base}/getPstnBlockedUsersLog{args}")).await,
    );
    check::<Page<cr::PstnOnlineMeetingDialoutReport>>(
        "dialout",
        &fetch(format!("{base}/getPstnOnlineMeetingDialoutReport{args}")).await,
    );
    check::<Page<cr::SmsLogRow>>("sms", &fetch(format!("{base}/getSmsLog{args}")).await);
}
