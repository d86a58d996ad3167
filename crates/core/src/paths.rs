//! Paths as the rest of the engine names them: the one place that turns a
//! path into the forward-slash form users read (reports, messages, `plan`,
//! `check` output) and resolves relative links without touching the disk.

use std::path::{Component, Path, PathBuf};

/// Removes `.` and `..` components without touching the file system.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// A path with forward slashes, whatever the platform.
pub fn slash(p: &Path) -> String {
    let parts: Vec<_> = p.components().map(|c| c.as_os_str().to_string_lossy()).collect();
    let joined = parts.join("/");
    // `components` yields the root as its own part: "/" then "a" → "//a".
    joined.strip_prefix("//").map_or(joined.clone(), |rest| format!("/{rest}"))
}

/// `path` relative to the project `root` (itself when outside it), with
/// forward slashes: how messages, reports and `plan` name a file.
pub fn relative_to_root(root: &Path, path: &Path) -> String {
    slash(path.strip_prefix(root).unwrap_or(path))
}

/// `to` relative to the folder `from`, with forward slashes: the target of
/// a Markdown link written in a file of `from`.
pub fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<_> = normalize(from).components().map(|c| c.as_os_str().to_owned()).collect();
    let to_c: Vec<_> = normalize(to).components().map(|c| c.as_os_str().to_owned()).collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_owned(), from.len() - common).collect();
    parts.extend(to_c[common..].iter().map(|c| c.to_string_lossy().into_owned()));
    parts.join("/")
}

/// Where a relative link written in `file` points (fragment removed);
/// None for URLs and empty targets.
pub fn link_target(file: &Path, target: &str) -> Option<PathBuf> {
    let target = target.split('#').next().unwrap_or("");
    if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
        return None;
    }
    Some(normalize(&file.parent().unwrap_or(Path::new("")).join(target)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_spelling_of_paths() {
        assert_eq!(normalize(Path::new("/p/specs/stack/../business/./a.md")), Path::new("/p/specs/business/a.md"));
        assert_eq!(relative(Path::new("/p/specs/stack"), Path::new("/p/specs/business/a.md")), "../business/a.md");
        assert_eq!(relative_to_root(Path::new("/p"), Path::new("/p/specs/stack/a.md")), "specs/stack/a.md");
        assert_eq!(relative_to_root(Path::new("/q"), Path::new("/p/a.md")), "/p/a.md");
        assert_eq!(slash(Path::new("a/b")), "a/b");
        assert_eq!(
            link_target(Path::new("/p/specs/stack/a.md"), "../business/b.md#x"),
            Some(PathBuf::from("/p/specs/business/b.md"))
        );
        assert_eq!(link_target(Path::new("/p/a.md"), "https://x/y.md"), None);
        assert_eq!(link_target(Path::new("/p/a.md"), "#anchor"), None);
    }
}
