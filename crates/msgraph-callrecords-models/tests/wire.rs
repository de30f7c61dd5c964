//! Wire tests: real-shaped Graph payloads (the documented example responses) decode into the
//! generated models with the expected values, and re-encode to the same JSON: the same
//! members (`null` ones aside, which the models omit) and the same numbers, digit for digit.

use msgraph_callrecords_models::{callrecords as cr, graph};
use msgraph_odata::Page;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// The package directory as cargo gives it when running this (not as it was
/// at compile time: a build dir may be shared between checkouts).
fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string())
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", manifest_dir());
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Decodes like the runtime does: with the JSON path of a bad field in the error.
fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

/// `text` as a `Value` in which every number is kept as its own text
/// (`"<number 12.8300>"`), so comparing two of them compares digits and scale,
/// not `f64`s; `null` members are dropped (absent == null for the models).
fn exact(text: &str) -> Value {
    use serde_json::value::RawValue;
    use std::collections::BTreeMap;
    let raw: &RawValue = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let raw = raw.get();
    match raw.as_bytes().first() {
        Some(b'{') => {
            let members: BTreeMap<String, &RawValue> =
                serde_json::from_str(raw).unwrap_or_else(|e| panic!("{e}: {raw}"));
            Value::Object(
                members
                    .into_iter()
                    .filter(|(_, v)| v.get() != "null")
                    .map(|(k, v)| (k, exact(v.get())))
                    .collect(),
            )
        }
        Some(b'[') => {
            let items: Vec<&RawValue> =
                serde_json::from_str(raw).unwrap_or_else(|e| panic!("{e}: {raw}"));
            Value::Array(items.into_iter().map(|v| exact(v.get())).collect())
        }
        Some(b'-' | b'0'..=b'9') => Value::String(format!("<number {raw}>")),
        _ => serde_json::from_str(raw).unwrap_or_else(|e| panic!("{e}: {raw}")),
    }
}

/// A float the payload spells `60.0` is written back `60`: an `f32` keeps no
/// spelling, and Graph writes whole numbers without `.0` (`"micGlitchRate": 23`).
fn whole_floats_as_integers(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, whole_floats_as_integers(v)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(whole_floats_as_integers).collect())
        }
        Value::String(s) => match s.strip_suffix(".0>") {
            Some(whole) if s.starts_with("<number ") => Value::String(format!("{whole}>")),
            _ => Value::String(s),
        },
        other => other,
    }
}

/// Decodes `text` as `T`, re-encodes it and checks nothing was lost or
/// changed: every member kept, every number written back digit for digit
/// (decimals with their scale), except `N.0` floats (see
/// [`whole_floats_as_integers`]).
fn round_trip<T: DeserializeOwned + Serialize>(text: &str) -> T {
    let typed: T = decode(text).unwrap_or_else(|e| panic!("decode failed: {e}"));
    let text_back = serde_json::to_string(&typed).unwrap_or_else(|e| panic!("encode failed: {e}"));
    assert_eq!(
        exact(&text_back),
        whole_floats_as_integers(exact(text)),
        "round trip changed the JSON"
    );
    typed
}

fn some<T>(v: &Option<T>) -> &T {
    v.as_ref().unwrap_or_else(|| panic!("expected a value"))
}

