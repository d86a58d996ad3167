//! Server state and the synchronous work on it. Everything here runs either
//! inside a notification handler before its first `.await` (document edits,
//! so they apply in arrival order) or on the blocking pool (checks).

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use dashmap::DashMap;
use tower_lsp_server::ls_types::{
    self as lsp, CodeActionKind, CodeActionOrCommand, CreateFile, CreateFileOptions, DocumentChangeOperation,
    DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier, ResourceOp, TextDocumentContentChangeEvent,
    TextDocumentEdit, Uri, WorkspaceEdit,
};

use super::convert;
use super::position::{Encoding, Lines, StrLines, to_byte_range, to_range};
use super::settings::Settings;
use smaqit_core::actions::{self, Action, ActionKind};
use smaqit_core::checks::{self, Finding};
use smaqit_core::model::{Spec, Status, is_spec_path, timestamp};
use smaqit_core::parse::{ParsedDoc, parse, reparse};
use smaqit_core::project::find_root;
use smaqit_core::text::{Document, LazyLineIndex, SourceText};
use smaqit_core::workspace::{ALLOWLIST, FileEntry, IacEntry, WalkError, Workspace, read_limited};
use smaqit_secrets::Scanner;
use smaqit_secrets::SecretFinding;
use std::ops::Range;

pub struct OpenDoc {
    pub doc: Document,
    pub parsed: ParsedDoc,
    pub path: Option<PathBuf>,
    /// Secrets found so far, ranges kept current across edits.
    pub secrets: Vec<SecretFinding>,
    /// The region edited since the last secret scan (current coordinates).
    pub dirty: Option<Range<usize>>,
    /// Over the size limit: the text is kept in step but not analysed.
    pub too_large: bool,
    /// Held while this document's text goes into the index (and by `close`
    /// while the disk text goes back), so the last text read is the last
    /// one indexed; the map's own lock is not held for that long.
    pub sync: Arc<std::sync::Mutex<()>>,
}

/// Lines around an edit that an open document's secret re-scan reads; the
/// scanner itself looks 40 lines back and 64 ahead for multi-line values.
const WINDOW_LINES: usize = 200;

/// Open documents above this are kept but not analysed (a generous multiple
/// of the on-disk limit, since the user chose to open the file).
fn open_limit(max_file_size: u64) -> usize {
    (max_file_size as usize).saturating_mul(8)
}

/// An indexed file of either kind.
#[derive(Clone)]
pub enum Indexed {
    Spec(Arc<FileEntry>),
    Iac(Arc<IacEntry>),
}

impl Indexed {
    pub fn text(&self) -> &SourceText {
        match self {
            Indexed::Spec(e) => &e.text,
            Indexed::Iac(e) => &e.text,
        }
    }

    /// Runs `f` with line access over the text, through its kept index.
    pub fn with_lines<R>(&self, f: impl FnOnce(&dyn Lines) -> R) -> R {
        match self {
            Indexed::Spec(e) => with_cached_lines(&e.text, &e.lines, f),
            Indexed::Iac(e) => with_cached_lines(&e.text, &e.lines, f),
        }
    }
}

pub struct State {
    pub ws: Workspace,
    pub docs: DashMap<Uri, OpenDoc>,
    pub encoding: OnceLock<Encoding>,
    pub settings: RwLock<Settings>,
    /// The client pulls diagnostics (`textDocument/diagnostic`).
    pub pull: AtomicBool,
    pub roots: RwLock<Vec<PathBuf>>,
    /// Debounce generation per document.
    pub generations: DashMap<Uri, u64>,
    next_generation: AtomicU64,
    /// Hash of what was last published per document, to skip repeats.
    published: DashMap<Uri, u64>,
    /// Per-file findings that depend on nothing else, kept between checks.
    local: checks::LocalCache,
    /// `codeDescription` links by code (they depend on the docs URL setting).
    hrefs: DashMap<String, Option<Uri>>,
    pub indexed: AtomicBool,
    /// Projects with a deploy running (one at a time each).
    pub deploying: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    /// Cancel flags of running deploys, by progress token.
    pub cancels: DashMap<String, Arc<AtomicBool>>,
}

/// Where refreshes hand what changed, from any thread.
pub type Sink<'a> = &'a (dyn Fn(Publish) + Sync);

