//! Which struct fields are boxed: the back edges of cycles in the type graph.
//!
//! A struct holds every single-valued field inline (`Option<T>`), and a dispatch enum
//! (`AnyIdentity`) holds its variants' structs inline, so a type that reaches itself through
//! single-valued members (`workbookOperationError.innerError`, or `a -> b -> a`, or a derived
//! type holding its base's dispatch enum) would have infinite size (`E0072`). Collections are
//! already on the heap (`Vec<T>`).
//!
//! The graph: one node per structured type; for each single-valued property or navigation
//! property of a type (inherited ones included, as the struct copies them in), an edge to the
//! declared type and, when that is polymorphic, to every type derived from it. A depth-first
//! search in document order marks the fields of its back edges; those fields become
//! `Option<Box<T>>`. Removing the back edges of a depth-first search leaves no cycle, so the
//! output always has a finite size, and only fields on a cycle are boxed. Same document, same
//! choice: the order is the CSDL's.

use std::collections::{BTreeMap, BTreeSet};

use super::Index;
use crate::Error;

/// Fields to box, as (qualified struct name, `<declaring type>/<member>` target).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct BoxedFields(BTreeSet<(String, String)>);

impl BoxedFields {
    /// Whether the member `target` (`<declaring type>/<member>`) of struct `qualified` is boxed.
    pub fn contains(&self, qualified: &str, target: &str) -> bool {
        self.0
            .contains(&(qualified.to_string(), target.to_string()))
    }
}

/// One single-valued member: its target name and the structs its value holds inline.
struct Edge {
    target: String,
    holds: Vec<usize>,
}

/// Finds the back edges of the document's type graph (see the module docs).
pub(crate) fn boxed_fields(index: &Index<'_>) -> Result<BoxedFields, Error> {
    let types: Vec<(String, &msgraph_csdl::StructuredType)> =
        index.doc.structured_types().collect();
    let position: BTreeMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(i, (q, _))| (q.as_str(), i))
        .collect();
    // What a value declared as `name` holds inline, memoized (the full Graph CSDL has
    // thousands of members of a few polymorphic types).
    let mut held: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut edges: Vec<Vec<Edge>> = Vec::with_capacity(types.len());
    for (qualified, ty) in &types {
        let mut out = Vec::new();
        for (decl_name, decl) in index.all_properties(qualified, ty)? {
            let members = decl
                .properties
                .iter()
                .map(|p| (&p.name, &p.ty))
                .chain(decl.navigation_properties.iter().map(|n| (&n.name, &n.ty)));
            for (name, ty_ref) in members {
                let Some(&declared) = position.get(ty_ref.name.as_str()) else {
                    continue; // primitive, enum or type definition: no cycle through it
                };
                if ty_ref.collection {
                    continue;
                }
                let holds = held
                    .entry(ty_ref.name.to_string())
                    .or_insert_with(|| {
                        let mut v = vec![declared];
                        if index.is_polymorphic(&ty_ref.name) {
                            v.extend(
                                index
                                    .all_derived(&ty_ref.name)
                                    .iter()
                                    .filter_map(|(n, _)| position.get(n.as_str()).copied()),
                            );
                        }
                        v
                    })
                    .clone();
                out.push(Edge {
                    target: format!("{decl_name}/{name}"),
                    holds,
                });
            }
        }
        edges.push(out);
    }
    Ok(BoxedFields(back_edges(&types, &edges)))
}

