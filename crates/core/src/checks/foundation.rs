//! A spec's place in the graph (spec-format §2, §6): `ref/missing-references`
//! for a non-Business spec without `## References`, and
//! `ref/orphan-foundation` for a `## References` that names no upstream spec
//! and gives no justification. Both depend on the file alone.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::links::is_references;
use super::{Finding, code};
use crate::model::{Layer, Spec, Status};
use crate::paths::normalize;
use crate::text::SourceText;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixture;
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

    #[test]
    fn references_section_and_orphans() {
        fixture::check_families(
            &["ref"],
            r#"
//- specs/functional/no-refs.md
---
id: FUN-NOREFS
status: draft
created: 2025-01-01
---
# FUN-NOREFS: No References section
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning ref/missing-references: Functional spec has no `## References` section naming the upstream specs it builds on

## Scope
Nothing.
//- specs/stack/orphan.md
---
id: STK-ORPHAN
status: draft
created: 2025-01-01
---
# STK-ORPHAN: Only a same-layer foundation

## References
^^^^^^^^^^^^^ warning ref/orphan-foundation: orphaned foundation: `## References` links only to same-layer specs of an upstream layer (Business, Functional); reference what this Stack spec builds on, or add `<!-- ⚠️ FOUNDATION WITHOUT MAPPING -->` with a `**Justification:**`

### Foundation Reference
- [STK-BASE](base.md)
//- specs/stack/base.md
---
id: STK-BASE
status: draft
created: 2025-01-01
---
# STK-BASE: Justified foundation

## References

### Enables
<!-- ⚠️ FOUNDATION WITHOUT MAPPING -->
**Justification:** the shared runtime every feature needs before any use case exists
//- specs/business/uc1.md
---
id: BUS-ONE
status: draft
created: 2025-01-01
---
# UC1-ONE: Business specs need no References
"#,
        );
    }
}
