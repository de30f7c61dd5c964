//! Rust names for CSDL names: one place, shared by the model and request-builder generators.
//!
//! Rules (all deterministic, no global state):
//! * types and enum variants: `UpperCamelCase` via `heck` (`callRecord` -> `CallRecord`,
//!   `macOS` -> `MacOs`);
//! * fields: `snake_case` via `heck` (`reflexiveIPAddress` -> `reflexive_ip_address`),
//!   raw identifiers for Rust keywords (`type` -> `r#type`);
//! * modules: the last namespace segment, lower-cased (`microsoft.graph.callRecords` -> `callrecords`);
//! * items that would share a name get longer ones from their own candidates ([`UniqueNames`]).

use std::collections::{BTreeMap, BTreeSet};

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

/// Distinct names for claimants that each bring candidates, shortest (preferred) first.
///
/// Where candidates collide, the claimant whose candidate is shorter (earlier in its list)
/// keeps it; claimants colliding at the same position all move on to their next, longer
/// candidate (so neither of two paths ending in `queries` keeps the bare name). A claimant
/// whose candidates are used up gets its last one with a number (`2`, `3`, ..., the lowest
/// key first). The result depends only on the claims, not on their order.
#[derive(Debug, Default)]
pub struct UniqueNames {
    reserved: BTreeSet<String>,
    claims: BTreeMap<String, Vec<String>>,
}

impl UniqueNames {
    /// No names claimed.
    pub fn new() -> Self {
        Self::default()
    }

    /// A name no claimant gets (one the generator writes itself).
    pub fn reserve(&mut self, name: &str) {
        self.reserved.insert(name.to_string());
    }

    /// Claims a name for `key` from `candidates`; claiming a key again changes nothing, so a
    /// reused item keeps one name. Without candidates the key itself is the candidate.
    pub fn claim(&mut self, key: &str, candidates: Vec<String>) {
        let candidates = if candidates.is_empty() {
            vec![key.to_string()]
        } else {
            candidates
        };
        self.claims.entry(key.to_string()).or_insert(candidates);
    }

    /// The name of every claimed key.
    pub fn resolve(&self) -> BTreeMap<String, String> {
        let claims: Vec<(&String, &Vec<String>)> = self.claims.iter().collect();
        let name_at = |i: usize, level: usize| -> String {
            let c = claims[i].1;
            match c.get(level) {
                Some(name) => name.clone(),
                None => format!("{}{}", c[c.len() - 1], level - c.len() + 2),
            }
        };
        let mut level = vec![0usize; claims.len()];
        loop {
            let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (i, l) in level.iter().enumerate() {
                groups.entry(name_at(i, *l)).or_default().push(i);
            }
            let mut advance: Vec<usize> = Vec::new();
            for (name, members) in &groups {
                if self.reserved.contains(name) {
                    advance.extend(members);
                    continue;
                }
                let Some(min) = members.iter().map(|&i| level[i]).min() else {
                    continue;
                };
                let lowest: Vec<usize> = members
                    .iter()
                    .copied()
                    .filter(|&i| level[i] == min)
                    .collect();
                let numbered = lowest.iter().all(|&i| min >= claims[i].1.len());
                // `members` is in key order, so with numbers the lowest key keeps its name.
                let keeper = (lowest.len() == 1 || numbered).then(|| lowest[0]);
                advance.extend(members.iter().filter(|&&i| Some(i) != keeper));
            }
            if advance.is_empty() {
                break;
            }
            for i in advance {
                level[i] += 1;
            }
        }
        claims
            .iter()
            .enumerate()
            .map(|(i, (key, _))| ((*key).clone(), name_at(i, level[i])))
            .collect()
    }
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

    fn names(claims: &[(&str, &[&str])], reserved: &[&str]) -> Vec<String> {
        let mut u = UniqueNames::new();
        for r in reserved {
            u.reserve(r);
        }
        for (key, cands) in claims {
            u.claim(key, cands.iter().map(|c| c.to_string()).collect());
        }
        let map = u.resolve();
        claims.iter().map(|(k, _)| map[*k].clone()).collect()
    }

    #[test]
    fn unique_names_lengthen_only_where_they_collide() {
        // Two paths ending in `queries`: both take their path-derived name.
        let got = names(
            &[
                ("/a/searches/queries", &["Queries", "SearchesQueries"]),
                ("/a/sets/queries", &["Queries", "SetsQueries"]),
                ("/a/sessions", &["Sessions", "ASessions"]),
            ],
            &[],
        );
        assert_eq!(got, ["SearchesQueries", "SetsQueries", "Sessions"]);
        // The same claims in another order give the same names.
        let got = names(
            &[
                ("/a/sets/queries", &["Queries", "SetsQueries"]),
                ("/a/sessions", &["Sessions", "ASessions"]),
                ("/a/searches/queries", &["Queries", "SearchesQueries"]),
            ],
            &[],
        );
        assert_eq!(got, ["SetsQueries", "Sessions", "SearchesQueries"]);
    }

    #[test]
    fn unique_names_preferred_candidate_wins_and_numbers_are_last() {
        // `b` wants `X` only as its longer name: `a` keeps it, `b` goes on.
        let got = names(
            &[("a", &["X"]), ("b", &["Y", "X", "Z"]), ("c", &["Y"])],
            &[],
        );
        assert_eq!(got, ["X", "Z", "Y2"]);
        // Used-up candidates: numbered in key order; reserved names are never given.
        let got = names(&[("k2", &["X"]), ("k1", &["X"]), ("k3", &["R"])], &["R"]);
        assert_eq!(got, ["X3", "X2", "R2"]);
        // A key claimed twice is one claimant.
        let mut u = UniqueNames::new();
        u.claim("k", vec!["X".into()]);
        u.claim("k", vec!["Y".into()]);
        assert_eq!(u.resolve()["k"], "X");
    }
}
