//! One top-level section of a spec body: its headings, reference links, ID
//! mentions, acceptance criteria and tables. Offsets inside a `Section` are
//! relative to the section's start, so an edit elsewhere never touches it:
//! the document shares it (`Arc`) and only moves its start.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::cut::{Fence, heading_level};
use crate::ids::{self, IdToken};
use crate::text::TextSource;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    /// Length in bytes; every range below is relative to the section start.
    pub len: usize,
    /// Every ATX heading in the section, the section's own first.
    pub headings: Vec<Heading>,
    pub links: Vec<Link>,
    /// IDs named outside links and criterion definitions (prose, tables,
    /// Gherkin comments), ranges expanded.
    pub mentions: Vec<IdToken>,
    pub criteria: Vec<Criterion>,
    pub tables: Vec<Table>,
    /// Template leftovers such as `[PLACEHOLDER]`.
    pub placeholders: Vec<Range<usize>>,
    /// Gherkin headers in code blocks: `# COV-X-001: Maps to FUN-Y-001`.
    pub gherkin: Vec<GherkinHeader>,
    /// The distinct IDs the section names (mentions and ID link labels).
    pub ids: Vec<String>,
    /// Hash of `ids`: whether what the section refers to changed.
    pub ids_hash: u64,
    /// Hash of what other files can see of the section: its ID tokens,
    /// links, criteria (ID, state, testability) and level-1 headings —
    /// never positions, so moving text leaves it unchanged.
    pub interface_hash: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// The heading line without its terminator.
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub label: String,
    pub label_range: Range<usize>,
    pub target: String,
    pub target_range: Range<usize>,
    pub range: Range<usize>,
    /// Text of the nearest heading above the link (e.g. `Implements`,
    /// `Foundation Reference`, `Stack`).
    pub under: Option<String>,
    /// Text of the nearest level-3 heading above (References sub-heading).
    pub under_h3: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CriterionState {
    Open,
    Satisfied,
    Failed,
}

