//! Detection of hardcoded secrets in spec Markdown and in
//! Infrastructure-as-Code / configuration files.
//!
//! The crate knows nothing of LSP or specs: it works on `&str` and returns
//! byte ranges of secret *values*.
//!
//! # Design
//!
//! * **Prefilter.** One Aho-Corasick automaton (ASCII case-insensitive) holds
//!   the keywords of every detector: key words (`pass`, `secret`, `token`,
//!   `key`, `auth`, …), vendor prefixes (`ghp_`, `AKIA`, `xoxb-`, …), `://`,
//!   `-----BEGIN`, command names (`curl`, `mysql`, …) and the base64
//!   encodings of secret prefixes. A single pass over the text yields the
//!   hits; lines without a hit are never looked at again, and no allocation
//!   happens per line.
//! * **Detectors** run only on lines with a hit, and only those the hit asks
//!   for: a compiled regex per vendor shape (`detectors::{cloud, vcs, saas,
//!   keys}`), structural parsers for URLs, HTTP auth headers, armoured
//!   private keys and base64 blobs (`detectors::{urls, keys}`), and the
//!   generic key/value parser (`detectors::generic`) that understands
//!   dotenv, YAML, HCL, JSON, INI, TOML, properties, shell, Dockerfile and
//!   nginx/haproxy assignment syntax.
//! * **Filters** (`filters`) reject references and templates, placeholders,
//!   paths, digests, UUIDs and other non-secret shapes, then accept a value
//!   only if it looks machine-generated (entropy, no words) or, under a
//!   password-like key, like a human password (mixed character classes).
//! * Overlapping findings keep the most specific detector. Findings carry a
//!   masked form only; the value itself is never stored or printed.
//!
//! Multi-line constructs (PEM blocks, `- name:` / `value:` pairs, YAML block
//! scalars, Terraform `variable` defaults) are read from the full text, so
//! [`Scanner::scan_region`] gives the same findings as [`Scanner::scan`] for
//! the region it returns.

mod detectors;
mod filters;
mod kinds;
mod mask;
mod prefilter;

use detectors::{Ctx, Line, Raw, RuleSpec};
pub use detectors::{DETECTORS, Detector};
use prefilter::{Action, Prefilter};
use regex::Regex;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

pub use kinds::{FileKind, file_kind, is_scannable_path, looks_binary};
pub use mask::{fingerprint, suggested_reference_name};

/// One hardcoded secret. Holds the value's range and a masked form, never
/// the value, so `Debug` output is safe to log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretFinding {
    /// Byte range of the secret value in the scanned text (for a PEM block:
    /// from the BEGIN marker to the end of the END marker).
    pub range: Range<usize>,
    /// Stable kebab-case detector id, e.g. `aws-access-key`, `generic-password`.
    pub detector: &'static str,
    /// The diagnostic code, `secret/<detector>`.
    pub code: &'static str,
    /// Human description, e.g. "AWS access key ID".
    pub description: &'static str,
    /// The assignment key, when there is one (`DB_PASSWORD`, `stripe_api_key`).
    pub key_name: Option<String>,
    /// At most a public vendor prefix (≤ 4 characters) then `…`.
    pub masked: String,
}

struct Compiled {
    re: Regex,
    group: usize,
    det: fn(&str) -> &'static detectors::Det,
    valid: fn(&str) -> bool,
}

/// How many vendor-shape rules the engine can hold: the rules a line's
/// prefilter hits ask for are kept in a fixed bit set of this size.
pub const MAX_RULES: usize = 256;

/// The rules a line asks for.
#[derive(Default)]
struct RuleMask([u64; MAX_RULES / 64]);

impl RuleMask {
    fn set(&mut self, i: u16) {
        self.0[usize::from(i) / 64] |= 1 << (i % 64);
    }
    fn has(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
}

/// A compiled set of detectors. Build it once and share it (`Send + Sync`).
pub struct Scanner {
    pf: Prefilter,
    rules: Vec<Compiled>,
}

impl Default for Scanner {
    fn default() -> Self {
        Scanner::new()
    }
}

/// Lines before a changed region whose constructs can report inside it
/// (a Terraform `variable` header and its `default`).
const BACK_LINES: usize = 40;
/// Lines after a changed region whose findings can depend on it (the same,
/// plus the ancestor look-up for ciphertext containers).
const FWD_LINES: usize = 64;

impl Scanner {
    /// The scanner compiled once for the process (compiling costs a few
    /// milliseconds; every caller shares this one).
    pub fn shared() -> &'static Scanner {
        static SHARED: std::sync::LazyLock<Scanner> = std::sync::LazyLock::new(Scanner::new);
        &SHARED
    }

