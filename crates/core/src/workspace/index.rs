use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dashmap::DashMap;

use super::facts::{self, Pin, StackPin};
use super::walk::{WalkError, WalkOptions, walk};
use crate::model::{Layer, Spec, is_spec_path};
use crate::parse::{ParsedDoc, parse};
use crate::text::{LazyLineIndex, SourceText};
use smaqit_secrets::{Scanner, SecretFinding};

/// Where a project lists the fingerprints of values it allows.
pub const ALLOWLIST: &str = ".smaqit/secrets-allowlist";

/// An indexed spec: its model, the text it was parsed from and the
/// hardcoded secrets found in it.
#[derive(Debug)]
pub struct FileEntry {
    pub spec: Spec,
    pub text: SourceText,
    pub secrets: Vec<SecretFinding>,
    /// Stack specs: the versions the Technology Stack tables pin.
    pub stack_pins: Vec<StackPin>,
    /// Infrastructure specs: the versions their fenced Dockerfile, YAML and
    /// Terraform blocks use.
    pub pins: Vec<Pin>,
    /// Hash of what other files' checks can see of this spec (computed once).
    pub interface: u64,
    /// Line starts of `text`, for positions (built when first asked).
    pub lines: LazyLineIndex,
}

/// What other files' checks can see of a spec: its ID, layer, status and
/// title, its criteria, the IDs and files it names, its version pins.
/// Positions are left out: moving text changes nothing for others.
fn interface_of(spec: &Spec, stack_pins: &[StackPin], pins: &[Pin]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in stack_pins {
        (p.technology, &p.version).hash(&mut h);
    }
    for p in pins {
        (p.technology, &p.version).hash(&mut h);
    }
    (spec.id(), spec.layer, spec.status_text(), spec.doc.interface_hash()).hash(&mut h);
    h.finish()
}

/// An indexed IaC or config file (Terraform, YAML, .env, Dockerfile, …).
#[derive(Debug)]
pub struct IacEntry {
    pub path: PathBuf,
    pub text: SourceText,
    pub secrets: Vec<SecretFinding>,
    /// The project root holding it (nearest `.smaqit/`), if any.
    pub root: Option<PathBuf>,
    /// The runtime and service versions it uses (`FROM node:20`, …).
    pub pins: Vec<Pin>,
    /// Line starts of `text`, for positions (built when first asked).
    pub lines: LazyLineIndex,
}

/// One project's ID namespace.
#[derive(Debug, Default)]
struct Scope {
    by_id: DashMap<String, Vec<PathBuf>>,
    criteria: DashMap<String, Vec<(PathBuf, Range<usize>)>>,
    /// Test cases Coverage specs define (their maps and Gherkin headers).
    test_cases: DashMap<String, Vec<PathBuf>>,
    /// Spec IDs that criteria are numbered after (`FUN-A` for `FUN-A-001`),
    /// with how many: a spec ID no file claims may still be implied.
    owners: DashMap<String, usize>,
    /// ID (spec or criterion) → files that link to it or mention it.
    referrers: DashMap<String, Vec<PathBuf>>,
    /// The project's Coverage specs: whether the Validate phase has begun.
    coverage: DashMap<PathBuf, ()>,
    /// Upstream specs with testable criteria, in layer then path order,
    /// and how many such criteria each has: what Coverage must map.
    testable: std::sync::Mutex<std::collections::BTreeMap<(Layer, PathBuf), usize>>,
}

impl Scope {
    fn defines(&self, id: &str) -> bool {
        self.by_id.contains_key(id) || self.criteria.contains_key(id) || self.test_cases.contains_key(id)
    }
}

/// Whether the index reads `path`: specs and scannable IaC/config files.
pub fn is_indexed_path(path: &Path) -> bool {
    is_spec_path(path)
        || smaqit_secrets::is_scannable_path(path)
        || path.ends_with(crate::project::environments::ENVIRONMENTS_FILE)
        || path.ends_with(crate::project::config::CONFIG_FILE)
}

