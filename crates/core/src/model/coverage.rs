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
