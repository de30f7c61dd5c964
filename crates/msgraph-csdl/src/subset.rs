//! Extracts a standalone document holding a closure (used by `metadata import`).