/// Diagnostics ready to publish for one document.
pub struct Publish {
    pub uri: Uri,
    pub diagnostics: Vec<lsp::Diagnostic>,
    pub version: Option<i32>,
    /// What `if_changed` recorded for it: sent only while still the latest.
    pub hash: u64,
}

impl State {
    pub fn new() -> Self {
        State {
            ws: Workspace::new(),
            docs: DashMap::new(),
            encoding: OnceLock::new(),
            settings: RwLock::new(Settings::default()),
            pull: AtomicBool::new(false),
            roots: RwLock::new(Vec::new()),
            generations: DashMap::new(),
            next_generation: AtomicU64::new(1),
            published: DashMap::new(),
            local: Default::default(),
            hrefs: DashMap::new(),
            indexed: AtomicBool::new(false),
            deploying: Default::default(),
            cancels: DashMap::new(),
        }
    }

    pub fn enc(&self) -> Encoding {
        *self.encoding.get().unwrap_or(&Encoding::Utf16)
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn bump_generation(&self, uri: &Uri) -> u64 {
        let g = self.next_generation.fetch_add(1, Ordering::Relaxed);
        self.generations.insert(uri.clone(), g);
        g
    }

    pub fn is_current(&self, uri: &Uri, g: u64) -> bool {
        self.generations.get(uri).is_some_and(|v| *v == g)
    }

    // --- documents -------------------------------------------------------

    pub fn open(&self, uri: Uri, text: &str, version: i32) {
        let path = uri.to_file_path().map(|p| p.into_owned());
        let doc = Document::new(text, version);
        let too_large = text.len() > open_limit(self.settings().max_file_size);
        let parsed = if too_large { ParsedDoc::default() } else { parse(&doc.rope) };
        let dirty = (!too_large).then_some(0..text.len());
        let sync = Arc::default();
        self.docs.insert(uri, OpenDoc { doc, parsed, path, secrets: Vec::new(), dirty, too_large, sync });
    }

    /// Applies changes in order. Returns false (and changes nothing) for an
    /// unknown document or a version not newer than the one held.
    pub fn change(&self, uri: &Uri, version: i32, changes: Vec<TextDocumentContentChangeEvent>) -> Result<(), String> {
        let enc = self.enc();
        let Some(mut open) = self.docs.get_mut(uri) else {
            return Err(format!("didChange for a document that is not open: {}", uri.as_str()));
        };
        if version <= open.doc.version {
            return Err(format!("stale didChange (version {version} ≤ {}) ignored", open.doc.version));
        }
        let open = &mut *open;
        if open.too_large {
            for change in changes {
                match change.range {
                    Some(range) => {
                        let bytes = to_byte_range(&open.doc.rope, range, enc);
                        open.doc.apply(bytes, &change.text);
                    }
                    None => open.doc = Document::new(&change.text, version),
                }
            }
            open.doc.version = version;
            // Back under the limit: analyse it from scratch.
            if open.doc.rope.len_bytes() <= open_limit(self.settings().max_file_size) {
                open.too_large = false;
                open.parsed = parse(&open.doc.rope);
                open.dirty = Some(0..open.doc.rope.len_bytes());
            }
            return Ok(());
        }
        for change in changes {
            match change.range {
                Some(range) => {
                    let bytes = to_byte_range(&open.doc.rope, range, enc);
                    let edit = open.doc.apply(bytes, &change.text);
                    let old = std::mem::take(&mut open.parsed);
                    open.parsed = reparse(old, &open.doc.rope, &edit);
                    track_secrets(open, &edit);
                }
                None => {
                    open.doc = Document::new(&change.text, version);
                    open.parsed = parse(&open.doc.rope);
                    open.secrets.clear();
                    open.dirty = Some(0..change.text.len());
                }
            }
        }
        open.doc.version = version;
        Ok(())
    }

    /// Closes a document: the index goes back to what is on disk.
    pub fn close(&self, uri: &Uri) -> Option<PathBuf> {
        let (_, open) = self.docs.remove(uri)?;
        self.generations.remove(uri);
        let path = open.path?;
        // A refresh still indexing the open text finishes first.
        let _synced = open.sync.lock().unwrap_or_else(|p| p.into_inner());
        self.reload_from_disk(&path);
        Some(path)
    }

    pub fn reload_from_disk(&self, path: &Path) {
        if path.ends_with(ALLOWLIST) {
            self.ws.reload_allowlists();
            return;
        }
        self.local.forget(path);
        let base = find_root(path).unwrap_or_default();
        if !path.exists() || !self.ws.filter().selects(&base, path) {
            self.ws.remove(path);
            return;
        }
        match read_limited(path, self.settings().max_file_size) {
            Ok(text) => self.ws.upsert_file(path.to_path_buf(), text),
            Err(WalkError::Binary) => {
                self.ws.remove(path);
            }
            Err(e) => self.ws.mark_skipped(path.to_path_buf(), e),
        }
    }

    pub fn is_open_path(&self, path: &Path) -> bool {
        convert::uri_of(path).is_some_and(|u| self.docs.contains_key(&u))
    }

    /// Pushes the open document's current text into the index, re-scanning
    /// for secrets only the region edited since the last push. Returns the
    /// index entry and the document version it reflects.
    pub fn sync_open(&self, uri: &Uri) -> Option<(Indexed, i32)> {
        let sync = self.docs.get(uri)?.sync.clone();
        let _synced = sync.lock().unwrap_or_else(|p| p.into_inner());
        let (path, text, parsed, version, secrets) = {
            let mut open = self.docs.get_mut(uri)?;
            let path = open.path.clone()?;
            if open.too_large {
                let size = open.doc.rope.len_bytes() as u64;
                let limit = open_limit(self.settings().max_file_size) as u64;
                drop(open);
                self.ws.mark_skipped(path, WalkError::TooLarge { size, limit });
                return None;
            }
            if let Some(dirty) = open.dirty.take() {
                // Scan a window of lines around the edit, wider than the
                // scanner's own context, instead of copying the document.
                let rope = &open.doc.rope;
                let len = rope.len_bytes();
                let first = rope.byte_to_line(dirty.start.min(len)).saturating_sub(WINDOW_LINES);
                let last = (rope.byte_to_line(dirty.end.min(len)) + WINDOW_LINES + 1).min(rope.len_lines());
                let (ws, we) = (rope.line_to_byte(first), rope.line_to_byte(last));
                let window = rope.byte_slice(ws..we).to_string();
                let changed = dirty.start.clamp(ws, we) - ws..dirty.end.clamp(ws, we) - ws;
                let (region, found) = Scanner::shared().scan_region(&path, &window, changed);
                let region = region.start + ws..region.end + ws;
                open.secrets.retain(|s| s.range.end <= region.start || s.range.start >= region.end);
                open.secrets.extend(found.into_iter().map(|mut f| {
                    f.range = f.range.start + ws..f.range.end + ws;
                    f
                }));
                open.secrets.sort_by_key(|s| s.range.start);
            }
            let rope = SourceText::Rope(open.doc.rope.clone());
            (path, rope, open.parsed.clone(), open.doc.version, open.secrets.clone())
        };
        let entry = if is_spec_path(&path) {
            Indexed::Spec(self.ws.upsert_scanned(path, text, parsed, secrets))
        } else {
            Indexed::Iac(self.ws.upsert_iac(path, text, Some(secrets)))
        };
        Some((entry, version))
    }

    /// The indexed file at `path`, spec or IaC.
    pub fn indexed(&self, path: &Path) -> Option<Indexed> {
        self.ws.get(path).map(Indexed::Spec).or_else(|| self.ws.get_iac(path).map(Indexed::Iac))
    }

    // --- diagnostics -----------------------------------------------------

    pub fn findings(&self, entry: &Indexed) -> Vec<Finding> {
        match entry {
            Indexed::Spec(e) => checks::check_entry_cached(e, &self.ws, &self.local),
            Indexed::Iac(e) => checks::check_iac(e, &self.ws),
        }
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

    /// Replaces the settings (and what was derived from them).
    pub fn set_settings(&self, s: Settings) {
        *self.settings.write().unwrap_or_else(|p| p.into_inner()) = s;
        self.hrefs.clear();
    }

    /// Diagnostics of an indexed file, positioned against the indexed text.
    pub fn diagnostics_of(&self, entry: &Indexed) -> Vec<lsp::Diagnostic> {
        self.to_diagnostics(entry, self.findings(entry))
    }

    fn to_diagnostics(&self, entry: &Indexed, findings: Vec<Finding>) -> Vec<lsp::Diagnostic> {
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
        let before = uri.to_file_path().and_then(|p| self.ws.get(&p));
        let before_iac = uri.to_file_path().and_then(|p| self.ws.get_iac(&p));
        let Some((entry, version)) = self.sync_open(uri) else {
            // Not analysed (too large): say so.
            if let Some(p) = uri.to_file_path().and_then(|p| self.refresh_path(&p)) {
                sink(p);
            }
            return;
        };
        // The document just changed: its per-file findings are new, so the
        // cache would only be written, at a copy per keystroke.
        let findings = match &entry {
            Indexed::Spec(e) => checks::check_entry(e, &self.ws),
            Indexed::Iac(_) => self.findings(&entry),
        };
        let diagnostics = self.to_diagnostics(&entry, findings);
        if let Some(p) = self.if_changed(uri.clone(), diagnostics, Some(version)) {
            sink(p);
        }
        if let Indexed::Iac(iac) = &entry {
            // Stack specs compare their pins with this file's.
            let changed = match &before_iac {
                Some(b) => b.pins != iac.pins,
                None => !iac.pins.is_empty(),
            };
            if changed {
                self.refresh_paths_into(smaqit_core::checks::drift::counterparts(&iac.path, &self.ws), sink);
            }
        }
        if let Indexed::Spec(spec) = &entry {
            // Other files only see a spec's interface (ID, status, criteria,
            // what it names); a keystroke in prose leaves them alone.
            if before.as_ref().is_some_and(|b| b.interface == spec.interface) {
                return;
            }
            let mut neighbours = self.neighbours(spec);
            // The old version's neighbours differ only if what it defines or
            // names changed (not for a status edit, the common case).
            if let Some(b) = before.as_ref().filter(|b| !same_edges(b, spec)) {
                neighbours.extend(self.neighbours(b));
            }
            neighbours.extend(smaqit_core::checks::drift::counterparts(&spec.spec.path, &self.ws));
            neighbours.remove(&spec.spec.path);
            self.refresh_paths_into(neighbours.into_iter().collect(), sink);
        }
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
        let mut out: Vec<Publish> = self.refresh_path(path).into_iter().collect();
        let mut others = HashSet::new();
        for e in before.iter().chain(self.ws.get(path).iter()) {
            others.extend(self.neighbours(e));
        }
        if before_iac.is_some() || self.ws.get_iac(path).is_some() || before.is_some() {
            others.extend(smaqit_core::checks::drift::counterparts(path, &self.ws));
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
                Some((_, why)) => skipped_diagnostic(&why).into_iter().collect(),
                None => Vec::new(),
            },
        };
        self.if_changed(uri, diagnostics, version)
    }

    /// Other files whose findings may change with this one: duplicates of
    /// its IDs, files referring to it, and (for Coverage specs) the specs it
    /// maps, whose coverage gaps depend on it.
    fn neighbours(&self, entry: &FileEntry) -> HashSet<PathBuf> {
        // Hashed, not ordered: a hub has thousands of referrers and path
        // comparison walks components.
        let mut out = HashSet::new();
        for c in entry.spec.criteria() {
            out.extend(self.ws.criterion_definitions(&c.id).into_iter().map(|(p, _)| p));
            out.extend(self.ws.referrers(&c.id));
        }
        if let Some(id) = entry.spec.id() {
            out.extend(self.ws.by_id(id).into_iter().map(|e| e.spec.path.clone()));
            out.extend(self.ws.referrers(id));
        }
        if entry.spec.layer == Some(smaqit_core::model::Layer::Coverage) {
            for m in entry.spec.doc.mentions() {
                out.extend(self.ws.criterion_definitions(&m.id).into_iter().map(|(p, _)| p));
            }
        }
        out.remove(&entry.spec.path);
        out
    }

    /// The publish for `uri`, unless it repeats the last one.
    fn if_changed(&self, uri: Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) -> Option<Publish> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        diagnostics.iter().for_each(|d| convert::hash_diagnostic(d, &mut h));
        // An open document's diagnostics are tied to its version: each
        // version is published once, even when nothing else changed (also
        // after a concurrent refresh tagged the same findings with an older
        // version).
        version.hash(&mut h);
        let hash = h.finish();
        if self.published.insert(uri.clone(), hash) == Some(hash) {
            return None;
        }
        Some(Publish { uri, diagnostics, version, hash })
    }

