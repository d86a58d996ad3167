//! Which files the index reads: specs and the IaC/config kinds the scanner
//! knows, plus the user's `include` globs, minus the `exclude` globs
//! (both matched against the path relative to the walked folder, and
//! against the whole path).

use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::is_indexed_path;

#[derive(Clone, Debug, Default)]
pub struct FileFilter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl FileFilter {
    /// Builds the filter; a malformed glob is reported, not ignored.
    pub fn new(include: &[String], exclude: &[String]) -> Result<FileFilter, String> {
        Ok(FileFilter { include: set(include)?, exclude: set(exclude)? })
    }

    /// Whether the file at `path` (under the folder `base`) is read.
    pub fn selects(&self, base: &Path, path: &Path) -> bool {
        let rel = path.strip_prefix(base).unwrap_or(path);
        let hit = |s: &Option<GlobSet>| s.as_ref().is_some_and(|s| s.is_match(rel) || s.is_match(path));
        !hit(&self.exclude) && (is_indexed_path(path) || hit(&self.include))
    }

    pub fn is_default(&self) -> bool {
        self.include.is_none() && self.exclude.is_none()
    }
}

fn set(globs: &[String]) -> Result<Option<GlobSet>, String> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g).map_err(|e| format!("glob `{g}`: {e}"))?);
    }
    b.build().map(Some).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_and_exclude() {
        let f = FileFilter::new(&["**/*.conf.tmpl".into()], &["vendor/**".into(), "**/*.tf".into()]).unwrap();
        let base = Path::new("/p");
        assert!(f.selects(base, Path::new("/p/specs/business/a.md")));
        assert!(f.selects(base, Path::new("/p/deploy/app.conf.tmpl")));
        assert!(!f.selects(base, Path::new("/p/vendor/x/.env")));
        assert!(!f.selects(base, Path::new("/p/infra/main.tf")));
        assert!(!f.selects(base, Path::new("/p/src/main.rs")));
        assert!(FileFilter::new(&["[".into()], &[]).is_err());
    }
}
