//! Open documents: the client's text (a rope and its version), kept in step
//! with every `didChange` synchronously, before the handler's first
//! `.await`; its incremental parse; its secret findings, re-scanned only
//! where edits touched. A document's text reaches the index when a check or
//! a request needs it (`sync_open`), never on the keystroke itself.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};

use dashmap::DashMap;
use smaqit_core::parse::{ParsedDoc, parse, reparse};
use smaqit_core::text::{Document, Edit, SourceText};
use smaqit_core::workspace::FileEntry;
use smaqit_secrets::{Scanner, SecretFinding};
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::position::{Encoding, to_byte_range};

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
    /// The index entry the last sync made, and the version it holds: a
    /// request that finds it still indexed need not sync again.
    synced: Option<(i32, Weak<FileEntry>)>,
}

/// Lines around an edit that an open document's secret re-scan reads; the
/// scanner itself looks 40 lines back and 64 ahead for multi-line values.
const WINDOW_LINES: usize = 200;

/// Open documents above this are kept but not analysed (a generous multiple
/// of the on-disk limit, since the user chose to open the file).
pub fn open_limit(max_file_size: u64) -> usize {
    (max_file_size as usize).saturating_mul(8)
}

/// The open documents, by URI.
#[derive(Default)]
pub struct Documents(DashMap<Uri, OpenDoc>);

impl std::ops::Deref for Documents {
    type Target = DashMap<Uri, OpenDoc>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Documents {
    /// Opens a document; above `limit` bytes it is kept but not analysed.
    pub fn open(&self, uri: Uri, text: &str, version: i32, limit: usize) {
        let path = uri.to_file_path().map(|p| p.into_owned());
        let doc = Document::new(text, version);
        let too_large = text.len() > limit;
        let parsed = if too_large { ParsedDoc::default() } else { parse(&doc.rope) };
        let dirty = (!too_large).then_some(0..text.len());
        let sync = Arc::default();
        let open = OpenDoc { doc, parsed, path, secrets: Vec::new(), dirty, too_large, sync, synced: None };
        self.0.insert(uri, open);
    }

    /// Applies changes in order. Refuses (and changes nothing) for an
    /// unknown document or a version not newer than the one held.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        enc: Encoding,
        limit: usize,
    ) -> Result<(), String> {
        let Some(mut open) = self.0.get_mut(uri) else {
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
            if open.doc.rope.len_bytes() <= limit {
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

    /// What an index sync of `uri` needs, with the secrets re-scanned where
    /// edits touched; None for an unknown document or one without a path.
    pub fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let mut open = self.0.get_mut(uri)?;
        let path = open.path.clone()?;
        if open.too_large {
            return Some(Snapshot::TooLarge { path, size: open.doc.rope.len_bytes() as u64 });
        }
        if let Some(dirty) = open.dirty.take() {
            rescan_secrets(&mut open, &path, dirty);
        }
        Some(Snapshot::Text {
            path,
            text: SourceText::Rope(open.doc.rope.clone()),
            parsed: open.parsed.clone(),
            version: open.doc.version,
            secrets: open.secrets.clone(),
        })
    }

    /// Records that `entry` is the index's copy of version `version`.
    pub fn mark_synced(&self, uri: &Uri, version: i32, entry: &Arc<FileEntry>) {
        if let Some(mut open) = self.0.get_mut(uri) {
            open.synced = Some((version, Arc::downgrade(entry)));
        }
    }

    /// Whether `indexed` is the copy of the document's current version.
    pub fn is_synced(&self, uri: &Uri, indexed: Option<&Arc<FileEntry>>) -> bool {
        self.0.get(uri).is_some_and(|open| {
            open.synced.as_ref().is_some_and(|(v, w)| {
                *v == open.doc.version && indexed.is_some_and(|e| std::ptr::eq(w.as_ptr(), Arc::as_ptr(e)))
            })
        })
    }
}

/// An open document as the index takes it.
pub enum Snapshot {
    Text {
        path: PathBuf,
        text: SourceText,
        parsed: ParsedDoc,
        version: i32,
        secrets: Vec<SecretFinding>,
    },
    /// Over the size limit: not analysed.
    TooLarge {
        path: PathBuf,
        size: u64,
    },
}

/// Re-scans a window of lines around the edited region, wider than the
/// scanner's own context, instead of copying the document.
fn rescan_secrets(open: &mut OpenDoc, path: &Path, dirty: Range<usize>) {
    let rope = &open.doc.rope;
    let len = rope.len_bytes();
    let first = rope.byte_to_line(dirty.start.min(len)).saturating_sub(WINDOW_LINES);
    let last = (rope.byte_to_line(dirty.end.min(len)) + WINDOW_LINES + 1).min(rope.len_lines());
    let (ws, we) = (rope.line_to_byte(first), rope.line_to_byte(last));
    let window = rope.byte_slice(ws..we).to_string();
    let changed = dirty.start.clamp(ws, we) - ws..dirty.end.clamp(ws, we) - ws;
    let (region, found) = Scanner::shared().scan_region(path, &window, changed);
    let region = region.start + ws..region.end + ws;
    open.secrets.retain(|s| s.range.end <= region.start || s.range.start >= region.end);
    open.secrets.extend(found.into_iter().map(|mut f| {
        f.range = f.range.start + ws..f.range.end + ws;
        f
    }));
    open.secrets.sort_by_key(|s| s.range.start);
}

/// Keeps secret findings in step with an edit: those it touched are dropped
/// and the touched region is marked for a re-scan; those after it move.
fn track_secrets(open: &mut OpenDoc, edit: &Edit) {
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
