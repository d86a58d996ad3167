//! The reference graph: broken links, labels that name another spec, IDs
//! defined nowhere, duplicate spec IDs, references in a forbidden direction,
//! references to deprecated specs, specs further along than their upstream,
//! non-Business specs without `## References`, and orphaned foundations:
//! a `## References` naming no upstream spec and giving no justification
//! (spec-format §2–§6).

use std::ops::Range;
use std::path::Path;

use crate::paths::{normalize, relative as relative_path};
use std::sync::LazyLock;

use regex::Regex;

use super::{Finding, Related, code};
use crate::ids;
use crate::model::{Layer, Spec, Status};
use crate::parse::Link;
use crate::text::SourceText;
use crate::workspace::{FileEntry, Workspace};

/// `ref/missing-references`: a non-Business spec without `## References`.
pub fn missing_section(spec: &Spec, out: &mut Vec<Finding>) {
    let Some(layer) = spec.layer else { return };
    if layer != Layer::Business && !spec.doc.has_heading(|h| h.level == 2 && is_references(&h.text)) {
        let range = spec.doc.title().map_or(0..0, |h| h.range);
        out.push(Finding::new(
            code::REF_MISSING_REFERENCES,
            range,
            format!("{layer} spec has no `## References` section naming the upstream specs it builds on"),
        ));
    }
}

/// The spec's edges: its ID's uniqueness, its links and the IDs it names.
pub fn check(spec: &Spec, ws: &Workspace, out: &mut Vec<Finding>) {
    let Some(layer) = spec.layer else { return };
    duplicate_id(spec, ws, out);
    let status = spec.effective_status();
    let mut suggester = Suggester::default();
    for section in &spec.doc.sections {
        let in_references = section.section.heading().is_some_and(|h| is_references(&h.text));
        for link in section.section.links.iter().map(|l| l.absolute(section.start)) {
            check_link(spec, layer, status, &link, in_references, ws, &mut suggester, out);
        }
    }
    // Bare mentions of IDs defined nowhere. Each section knows the distinct
    // IDs it names, so the index is asked once per ID, not per mention.
    let skip = skipped_mention_ranges(spec);
    // A 1 MB spec asks this map some 25,000 times per keystroke: foldhash,
    // not SipHash (the keys are IDs from the user's own file).
    let mut defined: foldhash::HashMap<&str, bool> = foldhash::HashMap::default();
    for s in &spec.doc.sections {
        let unknown: Vec<&str> = s
            .section
            .ids
            .iter()
            .map(String::as_str)
            .filter(|id| !*defined.entry(id).or_insert_with(|| ws.is_defined(id)))
            .collect();
        if unknown.is_empty() {
            continue;
        }
        for m in s.section.mentions.iter().filter(|m| unknown.contains(&m.id.as_str())) {
            let range = m.range.start + s.start..m.range.end + s.start;
            if !skip.iter().any(|r| r.start <= range.start && range.end <= r.end) {
                out.push(unknown_id(&m.id, range, &mut suggester, ws));
            }
        }
    }
}

/// `ref/orphan-foundation`: a non-Business spec whose `## References` links
/// to (or names) no spec of an upstream layer — only same-layer Foundation
/// Reference links, or nothing — and has no `**Justification:**` after a
/// `FOUNDATION WITHOUT MAPPING` marker.
pub fn orphan_foundation(spec: &Spec, text: &SourceText, out: &mut Vec<Finding>) {
    let Some(layer) = spec.layer.filter(|l| *l != Layer::Business) else { return };
    if spec.effective_status() == Some(Status::Deprecated) {
        return;
    }
    let sections: Vec<_> = spec
        .doc
        .sections
        .iter()
        .filter(|s| s.section.heading().is_some_and(|h| h.level == 2 && is_references(&h.text)))
        .collect();
    let Some(first) = sections.first() else { return };
    let upstream = |l: Option<Layer>| l.is_some_and(|l| l < layer);
    let dir = spec.path.parent().unwrap_or(Path::new(""));
    let names_upstream = sections.iter().any(|s| {
        s.section.links.iter().any(|l| {
            let target = l.target.split('#').next().unwrap_or("");
            upstream(Layer::of_id(&l.label))
                || (!target.is_empty()
                    && !target.contains("://")
                    && upstream(crate::model::layer_of_path(&normalize(&dir.join(target)))))
        }) || s.section.mentions.iter().any(|m| upstream(Layer::of_id(&m.id)))
    });
    if names_upstream {
        return;
    }
    let full = text.as_str();
    if sections.iter().any(|s| full.get(s.range()).is_some_and(justified)) {
        return;
    }
    let Some(heading) = first.section.heading() else { return };
    let ups: Vec<&str> = Layer::ALL.iter().filter(|l| **l < layer).map(|l| l.title()).collect();
    let what = if sections.iter().any(|s| !s.section.links.is_empty()) {
        "links only to same-layer specs"
    } else {
        "names no spec"
    };
    out.push(Finding::new(
        code::REF_ORPHAN_FOUNDATION,
        heading.absolute(first.start).range,
        format!(
            "orphaned foundation: `## References` {what} of an upstream layer ({}); reference what this {layer} spec \
             builds on, or add `<!-- ⚠️ FOUNDATION WITHOUT MAPPING -->` with a `**Justification:**`",
            ups.join(", ")
        ),
    ));
}

