//! The API change report: each kind of change between two small documents,
//! with its classification.

use msgraph_csdl::{diff, load, ApiDiff, ChangeKind, Element, Impact};

/// A document with one schema `n` (alias `a`) whose body is `body`.
fn doc(body: &str) -> String {
    format!(
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="n" Alias="a" xmlns="http://docs.oasis-open.org/odata/ns/edm">
{body}
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#
    )
}

fn changes(old: &str, new: &str) -> ApiDiff {
    let old = load(doc(old).as_bytes(), "old.xml").expect("old loads");
    let new = load(doc(new).as_bytes(), "new.xml").expect("new loads");
    diff(&old, &new)
}

/// The changes as `(kind, impact, element, target, detail)`.
fn listed(d: &ApiDiff) -> Vec<(ChangeKind, Impact, Element, &str, &str)> {
    d.changes
        .iter()
        .map(|c| {
            (
                c.kind,
                c.impact,
                c.element,
                c.target.as_str(),
                c.detail.as_str(),
            )
        })
        .collect()
}

use ChangeKind::{Added, Changed, Deprecated, Removed};
use Impact::{Additive, Breaking};

const BASE: &str = r#"
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <ComplexType Name="info">
        <Property Name="name" Type="Edm.String" />
        <Property Name="count" Type="Edm.Int32" />
      </ComplexType>
      <EnumType Name="color">
        <Member Name="red" Value="0" />
        <Member Name="unknownFutureValue" Value="1" />
      </EnumType>
      <EntityType Name="record" BaseType="a.entity">
        <Property Name="info" Type="a.info" />
        <NavigationProperty Name="parts" Type="Collection(a.part)" ContainsTarget="true" />
      </EntityType>
      <EntityType Name="part" BaseType="a.entity" />
      <Function Name="getLog" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(a.record)" />
        <Parameter Name="fromDateTime" Type="Edm.DateTimeOffset" Nullable="false" />
        <ReturnType Type="Collection(a.info)" />
      </Function>
      <EntityContainer Name="Service">
        <EntitySet Name="records" EntityType="n.record" />
      </EntityContainer>"#;

#[test]
fn identical_documents_have_no_changes() {
    let d = changes(BASE, BASE);
    assert!(d.is_empty(), "{}", d.report());
    assert_eq!(d.report(), "API changes: none\n");
    assert_eq!(d.changelog("Unreleased"), None);
}

#[test]
fn types_added_removed_and_changing_kind() {
    let new = BASE
        .replace(
            r#"<EntityType Name="part" BaseType="a.entity" />"#,
            r#"<ComplexType Name="row"><Property Name="x" Type="Edm.String" /></ComplexType>
               <EnumType Name="shape"><Member Name="round" /></EnumType>"#,
        )
        .replace(
            r#"<ComplexType Name="info">"#,
            r#"<EntityType Name="info" BaseType="a.entity">"#,
        )
        .replace(
            "<Property Name=\"count\" Type=\"Edm.Int32\" />\n      </ComplexType>",
            "<Property Name=\"count\" Type=\"Edm.Int32\" />\n      </EntityType>",
        )
        .replace("Type=\"Collection(a.part)\"", "Type=\"Collection(a.row)\"");
    let d = changes(BASE, &new);
    let l = listed(&d);
    assert!(l.contains(&(
        Changed,
        Breaking,
        Element::EntityType,
        "n.info",
        "complex type -> entity type"
    )));
    assert!(l.contains(&(Removed, Breaking, Element::EntityType, "n.part", "")));
    assert!(l.contains(&(Added, Additive, Element::ComplexType, "n.row", "")));
    assert!(l.contains(&(Added, Additive, Element::EnumType, "n.shape", "")));
}

#[test]
fn base_type_change_is_breaking() {
    let new = BASE.replace(
        r#"<EntityType Name="part" BaseType="a.entity" />"#,
        r#"<EntityType Name="part" BaseType="a.record" />"#,
    );
    let d = changes(BASE, &new);
    assert_eq!(
        listed(&d),
        [(
            Changed,
            Breaking,
            Element::EntityType,
            "n.part",
            "base type n.entity -> n.record"
        )]
    );
}

