use std::path::{Path, PathBuf};

use crate::model::layer_of_path;

/// The project root of `path`: the nearest ancestor holding `.smaqit/`;
/// failing that, for a spec, the folder holding its `specs/` folder.
pub fn find_root(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() { path } else { path.parent()? };
    for dir in start.ancestors() {
        if dir.join(".smaqit").is_dir() {
            return Some(dir.to_path_buf());
        }
    }
    if layer_of_path(path).is_some() {
        return Some(path.parent()?.parent()?.parent()?.to_path_buf());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots() {
        let tmp = std::env::temp_dir().join(format!("smaqit-root-{}", std::process::id()));
        std::fs::create_dir_all(tmp.join("a/.smaqit")).unwrap();
        std::fs::create_dir_all(tmp.join("a/specs/stack")).unwrap();
        std::fs::create_dir_all(tmp.join("b/specs/stack")).unwrap();
        assert_eq!(find_root(&tmp.join("a/specs/stack/x.md")), Some(tmp.join("a")));
        assert_eq!(find_root(&tmp.join("b/specs/stack/x.md")), Some(tmp.join("b")));
        assert_eq!(find_root(&tmp.join("b/other.md")), None);
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
