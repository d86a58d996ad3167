//! Checking and re-checking: an open document after its debounce, the
//! files that depend on it (as the workspace's `affected_by_edit` says),
//! files changed on disk, and the whole workspace once indexed; and pull
//! reports. Findings become diagnostics here, positioned against the text
//! they were computed on.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use smaqit_core::checks::{self, Finding};
use smaqit_core::project::config::CONFIG_FILE;
use smaqit_core::workspace::ALLOWLIST;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::convert;
use super::position::Lines;
use super::publish::{Publish, Sink};
use super::state::{Indexed, State};

impl State {
    pub fn findings(&self, entry: &Indexed) -> Vec<Finding> {
        let found = match entry {
            Indexed::Spec(e) => checks::check_entry_cached(e, &self.ws, &self.local),
            Indexed::Iac(e) => checks::check_iac(e, &self.ws),
        };
        self.editor_levels(found)
    }

    /// The levels the editor's settings choose, over the project's.
    fn editor_levels(&self, mut found: Vec<Finding>) -> Vec<Finding> {
        let settings = self.settings.read().unwrap_or_else(|p| p.into_inner());
        if !settings.severity.is_empty() {
            let chosen =
                smaqit_core::project::config::Config { severity: settings.severity.clone(), ..Default::default() };
            checks::policy::levels(&mut found, &[&chosen]);
        }
        found
    }

    /// The `codeDescription` link of a code, parsed once per code.
    fn href(&self, code: &str) -> Option<Uri> {
        if let Some(u) = self.hrefs.get(code) {
            return u.clone();
        }
        let u = convert::href(&self.settings.read().unwrap_or_else(|p| p.into_inner()).docs_url, code);
        self.hrefs.insert(code.to_owned(), u.clone());
        u
    }

    /// Diagnostics of an indexed file, positioned against the indexed text.
    pub fn diagnostics_of(&self, entry: &Indexed) -> Vec<lsp::Diagnostic> {
        self.to_diagnostics(entry, self.findings(entry))
    }

    /// Findings as diagnostics, positioned against `entry`'s text (and
    /// related locations against theirs).
    pub fn to_diagnostics(&self, entry: &Indexed, findings: Vec<Finding>) -> Vec<lsp::Diagnostic> {
        if findings.is_empty() {
            // No line index to build (or keep) for a clean file.
            return Vec::new();
        }
        let enc = self.enc();
        let related = |p: &Path, f: &mut dyn FnMut(&dyn Lines)| {
            if let Some(e) = self.indexed(p) {
                e.with_lines(|l| f(l));
            }
        };
        entry.with_lines(|lines| {
            findings.iter().map(|f| convert::diagnostic(f, lines, enc, &|code| self.href(code), &related)).collect()
        })
    }

    /// Re-checks an open document (after syncing it into the index) and the
    /// files whose findings depend on it, handing each whose diagnostics
    /// changed to `sink` as soon as it is checked (the document first), so
    /// that publishing a hub's referrers overlaps checking them.
    pub fn refresh_open_into(&self, uri: &Uri, sink: Sink<'_>) {
        let path = uri.to_file_path().map(|p| p.into_owned());
        let before = path.as_deref().and_then(|p| self.ws.get(p));
        let before_iac = path.as_deref().and_then(|p| self.ws.get_iac(p));
        let Some((entry, version)) = self.sync_open(uri) else {
            // Not analysed (too large): say so.
            if let Some(p) = path.as_deref().and_then(|p| self.refresh_path(p)) {
                sink(p);
            }
            return;
        };
        // The document just changed: its per-file findings are new, so the
        // cache would only be written, at a copy per keystroke.
        let findings = match &entry {
            Indexed::Spec(e) => self.editor_levels(checks::check_entry(e, &self.ws)),
            Indexed::Iac(_) => self.findings(&entry),
        };
        let diagnostics = self.to_diagnostics(&entry, findings);
        if let Some(p) = self.if_changed(uri.clone(), diagnostics, Some(version)) {
            sink(p);
        }
        let others: Vec<PathBuf> = match &entry {
            Indexed::Iac(iac) => self.ws.affected_by_iac_edit(before_iac.as_deref(), iac),
            Indexed::Spec(spec) => self.ws.affected_by_edit(before.as_deref(), spec).into_iter().collect(),
        };
        self.refresh_paths_into(others, sink);
    }

