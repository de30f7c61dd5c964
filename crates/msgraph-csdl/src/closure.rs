//! The closure of a namespace: every type it needs and how it is reached.
