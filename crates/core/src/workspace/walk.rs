use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

/// A file found by [`walk`], with its contents when it could be read.
#[derive(Debug)]
pub struct WalkedFile {
    pub path: PathBuf,
    pub content: Result<String, WalkError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkError {
    TooLarge {
        size: u64,
        limit: u64,
    },
    Unreadable(String),
    /// Binary content under a text file's name: skipped without a word.
    Binary,
}

impl WalkError {
    /// Why the file was not indexed, for users; None when it is skipped
    /// without a word (binary content). `checks::skipped` makes it a finding.
    pub fn describe(&self) -> Option<String> {
        match self {
            WalkError::TooLarge { size, limit } => {
                Some(format!("file not indexed: {size} bytes is over the {limit}-byte limit (setting maxFileSize)"))
            }
            WalkError::Unreadable(e) => Some(format!("file not indexed: {e}")),
            WalkError::Binary => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct WalkOptions {
    pub max_file_size: u64,
    /// Which files to read; others are not reported.
    pub filter: super::FileFilter,
}

/// Walks `roots` in parallel, honouring `.gitignore` but not skipping hidden
/// files (secrets hide in `.env` and `.github/`); `.git` itself is skipped.
/// Results come in no particular order; callers sort when it matters.
pub fn walk(roots: &[PathBuf], opts: &WalkOptions) -> Vec<WalkedFile> {
    let Some((first, rest)) = roots.split_first() else { return Vec::new() };
    let mut builder = WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    builder
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| e.file_name() != ".git" && e.file_name() != "node_modules" && e.file_name() != "target");
    let out = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        let out = &out;
        let opts = opts.clone();
        Box::new(move |entry| {
            let Ok(entry) = entry else { return WalkState::Continue };
            if !entry.file_type().is_some_and(|t| t.is_file())
                || !opts.filter.selects(&base_of(entry.path()), entry.path())
            {
                return WalkState::Continue;
            }
            let content = read_limited(entry.path(), opts.max_file_size);
            if content == Err(WalkError::Binary) {
                return WalkState::Continue;
            }
            out.lock().unwrap_or_else(|p| p.into_inner()).push(WalkedFile { path: entry.into_path(), content });
            WalkState::Continue
        })
    });
    out.into_inner().unwrap_or_else(|p| p.into_inner())
}

/// The project folder a walked file belongs to, for relative globs.
fn base_of(path: &Path) -> PathBuf {
    crate::project::find_root(path).unwrap_or_default()
}

/// Reads a file as UTF-8 unless it is larger than `limit`.
pub fn read_limited(path: &Path, limit: u64) -> Result<String, WalkError> {
    let meta = std::fs::metadata(path).map_err(|e| WalkError::Unreadable(e.to_string()))?;
    // A FIFO or a device would block the read (or never end): only regular
    // files are read.
    if !meta.is_file() {
        return Err(WalkError::Unreadable("not a regular file".into()));
    }
    let size = meta.len();
    if size > limit {
        return Err(WalkError::TooLarge { size, limit });
    }
    let bytes = std::fs::read(path).map_err(|e| WalkError::Unreadable(e.to_string()))?;
    // NUL bytes mean binary content (skipped quietly); other invalid UTF-8
    // in a text file's name is worth a word.
    if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
        return Err(WalkError::Binary);
    }
    String::from_utf8(bytes).map_err(|_| WalkError::Unreadable("not valid UTF-8".into()))
}
