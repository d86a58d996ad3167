//! Values split across lines: base64 wrapped at 76 columns, a long value a
//! tool folds, one character per line. Lines are joined (their surrounding
//! blanks removed) and searched again; a line is held back only while the
//! joined text ends with the start of a value, and is let go as soon as the
//! next line decides it (or, by the caller, after a short quiet time).

use std::ops::Range;

use super::{MIN_PARTIAL, Scrubber, mask, plain};

/// Held lines: plain text, and cross-line masks found so far.
pub struct LineStream<'a> {
    s: &'a Scrubber,
    held: Vec<(String, Vec<Range<usize>>)>,
    /// The start of a UTF-8 character a line ended in the middle of (tools
    /// that wrap by bytes, `fold -w`, split `é`): it joins the next line.
    carry: Vec<u8>,
}

impl<'a> LineStream<'a> {
    pub fn new(s: &'a Scrubber) -> LineStream<'a> {
        LineStream { s, held: Vec::new(), carry: Vec::new() }
    }

    /// Whether a line is waiting for the next one.
    pub fn holding(&self) -> bool {
        !self.held.is_empty()
    }

    /// Adds one raw line (without its terminator); returns the scrubbed
    /// lines that can be shown now, in order.
    pub fn push(&mut self, raw: &[u8]) -> Vec<String> {
        let mut bytes = std::mem::take(&mut self.carry);
        bytes.extend_from_slice(raw);
        let cut = bytes.len() - incomplete_tail(&bytes);
        self.carry = bytes.split_off(cut);
        self.held.push((plain(&bytes), Vec::new()));
        let (joined, map) = self.joined();
        // Forms spanning lines (within one line, `scrub` finds them).
        for r in self.s.value_ranges(&joined) {
            let lines: Vec<usize> = map[r.start..r.end].iter().map(|(l, _)| *l).collect();
            if lines.first() != lines.last() {
                for (l, at) in &map[r.start..r.end] {
                    self.held[*l].1.push(*at..*at + 1);
                }
            }
        }
        // Hold the lines holding the joined text's tail that could begin a
        // value: long enough not to be an ordinary word, or made of lines so
        // short they may be a value printed a character at a time.
        let d = self.s.partial_suffix(&joined);
        let tail_lines: std::collections::BTreeSet<usize> = map[joined.len() - d..].iter().map(|(l, _)| *l).collect();
        let short = tail_lines.iter().all(|&l| self.held[l].0.trim().chars().count() <= 2);
        let keep_from = if d >= MIN_PARTIAL || (d > 0 && short) {
            tail_lines.first().copied().unwrap_or(self.held.len())
        } else {
            self.held.len()
        };
        let ready: Vec<(String, Vec<Range<usize>>)> = self.held.drain(..keep_from).collect();
        ready.into_iter().map(|(line, masks)| self.release(line, masks)).collect()
    }

    /// A line let go: its own tail that could begin a value is masked (the
    /// next line did not continue it: a value cut short still shows its
    /// start), then the line is scrubbed.
    fn release(&self, line: String, mut masks: Vec<Range<usize>>) -> String {
        let end = line.trim_end().len();
        let d = self.s.partial_suffix(&line[..end]);
        if d >= MIN_PARTIAL {
            masks.push(end - d..end);
        }
        self.s.scrub(&mask(&line, masks))
    }

    /// Everything held, scrubbed, with the tail that could begin a value
    /// masked (no more output came to decide it).
    pub fn flush(&mut self) -> Vec<String> {
        if !self.carry.is_empty() {
            let rest = plain(&std::mem::take(&mut self.carry));
            match self.held.last_mut() {
                Some((line, _)) => line.push_str(&rest),
                None => self.held.push((rest, Vec::new())),
            }
        }
        let (joined, map) = self.joined();
        let d = self.s.partial_suffix(&joined);
        if d > 0 {
            for (l, at) in &map[joined.len() - d..] {
                self.held[*l].1.push(*at..*at + 1);
            }
        }
        let ready: Vec<(String, Vec<Range<usize>>)> = std::mem::take(&mut self.held);
        ready.into_iter().map(|(line, masks)| self.release(line, masks)).collect()
    }

    /// The held lines' trimmed contents joined, and for each byte its line
    /// and its offset in that line.
    fn joined(&self) -> (String, Vec<(usize, usize)>) {
        let mut joined = String::new();
        let mut map = Vec::new();
        for (i, (line, _)) in self.held.iter().enumerate() {
            let start = line.len() - line.trim_start().len();
            let content = line.trim();
            joined.push_str(content);
            map.extend((0..content.len()).map(|k| (i, start + k)));
        }
        (joined, map)
    }
}

/// How many bytes at the end of `b` begin a UTF-8 character that does not
/// end there.
fn incomplete_tail(b: &[u8]) -> usize {
    for back in 1..=3.min(b.len()) {
        let c = b[b.len() - back];
        if c & 0xC0 == 0x80 {
            continue; // a continuation byte: look further back
        }
        let need = match c {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return 0,
        };
        return if need > back { back } else { 0 };
    }
    0
}

#[cfg(test)]
mod tests {
    use super::super::{MASK, Seen};
    use super::*;
    use base64::Engine;