    /// Whether `p` is still what was last decided for its file. Refreshes
    /// run concurrently (an edit's, a file event's, the initial one): one
    /// computed earlier may reach the client after one computed later, and
    /// must then not be sent.
    pub fn is_latest(&self, uri: &Uri, hash: u64) -> bool {
        self.published.get(uri).is_some_and(|h| *h == hash)
    }

    /// The publish that clears a file's diagnostics (it was deleted).
    pub fn cleared(&self, uri: &Uri) -> Option<Publish> {
        self.if_changed(uri.clone(), Vec::new(), None)
    }

    /// Every indexed file, specs first.
    pub fn all_indexed(&self) -> Vec<Indexed> {
        let mut v: Vec<Indexed> = self.ws.specs().into_iter().map(Indexed::Spec).collect();
        v.extend(self.ws.iac_files().into_iter().map(Indexed::Iac));
        v
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

    // --- code actions ----------------------------------------------------

    /// Code actions for a range of a document, with versioned edits.
    pub fn code_actions(&self, params: &lsp::CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let enc = self.enc();
        let Some(path) = uri.to_file_path().map(|p| p.into_owned()) else { return Vec::new() };
        if let Some(open) = self.docs.get(uri) {
            let version = Some(open.doc.version);
            let lines: &dyn Lines = &open.doc.rope;
            let mut out = self.secret_actions(uri, &path, version, lines, params);
            if is_spec_path(&path) {
                let spec = Spec::new(path.clone(), find_root(&path), open.parsed.clone());
                let range = to_byte_range(lines, params.range, enc);
                let actions = self.actions_for(&spec, range, params);
                out.extend(actions.into_iter().map(|a| to_code_action(a, uri, version, lines, enc, params)));
                drop(open);
                out.extend(self.upstream_action(&spec, params));
            }
            return out;
        }
        let Some(entry) = self.indexed(&path) else { return Vec::new() };
        entry.with_lines(|lines| {
            let mut out = self.secret_actions(uri, &path, None, lines, params);
            if let Indexed::Spec(e) = &entry {
                let range = to_byte_range(lines, params.range, enc);
                let actions = self.actions_for(&e.spec, range, params);
                out.extend(actions.into_iter().map(|a| to_code_action(a, uri, None, lines, enc, params)));
                out.extend(self.upstream_action(&e.spec, params));
            }
            out
        })
    }

    /// "Also move upstream specs to deployed/validated" on a spec that is.
    fn upstream_action(&self, spec: &Spec, params: &lsp::CodeActionParams) -> Option<CodeActionOrCommand> {
        let wanted = params.context.only.as_ref().is_none_or(|o| {
            o.iter()
                .any(|k| CodeActionKind::SOURCE.as_str().starts_with(k.as_str()) || k.as_str().starts_with("refactor"))
        });
        if !wanted {
            return None;
        }
        let edits = smaqit_core::navigation::upstream_to(&self.ws, spec, &timestamp::now());
        if edits.is_empty() {
            return None;
        }
        let status = spec.status()?;
        Some(CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: format!("Also move the {} upstream spec(s) it references to `{status}`", edits.len()),
            kind: Some(CodeActionKind::REFACTOR_REWRITE),
            edit: Some(self.multi_file_edit(&edits)),
            ..Default::default()
        }))
    }

    /// Quick fixes for the `secret/*` diagnostics the client sent back:
    /// replace the literal with a reference (and list the name in the
    /// project's Secrets Management table), or allow the value in the project.
    fn secret_actions(
        &self,
        uri: &Uri,
        path: &Path,
        version: Option<i32>,
        lines: &dyn Lines,
        params: &lsp::CodeActionParams,
    ) -> Vec<CodeActionOrCommand> {
        let enc = self.enc();
        let mut out = Vec::new();
        let only = params.context.only.as_ref();
        if only.is_some_and(|o| !o.iter().any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))) {
            return out;
        }
        for d in &params.context.diagnostics {
            let Some(lsp::NumberOrString::String(code)) = &d.code else { continue };
            let Some(detector) = code.strip_prefix("secret/") else { continue };
            let Some(name) = d.data.as_ref().and_then(|v| v.get("suggestion")).and_then(|v| v.as_str()) else {
                continue;
            };
            let bytes = to_byte_range(lines, d.range, enc);
            let replace = lsp::TextEdit { range: d.range, new_text: actions::secrets::reference(name) };
            let mut changes = vec![DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri: uri.clone(), version },
                edits: vec![OneOf::Left(replace)],
            })];
            let root = find_root(path);
            let mut title = format!("Replace with ${{secrets.{name}}}");
            if let Some((table_edit, spec_name)) =
                root.as_deref().and_then(|r| self.secrets_table_edit(r, name, detector))
            {
                title.push_str(&format!(" and list {name} in {spec_name}"));
                changes.push(DocumentChangeOperation::Edit(table_edit));
            }
            out.push(CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(WorkspaceEdit {
                    document_changes: Some(DocumentChanges::Operations(changes)),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }));
            if let Some(root) = root {
                let value = lines_slice(lines, &bytes);
                if let Some(edit) = allowlist_edit(&root, &smaqit_secrets::fingerprint(&value), detector, enc) {
                    out.push(CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: "Ignore this value in the project (fingerprint in .smaqit/secrets-allowlist)".into(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![d.clone()]),
                        edit: Some(edit),
                        ..Default::default()
                    }));
                }
            }
        }
        out
    }

    /// The Secrets Management row for `name` in the project's first
    /// Infrastructure spec that has such a table, versioned if it is open.
    fn secrets_table_edit(&self, root: &Path, name: &str, detector: &str) -> Option<(TextDocumentEdit, String)> {
        let enc = self.enc();
        let kind = detector.replace('-', " ");
        for e in self.ws.specs().into_iter().filter(|e| e.spec.layer == Some(smaqit_core::model::Layer::Infrastructure))
        {
            if e.spec.root.as_deref() != Some(root) {
                continue;
            }
            let uri = convert::uri_of(&e.spec.path)?;
            let file = e.spec.path.file_name().map_or(String::new(), |f| f.to_string_lossy().into_owned());
            // An open document is edited as the user sees it, not as indexed.
            let made = if let Some(open) = self.docs.get(&uri) {
                let spec = Spec::new(e.spec.path.clone(), Some(root.to_path_buf()), open.parsed.clone());
                let text = open.doc.text();
                actions::secrets::secrets_table_row(&spec, &text, name, &kind)
                    .map(|edit| versioned_edit_one(&uri, Some(open.doc.version), &open.doc.rope, enc, &edit))
            } else {
                let text = e.text.as_str();
                actions::secrets::secrets_table_row(&e.spec, &text, name, &kind)
                    .map(|edit| with_cached_lines(&e.text, &e.lines, |l| versioned_edit_one(&uri, None, l, enc, &edit)))
            };
            if let Some(edit) = made {
                return Some((edit, file));
            }
        }
        None
    }

    fn actions_for(&self, spec: &Spec, range: std::ops::Range<usize>, params: &lsp::CodeActionParams) -> Vec<Action> {
        let now = timestamp::now();
        let mut out = Vec::new();
        let only = params.context.only.as_ref();
        let wants = |k: &CodeActionKind| only.is_none_or(|o| o.iter().any(|w| k.as_str().starts_with(w.as_str())));
        // Fixes for the diagnostics the client sent back.
        for d in &params.context.diagnostics {
            let code = match &d.code {
                Some(lsp::NumberOrString::String(s)) => s.as_str(),
                _ => continue,
            };
            match code {
                "frontmatter/unknown-status" => {
                    let suggestion = d.data.as_ref().and_then(|v| v.get("suggestion")).and_then(|v| v.as_str());
                    if let (Some(s), Some(edit)) =
                        (suggestion, suggestion.and_then(|s| actions::replace_status(spec, s)))
                    {
                        out.push(fix(format!("Change status to `{s}`"), code, vec![edit]));
                    }
                }
                "frontmatter/missing-timestamp" => {
                    if let Some(edit) = actions::insert_timestamp(spec, &now) {
                        out.push(fix("Insert the missing timestamp (now)".into(), code, vec![edit]));
                    }
                }
                _ => {}
            }
        }
        let in_frontmatter = spec.doc.frontmatter.as_ref().is_some_and(|f| range.start <= f.range.end);
        let source_requested = only.is_some_and(|o| o.iter().any(|k| k.as_str().starts_with("source")));
        if in_frontmatter || source_requested {
            for mut a in actions::transition_actions(spec, &now) {
                // Asked for as source actions, they are source actions.
                if !in_frontmatter || source_requested {
                    a.kind = ActionKind::Source;
                }
                out.push(a);
            }
        }
        out.extend(actions::criterion_actions(spec, range.start));
        if let Some(a) = actions::mark_all_satisfied(spec) {
            out.push(a);
        }
        out.retain(|a| wants(&kind_of(a.kind)));
        out
    }

    /// Edits for a status transition requested by command (editors' status
    /// pickers), versioned against the open document.
    pub fn transition_edit(&self, uri: &Uri, to: Status) -> Option<WorkspaceEdit> {
        let enc = self.enc();
        let open = self.docs.get(uri)?;
        let path = open.path.clone()?;
        let spec = Spec::new(path.clone(), find_root(&path), open.parsed.clone());
        let edits = actions::transition(&spec, to, &timestamp::now())?;
        Some(versioned_edit(uri, Some(open.doc.version), &open.doc.rope, enc, &edits))
    }
}

