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
                forms.push(json[1..json.len() - 1].to_owned());
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
        Scrubber { forms }
    }

    /// The line with every known value and every detected credential masked.
    pub fn scrub(&self, line: &str) -> String {
        let mut out = match &self.forms {
            Some(ac) => ac.replace_all(line, &vec![MASK; ac.patterns_len()]),
            None => line.to_owned(),
        };
        let found = crate::workspace::scanner().scan(Path::new("deploy.log"), &out);
        for f in found.iter().rev() {
            if out.is_char_boundary(f.range.start) && out.is_char_boundary(f.range.end) {
                out.replace_range(f.range.clone(), MASK);
            }
        }
        out
    }
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
        ] {
            let out = s.scrub(&line);
            assert!(out.contains(MASK), "{line} -> {out}");
            assert!(!out.contains(&secret) && !out.contains(&b64), "{out}");
        }
        assert_eq!(s.scrub("nothing here"), "nothing here");
    }
}