/// Iterative depth-first search over `edges` from every node in order; the fields with an
/// edge to a node still on the stack.
fn back_edges(
    types: &[(String, &msgraph_csdl::StructuredType)],
    edges: &[Vec<Edge>],
) -> BTreeSet<(String, String)> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnStack,
        Done,
    }
    let mut mark = vec![Mark::New; types.len()];
    let mut boxed = BTreeSet::new();
    for start in 0..types.len() {
        if mark[start] != Mark::New {
            continue;
        }
        // (node, next edge, next target of that edge)
        let mut stack = vec![(start, 0usize, 0usize)];
        mark[start] = Mark::OnStack;
        while let Some(top) = stack.last_mut() {
            let (node, e, t) = *top;
            let Some(edge) = edges[node].get(e) else {
                mark[node] = Mark::Done;
                stack.pop();
                continue;
            };
            let Some(&next) = edge.holds.get(t) else {
                *top = (node, e + 1, 0);
                continue;
            };
            *top = (node, e, t + 1);
            match mark[next] {
                Mark::OnStack => {
                    boxed.insert((types[node].0.clone(), edge.target.clone()));
                }
                Mark::New => {
                    mark[next] = Mark::OnStack;
                    stack.push((next, 0, 0));
                }
                Mark::Done => {}
            }
        }
    }
    boxed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(schema: &str) -> Vec<(String, String)> {
        let xml = format!(
            r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="n" xmlns="http://docs.oasis-open.org/odata/ns/edm">{schema}</Schema>
  </edmx:DataServices>
</edmx:Edmx>"#
        );
        let doc = msgraph_csdl::load(xml.as_bytes(), "test").unwrap_or_else(|e| panic!("{e}"));
        let index = Index::new(&doc).unwrap_or_else(|e| panic!("{e}"));
        boxed_fields(&index)
            .unwrap_or_else(|e| panic!("{e}"))
            .0
            .into_iter()
            .collect()
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn a_self_reference_is_boxed_and_a_collection_of_itself_is_not() {
        let got = boxed(
            r#"<ComplexType Name="operationError">
                 <Property Name="code" Type="Edm.String" />
                 <Property Name="innerError" Type="n.operationError" />
                 <Property Name="details" Type="Collection(n.operationError)" />
               </ComplexType>"#,
        );
        assert_eq!(
            got,
            [pair("n.operationError", "n.operationError/innerError")]
        );
    }

    #[test]
    fn a_longer_cycle_is_broken_once_at_its_back_edge() {
        let got = boxed(
            r#"<ComplexType Name="a"><Property Name="b" Type="n.b" /></ComplexType>
               <ComplexType Name="b"><Property Name="c" Type="n.c" /></ComplexType>
               <ComplexType Name="c"><Property Name="a" Type="n.a" /><Property Name="d" Type="n.d" /></ComplexType>
               <ComplexType Name="d"><Property Name="x" Type="Edm.Int32" /></ComplexType>"#,
        );
        assert_eq!(got, [pair("n.c", "n.c/a")]);
    }

    #[test]
    fn a_cycle_through_a_dispatch_enum_and_inheritance_is_broken() {
        // `derived` holds `AnyBase`, whose `Derived` variant holds `derived` inline; the search
        // reaches `holder2` (also an `AnyBase` variant) from there, then `holder`, whose
        // member back to `holder2` closes the second cycle.
        let got = boxed(
            r#"<ComplexType Name="base"><Property Name="x" Type="Edm.Int32" /></ComplexType>
               <ComplexType Name="derived" BaseType="n.base"><Property Name="parent" Type="n.base" /></ComplexType>
               <ComplexType Name="holder"><Property Name="h" Type="n.holder2" /></ComplexType>
               <ComplexType Name="holder2" BaseType="n.base"><Property Name="back" Type="n.holder" /></ComplexType>"#,
        );
        assert_eq!(
            got,
            [
                pair("n.derived", "n.derived/parent"),
                pair("n.holder", "n.holder/h"),
            ]
        );
    }

    #[test]
    fn an_acyclic_graph_boxes_nothing() {
        let got = boxed(
            r#"<ComplexType Name="a"><Property Name="b" Type="n.b" /><Property Name="b2" Type="n.b" /></ComplexType>
               <ComplexType Name="b"><Property Name="x" Type="Edm.Int32" /></ComplexType>"#,
        );
        assert!(got.is_empty(), "{got:?}");
    }

    /// The real v1.0 document: Graph's own self-reference is boxed, and only fields on a
    /// cycle are (a handful among tens of thousands of members). Skipped when absent.
    #[test]
    fn the_upstream_document_boxes_workbook_operation_error_inner_error() {
        let dir = std::env::var("CARGO_MANIFEST_DIR")
            .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
        let path = std::path::Path::new(&dir)
            .join("../../../shared/upstream-metadata/graph-v1.0-metadata.xml");
        if !path.exists() {
            eprintln!("skipped: {} is absent", path.display());
            return;
        }
        let doc = msgraph_csdl::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
        let index = Index::new(&doc).unwrap_or_else(|e| panic!("{e}"));
        let boxed = boxed_fields(&index).unwrap_or_else(|e| panic!("{e}"));
        assert!(boxed.contains(
            "microsoft.graph.workbookOperationError",
            "microsoft.graph.workbookOperationError/innerError"
        ));
        eprintln!("{} boxed fields in the v1.0 document", boxed.0.len());
        assert!(boxed.0.len() < 200, "{:?}", boxed.0);
    }
}
