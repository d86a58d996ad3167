//! IDs (spec-format §3): `ref/unknown-id` for an ID that no spec or
//! criterion defines, named in prose or as a link label, and
//! `spec/duplicate-id` for two spec files sharing one ID.

use std::ops::Range;

use super::links::{Edge, Resolution, id_related};
use super::suggest::Suggester;
use super::{Finding, code};
use crate::model::Spec;
use crate::workspace::Workspace;

pub(super) fn check(spec: &Spec, edges: &[Edge], ws: &Workspace, suggester: &mut Suggester, out: &mut Vec<Finding>) {
    duplicate_id(spec, ws, out);
    for e in edges.iter().filter(|e| matches!(e.to, Resolution::UnknownLabel)) {
        out.push(unknown_id(spec, &e.link.label, e.link.label_range.clone(), suggester, ws));
    }
    // Bare mentions of IDs defined nowhere. Each section knows the distinct
    // IDs it names, so the index is asked once per ID, not per mention.
    let skip = skipped_mention_ranges(spec);
    // A 1 MB spec asks this map some 25,000 times per keystroke: foldhash,
    // not SipHash (the keys are IDs from the user's own file).
    let mut defined: foldhash::HashMap<&str, bool> = foldhash::HashMap::default();
    let is_defined = ws.defined_in(spec.root.as_deref());
    for s in &spec.doc.sections {
        let unknown: Vec<&str> = s
            .section
            .ids
            .iter()
            .map(String::as_str)
            // A spec ID its criteria are numbered after exists in all but
            // its `id` line, which criteria/id-mismatch reports.
            .filter(|id| {
                !*defined.entry(id).or_insert_with(|| is_defined(id) || ws.numbers_criteria(spec.root.as_deref(), id))
            })
            .collect();
        if unknown.is_empty() {
            continue;
        }
        for m in s.section.mentions.iter().filter(|m| unknown.contains(&m.id.as_str())) {
            let range = m.range.start + s.start..m.range.end + s.start;
            if !skip.iter().any(|r| r.start <= range.start && range.end <= r.end) {
                out.push(unknown_id(spec, &m.id, range, suggester, ws));
            }
        }
    }
}

fn duplicate_id(spec: &Spec, ws: &Workspace, out: &mut Vec<Finding>) {
    let Some(id) = spec.id() else { return };
    let others: Vec<_> = ws.by_id(spec.root.as_deref(), id).into_iter().filter(|e| e.spec.path != spec.path).collect();
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
    let mut out: Vec<Range<usize>> = spec.requirement_cells().into_iter().map(|(_, r)| r).collect();
    if let Some(fm) = spec.doc.frontmatter.as_ref().filter(|f| !f.terminated)
        && let Some(first) = spec.doc.sections.first()
    {
        // The unterminated YAML runs to the first blank line.
        let end = first.section.headings.first().map_or(first.range().end, |h| h.range.start + first.start);
        out.push(fm.range.end..end);
    }
    out
}

