//! The YAML frontmatter between a first line `---` and the next line that is
//! exactly `---`. Two parsers look at it: saphyr-parser's event stream gives
//! exact spans for each top-level key and value (needed to point diagnostics
//! and to rewrite single values byte-exactly), and serde_norway validates the
//! whole mapping (duplicate keys, alias bombs) and gives typed values.

use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::text::TextSource;

#[derive(Clone, Debug, PartialEq)]
pub struct Frontmatter {
    /// From offset 0 to the end of the closing fence line (or of the opening
    /// line when unterminated).
    pub range: Range<usize>,
    /// The YAML text between the fences.
    pub yaml_range: Range<usize>,
    pub terminated: bool,
    /// Top-level `key: value` entries, in order.
    pub entries: Vec<FmEntry>,
    pub error: Option<YamlError>,
    /// The line ending the file uses in its frontmatter, to write new lines alike.
    pub crlf: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FmEntry {
    pub key: String,
    pub key_range: Range<usize>,
    pub value: FmValue,
    pub value_range: Range<usize>,
    /// The value's source text.
    pub raw: String,
    /// The whole line(s) of the entry, including the line terminator.
    pub line_range: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FmValue {
    /// A plain or quoted scalar; `quoted` when it was written in quotes.
    Scalar { text: String, quoted: bool },
    /// A mapping or a sequence.
    Compound,
    /// `key:` with nothing after it.
    Empty,
}

impl FmValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            FmValue::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    /// Byte offset in the document.
    pub offset: usize,
    pub message: String,
}

impl Frontmatter {
    pub fn get(&self, key: &str) -> Option<&FmEntry> {
        self.entries.iter().find(|e| e.key == key)
    }

    pub fn str_value(&self, key: &str) -> Option<&str> {
        self.get(key)?.value.as_str()
    }
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches(['\r', '\n']) == "---"
}

/// Finds and parses the frontmatter, if the text starts with a `---` line
/// (after an optional byte-order mark).
pub fn detect<S: TextSource + ?Sized>(text: &S) -> Option<Frontmatter> {
    let mut open: Option<(usize, usize, bool)> = None; // (open line end, content start, crlf)
    let mut close: Option<(usize, usize)> = None; // (close line start, close line end)
    text.for_each_line_from(0, &mut |start, line| match open {
        None => {
            let l = line.strip_prefix('\u{feff}').unwrap_or(line);
            if is_fence(l) {
                open = Some((start + line.len(), start + line.len(), line.ends_with("\r\n")));
                true
            } else {
                false
            }
        }
        Some(_) => {
            if is_fence(line) {
                close = Some((start, start + line.len()));
                false
            } else {
                true
            }
        }
    });
    let (open_end, content_start, crlf) = open?;
    let Some((close_start, close_end)) = close else {
        return Some(Frontmatter {
            range: 0..open_end,
            yaml_range: content_start..content_start,
            terminated: false,
            entries: Vec::new(),
            error: None,
            crlf,
        });
    };
    let yaml = text.slice(content_start..close_start);
    let (entries, error) = parse_yaml(&yaml, content_start);
    Some(Frontmatter {
        range: 0..close_end,
        yaml_range: content_start..close_start,
        terminated: true,
        entries,
        error,
        crlf,
    })
}

/// Parses the YAML of a frontmatter whose first byte sits at `base`.
fn parse_yaml(yaml: &str, base: usize) -> (Vec<FmEntry>, Option<YamlError>) {
    let chars = CharOffsets::new(yaml);
    let mut entries = Vec::new();
    let mut error = None;
    let mut parser = Parser::new_from_str(yaml);
    let mut depth = 0usize;
    let mut top_is_mapping = false;
    // Pending key: (text, key range) once a top-level key is read.
    let mut key: Option<(String, Range<usize>)> = None;
    let mut compound_start: Option<usize> = None;
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(e) => e,
            Err(e) => {
                let at = chars.byte(e.marker().index());
                // An unclosed construct is only detected where the YAML
                // ends; point at the last line that has content instead.
                let at = if yaml[at.min(yaml.len())..].trim().is_empty() { last_content_end(yaml) } else { at };
                error = Some(YamlError { offset: base + at, message: e.info().to_owned() });
                break;
            }
        };
        let start = chars.byte(span.start.index());
        let end = chars.byte(span.end.index());
        match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if depth == 0 {
                    top_is_mapping = matches!(event, Event::MappingStart(..));
                } else if depth == 1 && key.is_some() {
                    compound_start = Some(start);
                }
                depth += 1;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                depth = depth.saturating_sub(1);
                if depth == 1
                    && let (Some((k, kr)), Some(cs)) = (key.take(), compound_start.take())
                {
                    let value_end = trim_end_ws(yaml, end.max(cs));
                    entries.push(entry(yaml, base, k, kr, FmValue::Compound, cs..value_end));
                }
            }
            Event::Scalar(value, style, ..) if depth == 1 && top_is_mapping => match key.take() {
                None => key = Some((value.into_owned(), start..end)),
                Some((k, kr)) => {
                    let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
                    let v = if value.is_empty() && !quoted && start == end {
                        FmValue::Empty
                    } else {
                        FmValue::Scalar { text: value.into_owned(), quoted }
                    };
                    entries.push(entry(yaml, base, k, kr, v, start..end));
                }
            },
            Event::Alias(..) if depth == 1 && top_is_mapping => {
                if let Some((k, kr)) = key.take() {
                    entries.push(entry(yaml, base, k, kr, FmValue::Compound, start..end));
                }
            }
            _ => {}
        }
    }
    if error.is_none() && !yaml.trim().is_empty() {
        if !top_is_mapping {
            error = Some(YamlError { offset: base, message: "frontmatter is not a mapping of keys to values".into() });
        } else if let Err(e) = serde_norway::from_str::<serde_norway::Mapping>(yaml) {
            // Duplicate keys, alias bombs and the like, which the event
            // stream alone does not reject.
            let offset = e.location().map_or(base, |l| base + line_col_to_byte(yaml, l.line(), l.column()));
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            error = Some(YamlError { offset, message });
        }
    }
    (entries, error)
}

