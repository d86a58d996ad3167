//! smaqit IDs (spec-format §3): `<PREFIX>-<CONCEPT>` for specs and
//! `<PREFIX>-<CONCEPT>-<NNN>` for criteria, plus the range forms used in prose.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// The smaqit CLI's token pattern for any ID.
pub static ID_PATTERN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:BUS|FUN|STK|INF|COV)-[A-Z0-9]+(?:-[A-Z0-9]+)*\b").expect("static regex"));

/// A spec ID: prefix, then concept words in upper case, digits and hyphens.
pub fn is_spec_id(s: &str) -> bool {
    ID_PATTERN.find(s).is_some_and(|m| m.range() == (0..s.len()))
}

/// Splits a criterion ID into (owning spec ID, number), e.g.
/// `FUN-HERO-003` → (`FUN-HERO`, 3); `FUN-HERO-003-REV` → (`FUN-HERO`, 3).
pub fn criterion_parts(id: &str) -> Option<(&str, u32)> {
    let parts: Vec<&str> = id.split('-').collect();
    // Find the last all-digit segment of three or more digits (suffixes such
    // as `-REV` are seen after it).
    let idx = parts.iter().rposition(|p| p.len() >= 3 && p.bytes().all(|b| b.is_ascii_digit()))?;
    if idx < 2 {
        return None;
    }
    let spec_len: usize = parts[..idx].iter().map(|p| p.len() + 1).sum::<usize>() - 1;
    Some((&id[..spec_len], parts[idx].parse().ok()?))
}

pub fn is_criterion_id(id: &str) -> bool {
    criterion_parts(id).is_some()
}

/// An ID occurrence found in text, after expanding ranges. `range` is the
/// byte span of the text naming it (for an expanded member of a range, the
/// span of the range's end token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdToken {
    pub id: String,
    pub range: Range<usize>,
}

/// Finds IDs in `text` (offsets relative to `base`), expanding
/// `X-001 through 011`, `X-001 through X-011` and `X-003/004`.
pub fn find_ids(text: &str, base: usize, out: &mut Vec<IdToken>) {
    let mut last_end = 0;
    for m in ID_PATTERN.find_iter(text) {
        if m.start() < last_end {
            continue;
        }
        let id = m.as_str();
        out.push(IdToken { id: id.to_owned(), range: base + m.start()..base + m.end() });
        last_end = m.end();
        let Some((spec, first)) = criterion_parts(id) else { continue };
        if !id.ends_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let width = id.len() - id.rfind('-').map_or(0, |i| i + 1);
        let rest = &text[m.end()..];
        // `through NNN` or `through SPEC-NNN`.
        if let Some(after) = rest.strip_prefix(" through ") {
            let num_end = after.find(|c: char| !c.is_ascii_alphanumeric() && c != '-').unwrap_or(after.len());
            let token = after[..num_end].trim_end_matches('-');
            let last = if token.bytes().all(|b| b.is_ascii_digit()) && !token.is_empty() {
                token.parse::<u32>().ok()
            } else {
                criterion_parts(token).filter(|(s, _)| *s == spec).map(|(_, n)| n)
            };
            if let Some(last) = last.filter(|&l| l > first && l - first <= 999) {
                let tok_start = m.end() + " through ".len();
                let tok_range = base + tok_start..base + tok_start + token.len();
                for n in first + 1..=last {
                    out.push(IdToken { id: format!("{spec}-{n:0width$}"), range: tok_range.clone() });
                }
                last_end = tok_start + token.len();
            }
            continue;
        }
        // `/NNN` (repeatable: X-001/002/003).
        let mut pos = m.end();
        while let Some(after) = text[pos..].strip_prefix('/') {
            let digits = after.bytes().take_while(|b| b.is_ascii_digit()).count();
            if digits < 3 || after[digits..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
                break;
            }
            let tok = pos + 1..pos + 1 + digits;
            out.push(IdToken { id: format!("{spec}-{}", &after[..digits]), range: base + tok.start..base + tok.end });
            pos = tok.end;
            last_end = pos;
        }
    }
}

/// Levenshtein distance, for did-you-mean suggestions on short strings.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        find_ids(text, 0, &mut v);
        v.into_iter().map(|t| t.id).collect()
    }

    #[test]
    fn criterion_parts_work() {
        assert_eq!(criterion_parts("FUN-HERO-003"), Some(("FUN-HERO", 3)));
        assert_eq!(criterion_parts("STK-COMPARE-HARNESS-012"), Some(("STK-COMPARE-HARNESS", 12)));
        assert_eq!(criterion_parts("FUN-HERO-003-REV"), Some(("FUN-HERO", 3)));
        assert_eq!(criterion_parts("FUN-HERO"), None);
        assert_eq!(criterion_parts("FUN-001"), None);
    }

    #[test]
    fn ranges_expand() {
        assert_eq!(
            ids("see FUN-L-001 through 003 and FUN-S-003/004."),
            ["FUN-L-001", "FUN-L-002", "FUN-L-003", "FUN-S-003", "FUN-S-004"]
        );
        assert_eq!(ids("FUN-L-009 through FUN-L-011"), ["FUN-L-009", "FUN-L-010", "FUN-L-011"]);
        assert_eq!(ids("BUS-X through 3"), ["BUS-X"]);
        assert_eq!(ids("FUN-L-005 through 002"), ["FUN-L-005"]);
    }

    #[test]
    fn spec_ids() {
        assert!(is_spec_id("STK-COMPARE-HARNESS"));
        assert!(!is_spec_id("STK-lower"));
        assert!(!is_spec_id("XYZ-A"));
    }
}