/// Whether two versions of a spec have the same neighbours: same ID and
/// layer, same criteria, same IDs named.
fn same_edges(a: &FileEntry, b: &FileEntry) -> bool {
    a.spec.id() == b.spec.id()
        && a.spec.layer == b.spec.layer
        && a.spec.doc.ids_hash() == b.spec.doc.ids_hash()
        && a.spec.criteria().map(|c| c.id).eq(b.spec.criteria().map(|c| c.id))
}

pub fn versioned_edit_one(
    uri: &Uri,
    version: Option<i32>,
    lines: &dyn Lines,
    enc: Encoding,
    e: &actions::TextEdit,
) -> TextDocumentEdit {
    TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier { uri: uri.clone(), version },
        edits: vec![OneOf::Left(lsp::TextEdit { range: to_range(lines, &e.range, enc), new_text: e.new_text.clone() })],
    }
}

/// The text of a byte range, read through line access.
fn lines_slice(lines: &dyn Lines, range: &Range<usize>) -> String {
    let (first, last) = (lines.line_of(range.start), lines.line_of(range.end));
    let mut out = String::new();
    for l in first..=last.min(lines.line_count().saturating_sub(1)) {
        let start = lines.line_start(l);
        let text = lines.line_text(l);
        let from = range.start.saturating_sub(start).min(text.len());
        let to = range.end.saturating_sub(start).min(text.len());
        if l > first {
            out.push('\n');
        }
        if from <= to && text.is_char_boundary(from) && text.is_char_boundary(to) {
            out.push_str(&text[from..to]);
        }
    }
    out
}

