//! Errors with file, line and column.
