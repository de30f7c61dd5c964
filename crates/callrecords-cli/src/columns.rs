//! The CSV columns of every export kind: the row type's properties in CSDL
//! order (base type first), nested complex values flattened with `.`,
//! collections and open/polymorphic leftovers as JSON text.
//!
//! The lists are static so the header is the same whether values are null or
//! not; a test checks them against the committed CSDL in `metadata/`.

use crate::args::Kind;

/// `microsoft.graph.callRecords.pstnCallLogRow` in v1.0.
const PSTN_V1: &[&str] = &[
    "callDurationSource",
    "calleeNumber",
    "callerNumber",
    "callId",
    "callType",
    "charge",
    "conferenceId",
    "connectionCharge",
    "currency",
    "destinationContext",
    "destinationName",
    "duration",
    "endDateTime",
    "id",
    "inventoryType",
    "licenseCapability",
    "operator",
    "startDateTime",
    "tenantCountryCode",
    "usageCountryCode",
    "userDisplayName",
    "userId",
    "userPrincipalName",
];

/// `callLogRow`, the beta base type of the PSTN, Direct Routing and SMS rows.
const CALL_LOG_ROW_BETA: &[&str] = &[
    "administrativeUnitInfos",
    "id",
    "otherPartyCountryCode",
    "userDisplayName",
    "userId",
    "userPrincipalName",
];

/// Own properties of the beta `pstnCallLogRow` (after `callLogRow`'s).
const PSTN_BETA_OWN: &[&str] = &[
    "callDurationSource",
    "calleeNumber",
    "callerNumber",
    "callId",
    "callType",
    "charge",
    "clientLocalIpV4Address",
    "clientLocalIpV6Address",
    "clientPublicIpV4Address",
    "clientPublicIpV6Address",
    "conferenceId",
    "connectionCharge",
    "currency",
    "destinationContext",
    "destinationName",
    "duration",
    "endDateTime",
    "inventoryType",
    "licenseCapability",
    "operator",
    "startDateTime",
    "tenantCountryCode",
    "usageCountryCode",
];

/// `microsoft.graph.callRecords.directRoutingLogRow` in v1.0.
const DIRECT_ROUTING_V1: &[&str] = &[
    "calleeNumber",
    "callEndSubReason",
    "callerNumber",
    "callType",
    "correlationId",
    "duration",
    "endDateTime",
    "failureDateTime",
    "finalSipCode",
    "finalSipCodePhrase",
    "id",
    "inviteDateTime",
    "mediaBypassEnabled",
    "mediaPathLocation",
    "signalingLocation",
    "startDateTime",
    "successfulCall",
    "trunkFullyQualifiedDomainName",
    "userDisplayName",
    "userId",
    "userPrincipalName",
];

/// Own properties of the beta `directRoutingLogRow` (after `callLogRow`'s).
const DIRECT_ROUTING_BETA_OWN: &[&str] = &[
    "calleeNumber",
    "callEndSubReason",
    "callerNumber",
    "callType",
    "correlationId",
    "duration",
    "endDateTime",
    "failureDateTime",
    "finalSipCode",
    "finalSipCodePhrase",
    "inviteDateTime",
    "mediaBypassEnabled",
    "mediaPathLocation",
    "signalingLocation",
    "startDateTime",
    "successfulCall",
    "transferorCorrelationId",
    "trunkFullyQualifiedDomainName",
    "userCountryCode",
];

/// Own properties of the beta `smsLogRow` (after `callLogRow`'s).
const SMS_BETA_OWN: &[&str] = &[
    "callCharge",
    "currency",
    "destinationContext",
    "destinationName",
    "destinationNumber",
    "licenseCapability",
    "sentDateTime",
    "smsId",
    "smsType",
    "smsUnits",
    "sourceNumber",
    "tenantCountryCode",
    "userCountryCode",
];

/// `microsoft.graph.callRecords.pstnBlockedUsersLogRow` (beta).
const BLOCKED_USERS: &[&str] = &[
    "blockDateTime",
    "blockReason",
    "remediationId",
    "userBlockMode",
    "userDisplayName",
    "userId",
    "userPrincipalName",
    "userTelephoneNumber",
];

/// `microsoft.graph.callRecords.pstnOnlineMeetingDialoutReport` (beta).
const DIALOUT_REPORT: &[&str] = &[
    "currency",
    "destinationContext",
    "totalCallCharge",
    "totalCalls",
    "totalCallSeconds",
    "usageLocation",
    "userDisplayName",
    "userId",
    "userPrincipalName",
];

/// Slots of `microsoft.graph.identitySet`.
const IDENTITY_SET: &[&str] = &["application", "device", "user"];

/// Slots of `microsoft.graph.communicationsIdentitySet` after its base's (base first).
const COMMS_IDENTITY_SET_OWN: &[&str] = &[
    "applicationInstance",
    "assertedIdentity",
    "azureCommunicationServicesUser",
    "encrypted",
    "guest",
    "onPremises",
    "phone",
];

