use super::{Action, ActionKind, TextEdit};
use crate::model::Spec;
use crate::parse::{Criterion, CriterionState};

/// Actions on the criterion whose line holds `offset`.
pub fn criterion_actions(spec: &Spec, offset: usize) -> Vec<Action> {
    let Some(c) = spec.criteria().find(|c| c.range.start <= offset && offset <= c.range.end) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |title: String, edits: Vec<TextEdit>| {
        out.push(Action { title, kind: ActionKind::Refactor, edits, fixes: None, preferred: false })
    };
    if c.state != CriterionState::Satisfied {
        push(format!("Mark {} satisfied [x]", c.id), vec![mark(&c, 'x')]);
    }
    if c.state != CriterionState::Failed {
        let mut edits = vec![mark(&c, '!')];
        if c.note.is_none() {
            edits.push(TextEdit { range: c.range.end..c.range.end, new_text: " — FAILED: reason".into() });
        }
        push(format!("Mark {} failed [!]", c.id), edits);
    }
    if c.state != CriterionState::Open {
        push(format!("Reset {} to open [ ]", c.id), vec![mark(&c, ' ')]);
    }
    out
}

/// "Mark all open criteria satisfied" (untestable ones stay as they are).
pub fn mark_all_satisfied(spec: &Spec) -> Option<Action> {
    let edits: Vec<TextEdit> =
        spec.criteria().filter(|c| c.state == CriterionState::Open && !c.untestable).map(|c| mark(&c, 'x')).collect();
    (!edits.is_empty()).then(|| Action {
        title: format!("Mark all {} open criteria satisfied", edits.len()),
        kind: ActionKind::Source,
        edits,
        fixes: None,
        preferred: false,
    })
}

fn mark(c: &Criterion, m: char) -> TextEdit {
    TextEdit { range: c.mark_range.clone(), new_text: m.to_string() }
}

/// The next criterion ID of the spec: one past the highest number its own
/// criteria use, as wide as they write it (`FUN-X-007` after `FUN-X-006`).
pub fn next_criterion_id(spec: &Spec) -> Option<String> {
    let id = spec.id().filter(|_| spec.broken().is_none())?;
    let mut width = 3;
    let mut max = 0;
    for c in spec.criteria() {
        if let Some((owner, n)) = crate::ids::criterion_parts(&c.id)
            && owner == id
        {
            max = max.max(n);
            let digits = c.id[owner.len() + 1..].bytes().take_while(u8::is_ascii_digit).count();
            width = width.max(digits);
        }
    }
    Some(format!("{id}-{:0width$}", max + 1))
}

/// Whether `offset` is inside the spec's `## Acceptance Criteria` section.
pub fn in_criteria_section(spec: &Spec, offset: usize) -> bool {
    spec.doc.sections.iter().any(|s| {
        s.range().contains(&offset)
            && s.section.heading().is_some_and(|h| h.text.to_ascii_lowercase().starts_with("acceptance criteria"))
    })
}

/// "Add criterion FUN-X-007" in the Acceptance Criteria section: a new open
/// criterion after the last one.
pub fn add_criterion(spec: &Spec, offset: usize) -> Option<Action> {
    if !in_criteria_section(spec, offset) {
        return None;
    }
    let next = next_criterion_id(spec)?;
    let section = spec.doc.sections.iter().find(|s| s.range().contains(&offset))?;
    let at = spec
        .criteria()
        .filter(|c| section.range().contains(&c.range.start))
        .map(|c| c.range.end)
        .last()
        .or_else(|| section.section.heading().map(|h| section.start + h.range.end))?;
    Some(Action {
        title: format!("Add criterion {next}"),
        kind: ActionKind::Refactor,
        edits: vec![TextEdit { range: at..at, new_text: format!("\n- [ ] {next}: ") }],
        fixes: None,
        preferred: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::apply;
    use crate::parse::parse;

    #[test]
    fn ticks() {
        let t = "---\nid: FUN-A\n---\n## Acceptance Criteria\n- [ ] FUN-A-001: one\n- [x] FUN-A-002: two\n- [ ] FUN-A-003: u *(untestable)*\n";
        let s = Spec::new("/p/specs/functional/a.md".into(), None, parse(t));
        let at = t.find("FUN-A-001").unwrap();
        let acts = criterion_actions(&s, at);
        assert_eq!(acts.len(), 2);
        assert_eq!(apply(t, &acts[0].edits), t.replace("[ ] FUN-A-001", "[x] FUN-A-001"));
        assert_eq!(apply(t, &acts[1].edits), t.replace("[ ] FUN-A-001: one", "[!] FUN-A-001: one — FAILED: reason"));
        let all = mark_all_satisfied(&s).unwrap();
        assert_eq!(all.edits.len(), 1);
    }
}