/// Creates the allowlist if needed and appends the fingerprint to it.
fn allowlist_edit(root: &Path, fingerprint: &str, detector: &str, enc: Encoding) -> Option<WorkspaceEdit> {
    let file = root.join(ALLOWLIST);
    let uri = convert::uri_of(&file)?;
    let existing = std::fs::read_to_string(&file).unwrap_or_default();
    if existing.contains(fingerprint) {
        return None;
    }
    let mut line = actions::secrets::allowlist_line(fingerprint, detector);
    if !existing.is_empty() && !existing.ends_with('\n') {
        line.insert(0, '\n');
    }
    let end = to_range(&StrLines::new(&existing), &(existing.len()..existing.len()), enc);
    let create = DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
        uri: uri.clone(),
        options: Some(CreateFileOptions { overwrite: Some(false), ignore_if_exists: Some(true) }),
        annotation_id: None,
    }));
    let append = DocumentChangeOperation::Edit(TextDocumentEdit {
        text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
        edits: vec![OneOf::Left(lsp::TextEdit { range: end, new_text: line })],
    });
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(vec![create, append])),
        ..Default::default()
    })
}

/// Runs `f` with line access over a text, indexed on the spot.
pub fn with_lines<R>(text: &SourceText, f: impl FnOnce(&dyn Lines) -> R) -> R {
    with_cached_lines(text, &LazyLineIndex::default(), f)
}

