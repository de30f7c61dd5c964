//! Serde models for the Microsoft Graph **call records** API (`microsoft.graph.callRecords`)
//! and the `microsoft.graph` types it needs, generated from the CSDL in `metadata/` by
//! `cargo xtask codegen` (see `msgraph-codegen`). No HTTP here: the types also read files
//! exported earlier.
//!
//! # Modules
//!
//! * [`callrecords`], [`graph`]: Graph v1.0, one module per CSDL namespace. The module path
//!   keeps the namespace, so `graph::UserIdentity` (`microsoft.graph.userIdentity`) and
//!   `callrecords::UserIdentity` (`microsoft.graph.callRecords.userIdentity`) coexist
//!   without name mangling.
//! * `beta::{callrecords, graph}`: the complete Graph beta models, behind the `beta` cargo
//!   feature. A type defined the same way in both versions is one Rust type (beta
//!   re-exports the v1.0 one), so a value from a v1.0 call can be passed where beta expects
//!   it; a type beta changes is a beta type of its own (e.g. `pstnCallLogRow`, which gains
//!   the base type `callLogRow`), as is every type that refers to one.
//!
//! # The `call` resource (models only)
//!
//! [`graph::Call`] (`microsoft.graph.call`, the resource of `/communications/calls/{id}`)
//! is generated as a root type with everything it needs: the media configurations
//! ([`graph::AnyMediaConfig`]: `appHostedMediaConfig`, `serviceHostedMediaConfig`), the
//! meeting information ([`graph::AnyMeetingInfo`]: `organizerMeetingInfo`,
//! `tokenMeetingInfo`, `joinMeetingIdMeetingInfo`), [`graph::ParticipantInfo`],
//! [`graph::InvitationParticipantInfo`], call options, routes, participants, operations,
//! ... It is listed under `[api].types` in the workspace's `codegen.toml`. There are **no
//! request builders for calls** in `msgraph-callrecords`: the Calls API needs other
//! permissions (`Calls.*`, not `CallRecords.Read.All`) and actions (answer, reject,
//! transfer, play prompt, ...) that are outside this SDK. Use the models to read call
//! payloads, e.g. change notifications or the bodies of your own requests.
//!
//! # Conventions of the generated code
//!
//! * **Structs** (one per entity and complex type) derive `Debug, Clone, PartialEq, Default,
//!   Serialize, Deserialize` and are `#[non_exhaustive]`, so new properties are not a breaking
//!   change; build them with `let mut v = T::default(); v.field = Some(..);`. Fields are
//!   `snake_case` with `#[serde(rename_all = "camelCase")]` plus an explicit `rename` where
//!   that rule does not give the wire name (`organizer_v2`, `reflexiveIPAddress`,
//!   `azureADAppId`); keywords are raw identifiers (`r#type`). A field's doc gives its CSDL
//!   type, and its wire name only when it is not the camelCase of the field name.
//! * **Every member is `Option`** and skipped when `None`: `Nullable="false"` does not promise
//!   presence (`$select` and trimmed payloads omit members, so the field docs do not repeat
//!   it), and `null` reads as `None`.
//!   Collections are `Option<Vec<T>>`. A member that closes a cycle of single values in the
//!   type graph (a type holding its own type, like Graph's `workbookOperationError.innerError`,
//!   or a longer loop) is `Option<Box<T>>`, so the type has a finite size; the generator
//!   boxes one member per cycle (the back edge of a depth-first walk in CSDL order).
//! * **Inheritance is flattened by copying**: a derived struct repeats its base's
//!   properties (no `serde(flatten)`, which buffers every value and is much slower).
//! * **Control information**: every struct has `odata_type` (`@odata.type`), entity structs
//!   `odata_context` (`@odata.context`); navigation properties add `<nav>_odata_context`
//!   and, for collections, `<nav>_next_link` (`sessions@odata.nextLink`) for nested paging.
//!   So a response round-trips through the models without loss.
//! * **Polymorphism**: a type with derived types gets a dispatch enum `Any<Type>`
//!   (`graph::AnyIdentity`, `callrecords::AnyEndpoint`, `callrecords::AnyUserAgent`), used
//!   wherever a property is declared with that type. It reads `@odata.type` and picks the
//!   struct; without it, or with a type name this crate does not know, it uses the base
//!   struct when the base is concrete and open (extra members kept in `additional_data`),
//!   otherwise `Other(raw JSON object)`. Variant names are the type names; a derived type
//!   from another namespace whose short name is taken gets its namespace as prefix
//!   (`AnyIdentity::CallRecordsUserIdentity`).
//!   Reading buffers the object once (`serde_json::Map`) before decoding the chosen struct;
//!   decode errors inside it keep the inner path (`value[0].caller: userAgent: platform: ..`).
//! * **Open types** (`identity`, `identitySet` and their derived types, `feedbackTokenSet`)
//!   keep undeclared members in `additional_data: serde_json::Map` (`#[serde(flatten)]`).
//! * **Enums** list every CSDL member, also those after `unknownFutureValue`, plus
//!   `Other(String)` that keeps any other text and writes it back unchanged. The catch-all is
//!   `Other`, not `Unknown`, because most call-records enums have a real member `unknown`.
//!   Names match exactly, then ASCII case-insensitively (`"Blocked"` reads as `blocked`
//!   and is written back as `blocked`). They implement [`msgraph_odata::ODataEnum`],
//!   `Display` and infallible `FromStr`. Flags enums (none in call records) become a member
//!   enum `<Name>Flag` and a set type `<Name>(Vec<<Name>Flag>)` read from `"a,b"`.
//! * **`$select`**: each entity type has `<Type>Property` (`CallRecordProperty::OrganizerV2`)
//!   with `as_str()` giving the wire name and `ALL`.
//! * **Primitive types**: `Edm.String`/`Guid` `String`, `Boolean` `bool`, `Int32` `i32`,
//!   `Int64` `i64` (number or numeric string), `Single` `f32`, `Double` `f64` (also `NaN`,
//!   `INF` strings; whole numbers written without `.0`), `Decimal` [`rust_decimal::Decimal`]
//!   (number or string, read from its own digits and written back with its scale),
//!   `Duration` [`msgraph_odata::Duration`], `DateTimeOffset`
//!   [`msgraph_odata::DateTimeOffset`] (0–7+ fraction digits and `0001-01-01T00:00:00Z`,
//!   written back as received).
//! * **Docs and deprecation**: rustdoc comes from `Core.Description` (a generated sentence
//!   when absent); `Core.Revisions` deprecations become `#[deprecated(note = ..)]`
//!   (`CallRecord::organizer`, `CallRecord::participants`, `ParticipantEndpoint::identity`).
//! * `#![allow(clippy::large_enum_variant)]` in generated modules: dispatch enums hold the
//!   structs inline so they can be matched directly; boxing would make matching clumsy.
//!
//! ```
//! use msgraph_callrecords_models::callrecords::{PstnCallLogRow, PstnCallDurationSource};
//!
//! let row: PstnCallLogRow = serde_json::from_str(
//!     r#"{"id":"9c4984c7","charge":0.62,"callDurationSource":"microsoft","duration":10}"#,
//! )?;
//! assert_eq!(row.charge.map(|c| c.to_string()).as_deref(), Some("0.62"));
//! assert_eq!(row.call_duration_source, Some(PstnCallDurationSource::Microsoft));
//! # Ok::<(), serde_json::Error>(())
//! ```
// docs.rs builds with `--cfg docsrs` (Cargo.toml) and marks feature-gated items.
#![cfg_attr(docsrs, feature(doc_cfg))]

// Generated code is formatted by prettyplease at generation time; rustfmt would reflow it
// and make `cargo xtask codegen --check` and `cargo fmt --check` disagree.
#[rustfmt::skip]
mod generated;

pub use generated::v1::{callrecords, graph};

/// Graph beta models (feature `beta`): same conventions; types unchanged since v1.0 are
/// the v1.0 types.
#[cfg(feature = "beta")]
#[cfg_attr(docsrs, doc(cfg(feature = "beta")))]
pub mod beta {
    pub use crate::generated::beta::{callrecords, graph};
}
