//! Coverage (spec-format §2, §6–§7): a Coverage spec must map every
//! testable criterion of the four upstream layers; its map may only name
//! IDs that exist; its test cases are tracked as its own criteria; its
//! summary must agree with the map. Coverage is written in the Validate
//! phase: before a project has any Coverage spec, its unmapped criteria are
//! expected, and said once for the project, not as a warning on each.

use std::collections::BTreeSet;

use super::suggest::Suggester;
use super::{Finding, Related, code};
use crate::model::{Layer, Spec, Status};
use crate::workspace::{Workspace, coverage_duty};

/// How many IDs a message lists before `and N more`; the rest go to the
/// finding's related information.
const LISTED: usize = 8;

pub(super) fn check(spec: &Spec, ws: &Workspace, suggester: &mut Suggester, out: &mut Vec<Finding>) {
    match spec.layer {
        Some(Layer::Coverage) => {
            unknown_requirements(spec, ws, suggester, out);
            untracked_test_cases(spec, out);
            summary(spec, ws, out);
            gap_summary(spec, ws, out);
        }
        Some(_) if coverage_duty(spec).is_some() => {
            if ws.coverage_specs(spec.root.as_deref()) == 0 {
                not_started(spec, ws, out);
            } else {
                gaps_at_criteria(spec, ws, out);
            }
        }
        _ => {}
    }
}

/// Whether some Coverage spec of the project names `id` (a map row, a
/// Gherkin `Maps to`, an untestable entry, prose).
fn is_mapped(root: Option<&std::path::Path>, id: &str, ws: &Workspace) -> bool {
    ws.referrers(root, id).iter().any(|p| crate::model::layer_of_path(p) == Some(Layer::Coverage))
}

/// Once the Validate phase has begun: each testable criterion no Coverage
/// spec maps, in specs whose work is done (a draft's criteria are mapped
/// when it gets that far).
fn gaps_at_criteria(spec: &Spec, ws: &Workspace, out: &mut Vec<Finding>) {
    if !spec.effective_status().is_some_and(Status::claims_done) {
        return;
    }
    let root = spec.root.as_deref();
    for c in spec.criteria().filter(|c| !c.untestable) {
        if !is_mapped(root, &c.id, ws) {
            out.push(Finding::new(
                code::COVERAGE_GAP,
                c.id_range,
                format!(
                    "testable criterion {} is not mapped by any Coverage spec (no map row, Gherkin `Maps to` or untestable entry names it)",
                    c.id
                ),
            ));
        }
    }
}

/// Before the Validate phase: one note for the whole project, on its
/// first spec with testable criteria.
fn not_started(spec: &Spec, ws: &Workspace, out: &mut Vec<Finding>) {
    let root = spec.root.as_deref();
    if ws.first_coverage_duties(root, 1).first() != Some(&spec.path) {
        return;
    }
    let duties = ws.coverage_duties(root);
    let criteria: usize = duties.iter().map(|(_, n)| n).sum();
    let range = criteria_heading(spec).unwrap_or_else(|| spec.doc.title().map_or(0..0, |h| h.range));
    out.push(Finding::new(
        code::COVERAGE_NOT_STARTED,
        range,
        format!(
            "the project has no Coverage spec yet: its {} (in {}) are mapped in the Validate phase; once a Coverage spec exists, each unmapped one is a warning",
            plural(criteria, "testable criterion", "testable criteria"),
            plural(duties.len(), "spec", "specs")
        ),
    ));
}

fn criteria_heading(spec: &Spec) -> Option<std::ops::Range<usize>> {
    spec.doc
        .headings()
        .find(|h| h.level <= 2 && h.text.to_ascii_lowercase().starts_with("acceptance criteria"))
        .map(|h| h.range)
}

fn unknown_requirements(spec: &Spec, ws: &Workspace, suggester: &mut Suggester, out: &mut Vec<Finding>) {
    for (id, range) in spec.requirement_cells() {
        if ws.is_defined(spec.root.as_deref(), &id) {
            continue;
        }
        let mut f = Finding::new(
            code::COVERAGE_UNKNOWN_ID,
            range,
            format!("the Coverage Map names {id}, which no upstream spec defines"),
        );
        if let Some(s) = suggester.suggest(spec.root.as_deref(), &id, ws) {
            f.message.push_str(&format!("; did you mean {s}?"));
            f = f.with_suggestion(s);
        }
        out.push(f);
    }
}