/// Runs `f` with line access over `text`, using (and filling) its kept
/// line index. A small rope is a single leaf, whose line counts ropey
/// recomputes on every query: indexing the leaf is cheaper.
pub fn with_cached_lines<R>(text: &SourceText, index: &LazyLineIndex, f: impl FnOnce(&dyn Lines) -> R) -> R {
    match (text.contiguous(), index.get(text), text) {
        (Some(s), Some(i), _) => f(&StrLines::with_index(s, i)),
        (_, _, SourceText::Rope(r)) => f(r),
        // Not reached: a string is always contiguous.
        (_, _, SourceText::Str(s)) => f(&StrLines::new(s)),
    }
}

/// Keeps secret findings in step with an edit: those it touched are dropped
/// and the touched region is marked for a re-scan; those after it move.
fn track_secrets(open: &mut OpenDoc, edit: &smaqit_core::text::Edit) {
    let delta = edit.delta();
    let moved = |o: usize| -> usize {
        if o <= edit.range.start {
            o
        } else if o >= edit.range.end {
            (o as isize + delta) as usize
        } else {
            edit.new_end()
        }
    };
    open.secrets.retain(|s| s.range.end <= edit.range.start || s.range.start >= edit.range.end);
    for s in &mut open.secrets {
        s.range = moved(s.range.start)..moved(s.range.end);
    }
    let touched = edit.range.start..edit.new_end();
    open.dirty = Some(match open.dirty.take() {
        Some(d) => moved(d.start).min(touched.start)..moved(d.end).max(touched.end),
        None => touched,
    });
}

