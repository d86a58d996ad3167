//! Values the executor resolved before: a rotated secret's old value still
//! appears in later output (`ansible-playbook --diff` prints the line it
//! replaces), though no provider hands it out any more. Each deploy records
//! keyed digests of every form of every value it resolved; later deploys
//! mask any stretch of output whose digest matches. No value is stored:
//! only, per form, its length, a 20-bit bucket of a rolling hash (too little
//! to tell a value by) and a 128-bit keyed BLAKE3 digest.
//!
//! The record lives outside the workspace, readable by its owner only:
//! `$XDG_STATE_HOME/smaqit-ls/seen/<project>` (default `~/.local/state`).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Digests kept per project; the oldest go first.
const MAX_ENTRIES: usize = 4096;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Entry {
    len: usize,
    bucket: u32,
    mac: [u8; 16],
}

/// The record of one project's earlier values.
pub struct Seen {
    file: Option<PathBuf>,
    key: [u8; 32],
    base: u64,
    order: Vec<Entry>,
    by_len: HashMap<usize, HashSet<u32>>,
    macs: HashSet<[u8; 16]>,
}

impl Seen {
    /// An empty record that is never written (tests, or no state folder).
    pub fn none() -> Seen {
        Seen {
            file: None,
            key: random_bytes(),
            base: u64::from_le_bytes(random_bytes::<8>()) | 1,
            order: Vec::new(),
            by_len: HashMap::new(),
            macs: HashSet::new(),
        }
    }

    /// The record of the project at `root` (created when missing).
    pub fn open(root: &Path) -> Seen {
        let Some(file) = record_path(root) else { return Seen::none() };
        let mut seen = Seen::none();
        seen.file = Some(file.clone());
        if let Ok(text) = std::fs::read_to_string(&file) {
            seen.load(&text);
        }
        seen
    }

    fn load(&mut self, text: &str) {
        let mut lines = text.lines();
        let (Some(key), Some(base)) = (lines.next().and_then(hex::<32>), lines.next()) else { return };
        let Ok(base) = base.trim().parse::<u64>() else { return };
        self.key = key;
        self.base = base | 1;
        for l in lines {
            let mut p = l.split_whitespace();
            let (Some(len), Some(bucket), Some(mac)) = (p.next(), p.next(), p.next()) else { continue };
            let (Ok(len), Ok(bucket), Some(mac)) = (len.parse(), bucket.parse(), hex::<16>(mac)) else { continue };
            self.insert(Entry { len, bucket, mac });
        }
    }

    fn insert(&mut self, e: Entry) {
        if self.macs.insert(e.mac) {
            self.by_len.entry(e.len).or_default().insert(e.bucket);
            self.order.push(e);
        }
    }

    /// Records every form of the values of this deploy (written by `save`).
    pub fn remember<'a>(&mut self, forms: impl IntoIterator<Item = &'a str>) {
        for f in forms {
            let b = f.as_bytes();
            let e = Entry { len: b.len(), bucket: bucket(roll(self.base, b)), mac: self.mac(b) };
            self.insert(e);
        }
    }

    /// Writes the record (owner-only), keeping the newest entries.
    pub fn save(&self) {
        let Some(file) = &self.file else { return };
        let keep = &self.order[self.order.len().saturating_sub(MAX_ENTRIES)..];
        let mut text = format!("{}\n{}\n", to_hex(&self.key), self.base);
        for e in keep {
            text.push_str(&format!("{} {} {}\n", e.len, e.bucket, to_hex(&e.mac)));
        }
        if let Some(dir) = file.parent() {
            use std::os::unix::fs::DirBuilderExt;
            let _ = std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir);
        }
        let tmp = file.with_extension("tmp");
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .and_then(|mut f| f.write_all(text.as_bytes()));
        if written.is_ok() {
            let _ = std::fs::rename(&tmp, file);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    fn mac(&self, b: &[u8]) -> [u8; 16] {
        let h = blake3::keyed_hash(&self.key, b);
        let mut out = [0u8; 16];
        out.copy_from_slice(&h.as_bytes()[..16]);
        out
    }

    /// Byte ranges of `line` that are an earlier value (in any of its forms).
    pub fn find(&self, line: &str) -> Vec<std::ops::Range<usize>> {
        let b = line.as_bytes();
        let mut out = Vec::new();
        for (&len, buckets) in &self.by_len {
            if len == 0 || len > b.len() {
                continue;
            }
            // Rolling hash over every window of `len` bytes.
            let top = self.base.wrapping_pow(len as u32 - 1);
            let mut h = roll(self.base, &b[..len]);
            let mut i = 0;
            loop {
                if buckets.contains(&bucket(h)) && self.macs.contains(&self.mac(&b[i..i + len])) {
                    out.push(i..i + len);
                }
                if i + len >= b.len() {
                    break;
                }
                h = h
                    .wrapping_sub(u64::from(b[i]).wrapping_mul(top))
                    .wrapping_mul(self.base)
                    .wrapping_add(u64::from(b[i + len]));
                i += 1;
            }
        }
        out
    }
}

fn roll(base: u64, b: &[u8]) -> u64 {
    b.iter().fold(0u64, |h, &x| h.wrapping_mul(base).wrapping_add(u64::from(x)))
}

fn bucket(h: u64) -> u32 {
    (h >> 44) as u32
}

fn record_path(root: &Path) -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let id = blake3::hash(root.as_os_str().as_encoded_bytes());
    Some(state.join("smaqit-ls/seen").join(to_hex(&id.as_bytes()[..16])))
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    if let Ok(mut f) = std::fs::File::open("/dev/urandom") {
        let _ = std::io::Read::read_exact(&mut f, &mut out);
    }
    out
}

fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.trim();
    if s.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_value_is_found_in_later_output_and_survives_a_reload() {
        let dir = std::env::temp_dir().join(format!("smaqit-seen-{}", std::process::id()));
        let file = dir.join("record");
        let mut s = Seen::none();
        s.file = Some(file.clone());
        s.remember(["Canary-Rotated-3Wm8", "c4n%2Fary"]);
        s.save();
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("Canary") && !text.contains("c4n"), "no value is stored");
        let mode = std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions());
        assert_eq!(mode & 0o777, 0o600);
        let mut again = Seen::none();
        again.load(&text);
        let line = "-password=Canary-Rotated-3Wm8 and url c4n%2Fary/x";
        let found: Vec<&str> = again.find(line).into_iter().map(|r| &line[r]).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.contains(&"Canary-Rotated-3Wm8") && found.contains(&"c4n%2Fary"));
        assert!(again.find("nothing here at all").is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
