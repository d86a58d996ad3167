//! Text storage and offsets. The core speaks byte offsets only; conversion to
//! line/character positions in a client's encoding happens in `lsp::position`.

mod line_index;
mod source;

pub use line_index::LineIndex;
pub use source::TextSource;

use std::ops::Range;

/// One replacement applied to a text: `range` (bytes, in the text before the
/// edit) was replaced by `new_len` bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub new_len: usize,
}

impl Edit {
    /// Signed size change of the text.
    pub fn delta(&self) -> isize {
        self.new_len as isize - (self.range.end - self.range.start) as isize
    }

    /// End of the inserted text, in the text after the edit.
    pub fn new_end(&self) -> usize {
        self.range.start + self.new_len
    }
}

/// Largest char boundary `<= offset` (clamped to the text), so that untrusted
/// offsets can never split a UTF-8 sequence.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    if offset >= text.len() {
        return text.len();
    }
    let mut o = offset;
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    o
}

/// The text a model was parsed from: a shared string (files on disk) or a
/// rope snapshot (open documents; cloning a rope is O(1), so indexing an
/// open document never copies it).
#[derive(Clone, Debug)]
pub enum SourceText {
    Str(std::sync::Arc<str>),
    Rope(ropey::Rope),
}

impl SourceText {
    /// The whole text; borrowed unless it is a rope.
    pub fn as_str(&self) -> std::borrow::Cow<'_, str> {
        match self {
            SourceText::Str(s) => std::borrow::Cow::Borrowed(s),
            SourceText::Rope(r) => std::borrow::Cow::Owned(r.to_string()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            SourceText::Str(s) => s.len(),
            SourceText::Rope(r) => r.len_bytes(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text as one borrowed string, when it is one: a shared string,
    /// or a rope small enough to be a single leaf.
    pub fn contiguous(&self) -> Option<&str> {
        match self {
            SourceText::Str(s) => Some(s),
            SourceText::Rope(r) => r.get_chunk_at_byte(0).map(|(c, ..)| c).filter(|c| c.len() == r.len_bytes()),
        }
    }
}

/// A text's line index, built on first use and kept with the (immutable)
/// text it indexes: a hub's referrers each position a related range in the
/// hub, which would otherwise re-index it a thousand times.
#[derive(Debug, Default)]
pub struct LazyLineIndex(std::sync::OnceLock<Option<LineIndex>>);

impl LazyLineIndex {
    /// The index of `text`, which must be the text this belongs to; None
    /// for a rope of several leaves (the rope indexes itself).
    pub fn get(&self, text: &SourceText) -> Option<&LineIndex> {
        self.0.get_or_init(|| text.contiguous().map(LineIndex::new)).as_ref()
    }
}

/// An open document: a rope (cheap edits anywhere in large files) and the
/// version the client gave it.
#[derive(Clone, Debug)]
pub struct Document {
    pub rope: ropey::Rope,
    pub version: i32,
}

impl Document {
    pub fn new(text: &str, version: i32) -> Self {
        Document { rope: ropey::Rope::from_str(text), version }
    }

    /// Replace `range` (clamped to char boundaries) with `new_text`, returning
    /// the edit actually applied.
    pub fn apply(&mut self, range: Range<usize>, new_text: &str) -> Edit {
        let len = self.rope.len_bytes();
        let mut start = range.start.min(len);
        let mut end = range.end.min(len);
        if start > end {
            std::mem::swap(&mut start, &mut end);
        }
        let start = self.floor_boundary(start);
        let end = self.floor_boundary(end);
        let cs = self.rope.byte_to_char(start);
        let ce = self.rope.byte_to_char(end);
        if ce > cs {
            self.rope.remove(cs..ce);
        }
        if !new_text.is_empty() {
            self.rope.insert(cs, new_text);
        }
        Edit { range: start..end, new_len: new_text.len() }
    }

    fn floor_boundary(&self, offset: usize) -> usize {
        // byte_to_char rounds down to the char containing the byte.
        self.rope.char_to_byte(self.rope.byte_to_char(offset))
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_clamps_and_keeps_utf8() {
        let mut d = Document::new("a😀b", 1);
        // 2 is inside the emoji: rounds down to its start.
        let e = d.apply(2..3, "x");
        assert_eq!(e.range, 1..1);
        assert_eq!(d.text(), "ax😀b");
        let e = d.apply(100..200, "!");
        assert_eq!(e.range, 7..7);
        assert_eq!(d.text(), "ax😀b!");
        #[allow(clippy::reversed_empty_ranges)] // reversed on purpose: clients send them
        d.apply(3..1, "");
        assert_eq!(d.text(), "a😀b!");
    }

    #[test]
    fn a_kept_line_index_covers_strings_and_single_leaf_ropes_only() {
        let text = "a\nbb\n😀\n";
        let lazy = LazyLineIndex::default();
        let s = SourceText::Str(std::sync::Arc::from(text));
        let i = lazy.get(&s).expect("a string is indexed");
        assert_eq!((i.line_count(), i.line_start(2)), (4, Some(5)));
        assert!(std::ptr::eq(i, lazy.get(&s).unwrap()), "built once");
        let small = SourceText::Rope(ropey::Rope::from_str(text));
        assert_eq!(LazyLineIndex::default().get(&small).map(|i| i.line_start(2)), Some(Some(5)));
        let big = SourceText::Rope(ropey::Rope::from_str(&"line\n".repeat(10_000)));
        assert!(big.contiguous().is_none());
        assert!(LazyLineIndex::default().get(&big).is_none(), "a rope of many leaves indexes itself");
    }
}
