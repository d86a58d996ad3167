//! Actions: pure functions from a spec (and its text) to byte-range edits —
//! status transitions with their timestamps, criterion ticks and quick fixes.
//! Every edit touches only the bytes it must: comments, key order, quoting
//! and line endings are left as they were.

mod criteria;
pub mod secrets;
mod transitions;

use std::ops::Range;

pub use criteria::{criterion_actions, mark_all_satisfied};
pub use transitions::{insert_timestamp, replace_status, transition, transition_actions};

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
