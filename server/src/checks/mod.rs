//! Checks: pure functions from the model (and the workspace index) to
//! [`Finding`]s. One module per family; every code is listed in
//! [`catalogue::CATALOGUE`] and documented in `docs/diagnostics.md`.

pub mod catalogue;
mod criteria;
mod frontmatter;

use std::ops::Range;
use std::path::PathBuf;

use crate::model::Spec;

pub use catalogue::{CATALOGUE, CodeInfo};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// A location in another file (or this one) that explains a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub path: PathBuf,
    pub range: Range<usize>,
    pub message: String,
}

/// What a check found: the shells turn it into an LSP `Diagnostic` or a line
/// of `check` output, so the editor and CI always agree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Stable code, e.g. `frontmatter/unknown-status`.
    pub code: String,
    pub severity: Severity,
    /// Byte range in the file.
    pub range: Range<usize>,
    pub message: String,
    pub related: Vec<Related>,
    /// Replacement text a quick fix would insert (e.g. a suggested status).
    pub suggestion: Option<String>,
}

impl Finding {
    pub fn new(code: &str, severity: Severity, range: Range<usize>, message: impl Into<String>) -> Finding {
        Finding {
            code: code.to_owned(),
            severity,
            range,
            message: message.into(),
            related: Vec::new(),
            suggestion: None,
        }
    }

    pub fn with_related(mut self, related: Related) -> Finding {
        self.related.push(related);
        self
    }

    pub fn with_suggestion(mut self, s: impl Into<String>) -> Finding {
        self.suggestion = Some(s.into());
        self
    }
}

/// What per-spec checks may ask of the rest of the workspace.
pub trait WorkspaceView {
    /// Every place a criterion ID is defined: (path, range of the ID).
    fn criterion_definitions(&self, id: &str) -> Vec<(PathBuf, Range<usize>)>;
}

/// A view for checking a file on its own.
pub struct NoWorkspace;

impl WorkspaceView for NoWorkspace {
    fn criterion_definitions(&self, _id: &str) -> Vec<(PathBuf, Range<usize>)> {
        Vec::new()
    }
}

/// All per-spec findings of the core checks, sorted by position.
pub fn check_spec(spec: &Spec, ws: &dyn WorkspaceView) -> Vec<Finding> {
    let mut out = Vec::new();
    frontmatter::check(spec, &mut out);
    criteria::check(spec, ws, &mut out);
    out.sort_by(|a, b| a.range.start.cmp(&b.range.start).then_with(|| a.code.cmp(&b.code)));
    out
}