/// The columns of `kind`, for the v1.0 or the beta row type.
pub fn columns(kind: Kind, beta: bool) -> Vec<String> {
    let own = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let call_log = |rest: &[&str]| {
        let mut v = own(CALL_LOG_ROW_BETA);
        v.extend(own(rest));
        v
    };
    match (kind, beta) {
        (Kind::Pstn, false) => own(PSTN_V1),
        (Kind::Pstn, true) => call_log(PSTN_BETA_OWN),
        (Kind::DirectRouting, false) => own(DIRECT_ROUTING_V1),
        (Kind::DirectRouting, true) => call_log(DIRECT_ROUTING_BETA_OWN),
        (Kind::Sms, _) => call_log(SMS_BETA_OWN),
        (Kind::BlockedUsers, _) => own(BLOCKED_USERS),
        (Kind::DialoutReport, _) => own(DIALOUT_REPORT),
        (Kind::CallRecords, _) => call_record_columns(),
        (Kind::Sessions, _) => session_columns(),
    }
}

/// `identity` (id, displayName): the declared members of `microsoft.graph.identity`.
fn identity(prefix: &str, out: &mut Vec<String>) {
    out.push(format!("{prefix}.displayName"));
    out.push(format!("{prefix}.id"));
}

fn identity_set(prefix: &str, out: &mut Vec<String>) {
    for slot in IDENTITY_SET {
        identity(&format!("{prefix}.{slot}"), out);
    }
}

fn comms_identity_set(prefix: &str, out: &mut Vec<String>) {
    identity_set(prefix, out);
    for slot in COMMS_IDENTITY_SET_OWN {
        identity(&format!("{prefix}.{slot}"), out);
    }
    out.push(format!("{prefix}.endpointType"));
}

/// Columns of a call record: scalar properties, the deprecated `organizer`
/// (identitySet, flattened) and `participants` (JSON), the auto-expanded
/// `organizer_v2` (flattened), and `participants_v2` / `sessions` (JSON text,
/// filled with `--include`).
fn call_record_columns() -> Vec<String> {
    let mut v: Vec<String> = [
        "id",
        "endDateTime",
        "joinWebUrl",
        "lastModifiedDateTime",
        "modalities",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    identity_set("organizer", &mut v);
    for s in [
        "participants",
        "startDateTime",
        "type",
        "version",
        "organizer_v2.id",
    ] {
        v.push(s.to_string());
    }
    v.push("organizer_v2.administrativeUnitInfos".into());
    comms_identity_set("organizer_v2.identity", &mut v);
    v.push("participants_v2".into());
    v.push("sessions".into());
    v
}

/// Columns of an endpoint (`participantEndpoint` or `serviceEndpoint`, told
/// apart by `@odata.type`) under `prefix`.
fn endpoint(prefix: &str, out: &mut Vec<String>) {
    out.push(format!("{prefix}.@odata.type"));
    for ua in [
        "@odata.type",
        "applicationVersion",
        "headerValue",
        "azureADAppId",
        "communicationServiceId",
        "platform",
        "productFamily",
        "role",
    ] {
        out.push(format!("{prefix}.userAgent.{ua}"));
    }
    out.push(format!("{prefix}.associatedIdentity.displayName"));
    out.push(format!("{prefix}.associatedIdentity.id"));
    out.push(format!("{prefix}.associatedIdentity.userPrincipalName"));
    out.push(format!("{prefix}.cpuCoresCount"));
    out.push(format!("{prefix}.cpuName"));
    out.push(format!("{prefix}.cpuProcessorSpeedInMhz"));
    out.push(format!("{prefix}.feedback.rating"));
    out.push(format!("{prefix}.feedback.text"));
    out.push(format!("{prefix}.feedback.tokens"));
    identity_set(&format!("{prefix}.identity"), out);
    out.push(format!("{prefix}.name"));
}

/// Columns of a session row: the id of its call record, then the session.
fn session_columns() -> Vec<String> {
    let mut v = vec!["callRecordId".to_string(), "id".to_string()];
    endpoint("callee", &mut v);
    endpoint("caller", &mut v);
    for s in [
        "endDateTime",
        "failureInfo.reason",
        "failureInfo.stage",
        "isTest",
        "modalities",
        "startDateTime",
        "segments",
    ] {
        v.push(s.to_string());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn columns_are_unique_for_every_kind() {
        use clap::ValueEnum;
        for kind in Kind::value_variants() {
            for beta in [false, true] {
                let cols = columns(*kind, beta);
                let set: HashSet<_> = cols.iter().collect();
                assert_eq!(set.len(), cols.len(), "{kind:?} beta={beta}");
                assert!(!cols.is_empty());
            }
        }
    }

    #[test]
    fn beta_pstn_starts_with_the_call_log_row_base() {
        let cols = columns(Kind::Pstn, true);
        assert_eq!(&cols[..2], ["administrativeUnitInfos", "id"]);
        assert!(cols.contains(&"clientPublicIpV4Address".to_string()));
        assert_eq!(columns(Kind::Pstn, false).len(), 23);
    }
}
