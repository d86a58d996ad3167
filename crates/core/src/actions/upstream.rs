//! Upstream specs that must follow a spec's status: the Deploy phase sets
//! every upstream Business, Functional and Stack spec it consulted to
//! `deployed` (spec-format §5); the same holds for `validated`.

use std::path::PathBuf;

use super::TextEdit;
use crate::ids;
use crate::model::{Layer, Spec, Status};
use crate::workspace::Workspace;

/// For a spec now `deployed` or `validated`: the upstream specs it
/// references that are behind, moved to the same status (smaqit's Deploy
/// phase requires it). Computed on each upstream spec's indexed text.
pub fn upstream_to(ws: &Workspace, spec: &Spec, now: &str) -> Vec<(PathBuf, Vec<TextEdit>)> {
    let Some(to @ (Status::Deployed | Status::Validated)) = spec.status() else { return Vec::new() };
    let Some(layer) = spec.layer else { return Vec::new() };
    let mut out: Vec<(PathBuf, Vec<TextEdit>)> = Vec::new();
    for l in spec.doc.links() {
        let id = ids::criterion_parts(&l.label).map_or(l.label.as_str(), |(s, _)| s);
        for t in ws.by_id(spec.root.as_deref(), id) {
            let upstream = t.spec.layer.is_some_and(|tl| tl < layer && tl <= Layer::Stack);
            let behind = t.spec.status().and_then(Status::rank).zip(to.rank()).is_some_and(|(a, b)| a < b);
            if upstream
                && behind
                && !out.iter().any(|(p, _)| *p == t.spec.path)
                && let Some(edits) = super::transition(&t.spec, to, now)
            {
                out.push((t.spec.path.clone(), edits));
            }
        }
    }
    out
}
