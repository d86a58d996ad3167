//! Listing and reading every spec of a project as the smaqit CLI's
//! `scanSpecs` does: the five layer folders in order, each folder's
//! entries sorted by their bytes, every entry that is not a directory
//! and ends in `.md` (symlinks included, followed when read), and Go's
//! wording for what fails.

use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::read;
use crate::model::Layer;

/// Where `plan` reads a spec's text: the disk, or an editor's buffers
/// over it.
pub trait SpecSource {
    /// The text of `path` (absolute), opened as `os.Open` would.
    fn open(&self, path: &Path) -> std::io::Result<Box<dyn Read + '_>>;
}

/// The files on disk.
pub struct Disk;

impl SpecSource for Disk {
    fn open(&self, path: &Path) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(std::fs::File::open(path)?))
    }
}

/// One spec as the CLI sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scanned {
    pub layer: Layer,
    /// `specs/<layer>/<name>`, the name's bytes as they are.
    pub path: Vec<u8>,
    /// `UNKNOWN` for a broken spec.
    pub id: Vec<u8>,
    /// `draft` for a broken spec; otherwise verbatim (`Draft`, `draft\n`…).
    pub status: Vec<u8>,
}

/// Go's text for an OS error: the C library's message with a lower-case
/// first letter (`no such file or directory`), as `syscall.Errno` prints.
pub fn go_errno(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" (os error ") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut c = text.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Every spec under `root`, warning (`warn`) about each broken one as it
/// goes; `Err` is the `Error scanning specs: …` of a layer folder that
/// exists but cannot be listed.
pub fn scan(root: &Path, source: &dyn SpecSource, warn: &mut dyn FnMut(&[u8])) -> Result<Vec<Scanned>, Vec<u8>> {
    let mut specs = Vec::new();
    for layer in Layer::ALL {
        let rel = format!("specs/{}", layer.folder());
        let dir = root.join(&rel);
        match std::fs::metadata(&dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            _ => {}
        }
        let mut names = list(&dir, &rel)?;
        names.sort();
        for name in names {
            let mut path = format!("{rel}/").into_bytes();
            path.extend_from_slice(&name);
            let abs = dir.join(std::ffi::OsStr::from_bytes(&name));
            let read = match source.open(&abs) {
                Ok(r) => read::frontmatter(r),
                Err(e) => {
                    let mut msg = b"opening file: open ".to_vec();
                    msg.extend_from_slice(&path);
                    msg.extend_from_slice(format!(": {}", go_errno(&e)).as_bytes());
                    Err(msg)
                }
            };
            let (id, status) = match read {
                Ok(f) => (f.id, f.status),
                Err(reason) => {
                    let mut w = "⚠ Warning: ".as_bytes().to_vec();
                    w.extend_from_slice(&path);
                    w.extend_from_slice(b": ");
                    w.extend_from_slice(&reason);
                    w.extend_from_slice(b" (treating as draft)");
                    warn(&w);
                    (b"UNKNOWN".to_vec(), b"draft".to_vec())
                }
            };
            specs.push(Scanned { layer, path, id, status });
        }
    }
    Ok(specs)
}

/// `os.ReadDir` minus directories and names not ending in `.md`.
fn list(dir: &Path, rel: &str) -> Result<Vec<Vec<u8>>, Vec<u8>> {
    let fail = |what: &str, e: &std::io::Error| {
        format!("Error scanning specs: reading {rel}: {what} {rel}: {}", go_errno(e)).into_bytes()
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(it) => it,
        // Go opens without O_DIRECTORY: a file opens, and listing it fails.
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory && std::fs::metadata(dir).is_ok() => {
            return Err(fail("readdirent", &e));
        }
        Err(e) => return Err(fail("open", &e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| fail("readdirent", &e))?;
        let name = entry.file_name().as_bytes().to_vec();
        // The entry's own type: a symlink to a folder is listed.
        if entry.file_type().is_ok_and(|t| t.is_dir()) || !name.ends_with(b".md") {
            continue;
        }
        names.push(name);
    }
    Ok(names)
}