/// Whether a References section holds the framework's marker for a
/// foundation without mapping, followed by a filled-in justification.
fn justified(section: &str) -> bool {
    static JUSTIFICATION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\bjustification\b\s*\**\s*:\s*\**([^\r\n]*)").unwrap());
    let Some(at) = section.to_ascii_uppercase().find("FOUNDATION WITHOUT MAPPING") else { return false };
    JUSTIFICATION.captures(&section[at..]).is_some_and(|c| {
        let why = c.get(1).map_or("", |m| m.as_str()).trim().trim_matches('*').trim();
        let placeholder = why.starts_with('[') && why.ends_with(']');
        !why.is_empty() && !placeholder
    })
}

fn is_references(heading: &str) -> bool {
    // ASCII trim: this runs for every section of a spec on every check, and
    // a Unicode trim was 8 % of a keystroke on a 1 MB spec.
    heading.trim_ascii().eq_ignore_ascii_case("references")
}

#[allow(clippy::too_many_arguments)]
fn check_link(
    spec: &Spec,
    layer: Layer,
    status: Option<Status>,
    link: &Link,
    in_references: bool,
    ws: &Workspace,
    suggester: &mut Suggester,
    out: &mut Vec<Finding>,
) {
    let label_is_id = ids::ID_PATTERN.find(&link.label).is_some_and(|m| m.range() == (0..link.label.len()));
    let target = link.target.split('#').next().unwrap_or("");
    let is_local_md = !target.is_empty() && !target.contains("://") && target.to_ascii_lowercase().ends_with(".md");
    if !label_is_id && !is_local_md {
        return;
    }
    let resolved = is_local_md.then(|| normalize(&spec.path.parent().unwrap_or(Path::new("")).join(target)));
    let mut target_entry: Option<std::sync::Arc<FileEntry>> = None;
    if let Some(path) = &resolved {
        // The index answers for specs; only other files cost a stat.
        target_entry = ws.get(path);
        if target_entry.is_none() && !path.exists() {
            let mut f = Finding::new(
                code::REF_BROKEN_TARGET,
                link.target_range.clone(),
                format!("link target `{target}` does not exist"),
            );
            if let Some(e) = label_is_id.then(|| ws.by_id(&link.label)).and_then(|v| v.into_iter().next()) {
                let rel = relative_path(spec.path.parent().unwrap_or(Path::new("")), &e.spec.path);
                f.message.push_str(&format!("; {} is at `{rel}`", link.label));
                f = f.with_suggestion(rel);
            }
            out.push(f);
            return;
        }
    }
    if label_is_id && !ws.is_defined(&link.label) && target_entry.is_none() {
        out.push(unknown_id(&link.label, link.label_range.clone(), suggester, ws));
        return;
    }
    if let (true, Some(t)) = (label_is_id, &target_entry)
        && let Some(tid) = t.spec.id().filter(|tid| *tid != link.label && !is_criterion_of(&link.label, tid))
    {
        let related = id_related(t, &format!("{} is defined here", tid));
        out.push(
            Finding::new(
                code::REF_LABEL_MISMATCH,
                link.label_range.clone(),
                format!("link label `{}` names another spec: `{target}` is {tid}", link.label),
            )
            .with_related(related)
            .with_suggestion(tid),
        );
        return;
    }
    // The referenced spec: the link's file, else the label's definition.
    let target_entry = target_entry.or_else(|| {
        let id = ids::criterion_parts(&link.label).map_or(link.label.as_str(), |(s, _)| s);
        ws.by_id(id).into_iter().next()
    });
    let Some(t) = target_entry else { return };
    if t.spec.path == spec.path || !in_references {
        return;
    }
    let Some(tlayer) = t.spec.layer else { return };
    let tid = t.spec.id().unwrap_or("the target");
    let forbidden = if layer == Layer::Business {
        Some("Business specs reference nothing".to_owned())
    } else if tlayer > layer {
        Some(format!("{layer} spec references {tid}, a {tlayer} spec downstream of it"))
    } else if tlayer == layer
        && !link.under_h3.as_deref().is_some_and(|h| h.eq_ignore_ascii_case("Foundation Reference"))
    {
        Some(format!("same-layer reference to {tid} outside `### Foundation Reference`"))
    } else {
        None
    };
    if let Some(why) = forbidden {
        out.push(
            Finding::new(code::REF_FORBIDDEN_DIRECTION, link.range.clone(), why)
                .with_related(id_related(&t, &format!("{tid} ({tlayer})"))),
        );
        return;
    }
    let tstatus = t.spec.effective_status();
    if status != Some(Status::Deprecated) && tstatus == Some(Status::Deprecated) {
        out.push(
            Finding::new(
                code::REF_DEPRECATED_TARGET,
                link.range.clone(),
                format!("{tid} is deprecated; an active spec should not build on it"),
            )
            .with_related(status_related(&t, &format!("{tid} is deprecated here"))),
        );
    }
    if status.is_some_and(Status::claims_done)
        && tlayer < layer
        && matches!(tstatus, Some(Status::Draft | Status::Failed))
    {
        let (s, ts) = (status.unwrap_or(Status::Draft), tstatus.unwrap_or(Status::Draft));
        out.push(
            Finding::new(
                code::LIFECYCLE_AHEAD_OF_UPSTREAM,
                link.range.clone(),
                format!("this spec is `{s}` but {tid}, which it builds on, is `{ts}`"),
            )
            .with_related(status_related(&t, &format!("{tid} is {ts}"))),
        );
    }
}