    /// A file changed on disk (watcher or file operation): re-read it unless
    /// it is open, and re-check it and the files that depend on it. The
    /// allowlist affects every file's secrets, so it re-checks everything.
    pub fn file_changed(&self, path: &Path) -> Vec<Publish> {
        let before = self.ws.get(path);
        let before_iac = self.ws.get_iac(path);
        if !self.is_open_path(path) {
            self.reload_from_disk(path);
        }
        if path.ends_with(ALLOWLIST) {
            return self.refresh_all();
        }
        if path.ends_with(CONFIG_FILE) {
            // Levels, excludes: any file of the project may change.
            self.ws.reload_policies();
            let mut out = self.refresh_all();
            out.extend(self.refresh_path(path));
            return out;
        }
        let mut out: Vec<Publish> = self.refresh_path(path).into_iter().collect();
        let mut others = HashSet::new();
        for e in before.iter().chain(self.ws.get(path).iter()) {
            others.extend(self.ws.dependents(e));
        }
        if let Some(after) = self.ws.get(path) {
            others.extend(self.ws.phase_dependents(before.as_deref(), &after));
        }
        if before_iac.is_some() || self.ws.get_iac(path).is_some() || before.is_some() {
            others.extend(self.ws.pin_counterparts(path));
        }
        others.remove(path);
        out.extend(self.refresh_paths(others.into_iter().collect()));
        out
    }

    /// Re-checks many files on all cores.
    pub fn refresh_paths(&self, paths: Vec<PathBuf>) -> Vec<Publish> {
        let out = std::sync::Mutex::new(Vec::new());
        self.refresh_paths_into(paths, &|p| out.lock().unwrap_or_else(|e| e.into_inner()).push(p));
        out.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn refresh_paths_into(&self, paths: Vec<PathBuf>, sink: Sink<'_>) {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        if paths.len() < 16 || threads == 1 {
            paths.iter().filter_map(|p| self.refresh_path(p)).for_each(sink);
            return;
        }
        let chunk = paths.len().div_ceil(threads);
        std::thread::scope(|scope| {
            for part in paths.chunks(chunk) {
                scope.spawn(move || part.iter().filter_map(|p| self.refresh_path(p)).for_each(sink));
            }
        });
    }

    /// Re-checks one indexed file (open or closed) and returns its
    /// diagnostics if they changed.
    pub fn refresh_path(&self, path: &Path) -> Option<Publish> {
        let uri = convert::uri_of(path)?;
        let version = self.docs.get(&uri).map(|d| d.doc.version);
        let diagnostics = match self.indexed(path) {
            Some(e) => self.diagnostics_of(&e),
            None => match self.ws.skipped().into_iter().find(|(p, _)| p == path) {
                Some((_, why)) => checks::skipped(&why).map(|f| convert::file_diagnostic(&f)).into_iter().collect(),
                None => Vec::new(),
            },
        };
        self.if_changed(uri, diagnostics, version)
    }

    /// Diagnostics of every indexed or skipped file (initial publish).
    pub fn refresh_all(&self) -> Vec<Publish> {
        let mut paths: Vec<PathBuf> = self.ws.specs().iter().map(|e| e.spec.path.clone()).collect();
        paths.extend(self.ws.iac_files().iter().map(|e| e.path.clone()));
        paths.extend(self.ws.skipped().into_iter().map(|(p, _)| p));
        self.refresh_paths(paths)
    }

    /// A pull report for one document: synced first when it is open.
    pub fn pull_report(&self, uri: &Uri) -> Vec<lsp::Diagnostic> {
        if self.docs.contains_key(uri) {
            if let Some((entry, _)) = self.sync_open(uri) {
                return self.diagnostics_of(&entry);
            }
            return Vec::new();
        }
        let Some(path) = uri.to_file_path() else { return Vec::new() };
        match self.indexed(&path) {
            Some(e) => self.diagnostics_of(&e),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smaqit_core::parse::parse;
    use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

    fn change(range: ((u32, u32), (u32, u32)), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position { line: range.0.0, character: range.0.1 },
                end: Position { line: range.1.0, character: range.1.1 },
            }),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn hostile_changes_are_clamped() {
        let s = State::new();
        let uri: Uri = "file:///tmp/x/specs/functional/p.md".parse().unwrap();
        s.open(uri.clone(), "---\nid: FUN-PROBE\nstatus: draft\ncreated: 2025-01-01\n---\n# 😀\n## Acceptance Criteria\n- [ ] FUN-PROBE-001: x\n", 5);
        let r = s.change(
            &uri,
            6,
            vec![
                change(((5, 3), (5, 3)), "A"),
                change(((999, 9), (2, 0)), ""),
                change(((4_000_000_000, 4_000_000_000), (4_000_000_000, 4_000_000_000)), "tail\n"),
            ],
        );
        assert!(r.is_ok());
        {
            let open = s.docs.get(&uri).unwrap();
            assert_eq!(open.doc.text(), "---\nid: FUN-PROBE\ntail\n");
            assert_eq!(open.parsed, parse(open.doc.text().as_str()));
            assert!(!open.parsed.frontmatter.as_ref().unwrap().terminated);
        }
        let (entry, _) = s.sync_open(&uri).unwrap();
        let codes: Vec<&str> = s.findings(&entry).into_iter().map(|f| f.code).collect();
        assert_eq!(codes, ["criteria/missing-section", "frontmatter/unterminated", "ref/missing-references"]);
        assert!(s.change(&uri, 6, vec![]).is_err());
    }
}
