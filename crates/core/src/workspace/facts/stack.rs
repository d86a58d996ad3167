//! Pins in a Stack spec's `## Technology Stack` tables.

use std::ops::Range;

use super::techs::technology_of_name;
use super::{StackPin, stack_version};
use crate::model::Spec;

/// The pins of a Stack spec: rows of the tables under `## Technology Stack`
/// that have a `Version` column and name a curated technology in their first
/// column. `text` is the spec's text (to trim the cell ranges).
pub fn stack_pins(spec: &Spec, text: &str) -> Vec<StackPin> {
    let mut out = Vec::new();
    for s in &spec.doc.sections {
        let is_stack = s.section.heading().is_some_and(|h| {
            let h = h.text.trim();
            h.eq_ignore_ascii_case("technology stack") || h.eq_ignore_ascii_case("tech stack")
        });
        if !is_stack {
            continue;
        }
        for t in s.section.tables.iter().map(|t| t.absolute(s.start)) {
            let Some(vc) = t.header.iter().position(|c| c.text.trim().to_ascii_lowercase().starts_with("version"))
            else {
                continue;
            };
            if vc == 0 {
                continue;
            }
            for row in &t.rows {
                let (Some(name), Some(cell)) = (row.first(), row.get(vc)) else { continue };
                let Some(tech) = technology_of_name(&name.text) else { continue };
                let Some(version) = stack_version(&cell.text) else { continue };
                out.push(StackPin {
                    technology: tech.key,
                    name: name.text.trim().to_owned(),
                    version,
                    written: cell.text.trim().to_owned(),
                    range: trim_range(text, cell.range.clone()),
                });
            }
        }
    }
    out
}

/// `range` without the spaces (and table pipes) around its text.
fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let Some(s) = text.get(range.clone()) else { return range };
    let is_pad = |c: char| c.is_whitespace() || c == '|';
    let lead = s.len() - s.trim_start_matches(is_pad).len();
    let trail = s.len() - s.trim_end_matches(is_pad).len();
    if lead + trail >= s.len() {
        return range;
    }
    range.start + lead..range.end - trail
}