/// A test case the map or a Gherkin block defines but no acceptance
/// criterion tracks: the Validate phase has nowhere to record its result.
/// One finding per test case, where the spec first names it.
fn untracked_test_cases(spec: &Spec, out: &mut Vec<Finding>) {
    let criteria: BTreeSet<String> = spec.criteria().map(|c| c.id).collect();
    if criteria.is_empty() {
        // No criteria at all is criteria/missing-section's finding.
        return;
    }
    for t in spec.test_cases().into_iter().filter(|t| !criteria.contains(&t.id)) {
        let maps = if t.maps.is_empty() { String::new() } else { format!(" (mapping {})", t.maps.join(", ")) };
        out.push(Finding::new(
            code::COVERAGE_UNTRACKED_TEST_CASE,
            t.range,
            format!(
                "test case {}{maps} is no acceptance criterion of this spec: add `- [ ] {}: …` (or a range line) so Validate can record its result",
                t.id, t.id
            ),
        ));
    }
}

/// Upstream specs this coverage spec references, by layer.
fn referenced_specs(spec: &Spec, ws: &Workspace, layer: Layer) -> Vec<std::sync::Arc<crate::workspace::FileEntry>> {
    let mut seen = BTreeSet::new();
    spec.doc
        .links()
        .filter_map(|l| ws.by_id(spec.root.as_deref(), &l.label).into_iter().next())
        .filter(|e| e.spec.layer == Some(layer) && seen.insert(e.spec.path.clone()))
        .collect()
}

/// A Coverage Summary row per layer: `Total Requirements` counts every
/// criterion of the referenced specs of that layer (untestable ones
/// included, as smaqit's formula `mapped / (total − untestable)` reads it, or
/// without them, as many real specs count),
/// `Mapped` the distinct existing IDs of that layer the map names.
fn summary(spec: &Spec, ws: &Workspace, out: &mut Vec<Finding>) {
    let map: BTreeSet<String> = spec
        .requirement_cells()
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| ws.is_defined(spec.root.as_deref(), id))
        .collect();
    for t in
        spec.doc.tables().filter(|t| t.under.as_deref().is_some_and(|u| u.eq_ignore_ascii_case("Coverage Summary")))
    {
        let (Some(lc), Some(tc), Some(mc)) =
            (t.column("Layer"), col_starting(&t.header, "total"), col_starting(&t.header, "mapped"))
        else {
            continue;
        };
        let uc = col_starting(&t.header, "untestable");
        for row in &t.rows {
            let Some(layer) = row
                .get(lc)
                .and_then(|c| Layer::ALL.into_iter().find(|l| l.title().eq_ignore_ascii_case(c.text.trim())))
            else {
                continue;
            };
            let specs = referenced_specs(spec, ws, layer);
            let (mut total, mut untestable) = (0, 0);
            for e in &specs {
                for c in e.spec.criteria() {
                    total += 1;
                    untestable += usize::from(c.untestable);
                }
            }
            let mapped = map.iter().filter(|id| Layer::of_id(id) == Some(layer)).count();
            let num = |i: usize| row.get(i).and_then(|c| c.text.trim().trim_matches('*').parse::<usize>().ok());
            let mut wrong = Vec::new();
            // Real specs count the total both with and without the
            // untestable criteria: either reading is right.
            if num(tc).is_some_and(|n| n != total && n != total - untestable) {
                wrong.push(if untestable > 0 {
                    format!("total {total} ({} without the untestable)", total - untestable)
                } else {
                    format!("total {total}")
                });
            }
            if num(mc).is_some_and(|n| n != mapped) {
                wrong.push(format!("mapped {mapped}"));
            }
            if let Some(uc) = uc
                && num(uc).is_some_and(|n| n != untestable)
            {
                wrong.push(format!("untestable {untestable}"));
            }
            if wrong.is_empty() {
                continue;
            }
            let start = row.first().map_or(t.range.start, |c| c.range.start);
            let end = row.last().map_or(t.range.end, |c| c.range.end);
            let mut f = Finding::new(
                code::COVERAGE_SUMMARY_MISMATCH,
                start..end,
                format!(
                    "the {layer} summary disagrees with the map and the referenced specs: expected {}",
                    wrong.join(", ")
                ),
            );
            for e in specs.iter().take(3) {
                let range = e.spec.doc.title().map_or(0..0, |h| h.range);
                f = f.with_related(Related { path: e.spec.path.clone(), range, message: "counted from here".into() });
            }
            out.push(f);
        }
    }
}

