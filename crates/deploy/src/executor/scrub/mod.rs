//! Scrubbing: every line the executor forwards passes through here first.
//! A line is made plain text (`sanitize`), then every form of every
//! resolved value (`forms`), every earlier value of the project (`seen`)
//! and anything the secret detectors recognise is replaced by `***`.
//! Values split across lines are caught by `stream`, which holds back a
//! line only while its end could be the start of a value.

mod forms;
mod sanitize;
mod seen;
mod stream;

use std::ops::Range;
use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

pub use forms::{MIN_SECRET_LEN, forms_of};
pub use sanitize::plain;
pub use seen::Seen;
pub use stream::LineStream;

pub const MASK: &str = "***";

/// Multi-line text made plain line by line (newlines kept).
pub fn plain_text(s: &str) -> String {
    s.split('\n').map(|l| plain(l.as_bytes())).collect::<Vec<_>>().join("\n")
}

/// A line's tail that could begin a value is held back (and masked if the
/// next line does not complete it) from this many bytes on: shorter tails
/// match ordinary text too often.
const MIN_PARTIAL: usize = 4;

pub struct Scrubber {
    forms: Vec<forms::Form>,
    ac: Option<AhoCorasick>,
    /// Every prefix of every form, for "could this tail begin a value?".
    prefixes: std::collections::HashSet<Vec<u8>>,
    longest: usize,
    seen: Seen,
}

impl Scrubber {
    /// A scrubber for the resolved `values`, also masking the values
    /// `seen` remembers from earlier deploys (and remembering these).
    pub fn new(values: &[String], mut seen: Seen) -> Scrubber {
        let mut forms: Vec<forms::Form> = values.iter().filter(|v| !v.is_empty()).flat_map(|v| forms_of(v)).collect();
        forms.sort();
        forms.dedup_by(|a, b| a.text == b.text);
        seen.remember(forms.iter().map(|f| f.text.as_str()));
        let ac = (!forms.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(forms.iter().map(|f| f.text.as_str()))
                .expect("literal patterns")
        });
        let mut prefixes = std::collections::HashSet::new();
        for f in &forms {
            let b = f.text.as_bytes();
            for k in 1..b.len() {
                prefixes.insert(b[..k].to_vec());
            }
        }
        let longest = forms.iter().map(|f| f.text.len()).max().unwrap_or(0);
        Scrubber { forms, ac, prefixes, longest, seen }
    }

    /// Writes the record of this deploy's values for later deploys.
    pub fn save_seen(&self) {
        self.seen.save();
    }

    /// Byte ranges of `text` holding a form of a value (current or earlier).
    fn value_ranges(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        if let Some(ac) = &self.ac {
            for m in ac.find_iter(text) {
                let r = m.range();
                out.push(if self.forms[m.pattern().as_usize()].base64 { base64_run(text, r) } else { r });
            }
        }
        out.extend(self.seen.find(text));
        out
    }

    /// One plain line with every known value and every detected credential
    /// masked.
    pub fn scrub(&self, line: &str) -> String {
        let masked = mask(line, self.value_ranges(line));
        let found = smaqit_secrets::Scanner::shared().scan(Path::new("deploy.log"), &masked);
        mask(&masked, found.into_iter().map(|f| f.range).collect())
    }

    /// Raw output (any bytes, escapes) as one scrubbed line: for text that
    /// does not come line by line (messages, health details).
    pub fn scrub_raw(&self, text: &str) -> String {
        text.lines().map(|l| self.scrub(&plain(l.as_bytes()))).collect::<Vec<_>>().join(" ")
    }

    /// How many trailing bytes of `text` are a proper prefix of a form.
    fn partial_suffix(&self, text: &str) -> usize {
        let b = text.as_bytes();
        let max = self.longest.min(b.len());
        (1..=max).rev().find(|&k| self.prefixes.contains(&b[b.len() - k..])).unwrap_or(0)
    }
}

/// The run of base64 characters around `r` in `text`.
fn base64_run(text: &str, r: Range<usize>) -> Range<usize> {
    let b = text.as_bytes();
    let is = |c: u8| c.is_ascii_alphanumeric() || b"+/=_-".contains(&c);
    let mut s = r.start;
    while s > 0 && is(b[s - 1]) {
        s -= 1;
    }
    let mut e = r.end;
    while e < b.len() && is(b[e]) {
        e += 1;
    }
    s..e
}

/// `text` with the (possibly overlapping) ranges replaced by one mask each.
fn mask(text: &str, mut ranges: Vec<Range<usize>>) -> String {
    if ranges.is_empty() {
        return text.to_owned();
    }
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        let (s, e) = (floor(text, r.start), ceil(text, r.end));
        match merged.last_mut() {
            Some(last) if s <= last.end => last.end = last.end.max(e),
            _ => merged.push(s..e),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in merged {
        out.push_str(&text[at..r.start]);
        out.push_str(MASK);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn scrubber(values: &[&str]) -> Scrubber {
        Scrubber::new(&values.iter().map(|v| v.to_string()).collect::<Vec<_>>(), Seen::none())
    }

    #[test]
    fn masks_every_form_on_a_line() {
        let v = "p@ss w0rd/\"x\"'y";
        let s = scrubber(&[v]);
        let b64 = base64::engine::general_purpose::STANDARD.encode(format!("admin:{v}"));
        for line in [
            format!("raw {v} end"),
            format!("Authorization: Basic {b64}"),
            format!("json {}", serde_json::to_string(v).unwrap()),
            "url p%40ss%20w0rd/%22x%22%27y".to_owned(),
            "+ curl -u 'p@ss w0rd/\"x\"'\\''y' http://h".to_owned(),
        ] {
            let out = s.scrub(&line);
            assert!(out.contains(MASK), "{line} -> {out}");
            assert!(!out.contains("w0rd") && !out.contains(&b64[8..20]), "{line} -> {out}");
        }
        assert_eq!(s.scrub("nothing here"), "nothing here");
    }

    #[test]
    fn masks_are_merged_and_keep_utf8() {
        assert_eq!(mask("aé💥b", vec![1..3, 2..4]), "a***b");
        assert_eq!(mask("abcdef", vec![4..6, 0..2]), "***cd***");
    }
}