#[test]
fn properties_added_removed_retyped_and_nullability() {
    let new = BASE.replace(
        r#"<Property Name="name" Type="Edm.String" />
        <Property Name="count" Type="Edm.Int32" />"#,
        r#"<Property Name="name" Type="Edm.String" Nullable="false" />
        <Property Name="count" Type="Edm.Int64" />
        <Property Name="tags" Type="Collection(Edm.String)" />"#,
    );
    let old = BASE.replace(
        r#"<Property Name="info" Type="a.info" />"#,
        r#"<Property Name="info" Type="a.info" /><Property Name="legacy" Type="Edm.Boolean" />"#,
    );
    let d = changes(&old, &new);
    assert_eq!(
        listed(&d),
        [
            (
                Changed,
                Breaking,
                Element::Property,
                "n.info/count",
                "Edm.Int32 -> Edm.Int64"
            ),
            (
                Changed,
                Additive,
                Element::Property,
                "n.info/name",
                "Nullable true -> false"
            ),
            (
                Added,
                Additive,
                Element::Property,
                "n.info/tags",
                "Collection(Edm.String)"
            ),
            (
                Removed,
                Breaking,
                Element::Property,
                "n.record/legacy",
                "Edm.Boolean"
            ),
        ]
    );
    assert_eq!(d.breaking(), 2);
}

#[test]
fn navigation_properties_added_removed_retyped_and_containment() {
    let old = BASE.replace(
        r#"<NavigationProperty Name="parts" Type="Collection(a.part)" ContainsTarget="true" />"#,
        r#"<NavigationProperty Name="parts" Type="Collection(a.part)" ContainsTarget="true" />
        <NavigationProperty Name="owner" Type="a.part" />
        <NavigationProperty Name="gone" Type="a.part" />"#,
    );
    let new = BASE.replace(
        r#"<NavigationProperty Name="parts" Type="Collection(a.part)" ContainsTarget="true" />"#,
        r#"<NavigationProperty Name="parts" Type="Collection(a.part)" />
        <NavigationProperty Name="owner" Type="Collection(a.part)" />
        <NavigationProperty Name="sessions" Type="Collection(a.part)" ContainsTarget="true" />"#,
    );
    let d = changes(&old, &new);
    let nav = Element::NavigationProperty;
    assert_eq!(
        listed(&d),
        [
            (Removed, Breaking, nav, "n.record/gone", "n.part"),
            (
                Changed,
                Breaking,
                nav,
                "n.record/owner",
                "n.part -> Collection(n.part)"
            ),
            (
                Changed,
                Breaking,
                nav,
                "n.record/parts",
                "ContainsTarget true -> false"
            ),
            (
                Added,
                Additive,
                nav,
                "n.record/sessions",
                "Collection(n.part)"
            ),
        ]
    );
}

#[test]
fn enum_members_added_removed_and_renumbered() {
    let old = BASE.replace(
        r#"<Member Name="red" Value="0" />"#,
        r#"<Member Name="red" Value="0" /><Member Name="old" Value="5" />"#,
    );
    let new = BASE.replace(
        r#"<Member Name="unknownFutureValue" Value="1" />"#,
        r#"<Member Name="unknownFutureValue" Value="2" /><Member Name="blue" Value="3" />"#,
    );
    let d = changes(&old, &new);
    let m = Element::EnumMember;
    assert_eq!(
        listed(&d),
        [
            (Added, Additive, m, "n.color/blue", "value 3"),
            (Removed, Breaking, m, "n.color/old", "value 5"),
            (
                Changed,
                Additive,
                m,
                "n.color/unknownFutureValue",
                "value 1 -> 2"
            ),
        ]
    );
    assert_eq!(d.breaking(), 1);
}

