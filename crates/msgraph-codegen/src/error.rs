//! Errors of the generators: always name the CSDL element or output file concerned.

/// Why code could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A type reference names no type in the document.
    #[error("{referenced_by}: type `{name}` is not declared in the document")]
    UnresolvedType {
        /// The unresolved name.
        name: String,
        /// The element holding the reference (`microsoft.graph.callRecords.session/caller`).
        referenced_by: String,
    },
    /// Two generated items (or fields) would get the same Rust name.
    #[error("name clash in {scope}: `{rust_name}` is generated for both `{first}` and `{second}`")]
    NameClash {
        /// Module, type or enum in which the names clash.
        scope: String,
        /// The Rust name both would get.
        rust_name: String,
        /// The first CSDL name.
        first: String,
        /// The second CSDL name.
        second: String,
    },
    /// A `BaseType` chain loops or names a missing type.
    #[error("{type_name}: base type chain is broken ({message})")]
    BaseType {
        /// The qualified type.
        type_name: String,
        /// What is wrong.
        message: String,
    },
    /// The request-builder generator failed (see [`crate::builders::BuilderError`]).
    #[error(transparent)]
    Builders(Box<crate::builders::BuilderError>),
    /// A generated token stream did not parse as Rust (a generator bug).
    #[error("generated code for {path} is not valid Rust: {message}")]
    Emit {
        /// Output path.
        path: String,
        /// syn's message.
        message: String,
    },
}
