//! What a finished deploy does to each spec, computed on the spec's text
//! as it is when written (an editor's buffer, or the file): byte-exact edits
//! of the status, its timestamp, and the criteria the health checks
//! verified — only those (spec-format §7: Deploy ticks what it verified).

use std::path::Path;

use smaqit_core::actions::{self, TextEdit};
use smaqit_core::model::{Spec, Status};
use smaqit_core::parse::CriterionState;

use crate::protocol::{Outcome, Status as DeployStatus};

/// What a finished deploy does to a spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Infrastructure,
    Upstream,
}

/// Status write-back for one spec: on success, Infrastructure specs become
/// `deployed` and upstream specs behind move up to `deployed`; on failure,
/// Infrastructure specs become `failed`. Criteria named by a health check's
/// `verifies` become `[x]` when it passed and `[!] — FAILED: why` when it
/// failed; the others stay as they are. Nothing changes when nothing ran.
pub fn writeback(spec: &Spec, role: Role, outcome: &Outcome, now: &str) -> Vec<TextEdit> {
    let Some(current) = spec.status() else { return Vec::new() };
    if !outcome.started {
        return Vec::new();
    }
    match (outcome.status, role) {
        (DeployStatus::Success, Role::Infrastructure) => {
            let mut edits = actions::transition(spec, Status::Deployed, now).unwrap_or_default();
            edits.extend(verified(spec, outcome));
            edits
        }
        (DeployStatus::Success, Role::Upstream) => {
            let behind = current.rank().is_some_and(|r| r < 2);
            if behind { actions::transition(spec, Status::Deployed, now).unwrap_or_default() } else { Vec::new() }
        }
        (DeployStatus::Failed, Role::Infrastructure) => {
            let mut edits = actions::transition(spec, Status::Failed, now).unwrap_or_default();
            edits.extend(verified(spec, outcome));
            edits
        }
        _ => Vec::new(),
    }
}

/// Marks for the spec's criteria that a health check verified.
fn verified(spec: &Spec, outcome: &Outcome) -> Vec<TextEdit> {
    let mut edits = Vec::new();
    for c in spec.criteria().filter(|c| !c.untestable) {
        let checks: Vec<_> = outcome.health.iter().filter(|h| h.verifies.contains(&c.id)).collect();
        if checks.is_empty() {
            continue;
        }
        match checks.iter().find(|h| !h.ok) {
            None if c.state != CriterionState::Satisfied => {
                edits.push(TextEdit { range: c.mark_range.clone(), new_text: "x".into() });
            }
            Some(bad) if c.state != CriterionState::Failed => {
                edits.push(TextEdit { range: c.mark_range.clone(), new_text: "!".into() });
                if c.note.is_none() {
                    let why = format!("{}: {}", bad.check, bad.detail).replace(['\n', '\r'], " ");
                    edits.push(TextEdit { range: c.range.end..c.range.end, new_text: format!(" — FAILED: {why}") });
                }
            }
            _ => {}
        }
    }
    edits
}

/// The criteria a deploy of `spec` left unverified: testable, not ticked,
/// and named by no health check.
pub fn unverified(spec: &Spec, outcome: &Outcome) -> Vec<String> {
    spec.criteria()
        .filter(|c| !c.untestable && c.state != CriterionState::Satisfied)
        .filter(|c| !outcome.health.iter().any(|h| h.verifies.contains(&c.id)))
        .map(|c| c.id)
        .collect()
}

/// Writes `edits` to a closed file, changing no other byte. Refuses when the
/// file changed since `expected` was read.
pub fn write_file(path: &Path, expected: &str, edits: &[TextEdit]) -> Result<(), String> {
    let now = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    if now != expected {
        return Err(format!("{} changed during the deploy; not overwritten", path.display()));
    }
    let new = actions::apply(&now, edits);
    let tmp = path.with_extension("md.smaqit-tmp");
    std::fs::write(&tmp, new).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, path).map_err(|e| e.to_string())
}
