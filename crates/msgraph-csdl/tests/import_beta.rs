//! The beta call-records file: generated from the committed v1.0 file plus the documented
//! beta delta below (facts sheet §2.7 and §3), because no beta `$metadata` document has
//! been imported yet. `cargo test` fails when `metadata/graph-beta.callRecords.xml`
//! differs from what this generator produces; `UPDATE_METADATA=1 cargo test -p
//! msgraph-csdl --test import_beta` rewrites it. The file is a pure function of the v1.0
//! file and this delta: edit descriptions of beta-only items here, shared ones in the
//! v1.0 file. When a real beta document is imported with
//! `cargo xtask metadata import --version beta`, delete the generator test (keep the
//! format test).

mod common;

use common::manifest_dir;

use std::path::PathBuf;

use msgraph_csdl::model::*;
use msgraph_csdl::subset::{set_description, subset};
use msgraph_csdl::write::write_document;

const NS: &str = "microsoft.graph.callRecords";

fn metadata(name: &str) -> PathBuf {
    PathBuf::from(manifest_dir())
        .join("../../metadata")
        .join(name)
}

fn q(name: &str) -> String {
    format!("{NS}.{name}")
}

fn type_ref(ty: &str) -> TypeRef {
    match ty
        .strip_prefix("Collection(")
        .and_then(|t| t.strip_suffix(')'))
    {
        Some(inner) => TypeRef {
            collection: true,
            name: inner.to_string(),
        },
        None => TypeRef {
            collection: false,
            name: ty.to_string(),
        },
    }
}

fn prop(name: &str, ty: &str) -> Property {
    let mut facets = Vec::new();
    if ty == "Edm.Decimal" {
        // Graph declares every Decimal with a variable scale (as v1.0 pstnCallLogRow.charge).
        facets.push(("Scale".into(), "variable".into()));
    }
    Property {
        name: name.to_string(),
        ty: type_ref(ty),
        nullable: true,
        default_value: None,
        facets,
        annotations: Vec::new(),
        span: Span::default(),
    }
}

fn complex(name: &str, base: Option<&str>, props: &[(&str, &str)]) -> StructuredType {
    StructuredType {
        kind: StructuredKind::Complex,
        name: name.to_string(),
        base_type: base.map(q),
        is_abstract: false,
        open_type: false,
        has_stream: false,
        key: Vec::new(),
        properties: props.iter().map(|(n, t)| prop(n, t)).collect(),
        navigation_properties: Vec::new(),
        annotations: Vec::new(),
        span: Span::default(),
    }
}

fn log_function(name: &str, row: &str) -> Operation {
    let param = |name: &str, ty: &str| Parameter {
        name: name.to_string(),
        ty: type_ref(ty),
        nullable: true,
        annotations: Vec::new(),
        span: Span::default(),
    };
    Operation {
        kind: OperationKind::Function,
        name: name.to_string(),
        is_bound: true,
        is_composable: false,
        entity_set_path: None,
        parameters: vec![
            param(
                "bindingParameter",
                &format!("Collection({})", q("callRecord")),
            ),
            param("fromDateTime", "Edm.DateTimeOffset"),
            param("toDateTime", "Edm.DateTimeOffset"),
        ],
        return_type: Some(ReturnType {
            annotations: Vec::new(),
            span: Span::default(),
            ty: type_ref(&format!("Collection({})", q(row))),
            nullable: true,
        }),
        annotations: Vec::new(),
        span: Span::default(),
    }
}

/// Properties shared by the beta log rows, moved to their new base `callLogRow`.
const CALL_LOG_ROW: &[(&str, &str)] = &[
    (
        "administrativeUnitInfos",
        "Collection(microsoft.graph.callRecords.administrativeUnitInfo)",
    ),
    ("id", "Edm.String"),
    ("otherPartyCountryCode", "Edm.String"),
    ("userDisplayName", "Edm.String"),
    ("userId", "Edm.String"),
    ("userPrincipalName", "Edm.String"),
];