fn unknown_id(spec: &Spec, id: &str, range: Range<usize>, suggester: &mut Suggester, ws: &Workspace) -> Finding {
    let mut f = Finding::new(code::REF_UNKNOWN_ID, range, format!("{id} is not defined by any spec or criterion"));
    if let Some(s) = suggester.suggest(spec.root.as_deref(), id, ws) {
        f.message.push_str(&format!("; did you mean {s}?"));
        f = f.with_suggestion(s);
    }
    f
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture;

    #[test]
    fn unknown_and_duplicate_ids() {
        fixture::check_families(
            &["ref", "spec"],
            r#"
//- specs/business/uc1-capture.md
---
id: BUS-CAPTURE
    ^^^^^^^^^^^ error spec/duplicate-id: spec ID BUS-CAPTURE is also used by 1 other file(s); IDs are unique and never reused
status: draft
created: 2025-01-01
---
# UC1-CAPTURE: Capture
## Acceptance Criteria
- [ ] BUS-CAPTURE-001: x
- [ ] BUS-CAPTURE-002: y
//- specs/business/uc1-capture-copy.md
---
id: BUS-CAPTURE
    ^^^^^^^^^^^ error spec/duplicate-id: spec ID BUS-CAPTURE is also used by 1 other file(s); IDs are unique and never reused
status: draft
created: 2025-01-01
---
# UC1-CAPTURE: A copy that kept the ID
//- specs/functional/capture.md
---
id: FUN-CAPTURE
status: draft
created: 2025-01-01
---
# FUN-CAPTURE: Capture

## References
- [BUS-CAPTURE](../business/uc1-capture.md)
- [BUS-CAPTUER] (typo, no file)
   ^^^^^^^^^^^ warning ref/unknown-id: BUS-CAPTUER is not defined by any spec or criterion; did you mean BUS-CAPTURE?

Builds on BUS-CAPTURE-001 through 002 and BUS-CAPTURE-003, and BUS-CAPTRE.
                                          ^^^^^^^^^^^^^^^ warning ref/unknown-id: BUS-CAPTURE-003 is not defined by any spec or criterion; did you mean BUS-CAPTURE-001?
                                                               ^^^^^^^^^^ warning ref/unknown-id: BUS-CAPTRE is not defined by any spec or criterion; did you mean BUS-CAPTURE?

| Requirement | Note |
|---|---|
| FUN-NOWHERE-001 | a table cell |
  ^^^^^^^^^^^^^^^ warning ref/unknown-id: FUN-NOWHERE-001 is not defined by any spec or criterion
"#,
        );
    }
}

#[cfg(test)]
mod projects {
    use crate::checks::fixture;

    #[test]
    fn a_file_outside_any_project_gets_only_the_checks_that_need_none() {
        // No `.smaqit/` above: the IDs it names resolve nowhere, and that is
        // not a finding; a link to a missing file still is.
        fixture::check_families(
            &["ref", "spec", "coverage", "criteria"],
            r#"
//@ no-project
//- specs/functional/draft-idea.md
---
id: FUN-IDEA
status: draft
created: 2026-05-01
---
# FUN-IDEA: An idea

## References
- [BUS-SOMETHING](../business/something.md)
                  ^^^^^^^^^^^^^^^^^^^^^^^^ error ref/broken-target: link target `../business/something.md` does not exist

Builds on BUS-SOMETHING-001 through 003.

## Acceptance Criteria
- [ ] FUN-IDEA-001: it works
      ^^^^^^^^^^^^ hint criteria/open: …
"#,
        );
    }
}

#[cfg(test)]
mod two_projects {
    use crate::checks::fixture;

    #[test]
    fn two_projects_in_one_workspace_keep_their_ids_apart() {
        // payments and notify reuse BUS-CORE; each defines it once. An ID
        // that only the other project defines is unknown here.
        fixture::check_families(
            &["ref", "spec", "criteria"],
            r#"
//@ no-project
//- payments/.smaqit/
//- notify/.smaqit/
//- payments/specs/business/core.md
---
id: BUS-CORE
status: draft
created: 2025-01-01
---
# UC1-CORE: Payments
## Acceptance Criteria
- [x] BUS-CORE-001: Members pay online
//- notify/specs/business/core.md
---
id: BUS-CORE
status: draft
created: 2025-01-01
---
# UC1-CORE: Notify
## Acceptance Criteria
- [x] BUS-CORE-001: Members are told
- [x] BUS-CORE-002: Members choose channels
//- payments/specs/functional/api.md
---
id: FUN-API
status: draft
created: 2025-01-01
---
# FUN-API: API
## References
- [BUS-CORE](../business/core.md)

Builds on BUS-CORE-001 and BUS-CORE-002.
                           ^^^^^^^^^^^^ warning ref/unknown-id: BUS-CORE-002 is not defined by any spec or criterion; did you mean BUS-CORE-001?
## Acceptance Criteria
- [x] FUN-API-001: Create a payment
"#,
        );
    }
}