fn col_starting(header: &[crate::parse::Cell], prefix: &str) -> Option<usize> {
    header.iter().position(|c| c.text.trim().to_ascii_lowercase().starts_with(prefix))
}

/// One finding on the coverage spec listing the unmapped testable criteria
/// of the upstream specs it references (a few in the message, each in the
/// related information).
fn gap_summary(spec: &Spec, ws: &Workspace, out: &mut Vec<Finding>) {
    let mut gaps: Vec<(String, std::path::PathBuf, std::ops::Range<usize>)> = Vec::new();
    for layer in [Layer::Business, Layer::Functional, Layer::Stack, Layer::Infrastructure] {
        for e in referenced_specs(spec, ws, layer) {
            if !e.spec.effective_status().is_some_and(Status::claims_done) {
                continue;
            }
            for c in e.spec.criteria().filter(|c| !c.untestable && !is_mapped(spec.root.as_deref(), &c.id, ws)) {
                gaps.push((c.id, e.spec.path.clone(), c.id_range));
            }
        }
    }
    if gaps.is_empty() {
        return;
    }
    let range = spec.doc.title().map_or(0..0, |h| h.range);
    let mut f = Finding::new(
        code::COVERAGE_GAP_SUMMARY,
        range,
        format!(
            "{} of the referenced specs {} not mapped: {}",
            plural(gaps.len(), "testable criterion", "testable criteria"),
            if gaps.len() == 1 { "is" } else { "are" },
            listed(gaps.iter().map(|(id, ..)| id.as_str()))
        ),
    );
    for (id, path, range) in gaps.iter().take(100) {
        f = f.with_related(Related {
            path: path.clone(),
            range: range.clone(),
            message: format!("{id} is not mapped"),
        });
    }
    out.push(f);
}

