//! Fixture-driven check tests, in rust-analyzer's style: a multi-file
//! project written inline, with the expected findings annotated under the
//! lines they mark.
//!
//! ```text
//! //- specs/functional/a.md
//! ---
//! id: FUN-A
//! ---
//! - [ ] FUN-A-001: x
//!       ^^^^^^^^^ hint criteria/open: criterion FUN-A-001 is open
//! ```
//!
//! - `//- path` starts a file (relative to the project); a path ending in `/`
//!   makes a folder. The project gets a `.smaqit/` folder unless a line
//!   `//@ no-project` comes first.
//! - An annotation line holds carets under the characters a finding covers
//!   (`|` for an empty range, at its position), then `severity code: message`.
//!   A message ending in `…` matches by prefix. Several annotation lines may
//!   follow one line. A range running past its line is marked to the line's
//!   end.
//! - Every finding must be annotated and every annotation found; on a
//!   mismatch the fixture is printed back with the findings the engine gave,
//!   ready to paste.
//!
//! The files are written to a temporary folder and indexed with the real
//! walker, so root detection, `.gitignore` and link targets behave as they
//! do for users.

use std::path::{Path, PathBuf};

use super::{Finding, check_entry, check_iac};
use crate::workspace::{DEFAULT_MAX_FILE_SIZE, Workspace};

/// One expected or actual finding, in fixture coordinates.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Mark {
    file: String,
    /// 0-based line in the file (annotations removed).
    line: usize,
    /// Column in characters, and width in characters on that line (0: empty).
    col: usize,
    width: usize,
    severity: String,
    code: String,
    message: String,
}

struct File {
    path: String,
    text: String,
    marks: Vec<Mark>,
    /// Index in the source lines of each kept line, for printing back.
    source_lines: Vec<String>,
}

