//! What a position names: an ID (a spec's `id`, a link label, a criterion,
//! a mention) or a linked file.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::ids;
use crate::model::Spec;
use crate::paths::normalize;

/// What a position names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A spec or criterion ID.
    Id(String),
    /// A linked file.
    File(PathBuf),
}

/// The ID or link under `offset` in `spec`, with the span naming it.
pub fn target_at(spec: &Spec, offset: usize) -> Option<(Target, Range<usize>)> {
    let within = |r: &Range<usize>| r.start <= offset && offset <= r.end;
    if let Some(e) = spec.doc.frontmatter.as_ref().and_then(|f| f.get("id")).filter(|e| within(&e.value_range)) {
        return e.value.as_str().map(|id| (Target::Id(id.trim().to_owned()), e.value_range.clone()));
    }
    for l in spec.doc.links() {
        if within(&l.label_range) && ids::ID_PATTERN.is_match(&l.label) {
            return Some((Target::Id(l.label), l.label_range));
        }
        if within(&l.target_range) && !l.target.contains("://") {
            let base = spec.path.parent().unwrap_or(Path::new(""));
            let target = l.target.split('#').next().unwrap_or("");
            return Some((Target::File(normalize(&base.join(target))), l.target_range));
        }
    }
    if let Some(c) = spec.criteria().find(|c| within(&c.id_range)) {
        return Some((Target::Id(c.id), c.id_range));
    }
    spec.doc.mentions().filter(|m| within(&m.range)).last().map(|m| (Target::Id(m.id), m.range))
}
