//! The server's state: the index, the open documents, what was negotiated
//! with the client and what was last published. Everything that works on it
//! runs either inside a notification handler before its first `.await`
//! (document edits, so they apply in arrival order) or on the blocking pool.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use dashmap::DashMap;
use smaqit_core::checks;
use smaqit_core::model::is_spec_path;
use smaqit_core::project::{find_root, is_spec_file};
use smaqit_core::text::{LazyLineIndex, SourceText};
use smaqit_core::workspace::{ALLOWLIST, FileEntry, IacEntry, WalkError, Workspace, read_limited};
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use super::documents::{Documents, Snapshot, open_limit};
use super::position::{Encoding, Lines, StrLines};
use super::settings::Settings;

/// An indexed file of either kind.
#[derive(Clone)]
pub enum Indexed {
    Spec(Arc<FileEntry>),
    Iac(Arc<IacEntry>),
}

impl Indexed {
    pub fn path(&self) -> &Path {
        match self {
            Indexed::Spec(e) => &e.spec.path,
            Indexed::Iac(e) => &e.path,
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
    pub docs: Documents,
    pub encoding: OnceLock<Encoding>,
    pub settings: RwLock<Settings>,
    /// The client pulls diagnostics (`textDocument/diagnostic`).
    pub pull: AtomicBool,
    pub roots: RwLock<Vec<PathBuf>>,
    /// Debounce generation per document.
    pub generations: DashMap<Uri, u64>,
    next_generation: AtomicU64,
    /// Hash of what was last published per document, to skip repeats.
    pub(super) published: DashMap<Uri, u64>,
    /// Per-file findings that depend on nothing else, kept between checks.
    pub(super) local: checks::LocalCache,
    /// `codeDescription` links by code (they depend on the docs URL setting).
    pub(super) hrefs: DashMap<String, Option<Uri>>,
    pub indexed: AtomicBool,
    /// Deploys running from this server.
    pub deploys: std::sync::atomic::AtomicUsize,
    /// Cancel flags of running deploys, by progress token.
    pub cancels: DashMap<String, Arc<AtomicBool>>,
}

impl State {
    pub fn new() -> Self {
        State {
            ws: Workspace::new(),
            docs: Documents::default(),
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
            deploys: Default::default(),
            cancels: DashMap::new(),
        }
    }

    pub fn enc(&self) -> Encoding {
        *self.encoding.get().unwrap_or(&Encoding::Utf16)
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Replaces the settings (and what was derived from them).
    pub fn set_settings(&self, s: Settings) {
        *self.settings.write().unwrap_or_else(|p| p.into_inner()) = s;
        self.hrefs.clear();
    }

    pub fn bump_generation(&self, uri: &Uri) -> u64 {
        let g = self.next_generation.fetch_add(1, Ordering::Relaxed);
        self.generations.insert(uri.clone(), g);
        g
    }

    pub fn is_current(&self, uri: &Uri, g: u64) -> bool {
        self.generations.get(uri).is_some_and(|v| *v == g)
    }

    /// The indexed file at `path`, spec or IaC.
    pub fn indexed(&self, path: &Path) -> Option<Indexed> {
        self.ws.get(path).map(Indexed::Spec).or_else(|| self.ws.get_iac(path).map(Indexed::Iac))
    }

    /// Every indexed file, specs first.
    pub fn all_indexed(&self) -> Vec<Indexed> {
        let mut v: Vec<Indexed> = self.ws.specs().into_iter().map(Indexed::Spec).collect();
        v.extend(self.ws.iac_files().into_iter().map(Indexed::Iac));
        v
    }
}

/// Documents and the index: how an open document's text reaches the
/// index, and goes back to the disk's when it is closed.
impl State {
    /// Opens a document (`didOpen`).
    pub fn open(&self, uri: Uri, text: &str, version: i32) {
        self.docs.open(uri, text, version, open_limit(self.settings().max_file_size));
    }

    /// Applies a `didChange`, in order, before any `.await`.
    pub fn change(&self, uri: &Uri, version: i32, changes: Vec<TextDocumentContentChangeEvent>) -> Result<(), String> {
        self.docs.change(uri, version, changes, self.enc(), open_limit(self.settings().max_file_size))
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

    /// Re-reads a closed file into the index (or out of it).
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
        match self.docs.snapshot(uri)? {
            Snapshot::TooLarge { path, size } => {
                let limit = open_limit(self.settings().max_file_size) as u64;
                self.ws.mark_skipped(path, WalkError::TooLarge { size, limit });
                None
            }
            Snapshot::Text { path, text, parsed, version, secrets } => {
                let entry = if is_spec_path(&path) || is_spec_file(&path, &text.as_str()) {
                    let e = self.ws.upsert_scanned(path, text, parsed, secrets);
                    self.docs.mark_synced(uri, version, &e);
                    Indexed::Spec(e)
                } else {
                    Indexed::Iac(self.ws.upsert_iac(path, text, Some(secrets)))
                };
                Some((entry, version))
            }
        }
    }

    /// The indexed spec at `uri` as the user sees it: synced first when the
    /// document is open and changed since its last sync.
    pub fn current_spec(&self, uri: &Uri) -> Option<Arc<FileEntry>> {
        let path = uri.to_file_path()?.into_owned();
        let indexed = self.ws.get(&path);
        if !self.docs.contains_key(uri) || self.docs.is_synced(uri, indexed.as_ref()) {
            return indexed;
        }
        match self.sync_open(uri)? {
            (Indexed::Spec(e), _) => Some(e),
            _ => None,
        }
    }

    /// Brings every open spec into the index (before a deploy, or an edit
    /// of another file computed from the index).
    pub fn sync_all_open(&self) {
        let open: Vec<Uri> = self.docs.iter().map(|d| d.key().clone()).collect();
        for uri in open {
            self.current_spec(&uri);
        }
    }
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

/// The state is shared across tasks and the blocking pool.
#[allow(dead_code)]
fn _assert_send_sync() {
    fn f<T: Send + Sync>() {}
    f::<State>();
}
