//! The generator's edge-case fixture (`crates/msgraph-codegen/tests/fixtures/edge_cases.xml`),
//! generated into `generated/` by `cargo xtask codegen` and exercised here: flags enums,
//! three-level inheritance, the same type name in two namespaces, keywords, deprecations,
//! collections of enums and members after `unknownFutureValue`.

// Generated code is formatted by prettyplease; not every fixture item is used by a test.
#[rustfmt::skip]
#[allow(dead_code)]
mod generated;

use generated::fixture::{calls, graph};
use serde::de::DeserializeOwned;
use serde::Serialize;

fn read<T: DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn write<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn flags_enum_reads_and_writes_comma_lists() {
    let p: graph::Permission = read(r#""read, Write,admin""#);
    assert!(p.contains(&graph::PermissionFlag::Read));
    assert!(p.contains(&graph::PermissionFlag::Write));
    assert!(!p.contains(&graph::PermissionFlag::Delete));
    assert!(p.contains(&graph::PermissionFlag::Other("admin".into())));
    assert_eq!(write(&p), r#""read,write,admin""#);
    let empty: graph::Permission = read(r#""""#);
    assert_eq!(empty, graph::Permission::default());
    assert_eq!(
        "delete".parse(),
        Ok(graph::Permission(vec![graph::PermissionFlag::Delete]))
    );
}

#[test]
fn three_level_inheritance_dispatches_to_the_deepest_type() {
    let d: graph::Drawing = read(
        r##"{"anyShape":{"@odata.type":"#test.graph.square","label":"s","corners":4,"sideLength":2.5},
             "polygons":[{"corners":3},{"@odata.type":"#test.graph.square","sideLength":1}],
             "square":{"label":"plain","sideLength":3}}"##,
    );
    let Some(graph::AnyShape::Square(sq)) = &d.any_shape else {
        panic!("{:?}", d.any_shape)
    };
    assert_eq!(
        (sq.label.as_deref(), sq.corners, sq.side_length),
        (Some("s"), Some(4), Some(2.5))
    );
    let polygons = d.polygons.as_deref().unwrap_or_default();
    assert!(matches!(&polygons[0], graph::AnyPolygon::Polygon(p) if p.corners == Some(3)));
    assert!(matches!(&polygons[1], graph::AnyPolygon::Square(s) if s.side_length == Some(1.0)));
    // A property declared with the leaf type is the plain struct.
    assert_eq!(
        d.square.as_ref().and_then(|s| s.label.as_deref()),
        Some("plain")
    );
    // Unknown subtype of a closed base: kept raw, written back unchanged.
    let raw = r##"{"@odata.type":"#test.graph.circle","radius":2}"##;
    let shape: graph::AnyShape = read(raw);
    assert!(matches!(&shape, graph::AnyShape::Other(m) if m["radius"] == 2));
    assert_eq!(write(&shape), raw);
}

#[test]
fn same_type_name_in_two_namespaces() {
    let id: graph::AnyIdentity =
        read(r##"{"@odata.type":"#test.graph.calls.userIdentity","tenantId":"t","extra":1}"##);
    let graph::AnyIdentity::CallsUserIdentity(u) = &id else {
        panic!("{id:?}")
    };
    assert_eq!(u.tenant_id.as_deref(), Some("t"));
    assert_eq!(u.additional_data["extra"], 1);
    let id: graph::AnyIdentity =
        read(r##"{"@odata.type":"#test.graph.userIdentity","userPrincipalName":"a@b"}"##);
    assert!(matches!(id, graph::AnyIdentity::UserIdentity(_)));
    let _: calls::UserIdentity = calls::UserIdentity::default();
}

#[test]
#[allow(deprecated)]
fn keywords_deprecations_and_enum_collections() {
    let json = r##"{"@odata.type":"#test.graph.calls.call","id":"1","type":"t","match":"42","self":true,
        "kinds":["macOS","HOLOLENS2","unknownFutureValue","visionPro"],"permissions":"read",
        "organizer":{"displayName":"o"},"cost":0.62,"relayIPAddress":"1.2.3.4","ratio":0.5,
        "wait":"PT1.5S","at":"2020-02-25T18:52:21.2169889Z","organizer_v2":"v2",
        "legs@odata.nextLink":"https://example.invalid/next","legs":[{"id":"l1","tokens":{"Echo":true}}]}"##;
    let c: calls::Call = read(json);
    assert_eq!(c.r#type.as_deref(), Some("t"));
    assert_eq!(c.r#match, Some(42));
    assert_eq!(c.self_, Some(true));
    assert_eq!(
        c.kinds,
        Some(vec![
            graph::DeviceKind::MacOs,
            graph::DeviceKind::HoloLens2,
            graph::DeviceKind::UnknownFutureValue,
            graph::DeviceKind::Other("visionPro".into()),
        ])
    );
    assert!(c.organizer.is_some());
    assert_eq!(c.cost.map(|d| d.to_string()).as_deref(), Some("0.62"));
    assert_eq!(c.relay_ip_address.as_deref(), Some("1.2.3.4"));
    assert_eq!(c.organizer_v2.as_deref(), Some("v2"));
    assert!(c.legs_next_link.is_some());
    let legs = c.legs.as_deref().unwrap_or_default();
    assert_eq!(
        legs[0]
            .tokens
            .as_ref()
            .map(|t| t.additional_data["Echo"] == true),
        Some(true)
    );
    let out = write(&c);
    assert!(
        out.contains(r#""self":true"#) && out.contains(r#""type":"t""#),
        "{out}"
    );
    assert!(
        out.contains(r#""kinds":["macOS","holoLens2","unknownFutureValue","visionPro"]"#),
        "{out}"
    );
    assert_eq!(calls::CallProperty::Self_.as_str(), "self");
    assert_eq!(
        calls::CallProperty::RelayIpAddress.as_str(),
        "relayIPAddress"
    );
}
