//! Cutting the body into top-level sections: a new section starts at every
//! ATX heading of level 1 or 2 that is not inside a fenced code block.

use std::ops::Range;

use crate::text::TextSource;

/// Calls `emit` with each section range from `start` (which must be a
/// section start) to the end of the text. `emit` returns false to stop.
pub fn cut<S: TextSource + ?Sized>(text: &S, start: usize, emit: &mut dyn FnMut(Range<usize>) -> bool) {
    let len = text.len();
    if start >= len {
        return;
    }
    let mut section_start = start;
    let mut fence: Option<Fence> = None;
    let mut stopped = false;
    text.for_each_line_from(start, &mut |line_start, line| {
        match &fence {
            Some(f) => {
                if f.closes(line) {
                    fence = None;
                }
            }
            None => {
                if let Some(f) = Fence::opens(line) {
                    fence = Some(f);
                } else if line_start > section_start && is_section_heading(line) {
                    if !emit(section_start..line_start) {
                        stopped = true;
                        return false;
                    }
                    section_start = line_start;
                }
            }
        }
        true
    });
    if !stopped {
        emit(section_start..len);
    }
}

/// `#` or `##` heading: up to three spaces, then the marks, then a space,
/// tab or end of line.
pub fn is_section_heading(line: &str) -> bool {
    heading_level(line).is_some_and(|l| l <= 2)
}

/// Level of an ATX heading line, if it is one.
pub fn heading_level(line: &str) -> Option<u8> {
    let trimmed = strip_indent(line)?;
    let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    match trimmed.as_bytes().get(hashes) {
        None | Some(b' ' | b'\t' | b'\r' | b'\n') => Some(hashes as u8),
        _ => None,
    }
}

/// The line without up to three leading spaces; None when indented further
/// (an indented code block in Markdown).
fn strip_indent(line: &str) -> Option<&str> {
    let spaces = line.bytes().take_while(|&b| b == b' ').count();
    (spaces <= 3).then(|| &line[spaces..])
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fence {
    ch: u8,
    len: usize,
}

impl Fence {
    pub fn opens(line: &str) -> Option<Fence> {
        let t = strip_indent(line)?;
        let ch = *t.as_bytes().first()?;
        if ch != b'`' && ch != b'~' {
            return None;
        }
        let len = t.bytes().take_while(|&b| b == ch).count();
        if len < 3 {
            return None;
        }
        // A backtick fence's info string may not contain backticks.
        if ch == b'`' && t[len..].contains('`') {
            return None;
        }
        Some(Fence { ch, len })
    }

    pub fn closes(&self, line: &str) -> bool {
        let Some(t) = strip_indent(line) else { return false };
        let n = t.bytes().take_while(|&b| b == self.ch).count();
        n >= self.len && t[n..].trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        cut(text, 0, &mut |r| {
            out.push(&text[r]);
            true
        });
        out
    }

    #[test]
    fn cuts_at_h1_h2_outside_fences() {
        let t = "intro\n# A\ntext\n```\n## not\n```\n### sub\n## B\n";
        assert_eq!(sections(t), ["intro\n", "# A\ntext\n```\n## not\n```\n### sub\n", "## B\n"]);
        assert_eq!(sections("#hashtag\n#\n"), ["#hashtag\n", "#\n"]);
        assert_eq!(sections("    # code\n"), ["    # code\n"]);
    }

    #[test]
    fn fences() {
        assert!(Fence::opens("~~~~ rust\n").is_some());
        assert!(Fence::opens("``` a`b\n").is_none());
        let f = Fence::opens("````\n").unwrap();
        assert!(!f.closes("```\n"));
        assert!(f.closes("`````  \r\n"));
    }
}
