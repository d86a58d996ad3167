//! Renames: an ID across the workspace (a spec's criteria follow it), and
//! the links to spec files that moved.

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::definitions::id_value_range;
use crate::actions::TextEdit;
use crate::ids;
use crate::paths::{normalize, relative as relative_path};
use crate::workspace::Workspace;

/// Edits renaming the ID `old` to `new` across the workspace: the spec's
/// `id`, criterion definitions, link labels and mentions — and, for a spec
/// ID, its criteria (`OLD-001` → `NEW-001`).
pub fn rename(
    ws: &Workspace,
    root: Option<&std::path::Path>,
    old: &str,
    new: &str,
) -> Result<Vec<(PathBuf, Vec<TextEdit>)>, String> {
    if !ids::is_spec_id(new) && !ids::is_criterion_id(new) {
        return Err(format!("`{new}` is not a smaqit ID (<PREFIX>-<CONCEPT>[-NNN])"));
    }
    if ws.is_defined(root, new) {
        return Err(format!("{new} is already defined"));
    }
    if root.is_none() {
        return Err("renaming an ID needs its project: this file has no .smaqit/ folder above it".into());
    }
    let is_spec = !ws.by_id(root, old).is_empty();
    let renamed = |token: &str| -> Option<String> {
        if token == old {
            return Some(new.to_owned());
        }
        let rest = token.strip_prefix(old)?.strip_prefix('-')?;
        (is_spec && rest.starts_with(|c: char| c.is_ascii_digit())).then(|| format!("{new}-{rest}"))
    };
    let mut out = Vec::new();
    // The ID belongs to one project; another may use it for something else.
    for e in ws.specs().into_iter().filter(|e| e.spec.root.as_deref() == root) {
        let text = e.text.as_str();
        let mut edits = Vec::new();
        let mut push = |range: Range<usize>| {
            if let Some(token) = text.get(range.clone())
                && let Some(n) = renamed(token)
            {
                edits.push(TextEdit { range, new_text: n });
            }
        };
        if let Some(r) = id_value_range(&e.spec) {
            push(r);
        }
        e.spec.criteria().for_each(|c| push(c.id_range));
        e.spec.doc.links().for_each(|l| push(l.label_range));
        e.spec.doc.mentions().for_each(|m| push(m.range));
        edits.sort_by_key(|e| e.range.start);
        edits.dedup_by(|a, b| a.range == b.range);
        if !edits.is_empty() {
            out.push((e.spec.path.clone(), edits));
        }
    }
    Ok(out)
}

/// Link edits for moved spec files: every relative link to an old path
/// points at the new one.
pub fn file_moves(ws: &Workspace, moves: &[(PathBuf, PathBuf)]) -> Vec<(PathBuf, Vec<TextEdit>)> {
    let mut out = Vec::new();
    for e in ws.specs() {
        let from_dir = moves.iter().find(|(o, _)| *o == e.spec.path).map_or_else(
            || e.spec.path.parent().unwrap_or(Path::new("")).to_path_buf(),
            |(_, n)| n.parent().unwrap_or(Path::new("")).to_path_buf(),
        );
        let base = e.spec.path.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut edits = Vec::new();
        for l in e.spec.doc.links().filter(|l| !l.target.contains("://")) {
            let (target, fragment) = l.target.split_once('#').map_or((l.target.as_str(), None), |(t, f)| (t, Some(f)));
            let resolved = normalize(&base.join(target));
            let moved_target = moves.iter().find(|(o, _)| *o == resolved).map(|(_, n)| n.clone());
            let self_moved = moves.iter().any(|(o, _)| *o == e.spec.path);
            if moved_target.is_none() && !self_moved {
                continue;
            }
            let new_target = moved_target.unwrap_or(resolved);
            let mut rel = relative_path(&from_dir, &new_target);
            if let Some(f) = fragment {
                rel = format!("{rel}#{f}");
            }
            if rel != l.target {
                edits.push(TextEdit { range: l.target_range, new_text: rel });
            }
        }
        if !edits.is_empty() {
            out.push((e.spec.path.clone(), edits));
        }
    }
    out
}