#[test]
#[allow(deprecated)]
fn expanded_call_record() {
    let rec: cr::CallRecord = round_trip(&fixture("call_record_expanded.json"));
    assert_eq!(rec.version, Some(1));
    assert_eq!(rec.r#type, Some(cr::CallType::PeerToPeer));
    assert_eq!(rec.modalities, Some(vec![cr::Modality::Audio]));
    let start = some(&rec.start_date_time);
    assert_eq!(start.to_string(), "2020-02-25T18:52:21.2169889Z");
    assert_eq!(start.fraction_digits(), 7);
    assert_eq!(some(&rec.last_modified_date_time).fraction_digits(), 6);
    assert!(rec
        .odata_context
        .as_deref()
        .is_some_and(|c| c.ends_with("(sessions(segments()))/$entity")));

    // Deprecated `organizer` (identitySet, no @odata.type) still decodes; dynamic `tenantId`.
    let graph::AnyIdentitySet::IdentitySet(org) = some(&rec.organizer) else {
        panic!("organizer: {:?}", rec.organizer)
    };
    let graph::AnyIdentity::Identity(user) = some(&org.user) else {
        panic!("organizer.user: {:?}", org.user)
    };
    assert_eq!(user.display_name.as_deref(), Some("Abbie Wilkins"));
    assert_eq!(
        user.additional_data["tenantId"],
        "dc368399-474c-4d40-900c-6265431fd81f"
    );
    let participants = some(&rec.participants);
    assert_eq!(
        participants[0].type_name(),
        Some("microsoft.graph.identitySet")
    );

    let org2 = some(&rec.organizer_v2);
    let ident = some(&org2.identity);
    assert_eq!(ident.endpoint_type, Some(graph::EndpointType::Default));
    assert!(ident.additional_data.contains_key("acsUser"));
    assert!(rec.organizer_v2_odata_context.is_some());
    assert!(rec.participants_v2_odata_context.is_some());
    assert!(rec
        .sessions_next_link
        .as_deref()
        .is_some_and(|l| l.ends_with("$skiptoken=abc")));

    let session = &some(&rec.sessions)[0];
    assert_eq!(session.is_test, Some(false));
    assert_eq!(session.failure_info, None);
    let cr::AnyEndpoint::ParticipantEndpoint(caller) = some(&session.caller) else {
        panic!("caller: {:?}", session.caller)
    };
    assert_eq!(caller.cpu_cores_count, Some(8));
    let cr::AnyUserAgent::ClientUserAgent(ua) = some(&caller.user_agent) else {
        panic!("userAgent: {:?}", caller.user_agent)
    };
    assert_eq!(ua.platform, Some(cr::ClientPlatform::Android));
    assert_eq!(ua.product_family, Some(cr::ProductFamily::SkypeForBusiness));
    assert_eq!(
        ua.azure_ad_app_id.as_deref(),
        Some("8c5f2a5b-1234-4b1a-9d3e-1c2d3e4f5a6b")
    );
    // associatedIdentity without @odata.type: base identity, undeclared members kept.
    let graph::AnyIdentity::Identity(assoc) = some(&caller.associated_identity) else {
        panic!("associatedIdentity: {:?}", caller.associated_identity)
    };
    assert_eq!(
        assoc.additional_data["userPrincipalName"],
        "abbie.wilkins@contoso.com"
    );
    let feedback = some(&caller.feedback);
    assert_eq!(feedback.rating, Some(cr::UserFeedbackRating::Poor));
    assert_eq!(some(&feedback.tokens).additional_data["Noisy"], true);
    assert!(caller.identity.is_some());

    let cr::AnyEndpoint::ParticipantEndpoint(callee) = some(&session.callee) else {
        panic!("callee: {:?}", session.callee)
    };
    let cr::AnyUserAgent::ClientUserAgent(ua) = some(&callee.user_agent) else {
        panic!("callee userAgent")
    };
    // Member declared after unknownFutureValue.
    assert_eq!(
        ua.product_family,
        Some(cr::ProductFamily::AzureCommunicationServices)
    );
    let graph::AnyIdentitySet::IdentitySet(set) = some(&callee.identity) else {
        panic!("callee identity")
    };
    let graph::AnyIdentity::UserIdentity(u) = some(&set.user) else {
        panic!("callee identity.user: {:?}", set.user)
    };
    assert_eq!(u.ip_address.as_deref(), Some("127.0.0.2"));
    assert_eq!(
        u.additional_data["tenantId"],
        "dc368399-474c-4d40-900c-6265431fd81f"
    );

    let segment = &some(&session.segments)[0];
    let cr::AnyEndpoint::ServiceEndpoint(svc) = some(&segment.caller) else {
        panic!("segment caller: {:?}", segment.caller)
    };
    let cr::AnyUserAgent::ServiceUserAgent(sua) = some(&svc.user_agent) else {
        panic!("service userAgent")
    };
    assert_eq!(
        sua.role,
        Some(cr::ServiceRole::SkypeForBusinessAudioVideoMcu)
    );
    // Unknown @odata.type on a closed type: kept raw.
    let cr::AnyEndpoint::Other(raw) = some(&segment.callee) else {
        panic!("segment callee: {:?}", segment.callee)
    };
    assert_eq!(raw["hologramId"], "h-42");
    assert_eq!(
        some(&segment.callee).type_name(),
        Some("microsoft.graph.callRecords.holographicEndpoint")
    );
    assert_eq!(
        some(&segment.failure_info).stage,
        Some(cr::FailureStage::Midcall)
    );

    let media = &some(&segment.media)[0];
    let net = some(&media.caller_network);
    assert_eq!(net.link_speed, Some(4_294_967_295));
    assert_eq!(net.reflexive_ip_address.as_deref(), Some("127.0.0.2"));
    assert_eq!(net.received_quality_event_ratio, Some(0.27));
    assert_eq!(net.wifi_band, Some(cr::WifiBand::Frequency50GHz));
    assert_eq!(net.connection_type, Some(cr::NetworkConnectionType::Wifi));
    let hops = some(&net.trace_route_hops);
    assert_eq!(some(&hops[0].round_trip_time).to_string(), "PT0.002S");
    assert_eq!(some(&hops[1].round_trip_time).as_secs_f64(), 93_600.0);
    let callee_net = some(&media.callee_network);
    assert_eq!(
        callee_net.wifi_radio_type,
        Some(cr::WifiRadioType::Other("wifi80211bx".into()))
    );
    let dev = some(&media.caller_device);
    assert_eq!(dev.cpu_insufficent_event_ratio, Some(0.01));
    assert_eq!(dev.speaker_glitch_rate, Some(3830.0));
    assert_eq!(dev.received_signal_level, Some(-10));

    let stream = &some(&media.streams)[0];
    assert_eq!(
        stream.stream_direction,
        Some(cr::MediaStreamDirection::CallerToCallee)
    );
    assert_eq!(stream.audio_codec, Some(cr::AudioCodec::Satin));
    assert_eq!(some(&stream.average_jitter).to_string(), "PT0.016S");
    assert_eq!(stream.average_audio_degradation, None);
    assert_eq!(stream.average_bandwidth_estimate, Some(15_644_878));
    assert_eq!(stream.is_audio_forward_error_correction_used, Some(true));
}

#[test]
fn participants_v2_page() {
    let page: Page<cr::Participant> = round_trip(&fixture("participants_v2_page.json"));
    assert!(page.next_link.is_some());
    assert_eq!(page.value.len(), 2);
    let first = &page.value[0];
    assert_eq!(
        some(&first.administrative_unit_infos)[0].id.as_deref(),
        Some("au-1")
    );
    let set = some(&first.identity);
    let graph::AnyIdentity::UserIdentity(u) = some(&set.user) else {
        panic!("user: {:?}", set.user)
    };
    assert_eq!(
        u.user_principal_name.as_deref(),
        Some("abbie.wilkins@contoso.com")
    );
    assert!(set.additional_data.contains_key("spoolApplicationInstance"));

    let second = some(&page.value[1].identity);
    assert!(matches!(
        second.phone,
        Some(graph::AnyIdentity::CommunicationsPhoneIdentity(_))
    ));
    let Some(graph::AnyIdentity::CallRecordsUserIdentity(asserted)) = &second.asserted_identity
    else {
        panic!("assertedIdentity: {:?}", second.asserted_identity)
    };
    assert_eq!(
        asserted.user_principal_name.as_deref(),
        Some("asserted@contoso.com")
    );
    assert_eq!(asserted.additional_data["tenantId"], "t1");
    // Unknown derived type of an open base: base struct, name and extra members kept.
    let Some(graph::AnyIdentity::Identity(guest)) = &second.guest else {
        panic!("guest: {:?}", second.guest)
    };
    assert_eq!(
        guest.odata_type.as_deref(),
        Some("#microsoft.graph.holographicIdentity")
    );
    assert_eq!(guest.additional_data["hologramId"], "h-1");
    assert_eq!(
        second.endpoint_type,
        Some(graph::EndpointType::SkypeForBusinessVoipPhone)
    );
}

#[test]
fn pstn_calls_page() {
    let page: Page<cr::PstnCallLogRow> = round_trip(&fixture("pstn_calls_page.json"));
    assert_eq!(page.count, Some(2));
    let row = &page.value[0];
    assert_eq!(some(&row.charge).to_string(), "0.62");
    assert!(some(&row.connection_charge).is_zero());
    assert_eq!(row.duration, Some(219));
    assert_eq!(
        row.call_duration_source,
        Some(cr::PstnCallDurationSource::Microsoft)
    );
    assert_eq!(row.operator.as_deref(), Some("Microsoft"));
    assert_eq!(
        some(&row.start_date_time).to_string(),
        "2019-11-01T00:00:08.2589935Z"
    );
    let row = &page.value[1];
    assert_eq!(some(&row.connection_charge).to_string(), "12.83");
    assert_eq!(
        row.call_duration_source,
        Some(cr::PstnCallDurationSource::Other("carrierPigeon".into()))
    );
}

#[test]
fn direct_routing_page_from_the_docs() {
    let page: Page<cr::DirectRoutingLogRow> = round_trip(&fixture("direct_routing_page.json"));
    assert_eq!(page.count, Some(1000));
    assert!(page
        .next_link
        .as_deref()
        .is_some_and(|l| l.ends_with("?$skip=1000")));
    let row = &page.value[0];
    assert!(some(&row.failure_date_time).is_min_sentinel());
    assert_eq!(
        some(&row.failure_date_time).to_string(),
        "0001-01-01T00:00:00Z"
    );
    assert_eq!(row.call_end_sub_reason, Some(540_000));
    assert_eq!(row.call_type.as_deref(), Some("ByotIn"));
    assert_eq!(row.media_bypass_enabled, Some(false));
    assert_eq!(row.final_sip_code, Some(0));
}

#[test]
#[allow(deprecated)]
fn call_records_page_from_the_docs() {
    let page: Page<cr::CallRecord> = round_trip(&fixture("call_records_page.json"));
    assert_eq!(page.value.len(), 2);
    assert_eq!(page.value[0].r#type, Some(cr::CallType::Unknown));
    let org = some(&page.value[1].organizer_v2);
    assert_eq!(org.id.as_deref(), Some("+5564981205182"));
    let ident = some(&org.identity);
    assert_eq!(ident.user, None);
    let Some(graph::AnyIdentity::Identity(phone)) = &ident.phone else {
        panic!("phone: {:?}", ident.phone)
    };
    assert_eq!(phone.id.as_deref(), Some("+5564981205182"));
}

/// A closed type keeps members it does not declare (added to the API after
/// the metadata import), at any depth, and writes them back; a wrongly typed
/// declared member is still an error with its JSON path.
#[test]
fn closed_types_keep_undeclared_members() {
    let text = r#"{"value":[{"id":"r1","charge":0.5,"futureMember":{"a":[1,2]},
        "callType":"ucap_in","alsoNew":"x"}],"@odata.nextLink":"https://next"}"#;
    let page: Page<cr::PstnCallLogRow> = round_trip(text);
    let row = &page.value[0];
    assert_eq!(row.id.as_deref(), Some("r1"));
    assert_eq!(
        row.additional_data["futureMember"],
        serde_json::json!({"a": [1, 2]})
    );
    assert_eq!(row.additional_data["alsoNew"], "x");
    assert_eq!(
        row.additional_data.len(),
        2,
        "declared members are not duplicated"
    );

    let session = r#"{"id":"s","segments":[{"id":"g","newSegmentMember":true}]}"#;
    let session: cr::Session = round_trip(session);
    let segment = &some(&session.segments)[0];
    assert_eq!(segment.additional_data["newSegmentMember"], true);

    let e = decode::<cr::PstnCallLogRow>(r#"{"id":"r","charge":"lots"}"#).unwrap_err();
    assert!(e.starts_with("charge:"), "{e}");
}

