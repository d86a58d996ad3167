//! Checks: pure functions from the model (and the workspace index) to
//! [`Finding`]s. One module per family; every code is listed in
//! [`catalogue::CATALOGUE`] and documented in `docs/diagnostics.md`.

mod boundary;
pub mod catalogue;
mod coverage;
mod criteria;
mod direction;
pub mod drift;
mod environments;
mod finding;
#[cfg(test)]
pub(crate) mod fixture;
mod foundation;
mod frontmatter;
mod ids;
mod lifecycle;
mod links;
pub mod policy;
pub mod secrets;
mod settings;
mod suggest;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};

use dashmap::DashMap;

use crate::model::Spec;
use crate::text::SourceText;
use crate::workspace::{FileEntry, IacEntry, Workspace};

pub use catalogue::{CATALOGUE, Code};
pub use finding::{Finding, Related, Severity};

/// The codes, by name: `code::REF_UNKNOWN_ID`.
pub use catalogue as code;

/// All findings of an indexed spec: the spec checks plus its secrets.
pub fn check_entry(entry: &FileEntry, ws: &Workspace) -> Vec<Finding> {
    let out = local_findings(&entry.spec, &entry.text);
    finish_entry(entry, ws, out)
}

/// [`check_entry`], with the findings that depend on the file alone taken
/// from `cache` when this version of the file was checked before: when a
/// hub spec changes, its referrers only re-run the cross-file checks.
pub fn check_entry_cached(entry: &Arc<FileEntry>, ws: &Workspace, cache: &LocalCache) -> Vec<Finding> {
    let out = cache.get_or_compute(entry).to_vec();
    finish_entry(entry, ws, out)
}

fn finish_entry(entry: &FileEntry, ws: &Workspace, mut out: Vec<Finding>) -> Vec<Finding> {
    let root = entry.spec.root.as_deref();
    let policy = ws.policy(root);
    if root.is_some_and(|r| policy.excludes(r, &entry.spec.path)) {
        return Vec::new();
    }
    cross_file_findings(&entry.spec, &entry.text, ws, &mut out);
    if !entry.secrets.is_empty() {
        // Not cached: the project allowlist can change under a file.
        let allow = allowlist_for(&entry.spec.path, ws);
        secrets::check(&entry.text.as_str(), &entry.secrets, &allow, &mut out);
    }
    let mut out = policy::apply(out, &entry.text.as_str(), Some(&policy.config));
    sort(&mut out);
    out
}

/// Findings of each file's last version that depend on nothing else.
#[derive(Default)]
pub struct LocalCache {
    /// The entry is held weakly: compared by identity, never kept alive.
    map: DashMap<PathBuf, (Weak<FileEntry>, Arc<[Finding]>)>,
}

impl LocalCache {
    fn get_or_compute(&self, entry: &Arc<FileEntry>) -> Arc<[Finding]> {
        let path = &entry.spec.path;
        if let Some(hit) = self.map.get(path)
            && hit.0.as_ptr() == Arc::as_ptr(entry)
        {
            return hit.1.clone();
        }
        let found: Arc<[Finding]> = local_findings(&entry.spec, &entry.text).into();
        self.map.insert(path.clone(), (Arc::downgrade(entry), found.clone()));
        found
    }

    /// Drops what is kept for a file that left the index.
    pub fn forget(&self, path: &Path) {
        self.map.remove(path);
    }
}

/// The finding on a file the index had to skip (too large, unreadable);
/// None for one skipped without a word (binary content).
pub fn skipped(why: &crate::workspace::WalkError) -> Option<Finding> {
    use crate::workspace::WalkError;
    let c = match why {
        WalkError::TooLarge { .. } => code::WORKSPACE_FILE_TOO_LARGE,
        WalkError::Unreadable(_) => code::WORKSPACE_UNREADABLE,
        WalkError::Binary => return None,
    };
    Some(Finding::new(c, 0..0, why.describe()?))
}