fn fix(title: String, code: &str, edits: Vec<actions::TextEdit>) -> Action {
    Action { title, kind: ActionKind::QuickFix, edits, fixes: Some(code.to_owned()), preferred: true }
}

fn kind_of(k: ActionKind) -> CodeActionKind {
    match k {
        ActionKind::QuickFix => CodeActionKind::QUICKFIX,
        ActionKind::Refactor => CodeActionKind::REFACTOR_REWRITE,
        ActionKind::Source => CodeActionKind::SOURCE,
    }
}

pub fn versioned_edit(
    uri: &Uri,
    version: Option<i32>,
    lines: &dyn Lines,
    enc: Encoding,
    edits: &[actions::TextEdit],
) -> WorkspaceEdit {
    let edits = edits
        .iter()
        .map(|e| OneOf::Left(lsp::TextEdit { range: to_range(lines, &e.range, enc), new_text: e.new_text.clone() }))
        .collect();
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri: uri.clone(), version },
            edits,
        }])),
        ..Default::default()
    }
}

fn to_code_action(
    a: Action,
    uri: &Uri,
    version: Option<i32>,
    lines: &dyn Lines,
    enc: Encoding,
    params: &lsp::CodeActionParams,
) -> CodeActionOrCommand {
    let diagnostics = a.fixes.as_ref().map(|code| {
        params
            .context
            .diagnostics
            .iter()
            .filter(|d| matches!(&d.code, Some(lsp::NumberOrString::String(c)) if c == code))
            .cloned()
            .collect()
    });
    CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: a.title,
        kind: Some(kind_of(a.kind)),
        diagnostics,
        edit: Some(versioned_edit(uri, version, lines, enc, &a.edits)),
        is_preferred: a.preferred.then_some(true),
        ..Default::default()
    })
}