fn entry(
    yaml: &str,
    base: usize,
    key: String,
    key_range: Range<usize>,
    value: FmValue,
    value_range: Range<usize>,
) -> FmEntry {
    // An empty plain scalar's span can sit at the start of the next line;
    // pin it to the end of the key's line instead.
    let value_range = match &value {
        FmValue::Empty => {
            let e = line_content_end(yaml, key_range.end);
            e..e
        }
        // saphyr's span of a quoted scalar can run past the closing quote.
        FmValue::Scalar { quoted: true, .. } => {
            value_range.start..closing_quote(yaml, value_range.start).unwrap_or(value_range.end)
        }
        _ => value_range,
    };
    let line_start = yaml[..key_range.start].rfind('\n').map_or(0, |i| i + 1);
    let last = value_range.end.max(key_range.end);
    let line_end = yaml[last..].find('\n').map_or(yaml.len(), |i| last + i + 1);
    FmEntry {
        raw: yaml[value_range.clone()].to_owned(),
        key,
        key_range: base + key_range.start..base + key_range.end,
        value,
        value_range: base + value_range.start..base + value_range.end,
        line_range: base + line_start..base + line_end,
    }
}

/// End (exclusive) of the quoted scalar starting at `start`.
fn closing_quote(yaml: &str, start: usize) -> Option<usize> {
    let q = yaml[start..].chars().next()?;
    let mut chars = yaml[start + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match (q, c) {
            ('"', '\\') => {
                chars.next();
            }
            ('\'', '\'') if yaml[start + 1 + i + 1..].starts_with('\'') => {
                chars.next();
            }
            _ if c == q => return Some(start + 1 + i + 1),
            _ => {}
        }
    }
    None
}

fn last_content_end(yaml: &str) -> usize {
    yaml.trim_end().len()
}

fn line_content_end(yaml: &str, from: usize) -> usize {
    let end = yaml[from..].find('\n').map_or(yaml.len(), |i| from + i);
    let line = &yaml[from..end];
    // Drop a trailing comment and spaces.
    let content = line.find(" #").map_or(line, |i| &line[..i]);
    from + content.trim_end().len()
}

fn trim_end_ws(yaml: &str, end: usize) -> usize {
    let end = end.min(yaml.len());
    end - (yaml[..end].len() - yaml[..end].trim_end().len())
}

fn line_col_to_byte(yaml: &str, line: usize, col: usize) -> usize {
    // serde_norway reports 1-based lines and 1-based columns in characters.
    let start = if line <= 1 { 0 } else { yaml.match_indices('\n').nth(line - 2).map_or(yaml.len(), |(i, _)| i + 1) };
    yaml[start..].char_indices().nth(col.saturating_sub(1)).map_or(yaml.len(), |(i, _)| start + i)
}

/// Maps saphyr's character indices to byte offsets.
struct CharOffsets {
    bytes: Vec<usize>,
}

impl CharOffsets {
    fn new(s: &str) -> Self {
        let mut bytes: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
        bytes.push(s.len());
        CharOffsets { bytes }
    }
    fn byte(&self, char_index: usize) -> usize {
        self.bytes.get(char_index).copied().unwrap_or(*self.bytes.last().unwrap_or(&0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_with_spans() {
        let t = "---\nid: FUN-X # c\nstatus: 'draft'\ncreated:\ntags: [a, b]\n---\n# T\n";
        let fm = detect(t).unwrap();
        assert!(fm.terminated && fm.error.is_none(), "{fm:?}");
        let keys: Vec<_> = fm.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["id", "status", "created", "tags"]);
        let id = fm.get("id").unwrap();
        assert_eq!(&t[id.value_range.clone()], "FUN-X");
        assert_eq!(&t[id.line_range.clone()], "id: FUN-X # c\n");
        let st = fm.get("status").unwrap();
        assert_eq!(&t[st.value_range.clone()], "'draft'");
        assert_eq!(st.value.as_str(), Some("draft"));
        let c = fm.get("created").unwrap();
        assert_eq!(c.value, FmValue::Empty);
        assert_eq!(c.value_range.start, t.find("created:").unwrap() + 8);
        assert_eq!(&t[fm.get("tags").unwrap().value_range.clone()], "[a, b]");
        assert_eq!(&t[fm.range.clone()], &t[..t.find("# T").unwrap()]);
    }

    #[test]
    fn errors_and_edge_cases() {
        let fm = detect("---\nid: [x\n---\n").unwrap();
        assert!(fm.error.is_some());
        let fm = detect("---\na: 1\na: 2\n---\n").unwrap();
        assert!(fm.error.as_ref().unwrap().message.contains("duplicate"), "{fm:?}");
        let fm = detect("---\nid: x\n").unwrap();
        assert!(!fm.terminated);
        assert!(detect("# no\n---\n").is_none());
        let fm = detect("\u{feff}---\r\nid: é😀\r\n---\r\n").unwrap();
        assert!(fm.crlf && fm.terminated);
        assert_eq!(fm.str_value("id"), Some("é😀"));
        let fm = detect("---\n- a\n---\n").unwrap();
        assert!(fm.error.is_some());
    }
}
