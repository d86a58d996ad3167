//! Actions: pure functions from a spec (and its text) to byte-range edits —
//! status transitions with their timestamps, criterion ticks and quick fixes.
//! Every edit touches only the bytes it must: comments, key order, quoting
//! and line endings are left as they were.

mod criteria;
mod fixes;
pub mod secrets;
mod transitions;
mod upstream;

use std::ops::Range;

pub use criteria::{add_criterion, criterion_actions, in_criteria_section, mark_all_satisfied, next_criterion_id};
pub use fixes::fixes_for;
pub use transitions::{insert_timestamp, replace_status, transition, transition_actions};
pub use upstream::upstream_to;

/// Replace `range` (bytes) with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub new_text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    QuickFix,
    Refactor,
    Source,
}

/// An edit of one file offered to the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    pub edits: Vec<TextEdit>,
    /// The diagnostic code this action fixes, if it is a fix.
    pub fixes: Option<String>,
    pub preferred: bool,
}

/// The actions offered on `range` of `spec` (besides fixes): status
/// transitions when the range is in the frontmatter (or when the client asks
/// for source actions, `as_source`), criterion ticks on the criterion there,
/// and "mark all open criteria satisfied".
pub fn for_range(spec: &crate::model::Spec, range: Range<usize>, as_source: bool, now: &str) -> Vec<Action> {
    let mut out = Vec::new();
    let in_frontmatter = spec.doc.frontmatter.as_ref().is_some_and(|f| range.start <= f.range.end);
    if in_frontmatter || as_source {
        for mut a in transition_actions(spec, now) {
            // Asked for as source actions, they are source actions.
            if !in_frontmatter || as_source {
                a.kind = ActionKind::Source;
            }
            out.push(a);
        }
    }
    out.extend(criterion_actions(spec, range.start));
    out.extend(add_criterion(spec, range.start));
    out.extend(mark_all_satisfied(spec));
    out
}

/// Applies non-overlapping edits to `text` (any order).
pub fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_owned();
    for e in sorted {
        out.replace_range(e.range.clone(), &e.new_text);
    }
    out
}
