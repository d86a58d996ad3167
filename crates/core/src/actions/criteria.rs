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