fn skipped_diagnostic(why: &smaqit_core::workspace::WalkError) -> Option<lsp::Diagnostic> {
    let f = checks::skipped(why)?;
    Some(lsp::Diagnostic {
        severity: Some(convert::severity(f.severity)),
        code: Some(lsp::NumberOrString::String(f.code.into())),
        source: Some("smaqit".into()),
        message: f.message,
        ..Default::default()
    })
}

/// The state is shared across tasks and the blocking pool.
#[allow(dead_code)]
fn _assert_send_sync() {
    fn f<T: Send + Sync>() {}
    f::<State>();
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

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

    #[test]
    fn a_publish_decided_before_a_later_one_is_stale() {
        let s = State::new();
        let uri: Uri = "file:///tmp/x/specs/business/a.md".parse().unwrap();
        let d = |m: &str| lsp::Diagnostic { message: m.into(), ..Default::default() };
        let older = s.if_changed(uri.clone(), vec![d("old")], None).unwrap();
        let newer = s.if_changed(uri.clone(), vec![d("new")], None).unwrap();
        assert!(s.is_latest(&uri, newer.hash));
        assert!(!s.is_latest(&uri, older.hash), "computed earlier, must not be sent after the newer one");
        // The same findings for a newer version of an open document are new.
        let v2 = s.if_changed(uri.clone(), vec![d("new")], Some(2)).unwrap();
        assert!(s.if_changed(uri.clone(), vec![d("new")], Some(2)).is_none());
        // A deleted file's clear supersedes everything before it, once.
        let clear = s.cleared(&uri).unwrap();
        assert!(!s.is_latest(&uri, v2.hash) && s.is_latest(&uri, clear.hash));
        assert!(s.cleared(&uri).is_none());
    }
}