#[test]
fn int64_and_decimal_accept_strings() {
    let rec: cr::CallRecord = decode(r#"{"version":"3"}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rec.version, Some(3));
    let s: cr::MediaStream =
        decode(r#"{"averageBandwidthEstimate":"15644878","packetUtilization":-1}"#)
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.average_bandwidth_estimate, Some(15_644_878));
    assert_eq!(s.packet_utilization, Some(-1));
    let row: cr::PstnCallLogRow =
        decode(r#"{"charge":"0.620","connectionCharge":0.62}"#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(some(&row.charge).to_string(), "0.620");
    assert_eq!(some(&row.connection_charge).to_string(), "0.62");
}

#[test]
fn enums_match_case_insensitively_and_keep_unknown_text() {
    let t: cr::CallType = decode(r#""PEERTOPEER""#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t, cr::CallType::PeerToPeer);
    assert_eq!(
        serde_json::to_string(&t).ok().as_deref(),
        Some(r#""peerToPeer""#)
    );
    let t: cr::CallType = decode(r#""holoCall""#).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(t, cr::CallType::Other("holoCall".into()));
    assert_eq!(t.to_string(), "holoCall");
    assert_eq!(
        serde_json::to_string(&t).ok().as_deref(),
        Some(r#""holoCall""#)
    );
    assert_eq!("macos".parse(), Ok(cr::ClientPlatform::MacOs));
    assert_eq!(cr::ClientPlatform::IOs.as_str(), "iOS");
    assert_eq!(
        graph::TeamworkUserIdentityType::EmailUser.as_str(),
        "emailUser"
    );
    assert_eq!(
        cr::CallType::UnknownFutureValue.as_str(),
        "unknownFutureValue"
    );
}

#[test]
fn duplicate_odata_type_keys_are_tolerated() {
    let json = r##"{"@odata.type":"#microsoft.graph.callRecords.participantEndpoint",
        "name":"a","@odata.type":"#microsoft.graph.callRecords.participantEndpoint"}"##;
    let ep: cr::AnyEndpoint = decode(json).unwrap_or_else(|e| panic!("{e}"));
    let cr::AnyEndpoint::ParticipantEndpoint(p) = ep else {
        panic!("{ep:?}")
    };
    assert_eq!(p.name.as_deref(), Some("a"));
}

#[test]
fn abstract_base_without_type_is_kept_raw() {
    let json = r#"{"headerValue":"x","applicationVersion":"1"}"#;
    let ua: cr::AnyUserAgent = round_trip(json);
    assert!(matches!(&ua, cr::AnyUserAgent::Other(m) if m["headerValue"] == "x"));
    assert_eq!(ua.type_name(), None);
}

#[test]
fn values_built_in_code_get_their_odata_type_written() {
    let mut ua = cr::ClientUserAgent::default();
    ua.platform = Some(cr::ClientPlatform::Web);
    let any = cr::AnyUserAgent::from(ua);
    let v = serde_json::to_value(&any).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        v["@odata.type"],
        "#microsoft.graph.callRecords.clientUserAgent"
    );
    assert_eq!(v["platform"], "web");
    let back: cr::AnyUserAgent = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(back, cr::AnyUserAgent::ClientUserAgent(_)));
}

#[test]
fn property_enums_give_wire_names() {
    assert_eq!(cr::CallRecordProperty::JoinWebUrl.as_str(), "joinWebUrl");
    assert_eq!(cr::CallRecordProperty::Type.to_string(), "type");
    assert_eq!(cr::CallRecordProperty::ALL[0], cr::CallRecordProperty::Id);
    assert!(cr::SessionProperty::ALL.contains(&cr::SessionProperty::IsTest));
}

#[test]
fn wrong_type_names_the_json_path() {
    let json = r#"{"value":[{"duration":1},{"duration":2},{"duration":"long"}]}"#;
    let err = decode::<Page<cr::PstnCallLogRow>>(json).expect_err("must fail");
    assert!(err.starts_with("value[2].duration: "), "{err}");
    let json = r#"{"value":[{"charge":"a lot"}]}"#;
    let err = decode::<Page<cr::PstnCallLogRow>>(json).expect_err("must fail");
    assert!(err.starts_with("value[0].charge: "), "{err}");
    let json = r#"{"value":[{"startDateTime":"yesterday"}]}"#;
    let err = decode::<Page<cr::DirectRoutingLogRow>>(json).expect_err("must fail");
    assert!(err.starts_with("value[0].startDateTime: "), "{err}");
}

#[test]
fn errors_inside_polymorphic_values_name_the_value_and_the_field() {
    let json = r##"{"value":[{"id":"s","caller":{"@odata.type":"#microsoft.graph.callRecords.participantEndpoint",
        "userAgent":{"@odata.type":"#microsoft.graph.callRecords.clientUserAgent","platform":5}}}]}"##;
    let err = decode::<Page<cr::Session>>(json).expect_err("must fail");
    // `@odata.type` first (as Graph writes it): read in one pass, the path goes all the way.
    assert!(
        err.starts_with("value[0].caller.userAgent.platform: invalid type: integer `5`"),
        "{err}"
    );
    // `@odata.type` later: the value is buffered first; the outer path reaches the
    // dispatched value and the message continues inside it.
    let json = r##"{"value":[{"id":"s","caller":{"userAgent":{"platform":5,
        "@odata.type":"#microsoft.graph.callRecords.clientUserAgent"},
        "@odata.type":"#microsoft.graph.callRecords.participantEndpoint"}}]}"##;
    let err = decode::<Page<cr::Session>>(json).expect_err("must fail");
    assert!(
        err.starts_with("value[0].caller: userAgent.platform: invalid type: integer `5`"),
        "{err}"
    );
}

