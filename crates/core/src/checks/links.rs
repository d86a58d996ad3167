//! Reference links (spec-format §6): where each link of a spec leads, once
//! per check run, for every family that reads the graph; and the findings
//! about the link itself: `ref/broken-target` (no such file) and
//! `ref/label-mismatch` (the label names another spec than the file holds).

use std::sync::Arc;

use super::{Finding, Related, code};
use crate::ids;
use crate::model::Spec;
use crate::parse::Link;
use crate::paths::{link_target, relative};
use crate::workspace::{FileEntry, Workspace};

/// A link of the spec and what it leads to.
pub(super) struct Edge {
    pub link: Link,
    /// Under the spec's `## References` heading.
    pub in_references: bool,
    pub to: Resolution,
}

pub(super) enum Resolution {
    /// A local `.md` target that does not exist; the label's spec's path
    /// when the label is a known spec ID.
    Broken { suggestion: Option<String> },
    /// An ID label that no spec or criterion defines, with no file behind it.
    UnknownLabel,
    /// The file is a spec whose ID is not the label.
    Mismatch { target: Arc<FileEntry>, target_id: String },
    /// The spec the link refers to (by its file, else by its label).
    Spec(Arc<FileEntry>),
    /// Nothing to check: not an ID, not a local Markdown file, or a file
    /// that is not a spec.
    Other,
}

/// Every link of `spec` that names an ID or a local Markdown file, resolved.
pub(super) fn resolve(spec: &Spec, ws: &Workspace) -> Vec<Edge> {
    let mut out = Vec::new();
    for section in &spec.doc.sections {
        let in_references = section.section.heading().is_some_and(|h| is_references(&h.text));
        for link in section.section.links.iter().map(|l| l.absolute(section.start)) {
            if let Some(to) = resolve_link(spec, &link, ws) {
                out.push(Edge { link, in_references, to });
            }
        }
    }
    out
}

fn resolve_link(spec: &Spec, link: &Link, ws: &Workspace) -> Option<Resolution> {
    let label_is_id = ids::ID_PATTERN.find(&link.label).is_some_and(|m| m.range() == (0..link.label.len()));
    let local_md =
        link_target(&spec.path, &link.target).filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")));
    if !label_is_id && local_md.is_none() {
        return None;
    }
    let mut target: Option<Arc<FileEntry>> = None;
    if let Some(path) = &local_md {
        // The index answers for specs; only other files cost a stat.
        target = ws.get(path);
        if target.is_none() && !path.exists() {
            let suggestion = label_is_id
                .then(|| ws.by_id(spec.root.as_deref(), &link.label))
                .and_then(|v| v.into_iter().next())
                .map(|e| relative(spec.path.parent().unwrap_or(std::path::Path::new("")), &e.spec.path));
            return Some(Resolution::Broken { suggestion });
        }
    }
    if label_is_id && target.is_none() && !ws.is_defined(spec.root.as_deref(), &link.label) {
        return Some(Resolution::UnknownLabel);
    }
    if let (true, Some(t)) = (label_is_id, &target)
        && let Some(tid) = t.spec.id().filter(|tid| *tid != link.label && !is_criterion_of(&link.label, tid))
    {
        let target_id = tid.to_owned();
        return Some(Resolution::Mismatch { target: t.clone(), target_id });
    }
    // The referenced spec: the link's file, else the label's definition.
    let target = target.or_else(|| {
        let id = ids::criterion_parts(&link.label).map_or(link.label.as_str(), |(s, _)| s);
        ws.by_id(spec.root.as_deref(), id).into_iter().next()
    });
    Some(target.map_or(Resolution::Other, Resolution::Spec))
}

