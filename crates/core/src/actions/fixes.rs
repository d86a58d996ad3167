//! Quick fixes: the one table from a diagnostic code to the edit that fixes
//! it, for the fixes that need only the spec itself. A finding carries what
//! its fix needs (`Finding::suggestion`: the ID it probably meant, the file
//! its link probably meant, the label the target carries); the shells hand
//! the code, the finding's range and that suggestion back here. Hardcoded-
//! secret fixes, which touch other files, are in `secrets`.

use std::ops::Range;

use super::{Action, ActionKind, TextEdit, insert_timestamp, replace_status};
use crate::checks::code;
use crate::model::Spec;

/// The fixes for a finding of `code` at `range` of `spec`, given the
/// finding's suggestion; `now` stamps inserted timestamps.
pub fn fixes_for(spec: &Spec, code_id: &str, range: Range<usize>, suggestion: Option<&str>, now: &str) -> Vec<Action> {
    let mut out = Vec::new();
    let mut push = |title: String, edits: Vec<TextEdit>| {
        out.push(Action { title, kind: ActionKind::QuickFix, edits, fixes: Some(code_id.to_owned()), preferred: true })
    };
    let replace = |with: &str| vec![TextEdit { range: range.clone(), new_text: with.to_owned() }];
    let is = |c: crate::checks::Code| c.id == code_id;
    match suggestion {
        Some(s) if is(code::FRONTMATTER_UNKNOWN_STATUS) => {
            if let Some(edit) = replace_status(spec, s) {
                push(format!("Change status to `{s}`"), vec![edit]);
            }
        }
        Some(s) if is(code::REF_UNKNOWN_ID) || is(code::COVERAGE_UNKNOWN_ID) || is(code::SUPPRESS_UNKNOWN_CODE) => {
            push(format!("Change to `{s}`"), replace(s));
        }
        Some(s) if is(code::REF_BROKEN_TARGET) => push(format!("Link to `{s}`"), replace(s)),
        Some(s) if is(code::REF_LABEL_MISMATCH) => {
            push(format!("Change the label to `{s}`, the linked spec's ID"), replace(s))
        }
        Some(s) if is(code::CRITERIA_ID_MISMATCH) => push(format!("Change the spec's id to `{s}`"), replace(s)),
        _ if is(code::FRONTMATTER_MISSING_TIMESTAMP) => {
            if let Some(edit) = insert_timestamp(spec, now) {
                push("Insert the missing timestamp (now)".into(), vec![edit]);
            }
        }
        _ if is(code::CRITERIA_MISSING_SECTION) => {
            let id = spec.id().unwrap_or("ID");
            let text =
                format!("\n## Acceptance Criteria\n\nRequirements use format: `{id}-[NNN]`\n\n- [ ] {id}-001: \n");
            push(
                "Add an `## Acceptance Criteria` section".into(),
                vec![TextEdit { range: section_end(spec), new_text: text }],
            );
        }
        _ if is(code::REF_MISSING_REFERENCES) => {
            let at = spec.doc.title().map_or(spec.doc.body_start(), |h| h.range.end);
            let text = "\n\n## References\n\n### Implements\n\n- ".to_owned();
            push("Add a `## References` section".into(), vec![TextEdit { range: at..at, new_text: text }]);
        }
        _ => {}
    }
    out
}

/// Where a new last section goes: the end of the file.
fn section_end(spec: &Spec) -> Range<usize> {
    spec.doc.len..spec.doc.len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::{add_criterion, apply, next_criterion_id};
    use crate::parse::parse;

    fn spec(text: &str) -> Spec {
        Spec::new("/p/specs/functional/x.md".into(), None, parse(text))
    }

    fn fixed(text: &str, code: crate::checks::Code, at: &str, suggestion: Option<&str>) -> String {
        let s = spec(text);
        let i = text.find(at).unwrap();
        let actions = fixes_for(&s, code.id, i..i + at.len(), suggestion, "2026-01-01T00:00:00Z");
        assert_eq!(actions.len(), 1, "{actions:?}");
        apply(text, &actions[0].edits)
    }

    #[test]
    fn fixes_replace_what_the_finding_suggests_or_add_the_missing_section() {
        let text = "---\nid: FUN-X\nstatus: draft\n---\n# FUN-X: x\n\nSee FUN-XX-001 and [BUS-Y](../business/yy.md).\n";
        assert!(fixed(text, code::REF_UNKNOWN_ID, "FUN-XX-001", Some("FUN-X-001")).contains("See FUN-X-001 and"));
        assert!(
            fixed(text, code::REF_BROKEN_TARGET, "../business/yy.md", Some("../business/y.md"))
                .contains("(../business/y.md)")
        );
        assert!(fixed(text, code::REF_LABEL_MISMATCH, "BUS-Y", Some("BUS-Z")).contains("[BUS-Z](../business/yy.md)"));
        assert!(fixed(text, code::CRITERIA_ID_MISMATCH, "FUN-X\n", Some("FUN-Y\n")).starts_with("---\nid: FUN-Y\n"));
        let with_criteria = fixed(text, code::CRITERIA_MISSING_SECTION, "# FUN-X: x", None);
        assert!(
            with_criteria
                .ends_with("## Acceptance Criteria\n\nRequirements use format: `FUN-X-[NNN]`\n\n- [ ] FUN-X-001: \n")
        );
        let with_refs = fixed(text, code::REF_MISSING_REFERENCES, "# FUN-X: x", None);
        assert!(with_refs.contains("# FUN-X: x\n\n## References\n\n### Implements\n\n- \n"), "{with_refs}");
        // No suggestion, no guess.
        let s = spec(text);
        assert!(fixes_for(&s, code::REF_UNKNOWN_ID.id, 0..1, None, "").is_empty());
    }

    #[test]
    fn the_next_free_criterion_id_follows_the_highest_own_number() {
        let text = "---\nid: FUN-X\nstatus: draft\n---\n# T\n## Acceptance Criteria\n- [x] FUN-X-001 through FUN-X-006: a range\n- [ ] FUN-OTHER-099: not ours\n\n## Notes\n";
        let s = spec(text);
        assert_eq!(next_criterion_id(&s).as_deref(), Some("FUN-X-007"));
        let inside = text.find("not ours").unwrap();
        let a = add_criterion(&s, inside).unwrap();
        assert_eq!(a.title, "Add criterion FUN-X-007");
        assert!(apply(text, &a.edits).contains("not ours\n- [ ] FUN-X-007: \n\n## Notes"));
        assert!(add_criterion(&s, text.find("## Notes").unwrap() + 3).is_none(), "only in the criteria section");
    }
}