fn duplicate_id(spec: &Spec, ws: &Workspace, out: &mut Vec<Finding>) {
    let Some(id) = spec.id() else { return };
    let others: Vec<_> = ws.by_id(id).into_iter().filter(|e| e.spec.path != spec.path).collect();
    if others.is_empty() {
        return;
    }
    let Some(range) = spec.doc.frontmatter.as_ref().and_then(|f| f.get("id")).map(|e| e.value_range.clone()) else {
        return;
    };
    let mut f = Finding::new(
        code::SPEC_DUPLICATE_ID,
        range,
        format!("spec ID {id} is also used by {} other file(s); IDs are unique and never reused", others.len()),
    );
    for o in others.iter().take(5) {
        f = f.with_related(id_related(o, &format!("{id} also defined here")));
    }
    out.push(f);
}

/// Mentions that other checks own or that are not prose: Coverage Map
/// requirement cells (coverage/unknown-id) and the lines of an unterminated
/// frontmatter up to the first blank line.
fn skipped_mention_ranges(spec: &Spec) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = super::coverage::requirement_cells(spec).into_iter().map(|(_, r)| r).collect();
    if let Some(fm) = spec.doc.frontmatter.as_ref().filter(|f| !f.terminated)
        && let Some(first) = spec.doc.sections.first()
    {
        // The unterminated YAML runs to the first blank line.
        let end = first.section.headings.first().map_or(first.range().end, |h| h.range.start + first.start);
        out.push(fm.range.end..end);
    }
    out
}

pub(super) fn unknown_id(id: &str, range: Range<usize>, suggester: &mut Suggester, ws: &Workspace) -> Finding {
    let mut f = Finding::new(code::REF_UNKNOWN_ID, range, format!("{id} is not defined by any spec or criterion"));
    if let Some(s) = suggester.suggest(id, ws) {
        f.message.push_str(&format!("; did you mean {s}?"));
        f = f.with_suggestion(s);
    }
    f
}

/// Did-you-mean over all defined IDs, loaded once per check run.
#[derive(Default)]
pub(super) struct Suggester {
    ids: Option<Vec<String>>,
    /// A spec naming the same unknown ID many times asks once.
    seen: std::collections::HashMap<String, Option<String>>,
}

impl Suggester {
    pub(super) fn suggest(&mut self, id: &str, ws: &Workspace) -> Option<String> {
        if let Some(s) = self.seen.get(id) {
            return s.clone();
        }
        let ids = self.ids.get_or_insert_with(|| ws.all_ids());
        let max = (id.len() / 5).clamp(1, 3);
        // Only IDs of about the same length can be that close.
        let found = ids
            .iter()
            .filter(|c| c.len().abs_diff(id.len()) <= max)
            .map(|c| (ids::edit_distance(id, c), c))
            .filter(|(d, _)| *d <= max)
            .min_by_key(|(d, _)| *d)
            .map(|(_, c)| c.clone());
        self.seen.insert(id.to_owned(), found.clone());
        found
    }
}

