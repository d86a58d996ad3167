//! Spec Markdown → [`ParsedDoc`]: the frontmatter plus the body cut into
//! top-level sections (at `#`/`##` headings outside code fences), each parsed
//! on its own. Because every section is parsed independently of the others,
//! an edit only needs the sections it touches re-parsed — see [`reparse`] —
//! and the result is identical to a full parse by construction (checked by a
//! property test).

mod cut;
mod frontmatter;
mod section;

pub use frontmatter::{FmEntry, FmValue, Frontmatter, YamlError};
pub use section::{Cell, Criterion, CriterionState, Heading, Link, Section, Table};

use std::ops::Range;

use crate::text::{Edit, TextSource};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedDoc {
    /// Present when the text starts with a `---` line.
    pub frontmatter: Option<Frontmatter>,
    /// Contiguous, non-empty, covering the body (everything after the
    /// frontmatter) exactly.
    pub sections: Vec<Section>,
    pub len: usize,
}

impl ParsedDoc {
    pub fn body_start(&self) -> usize {
        self.frontmatter.as_ref().map_or(0, |f| f.range.end)
    }

    pub fn criteria(&self) -> impl Iterator<Item = &Criterion> {
        self.sections.iter().flat_map(|s| s.criteria.iter())
    }

    pub fn links(&self) -> impl Iterator<Item = &Link> {
        self.sections.iter().flat_map(|s| s.links.iter())
    }

    pub fn headings(&self) -> impl Iterator<Item = &Heading> {
        self.sections.iter().flat_map(|s| s.headings.iter())
    }

    /// The first level-1 heading, the spec's title.
    pub fn title(&self) -> Option<&Heading> {
        self.headings().find(|h| h.level == 1)
    }

    /// Index of the section containing `offset`.
    pub fn section_at(&self, offset: usize) -> Option<usize> {
        let i = self.sections.partition_point(|s| s.range.start <= offset);
        i.checked_sub(1)
    }
}

/// Parses a whole document.
pub fn parse<S: TextSource + ?Sized>(text: &S) -> ParsedDoc {
    let mut doc = ParsedDoc { len: text.len(), ..Default::default() };
    let body_start = match frontmatter::detect(text) {
        Some(fm) => {
            let end = fm.range.end;
            doc.frontmatter = Some(fm);
            end
        }
        None => 0,
    };
    cut::cut(text, body_start, &mut |range| {
        doc.sections.push(section::parse_section(text, range));
        true
    });
    doc
}

/// Brings `old` (the parse of the text before `edit`) up to date with `text`
/// (the text after it), re-parsing only what the edit can have changed.
pub fn reparse<S: TextSource + ?Sized>(old: ParsedDoc, text: &S, edit: &Edit) -> ParsedDoc {
    let delta = edit.delta();
    let in_frontmatter = match &old.frontmatter {
        // An unterminated fence may be closed by a `---` anywhere below.
        Some(fm) => !fm.terminated || edit.range.start <= fm.range.end,
        None => edit.range.start <= first_line_end(text),
    };
    if in_frontmatter || old.sections.is_empty() {
        return parse(text);
    }
    // Re-cut from the section holding the line before the edited one: an
    // edit on a heading line can merge its section into the previous one.
    let line_start = text.line_start(edit.range.start);
    let first = old.section_at(line_start.saturating_sub(1)).unwrap_or(0);
    let recut_start = old.sections[first].range.start.max(old.body_start());
    let mut old_sections = old.sections;
    let tail: Vec<Section> = old_sections.split_off(first);
    let mut sections = old_sections;

    // Old section starts at or after the edit's end map to positions in the
    // new text that are followed by unchanged text: once the new cut reaches
    // one of them, it would carry on exactly as the old one did.
    let sync_points: Vec<usize> = tail
        .iter()
        .map(|s| s.range.start)
        .filter(|&s| s >= edit.range.end)
        .map(|s| (s as isize + delta) as usize)
        .collect();
    let mut sync_at: Option<usize> = None;
    cut::cut(text, recut_start, &mut |range| {
        let end = range.end;
        sections.push(section::parse_section(text, range));
        if sync_points.binary_search(&end).is_ok() {
            sync_at = Some(end);
            return false;
        }
        true
    });
    if let Some(sync) = sync_at {
        let old_sync = (sync as isize - delta) as usize;
        for mut s in tail.into_iter().filter(|s| s.range.start >= old_sync) {
            s.shift(delta);
            sections.push(s);
        }
    }
    ParsedDoc { frontmatter: old.frontmatter, sections, len: text.len() }
}

fn first_line_end<S: TextSource + ?Sized>(text: &S) -> usize {
    let mut end = 0;
    text.for_each_line_from(0, &mut |start, line| {
        end = start + line.len();
        false
    });
    end
}

/// Shifts a range that lies after an edit.
pub(crate) fn shift(r: &mut Range<usize>, delta: isize) {
    r.start = (r.start as isize + delta) as usize;
    r.end = (r.end as isize + delta) as usize;
}

#[cfg(test)]
mod tests;