/// A project's `.smaqit/smaqit-ls.toml`, read once and kept until it
/// changes: the defaults when it is missing or does not parse.
#[derive(Debug, Default)]
pub struct Policy {
    pub config: crate::project::config::Config,
    exclude: Option<globset::GlobSet>,
}

impl Policy {
    fn load(root: &Path) -> Policy {
        let config = crate::project::config::load(root).unwrap_or_default();
        let mut b = globset::GlobSetBuilder::new();
        for g in &config.files.exclude {
            if let Ok(g) = globset::Glob::new(g) {
                b.add(g);
            }
        }
        let exclude = (!config.files.exclude.is_empty()).then(|| b.build().ok()).flatten();
        Policy { config, exclude }
    }

    /// Whether the team excluded `path` (relative to `root`) from checks.
    pub fn excludes(&self, root: &Path, path: &Path) -> bool {
        self.exclude.as_ref().is_some_and(|s| path.strip_prefix(root).is_ok_and(|rel| s.is_match(rel)))
    }
}

/// The index. Shared between the LSP's tasks; every map is concurrent.
#[derive(Default)]
pub struct Workspace {
    specs: DashMap<PathBuf, Arc<FileEntry>>,
    iac: DashMap<PathBuf, Arc<IacEntry>>,
    /// Specs and IaC files that pin versions (few): what drift checks scan.
    pinned_specs: DashMap<PathBuf, ()>,
    pinned_iac: DashMap<PathBuf, ()>,
    /// Include/exclude globs from the settings or the command line.
    filter: std::sync::RwLock<super::FileFilter>,
    /// Fingerprints of values a project allows, per project root.
    allowlists: DashMap<PathBuf, Arc<std::collections::HashSet<String>>>,
    /// Each project's `.smaqit/smaqit-ls.toml`.
    policies: DashMap<PathBuf, Arc<Policy>>,
    /// Each project's IDs (its root: the folder holding `.smaqit/`): two
    /// projects in one workspace may reuse IDs, and a file outside any
    /// project defines none.
    scopes: DashMap<PathBuf, Arc<Scope>>,
    /// Files the walk had to skip, with why.
    skipped: DashMap<PathBuf, WalkError>,
}

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set_filter(&self, filter: super::FileFilter) {
        *self.filter.write().unwrap_or_else(|p| p.into_inner()) = filter;
    }

    pub fn filter(&self) -> super::FileFilter {
        self.filter.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Adds or replaces a spec from its text and (possibly incremental) parse.
    pub fn upsert(&self, path: PathBuf, text: SourceText, doc: ParsedDoc) -> Arc<FileEntry> {
        let secrets = Scanner::shared().scan(&path, &text.as_str());
        self.upsert_scanned(path, text, doc, secrets)
    }

    /// Adds or replaces a spec whose secrets were already scanned (open
    /// documents re-scan only the region an edit touched).
    pub fn upsert_scanned(
        &self,
        path: PathBuf,
        text: SourceText,
        doc: ParsedDoc,
        secrets: Vec<SecretFinding>,
    ) -> Arc<FileEntry> {
        let root = crate::project::find_root(&path);
        let spec = Spec::new(path.clone(), root, doc);
        let (stack_pins, pins) = match spec.layer {
            Some(Layer::Stack) => (facts::stack_pins(&spec, &text.as_str()), Vec::new()),
            Some(Layer::Infrastructure) => (Vec::new(), facts::code_block_pins(&text.as_str())),
            _ => (Vec::new(), Vec::new()),
        };
        let interface = interface_of(&spec, &stack_pins, &pins);
        let entry =
            Arc::new(FileEntry { spec, text, secrets, stack_pins, pins, interface, lines: LazyLineIndex::default() });
        if entry.stack_pins.is_empty() && entry.pins.is_empty() {
            self.pinned_specs.remove(&path);
        } else {
            self.pinned_specs.insert(path.clone(), ());
        }
        let old = self.specs.insert(path.clone(), entry.clone());
        self.skipped.remove(&path);
        // The referrers map changes only when the set of IDs named changes.
        let same_ids = old.as_ref().is_some_and(|o| o.spec.doc.ids_hash() == entry.spec.doc.ids_hash());
        if let Some(old) = old {
            self.unlink(&old, !same_ids);
        }
        self.link(&entry, !same_ids);
        entry
    }

    /// Parses `text` and indexes it.
    pub fn upsert_text(&self, path: PathBuf, text: Arc<str>) -> Arc<FileEntry> {
        let doc = parse(&*text);
        self.upsert(path, SourceText::Str(text), doc)
    }

    /// Adds or replaces an IaC/config file.
    pub fn upsert_iac(&self, path: PathBuf, text: SourceText, secrets: Option<Vec<SecretFinding>>) -> Arc<IacEntry> {
        let secrets = secrets.unwrap_or_else(|| Scanner::shared().scan(&path, &text.as_str()));
        let pins = if facts::iac_kind(&path).is_some() { facts::iac_pins(&path, &text.as_str()) } else { Vec::new() };
        let root = crate::project::find_root(&path);
        let entry =
            Arc::new(IacEntry { path: path.clone(), text, secrets, root, pins, lines: LazyLineIndex::default() });
        if entry.pins.is_empty() {
            self.pinned_iac.remove(&path);
        } else {
            self.pinned_iac.insert(path.clone(), ());
        }
        self.skipped.remove(&path);
        self.iac.insert(path, entry.clone());
        entry
    }

    /// Specs that pin versions (Stack tables, Infrastructure code blocks).
    pub fn pinned_specs(&self) -> Vec<Arc<FileEntry>> {
        let paths: Vec<PathBuf> = self.pinned_specs.iter().map(|e| e.key().clone()).collect();
        let mut v: Vec<_> = paths.iter().filter_map(|p| self.get(p)).collect();
        v.sort_by(|a, b| a.spec.path.cmp(&b.spec.path));
        v
    }

    /// IaC files that pin versions.
    pub fn pinned_iac(&self) -> Vec<Arc<IacEntry>> {
        let paths: Vec<PathBuf> = self.pinned_iac.iter().map(|e| e.key().clone()).collect();
        let mut v: Vec<_> = paths.iter().filter_map(|p| self.get_iac(p)).collect();
        v.sort_by(|a, b| a.path.cmp(&b.path));
        v
    }

    pub fn get_iac(&self, path: &Path) -> Option<Arc<IacEntry>> {
        self.iac.get(path).map(|e| e.clone())
    }

    /// Every indexed IaC/config file, sorted by path.
    pub fn iac_files(&self) -> Vec<Arc<IacEntry>> {
        let mut v: Vec<_> = self.iac.iter().map(|e| e.value().clone()).collect();
        v.sort_by(|a, b| a.path.cmp(&b.path));
        v
    }

    /// Indexes a file read from disk, as a spec or an IaC file.
    pub fn upsert_file(&self, path: PathBuf, text: String) {
        if crate::project::is_spec_file(&path, &text) {
            self.upsert_text(path, Arc::from(text));
        } else {
            self.upsert_iac(path, SourceText::Str(Arc::from(text)), None);
        }
    }

    /// Fingerprints allowed by the project holding `root`'s
    /// `.smaqit/secrets-allowlist` (one per line, `#` comments).
    pub fn allowlist(&self, root: &Path) -> Arc<std::collections::HashSet<String>> {
        if let Some(a) = self.allowlists.get(root) {
            return a.clone();
        }
        let set: std::collections::HashSet<String> = std::fs::read_to_string(root.join(ALLOWLIST))
            .unwrap_or_default()
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect();
        let set = Arc::new(set);
        self.allowlists.insert(root.to_path_buf(), set.clone());
        set
    }

    /// Forgets cached allowlists (after the file changed).
    /// The project's configuration (the defaults outside any project).
    pub fn policy(&self, root: Option<&Path>) -> Arc<Policy> {
        let Some(root) = root else { return Arc::default() };
        if let Some(p) = self.policies.get(root) {
            return p.clone();
        }
        let p = Arc::new(Policy::load(root));
        self.policies.insert(root.to_path_buf(), p.clone());
        p
    }

    /// Forgets the configurations read, after one changed.
    pub fn reload_policies(&self) {
        self.policies.clear();
    }

    pub fn reload_allowlists(&self) {
        self.allowlists.clear();
    }

    pub fn remove(&self, path: &Path) -> Option<Arc<FileEntry>> {
        self.skipped.remove(path);
        self.iac.remove(path);
        self.pinned_iac.remove(path);
        self.pinned_specs.remove(path);
        let (_, old) = self.specs.remove(path)?;
        self.unlink(&old, true);
        Some(old)
    }

    pub fn get(&self, path: &Path) -> Option<Arc<FileEntry>> {
        self.specs.get(path).map(|e| e.clone())
    }

    /// The specs of the project at `root` whose frontmatter `id` is `id`
    /// (none outside a project).
    pub fn by_id(&self, root: Option<&Path>, id: &str) -> Vec<Arc<FileEntry>> {
        let Some(scope) = self.scope(root) else { return Vec::new() };
        let paths = scope.by_id.get(id).map(|v| v.clone()).unwrap_or_default();
        paths.iter().filter_map(|p| self.get(p)).collect()
    }

    /// Every indexed spec, sorted by path.
    pub fn specs(&self) -> Vec<Arc<FileEntry>> {
        let mut v: Vec<_> = self.specs.iter().map(|e| e.value().clone()).collect();
        v.sort_by(|a, b| a.spec.path.cmp(&b.spec.path));
        v
    }

    pub fn len(&self) -> usize {
        self.specs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }

    pub fn iac_len(&self) -> usize {
        self.iac.len()
    }

    pub fn skipped(&self) -> Vec<(PathBuf, WalkError)> {
        let mut v: Vec<_> = self.skipped.iter().map(|e| (e.key().clone(), e.value().clone())).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    pub fn mark_skipped(&self, path: PathBuf, why: WalkError) {
        self.remove(&path);
        self.skipped.insert(path, why);
    }

    /// Walks `roots` and indexes every spec below them, parsing on all cores.
    /// Returns the number of files read (specs and others).
    pub fn index_folders(
        &self,
        roots: &[PathBuf],
        max_file_size: u64,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> usize {
        let filter = self.filter();
        let files = walk(roots, &WalkOptions { max_file_size, filter });
        let total = files.len();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        // Hand each thread its files by value, so every file's text is freed
        // as soon as it is indexed (peak memory holds one copy, not two).
        let mut parts: Vec<Vec<_>> = (0..threads).map(|_| Vec::new()).collect();
        for (i, f) in files.into_iter().enumerate() {
            parts[i % threads].push(f);
        }
        std::thread::scope(|scope| {
            for part in parts {
                let done = &done;
                scope.spawn(move || {
                    for f in part {
                        match f.content {
                            Ok(text) => self.upsert_file(f.path, text),
                            Err(e) => self.mark_skipped(f.path, e),
                        }
                        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        if n.is_multiple_of(64) || n == total {
                            progress(n, total);
                        }
                    }
                });
            }
        });
        total
    }

    /// The ID namespace of the project at `root`.
    fn scope(&self, root: Option<&Path>) -> Option<Arc<Scope>> {
        self.scopes.get(root?).map(|s| s.clone())
    }

    fn link(&self, entry: &FileEntry, referrers: bool) {
        let Some(root) = &entry.spec.root else { return };
        let scope = self.scopes.entry(root.clone()).or_default().clone();
        // Most IDs have one definition: a first push into an empty Vec would
        // reserve four (9.6 MB of the criteria map alone at 10,000 specs).
        let path = &entry.spec.path;
        if let Some(id) = entry.spec.id() {
            scope.by_id.entry(id.to_owned()).or_insert_with(|| Vec::with_capacity(1)).push(path.clone());
        }
        for c in entry.spec.criteria() {
            if let Some((owner, _)) = crate::ids::criterion_parts(&c.id) {
                *scope.owners.entry(owner.to_owned()).or_default() += 1;
            }
            scope.criteria.entry(c.id).or_insert_with(|| Vec::with_capacity(1)).push((path.clone(), c.id_range));
        }
        if let Some(n) = coverage_duty(&entry.spec) {
            let layer = entry.spec.layer.unwrap_or(Layer::Business);
            scope.testable.lock().unwrap_or_else(|p| p.into_inner()).insert((layer, path.clone()), n);
        }
        if entry.spec.layer == Some(Layer::Coverage) {
            scope.coverage.insert(path.clone(), ());
            for t in entry.spec.test_cases() {
                scope.test_cases.entry(t.id).or_insert_with(|| Vec::with_capacity(1)).push(path.clone());
            }
        }
        if referrers {
            for id in referenced_ids(entry) {
                scope.referrers.entry(id).or_insert_with(|| Vec::with_capacity(1)).push(path.clone());
            }
        }
    }

    fn unlink(&self, entry: &FileEntry, referrers: bool) {
        let Some(scope) = self.scope(entry.spec.root.as_deref()) else { return };
        let path = &entry.spec.path;
        if let Some(id) = entry.spec.id() {
            remove_where(&scope.by_id, id, |p| p == path);
        }
        for c in entry.spec.criteria() {
            if let Some((owner, _)) = crate::ids::criterion_parts(&c.id) {
                let gone = scope.owners.get_mut(owner).is_some_and(|mut n| {
                    *n -= 1;
                    *n == 0
                });
                if gone {
                    scope.owners.remove_if(owner, |_, n| *n == 0);
                }
            }
            remove_where(&scope.criteria, &c.id, |(p, _)| p == path);
        }
        if coverage_duty(&entry.spec).is_some() {
            let layer = entry.spec.layer.unwrap_or(Layer::Business);
            scope.testable.lock().unwrap_or_else(|p| p.into_inner()).remove(&(layer, path.clone()));
        }
        if entry.spec.layer == Some(Layer::Coverage) {
            scope.coverage.remove(path);
            for t in entry.spec.test_cases() {
                remove_where(&scope.test_cases, &t.id, |p| p == path);
            }
        }
        if referrers {
            for id in referenced_ids(entry) {
                remove_where(&scope.referrers, &id, |p| p == path);
            }
        }
    }

    /// Every place the project at `root` defines the criterion `id`:
    /// (path, range of the ID).
    pub fn criterion_definitions(&self, root: Option<&Path>, id: &str) -> Vec<(PathBuf, Range<usize>)> {
        self.scope(root).and_then(|s| s.criteria.get(id).map(|v| v.clone())).unwrap_or_default()
    }

    /// Whether the project at `root` defines the criterion `id` in a file
    /// other than `path`.
    pub fn criterion_defined_outside(&self, root: Option<&Path>, id: &str, path: &Path) -> bool {
        self.scope(root).is_some_and(|s| s.criteria.get(id).is_some_and(|v| v.iter().any(|(p, _)| p != path)))
    }

    /// The files of the project at `root` that link to or mention `id`.
    pub fn referrers(&self, root: Option<&Path>, id: &str) -> Vec<PathBuf> {
        self.scope(root).and_then(|s| s.referrers.get(id).map(|v| v.clone())).unwrap_or_default()
    }

    /// Whether the project at `root` defines `id`: as a spec, a criterion
    /// or a Coverage spec's test case.
    pub fn is_defined(&self, root: Option<&Path>, id: &str) -> bool {
        self.scope(root).is_some_and(|s| s.defines(id))
    }

    /// Whether some criterion of the project at `root` is numbered after
    /// the spec ID `id` (its spec may carry another id by mistake).
    pub fn numbers_criteria(&self, root: Option<&Path>, id: &str) -> bool {
        self.scope(root).is_some_and(|s| s.owners.contains_key(id))
    }

    /// How many Coverage specs the project at `root` has (none before the
    /// Validate phase).
    pub fn coverage_specs(&self, root: Option<&Path>) -> usize {
        self.scope(root).map_or(0, |s| s.coverage.len())
    }

    /// The upstream specs of the project at `root` that have testable
    /// criteria (which Coverage must map), in layer then path order, with
    /// how many each has.
    pub fn coverage_duties(&self, root: Option<&Path>) -> Vec<(PathBuf, usize)> {
        let Some(scope) = self.scope(root) else { return Vec::new() };
        let set = scope.testable.lock().unwrap_or_else(|p| p.into_inner());
        set.iter().map(|((_, p), n)| (p.clone(), *n)).collect()
    }

    /// The first `n` of [`Workspace::coverage_duties`], without copying the rest.
    pub fn first_coverage_duties(&self, root: Option<&Path>, n: usize) -> Vec<PathBuf> {
        let Some(scope) = self.scope(root) else { return Vec::new() };
        let set = scope.testable.lock().unwrap_or_else(|p| p.into_inner());
        set.keys().take(n).map(|(_, p)| p.clone()).collect()
    }

    /// The specs of the project at `root`, sorted by path.
    pub fn project_specs(&self, root: Option<&Path>) -> Vec<Arc<FileEntry>> {
        let Some(root) = root else { return Vec::new() };
        let mut v: Vec<_> =
            self.specs.iter().filter(|e| e.spec.root.as_deref() == Some(root)).map(|e| e.value().clone()).collect();
        v.sort_by(|a, b| a.spec.path.cmp(&b.spec.path));
        v
    }

    /// A lookup of [`Workspace::is_defined`] for one project, for checks
    /// that ask about many IDs.
    pub fn defined_in(&self, root: Option<&Path>) -> impl Fn(&str) -> bool + use<> {
        let scope = self.scope(root);
        move |id| scope.as_ref().is_some_and(|s| s.defines(id))
    }

    /// Every spec and criterion ID the project at `root` defines (for
    /// suggestions and completion).
    pub fn all_ids(&self, root: Option<&Path>) -> Vec<String> {
        let Some(scope) = self.scope(root) else { return Vec::new() };
        let mut v: Vec<String> = scope.by_id.iter().map(|e| e.key().clone()).collect();
        v.extend(scope.criteria.iter().map(|e| e.key().clone()));
        v.extend(scope.test_cases.iter().map(|e| e.key().clone()));
        v.sort();
        v.dedup();
        v
    }
}

/// How many testable criteria a Coverage spec must map in `spec`: for a
/// Business, Functional, Stack or Infrastructure spec that is not
/// deprecated and has some (spec-format §2: all four upstream layers).
pub fn coverage_duty(spec: &Spec) -> Option<usize> {
    let layer = spec.layer?;
    if layer == Layer::Coverage || spec.status() == Some(crate::model::Status::Deprecated) {
        return None;
    }
    let n = spec.criteria().filter(|c| !c.untestable).count();
    (n > 0).then_some(n)
}

/// IDs a spec refers to (link labels and mentions), once each, from the
/// sets each section computed when it was parsed.
fn referenced_ids(entry: &FileEntry) -> Vec<String> {
    let mut ids: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for s in &entry.spec.doc.sections {
        ids.extend(s.section.ids.iter().map(String::as_str));
    }
    ids.into_iter().map(str::to_owned).collect()
}

fn remove_where<T>(map: &DashMap<String, Vec<T>>, key: &str, pred: impl Fn(&T) -> bool) {
    let empty = match map.get_mut(key) {
        Some(mut v) => {
            v.retain(|x| !pred(x));
            v.is_empty()
        }
        None => false,
    };
    if empty {
        map.remove_if(key, |_, v| v.is_empty());
    }
}
