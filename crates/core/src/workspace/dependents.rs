//! Who must be re-checked when a file changes: the one rule the shells ask
//! after every edit, file event or deploy write-back. Other files only see a
//! spec's interface (its ID, layer, status, title, criteria, what it names,
//! its version pins), so a prose edit re-checks nothing else.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{FileEntry, IacEntry, Workspace};
use crate::model::{Layer, Spec, Status, layer_of_path};

impl Workspace {
    /// Files whose findings may change when `before` (the indexed version,
    /// if any) becomes `after`: none when what others see is unchanged.
    pub fn affected_by_edit(&self, before: Option<&FileEntry>, after: &FileEntry) -> HashSet<PathBuf> {
        if before.is_some_and(|b| b.interface == after.interface) {
            return HashSet::new();
        }
        let mut out = self.dependents(after);
        out.extend(self.phase_dependents(before, after));
        // The old version's neighbours differ only if what it defines or
        // names changed (not for a status edit, the common case).
        if let Some(b) = before.filter(|b| !same_edges(b, after)) {
            out.extend(self.dependents(b));
        }
        out.extend(self.pin_counterparts(&after.spec.path));
        out.remove(&after.spec.path);
        out
    }

    /// Files whose findings may change when the IaC file `before` becomes
    /// `after`: the Stack specs comparing their pins with it, when its pins
    /// changed.
    pub fn affected_by_iac_edit(&self, before: Option<&IacEntry>, after: &IacEntry) -> Vec<PathBuf> {
        let changed = match before {
            Some(b) => b.pins != after.pins,
            None => !after.pins.is_empty(),
        };
        if changed { self.pin_counterparts(&after.path) } else { Vec::new() }
    }

    /// Files whose findings may change with `entry` whatever changed in it:
    /// duplicates of its IDs, files naming it or its criteria, and (for a
    /// Coverage spec) the specs it maps, whose coverage gaps depend on it.
    pub fn dependents(&self, entry: &FileEntry) -> HashSet<PathBuf> {
        // Hashed, not ordered: a hub has thousands of referrers and path
        // comparison walks components.
        let mut out = HashSet::new();
        let root = entry.spec.root.as_deref();
        for c in entry.spec.criteria() {
            out.extend(self.criterion_definitions(root, &c.id).into_iter().map(|(p, _)| p));
            out.extend(self.referrers(root, &c.id));
        }
        if let Some(id) = entry.spec.id() {
            out.extend(self.by_id(root, id).into_iter().map(|e| e.spec.path.clone()));
            out.extend(self.referrers(root, id));
        }
        if entry.spec.layer == Some(Layer::Coverage) {
            for m in entry.spec.doc.mentions() {
                out.extend(self.criterion_definitions(root, &m.id).into_iter().map(|(p, _)| p));
            }
            // The last Coverage spec gone: the project is back before
            // Validate, and no gap is a warning any more.
            if self.coverage_specs(root) == 0 {
                out.extend(self.coverage_duties(root).into_iter().map(|(p, _)| p));
            }
        }
        // The project's first specs with testable criteria: the first holds
        // the project's coverage note, and one that just lost its place
        // must drop it.
        out.extend(self.first_coverage_duties(root, 2));
        out.remove(&entry.spec.path);
        out
    }

    /// Files whose findings change because `after` starts the project's
    /// Validate phase: its first Coverage spec, new, makes every coverage
    /// gap of the project a warning.
    pub fn phase_dependents(&self, before: Option<&FileEntry>, after: &FileEntry) -> Vec<PathBuf> {
        let root = after.spec.root.as_deref();
        let first = before.is_none_or(|b| b.spec.layer != Some(Layer::Coverage))
            && after.spec.layer == Some(Layer::Coverage)
            && self.coverage_specs(root) == 1;
        if !first {
            return Vec::new();
        }
        self.coverage_duties(root).into_iter().map(|(p, _)| p).collect()
    }

    /// Files whose `drift/version` findings may change when `path` changes:
    /// for a Stack spec, the project's IaC files and Infrastructure specs that
    /// pin versions; for those, the project's Stack specs that pin versions.
    pub fn pin_counterparts(&self, path: &Path) -> Vec<PathBuf> {
        let Some(root) = crate::project::find_root(path) else { return Vec::new() };
        let active = |s: &Spec| s.effective_status() != Some(Status::Deprecated);
        let mut out: Vec<PathBuf> = match layer_of_path(path) {
            Some(Layer::Stack) => {
                let mut v: Vec<PathBuf> = self
                    .pinned_iac()
                    .into_iter()
                    .filter(|e| e.root.as_deref() == Some(root.as_path()) && !e.pins.is_empty())
                    .map(|e| e.path.clone())
                    .collect();
                v.extend(
                    self.pinned_specs()
                        .into_iter()
                        .filter(|e| {
                            !e.pins.is_empty()
                                && e.spec.layer == Some(Layer::Infrastructure)
                                && e.spec.root.as_deref() == Some(root.as_path())
                                && active(&e.spec)
                        })
                        .map(|e| e.spec.path.clone()),
                );
                v
            }
            // IaC files and Infrastructure specs: only Stack specs that pin a
            // version can report drift, so only they need a re-check (a hub
            // spec's edit must not re-check every Stack spec of the project).
            Some(Layer::Infrastructure) | None => self
                .pinned_specs()
                .into_iter()
                .filter(|e| {
                    !e.stack_pins.is_empty()
                        && e.spec.layer == Some(Layer::Stack)
                        && e.spec.root.as_deref() == Some(root.as_path())
                        && active(&e.spec)
                })
                .map(|e| e.spec.path.clone())
                .collect(),
            Some(_) => Vec::new(),
        };
        out.sort();
        out.dedup();
        out.retain(|p| p != path);
        out
    }
}

/// Whether two versions of a spec have the same neighbours: same ID and
/// layer, same criteria, same IDs named.
fn same_edges(a: &FileEntry, b: &FileEntry) -> bool {
    a.spec.id() == b.spec.id()
        && a.spec.layer == b.spec.layer
        && a.spec.doc.ids_hash() == b.spec.doc.ids_hash()
        && a.spec.criteria().map(|c| c.id).eq(b.spec.criteria().map(|c| c.id))
}
