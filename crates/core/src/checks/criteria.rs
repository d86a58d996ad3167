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
        if earlier_here || ws.criterion_defined_outside(&c.id, &spec.path) {
            let others: Vec<_> = ws
                .criterion_definitions(&c.id)
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
