//! Streaming quick-xml reader: CSDL XML -> [`crate::Document`].
