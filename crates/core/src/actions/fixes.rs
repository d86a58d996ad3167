//! Quick fixes: the one table from a diagnostic code to the edit that fixes
//! it, for the fixes that need only the spec itself. A finding carries what
//! its fix needs (`Finding::suggestion`); the shells hand the code and that
//! suggestion back here. Hardcoded-secret fixes, which touch other files,
//! are in `secrets`.

use super::{Action, ActionKind, TextEdit, insert_timestamp, replace_status};
use crate::checks::code;
use crate::model::Spec;

/// The fixes for a finding of `code` on `spec`, given the finding's
/// suggestion; `now` stamps inserted timestamps.
pub fn fixes_for(spec: &Spec, code_id: &str, suggestion: Option<&str>, now: &str) -> Vec<Action> {
    let mut out = Vec::new();
    let mut push = |title: String, edits: Vec<TextEdit>| {
        out.push(Action { title, kind: ActionKind::QuickFix, edits, fixes: Some(code_id.to_owned()), preferred: true })
    };
    if code_id == code::FRONTMATTER_UNKNOWN_STATUS.id {
        if let Some(s) = suggestion
            && let Some(edit) = replace_status(spec, s)
        {
            push(format!("Change status to `{s}`"), vec![edit]);
        }
    } else if code_id == code::FRONTMATTER_MISSING_TIMESTAMP.id
        && let Some(edit) = insert_timestamp(spec, now)
    {
        push("Insert the missing timestamp (now)".into(), vec![edit]);
    }
    out
}
