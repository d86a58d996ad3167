//! Where an ID is defined, and every place naming it.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::model::Spec;
use crate::workspace::Workspace;

/// Where the project at `root` defines an ID: a spec's frontmatter `id`,
/// or a criterion line.
pub fn definitions(ws: &Workspace, root: Option<&Path>, id: &str) -> Vec<(PathBuf, Range<usize>)> {
    let mut out: Vec<(PathBuf, Range<usize>)> =
        ws.by_id(root, id).iter().map(|e| (e.spec.path.clone(), id_value_range(&e.spec).unwrap_or(0..0))).collect();
    out.extend(ws.criterion_definitions(root, id));
    out
}

pub(super) fn id_value_range(spec: &Spec) -> Option<Range<usize>> {
    spec.doc.frontmatter.as_ref()?.get("id").map(|e| e.value_range.clone())
}

/// Every place in the project at `root` naming `id`: link labels and
/// mentions (and the definitions when asked).
pub fn references(
    ws: &Workspace,
    root: Option<&Path>,
    id: &str,
    include_declaration: bool,
) -> Vec<(PathBuf, Range<usize>)> {
    let mut out = if include_declaration { definitions(ws, root, id) } else { Vec::new() };
    for path in ws.referrers(root, id) {
        let Some(e) = ws.get(&path) else { continue };
        out.extend(e.spec.doc.links().filter(|l| l.label == id).map(|l| (path.clone(), l.label_range)));
        out.extend(e.spec.doc.mentions().filter(|m| m.id == id).map(|m| (path.clone(), m.range)));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.start.cmp(&b.1.start)));
    out.dedup();
    out
}
