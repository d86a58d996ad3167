//! The only place that knows about LSP positions: (line, character) in the
//! negotiated encoding (UTF-8 or UTF-16) ↔ byte offsets. Client positions are
//! never trusted: lines past the end, characters past the line end and
//! positions inside a surrogate pair or a UTF-8 sequence are clamped.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range};

use smaqit_core::text::LineIndex;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// Line access over the two text holders: a rope (open documents) or a
/// string with its line index (files on disk).
pub trait Lines {
    fn len_bytes(&self) -> usize;
    fn line_count(&self) -> usize;
    /// Byte offset of `line`'s start (line < line_count).
    fn line_start(&self, line: usize) -> usize;
    /// The line containing byte `offset`.
    fn line_of(&self, offset: usize) -> usize;
    /// Text of `line` without its terminator, starting at `line_start(line)`.
    fn line_text(&self, line: usize) -> std::borrow::Cow<'_, str>;
    /// Largest char boundary <= offset.
    fn floor_boundary(&self, offset: usize) -> usize;
}

impl Lines for Rope {
    fn len_bytes(&self) -> usize {
        Rope::len_bytes(self)
    }
    fn line_count(&self) -> usize {
        self.len_lines()
    }
    fn line_start(&self, line: usize) -> usize {
        self.line_to_byte(line)
    }
    fn line_of(&self, offset: usize) -> usize {
        self.byte_to_line(offset)
    }
    fn line_text(&self, line: usize) -> std::borrow::Cow<'_, str> {
        let l = self.line(line);
        let s: std::borrow::Cow<'_, str> = l.into();
        match s {
            std::borrow::Cow::Borrowed(b) => std::borrow::Cow::Borrowed(b.trim_end_matches(['\n', '\r'])),
            std::borrow::Cow::Owned(o) => std::borrow::Cow::Owned(o.trim_end_matches(['\n', '\r']).to_owned()),
        }
    }
    fn floor_boundary(&self, offset: usize) -> usize {
        self.char_to_byte(self.byte_to_char(offset.min(Rope::len_bytes(self))))
    }
}

/// A string with its line index (built here, or kept with the text).
pub struct StrLines<'a> {
    pub text: &'a str,
    pub index: std::borrow::Cow<'a, LineIndex>,
}

impl<'a> StrLines<'a> {
    pub fn new(text: &'a str) -> Self {
        StrLines { text, index: std::borrow::Cow::Owned(LineIndex::new(text)) }
    }

    pub fn with_index(text: &'a str, index: &'a LineIndex) -> Self {
        StrLines { text, index: std::borrow::Cow::Borrowed(index) }
    }
}

impl Lines for StrLines<'_> {
    fn len_bytes(&self) -> usize {
        self.text.len()
    }
    fn line_count(&self) -> usize {
        self.index.line_count()
    }
    fn line_start(&self, line: usize) -> usize {
        self.index.line_start(line).unwrap_or(self.text.len())
    }
    fn line_of(&self, offset: usize) -> usize {
        self.index.line_col(offset).0
    }
    fn line_text(&self, line: usize) -> std::borrow::Cow<'_, str> {
        let start = self.line_start(line);
        let end = self.index.line_start(line + 1).unwrap_or(self.text.len());
        std::borrow::Cow::Borrowed(self.text[start..end].trim_end_matches(['\n', '\r']))
    }
    fn floor_boundary(&self, offset: usize) -> usize {
        smaqit_core::text::floor_char_boundary(self.text, offset)
    }
}

/// Byte offset of a client position, clamped into the text.
pub fn to_offset(lines: &dyn Lines, pos: Position, enc: Encoding) -> usize {
    let count = lines.line_count();
    if count == 0 {
        return 0;
    }
    let line = pos.line as usize;
    if line >= count {
        return lines.len_bytes();
    }
    let start = lines.line_start(line);
    let text = lines.line_text(line);
    let want = pos.character as usize;
    let col = match enc {
        Encoding::Utf8 => smaqit_core::text::floor_char_boundary(&text, want),
        Encoding::Utf16 => {
            let mut units = 0;
            let mut bytes = text.len();
            for (i, c) in text.char_indices() {
                // Inside a surrogate pair rounds down to the pair's start.
                if units + c.len_utf16() > want {
                    bytes = i;
                    break;
                }
                units += c.len_utf16();
            }
            bytes
        }
    };
    start + col
}

/// Client position of a byte offset (clamped to the text and to a char boundary).
pub fn to_position(lines: &dyn Lines, offset: usize, enc: Encoding) -> Position {
    let offset = lines.floor_boundary(offset.min(lines.len_bytes()));
    let line = lines.line_of(offset);
    let start = lines.line_start(line);
    let text = lines.line_text(line);
    let col_bytes = (offset - start).min(text.len());
    let col_bytes = smaqit_core::text::floor_char_boundary(&text, col_bytes);
    let character = match enc {
        Encoding::Utf8 => col_bytes,
        Encoding::Utf16 => text[..col_bytes].encode_utf16().count(),
    };
    Position { line: line as u32, character: character as u32 }
}

pub fn to_range(lines: &dyn Lines, range: &std::ops::Range<usize>, enc: Encoding) -> Range {
    Range { start: to_position(lines, range.start, enc), end: to_position(lines, range.end.max(range.start), enc) }
}

/// Byte range of a client range; reversed ranges are put in order.
pub fn to_byte_range(lines: &dyn Lines, range: Range, enc: Encoding) -> std::ops::Range<usize> {
    let a = to_offset(lines, range.start, enc);
    let b = to_offset(lines, range.end, enc);
    a.min(b)..a.max(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn utf16_round_trip_and_clamping() {
        let text = "a😀b\r\n保存x\nlast";
        let rope = Rope::from_str(text);
        let s = StrLines::new(text);
        for lines in [&rope as &dyn Lines, &s] {
            assert_eq!(to_offset(lines, p(0, 3), Encoding::Utf16), 5); // after the emoji
            assert_eq!(to_offset(lines, p(0, 2), Encoding::Utf16), 1); // inside the pair
            assert_eq!(to_offset(lines, p(0, 99), Encoding::Utf16), 6); // clamped before \r\n
            assert_eq!(to_offset(lines, p(1, 2), Encoding::Utf16), 8 + 6);
            assert_eq!(to_offset(lines, p(9, 0), Encoding::Utf16), text.len());
            assert_eq!(to_offset(lines, p(1, 4), Encoding::Utf8), 8 + 3); // mid-char rounds down
            assert_eq!(to_position(lines, 5, Encoding::Utf16), p(0, 3));
            assert_eq!(to_position(lines, 2, Encoding::Utf16), p(0, 1));
            assert_eq!(to_position(lines, 14, Encoding::Utf16), p(1, 2));
            assert_eq!(to_position(lines, 14, Encoding::Utf8), p(1, 6));
            assert_eq!(to_position(lines, 999, Encoding::Utf16), p(2, 4));
        }
    }
}