#[test]
fn functions_and_actions_added_removed_and_changed() {
    let new = BASE
        .replace(
            r#"<Parameter Name="fromDateTime" Type="Edm.DateTimeOffset" Nullable="false" />"#,
            r#"<Parameter Name="fromDateTime" Type="Edm.DateTimeOffset" Nullable="false" />
        <Parameter Name="toDateTime" Type="Edm.DateTimeOffset" Nullable="false" />"#,
        )
        .replace(
            "<EntityContainer",
            r#"<Function Name="getSmsLog" IsBound="true">
        <Parameter Name="bindingParameter" Type="Collection(a.record)" />
        <ReturnType Type="Collection(a.info)" />
      </Function>
      <Action Name="reset" IsBound="true"><Parameter Name="bindingParameter" Type="a.record" /></Action>
      <EntityContainer"#,
        );
    let old = BASE.replace(
        "<EntityContainer",
        r#"<Action Name="purge" /><EntityContainer"#,
    );
    let d = changes(&old, &new);
    let l = listed(&d);
    assert_eq!(
        l,
        [
            (
                Changed,
                Breaking,
                Element::Function,
                "n.getLog(Collection(n.record))",
                "(bindingParameter: Collection(n.record), fromDateTime: Edm.DateTimeOffset not null) -> Collection(n.info) -> (bindingParameter: Collection(n.record), fromDateTime: Edm.DateTimeOffset not null, toDateTime: Edm.DateTimeOffset not null) -> Collection(n.info)"
            ),
            (
                Added,
                Additive,
                Element::Function,
                "n.getSmsLog(Collection(n.record))",
                "(bindingParameter: Collection(n.record)) -> Collection(n.info)"
            ),
            (Removed, Breaking, Element::Action, "n.purge", "()"),
            (
                Added,
                Additive,
                Element::Action,
                "n.reset(n.record)",
                "(bindingParameter: n.record)"
            ),
        ]
    );
}

#[test]
fn return_type_change_is_breaking() {
    let new = BASE.replace(
        r#"<ReturnType Type="Collection(a.info)" />"#,
        r#"<ReturnType Type="Collection(a.part)" />"#,
    );
    let d = changes(BASE, &new);
    assert_eq!(d.changes.len(), 1);
    assert_eq!(d.changes[0].impact, Breaking);
    assert!(
        d.changes[0].detail.ends_with("-> Collection(n.part)"),
        "{}",
        d.changes[0].detail
    );
}

#[test]
fn entity_sets_and_singletons() {
    let new = BASE.replace(
        r#"<EntitySet Name="records" EntityType="n.record" />"#,
        r#"<Singleton Name="me" Type="n.record" />"#,
    );
    let d = changes(BASE, &new);
    assert_eq!(
        listed(&d),
        [
            (
                Added,
                Additive,
                Element::Singleton,
                "n.Service/me",
                "n.record"
            ),
            (
                Removed,
                Breaking,
                Element::EntitySet,
                "n.Service/records",
                "n.record"
            ),
        ]
    );
}

fn deprecated(date: &str, removal: &str) -> String {
    format!(
        r#"<Annotation Term="Org.OData.Core.V1.Revisions"><Collection><Record>
          <PropertyValue Property="Date" Date="{date}" />
          <PropertyValue Property="Description" String="Use name instead." />
          <PropertyValue Property="Kind" EnumMember="Org.OData.Core.V1.RevisionKind/Deprecated" />
          <PropertyValue Property="RemovalDate" Date="{removal}" />
          <PropertyValue Property="Version" String="2025-01/Deprecate" />
        </Record></Collection></Annotation>"#
    )
}

#[test]
fn deprecations_with_dates_inline_and_out_of_line() {
    // Inline on a property; out of line on an enum member.
    let new = BASE
        .replace(
            r#"<Property Name="count" Type="Edm.Int32" />"#,
            &format!(
                r#"<Property Name="count" Type="Edm.Int32">{}</Property>"#,
                deprecated("2025-01-15", "2027-01-15")
            ),
        )
        .replace(
            "</EntityContainer>",
            &format!(
                r#"</EntityContainer><Annotations Target="a.color/red">{}</Annotations>"#,
                deprecated("2025-02-01", "2027-02-01")
            ),
        );
    let d = changes(BASE, &new);
    assert_eq!(
        listed(&d),
        [
            (
                Deprecated,
                Additive,
                Element::EnumMember,
                "n.color/red",
                "since 2025-02-01; removal on 2027-02-01; Use name instead."
            ),
            (
                Deprecated,
                Additive,
                Element::Property,
                "n.info/count",
                "since 2025-01-15; removal on 2027-01-15; Use name instead."
            ),
        ]
    );
    // A later removal date is reported; dropping the deprecation too.
    let moved = new.replace("2027-01-15", "2028-01-15");
    let d = changes(&new, &moved);
    assert_eq!(
        listed(&d),
        [(
            Deprecated,
            Additive,
            Element::Property,
            "n.info/count",
            "since 2025-01-15; removal on 2028-01-15; Use name instead.; removal date was 2027-01-15"
        )]
    );
    let d = changes(&new, BASE);
    assert_eq!(d.changes.len(), 2);
    assert!(d
        .changes
        .iter()
        .all(|c| c.kind == Changed && c.detail == "no longer deprecated"));
}

