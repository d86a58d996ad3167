use std::path::{Path, PathBuf};

use super::{Layer, Status};
use crate::parse::{Criterion, CriterionState, ParsedDoc};

/// One spec file: where it sits and what its text says.
#[derive(Clone, Debug)]
pub struct Spec {
    pub path: PathBuf,
    /// The project root holding it (nearest `.smaqit/`), if any.
    pub root: Option<PathBuf>,
    /// From the folder: `specs/<layer>/file.md`.
    pub layer: Option<Layer>,
    pub doc: ParsedDoc,
}

impl Spec {
    pub fn new(path: PathBuf, root: Option<PathBuf>, doc: ParsedDoc) -> Spec {
        // A spec drafted outside `specs/<layer>/` (before `smaqit init`)
        // has the layer its ID names.
        let layer = layer_of_path(&path).or_else(|| {
            let id = doc.frontmatter.as_ref()?.str_value("id")?.trim();
            crate::ids::is_spec_id(id).then(|| Layer::of_id(id)).flatten()
        });
        Spec { path, root, layer, doc }
    }

    pub fn id(&self) -> Option<&str> {
        self.doc.frontmatter.as_ref()?.str_value("id").map(str::trim).filter(|s| !s.is_empty())
    }

    pub fn status_text(&self) -> Option<&str> {
        self.doc.frontmatter.as_ref()?.str_value("status").map(str::trim)
    }

    /// The status, when it is one of the six valid values.
    pub fn status(&self) -> Option<Status> {
        Status::parse(self.status_text()?)
    }

    /// Why the smaqit CLI would treat this spec as a broken draft with id
    /// `UNKNOWN` (no frontmatter, unterminated, invalid YAML, no id or
    /// status), if it would.
    pub fn broken(&self) -> Option<String> {
        let Some(fm) = &self.doc.frontmatter else { return Some("no frontmatter".into()) };
        if !fm.terminated {
            return Some("unterminated frontmatter".into());
        }
        if let Some(e) = &fm.error {
            return Some(format!("invalid frontmatter: {}", e.message));
        }
        if self.id().is_none() {
            return Some("frontmatter has no id".into());
        }
        if self.status_text().is_none_or(str::is_empty) {
            return Some("frontmatter has no status".into());
        }
        None
    }

    /// The status the smaqit CLI acts on: a broken spec counts as a draft;
    /// None for a status outside the six values.
    pub fn effective_status(&self) -> Option<Status> {
        if self.broken().is_some() {
            return Some(Status::Draft);
        }
        self.status()
    }

    /// Whether `offset` is under a heading that says what the spec leaves
    /// to others (`Excluded`, `Out of Scope`, `Non-goals`), until the next
    /// heading at that level or above: what a spec excludes, it does not
    /// choose or reference.
    pub fn in_excluded_section(&self, offset: usize) -> bool {
        let mut under: Vec<(u8, bool)> = Vec::new();
        for h in self.doc.headings().take_while(|h| h.range.start < offset) {
            under.retain(|(level, _)| *level < h.level);
            let t = h.text.to_ascii_lowercase();
            under.push((
                h.level,
                t.starts_with("excluded") || t.starts_with("out of scope") || t.starts_with("non-goals"),
            ));
        }
        under.iter().any(|(_, e)| *e)
    }

    pub fn timestamp(&self, key: &str) -> Option<&str> {
        self.doc.frontmatter.as_ref()?.str_value(key)
    }

    pub fn title(&self) -> Option<String> {
        self.doc.title().map(|h| h.text)
    }

    pub fn criteria(&self) -> impl Iterator<Item = Criterion> + '_ {
        self.doc.criteria()
    }

    /// (satisfied, total) over testable criteria.
    pub fn criteria_counts(&self) -> (usize, usize) {
        let testable = self.criteria().filter(|c| !c.untestable);
        testable.fold((0, 0), |(s, t), c| (s + usize::from(c.state == CriterionState::Satisfied), t + 1))
    }

    /// Path relative to the project root, with forward slashes.
    pub fn relative_path(&self) -> String {
        match &self.root {
            Some(root) => crate::paths::relative_to_root(root, &self.path),
            None => crate::paths::slash(&self.path),
        }
    }
}

/// Layer of a file at `.../specs/<layer>/<file>.md`.
pub fn layer_of_path(path: &Path) -> Option<Layer> {
    let parent = path.parent()?;
    let grand = parent.parent()?;
    if grand.file_name()? != "specs" {
        return None;
    }
    Layer::from_folder(parent.file_name()?.to_str()?)
}

/// Whether a path is a spec: a Markdown file directly in `specs/<layer>/`.
pub fn is_spec_path(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")) && layer_of_path(path).is_some()
}
