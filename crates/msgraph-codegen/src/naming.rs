//! Rust names for CSDL names: one place, shared by the model and request-builder generators.
//!
//! Rules (all deterministic, no global state):
//! * types and enum variants: `UpperCamelCase` via `heck` (`callRecord` -> `CallRecord`,
//!   `macOS` -> `MacOs`);
//! * fields: `snake_case` via `heck` (`reflexiveIPAddress` -> `reflexive_ip_address`),
//!   raw identifiers for Rust keywords (`type` -> `r#type`);
//! * modules: the last namespace segment, lower-cased (`microsoft.graph.callRecords` -> `callrecords`).

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Rust keywords (strict and reserved, 2021 edition) that need `r#` as identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers at all; they get a trailing underscore.
const NON_RAW: &[&str] = &["crate", "self", "super", "Self"];

/// `UpperCamelCase` name of a type or variant (`pstnCallLogRow` -> `PstnCallLogRow`).
pub fn type_name(csdl: &str) -> String {
    let mut s = csdl.to_upper_camel_case();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'T');
    }
    if s == "Self" {
        s.push('_');
    }
    s
}

/// `snake_case` name of a field or method, without the `r#` prefix (`organizer_v2`, `type`).
pub fn field_name(csdl: &str) -> String {
    let mut s = csdl.to_snake_case();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    s
}

/// An identifier token for a `snake_case` name, raw when it is a keyword (`r#type`).
pub fn field_ident(name: &str) -> Ident {
    if NON_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// An identifier token for an `UpperCamelCase` name.
pub fn type_ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The module name of a namespace: its last segment, lower-cased.
pub fn module_name(namespace: &str) -> String {
    let last = namespace.rsplit('.').next().unwrap_or(namespace);
    let s: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if KEYWORDS.contains(&s.as_str()) || NON_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else {
        s
    }
}

/// The name serde's `rename_all = "camelCase"` derives from a `snake_case` field name.
///
/// This mirrors serde_derive's rule exactly (drop `_`, upper-case the next character), so the
/// generator can tell when an explicit `#[serde(rename)]` is needed.
pub fn serde_camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a field named `snake` needs an explicit `#[serde(rename = wire)]` under
/// `rename_all = "camelCase"`.
pub fn needs_rename(snake: &str, wire: &str) -> bool {
    serde_camel_case(snake) != wire
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_variants() {
        assert_eq!(type_name("callRecord"), "CallRecord");
        assert_eq!(type_name("macOS"), "MacOs");
        assert_eq!(type_name("frequency24GHz"), "Frequency24GHz");
        assert_eq!(type_name("2fa"), "T2fa");
    }

    #[test]
    fn fields_and_keywords() {
        assert_eq!(field_name("reflexiveIPAddress"), "reflexive_ip_address");
        assert_eq!(field_ident("type").to_string(), "r#type");
        assert_eq!(field_ident("self").to_string(), "self_");
        assert_eq!(field_ident("name").to_string(), "name");
    }

    #[test]
    fn renames_only_where_needed() {
        assert!(!needs_rename("end_date_time", "endDateTime"));
        assert!(needs_rename("organizer_v2", "organizer_v2"));
        assert!(needs_rename("reflexive_ip_address", "reflexiveIPAddress"));
        assert!(needs_rename("azure_ad_app_id", "azureADAppId"));
        assert!(!needs_rename(
            "cpu_insufficent_event_ratio",
            "cpuInsufficentEventRatio"
        ));
        assert!(!needs_rename("type", "type"));
    }

    #[test]
    fn modules() {
        assert_eq!(module_name("microsoft.graph.callRecords"), "callrecords");
        assert_eq!(module_name("microsoft.graph"), "graph");
    }
}
