//! The generator's cycle fixture (`crates/msgraph-codegen/tests/fixtures/cycles.xml`),
//! generated into `generated/` by `cargo xtask codegen`: types that reach themselves through
//! single values compile (the back edge is `Option<Box<T>>`) and nested values decode and
//! re-encode unchanged. Before the generator boxed back edges this did not compile (E0072).

// Generated code is formatted by prettyplease; not every fixture item is used by a test.
#[rustfmt::skip]
#[allow(dead_code)]
mod generated;

use generated::fixture::cycles;
use serde_json::{json, Value};

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) -> T {
    let decoded: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{e}: {v}"));
    let back = serde_json::to_value(&decoded).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&back, v);
    decoded
}

#[test]
fn a_self_referencing_complex_type_decodes_nested_values() {
    let v = json!({
        "code": "InvalidArgument",
        "message": "outer",
        "innerError": {"code": "RangeError", "innerError": {"code": "Deepest"}}
    });
    let e: cycles::WorkbookOperationError = round_trip(&v);
    let inner = e.inner_error.as_deref().expect("inner error");
    assert_eq!(inner.code.as_deref(), Some("RangeError"));
    let deepest = inner.inner_error.as_ref().expect("deepest error");
    assert_eq!(deepest.code.as_deref(), Some("Deepest"));
    assert!(deepest.inner_error.is_none());
}

#[test]
fn a_two_type_cycle_decodes() {
    let v = json!({"right": {"label": "r1", "back": {"right": {"label": "r2"}}}});
    let l: cycles::Left = round_trip(&v);
    let r2 = l
        .right
        .and_then(|r| r.back)
        .and_then(|l| l.right)
        .expect("second right");
    assert_eq!(r2.label.as_deref(), Some("r2"));
}

#[test]
fn a_cycle_through_a_dispatch_enum_decodes_by_odata_type() {
    let v = json!({
        "@odata.type": "#test.cycles.notCondition",
        "operand": {
            "@odata.type": "#test.cycles.notCondition",
            "operand": {"@odata.type": "#test.cycles.textCondition", "text": "x"}
        }
    });
    let c: cycles::AnyCondition = round_trip(&v);
    let cycles::AnyCondition::NotCondition(outer) = c else {
        panic!("not a notCondition: {c:?}");
    };
    let Some(cycles::AnyCondition::NotCondition(inner)) = outer.operand.as_deref() else {
        panic!("inner operand: {:?}", outer.operand);
    };
    let Some(cycles::AnyCondition::TextCondition(t)) = inner.operand.as_deref() else {
        panic!("innermost operand: {:?}", inner.operand);
    };
    assert_eq!(t.text.as_deref(), Some("x"));
}

#[test]
fn a_single_valued_navigation_to_its_own_entity_type_decodes() {
    let v = json!({"id": "1", "manager": {"id": "2", "manager": {"id": "3"}}});
    let p: cycles::Person = round_trip(&v);
    let top = p
        .manager
        .and_then(|m| m.manager)
        .expect("manager's manager");
    assert_eq!(top.id.as_deref(), Some("3"));
}
