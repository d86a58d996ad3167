//! Core values → LSP values.

use std::path::Path;

use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use super::position::{Encoding, Lines, to_range};
use smaqit_core::checks::{Finding, Severity, catalogue};

pub fn uri_of(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}

/// The catalogue link of `code` under `docs_url`.
pub fn href(docs_url: &str, code: &str) -> Option<Uri> {
    format!("{docs_url}#{}", catalogue::anchor(code)).parse().ok()
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// Calls back with the lines of another file, when it is known.
pub type RelatedLines<'a> = &'a dyn Fn(&Path, &mut dyn FnMut(&dyn Lines));

/// A finding as a diagnostic; `related_lines` resolves other files' text.
pub fn diagnostic(
    f: &Finding,
    lines: &dyn Lines,
    enc: Encoding,
    href: &dyn Fn(&str) -> Option<Uri>,
    related_lines: RelatedLines<'_>,
) -> lsp::Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = f
        .related
        .iter()
        .filter_map(|r| {
            let uri = uri_of(&r.path)?;
            let mut range = None;
            related_lines(&r.path, &mut |l| range = Some(to_range(l, &r.range, enc)));
            Some(DiagnosticRelatedInformation {
                location: Location { uri, range: range.unwrap_or_default() },
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: to_range(lines, &f.range, enc),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.code.to_owned())),
        code_description: href(f.code).map(|href| CodeDescription { href }),
        source: Some("smaqit".into()),
        message: f.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: f.suggestion.as_ref().map(|s| serde_json::json!({ "suggestion": s })),
    }
}

/// A finding about a whole file that was not read (it has no text to
/// position against): at the file's start.
pub fn file_diagnostic(f: &Finding) -> lsp::Diagnostic {
    lsp::Diagnostic {
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.code.to_owned())),
        source: Some("smaqit".into()),
        message: f.message.clone(),
        ..Default::default()
    }
}

/// Feeds what a client shows of a diagnostic to `h` (to skip republishing
/// unchanged diagnostics without serializing them).
pub fn hash_diagnostic(d: &lsp::Diagnostic, h: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    fn range(r: &lsp::Range, h: &mut impl std::hash::Hasher) {
        (r.start.line, r.start.character, r.end.line, r.end.character).hash(h);
    }
    range(&d.range, h);
    let levels = [
        DiagnosticSeverity::ERROR,
        DiagnosticSeverity::WARNING,
        DiagnosticSeverity::INFORMATION,
        DiagnosticSeverity::HINT,
    ];
    d.severity.and_then(|s| levels.iter().position(|l| *l == s)).hash(h);
    match &d.code {
        Some(NumberOrString::String(s)) => s.hash(h),
        Some(NumberOrString::Number(n)) => n.hash(h),
        None => 0u8.hash(h),
    }
    d.code_description.as_ref().map(|c| c.href.as_str()).hash(h);
    d.message.hash(h);
    for r in d.related_information.iter().flatten() {
        r.location.uri.as_str().hash(h);
        range(&r.location.range, h);
        r.message.hash(h);
    }
    d.data.as_ref().map(|v| v.to_string()).hash(h);
}
