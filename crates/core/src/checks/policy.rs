//! What a team decided about its findings, applied to each file's last:
//! inline suppressions and the levels of `.smaqit/smaqit-ls.toml` (and the
//! editor's settings over them). A suppression names a code or a family:
//!
//! ```markdown
//! <!-- smaqit-ignore: coverage/gap mapped by the manual test plan -->
//! - [x] FUN-X-004: Works offline
//! <!-- smaqit-ignore-file: boundary this spec quotes the customer's contract -->
//! ```
//!
//! `smaqit-ignore:` covers its own line and the next; `smaqit-ignore-file:`
//! the whole file. Any comment style works (`#`, `//`, `<!-- -->`). A
//! suppression that covers nothing, or names no code, is itself reported.

use std::ops::Range;

use super::catalogue;
use super::{Finding, code};
use crate::project::config::{Config, Level};

const LINE_MARKER: &str = "smaqit-ignore:";
const FILE_MARKER: &str = "smaqit-ignore-file:";

/// One suppression comment.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Suppression {
    /// The codes or families it names, each with its range.
    codes: Vec<(String, Range<usize>)>,
    /// The marker's range, for findings on the suppression itself.
    range: Range<usize>,
    /// The lines it covers (byte ranges); None for the whole file.
    covers: Option<Range<usize>>,
    used: bool,
}

/// The suppressions of a file.
fn suppressions(text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut line_start = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let start = line_start;
        line_start += line.len();
        for (marker, file) in [(FILE_MARKER, true), (LINE_MARKER, false)] {
            let Some(at) = line.find(marker) else { continue };
            let after = start + at + marker.len();
            let codes = code_list(&text[after..start + line.len()], after);
            let next_end = lines.get(i + 1).map_or(line_start, |n| line_start + n.len());
            out.push(Suppression {
                codes,
                range: start + at..after,
                covers: (!file).then_some(start..next_end),
                used: false,
            });
            break;
        }
    }
    out
}

/// `code, family/code reason…`: the comma-separated codes after a marker
/// (the rest of the line, up to `-->`, is the reason).
fn code_list(rest: &str, base: usize) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let b = rest.as_bytes();
    let mut i = 0;
    loop {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'/' || b[i] == b'-' || b[i] == b'_') {
            i += 1;
        }
        if i == start {
            break;
        }
        out.push((rest[start..i].to_owned(), base + start..base + i));
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if b.get(i) != Some(&b',') {
            break;
        }
        i += 1;
    }
    out
}

/// Whether `name` (a code or a family) covers `code`.
fn names(name: &str, code: &str) -> bool {
    name == code || catalogue::family(code) == name || (name == "secrets" && code.starts_with("secret/"))
}

fn known(name: &str) -> bool {
    name == "secrets" || catalogue::all().any(|c| c.id == name || c.family() == name)
}

/// The levels a team chose (the project file's, then the editor's over
/// them), applied: a finding of a code turned `off` goes.
pub fn levels(findings: &mut Vec<Finding>, chosen: &[&Config]) {
    let all = std::mem::take(findings);
    findings.extend(all.into_iter().filter_map(|f| match chosen.iter().rev().find_map(|c| c.level(f.code)) {
        None => Some(f),
        Some(level) => f.at_level(level),
    }));
}