/// `ref/broken-target` and `ref/label-mismatch`.
pub(super) fn check<'a>(edges: impl Iterator<Item = &'a Edge>, out: &mut Vec<Finding>) {
    for e in edges {
        match &e.to {
            Resolution::Broken { suggestion } => {
                let target = e.link.target.split('#').next().unwrap_or("");
                let mut f = Finding::new(
                    code::REF_BROKEN_TARGET,
                    e.link.target_range.clone(),
                    format!("link target `{target}` does not exist"),
                );
                if let Some(rel) = suggestion {
                    f.message.push_str(&format!("; {} is at `{rel}`", e.link.label));
                    f = f.with_suggestion(rel.clone());
                }
                out.push(f);
            }
            Resolution::Mismatch { target, target_id } => {
                let shown = e.link.target.split('#').next().unwrap_or("");
                out.push(
                    Finding::new(
                        code::REF_LABEL_MISMATCH,
                        e.link.label_range.clone(),
                        format!("link label `{}` names another spec: `{shown}` is {target_id}", e.link.label),
                    )
                    .with_related(id_related(target, &format!("{target_id} is defined here")))
                    .with_suggestion(target_id.clone()),
                );
            }
            _ => {}
        }
    }
}

pub(super) fn is_references(heading: &str) -> bool {
    // ASCII trim: this runs for every section of a spec on every check, and
    // a Unicode trim was 8 % of a keystroke on a 1 MB spec.
    heading.trim_ascii().eq_ignore_ascii_case("references")
}

fn is_criterion_of(label: &str, spec_id: &str) -> bool {
    ids::criterion_parts(label).is_some_and(|(s, _)| s == spec_id)
}

/// A related location at the target spec's `id` value.
pub(super) fn id_related(e: &FileEntry, message: &str) -> Related {
    let range = e.spec.doc.frontmatter.as_ref().and_then(|f| f.get("id")).map_or(0..0, |v| v.value_range.clone());
    Related { path: e.spec.path.clone(), range, message: message.to_owned() }
}

/// A related location at the target spec's `status` value.
pub(super) fn status_related(e: &FileEntry, message: &str) -> Related {
    let range = e.spec.doc.frontmatter.as_ref().and_then(|f| f.get("status")).map_or(0..0, |v| v.value_range.clone());
    Related { path: e.spec.path.clone(), range, message: message.to_owned() }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture;

    #[test]
    fn broken_targets_and_mismatched_labels() {
        fixture::check_families(
            &["ref"],
            r#"
//- specs/business/uc1-capture.md
---
id: BUS-CAPTURE
status: draft
created: 2025-01-01
---
# UC1-CAPTURE: Capture
## Acceptance Criteria
- [ ] BUS-CAPTURE-001: x
//- specs/business/uc2-share.md
---
id: BUS-SHARE
status: draft
created: 2025-01-01
---
# UC2-SHARE: Share
//- specs/functional/capture.md
---
id: FUN-CAPTURE
status: draft
created: 2025-01-01
---
# FUN-CAPTURE: Capture

## References

### Implements
- [BUS-CAPTURE](../business/uc1-capture.md) — fine
- [BUS-CAPTURE](../business/capture.md) — moved
                ^^^^^^^^^^^^^^^^^^^^^^ error ref/broken-target: link target `../business/capture.md` does not exist; BUS-CAPTURE is at `../business/uc1-capture.md`
- [BUS-SHARE](../business/uc1-capture.md) — wrong label
   ^^^^^^^^^ error ref/label-mismatch: link label `BUS-SHARE` names another spec: `../business/uc1-capture.md` is BUS-CAPTURE
- [BUS-CAPTURE-001](../business/uc1-capture.md) — a criterion of the spec: fine
- [BUS-GONE](../business/gone.md) — neither
             ^^^^^^^^^^^^^^^^^^^ error ref/broken-target: link target `../business/gone.md` does not exist
- [the share use case](../business/uc2-share.md) — prose label: fine
- [docs](https://example.com/x.md) — a URL: not checked
- [README](../../README.md) — another file that exists: fine
//- README.md
A readme.
"#,
        );
    }
}