    pub fn new() -> Scanner {
        let specs: Vec<RuleSpec> = detectors::all_rules();
        assert!(specs.len() <= MAX_RULES, "{} vendor rules: raise MAX_RULES", specs.len());
        let pf = Prefilter::new(&specs);
        let rules = specs
            .iter()
            .map(|s| Compiled {
                re: Regex::new(s.pattern).expect("detector pattern compiles"),
                group: s.group,
                det: s.det,
                valid: s.valid,
            })
            .collect();
        Scanner { pf, rules }
    }

    /// Scan a whole file. `path` only selects the file kind (and whether it
    /// is an example/template file).
    pub fn scan(&self, path: &Path, text: &str) -> Vec<SecretFinding> {
        let (kind, example) = kinds::classify(path);
        let ctx = Ctx { text, b: text.as_bytes(), kind, example, depth: 0 };
        let mut raws = Vec::new();
        self.scan_raw(&ctx, 0, text.len(), &mut raws);
        finish(&ctx, raws, 0..text.len())
    }

    /// Re-scan the lines overlapping `changed` (a byte range of the new
    /// text), expanded to whole lines and to the context of multi-line
    /// constructs. Returns that region and the findings that start inside it;
    /// they equal the findings of [`Scanner::scan`] starting in the region, so
    /// a caller can replace its findings there with these.
    pub fn scan_region(&self, path: &Path, text: &str, changed: Range<usize>) -> (Range<usize>, Vec<SecretFinding>) {
        let (kind, example) = kinds::classify(path);
        let ctx = Ctx { text, b: text.as_bytes(), kind, example, depth: 0 };
        let len = text.len();
        let cs = changed.start.min(len);
        let ce = changed.end.clamp(cs, len);
        let mut start = ctx.line_at(cs).start;
        if let Some(b) = enclosing_block_start(&ctx, start) {
            start = ctx.line_at(b).start;
        }
        let mut end = ctx.line_at(ce).next;
        end = lines_after(&ctx, end, FWD_LINES);
        let mut from = lines_before(&ctx, start, BACK_LINES);
        if let Some(b) = enclosing_block_start(&ctx, from) {
            from = ctx.line_at(b).start;
        }
        let mut raws = Vec::new();
        self.scan_raw(&ctx, from, end, &mut raws);
        let findings = finish(&ctx, raws, start..end);
        // A block starting in the region may end after it.
        let end =
            findings.iter().map(|f| ctx.line_at(f.range.end.min(len)).next.max(f.range.end)).fold(end, usize::max);
        (start..end, findings)
    }

    /// Run the prefilter over `from..to` (line-aligned) and the detectors on
    /// the lines it hits.
    fn scan_raw(&self, ctx: &Ctx, from: usize, to: usize, out: &mut Vec<Raw>) {
        let mut hits: Vec<(usize, Action)> = Vec::new();
        let mut cur: Option<Line> = None;
        let mut skip = from;
        for m in self.pf.ac.find_iter(&ctx.b[from..to]) {
            let pos = from + m.start();
            if pos < skip {
                continue;
            }
            if !matches!(cur, Some(l) if pos < l.next) {
                if let Some(l) = cur.take() {
                    self.process_line(ctx, l, &hits, out, &mut skip);
                    hits.clear();
                }
                if pos < skip {
                    continue;
                }
                cur = Some(ctx.line_at(pos));
            }
            for &a in &self.pf.actions[m.pattern().as_usize()] {
                hits.push((pos, a));
            }
        }
        if let Some(l) = cur {
            self.process_line(ctx, l, &hits, out, &mut skip);
        }
    }