/// Descriptions of the beta-only targets (relative to the namespace).
const BETA_DESCRIPTIONS: &[(&str, &str)] = &[
    ("callLogRow", "Common part of the PSTN, Direct Routing and SMS log rows (beta)."),
    ("callLogRow/administrativeUnitInfos", "Administrative units associated with the call or SMS."),
    ("callLogRow/id", "Unique identifier of the row (GUID)."),
    ("callLogRow/otherPartyCountryCode", "Country code of the other party (ISO 3166-1 alpha-2): the receiver of an outbound call or SMS, the sender of an inbound one."),
    ("callLogRow/userDisplayName", "Display name of the user."),
    ("callLogRow/userId", "Microsoft Entra id of the user (GUID); empty for bot calls."),
    ("callLogRow/userPrincipalName", "Sign-in name of the user in Microsoft Entra ID."),
    ("pstnCallLogRow/clientLocalIpV4Address", "Local IPv4 address of the client, as reported by its operating system."),
    ("pstnCallLogRow/clientLocalIpV6Address", "Local IPv6 address of the client, as reported by its operating system."),
    ("pstnCallLogRow/clientPublicIpV4Address", "Public IPv4 address of the client; usable to locate it."),
    ("pstnCallLogRow/clientPublicIpV6Address", "Public IPv6 address of the client."),
    ("directRoutingLogRow/transferorCorrelationId", "Correlation id of the call to the transferor, for transferred calls."),
    ("directRoutingLogRow/userCountryCode", "Country code of the user (ISO 3166-1 alpha-2)."),
    ("smsLogRow", "One SMS sent or received by a user, as returned by getSmsLog (beta)."),
    ("smsLogRow/callCharge", "Amount charged for the SMS, in currency."),
    ("smsLogRow/currency", "Currency of the charge (ISO 4217)."),
    ("smsLogRow/destinationContext", "Whether the SMS was Domestic or International, from the user's location."),
    ("smsLogRow/destinationName", "Country or region of the receiving number."),
    ("smsLogRow/destinationNumber", "Receiving number, partially masked (E.164)."),
    ("smsLogRow/licenseCapability", "The license used for the SMS (for example MCOSMS1)."),
    ("smsLogRow/sentDateTime", "When the SMS was sent."),
    ("smsLogRow/smsId", "SMS identifier; not guaranteed to be unique."),
    ("smsLogRow/smsType", "Direction of the SMS as a free-form service value (for example sms_in)."),
    ("smsLogRow/smsUnits", "Number of SMS units sent or received."),
    ("smsLogRow/sourceNumber", "Sending number, partially masked (E.164)."),
    ("smsLogRow/tenantCountryCode", "Country code of the tenant (ISO 3166-1 alpha-2)."),
    ("smsLogRow/userCountryCode", "Country code of the user (ISO 3166-1 alpha-2)."),
    ("pstnBlockedUsersLogRow", "A user blocked from or unblocked for PSTN calls, as returned by getPstnBlockedUsersLog (beta)."),
    ("pstnBlockedUsersLogRow/blockDateTime", "When the user was blocked or unblocked (UTC)."),
    ("pstnBlockedUsersLogRow/blockReason", "Why the user was blocked or unblocked."),
    ("pstnBlockedUsersLogRow/remediationId", "Identifier of the block or unblock action (GUID)."),
    ("pstnBlockedUsersLogRow/userBlockMode", "Whether the user was blocked or unblocked; the service may capitalise the member names."),
    ("pstnBlockedUsersLogRow/userDisplayName", "Display name of the user."),
    ("pstnBlockedUsersLogRow/userId", "Microsoft Entra id of the user (GUID)."),
    ("pstnBlockedUsersLogRow/userPrincipalName", "Sign-in name of the user in Microsoft Entra ID."),
    ("pstnBlockedUsersLogRow/userTelephoneNumber", "The user's blocked telephone number (E.164)."),
    ("pstnOnlineMeetingDialoutReport", "Online-meeting dial-out usage aggregated by user, location, destination context and currency, as returned by getPstnOnlineMeetingDialoutReport (beta)."),
    ("pstnOnlineMeetingDialoutReport/currency", "Currency of the charges (ISO 4217)."),
    ("pstnOnlineMeetingDialoutReport/destinationContext", "Whether the calls were Domestic or International, from the user's location."),
    ("pstnOnlineMeetingDialoutReport/totalCallCharge", "Total cost of the calls in the range, connection fees included."),
    ("pstnOnlineMeetingDialoutReport/totalCalls", "Number of dial-out calls in the range."),
    ("pstnOnlineMeetingDialoutReport/totalCallSeconds", "Total duration of the calls in the range, in seconds."),
    ("pstnOnlineMeetingDialoutReport/usageLocation", "Country code of the user (ISO 3166-1 alpha-2)."),
    ("pstnOnlineMeetingDialoutReport/userDisplayName", "Display name of the user."),
    ("pstnOnlineMeetingDialoutReport/userId", "Microsoft Entra id of the user (GUID)."),
    ("pstnOnlineMeetingDialoutReport/userPrincipalName", "Sign-in name of the user in Microsoft Entra ID."),
    ("pstnUserBlockMode", "Whether a user is blocked from or unblocked for PSTN calls."),
    ("getPstnBlockedUsersLog", "Lists PSTN block and unblock events in a time range of at most 90 days (beta)."),
    ("getPstnBlockedUsersLog/fromDateTime", "Start of the range (UTC)."),
    ("getPstnBlockedUsersLog/toDateTime", "End of the range (UTC)."),
    ("getPstnOnlineMeetingDialoutReport", "Reports online-meeting dial-out usage in a time range of at most 90 days (beta)."),
    ("getPstnOnlineMeetingDialoutReport/fromDateTime", "Start of the range (UTC)."),
    ("getPstnOnlineMeetingDialoutReport/toDateTime", "End of the range (UTC)."),
    ("getSmsLog", "Lists SMS sent and received in a time range of at most 90 days (beta)."),
    ("getSmsLog/fromDateTime", "Start of the range (UTC, inclusive)."),
    ("getSmsLog/toDateTime", "End of the range (UTC, inclusive)."),
];