/// A polymorphic value decodes the same whether `@odata.type` comes first
/// (streamed) or not (buffered), for known, unknown and absent types.
#[test]
fn dispatch_reads_the_same_streamed_or_buffered() {
    let cases = [
        r##"{"@odata.type":"#microsoft.graph.callRecords.participantEndpoint","userAgent":{"@odata.type":"#microsoft.graph.callRecords.clientUserAgent","platform":"windows","extra":1},"new":true}"##,
        r##"{"@odata.type":"#microsoft.graph.callRecords.serviceEndpoint","userAgent":{"@odata.type":"#microsoft.graph.callRecords.serviceUserAgent","role":"conferencing"}}"##,
        r##"{"@odata.type":"#microsoft.graph.callRecords.futureEndpoint","x":1}"##,
        r##"{"userAgent":{"headerValue":"h"}}"##,
    ];
    for text in cases {
        let streamed: cr::AnyEndpoint = serde_json::from_str(text).unwrap();
        // The same members with `@odata.type` moved last: the buffered path.
        let mut v: Value = serde_json::from_str(text).unwrap();
        let map = v.as_object_mut().unwrap();
        let tag = map.remove("@odata.type");
        let mut reordered = serde_json::Map::new();
        reordered.extend(map.clone());
        if let Some(tag) = tag {
            reordered.insert("@odata.type".into(), tag);
        }
        let buffered: cr::AnyEndpoint =
            serde_json::from_str(&Value::Object(reordered).to_string()).unwrap();
        assert_eq!(streamed, buffered, "{text}");
        assert_eq!(
            exact(&serde_json::to_string(&streamed).unwrap()),
            exact(text),
            "{text}"
        );
    }
}