/// All findings of an indexed IaC/config file.
pub fn check_iac(entry: &IacEntry, ws: &Workspace) -> Vec<Finding> {
    let root = entry.root.as_deref();
    let policy = ws.policy(root);
    if root.is_some_and(|r| policy.excludes(r, &entry.path)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    environments::check(entry, &mut out);
    settings::check(entry, &mut out);
    drift::check_iac(entry, ws, &mut out);
    if !entry.secrets.is_empty() {
        let allow = allowlist_for(&entry.path, ws);
        out.extend(secrets::check_file(&entry.path, &entry.text.as_str(), &entry.secrets, &allow));
    }
    let mut out = policy::apply(out, &entry.text.as_str(), Some(&policy.config));
    sort(&mut out);
    out
}

fn allowlist_for(path: &Path, ws: &Workspace) -> std::sync::Arc<std::collections::HashSet<String>> {
    match crate::project::find_root(path) {
        Some(root) => ws.allowlist(&root),
        None => Default::default(),
    }
}

fn sort(out: &mut [Finding]) {
    out.sort_by(|a, b| a.range.start.cmp(&b.range.start).then_with(|| a.code.cmp(b.code)));
}

/// Findings that depend on the file alone.
fn local_findings(spec: &Spec, text: &SourceText) -> Vec<Finding> {
    let mut out = Vec::new();
    frontmatter::check(spec, &mut out);
    criteria::check_local(spec, &mut out);
    foundation::missing_section(spec, &mut out);
    foundation::orphan_foundation(spec, text, &mut out);
    boundary::check(spec, text, &mut out);
    out
}

/// Findings that depend on other files, through the index.
fn cross_file_findings(spec: &Spec, text: &SourceText, ws: &Workspace, out: &mut Vec<Finding>) {
    if spec.root.is_none() {
        // Outside any project there are no IDs to resolve: only a link to
        // a file that is not there.
        let edges = links::resolve(spec, ws);
        links::check(edges.iter().filter(|e| matches!(e.to, links::Resolution::Broken { .. })), out);
        return;
    }
    criteria::duplicates(spec, ws, out);
    let mut suggester = suggest::Suggester::default();
    if let Some(layer) = spec.layer {
        // Every family that reads the reference graph shares one resolution.
        let edges = links::resolve(spec, ws);
        links::check(edges.iter(), out);
        ids::check(spec, &edges, ws, &mut suggester, out);
        direction::check(spec, layer, &edges, out);
        direction::downstream_mentions(spec, &text.as_str(), layer, &edges, ws, out);
        lifecycle::check(spec, layer, &edges, out);
    }
    drift::check(spec, text, ws, out);
    coverage::check(spec, ws, &mut suggester, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::DEFAULT_MAX_FILE_SIZE as DEFAULT;

    #[test]
    fn cached_local_findings_follow_the_file_and_match_a_full_check() {
        let ws = Workspace::new();
        let path = PathBuf::from("/p/specs/stack/a.md");
        let v1 = "---\nid: STK-A\nstatus: draft\ncreated: 2025-01-01T00:00:00Z\n---\n# STK-A: a\n\n## Acceptance Criteria\n- [ ] STK-A-001: x\n";
        let v2 = "---\nid: STK-A\nstatus: wrong\n---\n# STK-A: a\n";
        let cache = LocalCache::default();
        let e1 = ws.upsert_text(path.clone(), v1.into());
        assert_eq!(check_entry_cached(&e1, &ws, &cache), check_entry(&e1, &ws));
        // Same version: served from the cache, same answer.
        assert_eq!(check_entry_cached(&e1, &ws, &cache), check_entry(&e1, &ws));
        // A new version is never answered with the old one's findings.
        let e2 = ws.upsert_text(path.clone(), v2.into());
        let got = check_entry_cached(&e2, &ws, &cache);
        assert_eq!(got, check_entry(&e2, &ws));
        assert!(got.iter().any(|f| f.code == "frontmatter/unknown-status"), "{got:?}");
        cache.forget(&path);
        assert!(cache.map.is_empty());
    }

    #[test]
    fn skipped_files_are_reported_once_with_why() {
        let p = fixture::project("//- specs/business/ok.md\n---\nid: BUS-OK\n---\n");
        let bad = p.path("deploy/app.env");
        std::fs::create_dir_all(bad.parent().unwrap()).unwrap();
        std::fs::write(&bad, b"TOKEN=\xff\xfe not UTF-8\n").unwrap();
        std::fs::write(p.path("deploy/blob.env"), b"\x00\x01binary").unwrap();
        let ws = Workspace::new();
        ws.index_folders(std::slice::from_ref(&p.root), 8, &|_, _| {});
        let small: Vec<(String, Option<Finding>)> = ws
            .skipped()
            .into_iter()
            .map(|(path, why)| (crate::paths::relative_to_root(&p.root, &path), skipped(&why)))
            .collect();
        let codes: Vec<(&str, &str)> =
            small.iter().filter_map(|(p, f)| f.as_ref().map(|f| (p.as_str(), f.code))).collect();
        assert_eq!(
            codes,
            [("deploy/app.env", "workspace/file-too-large"), ("specs/business/ok.md", "workspace/file-too-large")]
        );
        let ws = Workspace::new();
        ws.index_folders(std::slice::from_ref(&p.root), DEFAULT, &|_, _| {});
        let found: Vec<_> =
            ws.skipped().into_iter().map(|(_, why)| skipped(&why).map(|f| (f.code, f.message))).collect();
        assert_eq!(found, [Some(("workspace/unreadable", "file not indexed: not valid UTF-8".to_owned()))]);
    }
}
