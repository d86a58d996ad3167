//! Navigation and editing help over the reference graph: what the cursor is
//! on, definitions, references, hover text, symbols, completion, renames,
//! link updates for moved files, code lenses. Pure functions of the index;
//! byte offsets in, byte offsets out.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::actions::TextEdit;
use crate::ids;
use crate::model::{Layer, Spec, Status};
use crate::parse::CriterionState;
use crate::paths::{normalize, relative as relative_path};
use crate::workspace::{FileEntry, Workspace};

/// What a position names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A spec or criterion ID.
    Id(String),
    /// A linked file.
    File(PathBuf),
}

/// The ID or link under `offset` in `spec`, with the span naming it.
pub fn target_at(spec: &Spec, offset: usize) -> Option<(Target, Range<usize>)> {
    let within = |r: &Range<usize>| r.start <= offset && offset <= r.end;
    if let Some(e) = spec.doc.frontmatter.as_ref().and_then(|f| f.get("id")).filter(|e| within(&e.value_range)) {
        return e.value.as_str().map(|id| (Target::Id(id.trim().to_owned()), e.value_range.clone()));
    }
    for l in spec.doc.links() {
        if within(&l.label_range) && ids::ID_PATTERN.is_match(&l.label) {
            return Some((Target::Id(l.label), l.label_range));
        }
        if within(&l.target_range) && !l.target.contains("://") {
            let base = spec.path.parent().unwrap_or(Path::new(""));
            let target = l.target.split('#').next().unwrap_or("");
            return Some((Target::File(normalize(&base.join(target))), l.target_range));
        }
    }
    if let Some(c) = spec.criteria().find(|c| within(&c.id_range)) {
        return Some((Target::Id(c.id), c.id_range));
    }
    spec.doc.mentions().filter(|m| within(&m.range)).last().map(|m| (Target::Id(m.id), m.range))
}

/// Where an ID is defined: a spec's frontmatter `id`, or a criterion line.
pub fn definitions(ws: &Workspace, id: &str) -> Vec<(PathBuf, Range<usize>)> {
    let mut out: Vec<(PathBuf, Range<usize>)> =
        ws.by_id(id).iter().map(|e| (e.spec.path.clone(), id_value_range(&e.spec).unwrap_or(0..0))).collect();
    out.extend(ws.criterion_definitions(id));
    out
}

fn id_value_range(spec: &Spec) -> Option<Range<usize>> {
    spec.doc.frontmatter.as_ref()?.get("id").map(|e| e.value_range.clone())
}

/// Every place naming `id`: link labels and mentions (and the definitions
/// when asked).
pub fn references(ws: &Workspace, id: &str, include_declaration: bool) -> Vec<(PathBuf, Range<usize>)> {
    let mut out = if include_declaration { definitions(ws, id) } else { Vec::new() };
    for path in ws.referrers(id) {
        let Some(e) = ws.get(&path) else { continue };
        out.extend(e.spec.doc.links().filter(|l| l.label == id).map(|l| (path.clone(), l.label_range)));
        out.extend(e.spec.doc.mentions().filter(|m| m.id == id).map(|m| (path.clone(), m.range)));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.start.cmp(&b.1.start)));
    out.dedup();
    out
}

/// Markdown shown on hover over an ID.
pub fn hover(ws: &Workspace, id: &str) -> Option<String> {
    if let Some(e) = ws.by_id(id).into_iter().next() {
        return Some(spec_card(&e, ws));
    }
    let (path, range) = ws.criterion_definitions(id).into_iter().next()?;
    let e = ws.get(&path)?;
    let c = e.spec.criteria().find(|c| c.id_range == range)?;
    let state = match c.state {
        CriterionState::Open => "open `[ ]`",
        CriterionState::Satisfied => "satisfied `[x]`",
        CriterionState::Failed => "failed `[!]`",
    };
    let mut s = format!("**{}** — {}\n\n{}{}", c.id, state, c.text, if c.untestable { " *(untestable)*" } else { "" });
    if let Some(n) = &c.note {
        s.push_str(&format!("\n\n> {n}"));
    }
    s.push_str(&format!("\n\nIn {} · `{}`", e.spec.id().unwrap_or("UNKNOWN"), e.spec.relative_path()));
    Some(s)
}

