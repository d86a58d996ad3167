use super::{Finding, Related, code};
use crate::ids;
use crate::model::Spec;
use crate::parse::CriterionState;
use crate::workspace::Workspace;

/// What the spec says of its own criteria: the section, open, failed and
/// misnamed criteria (depends on this file alone).
pub fn check_local(spec: &Spec, out: &mut Vec<Finding>) {
    let has_section =
        spec.doc.has_heading(|h| h.level <= 2 && h.text.to_ascii_lowercase().starts_with("acceptance criteria"));
    if !has_section {
        let range = spec.doc.title().map_or(0..0, |h| h.range);
        out.push(Finding::new(code::CRITERIA_MISSING_SECTION, range, "spec has no `## Acceptance Criteria` section"));
    }
    // A broken spec counts as a draft, as the smaqit CLI treats it.
    let status = spec.effective_status();
    let spec_id = if spec.broken().is_some() { None } else { spec.id() };
    for c in spec.criteria() {
        match c.state {
            CriterionState::Open if !c.untestable => match status {
                Some(s) if s.claims_done() => out.push(Finding::new(
                    code::CRITERIA_OPEN_IN_DONE_SPEC,
                    c.id_range.clone(),
                    format!("criterion {} is not satisfied, but the spec's status is `{s}`", c.id),
                )),
                Some(crate::model::Status::Draft) => out.push(Finding::new(
                    code::CRITERIA_OPEN,
                    c.id_range.clone(),
                    format!("criterion {} is open", c.id),
                )),
                _ => {}
            },
            CriterionState::Failed => {
                let note = c.note.as_deref().map_or(String::new(), |n| format!(": {n}"));
                out.push(Finding::new(
                    code::CRITERIA_FAILED,
                    c.id_range.clone(),
                    format!("criterion {} is marked failed{note}", c.id),
                ));
            }
            _ => {}
        }
        if let (Some(spec_id), Some((owner, _))) = (spec_id, ids::criterion_parts(&c.id))
            && owner != spec_id
        {
            out.push(Finding::new(
                code::CRITERIA_ID_MISMATCH,
                c.id_range.clone(),
                format!("criterion {} does not belong to spec {spec_id} (expected {spec_id}-NNN)", c.id),
            ));
        }
    }
}

/// Criterion IDs defined twice, in this file or anywhere in the workspace.
pub fn duplicates(spec: &Spec, ws: &Workspace, out: &mut Vec<Finding>) {
    // Collected once: each `criteria()` call walks every section.
    let all: Vec<_> = spec.criteria().collect();
    for (i, c) in all.iter().enumerate() {
        // Within one file, report every copy but the first.
        let earlier_here = all[..i].iter().any(|o| o.id == c.id);
        // Most IDs are defined once: ask the index before copying anything.
        if earlier_here || ws.criterion_defined_outside(spec.root.as_deref(), &c.id, &spec.path) {
            let others: Vec<_> = ws
                .criterion_definitions(spec.root.as_deref(), &c.id)
                .into_iter()
                .filter(|(p, r)| !(p == &spec.path && *r == c.id_range))
                .collect();
            let mut f = Finding::new(
                code::CRITERIA_DUPLICATE_ID,
                c.id_range.clone(),
                format!("criterion ID {} is defined more than once; IDs are never reused", c.id),
            );
            for (p, r) in others.into_iter().take(5) {
                f = f.with_related(Related { path: p, range: r, message: format!("{} also defined here", c.id) });
            }
            out.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture;

    #[test]
    fn marks_duplicates_and_owners() {
        fixture::check_families(
            &["criteria"],
            r#"
//- specs/functional/editing.md
---
id: FUN-EDITING
status: implemented
created: 2025-01-01
implemented: 2025-02-01T10:00:00Z
---
# FUN-EDITING: Editing notes

## References
- [BUS-NOTES](../business/notes.md) — why

## Acceptance Criteria
- [x] FUN-EDITING-001: A note can be edited
- [ ] FUN-EDITING-002: Edits are saved within a second
      ^^^^^^^^^^^^^^^ error criteria/duplicate-id: criterion ID FUN-EDITING-002 is defined more than once; IDs are never reused
      ^^^^^^^^^^^^^^^ warning criteria/open-in-done-spec: criterion FUN-EDITING-002 is not satisfied, but the spec's status is `implemented`
- [!] FUN-EDITING-003: Works offline — FAILED: sync conflict on reconnect
      ^^^^^^^^^^^^^^^ warning criteria/failed: criterion FUN-EDITING-003 is marked failed: FAILED: sync conflict on reconnect
- [ ] FUN-EDITING-004: Feels fast *(untestable)*
- [x] FUN-OTHER-001: Belongs elsewhere
      ^^^^^^^^^^^^^ warning criteria/id-mismatch: criterion FUN-OTHER-001 does not belong to spec FUN-EDITING (expected FUN-EDITING-NNN)
- [x] FUN-EDITING-001: Defined twice here
      ^^^^^^^^^^^^^^^ error criteria/duplicate-id: criterion ID FUN-EDITING-001 is defined more than once; IDs are never reused
//- specs/business/notes.md
---
id: BUS-NOTES
status: draft
created: 2025-01-01
---
# UC1-NOTES: Notes

## Acceptance Criteria
- [ ] BUS-NOTES-001: People keep notes
      ^^^^^^^^^^^^^ hint criteria/open: criterion BUS-NOTES-001 is open
- [x] BUS-NOTES-002: Notes are private
//- specs/business/draft-no-criteria.md
---
id: BUS-EMPTY
status: draft
created: 2025-01-01
---
# UC2-EMPTY: Nothing yet
^^^^^^^^^^^^^^^^^^^^^^^^ warning criteria/missing-section: spec has no `## Acceptance Criteria` section
//- specs/stack/dup.md
---
id: STK-DUP
status: draft
created: 2025-01-01
---
# STK-DUP: Duplicates another file's criterion

## References
- [FUN-EDITING](../functional/editing.md)

## Acceptance Criteria
- [ ] FUN-EDITING-002: Copied from the functional spec
      ^^^^^^^^^^^^^^^ error criteria/duplicate-id: criterion ID FUN-EDITING-002 is defined more than once; IDs are never reused
      ^^^^^^^^^^^^^^^ hint criteria/open: criterion FUN-EDITING-002 is open
      ^^^^^^^^^^^^^^^ warning criteria/id-mismatch: criterion FUN-EDITING-002 does not belong to spec STK-DUP (expected STK-DUP-NNN)
"#,
        );
    }
}
