//! Wire tests of the `call` root type (`microsoft.graph.call`, generated with its closure
//! because `codegen.toml` lists it under `[api].types`; models only, no request builders).
//!
//! The fixtures are the two example responses of the Graph v1.0 "Get call" page
//! (`api-reference/v1.0/api/call-get.md` of the microsoft-graph-docs repository): a
//! peer-to-peer call and a group call joined through a meeting. They are copied as
//! published except for three trailing commas, which make the published text invalid
//! JSON (after `"id": "2891555a-..."` and after both `preFetchMedia` arrays).

use msgraph_callrecords_models::graph;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn fixture(name: &str) -> String {
    let dir = std::env::var("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
    let path = format!("{dir}/tests/fixtures/{name}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Drops `null` members: the models write an absent value, not `null`.
fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// Decodes `text` (with the JSON path of a bad member in the error), re-encodes it and
/// checks that nothing but `null` members was lost.
fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let mut de = serde_json::Deserializer::from_str(text);
    let typed: T = serde_path_to_error::deserialize(&mut de)
        .unwrap_or_else(|e| panic!("{}: {}", e.path(), e.inner()));
    let back = serde_json::to_value(&typed).unwrap_or_else(|e| panic!("{e}"));
    let input: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        without_nulls(back),
        without_nulls(input),
        "round trip changed the JSON"
    );
    typed
}

fn identity(set: &graph::IdentitySet, which: &str) -> (String, String) {
    let member = match which {
        "user" => &set.user,
        "application" => &set.application,
        _ => unreachable!("test helper"),
    };
    match member {
        Some(graph::AnyIdentity::Identity(i)) => (
            i.id.clone().unwrap_or_default(),
            i.display_name.clone().unwrap_or_default(),
        ),
        other => panic!("{which}: expected a plain identity, got {other:?}"),
    }
}

fn prefetched_uris(call: &graph::Call) -> Vec<String> {
    let Some(graph::AnyMediaConfig::ServiceHostedMediaConfig(media)) = &call.media_config else {
        panic!("mediaConfig: {:?}", call.media_config);
    };
    let media = media.pre_fetch_media.as_ref().expect("preFetchMedia");
    assert_eq!(
        media[0].resource_id.as_deref(),
        Some("f8971b04-b53e-418c-9222-c82ce681a582")
    );
    media.iter().filter_map(|m| m.uri.clone()).collect()
}

#[test]
fn the_documented_peer_to_peer_call_decodes() {
    let call: graph::Call = round_trip(&fixture("call_peer_to_peer.json"));
    assert_eq!(
        call.id.as_deref(),
        Some("2e1a0b00-2db4-4022-9570-243709c565ab")
    );
    assert_eq!(call.state, Some(graph::CallState::Established));
    assert_eq!(call.direction, Some(graph::CallDirection::Outgoing));
    assert_eq!(
        call.callback_uri.as_deref(),
        Some("https://bot.contoso.com/callback")
    );
    assert_eq!(
        call.requested_modalities,
        Some(vec![graph::Modality::Audio])
    );
    assert_eq!(
        call.my_participant_id.as_deref(),
        Some("499ff390-7a72-40e8-83a0-8fac6295ae7e")
    );
    let source = call.source.as_ref().expect("source");
    let Some(graph::AnyIdentitySet::IdentitySet(source_set)) = &source.identity else {
        panic!("source.identity: {:?}", source.identity);
    };
    assert_eq!(
        identity(source_set, "application"),
        (
            "2891555a-92ff-42e6-80fa-6e1300c6b5c6".into(),
            "Calling Bot".into()
        )
    );
    let targets = call.targets.as_ref().expect("targets");
    assert_eq!(targets.len(), 1);
    let Some(graph::AnyIdentitySet::IdentitySet(target)) = &targets[0].identity else {
        panic!("targets[0].identity: {:?}", targets[0].identity);
    };
    assert_eq!(
        identity(target, "user"),
        ("112f7296-5fa4-42ca-bae8-6a692b15d4b8".into(), "John".into())
    );
    assert_eq!(
        prefetched_uris(&call),
        [
            "https://cdn.contoso.com/beep.wav",
            "https://cdn.contoso.com/cool.wav"
        ]
    );
    assert!(call.meeting_info.is_none() && call.chat_info.is_none());
    // Members the v1.0 CSDL does not declare on `call` are kept, not dropped.
    assert!(call.additional_data.contains_key("ringingTimeoutInSeconds"));
    assert!(call.additional_data.contains_key("answeredBy"));
}

#[test]
fn the_documented_group_call_decodes_with_meeting_and_chat_info() {
    let call: graph::Call = round_trip(&fixture("call_group.json"));
    assert_eq!(
        call.id.as_deref(),
        Some("2f1a1100-b174-40a0-aba7-0b405e01ed92")
    );
    assert_eq!(call.targets.as_deref().map(<[_]>::len), Some(0));
    assert_eq!(prefetched_uris(&call).len(), 2);
    let chat = call.chat_info.as_ref().expect("chatInfo");
    assert_eq!(
        chat.thread_id.as_deref(),
        Some("19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2")
    );
    assert_eq!(chat.message_id.as_deref(), Some("0"));
    let Some(graph::AnyMeetingInfo::OrganizerMeetingInfo(meeting)) = &call.meeting_info else {
        panic!("meetingInfo: {:?}", call.meeting_info);
    };
    let Some(graph::AnyIdentitySet::IdentitySet(organizer)) = &meeting.organizer else {
        panic!("organizer: {:?}", meeting.organizer);
    };
    assert_eq!(
        identity(organizer, "user").0,
        "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96"
    );
    // organizerMeetingInfo is an open type: the undeclared member stays with it.
    assert_eq!(
        meeting.additional_data.get("allowConversationWithoutHost"),
        Some(&Value::Bool(true))
    );
    let transcription = call.transcription.as_ref().expect("transcription");
    assert_eq!(
        transcription.state,
        Some(graph::CallTranscriptionState::Inactive)
    );
    assert_eq!(
        transcription
            .last_modified_date_time
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("2020-05-28T00:10:54.104318Z")
    );
}

#[test]
fn the_other_media_and_meeting_variants_dispatch_on_odata_type() {
    let app: graph::AnyMediaConfig = round_trip(
        r##"{"@odata.type":"#microsoft.graph.appHostedMediaConfig","blob":"<media config blob>"}"##,
    );
    assert!(
        matches!(&app, graph::AnyMediaConfig::AppHostedMediaConfig(m) if m.blob.as_deref() == Some("<media config blob>")),
        "{app:?}"
    );
    let token: graph::AnyMeetingInfo =
        round_trip(r##"{"@odata.type":"#microsoft.graph.tokenMeetingInfo","token":"abc"}"##);
    assert!(
        matches!(&token, graph::AnyMeetingInfo::TokenMeetingInfo(t) if t.token.as_deref() == Some("abc")),
        "{token:?}"
    );
    let join: graph::AnyMeetingInfo = round_trip(
        r##"{"@odata.type":"#microsoft.graph.joinMeetingIdMeetingInfo","joinMeetingId":"1234567","passcode":"psw123"}"##,
    );
    let graph::AnyMeetingInfo::JoinMeetingIdMeetingInfo(join) = join else {
        panic!("{join:?}");
    };
    assert_eq!(join.join_meeting_id.as_deref(), Some("1234567"));
    assert_eq!(join.passcode.as_deref(), Some("psw123"));
}
