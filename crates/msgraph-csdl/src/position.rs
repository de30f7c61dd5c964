//! Line and column of a byte offset, worked out when asked for.
//!
//! The model keeps byte offsets ([`crate::Span`]); lines are counted only
//! for what is shown to a person (an error, a report), so reading a
//! document never builds a line table.

use std::fmt;

/// A 1-based line and column (in characters); `0:0` means no position
/// (an I/O error, a document built in code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl Position {
    /// The position of byte `offset` of `text` (clamped to its end; an
    /// offset inside a character counts that character).
    pub fn of(text: &str, offset: usize) -> Position {
        let bytes = text.as_bytes();
        let before = &bytes[..offset.min(bytes.len())];
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        // Characters, not bytes: count the bytes that start one.
        let column = before[line_start..]
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80)
            .count()
            + 1;
        Position {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_characters_not_bytes() {
        let text = "ab\n\u{e9}\u{e9}x\r\nz";
        let at = |o| Position::of(text, o);
        assert_eq!(at(0), Position { line: 1, column: 1 });
        assert_eq!(at(2), Position { line: 1, column: 3 });
        assert_eq!(at(3), Position { line: 2, column: 1 });
        // Two two-byte characters before `x`.
        assert_eq!(at(7), Position { line: 2, column: 3 });
        assert_eq!(at(10), Position { line: 3, column: 1 });
        // Past the end: the end.
        assert_eq!(at(99), Position { line: 3, column: 2 });
        assert_eq!(at(2).to_string(), "1:3");
    }
}
