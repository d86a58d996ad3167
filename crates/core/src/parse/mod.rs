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
pub use section::{Cell, Criterion, CriterionState, GherkinHeader, Heading, Link, Section, Table};

use std::sync::Arc;

use std::ops::Range;

use crate::text::{Edit, TextSource};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedDoc {
    /// Present when the text starts with a `---` line.
    pub frontmatter: Option<Frontmatter>,
    /// Contiguous, non-empty, covering the body (everything after the
    /// frontmatter) exactly.
    pub sections: Vec<SectionRef>,
    pub len: usize,
}

impl ParsedDoc {
    pub fn body_start(&self) -> usize {
        self.frontmatter.as_ref().map_or(0, |f| f.range.end)
    }

    /// Acceptance criteria, with absolute ranges.
    pub fn criteria(&self) -> impl Iterator<Item = Criterion> + '_ {
        self.sections.iter().flat_map(|s| s.section.criteria.iter().map(|c| c.absolute(s.start)))
    }

    /// Reference links, with absolute ranges.
    pub fn links(&self) -> impl Iterator<Item = Link> + '_ {
        self.sections.iter().flat_map(|s| s.section.links.iter().map(|l| l.absolute(s.start)))
    }

    /// Headings, with absolute ranges.
    pub fn headings(&self) -> impl Iterator<Item = Heading> + '_ {
        self.sections.iter().flat_map(|s| s.section.headings.iter().map(|h| h.absolute(s.start)))
    }

    /// Whether some heading satisfies `pred` (without copying any).
    pub fn has_heading(&self, pred: impl Fn(&Heading) -> bool) -> bool {
        self.sections.iter().any(|s| s.section.headings.iter().any(&pred))
    }

    /// ID mentions (ranges expanded), with absolute ranges.
    pub fn mentions(&self) -> impl Iterator<Item = crate::ids::IdToken> + '_ {
        self.sections.iter().flat_map(|s| s.section.mentions.iter().map(|m| section::absolute_id(m, s.start)))
    }

    /// Gherkin headers (`# COV-X-001: Maps to FUN-Y-001`), with absolute ranges.
    pub fn gherkin(&self) -> impl Iterator<Item = GherkinHeader> + '_ {
        self.sections.iter().flat_map(|s| s.section.gherkin.iter().map(|g| g.absolute(s.start)))
    }

    /// Tables, with absolute ranges.
    pub fn tables(&self) -> impl Iterator<Item = Table> + '_ {
        self.sections.iter().flat_map(|s| s.section.tables.iter().map(|t| t.absolute(s.start)))
    }

    /// Template leftovers in the body, with absolute ranges.
    pub fn placeholders(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.sections.iter().flat_map(|s| s.section.placeholders.iter().map(|r| section::absolute_range(r, s.start)))
    }

    /// The first level-1 heading, the spec's title.
    pub fn title(&self) -> Option<Heading> {
        self.sections.iter().find_map(|s| s.section.headings.iter().find(|h| h.level == 1).map(|h| h.absolute(s.start)))
    }

    /// Hash of what other files can see of the body (see
    /// `Section::interface_hash`): one u64 per section, order kept.
    pub fn interface_hash(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.sections.iter().for_each(|s| s.section.interface_hash.hash(&mut h));
        h.finish()
    }

    /// Hash of the IDs the body names; sections moving does not change it.
    pub fn ids_hash(&self) -> u64 {
        self.sections.iter().fold(0u64, |acc, s| acc.wrapping_add(s.section.ids_hash))
    }

    /// Index of the section containing `offset`.
    pub fn section_at(&self, offset: usize) -> Option<usize> {
        let i = self.sections.partition_point(|s| s.start <= offset);
        i.checked_sub(1)
    }
}

/// A section placed in its document: shared, so that unchanged sections
/// cost a pointer copy when the document is cloned or shifted by an edit.
#[derive(Clone, Debug, PartialEq)]
pub struct SectionRef {
    pub start: usize,
    pub section: Arc<Section>,
}

impl SectionRef {
    fn new(start: usize, section: Section) -> SectionRef {
        SectionRef { start, section: Arc::new(section) }
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.start + self.section.len
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
        doc.sections.push(SectionRef::new(range.start, section::parse_section(text, range)));
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
    let recut_start = old.sections[first].start.max(old.body_start());
    let mut old_sections = old.sections;
    let tail: Vec<SectionRef> = old_sections.split_off(first);
    let mut sections = old_sections;

    // Old section starts at or after the edit's end map to positions in the
    // new text that are followed by unchanged text: once the new cut reaches
    // one of them, it would carry on exactly as the old one did.
    let sync_points: Vec<usize> =
        tail.iter().map(|s| s.start).filter(|&s| s >= edit.range.end).map(|s| (s as isize + delta) as usize).collect();
    let mut sync_at: Option<usize> = None;
    cut::cut(text, recut_start, &mut |range| {
        let end = range.end;
        sections.push(SectionRef::new(range.start, section::parse_section(text, range)));
        if sync_points.binary_search(&end).is_ok() {
            sync_at = Some(end);
            return false;
        }
        true
    });
    if let Some(sync) = sync_at {
        let old_sync = (sync as isize - delta) as usize;
        for mut s in tail.into_iter().filter(|s| s.start >= old_sync) {
            s.start = (s.start as isize + delta) as usize;
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

#[cfg(test)]
mod tests;