fn sort_properties(t: &mut StructuredType) {
    t.properties.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.name.cmp(&b.name))
    });
}

/// Applies the beta delta to the (resolved) v1.0 document.
fn apply_beta_delta(mut doc: Document) -> Document {
    let schema = doc
        .schemas
        .iter_mut()
        .find(|s| s.namespace == NS)
        .expect("callRecords schema in the v1.0 file");
    let moved: Vec<&str> = CALL_LOG_ROW.iter().map(|(n, _)| *n).collect();
    for (row, extra) in [
        (
            "pstnCallLogRow",
            &[
                ("clientLocalIpV4Address", "Edm.String"),
                ("clientLocalIpV6Address", "Edm.String"),
                ("clientPublicIpV4Address", "Edm.String"),
                ("clientPublicIpV6Address", "Edm.String"),
            ][..],
        ),
        (
            "directRoutingLogRow",
            &[
                ("transferorCorrelationId", "Edm.String"),
                ("userCountryCode", "Edm.String"),
            ][..],
        ),
    ] {
        let t = schema
            .complex_types
            .iter_mut()
            .find(|t| t.name == row)
            .expect("v1.0 log row type");
        t.base_type = Some(q("callLogRow"));
        t.properties.retain(|p| !moved.contains(&p.name.as_str()));
        t.properties.extend(extra.iter().map(|(n, ty)| prop(n, ty)));
        sort_properties(t);
    }
    schema
        .complex_types
        .push(complex("callLogRow", None, CALL_LOG_ROW));
    schema.complex_types.push(complex(
        "smsLogRow",
        Some("callLogRow"),
        &[
            ("callCharge", "Edm.Decimal"),
            ("currency", "Edm.String"),
            ("destinationContext", "Edm.String"),
            ("destinationName", "Edm.String"),
            ("destinationNumber", "Edm.String"),
            ("licenseCapability", "Edm.String"),
            ("sentDateTime", "Edm.DateTimeOffset"),
            ("smsId", "Edm.String"),
            ("smsType", "Edm.String"),
            ("smsUnits", "Edm.Int32"),
            ("sourceNumber", "Edm.String"),
            ("tenantCountryCode", "Edm.String"),
            ("userCountryCode", "Edm.String"),
        ],
    ));
    schema.complex_types.push(complex(
        "pstnBlockedUsersLogRow",
        None,
        &[
            ("blockDateTime", "Edm.DateTimeOffset"),
            ("blockReason", "Edm.String"),
            ("remediationId", "Edm.String"),
            (
                "userBlockMode",
                "microsoft.graph.callRecords.pstnUserBlockMode",
            ),
            ("userDisplayName", "Edm.String"),
            ("userId", "Edm.String"),
            ("userPrincipalName", "Edm.String"),
            ("userTelephoneNumber", "Edm.String"),
        ],
    ));
    schema.complex_types.push(complex(
        "pstnOnlineMeetingDialoutReport",
        None,
        &[
            ("currency", "Edm.String"),
            ("destinationContext", "Edm.String"),
            ("totalCallCharge", "Edm.Decimal"),
            ("totalCalls", "Edm.Int32"),
            ("totalCallSeconds", "Edm.Int32"),
            ("usageLocation", "Edm.String"),
            ("userDisplayName", "Edm.String"),
            ("userId", "Edm.String"),
            ("userPrincipalName", "Edm.String"),
        ],
    ));
    schema.enum_types.push(EnumType {
        name: "pstnUserBlockMode".to_string(),
        underlying_type: None,
        is_flags: false,
        members: ["blocked", "unblocked", "unknownFutureValue"]
            .iter()
            .enumerate()
            .map(|(i, m)| EnumMember {
                name: m.to_string(),
                value: i as i64,
                explicit_value: true,
                annotations: Vec::new(),
            })
            .collect(),
        annotations: Vec::new(),
        span: Span::default(),
    });
    schema.functions.push(log_function(
        "getPstnBlockedUsersLog",
        "pstnBlockedUsersLogRow",
    ));
    schema.functions.push(log_function(
        "getPstnOnlineMeetingDialoutReport",
        "pstnOnlineMeetingDialoutReport",
    ));
    schema
        .functions
        .push(log_function("getSmsLog", "smsLogRow"));
    for (target, text) in BETA_DESCRIPTIONS {
        let target = q(target);
        assert!(
            set_description(&mut doc, &target, text),
            "no beta target {target}"
        );
    }
    doc
}