/// `1 spec`, `2 specs`.
pub(super) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `A, B, C` — or the first few and `and N more`.
pub(super) fn listed<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> String {
    let n = ids.len();
    let shown: Vec<&str> = ids.take(LISTED).collect();
    if n > LISTED { format!("{} and {} more", shown.join(", "), n - LISTED) } else { shown.join(", ") }
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture;

    #[test]
    fn validate_phase_maps_four_layers_tracks_test_cases_and_counts_summaries() {
        fixture::check_families(
            &["coverage", "ref"],
            r#"
//- specs/business/find.md
---
id: BUS-FIND
status: deployed
created: 2025-01-01
deployed: 2025-03-01T00:00:00Z
---
# UC1-FIND: Find things
## Acceptance Criteria
- [x] BUS-FIND-001: People find what they look for
- [x] BUS-FIND-002: People trust what they find
      ^^^^^^^^^^^^ warning coverage/gap: testable criterion BUS-FIND-002 is not mapped by any Coverage spec (no map row, Gherkin `Maps to` or untestable entry names it)
- [!] BUS-FIND-003: Finding feels effortless *(untestable)*
//- specs/functional/search.md
---
id: FUN-SEARCH
status: implemented
created: 2025-01-01
implemented: 2025-02-01T00:00:00Z
---
# FUN-SEARCH: Search

## References
- [BUS-FIND](../business/find.md)

## Acceptance Criteria
- [x] FUN-SEARCH-001 through FUN-SEARCH-003: Results appear as you type
- [x] FUN-SEARCH-004: Typos are forgiven
      ^^^^^^^^^^^^^^ warning coverage/gap: testable criterion FUN-SEARCH-004 is not mapped by any Coverage spec (no map row, Gherkin `Maps to` or untestable entry names it)
- [x] FUN-SEARCH-005: Results feel relevant *(untestable)*
//- specs/functional/later.md
---
id: FUN-LATER
status: draft
created: 2025-01-01
---
# FUN-LATER: Not built yet

## References
- [BUS-FIND](../business/find.md)

## Acceptance Criteria
- [ ] FUN-LATER-001: Mapped when it is built
//- specs/stack/app.md
---
id: STK-APP
status: implemented
created: 2025-01-01
implemented: 2025-02-01T00:00:00Z
---
# STK-APP: App

## References
- [FUN-SEARCH](../functional/search.md)

## Acceptance Criteria
- [x] STK-APP-001: Builds reproducibly
      ^^^^^^^^^^^ warning coverage/gap: testable criterion STK-APP-001 is not mapped by any Coverage spec (no map row, Gherkin `Maps to` or untestable entry names it)
//- specs/coverage/search.md
---
id: COV-SEARCH
status: draft
created: 2025-01-01
---
# COV-SEARCH: Search coverage
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ info coverage/gap-summary: 2 testable criteria of the referenced specs are not mapped: BUS-FIND-002, FUN-SEARCH-004

## References

### Business
- [BUS-FIND](../business/find.md)

### Functional
- [FUN-SEARCH](../functional/search.md)

## Coverage Map

| Requirement ID | Source Spec | Test Case ID | Expected Outcome |
|---|---|---|---|
| FUN-SEARCH-001 | functional/search.md | COV-SEARCH-001 | results within 100 ms |
| FUN-SEARCH-002 | functional/search.md | COV-SEARCH-002 | results update |
| FUN-SEARCH-009 | functional/search.md | COV-SEARCH-003 | nothing |
  ^^^^^^^^^^^^^^ warning coverage/unknown-id: the Coverage Map names FUN-SEARCH-009, which no upstream spec defines; did you mean FUN-SEARCH-001?
| BUS-FIND-001 | business/find.md | COV-SEARCH-004 | found |
                                    ^^^^^^^^^^^^^^ warning coverage/untracked-test-case: test case COV-SEARCH-004 (mapping BUS-FIND-001) is no acceptance criterion of this spec: add `- [ ] COV-SEARCH-004: …` (or a range line) so Validate can record its result

```gherkin
# COV-SEARCH-001: Maps to FUN-SEARCH-001
Feature: Search as you type
# COV-SEARCH-005: Maps to FUN-SEARCH-003
  ^^^^^^^^^^^^^^ warning coverage/untracked-test-case: test case COV-SEARCH-005 (mapping FUN-SEARCH-003) is no acceptance criterion of this spec: add `- [ ] COV-SEARCH-005: …` (or a range line) so Validate can record its result
Feature: Relevant first
```

## Untestable Criteria
- [!] COV-SEARCH-009: Relevance is judged by people (FUN-SEARCH-005) *(untestable)*

## Coverage Summary

| Layer | Total Requirements | Mapped to Tests | Untestable | Coverage % |
|---|---|---|---|---|
| Business | 3 | 1 | 1 | 50% |
| Functional | 5 | 3 | 1 | 100% |
 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning coverage/summary-mismatch: the Functional summary disagrees with the map and the referenced specs: expected mapped 2

## Acceptance Criteria
- [ ] COV-SEARCH-001 through COV-SEARCH-003: The map's tests run
- [ ] COV-SEARCH-006: The suite runs on every push
"#,
        );
    }

    #[test]
    fn before_validate_one_note_for_the_project_and_no_gap_warnings() {
        fixture::check_families(
            &["coverage"],
            r#"
//- specs/business/find.md
---
id: BUS-FIND
status: implemented
created: 2025-01-01
implemented: 2025-02-01T00:00:00Z
---
# UC1-FIND: Find things
## Acceptance Criteria
^^^^^^^^^^^^^^^^^^^^^^ info coverage/not-started: the project has no Coverage spec yet: its 5 testable criteria (in 2 specs) are mapped in the Validate phase; once a Coverage spec exists, each unmapped one is a warning
- [x] BUS-FIND-001: People find what they look for
//- specs/functional/search.md
---
id: FUN-SEARCH
status: deployed
created: 2025-01-01
deployed: 2025-03-01T00:00:00Z
---
# FUN-SEARCH: Search

## References
- [BUS-FIND](../business/find.md)

## Acceptance Criteria
- [x] FUN-SEARCH-001 through 004: Results appear as you type
- [x] FUN-SEARCH-005: Results feel relevant *(untestable)*
"#,
        );
    }
}