    fn process_line(&self, ctx: &Ctx, line: Line, hits: &[(usize, Action)], out: &mut Vec<Raw>, skip: &mut usize) {
        use detectors::{generic, keys, urls};
        let nested = |t: &str| self.nested_has_secret(t);
        let mut rule_mask = RuleMask::default();
        for &(pos, a) in hits {
            match a {
                Action::Pem => {
                    if let Some(s) = keys::on_pem(ctx, line, pos, out) {
                        *skip = (*skip).max(s);
                    }
                }
                Action::Rule(i) => rule_mask.set(i),
                _ => {}
            }
        }
        if !rule_mask.is_empty() {
            let s = ctx.str(line.start..line.end);
            for (i, r) in self.rules.iter().enumerate() {
                if !rule_mask.has(i) {
                    continue;
                }
                for caps in r.re.captures_iter(s) {
                    let Some(m) = caps.get(r.group) else {
                        continue;
                    };
                    let v = m.as_str();
                    if (r.valid)(v) {
                        let start = line.start + m.start();
                        out.push(Raw {
                            range: start..line.start + m.end(),
                            det: (r.det)(v),
                            key: detectors::key_before(ctx, start),
                        });
                    }
                }
            }
        }
        let mut state = generic::LineState::new(line);
        for &(pos, a) in hits {
            match a {
                Action::Generic => generic::on_hit(ctx, line, pos, &mut state, &nested, out),
                Action::Url => urls::on_url(ctx, line, pos, out),
                Action::B64 => keys::on_b64(ctx, line, pos, &nested, out),
                Action::Basic => urls::on_basic(ctx, line, pos, out),
                Action::Bearer => urls::on_bearer(ctx, line, pos, out),
                Action::Cli => generic::on_cli(ctx, line, pos, out),
                Action::Stdin => generic::on_stdin(ctx, line, pos, out),
                Action::SecureString => generic::on_securestring(ctx, line, pos, out),
                Action::Pem | Action::Rule(_) => {}
            }
        }
    }

    /// Whether decoded text (a base64 blob's content) holds a secret.
    fn nested_has_secret(&self, text: &str) -> bool {
        let ctx = Ctx { text, b: text.as_bytes(), kind: FileKind::Other, example: false, depth: 1 };
        let mut raws = Vec::new();
        self.scan_raw(&ctx, 0, text.len(), &mut raws);
        !raws.is_empty()
    }
}

/// Start of the armoured block (`-----BEGIN`) whose body contains `pos`.
fn enclosing_block_start(ctx: &Ctx, pos: usize) -> Option<usize> {
    let lo = pos.saturating_sub(256 * 1024);
    let begin = lo + memchr::memmem::rfind(&ctx.b[lo..pos], b"-----BEGIN ")?;
    let begin_line = ctx.line_at(begin);
    if begin_line.next > pos {
        return None; // `pos` is on the BEGIN line itself
    }
    match memchr::memmem::find(&ctx.b[begin_line.end..], b"-----END ") {
        Some(e) if begin_line.end + e < pos => None,
        _ => Some(begin),
    }
}

fn lines_before(ctx: &Ctx, mut start: usize, n: usize) -> usize {
    for _ in 0..n {
        if start == 0 {
            break;
        }
        start = ctx.line_at(start - 1).start;
    }
    start
}

fn lines_after(ctx: &Ctx, mut end: usize, n: usize) -> usize {
    for _ in 0..n {
        if end >= ctx.b.len() {
            return ctx.b.len();
        }
        end = ctx.line_from(end).next;
    }
    end
}

/// Validate, de-duplicate (most specific detector wins on overlap), keep
/// those starting in `keep`, and mask.
fn finish(ctx: &Ctx, mut raws: Vec<Raw>, keep: Range<usize>) -> Vec<SecretFinding> {
    let text = ctx.text;
    raws.retain(|r| {
        r.range.start < r.range.end
            && r.range.end <= text.len()
            && text.is_char_boundary(r.range.start)
            && text.is_char_boundary(r.range.end)
    });
    raws.sort_by(|a, b| {
        b.det
            .prio
            .cmp(&a.det.prio)
            .then(a.range.start.cmp(&b.range.start))
            .then((b.range.end - b.range.start).cmp(&(a.range.end - a.range.start)))
    });
    // Kept ranges by start; overlap with a kept range means a more specific
    // (or earlier, equally specific) finding already covers the value.
    let mut kept: BTreeMap<usize, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for r in raws {
        let (s, e) = (r.range.start, r.range.end);
        let before = kept.range(..e).next_back();
        if before.is_some_and(|(_, &ke)| ke > s) {
            continue;
        }
        kept.insert(s, e);
        if !keep.contains(&s)
            || (r.det.id != "private-key" && r.key.as_deref().is_some_and(detectors::generic::names_public_value))
        {
            continue;
        }
        let value = &text[s..e];
        out.push(SecretFinding {
            range: r.range,
            detector: r.det.id,
            description: r.det.description,
            code: r.det.code,
            key_name: r.key,
            masked: mask::mask(value, r.det.prefix),
        });
    }
    out.sort_by_key(|f| f.range.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_fits_the_engine() {
        let n = detectors::all_rules().len();
        assert!(n <= MAX_RULES, "{n} rules, the prefilter mask holds {MAX_RULES}");
        let mut m = RuleMask::default();
        m.set((MAX_RULES - 1) as u16);
        assert!(m.has(MAX_RULES - 1) && !m.has(0) && !m.is_empty());
    }

    #[test]
    fn scanner_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Scanner>();
    }
}