    fn run(values: &[&str], lines: &[&str]) -> Vec<String> {
        let s = Scrubber::new(&values.iter().map(|v| v.to_string()).collect::<Vec<_>>(), Seen::none());
        let mut st = LineStream::new(&s);
        let mut out = Vec::new();
        for l in lines {
            out.extend(st.push(l.as_bytes()));
        }
        out.extend(st.flush());
        out
    }

    #[test]
    fn a_value_split_over_lines_is_masked_in_each() {
        let v = "Kq7vL2pR9sT4wZ8mXc";
        let out = run(&[v], &["token: Kq7vL2p", "  R9sT4wZ", "8mXc done"]);
        assert_eq!(out.len(), 3);
        for l in &out {
            assert!(!l.contains("Kq7") && !l.contains("R9sT") && !l.contains("8mXc"), "{out:?}");
        }
        // One character per line.
        let chars: Vec<String> = v.chars().map(|c| c.to_string()).collect();
        let refs: Vec<&str> = chars.iter().map(String::as_str).collect();
        let out = run(&[v], &refs);
        assert!(out.iter().all(|l| l == MASK || l.is_empty()), "{out:?}");
    }

    #[test]
    fn a_character_split_between_lines_is_put_back_together() {
        let v = "pässwörd-Ünï-ç9";
        let bytes = v.as_bytes();
        let lines: Vec<&[u8]> = bytes.chunks(5).collect();
        let s = Scrubber::new(&[v.to_owned()], Seen::none());
        let mut st = LineStream::new(&s);
        let mut out = Vec::new();
        for l in lines {
            out.extend(st.push(l));
        }
        out.extend(st.flush());
        assert!(out.iter().all(|l| l == MASK || l.is_empty()), "{out:?}");
        assert_eq!(incomplete_tail("aé".as_bytes()), 0);
        assert_eq!(incomplete_tail(&"aé".as_bytes()[..2]), 1);
        assert_eq!(incomplete_tail(&"a😀".as_bytes()[..3]), 2);
    }

    #[test]
    fn base64_wrapped_at_76_columns() {
        let v = "a-long-secret-value-for-wrapping-0123456789";
        let blob = base64::engine::general_purpose::STANDARD.encode(format!("{}{v}{}", "x".repeat(50), "y".repeat(50)));
        let lines: Vec<&str> = blob.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
        let out = run(&[v], &lines);
        let enc = base64::engine::general_purpose::STANDARD.encode(v);
        let joined: String = out.concat();
        assert!(!joined.contains(&enc[4..20]), "{out:?}");
    }

    #[test]
    fn ordinary_lines_pass_at_once_and_unchanged() {
        let s = Scrubber::new(&["Kq7vL2pR9sT4wZ8mXc".to_owned()], Seen::none());
        let mut st = LineStream::new(&s);
        assert_eq!(st.push(b"hello world"), ["hello world"]);
        assert!(!st.holding());
        // A line ending like the start of a value waits for the next one.
        assert!(st.push(b"value: Kq7v").is_empty() && st.holding());
        assert_eq!(st.push(b"nope"), ["value: ***", "nope"].map(String::from), "tail masked once it cannot be decided");
    }
}