fn spec_card(e: &FileEntry, ws: &Workspace) -> String {
    let spec = &e.spec;
    let id = spec.id().unwrap_or("UNKNOWN");
    let mut s = format!("**{id}**");
    if let Some(t) = spec.title() {
        s.push_str(&format!(" — {t}"));
    }
    let layer = spec.layer.map_or("unknown layer".to_owned(), |l| l.to_string());
    s.push_str(&format!("\n\n{layer} · status `{}`", spec.status_text().unwrap_or("draft")));
    for key in ["created", "implemented", "deployed", "validated"] {
        if let Some(v) = spec.timestamp(key) {
            s.push_str(&format!(" · {key} {v}"));
        }
    }
    let (done, total) = spec.criteria_counts();
    s.push_str(&format!("\n\nCriteria: {done}/{total} satisfied · referenced by {} file(s)", ws.referrers(id).len()));
    s.push_str(&format!("\n\n`{}`", spec.relative_path()));
    s
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Heading,
    Criterion,
    Spec,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocSymbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole extent (a heading covers its section).
    pub range: Range<usize>,
    pub selection: Range<usize>,
    pub children: Vec<DocSymbol>,
}

/// Headings as a tree (each covering its section), criteria under theirs.
pub fn document_symbols(spec: &Spec) -> Vec<DocSymbol> {
    let headings: Vec<_> = spec.doc.headings().collect();
    let end = spec.doc.len;
    let mut flat: Vec<(u8, DocSymbol)> = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        // A heading's extent runs to the next heading of the same or a higher level.
        let stop = headings[i + 1..].iter().find(|n| n.level <= h.level).map_or(end, |n| n.range.start);
        flat.push((
            h.level,
            DocSymbol {
                name: h.text.clone(),
                detail: None,
                kind: SymbolKind::Heading,
                range: h.range.start..stop,
                selection: h.range.clone(),
                children: Vec::new(),
            },
        ));
    }
    for c in spec.criteria() {
        let state = match c.state {
            CriterionState::Open => "[ ]",
            CriterionState::Satisfied => "[x]",
            CriterionState::Failed => "[!]",
        };
        flat.push((
            7,
            DocSymbol {
                name: c.id.clone(),
                detail: Some(format!("{state} {}", c.text)),
                kind: SymbolKind::Criterion,
                range: c.range.clone(),
                selection: c.id_range.clone(),
                children: Vec::new(),
            },
        ));
    }
    flat.sort_by_key(|(_, s)| s.range.start);
    nest(flat)
}

