//! Incremental re-parse must equal a full parse after every edit.

use proptest::prelude::*;

use super::{parse, reparse};
use crate::text::{Document, floor_char_boundary};

const FRAGMENTS: &[&str] = &[
    "---\n",
    "---\r\n",
    "id: FUN-X\n",
    "status: draft\n",
    "# Title\n",
    "## Acceptance Criteria\n",
    "## References\n",
    "### Implements\n",
    "- [ ] FUN-X-001: text 😀\n",
    "- [x] FUN-X-002: 保存 — note\n",
    "- [!] FUN-X-003: bad — FAILED: why\n",
    "- [!] FUN-X-004 through FUN-X-006: r\n",
    "- [x] FUN-X-007/008: two\n",
    "## Untestable Criteria\n",
    "- [BUS-A](../business/a.md) — n\n",
    "```\n",
    "````md\n",
    "~~~\n",
    "text FUN-Y-001 through 003\n",
    "| A | B |\n|---|---|\n| FUN-Z-001 | x |\n",
    "\r\n",
    "\n",
    "#",
    "`",
    "😀",
    "é",
    "[PLACEHOLDER]",
    "  ## indented\n",
    "plain words ",
];

fn fragment() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..4).prop_map(|v| v.concat())
}

fn initial() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn incremental_equals_full(text in initial(), edits in prop::collection::vec((0.0f64..=1.0, 0usize..40, fragment()), 1..25)) {
        let mut doc = Document::new(&text, 0);
        let mut parsed = parse(&doc.rope);
        prop_assert_eq!(&parsed, &parse(text.as_str()));
        for (at, del, ins) in edits {
            let s = doc.text();
            let start = floor_char_boundary(&s, (at * s.len() as f64) as usize);
            let end = floor_char_boundary(&s, start + del);
            let edit = doc.apply(start..end, &ins);
            parsed = reparse(parsed, &doc.rope, &edit);
            let full = parse(doc.text().as_str());
            prop_assert_eq!(&parsed, &full, "after replacing {:?} with {:?}", start..end, ins);
        }
    }
}

#[test]
fn edit_at_section_start_merges() {
    let mut doc = Document::new("# A\ntext\n## B\nmore\n", 0);
    let parsed = parse(&doc.rope);
    assert_eq!(parsed.sections.len(), 2);
    let edit = doc.apply(10..10, "x");
    let parsed = reparse(parsed, &doc.rope, &edit);
    assert_eq!(parsed, parse(doc.text().as_str()));
    assert_eq!(parsed.sections.len(), 1);
}

#[test]
fn opening_a_fence_swallows_later_sections() {
    let mut doc = Document::new("# A\n## B\n## C\n", 0);
    let parsed = parse(&doc.rope);
    let edit = doc.apply(4..4, "```\n");
    let parsed = reparse(parsed, &doc.rope, &edit);
    assert_eq!(parsed, parse(doc.text().as_str()));
    assert_eq!(parsed.sections.len(), 1);
}

#[test]
fn deleting_to_the_end_then_appending() {
    let text = "---\nid: FUN-PROBE\nstatus: draft\ncreated: 2025-01-01\n---\n# 😀\n## Acceptance Criteria\n- [ ] FUN-PROBE-001: x\n";
    let mut doc = Document::new(text, 0);
    let mut parsed = parse(&doc.rope);
    let at = text.find('😀').unwrap();
    for (range, ins) in [(at..at, "A"), (18..text.len() + 1, ""), (usize::MAX..usize::MAX, "tail\n")] {
        let edit = doc.apply(range, ins);
        parsed = reparse(parsed, &doc.rope, &edit);
        assert_eq!(parsed, parse(doc.text().as_str()));
    }
}

#[test]
fn a_range_line_defines_every_criterion_of_the_range_with_its_mark() {
    let text = "# T\n## Acceptance Criteria\n- [!] COV-X-001 through COV-X-004: tests run (3/4 passed) — FAILED: one timeout\n- [x] FUN-Y-007/008: two at once\n- [ ] FUN-Y-010 through 012 — short form\n- [x] FUN-Y-020: then FUN-Y-021 through 023 in prose\n## Untestable Criteria\n- [!] COV-X-009: readable copy (FUN-Y-005) *(untestable)*\n";
    let doc = parse(text);
    let c: Vec<(String, char, bool, bool)> =
        doc.criteria().map(|c| (c.id, c.state.mark(), c.in_range, c.untestable)).collect();
    let ids: Vec<&str> = c.iter().map(|(id, ..)| id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "COV-X-001",
            "COV-X-002",
            "COV-X-003",
            "COV-X-004",
            "FUN-Y-007",
            "FUN-Y-008",
            "FUN-Y-010",
            "FUN-Y-011",
            "FUN-Y-012",
            "FUN-Y-020",
            "COV-X-009"
        ]
    );
    assert!(c[..4].iter().all(|(_, m, r, _)| *m == '!' && *r));
    assert!(!c[9].2, "a range in the text is not a range line");
    assert!(c[10].3, "## Untestable Criteria holds untestable criteria");
    let all: Vec<_> = doc.criteria().collect();
    assert_eq!(all[1].note.as_deref(), Some("FAILED: one timeout"));
    assert_eq!(&text[all[3].id_range.clone()], "COV-X-004");
    // The range's IDs are definitions, not mentions; the prose range is.
    let mentions: Vec<String> = doc.mentions().map(|m| m.id).collect();
    assert_eq!(mentions, ["FUN-Y-021", "FUN-Y-022", "FUN-Y-023", "FUN-Y-005"]);
}
