//! Deterministic CSDL XML writer (the format of `metadata/*.xml`).
