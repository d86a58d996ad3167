//! What a Coverage spec's `## Coverage Map` says: the requirement each row
//! maps (spec-format §6).

use std::ops::Range;

use super::{Layer, Spec};

impl Spec {
    /// The IDs named in the `Requirement ID` cells of the spec's Coverage Map
    /// tables, with their ranges; empty for other layers.
    pub fn requirement_cells(&self) -> Vec<(String, Range<usize>)> {
        if self.layer != Some(Layer::Coverage) {
            return Vec::new();
        }
        let cells: Vec<Range<usize>> = self
            .doc
            .tables()
            .filter_map(|t| t.column("Requirement ID").map(|col| (t, col)))
            .flat_map(|(t, col)| t.rows.iter().filter_map(|r| r.get(col).map(|c| c.range.clone())).collect::<Vec<_>>())
            .collect();
        if cells.is_empty() {
            return Vec::new();
        }
        self.doc
            .mentions()
            .filter(|m| cells.iter().any(|c| c.start <= m.range.start && m.range.end <= c.end))
            .map(|m| (m.id, m.range))
            .collect()
    }
}

/// A test case a Coverage spec defines (spec-format §3): the `Test Case ID`
/// of a Coverage Map row, or a Gherkin header `# COV-X-001: Maps to …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestCase {
    pub id: String,
    /// Where the spec names it: the map cell, else the Gherkin header.
    pub range: Range<usize>,
    /// The requirements it maps (the row's Requirement ID, `Maps to …`).
    pub maps: Vec<String>,
    /// Named in the Coverage Map (not only in Gherkin).
    pub in_map: bool,
}

impl Spec {
    /// The test cases of a Coverage spec, in the order it names them: map
    /// rows first, then Gherkin headers naming cases the map does not.
    pub fn test_cases(&self) -> Vec<TestCase> {
        if self.layer != Some(Layer::Coverage) {
            return Vec::new();
        }
        let mentions: Vec<_> = self.doc.mentions().collect();
        let ids_in = |r: &Range<usize>| -> Vec<(String, Range<usize>)> {
            mentions
                .iter()
                .filter(|m| r.start <= m.range.start && m.range.end <= r.end)
                .map(|m| (m.id.clone(), m.range.clone()))
                .collect()
        };
        let mut out: Vec<TestCase> = Vec::new();
        for t in self.doc.tables() {
            let Some(tc) = t.header.iter().position(|c| c.text.trim().to_ascii_lowercase().starts_with("test case"))
            else {
                continue;
            };
            let req = t.column("Requirement ID").or_else(|| t.column("Requirement"));
            for row in &t.rows {
                let Some(cell) = row.get(tc) else { continue };
                let maps: Vec<String> = req
                    .and_then(|c| row.get(c))
                    .map(|c| ids_in(&c.range).into_iter().map(|(id, _)| id).collect())
                    .unwrap_or_default();
                for (id, range) in ids_in(&cell.range) {
                    match out.iter_mut().find(|t| t.id == id) {
                        Some(known) => known.maps.extend(maps.iter().cloned()),
                        None => out.push(TestCase { id, range, maps: maps.clone(), in_map: true }),
                    }
                }
            }
        }
        for g in self.doc.gherkin() {
            let maps = g.maps_to.iter().map(|t| t.id.clone());
            match out.iter_mut().find(|t| t.id == g.test_case.id) {
                Some(known) => known.maps.extend(maps),
                None => out.push(TestCase {
                    id: g.test_case.id,
                    range: g.test_case.range,
                    maps: maps.collect(),
                    in_map: false,
                }),
            }
        }
        for t in &mut out {
            t.maps.sort();
            t.maps.dedup();
        }
        out
    }
}
