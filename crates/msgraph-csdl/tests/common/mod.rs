//! Helpers shared by the msgraph-csdl test binaries.

/// The package directory as cargo gives it when running this (not as it was
/// at compile time: a build dir may be shared between checkouts).
pub fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string())
}

/// The types `doc` holds outside the closure of `namespace` (and its container path): the
/// root types `codegen.toml` adds to the import (`microsoft.graph.call`), with their closure.
#[allow(dead_code)] // not every test binary uses it
pub fn types_outside_closure(doc: &msgraph_csdl::Document, namespace: &str) -> Vec<String> {
    let closure = msgraph_csdl::closure(doc, namespace).expect("closure");
    let path_only: Vec<&String> = closure.path_only_types().collect();
    doc.schemas
        .iter()
        .flat_map(|s| {
            let names = s
                .entity_types
                .iter()
                .chain(&s.complex_types)
                .map(|t| &t.name);
            let names = names.chain(s.enum_types.iter().map(|t| &t.name));
            names.map(move |n| format!("{}.{n}", s.namespace))
        })
        .filter(|q| !closure.types.contains(q) && !path_only.contains(&q))
        .collect()
}
