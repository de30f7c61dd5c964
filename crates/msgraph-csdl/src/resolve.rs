//! Resolves alias-qualified type names and reports unresolved references.