impl CriterionState {
    pub fn mark(self) -> char {
        match self {
            CriterionState::Open => ' ',
            CriterionState::Satisfied => 'x',
            CriterionState::Failed => '!',
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criterion {
    pub id: String,
    pub id_range: Range<usize>,
    pub state: CriterionState,
    /// The byte inside `[ ]` holding the mark.
    pub mark_range: Range<usize>,
    pub text: String,
    /// What follows ` — ` (e.g. `FAILED: reason`).
    pub note: Option<String>,
    pub untestable: bool,
    /// The item's line without its terminator.
    pub range: Range<usize>,
    /// Defined by a range line (`COV-X-001 through COV-X-040: …`), with
    /// the other IDs of that line: one mark and one text for all of them.
    pub in_range: bool,
}

/// A Coverage spec's test case as its Gherkin block names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GherkinHeader {
    pub test_case: IdToken,
    /// The requirements after `Maps to` (ranges expanded).
    pub maps_to: Vec<IdToken>,
}

impl GherkinHeader {
    pub fn absolute(&self, base: usize) -> GherkinHeader {
        GherkinHeader {
            test_case: absolute_id(&self.test_case, base),
            maps_to: self.maps_to.iter().map(|t| absolute_id(t, base)).collect(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub range: Range<usize>,
    /// Nearest heading above the table.
    pub under: Option<String>,
    pub header: Vec<Cell>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// Index of the column whose header matches `name` (case-insensitive).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|c| c.text.trim().eq_ignore_ascii_case(name))
    }
}

/// Moves a relative range to absolute coordinates.
fn at(r: &Range<usize>, base: usize) -> Range<usize> {
    r.start + base..r.end + base
}

impl Heading {
    pub fn absolute(&self, base: usize) -> Heading {
        Heading { range: at(&self.range, base), ..self.clone() }
    }
}

impl Link {
    pub fn absolute(&self, base: usize) -> Link {
        Link {
            label_range: at(&self.label_range, base),
            target_range: at(&self.target_range, base),
            range: at(&self.range, base),
            ..self.clone()
        }
    }
}

impl Criterion {
    pub fn absolute(&self, base: usize) -> Criterion {
        Criterion {
            id_range: at(&self.id_range, base),
            mark_range: at(&self.mark_range, base),
            range: at(&self.range, base),
            ..self.clone()
        }
    }
}

impl Table {
    pub fn absolute(&self, base: usize) -> Table {
        let cell = |c: &Cell| Cell { text: c.text.clone(), range: at(&c.range, base) };
        Table {
            range: at(&self.range, base),
            under: self.under.clone(),
            header: self.header.iter().map(cell).collect(),
            rows: self.rows.iter().map(|r| r.iter().map(cell).collect()).collect(),
        }
    }
}

pub(crate) fn absolute_id(t: &IdToken, base: usize) -> IdToken {
    IdToken { id: t.id.clone(), range: at(&t.range, base) }
}

pub(crate) fn absolute_range(r: &Range<usize>, base: usize) -> Range<usize> {
    at(r, base)
}

impl Section {
    pub fn heading(&self) -> Option<&Heading> {
        self.headings.first().filter(|h| h.range.start == 0 && h.level <= 2)
    }
}

const PLACEHOLDERS: [&str; 2] = ["[PLACEHOLDER]", "[TIMESTAMP]"];

pub fn parse_section<S: TextSource + ?Sized>(source: &S, range: Range<usize>) -> Section {
    let text = source.slice(range.clone());
    let text: &str = &text;
    let base = 0;
    let mut s = Section { len: range.end - range.start, ..Default::default() };
    scan_lines(text, base, &mut s);
    scan_markdown(text, base, &mut s);
    // Mentions: every ID not inside a link label or a criterion definition.
    let mut excluded: Vec<Range<usize>> = s.links.iter().map(|l| l.label_range.clone()).collect();
    excluded.extend(s.criteria.iter().map(|c| c.id_range.clone()));
    excluded.sort_by_key(|r| r.start);
    let mut found = Vec::new();
    ids::find_ids(text, base, &mut found);
    s.mentions = found
        .into_iter()
        .filter(|t| !excluded.iter().any(|r| r.start <= t.range.start && t.range.end <= r.end))
        .collect();
    summarise(&mut s);
    s
}

/// Computes the section's ID set and hashes once, at parse time, so that a
/// keystroke elsewhere costs nothing for this section.
fn summarise(s: &mut Section) {
    use std::hash::{Hash, Hasher};
    let mut ids: Vec<&str> = s.mentions.iter().map(|m| m.id.as_str()).collect();
    ids.extend(s.links.iter().map(|l| l.label.as_str()).filter(|l| ids::ID_PATTERN.is_match(l)));
    ids.sort_unstable();
    ids.dedup();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    ids.hash(&mut h);
    s.ids_hash = h.finish();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.mentions.iter().for_each(|m| m.id.hash(&mut h));
    s.links.iter().for_each(|l| (&l.label, &l.target, &l.under_h3).hash(&mut h));
    s.criteria.iter().for_each(|c| (&c.id, c.state, c.untestable).hash(&mut h));
    s.gherkin.iter().for_each(|g| (&g.test_case.id, g.maps_to.iter().map(|t| &t.id).collect::<Vec<_>>()).hash(&mut h));
    s.headings.iter().filter(|x| x.level == 1).for_each(|x| x.text.hash(&mut h));
    s.interface_hash = h.finish();
    s.ids = ids.into_iter().map(str::to_owned).collect();
}

/// Line pass: headings, criteria and placeholders, with fence tracking.
fn scan_lines(text: &str, base: usize, s: &mut Section) {
    let mut fence: Option<Fence> = None;
    let mut in_criteria = false;
    let mut untestable_block = false;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        for p in PLACEHOLDERS {
            for (i, _) in content.match_indices(p) {
                s.placeholders.push(base + start + i..base + start + i + p.len());
            }
        }
        if let Some(f) = &fence {
            if f.closes(line) {
                fence = None;
            } else if let Some(g) = gherkin_header(content, base + start) {
                s.gherkin.push(g);
            }
            continue;
        }
        if let Some(f) = Fence::opens(line) {
            fence = Some(f);
            continue;
        }
        if let Some(level) = heading_level(line) {
            let htext = heading_text(content);
            if level <= 2 {
                // Coverage specs list untestable criteria in a section of
                // their own.
                let h = htext.to_ascii_lowercase();
                in_criteria = h.starts_with("acceptance criteria") || h.starts_with("untestable criteria");
                untestable_block = h.starts_with("untestable criteria");
            } else if in_criteria {
                untestable_block = htext.to_ascii_lowercase().contains("untestable");
            }
            s.headings.push(Heading {
                level,
                text: htext.to_owned(),
                range: base + start..base + start + content.len(),
            });
            continue;
        }
        if in_criteria {
            parse_criterion(content, base + start, untestable_block, &mut s.criteria);
        }
    }
}

/// `# COV-X-001: Maps to FUN-Y-001, FUN-Y-002` (the colon and case are
/// as loose as real specs write them).
fn gherkin_header(line: &str, base: usize) -> Option<GherkinHeader> {
    let rest = line.trim_start().strip_prefix('#')?;
    let lead = line.len() - rest.len();
    let body = rest.trim_start();
    let at = lead + (rest.len() - body.len());
    let m = ids::ID_PATTERN.find(body).filter(|m| m.start() == 0)?;
    if !ids::is_criterion_id(m.as_str()) {
        return None;
    }
    let after = body[m.end()..].trim_start_matches([':', ' ', '\t', '-', '—']);
    let maps = after.get(..7).filter(|p| p.eq_ignore_ascii_case("maps to"))?;
    let maps_at = at + body.len() - after.len() + maps.len();
    let mut maps_to = Vec::new();
    ids::find_ids(&line[maps_at..], base + maps_at, &mut maps_to);
    Some(GherkinHeader {
        test_case: IdToken { id: m.as_str().to_owned(), range: base + at..base + at + m.end() },
        maps_to,
    })
}

fn heading_text(line: &str) -> &str {
    let t = line.trim_start().trim_start_matches('#').trim();
    // Closing sequence of an ATX heading: `## Title ##`.
    let stripped = t.trim_end_matches('#');
    if stripped.len() < t.len() && (stripped.is_empty() || stripped.ends_with([' ', '\t'])) {
        stripped.trim_end()
    } else {
        t
    }
}

/// `- [ ] ID: text — note`, `* [x] ID text`, `+ [!] ID: …`; a line that
/// opens with a range (`ID-001 through ID-040:`, `ID-003/004:`) defines
/// every ID of it.
fn parse_criterion(line: &str, base: usize, untestable_block: bool, out: &mut Vec<Criterion>) -> Option<()> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let rest = rest.strip_prefix(['-', '*', '+'])?;
    let after_bullet = rest.trim_start();
    let mark_at = line.len() - after_bullet.len();
    let b = after_bullet.as_bytes();
    if b.len() < 3 || b[0] != b'[' || b[2] != b']' {
        return None;
    }
    let state = match b[1] {
        b' ' => CriterionState::Open,
        b'x' | b'X' => CriterionState::Satisfied,
        b'!' => CriterionState::Failed,
        _ => return None,
    };
    let body = &after_bullet[3..];
    let body_trim = body.trim_start();
    let id_at = line.len() - body_trim.len();
    let m = ids::ID_PATTERN.find(body_trim).filter(|m| m.start() == 0)?;
    let id = m.as_str();
    if !ids::is_criterion_id(id) {
        return None;
    }
    // The range the line opens with, if any: the IDs expanded from the
    // first token on, as long as they follow one another.
    let mut tokens = Vec::new();
    ids::find_ids(body_trim, 0, &mut tokens);
    let mut expr_end = m.end();
    let mut members = Vec::new();
    for t in tokens.iter().skip(1) {
        let gap = body_trim.get(expr_end.min(t.range.start)..t.range.start).unwrap_or("x");
        let chained = t.range.end <= expr_end || gap == " through " || gap == "/";
        if !chained || ids::criterion_parts(&t.id).map(|(s, _)| s) != ids::criterion_parts(id).map(|(s, _)| s) {
            break;
        }
        expr_end = expr_end.max(t.range.end);
        members.push(t.clone());
    }
    let after_id = body_trim[expr_end..].trim_start_matches(['*']).trim_start_matches(':').trim_start_matches('*');
    let (text, note) = match after_id.split_once(" — ").or_else(|| after_id.split_once(" -- ")) {
        Some((t, n)) => (t, Some(n.trim().to_owned())),
        None => (after_id, None),
    };
    let untestable = untestable_block || line.to_ascii_lowercase().contains("(untestable)");
    let first = Criterion {
        id: id.to_owned(),
        id_range: base + id_at..base + id_at + id.len(),
        state,
        mark_range: base + mark_at + 1..base + mark_at + 2,
        text: text.trim().to_owned(),
        note,
        untestable,
        range: base..base + line.len(),
        in_range: !members.is_empty(),
    };
    for t in &members {
        let id_range = base + id_at + t.range.start..base + id_at + t.range.end;
        out.push(Criterion { id: t.id.clone(), id_range, ..first.clone() });
    }
    // The first keeps its place: definitions in line order.
    out.insert(out.len() - members.len(), first);
    Some(())
}

/// pulldown-cmark pass: inline links and tables, which need real Markdown
/// parsing (code spans, escapes, nesting).
fn scan_markdown(text: &str, base: usize, s: &mut Section) {
    let mut under: Option<String> = None;
    let mut under_h3: Option<String> = None;
    let mut heading_buf: Option<(u8, String)> = None;
    // Open link: (target, range, label text, label start, label end).
    let mut link: Option<(String, Range<usize>, String, usize, usize)> = None;
    let mut table: Option<Table> = None;
    let mut row: Vec<Cell> = Vec::new();
    let mut cell: Option<Cell> = None;
    let parser = Parser::new_ext(text, Options::ENABLE_TABLES);
    for (event, r) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading_buf = Some((level as u8, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, t)) = heading_buf.take() {
                    under = Some(t.trim().to_owned());
                    if level == 3 {
                        under_h3 = Some(t.trim().to_owned());
                    } else if level < 3 {
                        under_h3 = None;
                    }
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((dest_url.into_string(), r.clone(), String::new(), usize::MAX, 0));
            }
            Event::End(TagEnd::Link) => {
                if let Some((target, range, label, ls, le)) = link.take() {
                    let label_range = if ls == usize::MAX { range.start + 1..range.start + 1 } else { ls..le };
                    let target_range = find_target(text, &range, &target);
                    s.links.push(Link {
                        label: label.trim().to_owned(),
                        label_range: base + label_range.start..base + label_range.end,
                        target,
                        target_range: base + target_range.start..base + target_range.end,
                        range: base + range.start..base + range.end,
                        under: under.clone(),
                        under_h3: under_h3.clone(),
                    });
                }
            }
            Event::Start(Tag::Table(_)) => {
                table = Some(Table {
                    range: base + r.start..base + r.end,
                    under: under.clone(),
                    header: vec![],
                    rows: vec![],
                })
            }
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = &mut table {
                    t.header = std::mem::take(&mut row);
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = &mut table {
                    t.rows.push(std::mem::take(&mut row));
                }
            }
            Event::Start(Tag::TableCell) => {
                cell = Some(Cell { text: String::new(), range: base + r.start..base + r.end })
            }
            Event::End(TagEnd::TableCell) => row.extend(cell.take()),
            Event::End(TagEnd::Table) => s.tables.extend(table.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, h)) = &mut heading_buf {
                    h.push_str(&t);
                }
                if let Some((_, _, label, ls, le)) = &mut link {
                    label.push_str(&t);
                    *ls = (*ls).min(r.start);
                    *le = (*le).max(r.end);
                }
                if let Some(c) = &mut cell {
                    c.text.push_str(&t);
                }
            }
            _ => {}
        }
    }
}

