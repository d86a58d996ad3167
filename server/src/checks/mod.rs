//! Checks: pure functions from the model (and the workspace index) to
//! [`Finding`]s. One module per family; every code is listed in
//! [`catalogue::CATALOGUE`] and documented in `docs/diagnostics.md`.

mod boundary;
pub mod catalogue;
mod coverage;
mod criteria;
pub mod drift;
mod frontmatter;
pub mod references;
pub mod secrets;

use std::ops::Range;
use std::path::PathBuf;

use crate::model::Spec;
use crate::text::SourceText;
use crate::workspace::{FileEntry, IacEntry, Workspace};

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

/// All findings of an indexed spec: the spec checks plus its secrets.
pub fn check_entry(entry: &FileEntry, ws: &Workspace) -> Vec<Finding> {
    let mut out = check_spec(&entry.spec, &entry.text, ws);
    if !entry.secrets.is_empty() {
        let allow = allowlist_for(&entry.spec.path, ws);
        secrets::check(&entry.text.as_str(), &entry.secrets, &allow, &mut out);
        sort(&mut out);
    }
    out
}

/// All findings of an indexed IaC/config file.
pub fn check_iac(entry: &IacEntry, ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    if entry.path.ends_with(crate::deploy::config::ENVIRONMENTS_FILE)
        && let Err(e) = crate::deploy::config::parse(&entry.text.as_str())
    {
        out.push(Finding::new(
            "deploy/environments",
            Severity::Error,
            e.range,
            format!("environments file: {}", e.message),
        ));
    }
    drift::check_iac(entry, ws, &mut out);
    if !entry.secrets.is_empty() {
        let allow = allowlist_for(&entry.path, ws);
        out.extend(secrets::check_file(&entry.path, &entry.text.as_str(), &entry.secrets, &allow));
    }
    sort(&mut out);
    out
}

fn allowlist_for(path: &std::path::Path, ws: &Workspace) -> std::sync::Arc<std::collections::HashSet<String>> {
    match crate::workspace::find_root(path) {
        Some(root) => ws.allowlist(&root),
        None => Default::default(),
    }
}

fn sort(out: &mut [Finding]) {
    out.sort_by(|a, b| a.range.start.cmp(&b.range.start).then_with(|| a.code.cmp(&b.code)));
}

/// All per-spec findings of the core checks, sorted by position.
pub fn check_spec(spec: &Spec, text: &SourceText, ws: &Workspace) -> Vec<Finding> {
    let mut out = Vec::new();
    frontmatter::check(spec, &mut out);
    criteria::check(spec, ws, &mut out);
    references::check(spec, ws, &mut out);
    references::orphan_foundation(spec, text, &mut out);
    drift::check(spec, text, ws, &mut out);
    coverage::check(spec, ws, &mut out);
    boundary::check(spec, text, &mut out);
    sort(&mut out);
    out
}