/// Builds the tree from symbols sorted by start, each nesting inside the
/// nearest open symbol of a lower level that contains it.
fn nest(flat: Vec<(u8, DocSymbol)>) -> Vec<DocSymbol> {
    let mut stack: Vec<(u8, DocSymbol)> = Vec::new();
    let mut roots = Vec::new();
    let close = |stack: &mut Vec<(u8, DocSymbol)>, roots: &mut Vec<DocSymbol>| {
        if let Some((_, done)) = stack.pop() {
            match stack.last_mut() {
                Some((_, parent)) => parent.children.push(done),
                None => roots.push(done),
            }
        }
    };
    for (level, sym) in flat {
        while stack.last().is_some_and(|(l, s)| *l >= level || s.range.end <= sym.range.start) {
            close(&mut stack, &mut roots);
        }
        stack.push((level, sym));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WsSymbol {
    pub name: String,
    pub detail: String,
    pub kind: SymbolKind,
    pub path: PathBuf,
    pub range: Range<usize>,
}

/// Spec and criterion IDs whose name contains `query` (case-insensitive).
pub fn workspace_symbols(ws: &Workspace, query: &str, limit: usize) -> Vec<WsSymbol> {
    let q = query.to_ascii_uppercase();
    let mut out = Vec::new();
    for e in ws.specs() {
        if let Some(id) = e.spec.id().filter(|id| id.contains(&q)) {
            out.push(WsSymbol {
                name: id.to_owned(),
                detail: e.spec.title().unwrap_or_default(),
                kind: SymbolKind::Spec,
                path: e.spec.path.clone(),
                range: id_value_range(&e.spec).unwrap_or(0..0),
            });
        }
        for c in e.spec.criteria().filter(|c| c.id.contains(&q)) {
            out.push(WsSymbol {
                name: c.id,
                detail: c.text,
                kind: SymbolKind::Criterion,
                path: e.spec.path.clone(),
                range: c.id_range,
            });
        }
        if out.len() >= limit {
            break;
        }
    }
    out.truncate(limit);
    out
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Id,
    Link,
    Status,
    Heading,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub label: String,
    pub detail: String,
    pub kind: CompletionKind,
    /// What the completion replaces, and with what.
    pub replace: Range<usize>,
    pub new_text: String,
}

/// Completions at `offset`, given the line's text up to the cursor.
pub fn completions(ws: &Workspace, spec: &Spec, offset: usize, line_before: &str) -> Vec<Completion> {
    let mut out = Vec::new();
    let in_frontmatter = spec.doc.frontmatter.as_ref().is_some_and(|f| offset < f.range.end && offset > 3);
    if in_frontmatter {
        if let Some(rest) = line_before.strip_prefix("status:") {
            let typed = rest.trim_start();
            let start = offset - typed.len();
            for s in Status::ALL {
                out.push(Completion {
                    label: s.as_str().into(),
                    detail: s.timestamp_key().map_or(String::new(), |k| format!("also set `{k}:`")),
                    kind: CompletionKind::Status,
                    replace: start..offset,
                    new_text: s.as_str().into(),
                });
            }
        }
        return out;
    }
    let trimmed = line_before.trim_start();
    if (trimmed.starts_with("###") && !trimmed.contains(' ')) || trimmed == "### " || trimmed == "#### " {
        let start = offset - trimmed.len();
        let headings: &[&str] = match spec.layer {
            Some(Layer::Infrastructure) => &[
                "### Foundation Reference",
                "### Implements",
                "### Enables",
                "#### Business",
                "#### Functional",
                "#### Stack",
            ],
            Some(Layer::Coverage) => &["### Business", "### Functional", "### Stack", "### Infrastructure"],
            _ => &["### Foundation Reference", "### Implements", "### Enables"],
        };
        for h in headings {
            out.push(Completion {
                label: (*h).into(),
                detail: "References sub-heading".into(),
                kind: CompletionKind::Heading,
                replace: start..offset,
                new_text: (*h).into(),
            });
        }
        return out;
    }
    let base = spec.path.parent().unwrap_or(Path::new(""));
    // `[` → a whole reference link.
    if let Some(open) = line_before
        .rfind('[')
        .filter(|&i| line_before[i + 1..].bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'))
    {
        let typed = &line_before[open + 1..];
        let start = offset - typed.len();
        for e in ws.specs() {
            let Some(id) = e.spec.id().filter(|id| id.starts_with(typed) && Some(*id) != spec.id()) else { continue };
            let rel = relative_path(base, &e.spec.path);
            out.push(Completion {
                label: id.to_owned(),
                detail: format!("{} — {}", e.spec.title().unwrap_or_default(), e.spec.relative_path()),
                kind: CompletionKind::Link,
                replace: start..offset,
                new_text: format!("{id}]({rel})"),
            });
        }
        return out;
    }
    // A bare ID being typed.
    let word_start =
        line_before.rfind(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')).map_or(0, |i| i + 1);
    let typed = &line_before[word_start..];
    if typed.len() >= 3
        && ["BUS", "FUN", "STK", "INF", "COV"].iter().any(|p| typed.starts_with(p) || p.starts_with(typed))
    {
        let start = offset - typed.len();
        for id in ws.all_ids().into_iter().filter(|id| id.starts_with(typed)).take(200) {
            out.push(Completion {
                label: id.clone(),
                detail: String::new(),
                kind: CompletionKind::Id,
                replace: start..offset,
                new_text: id,
            });
        }
    }
    out
}

/// Edits renaming the ID `old` to `new` across the workspace: the spec's
/// `id`, criterion definitions, link labels and mentions — and, for a spec
/// ID, its criteria (`OLD-001` → `NEW-001`).
pub fn rename(ws: &Workspace, old: &str, new: &str) -> Result<Vec<(PathBuf, Vec<TextEdit>)>, String> {
    if !ids::is_spec_id(new) && !ids::is_criterion_id(new) {
        return Err(format!("`{new}` is not a smaqit ID (<PREFIX>-<CONCEPT>[-NNN])"));
    }
    if ws.is_defined(new) {
        return Err(format!("{new} is already defined"));
    }
    let is_spec = !ws.by_id(old).is_empty();
    let renamed = |token: &str| -> Option<String> {
        if token == old {
            return Some(new.to_owned());
        }
        let rest = token.strip_prefix(old)?.strip_prefix('-')?;
        (is_spec && rest.starts_with(|c: char| c.is_ascii_digit())).then(|| format!("{new}-{rest}"))
    };
    let mut out = Vec::new();
    for e in ws.specs() {
        let text = e.text.as_str();
        let mut edits = Vec::new();
        let mut push = |range: Range<usize>| {
            if let Some(token) = text.get(range.clone())
                && let Some(n) = renamed(token)
            {
                edits.push(TextEdit { range, new_text: n });
            }
        };
        if let Some(r) = id_value_range(&e.spec) {
            push(r);
        }
        e.spec.criteria().for_each(|c| push(c.id_range));
        e.spec.doc.links().for_each(|l| push(l.label_range));
        e.spec.doc.mentions().for_each(|m| push(m.range));
        edits.sort_by_key(|e| e.range.start);
        edits.dedup_by(|a, b| a.range == b.range);
        if !edits.is_empty() {
            out.push((e.spec.path.clone(), edits));
        }
    }
    Ok(out)
}

/// Link edits for moved spec files: every relative link to an old path
/// points at the new one.
pub fn file_moves(ws: &Workspace, moves: &[(PathBuf, PathBuf)]) -> Vec<(PathBuf, Vec<TextEdit>)> {
    let mut out = Vec::new();
    for e in ws.specs() {
        let from_dir = moves.iter().find(|(o, _)| *o == e.spec.path).map_or_else(
            || e.spec.path.parent().unwrap_or(Path::new("")).to_path_buf(),
            |(_, n)| n.parent().unwrap_or(Path::new("")).to_path_buf(),
        );
        let base = e.spec.path.parent().unwrap_or(Path::new("")).to_path_buf();
        let mut edits = Vec::new();
        for l in e.spec.doc.links().filter(|l| !l.target.contains("://")) {
            let (target, fragment) = l.target.split_once('#').map_or((l.target.as_str(), None), |(t, f)| (t, Some(f)));
            let resolved = normalize(&base.join(target));
            let moved_target = moves.iter().find(|(o, _)| *o == resolved).map(|(_, n)| n.clone());
            let self_moved = moves.iter().any(|(o, _)| *o == e.spec.path);
            if moved_target.is_none() && !self_moved {
                continue;
            }
            let new_target = moved_target.unwrap_or(resolved);
            let mut rel = relative_path(&from_dir, &new_target);
            if let Some(f) = fragment {
                rel = format!("{rel}#{f}");
            }
            if rel != l.target {
                edits.push(TextEdit { range: l.target_range, new_text: rel });
            }
        }
        if !edits.is_empty() {
            out.push((e.spec.path.clone(), edits));
        }
    }
    out
}

/// A code lens above a spec's title.
#[derive(Clone, Debug, PartialEq)]
pub struct Lens {
    pub range: Range<usize>,
    pub title: String,
    /// (command, argument) to run when clicked.
    pub command: Option<(String, serde_json::Value)>,
}

/// References and criteria above the title; "Deploy to <env>" on pending
/// Infrastructure specs.
pub fn lenses(ws: &Workspace, spec: &Spec, environments: &[String]) -> Vec<Lens> {
    let Some(title) = spec.doc.title() else { return Vec::new() };
    let mut out = Vec::new();
    let refs = spec.id().map_or(0, |id| ws.referrers(id).into_iter().filter(|p| *p != spec.path).count());
    let (done, total) = spec.criteria_counts();
    out.push(Lens {
        range: title.range.clone(),
        title: format!("{refs} reference(s) · criteria {done}/{total} satisfied"),
        command: None,
    });
    let pending = matches!(spec.effective_status(), Some(Status::Draft | Status::Failed));
    if spec.layer == Some(Layer::Infrastructure) && pending {
        for env in environments {
            out.push(Lens {
                range: title.range.clone(),
                title: format!("▶ Deploy to {env}"),
                command: Some(("smaqit.deploy".into(), serde_json::json!({ "environment": env }))),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;
    use std::sync::Arc;

    fn ws() -> Workspace {
        let ws = Workspace::new();
        let a = "---\nid: FUN-A\nstatus: deployed\ncreated: 2025-01-01\n---\n# A title\n## References\n- [BUS-B](../business/b.md)\n## Acceptance Criteria\n- [x] FUN-A-001: one\n";
        let b = "---\nid: BUS-B\nstatus: draft\ncreated: 2025-01-01\n---\n# B\nSee FUN-A-001 and FUN-A.\n";
        ws.upsert_text("/p/specs/functional/a.md".into(), Arc::from(a));
        ws.upsert_text("/p/specs/business/b.md".into(), Arc::from(b));
        ws
    }

    #[test]
    fn definition_references_rename() {
        let ws = ws();
        assert_eq!(definitions(&ws, "FUN-A-001")[0].0, PathBuf::from("/p/specs/functional/a.md"));
        let refs = references(&ws, "FUN-A", true);
        assert_eq!(refs.len(), 2);
        let edits = rename(&ws, "FUN-A", "FUN-AA").unwrap();
        let all: Vec<_> = edits.iter().flat_map(|(_, e)| e.iter().map(|e| e.new_text.as_str())).collect();
        assert_eq!(all.iter().filter(|t| **t == "FUN-AA").count(), 2);
        assert_eq!(all.iter().filter(|t| **t == "FUN-AA-001").count(), 2);
        assert!(rename(&ws, "FUN-A", "BUS-B").is_err());
        assert!(hover(&ws, "FUN-A").unwrap().contains("Criteria: 1/1"));
        let spec = ws.get(Path::new("/p/specs/functional/a.md")).unwrap();
        let up = crate::actions::upstream_to(&ws, &spec.spec, "2026-01-01T00:00:00Z");
        assert_eq!(up.len(), 1, "BUS-B is behind FUN-A");
    }

    #[test]
    fn symbols_nest_and_moves_relink() {
        let ws = ws();
        let spec = Spec::new(
            "/p/specs/functional/a.md".into(),
            None,
            parse("# T\n## References\n### Implements\n## Acceptance Criteria\n- [ ] FUN-A-002: x\n"),
        );
        let syms = document_symbols(&spec);
        assert_eq!(syms.len(), 1);
        assert_eq!(syms[0].children.len(), 2);
        assert_eq!(syms[0].children[1].children[0].name, "FUN-A-002");
        let moves = file_moves(&ws, &[("/p/specs/business/b.md".into(), "/p/specs/business/renamed.md".into())]);
        assert_eq!(moves[0].1[0].new_text, "../business/renamed.md");
    }
}