/// A file's findings after its suppressions and the project's levels;
/// unused or unknown suppressions are added as findings of their own.
pub fn apply(mut findings: Vec<Finding>, text: &str, config: Option<&Config>) -> Vec<Finding> {
    let mut sups = if text.contains("smaqit-ignore") { suppressions(text) } else { Vec::new() };
    if !sups.is_empty() {
        findings.retain(|f| {
            let mut keep = true;
            for s in sups.iter_mut() {
                let covered = s.covers.as_ref().is_none_or(|r| r.start <= f.range.start && f.range.start < r.end);
                if covered && s.codes.iter().any(|(n, _)| names(n, f.code)) {
                    s.used = true;
                    keep = false;
                }
            }
            keep
        });
        let off = |name: &str| config.is_some_and(|c| c.level(name) == Some(Level::Off));
        for s in &sups {
            if s.codes.is_empty() {
                findings.push(Finding::new(
                    code::SUPPRESS_UNKNOWN_CODE,
                    s.range.clone(),
                    "a suppression names the code (or family) it silences, then why: `smaqit-ignore: coverage/gap mapped by hand`",
                ));
                continue;
            }
            let mut all_known = true;
            for (name, range) in &s.codes {
                if known(name) {
                    continue;
                }
                all_known = false;
                let mut f = Finding::new(
                    code::SUPPRESS_UNKNOWN_CODE,
                    range.clone(),
                    format!("`{name}` is no smaqit-ls code or family"),
                );
                if let Some(c) = catalogue::closest(name) {
                    f.message.push_str(&format!("; did you mean `{c}`?"));
                    f = f.with_suggestion(c);
                }
                findings.push(f);
            }
            if !s.used && all_known && !s.codes.iter().all(|(n, _)| off(n)) {
                let what: Vec<&str> = s.codes.iter().map(|(n, _)| n.as_str()).collect();
                let scope = if s.covers.is_some() { "this line or the next" } else { "this file" };
                findings.push(Finding::new(
                    code::SUPPRESS_UNUSED,
                    s.range.clone(),
                    format!("`{}` silences nothing on {scope}: remove the suppression", what.join(", ")),
                ));
            }
        }
    }
    if let Some(c) = config {
        levels(&mut findings, &[c]);
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Code, Severity};
    use crate::project::config;

    fn finding(code: Code, text: &str, at: &str) -> Finding {
        let i = text.find(at).unwrap();
        Finding::new(code, i..i + at.len(), "x")
    }

    #[test]
    fn suppressions_cover_their_line_and_the_next_or_the_file_and_report_what_they_miss() {
        let text = "\
<!-- smaqit-ignore-file: boundary the contract names the database -->
# T
- [x] FUN-A-001: one <!-- smaqit-ignore: coverage/gap mapped by hand -->
<!-- smaqit-ignore: criteria mapped by the manual plan -->
- [x] FUN-A-002: two
- [x] FUN-A-003: three
<!-- smaqit-ignore: coverage/gapp typo -->
<!-- smaqit-ignore: ref/unknown-id nothing below -->
Plain line.
";
        let found = vec![
            finding(code::BOUNDARY_BUSINESS_TECHNOLOGY, text, "T"),
            finding(code::COVERAGE_GAP, text, "FUN-A-001"),
            finding(code::CRITERIA_OPEN, text, "FUN-A-002"),
            finding(code::COVERAGE_GAP, text, "FUN-A-003"),
        ];
        let out = apply(found, text, None);
        let got: Vec<(&str, &str)> = out.iter().map(|f| (f.code, &text[f.range.clone()])).collect();
        assert_eq!(
            got,
            [
                ("coverage/gap", "FUN-A-003"),
                ("suppress/unknown-code", "coverage/gapp"),
                ("suppress/unused", "smaqit-ignore:"),
            ],
            "{out:?}"
        );
        assert!(out[1].message.ends_with("did you mean `coverage/gap`?"), "{}", out[1].message);
    }

    #[test]
    fn levels_change_severities_or_drop_codes_and_a_code_wins_over_its_family() {
        let c =
            config::parse("[severity]\ncoverage = \"off\"\n\"coverage/unknown-id\" = \"error\"\ncriteria = \"info\"\n")
                .unwrap();
        let text = "a b c";
        let found = vec![
            Finding::new(code::COVERAGE_GAP, 0..1, "gap"),
            Finding::new(code::COVERAGE_UNKNOWN_ID, 2..3, "unknown"),
            Finding::new(code::CRITERIA_FAILED, 4..5, "failed"),
        ];
        let out = apply(found, text, Some(&c));
        let got: Vec<(&str, Severity)> = out.iter().map(|f| (f.code, f.severity)).collect();
        assert_eq!(got, [("coverage/unknown-id", Severity::Error), ("criteria/failed", Severity::Info)]);
        // A suppression of a code the team turned off is not "unused".
        let out = apply(Vec::new(), "<!-- smaqit-ignore: coverage x -->\n", Some(&c));
        assert!(out.is_empty(), "{out:?}");
    }
}
