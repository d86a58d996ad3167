//! Hardcoded secrets (spec-format §9): the scanner's findings as
//! `secret/<detector>` errors, minus the values a project has allowed and
//! lines marked `smaqit-ignore-secret`. Messages never hold a value: at most
//! the scanner's masked prefix.

use std::collections::HashSet;
use std::path::Path;

use smaqit_secrets::{SecretFinding, fingerprint, suggested_reference_name};

use super::{Code, Finding};
use crate::text::floor_char_boundary;

/// The marker that silences a finding on its line or the line below.
pub const IGNORE_MARKER: &str = "smaqit-ignore-secret";

pub fn check(text: &str, secrets: &[SecretFinding], allow: &HashSet<String>, out: &mut Vec<Finding>) {
    for s in secrets {
        let start = floor_char_boundary(text, s.range.start);
        let end = floor_char_boundary(text, s.range.end).max(start);
        if suppressed_inline(text, start) || allow.contains(&fingerprint(&text[start..end])) {
            continue;
        }
        let name = suggested_reference_name(s);
        let what = s.description.strip_prefix("Hardcoded ").unwrap_or(s.description);
        let shown = if s.masked == "…" { String::new() } else { format!(" ({})", s.masked) };
        out.push(
            Finding::new(
                Code::secret_of(s),
                start..end,
                format!(
                    "hardcoded {}{shown}: keep only a reference such as ${{secrets.{name}}}; the trusted executor resolves it at deploy time",
                    what.to_lowercase()
                ),
            )
            .with_suggestion(name),
        );
    }
}

/// `smaqit-ignore-secret` on the finding's line or the line above it.
fn suppressed_inline(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if text[line_start..line_end].contains(IGNORE_MARKER) {
        return true;
    }
    if line_start == 0 {
        return false;
    }
    let prev_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
    text[prev_start..line_start].contains(IGNORE_MARKER)
}

/// Findings of an IaC/config file.
pub fn check_file(path: &Path, text: &str, secrets: &[SecretFinding], allow: &HashSet<String>) -> Vec<Finding> {
    let _ = path;
    let mut out = Vec::new();
    check(text, secrets, allow, &mut out);
    out
}
