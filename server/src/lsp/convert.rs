//! Core values → LSP values.

use std::path::Path;

use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri,
};

use super::position::{Encoding, Lines, to_range};
use crate::checks::{Finding, Severity, catalogue};

pub fn uri_of(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
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
    docs_url: &str,
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
    let href = format!("{docs_url}#{}", catalogue::anchor(&f.code));
    lsp::Diagnostic {
        range: to_range(lines, &f.range, enc),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.code.clone())),
        code_description: href.parse().ok().map(|href| CodeDescription { href }),
        source: Some("smaqit".into()),
        message: f.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: f.suggestion.as_ref().map(|s| serde_json::json!({ "suggestion": s })),
    }
}
