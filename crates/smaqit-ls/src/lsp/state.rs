//! The server's state: the index, the open documents, what was negotiated
//! with the client and what was last published. Everything that works on it
//! runs either inside a notification handler before its first `.await`
//! (document edits, so they apply in arrival order) or on the blocking pool.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use dashmap::DashMap;
use smaqit_core::checks;
use smaqit_core::text::{LazyLineIndex, SourceText};
use smaqit_core::workspace::{FileEntry, IacEntry, Workspace};
use tower_lsp_server::ls_types::Uri;

use super::documents::OpenDoc;
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
