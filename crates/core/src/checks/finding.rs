//! What a check found, in the terms both shells translate: the LSP turns a
//! [`Finding`] into a `Diagnostic`, the CLI into a line of text, JSON or
//! SARIF, so the editor and CI always agree.

use std::ops::Range;
use std::path::PathBuf;

use super::catalogue::Code;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    /// The severity a team's level chooses; None for `off`.
    pub fn of_level(level: crate::project::config::Level) -> Option<Severity> {
        use crate::project::config::Level;
        match level {
            Level::Off => None,
            Level::Hint => Some(Severity::Hint),
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }

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
    /// Stable code, e.g. `frontmatter/unknown-status` (see the catalogue).
    pub code: &'static str,
    pub severity: Severity,
    /// Byte range in the file.
    pub range: Range<usize>,
    pub message: String,
    pub related: Vec<Related>,
    /// Replacement text a quick fix would insert (e.g. a suggested status).
    pub suggestion: Option<String>,
}

impl Finding {
    /// A finding of `code`, at the code's default severity.
    pub fn new(code: Code, range: Range<usize>, message: impl Into<String>) -> Finding {
        Finding {
            code: code.id,
            severity: code.severity,
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

    /// The finding at the level a team chose for its code: None for `off`.
    pub fn at_level(mut self, level: crate::project::config::Level) -> Option<Finding> {
        self.severity = Severity::of_level(level)?;
        Some(self)
    }

    pub fn with_suggestion(mut self, s: impl Into<String>) -> Finding {
        self.suggestion = Some(s.into());
        self
    }
}