fn is_criterion_of(label: &str, spec_id: &str) -> bool {
    ids::criterion_parts(label).is_some_and(|(s, _)| s == spec_id)
}

fn id_related(e: &FileEntry, message: &str) -> Related {
    let range = e.spec.doc.frontmatter.as_ref().and_then(|f| f.get("id")).map_or(0..0, |v| v.value_range.clone());
    Related { path: e.spec.path.clone(), range, message: message.to_owned() }
}

fn status_related(e: &FileEntry, message: &str) -> Related {
    let range = e.spec.doc.frontmatter.as_ref().and_then(|f| f.get("status")).map_or(0..0, |v| v.value_range.clone());
    Related { path: e.spec.path.clone(), range, message: message.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn orphans(path: &str, body: &str) -> Vec<(String, String)> {
        let text = format!("---\nid: X\nstatus: draft\ncreated: 2025-01-01\n---\n# Title\n\n{body}");
        let spec = Spec::new(path.into(), None, crate::parse::parse(text.as_str()));
        let mut out = Vec::new();
        orphan_foundation(&spec, &SourceText::Str(Arc::from(text.as_str())), &mut out);
        out.into_iter().map(|f| (text[f.range].to_owned(), f.message)).collect()
    }

    #[test]
    fn orphan_foundation_needs_an_upstream_reference_or_a_justification() {
        let fl = "specs/functional/editing.md";
        let st = "specs/stack/base.md";
        // Only a same-layer Foundation Reference: orphaned, at the heading.
        let only_foundation = "## References\n\n### Foundation Reference\n- [FUN-NOTES](../functional/notes.md) — base\n\n## Scope\n- [BUS-X](../business/x.md) outside References does not count\n";
        let got = orphans(fl, only_foundation);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "## References");
        assert!(got[0].1.contains("links only to same-layer specs") && got[0].1.contains("(Business)"), "{}", got[0].1);
        // Nothing at all under the heading.
        let got = orphans(st, "## References\n\n### Implements\n\n## Scope\n");
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("names no spec") && got[0].1.contains("Business, Functional"), "{}", got[0].1);
        // The marker without a real justification (template text) is not enough.
        let template = "## References\n\n### Enables\n<!-- ⚠️ FOUNDATION WITHOUT MAPPING -->\n**Justification:** [Why this foundation is needed before Business specs exist]\n";
        assert_eq!(orphans(st, template).len(), 1);
        // A justification without the marker is not enough either.
        assert_eq!(orphans(st, "## References\n\n**Justification:** shared base\n").len(), 1);

        // Upstream links (by label or by target), an upstream ID named in prose,
        // or a justified marker: fine.
        let fine = [
            "## References\n\n### Foundation Reference\n- [FUN-NOTES](../functional/notes.md)\n\n### Implements\n- [BUS-CAPTURE](../business/uc1.md) — why\n",
            "## References\n\n### Implements\n- [the capture use case](../business/uc1.md)\n",
            "## References\n\nImplements BUS-CAPTURE (no link yet).\n",
            "## References\n\n### Enables\n<!-- ⚠️ FOUNDATION WITHOUT MAPPING -->\n**Justification:** the editor core is needed before any use case exists\n",
            "## References\n\n### Enables\n<!-- foundation without mapping -->\n**Justification**: shared base for the coming use cases\n",
        ];
        for body in fine {
            assert!(orphans(fl, body).is_empty(), "{body}");
        }
        // Same-layer or downstream links only in a Stack spec: orphaned.
        assert_eq!(orphans(st, "## References\n\n- [STK-A](a.md)\n- [INF-B](../infrastructure/b.md)\n").len(), 1);
        // Business specs, specs without References (ref/missing-references)
        // and deprecated specs are not checked.
        assert!(orphans("specs/business/uc1.md", "## References\n").is_empty());
        assert!(orphans(st, "## Scope\n").is_empty());
        let deprecated = "## References\n".to_owned();
        let text = format!("---\nid: X\nstatus: deprecated\ncreated: 2025-01-01\n---\n# T\n\n{deprecated}");
        let spec = Spec::new(st.into(), None, crate::parse::parse(text.as_str()));
        let mut out = Vec::new();
        orphan_foundation(&spec, &SourceText::Str(Arc::from(text.as_str())), &mut out);
        assert!(out.is_empty());
    }
}