/// Byte range of a link's destination inside `[label](target)`.
fn find_target(text: &str, link: &Range<usize>, target: &str) -> Range<usize> {
    let src = &text[link.clone()];
    match src.rfind("](") {
        Some(i) => {
            let after = i + 2;
            match src[after..].find(target) {
                Some(j) if !target.is_empty() => link.start + after + j..link.start + after + j + target.len(),
                _ => link.start + after..link.start + after,
            }
        }
        None => link.end..link.end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_section() {
        let t = "## References\n\n### Implements\n- [BUS-A](../business/a.md) — note\n\n| Requirement ID | Source |\n|---|---|\n| FUN-X-001 | f.md |\n\n```\n# COV-Y-001: Maps to FUN-X-002\n```\n[TIMESTAMP]\n";
        let s = parse_section(t, 0..t.len());
        assert_eq!(s.headings.len(), 2);
        assert_eq!(s.links.len(), 1);
        let l = &s.links[0];
        assert_eq!(l.label, "BUS-A");
        assert_eq!(&t[l.label_range.clone()], "BUS-A");
        assert_eq!(&t[l.target_range.clone()], "../business/a.md");
        assert_eq!(l.under.as_deref(), Some("Implements"));
        let m: Vec<_> = s.mentions.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(m, ["FUN-X-001", "COV-Y-001", "FUN-X-002"]);
        assert_eq!(s.tables[0].rows[0][0].text, "FUN-X-001");
        assert_eq!(s.tables[0].column("source"), Some(1));
        assert_eq!(s.placeholders.len(), 1);
    }

    #[test]
    fn parses_criteria() {
        let t = "## Acceptance Criteria\n- [ ] FUN-A-001: one\n- [x] FUN-A-002: two\n- [!] FUN-A-003: three — FAILED: because\n- [ ] FUN-A-004: four *(untestable)*\n### Untestable Criteria\n- [ ] FUN-A-005: five\n- [y] FUN-A-006: no\n";
        let s = parse_section(t, 0..t.len());
        let c = &s.criteria;
        assert_eq!(c.len(), 5);
        assert_eq!(c[0].state, CriterionState::Open);
        assert_eq!(&t[c[0].mark_range.clone()], " ");
        assert_eq!(c[1].state, CriterionState::Satisfied);
        assert_eq!(c[2].note.as_deref(), Some("FAILED: because"));
        assert_eq!(c[2].text, "three");
        assert!(c[3].untestable && c[4].untestable && !c[0].untestable);
        // `[y]` is not a criterion mark, so its ID is a plain mention.
        assert_eq!(s.mentions.len(), 1);
    }
}
