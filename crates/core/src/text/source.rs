use std::borrow::Cow;
use std::ops::Range;

/// Read access to a text held either as a plain string (files on disk) or a
/// rope (open documents), so the parser serves both without copying whole
/// documents on every keystroke.
pub trait TextSource {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The bytes in `range`; `range` must lie on char boundaries.
    fn slice(&self, range: Range<usize>) -> Cow<'_, str>;
    /// Start offset of the line containing `offset`.
    fn line_start(&self, offset: usize) -> usize;
    /// Calls `f(start, line)` for each line from `start` (a line start), with
    /// the line including its terminator, until `f` returns false.
    fn for_each_line_from(&self, start: usize, f: &mut dyn FnMut(usize, &str) -> bool);
}

impl TextSource for str {
    fn len(&self) -> usize {
        str::len(self)
    }
    fn slice(&self, range: Range<usize>) -> Cow<'_, str> {
        Cow::Borrowed(&self[range])
    }
    fn line_start(&self, offset: usize) -> usize {
        let offset = offset.min(str::len(self));
        memchr::memrchr(b'\n', &self.as_bytes()[..offset]).map_or(0, |i| i + 1)
    }
    fn for_each_line_from(&self, start: usize, f: &mut dyn FnMut(usize, &str) -> bool) {
        let mut pos = start;
        let bytes = self.as_bytes();
        while pos < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
            if !f(pos, &self[pos..end]) {
                return;
            }
            pos = end;
        }
    }
}

impl TextSource for ropey::Rope {
    fn len(&self) -> usize {
        self.len_bytes()
    }
    fn slice(&self, range: Range<usize>) -> Cow<'_, str> {
        self.byte_slice(range).into()
    }
    fn line_start(&self, offset: usize) -> usize {
        // ropey also breaks lines at lone CR and Unicode separators; we only
        // recognise LF (as the Markdown and YAML tooling here do), so scan back.
        let mut pos = offset.min(self.len_bytes());
        let mut bytes = self.bytes_at(pos);
        while let Some(b) = bytes.prev() {
            if b == b'\n' {
                break;
            }
            pos -= 1;
        }
        pos
    }
    fn for_each_line_from(&self, start: usize, f: &mut dyn FnMut(usize, &str) -> bool) {
        // Lines are assembled from chunks; most fit in one chunk and borrow.
        let mut line_start = start;
        let mut pending = String::new();
        for chunk in self.byte_slice(start..).chunks() {
            let mut rest = chunk;
            while let Some(i) = memchr::memchr(b'\n', rest.as_bytes()) {
                let (head, tail) = rest.split_at(i + 1);
                let (len, keep_going) = if pending.is_empty() {
                    (head.len(), f(line_start, head))
                } else {
                    pending.push_str(head);
                    let r = (pending.len(), f(line_start, &pending));
                    pending.clear();
                    r
                };
                if !keep_going {
                    return;
                }
                line_start += len;
                rest = tail;
            }
            pending.push_str(rest);
        }
        if !pending.is_empty() {
            f(line_start, &pending);
        }
    }
}
