//! Scrubbing: every line the executor forwards passes through here. Each
//! resolved value is replaced by `***` in its raw, base64, URL-encoded and
//! JSON-escaped forms; the secret detectors then mask anything else that
//! looks like a credential.

use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use base64::Engine;

pub const MASK: &str = "***";

pub struct Scrubber {
    forms: Option<AhoCorasick>,
    /// The raw values, for values split across two lines.
    values: Vec<String>,
}

impl Scrubber {
    pub fn new(values: &[String]) -> Scrubber {
        let mut forms: Vec<String> = Vec::new();
        for v in values.iter().filter(|v| !v.is_empty()) {
            forms.push(v.clone());
            for engine in [
                &base64::engine::general_purpose::STANDARD,
                &base64::engine::general_purpose::STANDARD_NO_PAD,
                &base64::engine::general_purpose::URL_SAFE,
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            ] {
                forms.push(engine.encode(v));
            }
            forms.push(url_encode(v));
            forms.push(url_encode(v).replace("%20", "+"));
            if let Ok(json) = serde_json::to_string(v) {
                let inner = &json[1..json.len() - 1];
                forms.push(inner.to_owned());
                // Encoders that escape non-ASCII (Python's json.dumps,
                // JavaScript's JSON with ascii flags) and slashes.
                forms.push(ascii_escape(inner, false));
                forms.push(ascii_escape(inner, true));
                forms.push(ascii_escape(inner, false).replace('/', "\\/"));
            }
        }
        // Very short values would blank out ordinary text; they are still
        // caught raw, but only as whole forms of four bytes or more.
        forms.retain(|f| f.len() >= 4);
        forms.sort();
        forms.dedup();
        let forms = (!forms.is_empty()).then(|| {
            AhoCorasickBuilder::new().match_kind(MatchKind::LeftmostLongest).build(&forms).expect("literal patterns")
        });
        let values = values.iter().filter(|v| v.len() >= 4).cloned().collect();
        Scrubber { forms, values }
    }

    /// Masks a value written across a line break: the end of `prev` and the
    /// start of `next` together spell it. Call on raw lines, before
    /// `scrub`, holding each line back until the next one is known.
    pub fn split_pair(&self, prev: &mut String, next: &mut String) {
        for v in &self.values {
            for (k, _) in v.char_indices().skip(1) {
                let (head, tail) = v.split_at(k);
                if prev.ends_with(head) && next.starts_with(tail) {
                    let cut = prev.len() - head.len();
                    prev.replace_range(cut.., MASK);
                    next.replace_range(..tail.len(), MASK);
                    return;
                }
            }
        }
    }

    /// The line with every known value and every detected credential masked.
    pub fn scrub(&self, line: &str) -> String {
        let mut out = match &self.forms {
            Some(ac) => ac.replace_all(line, &vec![MASK; ac.patterns_len()]),
            None => line.to_owned(),
        };
        let found = smaqit_secrets::Scanner::shared().scan(Path::new("deploy.log"), &out);
        for f in found.iter().rev() {
            if out.is_char_boundary(f.range.start) && out.is_char_boundary(f.range.end) {
                out.replace_range(f.range.clone(), MASK);
            }
        }
        out
    }
}

/// `\uXXXX` for every non-ASCII character (UTF-16 units, as JSON does).
fn ascii_escape(s: &str, upper: bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                if upper {
                    out.push_str(&format!("\\u{u:04X}"));
                } else {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out
}

/// Percent-encoding of everything but RFC 3986 unreserved characters.
fn url_encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_form() {
        let secret = "p@ss w0rd/\"x\"".to_owned();
        let s = Scrubber::new(std::slice::from_ref(&secret));
        let b64 = base64::engine::general_purpose::STANDARD.encode(&secret);
        for line in [
            format!("raw {secret} end"),
            format!("b64 {b64}"),
            format!("url {}", url_encode(&secret)),
            format!("json {}", serde_json::to_string(&secret).unwrap()),
            "py \"p@ss w0rd/\\\"x\\\"\"".to_owned(),
        ] {
            let out = s.scrub(&line);
            assert!(out.contains(MASK), "{line} -> {out}");
            assert!(!out.contains(&secret) && !out.contains(&b64), "{out}");
        }
        assert_eq!(s.scrub("nothing here"), "nothing here");
        let (mut a, mut b) = ("token p@ss w".to_owned(), "0rd/\"x\" rest".to_owned());
        s.split_pair(&mut a, &mut b);
        assert_eq!((a.as_str(), b.as_str()), ("token ***", "*** rest"));
    }
}
