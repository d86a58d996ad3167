use super::{Finding, Related, code};
use crate::ids;
use crate::model::{Layer, Spec, Status};
use crate::parse::{Criterion, CriterionState};
use crate::workspace::Workspace;

/// What the spec says of its own criteria: the section, open, failed and
/// misnamed criteria (depends on this file alone). A range line
/// (`COV-X-001 through 040: …`) is one finding, as it is one line.
pub fn check_local(spec: &Spec, out: &mut Vec<Finding>) {
    let has_section =
        spec.doc.has_heading(|h| h.level <= 2 && h.text.to_ascii_lowercase().starts_with("acceptance criteria"));
    if !has_section {
        let range = spec.doc.title().map_or(0..0, |h| h.range);
        out.push(Finding::new(code::CRITERIA_MISSING_SECTION, range, "spec has no `## Acceptance Criteria` section"));
    }
    // A broken spec counts as a draft, as the smaqit CLI treats it.
    let status = spec.effective_status();
    let all: Vec<Criterion> = spec.criteria().collect();
    for line in lines(&all) {
        let c = line[0];
        let (what, range) = named(&line);
        match c.state {
            CriterionState::Open if !c.untestable => match status {
                Some(s) if must_be_ticked(spec, s) => out.push(Finding::new(
                    code::CRITERIA_OPEN_IN_DONE_SPEC,
                    range,
                    format!("{what} not satisfied, but the spec's status is `{s}`"),
                )),
                Some(Status::Draft) => out.push(Finding::new(code::CRITERIA_OPEN, range, format!("{what} open"))),
                _ => {}
            },
            CriterionState::Failed if !c.untestable && is_failure(c.note.as_deref()) => {
                let note = c.note.as_deref().map_or(String::new(), |n| format!(": {n}"));
                // In a failed spec the failures are why it failed, not news.
                let code = if status == Some(Status::Failed) {
                    code::CRITERIA_RECORDED_FAILURE
                } else {
                    code::CRITERIA_FAILED
                };
                out.push(Finding::new(code, range, format!("{what} marked failed{note}")));
            }
            _ => {}
        }
    }
    misnamed(spec, &all, out);
}

/// The criteria grouped by their line (a range line holds several).
fn lines(all: &[Criterion]) -> Vec<Vec<&Criterion>> {
    let mut out: Vec<Vec<&Criterion>> = Vec::new();
    for c in all {
        match out.last_mut() {
            Some(last) if last[0].range == c.range => last.push(c),
            _ => out.push(vec![c]),
        }
    }
    out
}

/// `criterion X is` or `criteria X through Y are`, and the range to mark.
fn named(line: &[&Criterion]) -> (String, std::ops::Range<usize>) {
    let (first, last) = (line[0], line[line.len() - 1]);
    if line.len() == 1 {
        (format!("criterion {} is", first.id), first.id_range.clone())
    } else {
        (format!("criteria {} through {} are", first.id, last.id), first.id_range.start..last.id_range.end)
    }
}

/// Whether an open criterion contradicts the status: Develop ticks
/// Business, Functional and Stack criteria, Validate ticks Coverage ones,
/// and Deploy ticks only the Infrastructure criteria it verifies — the
/// others are checked in Validate, so a deployed Infrastructure spec may
/// keep them open.
fn must_be_ticked(spec: &Spec, status: Status) -> bool {
    match spec.layer {
        Some(Layer::Infrastructure) => status == Status::Validated,
        Some(Layer::Coverage) => status == Status::Validated,
        _ => status.claims_done(),
    }
}

/// `[!]` means failed, untestable or deferred (spec-format §7): the note
/// says which. A superseded, deferred or descoped criterion did not fail.
fn is_failure(note: Option<&str>) -> bool {
    let Some(note) = note.map(str::to_ascii_lowercase) else { return true };
    if note.contains("fail") {
        return true;
    }
    const NOT_FAILED: [&str; 14] = [
        "supersed",
        "deferred",
        "postponed",
        "replaced",
        "moved to",
        "untestable",
        "not applicable",
        "n/a",
        "out of scope",
        "obsolete",
        "dropped",
        "withdrawn",
        "descoped",
        "won't",
    ];
    !NOT_FAILED.iter().any(|k| note.contains(k))
}

/// Criteria not numbered after their spec. When they all share one other
/// spec's prefix, the spec's own `id` is the likelier mistake: one finding
/// there, with the ID they point to.
fn misnamed(spec: &Spec, all: &[Criterion], out: &mut Vec<Finding>) {
    let Some(spec_id) = spec.id().filter(|_| spec.broken().is_none()) else { return };
    let foreign: Vec<(&Criterion, &str)> = all
        .iter()
        .filter_map(|c| ids::criterion_parts(&c.id).map(|(owner, _)| (c, owner)))
        .filter(|(_, owner)| *owner != spec_id)
        .collect();
    if foreign.is_empty() {
        return;
    }
    let owners: std::collections::BTreeSet<&str> = foreign.iter().map(|(_, o)| *o).collect();
    if foreign.len() == all.len() && all.len() >= 2 && owners.len() == 1 {
        let owner = owners.into_iter().next().unwrap_or_default();
        if let Some(range) = spec.doc.frontmatter.as_ref().and_then(|f| f.get("id")).map(|e| e.value_range.clone()) {
            out.push(
                Finding::new(
                    code::CRITERIA_ID_MISMATCH,
                    range,
                    format!(
                        "all {} criteria are numbered {owner}-NNN, but the spec's id is {spec_id}: is its id {owner}?",
                        all.len()
                    ),
                )
                .with_suggestion(owner),
            );
            return;
        }
    }
    for (c, _) in foreign {
        out.push(Finding::new(
            code::CRITERIA_ID_MISMATCH,
            c.id_range.clone(),
            format!("criterion {} does not belong to spec {spec_id} (expected {spec_id}-NNN)", c.id),
        ));
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