/// The beta file this generator produces, in the importer's format.
fn generated_beta() -> String {
    let v1 =
        msgraph_csdl::load_file(&metadata("graph-v1.0.callRecords.xml")).expect("v1.0 file loads");
    let beta = apply_beta_delta(v1);
    // Through the importer: drops descriptions of the moved properties, normalizes.
    let xml = write_document(&beta);
    let reloaded =
        msgraph_csdl::load(xml.as_bytes(), "generated beta").expect("generated beta loads");
    write_document(&subset(&reloaded, &kept(&reloaded)))
}

/// What the importer keeps of `doc`: the closure of the namespace, plus the types the file
/// holds outside it (the root types of `codegen.toml`, `microsoft.graph.call`, came in with
/// the v1.0 import and are kept with their closure, like the importer does).
fn kept(doc: &Document) -> msgraph_csdl::Closure {
    let outside = common::types_outside_closure(doc, NS);
    let mut closure = msgraph_csdl::closure(doc, NS).expect("closure");
    let roots: Vec<&str> = outside.iter().map(String::as_str).collect();
    closure.add_root_types(doc, &roots).expect("root types");
    closure
}

#[test]
fn beta_file_is_v1_plus_documented_delta() {
    let xml = generated_beta();
    let path = metadata("graph-beta.callRecords.xml");
    if std::env::var_os("UPDATE_METADATA").is_some() {
        std::fs::write(&path, &xml).expect("write beta file");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == xml,
        "metadata/graph-beta.callRecords.xml is stale; run UPDATE_METADATA=1 cargo test -p msgraph-csdl --test import_beta"
    );
}

/// The beta text the other tests check: the generated one while `UPDATE_METADATA` rewrites
/// the file (so they do not race with the writer), the committed one otherwise.
fn beta_text() -> String {
    if std::env::var_os("UPDATE_METADATA").is_some() {
        return generated_beta();
    }
    std::fs::read_to_string(metadata("graph-beta.callRecords.xml")).expect("committed beta file")
}

#[test]
fn beta_file_is_in_the_importer_format() {
    let text = beta_text();
    let doc = msgraph_csdl::load(text.as_bytes(), "beta").expect("beta loads");
    assert!(
        write_document(&subset(&doc, &kept(&doc))) == text,
        "beta file is not in the importer's format"
    );
}

#[test]
fn beta_log_rows_share_call_log_row() {
    let text = beta_text();
    let doc = msgraph_csdl::load(text.as_bytes(), "beta").expect("beta loads");
    for row in ["pstnCallLogRow", "directRoutingLogRow", "smsLogRow"] {
        let t = doc.find_structured(&q(row)).expect(row);
        assert_eq!(
            t.base_type.as_deref(),
            Some(q("callLogRow").as_str()),
            "{row}"
        );
        assert!(
            t.properties
                .iter()
                .all(|p| p.name != "id" && p.name != "userId"),
            "{row}"
        );
    }
    let pstn = doc.find_structured(&q("pstnCallLogRow")).unwrap();
    assert!(pstn
        .properties
        .iter()
        .any(|p| p.name == "clientPublicIpV6Address"));
    let dr = doc.find_structured(&q("directRoutingLogRow")).unwrap();
    assert!(dr
        .properties
        .iter()
        .any(|p| p.name == "transferorCorrelationId"));
    let blocked = doc.find_structured(&q("pstnBlockedUsersLogRow")).unwrap();
    assert!(blocked.base_type.is_none() && blocked.properties.iter().all(|p| p.name != "id"));
    let mode = doc.find_enum(&q("pstnUserBlockMode")).unwrap();
    let members: Vec<_> = mode
        .members
        .iter()
        .map(|m| (m.name.as_str(), m.value))
        .collect();
    assert_eq!(
        members,
        [("blocked", 0), ("unblocked", 1), ("unknownFutureValue", 2)]
    );
    // Descriptions of moved properties went with them to the base type.
    assert!(doc.description(&q("pstnCallLogRow/id"), &[]).is_none());
    assert_eq!(
        doc.description(&q("callLogRow/id"), &[]),
        Some("Unique identifier of the row (GUID).")
    );
}
