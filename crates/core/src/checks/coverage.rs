//! Coverage: every testable Functional criterion must be mapped by a
//! Coverage spec; a Coverage Map may only name IDs that exist; a Coverage
//! Summary must agree with the map (spec-format §6–§7).

use std::collections::BTreeSet;

use super::suggest::Suggester;
use super::{Finding, Related, code};
use crate::model::{Layer, Spec};
use crate::workspace::Workspace;

pub(super) fn check(spec: &Spec, ws: &Workspace, suggester: &mut Suggester, out: &mut Vec<Finding>) {
    match spec.layer {
        Some(Layer::Functional) => gaps_at_criteria(spec, ws, out),
        Some(Layer::Coverage) => {
            unknown_requirements(spec, ws, suggester, out);
            summary(spec, ws, out);
            gap_summary(spec, ws, out);
        }
        _ => {}
    }
}

/// Whether some Coverage spec names `id` (map row, Gherkin `Maps to`, prose).
fn is_mapped(root: Option<&std::path::Path>, id: &str, ws: &Workspace) -> bool {
    ws.referrers(root, id).iter().any(|p| crate::model::layer_of_path(p) == Some(Layer::Coverage))
}

fn gaps_at_criteria(spec: &Spec, ws: &Workspace, out: &mut Vec<Finding>) {
    if spec.effective_status() == Some(crate::model::Status::Deprecated) {
        return;
    }
    for c in spec.criteria().filter(|c| !c.untestable) {
        if !is_mapped(spec.root.as_deref(), &c.id, ws) {
            out.push(Finding::new(
                code::COVERAGE_GAP,
                c.id_range,
                format!("testable criterion {} is not mapped by any Coverage spec", c.id),
            ));
        }
    }
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

/// Upstream specs this coverage spec references, by layer.
fn referenced_specs(spec: &Spec, ws: &Workspace, layer: Layer) -> Vec<std::sync::Arc<crate::workspace::FileEntry>> {
    let mut seen = BTreeSet::new();
    spec.doc
        .links()
        .filter_map(|l| ws.by_id(spec.root.as_deref(), &l.label).into_iter().next())
        .filter(|e| e.spec.layer == Some(layer) && seen.insert(e.spec.path.clone()))
        .collect()
}

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
                    if c.untestable {
                        untestable += 1;
                    } else {
                        total += 1;
                    }
                }
            }
            let mapped = map.iter().filter(|id| Layer::of_id(id) == Some(layer)).count();
            let num = |i: usize| row.get(i).and_then(|c| c.text.trim().parse::<usize>().ok());
            let mut wrong = Vec::new();
            if num(tc).is_some_and(|n| n != total) {
                wrong.push(format!("total {total}"));
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
/// of the Functional specs it references.
fn gap_summary(spec: &Spec, ws: &Workspace, out: &mut Vec<Finding>) {
    let mut gaps = Vec::new();
    for e in referenced_specs(spec, ws, Layer::Functional) {
        gaps.extend(
            e.spec.criteria().filter(|c| !c.untestable && !is_mapped(spec.root.as_deref(), &c.id, ws)).map(|c| c.id),
        );
    }
    if gaps.is_empty() {
        return;
    }
    let range = spec.doc.title().map_or(0..0, |h| h.range);
    out.push(Finding::new(
        code::COVERAGE_GAP_SUMMARY,
        range,
        format!(
            "{} testable criteria of the referenced Functional specs are not mapped: {}",
            gaps.len(),
            gaps.join(", ")
        ),
    ));
}

#[cfg(test)]
mod tests {
    use crate::checks::fixture;

    #[test]
    fn gaps_unknown_rows_and_summaries() {
        fixture::check_families(
            &["coverage"],
            r#"
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
- [x] FUN-SEARCH-001: Results appear as you type
- [x] FUN-SEARCH-002: Typos are forgiven
      ^^^^^^^^^^^^^^ warning coverage/gap: testable criterion FUN-SEARCH-002 is not mapped by any Coverage spec
- [x] FUN-SEARCH-003: Results feel relevant *(untestable)*
//- specs/business/find.md
---
id: BUS-FIND
status: implemented
created: 2025-01-01
implemented: 2025-02-01T00:00:00Z
---
# UC1-FIND: Find things
## Acceptance Criteria
- [x] BUS-FIND-001: People find what they look for
//- specs/coverage/search.md
---
id: COV-SEARCH
status: draft
created: 2025-01-01
---
# COV-SEARCH: Search coverage
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ info coverage/gap-summary: 1 testable criteria of the referenced Functional specs are not mapped: FUN-SEARCH-002

## References

### Functional
- [FUN-SEARCH](../functional/search.md)

## Coverage Map

| Requirement ID | Source Spec | Test Case ID | Expected Outcome |
|---|---|---|---|
| FUN-SEARCH-001 | functional/search.md | COV-SEARCH-001 | results within 100 ms |
| FUN-SEARCH-009 | functional/search.md | COV-SEARCH-002 | nothing |
  ^^^^^^^^^^^^^^ warning coverage/unknown-id: the Coverage Map names FUN-SEARCH-009, which no upstream spec defines; did you mean FUN-SEARCH-001?

## Coverage Summary

| Layer | Total Criteria | Mapped | Untestable |
|---|---|---|---|
| Functional | 3 | 2 | 1 |
 ^^^^^^^^^^^^^^^^^^^^^^^^ warning coverage/summary-mismatch: the Functional summary disagrees with the map and the referenced specs: expected total 2, mapped 1

## Acceptance Criteria
- [ ] COV-SEARCH-001: Typing shows results
- [ ] COV-SEARCH-002: x
"#,
        );
    }
}
