use std::path::{Path, PathBuf};

/// The project of `path`: the nearest ancestor folder holding `.smaqit/`,
/// as the smaqit CLI finds it. None outside any project (a spec drafted
/// before `smaqit init`): such a file gets only the checks that need no
/// project, and defines no IDs for others.
pub fn find_root(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() { path } else { path.parent()? };
    start.ancestors().find(|dir| dir.join(".smaqit").is_dir()).map(Path::to_path_buf)
}

/// Whether a file is a spec: one at a spec path, or — outside any project,
/// where no layout says what a spec is — a Markdown file (named on the
/// command line, open in an editor) whose frontmatter `id` is a spec ID: a
/// spec drafted before `smaqit init`.
pub fn is_spec_file(path: &Path, text: &str) -> bool {
    if crate::model::is_spec_path(path) {
        return true;
    }
    if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")) || find_root(path).is_some() {
        return false;
    }
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else { return false };
    rest.lines()
        .take_while(|l| l.trim_end() != "---")
        .filter_map(|l| l.strip_prefix("id:"))
        .any(|v| crate::ids::is_spec_id(v.split('#').next().unwrap_or("").trim().trim_matches(['"', '\''])))
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