/// A temporary project, removed when dropped.
pub(crate) struct Project {
    pub root: PathBuf,
    pub ws: Workspace,
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

impl Project {
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

fn parse_fixture(fixture: &str) -> (bool, Vec<File>) {
    let mut project = true;
    let mut files: Vec<File> = Vec::new();
    for line in fixture.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if files.is_empty() && bare.trim() == "//@ no-project" {
            project = false;
            continue;
        }
        if let Some(path) = bare.strip_prefix("//- ") {
            files.push(File {
                path: path.trim().to_owned(),
                text: String::new(),
                marks: Vec::new(),
                source_lines: vec![],
            });
            continue;
        }
        let Some(file) = files.last_mut() else {
            assert!(bare.trim().is_empty(), "fixture text before the first `//- path`: {bare:?}");
            continue;
        };
        if let Some(mark) = annotation(bare, file) {
            file.marks.push(mark);
        } else {
            file.text.push_str(line);
            file.source_lines.push(bare.to_owned());
        }
    }
    (project, files)
}

/// Reads an annotation line (`  ^^^ severity code: message`) about the last
/// kept line of `file`.
fn annotation(line: &str, file: &File) -> Option<Mark> {
    let trimmed = line.trim_start();
    let first = trimmed.chars().next()?;
    if first != '^' && first != '|' {
        return None;
    }
    let col = line.chars().count() - trimmed.chars().count();
    let width = if first == '|' { 0 } else { trimmed.chars().take_while(|&c| c == '^').count() };
    let rest = trimmed[if first == '|' { 1 } else { width }..].strip_prefix(' ')?.trim_start();
    let (severity, rest) = rest.split_once(' ')?;
    if !["error", "warning", "info", "hint"].contains(&severity) {
        return None;
    }
    let (code, message) = rest.split_once(": ").map_or((rest, ""), |(c, m)| (c, m));
    let line_no = file.source_lines.len().checked_sub(1).expect("an annotation needs a line above it");
    Some(Mark {
        file: file.path.clone(),
        line: line_no,
        col,
        width,
        severity: severity.to_owned(),
        code: code.to_owned(),
        message: message.to_owned(),
    })
}

/// Writes the fixture's files into a fresh folder and indexes it.
pub(crate) fn project(fixture: &str) -> Project {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let (with_project, files) = parse_fixture(fixture);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let root = std::env::temp_dir().join(format!("smaqit-fixture-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("fixture folder");
    if with_project {
        std::fs::create_dir_all(root.join(".smaqit")).expect(".smaqit");
    }
    for f in &files {
        let path = root.join(&f.path);
        if f.path.ends_with('/') {
            std::fs::create_dir_all(&path).expect("fixture folder");
            continue;
        }
        std::fs::create_dir_all(path.parent().expect("a file's folder")).expect("fixture folder");
        std::fs::write(&path, &f.text).expect("fixture file");
    }
    let ws = Workspace::new();
    ws.index_folders(std::slice::from_ref(&root), DEFAULT_MAX_FILE_SIZE, &|_, _| {});
    Project { root, ws }
}

/// The findings of the file at `path` (spec or IaC file).
pub(crate) fn findings_of(ws: &Workspace, path: &Path) -> Vec<Finding> {
    match (ws.get(path), ws.get_iac(path)) {
        (Some(e), _) => check_entry(&e, ws),
        (None, Some(e)) => check_iac(&e, ws),
        _ => Vec::new(),
    }
}

fn to_mark(file: &File, f: &Finding) -> Mark {
    let text = &file.text;
    let start = crate::text::floor_char_boundary(text, f.range.start);
    let line = text[..start].matches('\n').count();
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_end = if text[..line_end].ends_with('\r') { line_end - 1 } else { line_end };
    let end = crate::text::floor_char_boundary(text, f.range.end.clamp(start, line_end.max(start)));
    Mark {
        file: file.path.clone(),
        line,
        col: text[line_start..start].chars().count(),
        width: text[start..end].chars().count(),
        severity: f.severity.as_str().to_owned(),
        code: f.code.to_owned(),
        message: f.message.clone(),
    }
}

fn matches(expected: &Mark, actual: &Mark) -> bool {
    let message = match expected.message.strip_suffix('…') {
        Some(prefix) => actual.message.starts_with(prefix),
        None => actual.message == expected.message,
    };
    message && Mark { message: String::new(), ..expected.clone() } == Mark { message: String::new(), ..actual.clone() }
}

fn render(files: &[File], marks: &[Mark]) -> String {
    let mut out = String::new();
    for f in files {
        out.push_str(&format!("//- {}\n", f.path));
        for (i, line) in f.source_lines.iter().enumerate() {
            out.push_str(line);
            out.push('\n');
            for m in marks.iter().filter(|m| m.file == f.path && m.line == i) {
                let pointer = if m.width == 0 { "|".to_owned() } else { "^".repeat(m.width) };
                out.push_str(&format!("{}{pointer} {} {}: {}\n", " ".repeat(m.col), m.severity, m.code, m.message));
            }
        }
    }
    out
}

/// Checks the fixture's findings against its annotations.
pub(crate) fn check(fixture: &str) {
    check_families(&[], fixture);
}

/// Checks the findings of the given code families (all when empty) against
/// the annotations; findings of other families are left out, so that a
/// family's fixture annotates only what the family reports.
pub(crate) fn check_families(families: &[&str], fixture: &str) {
    let (_, files) = parse_fixture(fixture);
    let p = project(fixture);
    let wanted = |f: &Finding| families.is_empty() || families.contains(&super::catalogue::family(f.code));
    let mut actual: Vec<Mark> = Vec::new();
    for f in files.iter().filter(|f| !f.path.ends_with('/')) {
        let found = findings_of(&p.ws, &p.path(&f.path));
        actual.extend(found.iter().filter(|x| wanted(x)).map(|finding| to_mark(f, finding)));
    }
    actual.sort();
    let mut expected: Vec<Mark> = files.iter().flat_map(|f| f.marks.iter().cloned()).collect();
    expected.sort();
    let mut unmatched: Vec<&Mark> = actual.iter().collect();
    let mut missing = Vec::new();
    for e in &expected {
        match unmatched.iter().position(|a| matches(e, a)) {
            Some(i) => {
                unmatched.remove(i);
            }
            None => missing.push(e),
        }
    }
    if !missing.is_empty() || !unmatched.is_empty() {
        panic!(
            "findings differ from the annotations.\nmissing: {missing:#?}\nunexpected: {unmatched:#?}\n\nwhat the engine reports:\n{}",
            render(&files, &actual)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_read_and_removed() {
        let (project, files) = parse_fixture(
            "//- specs/business/a.md\nline one\n     ^^^ warning x/y: msg: with colon\n|   error a/b: empty\n//- extra/\n",
        );
        assert!(project);
        assert_eq!(files[0].text, "line one\n");
        assert_eq!(files[0].marks.len(), 2);
        assert_eq!((files[0].marks[0].col, files[0].marks[0].width), (5, 3));
        assert_eq!(files[0].marks[0].message, "msg: with colon");
        assert_eq!((files[0].marks[1].col, files[0].marks[1].width), (0, 0));
        assert_eq!(files[1].path, "extra/");
        let (project, _) = parse_fixture("//@ no-project\n//- a.md\n");
        assert!(!project);
    }

    #[test]
    fn a_missing_annotation_fails_and_prints_the_findings() {
        let fixture = "//- specs/business/a.md\n---\nid: BUS-A\nstatus: bogus\ncreated: 2025-01-01\n---\n# A\n";
        let err = std::panic::catch_unwind(|| check(fixture)).expect_err("unannotated findings must fail");
        let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(msg.contains("error frontmatter/unknown-status: unknown status `bogus`"), "{msg}");
    }
}