#[test]
fn truncated_body_is_an_error_not_a_panic() {
    let text = fixture("pstn_calls_page.json");
    let cut = &text[..text.len() / 2];
    let err = decode::<Page<cr::PstnCallLogRow>>(cut).expect_err("must fail");
    assert!(err.contains("EOF"), "{err}");
    assert!(err.starts_with("value[0]"), "{err}");
}

/// A getPstnCalls page whose charges no `f64` holds exactly, or which carry
/// trailing zeros: each `Edm.Decimal` reads as the number's own digits and
/// scale and is written back the same (round_trip compares number text).
#[test]
fn pstn_charges_keep_every_digit_and_their_scale() {
    let text = r#"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.callRecords.pstnCallLogRow)","@odata.count":2,"value":[
        {"id":"9c4984c7-6c3c-427d-a30c-bd0b2eacee90","callId":"1835317186_112562680@61.221.3.176","userId":"db03c14b-06eb-4189-939b-7cbf3a20ba27","userPrincipalName":"richard.malk@contoso.com","userDisplayName":"Richard Malk","startDateTime":"2019-11-01T00:00:08.2589935Z","endDateTime":"2019-11-01T00:03:47.2589935Z","duration":219,"charge":0.1234567890123456789,"callType":"user_in","currency":"USD","calleeNumber":"+1234567890","usageCountryCode":"US","tenantCountryCode":"US","connectionCharge":12.8300,"callerNumber":"+1234567890","destinationContext":null,"destinationName":"United States","conferenceId":null,"licenseCapability":"MCOPSTNU","inventoryType":"Subscriber","operator":"Microsoft","callDurationSource":"microsoft"},
        {"id":"a2","callId":"x@y","startDateTime":"2019-11-01T00:10:00Z","charge":0.0750,"connectionCharge":0.00,"duration":1}
    ],"@odata.nextLink":"https://graph.microsoft.com/v1.0/communications/callRecords/getPstnCalls(fromDateTime=2019-11-01,toDateTime=2019-12-01)?$skip=1000"}"#;
    let page: Page<cr::PstnCallLogRow> = round_trip(text);
    let charges: Vec<String> = page
        .value
        .iter()
        .flat_map(|row| [&row.charge, &row.connection_charge])
        .map(|d| some(d).to_string())
        .collect();
    assert_eq!(
        charges,
        ["0.1234567890123456789", "12.8300", "0.0750", "0.00"]
    );
    assert_eq!(some(&page.value[0].connection_charge).scale(), 4);
    let back = serde_json::to_string(&page).unwrap_or_default();
    assert!(back.contains(r#""charge":0.1234567890123456789"#), "{back}");
    assert!(back.contains(r#""connectionCharge":12.8300"#), "{back}");
}

/// `Edm.Single` values Graph sends as whole numbers (`"micGlitchRate": 23`
/// in the documented callRecord) are written back without a `.0`.
#[test]
fn whole_number_singles_write_back_as_they_came() {
    let text = r#"{"captureNotFunctioningEventRatio":0,"micGlitchRate":17,"speakerGlitchRate":3830,"lowSpeechLevelEventRatio":0.27}"#;
    let device: cr::DeviceInfo = round_trip(text);
    assert_eq!(device.mic_glitch_rate, Some(17.0));
    let back = serde_json::to_string(&device).unwrap_or_default();
    assert!(back.contains(r#""micGlitchRate":17,"#), "{back}");
    assert!(back.contains(r#""speakerGlitchRate":3830"#), "{back}");
    assert!(
        back.contains(r#""lowSpeechLevelEventRatio":0.27"#),
        "{back}"
    );
}

#[cfg(feature = "beta")]
mod beta {
    use super::*;

    use msgraph_callrecords_models::beta::callrecords as bcr;

    #[test]
    fn sms_log_page() {
        let page: Page<bcr::SmsLogRow> = round_trip(&fixture("beta_sms_log_page.json"));
        let row = &page.value[0];
        assert_eq!(some(&row.call_charge).to_string(), "0.0075");
        assert_eq!(row.sms_units, Some(1));
        assert_eq!(row.other_party_country_code.as_deref(), Some("US"));
        assert_eq!(
            some(&row.administrative_unit_infos)[0].id.as_deref(),
            Some("au-7")
        );
    }

    /// getSmsLog and getPstnOnlineMeetingDialoutReport pages: their money
    /// amounts keep their digits and scale through a round trip.
    #[test]
    fn beta_charges_keep_their_scale() {
        let sms = fixture("beta_sms_log_page.json").replace("0.0075", "0.0750");
        let page: Page<bcr::SmsLogRow> = round_trip(&sms);
        assert_eq!(some(&page.value[0].call_charge).to_string(), "0.0750");
        let report = fixture("beta_dialout_report_page.json").replace("12.83", "12.8300");
        let page: Page<bcr::PstnOnlineMeetingDialoutReport> = round_trip(&report);
        assert_eq!(
            some(&page.value[0].total_call_charge).to_string(),
            "12.8300"
        );
        let back = serde_json::to_string(&page).unwrap_or_default();
        assert!(back.contains(r#""totalCallCharge":12.8300"#), "{back}");
    }

    /// A type beta defines as v1.0 does is the v1.0 type: a v1.0 value goes
    /// where beta expects one. A type beta changed is its own.
    #[test]
    fn beta_reuses_the_v1_types_it_does_not_change() {
        use std::any::TypeId;
        assert_eq!(
            TypeId::of::<cr::CallRecord>(),
            TypeId::of::<bcr::CallRecord>()
        );
        assert_eq!(
            TypeId::of::<graph::AnyIdentity>(),
            TypeId::of::<msgraph_callrecords_models::beta::graph::AnyIdentity>()
        );
        assert_ne!(
            TypeId::of::<cr::PstnCallLogRow>(),
            TypeId::of::<bcr::PstnCallLogRow>()
        );
        let mut unit = cr::AdministrativeUnitInfo::default();
        unit.id = Some("au-7".into());
        let mut row = bcr::SmsLogRow::default();
        row.administrative_unit_infos = Some(vec![unit]);
        let back = serde_json::to_string(&row).unwrap_or_default();
        assert_eq!(back, r#"{"administrativeUnitInfos":[{"id":"au-7"}]}"#);
    }

    #[test]
    fn pstn_blocked_users_page() {
        let text = fixture("beta_pstn_blocked_users_page.json");
        // `Blocked` (capitalised in the docs) reads as member `blocked` and is written back
        // in CSDL spelling; anything else round-trips as is.
        let page: Page<bcr::PstnBlockedUsersLogRow> =
            round_trip(&text.replace("\"Blocked\"", "\"blocked\""));
        assert_eq!(
            page.value[0].user_block_mode,
            Some(bcr::PstnUserBlockMode::Blocked)
        );
        let page: Page<bcr::PstnBlockedUsersLogRow> =
            decode(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            page.value[0].user_block_mode,
            Some(bcr::PstnUserBlockMode::Blocked)
        );
        assert_eq!(
            page.value[1].user_block_mode,
            Some(bcr::PstnUserBlockMode::Other("suspended".into()))
        );
        assert_eq!(
            page.value[0].block_reason.as_deref(),
            Some("High Overall Usage")
        );
    }

    #[test]
    fn beta_log_rows_have_the_call_log_row_properties() {
        let json = r##"{"value":[{"id":"1","otherPartyCountryCode":"DE","administrativeUnitInfos":[{"id":"au"}],
            "clientPublicIpV4Address":"203.0.113.7","charge":0.62,"callDurationSource":"operator"}]}"##;
        let page: Page<bcr::PstnCallLogRow> = round_trip(json);
        let row = &page.value[0];
        assert_eq!(row.other_party_country_code.as_deref(), Some("DE"));
        assert_eq!(
            row.client_public_ip_v4_address.as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(some(&row.charge).to_string(), "0.62");
        let json = r##"{"value":[{"id":"2","userCountryCode":"US","transferorCorrelationId":"t-1",
            "failureDateTime":"0001-01-01T00:00:00Z"}]}"##;
        let page: Page<bcr::DirectRoutingLogRow> = round_trip(json);
        assert_eq!(
            page.value[0].transferor_correlation_id.as_deref(),
            Some("t-1")
        );
        // The new base type dispatches on @odata.type like every polymorphic base.
        let row: bcr::AnyCallLogRow = round_trip(
            r##"{"@odata.type":"#microsoft.graph.callRecords.smsLogRow","smsUnits":2}"##,
        );
        assert!(matches!(row, bcr::AnyCallLogRow::SmsLogRow(r) if r.sms_units == Some(2)));
    }

    #[test]
    fn dialout_report_page() {
        let page: Page<bcr::PstnOnlineMeetingDialoutReport> =
            round_trip(&fixture("beta_dialout_report_page.json"));
        let row = &page.value[0];
        assert_eq!(some(&row.total_call_charge).to_string(), "12.83");
        assert_eq!(row.total_call_seconds, Some(72));
        assert_eq!(row.destination_context.as_deref(), Some("International"));
    }
}
