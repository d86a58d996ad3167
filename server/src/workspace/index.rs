use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dashmap::DashMap;

use super::walk::{WalkError, WalkOptions, walk};
use crate::checks::WorkspaceView;
use crate::model::{Spec, is_spec_path};
use crate::parse::{ParsedDoc, parse};
use crate::text::SourceText;

/// An indexed spec: its model and the text it was parsed from.
#[derive(Debug)]
pub struct FileEntry {
    pub spec: Spec,
    pub text: SourceText,
}

/// The index. Shared between the LSP's tasks; every map is concurrent.
#[derive(Default)]
pub struct Workspace {
    specs: DashMap<PathBuf, Arc<FileEntry>>,
    by_id: DashMap<String, Vec<PathBuf>>,
    criteria: DashMap<String, Vec<(PathBuf, Range<usize>)>>,
    /// Files the walk had to skip, with why.
    skipped: DashMap<PathBuf, WalkError>,
}

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a spec from its text and (possibly incremental) parse.
    pub fn upsert(&self, path: PathBuf, text: SourceText, doc: ParsedDoc) -> Arc<FileEntry> {
        let root = super::find_root(&path);
        let entry = Arc::new(FileEntry { spec: Spec::new(path.clone(), root, doc), text });
        let old = self.specs.insert(path.clone(), entry.clone());
        self.skipped.remove(&path);
        if let Some(old) = old {
            self.unlink(&old);
        }
        self.link(&entry);
        entry
    }

    /// Parses `text` and indexes it.
    pub fn upsert_text(&self, path: PathBuf, text: Arc<str>) -> Arc<FileEntry> {
        let doc = parse(&*text);
        self.upsert(path, SourceText::Str(text), doc)
    }

    pub fn remove(&self, path: &Path) -> Option<Arc<FileEntry>> {
        self.skipped.remove(path);
        let (_, old) = self.specs.remove(path)?;
        self.unlink(&old);
        Some(old)
    }

    pub fn get(&self, path: &Path) -> Option<Arc<FileEntry>> {
        self.specs.get(path).map(|e| e.clone())
    }

    /// Specs whose frontmatter `id` is `id`.
    pub fn by_id(&self, id: &str) -> Vec<Arc<FileEntry>> {
        let paths = self.by_id.get(id).map(|v| v.clone()).unwrap_or_default();
        paths.iter().filter_map(|p| self.get(p)).collect()
    }

    /// Every indexed spec, sorted by path.
    pub fn specs(&self) -> Vec<Arc<FileEntry>> {
        let mut v: Vec<_> = self.specs.iter().map(|e| e.value().clone()).collect();
        v.sort_by(|a, b| a.spec.path.cmp(&b.spec.path));
        v
    }

    pub fn len(&self) -> usize {
        self.specs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    pub fn skipped(&self) -> Vec<(PathBuf, WalkError)> {
        let mut v: Vec<_> = self.skipped.iter().map(|e| (e.key().clone(), e.value().clone())).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    pub fn mark_skipped(&self, path: PathBuf, why: WalkError) {
        self.remove(&path);
        self.skipped.insert(path, why);
    }

    /// Walks `roots` and indexes every spec below them, parsing on all cores.
    /// Returns the number of specs indexed.
    pub fn index_folders(
        &self,
        roots: &[PathBuf],
        max_file_size: u64,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> usize {
        let files = walk(roots, &WalkOptions { max_file_size, select: is_spec_path });
        let total = files.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        // Hand each thread its files by value, so every file's text is freed
        // as soon as it is indexed (peak memory holds one copy, not two).
        let mut parts: Vec<Vec<_>> = (0..threads).map(|_| Vec::new()).collect();
        for (i, f) in files.into_iter().enumerate() {
            parts[i % threads].push(f);
        }
        std::thread::scope(|scope| {
            for part in parts {
                let done = &done;
                scope.spawn(move || {
                    for f in part {
                        match f.content {
                            Ok(text) => {
                                self.upsert_text(f.path, Arc::from(text));
                            }
                            Err(e) => self.mark_skipped(f.path, e),
                        }
                        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if n.is_multiple_of(64) || n == total {
                            progress(n, total);
                        }
                    }
                });
            }
        });
        total
    }

    fn link(&self, entry: &FileEntry) {
        let path = &entry.spec.path;
        if let Some(id) = entry.spec.id() {
            self.by_id.entry(id.to_owned()).or_default().push(path.clone());
        }
        for c in entry.spec.criteria() {
            self.criteria.entry(c.id.clone()).or_default().push((path.clone(), c.id_range.clone()));
        }
    }

    fn unlink(&self, entry: &FileEntry) {
        let path = &entry.spec.path;
        if let Some(id) = entry.spec.id() {
            remove_where(&self.by_id, id, |p| p == path);
        }
        for c in entry.spec.criteria() {
            remove_where(&self.criteria, &c.id, |(p, _)| p == path);
        }
    }
}

fn remove_where<T>(map: &DashMap<String, Vec<T>>, key: &str, pred: impl Fn(&T) -> bool) {
    let empty = match map.get_mut(key) {
        Some(mut v) => {
            v.retain(|x| !pred(x));
            v.is_empty()
        }
        None => false,
    };
    if empty {
        map.remove_if(key, |_, v| v.is_empty());
    }
}

impl WorkspaceView for Workspace {
    fn criterion_definitions(&self, id: &str) -> Vec<(PathBuf, Range<usize>)> {
        self.criteria.get(id).map(|v| v.clone()).unwrap_or_default()
    }
}
