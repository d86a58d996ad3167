use std::path::{Path, PathBuf};

/// The project of `path`: the nearest ancestor folder holding `.smaqit/`,
/// as the smaqit CLI finds it. None outside any project (a spec drafted
/// before `smaqit init`): such a file gets only the checks that need no
/// project, and defines no IDs for others.
pub fn find_root(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() { path } else { path.parent()? };
    start.ancestors().find(|dir| dir.join(".smaqit").is_dir()).map(Path::to_path_buf)
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
        assert_eq!(find_root(&tmp.join("b/specs/stack/x.md")), None, "specs/ without .smaqit/ is no project");
        assert_eq!(find_root(&tmp.join("b/other.md")), None);
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}