#[test]
fn report_and_changelog_say_what_changed() {
    let new = BASE
        .replace(
            r#"<Property Name="count" Type="Edm.Int32" />"#,
            &format!(
                r#"<Property Name="size" Type="Edm.Int64" /><Property Name="name2" Type="Edm.String">{}</Property>"#,
                deprecated("2025-01-15", "2027-01-15")
            ),
        )
        .replace("Value=\"1\" />", "Value=\"1\" /><Member Name=\"blue\" Value=\"2\" />");
    let d = changes(BASE, &new);
    assert_eq!(
        d.report(),
        "API changes: 5 (1 breaking, 4 additive)\n\
         \x20 additive  enum member added: `n.color/blue` (value 2)\n\
         \x20 BREAKING  property removed: `n.info/count` (Edm.Int32)\n\
         \x20 additive  property added: `n.info/name2` (Edm.String)\n\
         \x20 additive  property deprecated: `n.info/name2` (since 2025-01-15; removal on 2027-01-15; Use name instead.)\n\
         \x20 additive  property added: `n.info/size` (Edm.Int64)\n"
    );
    assert_eq!(
        d.changelog("[Unreleased] - 2026-12-06").as_deref(),
        Some(
            "## [Unreleased] - 2026-12-06\n\
             \n### Added\n\n\
             - enum member `n.color/blue`: value 2\n\
             - property `n.info/name2`: Edm.String\n\
             - property `n.info/size`: Edm.Int64\n\
             \n### Deprecated\n\n\
             - property `n.info/name2`: since 2025-01-15; removal on 2027-01-15; Use name instead.\n\
             \n### Removed\n\n\
             - **Breaking:** property `n.info/count`: Edm.Int32\n"
        )
    );
}

/// Generated structs carry their base types' fields: a property that moves
/// into a new base type is neither removed nor added; the new base is.
#[test]
fn a_property_moved_to_a_base_type_is_not_removed() {
    let new = BASE
        .replace(
            r#"<ComplexType Name="info">
        <Property Name="name" Type="Edm.String" />"#,
            r#"<ComplexType Name="named"><Property Name="name" Type="Edm.String" /></ComplexType>
      <ComplexType Name="info" BaseType="a.named">"#,
        )
        .replace(
            r#"<Property Name="count" Type="Edm.Int32" />"#,
            r#"<Property Name="count" Type="Edm.Int64" />"#,
        );
    let d = changes(BASE, &new);
    assert_eq!(
        listed(&d),
        [
            (
                Changed,
                Breaking,
                Element::ComplexType,
                "n.info",
                "base type none -> n.named"
            ),
            (
                Changed,
                Breaking,
                Element::Property,
                "n.info/count",
                "Edm.Int32 -> Edm.Int64"
            ),
            (Added, Additive, Element::ComplexType, "n.named", ""),
        ]
    );
    // Moved and retyped on the way: reported as retyped.
    let retyped = new.replace(
        r#"<ComplexType Name="named"><Property Name="name" Type="Edm.String" />"#,
        r#"<ComplexType Name="named"><Property Name="name" Type="Edm.Guid" />"#,
    );
    let d = changes(BASE, &retyped);
    assert!(listed(&d).contains(&(
        Changed,
        Breaking,
        Element::Property,
        "n.info/name",
        "Edm.String -> Edm.Guid"
    )));
}
